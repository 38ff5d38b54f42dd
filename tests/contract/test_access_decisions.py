"""IAM decisions on S3 and DynamoDB, as AWS makes them.

Principals here come from STS AssumeRole with a session tag `owner`, so these
tests need no identity pool; the policies use `${aws:PrincipalTag/owner}` the
way the course's policies use `${cognito-identity.amazonaws.com:sub}`.
Test bodies use boto3 only, so they can run against a real account.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"

TRUST_ACCOUNT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        }
    ],
}


def _policy(bucket: str, table_arn: str) -> dict[str, Any]:
    owner = "${aws:PrincipalTag/owner}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OwnPrivateObjects",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": f"arn:aws:s3:::{bucket}/private/{owner}/*",
            },
            {
                "Sid": "ListOwnPrefix",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringLike": {"s3:prefix": [f"private/{owner}/*"]}},
            },
            {
                "Sid": "NeverSecrets",
                "Effect": "Deny",
                "Action": "s3:*",
                "Resource": f"arn:aws:s3:::{bucket}/private/*/secret*",
            },
            {
                "Sid": "OwnItems",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                "Resource": table_arn,
                "Condition": {
                    "ForAllValues:StringEquals": {
                        "dynamodb:LeadingKeys": [owner],
                        "dynamodb:Attributes": ["owner", "note_id", "text"],
                    }
                },
            },
        ],
    }


class Lab:
    """One bucket, one table, one role; principals are sessions of that role."""

    def __init__(self, aws: Any) -> None:
        self.aws = aws
        self.bucket = aws.unique("notes").lower()
        self.table = aws.unique("notes")
        self.role_name = aws.unique("role")
        self.table_arn = f"arn:aws:dynamodb:{aws.region}:{ACCOUNT}:table/{self.table}"
        aws.client("s3").create_bucket(Bucket=self.bucket)
        aws.client("dynamodb").create_table(
            TableName=self.table,
            KeySchema=[
                {"AttributeName": "owner", "KeyType": "HASH"},
                {"AttributeName": "note_id", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "owner", "AttributeType": "S"},
                {"AttributeName": "note_id", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        iam = aws.client("iam")
        self.role_arn = iam.create_role(
            RoleName=self.role_name, AssumeRolePolicyDocument=json.dumps(TRUST_ACCOUNT)
        )["Role"]["Arn"]
        iam.put_role_policy(
            RoleName=self.role_name,
            PolicyName="notes-access",
            PolicyDocument=json.dumps(_policy(self.bucket, self.table_arn)),
        )
        aws.client("s3").put_object(Bucket=self.bucket, Key="private/bob/note.txt", Body=b"bob's")

    def session_for(self, owner: str, **assume: Any) -> boto3.Session:
        credentials = self.aws.client("sts").assume_role(
            RoleArn=self.role_arn,
            RoleSessionName=owner,
            Tags=[{"Key": "owner", "Value": owner}],
            **assume,
        )["Credentials"]
        return boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=self.aws.region,
        )

    def client(self, session: boto3.Session, service: str) -> Any:
        return session.client(service, endpoint_url=self.aws.endpoint_url)

    def arn_of(self, session_name: str) -> str:
        return f"arn:aws:sts::{ACCOUNT}:assumed-role/{self.role_name}/{session_name}"


@pytest.fixture(scope="module")
def lab(aws: Any) -> Lab:
    return Lab(aws)


@pytest.fixture(scope="module")
def alice(lab: Lab) -> boto3.Session:
    return lab.session_for("alice")


def _error(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response


# --- S3 -----------------------------------------------------------------------------


def test_own_prefix_allowed_with_policy_variable(lab: Lab, alice: boto3.Session) -> None:
    """A policy variable is replaced by the caller's value before matching.

    IAM User Guide, "IAM policy elements: Variables and tags"
    (reference_policies_variables): `${aws:PrincipalTag/owner}` becomes `alice`.
    """
    s3 = lab.client(alice, "s3")
    s3.put_object(Bucket=lab.bucket, Key="private/alice/a.txt", Body=b"mine")
    assert s3.get_object(Bucket=lab.bucket, Key="private/alice/a.txt")["Body"].read() == b"mine"


def test_other_prefix_denied_with_aws_message(lab: Lab, alice: boto3.Session) -> None:
    """S3 answers 403 AccessDenied naming the assumed role, the action and the quoted resource.

    IAM User Guide troubleshoot_access-denied (message format); S3 User Guide
    troubleshoot-403-errors (same-account requests include the context).
    """
    response = _error(lab.client(alice, "s3").get_object, Bucket=lab.bucket, Key="private/bob/note.txt")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert response["Error"]["Code"] == "AccessDenied"
    assert response["Error"]["Message"] == (
        f"User: {lab.arn_of('alice')} is not authorized to perform: s3:GetObject on resource: "
        f'"arn:aws:s3:::{lab.bucket}/private/bob/note.txt" because no identity-based policy allows '
        "the s3:GetObject action"
    )


def test_a_decision_reaches_the_course_as_data(lab: Lab, alice: boto3.Session, decision_log: Any) -> None:
    """The offline AWS keeps each decision as a record the course reads field by field.

    Not an AWS behaviour (AWS says only which kind of policy failed, in its message): the lab's
    own API, in-process and at `GET /_lab/decisions`. The record carries exactly AWS's answer
    (code and message, as the previous test checks them against the IAM User Guide's format) and
    the statement that came nearest, with the policy variable filled in as IAM evaluated it.
    """
    response = _error(lab.client(alice, "s3").get_object, Bucket=lab.bucket, Key="private/bob/note.txt")
    record = decision_log.newest(alice.get_credentials().access_key)
    assert (record.effect, record.action, record.policy_type) == (
        "ImplicitDeny",
        "s3:GetObject",
        "identity-based",
    )
    assert record.resource == f"arn:aws:s3:::{lab.bucket}/private/bob/note.txt"
    assert (record.error_code, record.error_message) == ("AccessDenied", response["Error"]["Message"])
    assert record.reason == "because no identity-based policy allows the s3:GetObject action"
    nearest = record.nearest
    assert nearest is not None
    assert (nearest.policy_name, nearest.sid, nearest.missed) == (
        "notes-access",
        "OwnPrivateObjects",
        "resource",
    )
    assert nearest.variables == {"${aws:PrincipalTag/owner}": "alice"}
    assert nearest.statement["Resource"] == f"arn:aws:s3:::{lab.bucket}/private/alice/*"
    assert nearest.resource_patterns == (f"arn:aws:s3:::{lab.bucket}/private/alice/*",)

    lab.client(alice, "s3").put_object(Bucket=lab.bucket, Key="private/alice/record.txt", Body=b"mine")
    allowed = decision_log.newest(alice.get_credentials().access_key)
    assert (allowed.effect, allowed.error_code, allowed.reason) == ("Allow", None, "")
    assert [s.sid for s in allowed.deciding] == ["OwnPrivateObjects"]
    assert allowed.sequence > record.sequence


def test_a_failed_condition_is_recorded_with_both_sides(
    lab: Lab, alice: boto3.Session, decision_log: Any
) -> None:
    """A ListBucket outside the caller's prefix misses on its `s3:prefix` condition; the record
    names the condition, the policy's values (variables filled in) and the request's (the lab's
    own API; the condition semantics are the IAM User Guide's, as `test_list_only_own_prefix`)."""
    _error(lab.client(alice, "s3").list_objects_v2, Bucket=lab.bucket, Prefix="private/bob/")
    record = decision_log.newest(alice.get_credentials().access_key)
    nearest = record.nearest
    assert nearest is not None and nearest.sid == "ListOwnPrefix"
    condition = nearest.failed_condition
    assert condition is not None
    assert (condition.operator, condition.key) == ("StringLike", "s3:prefix")
    assert (condition.policy_values, condition.request_values) == (("private/alice/*",), ("private/bob/",))


def test_list_only_own_prefix(lab: Lab, alice: boto3.Session) -> None:
    """`s3:prefix` is the request's prefix parameter; without one the key is absent and StringLike fails.

    S3 User Guide, walkthrough1 ("Null": {"s3:prefix": false}); IAM User Guide
    reference_policies_elements_condition_operators (absent key: condition false).
    """
    s3 = lab.client(alice, "s3")
    assert s3.list_objects_v2(Bucket=lab.bucket, Prefix="private/alice/")["KeyCount"] >= 0
    other = _error(s3.list_objects_v2, Bucket=lab.bucket, Prefix="private/bob/")
    assert other["Error"]["Code"] == "AccessDenied"
    assert "s3:ListBucket" in other["Error"]["Message"]
    everything = _error(s3.list_objects_v2, Bucket=lab.bucket)
    assert everything["Error"]["Code"] == "AccessDenied"


def test_explicit_deny_beats_allow(lab: Lab, alice: boto3.Session) -> None:
    """An explicit Deny wins over any Allow, and the message says so.

    IAM User Guide, reference_policies_evaluation-logic; troubleshoot_access-denied
    ("with an explicit deny in an identity-based policy").
    """
    response = _error(
        lab.client(alice, "s3").put_object, Bucket=lab.bucket, Key="private/alice/secret.txt", Body=b"x"
    )
    assert response["Error"]["Code"] == "AccessDenied"
    assert response["Error"]["Message"].endswith("with an explicit deny in an identity-based policy")


def test_session_policy_intersects(lab: Lab) -> None:
    """A session policy can only narrow what the role allows.

    IAM User Guide, access_policies#policies_session: permissions are the
    intersection of the role's policies and the session policy.
    """
    read_only = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    session = lab.session_for("carol", Policy=json.dumps(read_only))
    s3 = lab.client(session, "s3")
    response = _error(s3.put_object, Bucket=lab.bucket, Key="private/carol/a.txt", Body=b"x")
    assert response["Error"]["Code"] == "AccessDenied"
    assert response["Error"]["Message"].endswith("because no session policy allows the s3:PutObject action")


def test_unknown_access_key_rejected(lab: Lab, aws: Any) -> None:
    """S3 rejects an access key it does not know with InvalidAccessKeyId (403).

    S3 API Reference, "Error responses" (InvalidAccessKeyId).
    """
    s3 = aws.client("s3", aws_access_key_id="AKIAEXAMPLEUNKNOWN00", aws_secret_access_key="x")
    response = _error(s3.get_object, Bucket=lab.bucket, Key="private/bob/note.txt")
    assert response["Error"]["Code"] == "InvalidAccessKeyId"
    assert response["Error"]["Message"] == "The AWS Access Key Id you provided does not exist in our records."


# --- DynamoDB -------------------------------------------------------------------------


def _item(owner: str, note_id: str = "n1") -> dict[str, Any]:
    return {"owner": {"S": owner}, "note_id": {"S": note_id}, "text": {"S": "hello"}}


def test_own_leading_key_allowed(lab: Lab, alice: boto3.Session) -> None:
    """`dynamodb:LeadingKeys` is the partition key in the request; the table ARN is the resource.

    DynamoDB Developer Guide, "Using IAM policy conditions for fine-grained access control".
    """
    dynamodb = lab.client(alice, "dynamodb")
    dynamodb.put_item(TableName=lab.table, Item=_item("alice"))
    found = dynamodb.query(
        TableName=lab.table,
        KeyConditionExpression="#o = :me",
        ExpressionAttributeNames={"#o": "owner"},
        ExpressionAttributeValues={":me": {"S": "alice"}},
    )
    assert found["Count"] == 1


def test_other_leading_key_denied_with_aws_message(lab: Lab, alice: boto3.Session) -> None:
    """DynamoDB answers HTTP 400 AccessDeniedException; the table ARN is not quoted.

    IAM User Guide troubleshoot_access-denied; observed DynamoDB denial
    (ministryofjustice/modernisation-platform#6789, StatusCode 400).
    """
    response = _error(lab.client(alice, "dynamodb").put_item, TableName=lab.table, Item=_item("bob"))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Code"] == "AccessDeniedException"
    assert response["Error"]["Message"] == (
        f"User: {lab.arn_of('alice')} is not authorized to perform: dynamodb:PutItem on resource: "
        f"{lab.table_arn} because no identity-based policy allows the dynamodb:PutItem action"
    )


def test_query_other_partition_denied(lab: Lab, alice: boto3.Session) -> None:
    """A Query's partition key value comes from KeyConditionExpression.

    DynamoDB Developer Guide, specifying-conditions (LeadingKeys applies to Query).
    """
    response = _error(
        lab.client(alice, "dynamodb").query,
        TableName=lab.table,
        KeyConditionExpression="#o = :who",
        ExpressionAttributeNames={"#o": "owner"},
        ExpressionAttributeValues={":who": {"S": "bob"}},
    )
    assert response["Error"]["Code"] == "AccessDeniedException"


def test_scan_not_granted(lab: Lab, alice: boto3.Session) -> None:
    """Scan is not in the policy's actions, so it is denied (no identity-based policy allows it).

    DynamoDB Developer Guide, specifying-conditions: Scan is left out because it
    "returns all items regardless of the leading keys".
    """
    response = _error(lab.client(alice, "dynamodb").scan, TableName=lab.table)
    assert response["Error"]["Code"] == "AccessDeniedException"
    assert "dynamodb:Scan" in response["Error"]["Message"]


def test_attributes_condition(lab: Lab, alice: boto3.Session) -> None:
    """`dynamodb:Attributes` lists the attributes a request names; ForAllValues limits them.

    DynamoDB Developer Guide, specifying-conditions ("dynamodb:Attributes").
    """
    dynamodb = lab.client(alice, "dynamodb")
    key = {"owner": {"S": "alice"}, "note_id": {"S": "n1"}}
    assert dynamodb.get_item(
        TableName=lab.table, Key=key, ProjectionExpression="#t", ExpressionAttributeNames={"#t": "text"}
    )
    response = _error(
        dynamodb.get_item,
        TableName=lab.table,
        Key=key,
        ProjectionExpression="#s",
        ExpressionAttributeNames={"#s": "salary"},
    )
    assert response["Error"]["Code"] == "AccessDeniedException"


# --- STS ------------------------------------------------------------------------------


def test_caller_identity_names_the_session(lab: Lab, alice: boto3.Session) -> None:
    """GetCallerIdentity needs no permission and returns the assumed-role ARN.

    STS API Reference, GetCallerIdentity ("No permissions are required").
    """
    identity = lab.client(alice, "sts").get_caller_identity()
    assert identity["Arn"] == lab.arn_of("alice")
    assert identity["UserId"].endswith(":alice")


def test_trust_policy_must_allow_the_caller(lab: Lab, aws: Any) -> None:
    """AssumeRole is refused when the role's trust policy does not name the caller.

    IAM User Guide, id_roles_use_permissions-to-switch; STS API AssumeRole (AccessDenied).
    """
    iam = aws.client("iam")
    name = aws.unique("untrusting")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    response = _error(aws.client("sts").assume_role, RoleArn=arn, RoleSessionName="someone")
    assert response["Error"]["Code"] == "AccessDenied"
    assert "is not authorized to perform: sts:AssumeRole on resource: " + arn in response["Error"]["Message"]


def test_expired_session_refused(lab: Lab, offline_clock: Any) -> None:
    """Temporary credentials stop working at their expiry.

    STS API AssumeRole (DurationSeconds); DynamoDB "Common errors" (ExpiredTokenException).
    """
    session = lab.session_for("dave", DurationSeconds=900)
    dynamodb = lab.client(session, "dynamodb")
    offline_clock.advance(901)
    response = _error(
        dynamodb.get_item, TableName=lab.table, Key={"owner": {"S": "dave"}, "note_id": {"S": "n"}}
    )
    assert response["Error"]["Code"] == "ExpiredTokenException"
    assert response["Error"]["Message"] == "The security token included in the request is expired"


def test_wrong_secret_key_rejected(lab: Lab) -> None:
    """A request signed with the wrong secret fails signature verification.

    S3 API Reference, "Error responses" (SignatureDoesNotMatch, 403); DynamoDB
    Developer Guide, "Error handling" (InvalidSignatureException, 400).
    """
    good = lab.session_for("erin").get_credentials()
    forged = boto3.Session(
        aws_access_key_id=good.access_key,
        aws_secret_access_key="not-the-secret",
        aws_session_token=good.token,
        region_name=lab.aws.region,
    )
    s3 = _error(lab.client(forged, "s3").get_object, Bucket=lab.bucket, Key="private/erin/x")
    assert (s3["ResponseMetadata"]["HTTPStatusCode"], s3["Error"]["Code"]) == (403, "SignatureDoesNotMatch")
    dynamodb = _error(
        lab.client(forged, "dynamodb").get_item,
        TableName=lab.table,
        Key={"owner": {"S": "erin"}, "note_id": {"S": "n"}},
    )
    assert (dynamodb["ResponseMetadata"]["HTTPStatusCode"], dynamodb["Error"]["Code"]) == (
        400,
        "InvalidSignatureException",
    )
