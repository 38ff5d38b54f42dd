"""Warm execution environments: a child Python process per function, kept between invocations.

Lambda runs a function in an execution environment that is created on the first invocation (the
Init phase imports the handler's module), reused for later ones, handles one invocation at a time,
and is replaced after a timeout or a crash (Lambda DG lambda-runtime-environment). Lambda may also
initialize an environment before any invocation asks for one ("For functions using on-demand
concurrency, Lambda may occasionally pre-initialize execution environments to reduce the number of
cold start invocations", same page, Init phase): the engine does so when a function is created or
its code or configuration changes (`prepare`), so that the Init phase runs while the caller goes on,
and the first invocation takes that environment, waiting for its Init phase if it is still running
(its Init log comes with that invocation, as before). Here an
environment is one `runtime.py` child of this process (`sys.executable`: no Docker, no second
Python), with the function's zip unzipped in its own temporary folder. When every environment of a
function is busy (a function that invokes itself, or two callers at once), another one is started,
as Lambda scales out; concurrency limits are not modelled.

The parent enforces the function's `Timeout` ("Task timed out after N.NN seconds", and the
environment is replaced), reports a child that died as `Runtime.ExitError`, and stops every child at
`stop_all()` (the engine's reset and uninstall) and when the interpreter exits.

The environments are process-wide, not `state.StateDict` state: they are operating-system processes
that must be stopped, not data moto's reset could simply forget. Each is keyed by the function's
whole configuration (code hash included), so a changed function gets a fresh environment.

Observed formats (no AWS page gives them): the timeout payload
`{"errorMessage": "<time> <request id> Task timed out after 3.07 seconds"}` and its log line after
END and REPORT (alexa-samples/skill-sample-nodejs-smarthome-switch#18 and others, 2016-2024);
`Runtime.ExitError` "RequestId: <id> Error: Runtime exited with error: signal: killed"
(praetorian-inc/chariot-ui#166). UNCONFIRMED: newer runtimes may add `"errorType":
"Sandbox.Timedout"` to the timeout payload (named in Lambda DG troubleshooting-invocation for the
Init phase).
"""

from __future__ import annotations

import atexit
import base64
import functools
import importlib.util
import io
import json
import math
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .. import clock
from . import environment
from .credentials import Credentials

RUNTIME = Path(__file__).with_name("runtime.py")
# What Lambda's Python runtime bundles besides the standard library: the AWS SDK for Python and the
# packages it imports (Lambda DG python-package, "Runtime dependencies in Python").
SDK_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")
# Lambda gives the Init phase 10 seconds, then retries it within the invocation's own timeout
# (Lambda DG lambda-runtime-environment); one wait covers both here.
INIT_SECONDS = 10.0
# Environments started ahead of any invocation (`prepare`) at one time: Lambda does it only
# "occasionally", and a test suite that creates many functions it never invokes should not get a
# process for each.
MAX_PREPARED = 8
# The child writes its END and REPORT lines before it answers; reading them may lag a moment.
_LOG_GRACE_SECONDS = 5.0


@dataclass(frozen=True)
class FunctionSpec:
    """What an execution environment is made from: a function's code and configuration."""

    account_id: str
    region: str
    name: str
    arn: str  # as invoked: unqualified for $LATEST, with the version number otherwise
    version: str
    runtime: str
    handler: str
    role: str
    memory_size: int
    timeout: float
    log_group: str
    variables: tuple[tuple[str, str], ...]
    code_sha256: str
    last_modified: str
    code: bytes = field(repr=False, compare=False)


@dataclass(frozen=True)
class Invocation:
    request_id: str
    event: str  # JSON text
    client_context: dict[str, Any] | None = None


@dataclass(frozen=True)
class Outcome:
    """What Invoke answers: the payload, whether it is a function error, the invocation's log."""

    payload: bytes
    function_error: bool
    logs: str
    log_stream: str


@functools.cache
def sdk_locations() -> dict[str, str]:
    """The folder each of the SDK's top-level packages is imported from in this process."""
    locations = {}
    for name in SDK_PACKAGES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None  # moto itself needs boto3 and these
        locations[name] = str(
            Path(spec.origin).parent.parent if spec.submodule_search_locations else Path(spec.origin).parent
        )
    return locations


def _iso_now() -> str:
    now = clock.utcnow()
    return f"{now:%Y-%m-%dT%H:%M:%S}.{now.microsecond // 1000:03d}Z"


# How the Lambda service words a runtime's end (Go's exit-status text, as in "signal: killed").
_SIGNAL_WORDS = {
    "SIGKILL": "killed",
    "SIGTERM": "terminated",
    "SIGABRT": "aborted",
    "SIGSEGV": "segmentation fault",
}


def _how_it_ended(returncode: int) -> str:
    if returncode >= 0:
        return f"exit status {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        return f"signal: {-returncode}"
    return f"signal: {_SIGNAL_WORDS.get(name, name)}"


