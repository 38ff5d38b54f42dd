"""What an offline Lambda invocation costs, next to a direct DynamoDB call, in one run.

    python tests/benchmarks/bench_lambda.py [--calls 100] [--rounds 5]

For each way the engine runs (in-process, and at a local endpoint), prints the median per-call
time of:
  - the baseline: one DynamoDB GetItem made by the caller, as a role session (IAM evaluated),
  - a warm Invoke of a trivial function (returns its event),
  - a warm Invoke of a function that makes one DynamoDB GetItem as its execution role,
with each ratio to the baseline, the time the GetItem took inside the function (measured by the
handler), and the first (cold) invocation of each function once. Not a test: nothing here asserts
a time. The goal of issue 11 it informs: an API call through an authorizer and a Lambda function
within 3x a direct DynamoDB call.
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
        for name, source in (("trivial", TRIVIAL), ("get-item", GET_ITEM)):
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

        timings = {
            "cold trivial": _once(invoke("trivial")),
            "cold get-item": _once(invoke("get-item")),
        }
        calls: dict[str, Callable[[], Any]] = {
            "direct GetItem": lambda: caller.get_item(TableName=TABLE, Key=KEY),
            "invoke trivial": invoke("trivial"),
            "invoke get-item": get_item_in_function,
        }
        for name, call in calls.items():
            call()  # warm the client and the environment
            inside.clear()
            start = time.perf_counter()
            for _ in range(count):
                call()
            timings[name] = (time.perf_counter() - start) / count * 1000
        timings["GetItem inside"] = statistics.median(inside)
        return timings


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
        print(f"  {'direct GetItem (baseline)':<34}{base:>9.2f}")
        for name in ("invoke trivial", "invoke get-item"):
            print(f"  {name:<34}{median(name):>9.2f}{median(name) / base:>7.1f}x")
        print(f"  {'  of which GetItem inside':<34}{median('GetItem inside'):>9.2f}")
        print(f"  {'first invocation, trivial':<34}{median('cold trivial'):>9.2f}")
        print(f"  {'first invocation, get-item':<34}{median('cold get-item'):>9.2f}")


if __name__ == "__main__":
    main()
