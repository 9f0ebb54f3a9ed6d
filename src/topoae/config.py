"""Study configuration: schema validation with key-naming messages, physics checks, the variant grid."""

from __future__ import annotations

import copy
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "workflow" / "schemas"

# Feature sets that read the leading k of a dataset's particles.
PARTICLE_SETS = ("invariants", "dalitz", "rest_frame", "raw")

# Each source's module checks its own block through config_problems(options, where).
SOURCE_MODULES = {
    "rambo": "topoae.generate.rambo",
    "toy": "topoae.generate.toy",
    "pythia": "topoae.generate.pythia",
    "ingest": "topoae.ingest",
}


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


def _schema_problems(schema: dict, instance: dict) -> list[str]:
    """Every schema violation of ``instance``, described by key, with defaults filled in on the way."""
    validator = _with_defaults(jsonschema.Draft202012Validator)(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    return [_describe(e) for e in errors]


def validate(config: dict, schema_path: str | Path = SCHEMA_DIR / "config.schema.yaml") -> dict:
    """Validate ``config`` against the schema, fill defaults in place, and check the physics.

    Raises :class:`ConfigError` naming every offending key and value.
    """
    problems = _schema_problems(load_schema(schema_path), config)
    if problems:
        raise ConfigError("invalid config:\n  " + "\n  ".join(problems))
    problems = list(physics_problems(config))
    if problems:
        raise ConfigError("invalid config:\n  " + "\n  ".join(problems))
    return config


def load_schema(schema_path: str | Path) -> dict:
    """The config schema with the per-source and features schemas put into its $defs."""
    schema_path = Path(schema_path)
    schema = yaml.safe_load(schema_path.read_text())
    parts = {p.name.split(".")[0]: p for p in (schema_path.parent / "sources").glob("*.schema.yaml")}
    parts["features"] = schema_path.parent / "features.schema.yaml"
    for name, path in parts.items():
        schema["$defs"][name] = yaml.safe_load(path.read_text())
    return schema


def validate_block(options: dict, schema_file: str | Path, key: str) -> dict:
    """A copy of one config block with its schema's defaults filled in, or ConfigError naming ``key.*``.

    For callers outside the workflow (tests, benchmarks, notebooks) that hand a
    source its options directly.
    """
    schema = {"type": "object", "properties": {key: yaml.safe_load(Path(schema_file).read_text())}}
    wrapped = {key: copy.deepcopy(options)}
    problems = _schema_problems(schema, wrapped)
    if problems:
        raise ConfigError(f"invalid {key} options:\n  " + "\n  ".join(problems))
    return wrapped[key]


def physics_problems(config: dict) -> Iterator[str]:
    """Values that pass the schema but cannot describe a physical sample."""
    for name, dataset in config["datasets"].items():
        where = f"datasets.{name}"
        source = dataset["source"]
        module = importlib.import_module(SOURCE_MODULES[source])
        yield from getattr(module, "config_problems", lambda *_: ())(dataset[source], f"{where}.{source}")
        features = dataset["features"]
        if source == "rambo" and features["set"] in PARTICLE_SETS and features.get("missing") != "pad":
            k, n = features["k"], dataset["rambo"]["n_particles"]
            if k > n:
                yield (
                    f"config key '{where}.features.k' = {k}: larger than n_particles={n}, "
                    "so every event would be dropped"
                )
        if dataset["chunks"] > dataset["n_background"]:
            yield f"config key '{where}.chunks' = {dataset['chunks']}: more chunks than background events"
    for topology in config["variants"]["topologies"]:
        factors = topology.split("_x_")
        for dim in config["variants"]["latent_dims"]:
            if dim % len(factors):
                yield (
                    f"config key 'variants.latent_dims' = {dim}: cannot be split evenly over the "
                    f"{len(factors)} factors of topology '{topology}'"
                )


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
