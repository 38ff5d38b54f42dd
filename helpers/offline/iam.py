"""A faithful, pure-Python evaluator for IAM identity, session and trust policies.

moto's own evaluator ignores conditions and policy variables, so per-user isolation
(``arn:aws:s3:::bucket/private/${cognito-identity.amazonaws.com:sub}/*``) silently allows
everything offline. This module decides the way AWS documents it and records *why*, so the
course can show learners the statement, the substituted ARN and each condition's outcome.

Sources (AWS IAM User Guide pages, by their URL slug):
- reference_policies_evaluation-logic: explicit Deny wins, otherwise an Allow is needed; session
  policies intersect with identity-based policies.
- reference_policies_elements_action / _resource / _principal / _condition.
- reference_policies_elements_condition_operators: operator semantics, ``...IfExists``, ``Null``.
- reference_policies_condition-single-vs-multi-valued-context-keys and
  reference_policies_multi-value-conditions: ``ForAllValues`` / ``ForAnyValue``.
- reference_policies_variables: ``${...}`` substitution, defaults, ``${*}`` ``${?}`` ``${$}``.

Only the standard library is used so the module can be unit-tested without moto or boto3.
"""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
import json
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from .policytext import as_tuple, listed, principal_text

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

ALLOW = "Allow"
EXPLICIT_DENY = "ExplicitDeny"
IMPLICIT_DENY = "ImplicitDeny"

_IDENTITY = "identity-based"
_SESSION = "session"
_RESOURCE = "resource-based"

_VARIABLES_VERSION = "2012-10-17"
_VERSIONS = ("2012-10-17", "2008-10-17")


# --------------------------------------------------------------------------------------------
# Public data model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One authorisation question: may the caller perform ``action`` on ``resource``?

    ``context`` holds condition keys (case-insensitive names). A ``None`` value, like a missing
    key, means the key is absent from the request context. Lists/tuples are multivalued keys.
    ``principal`` is only consulted by :func:`evaluate_trust`.
    """

    action: str
    resource: str
    context: Mapping[str, object] = field(default_factory=dict)
    principal: Mapping[str, str | Sequence[str]] | None = None


@dataclass(frozen=True)
class NamedPolicy:
    """A policy document plus the name learners see in explanations."""

    name: str
    document: str | Mapping


@dataclass(frozen=True)
class ConditionResult:
    """Outcome of one condition key under one operator."""

    operator: str
    key: str
    policy_values: tuple[str, ...]
    request_values: tuple[str, ...] | None
    matched: bool


@dataclass(frozen=True)
class StatementResult:
    """How one statement fared against a request, with variables substituted for display."""

    policy_name: str
    index: int
    sid: str | None
    effect: str
    action_matched: bool
    resource_matched: bool
    principal_matched: bool
    conditions: tuple[ConditionResult, ...]
    conditions_matched: bool
    applies: bool
    note: str  # the miss (or match) said in a sentence, for people; nothing parses it
    # Which element kept the statement from applying, checked in this order: "action",
    # "resource", "principal", "condition"; None when it applies.
    missed: str | None = None
    # The policy variable with no value that made the statement (or its condition) miss.
    missing_variable: str | None = None
    # The Resource (or NotResource) patterns with variables filled in, as IAM compared them.
    resource_patterns: tuple[str, ...] = ()
    # Building the display copy is a third of a decision's cost and most decisions are never
    # explained, so it is made on first use of `statement` / `variables`.
    _display: Callable[[], tuple[dict, dict[str, str]]] = field(
        repr=False, compare=False, default=lambda: ({}, {})
    )

    @functools.cached_property
    def _shown(self) -> tuple[dict, dict[str, str]]:
        return self._display()

    @property
    def statement(self) -> dict:
        """The statement as written, with policy variables substituted where they have values."""
        return self._shown[0]

    @property
    def variables(self) -> dict[str, str]:
        """Each policy variable the statement uses, as written, and the value filled in for it."""
        return self._shown[1]


@dataclass(frozen=True)
class Decision:
    """The verdict, the statements that produced it, and everything that was looked at."""

    effect: str
    request: Request
    deciding: tuple[StatementResult, ...]
    evaluated: tuple[StatementResult, ...]
    policy_type: str
    # The session-policy tail of ``evaluated``, kept so explain() can tell the two sides apart.
    _session_results: tuple[StatementResult, ...] = field(default=(), repr=False, compare=False)

    @property
    def allowed(self) -> bool:
        return self.effect == ALLOW

    def denial_reason(self) -> str:
        """The tail AWS appends to AccessDenied messages, e.g. '... because no identity-based
        policy allows the s3:GetObject action'. Empty when the request is allowed."""
        if self.effect == EXPLICIT_DENY:
            return f"with an explicit deny in {_article(self.policy_type)} {self.policy_type} policy"
        if self.effect == IMPLICIT_DENY:
            return f"because no {self.policy_type} policy allows the {self.request.action} action"
        return ""


