"""Feature sets: events (awkward) -> flat float tables (their conventions and scaler: topoae.tables).

A dataset's ``features:`` block chooses one set (``workflow/schemas/features.schema.yaml``):

``invariants``
    s_ij = (p_i + p_j)^2 / s for each pair of the k leading objects, with
    s = (sum of the k objects)^2; columns ``s12, s13, ...`` (``s1_2, ...`` when
    k >= 10). Columns ``m{i}sq`` = m_i^2 / s are added for massive objects
    (``masses: auto`` adds those of objects massive in any event). Lorentz
    invariant.
``dalitz``
    The two Dalitz variables ``s12``, ``s23`` (each / s) of a 3-body system
    (k = 3). Lorentz invariant.
``jet_invariants``
    Collider events (``jets`` and ``constituents``): the masses ``m_j1..m_jk``
    of the k leading jets and their invariant mass ``m_jj`` (GeV), and the
    ``invariants`` of the k x n_subjets exclusive kt subjets of those jets, as
    ``sub_s12, ..., sub_m1sq, ...`` (normalised by the subjets' total s). Subjet
    ``a`` of jet ``j`` is object ``(j - 1) * n_subjets + a``; subjets are pT
    ordered within their jet. Invariant given the subjets; the subjet finding
    (kt distances in rapidity and azimuth) is invariant only under boosts along
    the beam axis and rotations about it.
``rest_frame``
    NOT Lorentz invariant: frame-dependent by design. The k leading objects
    boosted to their centre-of-mass frame, divided by sqrt(s), columns
    ``px{i}, py{i}, pz{i}, E{i}``. With ``orientation: canonical`` (default)
    each event is then rotated so that object 1 points along +z and object 2
    lies in the x-z plane with px > 0; the components zero by that
    construction are left out (``px1, py1, py2``; also ``px2`` for k = 2 and
    ``py3`` for k = 3, by momentum conservation). The result is unchanged by
    any boost or rotation of the input. With ``orientation: none`` the
    rotation is not applied: massless n-body events then fill the sphere
    S^(3n-4) that topology-matched latent spaces are built for, but the
    columns change under rotations and (by Wigner rotations) under boosts.
``raw``
    The k leading four-momenta as stored, ``px{i}, py{i}, pz{i}, E{i}`` (GeV).
``coordinates``
    Points of a toy manifold, ``x1..xn``.

Leading objects are the first k of the collection in stored order: jets are
stored pT ordered; particles keep their generated order, which is what makes
the invariant sets invariant under every boost (a pT ordering would not be).

Events with fewer than k objects (for ``jet_invariants``: fewer than k jets,
or a leading jet with fewer than n_subjets constituents) follow ``missing``:
``drop`` removes them, and the number is logged to ``topoae.features``;
``pad`` keeps them, with missing objects' columns set to 0, ``mask{i}``
(``mask_sub{i}`` for subjets) columns 1 for present and 0 for missing objects,
and all normalised columns 0 in events with fewer than two objects.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import awkward as ak
import numpy as np
import pandas as pd
import vector

from topoae import jets as jetlib
from topoae import lorentz
from topoae.io import FOURVEC_FIELDS as FOURVEC

# Re-exported: the table conventions and the scaler lived here first, and other modules import them.
from topoae.tables import CARRIED_COLUMNS as CARRIED_COLUMNS
from topoae.tables import MASK_PREFIX
from topoae.tables import feature_names as feature_names
from topoae.tables import fit_scaler as fit_scaler
from topoae.tables import standardise as standardise

vector.register_awkward()

log = logging.getLogger("topoae.features")

FEATURE_SETS = ("invariants", "dalitz", "jet_invariants", "rest_frame", "raw", "coordinates")
DEFAULT_K = {"invariants": 3, "dalitz": 3, "jet_invariants": 2, "rest_frame": 3, "raw": 3}
MIN_K = {"invariants": 2, "dalitz": 3, "jet_invariants": 1, "rest_frame": 2, "raw": 1}
# m_i^2 / s below this in every event counts as massless (rounding of boosted massless momenta is ~1e-14).
MASSLESS = 1e-9


class FeatureError(ValueError):
    """Events that cannot be turned into the requested features."""


@dataclass(frozen=True)
class Options:
    """A features block with its defaults resolved."""

    feature_set: str
    k: int = 3
    collection: str = "particles"
    missing: str = "drop"
    n_subjets: int = 2
    masses: str = "auto"
    orientation: str = "canonical"


_CHOICES = {
    "missing": ("drop", "pad"),
    "masses": ("auto", "always", "never"),
    "orientation": ("canonical", "none"),
}


def resolve_options(feature_set: str, options: dict, fields: list[str], dataset: str = "dataset") -> Options:
    """The options of ``feature_set`` from a (possibly partial) features block, checked."""
    if feature_set not in FEATURE_SETS:
        raise FeatureError(
            f"{dataset}: unknown feature set '{feature_set}'; known: {', '.join(FEATURE_SETS)}"
        )
    values = {key: options[key] for key in _CHOICES if options.get(key) is not None}
    for key, value in values.items():
        if value not in _CHOICES[key]:
            raise FeatureError(f"{dataset}: features.{key} = {value!r}; allowed: {', '.join(_CHOICES[key])}")
    if feature_set == "coordinates":
        return Options(feature_set, collection="coordinates", **values)
    k = options.get("k") or DEFAULT_K[feature_set]
    if k < MIN_K[feature_set] or (feature_set == "dalitz" and k != 3):
        need = "exactly 3" if feature_set == "dalitz" else f"at least {MIN_K[feature_set]}"
        raise FeatureError(f"{dataset}: features.k = {k}, but '{feature_set}' needs {need}")
    if feature_set == "jet_invariants":
        collection = "jets"
    else:
        collection = options.get("collection") or ("particles" if "particles" in fields else "jets")
    n_subjets = options.get("n_subjets") or Options.n_subjets
    return Options(feature_set, k=k, collection=collection, n_subjets=n_subjets, **values)


# ---------------------------------------------------------------- inputs


def _field(events: ak.Array, name: str, dataset: str) -> ak.Array:
    if name not in events.fields:
        raise FeatureError(f"{dataset}: events have no '{name}' field (fields: {', '.join(events.fields)})")
    return events[name]


def bad_events(objects: ak.Array) -> np.ndarray:
    """Per event: does any object (at any depth of nesting) have a NaN or infinite component?"""
    bad = np.zeros(len(objects), dtype=bool)
    for component in FOURVEC:
        values = getattr(objects, component)
        # The common case, all finite, needs only the flat content.
        if np.isfinite(ak.to_numpy(ak.flatten(values, axis=None))).all():
            continue
        flags = ~np.isfinite(values)
        while flags.ndim > 1:
            flags = ak.any(flags, axis=-1)
        bad |= ak.to_numpy(flags)
    return bad


def check_finite(objects: ak.Array, name: str, dataset: str) -> None:
    bad = int(bad_events(objects).sum())
    if bad:
        raise FeatureError(
            f"{dataset}: {bad} of {len(objects)} events have NaN or infinite momenta in '{name}'"
        )


def row_sum(x: np.ndarray) -> np.ndarray:
    """Sum over the last axis of a (N, k) array; numpy's axis-1 reduction is slow for small k."""
    return x @ np.ones(x.shape[1])


