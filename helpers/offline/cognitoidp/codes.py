"""Confirmation and password-reset codes: made, "sent" to the mailbox, expiring, and checked.

Follows the API Reference's SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword and
ConfirmForgotPassword (CodeDeliveryDetails, CodeMismatchException, ExpiredCodeException), the
Developer Guide's "Verifying contact information at sign-up", "Recovering user accounts"
(AccountRecoverySetting) and "Managing user existence error responses" (the simulated delivery
PreventUserExistenceErrors answers with), and its quotas page (codes last 24 hours for sign-up,
1 hour for a password reset). moto accepts any code.
"""

from __future__ import annotations

import hmac

from moto.cognitoidp.models import (
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolClient,
)
from moto.cognitoidp.utils import validate_username_format
from moto.moto_api._internal import mock_random

from .. import clock
from . import mailbox, srp, triggers
from .attributes import is_verified
from .clients import prevents_existence_errors
from .exceptions import (
    ADMIN_ONLY_RECOVERY,
    CODE_EXPIRED,
    CODE_MISMATCH,
    NO_VERIFIED_RECOVERY,
    USERNAME_CLIENT_NOT_FOUND,
    CodeMismatchException,
    CognitoIdpError,
    ExpiredCodeException,
    InvalidParameterException,
    NotAuthorizedException,
    UserNotFoundException,
)
from .models import PendingCode, lock, state_of

# Sign-up codes last 24 h, password-reset codes 1 h (DG-2023 limits.md).
SIGN_UP_CODE_SECONDS = 24 * 3600
RESET_CODE_SECONDS = 3600
# (attribute, medium, destination): where a code goes.
Channel = tuple[str, str, str]


def mask(medium: str, destination: str) -> str:
    """How AWS shows where a code went: "v***@g***" (observed), "+*******0100"."""
    if medium == "EMAIL":
        local, _, domain = destination.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    digits = destination.lstrip("+")
    return "+" + "*" * max(len(digits) - 4, 0) + digits[-4:]


def confirmation_channel(pool: CognitoIdpUserPool, user: CognitoIdpUser) -> Channel | None:
    """(attribute, medium, destination) for a sign-up code, or None when AWS sends none.

    Only auto-verified attributes get a code; with both, the code goes by SMS
    (DG "Verifying contact information at sign-up").
    """
    auto_verified = pool.extended_config.get("AutoVerifiedAttributes") or []
    attributes = user.attribute_lookup
    if "phone_number" in auto_verified and attributes.get("phone_number"):
        return "phone_number", "SMS", attributes["phone_number"]
    if "email" in auto_verified and attributes.get("email"):
        return "email", "EMAIL", attributes["email"]
    return None


# A pool without AccountRecoverySetting recovers the legacy way: "In the absence of this setting,
# Amazon Cognito uses the legacy behavior to determine the recovery method where SMS is preferred
# over email" (API Reference, CreateUserPool AccountRecoverySetting).
LEGACY_RECOVERY_MECHANISMS = (
    {"Priority": 1, "Name": "verified_phone_number"},
    {"Priority": 2, "Name": "verified_email"},
)


def recovery_channel(pool: CognitoIdpUserPool, user: CognitoIdpUser) -> Channel:
    """Where ForgotPassword sends its code: the first verified channel AccountRecoverySetting allows."""
    setting = pool.extended_config.get("AccountRecoverySetting") or {}
    mechanisms = setting.get("RecoveryMechanisms") or LEGACY_RECOVERY_MECHANISMS
    attributes = user.attribute_lookup
    for mechanism in sorted(mechanisms, key=lambda m: m["Priority"]):
        if mechanism["Name"] == "admin_only":
            raise NotAuthorizedException(ADMIN_ONLY_RECOVERY)
        attribute, medium = (
            ("email", "EMAIL") if mechanism["Name"] == "verified_email" else ("phone_number", "SMS")
        )
        if attributes.get(attribute) and is_verified(attributes.get(f"{attribute}_verified")):
            return attribute, medium, attributes[attribute]
    raise InvalidParameterException(NO_VERIFIED_RECOVERY)