class MalformedPolicyDocument(Exception):
    """Raised with IAM's own MalformedPolicyDocument message text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------------------------
# Validation (IAM CreatePolicy / PutRolePolicy / CreateRole messages)
# --------------------------------------------------------------------------------------------

# Messages observed from IAM. Sources: AWS-validated localstack snapshot (invalid Json, 2023),
# GitHub issues quoting CLI output (principal, prohibited Resource, no principals), and moto's
# test table that was checked against IAM (syntax, legacy parsing, actions, resources, SIDs).
_INVALID_JSON = "This policy contains invalid Json"
_SYNTAX = "Syntax errors in policy."
_LEGACY = "The policy failed legacy parsing"
_DUPLICATE_SID = "Statement IDs (SID) in a single policy must be unique."
_NO_ACTIONS = "Policy statement must contain actions."
_NO_RESOURCES = "Policy statement must contain resources."
_HAS_PRINCIPAL = "Policy document should not specify a principal."
_NO_PRINCIPALS = (
    "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
    "The passed in policy has a statement with no principals!"
)
_NO_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
_TWO_COLONS = "Actions/Condition can contain only one colon."

_KINDS = ("identity", "trust", "session")
_TOP_LEVEL_FIELDS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_FIELDS = frozenset(
    {
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
    }
)
_PRINCIPAL_TYPES = frozenset({"AWS", "Federated", "Service", "CanonicalUser"})
_VENDOR = re.compile(r"[a-zA-Z0-9\-.]+")


def parse_policy(document: str | Mapping, kind: str = "identity") -> dict:
    """Validate a policy the way IAM does and return it as a fresh dict.

    ``kind`` is ``"identity"`` (CreatePolicy/PutRolePolicy), ``"session"`` (same grammar) or
    ``"trust"`` (CreateRole's AssumeRolePolicyDocument). Checks run in the order IAM appears to
    apply them, so a document with several faults reports the same fault IAM would.
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS}, not {kind!r}")
    policy = _load_json(document)
    statements = _check_syntax(policy)
    _check_legacy_parsing(statements)
    _check_unique_sids(statements)
    for statement in statements:
        if not _has_elements(statement, "Action", "NotAction"):
            raise MalformedPolicyDocument(_NO_ACTIONS)
    _check_resource_formats(statements)
    if kind == "trust":
        _check_trust_statements(statements)
    else:
        _check_permission_statements(statements)
    _check_action_vendors(statements)
    return policy


def _load_json(document: str | Mapping) -> dict:
    # A Mapping is round-tripped through JSON so non-JSON values are rejected the same way
    # text would be, and the caller's object is never aliased.
    try:
        text = document if isinstance(document, str) else json.dumps(document)
        return json.loads(text, parse_constant=_reject_constant)
    except (TypeError, ValueError, RecursionError) as exc:
        raise MalformedPolicyDocument(_INVALID_JSON) from exc


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _check_syntax(policy: object) -> list[dict]:
    """Structural checks; IAM answers all of them with the generic syntax message."""
    if not isinstance(policy, dict) or not set(policy) <= _TOP_LEVEL_FIELDS:
        raise MalformedPolicyDocument(_SYNTAX)
    # moto's IAM-verified table reports an unknown Version ("2013-10-17") as a syntax error;
    # some write-ups attribute "failed legacy parsing" to it instead. We follow moto's table.
    if "Version" in policy and policy["Version"] not in _VERSIONS:
        raise MalformedPolicyDocument(_SYNTAX)
    if "Id" in policy and not isinstance(policy["Id"], str):
        raise MalformedPolicyDocument(_SYNTAX)
    raw = policy.get("Statement")
    statements = [raw] if isinstance(raw, dict) else raw
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicyDocument(_SYNTAX)
    for statement in statements:
        _check_statement_syntax(statement)
    return statements


