"""IAM's propagation delay, on request: new and changed roles are "not yet visible" for a while.

On AWS, IAM is eventually consistent: "changes that you make ... might not be immediately
visible" and take "a few seconds" to reach every service (IAM User Guide, "Troubleshoot IAM",
"Changes that I make are not always immediately visible"). A learner meets this twice:

- right after a role is created, or its trust policy changed, Cognito Identity's
  GetCredentialsForIdentity answers `InvalidIdentityPoolConfigurationException` ("Invalid identity
  pool configuration. Check assigned IAM roles for this pool."): STS can't see the role, or its
  new trust policy, yet;
- right after a role's permission policies change, calls made with its credentials are decided
  on the policies as they were (`AccessDenied` / `AccessDeniedException` for a grant just added).

Offline, IAM changes take effect at once (the default). `simulate(seconds)` (or
`POST /_lab/propagation {"seconds": 2}` at the endpoint) makes every later role change invisible
for that long, measured on the offline clock, so the course's retry path can be tested.

Simplification (no published model of IAM's propagation to follow): while any change to a role is
pending, the role keeps the permissions it had before the FIRST pending change, until
`seconds` after the LAST one; a brand-new role has no permissions and cannot be assumed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import clock, routes
from ..patching import Patches
from ..state import EngineState, StateDict
from .policies import NamedPolicy
from .principal_policies import role_policies

_lock = threading.Lock()
# The delay is a setting of the simulation, like the offline clock's offset, not something an
# AWS account holds: `simulate(seconds)` names no account. So it stays process-wide, and
# `reset()` (which `engine.reset()` calls) switches it off. What is pending is IAM's data, per
# account, in `PropagationState`, forgotten with moto's IAM.
_delay = 0.0


@dataclass
class _Pending:
    until: float  # offline-clock time the role's changes become visible
    trust_pending: bool  # role created or trust policy changed: it can't be assumed yet
    policies: tuple[NamedPolicy, ...] | None  # visible permissions meanwhile (None: unchanged)


class PropagationState(EngineState):
    """One account's role changes that other services cannot see yet."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.pending: dict[str, _Pending] = {}  # role name -> what is not yet visible about it


_states = StateDict(PropagationState, "iam-propagation", account_wide=True)


def simulate(seconds: float) -> None:
    """From now on, each role change stays invisible for `seconds` (0 switches the delay off)."""
    global _delay
    if seconds < 0:
        raise ValueError("The propagation delay is a number of seconds, 0 or more.")
    with _lock:
        _delay = float(seconds)


def delay() -> float:
    """The simulated propagation delay in seconds (0: changes are visible at once)."""
    return _delay


def pending_roles() -> list[str]:
    """Names of roles with a change not yet visible, in every account (for tests and the lab route)."""
    now = clock.now()
    with _lock:
        return sorted(
            name for state in _states.every() for name, change in state.pending.items() if change.until > now
        )


def _current(account_id: str, role_name: str) -> _Pending | None:
    """The role's pending change, forgetting it once it has become visible."""
    pending = _states.get(account_id).pending
    change = pending.get(role_name)
    if change is not None and change.until <= clock.now():
        del pending[role_name]
        return None
    return change


def _record(account_id: str, role_name: str, *, trust: bool, before: tuple[NamedPolicy, ...]) -> None:
    if _delay <= 0:
        return
    with _lock:
        pending = _current(account_id, role_name) or _Pending(0.0, False, None)
        _states.get(account_id).pending[role_name] = pending
        pending.until = clock.now() + _delay
        pending.trust_pending = pending.trust_pending or trust
        # The permissions seen meanwhile are those before the first permission change (none for
        # a role that is itself new).
        if pending.policies is None and (not trust or not before):
            pending.policies = before


def visible_role_policies(account_id: str, role_name: str) -> tuple[NamedPolicy, ...] | None:
    """The permissions other services still see for the role while its changes are pending
    (None: nothing pending, they see the role as it is)."""
    with _lock:
        pending = _current(account_id, role_name)
        return pending.policies if pending else None


def effective_role_policies(account_id: str, role_name: str) -> tuple[NamedPolicy, ...]:
    """The role's policies as other services see them now: while the simulated propagation delay
    runs, the ones it had before the change."""
    visible = visible_role_policies(account_id, role_name)
    return visible if visible is not None else role_policies(account_id, role_name)


def trust_pending(account_id: str, role_name: str) -> bool:
    """True while the role is too new (or its trust policy too freshly changed) for STS to see."""
    with _lock:
        pending = _current(account_id, role_name)
        return bool(pending and pending.trust_pending)


# --- hooks ----------------------------------------------------------------------------------------


def _role_policies_now(account_id: str, role_name: str) -> tuple[NamedPolicy, ...]:
    try:
        return role_policies(account_id, role_name)
    except Exception:  # no such role yet: the change creates it
        return ()


def _recording(*, trust: bool, position: int = 0) -> Callable[[Any], Any]:
    """Wrap an IAM backend method that changes a role, so the change starts a pending window.

    `position`: where the role name is among the method's positional arguments.
    """

    def make(original: Any) -> Any:
        def changed(self: Any, *args: Any, **kwargs: Any) -> Any:
            role_name = kwargs["role_name"] if "role_name" in kwargs else args[position]
            before = _role_policies_now(self.account_id, role_name) if _delay > 0 else ()
            result = original(self, *args, **kwargs)
            _record(self.account_id, role_name, trust=trust, before=before)
            return result

        return changed

    return make


def _serve_propagation(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """`GET /_lab/propagation`; `POST {"seconds": 2}` simulates IAM's delay (0 switches it off)."""
    if request.method == "POST":
        simulate(float(request.json().get("seconds", 0)))
    return routes.Response.json({"seconds": delay(), "pending_roles": pending_roles()})


ROUTES = (
    routes.Route(
        "IAM's propagation delay",
        "/_lab/propagation",
        _serve_propagation,
        methods=frozenset({"GET", "POST"}),
        local=True,
    ),
)


def install(patches: Patches) -> None:
    from moto.iam.models import IAMBackend

    patches.wrap(IAMBackend, "create_role", _recording(trust=True))
    patches.wrap(IAMBackend, "update_assume_role_policy", _recording(trust=True))
    for name in ("put_role_policy", "delete_role_policy"):
        patches.wrap(IAMBackend, name, _recording(trust=False))
    for name in ("attach_role_policy", "detach_role_policy"):  # (policy_arn, role_name)
        patches.wrap(IAMBackend, name, _recording(trust=False, position=1))


def reset() -> None:
    """Switch the delay off and make every pending change visible (moto's reset forgets them too)."""
    global _delay
    with _lock:
        _delay = 0.0
        for state in _states.every():
            state.pending.clear()
