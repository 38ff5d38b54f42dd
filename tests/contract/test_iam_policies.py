"""IAM refuses malformed policies with MalformedPolicyDocument, as AWS does.

Messages follow IAM's answers as recorded by moto's policy validation tests
(checked against IAM) and the IAM User Guide's policy grammar
(reference_policies_grammar); the ones moto misses are added by the engine.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

COGNITO_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    "cognito-identity.amazonaws.com:aud": "us-east-1:00000000-0000-0000-0000-000000000000"
                },
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            },
        }
    ],
}


@pytest.fixture(scope="module")
def role(aws: Any) -> str:
    name = aws.unique("policy-checks")
    aws.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(COGNITO_TRUST))
    return name


def _statement(**fields: Any) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [fields]})


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param("{not json", "Syntax errors in policy.", id="not-json"),
        pytest.param(
            _statement(Effect="Allow", Action="s3:GetObject"),
            "Policy statement must contain resources.",
            id="no-resource",
        ),
        pytest.param(
            _statement(Effect="Allow", Principal="*", Action="s3:GetObject", Resource="*"),
            "Policy document should not specify a principal.",
            id="principal-in-identity-policy",
        ),
        pytest.param(
            _statement(Effect="Allow", Action="GetObject", Resource="*"),
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
            id="action-without-service",
        ),
        pytest.param(
            _statement(
                Effect="Allow", Action="s3:GetObject", Resource="*", Condition={"StringEqualz": {"a": "b"}}
            ),
            "Syntax errors in policy.",
            id="unknown-operator",
        ),
    ],
)
def test_malformed_permission_policy_refused(aws: Any, role: str, document: str, message: str) -> None:
    """PutRolePolicy refuses a malformed document with IAM's own message.

    IAM API Reference, PutRolePolicy (MalformedPolicyDocument); IAM User Guide,
    reference_policies_grammar and reference_policies_elements_principal
    ("You cannot use the Principal element in an identity-based policy").
    """
    with pytest.raises(ClientError) as caught:
        aws.client("iam").put_role_policy(RoleName=role, PolicyName="bad", PolicyDocument=document)
    assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocument"
    assert caught.value.response["Error"]["Message"] == message


def test_trust_policy_with_resource_refused(aws: Any) -> None:
    """A role trust policy may not name a Resource: the role itself is the resource.

    IAM User Guide, reference_policies_elements_resource ("Resource ... not used in
    trust policies"); observed IAM message "Has prohibited field Resource".
    """
    trust = json.loads(json.dumps(COGNITO_TRUST))
    trust["Statement"][0]["Resource"] = "*"
    with pytest.raises(ClientError) as caught:
        aws.client("iam").create_role(
            RoleName=aws.unique("bad-trust"), AssumeRolePolicyDocument=json.dumps(trust)
        )
    assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocument"
    assert caught.value.response["Error"]["Message"] == "Has prohibited field Resource"


def test_course_policies_accepted(aws: Any, role: str) -> None:
    """The policy shapes the course teaches are valid IAM policies (no false refusals).

    Cognito Developer Guide, iam-roles ("Access policies" examples); IAM User Guide,
    reference_policies_examples_dynamodb_items.
    """
    sub = "${cognito-identity.amazonaws.com:sub}"
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": f"arn:aws:s3:::notes/private/{sub}/*",
            },
            {
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::notes",
                "Condition": {"StringLike": {"s3:prefix": [f"private/{sub}/*"]}},
            },
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/notes",
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [sub]}},
            },
        ],
    }
    aws.client("iam").put_role_policy(RoleName=role, PolicyName="course", PolicyDocument=json.dumps(document))
    stored = aws.client("iam").get_role_policy(RoleName=role, PolicyName="course")["PolicyDocument"]
    assert stored == document


def _identity_pool_trust(**overrides: Any) -> dict[str, Any]:
    trust = json.loads(json.dumps(COGNITO_TRUST))
    statement = trust["Statement"][0]
    for name, value in overrides.items():
        if value is None:
            statement.pop(name, None)
        else:
            statement[name] = value
    return trust


AMR_ONLY = {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}
ANY_POOL = {"StringLike": {"cognito-identity.amazonaws.com:aud": "*"}}
OTHER_POOLS = {"StringNotEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:0"}}


@pytest.mark.parametrize(
    "trust",
    [
        pytest.param(_identity_pool_trust(Condition=None), id="no-condition"),
        pytest.param(_identity_pool_trust(Condition=AMR_ONLY), id="amr-only"),
        pytest.param(_identity_pool_trust(Condition=ANY_POOL), id="aud-wildcard"),
        pytest.param(_identity_pool_trust(Condition=OTHER_POOLS), id="aud-negated"),
        pytest.param(
            _identity_pool_trust(Condition=None, Principal={"Service": "cognito-identity.amazonaws.com"}),
            id="as-service-principal",
        ),
        pytest.param(
            _identity_pool_trust(Condition=None, Action=["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]),
            id="with-tag-session",
        ),
    ],
)
def test_identity_pool_role_that_any_identity_pool_could_assume_is_refused(
    aws: Any, trust: dict[str, Any]
) -> None:
    """IAM refuses, on CreateRole and UpdateAssumeRolePolicy, a trust policy that lets
    cognito-identity.amazonaws.com assume the role without limiting `aud` to identity pools.

    Source: Cognito Developer Guide, "IAM roles" ("you can't create or modify a role trust
    policy to permit any identity pool to assume the role"), "Security best practices for
    identity pools"; STS API Reference, AssumeRoleWithWebIdentity RoleArn (such trust policies
    "must contain the cognito-identity.amazonaws.com:aud condition key"). IAM's code for a
    refused document is MalformedPolicyDocument (400); its message here is UNCONFIRMED.
    """
    iam = aws.client("iam")
    with pytest.raises(ClientError) as caught:
        iam.create_role(RoleName=aws.unique("any-pool"), AssumeRolePolicyDocument=json.dumps(trust))
    error = caught.value.response
    assert (error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"]) == (
        400,
        "MalformedPolicyDocument",
    )

    name = aws.unique("one-pool")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(COGNITO_TRUST))
    try:
        with pytest.raises(ClientError) as caught:
            iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
        assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocument"
        stored = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
        assert stored == COGNITO_TRUST
    finally:
        iam.delete_role(RoleName=name)


@pytest.mark.parametrize(
    "trust",
    [
        pytest.param(COGNITO_TRUST, id="aud-and-amr"),
        pytest.param(
            _identity_pool_trust(
                Condition={"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:0"}}
            ),
            id="aud-only",
        ),
        pytest.param(_identity_pool_trust(Condition=None, Action="sts:AssumeRole"), id="not-web-identity"),
    ],
)
def test_identity_pool_role_limited_to_a_pool_is_accepted(aws: Any, trust: dict[str, Any]) -> None:
    """A trust policy whose `aud` names the identity pool is accepted, with or without `amr`;
    one that does not grant sts:AssumeRoleWithWebIdentity is not this rule's business.

    Source: Cognito Developer Guide, "Role trust and permissions" (the example trust policy)
    and "IAM roles" (the rule above concerns roles identity pools can assume).
    """
    iam = aws.client("iam")
    name = aws.unique("one-pool")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    iam.delete_role(RoleName=name)
