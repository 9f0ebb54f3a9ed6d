"""Logging for workflow jobs: everything a job says goes to its rule's log file."""

from __future__ import annotations

import logging
import os
import sys


def to_file(path: str) -> logging.Logger:
    """Send logging, stdout and stderr of this process to ``path``; return the topoae logger.

    The redirection is at the file-descriptor level, so that what compiled
    libraries print (Pythia's banner and listings) lands in the log too.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
    sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    return logging.getLogger("topoae")
