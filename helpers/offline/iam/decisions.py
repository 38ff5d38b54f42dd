"""Why a request was allowed or denied, as data that travels from the IAM evaluator to the course.

The evaluator's verdict (`Decision`) holds live objects and fills policy variables in only
when asked. `record_of` turns it into a `DecisionRecord`: plain data (strings, numbers, lists and
dicts) with the deciding statements, the statements that came closest, each with its policy name,
Sid and the statement as IAM saw it (variables filled in, and which values were filled in), the
conditions and how each fared, the reason AWS gives in its message, and AWS's error code and
message when the request was refused. The same record is kept in the decision log, returned
in-process by `authorization.recent_decisions` and as JSON by the endpoint's `GET /_lab/decisions`
(`to_dict` / `from_dict`), so the course reads fields, never sentences.

`explain(record)` renders a record for people. Nothing parses what it writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .conditions import ConditionResult, describe_condition
from .evaluator import closest_statements
from .policies import ALLOW, EXPLICIT_DENY, Decision, StatementResult
from .policytext import as_tuple, listed, principal_text

__all__ = ["DecisionRecord", "StatementRecord", "explain", "record_of"]


@dataclass(frozen=True)
class StatementRecord:
    """One statement as the evaluator saw it for one request."""

    policy_name: str
    number: int  # its position in the policy, from 1 (what a reader counts when it has no Sid)
    sid: str | None
    effect: str  # "Allow" | "Deny"
    statement: dict[str, Any]  # as written, with policy variables filled in where they have values
    variables: dict[str, str]  # each variable it uses, as written -> the value filled in
    applies: bool
    # What kept it from applying, checked in this order: "action", "resource", "principal",
    # "condition"; None when it applies.
    missed: str | None
    missing_variable: str | None  # a variable with no value that made it miss
    resource_patterns: tuple[str, ...]  # its Resource / NotResource, variables filled in
    conditions: tuple[ConditionResult, ...]
    note: str  # the miss (or the match) in a sentence, for people

    @property
    def label(self) -> str:
        """How explanations name it: `statement 'OwnItems' in policy 'notes-access'`."""
        name = f"'{self.sid}'" if self.sid else f"#{self.number}"
        return f"statement {name} in policy '{self.policy_name}'"

    @property
    def failed_condition(self) -> ConditionResult | None:
        """The condition that did not match, when a condition (not a variable) is what missed."""
        if self.missed != "condition" or self.missing_variable is not None:
            return None
        return next((condition for condition in self.conditions if not condition.matched), None)

    @property
    def not_resource(self) -> bool:
        return "NotResource" in self.statement


@dataclass(frozen=True)
class DecisionRecord:
    """One IAM decision: the verdict, the statements behind it, and AWS's answer if it refused."""

    effect: str  # ALLOW | EXPLICIT_DENY | IMPLICIT_DENY
    action: str
    resource: str
    policy_type: str  # the kind of policy that decided: "identity-based", "session", ...
    reason: str  # the tail AWS puts in its AccessDenied message; "" when allowed
    deciding: tuple[StatementRecord, ...]  # the Allow (or Deny) statements that decided
    closest: tuple[StatementRecord, ...]  # implicit deny: the nearest Allow statements, in order
    principal_arn: str = ""
    access_key_id: str = ""
    service: str = ""
    error_code: str | None = None  # what AWS answered a refusal with
    error_message: str | None = None
    at: float = 0.0  # offline-clock time
    sequence: int = 0  # increases with every decision the log keeps; tells a new one from the last
    context: dict[str, Any] = field(default_factory=dict)  # the request's condition keys

    @property
    def allowed(self) -> bool:
        return self.effect == ALLOW

    @property
    def nearest(self) -> StatementRecord | None:
        """Of the closest statements that name the action, the one a reader means.

        They missed on the resource or a condition. Of several, the one whose resource pattern
        starts most like the request's resource ("only YOUR private folder").
        """
        named = [statement for statement in self.closest if statement.missed != "action"]
        if not named:
            return None
        return max(named, key=lambda statement: _likeness(statement, self.resource))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: what `GET /_lab/decisions` sends."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DecisionRecord:
        values = dict(data)
        for name in ("deciding", "closest"):
            values[name] = tuple(_statement_from_dict(item) for item in values.get(name, ()))
        return cls(**values)


