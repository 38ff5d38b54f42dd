"""IAM's own rules on moto's IAM: the policies it refuses, and the role ARN it authorizes against.

Malformed policies are refused the way IAM refuses them. moto validates permission policies well
(its messages were checked against IAM) but lets an identity policy name a Principal, and never
validates the trust policy given to CreateRole. After moto's own checks, the same document goes
through `parse_policy`, which adds those rules with IAM's messages.

Trust policies (CreateRole, UpdateAssumeRolePolicy) also get IAM's rule for identity-pool roles:
a role that Cognito Identity may assume must be limited to identity pools
(`identity_pool_trust_problem`).

The role ARN IAM evaluates for a role that does not exist yet, where moto passes "*": a
permission policy scoped to resources (`arn:aws:iam::*:role/cognito-lab-*`) must allow or deny
offline as it does on AWS, or the course's least-privilege runner policy could not be tested
offline. IAM role actions on a role that does not exist yet (`CreateRole`, a `GetRole` that will
answer NoSuchEntity) are authorized by AWS against the role's would-be ARN
`arn:aws:iam::<account>:role<path><name>` (Service Authorization Reference, IAM: CreateRole's
resource type is `role*`); moto answers "*". (DynamoDB's tagging ARNs are read in
`authorization.requestkeys`.)
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from ..patching import Patches
from . import exceptions
from .policies import MalformedPolicyDocument, parse_policy

COGNITO_IDENTITY = "cognito-identity.amazonaws.com"
AUDIENCE_KEY = f"{COGNITO_IDENTITY}:aud"
# What IAM requires (Cognito Developer Guide, "IAM roles", "Set up a trust policy", read in
# the guide's translations, whose English original was not reachable: "If the Principal of an
# IAM role trust policy is an identity pool service principal like
# cognito-identity.amazonaws.com, you can't create or modify a role trust policy to permit any
# identity pool to assume the role"; STS API Reference, AssumeRoleWithWebIdentity RoleArn:
# such trust policies "must contain the cognito-identity.amazonaws.com:aud condition key").
# An `amr` condition alone still lets any identity pool assume the role, so the engine asks
# for an `aud` condition that names identity pools (not a negated operator, not "*").
# UNCONFIRMED: IAM's message text; the code and status are IAM's for a refused document.
ANY_IDENTITY_POOL = (
    "Trust policy for cognito-identity.amazonaws.com must limit cognito-identity.amazonaws.com:aud "
    "to your identity pools."
)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _trusts_cognito_identity(statement: dict[str, Any]) -> bool:
    principal = statement.get("Principal")
    if not isinstance(principal, dict):
        return False
    names = [name for kind in ("Federated", "Service") for name in _as_list(principal.get(kind, []))]
    return COGNITO_IDENTITY in names


def _allows_web_identity(statement: dict[str, Any]) -> bool:
    def matches(pattern: str) -> bool:
        return fnmatch.fnmatchcase("sts:assumerolewithwebidentity", pattern.lower())

    if "NotAction" in statement:
        return not any(matches(p) for p in _as_list(statement["NotAction"]))
    return any(matches(p) for p in _as_list(statement.get("Action", [])))


def _limits_audience(condition: dict[str, Any]) -> bool:
    for operator, block in condition.items():
        name = operator.lower()
        if "not" in name or name.startswith("null") or not isinstance(block, dict):
            continue
        for key, value in block.items():
            if key.lower() == AUDIENCE_KEY and any(str(v).strip("*") for v in _as_list(value)):
                return True
    return False


def identity_pool_trust_problem(document: str | dict[str, Any]) -> str | None:
    """IAM's objection to a trust policy letting any identity pool assume the role, or None.

    Each Allow statement that trusts cognito-identity.amazonaws.com with
    sts:AssumeRoleWithWebIdentity must carry a condition on its `aud` key. Expects a
    document IAM's other rules already accepted.
    """
    policy = json.loads(document) if isinstance(document, str) else document
    for statement in _as_list(policy.get("Statement", [])):
        if (
            statement.get("Effect") == "Allow"
            and _trusts_cognito_identity(statement)
            and _allows_web_identity(statement)
            and not _limits_audience(statement.get("Condition") or {})
        ):
            return ANY_IDENTITY_POOL
    return None


def _also_check(kind: str, ours_first: bool) -> Any:
    """Run moto's validator and ours; `ours_first` where ours has the observed message."""

    def make(original: Any) -> Any:
        def validate(validator: Any) -> None:
            if not ours_first:
                original(validator)
            try:
                parse_policy(validator._policy_document, kind)
            except MalformedPolicyDocument as malformed:
                raise exceptions.MalformedPolicyDocument(malformed.message) from None
            if ours_first:
                original(validator)
            problem = identity_pool_trust_problem(validator._policy_document) if kind == "trust" else None
            if problem is not None:
                raise exceptions.MalformedPolicyDocument(problem)

        return validate

    return make


def _validate_trust_on_create(original: Any) -> Any:
    def create_role(
        backend: Any, role_name: str, assume_role_policy_document: str, *args: Any, **kwargs: Any
    ) -> Any:
        from moto.iam.policy_validation import IAMTrustPolicyDocumentValidator

        IAMTrustPolicyDocumentValidator(assume_role_policy_document).validate()
        return original(backend, role_name, assume_role_policy_document, *args, **kwargs)

    return create_role


def _role_arn(original: Any) -> Any:
    def resolve(self: Any, role_name: str) -> str:
        found: str = original(self, role_name)
        if found != "*":
            return found
        path = self._get_param("Path") or "/"
        return f"arn:aws:iam::{self.current_account}:role{path}{role_name}"

    return resolve


def install(patches: Patches) -> None:
    from moto.iam.models import IAMBackend
    from moto.iam.policy_validation import IAMPolicyDocumentValidator, IAMTrustPolicyDocumentValidator
    from moto.iam.responses import IamResponse

    patches.wrap(IAMPolicyDocumentValidator, "validate", _also_check("identity", ours_first=False))
    # moto writes "Has prohibited field Resource." where IAM answers without the period.
    patches.wrap(IAMTrustPolicyDocumentValidator, "validate", _also_check("trust", ours_first=True))
    patches.wrap(IAMBackend, "create_role", _validate_trust_on_create)
    patches.wrap(IamResponse, "_resolve_resource_arn", _role_arn)