def send(
    pool: CognitoIdpUserPool,
    user: CognitoIdpUser,
    channel: Channel,
    *,
    purpose: str,
    kind: str,
    lifetime: int,
    client_id: str | None = None,
) -> dict[str, str]:
    """Make a fresh code (the previous one stops working), mail it, describe the delivery. The
    pool's custom message trigger may rewrite the message first (CustomMessage_<kind>)."""
    attribute, medium, destination = channel
    config = pool.extended_config
    if medium == "EMAIL":
        subject = config.get("EmailVerificationSubject") or "Your verification code"
        template = config.get("EmailVerificationMessage") or "Your verification code is {####}. "
    else:
        subject, template = "", config.get("SmsVerificationMessage") or "Your verification code is {####}. "
    # Before the code is kept: a trigger that fails leaves the previous code working.
    subject, template = triggers.custom_message(
        pool, user, f"CustomMessage_{kind}", client_id, medium, subject, template
    )
    # From moto's random source like moto's own codes, so a seeded run repeats them.
    code = f"{mock_random.randint(0, 999_999):06d}"
    with lock:
        state_of(pool).codes[(pool.id, user.username, purpose)] = PendingCode(
            code, clock.now() + lifetime, attribute
        )
    mailbox.deliver(
        pool,
        username=user.username,
        destination=destination,
        kind=kind,
        code=code,
        subject=subject,
        body=template.replace("{####}", code),
    )
    return {"Destination": mask(medium, destination), "DeliveryMedium": medium, "AttributeName": attribute}


def matching(
    pool: CognitoIdpUserPool, user: CognitoIdpUser, purpose: str, given: str, *, none_sent: CognitoIdpError
) -> PendingCode:
    """The pending code `given` matches, or AWS's error (`none_sent` when no code is pending)."""
    pending = state_of(pool).codes.get((pool.id, user.username, purpose))
    if pending is None:
        raise none_sent
    if not hmac.compare_digest(pending.code.encode(), str(given).encode()):
        raise CodeMismatchException(CODE_MISMATCH)
    if clock.now() >= pending.expires_at:
        raise ExpiredCodeException(CODE_EXPIRED)
    return pending


def forget(pool: CognitoIdpUserPool, user: CognitoIdpUser, purpose: str) -> None:
    """The code has been used (or made pointless): it works no more."""
    with lock:
        state_of(pool).codes.pop((pool.id, user.username, purpose), None)


def user_for_code(pool: CognitoIdpUserPool, username: str) -> CognitoIdpUser:
    user = pool._get_user(username)
    if user is None:
        raise UserNotFoundException(USERNAME_CLIENT_NOT_FOUND)
    return user


def hidden_user(client: CognitoIdpUserPoolClient, user: CognitoIdpUser | None) -> bool:
    """With PreventUserExistenceErrors=ENABLED, code-sending operations answer for an unknown
    or disabled user as if a code went out (DG "Managing user existence error responses")."""
    return prevents_existence_errors(client) and (user is None or not user.enabled)


def simulated_delivery(pool: CognitoIdpUserPool, username: str) -> dict[str, str]:
    """CodeDeliveryDetails for a code that was never sent.

    The DG: the simulated medium "is determined by the input user name format and
    verification settings of the user pool". UNCONFIRMED: the simulated Destination AWS
    shows; here it is masked like a real one and stable per user name, so two calls do not
    tell an existing user from a missing one.
    """
    if validate_username_format(username, _format="email"):
        attribute, medium, destination = "email", "EMAIL", username
    elif validate_username_format(username, _format="phone_number"):
        attribute, medium, destination = "phone_number", "SMS", username
    elif "phone_number" in (pool.extended_config.get("AutoVerifiedAttributes") or []):
        digits = str(int(srp.salt(pool, username, "destination"), 16))[-10:]
        attribute, medium, destination = "phone_number", "SMS", f"+1{digits}"
    else:
        attribute, medium, destination = "email", "EMAIL", f"{username}@{username}"
    return {"Destination": mask(medium, destination), "DeliveryMedium": medium, "AttributeName": attribute}