def _statement_from_dict(data: Mapping[str, Any]) -> StatementRecord:
    values = dict(data)
    values["resource_patterns"] = tuple(values.get("resource_patterns", ()))
    values["conditions"] = tuple(
        ConditionResult(
            operator=c["operator"],
            key=c["key"],
            policy_values=tuple(c["policy_values"]),
            request_values=None if c["request_values"] is None else tuple(c["request_values"]),
            matched=c["matched"],
        )
        for c in values.get("conditions", ())
    )
    return StatementRecord(**values)


def _likeness(statement: StatementRecord, resource: str) -> int:
    if statement.missed != "resource" or statement.missing_variable or statement.not_resource:
        return 0
    return max((_common_prefix(pattern, resource) for pattern in statement.resource_patterns), default=0)


def _common_prefix(one: str, other: str) -> int:
    """How many leading characters two strings share (characters, not path segments)."""
    size = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        size += 1
    return size


def _statement_record(result: StatementResult) -> StatementRecord:
    return StatementRecord(
        policy_name=result.policy_name,
        number=result.index + 1,
        sid=result.sid,
        effect=result.effect,
        statement=result.statement,
        variables=dict(result.variables),
        applies=result.applies,
        missed=result.missed,
        missing_variable=result.missing_variable,
        resource_patterns=result.resource_patterns,
        conditions=result.conditions,
        note=result.note,
    )


def record_of(decision: Decision, **who: Any) -> DecisionRecord:
    """The record of `decision`; `who` adds the log's fields (principal_arn, error_code, ...)."""
    request = decision.request
    context = {
        key: (list(value) if isinstance(value, tuple | list) else value)
        for key, value in request.context.items()
    }
    return DecisionRecord(
        effect=decision.effect,
        action=request.action,
        resource=request.resource,
        policy_type=decision.policy_type,
        reason=decision.denial_reason(),
        deciding=tuple(_statement_record(result) for result in decision.deciding),
        closest=tuple(_statement_record(result) for result in closest_statements(decision)),
        context=context,
        **who,
    )


# --- for people ---------------------------------------------------------------------------------


def explain(record: DecisionRecord) -> str:
    """A few plain-English lines: the verdict, then the statements behind it. For an implicit
    deny, the closest Allow statements of the policy type that failed, and why each missed."""
    target = f"{record.action} on {record.resource}"
    if record.allowed:
        return "\n".join([f"ALLOWED: {target}.", *_statement_lines(record.deciding, "Allowed by")])
    lines = [f"DENIED: {target} {record.reason}."]
    if record.effect == EXPLICIT_DENY:
        return "\n".join(lines + _statement_lines(record.deciding, "Denied by"))
    if not record.closest:
        lines.append(f"No {record.policy_type} policy has an Allow statement for it.")
        return "\n".join(lines)
    lines.append("No statement allows it. Closest:")
    lines += [f"  - {statement.label}: {statement.note}." for statement in record.closest]
    return "\n".join(lines)


def _statement_lines(statements: Iterable[StatementRecord], verb: str) -> list[str]:
    lines = []
    for statement in statements:
        shown = statement.statement
        actions = listed(as_tuple(shown.get("Action", shown.get("NotAction"))))
        if "Resource" in shown or "NotResource" in shown:
            target = listed(as_tuple(shown.get("Resource", shown.get("NotResource"))))
        else:
            principal: Any = shown.get("Principal", shown.get("NotPrincipal"))
            target = f"the role for {principal_text({'AWS': '*'} if principal == '*' else principal)}"
        lines.append(f"{verb} {statement.label} ({statement.effect} {actions} on {target}).")
        lines += [f"  - {describe_condition(condition)}" for condition in statement.conditions]
    return lines
