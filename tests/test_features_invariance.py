"""Property tests (hypothesis): which feature sets are unchanged under which Lorentz transformations.

Transformations are explicit 4x4 matrices (topoae.lorentz.boost_matrix,
rotation_matrix) applied with numpy, independent of the vector-based code
under test. Tolerance: relative 1e-9 in float64.

Masses are 0 or at least 10 GeV: an invariant computed from boosted float64
momenta carries an absolute rounding error of about eps * E_lab^2, so a
tiny m^2 (or s_ij) cannot be reproduced to a relative 1e-9 by any formula;
that is the input's precision, not the code's.
"""

from __future__ import annotations

import math

import awkward as ak
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from topoae import features, lorentz
from topoae import jets as jetlib
from topoae.generate import particles_array, rambo

RTOL = 1e-9
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------- strategies


@st.composite
def unit_vectors(draw) -> np.ndarray:
    cos_theta = draw(st.floats(-1.0, 1.0))
    phi = draw(st.floats(0.0, 2 * math.pi))
    sin_theta = math.sqrt(1.0 - cos_theta**2)
    return np.array([sin_theta * math.cos(phi), sin_theta * math.sin(phi), cos_theta])


angles = st.floats(-math.pi, math.pi)


@st.composite
def lorentz_transforms(draw) -> np.ndarray:
    """A rotation about any axis followed by a boost of rapidity up to 3 in any direction."""
    rotation = lorentz.rotation_matrix(draw(unit_vectors()), draw(angles))
    boost = lorentz.boost_matrix(draw(st.floats(0.0, 3.0)), draw(unit_vectors()))
    return boost @ rotation


@st.composite
def beam_transforms(draw) -> np.ndarray:
    """A rotation about the beam (z) axis followed by a boost along it, rapidity up to 3 either way."""
    rotation = lorentz.rotation_matrix([0.0, 0.0, 1.0], draw(angles))
    return lorentz.boost_matrix(draw(st.floats(-3.0, 3.0)), [0.0, 0.0, 1.0]) @ rotation


