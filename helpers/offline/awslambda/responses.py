"""moto's Lambda, made to run the function: the hooks on `LambdaFunction` and `LambdaBackend`.

* `LambdaFunction._invoke_lambda(event) -> (payload, errored, logs)` is where every invocation ends
  (Invoke, and moto's S3, SNS, SQS, EventBridge callers); moto runs Docker there, the engine runs
  its executor (`executor.py`) with the execution role's credentials (`credentials.py`).
* `LambdaFunction.invoke(body, request_headers, response_headers)` answers as API Invoke documents:
  an empty payload is the event `{}` (moto passed the string "{}"); a payload that is not JSON is
  `InvalidRequestContentException`; a function error is `X-Amz-Function-Error: Unhandled` with
  status 200 (moto said Handled; "The status code is 200 for function errors", awsdocs/aws-lambda-
  developer-guide#127); `LogType=Tail` gives "the last 4 KB of the execution log, which is
  base64-encoded" (API Invoke, LogResult); `X-Amz-Executed-Version` names the version run;
  `InvocationType=Event` runs the function in the background and answers 202 at once, `DryRun`
  runs nothing (204). The invocation's log goes to the function's log group, in its environment's
  log stream.
* `LambdaBackend.create_function` and `update_function_configuration` refuse what AWS refuses and
  what the lab does not model (`configuration.py`); they and `update_function_code` then have an
  environment initialized for the function as it now is (`executor.prepare`: Lambda's proactive
  initialization, which spares the first invocation most of its Init phase).

UNCONFIRMED: the messages of InvalidRequestContentException (AWS quotes its JSON parser's own text),
and that Invoke refuses a function whose role can no longer be assumed with CreateFunction's
InvalidParameterValueException.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from .. import clock, iam, loopback
from ..iam import propagation
from ..patching import Patches
from ..sts import trust
from . import configuration, credentials, executor, permissions
from .exceptions import InvalidParameterValueException, InvalidRequestContentException, LambdaError

_TAIL_BYTES = 4096


def function_spec(function: Any) -> executor.FunctionSpec:
    """The executor's view of moto's `LambdaFunction` (a version, or $LATEST)."""
    return executor.FunctionSpec(
        account_id=function.account_id,
        region=function.region,
        name=function.function_name,
        arn=function.function_arn,
        version=str(function.version),
        runtime=function.run_time,
        handler=function.handler,
        role=function.role,
        memory_size=int(function.memory_size),
        timeout=float(function.timeout),
        log_group=function.logs_group_name,
        variables=tuple(sorted((function.environment_vars or {}).items())),
        code_sha256=function.code_sha_256,
        last_modified=function.last_modified,
        code=function.code_bytes,
    )


def _unqualified_arn(spec: executor.FunctionSpec) -> str:
    return f"arn:aws:lambda:{spec.region}:{spec.account_id}:function:{spec.name}"


def _role_credentials(spec: executor.FunctionSpec) -> Callable[[], credentials.Credentials]:
    def role_credentials() -> credentials.Credentials:
        try:
            return credentials.assume_execution_role(
                spec.account_id, spec.region, spec.role, spec.name, _unqualified_arn(spec)
            )
        except trust.TrustDenied:
            raise InvalidParameterValueException(configuration.ROLE_NOT_ASSUMABLE) from None

    return role_credentials


def run(function: Any, event: str, client_context: dict[str, Any] | None = None) -> executor.Outcome:
    """Invoke moto's function with the JSON text `event`; its log is saved to CloudWatch Logs."""
    spec = function_spec(function)
    invocation = executor.Invocation(str(uuid.uuid4()), event, client_context)
    outcome = executor.run(spec, invocation, _role_credentials(spec), loopback.url)
    _save_logs(function, outcome)
    return outcome


def invoke_function(function_arn: str, event: str) -> executor.Outcome:
    """A synchronous invocation by another AWS service (API Gateway, a Cognito trigger), which has
    already checked the function's resource policy (`permissions.may_invoke`).

    Raises `ResourceNotFoundException` for no such function and `InvalidParameterValueException`
    when Lambda cannot assume the execution role: Lambda refuses the invocation."""
    return run(permissions.find_function(function_arn), event)


def _may_log(spec: executor.FunctionSpec, region: str, group: str, group_exists: bool) -> bool:
    """Whether the execution role lets Lambda send the function's log: `logs:CreateLogStream` and
    `logs:PutLogEvents` on its log group's streams, and `logs:CreateLogGroup` while the group does
    not exist ("Lambda functions need permission to send logs to CloudWatch Logs", Lambda DG
    monitoring-cloudwatchlogs; the AWSLambdaBasicExecutionRole managed policy grants these three)."""
    from moto.iam.exceptions import NotFoundException

    try:
        policies = propagation.effective_role_policies(spec.account_id, spec.role.rsplit("/", 1)[-1])
    except NotFoundException:
        return False
    group_arn = f"arn:aws:logs:{region}:{spec.account_id}:log-group:{group}"
    wanted = [
        ("logs:CreateLogStream", f"{group_arn}:log-stream:*"),
        ("logs:PutLogEvents", f"{group_arn}:log-stream:*"),
    ]
    if not group_exists:
        wanted.append(("logs:CreateLogGroup", group_arn))
    return all(
        iam.evaluate(policies, iam.Request(action, resource)).effect == iam.ALLOW
        for action, resource in wanted
    )


