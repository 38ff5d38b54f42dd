"""IAM: the policy language as AWS evaluates it, and IAM's hooks on moto.

The evaluator (`policies`, `conditions`, `evaluator`) and its records (`decisions`) use only the
standard library, so `helpers.offline.iam` imports without moto; the names below are its API
(`iam.Request`, `iam.evaluate`, ...). The modules that work on moto's IAM are imported by name:

* `models`: IAM's own checks on the policies it stores (CreateRole, PutRolePolicy, ...) and the
  role ARN it authorizes against;
* `propagation`: IAM's propagation delay, simulated on request;
* `principal_policies`: the policies IAM evaluates for a role or a user;
* `oidc_provider_registry`: IAM's OpenID Connect providers.
"""

from __future__ import annotations

from .conditions import ConditionResult, describe_condition
from .evaluator import closest_statements, evaluate, evaluate_trust
from .policies import (
    ALLOW,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    Decision,
    MalformedPolicyDocument,
    NamedPolicy,
    Request,
    StatementResult,
    parse_policy,
)

__all__ = [
    "ALLOW",
    "EXPLICIT_DENY",
    "IMPLICIT_DENY",
    "ConditionResult",
    "Decision",
    "MalformedPolicyDocument",
    "NamedPolicy",
    "Request",
    "StatementResult",
    "closest_statements",
    "describe_condition",
    "evaluate",
    "evaluate_trust",
    "parse_policy",
]
