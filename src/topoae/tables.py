"""Feature tables: the carried truth columns, mask columns and the standardisation.

The standardisation is fitted on the training background, saved, and
reapplied unchanged at scoring. Kept apart from :mod:`topoae.features`
(which computes the tables) so that training and scoring need only numpy and
pandas, not awkward, vector or fastjet, and so that editing the feature code
does not rerun every training job.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Label, split and truth columns: carried through features to scores, never fed to a model.
CARRIED_COLUMNS = ("label", "split", "weight", "resonance_mass", "mjj")
# Feature columns named mask* are 0/1 presence flags of padded objects (topoae.features).
MASK_PREFIX = "mask"
# A training column whose spread is below max(rtol * |mean|, atol) is constant up to rounding.
CONSTANT_RTOL, CONSTANT_ATOL = 1e-9, 1e-12


def feature_names(frame: pd.DataFrame) -> list[str]:
    """The feature columns of a table: everything but the carried label and truth columns."""
    return [c for c in frame.columns if c not in CARRIED_COLUMNS]


def fit_scaler(frame: pd.DataFrame, feature_names: list[str]) -> dict[str, list[float]]:
    """Mean and scale per feature, fitted on the training background only (split 0, label 0).

    Mask columns pass through unchanged (mean 0, scale 1); columns constant up
    to rounding get scale 1, so that their rounding noise is not blown up.
    """
    rows = (frame["split"] == 0) & (frame["label"] == 0)
    if not rows.any():
        raise ValueError("no training background events (split 0, label 0) to fit the standardisation on")
    train = frame.loc[rows, feature_names].to_numpy(dtype=np.float64)
    mean, scale = train.mean(axis=0), train.std(axis=0)
    constant = scale <= np.maximum(CONSTANT_RTOL * np.abs(mean), CONSTANT_ATOL)
    is_mask = np.array([name.startswith(MASK_PREFIX) for name in feature_names], dtype=bool)
    mean = np.where(is_mask, 0.0, mean)
    scale = np.where(is_mask | constant, 1.0, scale)
    return {"mean": mean.tolist(), "scale": scale.tolist()}


def standardise(frame: pd.DataFrame, feature_names: list[str], scaler: dict) -> np.ndarray:
    """The features of ``frame`` with a saved scaler's transform applied, as float64."""
    x = frame[feature_names].to_numpy(dtype=np.float64)
    return (x - np.asarray(scaler["mean"])) / np.asarray(scaler["scale"])
