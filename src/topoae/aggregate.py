"""Collect per-variant metrics into one tidy table."""

from __future__ import annotations

import pandas as pd

from topoae.io import read_json

VARIANT_COLUMNS = ("dataset", "topology", "latent_dim", "seed")


def metrics_table(metric_files: list[str]) -> pd.DataFrame:
    """One row per variant: its description and its metrics."""
    rows = []
    for path in metric_files:
        record = read_json(path)
        rows.append({**record["variant"], **record["metrics"]})
    frame = pd.DataFrame(rows)
    leading = [c for c in VARIANT_COLUMNS if c in frame.columns]
    return frame[leading + [c for c in frame.columns if c not in leading]].sort_values(
        leading, ignore_index=True
    )


def summarise_over_seeds(frame: pd.DataFrame, metric: str = "auc") -> pd.DataFrame:
    """Mean, standard deviation and count of ``metric`` over seeds per (dataset, topology, dim)."""
    grouped = frame.groupby(["dataset", "topology", "latent_dim"])[metric]
    return grouped.agg(["mean", "std", "count"]).reset_index()