class Environment:
    """One execution environment: a child process running `runtime.py` for one function."""

    def __init__(self, spec: FunctionSpec, credentials: Credentials, endpoint_url: str) -> None:
        self.spec = spec
        self.credentials = credentials
        self.log_stream = environment.log_stream_name(spec.version)
        self._folder = Path(tempfile.mkdtemp(prefix="lab-lambda-"))
        task_root = self._folder / "task"
        variables = environment.variables(spec, credentials, endpoint_url, task_root, self.log_stream)
        try:
            with zipfile.ZipFile(io.BytesIO(spec.code)) as archive:
                archive.extractall(task_root)
            # -u: unbuffered, so log lines reach us as they are written; -S: none of the lab's
            # packages, only the SDK's (runtime.py finds them where `sdk_locations` says); -P: the
            # runtime's own folder is not on sys.path, where its neighbours would shadow the
            # handler's modules; -B: no __pycache__ in the task root, which is read-only on AWS.
            self._process = subprocess.Popen(
                [sys.executable, "-u", "-S", "-P", "-B", str(RUNTIME), json.dumps(sdk_locations())],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=task_root,
                env=variables,
            )
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        self._answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._log: list[str] = []
        self._log_read = 0  # lines already given to an invocation
        self._log_changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read_answers, daemon=True, name=f"lambda-{spec.name}-answers"),
            threading.Thread(target=self._read_log, daemon=True, name=f"lambda-{spec.name}-log"),
        ]
        for reader in self._readers:
            reader.start()
        self.alive = True
        self.initialized = False  # the Init phase's answer has been read (`start`)

    @property
    def pid(self) -> int:
        return self._process.pid

    # --- reading the child ---------------------------------------------------------------------

    def _read_answers(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._answers.put(json.loads(line))
        self._answers.put(None)  # the child's end
        # Reap it at once: a child that ended stays a zombie until waited for, and a kernel that
        # is shutting down waits seconds for its children to go (ipykernel signals them, then
        # watches them with psutil, which still lists a zombie).
        self._process.wait()

    def _read_log(self) -> None:
        assert self._process.stderr is not None
        for raw in self._process.stderr:
            with self._log_changed:
                self._log.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._log_changed.notify_all()

    def _take_log(self, until: str | None = None) -> list[str]:
        """The log lines not yet given out; with `until`, first wait (briefly) for a line starting so."""
        with self._log_changed:
            if until is not None:
                self._log_changed.wait_for(
                    lambda: any(line.startswith(until) for line in self._log[self._log_read :]),
                    timeout=_LOG_GRACE_SECONDS,
                )
            taken = self._log[self._log_read :]
            self._log_read = len(self._log)
        return taken

    def _next_answer(self, timeout: float) -> dict[str, Any] | None:
        """The child's next message; None if it ended. Raises queue.Empty after `timeout` seconds."""
        return self._answers.get(timeout=timeout)

    # --- the lifecycle -------------------------------------------------------------------------

    def start(self, request_id: str) -> Outcome | None:
        """Wait for the Init phase; an Outcome for `request_id` if it failed (the child is then gone)."""
        started = time.monotonic()
        try:
            answer = self._next_answer(INIT_SECONDS + self.spec.timeout)
        except queue.Empty:
            return self._timed_out(request_id, started)
        if answer is not None and answer.get("type") == "ready":
            self.initialized = True
            return None
        if answer is None:
            return self._exited(request_id, started)
        self.stop()
        lines = [
            *self._platform_start(request_id),
            *self._take_log(),
            *self._platform_end(request_id, started),
        ]
        return self._outcome(json.dumps(answer["error"]).encode(), True, lines)

    def invoke(self, invocation: Invocation) -> Outcome:
        """Run one invocation in this environment (one at a time, as Lambda does)."""
        started = time.monotonic()
        request = {
            "request_id": invocation.request_id,
            "event": invocation.event,
            "invoked_function_arn": self.spec.arn,
            "deadline_ms": int(time.time() * 1000 + self.spec.timeout * 1000),
            "client_context": invocation.client_context,
        }
        try:
            self._send(request)
            answer = self._next_answer(self.spec.timeout)
        except queue.Empty:
            return self._timed_out(invocation.request_id, started)
        except OSError:  # the child was gone before we wrote
            answer = None
        if answer is None:
            return self._exited(invocation.request_id, started)
        lines = self._take_log(until=f"REPORT RequestId: {invocation.request_id}")
        if answer["type"] == "result":
            return self._outcome(base64.b64decode(answer["payload"]), False, lines)
        return self._outcome(json.dumps(answer["error"]).encode(), True, lines)

    def _send(self, request: dict[str, Any]) -> None:
        stdin: IO[bytes] | None = self._process.stdin
        assert stdin is not None
        stdin.write((json.dumps(request) + "\n").encode())
        stdin.flush()

    def stop(self) -> None:
        """End the child and remove its folder (idempotent)."""
        self.alive = False
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for reader in self._readers:
            reader.join(timeout=_LOG_GRACE_SECONDS)
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    # --- the invocation's end, when the handler did not answer ---------------------------------

    def _timed_out(self, request_id: str, started: float) -> Outcome:
        self.stop()
        message = f"{_iso_now()} {request_id} Task timed out after {self.spec.timeout:.2f} seconds"
        lines = [*self._take_log(), *self._platform_end(request_id, started), message]
        return self._outcome(json.dumps({"errorMessage": message}).encode(), True, lines)

    def _exited(self, request_id: str, started: float) -> Outcome:
        self.stop()
        how = _how_it_ended(self._process.returncode)
        message = f"RequestId: {request_id} Error: Runtime exited with error: {how}"
        error = {"errorType": "Runtime.ExitError", "errorMessage": message}
        lines = [*self._take_log(), message, "Runtime.ExitError", *self._platform_end(request_id, started)]
        return self._outcome(json.dumps(error).encode(), True, lines)

    def _platform_start(self, request_id: str) -> list[str]:
        return [f"START RequestId: {request_id} Version: {self.spec.version}"]

    def _platform_end(self, request_id: str, started: float) -> list[str]:
        duration_ms = (time.monotonic() - started) * 1000
        return [
            f"END RequestId: {request_id}",
            f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
            f"Billed Duration: {math.ceil(duration_ms)} ms\tMemory Size: {self.spec.memory_size} MB\t",
        ]

    def _outcome(self, payload: bytes, function_error: bool, lines: list[str]) -> Outcome:
        logs = "".join(line + "\n" for line in lines)
        return Outcome(payload, function_error, logs, self.log_stream)


# --- the environments of this process ----------------------------------------------------------

_lock = threading.Lock()
_idle: dict[FunctionSpec, list[Environment]] = {}
_running: set[Environment] = set()
_cleanup_registered = False


def _take_idle(spec: FunctionSpec) -> Environment | None:
    """A warm environment for exactly this configuration, with credentials that outlast the call.

    Environments of an older configuration of the same function are stopped on the way.
    """
    stale: list[Environment] = []
    found = None
    with _lock:
        for other in [key for key in _idle if key.arn == spec.arn and key != spec]:
            stale.extend(_idle.pop(other))
        waiting = _idle.get(spec, [])
        while waiting and found is None:
            candidate = waiting.pop()
            if candidate.alive and candidate.credentials.valid_for(spec.timeout):
                found = candidate
            else:
                stale.append(candidate)
    for environment_ in stale:
        _forget(environment_)
    return found


def _forget(environment_: Environment) -> None:
    environment_.stop()
    with _lock:
        _running.discard(environment_)


def _new_environment(spec: FunctionSpec, credentials: Credentials, endpoint_url: str) -> Environment:
    global _cleanup_registered
    started = Environment(spec, credentials, endpoint_url)
    with _lock:
        _running.add(started)
        if not _cleanup_registered:
            atexit.register(stop_all)
            _cleanup_registered = True
    return started


def prepare(
    spec: FunctionSpec, credentials: Callable[[], Credentials], endpoint_url: Callable[[], str]
) -> None:
    """Start an environment for `spec` now, unless one waits already (proactive initialization).

    `credentials` may raise: then nothing is started, and the first invocation meets the refusal.
    Nothing is started either while MAX_PREPARED environments wait for their first invocation."""
    with _lock:
        never_invoked = sum(not waiting.initialized for every in _idle.values() for waiting in every)
        if _idle.get(spec) or never_invoked >= MAX_PREPARED:
            return
    try:
        ready = _new_environment(spec, credentials(), endpoint_url())
    except Exception:  # whatever stops it here stops the first invocation too, which reports it
        return
    with _lock:
        if ready in _running:  # else `stop_all` ran meanwhile and `ready` is one too many
            _idle.setdefault(spec, []).append(ready)
            return
    ready.stop()


def run(
    spec: FunctionSpec,
    invocation: Invocation,
    credentials: Callable[[], Credentials],
    endpoint_url: Callable[[], str],
) -> Outcome:
    """Invoke the function: in a warm environment if one is free, else in a new one.

    `credentials` and `endpoint_url` are asked only when a new environment is started.
    """
    warm = _take_idle(spec) or _new_environment(spec, credentials(), endpoint_url())
    if not warm.initialized:
        failed = warm.start(invocation.request_id)
        if failed is not None:
            _forget(warm)
            return failed
    outcome = warm.invoke(invocation)
    with _lock:
        if warm.alive and warm in _running:
            _idle.setdefault(spec, []).append(warm)
            return outcome
    _forget(warm)
    return outcome


def stop_all() -> None:
    """Stop every execution environment of this process."""
    with _lock:
        every = list(_running)
        _running.clear()
        _idle.clear()
    for environment_ in every:
        environment_.stop()


def process_ids() -> list[int]:
    """The process ids of the running execution environments (what a reset must leave: none)."""
    with _lock:
        return sorted(environment_.pid for environment_ in _running)
