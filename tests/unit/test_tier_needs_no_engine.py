"""The unit tier needs no engine: importing its modules must not import moto.

Each module (and the conftest.py files pytest loads for it) is imported in turn in a fresh
interpreter, so the first one that brings moto in is the one named. A test that needs moto belongs
in tests/engine/ (engine internals), tests/contract/ (AWS behaviour) or tests/course/ (the course's
helpers against the offline AWS).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The conftest.py files above this tier that pytest loads with it.
ABOVE = [HERE.parents[1] / "conftest.py", HERE.parent / "conftest.py"]

# Runs in the fresh interpreter: import each file given, then say which one imported moto.
_IMPORT_EACH = """
import importlib.util, pathlib, sys
sys.path.insert(0, sys.argv[1])
for path in map(pathlib.Path, sys.argv[2:]):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = sys.modules[path.stem] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if "moto" in sys.modules:
        print(path.name)
        break
"""


def test_importing_the_unit_tier_imports_no_moto() -> None:
    tier = sorted(HERE.glob("*.py"))
    assert len(tier) > 5, "the glob found the tier's modules"
    modules = [str(path) for path in ABOVE + tier if path.exists()]
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, str(HERE), *modules], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"{done.stdout.strip()} imports moto: move it out of tests/unit/"
