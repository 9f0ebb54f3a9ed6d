"""Anomaly scores of a trained variant on the held-out test split."""

from __future__ import annotations

import pandas as pd
import torch

from topoae.metrics import detection_metrics
from topoae.models import reconstruction_error
from topoae.tables import CARRIED_COLUMNS, standardise
from topoae.training import load

VARIANT_KEYS = ("dataset", "topology", "latent_dim", "seed")


def test_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["split"] == 1]


def score_variant(
    table: pd.DataFrame, scaler: dict, model_path, description: dict
) -> tuple[pd.DataFrame, dict]:
    """Per-event scores (reconstruction error) and the metrics of one variant."""
    rows = test_rows(table)
    model = load(model_path, description)
    x = torch.as_tensor(standardise(rows, scaler["features"], scaler), dtype=torch.float32)
    scores = pd.DataFrame({"score": reconstruction_error(model, x).numpy()})
    for name in CARRIED_COLUMNS:
        if name in rows.columns:
            scores[name] = rows[name].to_numpy()
    variant = {k: description[k] for k in VARIANT_KEYS}
    return scores, {"variant": variant, "metrics": detection_metrics(scores["score"], scores["label"])}
