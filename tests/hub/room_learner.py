"""One simulated learner in a room on JupyterHub, driven the way hubtraf drives one.

`Learner` takes the steps a learner's browser takes, through the hub's and their own server's
APIs: sign in with the login form (the shared password), ask the hub for a token for themselves
(what the hub's token page does), start their server, read a notebook from their own home and run
its cells in order in a kernel of their own server, over the kernel's websocket. Every step has a
hard timeout, so one stuck learner fails instead of hanging the room.

Used by tests/hub/test_room.py (three learners, notebook 04) and tests/benchmarks/bench_room.py.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
import websocket


class StepFailed(Exception):
    """A learner's step did not work: the message names the learner, the step and what went wrong."""


@dataclass
class CellRun:
    source: str
    text: str = ""  # what the cell printed or displayed as text, in order
    error: str | None = None  # "Ename: evalue", or why the cell never finished


@dataclass
class NotebookRun:
    path: str
    seconds: float = 0.0
    cells: list[CellRun] = field(default_factory=list)

    @property
    def error(self) -> str | None:
        """The first failed cell, as `cell N: <error>`, or None."""
        for number, cell in enumerate(self.cells):
            if cell.error:
                return f"{self.path} cell {number}: {cell.error}"
        return None

    def output_of(self, marker: str) -> str:
        """The text of the first cell whose source contains `marker`."""
        return next(cell.text for cell in self.cells if marker in cell.source)


class Kernel:
    """A kernel of the learner's own server, started for one notebook (as JupyterLab does)."""

    def __init__(self, learner: Learner, path: str, timeout: float) -> None:
        self.learner = learner
        reply = learner.server_api(
            "POST",
            "sessions",
            json={"path": path, "type": "notebook", "name": path, "kernel": {"name": "python3"}},
            timeout=timeout,
        )
        self.session_id = reply["id"]
        kernel_id = reply["kernel"]["id"]
        self.client_session = uuid.uuid4().hex
        url = learner.server_url.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels"
        self.socket = websocket.create_connection(
            f"{url}?session_id={self.client_session}",
            header=[f"Authorization: token {learner.token}"],
            timeout=timeout,
        )
        self.request("kernel_info_request", {}, timeout)

    def _send(self, msg_type: str, content: dict[str, Any]) -> str:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "username": self.learner.name,
            "session": self.client_session,
            "date": datetime.now(UTC).isoformat(),
            "version": "5.3",
        }
        message = {
            "header": header,
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": "shell",
        }
        self.socket.send(json.dumps(message))
        return msg_id

    def _replies(self, msg_id: str, timeout: float):
        """Messages answering `msg_id` until the kernel is idle again and has replied."""
        deadline = time.monotonic() + timeout
        replied = idle = False
        while not (replied and idle):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no answer within {timeout:.0f} s")
            self.socket.settimeout(remaining)
            try:
                frame = self.socket.recv()
            except websocket.WebSocketTimeoutException:
                raise TimeoutError(f"no answer within {timeout:.0f} s") from None
            if isinstance(frame, bytes):  # binary frames carry widget buffers: nothing to read here
                continue
            message = json.loads(frame)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["header"]["msg_type"]
            replied = replied or kind.endswith("_reply")
            idle = idle or (kind == "status" and message["content"]["execution_state"] == "idle")
            yield message

    def request(self, msg_type: str, content: dict[str, Any], timeout: float) -> list[dict]:
        return list(self._replies(self._send(msg_type, content), timeout))

    def execute(self, code: str, timeout: float) -> CellRun:
        """Run one cell; what it printed, displayed and raised, as JupyterLab would show it."""
        run = CellRun(code)
        content = {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        }
        try:
            for message in self._replies(self._send("execute_request", content), timeout):
                kind, body = message["header"]["msg_type"], message["content"]
                if kind == "stream":
                    run.text += body["text"]
                elif kind in ("execute_result", "display_data"):
                    run.text += body["data"].get("text/plain", "") + "\n"
                elif kind == "error":
                    run.error = f"{body['ename']}: {body['evalue']}"
        except TimeoutError as problem:
            run.error = f"cell did not finish: {problem}"
        except (websocket.WebSocketException, OSError) as problem:  # the server went away
            run.error = f"lost the kernel: {type(problem).__name__}: {problem}"
        return run

    def close(self) -> None:
        """Close the websocket and shut the kernel down (JupyterLab's "Shut Down Kernel")."""
        self.socket.close()
        self.learner.server_api("DELETE", f"sessions/{self.session_id}", timeout=60)


