import os
import sys
from pathlib import Path

SRC = Path(workflow.basedir) / "src"
sys.path.insert(0, str(SRC))
# Jobs (local, conda or Slurm) import the same library the workflow validated with.
os.environ.update(PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])))

from topoae import config as study_config
from topoae.deps import library_files
from topoae.ingest import input_files as ingest_files

study_config.validate(config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml")

DATASETS = list(config["datasets"])
INGESTED = [d for d in DATASETS if config["datasets"][d]["source"] == "ingest"]
GENERATED = [d for d in DATASETS if d not in INGESTED]
SCRIPTS = Path(workflow.basedir) / "workflow/scripts"
VARIANT = "{topology}-d{latent_dim}-s{seed}"


wildcard_constraints:
    dataset="|".join(DATASETS),
    topology="[a-z]+(_x_[a-z]+)*",
    latent_dim=r"\d+",
    seed=r"\d+",
    chunk=r"\d+",


def one_of(names):
    """A wildcard pattern matching exactly ``names`` (and nothing, when empty)."""
    return "|".join(names) if names else "(?!x)x"


def library(script):
    """The topoae files a script imports: inputs, so that editing them reruns the rule.

    Snakemake records their checksums, so touching a file without editing it
    reruns nothing.
    """
    return [os.path.relpath(path) for path in library_files(SCRIPTS / script, SRC)]


def dataset_config(wildcards):
    return config["datasets"][wildcards.dataset]


def variant_names(dataset):
    return [v.name for v in study_config.variants(config, dataset)]


def metric_files():
    return [
        f"results/{d}/scores/{name}/metrics.json" for d in DATASETS for name in variant_names(d)
    ]


def plot_files():
    return [
        f"results/plots/{d}/auc_vs_latent_dim.{ext}"
        for d in DATASETS
        for ext in config["plots"]["formats"]
    ]


def chunk_files(wildcards):
    n_chunks = dataset_config(wildcards)["chunks"]
    return [f"results/{wildcards.dataset}/events/chunk{c}.parquet" for c in range(n_chunks)]


def chunk_count(key):
    def count(wildcards):
        dataset = dataset_config(wildcards)
        return study_config.chunk_share(dataset[key], dataset["chunks"], int(wildcards.chunk))

    return count
