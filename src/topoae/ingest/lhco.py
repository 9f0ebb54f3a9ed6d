"""HDF5 files in the LHC Olympics 2020 layout, read with h5py alone.

The R&D file is a pandas fixed-format frame: node ``/df/block0_values`` holds
N x (3*700 + 1) floats, 700 hadrons as (pT, eta, phi) zero-padded at the end,
then the truth bit (1 = signal). The black boxes have no truth column.
"""

from __future__ import annotations

from collections.abc import Iterator

import awkward as ak
import h5py

from topoae.ingest.errors import IngestError, listing, reading
from topoae.ingest.events import RawStep, check_columns, requested_columns
from topoae.ingest.spec import Group

DEFAULT_GROUP = "df"
TRUTH = "truth"
# A step reads whole rows of 2101 float64; this bounds the block read at once (bytes).
MAX_BLOCK_BYTES = 128 * 2**20


def _nodes(file: h5py.File) -> list[str]:
    names: list[str] = []
    file.visit(names.append)
    return names


def _values(file: h5py.File, group: str, path: str, where: str) -> h5py.Dataset:
    node = f"{group}/block0_values"
    if node not in file:
        raise IngestError(
            f"file '{path}': no node '/{node}' (config key '{where}.tree' = {group!r} names "
            "the pandas group); " + listing(_nodes(file), node)
        )
    values = file[node]
    if values.ndim != 2 or values.shape[1] % 3 == 2:
        raise IngestError(
            f"file '{path}': node '/{node}' has shape {values.shape}; the LHC Olympics layout "
            "is N x (3 * hadrons) or N x (3 * hadrons + 1) with the truth bit last"
        )
    return values


def steps(path: str, spec: dict, group: Group, where: str) -> Iterator[RawStep]:
    """Bounded row blocks of one LHC Olympics file; zero-pT entries are padding."""
    location = f"file '{path}'"
    with reading(location, " as HDF5 (not an HDF5 file, or truncated?)"):
        file = h5py.File(path, "r")
    with file, reading(location, " (truncated or corrupt?)"):
        name = spec.get("tree") or DEFAULT_GROUP
        values = _values(file, name, path, where)
        n_rows, n_cols = values.shape
        n_hadrons, has_truth = n_cols // 3, n_cols % 3 == 1
        columns = requested_columns(spec, group)
        check_columns([TRUTH] if has_truth else [], columns, location, where)
        rows = max(1, min(spec["step_size"], MAX_BLOCK_BYTES // (8 * n_cols)))
        location = f"file '{path}', node '/{name}/block0_values'"
        for start in range(0, n_rows, rows):
            block = values[start : start + rows]
            hadrons = block[:, : 3 * n_hadrons].reshape(len(block), n_hadrons, 3)
            present = hadrons[:, :, 0] > 0
            counts, kept = present.sum(axis=1), hadrons[present]
            jagged = {c: ak.unflatten(kept[:, i], counts) for i, c in enumerate(("pt", "eta", "phi"))}
            truth = {TRUTH: ak.Array(block[:, -1])} if has_truth else {}
            yield RawStep(
                location=location,
                entry_start=start,
                n=len(block),
                components={**jagged, "mass": 0.0},
                sources={"pt": "pT columns", "eta": "eta columns", "phi": "phi columns"},
                columns=truth,
                default_label=TRUTH if has_truth else None,
            )
