"""How long each notebook takes headless, next to an empty notebook, in one run.

    python tests/benchmarks/bench_notebooks.py [--rounds 1] [notebooks/03_identity_pool.ipynb ...]

Runs every course notebook (or those named) top to bottom in a fresh kernel, as
`tests/notebooks/notebook_runner.py` does, without writing anything back, and an empty notebook
(one trivial cell) the same way. Prints the seconds per notebook (the median over the rounds),
the total, and each notebook's ratio to the empty one: the empty notebook is what starting a
kernel costs on this machine, so the ratio is what the lesson itself adds (goal: at most 3x).
The course's modules are byte-compiled first, as Python itself leaves them after a learner's
first import (unless PYTHONDONTWRITEBYTECODE is set, as on the CI machine: then every kernel
would compile them again). Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import compileall
import statistics
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


def seconds(make: callable, rounds: int) -> float:
    """Median wall time of executing a fresh copy of the notebook in a fresh kernel."""
    times = []
    for _ in range(rounds):
        notebook = make()
        start = time.perf_counter()
        execute(notebook)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every course notebook")
    parser.add_argument("--rounds", type=int, default=1, help="runs per notebook (the median is shown)")
    args = parser.parse_args()
    paths = args.notebooks or notebook_paths()
    compileall.compile_dir(Path(__file__).resolve().parents[2] / "helpers", quiet=1)

    empty = seconds(empty_notebook, max(args.rounds, 3))
    print(f"{'notebook':32} {'seconds':>8} {'x empty':>8}")
    print(f"{'(empty: one trivial cell)':32} {empty:8.2f} {1:8.2f}")
    total = 0.0
    for path in paths:
        taken = seconds(lambda path=path: nbformat.read(path, as_version=4), args.rounds)
        total += taken
        ratio = taken / empty
        flag = "" if ratio <= GOAL_RATIO else f"  (over the {GOAL_RATIO:g}x goal)"
        print(f"{path.name:32} {taken:8.2f} {ratio:8.2f}{flag}")
    print(f"{'total':32} {total:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
