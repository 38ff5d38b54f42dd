"""The Lambda runtime inside one offline execution environment (a child process of the engine).

`executor.py` starts this file as a script, `python -u -S -P -B runtime.py <SDK locations>`, with
the function's code unzipped in LAMBDA_TASK_ROOT and the environment Lambda gives
(`environment.py`). It imports nothing but the standard library, so the handler's process holds
only what the handler imports. What a handler can import is what Lambda's Python runtime has (Lambda
DG python-package, "Runtime dependencies in Python": the runtime includes the AWS SDK for Python
(Boto3) and its dependencies): its own package first, then the standard library, then the SDK;
`-S` keeps the lab's other packages (requests, PyJWT, ...) out, so a handler that imports one fails
with `Runtime.ImportModuleError` "Unable to import module '...': No module named '...'", as on AWS
until the package is in the zip.

It behaves as AWS's own Python runtime client does (aws/aws-lambda-python-runtime-interface-client,
`awslambdaric/bootstrap.py`, `lambda_context.py`, `lambda_runtime_marshaller.py`,
`lambda_runtime_exception.py`): the handler is found from `_HANDLER` ("module.function") with the
same `Runtime.*` errors; an uncaught exception becomes `{"errorMessage", "errorType", "requestId",
"stackTrace"}`; the context object has the same attributes (`memory_limit_in_mb` is a string there
too); `logging` writes `[LEVEL]\\t<time>Z\\t<request id>\\t<message>` and errors are logged as one
entry; a result that is not JSON is `Runtime.MarshalError`. The START/END/REPORT lines Lambda adds
around each invocation are written here, where the timings are known.

The protocol with the parent is JSON lines: one request per line on what was our stdin, one answer
per line on what was our stdout. Before the handler is imported, file descriptor 1 is pointed at
descriptor 2 (the log pipe) and 0 at the null device, so nothing the handler prints, logs or reads
can touch the protocol. Messages to the parent:

* `{"type": "ready"}` once the handler module is imported (Lambda's Init phase), or
  `{"type": "init_error", "error": {...}}`, after which the process exits;
* per request, `{"type": "result", "payload": <base64>}` or `{"type": "error", "error": {...}}`.

A handler that calls `sys.exit()` or kills the process ends the environment, as on AWS; the parent
reports that as `Runtime.ExitError`.
"""

from __future__ import annotations

import base64
import contextlib
import decimal
import importlib
import importlib.abc
import importlib.machinery
import json
import logging
import math
import os
import site
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from types import ModuleType, TracebackType
from typing import IO, Any

_THIS_FILE = os.path.abspath(__file__)
# awslambdaric joins the lines of an error's log entry with "\r" (one CloudWatch event) and indents
# its traceback with NO-BREAK SPACEs.
_ERROR_LINE_JOIN = "\r"
_ERROR_INDENT = "\u00a0"

Handler = Callable[[Any, Any], Any]

_request_id = ""  # the invocation in progress, for the log format


class RuntimeFault(Exception):
    """An error of the runtime's own (`Runtime.ImportModuleError`, ...), not raised by the handler."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


def make_error(
    message: str, error_type: str, stack_trace: list[str] | None, request_id: str | None
) -> dict[str, Any]:
    """Lambda's error envelope (awslambdaric `make_error`)."""
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace or [],
    }


def error_from_exception(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None, request_id: str | None
) -> dict[str, Any]:
    """The envelope of an exception, with this runtime's own frames left out of the stack trace."""
    frames = traceback.extract_tb(tb)
    while frames and frames[0].filename == _THIS_FILE:
        frames.pop(0)
    # As tuples, as awslambdaric passes them: formatted without the column markers (~~~^^^).
    plain = [(frame.filename, frame.lineno or 0, frame.name, frame.line) for frame in frames]
    return make_error(str(value), kind.__name__, traceback.format_list(plain), request_id)


