"""Table-driven tests for helpers.offline.iam, each group following one AWS IAM User Guide page.

Page names are the URL slugs under https://docs.aws.amazon.com/IAM/latest/UserGuide/.
"""

from __future__ import annotations

import json

import pytest

from helpers.offline import iam
from helpers.offline.iam import decisions

ACCOUNT = "123456789012"
POOL = "us-east-1:11111111-2222-3333-4444-555555555555"
ALICE = "us-east-1:aaaaaaaa-0000-0000-0000-000000000001"
BOB = "us-east-1:bbbbbbbb-0000-0000-0000-000000000002"
SUB = "cognito-identity.amazonaws.com:sub"
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Notes"


def policy(
    *statements: dict, version: str | None = "2012-10-17", name: str = "test-policy"
) -> iam.NamedPolicy:
    document: dict = {"Statement": list(statements)}
    if version is not None:
        document["Version"] = version
    return iam.NamedPolicy(name, document)


def allow(action: str | list = "s3:GetObject", resource: str | list = "*", **extra: object) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str | list = "s3:GetObject", resource: str | list = "*", **extra: object) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def effect(statements: list[dict], action: str, resource: str, context: dict | None = None, **kw) -> str:
    request = iam.Request(action, resource, context or {})
    return iam.evaluate([policy(*statements, **kw)], request).effect


def condition_holds(condition: dict, context: dict) -> bool:
    """Whether a single Allow statement guarded by ``condition`` allows a request."""
    return effect([allow("svc:Act", "*", Condition=condition)], "svc:Act", "*", context) == iam.ALLOW


# ---------------------------------------------------------------------------------------------
# reference_policies_evaluation-logic
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        pytest.param([], iam.IMPLICIT_DENY, id="no-statements-implicit-deny"),
        pytest.param([allow()], iam.ALLOW, id="allow"),
        pytest.param([allow("s3:PutObject")], iam.IMPLICIT_DENY, id="other-action-implicit-deny"),
        pytest.param([allow(), deny()], iam.EXPLICIT_DENY, id="deny-beats-allow"),
        pytest.param([deny("s3:*"), allow()], iam.EXPLICIT_DENY, id="broad-deny-beats-specific-allow"),
        pytest.param([deny()], iam.EXPLICIT_DENY, id="deny-alone"),
        pytest.param([allow(), deny("s3:PutObject")], iam.ALLOW, id="unrelated-deny"),
    ],
)
def test_evaluation_logic(statements: list[dict], expected: str) -> None:
    """reference_policies_evaluation-logic: an explicit Deny in any applicable statement wins;
    otherwise an Allow is required; otherwise the request is implicitly denied."""
    policies = [policy(statement) for statement in statements]
    assert iam.evaluate(policies, iam.Request("s3:GetObject", "arn:aws:s3:::b/k")).effect == expected


def test_no_policies_is_implicit_deny() -> None:
    """reference_policies_evaluation-logic: by default all requests are implicitly denied."""
    decision = iam.evaluate([], iam.Request("s3:GetObject", "arn:aws:s3:::b/k"))
    assert decision.effect == iam.IMPLICIT_DENY
    assert decision.deciding == ()
    assert not decision.allowed


def test_explicit_deny_in_another_policy_wins() -> None:
    """reference_policies_evaluation-logic: a Deny in any one identity-based policy overrides an
    Allow in another."""
    decision = iam.evaluate(
        [policy(allow(), name="grants"), policy(deny(Sid="NoReads"), name="guardrail")],
        iam.Request("s3:GetObject", "arn:aws:s3:::b/k"),
    )
    assert decision.effect == iam.EXPLICIT_DENY
    assert [(r.policy_name, r.sid) for r in decision.deciding] == [("guardrail", "NoReads")]


# ---------------------------------------------------------------------------------------------
# reference_policies_elements_action / reference_policies_elements_notaction
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "action", "expected"),
    [
        pytest.param(allow("s3:GetObject"), "s3:getobject", iam.ALLOW, id="case-insensitive"),
        pytest.param(allow("S3:GETOBJECT"), "s3:GetObject", iam.ALLOW, id="case-insensitive-pattern"),
        pytest.param(allow("s3:Get*"), "s3:GetObjectAcl", iam.ALLOW, id="star-suffix"),
        pytest.param(allow("s3:*"), "s3:PutObject", iam.ALLOW, id="service-star"),
        pytest.param(allow("*"), "dynamodb:Query", iam.ALLOW, id="star-everything"),
        pytest.param(allow("s3:?etObject"), "s3:GetObject", iam.ALLOW, id="question-mark"),
        pytest.param(allow("s3:?etObject"), "s3:GGetObject", iam.IMPLICIT_DENY, id="question-mark-one-char"),
        pytest.param(allow("s3:Get*"), "s3:PutObject", iam.IMPLICIT_DENY, id="star-no-match"),
        pytest.param(allow(["s3:PutObject", "s3:GetObject"]), "s3:GetObject", iam.ALLOW, id="list"),
        pytest.param(
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            "s3:GetObject",
            iam.ALLOW,
            id="notaction-allow-matches-unlisted",
        ),
        pytest.param(
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            "iam:CreateUser",
            iam.IMPLICIT_DENY,
            id="notaction-allow-skips-listed",
        ),
        pytest.param(
            {"Effect": "Deny", "NotAction": ["s3:GetObject"], "Resource": "*"},
            "s3:DeleteObject",
            iam.EXPLICIT_DENY,
            id="notaction-deny-denies-unlisted",
        ),
    ],
)
def test_action_matching(statement: dict, action: str, expected: str) -> None:
    """reference_policies_elements_action: action names are case-insensitive and take * and ?
    wildcards; reference_policies_elements_notaction: NotAction matches every action not listed."""
    assert effect([statement], action, "arn:aws:s3:::b/k") == expected


