"""Every rule names a conda env that pins what its script imports, at the versions pip installs."""

from __future__ import annotations

import functools
import importlib.metadata
import re
from pathlib import Path

import pytest
import yaml

from topoae.deps import external_modules, library_files

REPO = Path(__file__).resolve().parents[1]
RULE = re.compile(r"^rule (\w+):\n((?:[ \t]+.*\n|\n)*)", re.M)
# Conda-forge names where they differ from the distribution's name on PyPI.
CONDA_NAMES = {"torch": "pytorch"}


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def env_pins(path: Path) -> dict[str, str]:
    """Package -> version of a conda env file (conda and pip sections), keyed by PyPI name."""
    spec = yaml.safe_load(path.read_text())
    pins = {}
    pypi_names = {conda: pypi for pypi, conda in CONDA_NAMES.items()}
    for dep in spec["dependencies"]:
        if isinstance(dep, dict):
            for line in dep["pip"]:
                name, version = line.split("==")
                pins[name.lower()] = version
        elif "=" in dep:
            name, version = dep.split("=", 1)
            pins[pypi_names.get(name, name).lower()] = version
    return pins


def rules() -> list[tuple[str, str, str]]:
    """(rule, env file, script) of every rule that runs a script."""
    found = []
    for smk in sorted((REPO / "workflow/rules").glob("*.smk")):
        for name, body in RULE.findall(smk.read_text()):
            conda = re.search(r'conda:\s*\n\s*"([^"]+)"', body)
            script = re.search(r'script:\s*\n\s*"([^"]+)"', body)
            if script:
                assert conda, f"rule {name} in {smk.name} has no conda: directive"
                found.append(
                    (name, (smk.parent / conda.group(1)).resolve(), (smk.parent / script.group(1)).resolve())
                )
    return found


@functools.cache
def module_distributions() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def distributions(module: str) -> list[str]:
    return [d.lower() for d in module_distributions().get(module, [module])]


def test_every_stage_env_exists_and_every_rule_uses_one():
    envs = {path for _, path, _ in rules()}
    assert envs == set((REPO / "envs").glob("*.yaml"))
    assert len(rules()) >= 7


@pytest.mark.parametrize("env", sorted((REPO / "envs").glob("*.yaml")), ids=lambda p: p.stem)
def test_env_pins_match_requirements(env):
    pins, required = env_pins(env), requirement_pins()
    assert pins, f"{env.name} pins nothing"
    for name, version in pins.items():
        if name != "python":
            assert required.get(name) == version, (
                f"{env.name}: {name}={version}, requirements.txt has {required.get(name)}"
            )


@pytest.mark.parametrize(("rule", "env", "script"), rules(), ids=lambda x: x if isinstance(x, str) else "")
def test_env_holds_every_module_the_script_imports(rule, env, script):
    pins = env_pins(env)
    missing = [
        m for m in sorted(external_modules(script, REPO / "src")) if not set(distributions(m)) & set(pins)
    ]
    assert not missing, f"rule {rule}: {env.name} lacks {missing}"


def test_library_inputs_follow_imports():
    files = {Path(f).name for f in library_files(REPO / "workflow/scripts/train.py", REPO / "src")}
    assert {"training.py", "models.py", "latent.py", "tables.py", "__init__.py"} <= files
    # Feature code reaches training through the feature table alone, not as code.
    assert not {"features.py", "plotting.py", "rambo.py"} & files
