"""Who is calling: the principal behind an access key, with the policies IAM evaluates for it.

An access key belongs to the lab administrator (the account's root, never evaluated), to an IAM
user (its policies and its groups'), or to a temporary session (the role's policies, the session
policy and the request context the session brought: `sessions`). A key nobody holds, a session
token that is not the key's, and an expired session are refused with the called service's
credential error (`exceptions.credential_error`).

Sources: IAM User Guide reference_policies_evaluation-logic (the policies of the principal),
reference_policies_condition-keys (`aws:username`, `aws:userid`, `aws:PrincipalArn`,
`aws:PrincipalType`, `aws:PrincipalTag/...`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import clock
from ..iam import NamedPolicy, principal_policies, propagation
from ..sts import sessions
from .exceptions import credential_error

ADMIN_ACCESS_KEY_ID = "testing"
ADMIN_SECRET_ACCESS_KEY = "testing"
# The fake credentials moto's `mock_aws` puts in the environment (moto.core.models.MockAWS). In the
# mode for existing moto test suites they too act as the account administrator.
MOTO_ACCESS_KEY_ID = "FOOBARKEY"
MOTO_SECRET_ACCESS_KEY = "FOOBARSECRET"

# Access key -> secret of the keys that act as the account administrator (`administrators()`).
_administrators = {ADMIN_ACCESS_KEY_ID: ADMIN_SECRET_ACCESS_KEY}


def set_administrators(*, with_motos_keys: bool) -> None:
    """The lab's keys always; moto's default fake keys too when the engine serves a moto suite."""
    _administrators.clear()
    _administrators[ADMIN_ACCESS_KEY_ID] = ADMIN_SECRET_ACCESS_KEY
    if with_motos_keys:
        _administrators[MOTO_ACCESS_KEY_ID] = MOTO_SECRET_ACCESS_KEY


@dataclass(frozen=True)
class Caller:
    """The principal behind an access key, as IAM sees it."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None
    arn: str
    kind: str  # "administrator" | "user" | "session"
    policies: tuple[NamedPolicy, ...] = ()
    session: sessions.Session | None = None
    context: tuple[tuple[str, Any], ...] = ()


def find_caller(account_id: str, access_key_id: str, session_token: str | None, service: str) -> Caller:
    """The caller holding `access_key_id`, or the credential error `service` answers."""
    from moto.iam.models import iam_backends

    if access_key_id in _administrators:
        return Caller(
            access_key_id,
            _administrators[access_key_id],
            session_token,
            f"arn:aws:iam::{account_id}:root",
            "administrator",
        )
    user = iam_backends[account_id]["aws"].get_user_from_access_key_id(access_key_id)
    if user is not None:
        return _user(account_id, access_key_id, session_token, user)
    return _session(account_id, access_key_id, session_token, service)


def _user(account_id: str, access_key_id: str, session_token: str | None, user: Any) -> Caller:
    context = {
        "aws:username": user.name,
        "aws:userid": user.id,
        "aws:PrincipalArn": user.arn,
        "aws:PrincipalType": "User",
    }
    secret = next(k.secret_access_key for k in user.access_keys if k.access_key_id == access_key_id)
    return Caller(
        access_key_id,
        secret,
        session_token,
        user.arn,
        "user",
        principal_policies.user_policies(account_id, user),
        context=tuple(context.items()),
    )


def _session(account_id: str, access_key_id: str, session_token: str | None, service: str) -> Caller:
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    assumed = sts_backends[account_id]["aws"].get_assumed_role_from_access_key(access_key_id)
    if assumed is None or session_token != assumed.session_token:
        raise credential_error("invalid", service)
    session = sessions.lookup(account_id, access_key_id)
    expires_at = session.expires_at if session else assumed.expiration.timestamp()
    if clock.now() >= expires_at:
        raise credential_error("expired", service)
    role_name = assumed.role_arn.split("/")[-1]
    try:
        role = iam_backends[account_id]["aws"].get_role(role_name)
    except Exception:  # the role was deleted: the session keeps no permissions
        role = None
    context: dict[str, Any] = {
        "aws:userid": f"{role.id if role else 'AROADELETEDROLE'}:{assumed.session_name}",
        "aws:PrincipalArn": assumed.role_arn,
        "aws:PrincipalType": "AssumedRole",
    }
    for tag in (role.tags if role else None) or []:
        context[f"aws:PrincipalTag/{tag['Key']}"] = tag["Value"]
    if session is not None:
        context.update(session.context)
    policies = propagation.effective_role_policies(account_id, role_name) if role else ()
    return Caller(
        access_key_id,
        assumed.secret_access_key,
        session_token,
        assumed.arn,
        "session",
        policies,
        session,
        tuple(context.items()),
    )
