"""Multi-factor authentication: the pool's MfaConfiguration, TOTP and email codes, MFA at sign-in.

Follows botocore's SetUserPoolMfaConfig, GetUserPoolMfaConfig, AssociateSoftwareToken,
VerifySoftwareToken, SetUserMFAPreference and AdminSetUserMFAPreference (the API Reference), the
Developer Guide's "Adding MFA to a user pool", "TOTP software token MFA" and "SMS and email
message MFA", and aws-semantics-next.md section 7:

* the pool: MFA OFF, OPTIONAL (only users who "have chosen and configured a preferred MFA
  factor" are prompted) or ON ("all users must set up MFA before they can sign in"); TOTP; email
  MFA, which needs the Essentials plan and email sent through Amazon SES;
* TOTP: a per-user secret from AssociateSoftwareToken, proven by VerifySoftwareToken, then
  SOFTWARE_TOKEN_MFA at sign-in; codes are checked with pyotp (6 digits, 30 s, SHA-1, as
  Cognito's) against the offline clock, 30 s either side (COG-DG-2023 user-pool-settings-mfa-totp),
  and each works once;
* after the first factor (`after_first_factor`): tokens, or SOFTWARE_TOKEN_MFA, EMAIL_OTP,
  SELECT_MFA_TYPE or MFA_SETUP with a Session.

moto's TOTP gives every user the same secret and checks no code; its pool settings know neither
email nor passkeys. SMS MFA is not modelled (no SMS leaves the offline AWS).
"""

from __future__ import annotations

import json
from typing import Any

import pyotp
from moto.cognitoidp.models import CognitoIdpUser, CognitoIdpUserPool, CognitoIdpUserPoolClient
from moto.core.responses import ActionResult, EmptyResult
from moto.moto_api._internal import mock_random

from .. import clock
from . import plans, sessions, tokens
from .exceptions import (
    CHALLENGE_NOT_AVAILABLE,
    EMAIL_MFA_NEEDS_SES,
    MFA_CODE_MISMATCH,
    MFA_NEEDS_FACTOR,
    MFA_REQUIRED,
    NO_DELIVERY_CONFIG,
    SESSION_INVALID,
    TOKEN_OR_SESSION,
    TOTP_NOT_ASSOCIATED,
    TOTP_NOT_ENABLED,
    TOTP_REUSED,
    TOTP_SETUP_MISMATCH,
    USER_DOES_NOT_EXIST,
    CodeMismatchException,
    EnableSoftwareTokenMFAException,
    ExpiredCodeException,
    InvalidParameterException,
    NotAuthorizedException,
    SoftwareTokenMFANotFoundException,
    UserNotFoundException,
)
from .models import AuthSession, PoolMfa, UserMfa, lock, state_of, status

MODES = ("OFF", "ON", "OPTIONAL")
TOTP = "SOFTWARE_TOKEN_MFA"
EMAIL = "EMAIL_OTP"
_STEP = 30  # seconds per TOTP code (RFC 6238, Cognito's)


def pool_settings(pool: CognitoIdpUserPool) -> PoolMfa:
    with lock:
        return state_of(pool).pool_mfa.setdefault(pool.id, PoolMfa())


def user_settings(pool: CognitoIdpUserPool, username: str) -> UserMfa:
    with lock:
        return state_of(pool).user_mfa.setdefault((pool.id, username), UserMfa())


def webauthn_configuration(pool: CognitoIdpUserPool) -> dict[str, Any]:
    """The pool's WebAuthnConfiguration; UNCONFIRMED: what AWS shows for a pool that never set one
    (user verification "preferred", a single factor: the documented defaults' meaning)."""
    return {"UserVerification": "preferred", **(pool_settings(pool).webauthn or {})}


# --- The pool: SetUserPoolMfaConfig and GetUserPoolMfaConfig ----------------------------------------
def _described(pool: CognitoIdpUserPool) -> dict[str, Any]:
    settings = pool_settings(pool)
    described: dict[str, Any] = {
        "MfaConfiguration": pool.mfa_config,
        "SoftwareTokenMfaConfiguration": {"Enabled": settings.totp},
        "WebAuthnConfiguration": webauthn_configuration(pool),
    }
    if settings.sms is not None:
        described["SmsMfaConfiguration"] = settings.sms
    if settings.email is not None:
        described["EmailMfaConfiguration"] = settings.email
    return described


