"""Jet clustering of awkward arrays of particles with the scikit-hep ``fastjet`` package.

Particles and jets are Momentum4D records with fields ``px, py, pz, E``
(GeV). Every function works on whole arrays of events at once; fastjet is
imported lazily so that this module loads without it.
"""

from __future__ import annotations

import warnings

import awkward as ak
import numpy as np

from topoae.io import FOURVEC_FIELDS

ALGORITHMS = {"antikt": "antikt_algorithm", "kt": "kt_algorithm", "cambridge": "cambridge_algorithm"}
# fastjet's JetDefinition::max_allowable_R: with R above every pairwise distance
# nothing merges with the beam, so exclusive jets partition their input (the
# convention of N-subjettiness's exclusive kt axes).
NO_BEAM_R = 1000.0


def momenta(px, py, pz, energy) -> ak.Array:
    """Packed Momentum4D records from component arrays of one jagged structure."""
    fields = dict(zip(FOURVEC_FIELDS, (px, py, pz, energy), strict=True))
    return ak.to_packed(ak.zip(fields, with_name="Momentum4D"))


def pt(vectors: ak.Array) -> ak.Array:
    """Transverse momentum of Momentum4D records, at any depth."""
    return np.hypot(vectors.px, vectors.py)


def mass(vectors: ak.Array) -> ak.Array:
    """Invariant mass of Momentum4D records (0 for tiny negative m^2 from rounding)."""
    m2 = vectors.E**2 - vectors.px**2 - vectors.py**2 - vectors.pz**2
    return np.sqrt(np.maximum(m2, 0.0))


def total(vectors: ak.Array, axis: int = -1) -> ak.Array:
    """Four-momentum sum over ``axis`` as Momentum4D records."""
    return ak.zip({f: ak.sum(vectors[f], axis=axis) for f in FOURVEC_FIELDS}, with_name="Momentum4D")


def sort_by_pt(vectors: ak.Array) -> ak.Array:
    """Sort the innermost lists by descending pT."""
    return vectors[ak.argsort(pt(vectors), axis=-1, ascending=False)]


def dijet_mass(jets: ak.Array) -> np.ndarray:
    """Invariant mass of the two first jets of each event; NaN where there are fewer than two."""
    lead = jets[:, :2]
    m = ak.to_numpy(mass(total(lead, axis=1)))
    return np.where(ak.to_numpy(ak.num(lead, axis=1)) == 2, m, np.nan)


def jet_definition(algorithm: str = "antikt", R: float = 1.0):
    """A fastjet JetDefinition with E-scheme recombination, so jets are sums of constituents."""
    import fastjet

    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown jet algorithm {algorithm!r}; known: {', '.join(ALGORITHMS)}")
    return fastjet.JetDefinition(getattr(fastjet, ALGORITHMS[algorithm]), R)


def _packed_events(particles: ak.Array) -> ak.Array:
    """Particles as one flat ListOffsetArray of px, py, pz, E: fastjet reads the layout directly."""
    return momenta(*(particles[f] for f in FOURVEC_FIELDS))


def _gather(particles: ak.Array, index: ak.Array) -> ak.Array:
    """``particles[i][index[i][j]]`` for var * var * int ``index``, as var * var * var records."""
    offsets = np.asarray(particles.layout.offsets)
    flat_index = ak.flatten(index + offsets[:-1], axis=None)
    taken = ak.Array(particles.layout.content)[ak.to_numpy(flat_index)]
    per_jet = ak.unflatten(taken, ak.to_numpy(ak.flatten(ak.num(index, axis=2))))
    return ak.unflatten(per_jet, ak.to_numpy(ak.num(index, axis=1)))


def cluster(
    particles: ak.Array,
    R: float = 1.0,
    algorithm: str = "antikt",
    min_pt: float = 0.0,
    n_jets: int | None = None,
) -> tuple[ak.Array, ak.Array]:
    """Inclusive jets of each event, sorted by descending pT, and their constituents.

    ``particles`` is var * record with px, py, pz, E. Returns ``jets``
    (var * Momentum4D, jets above ``min_pt``, the leading ``n_jets`` if given)
    and ``constituents`` (var * var * Momentum4D): ``constituents[i][j]`` are
    the particles of jet ``j`` of event ``i``, sorted by descending pT.
    """
    import fastjet

    particles = _packed_events(particles)
    sequence = fastjet.ClusterSequence(particles, jet_definition(algorithm, R))
    jets = sequence.inclusive_jets(min_pt)
    index = sequence.constituent_index(min_pt)
    # fastjet returns inclusive jets in ascending pT; both arrays share that order.
    order = ak.argsort(pt(jets), axis=1, ascending=False)[:, :n_jets]
    jets, index = jets[order], index[order]
    constituents = sort_by_pt(_gather(particles, index))
    return momenta(*(jets[f] for f in FOURVEC_FIELDS)), constituents


def exclusive_jets(particles: ak.Array, n_jets: int, algorithm: str = "kt", R: float = NO_BEAM_R) -> ak.Array:
    """The ``n_jets`` exclusive jets of each innermost list of particles, sorted by descending pT.

    ``particles`` may be var * records (events) or var * var * records (the
    constituents of each jet of each event, giving exclusive subjets per jet);
    lists with fewer particles than ``n_jets`` give one jet per particle. With
    the default R the jets are a partition of the list; a small R lets the
    hadron-collider algorithms drop particles into the beam.
    """
    import fastjet

    if n_jets < 1:
        raise ValueError(f"n_jets must be at least 1, got {n_jets}")
    if particles.ndim == 3:
        counts = ak.to_numpy(ak.num(particles, axis=1))
        return ak.unflatten(exclusive_jets(ak.flatten(particles, axis=1), n_jets, algorithm, R), counts)
    sequence = fastjet.ClusterSequence(_packed_events(particles), jet_definition(algorithm, R))
    with warnings.catch_warnings():
        # fastjet 3.5.2 warns for every JetDefinition, also for kt and C/A, where exclusive jets are sound.
        if algorithm in ("kt", "cambridge"):
            warnings.filterwarnings("ignore", message="dcut and exclusive jets")
        jets = sequence.exclusive_jets_up_to(n_jets)
    return sort_by_pt(momenta(*(jets[f] for f in FOURVEC_FIELDS)))
