"""`python -m helpers reset`: put the offline lab back to a clean state, between workshop groups.

What "clean" means depends on where the offline AWS runs (see helpers/lab.py):

- **A shared endpoint** (`python -m helpers serve`; `COGNITO_LAB_ENDPOINT` or `--endpoint`): one
  offline AWS for everyone using it. `reset` sends `POST /_lab/reset`: every pool, identity, role,
  bucket, table, session, email and clock offset is forgotten, at once, for all its users.
- **In-process** (the default): each notebook kernel runs its own offline AWS, which a shell
  command can't reach, and which ends with the kernel. Restarting the kernels is the reset
  (Kernel → Shut Down All Kernels, or restart each); inside a kernel, `reset.in_this_kernel()`
  does the same without a restart. `reset` says so and changes nothing.
- **Real AWS**: nothing is reset here (it would mean deleting real resources): notebook 05 or the
  cleanup command removes what the course created.
"""

from __future__ import annotations

import os

import requests

from helpers.lab import AWS, ENV_BACKEND, ENV_ENDPOINT


def at_endpoint(endpoint: str) -> str:
    """Reset the offline AWS served at `endpoint`; one line saying what happened."""
    reply = requests.post(f"{endpoint.rstrip('/')}/_lab/reset", timeout=10)
    reply.raise_for_status()
    return f"Reset the offline AWS at {endpoint}: every resource, session, email and clock offset is gone."


def in_this_kernel() -> str:
    """Reset this process's in-process offline AWS (from a notebook cell, instead of a restart)."""
    import helpers.offline as offline

    offline.reset()
    return "Reset this kernel's offline AWS: the next notebook cell starts from an empty account."


def command(endpoint: str | None = None) -> int:
    """The command line: reset what can be reset from a shell, say what to do for the rest."""
    endpoint = endpoint or os.environ.get(ENV_ENDPOINT)
    if os.environ.get(ENV_BACKEND, "").strip().lower() == AWS:
        print("Real AWS: nothing to reset here. Run notebook 05 (or `python -m helpers cleanup`) to remove")
        print("what the course created in your account.")
        return 1
    if endpoint:
        try:
            print(at_endpoint(endpoint))
        except requests.RequestException as problem:
            print(f"Could not reset {endpoint} ({problem}): is `python -m helpers serve` running there?")
            return 1
        return 0
    print("In-process offline AWS: each notebook kernel has its own, and it ends with the kernel.")
    print("To start clean, restart the kernels (JupyterLab: Kernel → Shut Down All Kernels).")
    print(f"For a shared endpoint: `python -m helpers reset --endpoint URL` (or set {ENV_ENDPOINT}).")
    return 0