def get_user_pool_mfa_config(self: Any) -> Any:
    return ActionResult(_described(self.backend.describe_user_pool(self._get_param("UserPoolId"))))


def set_user_pool_mfa_config(self: Any) -> Any:
    """Replaces the factors' settings (one that is left out is off, as in moto; UNCONFIRMED),
    except WebAuthnConfiguration, which is kept when left out (UNCONFIRMED)."""
    pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
    mode = self._get_param("MfaConfiguration") or pool.mfa_config
    if mode not in MODES:
        raise InvalidParameterException(
            f"1 validation error detected: Value '{mode}' at 'mfaConfiguration' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(MODES)}]"
        )
    totp = bool((self._get_param("SoftwareTokenMfaConfiguration") or {}).get("Enabled"))
    sms, email = self._get_param("SmsMfaConfiguration"), self._get_param("EmailMfaConfiguration")
    webauthn = self._get_param("WebAuthnConfiguration")
    if email is not None:
        plans.require(pool, plans.EMAIL_MFA)
        message = email.get("Message")
        if message is not None and "{####}" not in message:
            # EmailMfaConfigType.Message: "The message must contain the {####} placeholder".
            raise InvalidParameterException(
                "1 validation error detected: Value at 'emailMfaConfiguration.message' failed to "
                "satisfy constraint: Member must contain the {####} placeholder"
            )
        if (pool.extended_config.get("EmailConfiguration") or {}).get("EmailSendingAccount") != "DEVELOPER":
            raise InvalidParameterException(EMAIL_MFA_NEEDS_SES)
    if sms is not None and "SmsConfiguration" not in sms:
        raise InvalidParameterException("[SmsConfiguration] is a required member of [SmsMfaConfiguration].")
    if mode != "OFF" and not (totp or sms is not None or email is not None):
        raise InvalidParameterException(MFA_NEEDS_FACTOR)
    with lock:
        kept = pool_settings(pool).webauthn
        state_of(pool).pool_mfa[pool.id] = PoolMfa(
            totp, sms, email, webauthn if webauthn is not None else kept
        )
        pool.mfa_config = mode
    return ActionResult(_described(pool))


# --- TOTP: AssociateSoftwareToken and VerifySoftwareToken ------------------------------------------
def totp_step(secret: str | None, code: Any) -> int | None:
    """The time step whose code `code` is, 30 s either side of the offline clock; None if none."""
    if secret is None:
        return None
    totp, now = pyotp.TOTP(secret), int(clock.now())
    for offset in (0, -_STEP, _STEP):
        moment = now + offset
        if pyotp.utils.strings_equal(totp.at(moment), str(code or "")):
            return moment // _STEP
    return None


def _token_user(token: str) -> tuple[CognitoIdpUserPool, CognitoIdpUser]:
    claims = tokens.check_access_token(token)
    pool, _ = tokens.client_of_access_token(token)
    return pool, pool._get_user(claims["username"])


def _caller(self: Any) -> tuple[CognitoIdpUserPool, CognitoIdpUser, str | None, AuthSession | None]:
    """Who asks: the user of the AccessToken, or of an MFA_SETUP Session (exactly one of them)."""
    token, handle = self._get_param("AccessToken"), self._get_param("Session")
    if bool(token) == bool(handle):
        raise InvalidParameterException(TOKEN_OR_SESSION)
    if token:
        pool, user = _token_user(token)
        return pool, user, None, None
    pool, _, session = sessions.locate(handle)
    if session.challenge != "MFA_SETUP" or session.username is None:
        raise NotAuthorizedException(SESSION_INVALID)
    return pool, pool._get_user(session.username), handle, session


def associate_software_token(self: Any) -> Any:
    pool, user, handle, _ = _caller(self)
    if not pool_settings(pool).totp:
        raise SoftwareTokenMFANotFoundException(TOTP_NOT_ENABLED)
    secret = pyotp.random_base32(length=32)  # a fresh secret per user and per association
    user_settings(pool, user.username).pending_secret = secret
    return ActionResult({"SecretCode": secret, **({"Session": handle} if handle else {})})


