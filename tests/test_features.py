"""Feature sets: analytic checks, the missing-object policy, bad input, the scaler and the schema."""

from __future__ import annotations

import copy
import logging

import awkward as ak
import numpy as np
import pandas as pd
import pytest

from topoae import config, features, lorentz
from topoae.generate import particles_array, rambo, rambo_events

SQRT_S = 1000.0


def events_from(columns: dict) -> ak.Array:
    n = len(columns["label"])
    columns = {"split": np.zeros(n, np.int8), "weight": np.ones(n), **columns}
    return ak.zip(columns, depth_limit=1)


def phase_space_events(n_events: int, masses, seed: int = 1) -> ak.Array:
    momenta = rambo.massive(np.random.default_rng(seed), n_events, masses, SQRT_S)[0]
    return events_from({"particles": particles_array(momenta), "label": np.zeros(n_events, np.int8)})


def jagged_events(multiplicities: list[int], seed: int = 2) -> ak.Array:
    """Massless phase-space events of the given multiplicities, labels alternating 0, 1."""
    rng = np.random.default_rng(seed)
    # A lone particle is taken from a 2-body event: only the present objects' invariants matter.
    momenta = [rambo.massless(rng, 1, max(n, 2), SQRT_S)[0][:n] for n in multiplicities]
    particles = ak.Array(
        [[dict(zip(("px", "py", "pz", "E"), p, strict=True)) for p in event] for event in momenta],
        with_name="Momentum4D",
    )
    labels = np.arange(len(multiplicities)) % 2
    return events_from({"particles": particles, "label": labels.astype(np.int8)})


# ---------------------------------------------------------------- analytic checks


def test_massless_three_body_invariants_sum_to_one():
    """For massless 3-body events s12 + s13 + s23 = s, and no mass columns appear."""
    table = features.compute(phase_space_events(2000, [0.0, 0.0, 0.0]), "invariants", {"k": 3})
    assert features.feature_names(table) == ["s12", "s13", "s23"]
    np.testing.assert_allclose(table.s12 + table.s13 + table.s23, 1.0, rtol=1e-12)
    assert (table[["s12", "s13", "s23"]] >= -1e-12).all().all()


def test_massive_invariants_obey_the_mass_identity():
    """sum_(i<j) s_ij = s + (k - 2) sum_i m_i^2; mass columns only for the massive objects."""
    masses = [0.0, 50.0, 120.0, 10.0]
    table = features.compute(phase_space_events(1000, masses), "invariants", {"k": 4})
    names = features.feature_names(table)
    pairs = [c for c in names if c.startswith("s")]
    assert len(pairs) == 6 and [c for c in names if c.endswith("sq")] == ["m2sq", "m3sq", "m4sq"]
    total = table[pairs].sum(axis=1) - 2 * table[["m2sq", "m3sq", "m4sq"]].sum(axis=1)
    np.testing.assert_allclose(total, 1.0, rtol=1e-10)
    np.testing.assert_allclose(table.m3sq, (120.0 / SQRT_S) ** 2, rtol=1e-9)


def test_mass_columns_options():
    """masses: always adds m_i^2/s for every object, never for none."""
    events = phase_space_events(50, [0.0, 0.0, 30.0])
    always = features.compute(events, "invariants", {"masses": "always"})
    never = features.compute(events, "invariants", {"masses": "never"})
    assert {"m1sq", "m2sq", "m3sq"} <= set(always.columns)
    assert not [c for c in never if c.endswith("sq")]


