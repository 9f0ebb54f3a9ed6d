"""The ``ingest`` source: user files (ROOT, LHE, LHC Olympics HDF5, Parquet) as topoae events.

Every reader yields bounded steps (:class:`~topoae.ingest.events.RawStep`);
:func:`iter_batches` turns each into events in the generators' format
(``particles`` as Momentum4D px, py, pz, E in GeV; ``weight``; ``label``;
``split``) and :func:`ingest_to_parquet` writes them one row group at a time,
so memory stays flat however large the inputs are.

:func:`input_files` and :func:`config_problems` run when Snakemake builds the
DAG, so this module imports only the cheap spec helpers; the readers (uproot,
pylhe, h5py, vector) load on first use.
"""

from __future__ import annotations

from collections.abc import Iterator

from topoae.ingest.errors import IngestError
from topoae.ingest.spec import config_problems, input_files

__all__ = [
    "IngestError",
    "config_problems",
    "input_files",
    "ingest_to_parquet",
    "iter_batches",
    "metadata",
    "read_events",
]


def iter_batches(spec: dict, dataset: str, test_fraction: float, seed: int) -> Iterator:
    """Events of every input, one bounded step at a time (see :func:`topoae.ingest.pipeline.iter_batches`)."""
    from topoae.ingest.pipeline import iter_batches as run

    return run(spec, dataset, test_fraction, seed)


def read_events(spec: dict, dataset: str, test_fraction: float, seed: int):
    """All ingested events as one awkward array, in memory; no file is written."""
    from topoae.ingest.pipeline import read_events as run

    return run(spec, dataset, test_fraction, seed)


def metadata(spec: dict, dataset: str) -> dict:
    """What the events file says about its origin."""
    from topoae.ingest.pipeline import metadata as run

    return run(spec, dataset)


def ingest_to_parquet(spec: dict, dataset: str, test_fraction: float, seed: int, output: str) -> int:
    """Read every input in bounded steps and write the events Parquet at ``output`` atomically.

    Returns the number of events. On any failure an :class:`IngestError` says
    which file and key, and nothing is left at ``output``.
    """
    from topoae.ingest.pipeline import ingest_to_parquet as run

    return run(spec, dataset, test_fraction, seed, output)
