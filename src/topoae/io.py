"""Atomic file output and the Parquet formats of events and feature tables."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import awkward as ak
import pyarrow as pa
import pyarrow.parquet as pq

METADATA_KEY = b"topoae"
# Field names of the four-vectors in every events file (vector's Momentum4D names).
FOURVEC_FIELDS = ("px", "py", "pz", "E")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` that replaces it only on success.

    A crash or kill mid-write leaves no partial file under the final name.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A killed job never reaches the clean-up below; its leftovers go with the rerun.
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_json(obj: Any, path: str | os.PathLike) -> None:
    """Write ``obj`` as indented JSON, atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")


def read_json(path: str | os.PathLike) -> Any:
    return json.loads(Path(path).read_text())


def _write_table(table: pa.Table, path: str | os.PathLike, metadata: dict) -> None:
    merged = dict(table.schema.metadata or {})
    merged[METADATA_KEY] = json.dumps(metadata, sort_keys=True).encode()
    with atomic_path(path) as tmp:
        pq.write_table(table.replace_schema_metadata(merged), tmp, compression="zstd")


def read_metadata(path: str | os.PathLike) -> dict:
    """The topoae metadata dictionary stored in a Parquet file's schema."""
    raw = (pq.read_schema(path).metadata or {}).get(METADATA_KEY)
    return json.loads(raw) if raw else {}


def write_events(events: ak.Array, path: str | os.PathLike, metadata: dict) -> None:
    """Write an events array (one record per event) with its metadata."""
    _write_table(ak.to_arrow_table(events, extensionarray=True), path, metadata)


def read_events(path: str | os.PathLike) -> tuple[ak.Array, dict]:
    """Read an events file written by :func:`write_events`."""
    return ak.from_parquet(path), read_metadata(path)


def write_table(frame, path: str | os.PathLike, metadata: dict) -> None:
    """Write a pandas DataFrame as a flat Parquet table with metadata."""
    _write_table(pa.Table.from_pandas(frame, preserve_index=False), path, metadata)


def read_table(path: str | os.PathLike):
    """Read a flat table written by :func:`write_table` as (DataFrame, metadata)."""
    return pq.read_table(path).to_pandas(), read_metadata(path)
