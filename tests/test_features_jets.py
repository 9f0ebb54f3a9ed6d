"""jet_invariants: exclusive kt subjets, jet masses, the missing-object policy and bad collider input."""

from __future__ import annotations

import logging
import math

import awkward as ak
import numpy as np
import pytest

from topoae import features

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # fastjet's banner-era warnings


def spray(rng: np.random.Generator, n: int) -> list[dict]:
    """n massless particles within 0.3 of a random axis (|y| < 2), pT 5-300 GeV."""
    y0, phi0 = rng.uniform(-2, 2), rng.uniform(-math.pi, math.pi)
    pt = rng.uniform(5, 300, n)
    y, phi = y0 + rng.uniform(-0.3, 0.3, n), phi0 + rng.uniform(-0.3, 0.3, n)
    return [
        {"px": a * math.cos(f), "py": a * math.sin(f), "pz": a * math.sinh(b), "E": a * math.cosh(b)}
        for a, b, f in zip(pt, y, phi, strict=True)
    ]


def jet_events(constituent_counts: list[list[int]], seed: int = 1) -> ak.Array:
    """Events of jets with the given constituent counts; jets are the constituent sums, pT ordered."""
    rng = np.random.default_rng(seed)
    constituents = ak.Array(
        [[spray(rng, n) for n in event] for event in constituent_counts], with_name="Momentum4D"
    )
    jets = ak.sum(constituents, axis=2)
    jets = ak.zip({c: getattr(jets, c) for c in ("px", "py", "pz", "E")}, with_name="Momentum4D")
    order = ak.argsort(jets.pt, axis=1, ascending=False)
    n = len(constituent_counts)
    return ak.zip(
        {
            "jets": jets[order],
            "constituents": constituents[order],
            "label": (np.arange(n) % 2).astype(np.int8),
            "split": np.zeros(n, np.int8),
            "weight": np.ones(n),
            "mjj": np.full(n, 1234.0),
        },
        depth_limit=1,
    )


def test_exclusive_subjets_sum_to_the_jet_and_are_pt_ordered():
    """With the large kt radius no constituent goes to the beam: the subjets of a jet add up to it."""
    events = jet_events([[12, 7], [5, 9, 3], [1, 20]])
    subjets = features.exclusive_subjets(events.constituents, 3)
    assert ak.to_list(ak.num(subjets, axis=2)) == [[3, 3], [3, 3, 3], [3, 1]]
    total = ak.sum(subjets, axis=2)
    for c in ("px", "py", "pz", "E"):
        np.testing.assert_allclose(
            ak.to_numpy(ak.flatten(getattr(total, c))),
            ak.to_numpy(ak.flatten(getattr(events.jets, c))),
            rtol=1e-9,
            atol=1e-9,
        )
    pt = subjets.pt
    assert ak.all(pt[:, :, :-1] >= pt[:, :, 1:])


def test_jet_invariants_columns_and_values():
    """Jet masses and the dijet mass in GeV, subjet invariants normalised by the subjets' s; mjj carried."""
    events = jet_events([[10, 8, 4]] * 6, seed=2)
    table = features.compute(events, "jet_invariants", {"k": 2, "n_subjets": 2}, "dijet")
    names = features.feature_names(table)
    assert names[:3] == ["m_j1", "m_j2", "m_jj"]
    assert [c for c in names if c.startswith("sub_s")] == [
        "sub_s12",
        "sub_s13",
        "sub_s14",
        "sub_s23",
        "sub_s24",
        "sub_s34",
    ]
    jets = events.jets
    np.testing.assert_allclose(table.m_j1, ak.to_numpy(jets[:, 0].mass), rtol=1e-9)
    np.testing.assert_allclose(table.m_jj, ak.to_numpy((jets[:, 0] + jets[:, 1]).mass), rtol=1e-9)
    # The subjets of both jets add up to the dijet system: their pair invariants and masses sum accordingly.
    pairs = table[[c for c in names if c.startswith("sub_s")]].sum(axis=1)
    masses = table[[c for c in names if c.startswith("sub_m")]].sum(axis=1)
    np.testing.assert_allclose(pairs - 2 * masses, 1.0, rtol=1e-9)
    assert (table.mjj == 1234.0).all()


def test_single_jet_substructure():
    """k = 1: one (fat) jet and the invariants of its subjets."""
    table = features.compute(jet_events([[15], [9, 2]]), "jet_invariants", {"k": 1, "n_subjets": 3})
    assert features.feature_names(table)[:5] == ["m_j1", "m_jj", "sub_s12", "sub_s13", "sub_s23"]
    np.testing.assert_allclose(table.m_j1, table.m_jj)


def test_drop_counts_events_short_of_jets_or_constituents(caplog):
    """An event with one jet, and one whose second jet has a single constituent, are dropped (n_subjets 2)."""
    events = jet_events([[6, 5], [7], [4, 1], [3, 3, 3]])
    with caplog.at_level(logging.INFO, logger="topoae.features"):
        table = features.compute(events, "jet_invariants", {"k": 2, "n_subjets": 2}, "dijet")
    assert len(table) == 2
    assert "dijet: dropped 2 of 4 events" in caplog.text and "(1 background, 1 signal)" in caplog.text


def test_pad_masks_missing_jets_and_subjets():
    events = jet_events([[6, 5], [7], [4, 1]])
    table = features.compute(events, "jet_invariants", {"k": 2, "n_subjets": 2, "missing": "pad"})
    masks = table[["mask1", "mask2", "mask_sub1", "mask_sub2", "mask_sub3", "mask_sub4"]].to_numpy()
    np.testing.assert_array_equal(masks, [[1, 1, 1, 1, 1, 1], [1, 0, 1, 1, 0, 0], [1, 1, 1, 1, 1, 0]])
    assert table.m_j2[1] == 0.0 and table.sub_s34[1] == 0.0 and table.sub_s14[2] == 0.0
    np.testing.assert_allclose(table.m_jj[1], table.m_j1[1])
    assert np.isfinite(table[features.feature_names(table)].to_numpy()).all()


def test_non_finite_constituents_name_dataset_and_count():
    events = jet_events([[4, 4]] * 5)
    constituents = ak.to_list(events.constituents)
    constituents[3][1][2]["px"] = math.nan
    events = ak.with_field(events, ak.Array(constituents, with_name="Momentum4D"), "constituents")
    with pytest.raises(
        features.FeatureError, match=r"dijet: 1 of 5 events have NaN or infinite momenta in 'constituents'"
    ):
        features.compute(events, "jet_invariants", {}, "dijet")


def test_subjets_beyond_every_jet_multiplicity_fail():
    with pytest.raises(
        features.FeatureError,
        match=r"dijet: all 3 events have fewer than k=2 jets or a leading "
        r"jet with fewer than n_subjets=5 constituents; k=2 and n_subjets=5 exceed",
    ):
        features.compute(jet_events([[3, 4]] * 3), "jet_invariants", {"n_subjets": 5}, "dijet")


def test_jets_and_constituent_lists_must_match():
    events = jet_events([[3, 4], [2, 2]])
    events = ak.with_field(events, events.jets[:, :1], "jets")
    with pytest.raises(features.FeatureError, match="dijet: 2 of 2 events have a different number of jets"):
        features.compute(events, "jet_invariants", {}, "dijet")


def test_invariants_of_leading_jets():
    """The plain invariants set works on the jets collection when events have no particles."""
    table = features.compute(jet_events([[5, 5, 5]] * 4), "invariants", {"k": 3})
    assert features.feature_names(table)[:3] == ["s12", "s13", "s23"]
