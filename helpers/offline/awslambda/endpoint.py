"""Where a function's own AWS calls go: a loopback endpoint serving this process's offline AWS.

A handler runs in a child process, so moto's in-process mock cannot answer its boto3 calls. The
engine therefore serves the same moto state on 127.0.0.1 (`server.serve(reset_state=False)`), on
first need, and gives its URL to the functions as `AWS_ENDPOINT_URL`. The same is done when the
engine itself runs as `python -m helpers serve`: an internal invocation (API Gateway, a Cognito
trigger) has no request to read the endpoint's own address from, and a second listener on the
loopback interface, sharing the same state, is indistinguishable to the handler.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..server import Server

_lock = threading.Lock()
_server: Server | None = None


def url() -> str:
    """The loopback endpoint's URL, starting it if needed."""
    global _server
    with _lock:
        if _server is None:
            from .. import server

            # No access log: werkzeug would print a line per call the handler makes, into the
            # notebook that invoked it. (The learner's own endpoint keeps its log.)
            _server = server.serve(reset_state=False, quiet=True)
        return _server.url


def stop() -> None:
    global _server
    with _lock:
        running, _server = _server, None
    if running is not None:
        running.stop()
