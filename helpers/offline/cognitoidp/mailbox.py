"""The offline AWS's outbox: every email or SMS Cognito would have sent.

On AWS a confirmation code reaches the learner's inbox (API Reference, SignUp and ForgotPassword:
CodeDeliveryDetails); offline there is no inbox, so the user-pool engine "sends" each message
here instead. A notebook (or the `/_lab/mailbox` route of the local endpoint, `urls.py`) reads
the code back and types it into ConfirmSignUp exactly as a learner would from an email.

Messages are kept with the sending pool's account and region (`models.CognitoIdpState`), so
moto's reset forgets them with the pools that sent them.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

from moto.cognitoidp.models import CognitoIdpUserPool

from .. import clock
from .models import lock, state_of, states

# The order messages were sent in, across accounts and regions. Process-wide: it is only an order
# (the messages themselves are per account and region), so it needs no reset.
_sending_order = itertools.count()


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


def deliver(
    pool: CognitoIdpUserPool,
    *,
    username: str,
    destination: str,
    kind: str,
    code: str,
    subject: str,
    body: str,
) -> Message:
    """Record a message from `pool` as sent now (offline clock)."""
    message = Message(pool.id, username, destination, kind, code, subject, body, clock.utcnow())
    with lock:
        state_of(pool).outbox.append((next(_sending_order), message))
    return message


def messages(user_pool_id: str | None = None, username: str | None = None) -> list[Message]:
    """Messages sent so far, oldest first, optionally for one pool and/or user.

    `username` matches the internal username or the destination, so a learner
    who signed up with an email address as their username finds their mail
    under that address too.
    """
    with lock:
        sent = sorted((entry for state in states.every() for entry in state.outbox), key=lambda e: e[0])
    found = [message for _, message in sent]
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
