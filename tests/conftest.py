"""Shared fixtures: a copy of the workflow in a temporary directory, and running snakemake on it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW_PARTS = ("Snakefile", "workflow", "src", "profiles", "envs", "config")


def copy_workflow(destination: Path) -> Path:
    """A private copy of the workflow, so tests can edit library files and configs freely."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in WORKFLOW_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / part)
    return destination


class Workflow:
    """A workflow copy with its own config, driven through the snakemake command line."""

    def __init__(self, root: Path):
        self.root = root

    def write_config(self, config: dict) -> None:
        (self.root / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

    def snakemake(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "snakemake", "--cores", "2", *args]
        env = dict(os.environ, PYTHONHASHSEED="0")
        result = subprocess.run(command, cwd=self.root, capture_output=True, text=True, env=env)
        if check and result.returncode != 0:
            raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def planned_jobs(self, *args: str) -> dict[str, int]:
        """Rule -> job count of what a dry run would schedule."""
        result = self.snakemake("--dry-run", "--quiet", "rules", *args)
        counts = {}
        for line in (result.stdout + result.stderr).splitlines():
            match = re.fullmatch(r"\s*([A-Za-z_]\w*)\s+(\d+)\s*", line)
            if match and match.group(1) != "total":
                counts[match.group(1)] = int(match.group(2))
        return counts


def tiny_config() -> dict:
    """Two small datasets and 2 x 2 variants each: the whole study in well under a minute."""
    return {
        "seed": 7,
        "datasets": {
            "rambo3": {
                "source": "rambo",
                "n_background": 600,
                "n_signal": 120,
                "chunks": 2,
                "rambo": {"n_particles": 3, "sqrt_s": 1000.0, "signal": {"mass": 400.0, "width": 20.0}},
                "features": {"set": "invariants", "k": 3},
            },
            "circle": {
                "source": "toy",
                "n_background": 600,
                "n_signal": 120,
                "toy": {"manifold": "circle", "anomaly_distance": 0.3},
                "features": {"set": "coordinates"},
            },
        },
        "variants": {"topologies": ["euclidean", "sphere"], "latent_dims": [1, 2], "seeds": [0]},
        "model": {"hidden": [8]},
        "training": {"epochs": 2, "batch_size": 128},
    }


@pytest.fixture
def workflow(tmp_path: Path) -> Workflow:
    wf = Workflow(copy_workflow(tmp_path / "study"))
    wf.write_config(tiny_config())
    return wf


@pytest.fixture(scope="module")
def finished_workflow(tmp_path_factory) -> Workflow:
    """The tiny study, run once to completion and shared by the rerun tests of a module."""
    wf = Workflow(copy_workflow(tmp_path_factory.mktemp("finished") / "study"))
    wf.write_config(tiny_config())
    wf.snakemake()
    return wf
