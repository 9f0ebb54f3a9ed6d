"""Benchmark: ingest a NanoAOD-like ROOT TTree of 1 million events; events/s and peak RSS.

    python benchmarks/bench_ingest.py [--quick] [--events N] [--repeats R] [--step-size S]

The benchmark writes the file itself with uproot (``mktree`` + ``extend``, jets
zipped so that they share one counter branch), then ingests it ``--repeats``
times, each in a fresh process so that every peak RSS is that run's own.
It prints a table and one JSON line with the medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import awkward as ak
import numpy as np
import uproot
from common import print_table

SRC = Path(__file__).resolve().parents[1] / "src"
WRITE_CHUNK = 100_000

# Runs in a child process: ingest once, then report the wall time and this process's peak RSS.
CHILD = """
import json, sys, time
sys.path.insert(0, {src!r})
sys.path.insert(0, {here!r})
from common import peak_rss_mb
from topoae.ingest import ingest_to_parquet
spec = json.loads({spec!r})
start = time.perf_counter()
n = ingest_to_parquet(spec, "bench", 0.5, 1, {output!r})
seconds = time.perf_counter() - start
print(json.dumps({{"events": n, "seconds": seconds,
                  "peak_rss_mb": peak_rss_mb()}}))
"""

# The floor, in a child process too: uproot reading the same branches in the same steps, nothing else.
BASELINE = """
import json, sys, time
sys.path.insert(0, {here!r})
import uproot
from common import peak_rss_mb
start = time.perf_counter()
n = 0
branches = ["Jet_pt", "Jet_eta", "Jet_phi", "Jet_mass", "genWeight", "isSignal"]
for step in uproot.iterate({path!r} + ":Events", branches, step_size={step_size}):
    n += len(step)
print(json.dumps({{"events": n, "seconds": time.perf_counter() - start, "peak_rss_mb": peak_rss_mb()}}))
"""


def write_tree(path: Path, n_events: int, seed: int = 0) -> None:
    """A TTree ``Events`` with Jet_pt/eta/phi/mass (float32, 2..10 jets), a weight and a label."""
    rng = np.random.default_rng(seed)
    with uproot.recreate(path) as file:
        tree = None
        for start in range(0, n_events, WRITE_CHUNK):
            n = min(WRITE_CHUNK, n_events - start)
            counts = rng.integers(2, 11, n)
            total = int(counts.sum())
            jets = ak.zip(
                {
                    "pt": ak.unflatten((rng.exponential(40.0, total) + 20.0).astype(np.float32), counts),
                    "eta": ak.unflatten(rng.normal(0.0, 1.5, total).astype(np.float32), counts),
                    "phi": ak.unflatten(rng.uniform(-np.pi, np.pi, total).astype(np.float32), counts),
                    "mass": ak.unflatten(rng.exponential(8.0, total).astype(np.float32), counts),
                }
            )
            branches = {
                "Jet": jets,
                "genWeight": rng.normal(1.0, 0.1, n).astype(np.float32),
                "isSignal": (rng.random(n) < 0.1).astype(np.int32),
            }
            if tree is None:
                tree = file.mktree(
                    "Events", {k: ak.type(v).content if k == "Jet" else v.dtype for k, v in branches.items()}
                )
            tree.extend(branches)


def spec(path: Path, step_size: int) -> dict:
    return {
        "inputs": [{"files": str(path), "label": None, "label_branch": "isSignal"}],
        "format": "auto",
        "tree": "Events",
        "collection": "Jet",
        "branches": None,
        "weight_branch": "genWeight",
        "truth_branches": {},
        "step_size": step_size,
        "selection": {"min_pt": 30.0, "max_objects": 6, "min_objects": 2, "sort_by_pt": True},
    }


def run_once(path: Path, output: Path, step_size: int, baseline: bool = False) -> dict:
    here = str(Path(__file__).resolve().parent)
    if baseline:
        code = BASELINE.format(here=here, path=str(path), step_size=step_size)
    else:
        code = CHILD.format(
            src=str(SRC), here=here, spec=json.dumps(spec(path, step_size)), output=str(output)
        )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200k events, one repeat, for a smoke test")
    parser.add_argument("--events", type=int, default=None, help="default 1,000,000 (200,000 with --quick)")
    parser.add_argument("--repeats", type=int, default=None, help="default 3 (1 with --quick)")
    parser.add_argument("--step-size", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the input file here between runs")
    args = parser.parse_args(argv)
    n_events = args.events or (200_000 if args.quick else 1_000_000)
    repeats = args.repeats or (1 if args.quick else 3)

    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.workdir or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / f"bench_{n_events}.root"
        if not path.exists():
            start = time.perf_counter()
            write_tree(path, n_events)
            size = path.stat().st_size / 2**20
            print(f"wrote {path} ({size:.0f} MiB) in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        runs, floor = [], []
        for _ in range(repeats):  # interleaved, so that both see the same machine load
            runs.append(run_once(path, Path(scratch) / "events.parquet", args.step_size))
            floor.append(run_once(path, Path(scratch) / "events.parquet", args.step_size, baseline=True))
    summary = {
        "input_events": n_events,
        "step_size": args.step_size,
        "repeats": repeats,
        "events_written": runs[0]["events"],
        "median_seconds": statistics.median(r["seconds"] for r in runs),
        "median_events_per_s": statistics.median(n_events / r["seconds"] for r in runs),
        "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
        "uproot_read_seconds": statistics.median(r["seconds"] for r in floor),
        "uproot_read_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in floor),
    }
    summary["time_vs_uproot_read"] = summary["median_seconds"] / summary["uproot_read_seconds"]
    print_table(
        f"ingest of a {n_events:,}-event NanoAOD-like TTree, step {args.step_size:,} (medians of {repeats})",
        [
            (
                f"{n_events:,}",
                f"{summary['events_written']:,}",
                f"{summary['median_seconds']:.2f}",
                f"{summary['median_events_per_s']:,.0f}",
                f"{summary['median_peak_rss_mb']:.0f}",
            )
        ],
        ("events read", "events written", "seconds", "events/s", "peak RSS MB"),
    )
    print(
        "baseline, uproot.iterate of the same branches and steps alone: "
        f"{summary['uproot_read_seconds']:.2f} s, "
        f"peak RSS {summary['uproot_read_peak_rss_mb']:.0f} MB; ingest takes "
        f"{summary['time_vs_uproot_read']:.2f} x the time of the bare read"
    )
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
