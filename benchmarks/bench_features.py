"""Feature sets, events/s and memory/event: topoae.features.compute against a plain numpy einsum.

Every feature set runs on 1 million massless 3-body RAMBO events (jet_invariants
on a smaller sample of synthetic jets: fastjet reclusters every jet), all timed
in this run, interleaved, medians over repeats. The baseline is the invariants
written by hand in numpy (an einsum Gram matrix) on the (N, 3, 4) momenta;
topoae's time covers the whole compute(): input checks, the leading-object
selection, the invariants and the DataFrame.
Run: python benchmarks/bench_features.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
import warnings

import awkward as ak
import numpy as np
from common import print_table

from topoae import features
from topoae.generate import particles_array, rambo

SQRT_S = 1000.0
METRIC = np.array([-1.0, -1.0, -1.0, 1.0])


def numpy_invariants(momenta: np.ndarray) -> np.ndarray:
    """s_ij / s of all pairs from the Gram matrix p_i.p_j, written directly in numpy."""
    gram = np.einsum("nia,nja->nij", momenta * METRIC, momenta)
    s = gram.sum(axis=(1, 2))
    i, j = np.triu_indices(momenta.shape[1], 1)
    diagonal = np.diagonal(gram, axis1=1, axis2=2)
    return (diagonal[:, i] + diagonal[:, j] + 2 * gram[:, i, j]) / s[:, None]


def rambo_events(n_events: int) -> tuple[np.ndarray, ak.Array]:
    momenta = rambo.massless(np.random.default_rng(1), n_events, 3, SQRT_S)
    events = ak.zip(
        {
            "particles": particles_array(momenta),
            "label": np.zeros(n_events, np.int8),
            "split": np.zeros(n_events, np.int8),
            "weight": np.ones(n_events),
        },
        depth_limit=1,
    )
    return momenta, events


def jet_events(n_events: int, per_jet: int = 20) -> ak.Array:
    """Two synthetic jets per event: sprays of massless constituents 0.3 wide, 100-800 GeV."""
    rng = np.random.default_rng(2)
    shape = (n_events, 2, per_jet)
    pt = rng.uniform(100, 800, (n_events, 2, 1)) * rng.dirichlet(np.ones(per_jet), (n_events, 2))
    y = rng.uniform(-2, 2, (n_events, 2, 1)) + rng.uniform(-0.3, 0.3, shape)
    phi = (
        rng.uniform(-np.pi, np.pi, (n_events, 1, 1))
        + np.pi * np.arange(2)[:, None]
        + rng.uniform(-0.3, 0.3, shape)
    )
    momenta = np.stack([pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(y), pt * np.cosh(y)], axis=-1)
    constituents = ak.from_regular(particles_array(momenta.reshape(-1, per_jet, 4)), axis=1)
    constituents = ak.unflatten(constituents, 2)
    jets = momenta.sum(axis=2)
    order = np.argsort(-np.hypot(jets[..., 0], jets[..., 1]), axis=1)
    return ak.zip(
        {
            "jets": particles_array(np.take_along_axis(jets, order[..., None], axis=1)),
            "constituents": constituents[ak.from_regular(order)],
            "label": np.zeros(n_events, np.int8),
            "split": np.zeros(n_events, np.int8),
        },
        depth_limit=1,
    )


def peak_bytes(function) -> int:
    """Peak memory allocated (numpy and Python heaps, via tracemalloc) while ``function`` runs."""
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def interleaved_medians(functions: dict, repeats: int) -> dict[str, float]:
    """Median wall time of each function, the repeats interleaved so that load drifts hit all alike."""
    for function in functions.values():
        function()
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main(quick: bool) -> None:
    n_events, n_jets, repeats = (200_000, 5_000, 3) if quick else (1_000_000, 20_000, 5)
    momenta, events = rambo_events(n_events)
    sets = {
        name: (lambda name=name: features.compute(events, name, {"k": 3}))
        for name in ("invariants", "dalitz", "rest_frame", "raw")
    }
    timed = interleaved_medians(
        {"numpy einsum invariants": lambda: numpy_invariants(momenta), **sets}, repeats
    )
    baseline = timed["numpy einsum invariants"]

    dijets = jet_events(n_jets)
    warnings.filterwarnings("ignore", message="dcut and exclusive jets")
    jet_options = {"k": 2, "n_subjets": 2}
    jet_time = interleaved_medians(
        {
            "jet_invariants": lambda: features.compute(dijets, "jet_invariants", jet_options),
            "  of which fastjet subjets": lambda: features.exclusive_subjets(dijets.constituents, 2),
        },
        repeats,
    )

    input_bytes = events.layout.nbytes / n_events
    rows = [
        (
            "numpy einsum invariants",
            f"{n_events:,}",
            f"{baseline:.3f}",
            f"{n_events / baseline:,.0f}",
            "1.00",
            f"{peak_bytes(lambda: numpy_invariants(momenta)) / n_events:.0f}",
        )
    ]
    for name, seconds in timed.items():
        if name in sets:
            rows.append(
                (
                    name,
                    f"{n_events:,}",
                    f"{seconds:.3f}",
                    f"{n_events / seconds:,.0f}",
                    f"{baseline / seconds:.2f}",
                    f"{peak_bytes(sets[name]) / n_events:.0f}",
                )
            )
    for name, seconds in jet_time.items():
        memory = peak_bytes(lambda: features.compute(dijets, "jet_invariants", jet_options)) / n_jets
        rows.append(
            (
                name,
                f"{n_jets:,}",
                f"{seconds:.3f}",
                f"{n_jets / seconds:,.0f}",
                "-",
                f"{memory:.0f}" if name == "jet_invariants" else "-",
            )
        )
    print_table(
        f"features, events/s (median of {repeats}, interleaved, wall time)",
        rows,
        ("feature set", "events", "seconds", "events/s", "speed vs numpy", "peak bytes/event"),
    )
    ratio = baseline / timed["invariants"]
    print(
        f"\ninvariants (awkward + vector, whole compute) at {ratio:.2f} x the speed of plain numpy "
        f"(goal >= 0.5: {'met' if ratio >= 0.5 else 'NOT met'})"
    )
    print(
        f"input events: {input_bytes:.0f} bytes/event (3 x 4 float64 momenta, offsets, label/split/weight);\n"
        "peak bytes/event: extra memory allocated during the call (tracemalloc; fastjet's C++ heap not seen)"
    )
    print(
        f"jet_invariants on {n_jets:,} synthetic dijet events (2 jets x 20 massless constituents), "
        "exclusive kt subjets reclustered by fastjet"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller samples, for a smoke test")
    main(parser.parse_args().quick)
