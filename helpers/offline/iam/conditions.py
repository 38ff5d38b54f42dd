"""The Condition element and policy variables: operators, `${...}` substitution, set logic.

The part of the policy language moto ignores and per-user isolation rests on: a Resource such as
``arn:aws:s3:::bucket/private/${cognito-identity.amazonaws.com:sub}/*`` and a condition such as
``ForAllValues:StringEquals dynamodb:LeadingKeys ${...:sub}`` must decide the way AWS documents.

Sources (AWS IAM User Guide pages, by their URL slug):
- reference_policies_elements_condition_operators: operator semantics, ``...IfExists``, ``Null``.
- reference_policies_condition-single-vs-multi-valued-context-keys and
  reference_policies_multi-value-conditions: ``ForAllValues`` / ``ForAnyValue``.
- reference_policies_variables: ``${...}`` substitution, defaults, ``${*}`` ``${?}`` ``${$}``.
- reference_policies_elements_resource: wildcards work within each ARN segment.

Only the standard library is used, so the evaluator can be unit-tested without moto or boto3.
"""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .policytext import listed


@dataclass(frozen=True)
class ConditionResult:
    """Outcome of one condition key under one operator."""

    operator: str
    key: str
    policy_values: tuple[str, ...]
    request_values: tuple[str, ...] | None
    matched: bool


@dataclass(frozen=True)
class Condition:
    """One key under one operator, as a statement's Condition block writes it."""

    operator: str  # as written, e.g. "ForAnyValue:StringLike"
    qualifier: str | None  # "ForAllValues" | "ForAnyValue" | None
    base: str  # e.g. "StringLike" or "Null"
    if_exists: bool
    key: str
    values: tuple[str, ...]


def describe_condition(result: ConditionResult) -> str:
    """One condition's outcome in a line, e.g. `StringLike s3:prefix [a/*]: request b/ -> did not match`."""
    request = "absent" if result.request_values is None else listed(result.request_values)
    outcome = "matched" if result.matched else "did not match"
    return f"{result.operator} {result.key} {listed(result.policy_values)}: request {request} -> {outcome}"


# --------------------------------------------------------------------------------------------
# Request context and policy variables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContextValue:
    values: tuple[str, ...]
    multivalued: bool


@dataclass(frozen=True)
class Scope:
    """What a statement is evaluated against: the request context and the variable switch."""

    context: Mapping[str, ContextValue]
    variables_enabled: bool


# A resolved policy string: (chunk, authored) pairs. Wildcards are live only in chunks the
# policy author wrote; values substituted from variables (and ${*} etc.) are always literal.
Text = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class Missing:
    variable: str  # as written, e.g. "${aws:PrincipalTag/department}"


VARIABLE = re.compile(r"\$\{([^}]*)\}")
_VARIABLE_BODY = re.compile(r"\s*([^,\s][^,]*?)\s*(?:,\s*'([^']*)'\s*)?")
SPECIAL_VARIABLES = ("*", "?", "$")


def normalise_context(context: Mapping[str, object]) -> dict[str, ContextValue]:
    normalised = {}
    for key, value in context.items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set | frozenset):
            normalised[key.lower()] = ContextValue(tuple(stringify(v) for v in value), True)
        else:
            normalised[key.lower()] = ContextValue((stringify(value),), False)
    return normalised


def resolve(text: str, scope: Scope) -> Text | Missing:
    """Substitute policy variables, or report the first one that has no value."""
    if not scope.variables_enabled:
        return ((text, True),)
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in VARIABLE.finditer(text):
        value = variable_value(match.group(1), scope.context)
        if value is None:
            return Missing(match.group(0))
        parts += [(text[position : match.start()], True), (value, False)]
        position = match.end()
    parts.append((text[position:], True))
    return tuple(part for part in parts if part[0])


def variable_value(body: str, context: Mapping[str, ContextValue]) -> str | None:
    if body in SPECIAL_VARIABLES:
        return body
    match = _VARIABLE_BODY.fullmatch(body)
    if match is None:
        return None
    key, default = match.groups()
    entry = context.get(key.lower())
    # A multivalued key cannot be used as a variable (reference_policies_condition-single-vs-
    # multi-valued-context-keys), so it counts as "no value" and the default, if any, applies.
    if entry is not None and not entry.multivalued:
        return entry.values[0]
    return default


def display_text(text: str, scope: Scope) -> str:
    """The string learners see: variables replaced where they resolve, left as written if not."""
    resolved = resolve(text, scope)
    return text if isinstance(resolved, Missing) else joined(resolved)


def joined(text: Text) -> str:
    return "".join(chunk for chunk, _ in text)


