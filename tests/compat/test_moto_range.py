"""The engine works on every moto release it says it supports.

pyproject.toml declares the range (`moto[...]>=5.2.5,<5.3`); constraints.txt pins the release the
rest of the suite runs on. The engine patches moto's internals, so a new release in the range can
break it: the slow test here installs the newest release in the range (from PyPI) into a fresh
virtual environment and runs the engine's tiers (contract and engine tests) against it. When the
newest release is the pinned one, the rest of this run already is that check.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def _requirement() -> tuple[str, SpecifierSet]:
    """(extras, the declared range) of moto in pyproject.toml, e.g. ("[s3,...]", ">=5.2.5,<5.3")."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (moto,) = [d for d in dependencies if re.match(r"moto\b", d)]
    extras, _, versions = moto.removeprefix("moto").partition("]")
    return extras + "]", SpecifierSet(versions)


def _pinned() -> Version:
    (line,) = [
        line for line in (ROOT / "constraints.txt").read_text().splitlines() if line.startswith("moto==")
    ]
    return Version(line.split("==", 1)[1])


def _installed() -> Version:
    from importlib.metadata import version

    return Version(version("moto"))


def test_the_tested_moto_is_inside_the_declared_range() -> None:
    _, declared = _requirement()
    assert declared.contains(_pinned()), f"constraints.txt pins moto {_pinned()} outside {declared}"
    assert _installed() == _pinned(), "this environment was not installed with constraints.txt"


def _newest_in_range(declared: SpecifierSet) -> Version:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "moto"], capture_output=True, text=True, check=True
    )
    listed = re.search(r"Available versions: (.*)", done.stdout)
    assert listed, done.stdout + done.stderr
    candidates = [Version(v.strip()) for v in listed.group(1).split(",")]
    inside = [v for v in candidates if declared.contains(v)]
    assert inside, f"PyPI has no moto release in {declared}"
    return max(inside)


@pytest.mark.slow
def test_the_newest_moto_in_range_passes_the_engines_tests(tmp_path: Path) -> None:
    extras, declared = _requirement()
    newest = _newest_in_range(declared)
    if newest == _installed():
        # The contract and engine tiers of this very run are the check for this release.
        return
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = str(environment / "bin" / "python")
    others = tmp_path / "constraints.txt"
    others.write_text(
        "\n".join(
            line
            for line in (ROOT / "constraints.txt").read_text().splitlines()
            if not line.startswith("moto==")
        )
    )
    extras = re.search(r"moto(\[[^]]*\])", str(declared) and (ROOT / "pyproject.toml").read_text())
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "-q",
            "-c",
            str(others),
            "-e",
            f"{ROOT}[test]",
            f"moto{extras.group(1) if extras else ''}=={newest}",
        ],
        check=True,
    )
    done = subprocess.run(
        [python, "-m", "pytest", "tests/contract", "tests/engine", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"moto {newest}:\n{done.stdout[-4000:]}"
