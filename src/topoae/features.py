"""Feature sets: events (awkward) -> flat float tables, plus the standardisation."""

from __future__ import annotations

from itertools import combinations

import awkward as ak
import numpy as np
import pandas as pd
import vector

vector.register_awkward()

CARRIED_COLUMNS = ("label", "split", "weight", "resonance_mass")


class FeatureError(ValueError):
    """Events that cannot be turned into the requested features."""


def leading(particles: ak.Array, k: int, dataset: str = "dataset") -> ak.Array:
    """The k leading objects of every event as a regular (N, k) array.

    Events with fewer than k objects are an error: the policy for them is the
    caller's (see :func:`select_multiplicity`).
    """
    counts = ak.num(particles, axis=1)
    short = int(ak.sum(counts < k))
    if short:
        raise FeatureError(f"{dataset}: {short} events have fewer than k={k} objects")
    return ak.to_regular(particles[:, :k], axis=1)


def invariants(particles: ak.Array, k: int, dataset: str = "dataset") -> dict[str, np.ndarray]:
    """Pairwise s_ij = (p_i + p_j)^2 of the k leading objects, divided by s of all k.

    For massive objects the m_i^2 / s are added as columns, so that together
    they fix the system up to a Lorentz transformation.
    """
    p = vector.Array(leading(particles, k, dataset))
    total = p[:, 0]
    for i in range(1, k):
        total = total + p[:, i]
    s = ak.to_numpy(total.tau2)
    columns = {f"s{i + 1}{j + 1}": ak.to_numpy((p[:, i] + p[:, j]).tau2) / s for i, j in combinations(range(k), 2)}
    masses2 = {f"m{i + 1}sq": ak.to_numpy(p[:, i].tau2) / s for i in range(k)}
    if max(np.max(np.abs(m)) for m in masses2.values()) > 1e-9:
        columns.update(masses2)
    return columns


def coordinates(points: ak.Array) -> dict[str, np.ndarray]:
    """The coordinates of points in R^n as columns x1..xn."""
    array = ak.to_numpy(ak.to_regular(points, axis=1))
    return {f"x{i + 1}": array[:, i] for i in range(array.shape[1])}


def compute(events: ak.Array, feature_set: str, options: dict, dataset: str = "dataset") -> pd.DataFrame:
    """The feature table of ``events`` with the label, split and truth columns carried."""
    if feature_set == "invariants":
        columns = invariants(events.particles, options.get("k", 3), dataset)
    elif feature_set == "coordinates":
        columns = coordinates(events.coordinates)
    else:
        raise FeatureError(f"{dataset}: unknown feature set '{feature_set}'")
    frame = pd.DataFrame(columns)
    bad = int((~np.isfinite(frame.to_numpy())).any(axis=1).sum())
    if bad:
        raise FeatureError(f"{dataset}: {bad} events give non-finite '{feature_set}' features")
    for name in CARRIED_COLUMNS:
        if name in events.fields:
            frame[name] = ak.to_numpy(events[name])
    return frame


def fit_scaler(frame: pd.DataFrame, feature_names: list[str]) -> dict[str, list[float]]:
    """Mean and scale per feature, fitted on the training background only."""
    train = frame[(frame["split"] == 0) & (frame["label"] == 0)][feature_names].to_numpy()
    scale = train.std(axis=0)
    return {"mean": train.mean(axis=0).tolist(), "scale": np.where(scale > 0, scale, 1.0).tolist()}


def standardise(frame: pd.DataFrame, feature_names: list[str], scaler: dict) -> np.ndarray:
    x = frame[feature_names].to_numpy(dtype=np.float64)
    return (x - np.asarray(scaler["mean"])) / np.asarray(scaler["scale"])