def verify_software_token(self: Any) -> Any:
    pool, user, handle, session = _caller(self)
    if not pool_settings(pool).totp:
        raise SoftwareTokenMFANotFoundException(TOTP_NOT_ENABLED)
    settings = user_settings(pool, user.username)
    if settings.pending_secret is None:
        raise InvalidParameterException(TOTP_NOT_ASSOCIATED)
    step = totp_step(settings.pending_secret, self._get_param("UserCode"))
    if step is None:
        raise EnableSoftwareTokenMFAException(TOTP_SETUP_MISMATCH)
    with lock:
        settings.totp_secret, settings.pending_secret = settings.pending_secret, None
        settings.last_totp_step = step
        settings.device_name = self._get_param("FriendlyDeviceName")
    if session is not None:
        session.setup_verified = True  # "satisfies an MFA_SETUP challenge" (botocore)
        return ActionResult({"Status": "SUCCESS", "Session": handle})
    return ActionResult({"Status": "SUCCESS"})


# --- A user's preferences -------------------------------------------------------------------------
def _set_preference(pool: CognitoIdpUserPool, user: CognitoIdpUser, request: Any) -> None:
    settings = user_settings(pool, user.username)
    totp, email = request._get_param("SoftwareTokenMfaSettings"), request._get_param("EmailMfaSettings")
    totp_on, email_on, preferred = settings.totp_enabled, settings.email_enabled, settings.preferred
    if totp is not None:
        if totp.get("Enabled") and settings.totp_secret is None:
            raise InvalidParameterException(NO_DELIVERY_CONFIG.format(factor=TOTP))
        totp_on = bool(totp.get("Enabled"))
        preferred = (
            TOTP if totp_on and totp.get("PreferredMfa") else (None if preferred == TOTP else preferred)
        )
    if email is not None:
        plans.require(pool, plans.EMAIL_MFA)
        if email.get("Enabled") and not (pool_settings(pool).email and user.attribute_lookup.get("email")):
            raise InvalidParameterException(NO_DELIVERY_CONFIG.format(factor=EMAIL))
        email_on = bool(email.get("Enabled"))
        preferred = (
            EMAIL if email_on and email.get("PreferredMfa") else (None if preferred == EMAIL else preferred)
        )
    turned_off = (settings.totp_enabled and not totp_on) or (settings.email_enabled and not email_on)
    if pool.mfa_config == "ON" and turned_off and not (totp_on or email_on):
        raise InvalidParameterException(MFA_REQUIRED)
    with lock:
        settings.totp_enabled, settings.email_enabled, settings.preferred = totp_on, email_on, preferred


def set_user_mfa_preference(self: Any) -> Any:
    pool, user = _token_user(self._get_param("AccessToken"))
    _set_preference(pool, user, self)
    return EmptyResult()


def admin_set_user_mfa_preference(self: Any) -> Any:
    pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
    user = pool._get_user(self._get_param("Username"))
    if user is None:
        raise UserNotFoundException(USER_DOES_NOT_EXIST)
    _set_preference(pool, user, self)
    return EmptyResult()


def user_mfa_fields(pool: CognitoIdpUserPool, user: CognitoIdpUser) -> dict[str, Any]:
    """GetUser / AdminGetUser: UserMFASettingList and PreferredMfaSetting (absent when empty)."""
    settings = state_of(pool).user_mfa.get((pool.id, user.username)) or UserMfa()
    enabled = [name for name, on in ((TOTP, settings.totp_enabled), (EMAIL, settings.email_enabled)) if on]
    fields: dict[str, Any] = {"UserMFASettingList": enabled} if enabled else {}
    if settings.preferred:
        fields["PreferredMfaSetting"] = settings.preferred
    return fields


# --- MFA at sign-in -------------------------------------------------------------------------------
def _factors(pool: CognitoIdpUserPool, user: CognitoIdpUser) -> list[str]:
    """The factors this user signs in with now; in a pool that requires MFA a verified TOTP counts
    even before SetUserMFAPreference turns it on (as moto, UNCONFIRMED)."""
    pool_mfa, settings = pool_settings(pool), user_settings(pool, user.username)
    factors = []
    if pool_mfa.totp and settings.totp_secret and (settings.totp_enabled or pool.mfa_config == "ON"):
        factors.append(TOTP)
    if pool_mfa.email and settings.email_enabled and user.attribute_lookup.get("email"):
        factors.append(EMAIL)
    if not factors and pool.mfa_config == "ON" and pool_mfa.email and user.attribute_lookup.get("email"):
        # "SMS and email message MFA require no additional configuration after your user adds an
        # email address" (DG "SMS and email message MFA").
        factors.append(EMAIL)
    return factors


