"""Who may do what: run real calls as each principal and collect the outcomes, with the why.

Notebook 04 writes its calls out (`operations(s3, dynamodb, me)` returns them by column name);
`run_matrix` makes every call with each principal's own credentials and records what AWS
answered: allowed, or denied with AWS's error code and message. The *why* comes from the offline
AWS, which keeps every IAM decision as a record (`helpers.offline.DecisionRecord`: the
deciding or nearest statements with their variables filled in, the conditions, the reason; in the
kernel from `recent_decisions`, at a local endpoint from `GET /_lab/decisions`). The course reads
the record's fields. Real AWS says only allowed or denied (and, in its message, which kind of
policy failed to allow it); the statement-level why is available offline only.

A column can also be an HTTP request to an API Gateway invoke URL (notebook 11): the call returns
the `requests.Response`, 2xx is allowed, anything else refused with API Gateway's `x-amzn-ErrorType`
and message. Its why comes from the same decision record when IAM decided (an AWS_IAM method signed
with the principal's credentials), and otherwise from the offline AWS's invocation log
(`recent_invocations`, `GET /_lab/invocations`): the authorizer's decision and reason, or why the
integration failed, found by the request id API Gateway sent back. Fields are read, never text.

Identity ids and user pool `sub`s are replaced by names (`<Alice's identity id>`, `<Alice's sub>`)
in everything printed, and so are the ids a run names (`aliases`, e.g. an API's id), so the output
reads well and is the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests
from botocore.exceptions import ClientError

from helpers import errors, tokens
from helpers.lab import AWS, ENDPOINT, Lab
from helpers.offline import (
    EXPLICIT_DENY,
    DecisionRecord,
    StatementRecord,
    explain,
    recent_decisions,
    recent_invocations,
)

ALLOWED, DENIED = "✓", "✗"
# What S3 and DynamoDB answer when IAM says no; any other error came after IAM said yes.
DENIAL_CODES = {"AccessDenied", "AccessDeniedException"}
OFFLINE_ONLY = "AWS doesn't say which statement; the offline lab does"

# (s3 client, dynamodb client, the principal's identity id) -> {column name: the call to make}
Operations = Callable[[Any, Any, str], Mapping[str, Callable[[], Any]]]
# The principal -> {column name: the call to make}: a boto3 call, or an HTTP request whose
# `requests.Response` the call returns.
Calls = Callable[["Principal"], Mapping[str, Callable[[], Any]]]
# How a reason names the authorizer that decided an API call (its `authorizationType`).
_AUTHORIZERS = {
    "COGNITO_USER_POOLS": "the Cognito authorizer",
    "JWT": "the JWT authorizer",
    "AWS_IAM": "IAM",
    "TOKEN": "the Lambda authorizer",
    "REQUEST": "the Lambda authorizer",
    "CUSTOM": "the Lambda authorizer",
    "NONE": "no authorizer",
}

# The guest scope-down's two session policies (`helpers.policies.guest_scope_down`), named so that a
# reason says which part decided: AWS publishes the managed policy, not the inline list.
_SCOPE_DOWN_POLICIES = {
    "cognito-unauth-inline-scope-down": "the guest scope-down (its unpublished inline part)",
    "AmazonCognitoUnAuthedIdentitiesSessionPolicy": "the guest scope-down (AWS's published managed policy)",
}


@dataclass(frozen=True)
class Principal:
    """Someone holding identity pool credentials: a guest, Alice, Bob."""

    name: str
    identity_id: str
    credentials: Mapping[str, Any]
    tokens: Mapping[str, str] = field(
        default_factory=dict
    )  # user pool tokens ("id", "access"); a guest has none

    @property
    def placeholder(self) -> str:
        """How printed output names this principal's identity id."""
        return f"<{self.name}'s identity id>"

    @property
    def sub(self) -> str | None:
        """The user pool `sub` of the principal's ID token (None for a guest)."""
        return str(tokens.claims(self.tokens["id"])["sub"]) if "id" in self.tokens else None

    @property
    def sub_placeholder(self) -> str:
        """How printed output names this principal's user pool `sub`."""
        return f"<{self.name}'s sub>"


