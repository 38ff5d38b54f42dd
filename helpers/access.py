"""Who may do what: run real calls as each principal and collect the outcomes, with the why.

Notebook 04 writes its calls out (`operations(s3, dynamodb, me)` returns them by column name);
`run_matrix` makes every call with each principal's own credentials and records what AWS
answered: allowed, or denied with AWS's error code and message. The *why* comes from the offline
AWS, which keeps every IAM decision as a record (`helpers.offline.DecisionRecord`: the
deciding or nearest statements with their variables filled in, the conditions, the reason; in the
kernel from `recent_decisions`, at a local endpoint from `GET /_lab/decisions`). The course reads
the record's fields. Real AWS says only allowed or denied (and, in its message, which kind of
policy failed to allow it); the statement-level why is available offline only.

Identity ids are replaced by names (`<Alice's identity id>`) in everything printed, so the output
reads well and is the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import requests
from botocore.exceptions import ClientError

from helpers.lab import AWS, ENDPOINT, Lab
from helpers.offline import EXPLICIT_DENY, DecisionRecord, StatementRecord, explain, recent_decisions

ALLOWED, DENIED = "✓", "✗"
# What S3 and DynamoDB answer when IAM says no; any other error came after IAM said yes.
DENIAL_CODES = {"AccessDenied", "AccessDeniedException"}
OFFLINE_ONLY = "AWS doesn't say which statement; the offline lab does"

# (s3 client, dynamodb client, the principal's identity id) -> {column name: the call to make}
Operations = Callable[[Any, Any, str], Mapping[str, Callable[[], Any]]]

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

    @property
    def placeholder(self) -> str:
        """How printed output names this principal's identity id."""
        return f"<{self.name}'s identity id>"


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


# --- making names of ids ------------------------------------------------------------------------


def name_ids(text: str, principals: Sequence[Principal]) -> str:
    """`text` with each principal's identity id replaced by its placeholder."""
    for principal in principals:
        text = text.replace(principal.identity_id, principal.placeholder)
    return text


def _short_arn(arn: str) -> str:
    """An ARN as a reader says it: `private/<id>/note.txt`, `table/notes`, `bucket notes`."""
    service, _, rest = arn.removeprefix("arn:aws:").partition(":")
    if service == "s3":
        bucket, _, key = rest.removeprefix("::").partition("/")
        return key if key else f"bucket {bucket}"
    if service == "dynamodb":
        return rest.split(":", 2)[-1]  # region:account:table/notes -> table/notes
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
    lab: Lab, principal: Principal, operation: str, call: Callable[[], Any], named: Sequence[Principal]
) -> Outcome:
    """Make one call as `principal`; AWS's answer, and the offline AWS's reason for it."""
    key = principal.credentials["AccessKeyId"]
    before = _newest_decision(lab, key)
    code = message = None
    try:
        call()
    except ClientError as error:
        details = error.response.get("Error", {})
        code, message = details.get("Code", "Unknown"), name_ids(details.get("Message", ""), named)
    after = _newest_decision(lab, key)
    fresh = after is not None and (before is None or after.sequence != before.sequence)
    explanation = reason = None
    decision = after if fresh else None
    if decision is not None:
        explanation = name_ids(explain(decision), named)
        reason = name_ids(short_reason(decision), named)
    elif code is not None:
        reason = _aws_reason(message or "")
    else:
        reason = f"allowed ({OFFLINE_ONLY})" if lab.backend == AWS else "allowed"
    allowed = code not in DENIAL_CODES
    return Outcome(principal.name, operation, allowed, code, message, explanation, reason, decision)


@dataclass
class Matrix:
    """Every (principal, operation) outcome, in the order the calls were made."""

    principals: list[Principal]
    operations: list[str]
    roles: dict[str, str]  # principal name -> the role its credentials act as
    outcomes: dict[tuple[str, str], Outcome]
    backend: str

    def outcome(self, principal: str, operation: str) -> Outcome:
        return self.outcomes[(principal, operation)]

    def with_rows_of(self, newer: Matrix) -> Matrix:
        """This matrix with the rows `newer` has (some principals, the same columns) replaced."""
        outcomes = dict(self.outcomes)
        outcomes.update(newer.outcomes)
        return Matrix(self.principals, self.operations, {**self.roles, **newer.roles}, outcomes, self.backend)

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
                print(f"  {mark} {operation:<{width}}  {said}")
        if self.backend == AWS:
            print(f"\nReal AWS: {OFFLINE_ONLY}; run the notebook offline to see each statement.")

    def explain(self, principal: str, operation: str) -> None:
        """The full why of one cell: AWS's error, then the offline AWS's explanation."""
        outcome = self.outcome(principal, operation)
        print(f"{principal}, {operation}: " + ("allowed" if outcome.allowed else "denied"))
        if outcome.code:
            print(f"AWS said: {outcome.code}: {outcome.message}")
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


def run_matrix(
    lab: Lab, principals: Sequence[Principal], operations: Operations, named: Sequence[Principal] = ()
) -> Matrix:
    """Make every call of `operations` as every principal, each with their own credentials.

    Identity ids of `principals` and of `named` (others the calls mention) print as names.
    """
    outcomes: dict[tuple[str, str], Outcome] = {}
    roles: dict[str, str] = {}
    labels: list[str] = []
    for principal in principals:
        s3, dynamodb = _client(lab, principal, "s3"), _client(lab, principal, "dynamodb")
        caller = _client(lab, principal, "sts").get_caller_identity()["Arn"]
        roles[principal.name] = caller.split("/")[1]  # arn:aws:sts::<account>:assumed-role/<role>/<session>
        calls = operations(s3, dynamodb, principal.identity_id)
        labels = labels or list(calls)
        for label, call in calls.items():
            outcomes[(principal.name, label)] = attempt(lab, principal, label, call, [*principals, *named])
    return Matrix(list(principals), labels, roles, outcomes, lab.backend)


def why(lab: Lab, principal: Principal, named: Sequence[Principal] = ()) -> None:
    """Print the offline AWS's explanation of `principal`'s most recent call."""
    decision = _newest_decision(lab, principal.credentials["AccessKeyId"])
    if decision is None:
        print(f"({OFFLINE_ONLY}.)")
        return
    print(name_ids(explain(decision), [principal, *named]))
