"""IAM policies as data: the documents, IAM's validation of them, and the verdict's data model.

`parse_policy` refuses a malformed document with IAM's own MalformedPolicyDocument message (as
CreatePolicy, PutRolePolicy and CreateRole do), and a document IAM accepts is read once into the
normalised model the evaluator walks (`evaluator`). The public types (`Request`, `NamedPolicy`,
`StatementResult`, `Decision`) are what the evaluator answers with and `decisions` records.

Sources (AWS IAM User Guide pages, by their URL slug): reference_policies_grammar,
reference_policies_elements_version / _statement / _sid / _effect / _action / _resource /
_principal / _condition; the MalformedPolicyDocument messages' sources are listed with them below.

Only the standard library is used, so the evaluator can be unit-tested without moto or boto3.
That is also why `MalformedPolicyDocument` here is a plain exception carrying IAM's message, not
an HTTP error: the same check serves IAM (CreateRole, PutRolePolicy, ...) and STS (a session
policy passed to AssumeRoleWithWebIdentity), and each answers it in its own shape
(`iam.exceptions`, the STS errors).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from .conditions import Condition, ConditionResult, as_list, parse_date, split_operator, stringify
from .policytext import as_tuple

ALLOW = "Allow"
EXPLICIT_DENY = "ExplicitDeny"
IMPLICIT_DENY = "ImplicitDeny"

# The kinds of policy a decision names (the words AWS uses in its AccessDenied messages).
IDENTITY_BASED = "identity-based"
SESSION = "session"
RESOURCE_BASED = "resource-based"

_VARIABLES_VERSION = "2012-10-17"
_VERSIONS = ("2012-10-17", "2008-10-17")

Document = dict[str, Any]  # a policy document as JSON reads it

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
    document: str | Mapping[str, Any]


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
    _display: Callable[[], tuple[dict[str, Any], dict[str, str]]] = field(
        repr=False, compare=False, default=lambda: ({}, {})
    )

    @functools.cached_property
    def _shown(self) -> tuple[dict[str, Any], dict[str, str]]:
        return self._display()

    @property
    def statement(self) -> dict[str, Any]:
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


def parse_policy(document: str | Mapping[str, Any], kind: str = "identity") -> Document:
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
    return cast(Document, policy)  # _check_syntax made sure it is a JSON object


def _load_json(document: str | Mapping[str, Any]) -> object:
    # A Mapping is round-tripped through JSON so non-JSON values are rejected the same way
    # text would be, and the caller's object is never aliased.
    try:
        text = document if isinstance(document, str) else json.dumps(document)
        return json.loads(text, parse_constant=_reject_constant)
    except (TypeError, ValueError, RecursionError) as exc:
        raise MalformedPolicyDocument(_INVALID_JSON) from exc


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _check_syntax(policy: object) -> list[Document]:
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
        if block and split_operator(operator_name) is None:
            raise MalformedPolicyDocument(_SYNTAX)
        for value in block.values():
            values = value if isinstance(value, list) else [value]
            if not all(_is_scalar(item) for item in values):
                raise MalformedPolicyDocument(_SYNTAX)


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | bool | int | float)


def _check_legacy_parsing(statements: list[Document]) -> None:
    """IAM's older parser is case-sensitive about Effect and strict about dates."""
    for statement in statements:
        if statement["Effect"] not in ("Allow", "Deny"):
            raise MalformedPolicyDocument(_LEGACY)
        for operator_name, block in statement.get("Condition", {}).items():
            parts = split_operator(operator_name)
            if parts is None or not parts[1].startswith("Date"):
                continue
            for value in block.values():
                if any(parse_date(stringify(v)) is None for v in as_list(value)):
                    raise MalformedPolicyDocument(_LEGACY)


def _check_unique_sids(statements: list[Document]) -> None:
    sids = [statement["Sid"] for statement in statements if statement.get("Sid")]
    if len(sids) != len(set(sids)):
        raise MalformedPolicyDocument(_DUPLICATE_SID)


def _has_elements(statement: Document, *names: str) -> bool:
    # An empty list counts as missing; an empty string is present (and fails a later check).
    return any(name in statement and statement[name] != [] for name in names)