@dataclass(frozen=True)
class Outcome:
    """What happened when one principal made one call."""

    principal: str
    operation: str
    allowed: bool
    code: str | None  # AWS's error code, if it answered with one
    message: str | None  # AWS's error message, ids named
    explanation: str | None  # the offline AWS's full explanation, ids named (None on real AWS)
    reason: str  # one line: the deciding statement, or why none allowed it
    decision: DecisionRecord | None = None  # the offline AWS's decision, as data (None on real AWS)
    status: int | None = None  # an API call's HTTP status (None for a boto3 call)
    invocation: Mapping[str, Any] | None = None  # an API call's record in the offline invocation log


# --- making names of ids ------------------------------------------------------------------------


def name_ids(text: str, principals: Sequence[Principal], aliases: Mapping[str, str] | None = None) -> str:
    """`text` with each principal's identity id and user pool `sub` replaced by its placeholder,
    and each id in `aliases` by its name."""
    for principal in principals:
        text = text.replace(principal.identity_id, principal.placeholder)
        if principal.sub:
            text = text.replace(principal.sub, principal.sub_placeholder)
    for value, name in (aliases or {}).items():
        text = text.replace(value, name)
    return text


def _short_arn(arn: str) -> str:
    """An ARN as a reader says it: `private/<id>/note.txt`, `table/notes`, `bucket notes`."""
    service, _, rest = arn.removeprefix("arn:aws:").partition(":")
    if service == "s3":
        bucket, _, key = rest.removeprefix("::").partition("/")
        return key if key else f"bucket {bucket}"
    if service in ("dynamodb", "execute-api"):
        return rest.split(":", 2)[-1]  # region:account:table/notes -> table/notes, {api}/prod/GET/notes
    return arn


# --- the why, from the offline AWS's decision log ------------------------------------------------


def _newest_decision(lab: Lab, access_key_id: str) -> DecisionRecord | None:
    """The newest IAM decision recorded for these credentials (None on real AWS or if none)."""
    if lab.backend == AWS:
        return None
    if lab.backend == ENDPOINT:
        reply = requests.get(
            f"{lab.endpoint_url}/_lab/decisions",
            params={"access_key_id": access_key_id, "limit": "1"},
            timeout=10,
        )
        reply.raise_for_status()
        found = reply.json()
        return DecisionRecord.from_dict(found[0]) if found else None
    newest = recent_decisions(access_key_id, limit=1)
    return newest[0] if newest else None


def _invocation_for(lab: Lab, response: requests.Response) -> dict[str, Any] | None:
    """The offline invocation log's record of the request that got `response` (None on real AWS,
    or when API Gateway routed it nowhere): found by the request id API Gateway sent back."""
    if lab.backend == AWS:
        return None
    sent = {response.headers.get("x-amzn-RequestId"), response.headers.get("apigw-requestid")} - {None, ""}
    if not sent:
        return None
    if lab.backend == ENDPOINT:
        reply = requests.get(f"{lab.endpoint_url}/_lab/invocations", params={"limit": "20"}, timeout=10)
        reply.raise_for_status()
        records = reply.json()
    else:
        records = [record.to_dict() for record in recent_invocations(20)]
    ids = ("request_id", "extended_request_id")
    return next((record for record in records if {record.get(i) for i in ids} & sent), None)


def invocation_reason(record: Mapping[str, Any]) -> str:
    """One line from an invocation record: the authorizer's refusal and why, or why the integration
    failed, or who allowed it (the record's fields, as the offline AWS wrote them)."""
    authorization = record.get("authorization") or {}
    who = _AUTHORIZERS.get(str(authorization.get("authorization_type")), "the authorizer")
    if authorization.get("decision") == "Deny":
        return f"{who} refused: {authorization.get('reason')}"
    if int(record.get("status", 0)) >= 400:
        return str(record.get("reason"))
    return f"allowed by {who}: {authorization.get('reason')}"


