"""The suite can be collected whole: no two test modules share a file name.

pytest imports test modules by their base name when the folders are not packages (this suite's
layout), so `tests/browser/test_x.py` next to `tests/contract/test_x.py` stops collection with
"import file mismatch", but only when both tiers are collected at once, as in CI.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_no_two_test_modules_share_a_name() -> None:
    names = Counter(path.name for path in TESTS.rglob("test_*.py"))
    assert [name for name, count in names.items() if count > 1] == []
