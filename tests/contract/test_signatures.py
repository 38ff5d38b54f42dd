"""Requests boto3 signs for an IAM user are accepted, whatever the service and the path.

AWS recomputes every SigV4 signature over the canonical request the client built
(AWS General Reference, "Create a signed AWS API request": canonical URI, query,
headers, and the hash of the payload). The engine does the same with the caller's
secret key, so it must build the canonical request exactly as botocore does for every
protocol: JSON (Cognito, DynamoDB), query (IAM, STS), S3's un-normalised keys, and the
REST paths of Lambda and API Gateway (bodiless GETs, names with ``:`` and ``%``).

These tests need the keys of an IAM user this test creates, so they run offline only:
on AWS the same calls are simply calls.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
# What a wrong signature is answered with (JSON services; S3, IAM and STS).
SIGNATURE_ERRORS = {"InvalidSignatureException", "SignatureDoesNotMatch"}
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@dataclass
class Signed:
    """Clients holding an IAM user's keys (the user may do anything: only the signature is tested)."""

    aws: Any
    session: boto3.Session
    bucket: str
    table: str
    function: str
    rest_api: str
    http_api: str

    def client(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.aws.endpoint_url)


def _zipped_handler() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def signed(aws: Any) -> Iterator[Signed]:
    if aws.mode == "real":
        pytest.skip("creates an IAM user with keys: offline only")
    iam = aws.client("iam")
    user = aws.unique("signer")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="all", PolicyDocument=json.dumps(ALLOW_ALL))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    session = boto3.Session(
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        region_name=aws.region,
    )
    role = iam.create_role(RoleName=aws.unique("fn"), AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    function = aws.unique("fn")
    aws.client("lambda").create_function(
        FunctionName=function,
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="handler.handle",
        Code={"ZipFile": _zipped_handler()},
    )
    bucket = aws.unique("signed").lower()
    aws.client("s3").create_bucket(Bucket=bucket)
    table = aws.unique("signed")
    aws.client("dynamodb").create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "owner", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "owner", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    rest_api = aws.client("apigateway").create_rest_api(name=aws.unique("rest"))["id"]
    http_api = aws.client("apigatewayv2").create_api(Name=aws.unique("http"), ProtocolType="HTTP")["ApiId"]
    yield Signed(aws, session, bucket, table, function, rest_api, http_api)


# Tricky S3 keys: botocore signs S3 paths without normalising them (no "//" collapsing,
# no ".." resolution) and quotes everything but "/~" once.
S3_KEYS = ["plain.txt", "a b/c%d+e~f:g", "ünïcödé/ß.txt", "/leading", "double//slash", "dots/../x", "=&?#"]


def _s3_round_trip(signed: Signed, key: str) -> Any:
    s3 = signed.client("s3")
    s3.put_object(Bucket=signed.bucket, Key=key, Body=b"x")
    s3.head_object(Bucket=signed.bucket, Key=key)
    s3.list_objects_v2(Bucket=signed.bucket, Prefix=key[:3], Delimiter="/")
    return s3.get_object(Bucket=signed.bucket, Key=key)["Body"].read()


CALLS: dict[str, Callable[[Signed], Any]] = {
    "sts GetCallerIdentity": lambda s: s.client("sts").get_caller_identity(),
    "iam ListRoles (query)": lambda s: s.client("iam").list_roles(PathPrefix="/"),
    "cognito-idp ListUserPools": lambda s: s.client("cognito-idp").list_user_pools(MaxResults=5),
    "cognito-identity ListIdentityPools": lambda s: s.client("cognito-identity").list_identity_pools(
        MaxResults=5
    ),
    "dynamodb GetItem": lambda s: s.client("dynamodb").get_item(
        TableName=s.table, Key={"owner": {"S": "a b:c%d"}}
    ),
    "lambda ListFunctions": lambda s: s.client("lambda").list_functions(MaxItems=5),
    "lambda GetFunction": lambda s: s.client("lambda").get_function(FunctionName=s.function),
    "lambda GetFunctionConfiguration": lambda s: s.client("lambda").get_function_configuration(
        FunctionName=s.function
    ),
    "lambda GetFunction by ARN (colons)": lambda s: s.client("lambda").get_function(
        FunctionName=f"arn:aws:lambda:{s.aws.region}:{ACCOUNT}:function:{s.function}"
    ),
    "lambda GetFunction with a qualifier ($)": lambda s: s.client("lambda").get_function(
        FunctionName=s.function, Qualifier="$LATEST"
    ),
    "lambda ListTags (ARN in the path)": lambda s: s.client("lambda").list_tags(
        Resource=f"arn:aws:lambda:{s.aws.region}:{ACCOUNT}:function:{s.function}"
    ),
    "apigateway GetRestApis": lambda s: s.client("apigateway").get_rest_apis(limit=5),
    "apigateway GetResources": lambda s: s.client("apigateway").get_resources(restApiId=s.rest_api),
    "apigatewayv2 GetApis": lambda s: s.client("apigatewayv2").get_apis(MaxResults="5"),
    "apigatewayv2 GetApi": lambda s: s.client("apigatewayv2").get_api(ApiId=s.http_api),
    **{f"s3 object {key!r}": (lambda s, key=key: _s3_round_trip(s, key)) for key in S3_KEYS},
}


@pytest.mark.parametrize("name", list(CALLS))
def test_boto3_signed_requests_of_an_iam_user_are_accepted(signed: Signed, name: str) -> None:
    """boto3's own signature, with an IAM user's keys, passes the engine's SigV4 check.

    Source: AWS General Reference, "Create a signed AWS API request" (the canonical
    request AWS recomputes) and botocore's SigV4Auth / S3SigV4Auth, which build it.
    """
    try:
        CALLS[name](signed)
    except ClientError as error:
        raise AssertionError(error.response["Error"]) from None


@pytest.mark.parametrize("name", list(CALLS))
def test_the_same_requests_with_a_wrong_secret_key_are_refused(signed: Signed, name: str) -> None:
    """Canonicalising the paths must not accept what AWS refuses: a wrong secret key fails.

    Source: AWS General Reference, "Create a signed AWS API request" (a signature made with
    another key does not match); S3 answers SignatureDoesNotMatch, the JSON and REST services
    InvalidSignatureException (Lambda API Reference, "Common errors").
    """
    credentials = signed.session.get_credentials()
    wrong = Signed(
        **{
            **signed.__dict__,
            "session": boto3.Session(
                aws_access_key_id=credentials.access_key,
                aws_secret_access_key=credentials.secret_key + "x",
                region_name=signed.aws.region,
            ),
        }
    )
    with pytest.raises(ClientError) as raised:
        CALLS[name](wrong)
    assert raised.value.response["Error"]["Code"] in SIGNATURE_ERRORS