# ---------------------------------------------------------------------------------------------
# reference_policies_elements_resource / reference_policies_elements_notresource
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "resource", "matches"),
    [
        pytest.param("arn:aws:s3:::notes/a.txt", "arn:aws:s3:::notes/a.txt", True, id="exact"),
        pytest.param("*", "arn:aws:s3:::notes/a.txt", True, id="star-alone"),
        pytest.param("*", "*", True, id="star-request-without-resource"),
        pytest.param("arn:aws:s3:::notes/*", "*", False, id="arn-vs-star-request"),
        pytest.param("arn:aws:s3:::notes/*", "arn:aws:s3:::notes/a/b/c.txt", True, id="star-spans-slash"),
        pytest.param("arn:aws:s3:::notes/*", "arn:aws:s3:::notes", False, id="bucket-not-objects"),
        pytest.param(
            "arn:aws:s3:::bucket/*/test/*",
            "arn:aws:s3:::bucket/1/2/test/3/object.jpg",
            True,
            id="guide-example-nested-stars",
        ),
        pytest.param("arn:aws:s3:::my.bucket/*", "arn:aws:s3:::myxbucket/k", False, id="dot-is-literal"),
        pytest.param("arn:aws:s3:::Notes/*", "arn:aws:s3:::notes/k", False, id="case-sensitive"),
        pytest.param("arn:aws:s3:::note?/k", "arn:aws:s3:::notes/k", True, id="question-mark"),
        pytest.param("arn:aws:dynamodb:*:*:table/Notes", TABLE, True, id="star-region-and-account"),
        pytest.param(
            "arn:aws:iam::*:role/app",
            "arn:aws:iam::123:456:role/app",
            False,
            id="star-does-not-cross-colon-in-first-five",
        ),
        pytest.param(
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app:*",
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app:log-stream:x",
            True,
            id="star-spans-colon-in-resource-part",
        ),
        pytest.param("arn:aws:s3:::*", "arn:aws:s3:::any/key", True, id="service-wide"),
        pytest.param("arn:aws:s3:::*", TABLE, False, id="other-service"),
    ],
)
def test_resource_matching(pattern: str, resource: str, matches: bool) -> None:
    """reference_policies_elements_resource: * and ? work within each ARN segment; in the resource
    part * also spans '/' and ':'; matching is case-sensitive and '.' is literal."""
    expected = iam.ALLOW if matches else iam.IMPLICIT_DENY
    assert effect([allow("s3:GetObject", pattern)], "s3:GetObject", resource) == expected


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        pytest.param("arn:aws:s3:::notes/public/a", iam.ALLOW, id="outside-notresource"),
        pytest.param("arn:aws:s3:::notes/secret/a", iam.IMPLICIT_DENY, id="inside-notresource"),
    ],
)
def test_notresource(resource: str, expected: str) -> None:
    """reference_policies_elements_notresource: the statement covers every resource not listed."""
    statement = {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::notes/secret/*"}
    assert effect([statement], "s3:GetObject", resource) == expected


def test_notresource_deny_protects_everything_else() -> None:
    """reference_policies_elements_notresource: Deny + NotResource denies all but the listed ARNs."""
    statements = [allow("s3:*", "*"), deny("s3:*", NotResource=["arn:aws:s3:::notes/*"])]
    statements[1].pop("Resource")
    assert effect(statements, "s3:GetObject", "arn:aws:s3:::notes/a") == iam.ALLOW
    assert effect(statements, "s3:GetObject", "arn:aws:s3:::other/a") == iam.EXPLICIT_DENY


# ---------------------------------------------------------------------------------------------
# reference_policies_variables
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "context", "resource", "expected"),
    [
        pytest.param(
            "arn:aws:s3:::b/${aws:username}/*",
            {"aws:username": "alice"},
            "arn:aws:s3:::b/alice/k",
            iam.ALLOW,
            id="username",
        ),
        pytest.param(
            "arn:aws:s3:::b/${aws:username}/*",
            {"aws:username": "alice"},
            "arn:aws:s3:::b/bob/k",
            iam.IMPLICIT_DENY,
            id="username-other-user",
        ),
        pytest.param(
            "arn:aws:s3:::b/${aws:userid}/*",
            {"aws:userid": "AIDAEXAMPLE"},
            "arn:aws:s3:::b/AIDAEXAMPLE/k",
            iam.ALLOW,
            id="userid",
        ),
        pytest.param(
            "arn:aws:s3:::b/${aws:PrincipalTag/department}/*",
            {"aws:PrincipalTag/department": "hr"},
            "arn:aws:s3:::b/hr/k",
            iam.ALLOW,
            id="principal-tag",
        ),
        pytest.param(
            f"arn:aws:s3:::b/private/${{{SUB}}}/*",
            {SUB: ALICE},
            f"arn:aws:s3:::b/private/{ALICE}/k",
            iam.ALLOW,
            id="cognito-sub-with-colon",
        ),
        pytest.param(
            "arn:aws:s3:::b/${AWS:UserName}/*",
            {"aws:username": "alice"},
            "arn:aws:s3:::b/alice/k",
            iam.ALLOW,
            id="variable-name-case-insensitive",
        ),
        pytest.param(
            "arn:aws:s3:::b/${aws:username}/*",
            {"AWS:USERNAME": "alice"},
            "arn:aws:s3:::b/alice/k",
            iam.ALLOW,
            id="context-key-case-insensitive",
        ),
        pytest.param(
            "arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*",
            {},
            "arn:aws:s3:::b/shared/k",
            iam.ALLOW,
            id="default-value-when-absent",
        ),
        pytest.param(
            "arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*",
            {"aws:PrincipalTag/team": "red"},
            "arn:aws:s3:::b/red/k",
            iam.ALLOW,
            id="default-value-ignored-when-present",
        ),
        pytest.param(
            "arn:aws:s3:::b/${aws:username}/*",
            {"aws:username": None},
            "arn:aws:s3:::b/None/k",
            iam.IMPLICIT_DENY,
            id="none-means-absent",
        ),
        pytest.param(
            "arn:aws:s3:::b/${aws:username}/*",
            {"aws:username": "a*"},
            "arn:aws:s3:::b/abc/k",
            iam.IMPLICIT_DENY,
            id="substituted-value-is-literal",
        ),
        pytest.param("arn:aws:s3:::b/${*}", {}, "arn:aws:s3:::b/*", iam.ALLOW, id="literal-star"),
        pytest.param(
            "arn:aws:s3:::b/${*}", {}, "arn:aws:s3:::b/x", iam.IMPLICIT_DENY, id="literal-star-not-wild"
        ),
        pytest.param("arn:aws:s3:::b/${?}", {}, "arn:aws:s3:::b/?", iam.ALLOW, id="literal-question-mark"),
        pytest.param(
            "arn:aws:s3:::b/${?}", {}, "arn:aws:s3:::b/x", iam.IMPLICIT_DENY, id="literal-qmark-not-wild"
        ),
        pytest.param("arn:aws:s3:::b/${$}x", {}, "arn:aws:s3:::b/$x", iam.ALLOW, id="literal-dollar"),
        pytest.param(
            "arn:aws:s3:::b/${cognito-identity.amazonaws.com:amr}/*",
            {"cognito-identity.amazonaws.com:amr": ["authenticated"]},
            "arn:aws:s3:::b/authenticated/k",
            iam.IMPLICIT_DENY,
            id="multivalued-key-has-no-value",
        ),
    ],
)
def test_variables_in_resource(pattern: str, context: dict, resource: str, expected: str) -> None:
    """reference_policies_variables: ${key} takes the request-context value (key names are
    case-insensitive), ${key, 'default'} supplies a default, ${*} ${?} ${$} are literal
    characters, and multivalued keys cannot be variables."""
    assert effect([allow("s3:GetObject", pattern)], "s3:GetObject", resource, context) == expected


@pytest.mark.parametrize(
    "version", [pytest.param("2008-10-17", id="2008"), pytest.param(None, id="no-version")]
)
def test_variables_are_literal_before_2012(version: str | None) -> None:
    """reference_policies_variables: without Version 2012-10-17, ${aws:username} is literal text."""
    statement = allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*")
    context = {"aws:username": "alice"}
    assert effect([statement], "s3:GetObject", "arn:aws:s3:::b/alice/k", context, version=version) == (
        iam.IMPLICIT_DENY
    )
    literal = "arn:aws:s3:::b/${aws:username}/k"
    assert effect([statement], "s3:GetObject", literal, context, version=version) == iam.ALLOW


def test_variable_without_value_in_resource_matches_nothing() -> None:
    """reference_policies_variables ("Policy variables with no value"): a Resource whose variable
    has no value matches no resource; the note says why."""
    statement = allow("s3:GetObject", "arn:aws:s3:::b/${aws:PrincipalTag/department}/*", Sid="Dept")
    decision = iam.evaluate([policy(statement)], iam.Request("s3:GetObject", "arn:aws:s3:::b/hr/k"))
    assert decision.effect == iam.IMPLICIT_DENY
    (result,) = decision.evaluated
    assert not result.resource_matched
    assert result.note == (
        "variable ${aws:PrincipalTag/department} has no value, so the statement matches nothing"
    )


@pytest.mark.parametrize(
    ("condition", "context", "holds"),
    [
        pytest.param(
            {"StringEquals": {"s3:prefix": "${aws:username}"}},
            {"s3:prefix": "alice"},
            False,
            id="equals-no-value",
        ),
        pytest.param(
            {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
            {"s3:prefix": "home/alice/x"},
            False,
            id="like-no-value",
        ),
        pytest.param(
            {"StringNotEquals": {"s3:prefix": "${aws:username}"}},
            {"s3:prefix": "alice"},
            True,
            id="not-equals-no-value-matches",
        ),
        pytest.param(
            {"StringLike": {"s3:prefix": ["home/${aws:username}/*", "public/*"]}},
            {"s3:prefix": "public/x"},
            True,
            id="other-values-still-count",
        ),
        pytest.param(
            {"StringEquals": {"s3:prefix": "${aws:username, 'guest'}"}},
            {"s3:prefix": "guest"},
            True,
            id="default-in-condition",
        ),
        pytest.param(
            {"StringLike": {"s3:prefix": "a${*}"}}, {"s3:prefix": "a*"}, True, id="literal-star-in-like"
        ),
        pytest.param(
            {"StringLike": {"s3:prefix": "a${*}"}},
            {"s3:prefix": "abc"},
            False,
            id="literal-star-not-wildcard",
        ),
        pytest.param(
            {"ArnLike": {"aws:SourceArn": "arn:aws:iam::${aws:PrincipalAccount}:role/*"}},
            {"aws:SourceArn": f"arn:aws:iam::{ACCOUNT}:role/app", "aws:PrincipalAccount": ACCOUNT},
            True,
            id="variable-in-arn-operator",
        ),
        pytest.param(
            {"NumericEquals": {"s3:max-keys": "${aws:username}"}},
            {"s3:max-keys": "10", "aws:username": "10"},
            False,
            id="no-variables-in-numeric",
        ),
    ],
)
def test_variables_in_conditions(condition: dict, context: dict, holds: bool) -> None:
    """reference_policies_variables: variables are substituted in string and ARN condition values;
    a variable with no value is effectively null, so StringEquals/StringLike do not match it and
    negated operators do; other operators see the text literally."""
    assert condition_holds(condition, context) is holds


# ---------------------------------------------------------------------------------------------
# reference_policies_elements_condition_operators
# ---------------------------------------------------------------------------------------------

DATE = "2020-01-01T00:00:00Z"
EPOCH = "1577836800"  # the same instant as DATE


@pytest.mark.parametrize(
    ("operator", "policy_value", "request_value", "holds"),
    [
        ("StringEquals", "x", "x", True),
        ("StringEquals", "x", "X", False),
        ("StringEquals", ["a", "b"], "b", True),
        ("StringNotEquals", ["a", "b"], "b", False),
        ("StringNotEquals", ["a", "b"], "c", True),
        ("StringEqualsIgnoreCase", "Hello", "hELLO", True),
        ("StringEqualsIgnoreCase", "Hello", "help", False),
        ("StringNotEqualsIgnoreCase", "Hello", "hELLO", False),
        ("StringNotEqualsIgnoreCase", "Hello", "help", True),
        ("StringLike", "home/*", "home/a/b", True),
        ("StringLike", "h?me", "home", True),
        ("StringLike", "a.b", "axb", False),
        ("StringLike", "Home*", "home", False),
        ("StringNotLike", "home/*", "home/a", False),
        ("StringNotLike", "home/*", "work/a", True),
        ("NumericEquals", 10, "10", True),
        ("NumericEquals", "10", "10.0", True),
        ("NumericEquals", "10", "abc", False),
        ("NumericNotEquals", "10", "11", True),
        ("NumericNotEquals", "10", "10", False),
        ("NumericLessThan", "10", "9", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericLessThanEquals", "10", "11", False),
        ("NumericGreaterThan", "10", "11", True),
        ("NumericGreaterThan", "10", "10", False),
        ("NumericGreaterThanEquals", "10", "10", True),
        ("NumericGreaterThanEquals", "10", "9", False),
        ("DateEquals", DATE, DATE, True),
        ("DateEquals", DATE, EPOCH, True),
        ("DateEquals", EPOCH, "2020-01-01T01:00:00+01:00", True),
        ("DateNotEquals", DATE, EPOCH, False),
        ("DateNotEquals", DATE, "2021-01-01T00:00:00Z", True),
        ("DateLessThan", DATE, "2019-12-31T23:59:59Z", True),
        ("DateLessThan", DATE, DATE, False),
        ("DateLessThanEquals", DATE, DATE, True),
        ("DateLessThanEquals", DATE, "2020-01-01T00:00:01Z", False),
        ("DateGreaterThan", DATE, "2020-01-01T00:00:01Z", True),
        ("DateGreaterThan", DATE, DATE, False),
        ("DateGreaterThanEquals", DATE, DATE, True),
        ("DateGreaterThanEquals", "2020-01-02", "2020-01-01T12:00:00Z", False),
        ("Bool", "true", True, True),
        ("Bool", True, "true", True),
        ("Bool", "true", "false", False),
        ("Bool", "false", False, True),
        ("BinaryEquals", "QmluYXJ5VmFsdWU=", "QmluYXJ5VmFsdWU=", True),
        ("BinaryEquals", "QmluYXJ5VmFsdWU=", "T3RoZXI=", False),
        ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
        ("IpAddress", "203.0.113.0/24", "198.51.100.1", False),
        ("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5678::1", True),
        ("IpAddress", "203.0.113.7", "203.0.113.7", True),
        ("NotIpAddress", "203.0.113.0/24", "203.0.113.7", False),
        ("NotIpAddress", "203.0.113.0/24", "198.51.100.1", True),
        ("ArnEquals", "arn:aws:sns:*:123456789012:topic", "arn:aws:sns:us-east-1:123456789012:topic", True),
        (
            "ArnEquals",
            "arn:aws:sns:us-east-1:123456789012:topic",
            "arn:aws:sns:us-east-1:123456789012:other",
            False,
        ),
        ("ArnLike", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:role/app", True),
        ("ArnLike", "arn:aws:iam::*:root", "arn:aws:iam::1:2:root", False),
        ("ArnLike", "arn:aws:iam::123456789012:role/*", "not-an-arn", False),
        ("ArnNotEquals", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:role/app", False),
        ("ArnNotEquals", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::999999999999:role/app", True),
        ("ArnNotLike", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:role/app", False),
        ("ArnNotLike", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::999999999999:role/app", True),
    ],
    ids=lambda value: str(value)[:28],
)
def test_condition_operators(operator: str, policy_value: object, request_value: object, holds: bool) -> None:
    """reference_policies_elements_condition_operators: every operator with a present key;
    several policy values are ORed, and a negated operator holds only if none match."""
    assert condition_holds({operator: {"k:key": policy_value}}, {"k:key": request_value}) is holds


@pytest.mark.parametrize(
    ("policy_value", "context", "holds"),
    [
        pytest.param("true", {}, True, id="true-absent"),
        pytest.param("true", {"k:key": "x"}, False, id="true-present"),
        pytest.param("false", {"k:key": "x"}, True, id="false-present"),
        pytest.param("false", {}, False, id="false-absent"),
        pytest.param(True, {"k:key": None}, True, id="json-true-none-is-absent"),
    ],
)
def test_null_operator(policy_value: object, context: dict, holds: bool) -> None:
    """reference_policies_elements_condition_operators (Null): "true" means the key is absent,
    "false" that it is present."""
    assert condition_holds({"Null": {"k:key": policy_value}}, context) is holds


NON_NEGATED = [
    ("StringEquals", "x"),
    ("StringEqualsIgnoreCase", "x"),
    ("StringLike", "*"),
    ("NumericEquals", "1"),
    ("NumericLessThan", "1"),
    ("NumericLessThanEquals", "1"),
    ("NumericGreaterThan", "1"),
    ("NumericGreaterThanEquals", "1"),
    ("DateEquals", DATE),
    ("DateLessThan", DATE),
    ("DateLessThanEquals", DATE),
    ("DateGreaterThan", DATE),
    ("DateGreaterThanEquals", DATE),
    ("Bool", "true"),
    ("BinaryEquals", "QmluYXJ5VmFsdWU="),
    ("IpAddress", "0.0.0.0/0"),
    ("ArnEquals", "*"),
    ("ArnLike", "*"),
]
NEGATED = [
    ("StringNotEquals", "x"),
    ("StringNotEqualsIgnoreCase", "x"),
    ("StringNotLike", "*"),
    ("NumericNotEquals", "1"),
    ("DateNotEquals", DATE),
    ("NotIpAddress", "0.0.0.0/0"),
    ("ArnNotEquals", "*"),
    ("ArnNotLike", "*"),
]


@pytest.mark.parametrize(("operator", "value"), NON_NEGATED, ids=[op for op, _ in NON_NEGATED])
def test_absent_key_fails_non_negated_operators(operator: str, value: str) -> None:
    """reference_policies_elements_condition_operators: if the key is not in the request context
    the condition is false, unless the operator has ...IfExists."""
    assert not condition_holds({operator: {"k:key": value}}, {})
    assert condition_holds({f"{operator}IfExists": {"k:key": value}}, {})


@pytest.mark.parametrize(("operator", "value"), NEGATED, ids=[op for op, _ in NEGATED])
def test_absent_key_passes_negated_operators(operator: str, value: str) -> None:
    """reference_policies_elements_condition_operators: negated operators match when the key is
    absent (nothing in the request equals the policy value)."""
    assert condition_holds({operator: {"k:key": value}}, {})
    assert condition_holds({f"{operator}IfExists": {"k:key": value}}, {})


@pytest.mark.parametrize(
    ("condition", "context", "holds"),
    [
        pytest.param({"StringEqualsIfExists": {"k:key": "x"}}, {"k:key": "x"}, True, id="present-match"),
        pytest.param({"StringEqualsIfExists": {"k:key": "x"}}, {"k:key": "y"}, False, id="present-mismatch"),
        pytest.param(
            {"NumericLessThanIfExists": {"k:key": "5"}}, {"k:key": "9"}, False, id="numeric-present"
        ),
        pytest.param({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}, {}, True, id="bool-absent"),
    ],
)
def test_if_exists_when_present(condition: dict, context: dict, holds: bool) -> None:
    """reference_policies_elements_condition_operators (...IfExists): with the key present the
    operator behaves as usual."""
    assert condition_holds(condition, context) is holds


@pytest.mark.parametrize(
    ("condition", "context", "holds"),
    [
        pytest.param(
            {"StringEquals": {"k:a": "1", "k:b": "2"}}, {"k:a": "1", "k:b": "2"}, True, id="keys-and-both"
        ),
        pytest.param(
            {"StringEquals": {"k:a": "1", "k:b": "2"}}, {"k:a": "1", "k:b": "3"}, False, id="keys-and"
        ),
        pytest.param(
            {"StringEquals": {"k:a": "1"}, "NumericLessThan": {"k:n": "5"}},
            {"k:a": "1", "k:n": "9"},
            False,
            id="operators-and",
        ),
        pytest.param({"StringEquals": {"K:KEY": "v"}}, {"k:key": "v"}, True, id="key-names-case-insensitive"),
    ],
)
def test_condition_block_logic(condition: dict, context: dict, holds: bool) -> None:
    """reference_policies_elements_condition ("Evaluation logic"): keys within an operator and
    operators within a Condition are ANDed; key names are case-insensitive."""
    assert condition_holds(condition, context) is holds


# ---------------------------------------------------------------------------------------------
# reference_policies_condition-single-vs-multi-valued-context-keys (set operators)
# ---------------------------------------------------------------------------------------------

TAGS = "aws:TagKeys"


@pytest.mark.parametrize(
    ("operator", "request_values", "holds"),
    [
        pytest.param("ForAllValues:StringEquals", None, True, id="all-absent-is-true"),
        pytest.param("ForAllValues:StringEquals", [], True, id="all-empty-is-true"),
        pytest.param("ForAllValues:StringEquals", ["a"], True, id="all-subset"),
        pytest.param("ForAllValues:StringEquals", ["a", "b"], True, id="all-every-value"),
        pytest.param("ForAllValues:StringEquals", ["a", "z"], False, id="all-extra-value"),
        pytest.param("ForAnyValue:StringEquals", None, False, id="any-absent-is-false"),
        pytest.param("ForAnyValue:StringEquals", [], False, id="any-empty-is-false"),
        pytest.param("ForAnyValue:StringEquals", ["z", "b"], True, id="any-one-match"),
        pytest.param("ForAnyValue:StringEquals", ["y", "z"], False, id="any-no-match"),
        pytest.param("ForAllValues:StringNotEquals", ["y", "z"], True, id="all-not-every-value-differs"),
        pytest.param("ForAllValues:StringNotEquals", ["a", "z"], False, id="all-not-one-equal"),
        pytest.param("ForAllValues:StringNotEquals", None, True, id="all-not-absent"),
        pytest.param("ForAnyValue:StringNotEquals", ["a", "z"], True, id="any-not-one-differs"),
        pytest.param("ForAnyValue:StringNotEquals", ["a", "b"], False, id="any-not-all-equal"),
        pytest.param("ForAnyValue:StringNotEquals", None, False, id="any-not-absent"),
        pytest.param("ForAnyValue:StringLike", ["x-a", "q"], True, id="any-like"),
        pytest.param("ForAllValues:StringLikeIfExists", None, True, id="all-ifexists-absent"),
        pytest.param("ForAnyValue:StringEqualsIfExists", None, False, id="any-ignores-ifexists"),
        pytest.param("StringEquals", ["z", "a"], True, id="unqualified-multivalued-any-choice"),
        pytest.param("StringNotEquals", ["z", "a"], False, id="unqualified-negated-multivalued"),
    ],
)
def test_set_operators(operator: str, request_values: list | None, holds: bool) -> None:
    """reference_policies_condition-single-vs-multi-valued-context-keys and
    reference_policies_multi-value-conditions: ForAllValues is true when every request value
    matches (and when the key is absent or empty); ForAnyValue needs at least one match.
    The unqualified rows document our choice for multivalued keys used without a set operator
    (the guide only says such keys require one): any value matching counts."""
    values = ["a", "b", "x-*"] if "Like" in operator else ["a", "b"]
    assert condition_holds({operator: {TAGS: values}}, {TAGS: request_values}) is holds


# ---------------------------------------------------------------------------------------------
# Cognito / S3 examples: cognito identity pools role-based access and
# reference_policies_examples_s3_cognito-bucket
# ---------------------------------------------------------------------------------------------

BUCKET = "arn:aws:s3:::mybucket"


def s3_home_policy(list_values: list[str], extra_list_condition: dict | None = None) -> iam.NamedPolicy:
    condition = {"StringLike": {"s3:prefix": list_values}, **(extra_list_condition or {})}
    return policy(
        {
            "Sid": "ListOwnFolder",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": BUCKET,
            "Condition": condition,
        },
        {
            "Sid": "OwnObjects",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": f"{BUCKET}/private/${{{SUB}}}/*",
        },
        name="cognito-s3-home",
    )


@pytest.mark.parametrize(
    ("action", "key", "expected"),
    [
        pytest.param("s3:GetObject", f"private/{ALICE}/note.txt", iam.ALLOW, id="get-own"),
        pytest.param("s3:PutObject", f"private/{ALICE}/a/b.txt", iam.ALLOW, id="put-own-nested"),
        pytest.param("s3:DeleteObject", f"private/{ALICE}/note.txt", iam.ALLOW, id="delete-own"),
        pytest.param("s3:GetObject", f"private/{BOB}/note.txt", iam.IMPLICIT_DENY, id="get-other"),
        pytest.param("s3:PutObject", f"private/{ALICE}", iam.IMPLICIT_DENY, id="folder-itself"),
        pytest.param("s3:GetObjectAcl", f"private/{ALICE}/note.txt", iam.IMPLICIT_DENY, id="unlisted-action"),
    ],
)
def test_cognito_s3_home_folder_objects(action: str, key: str, expected: str) -> None:
    """Cognito per-identity S3 prefix: objects under private/${cognito-identity.amazonaws.com:sub}/."""
    request = iam.Request(action, f"{BUCKET}/{key}", {SUB: ALICE})
    assert iam.evaluate([s3_home_policy([f"private/${{{SUB}}}/*"])], request).effect == expected


@pytest.mark.parametrize(
    ("list_values", "extra", "prefix", "expected"),
    [
        pytest.param([f"private/${{{SUB}}}/*"], None, f"private/{ALICE}/", iam.ALLOW, id="own-prefix"),
        pytest.param(
            [f"private/${{{SUB}}}/*"], None, f"private/{BOB}/", iam.IMPLICIT_DENY, id="other-prefix"
        ),
        pytest.param([f"private/${{{SUB}}}/*"], None, None, iam.IMPLICIT_DENY, id="no-prefix-denied"),
        pytest.param(["", f"private/${{{SUB}}}/*"], None, "", iam.ALLOW, id="empty-string-variant"),
        pytest.param(
            ["", f"private/${{{SUB}}}/*"], None, "private/", iam.IMPLICIT_DENY, id="empty-not-parent"
        ),
    ],
)
def test_cognito_s3_list_own_folder(
    list_values: list, extra: dict | None, prefix: str | None, expected: str
) -> None:
    """Cognito per-identity S3 prefix: s3:ListBucket only with s3:prefix inside the identity's
    folder; adding "" lets the console list the bucket root."""
    context = {SUB: ALICE, "s3:prefix": prefix}
    request = iam.Request("s3:ListBucket", BUCKET, context)
    assert iam.evaluate([s3_home_policy(list_values, extra)], request).effect == expected


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        pytest.param(None, iam.ALLOW, id="absent-prefix-allowed-by-null"),
        pytest.param("private/", iam.IMPLICIT_DENY, id="present-prefix-not-null"),
    ],
)
def test_cognito_s3_list_null_prefix_variant(prefix: str | None, expected: str) -> None:
    """reference_policies_elements_condition_operators (Null): a second ListBucket statement with
    "Null": {"s3:prefix": "true"} allows a listing that sends no prefix at all."""
    null_statement = {
        "Sid": "ListWithoutPrefix",
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": BUCKET,
        "Condition": {"Null": {"s3:prefix": "true"}},
    }
    policies = [s3_home_policy([f"private/${{{SUB}}}/*"]), policy(null_statement)]
    request = iam.Request("s3:ListBucket", BUCKET, {SUB: ALICE, "s3:prefix": prefix})
    assert iam.evaluate(policies, request).effect == expected


# ---------------------------------------------------------------------------------------------
# reference_policies_examples_dynamodb_items
# ---------------------------------------------------------------------------------------------


def dynamodb_items_policy(actions: list[str]) -> iam.NamedPolicy:
    return policy(
        {
            "Sid": "OwnItems",
            "Effect": "Allow",
            "Action": actions,
            "Resource": [TABLE],
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [f"${{{SUB}}}"]}},
        },
        name="dynamodb-own-items",
    )


ITEM_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:BatchGetItem"]


@pytest.mark.parametrize(
    ("action", "leading_keys", "expected"),
    [
        pytest.param("dynamodb:GetItem", [ALICE], iam.ALLOW, id="get-own"),
        pytest.param("dynamodb:PutItem", [ALICE], iam.ALLOW, id="put-own"),
        pytest.param("dynamodb:Query", [ALICE], iam.ALLOW, id="query-own"),
        pytest.param("dynamodb:GetItem", [BOB], iam.IMPLICIT_DENY, id="get-other"),
        pytest.param("dynamodb:BatchGetItem", [ALICE, ALICE], iam.ALLOW, id="batch-own"),
        pytest.param("dynamodb:BatchGetItem", [ALICE, BOB], iam.IMPLICIT_DENY, id="batch-mixed"),
        pytest.param("dynamodb:Scan", None, iam.IMPLICIT_DENY, id="scan-not-listed"),
    ],
)
def test_dynamodb_leading_keys(action: str, leading_keys: list | None, expected: str) -> None:
    """reference_policies_examples_dynamodb_items: ForAllValues:StringEquals on
    dynamodb:LeadingKeys with ${cognito-identity.amazonaws.com:sub} confines a user to their items."""
    request = iam.Request(action, TABLE, {SUB: ALICE, "dynamodb:LeadingKeys": leading_keys})
    assert iam.evaluate([dynamodb_items_policy(ITEM_ACTIONS)], request).effect == expected


def test_dynamodb_scan_trap_forallvalues_absent_key() -> None:
    """reference_policies_condition-single-vs-multi-valued-context-keys: ForAllValues is true when
    the key is absent. Scan sends no dynamodb:LeadingKeys, so listing Scan in this policy lets a
    user read every identity's items: the documented trap."""
    request = iam.Request("dynamodb:Scan", TABLE, {SUB: ALICE})
    decision = iam.evaluate([dynamodb_items_policy([*ITEM_ACTIONS, "dynamodb:Scan"])], request)
    assert decision.effect == iam.ALLOW
    (condition,) = decision.deciding[0].conditions
    assert condition.request_values is None
    assert condition.matched


ATTRIBUTES_POLICY = policy(
    {
        "Sid": "LimitAttributes",
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem", "dynamodb:Query"],
        "Resource": TABLE,
        "Condition": {
            "ForAllValues:StringEquals": {
                "dynamodb:LeadingKeys": [f"${{{SUB}}}"],
                "dynamodb:Attributes": ["UserId", "NoteId", "Title"],
            },
            "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
        },
    }
)


@pytest.mark.parametrize(
    ("attributes", "select", "expected"),
    [
        pytest.param(["UserId", "Title"], "SPECIFIC_ATTRIBUTES", iam.ALLOW, id="allowed-attributes"),
        pytest.param(["UserId", "Secret"], "SPECIFIC_ATTRIBUTES", iam.IMPLICIT_DENY, id="extra-attribute"),
        pytest.param(None, "ALL_ATTRIBUTES", iam.IMPLICIT_DENY, id="select-all"),
        pytest.param(["Title"], None, iam.ALLOW, id="select-absent-ifexists"),
    ],
)
def test_dynamodb_attributes_and_select(attributes: list | None, select: str | None, expected: str) -> None:
    """reference_policies_examples_dynamodb_items: dynamodb:Attributes with ForAllValues limits the
    readable attributes and StringEqualsIfExists on dynamodb:Select blocks ALL_ATTRIBUTES."""
    context = {
        SUB: ALICE,
        "dynamodb:LeadingKeys": [ALICE],
        "dynamodb:Attributes": attributes,
        "dynamodb:Select": select,
    }
    assert iam.evaluate([ATTRIBUTES_POLICY], iam.Request("dynamodb:Query", TABLE, context)).effect == expected


# ---------------------------------------------------------------------------------------------
# ABAC: reference_policies_variables (tags as policy variables) / tutorial_attribute-based-access-control
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("context", "resource", "expected"),
    [
        pytest.param(
            {"aws:PrincipalTag/department": "hr"}, "arn:aws:s3:::corp/hr/pay.csv", iam.ALLOW, id="own-dept"
        ),
        pytest.param(
            {"aws:PrincipalTag/department": "hr"},
            "arn:aws:s3:::corp/it/x",
            iam.IMPLICIT_DENY,
            id="other-dept",
        ),
        pytest.param({}, "arn:aws:s3:::corp/hr/pay.csv", iam.IMPLICIT_DENY, id="untagged-principal"),
    ],
)
def test_abac_principal_tag_resource(context: dict, resource: str, expected: str) -> None:
    """reference_policies_variables: ${aws:PrincipalTag/department} in Resource."""
    statement = allow("s3:GetObject", "arn:aws:s3:::corp/${aws:PrincipalTag/department}/*")
    assert effect([statement], "s3:GetObject", resource, context) == expected


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        pytest.param(
            {"aws:PrincipalTag/department": "hr", "aws:ResourceTag/department": "hr"},
            iam.ALLOW,
            id="tags-equal",
        ),
        pytest.param(
            {"aws:PrincipalTag/department": "hr", "aws:ResourceTag/department": "it"},
            iam.IMPLICIT_DENY,
            id="tags-differ",
        ),
        pytest.param({"aws:ResourceTag/department": "hr"}, iam.IMPLICIT_DENY, id="principal-untagged"),
    ],
)
def test_abac_principal_tag_condition(context: dict, expected: str) -> None:
    """reference_policies_variables: ${aws:PrincipalTag/department} compared with a resource tag."""
    condition = {"StringEquals": {"aws:ResourceTag/department": "${aws:PrincipalTag/department}"}}
    statement = allow("ec2:StartInstances", "*", Condition=condition)
    assert (
        effect([statement], "ec2:StartInstances", "arn:aws:ec2:us-east-1:1:instance/i-1", context) == expected
    )


# ---------------------------------------------------------------------------------------------
# Session policies: reference_policies_evaluation-logic (session policies) / access_policies
# ---------------------------------------------------------------------------------------------

READ = allow("s3:GetObject", "arn:aws:s3:::b/*")
WRITE = allow("s3:PutObject", "arn:aws:s3:::b/*")


@pytest.mark.parametrize(
    ("identity", "sessions", "action", "expected", "policy_type"),
    [
        pytest.param([READ], None, "s3:GetObject", iam.ALLOW, "identity-based", id="no-session-policies"),
        pytest.param([READ], [[READ]], "s3:GetObject", iam.ALLOW, "identity-based", id="both-allow"),
        pytest.param([READ], [[WRITE]], "s3:GetObject", iam.IMPLICIT_DENY, "session", id="session-caps"),
        pytest.param(
            [WRITE], [[READ]], "s3:GetObject", iam.IMPLICIT_DENY, "identity-based", id="identity-lacks"
        ),
        pytest.param([READ], [], "s3:GetObject", iam.IMPLICIT_DENY, "session", id="empty-session-list"),
        pytest.param(
            [READ, WRITE], [[WRITE], [READ]], "s3:GetObject", iam.ALLOW, "identity-based", id="union"
        ),
        pytest.param(
            [READ],
            [[READ, deny("s3:GetObject")]],
            "s3:GetObject",
            iam.EXPLICIT_DENY,
            "session",
            id="session-deny",
        ),
        pytest.param(
            [READ, deny("s3:*")],
            [[READ]],
            "s3:GetObject",
            iam.EXPLICIT_DENY,
            "identity-based",
            id="identity-deny",
        ),
        pytest.param(
            [], [[READ]], "s3:GetObject", iam.IMPLICIT_DENY, "identity-based", id="session-cannot-grant"
        ),
    ],
)
def test_session_policies(
    identity: list[dict], sessions: list[list[dict]] | None, action: str, expected: str, policy_type: str
) -> None:
    """reference_policies_evaluation-logic: effective permissions are the intersection of the
    identity-based policies and the session policies (which are unioned among themselves);
    an explicit Deny in either wins."""
    session_policies = (
        None if sessions is None else [policy(*s, name=f"session-{i}") for i, s in enumerate(sessions)]
    )
    decision = iam.evaluate(
        [policy(*identity)] if identity else [], iam.Request(action, "arn:aws:s3:::b/k"), session_policies
    )
    assert (decision.effect, decision.policy_type) == (expected, policy_type)


def test_session_allow_lists_both_sides_as_deciding() -> None:
    """reference_policies_evaluation-logic: an allowed session request needs both an identity and a
    session Allow, and both are reported."""
    decision = iam.evaluate(
        [policy(dict(READ, Sid="Identity"))],
        iam.Request("s3:GetObject", "arn:aws:s3:::b/k"),
        [policy(dict(READ, Sid="Session"), name="session")],
    )
    assert [r.sid for r in decision.deciding] == ["Identity", "Session"]


# ---------------------------------------------------------------------------------------------
# Trust policies: reference_policies_elements_principal / reference_policies_elements_notprincipal
# and the Cognito identity pool role trust policy
# ---------------------------------------------------------------------------------------------

ROLE = f"arn:aws:iam::{ACCOUNT}:role/notes-authenticated"
COGNITO = {"Federated": "cognito-identity.amazonaws.com"}


def trust(
    principal: object, action: str = "sts:AssumeRole", key: str = "Principal", **extra: object
) -> iam.NamedPolicy:
    statement = {"Effect": "Allow", key: principal, "Action": action, **extra}
    return policy(statement, name="trust")


@pytest.mark.parametrize(
    ("principal", "caller", "allowed"),
    [
        pytest.param("*", {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"}, True, id="star"),
        pytest.param({"AWS": "*"}, {"AWS": "arn:aws:iam::999999999999:user/x"}, True, id="aws-star"),
        pytest.param({"AWS": "*"}, COGNITO, True, id="aws-star-equals-star"),
        pytest.param({"AWS": ACCOUNT}, {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"}, True, id="account-id"),
        pytest.param(
            {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/admin/session"},
            True,
            id="root-covers-role-sessions",
        ),
        pytest.param(
            {"AWS": ACCOUNT}, {"AWS": "arn:aws:iam::999999999999:user/x"}, False, id="other-account"
        ),
        pytest.param(
            {"AWS": [f"arn:aws:iam::{ACCOUNT}:user/alice", f"arn:aws:iam::{ACCOUNT}:user/bob"]},
            {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"},
            True,
            id="user-list",
        ),
        pytest.param(
            {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
            {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"},
            False,
            id="other-user",
        ),
        pytest.param(
            {"AWS": f"arn:aws:iam::{ACCOUNT}:role/path/admin"},
            {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/admin/s1"},
            True,
            id="role-covers-its-sessions",
        ),
        pytest.param(
            {"AWS": f"arn:aws:iam::{ACCOUNT}:role/admin"},
            {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/other/s1"},
            False,
            id="role-not-other-sessions",
        ),
        pytest.param(COGNITO, COGNITO, True, id="federated"),
        pytest.param(COGNITO, {"Federated": "accounts.google.com"}, False, id="other-federated"),
        pytest.param(
            {"Service": "lambda.amazonaws.com"}, {"Service": "lambda.amazonaws.com"}, True, id="service"
        ),
        pytest.param(
            {"Service": "lambda.amazonaws.com"}, {"Service": "ec2.amazonaws.com"}, False, id="other-svc"
        ),
        pytest.param({"Service": "lambda.amazonaws.com"}, None, False, id="no-caller"),
    ],
)
def test_trust_principals(principal: object, caller: dict | None, allowed: bool) -> None:
    """reference_policies_elements_principal: "*" and {"AWS": "*"} are everyone; an account id
    means that account's root, which covers every principal in the account; a role ARN covers
    its sessions."""
    decision = iam.evaluate_trust(trust(principal), iam.Request("sts:AssumeRole", ROLE, {}, caller))
    assert decision.allowed is allowed
    assert decision.policy_type == "resource-based"


@pytest.mark.parametrize(
    ("caller", "allowed"),
    [
        pytest.param({"AWS": f"arn:aws:iam::{ACCOUNT}:user/mallory"}, False, id="listed-excluded"),
        pytest.param({"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"}, True, id="unlisted-allowed"),
    ],
)
def test_trust_notprincipal(caller: dict, allowed: bool) -> None:
    """reference_policies_elements_notprincipal: the statement applies to everyone not listed."""
    statement = trust({"AWS": f"arn:aws:iam::{ACCOUNT}:user/mallory"}, key="NotPrincipal")
    assert iam.evaluate_trust(statement, iam.Request("sts:AssumeRole", ROLE, {}, caller)).allowed is allowed


COGNITO_TRUST = policy(
    {
        "Sid": "CognitoAuthenticated",
        "Effect": "Allow",
        "Principal": COGNITO,
        "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
        "Condition": {
            "StringEquals": {"cognito-identity.amazonaws.com:aud": POOL},
            "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
        },
    },
    name="notes-authenticated-trust",
)
AMR_AUTH = ["authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_X:CLIENT:sub"]


@pytest.mark.parametrize(
    ("action", "aud", "amr", "expected"),
    [
        pytest.param("sts:AssumeRoleWithWebIdentity", POOL, AMR_AUTH, iam.ALLOW, id="authenticated"),
        pytest.param("sts:TagSession", POOL, AMR_AUTH, iam.ALLOW, id="tag-session"),
        pytest.param(
            "sts:AssumeRoleWithWebIdentity", "us-east-1:other", AMR_AUTH, iam.IMPLICIT_DENY, id="wrong-aud"
        ),
        pytest.param("sts:AssumeRoleWithWebIdentity", None, AMR_AUTH, iam.IMPLICIT_DENY, id="no-aud"),
        pytest.param(
            "sts:AssumeRoleWithWebIdentity", POOL, ["unauthenticated"], iam.IMPLICIT_DENY, id="guest"
        ),
        pytest.param("sts:AssumeRoleWithWebIdentity", POOL, None, iam.IMPLICIT_DENY, id="no-amr"),
        pytest.param("sts:AssumeRole", POOL, AMR_AUTH, iam.IMPLICIT_DENY, id="plain-assume-role"),
    ],
)
def test_cognito_trust_policy(action: str, aud: str | None, amr: list | None, expected: str) -> None:
    """Cognito identity pool role trust policy: the aud must equal the identity pool id and the
    multivalued amr must contain "authenticated" (ForAnyValue:StringLike)."""
    context = {"cognito-identity.amazonaws.com:aud": aud, "cognito-identity.amazonaws.com:amr": amr}
    request = iam.Request(action, ROLE, context, COGNITO)
    assert iam.evaluate_trust(COGNITO_TRUST, request).effect == expected


def test_trust_deny_is_explicit_resource_based() -> None:
    """reference_policies_evaluation-logic: a Deny in a role trust policy is an explicit deny."""
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"},
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
            },
        ],
    }
    caller = {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"}
    no_mfa = iam.Request("sts:AssumeRole", ROLE, {"aws:MultiFactorAuthPresent": False}, caller)
    decision = iam.evaluate_trust(iam.NamedPolicy("trust", document), no_mfa)
    assert decision.effect == iam.EXPLICIT_DENY
    assert decision.denial_reason() == "with an explicit deny in a resource-based policy"


# ---------------------------------------------------------------------------------------------
# parse_policy: IAM's MalformedPolicyDocument messages (CreatePolicy / PutRolePolicy / CreateRole)
# ---------------------------------------------------------------------------------------------

GOOD = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
GOOD_TRUST = {"Effect": "Allow", "Principal": COGNITO, "Action": "sts:AssumeRoleWithWebIdentity"}


def doc(*statements: dict, **top: object) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements), **top}


@pytest.mark.parametrize(
    ("document", "kind", "message"),
    [
        pytest.param(
            "This is not a json document", "identity", "This policy contains invalid Json", id="not-json"
        ),
        pytest.param(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",}]}',
            "trust",
            "This policy contains invalid Json",
            id="trailing-comma",
        ),
        pytest.param("[]", "identity", "Syntax errors in policy.", id="not-an-object"),
        pytest.param({"Version": "2012-10-17"}, "identity", "Syntax errors in policy.", id="no-statement"),
        pytest.param(doc(), "identity", "Syntax errors in policy.", id="empty-statement-list"),
        pytest.param(doc(GOOD, Extra="x"), "identity", "Syntax errors in policy.", id="unknown-top-level"),
        pytest.param(doc(dict(GOOD, Extra="x")), "identity", "Syntax errors in policy.", id="unknown-field"),
        pytest.param(
            dict(doc(GOOD), Version="2013-10-17"), "identity", "Syntax errors in policy.", id="bad-version"
        ),
        pytest.param(
            doc(dict(GOOD, Effect="Maybe")), "identity", "Syntax errors in policy.", id="bad-effect"
        ),
        pytest.param(
            doc({"Action": "s3:GetObject", "Resource": "*"}),
            "identity",
            "Syntax errors in policy.",
            id="no-effect",
        ),
        pytest.param(
            doc(dict(GOOD, Effect="allow")), "identity", "The policy failed legacy parsing", id="effect-case"
        ),
        pytest.param(
            doc(dict(GOOD, NotAction="s3:PutObject")),
            "identity",
            "Syntax errors in policy.",
            id="action-and-not",
        ),
        pytest.param(
            doc(dict(GOOD, NotResource="*")), "identity", "Syntax errors in policy.", id="resource-and-not"
        ),
        pytest.param(
            doc({"Effect": "Allow", "Resource": "*"}),
            "identity",
            "Policy statement must contain actions.",
            id="no-action",
        ),
        pytest.param(
            doc(dict(GOOD, Action=[])),
            "identity",
            "Policy statement must contain actions.",
            id="empty-action",
        ),
        pytest.param(
            doc({"Effect": "Allow", "Action": "s3:GetObject"}),
            "identity",
            "Policy statement must contain resources.",
            id="no-resource",
        ),
        pytest.param(
            doc({"Effect": "Allow", "Action": "s3:GetObject"}),
            "session",
            "Policy statement must contain resources.",
            id="session-no-resource",
        ),
        pytest.param(
            doc(dict(GOOD, Principal="*")),
            "identity",
            "Policy document should not specify a principal.",
            id="identity-with-principal",
        ),
        pytest.param(
            doc(dict(GOOD_TRUST, Resource="*")),
            "trust",
            "Has prohibited field Resource",
            id="trust-with-resource",
        ),
        pytest.param(
            doc({"Effect": "Allow", "Action": "sts:AssumeRole"}),
            "trust",
            "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
            "The passed in policy has a statement with no principals!",
            id="trust-without-principal",
        ),
        pytest.param(
            doc(dict(GOOD, Condition={"StringEqualz": {"k:key": "v"}})),
            "identity",
            "Syntax errors in policy.",
            id="unknown-operator",
        ),
        pytest.param(
            doc(dict(GOOD, Condition={"ForAnyValue::StringEquals": {"k:key": "v"}})),
            "identity",
            "Syntax errors in policy.",
            id="double-colon-qualifier",
        ),
        pytest.param(
            doc(dict(GOOD, Condition=[])), "identity", "Syntax errors in policy.", id="condition-list"
        ),
        pytest.param(
            doc(dict(GOOD, Condition={"StringEquals": {"k:key": {"nested": 1}}})),
            "identity",
            "Syntax errors in policy.",
            id="condition-value-object",
        ),
        pytest.param(
            doc(dict(GOOD, Condition={"DateGreaterThan": {"aws:CurrentTime": "someday"}})),
            "identity",
            "The policy failed legacy parsing",
            id="bad-date",
        ),
        pytest.param(
            doc(dict(GOOD, Sid="Same"), dict(GOOD, Sid="Same")),
            "identity",
            "Statement IDs (SID) in a single policy must be unique.",
            id="duplicate-sid",
        ),
        pytest.param(
            doc(dict(GOOD, Action="invalid")),
            "identity",
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
            id="action-without-vendor",
        ),
        pytest.param(
            doc(dict(GOOD, Action="s3:List:Bucket")),
            "identity",
            "Actions/Condition can contain only one colon.",
            id="action-two-colons",
        ),
        pytest.param(
            doc(dict(GOOD, Action="a a:Get")), "identity", "Vendor a a is not valid", id="bad-vendor"
        ),
        pytest.param(
            doc(dict(GOOD, Resource="invalid resource")),
            "identity",
            'Resource invalid resource must be in ARN format or "*".',
            id="resource-not-arn",
        ),
        pytest.param(doc(dict(GOOD, Sid=7)), "identity", "Syntax errors in policy.", id="sid-not-string"),
        pytest.param(
            doc(dict(GOOD_TRUST, Principal={"Robot": "x"})),
            "trust",
            "Syntax errors in policy.",
            id="principal-type",
        ),
    ],
)
def test_parse_policy_errors(document: object, kind: str, message: str) -> None:
    """IAM CreatePolicy/PutRolePolicy/CreateRole MalformedPolicyDocument messages, as observed from
    IAM (see helpers/offline/iam/policies.py for sources); str(exc) is the message itself."""
    with pytest.raises(iam.MalformedPolicyDocument) as caught:
        iam.parse_policy(document, kind)
    assert caught.value.message == message
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        pytest.param(doc(GOOD), "identity", id="identity"),
        pytest.param(json.dumps(doc(GOOD)), "identity", id="json-text"),
        pytest.param({"Version": "2012-10-17", "Statement": GOOD}, "identity", id="single-statement-object"),
        pytest.param(dict(doc(GOOD), Version="2008-10-17"), "identity", id="version-2008"),
        pytest.param({"Statement": [GOOD]}, "identity", id="no-version"),
        pytest.param(doc(GOOD), "session", id="session"),
        pytest.param(doc(GOOD_TRUST), "trust", id="trust"),
        pytest.param(
            doc(dict(GOOD, Condition={"NumericLessThan": {"s3:max-keys": 10}})), "identity", id="number"
        ),
        pytest.param(
            doc(dict(GOOD, Condition={"Bool": {"aws:SecureTransport": True}})), "identity", id="bool"
        ),
        pytest.param(doc(dict(GOOD, Condition={"Unknown": {}})), "identity", id="unknown-empty-operator"),
    ],
)
def test_parse_policy_accepts_valid_documents(document: object, kind: str) -> None:
    """reference_policies_grammar: valid documents parse to a fresh dict."""
    parsed = iam.parse_policy(document, kind)
    assert isinstance(parsed, dict)
    assert parsed is not document


def test_evaluate_rejects_malformed_documents() -> None:
    """Policies are validated at the boundary, so a bad document never evaluates silently."""
    with pytest.raises(iam.MalformedPolicyDocument, match="should not specify a principal"):
        iam.evaluate([policy(dict(GOOD, Principal="*"))], iam.Request("s3:GetObject", "*"))


# ---------------------------------------------------------------------------------------------
# Explanations and AccessDenied wording
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("identity", "sessions", "reason"),
    [
        pytest.param([READ], None, "", id="allowed"),
        pytest.param(
            [], None, "because no identity-based policy allows the s3:GetObject action", id="implicit"
        ),
        pytest.param(
            [READ, deny()], None, "with an explicit deny in an identity-based policy", id="explicit-identity"
        ),
        pytest.param(
            [READ], [[WRITE]], "because no session policy allows the s3:GetObject action", id="session"
        ),
        pytest.param(
            [READ], [[READ, deny()]], "with an explicit deny in a session policy", id="explicit-session"
        ),
    ],
)
def test_denial_reason(identity: list[dict], sessions: list[list[dict]] | None, reason: str) -> None:
    """AccessDenied message tails (troubleshoot_access-denied): "... because no identity-based
    policy allows the <action> action" / "... with an explicit deny in a session policy"."""
    session_policies = None if sessions is None else [policy(*s) for s in sessions]
    policies = [policy(*identity)] if identity else []
    decision = iam.evaluate(policies, iam.Request("s3:GetObject", "arn:aws:s3:::b/k"), session_policies)
    assert decision.denial_reason() == reason


def own_prefix_decision(owner: str) -> iam.Decision:
    statement = {
        "Sid": "OwnPrefix",
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::notes/private/${{{SUB}}}/*",
    }
    request = iam.Request("s3:GetObject", f"arn:aws:s3:::notes/private/{owner}/x", {SUB: ALICE})
    return iam.evaluate([policy(statement, name="notes-authenticated-access")], request)


def explain(decision: iam.Decision) -> str:
    """What learners read: the decision's record, rendered."""
    return decisions.explain(decisions.record_of(decision))


def test_explain_allow_names_sid_and_substituted_resource() -> None:
    """Explanations show the deciding statement with its variables substituted."""
    text = explain(own_prefix_decision(ALICE))
    assert text.startswith("ALLOWED: s3:GetObject on ")
    assert "'OwnPrefix'" in text
    assert "'notes-authenticated-access'" in text
    assert f"arn:aws:s3:::notes/private/{ALICE}/*" in text
    assert "${" not in text


def test_explain_implicit_deny_shows_closest_statement() -> None:
    """For an implicit deny the explanation names the nearest statement and why it missed."""
    decision = own_prefix_decision(BOB)
    (result,) = decision.evaluated
    assert result.note == (
        f"Resource arn:aws:s3:::notes/private/{ALICE}/* does not match arn:aws:s3:::notes/private/{BOB}/x"
    )
    assert result.statement["Resource"] == f"arn:aws:s3:::notes/private/{ALICE}/*"
    text = explain(decision)
    assert text.splitlines()[0] == (
        f"DENIED: s3:GetObject on arn:aws:s3:::notes/private/{BOB}/x because no identity-based policy "
        "allows the s3:GetObject action."
    )
    assert "'OwnPrefix'" in text
    assert result.note in text


def test_explain_explicit_deny_shows_deny_statement_and_conditions() -> None:
    """An explicit deny names the Deny statement and each condition's outcome."""
    statements = [
        allow("s3:*", "*"),
        deny("s3:*", "*", Sid="RequireTls", Condition={"Bool": {"aws:SecureTransport": "false"}}),
    ]
    decision = iam.evaluate(
        [policy(*statements)], iam.Request("s3:GetObject", "arn:aws:s3:::b/k", {"aws:SecureTransport": False})
    )
    text = explain(decision)
    assert "with an explicit deny in an identity-based policy" in text
    assert "Denied by statement 'RequireTls'" in text
    assert "Bool aws:SecureTransport false: request false -> matched" in text


def test_explain_condition_failure_and_absent_key() -> None:
    """Condition notes show policy values, request values and absent keys."""
    decision = iam.evaluate_trust(
        COGNITO_TRUST,
        iam.Request(
            "sts:AssumeRoleWithWebIdentity", ROLE, {"cognito-identity.amazonaws.com:aud": POOL}, COGNITO
        ),
    )
    (result,) = decision.evaluated
    amr = result.conditions[1]
    assert (amr.operator, amr.request_values, amr.matched) == ("ForAnyValue:StringLike", None, False)
    assert result.note == (
        "Condition failed: ForAnyValue:StringLike cognito-identity.amazonaws.com:amr authenticated: "
        "request absent -> did not match"
    )
    assert "'CognitoAuthenticated'" in explain(decision)


def test_explain_session_cap_points_at_session_policies() -> None:
    """When only the session policies fail, the near misses come from the session side."""
    decision = iam.evaluate(
        [policy(READ)],
        iam.Request("s3:GetObject", "arn:aws:s3:::b/k"),
        [policy(dict(WRITE, Sid="WriteOnly"), name="session-write")],
    )
    text = explain(decision)
    assert "because no session policy allows the s3:GetObject action" in text
    assert "'WriteOnly' in policy 'session-write'" in text


def test_statement_result_fields() -> None:
    """StatementResult records every part of the match for the explanation UI."""
    condition = {"StringLike": {"s3:prefix": f"private/${{{SUB}}}/*"}}
    statement = allow("s3:ListBucket", BUCKET, Sid="List", Condition=condition)
    request = iam.Request("s3:ListBucket", BUCKET, {SUB: ALICE, "s3:prefix": f"private/{ALICE}/"})
    (result,) = iam.evaluate([policy(statement)], request).evaluated
    assert (result.sid, result.index, result.effect, result.applies) == ("List", 0, "Allow", True)
    assert result.action_matched and result.resource_matched and result.principal_matched
    assert result.conditions == (
        iam.ConditionResult("StringLike", "s3:prefix", (f"private/{ALICE}/*",), (f"private/{ALICE}/",), True),
    )
    assert result.statement["Condition"]["StringLike"]["s3:prefix"] == f"private/{ALICE}/*"
    assert result.note == "Allow applies: action, resource and conditions all match"


def test_a_decision_record_survives_json_unchanged() -> None:
    """The endpoint sends records as JSON (`GET /_lab/decisions`); what the course rebuilds from
    them is the record the evaluator made, so both backends explain a cell the same way."""
    for decision in (own_prefix_decision(ALICE), own_prefix_decision(BOB)):
        record = decisions.record_of(decision, principal_arn="arn:aws:sts::1:assumed-role/r/s", sequence=7)
        again = decisions.DecisionRecord.from_dict(json.loads(json.dumps(record.to_dict())))
        assert again == record
        assert decisions.explain(again) == decisions.explain(record)


def test_a_record_names_the_variables_each_statement_filled_in() -> None:
    record = decisions.record_of(own_prefix_decision(ALICE))
    (deciding,) = record.deciding
    assert deciding.variables == {f"${{{SUB}}}": ALICE}
    assert deciding.statement["Resource"] == f"arn:aws:s3:::notes/private/{ALICE}/*"
