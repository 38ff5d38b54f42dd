"""What AWS remembers about temporary credentials that moto's STS does not.

moto's `AssumedRole` keeps the role and the keys. AWS also keeps the request context that came
with the session: the identity pool (`aud`), the identity id (`sub`), how the caller signed in
(`amr`), session tags and any session policy (IAM UG "Session policies", "Passing session tags in
AWS STS", "Available keys for web identity federation"). IAM decisions need all of it, so it is
kept here, per account (STS sessions are account-wide, as moto keeps its own `AssumedRole`s) and
keyed by access key id, and forgotten with moto's state.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from ..state import EngineState, StateDict


@dataclass
class Session:
    """The facts behind one set of temporary (`ASIA…`) credentials."""

    access_key_id: str
    role_arn: str
    session_name: str
    expires_at: float
    # Condition keys this session brings to every request, e.g.
    # "cognito-identity.amazonaws.com:sub" or "aws:PrincipalTag/department".
    context: dict[str, Any] = field(default_factory=dict)
    # None: no session policy. A list (maybe empty): permissions are the
    # intersection of the role's policies and the union of these.
    session_policies: list[tuple[str, dict[str, Any]]] | None = None
    # Which call made it: "cognito-identity:GetCredentialsForIdentity",
    # "sts:AssumeRoleWithWebIdentity", ...
    source: str = ""


class SessionState(EngineState):
    """One account's sessions (moto's reset calls `__init__` again on a blank object)."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.sessions: dict[str, Session] = {}


states: StateDict[SessionState] = StateDict(SessionState, "sts", account_wide=True)
# One lock for every account's sessions: a session is registered or read in microseconds.
_lock = threading.Lock()


def register(account_id: str, session: Session) -> None:
    with _lock:
        states.get(account_id).sessions[session.access_key_id] = session


def lookup(account_id: str, access_key_id: str) -> Session | None:
    with _lock:
        return states.get(account_id).sessions.get(access_key_id)
