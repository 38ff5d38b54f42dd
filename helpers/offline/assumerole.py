"""STS AssumeRole as AWS does it: trust policy, session policy, session tags.

moto hands out credentials for any role ARN, ignores the `Policy` parameter
(so a session policy restricts nothing) and drops session tags. Here the
role's trust policy must allow the caller (and `sts:TagSession` when tags are
passed), and the session keeps its policy and tags for later decisions.

Sources: IAM User Guide "Session policies" (access_policies.md#policies_session),
"Passing session tags in AWS STS" (id_session-tags.md), STS API AssumeRole.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from . import clock, sessions, trust
from .patching import Patches


def check_trust(account_id: str, role_arn: str, caller_arn: str, session_tags: dict[str, str]) -> None:
    """Raise TrustDenied unless the trust policy lets `caller_arn` assume the role (and tag)."""
    role = trust.find_role(account_id, role_arn)
    trust.check_trust(
        role, "sts:AssumeRole", {"AWS": caller_arn}, {"aws:PrincipalArn": caller_arn}, session_tags
    )


def session_tags(response: Any) -> dict[str, str]:
    tags = response._get_param("Tags") or []
    return {tag["Key"]: tag["Value"] for tag in tags if isinstance(tag, dict)}


def _wrap_assume_role(original: Any) -> Any:
    def assume_role(response: Any) -> Any:
        result = original(response)
        assumed = result.result["Credentials"]  # moto's AssumedRole
        duration = response._get_int_param("DurationSeconds", 3600)
        assumed.expiration = clock.utcnow() + datetime.timedelta(seconds=duration)
        policy = response._get_param("Policy")
        context: dict[str, Any] = {f"aws:PrincipalTag/{k}": v for k, v in session_tags(response).items()}
        sessions.register(
            sessions.Session(
                access_key_id=assumed.access_key_id,
                role_arn=response._get_param("RoleArn"),
                session_name=response._get_param("RoleSessionName"),
                expires_at=clock.now() + duration,
                context=context,
                session_policies=[("session policy", json.loads(policy))] if policy else None,
                source="sts:AssumeRole",
            )
        )
        return result

    return assume_role


def install(patches: Patches) -> None:
    from moto.sts.responses import TokenResponse

    patches.wrap(TokenResponse, "assume_role", _wrap_assume_role)
