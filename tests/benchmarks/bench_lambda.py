"""What an offline Lambda invocation costs, next to a direct DynamoDB call, in one run.

    python tests/benchmarks/bench_lambda.py [--calls 100] [--rounds 5]

For each way the engine runs (in-process, and at a local endpoint), prints the median per-call
time of:
  - the baseline: one DynamoDB GetItem made by the caller, as a role session (IAM evaluated),
  - a warm Invoke of a trivial function (returns its event),
  - a warm Invoke of a function that makes one DynamoDB GetItem as its execution role,
  - an API call: `GET /prod/notes/1` on a REST API with a Cognito user pool authorizer (the user's
    ID token verified on every call) and a Lambda proxy integration to a function that makes the
    same GetItem (`requests`, to the invoke URL in-process, with the API's Host at the endpoint),
with each ratio to the baseline, the time the GetItem took inside the function (measured by the
handler), and the first (cold) invocation of each function once. Not a test: nothing here asserts
a time. The goal of issue 11 it informs: an API call through an authorizer and a Lambda function
within 3x a direct DynamoDB call. The machine may be shared: compare figures of one run only.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import statistics
import textwrap
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import requests

from helpers.offline import engine, server

REGION = "us-east-1"
ACCOUNT = "123456789012"
TABLE = "bench-notes"
ADMIN = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": REGION}
KEY = {"owner": {"S": "alice"}, "n": {"S": "1"}}
READ_TABLE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}",
        }
    ],
}
TRIVIAL = """
def handler(event, context):
    return event
"""
API_GET_ITEM = """
import json
import boto3

dynamodb = boto3.client("dynamodb")

def handler(event, context):
    item = dynamodb.get_item(TableName="bench-notes", Key={"owner": {"S": "alice"}, "n": {"S": "1"}})
    return {"statusCode": 200, "body": json.dumps({"text": item["Item"]["text"]["S"]})}
"""
GET_ITEM = """
import time
import boto3

dynamodb = boto3.client("dynamodb")  # made once per environment, as Lambda's guidance advises

def handler(event, context):
    start = time.perf_counter()
    dynamodb.get_item(TableName=event["table"], Key=event["key"])
    return {"get_item_ms": (time.perf_counter() - start) * 1000}
