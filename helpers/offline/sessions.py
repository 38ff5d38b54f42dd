"""What AWS remembers about temporary credentials that moto's STS does not.

moto's `AssumedRole` keeps the role and the keys. AWS also keeps the request
context that came with the session: the identity pool (`aud`), the identity id
(`sub`), how the caller signed in (`amr`), session tags and any session policy.
IAM decisions need all of it, so it lives here, keyed by access key id.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from . import clock


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

    @property
    def expired(self) -> bool:
        return clock.now() >= self.expires_at


_lock = threading.Lock()
_sessions: dict[str, Session] = {}


def register(session: Session) -> None:
    with _lock:
        _sessions[session.access_key_id] = session


def lookup(access_key_id: str) -> Session | None:
    with _lock:
        return _sessions.get(access_key_id)


def reset() -> None:
    with _lock:
        _sessions.clear()
