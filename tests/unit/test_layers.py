"""The layers keep to their sides: the engine stands alone, the course uses only its public API.

`helpers/offline/` is a moto extension that other projects could install; it must not reach into
the course. The course (`helpers/*.py`, the notebooks) talks to it only through the names
`helpers.offline` exports, so the engine's inside can move without breaking a lesson.
Read from the source (no import), so these run without moto.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import helpers.offline

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "helpers" / "offline"


def _imports(source: str) -> Iterator[tuple[str, list[str], int]]:
    """(module, imported names, level) of every import statement."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], 0
        elif isinstance(node, ast.ImportFrom):
            yield node.module or "", [alias.name for alias in node.names], node.level


def _course_sources() -> Iterator[tuple[str, str]]:
    for path in sorted((ROOT / "helpers").glob("*.py")):
        yield path.name, path.read_text()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        # IPython magics are not Python; the lessons use none that import anything.
        yield (
            path.name,
            "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))),
        )


def test_the_engine_imports_nothing_from_the_rest_of_helpers() -> None:
    found = []
    for path in sorted(ENGINE.rglob("*.py")):
        for module, _, level in _imports(path.read_text()):
            outside = level == 0 and module.startswith("helpers") and not module.startswith("helpers.offline")
            if outside or level > path.relative_to(ENGINE).parts.__len__():
                found.append(f"{path.relative_to(ROOT)} imports {'.' * level}{module}")
    assert found == []


def test_the_course_uses_only_the_engines_public_names() -> None:
    public = set(helpers.offline.__all__)
    found = []
    for name, source in _course_sources():
        for module, names, level in _imports(source):
            if level or not module.startswith("helpers.offline"):
                continue
            if module != "helpers.offline":
                found.append(f"{name} imports {module}")
            found += [f"{name} imports helpers.offline.{n}" for n in names if n not in public]
    assert found == []