def _save_logs(function: Any, outcome: executor.Outcome) -> None:
    """Send the invocation's log to the function's log group, as Lambda does when the execution
    role may (`_may_log`); otherwise it is lost, as on AWS (`LogType=Tail` still returns it)."""
    from moto.logs.exceptions import ResourceAlreadyExistsException

    logs, group = function.logs_backend, function.logs_group_name
    if not _may_log(function_spec(function), function.region, group, group in logs.groups):
        return
    logs.ensure_log_group(group)
    # The environment's stream: made by its first invocation.
    with contextlib.suppress(ResourceAlreadyExistsException):
        logs.create_log_stream(group, outcome.log_stream)
    at = int(clock.now() * 1000)
    events = [{"timestamp": at, "message": line} for line in outcome.logs.splitlines()]
    if events:
        # Lambda delivers its own logs. CloudWatch's PutLogEvents drops events more than two hours
        # ahead of (moto's) real time, and a notebook that moved the offline clock on would lose
        # every line; the log group itself takes them, stamped with the offline time.
        logs.groups[group].put_log_events(outcome.log_stream, events)


def invoke_lambda(function: Any, event: str | None = None) -> tuple[str, bool, str]:
    """Replacement for `LambdaFunction._invoke_lambda`: (payload, function error?, log)."""
    outcome = run(function, event or "{}")
    return outcome.payload.decode("utf-8", "replace"), outcome.function_error, outcome.logs


def _event_text(body: str | bytes | None) -> str:
    """The Invoke payload as JSON text: {} when empty, refused when it is not JSON."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    if not text.strip():
        return "{}"
    try:
        json.loads(text)
    except ValueError as problem:
        raise InvalidRequestContentException(
            f"Could not parse request body into json: Could not parse payload into json: {problem}"
        ) from None
    return text


def _client_context(encoded: str | None) -> dict[str, Any] | None:
    """`X-Amz-Client-Context`: base64 JSON, up to 3,583 bytes (API Invoke)."""
    if not encoded:
        return None
    try:
        found = json.loads(base64.b64decode(encoded))
    except (binascii.Error, ValueError):
        found = None
    if not isinstance(found, dict):
        raise InvalidRequestContentException("Client context must be a valid Base64-encoded JSON object.")
    return found


def _run_queued(function: Any, event: str) -> None:
    """An `Event` invocation: its caller had its 202 already; a refusal only ends it."""
    with contextlib.suppress(LambdaError):
        run(function, event)


def _tail(logs: str) -> str:
    return base64.b64encode(logs.encode()[-_TAIL_BYTES:]).decode()


def invoke(function: Any, body: Any, request_headers: Any, response_headers: dict[str, Any]) -> bytes:
    """Replacement for `LambdaFunction.invoke`."""
    headers: Mapping[str, str] = {str(name).lower(): value for name, value in request_headers.items()}
    event = _event_text(body)
    client_context = _client_context(headers.get("x-amz-client-context"))
    invocation_type = headers.get("x-amz-invocation-type", "RequestResponse")
    response_headers["x-amz-executed-version"] = str(function.version)
    if invocation_type == "DryRun":
        return b""
    if invocation_type == "Event":
        # Lambda queues the event and answers 202; retries and destinations are not modelled.
        threading.Thread(target=_run_queued, args=(function, event), daemon=True, name="lambda-event").start()
        return b""
    outcome = run(function, event, client_context)
    if outcome.function_error:
        response_headers["x-amz-function-error"] = "Unhandled"
    if headers.get("x-amz-log-type") == "Tail":
        response_headers["x-amz-log-result"] = _tail(outcome.logs)
    return outcome.payload


def _prepare(function: Any) -> None:
    """Initialize an environment for the function as it now is (`executor.prepare`)."""
    spec = function_spec(function)
    executor.prepare(spec, _role_credentials(spec), loopback.url)


def _checking_create(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_function(backend: Any, spec: dict[str, Any]) -> Any:
        configuration.check_new_function(backend.account_id, spec)
        created = original(backend, spec)
        _prepare(created)
        return created

    return create_function


def _checking_update(original: Callable[..., Any]) -> Callable[..., Any]:
    def update_function_configuration(backend: Any, function_name: str, qualifier: str, body: Any) -> Any:
        configuration.check_new_configuration(backend.account_id, body)
        updated = original(backend, function_name, qualifier, body)
        _prepare(backend.get_function(function_name, qualifier))
        return updated

    return update_function_configuration


def _preparing_after_code_update(original: Callable[..., Any]) -> Callable[..., Any]:
    def update_function_code(backend: Any, function_name: str, qualifier: str, body: Any) -> Any:
        updated = original(backend, function_name, qualifier, body)
        _prepare(backend.get_function(function_name, qualifier))
        return updated

    return update_function_code


def install(patches: Patches) -> None:
    from moto.awslambda.models import LambdaBackend, LambdaFunction

    patches.replace(LambdaFunction, "_invoke_lambda", invoke_lambda)
    patches.replace(LambdaFunction, "invoke", invoke)
    patches.wrap(LambdaBackend, "create_function", _checking_create)
    patches.wrap(LambdaBackend, "update_function_configuration", _checking_update)
    patches.wrap(LambdaBackend, "update_function_code", _preparing_after_code_update)
    permissions.install(patches)
