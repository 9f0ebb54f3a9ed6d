"""Feature sets: events (awkward) -> flat float tables, plus the standardisation.

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

import functools
import logging
import operator
import warnings
from dataclasses import dataclass
from itertools import combinations

import awkward as ak
import numpy as np
import pandas as pd
import vector

from topoae import lorentz

vector.register_awkward()

log = logging.getLogger("topoae.features")

CARRIED_COLUMNS = ("label", "split", "weight", "resonance_mass", "mjj")
FOURVEC = ("px", "py", "pz", "E")
FEATURE_SETS = ("invariants", "dalitz", "jet_invariants", "rest_frame", "raw", "coordinates")
DEFAULT_K = {"invariants": 3, "dalitz": 3, "jet_invariants": 2, "rest_frame": 3, "raw": 3}
MIN_K = {"invariants": 2, "dalitz": 3, "jet_invariants": 1, "rest_frame": 2, "raw": 1}
MASK_PREFIX = "mask"
# m_i^2 / s below this in every event counts as massless (rounding of boosted massless momenta is ~1e-14).
MASSLESS = 1e-9
# A kt radius above any in-jet distance: no constituent is merged with the beam, so subjets sum to the jet.
SUBJET_R = 10.0
# A training column whose spread is below max(rtol * |mean|, atol) is constant up to rounding.
CONSTANT_RTOL, CONSTANT_ATOL = 1e-9, 1e-12


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


_CHOICES = {"missing": ("drop", "pad"), "masses": ("auto", "always", "never"), "orientation": ("canonical", "none")}


def resolve_options(feature_set: str, options: dict, fields: list[str], dataset: str = "dataset") -> Options:
    """The options of ``feature_set`` from a (possibly partial) features block, checked."""
    if feature_set not in FEATURE_SETS:
        raise FeatureError(f"{dataset}: unknown feature set '{feature_set}'; known: {', '.join(FEATURE_SETS)}")
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
        raise FeatureError(f"{dataset}: {bad} of {len(objects)} events have NaN or infinite momenta in '{name}'")


def vectors(components: dict[str, np.ndarray]) -> list[ak.Array]:
    """(N, k) component arrays -> k Momentum4D arrays of N events, one per object.

    One contiguous array per object keeps every later vector operation a plain
    whole-array numpy operation (slicing a regular record array copies).
    """
    k = components["px"].shape[1]
    return [
        ak.zip({c: components[c][:, i].astype(np.float64, copy=False) for c in FOURVEC},
               with_name="Momentum4D")
        for i in range(k)
    ]


def padded_components(objects: ak.Array, k: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The first k objects of each list as (N, k) float arrays, zero where missing, and the mask."""
    counts = ak.to_numpy(ak.num(objects, axis=1))
    mask = np.arange(k) < counts[:, None]
    if mask.all():
        # Slicing copies; events with exactly k objects need none.
        lead = ak.to_regular(objects if (counts == k).all() else objects[:, :k], axis=1)
        return {c: ak.to_numpy(getattr(lead, c)) for c in FOURVEC}, mask
    return {c: ak.to_numpy(ak.fill_none(ak.pad_none(getattr(objects, c), k, axis=1, clip=True), 0.0))
            for c in FOURVEC}, mask


def leading(objects: ak.Array, k: int) -> tuple[list[ak.Array], np.ndarray]:
    """The k leading objects of each event, as k Momentum4D arrays (zero where missing), and the mask."""
    components, mask = padded_components(objects, k)
    return vectors(components), mask


def _policy(complete: np.ndarray, opts: Options, events: ak.Array, what: str, dataset: str) -> np.ndarray | None:
    """Rows to keep under ``opts.missing`` (None: all), with the count logged."""
    short = ~complete
    n_short = int(short.sum())
    if n_short == len(complete):
        raise FeatureError(f"{dataset}: all {n_short} events have {what}; k={opts.k} is larger than every "
                           f"event's multiplicity")
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


def _total(p: list[ak.Array]) -> ak.Array:
    return functools.reduce(operator.add, p)


def _pair_name(i: int, j: int, k: int) -> str:
    return f"s{i + 1}{j + 1}" if k < 10 else f"s{i + 1}_{j + 1}"


def _normaliser(s: np.ndarray, mask: np.ndarray) -> np.ndarray:
    # Events with fewer than two objects (padding) have no invariants: dividing by inf zeroes their row.
    return np.where(mask.sum(axis=1) >= 2, s, np.inf)