@pytest.mark.parametrize("pair, column", [((0, 1), "s12"), ((1, 2), "s23")])
def test_resonance_pair_invariant_peaks_at_mass_squared_over_s(pair, column):
    """Two-body resonance signal: the pair's s_ij / s equals (m_X / sqrt(s))^2 event by event,
    so it peaks at (M / sqrt(s))^2; the background is spread over the Dalitz triangle."""
    mass, width = 400.0, 5.0
    columns = rambo_events(
        np.random.default_rng(3), 2000, 2000, 3, SQRT_S, signal={"mass": mass, "width": width, "pair": pair}
    )
    table = features.compute(events_from(columns), "invariants", {"k": 3})
    signal = table[table.label == 1]
    np.testing.assert_allclose(signal[column], (signal.resonance_mass / SQRT_S) ** 2, rtol=1e-9)
    counts, edges = np.histogram(signal[column], bins=100, range=(0.0, 1.0))
    peak = np.argmax(counts)
    assert edges[peak] <= (mass / SQRT_S) ** 2 <= edges[peak + 1]
    background, _ = np.histogram(table[table.label == 0][column], bins=100, range=(0.0, 1.0))
    assert background.max() < 0.1 * counts.max()


def test_dalitz_variables_fill_the_massless_triangle():
    """dalitz gives s12/s and s23/s, equal to the invariants, inside x, y >= 0, x + y <= 1."""
    events = phase_space_events(3000, [0.0, 0.0, 0.0])
    dalitz = features.compute(events, "dalitz", {})
    invariants = features.compute(events, "invariants", {})
    assert features.feature_names(dalitz) == ["s12", "s23"]
    np.testing.assert_array_equal(dalitz[["s12", "s23"]], invariants[["s12", "s23"]])
    assert (dalitz.s12 >= -1e-12).all() and (dalitz.s12 + dalitz.s23 <= 1 + 1e-12).all()
    # Flat phase space is flat in the Dalitz plot: each half of the triangle holds half the events.
    assert abs((dalitz.s12 < dalitz.s23).mean() - 0.5) < 0.05


def test_rest_frame_canonical_orientation_and_mass_shells():
    """rest_frame: object 1 along +z, object 2 in the x-z plane with px > 0, energies sum to 1 and
    E_i^2 - p_i^2 = m_i^2 / s; structural zeros are left out."""
    masses = [0.0, 80.0, 20.0, 0.0]
    table = features.compute(phase_space_events(500, masses), "rest_frame", {"k": 4})
    names = features.feature_names(table)
    assert names[:5] == ["pz1", "E1", "px2", "pz2", "E2"] and len(names) == 4 * 4 - 3
    assert (table.pz1 > 0).all() and (table.px2 > 0).all()
    np.testing.assert_allclose(table.E1 + table.E2 + table.E3 + table.E4, 1.0, rtol=1e-12)
    m2 = table.E2**2 - table.px2**2 - table.pz2**2
    np.testing.assert_allclose(m2, (80.0 / SQRT_S) ** 2, rtol=1e-8)


def test_rest_frame_of_three_objects_drops_py3():
    """With k = 3 the third momentum is -(p1 + p2), in the x-z plane: py3 is not a column."""
    table = features.compute(phase_space_events(20, [0.0] * 3), "rest_frame", {"k": 3})
    assert features.feature_names(table) == ["pz1", "E1", "px2", "pz2", "E2", "px3", "pz3", "E3"]


def test_rest_frame_without_rotation_of_cm_events_is_the_scaled_input():
    """orientation: none on events already at rest gives the momenta / sqrt(s), all 4k columns."""
    events = phase_space_events(100, [0.0] * 3)
    table = features.compute(events, "rest_frame", {"orientation": "none"})
    raw = features.compute(events, "raw", {})
    assert features.feature_names(table) == features.feature_names(raw)
    names = features.feature_names(raw)
    np.testing.assert_allclose(table[names], raw[names] / SQRT_S, atol=1e-12)


def test_rest_frame_of_a_boosted_system_matches_a_numpy_boost():
    """The vector-based boost agrees with an explicit numpy boost back to the rest frame."""
    momenta = rambo.massless(np.random.default_rng(4), 200, 3, SQRT_S)
    boosted = lorentz.transform(momenta, lorentz.boost_matrix(1.5, [1.0, 2.0, -0.5]))
    events = events_from({"particles": particles_array(boosted), "label": np.zeros(200, np.int8)})
    table = features.compute(events, "rest_frame", {"orientation": "none"})
    names = features.feature_names(table)
    np.testing.assert_allclose(table[names].to_numpy().reshape(200, 3, 4), momenta / SQRT_S, atol=1e-12)


