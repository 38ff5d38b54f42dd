"""Lambda functions in Python, created and invoked as on AWS, and calling AWS as their execution role.

Each function is a small handler zipped in the test; bodies use boto3 only (the handlers too, with
no endpoint argument: the environment Lambda gives them decides where their calls go and as whom).
"""

from __future__ import annotations

import base64
import io
import json
import re
import textwrap
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
RUNTIME = "python3.12"

TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
TRUST_ACCOUNT_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
    ],
}

# What a handler reports about its environment, its context and its own AWS calls.
REPORTER = """
import json, os
import boto3

def handler(event, context):
    return {
        "event": event,
        "context": {
            "aws_request_id": context.aws_request_id,
            "function_name": context.function_name,
            "function_version": context.function_version,
            "invoked_function_arn": context.invoked_function_arn,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name,
            "remaining_ms": context.get_remaining_time_in_millis(),
            "identity": [context.identity.cognito_identity_id, context.identity.cognito_identity_pool_id],
            "client_context": context.client_context and context.client_context.custom,
        },
        "environ": dict(os.environ),
        "cwd": os.getcwd(),
        "files": sorted(os.listdir(os.environ["LAMBDA_TASK_ROOT"])),
    }
"""

CALLER = """
import os
import boto3
from botocore.exceptions import ClientError

def attempt(call, **kwargs):
    try:
        call(**kwargs)
        return "allowed"
    except ClientError as error:
        return {"code": error.response["Error"]["Code"], "message": error.response["Error"]["Message"]}

def handler(event, context):
    dynamodb, s3 = boto3.client("dynamodb"), boto3.client("s3")
    key = {"id": {"S": "note-1"}}
    return {
        "caller": boto3.client("sts").get_caller_identity()["Arn"],
        "access_key_id": os.environ["AWS_ACCESS_KEY_ID"],
        "own_table": attempt(dynamodb.get_item, TableName=event["table"], Key=key),
        "other_table": attempt(dynamodb.get_item, TableName=event["other_table"], Key=key),
        "own_object": attempt(s3.get_object, Bucket=event["bucket"], Key="functions/note.txt"),
        "other_object": attempt(s3.get_object, Bucket=event["bucket"], Key="private/note.txt"),
    }
"""


def zipped(source: str, name: str = "app.py") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, textwrap.dedent(source))
    return buffer.getvalue()


