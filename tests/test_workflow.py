"""The workflow end to end on a tiny config: outputs, reruns, lint and config errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import tiny_config

from topoae.io import read_events, read_metadata

pytestmark = pytest.mark.workflow

N_VARIANTS = 2 * 2 * 2  # datasets x topologies x latent dims (one seed)


def test_full_run_writes_every_output(finished_workflow):
    root = finished_workflow.root
    table = pd.read_csv(root / "results/aggregate/metrics.csv")
    assert len(table) == N_VARIANTS
    assert set(table["dataset"]) == {"rambo3", "circle"}
    assert not table.duplicated(["dataset", "topology", "latent_dim", "seed"]).any()
    assert table["auc"].between(0, 1).all()
    for dataset in ("rambo3", "circle"):
        assert (root / f"results/plots/{dataset}/auc_vs_latent_dim.png").stat().st_size > 10_000
        events, metadata = read_events(root / f"results/{dataset}/events.parquet")
        assert len(events) == 720 and set(events.label.tolist()) == {0, 1}
        assert read_metadata(root / f"results/{dataset}/features.parquet")["feature_columns"]
        for name in ("euclidean-d1-s0", "sphere-d2-s0"):
            model_dir = root / f"results/{dataset}/models/{name}"
            sidecar = json.loads((model_dir / "variant.json").read_text())
            assert sidecar["dataset"] == dataset and sidecar["hidden"] == [8]
            assert (model_dir / "model.pt").stat().st_size > 0
            scores = pd.read_parquet(root / f"results/{dataset}/scores/{name}/scores.parquet")
            assert len(scores) == int(np.sum(events.split == 1))
    # Generation chunks are temporary: only the merged events remain.
    assert not list(root.glob("results/*/events/chunk*.parquet"))


def test_nothing_to_do_after_a_full_run(finished_workflow):
    assert finished_workflow.planned_jobs() == {}


def planned_after_edit(workflow, edit) -> dict[str, int]:
    """What a dry run would schedule after ``edit`` of the tiny config; the config is restored after."""
    config = tiny_config()
    edit(config)
    workflow.write_config(config)
    try:
        return workflow.planned_jobs()
    finally:
        workflow.write_config(tiny_config())


# What follows a change to every model: all variants retrained and rescored, then the aggregates.
EVERY_VARIANT = {
    "train": N_VARIANTS,
    "score": N_VARIANTS,
    "aggregate": 1,
    "plot_auc_vs_latent_dim": 2,
    "all": 1,
}


def test_new_latent_dim_schedules_only_new_variants_and_aggregates(finished_workflow):
    jobs = planned_after_edit(finished_workflow, lambda c: c["variants"].update(latent_dims=[1, 2, 3]))
    # One new dimension: 2 datasets x 2 topologies x 1 seed new variants.
    assert jobs == {"train": 4, "score": 4, "aggregate": 1, "plot_auc_vs_latent_dim": 2, "all": 1}


def test_editing_model_code_reruns_training_and_what_follows(finished_workflow):
    models = finished_workflow.root / "src/topoae/models.py"
    original, before = models.read_text(), models.stat()
    os.utime(models)
    assert finished_workflow.planned_jobs() == {}, "a touch without an edit must rerun nothing"
    models.write_text(original + "\n# an edit\n")
    try:
        jobs = finished_workflow.planned_jobs()
    finally:
        models.write_text(original)
        os.utime(models, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert jobs == EVERY_VARIANT


def test_changing_a_training_param_reruns_training_only(finished_workflow):
    assert planned_after_edit(finished_workflow, lambda c: c["training"].update(epochs=3)) == EVERY_VARIANT


def test_changing_threads_reruns_nothing(finished_workflow):
    assert planned_after_edit(finished_workflow, lambda c: c["training"].update(threads=2)) == {}


def test_changing_one_dataset_reruns_only_that_dataset(finished_workflow):
    jobs = planned_after_edit(
        finished_workflow, lambda c: c["datasets"]["circle"]["toy"].update(anomaly_distance=0.4)
    )
    per_dataset = N_VARIANTS // 2
    assert jobs == {
        "generate_chunk": 1,
        "merge_events": 1,
        "features": 1,
        "train": per_dataset,
        "score": per_dataset,
        "aggregate": 1,
        "plot_auc_vs_latent_dim": 2,
        "all": 1,
    }


def test_lint_is_clean(workflow):
    result = workflow.snakemake("--lint")
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda c: c["variants"].update(topologies=["euclidean", "klein_bottle"]), "variants.topologies.1"),
        (lambda c: c["datasets"]["rambo3"].update(n_signal=-5), "datasets.rambo3.n_signal' = -5"),
        (lambda c: c["training"].update(epochs="many"), "training.epochs' = 'many'"),
        (lambda c: c.update(learning_rate=0.1), "'learning_rate' was unexpected"),
    ],
    ids=["unknown-topology", "negative-count", "wrong-type", "unknown-key"],
)
def test_bad_config_stops_before_any_job(workflow, edit, expected):
    config = tiny_config()
    edit(config)
    workflow.write_config(config)
    result = workflow.snakemake(check=False)
    assert result.returncode != 0
    assert expected in result.stdout + result.stderr
    assert not (workflow.root / "results").exists()


def test_config_file_is_valid_yaml_for_default_study():
    default = yaml.safe_load((Path(__file__).resolve().parents[1] / "config/config.yaml").read_text())
    from topoae.config import validate, variants

    validate(default)
    n_variants = sum(len(variants(default, d)) for d in default["datasets"])
    assert n_variants >= 24


def test_a_study_file_replaces_the_default_config(workflow):
    study = tiny_config()
    del study["datasets"]["rambo3"]
    (workflow.root / "config/studies").mkdir(exist_ok=True)
    (workflow.root / "config/studies/one.yaml").write_text(yaml.safe_dump(study))
    jobs = workflow.planned_jobs("--configfile", "config/studies/one.yaml")
    assert jobs == {
        "generate_chunk": 1,
        "merge_events": 1,
        "features": 1,
        "train": 4,
        "score": 4,
        "aggregate": 1,
        "plot_auc_vs_latent_dim": 1,
        "all": 1,
    }
    # --config still adjusts the default study rather than replacing it.
    assert workflow.planned_jobs("--config", "seed=8")["train"] == N_VARIANTS


@pytest.mark.parametrize(
    "study",
    sorted((Path(__file__).resolve().parents[1] / "config/studies").glob("*.yaml")),
    ids=lambda p: p.stem,
)
def test_shipped_study_configs_are_valid(study):
    from topoae.config import validate

    validate(yaml.safe_load(study.read_text()))


def test_a_killed_run_completes_on_rerun(workflow):
    """SIGKILL the whole run once the first models exist; after --unlock the same command finishes it.

    A killed Snakemake cannot release its lock; the default profile's
    rerun-incomplete then redoes the jobs that were cut off.
    """
    command = [sys.executable, "-m", "snakemake", "--cores", "2"]
    run = subprocess.Popen(
        command,
        cwd=workflow.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while not list(workflow.root.glob("results/*/models/*/model.pt")):
            assert run.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no model after 300 s"
            time.sleep(0.2)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    assert not (workflow.root / "results/aggregate/metrics.csv").exists()
    workflow.snakemake("--unlock")
    workflow.snakemake()
    table = pd.read_csv(workflow.root / "results/aggregate/metrics.csv")
    assert len(table) == N_VARIANTS
    assert not list(workflow.root.glob("results/**/.*.tmp"))
    assert workflow.planned_jobs() == {}
