"""The IAM policy evaluator: which statements apply to a request, and the verdict they give.

moto's own evaluator ignores conditions and policy variables, so per-user isolation
(``arn:aws:s3:::bucket/private/${cognito-identity.amazonaws.com:sub}/*``) silently allows
everything offline. This module decides the way AWS documents it and records *why* (each
statement's result, with variables filled in), so the course can show learners the statement,
the substituted ARN and each condition's outcome.

Sources (AWS IAM User Guide pages, by their URL slug):
- reference_policies_evaluation-logic: explicit Deny wins, otherwise an Allow is needed; session
  policies intersect with identity-based policies; a trust policy is a resource-based policy.
- reference_policies_elements_action / _resource / _principal.

Only the standard library is used, so it can be unit-tested without moto or boto3.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .conditions import (
    OPERATORS,
    SPECIAL_VARIABLES,
    VARIABLE,
    ConditionResult,
    ContextValue,
    Missing,
    Scope,
    Text,
    arn_like,
    describe_condition,
    display_text,
    evaluate_condition,
    joined,
    normalise_context,
    resolve,
    split_operator,
    variable_value,
    wildcard_regex,
)
from .policies import (
    ALLOW,
    EXPLICIT_DENY,
    IDENTITY_BASED,
    IMPLICIT_DENY,
    RESOURCE_BASED,
    SESSION,
    Decision,
    NamedPolicy,
    Policy,
    Request,
    Statement,
    StatementResult,
    canonical_principal,
    normalise_policy,
)
from .policytext import as_tuple, listed, principal_text

# The caller's principal (kind -> values), as a trust policy's Principal element is compared with it.
Principals = Mapping[str, tuple[str, ...]]


# --------------------------------------------------------------------------------------------
# Actions and resources (reference_policies_elements_action / _resource)
# --------------------------------------------------------------------------------------------


def _resource_matches(resource: str, pattern: Text) -> bool:
    # reference_policies_elements_resource: wildcards work within each ARN segment, and the
    # resource part may contain '/' and ':' which a '*' there spans.
    return arn_like(resource, pattern)


def _action_matches(action: str, pattern: str) -> bool:
    # Action names are case-insensitive (reference_policies_elements_action).
    return wildcard_regex(((pattern, True),), re.IGNORECASE).fullmatch(action) is not None


# --------------------------------------------------------------------------------------------
# Principals (reference_policies_elements_principal)
# --------------------------------------------------------------------------------------------


def _request_principal(principal: Mapping[str, str | Sequence[str]] | None) -> Principals:
    return {
        kind: tuple(canonical_principal(kind, value) for value in as_tuple(values))
        for kind, values in (principal or {}).items()
    }


def _principal_matches(policy: Mapping[str, tuple[str, ...]], caller: Principals) -> bool:
    if "*" in policy.get("AWS", ()):
        return True  # "*" and {"AWS": "*"} mean everyone, including federated callers
    return any(
        _principal_value_matches(kind, wanted, actual)
        for kind, wanted_values in policy.items()
        for wanted in wanted_values
        for actual in caller.get(kind, ())
    )


def _principal_value_matches(kind: str, wanted: str, actual: str) -> bool:
    if wanted == actual:
        return True
    if kind != "AWS":
        return False
    wanted_parts, actual_parts = wanted.split(":", 5), actual.split(":", 5)
    if len(wanted_parts) != 6 or len(actual_parts) != 6:
        return False
    same_account = wanted_parts[4] == actual_parts[4]
    if wanted_parts[5] == "root":
        return same_account  # an account principal covers every principal in that account
    # A role ARN also covers that role's sessions (arn:aws:sts::ACCT:assumed-role/NAME/SESSION).
    role_name = wanted_parts[5].rsplit("/", 1)[-1]
    return (
        same_account
        and wanted_parts[5].startswith("role/")
        and actual_parts[5].startswith(f"assumed-role/{role_name}/")
    )


# --------------------------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------------------------


def _evaluate_statement(
    policy: Policy,
    statement: Statement,
    request: Request,
    context: Mapping[str, ContextValue],
    caller: Principals | None,
) -> StatementResult:
    scope = Scope(context, policy.variables_enabled)
    action_matched, action_note = _match_actions(statement, request.action)
    resource_matched, resource_note, patterns, resource_missing = _match_resources(
        statement, request.resource, scope
    )
    principal_matched, principal_note = _match_principal(statement, caller)
    evaluated = [evaluate_condition(condition, scope) for condition in statement.conditions]
    conditions = tuple(result for result, _ in evaluated)
    conditions_matched = all(result.matched for result in conditions)
    applies = action_matched and resource_matched and principal_matched and conditions_matched
    failed = [(result, missing) for result, missing in evaluated if not result.matched]
    missed, missing_variable = None, None
    if not action_matched:
        missed, note = "action", action_note
    elif not resource_matched:
        missed, note, missing_variable = "resource", resource_note, resource_missing
    elif not principal_matched:
        missed, note = "principal", principal_note
    elif failed:
        missed, note, missing_variable = "condition", _condition_note(*failed[0]), failed[0][1]
    else:
        note = f"{statement.effect} applies: action, resource and conditions all match"
    return StatementResult(
        policy_name=policy.name,
        index=statement.index,
        sid=statement.sid,
        effect=statement.effect,
        _display=functools.partial(_display_statement, statement, scope),
        action_matched=action_matched,
        resource_matched=resource_matched,
        principal_matched=principal_matched,
        conditions=conditions,
        conditions_matched=conditions_matched,
        applies=applies,
        note=note,
        missed=missed,
        missing_variable=missing_variable,
        resource_patterns=patterns,
    )


def _match_actions(statement: Statement, action: str) -> tuple[bool, str]:
    hit = any(_action_matches(action, pattern) for pattern in statement.actions)
    if statement.not_action:
        return not hit, (f"NotAction {listed(statement.actions)} excludes {action}" if hit else "")
    return hit, ("" if hit else f"Action {action} is not in {listed(statement.actions)}")


def _match_resources(
    statement: Statement, resource: str, scope: Scope
) -> tuple[bool, str, tuple[str, ...], str | None]:
    """(matched, note, the patterns with variables filled in, a variable with no value)."""
    if statement.resources is None:
        return True, "", (), None  # trust policies name no resource: the role itself is implied
    patterns: list[Text] = []
    missing: list[str] = []
    for written in statement.resources:
        text = resolve(written, scope)
        if isinstance(text, Missing):
            missing.append(text.variable)  # an ARN with an unresolved variable matches nothing
        else:
            patterns.append(text)
    hit = any(_resource_matches(resource, pattern) for pattern in patterns)
    filled = tuple(joined(pattern) for pattern in patterns)
    shown = listed(filled)
    if statement.not_resource:
        return not hit, (f"NotResource {shown} excludes {resource}" if hit else ""), filled, None
    if hit:
        return True, "", filled, None
    if not patterns:
        note = f"variable {missing[0]} has no value, so the statement matches nothing"
        return False, note, filled, missing[0]
    return False, f"Resource {shown} does not match {resource}", filled, None


def _match_principal(statement: Statement, caller: Principals | None) -> tuple[bool, str]:
    if caller is None or statement.principals is None:
        return True, ""  # identity and session policies have no Principal element
    hit = _principal_matches(statement.principals, caller)
    wanted = principal_text(statement.principals)
    if statement.not_principal:
        return not hit, (f"NotPrincipal {wanted} excludes caller {principal_text(caller)}" if hit else "")
    return hit, ("" if hit else f"Principal {wanted} does not match caller {principal_text(caller)}")


def _condition_note(result: ConditionResult, missing: str | None) -> str:
    if missing:
        return (
            f"variable {missing} has no value, so condition {result.operator} on {result.key} does not match"
        )
    return f"Condition failed: {describe_condition(result)}"


def _display_statement(statement: Statement, scope: Scope) -> tuple[dict[str, Any], dict[str, str]]:
    """The statement as written with variables substituted where they have values, and those
    variables with their values."""
    shown = json.loads(json.dumps(statement.raw))
    variables: dict[str, str] = {}

    def _display(text: str, scope: Scope) -> str:
        if scope.variables_enabled:
            for match in VARIABLE.finditer(text):
                value = variable_value(match.group(1), scope.context)
                if value is not None and match.group(1) not in SPECIAL_VARIABLES:
                    variables[match.group(0)] = value
        return display_text(text, scope)

    for name in ("Resource", "NotResource"):
        if isinstance(shown.get(name), str):
            shown[name] = _display(shown[name], scope)
        elif isinstance(shown.get(name), list):
            shown[name] = [_display(item, scope) for item in shown[name]]
    for operator_name, block in shown.get("Condition", {}).items():
        parts = split_operator(operator_name)
        if parts is None or parts[1] == "Null" or not OPERATORS[parts[1]].variables:
            continue
        for key, value in block.items():
            if isinstance(value, str):
                block[key] = _display(value, scope)
            elif isinstance(value, list):
                block[key] = [_display(v, scope) if isinstance(v, str) else v for v in value]
    return shown, variables


# --------------------------------------------------------------------------------------------
# Decisions (reference_policies_evaluation-logic)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tally:
    """Statement results of one policy type, split by what they contribute."""

    policy_type: str
    evaluated: tuple[StatementResult, ...]

    @property
    def denies(self) -> tuple[StatementResult, ...]:
        return tuple(r for r in self.evaluated if r.applies and r.effect == "Deny")

    @property
    def allows(self) -> tuple[StatementResult, ...]:
        return tuple(r for r in self.evaluated if r.applies and r.effect == "Allow")


def _tally(
    policies: Sequence[NamedPolicy], kind: str, policy_type: str, request: Request, caller: Principals | None
) -> _Tally:
    context = normalise_context(request.context)
    results = tuple(
        _evaluate_statement(policy, statement, request, context, caller)
        for policy in (normalise_policy(p, kind) for p in policies)
        for statement in policy.statements
    )
    return _Tally(policy_type, results)


def _decide(primary: _Tally, session: _Tally | None) -> tuple[str, str, tuple[StatementResult, ...]]:
    """(effect, deciding policy type, deciding statements)."""
    session_denies = session.denies if session else ()
    session_allows = session.allows if session else ()
    # Without session policies there is no intersection to take, so they never restrict.
    session_permits = session is None or bool(session_allows)
    match (bool(primary.denies), bool(session_denies), bool(primary.allows), session_permits):
        case (True, _, _, _):
            # An explicit Deny in the principal's own policies overrides every Allow.
            return EXPLICIT_DENY, primary.policy_type, primary.denies + session_denies
        case (False, True, _, _):
            # An explicit Deny in a session policy overrides every Allow too.
            return EXPLICIT_DENY, SESSION, session_denies
        case (False, False, False, _):
            # Nothing in the principal's policies allows it: denied by default.
            return IMPLICIT_DENY, primary.policy_type, ()
        case (False, False, True, False):
            # Identity policies allow it but no session policy does: the intersection is empty.
            return IMPLICIT_DENY, SESSION, ()
        case _:
            # Allowed by the principal's policies and, when present, by a session policy.
            return ALLOW, primary.policy_type, primary.allows + session_allows


def evaluate(
    policies: Sequence[NamedPolicy],
    request: Request,
    session_policies: Sequence[NamedPolicy] | None = None,
) -> Decision:
    """Decide ``request`` against a principal's identity-based policies (inline and managed).

    With ``session_policies`` (even an empty list) the effective permissions are the
    intersection: identity policies must allow and at least one session policy must allow.
    An explicit Deny anywhere wins. Invalid documents raise :class:`MalformedPolicyDocument`.
    """
    identity = _tally(policies, "identity", IDENTITY_BASED, request, None)
    session = None
    if session_policies is not None:
        session = _tally(session_policies, "session", SESSION, request, None)
    effect, policy_type, deciding = _decide(identity, session)
    session_results = session.evaluated if session else ()
    evaluated = identity.evaluated + session_results
    return Decision(effect, request, deciding, evaluated, policy_type, session_results)


def evaluate_trust(trust_policy: NamedPolicy, request: Request) -> Decision:
    """Decide whether ``request.principal`` may perform ``request.action`` (for example
    ``sts:AssumeRoleWithWebIdentity``) on the role whose trust policy this is."""
    caller = _request_principal(request.principal)
    trust = _tally([trust_policy], "trust", RESOURCE_BASED, request, caller)
    effect, policy_type, deciding = _decide(trust, None)
    return Decision(effect, request, deciding, trust.evaluated, policy_type)


# --------------------------------------------------------------------------------------------
# Near misses (what `decisions.explain` shows for an implicit deny)
# --------------------------------------------------------------------------------------------


def closest_statements(decision: Decision, limit: int = 3) -> tuple[StatementResult, ...]:
    """For an implicit deny, the Allow statements of the policy type that failed that came
    nearest to applying (equally near, in evaluation order); () otherwise."""
    if decision.effect != IMPLICIT_DENY:
        return ()
    session = decision._session_results
    side = (
        session
        if decision.policy_type == SESSION
        else decision.evaluated[: len(decision.evaluated) - len(session)]
    )
    candidates = [result for result in side if result.effect == "Allow"]
    if not candidates:
        return ()
    best = max(_closeness(result) for result in candidates)
    return tuple(r for r in candidates if _closeness(r) == best)[:limit]


def _closeness(result: StatementResult) -> int:
    """Rank near misses: the right action matters most, then the resource, then the rest."""
    return (
        4 * result.action_matched
        + 2 * result.resource_matched
        + result.principal_matched
        + sum(condition.matched for condition in result.conditions)
    )