def invariants(
    p: list[ak.Array], mask: np.ndarray, masses: str = "auto", prefix: str = ""
) -> dict[str, np.ndarray]:
    """s_ij / s for every pair of the objects ``p``, and m_i^2 / s per ``masses`` (auto, always, never).

    ``p`` holds k Momentum4D arrays over events (see :func:`leading`), zero
    where ``mask`` (N, k) is False; s is the invariant mass squared of the
    present objects.
    """
    k = mask.shape[1]
    norm = _normaliser(ak.to_numpy(_total(p).tau2), mask)
    columns = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for i, j in combinations(range(k), 2):
            s_ij = ak.to_numpy((p[i] + p[j]).tau2)
            columns[prefix + _pair_name(i, j, k)] = np.where(mask[:, i] & mask[:, j], s_ij, 0.0) / norm
        m2 = np.stack([ak.to_numpy(x.tau2) for x in p], axis=1) / norm[:, None]
    if masses != "never":
        massive = np.ones(k, bool) if masses == "always" else np.abs(m2).max(axis=0, initial=0.0) > MASSLESS
        columns.update({f"{prefix}m{i + 1}sq": m2[:, i] for i in np.flatnonzero(massive)})
    return columns


def dalitz(p: list[ak.Array], mask: np.ndarray) -> dict[str, np.ndarray]:
    """The Dalitz variables s12 / s and s23 / s of three objects."""
    columns = invariants(p[:3], mask[:, :3], masses="never")
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


def rest_frame(p: list[ak.Array], mask: np.ndarray, orientation: str = "canonical") -> dict[str, np.ndarray]:
    """Momenta in the objects' centre-of-mass frame, / sqrt(s), optionally in canonical orientation.

    Frame-dependent features; see the module docstring for the convention.
    """
    k = mask.shape[1]
    total = _total(p)
    ok = mask.sum(axis=1) >= 2
    skip = canonical_zeros(k) if orientation == "canonical" else set()
    with np.errstate(divide="ignore", invalid="ignore"):
        sqrt_s = np.sqrt(ak.to_numpy(total.tau2))
        q = lorentz.to_rest_frame(p, total)
        if orientation == "canonical":
            q = lorentz.canonical_orientation(q)
        return {
            f"{c}{i + 1}": np.where(ok, ak.to_numpy(getattr(q[i], c)) / sqrt_s, 0.0)
            for i in range(k) for c in FOURVEC if (i, c) not in skip
        }


def raw(p: list[ak.Array], mask: np.ndarray) -> dict[str, np.ndarray]:
    """The four-momenta as they are (GeV), zero for missing objects."""
    return {f"{c}{i + 1}": ak.to_numpy(getattr(p[i], c)) for i in range(mask.shape[1]) for c in FOURVEC}


def _mass(p: ak.Array) -> np.ndarray:
    # Rounding can make a massless jet's tau2 slightly negative.
    return np.sqrt(np.maximum(ak.to_numpy(p.tau2), 0.0))


def jet_invariants(
    jets: list[ak.Array],
    jet_mask: np.ndarray,
    subjets: list[ak.Array],
    subjet_mask: np.ndarray,
    masses: str = "auto",
) -> dict[str, np.ndarray]:
    """Jet masses, the leading jets' invariant mass (GeV), and the subjets' normalised invariants.

    ``jets`` holds k Momentum4D arrays over events, ``subjets`` k * n_subjets
    (jet by jet), zero where their masks (N, k) and (N, k * n_subjets) are False.
    """
    columns = {f"m_j{i + 1}": _mass(jet) for i, jet in enumerate(jets)}
    columns["m_jj"] = _mass(_total(jets))
    columns.update(invariants(subjets, subjet_mask, masses, prefix="sub_"))
    return columns


def exclusive_subjets(constituents: ak.Array, n_subjets: int) -> ak.Array:
    """Up to ``n_subjets`` exclusive kt subjets of every jet, pT ordered: events x jets x subjets.

    ``constituents`` is events x jets x particles. Jets with fewer
    constituents than ``n_subjets`` get one subjet per constituent.
    """
    import fastjet

    per_event = ak.num(constituents, axis=1)
    flat = ak.flatten(constituents, axis=1)
    if len(flat) == 0:
        return constituents  # no jets at all: nothing to cluster
    # fastjet reads px, py, pz, E of one contiguous list per "event": here one per jet.
    jets = ak.to_packed(ak.zip({c: ak.values_astype(getattr(flat, c), np.float64) for c in FOURVEC},
                               with_name="Momentum4D"))
    with warnings.catch_warnings():
        # fastjet warns for every exclusive clustering, kt included.
        warnings.filterwarnings("ignore", message="dcut and exclusive jets")
        sequence = fastjet.ClusterSequence(jets, fastjet.JetDefinition(fastjet.kt_algorithm, SUBJET_R))
        subjets = sequence.exclusive_jets_up_to(n_jets=n_subjets)
    subjets = subjets[ak.argsort(subjets.pt, axis=1, ascending=False)]
    return ak.unflatten(subjets, per_event)


