"""The pythia source: reproducibility, momentum balance, resonance peaks, column contract, config checks.

Generation tests use few events. MPI is switched off only in the mass-peak
tests, where the underlying event would just add a little mass to the large-R
jets; reproducibility and momentum balance run the full physics.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import awkward as ak
import numpy as np
import pytest

from topoae import jets as jetlib
from topoae.config import ConfigError, validate
from topoae.generate import generate_chunk
from topoae.generate import pythia as source
from topoae.io import read_events, write_events

needs_pythia = pytest.mark.skipif(
    importlib.util.find_spec("pythia8mc") is None or importlib.util.find_spec("fastjet") is None,
    reason="pythia8mc and fastjet not installed",
)

ZPRIME = {"sqrt_s": 13000.0, "pt_hat_min": 300.0, "signal": {"process": "zprime", "mass": 1000.0}}
N_BACKGROUND, N_SIGNAL = 6, 4


def chunk(seed: int = 3, index: int = 0) -> ak.Array:
    return generate_chunk("pythia", ZPRIME, N_BACKGROUND, N_SIGNAL, 0.5, seed, "dijet", index)


@pytest.fixture(scope="module")
def events() -> ak.Array:
    return chunk()


# --- generation ---------------------------------------------------------------------------------


@needs_pythia
@pytest.mark.slow
def test_same_seed_same_events_other_chunk_other_events(events):
    assert ak.array_equal(chunk(), events, equal_nan=True)
    other = chunk(index=1)
    assert not np.array_equal(ak.to_numpy(other.mjj), ak.to_numpy(events.mjj), equal_nan=True)


@needs_pythia
@pytest.mark.slow
def test_columns_follow_the_contract(events):
    n = N_BACKGROUND + N_SIGNAL
    assert len(events) == n
    assert {
        "jets",
        "constituents",
        "weight",
        "label",
        "resonance_mass",
        "mjj",
        "sigma_mb",
        "sigma_error_mb",
        "split",
    } <= set(events.fields)
    jets, constituents = events.jets, events.constituents
    assert jets.fields == ["px", "py", "pz", "E"] and constituents.fields == ["px", "py", "pz", "E"]
    assert str(ak.type(jets.E)) == f"{n} * var * float64"
    assert str(ak.type(constituents.E)) == f"{n} * var * var * float64"
    assert ak.all(ak.num(jets, axis=1) <= 2) and ak.all(ak.num(constituents, axis=1) == ak.num(jets, axis=1))
    pt = jetlib.pt(jets)
    assert ak.all(pt[:, 1:] <= pt[:, :-1]) and ak.all(pt >= 20.0)
    summed = jetlib.total(constituents, axis=2)
    np.testing.assert_allclose(ak.flatten(summed.E), ak.flatten(jets.E), rtol=1e-9)
    np.testing.assert_allclose(ak.to_numpy(events.mjj), jetlib.dijet_mass(jets), rtol=1e-12)
    label = ak.to_numpy(events.label)
    assert label.dtype == np.int8 and np.bincount(label).tolist() == [N_BACKGROUND, N_SIGNAL]
    mass = ak.to_numpy(events.resonance_mass)
    assert np.isnan(mass[label == 0]).all() and (mass[label == 1] == 1000.0).all()
    for column in ("weight", "mjj", "sigma_mb", "sigma_error_mb"):
        assert ak.to_numpy(events[column]).dtype == np.float64
    sigma = ak.to_numpy(events.sigma_mb)
    # One cross-section per process; QCD above pTHat 300 GeV dwarfs a 1 TeV Z'.
    assert len(set(sigma[label == 0])) == 1 and len(set(sigma[label == 1])) == 1
    assert sigma[label == 0][0] > 100 * sigma[label == 1][0] > 0
    assert (ak.to_numpy(events.weight) == 1.0).all()


@needs_pythia
@pytest.mark.slow
def test_parquet_round_trip(events, tmp_path):
    path = tmp_path / "chunk.parquet"
    write_events(events, path, {"source": "pythia"})
    back, metadata = read_events(path)
    assert metadata == {"source": "pythia"}
    assert ak.array_equal(back, events, equal_nan=True)
    assert ak.parameters(back.jets[0]).get("__record__") == "Momentum4D"


@needs_pythia
@pytest.mark.slow
@pytest.mark.parametrize("process", ["qcd", "wprime_xy"])
def test_final_state_momentum_balance(process):
    options = source.with_defaults({"signal": {"process": "wprime_xy", "mass": 3500.0}})
    pythia = source.make_pythia(source.settings(process, options, seed=11))
    (batch,) = source.batches(pythia, 5, batch_size=5)
    particles = source.final_state(batch, neutrinos=True)
    total = jetlib.total(particles, axis=1)
    sqrt_s = options["sqrt_s"]
    # Typically 1e-12 of sqrt(s); Pythia's own bookkeeping leaves up to ~1e-7 in rare events.
    tolerance = 1e-6 * sqrt_s
    for component in ("px", "py", "pz"):
        assert np.max(np.abs(ak.to_numpy(total[component]))) < tolerance
    assert np.max(np.abs(ak.to_numpy(total.E) - sqrt_s)) < tolerance
    assert ak.all(ak.num(source.final_state(batch, neutrinos=False), axis=1) <= ak.num(particles, axis=1))


@needs_pythia
@pytest.mark.slow
def test_zprime_dijet_mass_peaks_at_its_mass():
    options = {"mpi": False, "signal": {"process": "zprime", "mass": 800.0}}
    columns = source.pythia_events(np.random.default_rng(5), 0, 100, **options)
    mjj = columns["mjj"]
    assert np.isfinite(mjj).mean() > 0.95
    assert abs(np.nanmedian(mjj) / 800.0 - 1) < 0.06
    counts, edges = np.histogram(mjj, bins=np.arange(400.0, 1201.0, 50.0))
    assert edges[counts.argmax()] in (700.0, 750.0, 800.0)  # FSR out of the cone pulls the peak a bit low


@needs_pythia
@pytest.mark.slow
def test_wprime_to_xy_dijet_and_jet_masses():
    signal = {"process": "wprime_xy", "mass": 3500.0, "x_mass": 500.0, "y_mass": 100.0}
    options = {"mpi": False, "signal": signal}
    columns = source.pythia_events(np.random.default_rng(6), 0, 40, **options)
    assert abs(np.nanmedian(columns["mjj"]) / 3500.0 - 1) < 0.06
    two = columns["jets"][ak.num(columns["jets"], axis=1) == 2]
    masses = jetlib.mass(two)
    # The boosted X and Y each land in one R = 1 jet: the heavier jet has X's mass, the lighter Y's.
    assert abs(np.median(ak.to_numpy(ak.max(masses, axis=1, mask_identity=False))) / 500.0 - 1) < 0.15
    assert abs(np.median(ak.to_numpy(ak.min(masses, axis=1, mask_identity=False))) / 100.0 - 1) < 0.3


@needs_pythia
@pytest.mark.slow
def test_pythia_output_goes_to_the_job_log(tmp_path):
    log = tmp_path / "generate.log"
    script = (
        "import numpy as np; from topoae import logs; from topoae.generate.pythia import pythia_events; "
        f"logs.to_file({str(log)!r}); "
        "pythia_events(np.random.default_rng(1), 2, 0, mpi=False, signal={'process': 'zprime', 'mass': 1e3})"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout == "" and result.stderr == ""
    text = log.read_text()
    assert "Welcome to the Lund Monte Carlo" in text and "PYTHIA Event and Cross Section Statistics" in text
    assert "Event Listing" not in text  # no per-event listings


def test_importing_the_source_loads_neither_pythia_nor_fastjet():
    script = "import sys, topoae.generate.pythia; print(sorted({'pythia8mc', 'fastjet'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@needs_pythia
def test_rejected_setting_is_named():
    with pytest.raises(ValueError, match="Nonsense:thing"):
        source.make_pythia(["Nonsense:thing = 3"])


# --- settings and seeds (no Pythia run) -------------------------------------------------------


def test_settings_follow_the_options():
    options = source.with_defaults(
        {
            "mpi": False,
            "hadronisation": False,
            "extra": ["PartonLevel:ISR = off"],
            "signal": {"process": "zprime", "mass": 2000.0, "mass_window": 0.25},
        }
    )
    background = source.settings("qcd", options, seed=42)
    assert {
        "Random:setSeed = on",
        "Random:seed = 42",
        "PartonLevel:MPI = off",
        "HadronLevel:Hadronize = off",
        "HardQCD:all = on",
        "PhaseSpace:pTHatMin = 500.0",
        "Beams:eCM = 13000.0",
        "Next:numberShowEvent = 0",
    } <= set(background)
    assert background[-1] == "PartonLevel:ISR = off"
    signal = source.settings("zprime", options, seed=42)
    expected = {"32:m0 = 2000.0", "32:mMin = 1500.0", "32:mMax = 2500.0", "Zprime:gmZmode = 3"}
    assert expected <= set(signal)
    assert "HardQCD:all = on" not in signal
    open_window = source.with_defaults({"signal": {"process": "zprime", "mass": 2000.0, "mass_window": None}})
    assert not any("mMin" in s for s in source.settings("zprime", open_window, seed=1))


def test_wprime_xy_settings():
    options = source.with_defaults(
        {"signal": {"process": "wprime_xy", "mass": 3000.0, "x_mass": 400.0, "y_mass": 80.0}}
    )
    lines = source.settings("wprime_xy", options, seed=1)
    assert "34:addChannel = 1 1.0 100 9000001 9000002" in lines and "34:doForceWidth = on" in lines
    assert any(s.startswith("9000001:new = X+ X- 1 3 0 400.0") for s in lines)  # X is charged, like the W'
    assert any(s.startswith("9000002:new = Y0 void 1 0 0 80.0") for s in lines)


def test_seeds_come_from_the_chunk_stream(monkeypatch):
    calls = []

    def fake_run(process, n, options, seed):
        calls.append((process, n, seed))
        return {"weight": np.ones(n), "mjj": np.zeros(n), "jets": ak.Array([[]] * n)}

    monkeypatch.setattr(source, "run", fake_run)
    columns = source.pythia_events(np.random.default_rng(1), 3, 2, **ZPRIME)
    source.pythia_events(np.random.default_rng(1), 5, 0, **ZPRIME)
    source.pythia_events(np.random.default_rng(2), 3, 2, **ZPRIME)
    (qcd, n_qcd, seed_qcd), (zprime, n_zprime, seed_zprime), again, other, _ = calls
    assert (qcd, n_qcd, zprime, n_zprime) == ("qcd", 3, "zprime", 2)
    assert again == ("qcd", 5, seed_qcd) and other[2] != seed_qcd and seed_qcd != seed_zprime
    assert all(1 <= seed < source.SEED_MAX for *_, seed in calls)
    assert columns["label"].tolist() == [0, 0, 0, 1, 1]
    assert np.isnan(columns["resonance_mass"][:3]).all() and (columns["resonance_mass"][3:] == 1000.0).all()


# --- config --------------------------------------------------------------------------------------


def test_schema_defaults():
    options = source.with_defaults({"signal": {"process": "wprime_xy", "mass": 3500.0}})
    assert options["signal"] == {
        "process": "wprime_xy",
        "mass": 3500.0,
        "x_mass": 500.0,
        "y_mass": 100.0,
        "mass_window": 0.5,
    }
    jets = {"algorithm": "antikt", "R": 1.0, "n_jets": 2, "min_pt": 20.0, "neutrinos": False}
    assert options["jets"] == jets
    assert (
        options["sqrt_s"],
        options["pt_hat_min"],
        options["mpi"],
        options["hadronisation"],
        options["batch_size"],
        options["extra"],
    ) == (13000.0, 500.0, True, True, 100, [])
    zprime = source.with_defaults({"signal": {"process": "zprime", "mass": 3500.0}})
    assert "x_mass" not in zprime["signal"] and "y_mass" not in zprime["signal"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"signal": {"process": "graviton", "mass": 1000.0}},
            "config key 'pythia.signal.process' = 'graviton': 'graviton' is not one of",
        ),
        ({"signal": {"process": "zprime"}}, "'mass' is a required property"),
        (
            {"jets": {"radius": 0.4}, "signal": {"process": "zprime", "mass": 1000.0}},
            "config key 'pythia.jets': Additional properties are not allowed ('radius' was unexpected)",
        ),
        (
            {"signal": {"process": "zprime", "mass": 1000.0, "mass_window": 1.0}},
            "config key 'pythia.signal.mass_window' = 1.0",
        ),
        (
            {"sqrt_s": 5000.0, "signal": {"process": "zprime", "mass": 5000.0}},
            "config key 'pythia.signal.mass' = 5000: not below sqrt_s=5000",
        ),
        (
            {"signal": {"process": "wprime_xy", "mass": 500.0}},
            "config key 'pythia.signal.x_mass' = 500: x_mass + y_mass = 600 GeV, not below the W' mass 500",
        ),
        (
            {"signal": {"process": "zprime", "mass": 1000.0, "y_mass": 80.0}},
            "config key 'pythia.signal.y_mass' = 80: only used by process 'wprime_xy'",
        ),
        (
            {"sqrt_s": 900.0, "signal": {"process": "zprime", "mass": 500.0}},
            "config key 'pythia.pt_hat_min' = 500: twice it is 1000 GeV, not below sqrt_s=900",
        ),
    ],
)
def test_bad_options_rejected_naming_the_key(options, message):
    with pytest.raises(ConfigError) as error:
        source.with_defaults(options)
    assert message in str(error.value)


def test_config_problems_with_the_dataset_key():
    options = source.with_defaults({"signal": {"process": "zprime", "mass": 1000.0}})
    assert list(source.config_problems(options, "datasets.dijet.pythia")) == []
    options["signal"]["mass"] = 14000.0
    (problem,) = source.config_problems(options, "datasets.dijet.pythia")
    assert problem == "config key 'datasets.dijet.pythia.signal.mass' = 14000: not below sqrt_s=13000"


def test_study_config_names_the_pythia_key():
    config = {
        "datasets": {
            "dijet": {
                "source": "pythia",
                "features": {"set": "coordinates"},
                "pythia": {"signal": {"process": "graviton", "mass": 1000.0}},
            }
        }
    }
    key = r"config key 'datasets\.dijet\.pythia\.signal\.process' = 'graviton'"
    with pytest.raises(ConfigError, match=key):
        validate(config)
