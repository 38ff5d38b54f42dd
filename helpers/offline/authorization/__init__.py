"""Who is calling, and may they? IAM authorization for every request (moto's core/authorization).

moto's own check ignores conditions and policy variables, has no table ARN for DynamoDB and does
not know the lab administrator. `install` replaces its single entry point,
`ActionAuthenticatorMixin._authenticate_and_authorize_action`, with `authorize`, which:

1. lets the operations AWS serves without a signature through (sign-up, sign-in, GetId, ...:
   `signatures`);
2. refuses a missing credential, or one scoped to another service, and finds the caller from the
   access key: the lab administrator, an IAM user, or a temporary session (`callers`); then checks
   the signature with the caller's secret key (`signatures`);
3. for STS AssumeRole, asks the role's trust policy (`trust`);
4. builds the request AWS would evaluate: action, resource ARN(s) and the condition keys
   (`s3:prefix`, `dynamodb:LeadingKeys`, ...: `requestkeys`);
5. asks `iam.evaluate` and answers a denial in the service's own error shape (`exceptions`).

Every decision is kept in a short log so a notebook can ask *why* (`decisionlog`).

Two modes (`configure`): for the course, every request is authenticated and authorized, always.
For an existing moto test suite (`engine.install(moto_suite=True)`), enforcement follows moto's
own switch, as stock moto does: requests pass unchecked until `INITIAL_NO_AUTH_ACTION_COUNT` of
them have (moto's default: never checked; `set_initial_no_auth_action_count(0)` checks all), and
moto's default fake credentials act as the account administrator.
Sources: IAM User Guide reference_policies_evaluation-logic and troubleshoot_access-denied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import iam
from ..patching import Patches
from ..sts import assumerole, trust
from . import decisionlog, exceptions, requestkeys, signatures
from .callers import ADMIN_ACCESS_KEY_ID, ADMIN_SECRET_ACCESS_KEY, Caller, find_caller, set_administrators
from .decisionlog import ROUTES, recent_decisions

__all__ = [
    "ADMIN_ACCESS_KEY_ID",
    "ADMIN_SECRET_ACCESS_KEY",
    "ROUTES",
    "Caller",
    "authorize",
    "configure",
    "decide",
    "find_caller",
    "install",
    "recent_decisions",
    "reset",
]


_follow_motos_switch = False


def configure(*, moto_suite: bool) -> None:
    """Enforce always (the course), or as moto's own switch says (an existing moto suite)."""
    global _follow_motos_switch
    _follow_motos_switch = moto_suite
    set_administrators(with_motos_keys=moto_suite)


def _unchecked_as_moto_would() -> bool:
    """In a moto suite's mode: True (and counted, as moto counts) while moto checks nothing yet."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    if (
        not _follow_motos_switch
        or ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT
    ):
        return False
    ActionAuthenticatorMixin.request_count += 1
    return True


def authorize(response: Any, iam_request_cls: type, resource: str = "*") -> None:
    """Replacement for moto's `_authenticate_and_authorize_action`."""
    if _unchecked_as_moto_would():
        return
    service = signatures.called_service(response)
    scope = signatures.credential_scope(response)
    operation = requestkeys.operation(response, service)
    if signatures.is_public(service, operation):
        return
    if scope is None:
        raise exceptions.credential_error("unsigned", service)
    if scope[2] != service:
        raise exceptions.wrong_scope(service, scope[2])

    account_id = response.current_account
    caller = find_caller(account_id, scope[0], signatures.session_token(response), service)
    if "Authorization" in response.headers:  # presigned URLs carry no header to recompute
        signatures.check_signature(response, iam_request_cls, caller, scope)
    if (service, operation) == ("sts", "AssumeRole"):
        _check_trust(response, account_id, caller)
    if caller.kind == "administrator":
        return
    if operation == "GetCallerIdentity":  # AWS answers it whatever the policies say
        return

    action = requestkeys.action(service, operation, getattr(response, "method", ""))
    for target, keys in requestkeys.resources_and_keys(
        response, service, operation, resource, scope[1], account_id
    ):
        decision = decide(caller, action, target, scope[1], keys)
        refusal = None if decision.allowed else exceptions.access_denied(service, caller.arn, decision)
        decisionlog.record(caller, service, decision, refusal)
        if refusal is not None:
            raise refusal


def decide(
    caller: Caller, action: str, resource: str, region: str, keys: Mapping[str, Any] | None = None
) -> iam.Decision:
    """IAM's decision on `caller` performing `action` on `resource` in `region`: the caller's
    identity-based policies and session policies, with its session's request context (policy
    variables such as `${cognito-identity.amazonaws.com:sub}`), the global keys and `keys`.

    For every request moto answers (`authorize`) and for the ones the engine answers itself
    (API Gateway's `execute-api:Invoke`)."""
    session_policies = None
    if caller.session is not None and caller.session.session_policies is not None:
        session_policies = [iam.NamedPolicy(n, d) for n, d in caller.session.session_policies]
    context = dict(caller.context)
    context.update(requestkeys.global_keys(region))
    context.update(keys or {})
    return iam.evaluate(caller.policies, iam.Request(action, resource, context), session_policies)


def _check_trust(response: Any, account_id: str, caller: Caller) -> None:
    role_arn = response._get_param("RoleArn") or ""
    try:
        assumerole.check_trust(account_id, role_arn, caller.arn, assumerole.session_tags(response))
    except trust.TrustDenied:
        raise exceptions.trust_denied(caller.arn, role_arn) from None


def install(patches: Patches) -> None:
    from moto.core.authorization import ActionAuthenticatorMixin

    patches.replace(ActionAuthenticatorMixin, "_authenticate_and_authorize_action", authorize)


def reset() -> None:
    """Forget the logged decisions."""
    decisionlog.clear()