def load_handler(handler: str) -> Handler:
    """The function `_HANDLER` names, or the RuntimeFault awslambdaric raises for it."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as problem:
        raise RuntimeFault("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {problem}") from None
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise RuntimeFault(
            "Runtime.BuiltInModuleConflict", f"Cannot use built-in module {module_name} as a handler module"
        )
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as problem:
        raise RuntimeFault(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {problem}"
        ) from None
    except SyntaxError as problem:
        trace = [f'  File "{problem.filename}" Line {problem.lineno}\n    {problem.text}']
        raise RuntimeFault(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {problem}", trace
        ) from None
    found: Handler | None = getattr(module, function_name, None)
    if found is None and not hasattr(module, function_name):
        raise RuntimeFault(
            "Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'"
        )
    return found  # type: ignore[return-value]  # a handler that is None fails when called, as on AWS


class _Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        # awslambdaric writes a Decimal (what boto3's DynamoDB resource returns) as the number it
        # holds; the standard library has no raw numbers, so an int or a float stands in.
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return math.nan
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


def marshal(result: Any) -> bytes:
    """The handler's return value as the Invoke payload (awslambdaric's marshaller)."""
    if isinstance(result, bytes):
        return result
    # awslambdaric keeps non-ASCII characters as they are only on python3.12.
    ascii_only = os.environ.get("AWS_EXECUTION_ENV") != "AWS_Lambda_python3.12"
    try:
        return _Encoder(ensure_ascii=ascii_only).encode(result).encode()
    except Exception as problem:
        raise RuntimeFault("Runtime.MarshalError", f"Unable to marshal response: {problem}") from None


# --- the context object (awslambdaric lambda_context.py) -------------------------------------------


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, found: dict[str, Any] | None) -> None:
        self.cognito_identity_id = (found or {}).get("cognitoIdentityId")
        self.cognito_identity_pool_id = (found or {}).get("cognitoIdentityPoolId")

    def __repr__(self) -> str:
        return (
            f"CognitoIdentity([cognito_identity_id={self.cognito_identity_id},"
            f"cognito_identity_pool_id={self.cognito_identity_pool_id}])"
        )


class Client:
    __slots__ = ("app_package_name", "app_title", "app_version_code", "app_version_name", "installation_id")

    def __init__(self, found: dict[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, found.get(name))

    def __repr__(self) -> str:
        fields = ",".join(f"{name}={getattr(self, name)}" for name in self.__slots__)
        return f"Client([{fields}])"


class ClientContext:
    __slots__ = ("client", "custom", "env")

    def __init__(self, found: dict[str, Any]) -> None:
        client = found.get("client")
        self.client = Client(client) if isinstance(client, dict) else None
        self.custom = found.get("custom")
        self.env = found.get("env")

    def __repr__(self) -> str:
        return f"ClientContext([custom={self.custom},env={self.env},client={self.client}])"


class LambdaContext:
    """What the handler receives as `context`."""

    def __init__(
        self,
        request_id: str,
        invoked_function_arn: str,
        deadline_ms: int,
        client_context: dict[str, Any] | None,
        identity: dict[str, Any] | None,
    ) -> None:
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.client_context = ClientContext(client_context) if client_context is not None else None
        self.identity = CognitoIdentity(identity)
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        left = self._deadline_ms - int(time.time() * 1000)
        return left if left > 0 else 0

    def log(self, message: Any) -> None:
        sys.stdout.write(str(message))

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},client_context={self.client_context},"
            f"identity={self.identity}])"
        )


# --- logs -----------------------------------------------------------------------------------------


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _request_id
        return True


def setup_logging() -> None:
    """The root handler Lambda's runtime installs (its level stays WARNING unless configured)."""
    logging.Formatter.converter = time.gmtime
    handler = logging.StreamHandler(sys.stdout)
    handler.terminator = ""  # the format ends with its own newline, as awslambdaric's does
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.addFilter(_RequestIdFilter())
    logging.getLogger().addHandler(handler)


