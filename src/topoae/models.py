"""Autoencoders: MLP encoder -> latent manifold -> MLP decoder."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from topoae.latent import make_latent


def mlp(sizes: Sequence[int]) -> nn.Sequential:
    """Linear layers with SiLU activations between them (none after the last)."""
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.SiLU())
    return nn.Sequential(*layers)


class Autoencoder(nn.Module):
    def __init__(self, n_features: int, topology: str, latent_dim: int, hidden: Sequence[int]):
        super().__init__()
        self.latent = make_latent(topology, latent_dim)
        self.encoder = mlp([n_features, *hidden, self.latent.encoder_dim])
        self.decoder = mlp([self.latent.embedding_dim, *reversed(hidden), n_features])

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Points on the latent manifold, in its embedding coordinates."""
        return self.latent(self.encoder(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encode(x))


def reconstruction_error(model: nn.Module, x: torch.Tensor, batch_size: int = 65536) -> torch.Tensor:
    """Per-event mean squared reconstruction error."""
    model.eval()
    with torch.no_grad():
        return (
            torch.cat([((model(b) - b) ** 2).mean(dim=1) for b in torch.split(x, batch_size)])
            if len(x)
            else torch.empty(0)
        )