def test_raw_is_the_input():
    events = phase_space_events(10, [0.0, 5.0, 0.0])
    table = features.compute(events, "raw", {"k": 2})
    np.testing.assert_array_equal(table.E2, ak.to_numpy(events.particles.E[:, 1]))
    assert features.feature_names(table) == ["px1", "py1", "pz1", "E1", "px2", "py2", "pz2", "E2"]


def test_coordinates_pass_through():
    points = np.random.default_rng(5).normal(size=(30, 3))
    events = events_from(
        {"coordinates": ak.from_regular(ak.Array(points), axis=1), "label": np.zeros(30, np.int8)}
    )
    table = features.compute(events, "coordinates", {})
    np.testing.assert_array_equal(table[["x1", "x2", "x3"]], points)


# ---------------------------------------------------------------- missing objects


def test_drop_removes_short_events_and_logs_the_count(caplog):
    """missing: drop removes events with fewer than k objects, keeps truth aligned, logs the number."""
    multiplicities = [3, 2, 3, 4, 1, 3, 2, 5]
    events = jagged_events(multiplicities)
    with caplog.at_level(logging.INFO, logger="topoae.features"):
        table = features.compute(events, "invariants", {"k": 3, "missing": "drop"}, "mixed")
    kept = np.array(multiplicities) >= 3
    assert len(table) == kept.sum()
    np.testing.assert_array_equal(table.label, ak.to_numpy(events.label)[kept])
    assert (
        "mixed: dropped 3 of 8 events with fewer than k=3 particles (2 background, 1 signal)" in caplog.text
    )


