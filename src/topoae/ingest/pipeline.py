"""Reading every input in bounded steps, and writing the events Parquet one step at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator

import awkward as ak
import pyarrow.parquet as pq

from topoae.ingest import lhco, lhe, parquet_source, root
from topoae.ingest.errors import IngestError
from topoae.ingest.events import to_events
from topoae.ingest.spec import format_of, group_files, groups
from topoae.io import METADATA_KEY, atomic_path
from topoae.splits import assign_split, chunk_rng

READERS = {"root": root.steps, "lhe": lhe.steps, "lhco_hdf5": lhco.steps, "parquet": parquet_source.steps}


def _files(spec: dict, where: str) -> list[tuple]:
    """(group, file, format) for every input file, checked to exist before anything is read."""
    return [
        (group, path, format_of(path, spec.get("format", "auto"), where))
        for group in groups(spec)
        for path in group_files(group, where)
    ]


def iter_batches(spec: dict, dataset: str, test_fraction: float, seed: int) -> Iterator[ak.Array]:
    """Events of every input, one bounded step at a time, with labels and a reproducible split.

    Step ``i`` (counted over all files in order) draws its split from
    ``chunk_rng(seed, dataset, i)``, so the split depends on the seed, the
    inputs and the step size, and on nothing else.
    """
    where = f"datasets.{dataset}.ingest"
    kept = {}
    step_index = 0
    for group, path, fmt in _files(spec, where):
        for step in READERS[fmt](path, spec, group, where):
            columns = to_events(step, spec, group, where)
            n = len(columns["label"])
            columns["split"] = assign_split(chunk_rng(seed, dataset, step_index), n, test_fraction)
            step_index += 1
            kept[group.index] = kept.get(group.index, 0) + n
            if n:
                yield ak.zip(columns, depth_limit=1)
    for group in groups(spec):
        if not kept.get(group.index):
            raise IngestError(
                f"file(s) {', '.join(repr(p) for p in group.patterns)} (config key '{where}.{group.key}'): "
                f"no event passes the selection (config key '{where}.selection' = {spec.get('selection')})"
            )


def read_events(spec: dict, dataset: str, test_fraction: float, seed: int) -> ak.Array:
    """All ingested events in memory (for tests and small inputs); no file is written."""
    return ak.concatenate(list(iter_batches(spec, dataset, test_fraction, seed)))


def metadata(spec: dict, dataset: str) -> dict:
    """What the events file says about its origin."""
    where = f"datasets.{dataset}.ingest"
    files = _files(spec, where)
    return {
        "source": "ingest",
        "dataset": dataset,
        "files": [path for _, path, _ in files],
        "format": sorted({fmt for _, _, fmt in files}),
        "inputs": [
            {
                "files": [p for g, p, _ in files if g is group],
                "label": group.label,
                "label_branch": group.label_branch,
            }
            for group in groups(spec)
        ],
        "options": spec,
        "units": "GeV",
        "frame": "lab",
    }


def ingest_to_parquet(spec: dict, dataset: str, test_fraction: float, seed: int, output: str) -> int:
    """Read every input in bounded steps and write the events Parquet at ``output`` atomically.

    Returns the number of events. On any failure an :class:`IngestError` says
    which file and key, and nothing is left at ``output``.
    """
    info = json.dumps(metadata(spec, dataset), sort_keys=True, default=str).encode()
    total, writer = 0, None
    with atomic_path(output) as tmp:
        try:
            for events in iter_batches(spec, dataset, test_fraction, seed):
                table = ak.to_arrow_table(events, extensionarray=True)
                if writer is None:
                    schema = table.schema.with_metadata({**(table.schema.metadata or {}), METADATA_KEY: info})
                    writer = pq.ParquetWriter(tmp, schema, compression="zstd")
                if not table.schema.equals(writer.schema, check_metadata=False):
                    raise IngestError(
                        f"datasets.{dataset}.ingest: after {total} events a step has columns "
                        f"{table.schema} unlike the first step's {writer.schema}"
                    )
                writer.write_table(table)
                total += len(events)
        finally:
            if writer is not None:
                writer.close()
    return total