"""


def _zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", textwrap.dedent(source))
    return buffer.getvalue()


def _role(iam: Any, name: str, principal: dict[str, str]) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="read", PolicyDocument=json.dumps(READ_TABLE))
    return str(arn)


@contextmanager
def _offline(mode: str) -> Iterator[str | None]:
    if mode == "in-process":
        with engine.in_process():
            yield None
        return
    endpoint = server.serve()
    try:
        yield endpoint.url
    finally:
        endpoint.stop()


def _measure(mode: str, count: int) -> dict[str, float]:
    with _offline(mode) as url:
        admin = boto3.Session(**ADMIN)
        dynamodb = admin.client("dynamodb", endpoint_url=url)
        dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[
                {"AttributeName": "owner", "KeyType": "HASH"},
                {"AttributeName": "n", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "owner", "AttributeType": "S"},
                {"AttributeName": "n", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.put_item(TableName=TABLE, Item={**KEY, "text": {"S": "hello"}})
        iam = admin.client("iam", endpoint_url=url)
        caller_role = _role(iam, "bench-caller", {"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
        function_role = _role(iam, "bench-function", {"Service": "lambda.amazonaws.com"})
        credentials = admin.client("sts", endpoint_url=url).assume_role(
            RoleArn=caller_role, RoleSessionName="alice"
        )["Credentials"]
        caller = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=REGION,
        ).client("dynamodb", endpoint_url=url)
        lam = admin.client("lambda", endpoint_url=url)
        for name, source in (("trivial", TRIVIAL), ("get-item", GET_ITEM), ("api-get-item", API_GET_ITEM)):
            lam.create_function(
                FunctionName=name,
                Runtime="python3.12",
                Role=function_role,
                Handler="app.handler",
                Code={"ZipFile": _zipped(source)},
                Timeout=30,
            )
        event = json.dumps({"table": TABLE, "key": KEY}).encode()
        inside: list[float] = []

        def invoke(name: str) -> Callable[[], Any]:
            def call() -> Any:
                response = lam.invoke(FunctionName=name, Payload=event)
                body = json.loads(response["Payload"].read())
                if "FunctionError" in response:
                    raise RuntimeError(body)
                return body

            return call

        def get_item_in_function() -> None:
            inside.append(invoke("get-item")()["get_item_ms"])

        api_call = _api(admin, url)
        timings = {
            "cold trivial": _once(invoke("trivial")),
            "cold get-item": _once(invoke("get-item")),
        }
        calls: dict[str, Callable[[], Any]] = {
            "direct GetItem": lambda: caller.get_item(TableName=TABLE, Key=KEY),
            "invoke trivial": invoke("trivial"),
            "invoke get-item": get_item_in_function,
            API_CALL: api_call,
        }
        for name, call in calls.items():
            call()  # warm the client and the environment
            inside.clear()
            start = time.perf_counter()
            for _ in range(count):
                call()
            timings[name] = (time.perf_counter() - start) / count * 1000
            if name == "invoke get-item":
                timings["GetItem inside"] = statistics.median(inside)
        return timings


API_CALL = "API call (Cognito + Lambda GetItem)"


def _api(admin: boto3.Session, url: str | None) -> Callable[[], Any]:
    """A REST API with a Cognito authorizer in front of `api-get-item`; returns one signed-in call."""
    idp = admin.client("cognito-idp", endpoint_url=url)
    pool = idp.create_user_pool(PoolName="bench")["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="bench", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="alice", Password="Bench-passw0rd!", Permanent=True)
    token = idp.initiate_auth(
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Bench-passw0rd!"},
    )["AuthenticationResult"]["IdToken"]
    apigw = admin.client("apigateway", endpoint_url=url)
    api = apigw.create_rest_api(name="bench")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    notes = apigw.create_resource(restApiId=api, parentId=root, pathPart="notes")["id"]
    note = apigw.create_resource(restApiId=api, parentId=notes, pathPart="{id}")["id"]
    authorizer = apigw.create_authorizer(
        restApiId=api,
        name="users",
        type="COGNITO_USER_POOLS",
        providerARNs=[f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{pool}"],
        identitySource="method.request.header.Authorization",
    )["id"]
    apigw.put_method(
        restApiId=api,
        resourceId=note,
        httpMethod="GET",
        authorizationType="COGNITO_USER_POOLS",
        authorizerId=authorizer,
    )
    function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:api-get-item"
    apigw.put_integration(
        restApiId=api,
        resourceId=note,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations",
    )
    apigw.create_deployment(restApiId=api, stageName="prod")
    admin.client("lambda", endpoint_url=url).add_permission(
        FunctionName="api-get-item",
        StatementId="apigateway",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api}/*",
    )
    host = f"{api}.execute-api.{REGION}.amazonaws.com"
    session = requests.Session()
    target = f"{url}/prod/notes/1" if url else f"https://{host}/prod/notes/1"
    headers = {"Authorization": token, **({"Host": host} if url else {})}

    def call() -> Any:
        response = session.get(target, headers=headers, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} {response.text}")
        return response.json()

    return call


def _once(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log from the endpoint
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100, help="calls per measurement per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the median is reported")
    args = parser.parse_args()

    modes = ("in-process", "endpoint")
    rounds: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
    for _ in range(args.rounds):  # alternate so drift in the machine hits both alike
        for mode in modes:
            rounds[mode].append(_measure(mode, args.calls))

    print(f"median of {args.rounds} rounds x {args.calls} calls (ms per call)")
    for mode in modes:

        def median(name: str, mode: str = mode) -> float:
            return statistics.median(r[name] for r in rounds[mode])

        base = median("direct GetItem")
        print(f"\n{mode}")
        print(f"  {'direct GetItem (baseline)':<38}{base:>9.2f}")
        for name in ("invoke trivial", "invoke get-item"):
            print(f"  {name:<38}{median(name):>9.2f}{median(name) / base:>7.1f}x")
        print(f"  {'  of which GetItem inside':<38}{median('GetItem inside'):>9.2f}")
        api = median(API_CALL)
        print(f"  {API_CALL:<38}{api:>9.2f}{api / base:>7.1f}x  (goal <= 3x)")
        print(f"  {'first invocation, trivial':<38}{median('cold trivial'):>9.2f}")
        print(f"  {'first invocation, get-item':<38}{median('cold get-item'):>9.2f}")


if __name__ == "__main__":
    main()