def explain_invocation(record: Mapping[str, Any]) -> str:
    """The whole of an invocation record, a line for each stage: route, authorizer, integration."""
    route = record.get("route") or "no method or route"
    stage = record.get("stage") or "no stage"
    authorization = record.get("authorization") or {}
    lines = [
        f"API Gateway: {record.get('method')} {record.get('path')} -> stage {stage}, {route}: "
        f"{record.get('status')} {record.get('error_type') or 'OK'}."
    ]
    if authorization:
        kind = authorization.get("authorization_type")
        lines.append(f"Authorizer ({kind}): {authorization.get('decision')}: {authorization.get('reason')}.")
    if authorization.get("decision") != "Deny":
        lines.append(f"Then: {record.get('reason')}.")
    return "\n".join(lines)


# How a reason names a condition operator ("needs s3:prefix like private/<id>/*").
_OPERATOR_WORDS = {
    "StringEquals": "=",
    "StringLike": "like",
    "ForAllValues:StringEquals": "=",
    "ForAllValues:StringLike": "like",
    "ForAnyValue:StringEquals": "=",
    "ForAnyValue:StringLike": "like",
}


def _listed(values: Sequence[str]) -> str:
    """One value bare, several in brackets; ARNs as a reader says them."""
    shown = [_short_arn(value) for value in values]
    return shown[0] if len(shown) == 1 else "[" + ", ".join(shown) + "]"


def _label(statement: StatementRecord) -> str:
    if statement.policy_name in _SCOPE_DOWN_POLICIES:
        return _SCOPE_DOWN_POLICIES[statement.policy_name]
    return f"'{statement.sid}'" if statement.sid else f"policy '{statement.policy_name}'"


def _near_miss(statement: StatementRecord) -> str:
    """One statement's near miss, said shortly: what it needs, and what the request had."""
    who = _label(statement)
    condition = statement.failed_condition
    if condition is not None:
        word = _OPERATOR_WORDS.get(condition.operator, condition.operator)
        got = "none" if condition.request_values is None else _listed(condition.request_values)
        return f"{who} needs {condition.key} {word} {_listed(condition.policy_values)}; the request has {got}"
    if statement.missed == "resource" and not statement.missing_variable and not statement.not_resource:
        return f"{who} allows only {_listed(statement.resource_patterns)}"
    return f"{who}: {statement.note}"


def short_reason(decision: DecisionRecord) -> str:
    """A decision's gist in one line (ids as the decision has them, ARNs shortened).

    Allowed: the statements that allowed it. Denied: the nearest statement that has the right
    action (the resource or a condition didn't match), or that none even names the action.
    """
    if decision.allowed:
        return "allowed by " + " and ".join(dict.fromkeys(_label(s) for s in decision.deciding))
    if decision.effect == EXPLICIT_DENY:
        return "denied by " + " and ".join(dict.fromkeys(_label(s) for s in decision.deciding))
    nearest = decision.nearest
    if nearest is None:
        where = "no session policy" if decision.policy_type == "session" else "no statement"
        return f"{where} allows {decision.action} on {_short_arn(decision.resource)}"
    return _near_miss(nearest)


def _aws_reason(message: str) -> str:
    """Real AWS's own reason: the tail of its AccessDenied message (IAM UG troubleshoot_access-denied:
    "... because no <type> policy allows the <action> action" or "... with an explicit deny in ...")."""
    for marker in (" because no ", " with an explicit deny in "):
        if marker in message:
            return marker.strip() + " " + message.split(marker, 1)[1]
    return message


# --- running calls ---------------------------------------------------------------------------------


