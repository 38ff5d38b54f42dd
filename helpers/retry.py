"""Wait out IAM's propagation delay, and nothing else.

On AWS a brand-new role, or a changed trust or permission policy, takes seconds to reach every
service (IAM User Guide, "Troubleshoot IAM": "Changes that I make are not always immediately
visible"). Meanwhile Cognito Identity answers `InvalidIdentityPoolConfigurationException` and S3 or
DynamoDB answer `AccessDenied` / `AccessDeniedException`. `call` retries exactly those codes, and
only where the caller says the error can be propagation, with exponential backoff and jitter
(AWS Architecture Blog, "Exponential Backoff And Jitter"), a bounded number of times, and then
raises AWS's last error unchanged: a real misconfiguration costs a short wait, never a hidden error.

Throttling (`TooManyRequestsException`, `Throttling`) is botocore's job: the lab's real-AWS clients
use its "standard" retry mode (see `helpers.lab`).

While it waits it shows progress: an ipywidgets bar in a notebook, one line of text elsewhere.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from botocore.exceptions import ClientError

T = TypeVar("T")

# What IAM's propagation looks like from the services the course calls.
NEW_ROLE = frozenset({"InvalidIdentityPoolConfigurationException"})
POLICY_CHANGE = frozenset({"AccessDenied", "AccessDeniedException"})
PROPAGATION = NEW_ROLE | POLICY_CHANGE

ATTEMPTS = 8
FIRST_WAIT = 0.5  # seconds; then 1, 2, 4, 8, 8, ... (capped), each with jitter
LONGEST_WAIT = 8.0


def backoff(attempt: int, *, first: float = FIRST_WAIT, longest: float = LONGEST_WAIT) -> float:
    """Seconds to wait after failed attempt `attempt` (1-based): half fixed, half random.

    "Equal jitter": learners sharing an account spread out (no thundering herd of thirty retries
    at the same instant), yet each wait is at least half the nominal one, so eight attempts
    always cover at least 15 seconds, longer than IAM usually needs.
    """
    nominal = min(longest, first * 2 ** (attempt - 1))
    return nominal / 2 + random.uniform(0, nominal / 2)


def worst_case_wait(attempts: int = ATTEMPTS) -> float:
    """The longest `call` can wait before it gives up (for the README and tests)."""
    return sum(min(LONGEST_WAIT, FIRST_WAIT * 2 ** (n - 1)) for n in range(1, attempts))


def error_code(error: BaseException) -> str | None:
    return error.response.get("Error", {}).get("Code") if isinstance(error, ClientError) else None


def call(
    operation: Callable[[], T],
    *,
    what: str,
    retry_on: Collection[str] = PROPAGATION,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], Any] = time.sleep,
) -> T:
    """`operation()`, retried while it fails with one of the `retry_on` error codes.

    `what` names the step in the progress display ("credentials for alice"). After `attempts`
    tries the last error is raised as AWS sent it.
    """
    progress: _Progress | None = None
    for attempt in range(1, attempts + 1):
        try:
            result = operation()
        except ClientError as error:
            if error_code(error) not in retry_on or attempt == attempts:
                if progress is not None:
                    progress.close(ok=False)
                raise
            wait = backoff(attempt)
            if progress is None:
                progress = _Progress(what, attempts)
            progress.update(attempt, f"{error_code(error)}: waiting {wait:.1f} s for IAM to propagate")
            sleep(wait)
        else:
            if progress is not None:
                progress.close(ok=True)
            return result
    raise ValueError(f"attempts must be 1 or more, not {attempts}")


def settle(seconds: float, *, what: str, sleep: Callable[[float], Any] = time.sleep) -> None:
    """Wait `seconds` with a progress display (e.g. before an access table that must see new policies)."""
    if seconds <= 0:
        return
    steps = max(1, int(seconds))
    progress = _Progress(what, steps)
    for step in range(steps):
        progress.update(step + 1, f"{seconds - step:.0f} s left")
        sleep(seconds / steps)
    progress.close(ok=True)


class _Progress:
    """A progress bar in a notebook (ipywidgets), one updating line of text elsewhere."""

    def __init__(self, what: str, total: int) -> None:
        self.what = what
        self._bar: Any = None
        self._label: Any = None
        if _in_notebook():
            import ipywidgets
            from IPython.display import display

            self._bar = ipywidgets.IntProgress(value=0, min=0, max=total, description="IAM")
            self._label = ipywidgets.Label(what)
            display(ipywidgets.HBox([self._bar, self._label]))
        self._total = total

    def update(self, step: int, note: str) -> None:
        if self._bar is not None:
            self._bar.value = step
            self._label.value = f"{self.what}: {note}"
        else:
            print(f"{self.what} ({step}/{self._total}): {note}", file=sys.stderr, flush=True)

    def close(self, *, ok: bool) -> None:
        if self._bar is not None:
            self._bar.bar_style = "success" if ok else "danger"
        elif ok:
            print(f"{self.what}: done.", file=sys.stderr, flush=True)


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"
