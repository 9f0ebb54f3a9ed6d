"""Event sources: each returns an awkward array of events in the topoae format."""

from __future__ import annotations

from collections.abc import Sequence

import awkward as ak
import numpy as np

from topoae.generate import rambo, toy
from topoae.io import FOURVEC_FIELDS, read_events
from topoae.splits import assign_split, chunk_rng


def particles_array(momenta: np.ndarray) -> ak.Array:
    """(N, n, 4) momenta in (px, py, pz, E) order as jagged Momentum4D records."""
    fields = {name: np.ascontiguousarray(momenta[..., i]) for i, name in enumerate(FOURVEC_FIELDS)}
    return ak.from_regular(ak.zip(fields, with_name="Momentum4D"), axis=1)


def rambo_events(
    rng: np.random.Generator,
    n_background: int,
    n_signal: int,
    n_particles: int,
    sqrt_s: float,
    masses: Sequence[float] | None = None,
    signal: dict | None = None,
    unweight: bool = True,
) -> dict[str, np.ndarray | ak.Array]:
    """Flat phase-space background and resonance signal as event columns."""
    masses = np.zeros(n_particles) if masses is None else np.asarray(masses, dtype=float)
    background, weights = _unweighted(
        rng, n_background, unweight, lambda n: rambo.massive(rng, n, masses, sqrt_s)
    )
    columns = [(background, weights, np.full(n_background, np.nan))]
    if n_signal:
        sig = signal or {}
        pair = tuple(sig.get("pair", (0, 1)))
        momenta, sig_weights, m_x = rambo.resonance(
            rng, n_signal, masses, sqrt_s, sig["mass"], sig["width"], pair
        )
        columns.append((momenta, sig_weights, m_x))
    momenta, weights, m_x = (np.concatenate(c) for c in zip(*columns, strict=True))
    return {
        "particles": particles_array(momenta),
        "weight": weights,
        "resonance_mass": m_x,
        "label": np.repeat(np.array([0, 1], np.int8), [n_background, n_signal]),
    }


def _unweighted(rng: np.random.Generator, n: int, unweight: bool, draw) -> tuple[np.ndarray, np.ndarray]:
    """Draw until ``n`` events survive hit-or-miss unweighting (when asked)."""
    momenta, weights = draw(n)
    if not unweight or np.ptp(weights) == 0:
        return momenta, weights
    kept_p, total = [], 0
    w_max, w_mean = weights.max(), weights.mean()
    while total < n:
        keep = rng.random(len(weights)) * w_max < weights
        kept_p.append(momenta[keep])
        total += keep.sum()
        momenta, weights = draw(max(n - total, 1) * 2)
    # Unit-weight events carry the mean weight so that sums still estimate the volume.
    return np.concatenate(kept_p)[:n], np.full(n, w_mean)


def toy_events(
    rng: np.random.Generator, n_background: int, n_signal: int, **options
) -> dict[str, np.ndarray | ak.Array]:
    """Points on a toy manifold (label 0) and anomalies (label 1) as event columns."""
    points, labels = toy.sample(rng, n_background=n_background, n_signal=n_signal, **options)
    return {
        "coordinates": ak.from_regular(ak.Array(points), axis=1),
        "weight": np.ones(len(points)),
        "label": labels,
    }


def pythia_events(rng: np.random.Generator, n_background: int, n_signal: int, **options) -> dict:
    """Pythia 8 collider events; imported here so other sources do not need pythia8mc."""
    from topoae.generate.pythia import pythia_events as generate

    return generate(rng, n_background, n_signal, **options)


SOURCES = {"rambo": rambo_events, "toy": toy_events, "pythia": pythia_events}


def generate_chunk(
    source: str,
    options: dict,
    n_background: int,
    n_signal: int,
    test_fraction: float,
    seed: int,
    dataset: str,
    chunk: int,
) -> ak.Array:
    """One chunk of a generated dataset, with labels and a train/test split."""
    rng = chunk_rng(seed, dataset, chunk)
    columns = SOURCES[source](rng, n_background, n_signal, **options)
    n = len(columns["label"])
    order = rng.permutation(n)
    columns = {k: v[order] for k, v in columns.items()}
    columns["split"] = assign_split(rng, n, test_fraction)
    return ak.zip(columns, depth_limit=1)


def merge(paths: Sequence[str]) -> tuple[ak.Array, dict]:
    """Concatenate chunk files in order; the first chunk's metadata describes the whole."""
    parts = [read_events(p) for p in paths]
    metadata = dict(parts[0][1], chunks=len(parts))
    return ak.concatenate([events for events, _ in parts]), metadata
