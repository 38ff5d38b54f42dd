"""How much the faithful engine costs per call, next to stock moto, in one run.

    python tests/benchmarks/bench_engine.py [--calls 200] [--rounds 5]

Prints, for the same S3 and DynamoDB calls:
  - stock moto (no engine, moto's default: no authorization),
  - the engine as the lab administrator (signature check, no policy evaluation),
  - the engine as a signed-in learner (signature check + IAM policy evaluation),
the median per-call time over several rounds and the ratio to stock moto (goal: at
most 1.5x), then the time of the whole learner path: SRP sign-in -> GetId ->
GetCredentialsForIdentity -> 10 calls. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3
from moto import mock_aws

from helpers.offline import engine

REGION = "us-east-1"
ACCOUNT = "123456789012"
BUCKET = "bench-notes"
TABLE = "bench-notes"
ADMIN = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": REGION}

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": f"arn:aws:s3:::{BUCKET}/private/${{aws:PrincipalTag/owner}}/*",
        },
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": f"arn:aws:s3:::{BUCKET}",
            "Condition": {"StringLike": {"s3:prefix": ["private/${aws:PrincipalTag/owner}/*"]}},
        },
        {
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
            "Resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}",
            "Condition": {
                "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:PrincipalTag/owner}"]}
            },
        },
    ],
}


def _create_resources() -> None:
    boto3.client("s3", **ADMIN).create_bucket(Bucket=BUCKET)
    boto3.client("dynamodb", **ADMIN).create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "owner", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "owner", "AttributeType": "S"},
            {"AttributeName": "n", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def _learner_session() -> boto3.Session:
    iam = boto3.client("iam", **ADMIN)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ],
    }
    arn = iam.create_role(RoleName="bench", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName="bench", PolicyName="bench", PolicyDocument=json.dumps(POLICY))
    credentials = boto3.client("sts", **ADMIN).assume_role(
        RoleArn=arn, RoleSessionName="alice", Tags=[{"Key": "owner", "Value": "alice"}]
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


def _calls(session: boto3.Session) -> dict[str, Callable[[int], Any]]:
    s3 = session.client("s3")
    dynamodb = session.client("dynamodb")
    return {
        "s3 PutObject": lambda i: s3.put_object(Bucket=BUCKET, Key=f"private/alice/{i}.txt", Body=b"note"),
        "s3 GetObject": lambda i: s3.get_object(Bucket=BUCKET, Key=f"private/alice/{i}.txt")["Body"].read(),
        "s3 ListObjectsV2": lambda i: s3.list_objects_v2(Bucket=BUCKET, Prefix="private/alice/", MaxKeys=5),
        "dynamodb PutItem": lambda i: dynamodb.put_item(
            TableName=TABLE, Item={"owner": {"S": "alice"}, "n": {"S": str(i)}}
        ),
        "dynamodb GetItem": lambda i: dynamodb.get_item(
            TableName=TABLE, Key={"owner": {"S": "alice"}, "n": {"S": str(i)}}
        ),
        "dynamodb Query": lambda i: dynamodb.query(
            TableName=TABLE,
            KeyConditionExpression="#o = :o",
            ExpressionAttributeNames={"#o": "owner"},
            ExpressionAttributeValues={":o": {"S": "alice"}},
            Limit=5,
        ),
    }


def _per_call_ms(calls: dict[str, Callable[[int], Any]], count: int) -> dict[str, float]:
    timings = {}
    for name, call in calls.items():
        call(0)  # warm the client (endpoint resolution, first-request caches)
        start = time.perf_counter()
        for i in range(count):
            call(i)
        timings[name] = (time.perf_counter() - start) / count * 1000
    return timings


def _measure_stock(count: int) -> dict[str, float]:
    engine.uninstall()
    with mock_aws(config={"core": {"mock_credentials": False}}):
        _create_resources()
        return _per_call_ms(_calls(boto3.Session(**ADMIN)), count)


def _measure_engine(count: int) -> tuple[dict[str, float], dict[str, float]]:
    with engine.in_process():
        _create_resources()
        admin = _per_call_ms(_calls(boto3.Session(**ADMIN)), count)
        learner = _per_call_ms(_calls(_learner_session()), count)
    return admin, learner


def _learner_path_seconds() -> float:
    """Sign-in -> identity -> credentials -> 10 calls, with the engine in-process."""
    from pycognito import Cognito

    with engine.in_process():
        _create_resources()
        idp = boto3.client("cognito-idp", **ADMIN)
        pool_id = idp.create_user_pool(PoolName="bench", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
        client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="bench")["UserPoolClient"][
            "ClientId"
        ]
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username="alice",
            UserAttributes=[{"Name": "email", "Value": "alice@example.com"}],
            MessageAction="SUPPRESS",
        )
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username="alice", Password="Corr3ct-Horse!", Permanent=True
        )
        identity = boto3.client("cognito-identity", **ADMIN)
        provider = f"cognito-idp.{REGION}.amazonaws.com/{pool_id}"
        identity_pool_id = identity.create_identity_pool(
            IdentityPoolName="bench",
            AllowUnauthenticatedIdentities=False,
            CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id}],
        )["IdentityPoolId"]
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {"cognito-identity.amazonaws.com:aud": identity_pool_id},
                        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
                    },
                }
            ],
        }
        iam = boto3.client("iam", **ADMIN)
        role_arn = iam.create_role(RoleName="bench-auth", AssumeRolePolicyDocument=json.dumps(trust))["Role"][
            "Arn"
        ]
        identity_sub = "${cognito-identity.amazonaws.com:sub}"
        own_items = json.dumps(POLICY).replace("${aws:PrincipalTag/owner}", identity_sub)
        iam.put_role_policy(RoleName="bench-auth", PolicyName="bench", PolicyDocument=own_items)
        identity.set_identity_pool_roles(IdentityPoolId=identity_pool_id, Roles={"authenticated": role_arn})

        start = time.perf_counter()
        user = Cognito(pool_id, client_id, username="alice", user_pool_region=REGION)
        user.authenticate(password="Corr3ct-Horse!")
        logins = {provider: user.id_token}
        identity_id = identity.get_id(IdentityPoolId=identity_pool_id, Logins=logins)["IdentityId"]
        credentials = identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)[
            "Credentials"
        ]
        session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=REGION,
        )
        dynamodb = session.client("dynamodb")
        for i in range(10):
            dynamodb.get_item(TableName=TABLE, Key={"owner": {"S": identity_id}, "n": {"S": str(i)}})
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="calls per operation per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the median is reported")
    args = parser.parse_args()

    rounds: list[tuple[dict[str, float], dict[str, float], dict[str, float]]] = []
    for _ in range(args.rounds):  # alternate so drift in the machine hits all three alike
        stock = _measure_stock(args.calls)
        admin, learner = _measure_engine(args.calls)
        rounds.append((stock, admin, learner))

    def median(index: int, name: str) -> float:
        return statistics.median(r[index][name] for r in rounds)

    print(f"per-call time, median of {args.rounds} rounds x {args.calls} calls (ms)")
    print(f"{'call':<20}{'stock moto':>12}{'engine admin':>14}{'ratio':>7}{'engine learner':>16}{'ratio':>7}")
    worst = 0.0
    for name in rounds[0][0]:
        stock, admin, learner = median(0, name), median(1, name), median(2, name)
        worst = max(worst, learner / stock)
        ratios = f"{admin:>14.2f}{admin / stock:>7.2f}{learner:>16.2f}{learner / stock:>7.2f}"
        print(f"{name:<20}{stock:>12.2f}{ratios}")
    print(f"worst learner ratio: {worst:.2f} (goal <= 1.5)")
    path = _learner_path_seconds()
    print(f"sign-in -> GetId -> GetCredentialsForIdentity -> 10 calls: {path:.3f} s")


if __name__ == "__main__":
    main()
