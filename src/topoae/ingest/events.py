"""From what a reader read (one bounded step) to events in the topoae format."""

from __future__ import annotations

from dataclasses import dataclass, field

import awkward as ak
import numpy as np
import vector

from topoae.ingest.errors import IngestError, listing
from topoae.ingest.spec import CARTESIAN, POLAR, Group, kind_of
from topoae.io import FOURVEC_FIELDS


@dataclass
class RawStep:
    """One step of one file, as read: four-vector components and event-level columns."""

    location: str
    entry_start: int
    n: int
    components: dict[str, ak.Array | float]
    sources: dict[str, str]
    columns: dict[str, ak.Array] = field(default_factory=dict)
    default_label: str | None = None


def requested_columns(spec: dict, group: Group) -> dict[str, str]:
    """The event-level branches a group needs (weight, label, truth), each with its config key."""
    keys: dict[str, str] = {}
    if spec.get("weight_branch"):
        keys.setdefault(spec["weight_branch"], "weight_branch")
    if group.label_branch:
        keys.setdefault(group.label_branch, f"{group.key}.label_branch")
    for out, name in (spec.get("truth_branches") or {}).items():
        keys.setdefault(name, f"truth_branches.{out}")
    return keys


def check_columns(names: list[str], wanted: dict[str, str], location: str, where: str) -> None:
    """Every requested event-level branch exists, or a located error listing those that do."""
    for column, key in wanted.items():
        if column not in names:
            raise IngestError(
                f"{location}: no branch '{column}' (config key '{where}.{key}'); " + listing(names, column)
            )


def _jagged(array: ak.Array, name: str, location: str) -> ak.Array:
    """Objects per event as a var-length list: a flat branch is one object per event."""
    if array.ndim == 1:
        return ak.unflatten(array, 1)
    if array.ndim == 2:
        return ak.from_regular(array, axis=1)
    raise IngestError(
        f"{location}: branch '{name}' has {array.ndim - 1} levels of lists; "
        "a four-vector branch needs one list of objects per event"
    )


def _flat_components(step: RawStep) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Flat float64 components and the object counts, after checking the branches agree."""
    arrays = {c: a for c, a in step.components.items() if not isinstance(a, int | float)}
    jagged = {c: _jagged(a, step.sources[c], step.location) for c, a in arrays.items()}
    counts = {c: ak.to_numpy(ak.num(a, axis=1)) for c, a in jagged.items()}
    first, reference = next(iter(counts.items()))
    for component, n in counts.items():
        bad = np.flatnonzero(n != reference)
        if bad.size:
            i = bad[0]
            raise IngestError(
                f"{step.location}: jagged branches of unequal lengths: entry {step.entry_start + i} has "
                f"{reference[i]} objects in '{step.sources[first]}' but {n[i]} in '{step.sources[component]}'"
            )
    flat = {c: ak.to_numpy(ak.flatten(a, axis=1)).astype(np.float64) for c, a in jagged.items()}
    total = int(reference.sum())
    for c, value in step.components.items():
        if c not in flat:
            flat[c] = np.full(total, float(value))
    return flat, reference


def _cartesian(flat: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """(px, py, pz, E) from either kind of components, through vector."""
    kind = kind_of(flat)
    if kind == CARTESIAN:
        return {c: flat[c] for c in CARTESIAN}
    p = vector.array({c: flat[c] for c in POLAR})
    return {"px": p.px, "py": p.py, "pz": p.pz, "E": p.E}


def _check_finite(p: dict[str, np.ndarray], counts: np.ndarray, step: RawStep) -> None:
    bad = ~np.logical_and.reduce([np.isfinite(v) for v in p.values()])
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        entry = int(np.searchsorted(np.cumsum(counts), first, side="right"))
        values = ", ".join(f"{c}={p[c][first]:g}" for c in FOURVEC_FIELDS)
        raise IngestError(
            f"{step.location}: non-finite momenta at entry {step.entry_start + entry} "
            f"(branches {', '.join(step.sources.values())}): {values}"
        )


def _column(step: RawStep, name: str, role: str) -> np.ndarray:
    array = step.columns[name]
    if array.ndim != 1:
        raise IngestError(
            f"{step.location}: {role} branch '{name}' has a list per event; it needs one number per event"
        )
    return ak.to_numpy(array)


def _labels(step: RawStep, group: Group, where: str) -> np.ndarray:
    name = group.label_branch or (step.default_label if group.label is None else None)
    if name is None:
        return np.full(step.n, group.label or 0, np.int8)
    values = _column(step, name, "label")
    bad = np.flatnonzero(~np.isin(values, (0, 1)))
    if bad.size:
        raise IngestError(
            f"{step.location}: label branch '{name}' (config key '{where}.{group.key}."
            f"label_branch') is {values[bad[0]]!r} at entry {step.entry_start + bad[0]}; "
            "labels are 0 (background) or 1 (signal)"
        )
    return values.astype(np.int8)


def _weights(step: RawStep, spec: dict) -> np.ndarray:
    name = spec.get("weight_branch")
    if not name:
        return np.ones(step.n)
    weights = _column(step, name, "weight").astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(weights))
    if bad.size:
        raise IngestError(
            f"{step.location}: weight branch '{name}' is {weights[bad[0]]} "
            f"at entry {step.entry_start + bad[0]}"
        )
    return weights


def _select(p: dict[str, np.ndarray], counts: np.ndarray, selection: dict) -> ak.Array:
    """Objects above min_pt, leading first, at most max_objects of them, as Momentum4D lists."""
    particles = ak.unflatten(ak.zip(p, with_name="Momentum4D"), counts)
    pt = ak.unflatten(np.hypot(p["px"], p["py"]), counts)
    if selection.get("min_pt", 0.0) > 0:
        keep = pt >= selection["min_pt"]
        particles, pt = particles[keep], pt[keep]
    if selection.get("sort_by_pt", True):
        particles = particles[ak.argsort(pt, axis=1, ascending=False, stable=True)]
    if selection.get("max_objects") is not None:
        particles = particles[:, : selection["max_objects"]]
    # One packed layout for every step, so that all steps share one Parquet schema.
    flat = ak.flatten(particles, axis=1)
    fields = {c: ak.to_numpy(flat[c]).astype(np.float64) for c in FOURVEC_FIELDS}
    return ak.unflatten(ak.zip(fields, with_name="Momentum4D"), ak.to_numpy(ak.num(particles, axis=1)))


def to_events(step: RawStep, spec: dict, group: Group, where: str) -> dict[str, np.ndarray | ak.Array]:
    """Event columns (particles, weight, label, truth) of one step, after the selection."""
    flat, counts = _flat_components(step)
    p = _cartesian(flat)
    _check_finite(p, counts, step)
    selection = spec.get("selection") or {}
    particles = _select(p, counts, selection)
    columns = {"particles": particles, "weight": _weights(step, spec), "label": _labels(step, group, where)}
    for out, name in (spec.get("truth_branches") or {}).items():
        columns[out] = _column(step, name, "truth").astype(np.float64)
    keep = ak.to_numpy(ak.num(particles, axis=1)) >= selection.get("min_objects", 0)
    return {k: v[keep] for k, v in columns.items()}
