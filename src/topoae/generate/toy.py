"""Manifolds of known topology embedded in R^n, with off-manifold and excised anomalies."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np

# name -> (intrinsic dimension, ambient dimension before embedding)
MANIFOLDS: dict[str, tuple[int, int]] = {
    "circle": (1, 2),
    "sphere": (2, 3),
    "torus": (2, 3),
    "flat_torus": (2, 4),
    "paraboloid": (2, 3),
}


def _unit_vectors(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    v = rng.standard_normal((n, dim))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def circle(rng: np.random.Generator, n: int, radius: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points on a circle and their unit normals."""
    normal = _unit_vectors(rng, n, 2)
    return radius * normal, normal


def sphere(rng: np.random.Generator, n: int, radius: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points on the 2-sphere and their unit normals."""
    normal = _unit_vectors(rng, n, 3)
    return radius * normal, normal


def torus(
    rng: np.random.Generator, n: int, major_radius: float = 2.0, minor_radius: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in area on a torus of revolution in R^3, with unit normals."""
    u = rng.uniform(0, 2 * math.pi, n)
    v = np.empty(n)
    filled = 0
    # The area element is proportional to R + r cos v: sample v by rejection.
    while filled < n:
        trial = rng.uniform(0, 2 * math.pi, 2 * (n - filled))
        keep = rng.uniform(0, major_radius + minor_radius, trial.size) < major_radius + minor_radius * np.cos(
            trial
        )
        accepted = trial[keep][: n - filled]
        v[filled : filled + accepted.size] = accepted
        filled += accepted.size
    normal = np.stack([np.cos(v) * np.cos(u), np.cos(v) * np.sin(u), np.sin(v)], axis=1)
    centre = np.stack([major_radius * np.cos(u), major_radius * np.sin(u), np.zeros(n)], axis=1)
    return centre + minor_radius * normal, normal


def flat_torus(rng: np.random.Generator, n: int, radius: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The flat torus S^1 x S^1 in R^4, uniform, with one random unit normal per point."""
    a, b = _unit_vectors(rng, n, 2), _unit_vectors(rng, n, 2)
    mix = _unit_vectors(rng, n, 2)
    normal = np.concatenate([mix[:, :1] * a, mix[:, 1:] * b], axis=1)
    return radius * np.concatenate([a, b], axis=1), normal


def _paraboloid_points(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.sum(xy**2, axis=1, keepdims=True)
    normal = np.concatenate([-2 * xy, np.ones_like(z)], axis=1)
    return np.concatenate([xy, z], axis=1), normal / np.linalg.norm(normal, axis=1, keepdims=True)


def _disc(rng: np.random.Generator, n: int, centre: np.ndarray, radius: float) -> np.ndarray:
    r = radius * np.sqrt(rng.random(n))
    return centre + r[:, None] * _unit_vectors(rng, n, 2)


def paraboloid(
    rng: np.random.Generator,
    n: int,
    radius: float = 1.0,
    hole_centre: tuple[float, float] = (0.5, 0.0),
    hole_radius: float = 0.25,
) -> tuple[np.ndarray, np.ndarray]:
    """z = x^2 + y^2 over the disc of ``radius``, uniform in (x, y), minus the excised disc."""
    centre = np.asarray(hole_centre, dtype=float)
    out = np.empty((0, 2))
    while len(out) < n:
        xy = _disc(rng, 2 * (n - len(out)), np.zeros(2), radius)
        out = np.concatenate([out, xy[np.linalg.norm(xy - centre, axis=1) > hole_radius]])
    return _paraboloid_points(out[:n])


def paraboloid_hole(
    rng: np.random.Generator,
    n: int,
    hole_centre: tuple[float, float] = (0.5, 0.0),
    hole_radius: float = 0.25,
    **_: float,
) -> np.ndarray:
    """Points on the paraboloid inside the excised disc: on-manifold anomalies."""
    return _paraboloid_points(_disc(rng, n, np.asarray(hole_centre, dtype=float), hole_radius))[0]


SAMPLERS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "circle": circle,
    "sphere": sphere,
    "torus": torus,
    "flat_torus": flat_torus,
    "paraboloid": paraboloid,
}


def off_manifold(
    rng: np.random.Generator, points: np.ndarray, normals: np.ndarray, distance: float
) -> np.ndarray:
    """Displace points along their normals by +-distance (random sign)."""
    sign = rng.choice([-1.0, 1.0], size=(len(points), 1))
    return points + sign * distance * normals


def random_rotation(seed: int, dim: int) -> np.ndarray:
    """A Haar-random orthogonal matrix, reproducible from ``seed``."""
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


def embed(points: np.ndarray, dim: int, rotation_seed: int) -> np.ndarray:
    """Zero-pad points to ``dim`` coordinates and rotate them at random."""
    if dim < points.shape[1]:
        raise ValueError(f"embed_dim={dim} is below the manifold's ambient dimension {points.shape[1]}")
    if dim == points.shape[1] and rotation_seed is None:
        return points
    padded = np.zeros((len(points), dim))
    padded[:, : points.shape[1]] = points
    return padded @ random_rotation(rotation_seed, dim).T


def sample(
    rng: np.random.Generator,
    manifold: str,
    n_background: int,
    n_signal: int,
    anomaly: str = "off_manifold",
    anomaly_distance: float = 0.3,
    noise: float = 0.0,
    embed_dim: int | None = None,
    rotation_seed: int | None = None,
    **shape: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Background on the manifold and anomalies, returned as (points, labels)."""
    sampler = SAMPLERS[manifold]
    background, _ = sampler(rng, n_background, **shape)
    if anomaly == "excised":
        if manifold != "paraboloid":
            raise ValueError(f"anomaly 'excised' needs the paraboloid, not manifold '{manifold}'")
        signal = paraboloid_hole(rng, n_signal, **shape)
    else:
        base, normals = sampler(rng, n_signal, **shape)
        signal = off_manifold(rng, base, normals, anomaly_distance)
    points = np.concatenate([background, signal])
    if noise > 0:
        points = points + rng.normal(0.0, noise, points.shape)
    if embed_dim is not None:
        points = embed(points, embed_dim, rotation_seed if rotation_seed is not None else 0)
    labels = np.concatenate([np.zeros(n_background, np.int8), np.ones(n_signal, np.int8)])
    return points, labels


def config_problems(toy: dict, where: str) -> Iterator[str]:
    """Config values that pass the schema but do not fit the chosen manifold."""
    ambient = MANIFOLDS[toy["manifold"]][1]
    if toy["embed_dim"] is not None and toy["embed_dim"] < ambient:
        yield (
            f"config key '{where}.embed_dim' = {toy['embed_dim']}: below the ambient "
            f"dimension {ambient} of '{toy['manifold']}'"
        )
    if toy["anomaly"] == "excised" and toy["manifold"] != "paraboloid":
        yield f"config key '{where}.anomaly' = 'excised': only the paraboloid has an excised region"
