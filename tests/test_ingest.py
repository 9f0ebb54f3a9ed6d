"""The ingest source on real files nobody here wrote (scikit-hep-testdata), and on files written here."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import awkward as ak
import h5py
import jsonschema
import numpy as np
import pyarrow.parquet as pq
import pylhe
import pytest
import uproot
import vector

from topoae import config, io
from topoae.generate import generate_chunk
from topoae.ingest import IngestError, config_problems, ingest_to_parquet, input_files, read_events

vector.register_awkward()

REPO = Path(__file__).resolve().parents[1]
HZZ = "uproot-HZZ.root"
NANOAOD = "nanoAOD_2015_CMS_Open_Data_ttbar.root"
LHE_GZ = "pylhe-testfile-madgraph5-3.5.8-pp_to_jj.lhe.gz"
LHE_ZJ = "pylhe-testfile-powheg-box-v2-Zj.lhe"


@pytest.fixture(scope="session")
def testdata():
    """A function name -> path of a scikit-hep-testdata file, skipping when it is not at hand."""
    folder = Path(os.environ.get("TOPOAE_TESTDATA") or REPO.parent / "shared/testdata/skhepdata")

    def path(name: str) -> str:
        if not folder.is_dir():
            pytest.skip(f"no test data folder {folder}")
        skhep_testdata = pytest.importorskip("skhep_testdata")
        try:
            return skhep_testdata.data_path(name, cache_dir=str(folder))
        except Exception as error:  # offline and not in the folder
            pytest.skip(f"test file {name} not available: {error}")

    return path


def with_defaults(spec: dict) -> dict:
    """``spec`` validated against the ingest schema, with its defaults filled in as the workflow does."""
    schema = config.load_schema(config.SCHEMA_DIR / "config.schema.yaml")["$defs"]["ingest"]
    spec = copy.deepcopy(spec)
    config._with_defaults(jsonschema.Draft202012Validator)(schema).validate(spec)
    return spec


def spec_for(files, **options) -> dict:
    inputs = options.pop("inputs", None) or [{"files": files}]
    return with_defaults({"inputs": inputs, **options})


def read(spec: dict, seed: int = 1) -> ak.Array:
    return read_events(spec, "test", 0.5, seed)


def mass(pair: ak.Array) -> np.ndarray:
    return ak.to_numpy((pair[:, 0] + pair[:, 1]).mass)


# ---- real ROOT files -------------------------------------------------------------------------------


def test_hzz_muon_pairs_match_uproot(testdata):
    path = testdata(HZZ)
    raw = uproot.open(path)["events"].arrays(
        ["NMuon", "Muon_Px", "Muon_Py", "Muon_Pz", "Muon_E", "Muon_Charge", "EventWeight"]
    )
    events = read(
        spec_for(path, collection="Muon", weight_branch="EventWeight", selection={"sort_by_pt": False})
    )
    assert len(events) == len(raw) == 2421
    np.testing.assert_array_equal(ak.num(events.particles), raw.NMuon)
    np.testing.assert_allclose(events.weight, raw.EventWeight)
    assert events.particles.fields == ["px", "py", "pz", "E"]
    assert str(ak.type(events.particles.px)).endswith("float64")

    muons = ak.values_astype(raw[["Muon_Px", "Muon_Py", "Muon_Pz", "Muon_E"]], np.float64)
    direct = vector.zip({"px": muons.Muon_Px, "py": muons.Muon_Py, "pz": muons.Muon_Pz, "E": muons.Muon_E})
    opposite = (raw.NMuon == 2) & (ak.sum(raw.Muon_Charge, axis=1) == 0)
    ours = mass(events.particles[opposite])
    np.testing.assert_allclose(ours, mass(direct[opposite]), rtol=1e-6)
    assert ak.sum(opposite) > 100
    assert 88 < np.median(ours) < 94  # the Z peak


def test_hzz_jets_explicit_branches_with_selection(testdata):
    path = testdata(HZZ)
    raw = uproot.open(path)["events"].arrays(["Jet_Px", "Jet_Py"])
    branches = {"px": "Jet_Px", "py": "Jet_Py", "pz": "Jet_Pz", "E": "Jet_E"}
    events = read(
        spec_for(
            path,
            tree="events",
            branches=branches,
            step_size=500,
            selection={"min_pt": 30.0, "max_objects": 2, "min_objects": 1},
        )
    )
    pt = np.hypot(raw.Jet_Px, raw.Jet_Py)
    expected = ak.sort(pt[pt >= 30], axis=1, ascending=False)[:, :2]
    expected = expected[ak.num(expected) >= 1]
    got = np.hypot(events.particles.px, events.particles.py)
    assert len(events) == len(expected)
    np.testing.assert_allclose(ak.flatten(got), ak.flatten(expected), rtol=1e-6)


def test_nanoaod_polar_branches_found_from_collection(testdata):
    path = testdata(NANOAOD)
    raw = uproot.open(path)["Events"].arrays(["nJet", "Jet_pt", "Jet_eta", "Jet_mass"])
    events = read(spec_for(path, collection="Jet", selection={"sort_by_pt": False}))
    assert len(events) == len(raw) == 200
    np.testing.assert_array_equal(ak.num(events.particles), raw.nJet)
    p = events.particles
    np.testing.assert_allclose(ak.flatten(p.pt), ak.flatten(raw.Jet_pt), rtol=1e-6)
    np.testing.assert_allclose(ak.flatten(p.eta), ak.flatten(raw.Jet_eta), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ak.flatten(p.mass), ak.flatten(raw.Jet_mass), rtol=1e-5, atol=1e-3)
    assert np.all(events.label == 0) and np.all(events.weight == 1.0)


def test_nanoaod_leading_jets_are_ordered(testdata):
    path = testdata(NANOAOD)
    events = read(spec_for(path, collection="Jet", selection={"max_objects": 4, "min_objects": 2}))
    pt = events.particles.pt
    assert ak.all(ak.num(pt) >= 2) and ak.all(ak.num(pt) <= 4)
    assert ak.all(pt[:, :-1] >= pt[:, 1:])


# ---- real LHE files --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [LHE_GZ, LHE_ZJ])
def test_lhe_final_state_matches_pylhe(testdata, name):
    path = testdata(name)
    direct = pylhe.to_awkward(pylhe.LHEFile.fromfile(path))
    final = direct.particles[direct.particles.status == 1]
    events = read(
        spec_for(path, weight_branch="eventinfo.weight", step_size=300, selection={"sort_by_pt": False})
    )
    assert len(events) == len(direct)
    np.testing.assert_array_equal(ak.num(events.particles), ak.num(final))
    np.testing.assert_allclose(events.weight, direct.eventinfo.weight)
    np.testing.assert_allclose(ak.flatten(events.particles.E), ak.flatten(final.vector.e))
    # Momentum conservation: the final state carries the invariant mass of the incoming partons.
    incoming = direct.particles[direct.particles.status == -1].vector
    ours = ak.to_numpy(ak.sum(events.particles, axis=1).mass)
    np.testing.assert_allclose(ours, ak.to_numpy(ak.sum(incoming, axis=1).mass), rtol=1e-6)


# ---- files written here: LHC Olympics HDF5, Parquet, RNTuple, flat TTree ---------------------------------


def write_lhco(path: Path, pt_eta_phi: np.ndarray, truth: np.ndarray | None) -> None:
    """A pandas fixed-format frame exactly as the LHC Olympics R&D file has it, written with h5py."""
    values = pt_eta_phi.reshape(len(pt_eta_phi), -1)
    if truth is not None:
        values = np.column_stack([values, truth])
    columns = np.arange(values.shape[1], dtype=np.int64)
    with h5py.File(path, "w") as file:
        df = file.create_group("df")
        for key, value in {
            "pandas_type": "frame",
            "pandas_version": "0.15.2",
            "encoding": "UTF-8",
            "errors": "strict",
            "axis0_variety": "regular",
            "axis1_variety": "regular",
            "block0_items_variety": "regular",
        }.items():
            df.attrs[key] = np.bytes_(value)
        df.attrs["ndim"], df.attrs["nblocks"] = 2, 1
        df["axis0"] = columns
        df["axis1"] = np.arange(len(values), dtype=np.int64)
        df["block0_items"] = columns
        df["block0_values"] = values
        for name in ("axis0", "axis1", "block0_items"):
            df[name].attrs["kind"] = np.bytes_("integer")


def lhco_hadrons(rng: np.random.Generator, n_events: int, n_slots: int = 700) -> tuple[np.ndarray, ...]:
    counts = rng.integers(0, n_slots + 1, n_events)
    counts[:2] = 0, n_slots  # an empty event and a full one
    hadrons = np.zeros((n_events, n_slots, 3))
    for i, n in enumerate(counts):
        hadrons[i, :n] = np.column_stack(
            [rng.exponential(5.0, n) + 0.1, rng.normal(0, 2, n), rng.uniform(-np.pi, np.pi, n)]
        )
    return hadrons, counts


def test_lhco_layout(tmp_path):
    rng = np.random.default_rng(3)
    hadrons, counts = lhco_hadrons(rng, 30)
    truth = (rng.random(30) < 0.4).astype(float)
    path = tmp_path / "events_anomalydetection.h5"
    write_lhco(path, hadrons, truth)
    events = read(spec_for(str(path), step_size=7, selection={"sort_by_pt": False}))
    assert len(events) == 30
    np.testing.assert_array_equal(ak.num(events.particles), counts)
    np.testing.assert_array_equal(events.label, truth.astype(np.int8))
    p = events.particles
    kept = hadrons[np.arange(700)[None, :] < counts[:, None]]
    np.testing.assert_allclose(ak.flatten(p.pt), kept[:, 0], rtol=1e-9)
    np.testing.assert_allclose(ak.flatten(p.eta), kept[:, 1], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        ak.flatten(p.deltaphi(vector.obj(px=1.0, py=0.0, pz=0.0, E=1.0))), kept[:, 2], atol=1e-9
    )
    energy = ak.flatten(p.E)
    np.testing.assert_allclose(ak.flatten(p.mass) / energy, 0, atol=1e-6)  # hadrons are massless


def test_lhco_black_box_without_truth_takes_group_label(tmp_path):
    hadrons, counts = lhco_hadrons(np.random.default_rng(4), 12, n_slots=20)
    write_lhco(tmp_path / "bb.h5", hadrons, None)
    events = read(spec_for(None, format="lhco_hdf5", inputs=[{"files": str(tmp_path / "bb.h5"), "label": 1}]))
    np.testing.assert_array_equal(ak.num(events.particles), counts)
    assert np.all(events.label == 1)


def test_parquet_events_round_trip(tmp_path):
    options = {"n_particles": 4, "sqrt_s": 1000.0, "signal": {"mass": 300.0, "width": 10.0}}
    events = generate_chunk("rambo", options, 40, 10, 0.5, 0, "x", 0)
    path = tmp_path / "rambo.parquet"
    io.write_events(events, path, {"source": "rambo"})
    got = read(
        spec_for(
            str(path),
            step_size=16,
            weight_branch="weight",
            truth_branches={"resonance_mass": "resonance_mass"},
            inputs=[{"files": str(path), "label_branch": "label"}],
            selection={"sort_by_pt": False},
        )
    )
    assert ak.to_list(got.particles) == ak.to_list(events.particles)
    np.testing.assert_array_equal(got.label, events.label)
    np.testing.assert_array_equal(got.resonance_mass, events.resonance_mass)


def test_parquet_polar_records(tmp_path):
    jets = ak.zip(
        {
            "pt": [[50.0, 20.0], [30.0]],
            "eta": [[0.5, -1.0], [2.0]],
            "phi": [[0.1, 3.0], [-2.0]],
            "m": [[5.0, 1.0], [0.0]],
        }
    )
    ak.to_parquet(ak.zip({"jets": jets}, depth_limit=1), tmp_path / "jets.parquet")
    events = read(spec_for(str(tmp_path / "jets.parquet"), collection="jets"))
    np.testing.assert_allclose(ak.flatten(events.particles.pt), [50.0, 20.0, 30.0])
    np.testing.assert_allclose(ak.flatten(events.particles.mass), [5.0, 1.0, 0.0], atol=1e-5)


def test_rntuple_with_record_fields(tmp_path):
    rng = np.random.default_rng(5)
    counts = rng.integers(0, 5, 50)
    fields = {c: ak.unflatten(rng.normal(0, 30, counts.sum()), counts) for c in ("px", "py", "pz")}
    fields["E"] = np.sqrt(fields["px"] ** 2 + fields["py"] ** 2 + fields["pz"] ** 2 + 1.0)
    with uproot.recreate(tmp_path / "rn.root") as file:
        file["ntuple"] = {"Jet": ak.zip(fields), "w": rng.random(50)}
    assert uproot.open(tmp_path / "rn.root").classnames()["ntuple;1"] == "ROOT::RNTuple"
    events = read(
        spec_for(
            str(tmp_path / "rn.root"),
            collection="Jet",
            weight_branch="w",
            step_size=20,
            selection={"sort_by_pt": False},
        )
    )
    np.testing.assert_array_equal(ak.num(events.particles), counts)
    np.testing.assert_allclose(ak.flatten(events.particles.mass), 1.0, rtol=1e-6)


def test_flat_and_fixed_size_ttree(tmp_path):
    rng = np.random.default_rng(6)
    n = 100
    leptons = rng.normal(0, 20, (n, 2, 3))
    with uproot.recreate(tmp_path / "flat.root") as file:
        tree = file.mktree(
            "t",
            {
                "lep_pt": (np.float64, (2,)),
                "lep_eta": (np.float64, (2,)),
                "lep_phi": (np.float64, (2,)),
                "met": np.float64,
                "sig": np.int32,
            },
        )
        tree.extend(
            {
                "lep_pt": np.abs(leptons[..., 0]),
                "lep_eta": leptons[..., 1] / 20,
                "lep_phi": np.clip(leptons[..., 2] / 20, -3, 3),
                "met": rng.random(n),
                "sig": (rng.random(n) < 0.5).astype(np.int32),
            }
        )
    spec = spec_for(
        None,
        inputs=[{"files": str(tmp_path / "flat.root"), "label_branch": "sig"}],
        branches={"pt": "lep_pt", "eta": "lep_eta", "phi": "lep_phi", "mass": 0.105},
        truth_branches={"met": "met"},
    )
    events = read(spec)
    raw = uproot.open(tmp_path / "flat.root")["t"].arrays()
    assert np.all(ak.num(events.particles) == 2)
    np.testing.assert_allclose(ak.flatten(events.particles.mass), 0.105, rtol=1e-6)
    np.testing.assert_array_equal(events.label, raw.sig)
    np.testing.assert_allclose(events.met, raw.met)


# ---- writing, labels, split, globs -------------------------------------------------------------------


def test_ingest_to_parquet_writes_steps_with_metadata(testdata, tmp_path):
    path = testdata(HZZ)
    spec = spec_for(path, collection="Jet", step_size=500)
    out = tmp_path / "events.parquet"
    n = ingest_to_parquet(spec, "hzz", 0.3, 7, str(out))
    events, metadata = io.read_events(out)
    assert n == len(events) == 2421
    assert pq.ParquetFile(out).num_row_groups == 5
    assert metadata["source"] == "ingest" and metadata["units"] == "GeV"
    assert metadata["files"] == [path] and metadata["format"] == ["root"]
    assert ak.to_list(events) == ak.to_list(read_events(spec, "hzz", 0.3, 7))
    assert events.particles.layout.content.parameter("__record__") == "Momentum4D"
    assert abs(np.mean(events.split) - 0.3) < 0.05
    assert list(tmp_path.iterdir()) == [out]


def test_split_is_reproducible(testdata):
    spec = spec_for(testdata(HZZ), collection="Muon", step_size=1000)
    a, b, c = read(spec, seed=1), read(spec, seed=1), read(spec, seed=2)
    np.testing.assert_array_equal(a.split, b.split)
    assert not np.array_equal(a.split, c.split)


def test_groups_labels_and_globs(testdata, tmp_path):
    path = Path(testdata(HZZ))
    for name in ("bkg_1.root", "bkg_2.root"):
        shutil.copy(path, tmp_path / name)
    spec = spec_for(
        None,
        collection="Muon",
        inputs=[{"files": str(tmp_path / "bkg_*.root"), "label": 0}, {"files": [str(path)], "label": 1}],
    )
    assert input_files(spec) == [str(tmp_path / "bkg_1.root"), str(tmp_path / "bkg_2.root"), str(path)]
    events = read(spec)
    assert np.count_nonzero(events.label == 0) == 2 * 2421
    assert np.count_nonzero(events.label == 1) == 2421
    assert events.label.type.content == ak.types.NumpyType("int8")


def test_input_files_never_raises():
    spec = {"inputs": [{"files": "missing/sig.root"}, {"files": ["nowhere/*.root", "b.lhe"]}]}
    assert input_files(spec) == ["missing/sig.root", "nowhere/*.root", "b.lhe"]


# ---- config ---------------------------------------------------------------------------------------


def test_schema_defaults_and_unknown_keys():
    spec = with_defaults({"inputs": [{"files": "a.root"}], "collection": "Jet"})
    assert spec["format"] == "auto" and spec["step_size"] == 100000 and spec["tree"] is None
    assert spec["selection"] == {"min_pt": 0.0, "sort_by_pt": True, "max_objects": None, "min_objects": 0}
    assert spec["inputs"][0] == {"files": "a.root", "label": None, "label_branch": None}
    with pytest.raises(jsonschema.ValidationError):
        with_defaults({"inputs": [{"files": "a.root"}], "selection": {"minpt": 1}})
    with pytest.raises(jsonschema.ValidationError):
        with_defaults({"inputs": [{"files": "a.root"}], "branches": {"px": "a", "foo": "b"}})


def test_config_problems():
    where = "datasets.x.ingest"
    branches = {"px": "a", "py": "b", "pz": "c", "E": "d"}
    good = with_defaults({"inputs": [{"files": "a.root"}], "branches": branches})
    assert list(config_problems(good, where)) == []
    mixed = dict(good, branches={"px": "a", "py": "b", "pt": "c", "E": "d"})
    [problem] = config_problems(mixed, where)
    assert problem.startswith(f"config key '{where}.branches' = ") and "exactly" in problem
    constant = dict(good, branches={"px": 1.0, "py": "b", "pz": "c", "E": "d"})
    assert "only 'mass'" in next(config_problems(constant, where))
    both = dict(good, inputs=[{"files": "a.root", "label": 1, "label_branch": "y"}])
    assert "not both" in next(config_problems(both, where))
    bare = dict(good, branches=None)
    assert "'collection' or 'branches'" in next(config_problems(bare, where))
    unknown = dict(good, inputs=[{"files": "a.txt", "label": None, "label_branch": None}])
    assert "unknown extension" in next(config_problems(unknown, where))


def test_full_config_validates():
    ingest = {"inputs": [{"files": "a.root", "label": 0}], "collection": "Muon"}
    dataset = {"source": "ingest", "features": {"set": "invariants", "k": 2}, "ingest": ingest}
    cfg = {"datasets": {"hzz": dataset}}
    config.validate(cfg)
    assert cfg["datasets"]["hzz"]["ingest"]["step_size"] == 100000


# ---- errors: one message naming file and key, nothing left at the output ---------------------------------


def fails(spec: dict, tmp_path: Path, *words: str) -> str:
    out = tmp_path / "out" / "events.parquet"
    with pytest.raises(IngestError) as caught:
        ingest_to_parquet(spec, "test", 0.5, 1, str(out))
    message = str(caught.value)
    for word in words:
        assert word in message, message
    assert not out.exists()
    assert not (out.parent.exists() and list(out.parent.iterdir()))  # no temporary file either
    return message


def test_error_missing_file(tmp_path):
    missing = str(tmp_path / "nothere.root")
    fails(spec_for(missing, collection="Jet"), tmp_path, missing, "inputs.0.files", "no such file")


def test_error_glob_matches_nothing(tmp_path):
    pattern = str(tmp_path / "bkg_*.root")
    fails(spec_for(pattern, collection="Jet"), tmp_path, pattern, "inputs.0.files", "matches no file")


def test_error_not_root(tmp_path):
    path = tmp_path / "fake.root"
    path.write_text("this is a text file, not ROOT\n" * 20)
    fails(spec_for(str(path), collection="Jet"), tmp_path, str(path), "not a ROOT file")


def test_error_truncated_root(testdata, tmp_path):
    data = Path(testdata(HZZ)).read_bytes()
    path = tmp_path / "truncated.root"
    path.write_bytes(data[: len(data) // 2])
    fails(spec_for(str(path), collection="Jet"), tmp_path, str(path), "truncated")


def test_error_missing_tree(testdata, tmp_path):
    path = testdata(HZZ)
    fails(
        spec_for(path, tree="Events", collection="Jet"),
        tmp_path,
        path,
        "no tree 'Events'",
        ".tree",
        "'events'",
    )


def test_error_missing_branch_lists_branches(testdata, tmp_path):
    path = testdata(HZZ)
    branches = {"px": "Jet_PX", "py": "Jet_Py", "pz": "Jet_Pz", "E": "Jet_E"}
    message = fails(
        spec_for(path, branches=branches),
        tmp_path,
        path,
        "tree 'events'",
        "no branch 'Jet_PX'",
        "branches.px",
        "Jet_Px",
        "Muon_E",
    )
    assert message.count("\n") == 0


def test_error_missing_collection_lists_branches(testdata, tmp_path):
    path = testdata(HZZ)
    fails(spec_for(path, collection="Tau"), tmp_path, path, "collection 'Tau'", ".collection", "NJet")


def test_error_jagged_branches_of_unequal_lengths(tmp_path):
    path = tmp_path / "unequal.root"
    with uproot.recreate(path) as file:
        tree = file.mktree("t", {"a": "var * float64", "b": "var * float64"})
        tree.extend(
            {"a": ak.Array([[1.0, 2.0], [3.0], [4.0]]), "b": ak.Array([[1.0, 2.0], [3.0, 5.0], [4.0]])}
        )
    spec = spec_for(str(path), branches={"px": "a", "py": "b", "pz": "a", "E": "a"})
    fails(spec, tmp_path, str(path), "tree 't'", "unequal lengths", "entry 1", "'a'", "'b'")


def test_error_empty_selection(testdata, tmp_path):
    path = testdata(HZZ)
    spec = spec_for(path, collection="Jet", selection={"min_pt": 1e6, "min_objects": 1})
    fails(spec, tmp_path, path, "inputs.0", "no event passes the selection", "selection")


def test_error_non_finite_momenta(tmp_path):
    path = tmp_path / "nan.root"
    px = ak.Array([[1.0, 2.0], [3.0], [np.nan, 1.0], [4.0]])
    with uproot.recreate(path) as file:
        tree = file.mktree("t", {"Jet": ak.zip({"px": px, "py": px, "pz": px, "E": px * 10}).type.content})
        tree.extend({"Jet": ak.zip({"px": px, "py": px, "pz": px, "E": px * 10})})
    fails(
        spec_for(str(path), collection="Jet"), tmp_path, str(path), "non-finite momenta", "entry 2", "Jet_px"
    )


def test_error_bad_label_values(tmp_path):
    path = tmp_path / "labels.root"
    with uproot.recreate(path) as file:
        tree = file.mktree("t", {"x": "var * float64", "truth": np.int32})
        tree.extend({"x": ak.Array([[1.0], [2.0]]), "truth": np.array([0, 2], np.int32)})
    spec = spec_for(
        None,
        inputs=[{"files": str(path), "label_branch": "truth"}],
        branches={"px": "x", "py": "x", "pz": "x", "E": "x"},
    )
    fails(spec, tmp_path, str(path), "label branch 'truth'", "inputs.0.label_branch", "entry 1")


def test_workflow_script_exits_nonzero_with_one_message(tmp_path):
    out, log = tmp_path / "events.parquet", tmp_path / "ingest.log"
    spec = spec_for(str(tmp_path / "missing.root"), collection="Jet")
    code = (
        "import runpy, sys, types\n"
        f"snakemake = types.SimpleNamespace(log=[{str(log)!r}], output=[{str(out)!r}],\n"
        f"    params=types.SimpleNamespace(spec={spec!r}, test_fraction=0.5, seed=1),\n"
        "    wildcards=types.SimpleNamespace(dataset='d'))\n"
        f"runpy.run_path({str(REPO / 'workflow/scripts/ingest.py')!r},\n"
        "    init_globals={'snakemake': snakemake})\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]))
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert not out.exists()
    text = log.read_text()
    assert "ingest failed:" in text and "missing.root" in text and "Traceback" not in text


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("bad.h5", b"not hdf5" * 50, ["as HDF5"]),
        ("bad.parquet", b"not parquet" * 50, ["as Parquet"]),
        ("bad.lhe", b"not an lhe file" * 50, ["as LHE"]),
    ],
)
def test_error_corrupt_files_of_other_formats(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    fails(spec_for(str(path), collection="Jet"), tmp_path, str(path), *words)


def test_error_truncated_lhe(testdata, tmp_path):
    text = Path(testdata(LHE_ZJ)).read_text()
    path = tmp_path / "truncated.lhe"
    path.write_text(text[: 2 * len(text) // 3])
    fails(spec_for(str(path)), tmp_path, str(path), "truncated")


def test_error_several_trees_and_none_named(tmp_path):
    path = tmp_path / "two.root"
    with uproot.recreate(path) as file:
        file["a"] = {"x": np.arange(3.0)}
        file["b"] = {"x": np.arange(3.0)}
    fails(spec_for(str(path), collection="Jet"), tmp_path, str(path), ".tree", "2 trees", "a, b")


def test_delphes_style_dotted_branch_names(tmp_path):
    pt = ak.Array([[120.0, 40.0], [], [75.0]])
    with uproot.recreate(tmp_path / "delphes.root") as file:
        branches = {"Jet.PT": pt, "Jet.Eta": pt * 0.01, "Jet.Phi": pt * 0.0, "Jet.Mass": pt * 0.1}
        tree = file.mktree(
            "Delphes",
            {k: "var * float64" for k in branches},
            counter_name=lambda counted: counted.replace(".", "_") + "_size",
        )
        tree.extend(branches)
    events = read(spec_for(str(tmp_path / "delphes.root"), collection="Jet"))
    np.testing.assert_allclose(ak.flatten(events.particles.pt), [120.0, 40.0, 75.0])
    np.testing.assert_allclose(ak.flatten(events.particles.mass), [12.0, 4.0, 7.5], rtol=1e-9)