def challenge(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, user: CognitoIdpUser, factor: str
) -> dict[str, Any]:
    handle = sessions.start(pool, client, user.username, factor, "mfa")
    parameters: dict[str, str] = {}
    if factor == EMAIL:
        session = state_of(pool).auth_sessions[handle]
        parameters = sessions.email_code(pool, user, session, digits=sessions.MFA_CODE_DIGITS, kind="MFA")
    return {"ChallengeName": factor, "ChallengeParameters": parameters, "Session": handle}


def _listed(names: list[str]) -> str:
    # A JSON array in a string, as observed: "MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]"
    # (aws-amplify/amplify-js#6461).
    return json.dumps(names, separators=(",", ":"))


def after_first_factor(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, user: CognitoIdpUser
) -> dict[str, Any]:
    """What a password (or SRP) sign-in answers: tokens, or the MFA challenge the pool asks for."""
    if pool.mfa_config == "OFF":
        return sessions.signed_in(pool, client, user.username)
    factors = _factors(pool, user)
    if not factors:
        if pool.mfa_config == "OPTIONAL":
            return sessions.signed_in(pool, client, user.username)
        can_setup = [TOTP] if pool_settings(pool).totp else []
        handle = sessions.start(pool, client, user.username, "MFA_SETUP", "mfa")
        return {
            "ChallengeName": "MFA_SETUP",
            "ChallengeParameters": {"MFAS_CAN_SETUP": _listed(can_setup)},
            "Session": handle,
        }
    preferred = user_settings(pool, user.username).preferred
    if len(factors) > 1 and preferred in factors:
        factors = [str(preferred)]
    if len(factors) > 1:
        handle = sessions.start(
            pool, client, user.username, "SELECT_MFA_TYPE", "mfa", available=tuple(factors)
        )
        return {
            "ChallengeName": "SELECT_MFA_TYPE",
            "ChallengeParameters": {"MFAS_CAN_CHOOSE": _listed(factors)},
            "Session": handle,
        }
    return challenge(pool, client, user, factors[0])


def after_password(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, user: CognitoIdpUser
) -> dict[str, Any]:
    """A proven password: NEW_PASSWORD_REQUIRED for a temporary one (answered by moto, which keeps
    that session), else `after_first_factor`."""
    if status(user) == "FORCE_CHANGE_PASSWORD":
        handle = str(mock_random.uuid4())
        pool.backend.sessions[handle] = (user.username, pool)
        return {
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "ChallengeParameters": {"USERNAME": user.username},
            "Session": handle,
        }
    return after_first_factor(pool, client, user)


def respond(
    pool: CognitoIdpUserPool,
    client: CognitoIdpUserPoolClient,
    handle: str,
    session: AuthSession,
    name: str,
    answers: dict[str, str],
) -> dict[str, Any]:
    """RespondToAuthChallenge for SOFTWARE_TOKEN_MFA, EMAIL_OTP (MFA), SELECT_MFA_TYPE, MFA_SETUP."""
    if name != session.challenge or session.username is None:
        raise NotAuthorizedException(SESSION_INVALID)
    sessions.check_username(pool, session, answers.get("USERNAME"))
    user = pool._get_user(session.username)
    settings = user_settings(pool, user.username)
    if name == "SELECT_MFA_TYPE":
        answer = answers.get("ANSWER", "")
        if answer not in session.available:
            raise InvalidParameterException(CHALLENGE_NOT_AVAILABLE.format(answer=answer))
        sessions.end(pool, handle)
        return challenge(pool, client, user, answer)
    if name == TOTP:
        step = totp_step(settings.totp_secret, answers.get("SOFTWARE_TOKEN_MFA_CODE"))
        if step is None:
            raise CodeMismatchException(MFA_CODE_MISMATCH)
        if step <= settings.last_totp_step:
            # The class AWS answers this text with: ExpiredCodeException as quoted (UNCONFIRMED).
            raise ExpiredCodeException(TOTP_REUSED)
        settings.last_totp_step = step
    elif name == EMAIL:
        sessions.check_code(session, answers.get("EMAIL_OTP_CODE"))
        # "When a user completes their first MFA, Amazon Cognito marks their email address ...
        # as verified" (DG "SMS and email message MFA").
        user.update_attributes([{"Name": "email_verified", "Value": "true"}])
    elif name == "MFA_SETUP":
        if not session.setup_verified:
            raise NotAuthorizedException(SESSION_INVALID)
        with lock:
            settings.totp_enabled = True
            settings.preferred = settings.preferred or TOTP
    sessions.end(pool, handle)
    return sessions.signed_in(pool, client, user.username)
