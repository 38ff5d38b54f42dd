"""Execute the course's notebooks the way a learner does, and store their outputs.

    python tests/notebooks/notebook_runner.py [notebooks/01_user_pool.ipynb ...]

re-executes the notebooks (all of them by default) in a fresh kernel each and writes them back
with their outputs, which nbval then compares. Use it after editing a notebook: it records no
timings, so re-running changes only what the cells print. The functions are also what
`test_run_twice_in_one_kernel.py` and `test_run_twice.py` use to run every cell twice in one kernel.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Mapping
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SANITIZE = Path(__file__).with_name("sanitize.cfg")
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def execute(notebook: NotebookNode, env: Mapping[str, str] | None = None) -> NotebookNode:
    """Run every cell in a fresh kernel started in notebooks/, as JupyterLab would.

    `env`: the kernel's whole environment (default: this process's), e.g. a real-AWS learner's.
    """
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        record_timing=False,
        # Widget state is hundreds of kB that change on every run, and useless without a kernel.
        store_widget_state=False,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute(**({"env": dict(env)} if env is not None else {}))
    return notebook


def forget_widget_views(notebook: NotebookNode) -> NotebookNode:
    """Keep each widget's plain-text version and drop its view from the stored outputs.

    A stored view is dead without its kernel: JupyterLab would show "Error displaying widget: model
    not found" for it, or nothing at all. Without it, a stored notebook shows the text in JupyterLab
    and on GitHub; run again, the live widget replaces the text (helpers.widgets shows both in one
    output, and a front end shows the richest it can render).
    """
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data and "text/plain" in data:
                del data[WIDGET_VIEW]
    return notebook


def run_twice_in_one_kernel(
    path: Path, env: Mapping[str, str] | None = None
) -> tuple[list[NotebookNode], list[NotebookNode]]:
    """Execute the notebook's cells, then all of them again, in one kernel: (first pass, second pass).

    `env`: the kernel's whole environment, as for `execute`.
    """
    notebook = nbformat.read(path, as_version=4)
    first = notebook.cells
    second = copy.deepcopy(first)
    for cell in second:
        cell.id = f"again-{cell.id}"
    notebook.cells = first + second
    execute(notebook, env)
    return notebook.cells[: len(first)], notebook.cells[len(first) :]


def sanitizers() -> list[tuple[str, str]]:
    """The (regex, replacement) pairs of sanitize.cfg, parsed the way nbval parses them."""
    return re.findall(r"^regex: (.*)$\n^replace: (.*)$", SANITIZE.read_text(), flags=re.MULTILINE)


def checked_text(cell: NotebookNode) -> str:
    """What nbval compares for a cell marked NBVAL_CHECK_OUTPUT: its text outputs, sanitised."""
    text = "".join(
        output.get("text", "") or output.get("data", {}).get("text/plain", "") for output in cell.outputs
    )
    for regex, replacement in sanitizers():
        text = re.sub(regex, replacement, text)
    return text


def error_outputs(cells: list[NotebookNode]) -> list[tuple[int, str, str]]:
    """(cell number, error name, error value) of every error a run printed."""
    return [
        (number, output.get("ename"), output.get("evalue"))
        for number, cell in enumerate(cells)
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]


def is_checked(cell: NotebookNode) -> bool:
    return cell.cell_type == "code" and CHECK_MARKER in cell.source.splitlines()


def main(paths: list[str]) -> int:
    for path in [Path(p) for p in paths] or notebook_paths():
        notebook = forget_widget_views(execute(nbformat.read(path, as_version=4)))
        nbformat.write(notebook, path)
        print(f"executed {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