def leading_subjets(subjets: ak.Array, k: int, n_subjets: int) -> tuple[list[ak.Array], np.ndarray]:
    """Events x jets x subjets -> k * n_subjets Momentum4D arrays (zeros where missing), and the mask."""
    n_events = len(subjets)
    jets_per_event = ak.to_numpy(ak.num(subjets, axis=1))
    components, flat_mask = padded_components(ak.flatten(subjets, axis=1), n_subjets)
    # Scatter the per-jet rows into (event, jet) slots; events with fewer than k jets keep zeros.
    rows = np.repeat(np.arange(n_events), jets_per_event)
    slots = np.arange(len(rows)) - np.repeat(np.cumsum(jets_per_event) - jets_per_event, jets_per_event)
    mask = np.zeros((n_events, k, n_subjets), bool)
    mask[rows, slots] = flat_mask
    out = {}
    for c, values in components.items():
        grid = np.zeros((n_events, k, n_subjets))
        grid[rows, slots] = values
        out[c] = grid.reshape(n_events, k * n_subjets)
    return vectors(out), mask.reshape(n_events, k * n_subjets)


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
    complete = ak.to_numpy(ak.num(objects, axis=1)) >= opts.k
    keep = _policy(complete, opts, events, f"fewer than k={opts.k} {opts.collection}", dataset)
    if keep is not None:
        events, objects = events[keep], objects[keep]
    p, mask = leading(objects, opts.k)
    if opts.feature_set == "invariants":
        columns = invariants(p, mask, opts.masses)
    elif opts.feature_set == "dalitz":
        columns = dalitz(p, mask)
    elif opts.feature_set == "rest_frame":
        columns = rest_frame(p, mask, opts.orientation)
    else:
        columns = raw(p, mask)
    if opts.missing == "pad":
        columns.update(mask_columns(mask))
    return columns, events


def _jet_features(events: ak.Array, opts: Options, dataset: str) -> tuple[dict, ak.Array]:
    jets = _field(events, "jets", dataset)
    constituents = _field(events, "constituents", dataset)
    check_finite(jets, "jets", dataset)
    check_finite(constituents, "constituents", dataset)
    mismatch = int(ak.sum(ak.num(jets, axis=1) != ak.num(constituents, axis=1)))
    if mismatch:
        raise FeatureError(f"{dataset}: {mismatch} of {len(jets)} events have a different number of jets "
                           f"and constituent lists")
    k, n = opts.k, opts.n_subjets
    subjets = exclusive_subjets(constituents[:, :k], n)
    complete = (ak.to_numpy(ak.num(jets, axis=1)) >= k) & ak.to_numpy(ak.all(ak.num(subjets, axis=2) >= n, axis=1))
    what = f"fewer than k={k} jets or a leading jet with fewer than n_subjets={n} constituents"
    keep = _policy(complete, opts, events, what, dataset)
    if keep is not None:
        events, jets, subjets = events[keep], jets[keep], subjets[keep]
    jet_p, jet_mask = leading(jets, k)
    sub_p, sub_mask = leading_subjets(subjets, k, n)
    columns = jet_invariants(jet_p, jet_mask, sub_p, sub_mask, opts.masses)
    if opts.missing == "pad":
        columns.update(mask_columns(jet_mask))
        columns.update(mask_columns(sub_mask, f"{MASK_PREFIX}_sub"))
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
    bad = int((~np.isfinite(frame.to_numpy())).any(axis=1).sum())
    if bad:
        raise FeatureError(f"{dataset}: {bad} of {len(frame)} events give non-finite '{feature_set}' features "
                           f"(e.g. zero invariant mass)")
    for name in CARRIED_COLUMNS:
        if name in events.fields:
            frame[name] = ak.to_numpy(events[name])
    return frame


def feature_names(frame: pd.DataFrame) -> list[str]:
    """The feature columns of a table: everything but the carried label and truth columns."""
    return [c for c in frame.columns if c not in CARRIED_COLUMNS]


def fit_scaler(frame: pd.DataFrame, feature_names: list[str]) -> dict[str, list[float]]:
    """Mean and scale per feature, fitted on the training background only.

    Mask columns pass through unchanged (mean 0, scale 1); columns constant up
    to rounding get scale 1, so their rounding noise is not blown up.
    """
    rows = (frame["split"] == 0) & (frame["label"] == 0)
    if not rows.any():
        raise FeatureError("no training background events (split 0, label 0) to fit the standardisation on")
    train = frame.loc[rows, feature_names].to_numpy(dtype=np.float64)
    mean, scale = train.mean(axis=0), train.std(axis=0)
    constant = scale <= np.maximum(CONSTANT_RTOL * np.abs(mean), CONSTANT_ATOL)
    is_mask = np.array([name.startswith(MASK_PREFIX) for name in feature_names], dtype=bool)
    mean = np.where(is_mask, 0.0, mean)
    scale = np.where(is_mask | constant, 1.0, scale)
    return {"mean": mean.tolist(), "scale": scale.tolist()}


def standardise(frame: pd.DataFrame, feature_names: list[str], scaler: dict) -> np.ndarray:
    """The features of ``frame`` with a saved scaler's transform applied, as float64."""
    x = frame[feature_names].to_numpy(dtype=np.float64)
    return (x - np.asarray(scaler["mean"])) / np.asarray(scaler["scale"])