def _check_statement_syntax(statement: object) -> None:
    if not isinstance(statement, dict) or not set(statement) <= _STATEMENT_FIELDS:
        raise MalformedPolicyDocument(_SYNTAX)
    effect = statement.get("Effect")
    if not isinstance(effect, str) or effect.lower() not in ("allow", "deny"):
        raise MalformedPolicyDocument(_SYNTAX)
    for pair in (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal")):
        if all(name in statement for name in pair):
            raise MalformedPolicyDocument(_SYNTAX)
    for name in ("Action", "NotAction", "Resource", "NotResource"):
        if name in statement and not _is_string_or_strings(statement[name]):
            raise MalformedPolicyDocument(_SYNTAX)
    if "Sid" in statement and not isinstance(statement["Sid"], str):
        raise MalformedPolicyDocument(_SYNTAX)
    for name in ("Principal", "NotPrincipal"):
        if name in statement and not _is_principal(statement[name]):
            raise MalformedPolicyDocument(_SYNTAX)
    if "Condition" in statement:
        _check_condition_syntax(statement["Condition"])


def _is_string_or_strings(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    )


def _is_principal(value: object) -> bool:
    if value == "*":
        return True
    return (
        isinstance(value, dict)
        and bool(value)
        and all(kind in _PRINCIPAL_TYPES and _is_string_or_strings(v) for kind, v in value.items())
    )


def _check_condition_syntax(condition: object) -> None:
    if not isinstance(condition, dict):
        raise MalformedPolicyDocument(_SYNTAX)
    for operator_name, block in condition.items():
        if not isinstance(block, dict):
            raise MalformedPolicyDocument(_SYNTAX)
        # moto's IAM-verified table accepts an unknown operator whose block is empty.
        if block and _split_operator(operator_name) is None:
            raise MalformedPolicyDocument(_SYNTAX)
        for value in block.values():
            values = value if isinstance(value, list) else [value]
            if not all(_is_scalar(item) for item in values):
                raise MalformedPolicyDocument(_SYNTAX)


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | bool | int | float)


def _check_legacy_parsing(statements: list[dict]) -> None:
    """IAM's older parser is case-sensitive about Effect and strict about dates."""
    for statement in statements:
        if statement["Effect"] not in ("Allow", "Deny"):
            raise MalformedPolicyDocument(_LEGACY)
        for operator_name, block in statement.get("Condition", {}).items():
            parts = _split_operator(operator_name)
            if parts is None or not parts[1].startswith("Date"):
                continue
            for value in block.values():
                if any(_parse_date(_stringify(v)) is None for v in _as_list(value)):
                    raise MalformedPolicyDocument(_LEGACY)


def _check_unique_sids(statements: list[dict]) -> None:
    sids = [statement["Sid"] for statement in statements if statement.get("Sid")]
    if len(sids) != len(set(sids)):
        raise MalformedPolicyDocument(_DUPLICATE_SID)


def _has_elements(statement: dict, *names: str) -> bool:
    # An empty list counts as missing; an empty string is present (and fails a later check).
    return any(name in statement and statement[name] != [] for name in names)


def _check_resource_formats(statements: list[dict]) -> None:
    for statement in statements:
        for name in ("Resource", "NotResource"):
            for resource in _as_list(statement.get(name, [])):
                if resource != "*" and ":" not in resource:
                    raise MalformedPolicyDocument(f'Resource {resource} must be in ARN format or "*".')


