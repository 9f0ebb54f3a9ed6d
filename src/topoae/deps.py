"""Which library files a workflow script depends on, found from its imports."""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _module_file(name: str, src: Path) -> Path | None:
    base = src.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def library_files(script: str | Path, src: str | Path, package: str = "topoae") -> list[str]:
    """Every file of ``package`` under ``src`` that ``script`` imports, directly or not.

    Parent packages' ``__init__.py`` count, since importing a submodule runs them.
    """
    src = Path(src)
    seen: set[Path] = set()
    pending = [Path(script)]
    while pending:
        for name in _imported_modules(pending.pop()):
            if name != package and not name.startswith(package + "."):
                continue
            parts = name.split(".")
            for depth in range(1, len(parts) + 1):
                found = _module_file(".".join(parts[:depth]), src)
                if found is not None and found not in seen:
                    seen.add(found)
                    pending.append(found)
    return sorted(str(p) for p in seen)


def external_modules(script: str | Path, src: str | Path, package: str = "topoae") -> set[str]:
    """Top-level names of the modules outside ``package`` and the standard library that ``script`` needs."""
    files = [Path(script), *map(Path, library_files(script, src, package))]
    names = {name.split(".")[0] for path in files for name in _imported_modules(path)}
    return {n for n in names if n != package and n not in sys.stdlib_module_names and n != "snakemake"}
