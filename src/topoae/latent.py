"""Latent manifolds: maps from encoder outputs onto R^d, S^d, T^d, RP^d and products.

Each latent space takes ``encoder_dim`` numbers from the encoder and returns a
point of the manifold in an embedding of ``embedding_dim`` coordinates, which
the decoder reads. ``dim`` is the manifold's own dimension.
"""

from __future__ import annotations

import math

import torch
from torch import nn

PRODUCT_SEPARATOR = "_x_"


class Euclidean(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.dim = self.encoder_dim = self.embedding_dim = dim

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h


class Sphere(nn.Module):
    """S^d as the unit sphere in R^(d+1)."""

    def __init__(self, dim: int):
        super().__init__()
        self.dim, self.encoder_dim, self.embedding_dim = dim, dim + 1, dim + 1

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h / h.norm(dim=-1, keepdim=True).clamp_min(1e-12)


class Torus(nn.Module):
    """T^d = (S^1)^d, each angle carried as its (cos, sin)."""

    def __init__(self, dim: int):
        super().__init__()
        self.dim, self.encoder_dim, self.embedding_dim = dim, 2 * dim, 2 * dim

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        pairs = h.reshape(*h.shape[:-1], self.dim, 2)
        return (pairs / pairs.norm(dim=-1, keepdim=True).clamp_min(1e-12)).reshape(h.shape)


class Projective(nn.Module):
    """RP^d through the Veronese map x -> x x^T of a unit (d+1)-vector.

    The map identifies x and -x, and is an embedding of RP^d; off-diagonal
    entries are scaled by sqrt(2) so that it is an isometry up to a constant.
    """

    def __init__(self, dim: int):
        super().__init__()
        self.dim, self.encoder_dim = dim, dim + 1
        rows, cols = torch.triu_indices(dim + 1, dim + 1)
        self.register_buffer("rows", rows, persistent=False)
        self.register_buffer("cols", cols, persistent=False)
        self.register_buffer("factor", torch.where(rows == cols, 1.0, math.sqrt(2.0)), persistent=False)
        self.embedding_dim = len(rows)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        x = h / h.norm(dim=-1, keepdim=True).clamp_min(1e-12)
        return x[..., self.rows] * x[..., self.cols] * self.factor


class Product(nn.Module):
    """A product of latent manifolds, coordinates concatenated."""

    def __init__(self, factors: list[nn.Module]):
        super().__init__()
        self.factors = nn.ModuleList(factors)
        self.dim = sum(f.dim for f in factors)
        self.encoder_dim = sum(f.encoder_dim for f in factors)
        self.embedding_dim = sum(f.embedding_dim for f in factors)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        parts = torch.split(h, [f.encoder_dim for f in self.factors], dim=-1)
        return torch.cat([f(p) for f, p in zip(self.factors, parts, strict=True)], dim=-1)


FACTORS: dict[str, type[nn.Module]] = {
    "euclidean": Euclidean,
    "sphere": Sphere,
    "torus": Torus,
    "projective": Projective,
}


def parse_topology(name: str) -> list[str]:
    """Factor names of a topology such as ``sphere`` or ``sphere_x_sphere``."""
    factors = name.split(PRODUCT_SEPARATOR)
    unknown = [f for f in factors if f not in FACTORS]
    if unknown:
        raise ValueError(f"unknown latent topology '{name}': factors must be among {sorted(FACTORS)}")
    return factors


def make_latent(topology: str, dim: int) -> nn.Module:
    """The latent space of ``topology`` with manifold dimension ``dim``.

    A product splits ``dim`` evenly among its factors.
    """
    factors = parse_topology(topology)
    if len(factors) == 1:
        return FACTORS[factors[0]](dim)
    if dim % len(factors):
        raise ValueError(f"latent_dim={dim} cannot be split evenly over the factors of '{topology}'")
    return Product([FACTORS[f](dim // len(factors)) for f in factors])