def _check_trust_statements(statements: list[dict]) -> None:
    for statement in statements:
        for name in ("Resource", "NotResource"):
            if name in statement:
                # Seen verbatim (no trailing period) in CreateRole errors; NotResource by analogy.
                raise MalformedPolicyDocument(f"Has prohibited field {name}")
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise MalformedPolicyDocument(_NO_PRINCIPALS)


def _check_permission_statements(statements: list[dict]) -> None:
    for statement in statements:
        if "Principal" in statement or "NotPrincipal" in statement:
            raise MalformedPolicyDocument(_HAS_PRINCIPAL)
        if not _has_elements(statement, "Resource", "NotResource"):
            raise MalformedPolicyDocument(_NO_RESOURCES)


def _check_action_vendors(statements: list[dict]) -> None:
    for statement in statements:
        for action in _as_list(statement.get("Action", statement.get("NotAction", []))):
            vendor, *rest = action.split(":")
            if not rest and vendor != "*":
                raise MalformedPolicyDocument(_NO_VENDOR)
            if len(rest) > 1:
                raise MalformedPolicyDocument(_TWO_COLONS)
            if vendor != "*" and not _VENDOR.fullmatch(vendor):
                raise MalformedPolicyDocument(f"Vendor {vendor} is not valid")


# --------------------------------------------------------------------------------------------
# Normalised policy model (built once per document at the boundary)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Condition:
    operator: str  # as written, e.g. "ForAnyValue:StringLike"
    qualifier: str | None  # "ForAllValues" | "ForAnyValue" | None
    base: str  # e.g. "StringLike" or "Null"
    if_exists: bool
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class _Statement:
    index: int
    sid: str | None
    effect: str
    raw: Mapping
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...] | None  # None in trust policies, which have no Resource element
    not_resource: bool
    principals: Mapping[str, tuple[str, ...]] | None  # None when no principal is evaluated
    not_principal: bool
    conditions: tuple[_Condition, ...]


@dataclass(frozen=True)
class _Policy:
    name: str
    variables_enabled: bool
    statements: tuple[_Statement, ...]


def _normalise_policy(policy: NamedPolicy, kind: str) -> _Policy:
    if isinstance(policy.document, str):
        return _normalise_text(policy.name, policy.document, kind)
    return _normalise_document(policy.name, parse_policy(policy.document, kind))


@functools.lru_cache(maxsize=1024)
def _normalise_text(name: str, text: str, kind: str) -> _Policy:
    """Parsing dominates a decision's cost, and a role's policies rarely change."""
    return _normalise_document(name, parse_policy(text, kind))


def _normalise_document(name: str, document: dict) -> _Policy:
    raw = document["Statement"]
    statements = [raw] if isinstance(raw, dict) else raw
    return _Policy(
        name=name,
        # Variables exist only in policy language 2012-10-17; otherwise "${...}" is literal text.
        variables_enabled=document.get("Version") == _VARIABLES_VERSION,
        statements=tuple(_normalise_statement(i, s) for i, s in enumerate(statements)),
    )


def _normalise_statement(index: int, statement: Mapping) -> _Statement:
    principal_field = "NotPrincipal" if "NotPrincipal" in statement else "Principal"
    resource_field = "NotResource" if "NotResource" in statement else "Resource"
    has_resources = resource_field in statement
    return _Statement(
        index=index,
        sid=statement.get("Sid") or None,
        effect=statement["Effect"],
        raw=statement,
        actions=as_tuple(statement.get("Action", statement.get("NotAction"))),
        not_action="NotAction" in statement,
        resources=as_tuple(statement[resource_field]) if has_resources else None,
        not_resource=resource_field == "NotResource",
        principals=(
            _normalise_principal(statement[principal_field]) if principal_field in statement else None
        ),
        not_principal=principal_field == "NotPrincipal",
        conditions=_normalise_conditions(statement.get("Condition", {})),
    )


def _normalise_principal(principal: str | Mapping) -> Mapping[str, tuple[str, ...]]:
    # "Principal": "*" and {"AWS": "*"} are equivalent (reference_policies_elements_principal).
    if principal == "*":
        return {"AWS": ("*",)}
    return {
        kind: tuple(_canonical_principal(kind, value) for value in as_tuple(values))
        for kind, values in principal.items()
    }


