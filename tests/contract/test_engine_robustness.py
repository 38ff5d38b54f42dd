"""Property tests: odd input gets AWS's 4xx, never a 500, and never an allow the policy does not grant.

Each property states what AWS does for any input of its kind: a malformed policy is a
MalformedPolicyDocument (IAM API Reference, PutRolePolicy), and a principal whose policy grants
only its own prefix or partition key is denied everything else (IAM User Guide,
reference_policies_evaluation-logic: no applicable Allow means implicit deny).
"""

from __future__ import annotations

import json
import string
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

ACCOUNT = "123456789012"
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
policy_like = st.fixed_dictionaries(
    {"Version": st.sampled_from(["2012-10-17", "2008-10-17", "2020-01-01"])},
    optional={
        "Statement": st.lists(
            st.dictionaries(
                st.sampled_from(
                    ["Effect", "Action", "NotAction", "Resource", "Principal", "Condition", "Sid"]
                ),
                json_values,
                max_size=5,
            ),
            max_size=3,
        )
    },
)


class Owned:
    """A role that may touch only `private/alice/...` objects and items keyed `alice`."""

    def __init__(self, aws: Any) -> None:
        self.aws = aws
        self.bucket = aws.unique("fuzz").lower()
        self.table = aws.unique("fuzz")
        aws.client("s3").create_bucket(Bucket=self.bucket)
        aws.client("dynamodb").create_table(
            TableName=self.table,
            KeySchema=[{"AttributeName": "owner", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "owner", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:GetObject"],
                    "Resource": f"arn:aws:s3:::{self.bucket}/private/alice/*",
                },
                {
                    "Effect": "Allow",
                    "Action": ["dynamodb:PutItem", "dynamodb:GetItem"],
                    "Resource": f"arn:aws:dynamodb:{aws.region}:{ACCOUNT}:table/{self.table}",
                    "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["alice"]}},
                },
            ],
        }
        iam = aws.client("iam")
        self.role = aws.unique("fuzz")
        arn = iam.create_role(RoleName=self.role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        iam.put_role_policy(RoleName=self.role, PolicyName="own", PolicyDocument=json.dumps(policy))
        credentials = aws.client("sts").assume_role(RoleArn=arn, RoleSessionName="alice")["Credentials"]
        self.credentials = Credentials(
            credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]
        )
        session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=aws.region,
        )
        self.s3 = session.client("s3", endpoint_url=aws.endpoint_url)
        self.dynamodb = session.client("dynamodb", endpoint_url=aws.endpoint_url)


@pytest.fixture(scope="module")
def owned(aws: Any) -> Owned:
    if aws.mode == "real":
        pytest.skip("property tests make hundreds of calls: offline only")
    return Owned(aws)


def _status(call: Any, **kwargs: Any) -> tuple[int, str]:
    try:
        call(**kwargs)
    except ClientError as error:
        return error.response["ResponseMetadata"]["HTTPStatusCode"], error.response["Error"]["Code"]
    return 200, ""


@FAST
@given(document=policy_like | st.text(max_size=60))
def test_any_policy_document_is_accepted_or_malformed(owned: Owned, document: Any) -> None:
    """PutRolePolicy answers 200 or 400 MalformedPolicyDocument, never a server error."""
    text = document if isinstance(document, str) else json.dumps(document)
    status, code = _status(
        owned.aws.client("iam").put_role_policy,
        RoleName=owned.role,
        PolicyName="fuzzed",
        PolicyDocument=text or " ",
    )
    assert (status, code) in {(200, ""), (400, "MalformedPolicyDocument")}


keys = st.text(alphabet=string.ascii_letters + string.digits + "/-_.!*'()", min_size=1, max_size=40)


@FAST
@given(key=keys | keys.map(lambda k: "private/alice/" + k) | keys.map(lambda k: "private/alice" + k))
@example(key="/")  # signed as "//": once answered SignatureDoesNotMatch in-process
@example(key="private/alice//x")
def test_s3_allows_exactly_the_granted_prefix(owned: Owned, key: str) -> None:
    """An object is writable exactly when its ARN matches `private/alice/*`; otherwise 403 AccessDenied."""
    status, code = _status(owned.s3.put_object, Bucket=owned.bucket, Key=key, Body=b"x")
    if key.startswith("private/alice/"):
        assert (status, code) == (200, "")
    else:
        assert (status, code) == (403, "AccessDenied")


@FAST
@given(owner=st.text(min_size=1, max_size=30) | st.just("alice"))
def test_dynamodb_allows_exactly_the_granted_partition(owned: Owned, owner: str) -> None:
    """An item is writable exactly when its partition key is `alice`; otherwise 400 AccessDeniedException."""
    status, code = _status(owned.dynamodb.put_item, TableName=owned.table, Item={"owner": {"S": owner}})
    if owner == "alice":
        assert (status, code) == (200, "")
    else:
        assert (status, code) == (400, "AccessDeniedException")


def _raw_status(aws: Any, credentials: Credentials, target: str, body: bytes) -> int:
    """POST a signed DynamoDB request with a body boto3 would refuse to build."""
    request = AWSRequest(
        method="POST",
        url=f"{aws.endpoint_url}/",
        data=body,
        headers={"X-Amz-Target": f"DynamoDB_20120810.{target}", "Content-Type": "application/x-amz-json-1.0"},
    )
    SigV4Auth(credentials, "dynamodb", aws.region).add_auth(request)
    try:
        with urlopen(
            Request(request.url, body, dict(request.headers.items()), method="POST"), timeout=10
        ) as reply:
            return reply.status
    except HTTPError as error:
        return error.code