def _check_resource_formats(statements: list[Document]) -> None:
    for statement in statements:
        for name in ("Resource", "NotResource"):
            for resource in as_list(statement.get(name, [])):
                if resource != "*" and ":" not in resource:
                    raise MalformedPolicyDocument(f'Resource {resource} must be in ARN format or "*".')


def _check_trust_statements(statements: list[Document]) -> None:
    for statement in statements:
        for name in ("Resource", "NotResource"):
            if name in statement:
                # Seen verbatim (no trailing period) in CreateRole errors; NotResource by analogy.
                raise MalformedPolicyDocument(f"Has prohibited field {name}")
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise MalformedPolicyDocument(_NO_PRINCIPALS)


def _check_permission_statements(statements: list[Document]) -> None:
    for statement in statements:
        if "Principal" in statement or "NotPrincipal" in statement:
            raise MalformedPolicyDocument(_HAS_PRINCIPAL)
        if not _has_elements(statement, "Resource", "NotResource"):
            raise MalformedPolicyDocument(_NO_RESOURCES)


def _check_action_vendors(statements: list[Document]) -> None:
    for statement in statements:
        for action in as_list(statement.get("Action", statement.get("NotAction", []))):
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
class Statement:
    """One statement of a policy IAM accepted, read once for evaluation."""

    index: int
    sid: str | None
    effect: str
    raw: Mapping[str, Any]  # as written (explanations show it, variables filled in)
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...] | None  # None in trust policies, which have no Resource element
    not_resource: bool
    principals: Mapping[str, tuple[str, ...]] | None  # None when no principal is evaluated
    not_principal: bool
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Policy:
    name: str
    variables_enabled: bool
    statements: tuple[Statement, ...]


def normalise_policy(policy: NamedPolicy, kind: str) -> Policy:
    """The policy read for evaluation; an invalid document raises MalformedPolicyDocument."""
    if isinstance(policy.document, str):
        return _normalise_text(policy.name, policy.document, kind)
    return _normalise_document(policy.name, parse_policy(policy.document, kind))


@functools.lru_cache(maxsize=1024)
def _normalise_text(name: str, text: str, kind: str) -> Policy:
    """Parsing dominates a decision's cost, and a role's policies rarely change."""
    return _normalise_document(name, parse_policy(text, kind))


def _normalise_document(name: str, document: Document) -> Policy:
    raw = document["Statement"]
    statements = [raw] if isinstance(raw, dict) else raw
    return Policy(
        name=name,
        # Variables exist only in policy language 2012-10-17; otherwise "${...}" is literal text.
        variables_enabled=document.get("Version") == _VARIABLES_VERSION,
        statements=tuple(_normalise_statement(i, s) for i, s in enumerate(statements)),
    )


def _normalise_statement(index: int, statement: Mapping[str, Any]) -> Statement:
    principal_field = "NotPrincipal" if "NotPrincipal" in statement else "Principal"
    resource_field = "NotResource" if "NotResource" in statement else "Resource"
    has_resources = resource_field in statement
    return Statement(
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


def _normalise_principal(principal: str | Mapping[str, Any]) -> Mapping[str, tuple[str, ...]]:
    # "Principal": "*" and {"AWS": "*"} are equivalent (reference_policies_elements_principal).
    if principal == "*":
        return {"AWS": ("*",)}
    assert not isinstance(principal, str)  # parse_policy allows no other string
    return {
        kind: tuple(canonical_principal(kind, value) for value in as_tuple(values))
        for kind, values in principal.items()
    }


def canonical_principal(kind: str, value: str) -> str:
    # A bare account id is shorthand for that account's root ARN.
    if kind == "AWS" and re.fullmatch(r"\d{12}", value):
        return f"arn:aws:iam::{value}:root"
    return value


def _normalise_conditions(condition: Mapping[str, Any]) -> tuple[Condition, ...]:
    result = []
    for operator_name, block in condition.items():
        parts = split_operator(operator_name)
        if parts is None:
            continue  # only reachable for an empty block, which IAM accepts and ignores
        qualifier, base, if_exists = parts
        for key, value in block.items():
            values = tuple(stringify(item) for item in as_list(value))
            result.append(Condition(operator_name, qualifier, base, if_exists, key, values))
    return tuple(result)


def _article(policy_type: str) -> str:
    return "an" if policy_type[0] in "aeiou" else "a"