def _canonical_principal(kind: str, value: str) -> str:
    # A bare account id is shorthand for that account's root ARN.
    if kind == "AWS" and re.fullmatch(r"\d{12}", value):
        return f"arn:aws:iam::{value}:root"
    return value


def _normalise_conditions(condition: Mapping) -> tuple[_Condition, ...]:
    result = []
    for operator_name, block in condition.items():
        parts = _split_operator(operator_name)
        if parts is None:
            continue  # only reachable for an empty block, which IAM accepts and ignores
        qualifier, base, if_exists = parts
        for key, value in block.items():
            values = tuple(_stringify(item) for item in _as_list(value))
            result.append(_Condition(operator_name, qualifier, base, if_exists, key, values))
    return tuple(result)


def _split_operator(name: str) -> tuple[str | None, str, bool] | None:
    """Split 'ForAnyValue:StringLikeIfExists' into (qualifier, base, if_exists), or None."""
    qualifier, _, base = name.rpartition(":")
    if qualifier not in ("", "ForAllValues", "ForAnyValue"):
        return None
    if_exists = base.endswith("IfExists")
    if if_exists:
        base = base.removesuffix("IfExists")
    if base != "Null" and base not in _OPERATORS:
        return None
    return (qualifier or None, base, if_exists)


# --------------------------------------------------------------------------------------------
# Request context and policy variables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ContextValue:
    values: tuple[str, ...]
    multivalued: bool


@dataclass(frozen=True)
class _Scope:
    """What a statement is evaluated against: the request context and the variable switch."""

    context: Mapping[str, _ContextValue]
    variables_enabled: bool


# A resolved policy string: (chunk, authored) pairs. Wildcards are live only in chunks the
# policy author wrote; values substituted from variables (and ${*} etc.) are always literal.
_Text = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class _Missing:
    variable: str  # as written, e.g. "${aws:PrincipalTag/department}"


_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_VARIABLE_BODY = re.compile(r"\s*([^,\s][^,]*?)\s*(?:,\s*'([^']*)'\s*)?")
_SPECIAL_VARIABLES = ("*", "?", "$")


def _normalise_context(context: Mapping[str, object]) -> dict[str, _ContextValue]:
    normalised = {}
    for key, value in context.items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set | frozenset):
            normalised[key.lower()] = _ContextValue(tuple(_stringify(v) for v in value), True)
        else:
            normalised[key.lower()] = _ContextValue((_stringify(value),), False)
    return normalised


def _resolve(text: str, scope: _Scope) -> _Text | _Missing:
    """Substitute policy variables, or report the first one that has no value."""
    if not scope.variables_enabled:
        return ((text, True),)
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        value = _variable_value(match.group(1), scope.context)
        if value is None:
            return _Missing(match.group(0))
        parts += [(text[position : match.start()], True), (value, False)]
        position = match.end()
    parts.append((text[position:], True))
    return tuple(part for part in parts if part[0])


def _variable_value(body: str, context: Mapping[str, _ContextValue]) -> str | None:
    if body in _SPECIAL_VARIABLES:
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


def _display_text(text: str, scope: _Scope) -> str:
    """The string learners see: variables replaced where they resolve, left as written if not."""
    resolved = _resolve(text, scope)
    return text if isinstance(resolved, _Missing) else _joined(resolved)


def _joined(text: _Text) -> str:
    return "".join(chunk for chunk, _ in text)


# --------------------------------------------------------------------------------------------
# Matching primitives
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _wildcard_regex(text: _Text, flags: int = 0) -> re.Pattern[str]:
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


def _like(value: str, pattern: _Text) -> bool:
    return _wildcard_regex(pattern).fullmatch(value) is not None


def _arn_like(value: str, pattern: _Text) -> bool:
    """Each of the six colon-separated ARN parts is matched on its own, so '*' never crosses a
    ':' in the first five; the sixth (resource) part runs to the end, colons included."""
    pattern_parts = _split_text(pattern, ":", 5)
    value_parts = value.split(":", len(pattern_parts) - 1)
    return len(value_parts) == len(pattern_parts) and all(
        _like(part, segment) for part, segment in zip(value_parts, pattern_parts, strict=True)
    )


