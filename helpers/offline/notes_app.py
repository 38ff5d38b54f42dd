"""The course's web app at https://notes.example.com: where managed login sends the user back.

NOT an AWS service. An app client's `CallbackURLs` name the app's own page that receives the
authorization code (`https://notes.example.com/callback`, a realistic URL on a host RFC 2606
reserves for examples). A real app would exchange the code itself; this one only records what
arrived (the query: `code` and `state`, or `error`) for the notebook, which then makes the token
request the lesson is about, and tells the person in the browser to go back to the notebook.

The notebook reads the last callback with `last_callback()` in-process, or `GET /_lab/callbacks`
at the endpoint (newest last; `?limit=1` for the last one). `/signed-out` is a page to use as a
sign-out URL (`LogoutURLs`).
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from . import clock, routes

HOST = "notes.example.com"
CALLBACK_URL = f"https://{HOST}/callback"
SIGNED_OUT_URL = f"https://{HOST}/signed-out"
_KEPT = 20  # callbacks remembered (a lesson needs the last one; a few more help debugging)


@dataclass(frozen=True)
class Callback:
    """One visit of the browser to the app's callback page."""

    url: str  # as the app received it: https://notes.example.com/callback?code=...&state=...
    query: dict[str, str]  # `code` and `state`, or `error` (and `error_description`)
    received_at: float  # on the offline clock

    @property
    def code(self) -> str | None:
        return self.query.get("code")

    @property
    def state(self) -> str | None:
        return self.query.get("state")

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


_lock = threading.Lock()
_callbacks: list[Callback] = []


def last_callback() -> Callback | None:
    """The newest callback the app received since the last reset, or None."""
    with _lock:
        return _callbacks[-1] if _callbacks else None


def callbacks() -> list[Callback]:
    """Every callback kept (the newest last)."""
    with _lock:
        return list(_callbacks)


def reset() -> None:
    with _lock:
        _callbacks.clear()


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Notes</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;}}</style></head>
<body><h1>Notes</h1>{content}
<p><small>The course's example app (notes.example.com), served by the offline lab.</small></p>
</body></html>"""


def _page(content: str) -> routes.Response:
    return routes.Response.text(_PAGE.format(content=content))


def _serve_callback(request: routes.Request, match: re.Match[str]) -> routes.Response:
    query = dict(request.query)
    url = CALLBACK_URL + (f"?{urlencode(query)}" if query else "")
    with _lock:
        _callbacks.append(Callback(url, query, clock.now()))
        del _callbacks[:-_KEPT]
    if "error" in query:
        return _page(
            f"<p>Sign-in failed: <code>{html.escape(query['error'])}</code>.</p>"
            "<p>Go back to the notebook to see why.</p>"
        )
    return _page("<p id='signed-in'>You are signed in. Go back to the notebook.</p>")


def _serve_signed_out(request: routes.Request, match: re.Match[str]) -> routes.Response:
    return _page("<p id='signed-out'>You are signed out.</p>")


def _serve_lab_callbacks(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """`GET /_lab/callbacks[?limit=N]`: the callbacks the app received, newest last."""
    limit = int(request.query.get("limit") or _KEPT)
    return routes.Response.json([callback.to_dict() for callback in callbacks()[-limit:]])


_HOST_PATTERN = re.escape(HOST)
ROUTES = (
    routes.Route("the notes app's callback", "/callback", _serve_callback, hosts=(_HOST_PATTERN,)),
    routes.Route("the notes app's signed-out page", "/signed-out", _serve_signed_out, hosts=(_HOST_PATTERN,)),
    routes.Route("the notes app's callbacks", "/_lab/callbacks", _serve_lab_callbacks, local=True),
)
