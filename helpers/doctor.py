"""Is this machine ready for the course? Each check says what it found, or what to do.

Notebook 00 runs `doctor.report()`; it never raises, so a missing package is a line to read, not a
traceback.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata

MIN_PYTHON = (3, 11)
# Distribution names of what the notebooks import (notebook 13: fido2's WebAuthn builders, pyotp's
# codes), and of jupyter-server-proxy, which carries notebooks 12's and 13's pages from the kernel
# to the browser.
PACKAGES = (
    "boto3",
    "moto",
    "pycognito",
    "PyJWT",
    "cryptography",
    "joserfc",
    "requests",
    "jupyterlab",
    "jupyter-server-proxy",
    "fido2",
    "pyotp",
)
_INSTALL = "install the course: pip install -c constraints.txt -e . (from the repository's root)"


@dataclass(frozen=True)
class Check:
    ok: bool
    what: str
    detail: str


def _python() -> Check:
    found = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] >= MIN_PYTHON:
        return Check(True, "Python", found)
    wanted = ".".join(map(str, MIN_PYTHON))
    return Check(
        False, "Python", f"{found}: the course needs {wanted} or newer; make the venv with a newer python3"
    )


def _package(name: str) -> Check:
    try:
        return Check(True, name, metadata.version(name))
    except metadata.PackageNotFoundError:
        return Check(False, name, f"missing: {_INSTALL}")


def _aws(notebook: str) -> Check:
    from helpers.lab import Lab

    try:
        lab = Lab(notebook)
        lab.client("cognito-idp").list_user_pools(MaxResults=1)
    except Exception as problem:  # the point is to report any failure as a line, not a traceback
        return Check(False, "AWS for the course", f"{type(problem).__name__}: {problem}")
    where = {"offline": "offline, in this kernel", "endpoint": f"offline, at {lab.endpoint_url}"}
    return Check(
        True, "AWS for the course", where.get(lab.backend, f"REAL account {lab.account_id}") + ", answers"
    )


def checks(notebook: str = "00_welcome") -> list[Check]:
    """Python, the packages, then whether the course's AWS answers a call."""
    found = [_python(), *(_package(name) for name in PACKAGES)]
    if all(check.ok for check in found):
        found.append(_aws(notebook))
    else:
        found.append(Check(False, "AWS for the course", "not tried: fix the lines above first"))
    return found


def report(notebook: str = "00_welcome") -> None:
    """Print one line per check, then whether everything is ready."""
    _print(checks(notebook))


def command() -> int:
    """`python -m helpers doctor`: the same report, and an exit code for scripts."""
    return 0 if _print(checks()) else 1


def _print(found: list[Check]) -> bool:
    for check in found:
        print(f"{'ok     ' if check.ok else 'MISSING'}  {check.what}: {check.detail}")
    ready = all(check.ok for check in found)
    print(
        "Ready: open 01_user_pool.ipynb."
        if ready
        else "Not ready yet: fix the MISSING lines, then run again."
    )
    return ready
