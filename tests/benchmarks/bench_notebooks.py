"""How long each notebook takes headless, next to an empty notebook, in one run.

    python tests/benchmarks/bench_notebooks.py [--rounds 1] [notebooks/03_identity_pool.ipynb ...]

Runs every course notebook (or those named) top to bottom in a fresh kernel, as
`tests/notebooks/notebook_runner.py` does, without writing anything back, each run right after
a run of an empty notebook (one trivial cell), so both meet the machine in the same state. Prints
the seconds per notebook and per empty notebook (the fastest of the rounds, as `timeit` advises:
slower runs are what else the machine was doing), the total, and each notebook's ratio to the
empty one: the empty notebook is what starting and stopping a kernel costs on this machine, so
the ratio is what the lesson itself adds (goal: at most 3x).
With `--floor`, each notebook's floor runs too: its first cell (the imports and `Lab()`) followed
by as many trivial cells as it has code cells, which is what any notebook of that length costs
before its lesson does anything (kernel, imports, and each cell's round trip to the kernel). The
notebook's time less its floor is the part its own calls and set-up can change.
The course's modules are byte-compiled first, as Python itself leaves them after a learner's
first import (unless PYTHONDONTWRITEBYTECODE is set, as on the CI machine: then every kernel
would compile them again). Not a test: nothing here asserts a time.

Expect an occasional run about 3 s slower, empty notebook included: ipykernel 7.4's control thread
can block on the IOPub socket while the kernel shuts down, until jupyter_client stops waiting
(seen with py-spy; posit-dev/positron#7142 reports the same hang). Use several rounds: the
fastest leaves such runs out.
"""

from __future__ import annotations

import argparse
import compileall
import sys
import time
from pathlib import Path

import nbformat
from nbformat import NotebookNode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notebooks"))
from notebook_runner import execute, notebook_paths

GOAL_RATIO = 3.0


def empty_notebook() -> NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell("1 + 1")]
    return notebook


def floor_notebook(notebook: NotebookNode) -> NotebookNode:
    """The notebook's first code cell, then trivial cells up to as many code cells as it has."""
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    floor = empty_notebook()
    floor.cells = [nbformat.v4.new_code_cell(source) for source in code[:1] + ["1 + 1"] * (len(code) - 1)]
    return floor


def seconds(notebook: NotebookNode) -> float:
    """Wall time of executing the notebook in a fresh kernel."""
    start = time.perf_counter()
    execute(notebook)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every course notebook")
    parser.add_argument("--rounds", type=int, default=1, help="runs per notebook (the fastest is shown)")
    parser.add_argument("--floor", action="store_true", help="also run each notebook's floor (see above)")
    args = parser.parse_args()
    paths = args.notebooks or notebook_paths()
    compileall.compile_dir(Path(__file__).resolve().parents[2] / "helpers", quiet=1)

    # The empty notebook runs just before each run of a notebook: a shared machine's pace drifts
    # over minutes, and both fastest runs then come from the same stretch of it.
    floor_heading = f" {'floor x':>8}" if args.floor else ""
    print(f"{'notebook':32} {'seconds':>8} {'empty':>8} {'x empty':>8}{floor_heading}")
    total = 0.0
    for path in paths:
        runs = []
        for _ in range(args.rounds):
            notebook = nbformat.read(path, as_version=4)
            empty, taken = seconds(empty_notebook()), seconds(notebook)
            runs.append((empty, taken, seconds(floor_notebook(notebook)) if args.floor else 0.0))
        empty, taken, floor_taken = (min(run[column] for run in runs) for column in range(3))
        ratio = taken / empty
        total += taken
        floor_ratio = f" {floor_taken / empty:8.2f}" if args.floor else ""
        flag = "" if ratio <= GOAL_RATIO else f"  (over the {GOAL_RATIO:g}x goal)"
        print(f"{path.name:32} {taken:8.2f} {empty:8.2f} {ratio:8.2f}{floor_ratio}{flag}")
    print(f"{'total':32} {total:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
