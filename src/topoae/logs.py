"""Logging for workflow jobs: everything a job says goes to its rule's log file."""

from __future__ import annotations

import logging
import sys


def to_file(path: str) -> logging.Logger:
    """Send logging, stdout and stderr of this process to ``path``; return the topoae logger."""
    handle = open(path, "a", buffering=1)  # noqa: SIM115 - lives as long as the job
    sys.stdout = sys.stderr = handle
    logging.basicConfig(
        stream=handle, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    return logging.getLogger("topoae")
