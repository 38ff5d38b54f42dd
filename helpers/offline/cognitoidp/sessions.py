"""The Session string of challenge-based sign-in, one-time codes by email, and the tokens at the end.

The API Reference's InitiateAuth and RespondToAuthChallenge: a challenge comes with a `Session`
"that links a challenge response to the initial authentication request", to be sent back
unmodified. It lasts the app client's `AuthSessionValidity` (3 to 15 minutes, default 3,
botocore CreateUserPoolClient), and so does a code sent with it: the SMS MFA code "is valid for
the Authentication flow session duration" (COG-DG-2023 user-pool-settings-mfa-sms-text-message;
for email codes UNCONFIRMED, the same is assumed). A session is answered once: the answer that
completes it consumes it; a wrong code leaves it for another try.

Codes for passwordless sign-in have 8 digits (aws-amplify/amplify-js#14428, a maintainer: the
length is fixed); email MFA codes 6 digits, as SMS MFA codes (UNCONFIRMED for email).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, CognitoIdpUserPool, CognitoIdpUserPoolClient
from moto.moto_api._internal import mock_random

from .. import clock
from . import clients, codes, mailbox, triggers
from .exceptions import (
    INCORRECT_CREDENTIALS,
    MFA_CODE_MISMATCH,
    PASSWORD_RESET_REQUIRED,
    SESSION_EXPIRED,
    SESSION_INVALID,
    USER_DISABLED,
    USER_DOES_NOT_EXIST,
    USER_NOT_CONFIRMED,
    CodeMismatchException,
    NotAuthorizedException,
    PasswordResetRequiredException,
    UserNotConfirmedException,
    UserNotFoundException,
)
from .models import AuthSession, find_pool, lock, state_of, states, status

SIGN_IN_CODE_DIGITS = 8
MFA_CODE_DIGITS = 6
# UNCONFIRMED: the subject and text of the default sign-in / MFA code email (a pool's
# EmailMfaConfiguration Subject and Message replace them).
DEFAULT_SUBJECT = "Your sign-in code"
DEFAULT_MESSAGE = "Your authentication code is {####}. "


def session_seconds(client: CognitoIdpUserPoolClient) -> int:
    return 60 * int(client.extended_config.get("AuthSessionValidity") or 3)


def start(
    pool: CognitoIdpUserPool,
    client: CognitoIdpUserPoolClient,
    username: str | None,
    challenge: str,
    purpose: str,
    **fields: Any,
) -> str:
    """A new Session string for a challenge this sign-in now awaits."""
    handle = secrets.token_urlsafe(192)  # AWS's sessions are long opaque strings
    session = AuthSession(
        pool.id, client.id, username, challenge, purpose, clock.now() + session_seconds(client), **fields
    )
    with lock:
        state_of(pool).auth_sessions[handle] = session
    return handle


def find(pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, handle: str | None) -> AuthSession:
    """The live session `handle` names for this client, or AWS's NotAuthorizedException."""
    session = state_of(pool).auth_sessions.get(handle or "")
    if session is None or session.pool_id != pool.id or session.client_id != client.id:
        raise NotAuthorizedException(SESSION_INVALID)
    if clock.now() >= session.expires_at:
        end(pool, handle)
        raise NotAuthorizedException(SESSION_EXPIRED)
    return session


def exists(pool: CognitoIdpUserPool, handle: str | None) -> bool:
    return (handle or "") in state_of(pool).auth_sessions


def end(pool: CognitoIdpUserPool, handle: str | None) -> None:
    with lock:
        state_of(pool).auth_sessions.pop(handle or "", None)


def check_username(pool: CognitoIdpUserPool, session: AuthSession, given: str | None) -> None:
    """A challenge answer names the user the session signs in (USERNAME, or any alias of them)."""
    if session.username is None:
        return
    user = pool._get_user(given or "")
    if user is None or user.username != session.username:
        raise NotAuthorizedException(SESSION_INVALID)


def signed_in(pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, username: str) -> dict[str, Any]:
    """The end of every sign-in: ID, access and refresh tokens (moto's `_log_user_in`, whose
    token methods the engine has made AWS's)."""
    result: dict[str, Any] = pool.backend._log_user_in(pool, client, username)
    return result