def test_pad_keeps_short_events_with_masks(caplog):
    """missing: pad keeps every event; missing objects give zeros, mask columns say which are present,
    and invariants are normalised by the present objects."""
    events = jagged_events([3, 2, 1, 4])
    with caplog.at_level(logging.INFO, logger="topoae.features"):
        table = features.compute(events, "invariants", {"k": 3, "missing": "pad"}, "mixed")
    assert "mixed: padded 2 of 4 events" in caplog.text
    assert features.feature_names(table) == ["s12", "s13", "s23", "mask1", "mask2", "mask3"]
    np.testing.assert_array_equal(
        table[["mask1", "mask2", "mask3"]], [[1, 1, 1], [1, 1, 0], [1, 0, 0], [1, 1, 1]]
    )
    np.testing.assert_allclose(table.iloc[1][["s12", "s13", "s23"]], [1.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_array_equal(table.iloc[2][["s12", "s13", "s23"]], [0.0, 0.0, 0.0])
    np.testing.assert_allclose(table.iloc[0][["s12", "s13", "s23"]].sum(), 1.0, rtol=1e-12)


@pytest.mark.parametrize("feature_set", ["rest_frame", "raw"])
def test_pad_zeroes_missing_objects(feature_set):
    """Padded objects' columns are 0; normalised sets also zero events with a single object."""
    table = features.compute(jagged_events([3, 2, 1]), feature_set, {"k": 3, "missing": "pad"})
    names = [c for c in features.feature_names(table) if not c.startswith("mask")]
    assert np.isfinite(table[names].to_numpy()).all()
    assert (table.iloc[1][[c for c in names if c.endswith("3")]] == 0).all()
    assert (table.iloc[2][[c for c in names if not c.endswith("1")]] == 0).all()
    assert (table.iloc[2][names] == 0).all() == (feature_set == "rest_frame")


def test_pad_dalitz_of_two_objects():
    table = features.compute(jagged_events([3, 2]), "dalitz", {"missing": "pad"})
    np.testing.assert_allclose(table.iloc[1][["s12", "s23", "mask3"]], [1.0, 0.0, 0.0], atol=1e-12)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_momenta_name_dataset_and_count(value):
    momenta = rambo.massless(np.random.default_rng(6), 10, 3, SQRT_S)
    momenta[2, 1, 0] = value
    momenta[7, 2, 3] = value
    events = events_from({"particles": particles_array(momenta), "label": np.zeros(10, np.int8)})
    for feature_set in ("invariants", "dalitz", "rest_frame", "raw"):
        with pytest.raises(
            features.FeatureError, match=r"rambo3: 2 of 10 events have NaN or infinite momenta"
        ):
            features.compute(events, feature_set, {"k": 3}, "rambo3")


def test_k_beyond_every_multiplicity_names_dataset_and_count():
    for missing in ("drop", "pad"):
        with pytest.raises(
            features.FeatureError,
            match=r"rambo3: all 20 events have fewer than k=5 particles; "
            r"k=5 is larger than every event's multiplicity \(at most 3\)",
        ):
            features.compute(
                phase_space_events(20, [0.0] * 3), "invariants", {"k": 5, "missing": missing}, "rambo3"
            )


def test_non_finite_features_are_reported():
    """Two identical massless particles have s = 0: the normalised invariants cannot be formed."""
    momenta = rambo.massless(np.random.default_rng(7), 6, 2, SQRT_S)
    momenta[3] = [[0.0, 0.0, 100.0, 100.0], [0.0, 0.0, 100.0, 100.0]]
    events = events_from({"particles": particles_array(momenta), "label": np.zeros(6, np.int8)})
    with pytest.raises(
        features.FeatureError, match="pairs: 1 of 6 events give non-finite 'invariants' features"
    ):
        features.compute(events, "invariants", {"k": 2}, "pairs")


def test_non_finite_coordinates_are_reported():
    points = np.ones((5, 2))
    points[1, 0] = np.nan
    events = events_from(
        {"coordinates": ak.from_regular(ak.Array(points), axis=1), "label": np.zeros(5, np.int8)}
    )
    with pytest.raises(features.FeatureError, match="circle: 1 of 5 events have NaN or infinite coordinates"):
        features.compute(events, "coordinates", {}, "circle")


@pytest.mark.parametrize(
    "feature_set, options, message",
    [
        ("bogus", {}, "toy: unknown feature set 'bogus'"),
        ("dalitz", {"k": 4}, "toy: features.k = 4, but 'dalitz' needs exactly 3"),
        ("invariants", {"missing": "skip"}, "toy: features.missing = 'skip'; allowed: drop, pad"),
        ("invariants", {"collection": "jets"}, "toy: events have no 'jets' field"),
    ],
)
def test_bad_options_are_clear(feature_set, options, message):
    with pytest.raises(features.FeatureError, match=message):
        features.compute(phase_space_events(5, [0.0] * 3), feature_set, options, "toy")


# ---------------------------------------------------------------- scaler


def _table(rows: int = 400, seed: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "a": rng.normal(3.0, 2.0, rows),
            "constant": np.full(rows, 0.25) + rng.normal(0, 1e-17, rows),
            "zero": np.zeros(rows),
            "mask1": (rng.random(rows) < 0.7).astype(float),
            "label": (np.arange(rows) % 4 == 0).astype(np.int8),
            "split": (np.arange(rows) % 3 == 0).astype(np.int8),
        }
    )
    frame.loc[frame.label == 1, "a"] += 100.0  # signal far away: must not enter the fit
    frame.loc[frame.split == 1, "a"] -= 50.0  # test rows too
    return frame


def test_scaler_fits_training_background_only():
    frame = _table()
    train = frame[(frame.split == 0) & (frame.label == 0)]
    scaler = features.fit_scaler(frame, ["a"])
    assert scaler["mean"] == pytest.approx([train.a.mean()])
    assert scaler["scale"] == pytest.approx([train.a.std(ddof=0)])
    x = features.standardise(train, ["a"], scaler)
    assert x.mean() == pytest.approx(0.0, abs=1e-12) and x.std() == pytest.approx(1.0)


def test_scaler_passes_masks_and_keeps_constant_columns_finite():
    """Mask columns keep their 0/1 values; constant columns (exact, or up to rounding noise) get scale 1."""
    frame = _table()
    names = ["a", "constant", "zero", "mask1"]
    scaler = features.fit_scaler(frame, names)
    assert scaler["mean"][3] == 0.0 and scaler["scale"][1:] == [1.0, 1.0, 1.0]
    x = features.standardise(frame, names, scaler)
    assert np.isfinite(x).all()
    np.testing.assert_array_equal(x[:, 3], frame.mask1)
    assert np.abs(x[:, 1]).max() < 1e-12


def test_scaler_needs_training_background():
    frame = _table()
    frame["label"] = 1
    with pytest.raises(ValueError, match="no training background"):
        features.fit_scaler(frame, ["a"])


# ---------------------------------------------------------------- schema


def _config(features_block: dict) -> dict:
    return {
        "datasets": {
            "ps": {
                "source": "rambo",
                "rambo": {"n_particles": 4, "sqrt_s": SQRT_S, "signal": {"mass": 400.0, "width": 20.0}},
                "features": copy.deepcopy(features_block),
            }
        }
    }


@pytest.mark.parametrize(
    "block, filled",
    [
        ({"set": "invariants"}, {"set": "invariants", "k": 3, "missing": "drop", "masses": "auto"}),
        (
            {"set": "jet_invariants"},
            {"set": "jet_invariants", "k": 2, "missing": "drop", "n_subjets": 2, "masses": "auto"},
        ),
        ({"set": "dalitz"}, {"set": "dalitz", "k": 3, "missing": "drop"}),
        (
            {"set": "rest_frame", "k": 4},
            {"set": "rest_frame", "k": 4, "missing": "drop", "orientation": "canonical"},
        ),
        ({"set": "raw", "missing": "pad"}, {"set": "raw", "k": 3, "missing": "pad"}),
        ({"set": "coordinates"}, {"set": "coordinates"}),
    ],
)
def test_schema_fills_each_sets_defaults(block, filled):
    assert config.validate(_config(block))["datasets"]["ps"]["features"] == filled


@pytest.mark.parametrize(
    "block, message",
    [
        ({"set": "dalitz", "k": 4}, "'datasets.ps.features.k' = 4"),
        ({"set": "invariants", "k": 1}, "'datasets.ps.features.k' = 1"),
        ({"set": "invariants", "missing": "skip"}, "'datasets.ps.features.missing' = 'skip'"),
        ({"set": "invariants", "kk": 3}, "'kk' was unexpected"),
        ({"set": "invariants", "k": 5}, "larger than n_particles=4"),
    ],
)
def test_schema_rejects_bad_blocks(block, message):
    with pytest.raises(config.ConfigError, match=message):
        config.validate(_config(block))


def test_schema_defaults_are_what_compute_assumes():
    """A block filled by the schema and a bare one give the same table."""
    events = phase_space_events(20, [0.0] * 4)
    for feature_set in ("invariants", "dalitz", "rest_frame", "raw"):
        filled = config.validate(_config({"set": feature_set}))["datasets"]["ps"]["features"]
        pd.testing.assert_frame_equal(
            features.compute(events, feature_set, filled), features.compute(events, feature_set, {})
        )


# ---------------------------------------------------------------- lorentz helpers


def test_lorentz_matrices_preserve_the_metric():
    boost = lorentz.boost_matrix(2.0, [1.0, -1.0, 0.5])
    rotation = lorentz.rotation_matrix([0.3, 0.4, 1.0], 1.2)
    for matrix in (boost, rotation, boost @ rotation):
        np.testing.assert_allclose(matrix.T @ lorentz.METRIC @ matrix, lorentz.METRIC, atol=1e-12)
    at_rest = np.array([0.0, 0.0, 0.0, 1.0])
    np.testing.assert_allclose(
        lorentz.transform(at_rest, lorentz.boost_matrix(1.0, [0, 0, 1])),
        [0.0, 0.0, np.sinh(1.0), np.cosh(1.0)],
    )
    np.testing.assert_allclose(
        lorentz.transform(np.array([1.0, 0, 0, 1]), lorentz.rotation_matrix([0, 0, 1], np.pi / 2)),
        [0.0, 1.0, 0.0, 1.0],
        atol=1e-15,
    )
