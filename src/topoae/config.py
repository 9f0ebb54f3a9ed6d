"""Study configuration: schema validation with key-naming messages, physics checks, the variant grid."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from topoae.generate.toy import MANIFOLDS


class ConfigError(ValueError):
    """A configuration value that the study cannot run with."""


def _key(path) -> str:
    return ".".join(str(p) for p in path) or "<top level>"


def _with_defaults(validator_class):
    """A validator that fills in schema defaults while it validates."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, sub in properties.items():
                if "default" in sub and name not in instance:
                    instance[name] = copy.deepcopy(sub["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


def _describe(error: jsonschema.ValidationError) -> str:
    key = _key(error.absolute_path)
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        return f"config key '{key}': {error.message}; allowed keys: {', '.join(known)}"
    if error.validator == "required":
        return f"config key '{key}': {error.message}"
    return f"config key '{key}' = {error.instance!r}: {error.message}"


def validate(config: dict, schema_path: str | Path) -> dict:
    """Validate ``config`` against the schema, fill defaults in place, and check the physics.

    Raises :class:`ConfigError` naming every offending key and value.
    """
    schema = yaml.safe_load(Path(schema_path).read_text())
    validator = _with_defaults(jsonschema.Draft202012Validator)(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ConfigError("invalid config:\n  " + "\n  ".join(_describe(e) for e in errors))
    problems = list(physics_problems(config))
    if problems:
        raise ConfigError("invalid config:\n  " + "\n  ".join(problems))
    return config


def physics_problems(config: dict) -> Iterator[str]:
    """Values that pass the schema but cannot describe a physical sample."""
    for name, dataset in config["datasets"].items():
        where = f"datasets.{name}"
        if dataset["source"] == "rambo":
            yield from _rambo_problems(dataset["rambo"], f"{where}.rambo")
            k = dataset["features"].get("k", 3)
            n = dataset["rambo"]["n_particles"]
            if dataset["features"]["set"] == "invariants" and k > n:
                yield f"config key '{where}.features.k' = {k}: larger than n_particles={n}"
        if dataset["source"] == "toy":
            toy = dataset["toy"]
            ambient = MANIFOLDS[toy["manifold"]][1]
            if toy["embed_dim"] is not None and toy["embed_dim"] < ambient:
                yield (f"config key '{where}.toy.embed_dim' = {toy['embed_dim']}: below the ambient "
                       f"dimension {ambient} of '{toy['manifold']}'")
            if toy["anomaly"] == "excised" and toy["manifold"] != "paraboloid":
                yield f"config key '{where}.toy.anomaly' = 'excised': only the paraboloid has an excised region"
        if dataset["chunks"] > dataset["n_background"]:
            yield f"config key '{where}.chunks' = {dataset['chunks']}: more chunks than background events"
    for topology in config["variants"]["topologies"]:
        factors = topology.split("_x_")
        for dim in config["variants"]["latent_dims"]:
            if dim % len(factors):
                yield (f"config key 'variants.latent_dims' = {dim}: cannot be split evenly over the "
                       f"{len(factors)} factors of topology '{topology}'")


def _rambo_problems(rambo: dict, where: str) -> Iterator[str]:
    n, sqrt_s = rambo["n_particles"], rambo["sqrt_s"]
    masses = rambo["masses"] if rambo["masses"] is not None else [0.0] * n
    if len(masses) != n:
        yield f"config key '{where}.masses' = {masses}: {len(masses)} masses for n_particles={n}"
        return
    if sum(masses) >= sqrt_s:
        yield f"config key '{where}.masses' = {masses}: they sum to {sum(masses):g} GeV, not below sqrt_s={sqrt_s:g}"
    signal = rambo["signal"]
    i, j = signal["pair"]
    if i == j or max(i, j) >= n:
        yield f"config key '{where}.signal.pair' = {[i, j]}: needs two different indices below n_particles={n}"
        return
    spectators = sum(m for k, m in enumerate(masses) if k not in (i, j))
    if signal["mass"] >= sqrt_s:
        yield f"config key '{where}.signal.mass' = {signal['mass']:g}: not below sqrt_s={sqrt_s:g}"
    elif not masses[i] + masses[j] < signal["mass"] < sqrt_s - spectators:
        yield (f"config key '{where}.signal.mass' = {signal['mass']:g}: outside the kinematic range "
               f"({masses[i] + masses[j]:g}, {sqrt_s - spectators:g}) GeV")


def chunk_share(total: int, n_chunks: int, chunk: int) -> int:
    """Events in ``chunk`` when ``total`` is split over ``n_chunks`` as evenly as possible."""
    return total // n_chunks + (1 if chunk < total % n_chunks else 0)


@dataclass(frozen=True)
class Variant:
    dataset: str
    topology: str
    latent_dim: int
    seed: int

    @property
    def name(self) -> str:
        return f"{self.topology}-d{self.latent_dim}-s{self.seed}"


def variants(config: dict, dataset: str) -> list[Variant]:
    """Every (topology, latent dimension, seed) variant trained on ``dataset``."""
    grid = config["variants"]
    return [
        Variant(dataset, t, d, s)
        for t in grid["topologies"]
        for d in grid["latent_dims"]
        for s in grid["seeds"]
    ]
