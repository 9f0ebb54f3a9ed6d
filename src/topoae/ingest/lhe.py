"""Les Houches event files through pylhe 2.x: the final-state (status 1) particles."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator

import awkward as ak
import pylhe

from topoae.ingest.errors import IngestError, reading
from topoae.ingest.events import RawStep, check_columns, requested_columns
from topoae.ingest.spec import Group

FINAL_STATE = 1
SOURCES = {
    "px": "particles.vector.px",
    "py": "particles.vector.py",
    "pz": "particles.vector.pz",
    "E": "particles.vector.e",
}


def field_paths(array: ak.Array, prefix: str = "") -> list[str]:
    """Dotted paths of the event-level numbers of a record array (``eventinfo.weight``, ``weights.1``)."""
    paths = []
    for name in array.fields:
        if name == "particles" and not prefix:
            continue
        sub = array[name]
        paths.extend(field_paths(sub, f"{prefix}{name}.") if sub.fields else [f"{prefix}{name}"])
    return paths


def get_path(array: ak.Array, path: str) -> ak.Array:
    for part in path.split("."):
        array = array[part]
    return array


def _next_events(events: Iterator, n: int, location: str) -> list:
    # pylhe reports a broken event block with a warning and then stops; that must stop the job.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chunk = list(itertools.islice(events, n))
    broken = [w for w in caught if "Parse Error" in str(w.message)]
    if broken:
        raise IngestError(f"{location}: cannot be read as LHE (truncated or corrupt?): {broken[0].message}")
    return chunk


def steps(path: str, spec: dict, group: Group, where: str) -> Iterator[RawStep]:
    """Bounded steps of one LHE file (plain or gzipped)."""
    location = f"file '{path}'"
    columns = requested_columns(spec, group)
    with reading(location, " as LHE (not an LHE file, or truncated?)"):
        with warnings.catch_warnings(record=True):  # its parse warning repeats the error raised
            events = pylhe.LHEFile.fromfile(path).events
        start = 0
        while chunk := _next_events(events, spec["step_size"], location):
            array = pylhe.to_awkward(chunk)
            if start == 0:
                check_columns(field_paths(array), columns, location, where)
            final = array.particles[array.particles.status == FINAL_STATE].vector
            yield RawStep(
                location=location,
                entry_start=start,
                n=len(array),
                components={"px": final.px, "py": final.py, "pz": final.pz, "E": final.e},
                sources=SOURCES,
                columns={c: get_path(array, c) for c in columns},
            )
            start += len(array)
