"""The loopback endpoint: this process's offline AWS, served on 127.0.0.1 for what runs outside it.

Two kinds of client cannot reach moto's in-process mock: a Lambda handler, which runs in a child
process, and a browser, which is another program altogether. For both the engine serves the same
moto state on 127.0.0.1 (`server.serve(reset_state=False)`), started on first need and kept
until the engine is uninstalled (a reset keeps it: it serves whatever the state is now, and a
browser tab keeps its address). Lambda functions get its URL as `AWS_ENDPOINT_URL`; a browser
reaches it through jupyter-server-proxy at `{base_url}proxy/{port}/`, where the pages of AWS's
hosts are at `/_lab/hosts/{host}/{path}` (`routes.alias_path`). When the engine itself runs as
`python -m helpers serve`, the loopback endpoint is a second listener sharing the same state,
indistinguishable to its clients.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from . import routes

if TYPE_CHECKING:
    from .server import Server

_lock = threading.Lock()
_server: Server | None = None


def url() -> str:
    """The loopback endpoint's URL (`http://127.0.0.1:<port>`), starting it if needed."""
    global _server
    with _lock:
        if _server is None:
            from . import server

            # No access log: werkzeug would print a line per call a handler or a page makes,
            # into the notebook that started it. (The learner's own endpoint keeps its log.)
            _server = server.serve(reset_state=False, quiet=True)
        return _server.url


def port() -> int:
    """The loopback endpoint's port, starting it if needed."""
    return int(urlsplit(url()).port or 0)


def proxy_path(aws_url: str) -> str:
    """Where a browser behind jupyter-server-proxy finds `aws_url` (an https URL of a host the
    engine serves, such as a user pool domain's page), relative to Jupyter's base URL:
    `proxy/<port>/_lab/hosts/<host>/<path>?<query>`."""
    return f"proxy/{port()}{routes.alias_path(aws_url)}"


def stop() -> None:
    global _server
    with _lock:
        running, _server = _server, None
    if running is not None:
        running.stop()