def _split_text(text: _Text, separator: str, maxsplit: int) -> list[_Text]:
    """Split on separators the author wrote; substituted values never introduce a split."""
    segments: list[list[tuple[str, bool]]] = [[]]
    for chunk, authored in text:
        pieces = chunk.split(separator, maxsplit - len(segments) + 1) if authored else [chunk]
        segments[-1].append((pieces[0], authored))
        segments += [[(piece, authored)] for piece in pieces[1:]]
    return [tuple(segment) for segment in segments]


def _resource_matches(resource: str, pattern: _Text) -> bool:
    # reference_policies_elements_resource: wildcards work within each ARN segment, and the
    # resource part may contain '/' and ':' which a '*' there spans.
    return _arn_like(resource, pattern)


def _action_matches(action: str, pattern: str) -> bool:
    # Action names are case-insensitive (reference_policies_elements_action).
    return _wildcard_regex(((pattern, True),), re.IGNORECASE).fullmatch(action) is not None


# --------------------------------------------------------------------------------------------
# Condition operators (reference_policies_elements_condition_operators)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Operator:
    compare: Callable[[str, _Text], bool]  # one request value against one policy value
    negated: bool  # "Not" operators: true when the request value matches no policy value
    variables: bool  # variables are substituted only for string and ARN operators


def _equals(value: str, policy: _Text) -> bool:
    return value == _joined(policy)


def _equals_ignore_case(value: str, policy: _Text) -> bool:
    return value.casefold() == _joined(policy).casefold()


def _parse_number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _parse_date(text: str) -> datetime | None:
    """ISO 8601 (date, or date and time with optional zone) or epoch seconds."""
    text = text.strip()
    try:
        if re.fullmatch(r"-?\d+", text):
            return datetime.fromtimestamp(int(text), tz=UTC)
        parsed = datetime.fromisoformat(text.upper())
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ordered(parse: Callable[[str], object | None], relation: Callable) -> Callable:
    def compare(value: str, policy: _Text) -> bool:
        left, right = parse(value), parse(_joined(policy))
        return left is not None and right is not None and relation(left, right)

    return compare


def _bool_equals(value: str, policy: _Text) -> bool:
    return value.lower() == _joined(policy).lower()


def _binary_equals(value: str, policy: _Text) -> bool:
    """Both sides are base64 text; they match when they decode to the same bytes."""
    try:
        left = base64.b64decode(value, validate=True)
        right = base64.b64decode(_joined(policy), validate=True)
    except (binascii.Error, ValueError):
        return False
    return left == right


def _in_network(value: str, policy: _Text) -> bool:
    try:
        return ipaddress.ip_address(value.strip()) in ipaddress.ip_network(
            _joined(policy).strip(), strict=False
        )
    except ValueError:
        return False


def _numeric(relation: Callable) -> Callable[[str, _Text], bool]:
    return _ordered(_parse_number, relation)


def _date(relation: Callable) -> Callable[[str, _Text], bool]:
    return _ordered(_parse_date, relation)


