"""Pythia 8 events through the workflow: chunked generation, jet features, training and scoring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import Workflow, copy_workflow

from topoae.io import read_events

pytestmark = pytest.mark.workflow
pytest.importorskip("pythia8mc")
pytest.importorskip("fastjet")


def test_pythia_dataset_runs_in_chunks_through_scoring(tmp_path):
    wf = Workflow(copy_workflow(tmp_path / "study"))
    wf.write_config(
        {
            "seed": 5,
            "datasets": {
                "dijet": {
                    "source": "pythia",
                    "n_background": 60,
                    "n_signal": 30,
                    "chunks": 2,
                    # Light and without MPI, so the few events here generate in seconds.
                    "pythia": {
                        "sqrt_s": 13000.0,
                        "pt_hat_min": 300.0,
                        "mpi": False,
                        "signal": {"process": "zprime", "mass": 1500.0},
                        "batch_size": 30,
                    },
                    "features": {"set": "jet_invariants", "k": 2, "n_subjets": 2},
                }
            },
            "variants": {"topologies": ["sphere"], "latent_dims": [2], "seeds": [0]},
            "model": {"hidden": [8]},
            "training": {"epochs": 2, "batch_size": 16},
        }
    )
    wf.snakemake()
    events, metadata = read_events(wf.root / "results/dijet/events.parquet")
    assert metadata["chunks"] == 2
    assert np.bincount(np.asarray(events.label)).tolist() == [60, 30]
    assert {"jets", "constituents", "mjj"} <= set(events.fields)
    log = (wf.root / "logs/dijet/generate_chunk0.log").read_text()
    assert "PYTHIA" in log  # the banner went to the rule's log, not the terminal
    table = pd.read_csv(wf.root / "results/aggregate/metrics.csv")
    assert len(table) == 1 and 0 <= table["auc"].iloc[0] <= 1
