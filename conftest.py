"""Marks the slow tiers `slow`, so that `python -m pytest -m "not slow"` is the quick loop, and
starts the longest files first.

Every notebook run by nbval, tests/notebooks/ (each notebook twice in one kernel, the whole course
at one shared endpoint and on the real-AWS path), tests/browser/ and tests/hub/ are slow as a whole,
and so is anything added there; a slow test in another tier carries `@pytest.mark.slow` itself.
tests/README.md says what each tier needs and how long it takes.
"""

from __future__ import annotations

import compileall
from pathlib import Path

import pytest

SLOW_TIERS = ("notebooks/", "tests/notebooks/", "tests/browser/", "tests/hub/")
# The files that take a minute or more (whole-course runs), then the half-minute ones: handed to the
# workers first (each file goes to one worker, in collection order), so that none is left running
# one alone at the end. Measured in a two-worker run: the course on the real-AWS path took 97 s.
LONGEST_FIRST = (
    "tests/notebooks/test_course_on_the_aws_path.py",
    "tests/notebooks/test_run_twice.py",
    "tests/notebooks/test_run_twice_in_one_kernel.py",
    "tests/course/test_real_aws_safely.py",
    "tests/hub/",
    "tests/browser/",
)


def pytest_configure(config: pytest.Config) -> None:
    """Byte-compile the course's own modules once, before any worker or kernel starts.

    Python caches compiled modules in `__pycache__` itself, unless PYTHONDONTWRITEBYTECODE is set
    (as on the CI machine) or the modules are new since the last import: then every kernel and
    process the suite starts compiles all of `helpers/` again (0.15-0.2 s each, measured). pip
    compiles installed packages, but not a project installed with `-e`.
    """
    if not hasattr(config, "workerinput"):  # the controller, or a run without workers
        compileall.compile_dir(Path(__file__).parent / "helpers", quiet=1)


def _path(config: pytest.Config, item: pytest.Item) -> str:
    if not item.path.is_relative_to(config.rootpath):
        return ""
    return item.path.relative_to(config.rootpath).as_posix()


def _rank(path: str) -> int:
    return next(
        (rank for rank, prefix in enumerate(LONGEST_FIRST) if path.startswith(prefix)), len(LONGEST_FIRST)
    )


# First, so the mark is there when `-m` deselects.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _path(config, item).startswith(SLOW_TIERS):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: _rank(_path(config, item)))  # stable: a file's order is kept