_OPERATORS: dict[str, _Operator] = {
    "StringEquals": _Operator(_equals, negated=False, variables=True),
    "StringNotEquals": _Operator(_equals, negated=True, variables=True),
    "StringEqualsIgnoreCase": _Operator(_equals_ignore_case, negated=False, variables=True),
    "StringNotEqualsIgnoreCase": _Operator(_equals_ignore_case, negated=True, variables=True),
    "StringLike": _Operator(_like, negated=False, variables=True),
    "StringNotLike": _Operator(_like, negated=True, variables=True),
    "NumericEquals": _Operator(_numeric(operator.eq), negated=False, variables=False),
    "NumericNotEquals": _Operator(_numeric(operator.eq), negated=True, variables=False),
    "NumericLessThan": _Operator(_numeric(operator.lt), negated=False, variables=False),
    "NumericLessThanEquals": _Operator(_numeric(operator.le), negated=False, variables=False),
    "NumericGreaterThan": _Operator(_numeric(operator.gt), negated=False, variables=False),
    "NumericGreaterThanEquals": _Operator(_numeric(operator.ge), negated=False, variables=False),
    "DateEquals": _Operator(_date(operator.eq), negated=False, variables=False),
    "DateNotEquals": _Operator(_date(operator.eq), negated=True, variables=False),
    "DateLessThan": _Operator(_date(operator.lt), negated=False, variables=False),
    "DateLessThanEquals": _Operator(_date(operator.le), negated=False, variables=False),
    "DateGreaterThan": _Operator(_date(operator.gt), negated=False, variables=False),
    "DateGreaterThanEquals": _Operator(_date(operator.ge), negated=False, variables=False),
    "Bool": _Operator(_bool_equals, negated=False, variables=False),
    "BinaryEquals": _Operator(_binary_equals, negated=False, variables=False),
    "IpAddress": _Operator(_in_network, negated=False, variables=False),
    "NotIpAddress": _Operator(_in_network, negated=True, variables=False),
    # The guide: "ArnEquals and ArnLike behave identically" (both take wildcards per segment).
    "ArnEquals": _Operator(_arn_like, negated=False, variables=True),
    "ArnLike": _Operator(_arn_like, negated=False, variables=True),
    "ArnNotEquals": _Operator(_arn_like, negated=True, variables=True),
    "ArnNotLike": _Operator(_arn_like, negated=True, variables=True),
}


def _evaluate_condition(condition: _Condition, scope: _Scope) -> tuple[ConditionResult, str | None]:
    """Evaluate one key under one operator; also return the first variable with no value."""
    entry = scope.context.get(condition.key.lower())
    request_values = entry.values if entry else None
    if condition.base == "Null":
        # "true" asserts the key is absent, "false" that it is present.
        wanted = "true" if request_values is None else "false"
        matched = any(value.lower() == wanted for value in condition.values)
        return _condition_result(condition, condition.values, request_values, matched), None

    op = _OPERATORS[condition.base]
    resolved: list[_Text] = []
    shown: list[str] = []
    missing = None
    for value in condition.values:
        text = _resolve(value, scope) if op.variables else ((value, True),)
        if isinstance(text, _Missing):
            # A variable with no value is "effectively null": nothing equals or is like it.
            missing = missing or text.variable
            shown.append(value)
        else:
            resolved.append(text)
            shown.append(_joined(text))
    matched = _apply_set_logic(condition, op, request_values, resolved)
    return _condition_result(condition, tuple(shown), request_values, matched), missing


def _apply_set_logic(
    condition: _Condition,
    op: _Operator,
    request_values: tuple[str, ...] | None,
    policy_values: list[_Text],
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
    condition: _Condition,
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
# Principals (reference_policies_elements_principal)
# --------------------------------------------------------------------------------------------


def _request_principal(principal: Mapping[str, str | Sequence[str]] | None) -> dict:
    return {
        kind: tuple(_canonical_principal(kind, value) for value in as_tuple(values))
        for kind, values in (principal or {}).items()
    }


def _principal_matches(policy: Mapping[str, tuple[str, ...]], caller: Mapping) -> bool:
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
    policy: _Policy, statement: _Statement, request: Request, context: Mapping, caller: Mapping | None
) -> StatementResult:
    scope = _Scope(context, policy.variables_enabled)
    action_matched, action_note = _match_actions(statement, request.action)
    resource_matched, resource_note, patterns, resource_missing = _match_resources(
        statement, request.resource, scope
    )
    principal_matched, principal_note = _match_principal(statement, caller)
    evaluated = [_evaluate_condition(condition, scope) for condition in statement.conditions]
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


def _match_actions(statement: _Statement, action: str) -> tuple[bool, str]:
    hit = any(_action_matches(action, pattern) for pattern in statement.actions)
    if statement.not_action:
        return not hit, (f"NotAction {listed(statement.actions)} excludes {action}" if hit else "")
    return hit, ("" if hit else f"Action {action} is not in {listed(statement.actions)}")