def _error(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response


def _table(aws: Any, name: str) -> str:
    aws.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    aws.client("dynamodb").put_item(TableName=name, Item={"id": {"S": "note-1"}, "text": {"S": "hello"}})
    return f"arn:aws:dynamodb:{aws.region}:{ACCOUNT}:table/{name}"


class Functions:
    """A role Lambda may assume, with a table and a prefix it may read; functions made on demand."""

    def __init__(self, aws: Any) -> None:
        self.aws = aws
        self.lam = aws.client("lambda")
        self.iam = aws.client("iam")
        self.table = aws.unique("notes")
        self.other_table = aws.unique("other")
        self.bucket = aws.unique("notes").lower()
        table_arn = _table(aws, self.table)
        _table(aws, self.other_table)
        s3 = aws.client("s3")
        s3.create_bucket(Bucket=self.bucket)
        s3.put_object(Bucket=self.bucket, Key="functions/note.txt", Body=b"for functions")
        s3.put_object(Bucket=self.bucket, Key="private/note.txt", Body=b"not for functions")
        self.role_name = aws.unique("fn-role")
        self.role_arn = self.iam.create_role(
            RoleName=self.role_name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA)
        )["Role"]["Arn"]
        self.policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadOwnTable",
                    "Effect": "Allow",
                    "Action": "dynamodb:GetItem",
                    "Resource": table_arn,
                },
                {
                    # What AWSLambdaBasicExecutionRole grants: Lambda may send the function's log.
                    "Sid": "WriteOwnLogs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": "*",
                },
                {
                    # lambda:SourceFunctionArn is in the request context of a function's own calls.
                    "Sid": "ReadFunctionPrefixFromFunctions",
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{self.bucket}/functions/*",
                    "Condition": {
                        "ArnLike": {"lambda:SourceFunctionArn": f"arn:aws:lambda:*:{ACCOUNT}:function:*"}
                    },
                },
            ],
        }
        self.iam.put_role_policy(
            RoleName=self.role_name, PolicyName="function-access", PolicyDocument=json.dumps(self.policy)
        )
        self.names: list[str] = []

    def create(self, source: str, **config: Any) -> str:
        name = self.aws.unique("fn")
        arguments = {
            "FunctionName": name,
            "Runtime": RUNTIME,
            "Role": self.role_arn,
            "Handler": "app.handler",
            "Code": {"ZipFile": zipped(source)},
            **config,
        }
        self.lam.create_function(**arguments)
        self.names.append(name)
        self.lam.get_waiter("function_active_v2").wait(FunctionName=name)
        return name

    def invoke(self, name: str, payload: Any = None, **kwargs: Any) -> dict[str, Any]:
        if payload is not None:
            kwargs["Payload"] = json.dumps(payload).encode()
        response = self.lam.invoke(FunctionName=name, **kwargs)
        body = response["Payload"].read()
        response["Body"] = json.loads(body) if body else None
        return response

    def arn(self, name: str) -> str:
        return f"arn:aws:lambda:{self.aws.region}:{ACCOUNT}:function:{name}"

    def remove(self) -> None:
        for name in self.names:
            self.lam.delete_function(FunctionName=name)
        self.iam.delete_role_policy(RoleName=self.role_name, PolicyName="function-access")
        self.iam.delete_role(RoleName=self.role_name)


@pytest.fixture(scope="module")
def functions(aws: Any) -> Iterator[Functions]:
    made = Functions(aws)
    yield made
    made.remove()


@pytest.fixture(scope="module")
def reporter(functions: Functions) -> str:
    return functions.create(
        REPORTER, MemorySize=256, Timeout=30, Environment={"Variables": {"NOTES_TABLE": functions.table}}
    )


# --- create and invoke: event, context, environment ---------------------------------------------


def test_invoke_passes_the_event_and_aws_context_object(functions: Functions, reporter: str) -> None:
    """A synchronous Invoke answers 200 with the handler's return value as the payload; the handler
    gets the event and Lambda's context object.

    Lambda API Invoke (StatusCode, ExecutedVersion); Lambda DG python-context (the context's
    attributes; `memory_limit_in_mb` is read from the environment, so a string, as awslambdaric's
    lambda_context.py does).
    """
    response = functions.invoke(reporter, {"action": "list", "n": 1})
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert response["ExecutedVersion"] == "$LATEST"
    assert response["Body"]["event"] == {"action": "list", "n": 1}
    context = response["Body"]["context"]
    assert context["function_name"] == reporter
    assert context["function_version"] == "$LATEST"
    assert context["invoked_function_arn"] == functions.arn(reporter)
    assert context["memory_limit_in_mb"] == "256"
    assert context["log_group_name"] == f"/aws/lambda/{reporter}"
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", context["log_stream_name"])
    assert re.fullmatch(r"[0-9a-f-]{36}", context["aws_request_id"])
    assert 0 < context["remaining_ms"] <= 30_000
    assert context["identity"] == [None, None]
    assert context["client_context"] is None


def test_each_invocation_has_its_own_request_id_and_an_empty_payload_is_an_empty_event(
    functions: Functions, reporter: str
) -> None:
    """Every invocation gets a fresh `aws_request_id`; with no Payload the handler's event is `{}`.

    Lambda DG python-context ("aws_request_id – The identifier of the invocation request"); API
    Invoke (Payload is optional, "the JSON that you want to provide to your Lambda function").
    """
    first = functions.invoke(reporter)["Body"]
    second = functions.invoke(reporter)["Body"]
    assert first["event"] == {} and second["event"] == {}
    assert first["context"]["aws_request_id"] != second["context"]["aws_request_id"]


def test_client_context_reaches_the_handler(functions: Functions, reporter: str) -> None:
    """`ClientContext` (base64 JSON) is the handler's `context.client_context`.

    Lambda API Invoke (ClientContext: "Up to 3,583 bytes of base64-encoded data about the invoking
    client to pass to the function in the context object"); Lambda DG python-context.
    """
    encoded = base64.b64encode(json.dumps({"custom": {"screen": "notes"}}).encode()).decode()
    body = functions.invoke(reporter, ClientContext=encoded)["Body"]
    assert body["context"]["client_context"] == {"screen": "notes"}


def test_the_environment_is_lambdas_with_the_functions_own_variables(
    functions: Functions, reporter: str
) -> None:
    """The handler's process has the variables Lambda defines, the execution role's temporary
    credentials, and the function's own `Environment.Variables`; it runs in LAMBDA_TASK_ROOT, where
    the zip was unpacked.

    Lambda DG configuration-envvars ("Defined runtime environment variables"): `_HANDLER`,
    `AWS_REGION`, `AWS_DEFAULT_REGION`, `AWS_EXECUTION_ENV` (`AWS_Lambda_` + runtime),
    `AWS_LAMBDA_FUNCTION_*`, `AWS_LAMBDA_LOG_GROUP_NAME`, `AWS_ACCESS_KEY_ID` /
    `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` ("obtained from the function's execution role"),
    `LAMBDA_TASK_ROOT`, `TZ`.
    """
    body = functions.invoke(reporter)["Body"]
    environ = body["environ"]
    expected = {
        "_HANDLER": "app.handler",
        "AWS_REGION": functions.aws.region,
        "AWS_DEFAULT_REGION": functions.aws.region,
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_LAMBDA_FUNCTION_NAME": reporter,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{reporter}",
        "NOTES_TABLE": functions.table,
    }
    assert {name: environ.get(name) for name in expected} == expected
    assert environ["AWS_LAMBDA_LOG_STREAM_NAME"] == body["context"]["log_stream_name"]
    assert environ["AWS_ACCESS_KEY_ID"].startswith("ASIA")  # temporary credentials
    assert environ["AWS_SECRET_ACCESS_KEY"] and environ["AWS_SESSION_TOKEN"]
    assert environ["LAMBDA_TASK_ROOT"] == body["cwd"]
    assert body["files"] == ["app.py"]
    assert "UTC" in environ["TZ"]


# --- the function's own calls are its execution role's ----------------------------------------


@pytest.fixture(scope="module")
def caller(functions: Functions) -> dict[str, Any]:
    name = functions.create(CALLER, Timeout=30)
    event = {"table": functions.table, "other_table": functions.other_table, "bucket": functions.bucket}
    return {"name": name, "report": functions.invoke(name, event)["Body"]}


def test_the_functions_calls_are_made_as_a_session_of_its_execution_role(
    functions: Functions, caller: dict[str, Any]
) -> None:
    """The handler's boto3 clients, given no endpoint and no credentials, call AWS as an
    assumed-role session of the function's execution role.

    Lambda DG lambda-intro-execution-role ("Lambda automatically assumes your execution role");
    permissions-source-function-arn (the SDK's credential chain picks the environment's
    credentials). The session name is the function's name: observed, not documented
    (bluesentry/bucket-antivirus-function#109).
    """
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/{functions.role_name}/{caller['name']}"
    assert caller["report"]["caller"] == session


def test_the_roles_policies_allow_and_deny_the_functions_calls(
    functions: Functions, caller: dict[str, Any]
) -> None:
    """What the role's policy allows succeeds; the rest is AccessDenied naming the role's session.

    IAM UG reference_policies_evaluation-logic (an Allow is needed); troubleshoot_access-denied
    (the message names the session and the action); Lambda DG permissions-source-function-arn
    (`lambda:SourceFunctionArn` is in the context of the calls a function's code makes).
    """
    report = caller["report"]
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/{functions.role_name}/{caller['name']}"
    assert report["own_table"] == "allowed"
    assert report["own_object"] == "allowed"
    other_table = f"arn:aws:dynamodb:{functions.aws.region}:{ACCOUNT}:table/{functions.other_table}"
    assert report["other_table"] == {
        "code": "AccessDeniedException",
        "message": f"User: {session} is not authorized to perform: dynamodb:GetItem on resource: "
        f"{other_table} because no identity-based policy allows the dynamodb:GetItem action",
    }
    assert report["other_object"]["code"] == "AccessDenied"
    assert report["other_object"]["message"].startswith(f"User: {session} is not authorized")


def test_the_refusal_is_decided_by_the_execution_roles_policy(
    functions: Functions, caller: dict[str, Any], decision_log: Any
) -> None:
    """The offline AWS's record of the function's refused call: the role's session, the role's
    policy as the nearest statement (the lab's decision log; AWS's own answer is checked above).
    """
    record = decision_log.newest(caller["report"]["access_key_id"])
    assert record.principal_arn == (
        f"arn:aws:sts::{ACCOUNT}:assumed-role/{functions.role_name}/{caller['name']}"
    )
    assert (record.effect, record.policy_type, record.error_code) == (
        "ImplicitDeny",
        "identity-based",
        "AccessDenied",
    )
    assert record.nearest is not None
    assert (record.nearest.policy_name, record.nearest.sid) == (
        "function-access",
        "ReadFunctionPrefixFromFunctions",
    )


# --- errors, as Invoke answers them ------------------------------------------------------------


def test_an_uncaught_exception_is_an_unhandled_function_error(functions: Functions) -> None:
    """An exception the handler does not catch: status 200, `X-Amz-Function-Error: Unhandled`, and
    the payload `{"errorMessage", "errorType", "requestId", "stackTrace"}`; the environment stays.

    Lambda DG python-exceptions (the payload); API Invoke (FunctionError; "The status code is 200
    for function errors", awsdocs/aws-lambda-developer-guide#127); awslambdaric bootstrap.py
    (`make_error`, the stack trace without the runtime's own frames).
    """
    name = functions.create(
        """
        def handler(event, context):
            if event.get("fail"):
                return event["action"]
            return {"request_id": context.aws_request_id}
        """
    )
    response = functions.invoke(name, {"fail": True})
    assert (response["StatusCode"], response["FunctionError"]) == (200, "Unhandled")
    error = response["Body"]
    assert (error["errorType"], error["errorMessage"]) == ("KeyError", "'action'")
    assert re.fullmatch(r"[0-9a-f-]{36}", error["requestId"])
    assert len(error["stackTrace"]) == 1
    assert re.fullmatch(
        r'  File ".*app\.py", line 4, in handler\n    return event\["action"\]\n', error["stackTrace"][0]
    )
    assert "FunctionError" not in functions.invoke(name, {"fail": False})


def test_a_handler_that_runs_past_its_timeout_is_stopped(functions: Functions) -> None:
    """A handler still running when `Timeout` is reached is stopped: an Unhandled function error
    whose message says "Task timed out after N.NN seconds"; the next invocation runs in a new
    environment.

    Lambda DG troubleshooting-networking / lambda-runtime-environment (the timeout, the environment
    reset); the payload `{"errorMessage": "<time> <request id> Task timed out after 3.07 seconds"}`
    is observed (alexa-samples/skill-sample-nodejs-smarthome-switch#18 and others).
    """
    name = functions.create(
        """
        import time

        def handler(event, context):
            if event.get("sleep"):
                time.sleep(event["sleep"])
            return "awake"
        """,
        Timeout=1,
    )
    response = functions.invoke(name, {"sleep": 20})
    assert (response["StatusCode"], response["FunctionError"]) == (200, "Unhandled")
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [0-9a-f-]{36} Task timed out after \d+\.\d\d seconds",
        response["Body"]["errorMessage"],
    )
    assert functions.invoke(name, {})["Body"] == "awake"


def test_a_handler_module_that_cannot_be_imported(functions: Functions) -> None:
    """A handler module whose import fails: `Runtime.ImportModuleError`, as an Unhandled error.

    Lambda DG python-exceptions (`Runtime.ImportModuleError`); awslambdaric bootstrap.py
    (`_get_handler`: "Unable to import module '<module>': <the ImportError>", an empty stack trace).
    """
    name = functions.create("import notes_library_not_in_the_zip\n\ndef handler(event, context):\n    pass\n")
    response = functions.invoke(name, {})
    assert response["FunctionError"] == "Unhandled"
    assert response["Body"]["errorType"] == "Runtime.ImportModuleError"
    assert response["Body"]["errorMessage"] == (
        "Unable to import module 'app': No module named 'notes_library_not_in_the_zip'"
    )
    assert response["Body"]["stackTrace"] == []


def test_the_runtime_has_the_sdk_and_no_other_package(functions: Functions) -> None:
    """A handler imports boto3 and its dependencies from the runtime; any other package (here
    `requests`, which the lab itself has installed) must come in the function's zip.

    Lambda DG python-package, "Runtime dependencies in Python" (the runtime includes the AWS SDK
    for Python and its dependencies; other packages go in the deployment package).
    """
    sdk = functions.create(
        "import boto3, botocore, dateutil, jmespath, s3transfer, urllib3\n\n"
        "def handler(event, context):\n    return boto3.__name__\n"
    )
    assert functions.invoke(sdk, {})["Body"] == "boto3"
    other = functions.create("import requests\n\ndef handler(event, context):\n    pass\n")
    response = functions.invoke(other, {})
    assert response["FunctionError"] == "Unhandled"
    assert (response["Body"]["errorType"], response["Body"]["errorMessage"]) == (
        "Runtime.ImportModuleError",
        "Unable to import module 'app': No module named 'requests'",
    )


def test_a_handler_name_that_names_nothing(functions: Functions) -> None:
    """`Handler` naming a function the module lacks: `Runtime.HandlerNotFound`.

    awslambdaric bootstrap.py `_get_handler` ("Handler '<name>' missing on module '<module>'").
    """
    name = functions.create("def handler(event, context):\n    pass\n", Handler="app.lambda_handler")
    response = functions.invoke(name, {})
    assert response["FunctionError"] == "Unhandled"
    assert (response["Body"]["errorType"], response["Body"]["errorMessage"]) == (
        "Runtime.HandlerNotFound",
        "Handler 'lambda_handler' missing on module 'app'",
    )


def test_a_result_that_is_not_json_is_a_marshal_error(functions: Functions) -> None:
    """A return value JSON cannot represent: `Runtime.MarshalError`.

    Lambda DG python-exceptions; awslambdaric lambda_runtime_marshaller.py ("Unable to marshal
    response: <the encoder's message>").
    """
    name = functions.create("def handler(event, context):\n    return {'tags': {'a', 'b'}}\n")
    response = functions.invoke(name, {})
    assert response["FunctionError"] == "Unhandled"
    assert (response["Body"]["errorType"], response["Body"]["errorMessage"]) == (
        "Runtime.MarshalError",
        "Unable to marshal response: Object of type set is not JSON serializable",
    )


def test_a_payload_that_is_not_json_is_refused(functions: Functions, reporter: str) -> None:
    """Invoke refuses a payload that is not JSON before the function runs.

    Lambda API Invoke, errors: InvalidRequestContentException, "The request body could not be
    parsed as JSON", HTTP 400. (Its exact message quotes AWS's JSON parser: not compared.)
    """
    response = _error(functions.lam.invoke, FunctionName=reporter, Payload=b"{not json")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Code"] == "InvalidRequestContentException"


# --- logs ----------------------------------------------------------------------------------------


def test_log_type_tail_returns_the_end_of_the_invocations_log(functions: Functions) -> None:
    """`LogType=Tail` returns the last 4 KB of the invocation's log, base64-encoded: the handler's
    output between Lambda's START and END lines, then REPORT. Without it there is no LogResult.

    Lambda API Invoke (LogType, LogResult: "The last 4 KB of the execution log, which is
    base64-encoded"); Lambda DG python-logging (START, END and REPORT lines, print output).
    """
    name = functions.create(
        """
        def handler(event, context):
            print("looking up", event["id"])
            print("x" * event.get("padding", 0))
            return context.aws_request_id
        """
    )
    response = functions.invoke(name, {"id": "note-1"}, LogType="Tail")
    request_id = response["Body"]
    lines = base64.b64decode(response["LogResult"]).decode().splitlines()
    assert lines[0] == f"START RequestId: {request_id} Version: $LATEST"
    assert lines[1] == "looking up note-1"
    assert lines[-2] == f"END RequestId: {request_id}"
    assert lines[-1].startswith(f"REPORT RequestId: {request_id}\tDuration: ")
    assert "LogResult" not in functions.invoke(name, {"id": "note-1"})

    long = functions.invoke(name, {"id": "note-2", "padding": 10_000}, LogType="Tail")
    tail = base64.b64decode(long["LogResult"])
    assert len(tail) <= 4096
    assert tail.decode().splitlines()[-1].startswith(f"REPORT RequestId: {long['Body']}")


def test_an_unhandled_error_is_logged_with_its_traceback(functions: Functions) -> None:
    """The runtime logs an uncaught exception as `[ERROR] <type>: <message>` with its traceback.

    Lambda DG python-exceptions (the log output); awslambdaric bootstrap.py `log_error` (the
    entry's lines joined by a carriage return, so that CloudWatch keeps one event).
    """
    name = functions.create("def handler(event, context):\n    raise ValueError('no notes today')\n")
    response = functions.invoke(name, {}, LogType="Tail")
    log = base64.b64decode(response["LogResult"]).decode()
    assert "[ERROR] ValueError: no notes today\rTraceback (most recent call last):" in log


def test_the_functions_log_reaches_its_log_group_whatever_the_offline_clock_says(
    functions: Functions, offline_clock: Any
) -> None:
    """Lambda sends a function's output to its log group, `/aws/lambda/<name>`, in the log stream
    of its execution environment; FilterLogEvents finds it there. A notebook that moved the offline
    clock a day on (to expire tokens) still reads its trigger's log.

    Lambda DG monitoring-cloudwatchlogs ("Lambda automatically ... sends logs to CloudWatch";
    the default log group /aws/lambda/<function name>).
    """
    name = functions.create("def handler(event, context):\n    print('note', event['id'])\n")
    offline_clock.advance(24 * 3600)
    functions.invoke(name, {"id": "after-a-day"})
    logs = functions.aws.client("logs")
    events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    assert [e["message"] for e in events if e["message"].startswith("note")] == ["note after-a-day"]


def test_without_permission_to_log_the_functions_log_goes_nowhere(functions: Functions) -> None:
    """Lambda sends a function's log only if its execution role allows `logs:CreateLogGroup`,
    `logs:CreateLogStream` and `logs:PutLogEvents` (Lambda DG monitoring-cloudwatchlogs: the function
    "needs permission to send logs to CloudWatch Logs", as AWSLambdaBasicExecutionRole grants). Without
    them no log group appears; the invocation itself still succeeds and `LogType=Tail` has its log."""
    role = functions.aws.unique("silent-role")
    role_arn = functions.iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))[
        "Role"
    ]["Arn"]
    try:
        name = functions.create("def handler(event, context):\n    print('unheard')\n", Role=role_arn)
        response = functions.invoke(name, {}, LogType="Tail")
        assert "unheard" in base64.b64decode(response["LogResult"]).decode()
        logs = functions.aws.client("logs")
        assert logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{name}")["logGroups"] == []
    finally:
        functions.lam.delete_function(FunctionName=name)
        functions.names.remove(name)
        functions.iam.delete_role(RoleName=role)


# --- what CreateFunction refuses ----------------------------------------------------------------


def test_a_role_lambda_cannot_assume_is_refused(functions: Functions) -> None:
    """CreateFunction with a role whose trust policy does not name `lambda.amazonaws.com`.

    Observed AWS answer (cloudyr/aws.lambda#2: status 400, `x-amzn-ErrorType:
    InvalidParameterValueException`; boto/boto3#2976): "The role defined for the function cannot be
    assumed by Lambda."; Lambda DG lambda-intro-execution-role (the trust policy).
    """
    role_name = functions.aws.unique("not-for-lambda")
    role_arn = functions.iam.create_role(
        RoleName=role_name, AssumeRolePolicyDocument=json.dumps(TRUST_ACCOUNT_ONLY)
    )["Role"]["Arn"]
    try:
        response = _error(
            functions.lam.create_function,
            FunctionName=functions.aws.unique("fn"),
            Runtime=RUNTIME,
            Role=role_arn,
            Handler="app.handler",
            Code={"ZipFile": zipped("def handler(event, context):\n    pass\n")},
        )
    finally:
        functions.iam.delete_role(RoleName=role_name)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Code"] == "InvalidParameterValueException"
    assert response["Error"]["Message"] == "The role defined for the function cannot be assumed by Lambda."


def test_a_deprecated_runtime_is_refused(functions: Functions) -> None:
    """CreateFunction with a runtime past its deprecation: refused, naming it.

    Lambda DG lambda-runtimes (deprecated runtimes cannot be used to create functions); the message
    as AWS answered it in 2025 (vittorio-nardone/disposable_app#3).
    """
    response = _error(
        functions.lam.create_function,
        FunctionName=functions.aws.unique("fn"),
        Runtime="python3.7",
        Role=functions.role_arn,
        Handler="app.handler",
        Code={"ZipFile": zipped("def handler(event, context):\n    pass\n")},
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Code"] == "InvalidParameterValueException"
    assert response["Error"]["Message"] == (
        "The runtime parameter of python3.7 is no longer supported for creating or updating AWS Lambda "
        "functions. We recommend you use a supported runtime while creating or updating functions."
    )


def test_new_code_runs_at_the_next_invocation(functions: Functions) -> None:
    """After UpdateFunctionCode the next invocation runs the new code.

    Lambda API UpdateFunctionCode; Lambda DG lambda-runtime-environment (a new version of the
    function gets new execution environments).
    """
    name = functions.create("def handler(event, context):\n    return 'first'\n")
    assert functions.invoke(name, {})["Body"] == "first"
    functions.lam.update_function_code(
        FunctionName=name, ZipFile=zipped("def handler(event, context):\n    return 'second'\n")
    )
    functions.lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert functions.invoke(name, {})["Body"] == "second"


def test_a_statement_id_already_in_the_functions_policy_is_a_conflict(functions: Functions) -> None:
    """AddPermission with a StatementId the function's policy already has: ResourceConflictException
    (409), "The statement id (<id>) provided already exists. Please provide a new statement id, or
    remove the existing statement."; the policy keeps its one statement, and after RemovePermission
    the id can be used again.

    Lambda API AddPermission (Errors: ResourceConflictException, 409); the message as deployment
    tools match it in the error they catch ("The statement id (.*?) provided already
    exists..."), UNCONFIRMED by an AWS page.
    """
    name = functions.create("def handler(event, context):\n    return 'ok'\n")
    permission = {
        "FunctionName": name,
        "StatementId": "apigateway-notes",
        "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com",
        "SourceArn": f"arn:aws:execute-api:{functions.aws.region}:{ACCOUNT}:abcdef1234/*/GET/*",
    }
    functions.lam.add_permission(**permission)
    with pytest.raises(ClientError) as again:
        functions.lam.add_permission(**permission)
    error = again.value.response
    assert error["Error"]["Code"] == "ResourceConflictException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert error["Error"]["Message"] == (
        "The statement id (apigateway-notes) provided already exists. Please provide a new statement id, "
        "or remove the existing statement."
    )
    policy = json.loads(functions.lam.get_policy(FunctionName=name)["Policy"])
    assert [statement["Sid"] for statement in policy["Statement"]] == ["apigateway-notes"]
    functions.lam.remove_permission(FunctionName=name, StatementId="apigateway-notes")
    functions.lam.add_permission(**permission)


def test_asynchronous_and_dry_run_invocations_answer_at_once(functions: Functions, reporter: str) -> None:
    """`InvocationType=Event` is accepted with 202 and no payload; `DryRun` checks and answers 204.

    Lambda API Invoke (StatusCode: "202 for the Event invocation type, 204 for the DryRun
    invocation type").
    """
    queued = functions.lam.invoke(FunctionName=reporter, InvocationType="Event", Payload=b"{}")
    assert (queued["StatusCode"], queued["Payload"].read()) == (202, b"")
    checked = functions.lam.invoke(FunctionName=reporter, InvocationType="DryRun")
    assert checked["StatusCode"] == 204


def test_a_handler_that_ends_its_process_is_a_runtime_exit_error(functions: Functions) -> None:
    """A handler that exits the runtime's process: `Runtime.ExitError`, and a new environment next.

    Lambda DG lambda-runtime-environment (a runtime that exits is reset); the message "RequestId:
    <id> Error: Runtime exited with error: <how>" is observed (praetorian-inc/chariot-ui#166, with
    "signal: killed"); "exit status 3" is the same text for an exit code (UNCONFIRMED).
    """
    name = functions.create(
        """
        import os

        def handler(event, context):
            if event.get("exit"):
                os._exit(3)
            return "still here"
        """
    )
    response = functions.invoke(name, {"exit": True})
    assert response["FunctionError"] == "Unhandled"
    assert response["Body"]["errorType"] == "Runtime.ExitError"
    assert re.fullmatch(
        r"RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3",
        response["Body"]["errorMessage"],
    )
    assert functions.invoke(name, {})["Body"] == "still here"
