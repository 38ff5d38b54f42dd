"""STS AssumeRole as AWS does it: trust policy, session policy, session tags.

moto hands out credentials for any role ARN, ignores the `Policy` parameter (so a session policy
restricts nothing) and drops session tags. Here the role's trust policy must allow the caller
(and `sts:TagSession` when tags are passed; the authorization layer calls `check_trust` before
moto answers), and the session keeps its policy and tags for later decisions (`remember`).

Sources: IAM User Guide "Session policies" (access_policies.md#policies_session),
"Passing session tags in AWS STS" (id_session-tags.md), STS API AssumeRole.
"""

from __future__ import annotations

import json
from typing import Any

from .. import clock
from . import sessions, trust


def check_trust(account_id: str, role_arn: str, caller_arn: str, session_tags: dict[str, str]) -> None:
    """Raise TrustDenied unless the trust policy lets `caller_arn` assume the role (and tag)."""
    role = trust.find_role(account_id, role_arn)
    trust.check_trust(
        role, "sts:AssumeRole", {"AWS": caller_arn}, {"aws:PrincipalArn": caller_arn}, session_tags
    )


def session_tags(response: Any) -> dict[str, str]:
    """The `Tags` parameter of moto's request, as a tag map."""
    tags = response._get_param("Tags") or []
    return {tag["Key"]: tag["Value"] for tag in tags if isinstance(tag, dict)}


def remember(
    account_id: str,
    access_key_id: str,
    *,
    role_arn: str,
    session_name: str,
    duration: int,
    tags: dict[str, str],
    policy: str | None,
) -> None:
    """Record the session's tags (as `aws:PrincipalTag/*`) and its session policy."""
    context: dict[str, Any] = {f"aws:PrincipalTag/{key}": value for key, value in tags.items()}
    sessions.register(
        account_id,
        sessions.Session(
            access_key_id=access_key_id,
            role_arn=role_arn,
            session_name=session_name,
            expires_at=clock.now() + duration,
            context=context,
            session_policies=[("session policy", json.loads(policy))] if policy else None,
            source="sts:AssumeRole",
        ),
    )
