"""Aggregate plots in the mplhep style."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import mplhep as hep
import pandas as pd

from topoae.aggregate import summarise_over_seeds
from topoae.io import atomic_path


def auc_vs_latent_dim(frame: pd.DataFrame, dataset: str, path: str) -> None:
    """AUC (mean and spread over seeds) against latent dimension, one line per topology."""
    summary = summarise_over_seeds(frame[frame["dataset"] == dataset])
    plt.style.use(hep.style.ROOT)
    fig, ax = plt.subplots(figsize=(8, 6))
    for topology, group in summary.groupby("topology"):
        group = group.sort_values("latent_dim")
        ax.errorbar(
            group["latent_dim"],
            group["mean"],
            yerr=group["std"].fillna(0.0),
            marker="o",
            capsize=4,
            label=topology,
        )
    ax.axhline(0.5, color="grey", linestyle=":", label="random")
    ax.set_xlabel("latent dimension")
    ax.set_ylabel("ROC AUC")
    ax.set_xticks(sorted(summary["latent_dim"].unique()))
    ax.legend(title="latent topology", loc="best")
    hep.label.exp_label(exp="topoae", llabel="Simulation", rlabel=dataset, ax=ax)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=path.rsplit(".", 1)[-1])
    plt.close(fig)
