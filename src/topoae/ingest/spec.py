"""The ingest block of a dataset: its input files, their formats, and the four-vector branch map."""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from topoae.ingest.errors import IngestError, listing

CARTESIAN = ("px", "py", "pz", "E")
POLAR = ("pt", "eta", "phi", "mass")
KINDS = (CARTESIAN, POLAR)

# Spellings of each component met in Delphes (Jet.PT), NanoAOD (Jet_pt), flat ntuples (Jet_Px)
# and awkward/vector records (e, m); compared in lower case.
ALIASES = {
    "px": ("px",),
    "py": ("py",),
    "pz": ("pz",),
    "E": ("e", "energy"),
    "pt": ("pt",),
    "eta": ("eta",),
    "phi": ("phi",),
    "mass": ("mass", "m"),
}
SEPARATORS = ("_", ".", "/")

EXTENSIONS = {
    ".root": "root",
    ".lhe": "lhe",
    ".lhe.gz": "lhe",
    ".h5": "lhco_hdf5",
    ".hdf5": "lhco_hdf5",
    ".parquet": "parquet",
    ".pq": "parquet",
}


@dataclass(frozen=True)
class Group:
    """One input group: its files and where its labels come from."""

    index: int
    patterns: tuple[str, ...]
    label: int | None
    label_branch: str | None

    @property
    def key(self) -> str:
        return f"inputs.{self.index}"


def groups(spec: dict) -> list[Group]:
    """The input groups of ``spec``, with ``files`` always a tuple of patterns."""
    out = []
    for i, entry in enumerate(spec["inputs"]):
        files = entry["files"]
        patterns = (files,) if isinstance(files, str) else tuple(files)
        out.append(Group(i, patterns, entry.get("label"), entry.get("label_branch")))
    return out


def expand(pattern: str) -> list[str]:
    """Files matching ``pattern`` (sorted); a plain path is returned whether it exists or not."""
    if not glob.has_magic(pattern):
        return [pattern]
    return sorted(glob.glob(pattern, recursive=True))


def input_files(spec: dict) -> list[str]:
    """Every file the spec names, globs expanded; a glob matching nothing stays as the pattern.

    Cheap and never raising for missing files, so that Snakemake can report them.
    """
    files: list[str] = []
    for group in groups(spec):
        for pattern in group.patterns:
            files.extend(expand(pattern) or [pattern])
    return list(dict.fromkeys(files))


def group_files(group: Group, where: str) -> list[str]:
    """The existing files of one group; any pattern that names no file is an error."""
    files = []
    for pattern in group.patterns:
        matched = [f for f in expand(pattern) if os.path.isfile(f)]
        if not matched:
            what = "no such file" if not glob.has_magic(pattern) else "the pattern matches no file"
            raise IngestError(
                f"file '{pattern}' (config key '{where}.{group.key}.files'): {what} "
                f"(working directory {os.getcwd()})"
            )
        files.extend(matched)
    return files


def format_of(path: str, declared: str, where: str = "ingest") -> str:
    """The reader for ``path``: the declared format, or the one its extension implies."""
    if declared != "auto":
        return declared
    name = path.lower()
    for ext in sorted(EXTENSIONS, key=len, reverse=True):
        if name.endswith(ext):
            return EXTENSIONS[ext]
    raise IngestError(
        f"file '{path}' (config key '{where}.format' = 'auto'): unknown extension; name the "
        f"format (root, lhe, lhco_hdf5, parquet) or use one of {', '.join(EXTENSIONS)}"
    )


def kind_of(branches: dict) -> tuple[str, ...] | None:
    """The component kind whose names are exactly the keys of ``branches``, or None."""
    return next((kind for kind in KINDS if set(branches) == set(kind)), None)


def detect_components(names: Iterable[str], collection: str, prefixed: bool = True) -> dict[str, str] | None:
    """The four-vector names of ``collection`` among ``names``: Cartesian if complete, else polar.

    With ``prefixed`` the names are full branch names (``Jet_Px``, ``Jet.PT``),
    otherwise they are the fields of the collection's records (``px``, ``pt``).
    """
    by_lower: dict[str, str] = {}
    for name in names:
        by_lower.setdefault(name.lower(), name)
    stems = [f"{collection}{sep}".lower() for sep in SEPARATORS] if prefixed else [""]
    for kind in KINDS:
        found = {}
        for component in kind:
            found[component] = next(
                (by_lower[s + a] for s in stems for a in ALIASES[component] if s + a in by_lower), None
            )
        if all(found.values()):
            return found
    return None


def components(names: Iterable[str], spec: dict, location: str, where: str, prefixed: bool = True) -> dict:
    """Component -> branch (or a constant mass) for one file, with a located error when absent."""
    names = list(names)
    branches = spec.get("branches")
    if branches:
        missing = [(c, b) for c, b in branches.items() if isinstance(b, str) and b not in names]
        if missing:
            component, branch = missing[0]
            raise IngestError(
                f"{location}: no branch '{branch}' "
                f"(config key '{where}.branches.{component}'); " + listing(names, branch)
            )
        return dict(branches)
    collection = spec.get("collection")
    if not collection:
        raise IngestError(f"{location}: config key '{where}' names neither 'collection' nor 'branches'")
    found = detect_components(names, collection, prefixed)
    if found is None:
        own = [n for n in names if n.lower().startswith(collection.lower())] or names
        raise IngestError(
            f"{location}: no four-vector branches for collection '{collection}' (config key "
            f"'{where}.collection'): need px, py, pz, E or pt, eta, phi, mass (a constant mass may be "
            f"given in 'branches'); " + listing(own, collection)
        )
    return found


def config_problems(spec: dict, where: str) -> Iterator[str]:
    """Values that pass the schema but cannot describe an ingestion."""
    branches = spec.get("branches")
    if branches is not None:
        if kind_of(branches) is None:
            yield (
                f"config key '{where}.branches' = {json.dumps(branches)}: needs exactly the keys "
                f"{', '.join(CARTESIAN)} or exactly {', '.join(POLAR)}"
            )
        constants = [c for c, b in branches.items() if not isinstance(b, str) and c != "mass"]
        if constants:
            yield (
                f"config key '{where}.branches' = {json.dumps(branches)}: only 'mass' may be a number, "
                f"not {', '.join(constants)}"
            )
    declared = spec.get("format", "auto")
    for group in groups(spec):
        if group.label is not None and group.label_branch is not None:
            yield (
                f"config key '{where}.{group.key}' = {json.dumps(spec['inputs'][group.index])}: "
                "give 'label' or 'label_branch', not both"
            )
        for pattern in group.patterns:
            try:
                fmt = format_of(pattern, declared, where)
            except IngestError:
                yield (
                    f"config key '{where}.{group.key}.files' = {pattern!r}: unknown extension and "
                    f"'{where}.format' is 'auto'"
                )
                continue
            if fmt == "root" and not branches and not spec.get("collection"):
                yield (
                    f"config key '{where}.collection' = None: ROOT input {pattern!r} needs "
                    "'collection' or 'branches'"
                )
    selection = spec.get("selection") or {}
    most, least = selection.get("max_objects"), selection.get("min_objects", 0)
    if most is not None and least > most:
        yield (
            f"config key '{where}.selection.min_objects' = {least}: more than "
            f"max_objects={most}, so no event passes"
        )
