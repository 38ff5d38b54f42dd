"""Every notebook runs twice in a row in one kernel and teaches the same thing both times.

nbval (configured in pyproject.toml) runs each notebook once in a fresh kernel and compares the
cells marked NBVAL_CHECK_OUTPUT with their stored outputs. A learner also re-runs a notebook in
the same kernel, where everything the first run created still exists (find-or-create must find
it, the offline clock has moved on): this runs all cells twice in one kernel and holds the second
pass to the same stored outputs. The whole course at one shared endpoint: `test_run_twice.py`.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from notebook_runner import checked_text, error_outputs, is_checked, notebook_paths, run_twice_in_one_kernel


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda path: path.name)
def test_second_run_in_the_same_kernel_shows_the_same_lessons(path: Path) -> None:
    stored = nbformat.read(path, as_version=4).cells
    first, second = run_twice_in_one_kernel(path)

    assert error_outputs(first + second) == []
    for number, (kept, again) in enumerate(zip(stored, second, strict=True)):
        if is_checked(kept):
            assert checked_text(again) == checked_text(kept), f"cell {number} of {path.name}"
