"""The execution role's temporary credentials, obtained the way Lambda obtains them.

"Lambda generates an ephemeral set of credentials by assuming your function's execution role"
(Lambda DG permissions-source-function-arn): an STS AssumeRole by the service principal
`lambda.amazonaws.com`, so the role's trust policy must allow that principal, checked by the one
trust check (`trust.check_trust`, which also honours IAM's simulated propagation delay). The session
is registered with `sessions`, so every call the function makes is decided on the role's policies,
with `lambda:SourceFunctionArn` in its request context ("Lambda injects the source function ARN into
the credentials context if the request is an AWS API request that comes from within your execution
environment", same page).

UNCONFIRMED: the session name is the function name (observed only: assumed-role ARNs
`arn:aws:sts::<account>:assumed-role/<role>/<function>`, bluesentry/bucket-antivirus-function#109),
and how long Lambda's credentials last (one hour here; an environment is replaced before they
expire on the offline clock).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .. import clock
from ..sts import sessions, trust

LAMBDA_SERVICE = "lambda.amazonaws.com"
SESSION_SECONDS = 3600


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expires_at: float  # on the offline clock

    def valid_for(self, seconds: float) -> bool:
        """Still valid `seconds` from now (an invocation must not outlive its credentials)."""
        return clock.now() + seconds < self.expires_at


def check_assumable(account_id: str, role_arn: str) -> None:
    """Raise `trust.TrustDenied` unless the role exists and Lambda may assume it now."""
    role = trust.find_role(account_id, role_arn)
    trust.check_trust(role, "sts:AssumeRole", {"Service": LAMBDA_SERVICE}, {})


def assume_execution_role(
    account_id: str, region: str, role_arn: str, function_name: str, function_arn: str
) -> Credentials:
    """Credentials of a new session of the function's role (raises `trust.TrustDenied`)."""
    from moto.sts.models import sts_backends

    check_assumable(account_id, role_arn)
    assumed = sts_backends[account_id]["aws"].assume_role(
        region_name=region,
        role_session_name=function_name,
        role_arn=role_arn,
        policy="",
        duration=SESSION_SECONDS,
        external_id="",
    )
    assumed.expiration = clock.utcnow() + datetime.timedelta(seconds=SESSION_SECONDS)
    expires_at = clock.now() + SESSION_SECONDS
    sessions.register(
        account_id,
        sessions.Session(
            access_key_id=assumed.access_key_id,
            role_arn=role_arn,
            session_name=function_name,
            expires_at=expires_at,
            context={"lambda:SourceFunctionArn": function_arn},
            source="sts:AssumeRole",
        ),
    )
    return Credentials(assumed.access_key_id, assumed.secret_access_key, assumed.session_token, expires_at)