@FAST
@given(
    target=st.sampled_from(["GetItem", "PutItem", "Query", "Scan", "BatchWriteItem"]),
    parameters=st.dictionaries(
        st.sampled_from(["Key", "Item", "KeyConditionExpression", "ProjectionExpression", "RequestItems"]),
        json_values,
        max_size=3,
    ),
)
def test_odd_dynamodb_requests_never_fail_as_server_errors(
    owned: Owned, target: str, parameters: dict[str, Any]
) -> None:
    """Whatever the body, the engine's reading of it (LeadingKeys, Attributes) never turns into a 5xx."""
    if owned.aws.mode != "server":
        pytest.skip("raw HTTP bodies need the endpoint")
    body = json.dumps({"TableName": owned.table, **parameters}).encode()
    assert _raw_status(owned.aws, owned.credentials, target, body) < 500


class Federated:
    """A user pool, an identity pool that trusts it, and one real ID and access token."""

    def __init__(self, build: Any) -> None:
        self.idp, self.identity = build.idp, build.ci
        self.pool_id, client_id = build.user_pool(("alice",), "Corr3ct-Horse!")
        tokens = self.idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": "Corr3ct-Horse!"},
        )["AuthenticationResult"]
        self.id_token, self.access_token = tokens["IdToken"], tokens["AccessToken"]
        self.provider = build.provider(self.pool_id)
        self.identity_pool_id = build.identity_pool(
            AllowUnauthenticatedIdentities=False,
            AllowClassicFlow=False,
            CognitoIdentityProviders=[{"ProviderName": self.provider, "ClientId": client_id}],
        )


@pytest.fixture(scope="module")
def federated(aws: Any, build: Any) -> Federated:
    if aws.mode == "real":
        pytest.skip("property tests make hundreds of calls: offline only")
    return Federated(build)


def _mutated(token: str, position: int, replacement: str) -> str:
    """The token with one character changed (never to the same character)."""
    position %= len(token)
    if token[position] == replacement or token[position] == ".":
        replacement = "A" if token[position] != "A" else "B"
        position = position if token[position] != "." else position - 1
    return token[:position] + replacement + token[position + 1 :]


# boto3 itself refuses empty strings, so every generated token has at least one character.
jwt_like = (
    st.lists(st.text(string.ascii_letters + string.digits + "-_", max_size=40), min_size=1, max_size=5)
    .map(".".join)
    .filter(bool)
)


@FAST
@given(
    logins=st.dictionaries(
        st.text(min_size=1, max_size=60) | st.sampled_from(["accounts.example.com"]), jwt_like, max_size=3
    )
)
def test_random_logins_never_get_an_identity(federated: Federated, logins: dict[str, str]) -> None:
    """GetId with Logins that are not a valid token from a configured provider is refused with a 4xx.

    Cognito Identity API, GetId (NotAuthorizedException / InvalidParameterException /
    ResourceNotFoundException); nothing here is a valid sign-in, so no identity is handed out.
    """
    status, code = _status(
        federated.identity.get_id, IdentityPoolId=federated.identity_pool_id, Logins=logins
    )
    assert 400 <= status < 500, (status, code)
    assert code in {"NotAuthorizedException", "InvalidParameterException", "ResourceNotFoundException"}


@FAST
@given(position=st.integers(min_value=0), replacement=st.sampled_from(list("AbZ09-_x")))
def test_a_tampered_id_token_is_refused(federated: Federated, position: int, replacement: str) -> None:
    """Changing any character of a signed ID token makes GetId refuse it (the signature no longer verifies).

    Cognito Developer Guide, "Verifying a JSON web token"; observed AWS message for a forged
    token: "Invalid login token. Couldn't verify signed token." (amazon-cognito-identity-js#91).
    """
    tampered = _mutated(federated.id_token, position, replacement)
    status, code = _status(
        federated.identity.get_id,
        IdentityPoolId=federated.identity_pool_id,
        Logins={federated.provider: tampered},
    )
    assert (status, code) == (400, "NotAuthorizedException")


@FAST
@given(token=jwt_like | st.builds(_mutated, st.just("x"), st.integers(0), st.just("y")))
def test_random_access_tokens_are_refused(federated: Federated, token: str) -> None:
    """GetUser with anything but a live access token is NotAuthorizedException, never a server error.

    Cognito User Pools API, GetUser (NotAuthorizedException).
    """
    status, code = _status(federated.idp.get_user, AccessToken=token or "x")
    assert (status, code) == (400, "NotAuthorizedException")


@FAST
@given(position=st.integers(min_value=0), replacement=st.sampled_from(list("AbZ09-_x")))
def test_a_tampered_access_token_is_refused(federated: Federated, position: int, replacement: str) -> None:
    """Changing any character of a signed access token makes GetUser refuse it.

    Cognito User Pools API, GetUser; Developer Guide "Verifying a JSON web token".
    """
    tampered = _mutated(federated.access_token, position, replacement)
    status, code = _status(federated.idp.get_user, AccessToken=tampered)
    assert (status, code) == (400, "NotAuthorizedException")
