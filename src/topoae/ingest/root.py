"""ROOT files through uproot: TTrees (Delphes, NanoAOD, flat or jagged ntuples) and RNTuples."""

from __future__ import annotations

from collections.abc import Iterator

import awkward as ak
import uproot

from topoae.ingest.errors import IngestError, listing, reading
from topoae.ingest.events import RawStep, check_columns, requested_columns
from topoae.ingest.spec import Group, components

TREE_CLASSES = ("TTree", "ROOT::RNTuple")


def _trees(file) -> list[str]:
    """Names (without cycle) of the TTrees and RNTuples in a file, subdirectories included."""
    names = (key.rsplit(";", 1)[0] for key, cls in file.classnames().items() if cls in TREE_CLASSES)
    return list(dict.fromkeys(names))


def _tree(file, name: str | None, path: str, where: str):
    trees = _trees(file)
    if name is None:
        if len(trees) != 1:
            raise IngestError(
                f"file '{path}': config key '{where}.tree' is not set and the file holds "
                f"{len(trees)} trees; name one: " + listing(trees)
            )
        name = trees[0]
    elif name not in trees:
        raise IngestError(
            f"file '{path}': no tree '{name}' (config key '{where}.tree'); " + listing(trees, name)
        )
    return name, file[name]


def _branch_names(tree) -> list[str]:
    # Delphes' split branches are "Jet.PT" by name but "Jet/Jet.PT" by full path; RNTuple
    # subfields are "Jet.pt" by full path.
    if isinstance(tree, uproot.behaviors.TTree.TTree):
        return tree.keys(recursive=True, full_paths=False)
    return tree.keys(recursive=True)


def _get(array: ak.Array, name: str) -> ak.Array:
    """A branch from what iterate returned: a field, or a dotted path into records (RNTuple)."""
    if name in array.fields:
        return array[name]
    for part in name.replace("/", ".").split("."):
        array = array[part]
    return array


def steps(path: str, spec: dict, group: Group, where: str) -> Iterator[RawStep]:
    """Bounded steps of one ROOT file."""
    with reading(f"file '{path}'", " as ROOT (not a ROOT file, or truncated?)"):
        file = uproot.open(path)
    with file:
        with reading(f"file '{path}'", " as ROOT (not a ROOT file, or truncated?)"):
            name, tree = _tree(file, spec.get("tree"), path, where)
            names = _branch_names(tree)
        location = f"file '{path}', tree '{name}'"
        comps = components(names, spec, location, where)
        sources = {c: b for c, b in comps.items() if isinstance(b, str)}
        columns = requested_columns(spec, group)
        check_columns(names, columns, location, where)
        wanted = list(dict.fromkeys([*sources.values(), *columns]))
        start = 0
        with reading(location, " (truncated or corrupt?)"):
            for arrays in tree.iterate(filter_name=wanted, step_size=spec["step_size"], library="ak"):
                yield RawStep(
                    location=location,
                    entry_start=start,
                    n=len(arrays),
                    components={c: _get(arrays, b) if isinstance(b, str) else b for c, b in comps.items()},
                    sources=sources,
                    columns={c: _get(arrays, c) for c in columns},
                )
                start += len(arrays)
