"""Parquet files read in row batches with pyarrow and awkward: a field of four-vector records."""

from __future__ import annotations

from collections.abc import Iterator

import awkward as ak
import pyarrow.parquet as pq

from topoae.ingest.errors import IngestError, listing, reading
from topoae.ingest.events import RawStep, check_columns, requested_columns
from topoae.ingest.spec import Group, components

DEFAULT_COLLECTION = "particles"


def _record_fields(schema, collection: str) -> list[str]:
    """Field names of the records inside ``collection`` (a list of structs), from the Arrow schema."""
    arrow_type = schema.field(collection).type
    arrow_type = getattr(arrow_type, "storage_type", arrow_type)  # awkward's extension type wraps it
    item = getattr(arrow_type, "value_type", arrow_type)
    item = getattr(item, "storage_type", item)
    return [item.field(i).name for i in range(item.num_fields)] if hasattr(item, "num_fields") else []


def steps(path: str, spec: dict, group: Group, where: str) -> Iterator[RawStep]:
    """Bounded row batches of one Parquet file."""
    location = f"file '{path}'"
    with reading(location, " as Parquet (not a Parquet file, or truncated?)"):
        file = pq.ParquetFile(path)
    with file, reading(location, " (truncated or corrupt?)"):
        collection = spec.get("collection") or DEFAULT_COLLECTION
        schema = file.schema_arrow
        if collection not in schema.names:
            raise IngestError(
                f"{location}: no column '{collection}' (config key '{where}.collection'); "
                + listing(schema.names, collection)
            )
        location = f"file '{path}', column '{collection}'"
        comps = components(
            _record_fields(schema, collection),
            {**spec, "collection": collection},
            location,
            where,
            prefixed=False,
        )
        columns = requested_columns(spec, group)
        check_columns(schema.names, columns, location, where)
        start = 0
        for batch in file.iter_batches(batch_size=spec["step_size"], columns=[collection, *columns]):
            array = ak.from_arrow(batch)
            records = array[collection]
            yield RawStep(
                location=location,
                entry_start=start,
                n=len(array),
                components={c: records[b] if isinstance(b, str) else b for c, b in comps.items()},
                sources={c: f"{collection}.{b}" for c, b in comps.items() if isinstance(b, str)},
                columns={c: array[c] for c in columns},
            )
            start += len(array)
