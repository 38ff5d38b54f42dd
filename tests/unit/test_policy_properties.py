"""Property tests for helpers.offline.iam: robustness and the safety invariants of
reference_policies_evaluation-logic (no Allow without an applying Allow statement; an explicit
Deny always wins; nothing is allowed by default)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.offline import iam
from helpers.offline.iam import decisions

FAST = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

STATEMENT_FIELDS = [
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
]
OPERATOR_NAMES = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
]

# --------------------------------------------------------------------------------------------
# Garbage documents
# --------------------------------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["*", "Allow", "Deny", "allow", "s3:GetObject", "arn:aws:s3:::b/*", "2012-10-17", "${"])
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)
operator_names = st.builds(
    lambda qualifier, name, suffix: qualifier + name + suffix,
    st.sampled_from(["", "ForAllValues:", "ForAnyValue:", "ForAnyValue::", "Bogus:"]),
    st.sampled_from([*OPERATOR_NAMES, "StringEqualz", ""]),
    st.sampled_from(["", "IfExists"]),
)
condition_like = st.dictionaries(
    operator_names, st.dictionaries(st.text(max_size=8), json_values, max_size=2) | json_scalars, max_size=3
)
statement_like = st.dictionaries(
    st.sampled_from([*STATEMENT_FIELDS, "Bogus"]),
    json_values | condition_like | st.sampled_from(["*", {"AWS": "123456789012"}, {"Federated": "x"}]),
    max_size=7,
)
document_like = st.dictionaries(
    st.sampled_from(["Version", "Id", "Statement", "Extra"]),
    st.sampled_from(["2012-10-17", "2008-10-17", "2013-01-01"])
    | json_values
    | statement_like
    | st.lists(statement_like, max_size=3),
    max_size=4,
)
garbage = st.one_of(
    st.text(max_size=40),
    json_values,
    document_like,
    document_like.map(json.dumps),
    document_like.map(lambda d: json.dumps(d)[:-1]),  # truncated JSON text
)


# --------------------------------------------------------------------------------------------
# Valid policies and random requests
# --------------------------------------------------------------------------------------------

ACTIONS = ["s3:GetObject", "s3:Get*", "s3:*", "*", "dynamodb:Query", "dynamodb:?etItem", "s3:PutObject"]
RESOURCES = [
    "*",
    "arn:aws:s3:::notes/*",
    "arn:aws:s3:::notes/private/${cognito-identity.amazonaws.com:sub}/*",
    "arn:aws:s3:::b/${aws:PrincipalTag/dept, 'none'}/*",
    "arn:aws:s3:::b/${*}",
    "arn:aws:dynamodb:*:*:table/Notes",
    "arn:aws:s3:::my.bucket/?",
]
KEYS = [
    "s3:prefix",
    "aws:username",
    "aws:PrincipalTag/dept",
    "dynamodb:LeadingKeys",
    "cognito-identity.amazonaws.com:amr",
    "aws:SourceIp",
    "aws:CurrentTime",
    "aws:SecureTransport",
    "s3:max-keys",
]
VALUES_BY_FAMILY = {
    "String": ["a", "home/*", "${aws:username}", "${cognito-identity.amazonaws.com:sub}", "", "${?}"],
    "Numeric": ["1", "10", 5, "abc"],
    "Date": ["2020-01-01T00:00:00Z", "1577836800", "2021-06-30"],
    "Bool": ["true", "false", True],
    "Binary": ["QmluYXJ5VmFsdWU=", "@@"],
    "Ip": ["203.0.113.0/24", "2001:db8::/32", "10.0.0.1"],
    "Arn": ["arn:aws:iam::123456789012:role/*", "*", "arn:aws:s3:::${aws:username}"],
    "Null": ["true", "false"],
}


def condition_entry(name: str) -> st.SearchStrategy:
    """One (operator, {key: values}) pair whose values suit the operator, so the policy parses."""
    family = next(prefix for prefix in VALUES_BY_FAMILY if prefix in name.replace("NotIp", "Ip"))
    values = st.sampled_from(VALUES_BY_FAMILY[family])
    operator = st.builds(
        lambda qualifier, suffix: qualifier + name + suffix,
        st.sampled_from(["", "ForAllValues:", "ForAnyValue:"]),
        st.just("") if name == "Null" else st.sampled_from(["", "IfExists"]),
    )
    block = st.dictionaries(
        st.sampled_from(KEYS), values | st.lists(values, min_size=1, max_size=2), min_size=1, max_size=1
    )
    return st.tuples(operator, block)


conditions = st.lists(st.one_of([condition_entry(name) for name in OPERATOR_NAMES]), max_size=2).map(dict)


def names(pool: list[str]) -> st.SearchStrategy:
    return st.sampled_from(pool) | st.lists(st.sampled_from(pool), min_size=1, max_size=2)


def statements(
    effects: tuple[str, ...] = ("Allow", "Deny"),
    actions: list[str] = ACTIONS,
    action_fields: tuple[str, ...] = ("Action", "NotAction"),
) -> st.SearchStrategy:
    def build(
        effect: str, action_field: str, action: object, resource_field: str, resource: object, condition: dict
    ) -> dict:
        statement = {"Effect": effect, action_field: action, resource_field: resource}
        if condition:
            statement["Condition"] = condition
        return statement

    return st.builds(
        build,
        st.sampled_from(effects),
        st.sampled_from(action_fields),
        names(actions),
        st.sampled_from(["Resource", "NotResource"]),
        names(RESOURCES),
        conditions,
    )


def named_policies(statement_strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(
        st.builds(
            lambda stmts, version: iam.NamedPolicy("p", {"Version": version, "Statement": stmts}),
            st.lists(statement_strategy, min_size=1, max_size=3),
            st.sampled_from(["2012-10-17", "2008-10-17"]),
        ),
        max_size=2,
    )


def mutate(document: dict, field: str, value: object, delete: bool) -> dict:
    statement = document["Statement"][0]
    if delete:
        statement.pop(field, None)
    else:
        statement[field] = value
    return document


# Valid documents with one statement field removed or replaced, to reach the later checks.
mutated_documents = st.builds(
    mutate,
    st.builds(
        lambda stmts, version: {"Version": version, "Statement": stmts},
        st.lists(statements(), min_size=1, max_size=2),
        st.sampled_from(["2012-10-17", "2008-10-17"]),
    ),
    st.sampled_from(STATEMENT_FIELDS),
    json_values | condition_like | st.sampled_from(["*", "allow", "s3", "a:b:c", [], {"AWS": "*"}]),
    st.booleans(),
)


@FAST
@given(document=garbage | mutated_documents, kind=st.sampled_from(["identity", "trust", "session"]))
def test_parse_policy_only_raises_malformed_policy_document(document: object, kind: str) -> None:
    """Whatever the input, IAM answers with MalformedPolicyDocument, never a crash; and whatever
    parses, evaluates."""
    try:
        iam.parse_policy(document, kind)
    except iam.MalformedPolicyDocument as exc:
        assert str(exc) == exc.message
        assert exc.message
        return
    # Whatever IAM accepts must also evaluate and explain without error.
    named = iam.NamedPolicy("fuzzed", document)
    request = iam.Request("s3:GetObject", "arn:aws:s3:::b/k", {"aws:username": "a"}, {"AWS": "123456789012"})
    decision = iam.evaluate_trust(named, request) if kind == "trust" else iam.evaluate([named], request)
    assert decisions.explain(decisions.record_of(decision))


context_values = (
    st.none()
    | st.booleans()
    | st.integers(-5, 20)
    | st.sampled_from(["a", "home/x", "us-east-1:alice", "203.0.113.7", "2020-01-01T00:00:00Z", "true", "*"])
    | st.lists(st.sampled_from(["a", "authenticated", "us-east-1:alice"]), max_size=3)
)
requests = st.builds(
    iam.Request,
    action=st.sampled_from(
        ["s3:GetObject", "s3:PutObject", "dynamodb:GetItem", "dynamodb:Scan", "sts:AssumeRole"]
    ),
    resource=st.sampled_from(
        [
            "*",
            "arn:aws:s3:::notes/private/us-east-1:alice/x",
            "arn:aws:s3:::b/none/k",
            "arn:aws:s3:::b/*",
            "arn:aws:dynamodb:us-east-1:123456789012:table/Notes",
            "arn:aws:s3:::my.bucket/a",
        ]
    ),
    context=st.dictionaries(
        st.sampled_from([*KEYS, "cognito-identity.amazonaws.com:sub"]), context_values, max_size=5
    ),
)


@FAST
@given(policies=named_policies(statements()), request=requests, with_session=st.booleans())
def test_evaluate_never_raises_and_allow_needs_an_applying_allow(
    policies: list[iam.NamedPolicy], request: iam.Request, with_session: bool
) -> None:
    """Valid policies always evaluate; an Allow is always backed by applying Allow statements
    (reference_policies_evaluation-logic) and explain() always renders."""
    for named in policies:
        iam.parse_policy(named.document)
    decision = iam.evaluate(policies, request, policies[:1] if with_session else None)
    assert decision.effect in (iam.ALLOW, iam.EXPLICIT_DENY, iam.IMPLICIT_DENY)
    if decision.allowed:
        assert decision.deciding
        assert all(r.applies and r.effect == "Allow" for r in decision.deciding)
        assert not any(r.applies and r.effect == "Deny" for r in decision.evaluated)
    assert decisions.explain(decisions.record_of(decision))


@FAST
@given(policies=named_policies(statements(effects=("Deny",))), request=requests)
def test_deny_only_policies_never_allow(policies: list[iam.NamedPolicy], request: iam.Request) -> None:
    """reference_policies_evaluation-logic: without an Allow statement nothing is allowed."""
    assert not iam.evaluate(policies, request).allowed


@FAST
@given(
    policies=named_policies(
        statements(actions=["svc:Read", "svc:Write*", "other:?"], action_fields=("Action",))
    ),
    request=requests,
)
def test_policies_without_the_action_never_allow(
    policies: list[iam.NamedPolicy], request: iam.Request
) -> None:
    """No statement names the requested action, so nothing can allow it."""
    assert not iam.evaluate(policies, request).allowed


@FAST
@given(request=requests)
def test_no_policies_is_implicit_deny(request: iam.Request) -> None:
    """reference_policies_evaluation-logic: requests are implicitly denied by default."""
    decision = iam.evaluate([], request)
    assert decision.effect == iam.IMPLICIT_DENY
    assert decision.denial_reason() == f"because no identity-based policy allows the {request.action} action"


@FAST
@given(policies=named_policies(statements()), request=requests)
def test_deny_everything_always_wins(policies: list[iam.NamedPolicy], request: iam.Request) -> None:
    """reference_policies_evaluation-logic: an explicit Deny overrides any Allow."""
    deny_all = iam.NamedPolicy(
        "deny-all",
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]},
    )
    decision = iam.evaluate([*policies, deny_all], request)
    assert decision.effect == iam.EXPLICIT_DENY
    assert any(r.policy_name == "deny-all" for r in decision.deciding)
