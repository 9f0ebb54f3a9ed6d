"""Config validation: defaults, and every bad value named by its key before any work."""

from __future__ import annotations

import copy

import pytest

from topoae.config import ConfigError, validate, variants

BASE = {
    "datasets": {
        "ps": {
            "source": "rambo",
            "rambo": {"n_particles": 3, "sqrt_s": 1000.0, "signal": {"mass": 400.0, "width": 10.0}},
            "features": {"set": "invariants", "k": 3},
        },
        "ring": {"source": "toy", "toy": {"manifold": "circle"}, "features": {"set": "coordinates"}},
    }
}


def with_edit(edit) -> dict:
    config = copy.deepcopy(BASE)
    edit(config)
    return config


def rambo(config: dict) -> dict:
    return config["datasets"]["ps"]["rambo"]


def test_defaults_are_filled_in():
    config = validate(copy.deepcopy(BASE))
    assert config["variants"]["topologies"] == ["euclidean", "sphere"]
    assert config["datasets"]["ps"]["rambo"]["signal"]["pair"] == [0, 1]
    assert config["datasets"]["ring"]["toy"]["anomaly"] == "off_manifold"
    assert config["training"]["epochs"] > 0
    assert len(variants(config, "ps")) == 2 * 2 * 1


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda c: rambo(c).update(n_particles=1), "datasets.ps.rambo.n_particles' = 1"),
        (
            lambda c: rambo(c).update(masses=[400.0, 400.0, 300.0]),
            "datasets.ps.rambo.masses' = [400.0, 400.0, 300.0]",
        ),
        (lambda c: rambo(c).update(masses=[1.0, 2.0]), "2 masses for n_particles=3"),
        (lambda c: rambo(c)["signal"].update(width=0.0), "datasets.ps.rambo.signal.width' = 0.0"),
        (lambda c: rambo(c)["signal"].update(width=-3.0), "datasets.ps.rambo.signal.width' = -3.0"),
        (
            lambda c: rambo(c)["signal"].update(mass=1500.0),
            "datasets.ps.rambo.signal.mass' = 1500: not below sqrt_s",
        ),
        (lambda c: rambo(c)["signal"].update(pair=[0, 5]), "datasets.ps.rambo.signal.pair' = [0, 5]"),
        (lambda c: c["datasets"]["ps"].update(source="madgraph"), "datasets.ps.source' = 'madgraph'"),
        (lambda c: c["datasets"]["ps"]["features"].update(k=4), "datasets.ps.features.k' = 4"),
        (
            lambda c: c["datasets"]["ring"]["toy"].update(manifold="klein"),
            "datasets.ring.toy.manifold' = 'klein'",
        ),
        (
            lambda c: c["datasets"]["ring"]["toy"].update(anomaly="excised"),
            "datasets.ring.toy.anomaly' = 'excised'",
        ),
        (lambda c: c["datasets"]["ring"]["toy"].update(embed_dim=1), "datasets.ring.toy.embed_dim' = 1"),
        (lambda c: c["datasets"]["ring"].update(n_background=-1), "datasets.ring.n_background' = -1"),
        (lambda c: c["datasets"]["ring"].update(chunks=0), "datasets.ring.chunks' = 0"),
        (
            lambda c: c.update(variants={"topologies": ["hyperbolic"]}),
            "variants.topologies.0' = 'hyperbolic'",
        ),
        (
            lambda c: c.update(variants={"topologies": ["sphere_x_sphere"], "latent_dims": [3]}),
            "cannot be split",
        ),
        (lambda c: c.update(variants={"latent_dims": [0]}), "variants.latent_dims.0' = 0"),
        (lambda c: c.update(training={"epochs": 2.5}), "training.epochs' = 2.5"),
        (lambda c: c.update(trainig={"epochs": 2}), "'trainig' was unexpected"),
        (lambda c: c["datasets"]["ps"].pop("rambo"), "'rambo' is a required property"),
        (lambda c: c["datasets"].update({"bad name": c["datasets"]["ps"]}), "'bad name'"),
    ],
)
def test_bad_values_are_rejected_with_the_key_named(edit, message):
    with pytest.raises(ConfigError) as error:
        validate(with_edit(edit))
    assert message in str(error.value)
