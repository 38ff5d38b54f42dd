"""May this principal assume that role? The one trust check STS makes, whichever way a caller comes.

* `AssumeRole`: an IAM user or a role session, named in the trust policy's `Principal.AWS`;
* `AssumeRoleWithWebIdentity`: a web identity token's issuer in `Principal.Federated`, its claims
  as condition keys (IAM UG "Available keys for web identity federation");
* `GetCredentialsForIdentity`: Cognito Identity on an identity's behalf, which AWS describes as
  "functionally equivalent to calling GetOpenIdToken, then AssumeRoleWithWebIdentity" (Cognito DG,
  authentication flow), so the same check as the line above.

Passing session tags also needs `sts:TagSession` (IAM UG "Passing session tags in AWS STS"). A
role that is too new for STS to see while IAM's delay is simulated cannot be assumed at all
(`propagation.trust_pending`). Sources: IAM UG reference_policies_evaluation-logic (a trust policy is a
resource-based policy on the role), STS API AssumeRole / AssumeRoleWithWebIdentity.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import iam
from ..iam import propagation


class TrustDenied(Exception):
    """The role does not exist, is not yet visible, or its trust policy does not allow this.

    Never answered as such: each caller turns it into its own service's error (STS's
    AccessDenied, Cognito Identity's InvalidIdentityPoolConfigurationException), because AWS
    words the same refusal differently in each."""


def find_role(account_id: str, role_arn: str) -> Any:
    """moto's role with this ARN; a role that does not exist is a TrustDenied, as on AWS."""
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import iam_backends

    try:
        return iam_backends[account_id]["aws"].get_role_by_arn(role_arn)
    except NotFoundException as missing:
        raise TrustDenied(role_arn) from missing


def check_trust(
    role: Any,
    action: str,
    principal: Mapping[str, str],
    context: Mapping[str, Any],
    session_tags: Mapping[str, str] | None = None,
) -> None:
    """Raise TrustDenied unless the role's trust policy allows `principal` to perform `action`
    (and `sts:TagSession` when `session_tags` are passed) with `context` as condition keys."""
    if propagation.trust_pending(role.account_id, role.name):
        raise TrustDenied(f"{role.arn} is not yet visible to STS")
    trust = iam.NamedPolicy(f"{role.name} trust policy", role.assume_role_policy_document)
    keys = dict(context)
    if session_tags:
        keys.update({f"aws:RequestTag/{key}": value for key, value in session_tags.items()})
        keys["aws:TagKeys"] = list(session_tags)
    for wanted in [action] + (["sts:TagSession"] if session_tags else []):
        if not iam.evaluate_trust(trust, iam.Request(wanted, role.arn, keys, dict(principal))).allowed:
            raise TrustDenied(role.arn)