class Learner:
    """One seat: `login()`, `start_server()`, `run_notebook()`, `stop_server()`."""

    def __init__(self, hub_url: str, name: str, password: str) -> None:
        self.hub_url = hub_url  # ends with /
        self.name = name
        self.password = password
        self.http = requests.Session()
        self.token = ""

    @property
    def server_url(self) -> str:
        return f"{self.hub_url}user/{self.name}/"

    def _check(self, reply: requests.Response, step: str) -> requests.Response:
        if not reply.ok:
            raise StepFailed(f"{self.name}, {step}: HTTP {reply.status_code} {reply.text[:200]}")
        return reply

    def hub_api(self, method: str, path: str, timeout: float = 30, **kwargs: Any) -> Any:
        reply = self._check(
            self.http.request(method, f"{self.hub_url}hub/api/{path}", timeout=timeout, **kwargs), path
        )
        return reply.json() if reply.content else None

    def server_api(self, method: str, path: str, timeout: float = 30, **kwargs: Any) -> Any:
        reply = self._check(
            self.http.request(method, f"{self.server_url}api/{path}", timeout=timeout, **kwargs), path
        )
        return reply.json() if reply.content else None

    def login(self, timeout: float = 60) -> None:
        """The login form with the shared password, then a token for this learner from the hub."""
        self._check(self.http.get(f"{self.hub_url}hub/login", timeout=timeout), "login page")
        xsrf = self.http.cookies.get("_xsrf", path="/hub/")
        reply = self.http.post(
            f"{self.hub_url}hub/login",
            data={"username": self.name, "password": self.password, "_xsrf": xsrf},
            allow_redirects=False,
            timeout=timeout,
        )
        if reply.status_code != 302:
            raise StepFailed(
                f"{self.name}, login: HTTP {reply.status_code}, expected the redirect after sign-in"
            )
        xsrf = self.http.cookies.get("_xsrf", path="/hub/")  # a new one, tied to the signed-in session
        token = self.hub_api(
            "POST",
            f"users/{self.name}/tokens",
            json={"note": "room learner", "expires_in": 24 * 3600},
            headers={"X-XSRFToken": xsrf},
            timeout=timeout,
        )["token"]
        self.token = token
        self.http.headers["Authorization"] = f"token {token}"

    def server(self) -> dict | None:
        """The hub's record of this learner's server, or None when it isn't running."""
        return self.hub_api("GET", f"users/{self.name}")["servers"].get("")

    def start_server(self, timeout: float = 300) -> None:
        """Ask the hub for this learner's server and wait until it answers."""
        self.hub_api("POST", f"users/{self.name}/server", timeout=timeout)
        deadline = time.monotonic() + timeout
        while not (self.server() or {}).get("ready"):
            if time.monotonic() > deadline:
                raise StepFailed(f"{self.name}, start server: not ready within {timeout:.0f} s")
            time.sleep(0.5)
        self.server_api("GET", "status", timeout=timeout)

    def stop_server(self, timeout: float = 120) -> None:
        self.hub_api("DELETE", f"users/{self.name}/server", timeout=timeout)
        deadline = time.monotonic() + timeout
        while self.server() is not None:
            if time.monotonic() > deadline:
                raise StepFailed(f"{self.name}, stop server: still running after {timeout:.0f} s")
            time.sleep(0.5)

    def notebook(self, path: str) -> dict:
        """A notebook from the learner's own home, as nbformat JSON."""
        return self.server_api("GET", f"contents/{path}", params={"content": "1"})["content"]

    def open_kernel(self, path: str, timeout: float = 300) -> Kernel:
        return Kernel(self, path, timeout)

    def run_notebook(self, path: str, timeout: float = 300) -> tuple[NotebookRun, Kernel]:
        """Run the learner's copy of `path` top to bottom in a new kernel; stops at the first error.

        The kernel stays up (as when a learner moves on to the next notebook without closing this one).
        """
        run = NotebookRun(path)
        started = time.monotonic()
        cells = [cell for cell in self.notebook(path)["cells"] if cell["cell_type"] == "code"]
        kernel = self.open_kernel(path, timeout)
        for cell in cells:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            run.cells.append(kernel.execute(source, timeout))
            if run.cells[-1].error:
                break
        run.seconds = time.monotonic() - started
        return run, kernel