def log_error(error: dict[str, Any]) -> None:
    """An error as Lambda's runtime logs it: `[ERROR] Type: message` and the traceback, one entry."""
    description = "[ERROR]"
    if error["errorType"]:
        description += " " + error["errorType"]
    if error["errorMessage"]:
        description += (":" if error["errorType"] else "") + " " + error["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        for line in element.splitlines() or [""]:
            stripped = line.lstrip(" ")
            lines.append(_ERROR_INDENT * (len(line) - len(stripped)) + stripped)
    sys.stdout.write(_ERROR_LINE_JOIN.join(lines) + "\n")


def _max_memory_mb() -> int:
    try:
        import resource
    except ImportError:  # Windows has no getrusage
        return 0
    used = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return used // (1024 * 1024) if sys.platform == "darwin" else used // 1024


# --- the loop -------------------------------------------------------------------------------------


def handle(handler: Handler, request: dict[str, Any]) -> dict[str, Any]:
    """Run one invocation; its START/END/REPORT lines go to the log around the handler's own output."""
    global _request_id
    request_id = _request_id = request["request_id"]
    started = time.monotonic()
    _platform_log(f"START RequestId: {request_id} Version: {os.environ['AWS_LAMBDA_FUNCTION_VERSION']}\n")
    answer: dict[str, Any]
    try:
        context = LambdaContext(
            request_id,
            request["invoked_function_arn"],
            request["deadline_ms"],
            request.get("client_context"),
            request.get("identity"),
        )
        payload = marshal(handler(json.loads(request["event"]), context))
        answer = {"type": "result", "payload": base64.b64encode(payload).decode()}
    except RuntimeFault as fault:
        error = make_error(fault.message, fault.error_type, fault.trace, request_id)
        log_error(error)
        answer = {"type": "error", "error": error}
    except Exception as problem:
        error = error_from_exception(type(problem), problem, problem.__traceback__, request_id)
        log_error(error)
        answer = {"type": "error", "error": error}
    duration_ms = (time.monotonic() - started) * 1000
    _platform_log(
        f"END RequestId: {request_id}\n"
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
        f"Billed Duration: {math.ceil(duration_ms)} ms\t"
        f"Memory Size: {os.environ['AWS_LAMBDA_FUNCTION_MEMORY_SIZE']} MB\t"
        f"Max Memory Used: {_max_memory_mb()} MB\t\n"
    )
    return answer


def _platform_log(text: str) -> None:
    """Lambda's own lines, straight to the log pipe (file descriptor 1), after what the handler
    wrote: the parent reads an invocation's log up to its REPORT line, even if the handler replaced
    `sys.stdout`."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()
    os.write(1, text.encode())


def _send(channel: IO[str], message: dict[str, Any]) -> None:
    channel.write(json.dumps(message) + "\n")
    channel.flush()


class SdkFinder(importlib.abc.MetaPathFinder):
    """Finds the SDK's top-level packages (boto3 and what it imports) where the parent found them,
    after the task root and the standard library: a boto3 in the function's zip comes first."""

    def __init__(self, locations: dict[str, str]) -> None:
        self._locations = locations

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if path is not None or fullname not in self._locations:
            return None  # submodules are found through their package's __path__
        return importlib.machinery.PathFinder.find_spec(fullname, [self._locations[fullname]])


def main() -> int:
    # What `site` would add to builtins (exit, quit, help, ...), without the lab's packages.
    site.setquit()
    site.setcopyright()
    site.sethelper()
    sys.meta_path.append(SdkFinder(json.loads(sys.argv[1])))
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
    setup_logging()
    try:
        handler = load_handler(os.environ["_HANDLER"])
    except RuntimeFault as fault:
        error = make_error(fault.message, fault.error_type, fault.trace, None)
    except Exception as problem:  # the module itself raised while being imported
        error = error_from_exception(type(problem), problem, problem.__traceback__, None)
    else:
        _send(answers, {"type": "ready"})
        for line in requests:
            _send(answers, handle(handler, json.loads(line)))
        return 0
    log_error(error)
    sys.stdout.flush()
    _send(answers, {"type": "init_error", "error": error})
    return 1


if __name__ == "__main__":
    sys.exit(main())