def attempt(
    lab: Lab,
    principal: Principal,
    operation: str,
    call: Callable[[], Any],
    named: Sequence[Principal],
    aliases: Mapping[str, str] | None = None,
) -> Outcome:
    """Make one call as `principal`; AWS's answer, and the offline AWS's reason for it.

    A boto3 call is refused when it raises AWS's AccessDenied(Exception); a call that returns a
    `requests.Response` (an API's invoke URL) when its status isn't 2xx.
    """
    key = principal.credentials["AccessKeyId"]
    before = _newest_decision(lab, key)
    code = message = result = None
    try:
        result = call()
    except ClientError as error:
        details = error.response.get("Error", {})
        code, message = details.get("Code", "Unknown"), details.get("Message", "")
    status = invocation = None
    if isinstance(result, requests.Response):
        status, invocation = result.status_code, _invocation_for(lab, result)
        code, message = errors.api_error(result)
    message = None if message is None else name_ids(message, named, aliases)
    after = _newest_decision(lab, key)
    fresh = after is not None and (before is None or after.sequence != before.sequence)
    explanation = reason = None
    decision = after if fresh else None
    if decision is not None:
        explanation = name_ids(explain(decision), named, aliases)
        reason = name_ids(short_reason(decision), named, aliases)
    elif invocation is not None:
        explanation = name_ids(explain_invocation(invocation), named, aliases)
        reason = name_ids(invocation_reason(invocation), named, aliases)
    elif code is not None:
        reason = _aws_reason(message or "")
    else:
        reason = f"allowed ({OFFLINE_ONLY})" if lab.backend == AWS else "allowed"
    allowed = result.ok if isinstance(result, requests.Response) else code not in DENIAL_CODES
    return Outcome(
        principal.name, operation, allowed, code, message, explanation, reason, decision, status, invocation
    )


@dataclass
class Matrix:
    """Every (principal, operation) outcome, in the order the calls were made."""

    principals: list[Principal]
    operations: list[str]
    roles: dict[str, str]  # principal name -> the role its credentials act as
    outcomes: dict[tuple[str, str], Outcome]
    backend: str
    aliases: dict[str, str] = field(default_factory=dict)  # other ids printed as names (an API's id)

    def outcome(self, principal: str, operation: str) -> Outcome:
        return self.outcomes[(principal, operation)]

    def with_rows_of(self, newer: Matrix) -> Matrix:
        """This matrix with the rows `newer` has (some principals, the same columns) replaced."""
        outcomes = dict(self.outcomes)
        outcomes.update(newer.outcomes)
        roles = {**self.roles, **newer.roles}
        return Matrix(self.principals, self.operations, roles, outcomes, self.backend, self.aliases)

    def pattern(self) -> dict[str, str]:
        """Principal → its row as ✓/✗ marks, in column order (for tests and quick looks)."""
        return {
            p.name: "".join(ALLOWED if self.outcome(p.name, o).allowed else DENIED for o in self.operations)
            for p in self.principals
        }

    def print(self) -> None:
        """The table (rows: principals; columns: operations), then each cell's code and reason."""
        heads = [_two_lines(name) for name in self.operations]
        rows = [
            [p.name, *(ALLOWED if self.outcome(p.name, o).allowed else DENIED for o in self.operations)]
            for p in self.principals
        ]
        _print_table(rows, [("", "who"), *heads])
        width = max(len(name) for name in self.operations)
        for principal in self.principals:
            print()
            print(f"{principal.name} (role {self.roles[principal.name]}, identity {principal.placeholder}):")
            for operation in self.operations:
                outcome = self.outcome(principal.name, operation)
                mark = ALLOWED if outcome.allowed else DENIED
                said = f"{outcome.code}: {outcome.reason}" if outcome.code else outcome.reason
                if outcome.status is not None:
                    said = f"{outcome.status} {said}"
                print(f"  {mark} {operation:<{width}}  {said}")
        if self.backend == AWS:
            print(f"\nReal AWS: {OFFLINE_ONLY}; run the notebook offline to see each statement.")

    def explain(self, principal: str, operation: str) -> None:
        """The full why of one cell: AWS's error, then the offline AWS's explanation."""
        outcome = self.outcome(principal, operation)
        print(f"{principal}, {operation}: " + ("allowed" if outcome.allowed else "denied"))
        status = f"HTTP {outcome.status} " if outcome.status is not None else ""
        if outcome.code:
            print(f"AWS said: {status}{outcome.code}: {outcome.message}")
        print(outcome.explanation or f"({OFFLINE_ONLY}.)")


def _two_lines(label: str) -> tuple[str, str]:
    """A column heading split over two lines at its middle space, to keep the table narrow."""
    words = label.split(" ")
    if len(words) == 1:
        return "", label
    cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(label) / 2))
    return " ".join(words[:cut]), " ".join(words[cut:])