# --------------------------------------------------------------------------------------------
# Matching primitives
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def wildcard_regex(text: Text, flags: int = 0) -> re.Pattern[str]:
    """'*' matches any run of characters (including '/' and ':'), '?' exactly one; every other
    character, and everything substituted from a variable, is literal ('.' is not a wildcard)."""
    pieces: list[str] = []
    for chunk, authored in text:
        if not authored:
            pieces.append(re.escape(chunk))
            continue
        for char in chunk:
            if char == "*":
                if pieces[-1:] != [".*"]:  # collapsing runs of '*' keeps matching linear
                    pieces.append(".*")
            elif char == "?":
                pieces.append(".")
            else:
                pieces.append(re.escape(char))
    return re.compile("".join(pieces), flags | re.DOTALL)


def like(value: str, pattern: Text) -> bool:
    return wildcard_regex(pattern).fullmatch(value) is not None


def arn_like(value: str, pattern: Text) -> bool:
    """Each of the six colon-separated ARN parts is matched on its own, so '*' never crosses a
    ':' in the first five; the sixth (resource) part runs to the end, colons included."""
    pattern_parts = _split_text(pattern, ":", 5)
    value_parts = value.split(":", len(pattern_parts) - 1)
    return len(value_parts) == len(pattern_parts) and all(
        like(part, segment) for part, segment in zip(value_parts, pattern_parts, strict=True)
    )


def _split_text(text: Text, separator: str, maxsplit: int) -> list[Text]:
    """Split on separators the author wrote; substituted values never introduce a split."""
    segments: list[list[tuple[str, bool]]] = [[]]
    for chunk, authored in text:
        pieces = chunk.split(separator, maxsplit - len(segments) + 1) if authored else [chunk]
        segments[-1].append((pieces[0], authored))
        segments += [[(piece, authored)] for piece in pieces[1:]]
    return [tuple(segment) for segment in segments]


# --------------------------------------------------------------------------------------------
# Condition operators (reference_policies_elements_condition_operators)
# --------------------------------------------------------------------------------------------

Compare = Callable[[str, Text], bool]  # one request value against one policy value


@dataclass(frozen=True)
class Operator:
    compare: Compare
    negated: bool  # "Not" operators: true when the request value matches no policy value
    variables: bool  # variables are substituted only for string and ARN operators


def _equals(value: str, policy: Text) -> bool:
    return value == joined(policy)


def _equals_ignore_case(value: str, policy: Text) -> bool:
    return value.casefold() == joined(policy).casefold()


def _parse_number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_date(text: str) -> datetime | None:
    """ISO 8601 (date, or date and time with optional zone) or epoch seconds."""
    text = text.strip()
    try:
        if re.fullmatch(r"-?\d+", text):
            return datetime.fromtimestamp(int(text), tz=UTC)
        parsed = datetime.fromisoformat(text.upper())
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ordered(parse: Callable[[str], Any], relation: Callable[[Any, Any], bool]) -> Compare:
    def compare(value: str, policy: Text) -> bool:
        left, right = parse(value), parse(joined(policy))
        return left is not None and right is not None and relation(left, right)

    return compare


def _bool_equals(value: str, policy: Text) -> bool:
    return value.lower() == joined(policy).lower()


def _binary_equals(value: str, policy: Text) -> bool:
    """Both sides are base64 text; they match when they decode to the same bytes."""
    try:
        left = base64.b64decode(value, validate=True)
        right = base64.b64decode(joined(policy), validate=True)
    except (binascii.Error, ValueError):
        return False
    return left == right


def _in_network(value: str, policy: Text) -> bool:
    try:
        return ipaddress.ip_address(value.strip()) in ipaddress.ip_network(
            joined(policy).strip(), strict=False
        )
    except ValueError:
        return False


def _numeric(relation: Callable[[Any, Any], bool]) -> Compare:
    return _ordered(_parse_number, relation)


def _date(relation: Callable[[Any, Any], bool]) -> Compare:
    return _ordered(parse_date, relation)