@dataclass(frozen=True)
class Leading:
    """The k leading objects of N events: (N, k) arrays per component, zero where ``mask`` is False.

    Plain component arrays are the cheap common form; :meth:`array`,
    :meth:`object` and :meth:`total` give the vector (Momentum4D) views the
    feature sets compute on.
    """

    components: dict[str, np.ndarray]
    mask: np.ndarray

    @property
    def k(self) -> int:
        return self.mask.shape[1]

    def array(self) -> ak.Array:
        """All objects as regular (N, k) Momentum4D records."""
        return ak.zip({c: self.components[c] for c in FOURVEC}, with_name="Momentum4D")

    def object(self, i: int) -> ak.Array:
        """Object i of every event as Momentum4D over events (views of the component arrays, no copy)."""
        return ak.zip({c: self.components[c][:, i] for c in FOURVEC}, with_name="Momentum4D")

    def total(self) -> ak.Array:
        """The sum of the present objects, per event, as Momentum4D (components add)."""
        return ak.zip({c: row_sum(self.components[c]) for c in FOURVEC}, with_name="Momentum4D")


def padded_components(objects: ak.Array, k: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The first k objects of each list as (N, k) float arrays, zero where missing, and the mask."""
    counts = ak.to_numpy(ak.num(objects, axis=1))
    full = counts.min(initial=k) >= k
    mask = np.ones((len(counts), k), bool) if full else np.arange(k) < counts[:, None]
    if (counts == k).all():
        # Exactly k objects everywhere: the flat content is already (N, k), no slicing or padding.
        return {
            c: ak.to_numpy(ak.flatten(getattr(objects, c))).astype(np.float64, copy=False).reshape(-1, k)
            for c in FOURVEC
        }, mask
    if full:
        lead = ak.to_regular(objects[:, :k], axis=1)
        return {c: ak.to_numpy(getattr(lead, c)).astype(np.float64, copy=False) for c in FOURVEC}, mask
    return {
        c: ak.to_numpy(ak.fill_none(ak.pad_none(getattr(objects, c), k, axis=1, clip=True), 0.0)).astype(
            np.float64, copy=False
        )
        for c in FOURVEC
    }, mask


def leading(objects: ak.Array, k: int) -> Leading:
    """The k leading (first stored) objects of every event of a jagged Momentum4D array."""
    return Leading(*padded_components(objects, k))


def _policy(
    complete: np.ndarray, opts: Options, events: ak.Array, what: str, impossible: str, dataset: str
) -> np.ndarray | None:
    """Rows to keep under ``opts.missing`` (None: all), with the count logged.

    ``what`` describes an incomplete event, ``impossible`` the options when none is complete.
    """
    short = ~complete
    n_short = int(short.sum())
    if n_short == len(complete):
        raise FeatureError(f"{dataset}: all {n_short} events have {what}; {impossible}")
    split = ""
    if "label" in events.fields:
        signal = int((ak.to_numpy(events["label"])[short] == 1).sum())
        split = f" ({n_short - signal} background, {signal} signal)"
    verb = "dropped" if opts.missing == "drop" else "padded"
    log.info("%s: %s %d of %d events with %s%s", dataset, verb, n_short, len(complete), what, split)
    return complete if opts.missing == "drop" and n_short else None


def mask_columns(mask: np.ndarray, prefix: str = MASK_PREFIX) -> dict[str, np.ndarray]:
    return {f"{prefix}{i + 1}": mask[:, i].astype(np.float64) for i in range(mask.shape[1])}


# ---------------------------------------------------------------- feature sets


def _pair_name(i: int, j: int, k: int) -> str:
    return f"s{i + 1}{j + 1}" if k < 10 else f"s{i + 1}_{j + 1}"


def _at_least_two(mask: np.ndarray) -> np.ndarray | bool:
    return True if mask.all() else mask.sum(axis=1) >= 2


def _normaliser(s: np.ndarray, mask: np.ndarray) -> np.ndarray:
    # Events with fewer than two objects (padding) have no invariants: dividing by inf zeroes their row.
    return np.where(_at_least_two(mask), s, np.inf)


def _is_massive(m2: np.ndarray, s: np.ndarray) -> bool:
    """Does m^2 / s exceed MASSLESS in any event? (A bound first: massless events skip the division.)"""
    largest = max(m2.max(initial=0.0), -m2.min(initial=0.0))
    if largest <= MASSLESS * s.min(initial=np.inf):
        return False
    with np.errstate(divide="ignore", invalid="ignore"):
        return bool(np.nanmax(np.abs(m2 / s), initial=0.0) > MASSLESS)


def invariants(objects: Leading, masses: str = "auto", prefix: str = "") -> dict[str, np.ndarray]:
    """s_ij / s for every pair of ``objects``, and m_i^2 / s per ``masses`` (auto, always, never).

    s_ij = m_i^2 + m_j^2 + 2 p_i.p_j and s = sum_i m_i^2 + 2 sum_(i<j) p_i.p_j,
    over the present objects.
    """
    k, mask = objects.k, objects.mask
    m2 = ak.to_numpy(objects.array().tau2)
    m2 = [m2[:, i] for i in range(k)]
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    # One dot per pair, on per-object views: broadcasting regular record arrays would copy them.
    dots = [ak.to_numpy(objects.object(i).dot(objects.object(j))) for i, j in pairs]
    s = sum(m2) + 2.0 * sum(dots)
    complete = mask.all()
    columns = {}
    # s = 0 gives non-finite columns, which compute() reports with the event count.
    norm = _normaliser(s, mask)
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = 1.0 / norm
        for (i, j), dot in zip(pairs, dots, strict=True):
            s_ij = np.add(m2[i], m2[j])
            s_ij += dot
            s_ij += dot
            s_ij *= inverse
            columns[prefix + _pair_name(i, j, k)] = (
                s_ij if complete else np.where(mask[:, i] & mask[:, j], s_ij, 0)
            )
        for i in range(k):
            if masses == "always" or (masses == "auto" and _is_massive(m2[i], norm)):
                columns[f"{prefix}m{i + 1}sq"] = m2[i] * inverse
    return columns


def dalitz(objects: Leading) -> dict[str, np.ndarray]:
    """The Dalitz variables s12 / s and s23 / s of three objects."""
    three = Leading({c: v[:, :3] for c, v in objects.components.items()}, objects.mask[:, :3])
    columns = invariants(three, masses="never")
    return {"s12": columns["s12"], "s23": columns["s23"]}


def canonical_zeros(k: int) -> set[tuple[int, str]]:
    """(object index, component) pairs that canonical orientation makes zero, for k objects at rest.

    Object 1 lies on +z and object 2 in the x-z plane; with k = 2 object 2 is
    back to back with object 1, and with k = 3 object 3 = -(1 + 2) lies in
    the same plane.
    """
    zeros = {(0, "px"), (0, "py"), (1, "py")}
    if k == 2:
        zeros.add((1, "px"))
    if k == 3:
        zeros.add((2, "py"))
    return zeros


def rest_frame(objects: Leading, orientation: str = "canonical") -> dict[str, np.ndarray]:
    """Momenta in the objects' centre-of-mass frame, / sqrt(s), optionally in canonical orientation.

    Frame-dependent features; see the module docstring for the convention.
    """
    k = objects.k
    total = objects.total()
    ok = np.reshape(_at_least_two(objects.mask), (-1, 1))
    skip = canonical_zeros(k) if orientation == "canonical" else set()
    with np.errstate(divide="ignore", invalid="ignore"):
        sqrt_s = np.sqrt(ak.to_numpy(total.tau2))[:, None]
        q = lorentz.to_rest_frame(objects.array(), total)
        if orientation == "canonical":
            q = lorentz.canonical_orientation(q)
        scaled = {c: np.where(ok, ak.to_numpy(getattr(q, c)) / sqrt_s, 0.0) for c in FOURVEC}
    return {f"{c}{i + 1}": scaled[c][:, i] for i in range(k) for c in FOURVEC if (i, c) not in skip}


def raw(objects: Leading) -> dict[str, np.ndarray]:
    """The four-momenta as they are (GeV), zero for missing objects."""
    return {f"{c}{i + 1}": objects.components[c][:, i] for i in range(objects.k) for c in FOURVEC}


def _mass(tau2: np.ndarray) -> np.ndarray:
    # Rounding can make a massless jet's tau2 slightly negative.
    return np.sqrt(np.maximum(tau2, 0.0))


def jet_invariants(jets: Leading, subjets: Leading, masses: str = "auto") -> dict[str, np.ndarray]:
    """Jet masses, the leading jets' invariant mass (GeV), and the subjets' normalised invariants.

    ``subjets`` holds k * n_subjets objects, jet by jet (see :func:`leading_subjets`).
    """
    jet_masses = _mass(ak.to_numpy(jets.array().tau2))
    columns = {f"m_j{i + 1}": jet_masses[:, i] for i in range(jets.k)}
    columns["m_jj"] = _mass(ak.to_numpy(jets.total().tau2))
    columns.update(invariants(subjets, masses, prefix="sub_"))
    return columns


def exclusive_subjets(constituents: ak.Array, n_subjets: int) -> ak.Array:
    """Up to ``n_subjets`` exclusive kt subjets of every jet, pT ordered: events x jets x subjets.

    ``constituents`` is events x jets x particles. Jets with fewer
    constituents than ``n_subjets`` get one subjet per constituent; the subjets
    of a jet add up to it (no particle is lost to the beam).
    """
    if len(ak.flatten(constituents, axis=1)) == 0:
        return constituents  # no jets at all: nothing to cluster
    return jetlib.exclusive_jets(constituents, n_subjets, algorithm="kt")


def leading_subjets(subjets: ak.Array, k: int, n_subjets: int) -> Leading:
    """Events x jets x subjets -> k * n_subjets objects per event, jet by jet, zero where missing."""
    n_events = len(subjets)
    jets_per_event = ak.to_numpy(ak.num(subjets, axis=1))
    components, flat_mask = padded_components(ak.flatten(subjets, axis=1), n_subjets)
    # Scatter the per-jet rows into (event, jet) slots; events with fewer than k jets keep zeros.
    rows = np.repeat(np.arange(n_events), jets_per_event)
    slots = np.arange(len(rows)) - np.repeat(np.cumsum(jets_per_event) - jets_per_event, jets_per_event)
    mask = np.zeros((n_events, k, n_subjets), bool)
    mask[rows, slots] = flat_mask
    grids = {}
    for c, values in components.items():
        grid = np.zeros((n_events, k, n_subjets))
        grid[rows, slots] = values
        grids[c] = grid.reshape(n_events, k * n_subjets)
    return Leading(grids, mask.reshape(n_events, k * n_subjets))


def coordinates(points: ak.Array, dataset: str = "dataset") -> dict[str, np.ndarray]:
    """The coordinates of points in R^n as columns x1..xn."""
    try:
        array = ak.to_numpy(ak.to_regular(points, axis=1)).astype(np.float64)
    except ValueError as error:
        raise FeatureError(f"{dataset}: points of different dimensions in 'coordinates' ({error})") from None
    bad = int((~np.isfinite(array)).any(axis=1).sum())
    if bad:
        raise FeatureError(f"{dataset}: {bad} of {len(array)} events have NaN or infinite coordinates")
    return {f"x{i + 1}": array[:, i] for i in range(array.shape[1])}


# ---------------------------------------------------------------- the table


def _object_features(events: ak.Array, opts: Options, dataset: str) -> tuple[dict, ak.Array]:
    objects = _field(events, opts.collection, dataset)
    check_finite(objects, opts.collection, dataset)
    counts = ak.to_numpy(ak.num(objects, axis=1))
    what = f"fewer than k={opts.k} {opts.collection}"
    impossible = f"k={opts.k} is larger than every event's multiplicity (at most {counts.max(initial=0)})"
    keep = _policy(counts >= opts.k, opts, events, what, impossible, dataset)
    if keep is not None:
        events, objects = events[keep], objects[keep]
    lead = leading(objects, opts.k)
    if opts.feature_set == "invariants":
        columns = invariants(lead, opts.masses)
    elif opts.feature_set == "dalitz":
        columns = dalitz(lead)
    elif opts.feature_set == "rest_frame":
        columns = rest_frame(lead, opts.orientation)
    else:
        columns = raw(lead)
    if opts.missing == "pad":
        columns.update(mask_columns(lead.mask))
    return columns, events


def _jet_features(events: ak.Array, opts: Options, dataset: str) -> tuple[dict, ak.Array]:
    jets = _field(events, "jets", dataset)
    constituents = _field(events, "constituents", dataset)
    check_finite(jets, "jets", dataset)
    check_finite(constituents, "constituents", dataset)
    mismatch = int(ak.sum(ak.num(jets, axis=1) != ak.num(constituents, axis=1)))
    if mismatch:
        raise FeatureError(
            f"{dataset}: {mismatch} of {len(jets)} events have a different number of jets "
            f"and constituent lists"
        )
    k, n = opts.k, opts.n_subjets
    subjets = exclusive_subjets(constituents[:, :k], n)
    complete = (ak.to_numpy(ak.num(jets, axis=1)) >= k) & ak.to_numpy(
        ak.all(ak.num(subjets, axis=2) >= n, axis=1)
    )
    what = f"fewer than k={k} jets or a leading jet with fewer than n_subjets={n} constituents"
    impossible = f"k={k} and n_subjets={n} exceed every event's jet and constituent multiplicities"
    keep = _policy(complete, opts, events, what, impossible, dataset)
    if keep is not None:
        events, jets, subjets = events[keep], jets[keep], subjets[keep]
    lead_jets, lead_subjets = leading(jets, k), leading_subjets(subjets, k, n)
    columns = jet_invariants(lead_jets, lead_subjets, opts.masses)
    if opts.missing == "pad":
        columns.update(mask_columns(lead_jets.mask))
        columns.update(mask_columns(lead_subjets.mask, f"{MASK_PREFIX}_sub"))
    return columns, events


def compute(events: ak.Array, feature_set: str, options: dict, dataset: str = "dataset") -> pd.DataFrame:
    """The feature table of ``events`` with the label, split and truth columns carried.

    Raises :class:`FeatureError`, naming ``dataset`` and the number of events
    concerned, for non-finite momenta, for k beyond every event's
    multiplicity, and for events whose features come out non-finite.
    """
    opts = resolve_options(feature_set, options, events.fields, dataset)
    if opts.feature_set == "coordinates":
        columns = coordinates(_field(events, "coordinates", dataset), dataset)
    elif opts.feature_set == "jet_invariants":
        columns, events = _jet_features(events, opts, dataset)
    else:
        columns, events = _object_features(events, opts, dataset)
    frame = pd.DataFrame(columns)
    if not all(np.isfinite(values).all() for values in columns.values()):
        bad = int((~np.isfinite(frame.to_numpy())).any(axis=1).sum())
        raise FeatureError(
            f"{dataset}: {bad} of {len(frame)} events give non-finite '{feature_set}' features "
            f"(e.g. zero invariant mass)"
        )
    for name in CARRIED_COLUMNS:
        if name in events.fields:
            frame[name] = ak.to_numpy(events[name])
    return frame