def _print_table(rows: list[list[str]], heads: list[tuple[str, str]]) -> None:
    """Like `show.table`, with two-line headings."""
    widths = [max(len(heads[i][0]), len(heads[i][1]), *(len(r[i]) for r in rows)) for i in range(len(heads))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    print(line([h[0] for h in heads]))
    print(line([h[1] for h in heads]))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


# Making a boto3 client takes tens of milliseconds; a principal's are made once per kernel.
_clients: dict[tuple[str, str, str | None, str], Any] = {}


def _client(lab: Lab, principal: Principal, service: str) -> Any:
    """`lab.client_for(principal's credentials, service)`, made once."""
    key = (principal.credentials["AccessKeyId"], lab.region, lab.endpoint_url, service)
    if key not in _clients:
        _clients[key] = lab.client_for(principal.credentials, service)
    return _clients[key]


def run_calls(
    lab: Lab,
    principals: Sequence[Principal],
    calls: Calls,
    named: Sequence[Principal] = (),
    aliases: Mapping[str, str] | None = None,
) -> Matrix:
    """Make every call `calls(principal)` names, as every principal: boto3 calls with the
    principal's own clients, HTTP requests to an API as the principal (with its token, or signed
    with its credentials), in the order given.

    Identity ids and `sub`s of `principals` and of `named` (others the calls mention), and the ids
    in `aliases` ({id: name}), print as names.
    """
    outcomes: dict[tuple[str, str], Outcome] = {}
    roles: dict[str, str] = {}
    labels: list[str] = []
    for principal in principals:
        caller = _client(lab, principal, "sts").get_caller_identity()["Arn"]
        roles[principal.name] = caller.split("/")[1]  # arn:aws:sts::<account>:assumed-role/<role>/<session>
        made = calls(principal)
        labels = labels or list(made)
        for label, call in made.items():
            outcomes[(principal.name, label)] = attempt(
                lab, principal, label, call, [*principals, *named], aliases
            )
    return Matrix(list(principals), labels, roles, outcomes, lab.backend, dict(aliases or {}))


def run_matrix(
    lab: Lab, principals: Sequence[Principal], operations: Operations, named: Sequence[Principal] = ()
) -> Matrix:
    """Make every call of `operations` as every principal, each with their own credentials.

    Identity ids of `principals` and of `named` (others the calls mention) print as names.
    """

    def calls(principal: Principal) -> Mapping[str, Callable[[], Any]]:
        s3, dynamodb = _client(lab, principal, "s3"), _client(lab, principal, "dynamodb")
        return operations(s3, dynamodb, principal.identity_id)

    return run_calls(lab, principals, calls, named)


def why_api(
    lab: Lab,
    response: requests.Response,
    named: Sequence[Principal] = (),
    aliases: Mapping[str, str] | None = None,
) -> None:
    """Print the offline AWS's record of what API Gateway did with the request that got `response`:
    the route, the authorizer's decision and reason, and what happened next."""
    record = _invocation_for(lab, response)
    if record is not None:
        print(name_ids(explain_invocation(record), named, aliases))
    elif lab.backend == AWS:
        print(
            "(On AWS, API Gateway writes this to CloudWatch Logs when the stage's execution logging is on; "
            "the offline lab keeps its own record.)"
        )
    else:
        print("(API Gateway routed this request to no API: it kept no record.)")


def why(
    lab: Lab, principal: Principal, named: Sequence[Principal] = (), aliases: Mapping[str, str] | None = None
) -> None:
    """Print the offline AWS's explanation of `principal`'s most recent call."""
    decision = _newest_decision(lab, principal.credentials["AccessKeyId"])
    if decision is None:
        print(f"({OFFLINE_ONLY}.)")
        return
    print(name_ids(explain(decision), [principal, *named], aliases))


def reason(
    lab: Lab, principal: Principal, named: Sequence[Principal] = (), aliases: Mapping[str, str] | None = None
) -> str:
    """The one-line reason of `principal`'s most recent IAM decision (`short_reason`): the statement
    that decided, or the nearest one naming the action and what it needed, or that none names it."""
    decision = _newest_decision(lab, principal.credentials["AccessKeyId"])
    if decision is None:
        return f"({OFFLINE_ONLY}.)"
    return name_ids(short_reason(decision), [principal, *named], aliases)
