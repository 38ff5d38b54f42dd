"""environment.yml (Binder, JupyterHub, conda) installs what pip installs.

CI can only use the pip path (conda-forge is out of reach), so this test is
what keeps the conda path honest: every runtime dependency of pyproject.toml is
in environment.yml's pip section, with its extras, at the version pinned in
constraints.txt, and nothing else is.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>~! ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _extras(requirement: str) -> str:
    found = re.search(r"\[([^\]]*)\]", requirement)
    return ",".join(sorted(found.group(1).split(","))) if found else ""


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[_name(name)] = version.strip()
    return pins


def _environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def _pip_section() -> list[str]:
    sections = [d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(sections) == 1, "one pip section"
    return sections[0]


def test_every_runtime_dependency_is_pinned_as_in_constraints() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r): _extras(r) for r in project["dependencies"]}
    pins = _pins()
    listed = {_name(r): r for r in _pip_section() if not r.startswith("-")}
    assert set(listed) == set(wanted), "environment.yml and pyproject.toml list different packages"
    for name, requirement in listed.items():
        assert _extras(requirement) == wanted[name], f"{name}: extras differ from pyproject.toml"
        assert requirement.endswith(f"=={pins[name]}"), f"{name}: pin {pins[name]}, as constraints.txt does"


def test_the_course_package_itself_is_installed() -> None:
    assert "-e ." in _pip_section(), "the notebooks import helpers, so the package must be installed"


def test_python_version_meets_requires_python() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    minimum = re.search(r">=\s*(\d+\.\d+)", project["requires-python"]).group(1)
    pythons = [d for d in _environment()["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert pythons == [f"python={minimum}"]
    assert "conda-forge" in _environment()["channels"]
