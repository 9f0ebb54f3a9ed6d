"""Jet clustering on awkward arrays: ordering, constituents, exclusive subjets, agreement with fastjet."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from topoae import jets

fastjet = pytest.importorskip("fastjet")


def random_events(seed: int = 1, n_events: int = 40, max_particles: int = 60) -> ak.Array:
    """Massless particles with exponential pT, spread in rapidity, some events empty or single."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, max_particles, n_events)
    counts[:2] = (0, 1)
    n = counts.sum()
    pt, eta, phi = rng.exponential(30.0, n), rng.normal(0.0, 2.0, n), rng.uniform(-np.pi, np.pi, n)
    px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
    energy = np.sqrt(px**2 + py**2 + pz**2)
    return jets.momenta(*(ak.unflatten(c, counts) for c in (px, py, pz, energy)))


def test_jets_sorted_by_pt_and_sum_of_their_constituents():
    particles = random_events()
    found, constituents = jets.cluster(particles, R=0.4, min_pt=0.0)
    assert found.fields == ["px", "py", "pz", "E"]
    assert ak.parameters(found[0]).get("__record__") == "Momentum4D"
    pt = jets.pt(found)
    assert ak.all(pt[:, 1:] <= pt[:, :-1])
    summed = jets.total(constituents, axis=2)
    for field in jets.FOURVEC_FIELDS:
        np.testing.assert_allclose(ak.flatten(summed[field]), ak.flatten(found[field]), atol=1e-9)
    # With no pT cut every particle lies in exactly one jet.
    assert ak.all(ak.num(ak.flatten(constituents, axis=2), axis=1) == ak.num(particles, axis=1))
    constituent_pt = jets.pt(constituents)
    assert ak.all(constituent_pt[..., 1:] <= constituent_pt[..., :-1])


def test_agrees_with_fastjet_one_event_at_a_time():
    particles = random_events(seed=2, n_events=6)
    found, constituents = jets.cluster(particles, R=1.0, min_pt=20.0, n_jets=3)
    definition = fastjet.JetDefinition(fastjet.antikt_algorithm, 1.0)
    for i, event in enumerate(particles.tolist()):
        pseudo = [fastjet.PseudoJet(p["px"], p["py"], p["pz"], p["E"]) for p in event]
        sequence = fastjet.ClusterSequence(pseudo, definition)  # must outlive the jets' constituents()
        reference = fastjet.sorted_by_pt(sequence.inclusive_jets(20.0))[:3]
        expected = [(j.px(), j.py(), j.pz(), j.E()) for j in reference]
        got = [tuple(j[f] for f in jets.FOURVEC_FIELDS) for j in found[i].tolist()]
        np.testing.assert_allclose(np.reshape(got, (-1, 4)), np.reshape(expected, (-1, 4)), atol=1e-9)
        assert [len(c) for c in constituents[i].tolist()] == [len(j.constituents()) for j in reference]


def test_leading_jets_and_min_pt():
    particles = random_events(seed=3)
    found, constituents = jets.cluster(particles, R=0.4, min_pt=50.0, n_jets=2)
    assert ak.all(ak.num(found, axis=1) <= 2)
    assert ak.all(ak.num(constituents, axis=1) == ak.num(found, axis=1))
    assert ak.all(jets.pt(found) >= 50.0)


def test_dijet_mass_nan_below_two_jets():
    particles = random_events(seed=4)
    found, _ = jets.cluster(particles, R=0.4, min_pt=0.0)
    mjj = jets.dijet_mass(found)
    n = ak.to_numpy(ak.num(found, axis=1))
    assert np.isnan(mjj[n < 2]).all() and np.isfinite(mjj[n >= 2]).all()
    two = found[n >= 2][:, :2]
    px, py, pz, e = (ak.to_numpy(ak.sum(two[f], axis=1)) for f in jets.FOURVEC_FIELDS)
    np.testing.assert_allclose(mjj[n >= 2], np.sqrt(e**2 - px**2 - py**2 - pz**2), rtol=1e-12)


def test_exclusive_subjets_of_each_jet():
    particles = random_events(seed=5)
    found, constituents = jets.cluster(particles, R=1.0, min_pt=0.0, n_jets=2)
    subjets = jets.exclusive_jets(constituents, 3)
    assert subjets.ndim == 3
    assert ak.all(ak.num(subjets, axis=1) == ak.num(found, axis=1))
    assert ak.all(ak.num(subjets, axis=2) == np.minimum(ak.num(constituents, axis=2), 3))
    summed = jets.total(subjets, axis=2)
    np.testing.assert_allclose(ak.flatten(summed.E), ak.flatten(found.E), rtol=1e-12)
    # On events (depth 2) exclusive jets are a partition of the whole event, also with C/A.
    whole = jets.exclusive_jets(particles, 2, algorithm="cambridge")
    assert ak.all(ak.num(whole, axis=1) == np.minimum(ak.num(particles, axis=1), 2))
    np.testing.assert_allclose(ak.sum(whole.E, axis=1), ak.sum(particles.E, axis=1), rtol=1e-12)
    # A small R loses soft, wide particles to the beam, as fastjet's pp kt does.
    assert ak.sum(jets.exclusive_jets(particles, 2, R=0.4).E) < ak.sum(particles.E)


def test_no_events_and_bad_arguments():
    empty = random_events()[:0]
    found, constituents = jets.cluster(empty)
    assert len(found) == 0 and len(constituents) == 0
    with pytest.raises(ValueError, match="unknown jet algorithm"):
        jets.cluster(random_events(), algorithm="siscone")
    with pytest.raises(ValueError, match="at least 1"):
        jets.exclusive_jets(random_events(), 0)
