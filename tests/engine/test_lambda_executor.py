"""The offline Lambda's own machinery: `may_invoke`, the lab's refusals, the execution environments.

These are engine-tier tests (in-process only): `may_invoke` is what API Gateway and Cognito will
call inside the engine, and the rest concerns processes and the offline clock, which only the
engine has. AWS's side of Lambda is in tests/contract/test_lambda.py.
"""

from __future__ import annotations

import base64
import io
import json
import os
import signal
import textwrap
import threading
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers.offline import clock, engine, propagation
from helpers.offline.awslambda import credentials, executor, may_invoke
from helpers.offline.awslambda.exceptions import ResourceNotFoundException

ACCOUNT = engine.ACCOUNT_ID
REGION = engine.REGION
TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
API_SOURCE = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:a1b2c3d4e5/*/GET/notes"
POOL_ARN = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_Abc123"


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", textwrap.dedent(source))
    return buffer.getvalue()


@pytest.fixture
def lam() -> Iterator[Any]:
    with engine.in_process():
        yield boto3.client("lambda", region_name=REGION)


def _role(name: str = "fn-role") -> str:
    iam = boto3.client("iam", region_name=REGION)
    return str(
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))["Role"]["Arn"]
    )


def _function(
    lam: Any, source: str = "def handler(event, context):\n    return 'ok'\n", **config: Any
) -> str:
    arguments = {
        "FunctionName": "notes",
        "Runtime": "python3.12",
        "Role": config.pop("Role", None) or _role(),
        "Handler": "app.handler",
        "Code": {"ZipFile": zipped(source)},
        **config,
    }
    return str(lam.create_function(**arguments)["FunctionArn"])


def _payload(response: dict[str, Any]) -> Any:
    return json.loads(response["Payload"].read())


# --- may_invoke: the function's resource-based policy ------------------------------------------


def test_a_function_without_a_policy_may_not_be_invoked_by_a_service(lam: Any) -> None:
    arn = _function(lam)
    decision = may_invoke(arn, "apigateway.amazonaws.com", API_SOURCE.replace("*", "prod"), ACCOUNT)
    assert decision.effect == "ImplicitDeny"
    assert decision.denial_reason() == (
        "because no resource-based policy allows the lambda:InvokeFunction action"
    )


def test_add_permission_lets_that_service_invoke_for_that_source_only(lam: Any) -> None:
    arn = _function(lam)
    lam.add_permission(
        FunctionName="notes",
        StatementId="api",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=API_SOURCE,
    )
    allowed = may_invoke(arn, "apigateway.amazonaws.com", API_SOURCE.replace("*", "prod"))
    assert allowed.allowed and allowed.policy_type == "resource-based"
    assert [result.sid for result in allowed.deciding] == ["api"]
    other_api = API_SOURCE.replace("a1b2c3d4e5", "zzzzzzzzzz").replace("*", "prod")
    assert not may_invoke(arn, "apigateway.amazonaws.com", other_api).allowed
    assert not may_invoke(arn, "apigateway.amazonaws.com").allowed  # no source: the condition fails
    assert not may_invoke(arn, "cognito-idp.amazonaws.com", API_SOURCE.replace("*", "prod")).allowed


def test_a_cognito_trigger_permission_is_scoped_to_the_pool_and_account(lam: Any) -> None:
    arn = _function(lam)
    lam.add_permission(
        FunctionName="notes",
        StatementId="cognito",
        Action="lambda:InvokeFunction",
        Principal="cognito-idp.amazonaws.com",
        SourceArn=POOL_ARN,
        SourceAccount=ACCOUNT,
    )
    assert may_invoke(arn, "cognito-idp.amazonaws.com", POOL_ARN, ACCOUNT).allowed
    assert not may_invoke(arn, "cognito-idp.amazonaws.com", POOL_ARN, "210987654321").allowed
    assert not may_invoke(arn, "cognito-idp.amazonaws.com", POOL_ARN + "x", ACCOUNT).allowed


def test_a_permission_for_a_version_applies_to_that_version_only(lam: Any) -> None:
    arn = _function(lam)
    version = lam.publish_version(FunctionName="notes")["Version"]
    lam.add_permission(
        FunctionName="notes",
        Qualifier=version,
        StatementId="v",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )
    assert may_invoke(f"{arn}:{version}", "apigateway.amazonaws.com").allowed
    assert not may_invoke(arn, "apigateway.amazonaws.com").allowed


def test_may_invoke_a_function_that_does_not_exist(lam: Any) -> None:
    with pytest.raises(ResourceNotFoundException, match="Function not found"):
        may_invoke(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:nothing", "apigateway.amazonaws.com")


# --- what the lab does not model is refused, saying so ------------------------------------------


@pytest.mark.parametrize(
    ("config", "said"),
    [
        ({"Runtime": "nodejs20.x"}, "runs Python functions only"),
        ({"Runtime": "python3.10"}, "runs Python functions only"),
        ({"Layers": [f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:libs:1"]}, "does not model Lambda layers"),
        ({"PackageType": "Image", "Code": {"ImageUri": "x.dkr.ecr/notes:1"}}, "does not model container"),
    ],
)
def test_what_the_lab_does_not_model_is_refused_with_a_lab_message(
    lam: Any, config: dict[str, Any], said: str
) -> None:
    with pytest.raises(ClientError) as refused:
        _function(lam, **config)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert said in refused.value.response["Error"]["Message"]


def test_reserved_variables_and_a_broken_zip_are_refused(lam: Any) -> None:
    role = _role()
    with pytest.raises(ClientError, match="Reserved keys used in this request: AWS_REGION"):
        _function(lam, Role=role, Environment={"Variables": {"AWS_REGION": "eu-west-1"}})
    with pytest.raises(ClientError, match="Could not unzip uploaded file"):
        _function(lam, Role=role, Code={"ZipFile": b"not a zip"})


def test_a_role_too_new_for_lambda_to_assume_is_refused_until_it_propagates(lam: Any) -> None:
    """The classic race: create a role, create the function at once, and IAM has not caught up."""
    propagation.simulate(10)
    try:
        role = _role("brand-new")
        with pytest.raises(ClientError, match="cannot be assumed by Lambda"):
            _function(lam, Role=role)
        clock.advance(11)
        _function(lam, Role=role)
    finally:
        propagation.simulate(0)
        clock.reset()


# --- execution environments ---------------------------------------------------------------------


def test_an_environment_is_warm_between_invocations_and_stopped_by_reset(lam: Any) -> None:
    _function(lam, "import os\n\ndef handler(event, context):\n    return os.getpid()\n")
    first = _payload(lam.invoke(FunctionName="notes"))
    assert _payload(lam.invoke(FunctionName="notes")) == first
    assert executor.process_ids() == [first]
    engine.reset()
    assert executor.process_ids() == []
    with pytest.raises(ProcessLookupError):
        os.kill(first, 0)


def test_a_new_function_is_initialized_before_its_first_invocation(lam: Any) -> None:
    """Lambda's proactive initialization (Lambda DG lambda-runtime-environment, Init phase): the
    environment exists before the first invocation, which runs in it and carries its Init log."""
    _function(
        lam, "import os\n\nprint('Init phase')\n\ndef handler(event, context):\n    return os.getpid()\n"
    )
    waiting = executor.process_ids()
    assert len(waiting) == 1
    response = lam.invoke(FunctionName="notes", LogType="Tail")
    assert _payload(response) == waiting[0]
    assert "Init phase" in base64.b64decode(response["LogResult"]).decode()


def test_new_code_is_initialized_before_its_first_invocation_and_the_old_environment_goes(lam: Any) -> None:
    source = "import os\n\ndef handler(event, context):\n    return [os.getpid(), {version}]\n"
    _function(lam, source.format(version=1))
    old, _ = _payload(lam.invoke(FunctionName="notes"))
    lam.update_function_code(FunctionName="notes", ZipFile=zipped(source.format(version=2)))
    prepared = set(executor.process_ids()) - {old}
    assert len(prepared) == 1
    new, version = _payload(lam.invoke(FunctionName="notes"))
    assert (new, version) == (prepared.pop(), 2)
    assert executor.process_ids() == [new]


def test_a_new_configuration_is_initialized_before_its_first_invocation(lam: Any) -> None:
    _function(
        lam, "import os\n\ndef handler(event, context):\n    return [os.getpid(), os.environ.get('COLOR')]\n"
    )
    old, _ = _payload(lam.invoke(FunctionName="notes"))
    lam.update_function_configuration(FunctionName="notes", Environment={"Variables": {"COLOR": "blue"}})
    prepared = set(executor.process_ids()) - {old}
    assert len(prepared) == 1
    assert _payload(lam.invoke(FunctionName="notes")) == [prepared.pop(), "blue"]


def test_only_a_few_functions_get_an_environment_before_they_are_invoked(lam: Any) -> None:
    role = _role()
    for number in range(executor.MAX_PREPARED + 2):
        _function(lam, FunctionName=f"never-invoked-{number}", Role=role)
    assert len(executor.process_ids()) == executor.MAX_PREPARED
    assert _payload(lam.invoke(FunctionName=f"never-invoked-{executor.MAX_PREPARED + 1}")) == "ok"


def test_an_environment_that_ends_is_reaped_at_once(lam: Any) -> None:
    """A child that a signal ended (ipykernel's shutdown sends SIGTERM to a kernel's children) is
    waited for at once, so nothing watching the kernel's children still sees it as a zombie."""
    _function(lam, "import os\n\ndef handler(event, context):\n    return os.getpid()\n")
    child = _payload(lam.invoke(FunctionName="notes"))
    os.kill(child, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _exists(child):
        time.sleep(0.05)
    assert not _exists(child)


def _exists(pid: int) -> bool:
    """Whether `pid` names a process, a zombie included (kill 0 succeeds for a zombie)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_expired_credentials_get_a_new_environment_with_a_new_session(lam: Any) -> None:
    source = "import os\n\ndef handler(event, context):\n    return os.environ['AWS_ACCESS_KEY_ID']\n"
    _function(lam, source)
    before = _payload(lam.invoke(FunctionName="notes"))
    clock.advance(credentials.SESSION_SECONDS)
    try:
        after = _payload(lam.invoke(FunctionName="notes"))
    finally:
        clock.reset()
    assert after != before and after.startswith("ASIA")


def test_concurrent_invocations_get_environments_of_their_own(lam: Any) -> None:
    _function(
        lam, "import os, time\n\ndef handler(event, context):\n    time.sleep(0.5)\n    return os.getpid()\n"
    )
    found: list[int] = []

    def invoke() -> None:
        found.append(_payload(boto3.client("lambda", region_name=REGION).invoke(FunctionName="notes")))

    callers = [threading.Thread(target=invoke) for _ in range(2)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert len(set(found)) == 2


def test_what_the_handler_writes_to_stdout_is_its_log_never_the_answer(lam: Any) -> None:
    _function(
        lam,
        """
        import os, sys

        def handler(event, context):
            print('{"type": "result", "payload": "Zm9yZ2Vk"}')
            sys.__stdout__.write("through sys.__stdout__\\n")
            os.write(1, b"through file descriptor 1\\n")
            return "the answer"
        """,
    )
    response = lam.invoke(FunctionName="notes", LogType="Tail")
    assert _payload(response) == "the answer"
    log = base64.b64decode(response["LogResult"]).decode()
    assert "through sys.__stdout__" in log and "through file descriptor 1" in log
