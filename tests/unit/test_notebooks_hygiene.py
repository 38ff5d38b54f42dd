"""The course's notebook rules, checked on the committed files (no kernel needed).

Every notebook has one skeleton (title, goal, time, what you'll learn/need, check yourself, recap,
what's next), is stored executed top to bottom without errors, holds no real-account output, and
points only at files that exist. nbval (see pyproject.toml) then re-runs them and compares the
cells marked NBVAL_CHECK_OUTPUT.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
OFFLINE_ACCOUNT = "123456789012"
# AWS's documented example key (IAM User Guide); the only long-term key id a notebook may show.
DOCUMENTED_FAKE_KEYS = {"AKIAIOSFODNN7EXAMPLE"}
# An offline (moto) user pool id has 32 hex characters after the region; AWS's have 9.


def _read(path: Path) -> NotebookNode:
    return nbformat.read(path, as_version=4)


def _markdown(notebook: NotebookNode) -> str:
    return "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def _code_cells(notebook: NotebookNode) -> list[NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _output_text(notebook: NotebookNode) -> str:
    parts = []
    for cell in _code_cells(notebook):
        for output in cell.outputs:
            parts.append(output.get("text", ""))
            parts.extend(str(value) for value in output.get("data", {}).values())
            parts.extend(output.get("traceback", []))
    return "\n".join(parts)


def _b64json(part: str) -> Any:
    """A JWT's claims; {} for the encrypted middle part of a JWE (a refresh token)."""
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except ValueError:
        return {}


notebooks = pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)


def test_the_course_has_its_first_notebooks() -> None:
    assert [path.name for path in NOTEBOOKS][:3] == [
        "00_welcome.ipynb",
        "01_user_pool.ipynb",
        "02_tokens.ipynb",
    ]


@notebooks
def test_kernel_is_python3(path: Path) -> None:
    assert _read(path).metadata.kernelspec.name == "python3"


@notebooks
def test_skeleton(path: Path) -> None:
    notebook = _read(path)
    first = notebook.cells[0]
    assert first.cell_type == "markdown" and re.match(r"# \w", first.source), "a title first"
    assert re.search(r"^\*\*Goal:\*\* \S", first.source, re.MULTILINE)
    assert re.search(r"^\*\*Time:\*\* about \d+ minutes\.$", first.source, re.MULTILINE)
    assert "**What you'll learn**" in first.source and "**What you need**" in first.source
    text = _markdown(notebook)
    assert re.search(r"^## (\d+\. )?Check yourself$", text, re.MULTILINE)
    assert re.search(r"^## Recap$", text, re.MULTILINE)
    assert re.search(r"^## What's next$", text, re.MULTILINE)


@notebooks
def test_stored_executed_top_to_bottom_without_errors(path: Path) -> None:
    notebook = _read(path)
    counts = [cell.execution_count for cell in _code_cells(notebook)]
    assert counts == list(range(1, len(counts) + 1)), "run with tests/notebooks/notebook_runner.py"
    assert [o for c in _code_cells(notebook) for o in c.outputs if o.output_type == "error"] == []
    assert all("execution" not in cell.metadata for cell in notebook.cells), "no timings stored"


@notebooks
def test_break_it_cells_have_their_output_checked(path: Path) -> None:
    for cell in _code_cells(_read(path)):
        if "errors.expected(" in cell.source:
            assert "# NBVAL_CHECK_OUTPUT" in cell.source.splitlines(), cell.source


@notebooks
def test_outputs_come_from_the_offline_aws_only(path: Path) -> None:
    text = _output_text(_read(path))
    assert "REAL AWS" not in text  # Lab's banner for a real account
    assert set(re.findall(r"AKIA[A-Z0-9]{16}", text)) <= DOCUMENTED_FAKE_KEYS
    # Offline ids are shaped like AWS's, so the account is what tells a real run apart,
    # in the outputs and inside any stored token's claims (cognito:roles are ARNs).
    claims = [json.dumps(_b64json(part)) for part in re.findall(r"eyJ[\w-]+\.([\w-]+)\.[\w-]*", text)]
    everything = "\n".join([text, *claims])
    assert set(re.findall(r"\barn:aws:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):", everything)) <= {OFFLINE_ACCOUNT}


@notebooks
def test_referenced_files_exist(path: Path) -> None:
    text = _markdown(_read(path))
    targets = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r"<img [^>]*src=\"([^\"]+)\"", text)
    local = [t for t in targets if not re.match(r"(https?:|mailto:|#)", t)]
    for target in local:
        assert (path.parent / target.split("#")[0]).exists(), f"{path.name} links to missing {target}"


def test_welcome_shows_the_same_diagram_as_diagrams_folder() -> None:
    def mermaid(text: str) -> str:
        return text.split("```mermaid\n", 1)[1].split("```", 1)[0]

    notebook = _markdown(_read(ROOT / "notebooks" / "00_welcome.ipynb"))
    assert mermaid(notebook) == mermaid((ROOT / "diagrams" / "two-pools.md").read_text())