def _match_resources(
    statement: _Statement, resource: str, scope: _Scope
) -> tuple[bool, str, tuple[str, ...], str | None]:
    """(matched, note, the patterns with variables filled in, a variable with no value)."""
    if statement.resources is None:
        return True, "", (), None  # trust policies name no resource: the role itself is implied
    patterns: list[_Text] = []
    missing: list[str] = []
    for written in statement.resources:
        text = _resolve(written, scope)
        if isinstance(text, _Missing):
            missing.append(text.variable)  # an ARN with an unresolved variable matches nothing
        else:
            patterns.append(text)
    hit = any(_resource_matches(resource, pattern) for pattern in patterns)
    filled = tuple(_joined(pattern) for pattern in patterns)
    shown = listed(filled)
    if statement.not_resource:
        return not hit, (f"NotResource {shown} excludes {resource}" if hit else ""), filled, None
    if hit:
        return True, "", filled, None
    if not patterns:
        note = f"variable {missing[0]} has no value, so the statement matches nothing"
        return False, note, filled, missing[0]
    return False, f"Resource {shown} does not match {resource}", filled, None


def _match_principal(statement: _Statement, caller: Mapping | None) -> tuple[bool, str]:
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


def _display_statement(statement: _Statement, scope: _Scope) -> tuple[dict, dict[str, str]]:
    """The statement as written with variables substituted where they have values, and those
    variables with their values."""
    shown = json.loads(json.dumps(statement.raw))
    variables: dict[str, str] = {}

    def _display(text: str, scope: _Scope) -> str:
        if scope.variables_enabled:
            for match in _VARIABLE.finditer(text):
                value = _variable_value(match.group(1), scope.context)
                if value is not None and match.group(1) not in _SPECIAL_VARIABLES:
                    variables[match.group(0)] = value
        return _display_text(text, scope)

    for name in ("Resource", "NotResource"):
        if isinstance(shown.get(name), str):
            shown[name] = _display(shown[name], scope)
        elif isinstance(shown.get(name), list):
            shown[name] = [_display(item, scope) for item in shown[name]]
    for operator_name, block in shown.get("Condition", {}).items():
        parts = _split_operator(operator_name)
        if parts is None or parts[1] == "Null" or not _OPERATORS[parts[1]].variables:
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
    policies: Sequence[NamedPolicy], kind: str, policy_type: str, request: Request, caller: Mapping | None
) -> _Tally:
    context = _normalise_context(request.context)
    results = tuple(
        _evaluate_statement(policy, statement, request, context, caller)
        for policy in (_normalise_policy(p, kind) for p in policies)
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
            return EXPLICIT_DENY, _SESSION, session_denies
        case (False, False, False, _):
            # Nothing in the principal's policies allows it: denied by default.
            return IMPLICIT_DENY, primary.policy_type, ()
        case (False, False, True, False):
            # Identity policies allow it but no session policy does: the intersection is empty.
            return IMPLICIT_DENY, _SESSION, ()
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
    identity = _tally(policies, "identity", _IDENTITY, request, None)
    session = None
    if session_policies is not None:
        session = _tally(session_policies, "session", _SESSION, request, None)
    effect, policy_type, deciding = _decide(identity, session)
    session_results = session.evaluated if session else ()
    evaluated = identity.evaluated + session_results
    return Decision(effect, request, deciding, evaluated, policy_type, session_results)


def evaluate_trust(trust_policy: NamedPolicy, request: Request) -> Decision:
    """Decide whether ``request.principal`` may perform ``request.action`` (for example
    ``sts:AssumeRoleWithWebIdentity``) on the role whose trust policy this is."""
    caller = _request_principal(request.principal)
    trust = _tally([trust_policy], "trust", _RESOURCE, request, caller)
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
        if decision.policy_type == _SESSION
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


def describe_condition(result: ConditionResult) -> str:
    """One condition's outcome in a line, e.g. `StringLike s3:prefix [a/*]: request b/ -> did not match`."""
    request = "absent" if result.request_values is None else listed(result.request_values)
    outcome = "matched" if result.matched else "did not match"
    return f"{result.operator} {result.key} {listed(result.policy_values)}: request {request} -> {outcome}"


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _article(policy_type: str) -> str:
    return "an" if policy_type[0] in "aeiou" else "a"


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


def _stringify(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
