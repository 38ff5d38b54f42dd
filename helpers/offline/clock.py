"""The offline clock: real time plus an offset a notebook can move forward.

Token expiry takes an hour on AWS. Moving this clock lets a learner see an
expired token refused in seconds. Everything in the engine that asks "what
time is it?" (token `iat`/`exp`, code and credential expiry) asks this clock.
"""

from __future__ import annotations

import datetime
import re
import threading
import time

from . import routes

_lock = threading.Lock()
_offset_seconds = 0.0


def now() -> float:
    """Seconds since the epoch, as the offline AWS sees them."""
    return time.time() + _offset_seconds


def utcnow() -> datetime.datetime:
    return datetime.datetime.fromtimestamp(now(), tz=datetime.UTC)


def advance(seconds: float) -> float:
    """Move the offline clock forward (never back: AWS time does not rewind)."""
    global _offset_seconds
    if seconds < 0:
        raise ValueError("the offline clock only moves forward")
    with _lock:
        _offset_seconds += seconds
    return _offset_seconds


def offset() -> float:
    return _offset_seconds


def reset() -> None:
    global _offset_seconds
    with _lock:
        _offset_seconds = 0.0


def _serve_clock(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """`GET /_lab/clock`; `POST {"advance_seconds": n}` moves it on, `{"reset": true}` back."""
    if request.method == "POST":
        body = request.json()
        if body.get("reset"):
            reset()
        advance(float(body.get("advance_seconds", 0)))
    return routes.Response.json({"now": now(), "offset_seconds": offset()})


ROUTES = (
    routes.Route("the clock", "/_lab/clock", _serve_clock, methods=frozenset({"GET", "POST"}), local=True),
)