# --- Who signs in ----------------------------------------------------------------------------------
def user_for_sign_in(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, username: str
) -> CognitoIdpUser | None:
    """The user, or None when PreventUserExistenceErrors hides that there is none. The pool's pre
    authentication trigger runs here, before any credential is checked: every sign-in starts
    with this (password, SRP, USER_AUTH, managed login's sign-in page)."""
    user = pool._get_user(username)
    hides = clients.prevents_existence_errors(client)
    if user is None:
        if hides:
            triggers.pre_authentication(pool, client.id, None, username, hides_unknown_users=True)
            return None
        raise UserNotFoundException(USER_DOES_NOT_EXIST)
    if not user.enabled:
        raise NotAuthorizedException(USER_DISABLED)
    # Before the password: AWS says "not confirmed" even to a wrong password (aws/aws-sdk-js#4608).
    if status(user) == "UNCONFIRMED":
        raise UserNotConfirmedException(USER_NOT_CONFIRMED)
    if status(user) == "RESET_REQUIRED":
        raise PasswordResetRequiredException(PASSWORD_RESET_REQUIRED)
    triggers.pre_authentication(pool, client.id, user, username, hides_unknown_users=hides)
    return user


def check_password_sign_in(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, username: str, password: str
) -> CognitoIdpUser:
    """A username and password checked as a password sign-in checks them (also managed login's
    sign-in page); AWS's error for the first thing wrong."""
    user = user_for_sign_in(pool, client, username)
    if user is None or user.password != password:
        raise NotAuthorizedException(INCORRECT_CREDENTIALS)
    return user


# --- One-time codes by email -------------------------------------------------------------------
def email_code(
    pool: CognitoIdpUserPool, user: CognitoIdpUser, session: AuthSession, *, digits: int, kind: str
) -> dict[str, str]:
    """Mail a fresh code for this session; the ChallengeParameters that say where it went
    (CODE_DELIVERY_DESTINATION: DG "SMS and email message MFA"; the medium key as SMS_MFA
    challenges show it). The custom message trigger hears of it as CustomMessage_Authentication
    ("To send MFA code during authentication", DG; the same for a passwordless sign-in code is
    UNCONFIRMED)."""
    code = f"{mock_random.randint(0, 10**digits - 1):0{digits}d}"
    session.code = code
    pool_mfa = state_of(pool).pool_mfa.get(pool.id)
    settings = (pool_mfa.email if pool_mfa is not None else None) or {}
    subject, template = triggers.custom_message(
        pool,
        user,
        "CustomMessage_Authentication",
        session.client_id,
        "EMAIL",
        settings.get("Subject") or DEFAULT_SUBJECT,
        settings.get("Message") or DEFAULT_MESSAGE,
    )
    address = user.attribute_lookup["email"]
    mailbox.deliver(
        pool,
        username=user.username,
        destination=address,
        kind=kind,
        code=code,
        subject=subject,
        body=template.replace("{####}", code),
    )
    return {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
        "CODE_DELIVERY_DESTINATION": codes.mask("EMAIL", address),
    }


def check_code(session: AuthSession, given: str | None) -> None:
    """The code this session sent, or CodeMismatchException (the session stays for another try)."""
    if session.code is None or not hmac.compare_digest(session.code.encode(), str(given or "").encode()):
        raise CodeMismatchException(MFA_CODE_MISMATCH)


def locate(handle: str | None) -> tuple[CognitoIdpUserPool, CognitoIdpUserPoolClient, AuthSession]:
    """The pool, client and live session of a Session string alone (AssociateSoftwareToken and
    VerifySoftwareToken name no client: the session does)."""
    for state in states.every():
        session = state.auth_sessions.get(handle or "")
        pool = find_pool(session.pool_id) if session is not None else None
        if pool is not None and session is not None and session.client_id in pool.clients:
            client = pool.clients[session.client_id]
            return pool, client, find(pool, client, handle)
    raise NotAuthorizedException(SESSION_INVALID)