OPERATORS: dict[str, Operator] = {
    "StringEquals": Operator(_equals, negated=False, variables=True),
    "StringNotEquals": Operator(_equals, negated=True, variables=True),
    "StringEqualsIgnoreCase": Operator(_equals_ignore_case, negated=False, variables=True),
    "StringNotEqualsIgnoreCase": Operator(_equals_ignore_case, negated=True, variables=True),
    "StringLike": Operator(like, negated=False, variables=True),
    "StringNotLike": Operator(like, negated=True, variables=True),
    "NumericEquals": Operator(_numeric(operator.eq), negated=False, variables=False),
    "NumericNotEquals": Operator(_numeric(operator.eq), negated=True, variables=False),
    "NumericLessThan": Operator(_numeric(operator.lt), negated=False, variables=False),
    "NumericLessThanEquals": Operator(_numeric(operator.le), negated=False, variables=False),
    "NumericGreaterThan": Operator(_numeric(operator.gt), negated=False, variables=False),
    "NumericGreaterThanEquals": Operator(_numeric(operator.ge), negated=False, variables=False),
    "DateEquals": Operator(_date(operator.eq), negated=False, variables=False),
    "DateNotEquals": Operator(_date(operator.eq), negated=True, variables=False),
    "DateLessThan": Operator(_date(operator.lt), negated=False, variables=False),
    "DateLessThanEquals": Operator(_date(operator.le), negated=False, variables=False),
    "DateGreaterThan": Operator(_date(operator.gt), negated=False, variables=False),
    "DateGreaterThanEquals": Operator(_date(operator.ge), negated=False, variables=False),
    "Bool": Operator(_bool_equals, negated=False, variables=False),
    "BinaryEquals": Operator(_binary_equals, negated=False, variables=False),
    "IpAddress": Operator(_in_network, negated=False, variables=False),
    "NotIpAddress": Operator(_in_network, negated=True, variables=False),
    # The guide: "ArnEquals and ArnLike behave identically" (both take wildcards per segment).
    "ArnEquals": Operator(arn_like, negated=False, variables=True),
    "ArnLike": Operator(arn_like, negated=False, variables=True),
    "ArnNotEquals": Operator(arn_like, negated=True, variables=True),
    "ArnNotLike": Operator(arn_like, negated=True, variables=True),
}


def split_operator(name: str) -> tuple[str | None, str, bool] | None:
    """Split 'ForAnyValue:StringLikeIfExists' into (qualifier, base, if_exists), or None."""
    qualifier, _, base = name.rpartition(":")
    if qualifier not in ("", "ForAllValues", "ForAnyValue"):
        return None
    if_exists = base.endswith("IfExists")
    if if_exists:
        base = base.removesuffix("IfExists")
    if base != "Null" and base not in OPERATORS:
        return None
    return (qualifier or None, base, if_exists)


def evaluate_condition(condition: Condition, scope: Scope) -> tuple[ConditionResult, str | None]:
    """Evaluate one key under one operator; also return the first variable with no value."""
    entry = scope.context.get(condition.key.lower())
    request_values = entry.values if entry else None
    if condition.base == "Null":
        # "true" asserts the key is absent, "false" that it is present.
        wanted = "true" if request_values is None else "false"
        matched = any(value.lower() == wanted for value in condition.values)
        return _condition_result(condition, condition.values, request_values, matched), None

    op = OPERATORS[condition.base]
    resolved: list[Text] = []
    shown: list[str] = []
    missing = None
    for value in condition.values:
        text = resolve(value, scope) if op.variables else ((value, True),)
        if isinstance(text, Missing):
            # A variable with no value is "effectively null": nothing equals or is like it.
            missing = missing or text.variable
            shown.append(value)
        else:
            resolved.append(text)
            shown.append(joined(text))
    matched = _apply_set_logic(condition, op, request_values, resolved)
    return _condition_result(condition, tuple(shown), request_values, matched), missing


def _apply_set_logic(
    condition: Condition,
    op: Operator,
    request_values: tuple[str, ...] | None,
    policy_values: list[Text],
) -> bool:
    """The one place that handles absent keys, multivalued keys, ForAllValues/ForAnyValue and
    ...IfExists (reference_policies_condition-single-vs-multi-valued-context-keys)."""

    def holds(value: str) -> bool:
        # Several policy values for one key are ORed; a negated operator holds only when the
        # request value matches none of them.
        hit = any(op.compare(value, policy) for policy in policy_values)
        return not hit if op.negated else hit

    values = request_values or ()
    if condition.qualifier == "ForAllValues":
        return all(holds(value) for value in values)  # vacuously true when absent or empty
    if condition.qualifier == "ForAnyValue":
        return any(holds(value) for value in values)  # false when absent or empty
    if not values:
        # Absent key: IfExists passes; negated operators pass; everything else fails.
        return condition.if_exists or op.negated
    # Unqualified operator on a multivalued key: not confirmed in the guide, which only says
    # such keys "require" a set operator. We treat it as "any value matches" (and, for negated
    # operators, "no value matches"), so a single-valued key behaves exactly as documented.
    return all(holds(v) for v in values) if op.negated else any(holds(v) for v in values)


def _condition_result(
    condition: Condition,
    policy_values: tuple[str, ...],
    request_values: tuple[str, ...] | None,
    matched: bool,
) -> ConditionResult:
    return ConditionResult(
        operator=condition.operator,
        key=condition.key,
        policy_values=policy_values,
        request_values=request_values,
        matched=matched,
    )


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]


def stringify(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
