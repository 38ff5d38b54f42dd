"""The offline AWS's outbox: every email or SMS Cognito would have sent.

On AWS a confirmation code reaches the learner's inbox; offline there is no
inbox, so the user-pool engine "sends" each message here instead. A notebook
(or the `/_lab/mailbox` route of the local endpoint) reads the code back and
types it into ConfirmSignUp exactly as a learner would from an email.
"""

from __future__ import annotations

import datetime
import re
import threading
from dataclasses import dataclass
from typing import Any

from . import clock, routes


@dataclass(frozen=True)
class Message:
    """One message as Cognito would deliver it."""

    user_pool_id: str
    # The user's internal username (for pools that sign in with an email
    # address, that is the `sub`-like id Cognito generates, not the email).
    username: str
    # The email address (or phone number, for SMS) the message went to.
    destination: str
    # What prompted it: "SignUp", "ResendCode", "ForgotPassword", ...
    kind: str
    code: str
    subject: str
    body: str
    sent_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, for the local endpoint's `/_lab/mailbox` route."""
        return {
            "user_pool_id": self.user_pool_id,
            "username": self.username,
            "destination": self.destination,
            "kind": self.kind,
            "code": self.code,
            "subject": self.subject,
            "body": self.body,
            "sent_at": self.sent_at.isoformat(),
        }


_lock = threading.Lock()
_outbox: list[Message] = []


def deliver(
    *, user_pool_id: str, username: str, destination: str, kind: str, code: str, subject: str, body: str
) -> Message:
    """Record a message as sent now (offline clock)."""
    message = Message(user_pool_id, username, destination, kind, code, subject, body, clock.utcnow())
    with _lock:
        _outbox.append(message)
    return message


def messages(user_pool_id: str | None = None, username: str | None = None) -> list[Message]:
    """Messages sent so far, oldest first, optionally for one pool and/or user.

    `username` matches the internal username or the destination, so a learner
    who signed up with an email address as their username finds their mail
    under that address too.
    """
    with _lock:
        found = list(_outbox)
    if user_pool_id is not None:
        found = [m for m in found if m.user_pool_id == user_pool_id]
    if username is not None:
        found = [m for m in found if username in (m.username, m.destination)]
    return found


def latest_code(user_pool_id: str, username: str) -> str:
    """The code in the newest message to this user: what they would type in."""
    found = messages(user_pool_id, username)
    if not found:
        raise LookupError(
            f"No message was sent to {username!r} in user pool {user_pool_id}. Cognito sends a "
            "confirmation code only when the pool auto-verifies the user's email or phone "
            "(AutoVerifiedAttributes) and the user has that attribute."
        )
    return found[-1].code


def reset() -> None:
    with _lock:
        _outbox.clear()


def _serve_messages(request: routes.Request, match: re.Match[str]) -> routes.Response:
    found = messages(request.query.get("user_pool_id"), request.query.get("username"))
    return routes.Response.json([message.to_dict() for message in found])


ROUTES = (routes.Route("the mailbox", "/_lab/mailbox", _serve_messages, local=True),)
