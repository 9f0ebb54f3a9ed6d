"""Toy manifolds: points on their manifolds, anomalies where they are meant to be."""

from __future__ import annotations

import numpy as np
import pytest

from topoae.generate import generate_chunk, toy


@pytest.fixture
def rng():
    return np.random.default_rng(11)


def torus_residual(x: np.ndarray, major: float = 2.0, minor: float = 1.0) -> np.ndarray:
    return (np.hypot(x[:, 0], x[:, 1]) - major) ** 2 + x[:, 2] ** 2 - minor**2


RESIDUALS = {
    "circle": lambda x: np.linalg.norm(x, axis=1) - 1.0,
    "sphere": lambda x: np.linalg.norm(x, axis=1) - 1.0,
    "torus": torus_residual,
    "flat_torus": lambda x: (
        np.abs(np.hypot(x[:, 0], x[:, 1]) - 1.0) + np.abs(np.hypot(x[:, 2], x[:, 3]) - 1.0)
    ),
    "paraboloid": lambda x: x[:, 2] - x[:, 0] ** 2 - x[:, 1] ** 2,
}


@pytest.mark.parametrize("manifold", sorted(toy.MANIFOLDS))
def test_background_lies_on_the_manifold(rng, manifold):
    points, labels = toy.sample(rng, manifold, 5000, 500)
    background = points[labels == 0]
    assert background.shape == (5000, toy.MANIFOLDS[manifold][1])
    np.testing.assert_allclose(RESIDUALS[manifold](background), 0.0, atol=1e-12)


@pytest.mark.parametrize("manifold", ["circle", "sphere", "torus"])
def test_off_manifold_anomalies_sit_at_the_requested_distance(rng, manifold):
    points, labels = toy.sample(rng, manifold, 100, 3000, anomaly_distance=0.25)
    anomalies = points[labels == 1]
    if manifold == "torus":
        distance = np.abs(np.hypot(np.hypot(anomalies[:, 0], anomalies[:, 1]) - 2.0, anomalies[:, 2]) - 1.0)
    else:
        distance = np.abs(np.linalg.norm(anomalies, axis=1) - 1.0)
    np.testing.assert_allclose(distance, 0.25, atol=1e-12)


def test_torus_is_uniform_in_area(rng):
    """The area element R + r cos v puts more points on the outer equator than the inner."""
    points, _ = toy.torus(rng, 200_000)
    rho = np.hypot(points[:, 0], points[:, 1])
    outer, inner = np.mean(rho > 2.0), np.mean(rho < 2.0)
    # Fraction with cos v > 0: (pi R + 2 r) / (2 pi R) for R=2, r=1.
    assert outer == pytest.approx((np.pi * 2 + 2) / (2 * np.pi * 2), abs=0.005)
    assert outer > inner


def test_paraboloid_hole_is_empty_in_background_and_holds_the_anomalies(rng):
    centre, radius = np.array([0.5, 0.0]), 0.25
    points, labels = toy.sample(rng, "paraboloid", 20_000, 2000, anomaly="excised")
    distance = np.linalg.norm(points[:, :2] - centre, axis=1)
    assert np.all(distance[labels == 0] > radius)
    assert np.all(distance[labels == 1] <= radius)
    np.testing.assert_allclose(RESIDUALS["paraboloid"](points), 0.0, atol=1e-12)


def test_excised_hole_is_absent_from_the_training_split():
    events = generate_chunk(
        "toy", {"manifold": "paraboloid", "anomaly": "excised"}, 5000, 500, 0.5, seed=3, dataset="p", chunk=0
    )
    x = np.asarray(events.coordinates.to_numpy())
    train = (np.asarray(events.split) == 0) & (np.asarray(events.label) == 0)
    assert np.all(np.linalg.norm(x[train, :2] - [0.5, 0.0], axis=1) > 0.25)


def test_embedding_is_a_rotation_that_keeps_the_manifold(rng):
    points, _ = toy.sample(rng, "sphere", 2000, 10, embed_dim=7, rotation_seed=5)
    assert points.shape == (2010, 7)
    rotation = toy.random_rotation(5, 7)
    back = points @ rotation  # inverse of x -> R x for orthogonal R
    np.testing.assert_allclose(back[:, 3:], 0.0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(points[:2000], axis=1), 1.0, atol=1e-12)


def test_noise_moves_points_off_the_manifold_by_its_scale(rng):
    points, labels = toy.sample(rng, "circle", 50_000, 1, noise=0.01)
    residual = np.linalg.norm(points[labels == 0], axis=1) - 1.0
    assert residual.std() == pytest.approx(0.01, rel=0.05)


def test_excised_needs_the_paraboloid(rng):
    with pytest.raises(ValueError, match="paraboloid"):
        toy.sample(rng, "circle", 10, 10, anomaly="excised")


def test_chunks_are_reproducible_and_independent():
    options = {"manifold": "circle"}
    a = generate_chunk("toy", options, 100, 10, 0.5, seed=1, dataset="c", chunk=0)
    b = generate_chunk("toy", options, 100, 10, 0.5, seed=1, dataset="c", chunk=0)
    c = generate_chunk("toy", options, 100, 10, 0.5, seed=1, dataset="c", chunk=1)
    d = generate_chunk("toy", options, 100, 10, 0.5, seed=1, dataset="other", chunk=0)
    assert a.to_list() == b.to_list()
    assert a.to_list() != c.to_list() and a.to_list() != d.to_list()
