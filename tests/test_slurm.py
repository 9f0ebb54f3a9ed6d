"""The workflow submitted to a real (local, single-node) Slurm through profiles/slurm.

`.ci/start-slurm` starts one from Debian's slurm-wlm and munge; without a
responding controller these tests skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pandas as pd
import pytest
from conftest import Workflow, copy_workflow, tiny_config

pytestmark = [pytest.mark.workflow, pytest.mark.cluster]


def slurm_is_up() -> bool:
    if not shutil.which("sbatch") or not shutil.which("scontrol"):
        return False
    ping = subprocess.run(["scontrol", "ping"], capture_output=True, text=True)
    return "UP" in ping.stdout


def job_state(job_id: str) -> str:
    shown = subprocess.run(["scontrol", "show", "job", job_id], capture_output=True, text=True, check=True)
    return re.search(r"JobState=(\w+)", shown.stdout).group(1)


@pytest.fixture(scope="module")
def slurm() -> None:
    """A responding Slurm controller: required in CI (.ci/run starts one), optional elsewhere."""
    if not slurm_is_up():
        message = "no Slurm controller answers (run .ci/start-slurm)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_profile_submits_every_job_to_slurm_and_reruns_nothing_after(slurm, tmp_path):
    wf = Workflow(copy_workflow(tmp_path / "study"))
    config = tiny_config()
    del config["datasets"]["circle"]
    config["variants"]["latent_dims"] = [1]
    wf.write_config(config)
    result = wf.snakemake("--profile", "profiles/slurm")
    submitted = re.findall(r"submitted with SLURM jobid (\d+)", result.stdout + result.stderr)
    # 2 chunks + merge + features + 2 x (train, score) + aggregate + plot; only `all` runs locally.
    assert len(set(submitted)) == 10
    assert {job_state(job) for job in set(submitted)} == {"COMPLETED"}
    table = pd.read_csv(wf.root / "results/aggregate/metrics.csv")
    assert sorted(table["topology"]) == ["euclidean", "sphere"]
    assert wf.planned_jobs("--profile", "profiles/slurm") == {}