@st.composite
def phase_space(draw, n_events: int = 25) -> np.ndarray:
    """RAMBO momenta (n_events, n, 4) at sqrt(s) = 1 TeV: 3 to 5 particles, each massless or of 10-150 GeV."""
    n = draw(st.integers(3, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    massive = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    masses = np.where(massive, rng.uniform(10.0, 150.0, n), 0.0)
    return rambo.massive(rng, n_events, masses, 1000.0)[0]


def events(momenta: np.ndarray) -> ak.Array:
    n = len(momenta)
    return ak.zip(
        {
            "particles": particles_array(momenta),
            "label": np.zeros(n, np.int8),
            "split": np.zeros(n, np.int8),
            "weight": np.ones(n),
        },
        depth_limit=1,
    )


def assert_same_features(a, b, rtol: float = RTOL, atol: float = 0.0) -> None:
    assert list(a.columns) == list(b.columns)
    np.testing.assert_allclose(b.to_numpy(float), a.to_numpy(float), rtol=rtol, atol=atol)


# ---------------------------------------------------------------- invariant sets


@SETTINGS
@given(momenta=phase_space(), transform=lorentz_transforms())
def test_invariants_unchanged_under_boosts_and_rotations(momenta, transform):
    """invariants: unchanged under any rotation followed by any boost (rapidity <= 3), massless or massive."""
    k = momenta.shape[1]
    before = features.compute(events(momenta), "invariants", {"k": k})
    after = features.compute(events(lorentz.transform(momenta, transform)), "invariants", {"k": k})
    assert_same_features(before, after)


@SETTINGS
@given(momenta=phase_space(), transform=lorentz_transforms())
def test_invariants_of_leading_subset_unchanged(momenta, transform):
    """invariants with k below the multiplicity (a subsystem): unchanged under any rotation and boost."""
    before = features.compute(events(momenta), "invariants", {"k": 3})
    after = features.compute(events(lorentz.transform(momenta, transform)), "invariants", {"k": 3})
    assert_same_features(before, after)


@SETTINGS
@given(momenta=phase_space(), transform=lorentz_transforms())
def test_dalitz_unchanged_under_boosts_and_rotations(momenta, transform):
    """dalitz: unchanged under any rotation followed by any boost (rapidity <= 3)."""
    three = momenta[:, :3]
    before = features.compute(events(three), "dalitz", {})
    after = features.compute(events(lorentz.transform(three, transform)), "dalitz", {})
    assert_same_features(before, after)


# ---------------------------------------------------------------- rest frame


@SETTINGS
@given(momenta=phase_space(), transform=lorentz_transforms())
def test_rest_frame_unchanged_under_boosts_and_rotations(momenta, transform):
    """rest_frame (canonical orientation): unchanged under any rotation and boost of the input.

    Components are O(1) after the division by sqrt(s); near-zero ones are
    compared to an absolute 1e-12 as well.
    """
    k = momenta.shape[1]
    before = features.compute(events(momenta), "rest_frame", {"k": k})
    after = features.compute(events(lorentz.transform(momenta, transform)), "rest_frame", {"k": k})
    assert_same_features(before, after, atol=1e-12)


@SETTINGS
@given(momenta=phase_space(), transform=lorentz_transforms())
def test_rest_frame_has_zero_total_momentum(momenta, transform):
    """rest_frame: total three-momentum 0 and total energy 1 (units of sqrt(s)), in both orientations."""
    k = momenta.shape[1]
    for orientation in ("canonical", "none"):
        table = features.compute(
            events(lorentz.transform(momenta, transform)), "rest_frame", {"k": k, "orientation": orientation}
        )
        for component in ("px", "py", "pz", "E"):
            total = sum(table[f"{component}{i}"] for i in range(1, k + 1) if f"{component}{i}" in table)
            expected = 1.0 if component == "E" else 0.0
            np.testing.assert_allclose(total, expected, atol=1e-12)


# ---------------------------------------------------------------- jets


@st.composite
def jets_and_subjets(draw, n_events: int = 20) -> tuple[np.ndarray, int, int]:
    """Subjet momenta (n_events, k * n_subjets, 4): pT 20-200 GeV, masses 10-30 GeV, grouped jet by jet."""
    k, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    shape = (n_events, k, n)
    axis_y, axis_phi = (
        rng.uniform(-1.5, 1.5, (n_events, k, 1)),
        rng.uniform(-math.pi, math.pi, (n_events, k, 1)),
    )
    y = axis_y + rng.normal(0, 0.2, shape)
    phi = axis_phi + rng.normal(0, 0.2, shape)
    pt, mass = rng.uniform(20, 200, shape), rng.uniform(10, 30, shape)
    mt = np.hypot(pt, mass)
    p = np.stack([pt * np.cos(phi), pt * np.sin(phi), mt * np.sinh(y), mt * np.cosh(y)], axis=-1)
    return p.reshape(n_events, k * n, 4), k, n


def _jet_columns(subjets: np.ndarray, k: int, n: int) -> dict[str, np.ndarray]:
    jets = subjets.reshape(len(subjets), k, n, 4).sum(axis=2)
    return features.jet_invariants(
        features.leading(particles_array(jets), k), features.leading(particles_array(subjets), k * n)
    )


@SETTINGS
@given(sample=jets_and_subjets(), transform=lorentz_transforms())
def test_jet_invariants_of_given_jets_unchanged_under_any_boost(sample, transform):
    """jet_invariants of given jets and subjets (no clustering): unchanged under any rotation and boost."""
    subjets, k, n = sample
    before = _jet_columns(subjets, k, n)
    after = _jet_columns(lorentz.transform(subjets, transform), k, n)
    assert before.keys() == after.keys()
    for name in before:
        np.testing.assert_allclose(after[name], before[name], rtol=RTOL, err_msg=name)


@st.composite
def particle_events(draw, n_events: int = 15) -> np.ndarray:
    """Massless particles (n_events, 27, 4): three sprays of 8, 120 degrees apart in azimuth, plus 3 soft.

    Sprays are 0.3 wide at most, so each is one anti-kt jet of real mass: a
    jet of one massless particle would have m = sqrt(rounding error), which no
    frame change reproduces to a relative 1e-9.
    """
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    prongs, per_prong, soft = 3, 8, 3
    spread = (n_events, prongs, per_prong)
    pt = rng.uniform(100, 800, (n_events, prongs, 1)) * rng.dirichlet(np.ones(per_prong), (n_events, prongs))
    y = rng.uniform(-2, 2, (n_events, prongs, 1)) + np.clip(rng.normal(0, 0.1, spread), -0.3, 0.3)
    phi = (
        rng.uniform(-math.pi, math.pi, (n_events, 1, 1))
        + 2 * math.pi / 3 * np.arange(prongs)[:, None]
        + np.clip(rng.normal(0, 0.1, spread), -0.3, 0.3)
    )
    pt, y, phi = (
        np.concatenate([a.reshape(n_events, -1), b], axis=1)
        for a, b in (
            (pt, rng.uniform(1, 5, (n_events, soft))),
            (y, rng.uniform(-3, 3, (n_events, soft))),
            (phi, rng.uniform(-math.pi, math.pi, (n_events, soft))),
        )
    )
    return np.stack([pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(y), pt * np.cosh(y)], axis=-1)


def cluster(momenta: np.ndarray, radius: float = 0.8) -> ak.Array:
    """Anti-kt jets and constituents from topoae.jets, as the pythia source stores them."""
    jets, constituents = jetlib.cluster(particles_array(momenta), R=radius)
    return ak.zip(
        {"jets": jets, "constituents": constituents, "label": np.zeros(len(momenta), np.int8)}, depth_limit=1
    )


@pytest.mark.filterwarnings("ignore::UserWarning")
@settings(max_examples=15, deadline=None)
@given(momenta=particle_events(), transform=beam_transforms(), n_subjets=st.integers(1, 3))
def test_clustering_chain_unchanged_under_beam_boosts_and_z_rotations(momenta, transform, n_subjets):
    """Particles -> anti-kt jets -> exclusive kt subjets -> jet_invariants: unchanged under boosts along
    the beam axis and rotations about it (what rapidity/azimuth distances and pT ordering preserve).

    Massless single-particle subjets have m^2/s = 0 up to rounding, so an
    absolute 1e-12 is allowed besides the relative 1e-9.
    """
    options = {"k": 2, "n_subjets": n_subjets}
    before = features.compute(cluster(momenta), "jet_invariants", options)
    after = features.compute(cluster(lorentz.transform(momenta, transform)), "jet_invariants", options)
    assert_same_features(before, after, atol=1e-12)
