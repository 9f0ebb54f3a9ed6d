"""Training one autoencoder variant on background features."""

from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import torch

from topoae.io import atomic_path, write_json
from topoae.models import Autoencoder
from topoae.tables import standardise


@dataclass(frozen=True)
class TrainingOptions:
    epochs: int = 20
    batch_size: int = 256
    learning_rate: float = 1e-3
    validation_fraction: float = 0.1
    threads: int = 1


def train(
    x: np.ndarray,
    topology: str,
    latent_dim: int,
    hidden: list[int],
    seed: int,
    options: TrainingOptions,
) -> tuple[Autoencoder, list[dict]]:
    """Fit an autoencoder to ``x``; return the best-validation model and the history."""
    torch.manual_seed(seed)
    torch.set_num_threads(options.threads)
    rng = np.random.default_rng(seed)
    data = torch.as_tensor(x[rng.permutation(len(x))], dtype=torch.float32)
    n_val = max(1, int(options.validation_fraction * len(data)))
    val, fit = data[:n_val], data[n_val:]
    model = Autoencoder(x.shape[1], topology, latent_dim, hidden)
    optimiser = torch.optim.Adam(model.parameters(), lr=options.learning_rate)
    best_loss, best_state, history = float("inf"), None, []
    generator = torch.Generator().manual_seed(seed)
    for epoch in range(options.epochs):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(fit), generator=generator)
        total = 0.0
        for batch in torch.split(fit[order], options.batch_size):
            loss = torch.mean((model(batch) - batch) ** 2)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        model.eval()
        with torch.no_grad():
            val_loss = torch.mean((model(val) - val) ** 2).item()
        history.append(
            {
                "epoch": epoch,
                "train_loss": total / len(fit),
                "val_loss": val_loss,
                "seconds": time.perf_counter() - start,
            }
        )
        if val_loss < best_loss:
            best_loss, best_state = val_loss, copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    return model, history


def options_dict(options: TrainingOptions) -> dict:
    return asdict(options)


def training_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The training split's background: what an unsupervised search trains on."""
    return table[(table["split"] == 0) & (table["label"] == 0)]


def train_on_table(
    table: pd.DataFrame, scaler: dict, variant: dict, hidden: list[int], options: TrainingOptions
) -> tuple[Autoencoder, list[dict]]:
    """Train ``variant`` on the standardised training background of a feature table."""
    x = standardise(training_rows(table), scaler["features"], scaler)
    return train(x, variant["topology"], variant["latent_dim"], hidden, variant["seed"], options)


def save(
    model: Autoencoder, description: dict, history: list[dict], model_path, sidecar_path, history_path
) -> None:
    """State dict, JSON sidecar with the full variant description, and the loss history."""
    with atomic_path(model_path) as tmp:
        torch.save(model.state_dict(), tmp)
    write_json(description, sidecar_path)
    with atomic_path(history_path) as tmp:
        pd.DataFrame(history).to_csv(tmp, index=False)


def load(model_path, description: dict) -> Autoencoder:
    """Rebuild a saved model from its sidecar description (weights only, no pickle)."""
    model = Autoencoder(
        len(description["features"]),
        description["topology"],
        description["latent_dim"],
        description["hidden"],
    )
    model.load_state_dict(torch.load(model_path, weights_only=True))
    return model.eval()
