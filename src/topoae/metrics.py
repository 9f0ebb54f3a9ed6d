"""Anomaly-detection metrics from scores and labels."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve


def detection_metrics(scores: np.ndarray, labels: np.ndarray) -> dict[str, float | int | None]:
    """ROC AUC, max significance improvement, and rejections at fixed signal efficiency.

    Higher scores mean more anomalous.
    """
    labels = np.asarray(labels).astype(int)
    if labels.min() == labels.max():
        raise ValueError("scores need both background (0) and signal (1) events")
    fpr, tpr, _ = roc_curve(labels, scores)
    with np.errstate(divide="ignore", invalid="ignore"):
        sic = np.where(fpr > 0, tpr / np.sqrt(fpr), 0.0)
    # The SIC at tiny background efficiency is dominated by a handful of events.
    n_background = int((labels == 0).sum())
    usable = fpr * n_background >= 10
    out = {
        "auc": float(roc_auc_score(labels, scores)),
        "max_sic": float(sic[usable].max()) if usable.any() else float("nan"),
        "n_background": n_background,
        "n_signal": int((labels == 1).sum()),
    }
    for eff in (0.3, 0.5):
        fpr_at = float(np.interp(eff, tpr, fpr))
        out[f"background_rejection_at_eff{int(eff * 100)}"] = 1.0 / fpr_at if fpr_at > 0 else None
    return out
