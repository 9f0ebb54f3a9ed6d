"""Benchmark of the pythia source: events/s, the share of time spent in Python, and the two-chunk speed-up.

Run as ``python benchmarks/bench_pythia.py`` (``--help`` for sizes). Every
number comes from this run: medians over ``--repeats``, ratios of medians.

- Throughput: QCD dijets (the bulk of any study) with the default options
  (MPI and hadronisation on, anti-kt R = 1). The time in ``nextBatch``
  (Pythia, including its conversion to awkward) is told apart from the time
  in Python: final-state selection, clustering, constituents, columns.
- Two chunks on two cores: two processes generating one chunk each (as two
  Snakemake jobs would) against one process generating both, timed inside
  already started worker processes so that interpreter start-up is left out.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time

from topoae import logs

OPTIONS = {"signal": {"process": "zprime", "mass": 3500.0}}


def profile(n_events: int, seed: int) -> dict[str, float]:
    """Seconds spent in Pythia's init, in nextBatch, and in Python for ``n_events`` QCD events."""
    from topoae.generate import pythia as source

    options = source.with_defaults(OPTIONS)
    start = time.perf_counter()
    pythia = source.make_pythia(source.settings("qcd", options, seed))
    init = time.perf_counter() - start
    generated = source.batches(pythia, n_events, options["batch_size"])
    in_pythia = in_python = 0.0
    parts = []
    while True:
        start = time.perf_counter()
        batch = next(generated, None)
        middle = time.perf_counter()
        if batch is None:
            break
        parts.append(source.event_columns(batch, options["jets"]))
        end = time.perf_counter()
        in_pythia += middle - start
        in_python += end - middle
    start = time.perf_counter()
    source.concatenate(parts)
    in_python += time.perf_counter() - start
    return {"init": init, "pythia": in_pythia, "python": in_python}


def _start_worker(log: str) -> None:
    logs.to_file(log)
    import fastjet  # noqa: F401
    import pythia8mc  # noqa: F401

    import topoae.generate.pythia  # noqa: F401


def _wait(_: int) -> None:
    time.sleep(0.2)  # long enough that every worker of the pool takes one, once started


def chunks(indices: list[int], n_background: int, n_signal: int) -> tuple[float, float, float]:
    """Wall-clock start and end, and CPU seconds, of generating the given chunks one after the other."""
    from topoae.generate import generate_chunk

    start, cpu = time.time(), time.process_time()
    for index in indices:
        generate_chunk("pythia", OPTIONS, n_background, n_signal, 0.5, 1, "bench", index)
    return start, time.time(), time.process_time() - cpu


def speed_up(pool, n_background: int, n_signal: int) -> dict[str, float]:
    """Seconds for two chunks in one process and in two at once, and the CPU seconds each used."""
    start, end, serial_cpu = pool.apply(chunks, ([0, 1], n_background, n_signal))
    spans = pool.starmap(chunks, [([0], n_background, n_signal), ([1], n_background, n_signal)], chunksize=1)
    parallel = max(e for _, e, _ in spans) - min(s for s, _, _ in spans)
    cpus = [c for *_, c in spans]
    return {
        "serial": end - start,
        "parallel": parallel,
        "serial_cpu": serial_cpu,
        "parallel_cpu": sum(cpus),
        "slowest_cpu": max(cpus),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300, help="QCD events per throughput repeat")
    parser.add_argument("--chunk-background", type=int, default=100, help="background events per chunk")
    parser.add_argument("--chunk-signal", type=int, default=10, help="signal events per chunk")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    # Pythia's banners and listings go to a log, as in a workflow job; the results to the terminal.
    log = os.path.join(tempfile.mkdtemp(prefix="bench_pythia."), "pythia.log")
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    logs.to_file(log)
    report(args, log, lambda line="": print(line, file=out))


def report(args: argparse.Namespace, log: str, say) -> None:
    """Run both measurements and ``say`` their medians and ratios."""
    say(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}; Pythia's output: {log}")

    runs = [profile(args.events, seed) for seed in range(1, args.repeats + 1)]
    init = statistics.median(r["init"] for r in runs)
    rate = statistics.median(args.events / (r["pythia"] + r["python"]) for r in runs)
    share = statistics.median(r["python"] / (r["pythia"] + r["python"]) for r in runs)
    per_event_pythia = statistics.median(r["pythia"] / args.events for r in runs)
    per_event_python = statistics.median(r["python"] / args.events for r in runs)
    say(f"\nthroughput, {args.events} QCD events x {args.repeats} repeats (MPI, hadronisation, anti-kt R=1):")
    say(f"  init                      median {init:8.3f} s")
    say(f"  events/s (after init)     median {rate:8.1f}")
    say(f"  Pythia nextBatch / event  median {1e3 * per_event_pythia:8.2f} ms")
    say(f"  Python / event            median {1e3 * per_event_python:8.2f} ms")
    say(f"  Python share of the time  median {100 * share:8.1f} %   (goal < 30 %)")

    context = multiprocessing.get_context("spawn")
    with context.Pool(2, initializer=_start_worker, initargs=(log,)) as pool:
        pool.map(_wait, range(4), chunksize=1)
        timings = [speed_up(pool, args.chunk_background, args.chunk_signal) for _ in range(args.repeats)]
    keys = ("serial", "parallel", "serial_cpu", "parallel_cpu", "slowest_cpu")
    serial, parallel, serial_cpu, parallel_cpu, slowest_cpu = (
        statistics.median(t[key] for t in timings) for key in keys
    )
    n = 2 * (args.chunk_background + args.chunk_signal)
    say(f"\ntwo chunks of {args.chunk_background} + {args.chunk_signal} events, {args.repeats} repeats:")
    say(f"  one process, both chunks  median {serial:8.3f} s  ({n / serial:6.1f} events/s)")
    say(f"  two processes, one each   median {parallel:8.3f} s  ({n / parallel:6.1f} events/s)")
    efficiency = 50 * serial / parallel
    say(f"  speed-up                         {serial / parallel:8.2f} x  (ideal 2: {efficiency:.0f} %)")
    ratios = [t["serial"] / t["parallel"] for t in timings]
    say(f"  speed-up per repeat              {', '.join(f'{r:.2f}' for r in ratios)}")
    say(f"  CPU seconds, one / two procs     {serial_cpu:8.2f} / {parallel_cpu:.2f}")
    say(
        f"  cores used, one / two procs      {serial_cpu / serial:8.2f} / {parallel_cpu / parallel:.2f}"
        "  (CPU s per wall s; below 1 / 2 means other load took the cores)"
    )
    say(
        f"  speed-up in CPU time             {serial_cpu / slowest_cpu:8.2f} x  (one process's CPU s over"
        " the slower chunk's: the wall-clock speed-up with two free cores)"
    )
    say(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
