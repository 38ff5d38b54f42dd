"""Your browser on the sign-in page, and the code it brings back to the notebook.

The kernel makes the lesson's requests itself; this is for the click-through: a link your browser
can open, and where the app's callback (the code and the state) arrives for the next cell to pick up.

- **Offline, in the kernel**: the browser can't reach the kernel's in-process AWS, so the link goes
  through jupyter-server-proxy to the kernel's loopback endpoint, where every AWS page is at
  `/_lab/hosts/<host>/<path>`: `{base_url}proxy/<port>/_lab/hosts/<domain>/oauth2/authorize?...`.
  The base URL is JupyterHub's `JUPYTERHUB_SERVICE_PREFIX` when there is one (JupyterHub, Binder),
  else `/`. Managed login sends the browser back to the notes app (`https://notes.example.com/
  callback`, served by the lab), which records the code: `notes_app.callbacks()`.
- **Offline, at a shared endpoint** (`COGNITO_LAB_ENDPOINT`): the same, through the endpoint's
  port, and the code is read from its `/_lab/callbacks` route.
- **Real AWS**: the link is AWS's own URL. The notes app doesn't exist there, so the app client also
  lists `http://localhost:<port>/callback` (AWS accepts plain HTTP for localhost only, "for testing
  purposes"; API Reference, CreateUserPoolClient `CallbackURLs`), and the kernel listens on that
  port (`COGNITO_LAB_CALLBACK_PORT`, default 8765). That works when your browser runs on the machine
  the kernel runs on (JupyterLab on your laptop). Behind JupyterHub or Binder your browser's
  localhost is not the kernel's: the page then can't load, but its address holds the code; paste it
  into `browser.callback_from_address(...)`.
"""

from __future__ import annotations

import html
import os
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import requests

from helpers.lab import AWS, ENDPOINT, Lab, LabError
from helpers.managedlogin import query
from helpers.offline import loopback, notes_app

ENV_CALLBACK_PORT = "COGNITO_LAB_CALLBACK_PORT"
_ALIAS = "/_lab/hosts"


def jupyter_base_url() -> str:
    """Where Jupyter's server is, as a path: JupyterHub's (and Binder's) prefix, or `/`."""
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX") or "/"
    return prefix if prefix.endswith("/") else prefix + "/"


def _alias(url: str) -> str:
    parts = urlsplit(url)
    return f"{_ALIAS}/{parts.netloc}{quote(parts.path or '/')}" + (f"?{parts.query}" if parts.query else "")


def link_for(lab: Lab, url: str) -> str:
    """The address your browser opens for `url`, an https URL of AWS's (a user pool domain's page)."""
    if lab.backend == AWS:
        return url
    if lab.backend == ENDPOINT:
        assert lab.endpoint_url is not None
        return f"{jupyter_base_url()}proxy/{urlsplit(lab.endpoint_url).port}{_alias(url)}"
    return jupyter_base_url() + loopback.proxy_path(url)


@dataclass(frozen=True)
class Link:
    """A link to open in a new tab: a clickable anchor in JupyterLab, the address as text elsewhere."""

    href: str
    text: str

    def _repr_html_(self) -> str:
        return (
            f'<a href="{html.escape(self.href)}" target="_blank" rel="noopener" class="sign-in-link">'
            f"{html.escape(self.text)}</a>"
        )

    def __repr__(self) -> str:
        return f"{self.text}: {self.href}"


# --- where the callback arrives ---------------------------------------------------------------------


def local_callback_url() -> str:
    """The callback URL a kernel on your machine can receive on real AWS (plain HTTP to localhost)."""
    return f"http://localhost:{_callback_port()}/callback"


def _callback_port() -> int:
    return int(os.environ.get(ENV_CALLBACK_PORT) or 8765)


class _Received(BaseHTTPRequestHandler):
    arrived: ClassVar[list[dict[str, str]]] = []  # every callback this kernel received

    def do_GET(self) -> None:  # http.server's name for the GET handler
        if urlsplit(self.path).path == "/callback":
            type(self).arrived.append(query(self.path))
            body = b"<!doctype html><p id='signed-in'>The notebook has the code. Go back to the notebook.</p>"
            self.send_response(200)
        else:
            body = b"Not found"
            self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # no access log in the notebook
        return None


_listener: ThreadingHTTPServer | None = None


def listen_for_callback() -> str:
    """Start receiving the callback on localhost (real AWS only); says where, or why it can't."""
    global _listener
    if _listener is None:
        try:
            _listener = ThreadingHTTPServer(("127.0.0.1", _callback_port()), _Received)
        except OSError as problem:
            return (
                f"Port {_callback_port()} is busy ({problem.strerror}): set {ENV_CALLBACK_PORT} to a free "
                "port before starting Jupyter, or paste the address your browser lands on."
            )
        threading.Thread(target=_listener.serve_forever, daemon=True).start()
    return f"The kernel receives the callback at {local_callback_url()}."


def callback_for(lab: Lab, state: str) -> dict[str, str] | None:
    """The query of the callback (`code` and `state`, or `error`) whose state is `state`, if it came."""
    if lab.backend == AWS:
        arrived = list(_Received.arrived)
    elif lab.backend == ENDPOINT:
        reply = requests.get(f"{lab.endpoint_url}/_lab/callbacks", timeout=10)
        reply.raise_for_status()
        arrived = [callback["query"] for callback in reply.json()]
    else:
        arrived = [callback.query for callback in notes_app.callbacks()]
    return next((found for found in reversed(arrived) if found.get("state") == state), None)


def callback_from_address(address: str, state: str) -> dict[str, str]:
    """The callback's query from an address pasted from the browser; its state must be `state`."""
    found = query(address)
    if found.get("state") != state:
        raise LabError("That address isn't this sign-in's callback (its state differs): open the link again.")
    return found
