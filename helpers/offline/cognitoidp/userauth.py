"""Choice-based sign-in: InitiateAuth with AuthFlow USER_AUTH and the first-factor challenges.

Follows botocore's InitiateAuth (AuthFlow USER_AUTH, PREFERRED_CHALLENGE, Session from
ConfirmSignUp), RespondToAuthChallenge (SELECT_CHALLENGE with ANSWER, PASSWORD, PASSWORD_SRP,
EMAIL_OTP with EMAIL_OTP_CODE, WEB_AUTHN with CREDENTIAL), SignInPolicyType, SignUpResponse and
ConfirmSignUpRequest/Response (Session), the Developer Guide's "Manage authentication methods in
AWS SDKs", and aws-semantics-next.md section 6:

* USER_AUTH needs the client's ALLOW_USER_AUTH (which covers PASSWORD and PASSWORD_SRP) and a
  plan with choice-based sign-in;
* the challenges a user may choose are those the pool's AllowedFirstAuthFactors allow and the
  user can answer: a password (PASSWORD, PASSWORD_SRP), a verified email (EMAIL_OTP), a passkey
  (WEB_AUTHN). SMS_OTP is never offered: no SMS leaves the offline AWS. Their order is
  UNCONFIRMED (the pool's factors, in its order);
* without PREFERRED_CHALLENGE: SELECT_CHALLENGE with AvailableChallenges; with one the user can
  use: that challenge at once (with PASSWORD or SRP_A in the same request, its answer); with one
  the user cannot use: the choice again (UNCONFIRMED);
* an emailed code (8 digits) lasts the session; a wrong one is CodeMismatchException, a late one
  finds the session expired, a used one finds it gone (NotAuthorizedException). A passwordless
  first factor is not followed by MFA here (UNCONFIRMED).
"""

from __future__ import annotations

from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, CognitoIdpUserPool, CognitoIdpUserPoolClient

from . import attributes, clients, codes, mfa, passkeys, plans, sessions, srp, triggers
from .exceptions import (
    CHALLENGE_NOT_AVAILABLE,
    CHALLENGE_UNKNOWN,
    FLOW_NOT_ENABLED,
    INCORRECT_CREDENTIALS,
    MFA_CODE_MISMATCH,
    MISSING_PARAMETER,
    SESSION_INVALID,
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedException,
)
from .models import AuthSession, state_of
from .tokens import required_parameter

# What each first factor of a SignInPolicy offers (RespondToAuthChallenge's ChallengeResponses).
_CHALLENGES = {
    "PASSWORD": ("PASSWORD", "PASSWORD_SRP"),
    "EMAIL_OTP": ("EMAIL_OTP",),
    "WEB_AUTHN": ("WEB_AUTHN",),
    "SMS_OTP": ("SMS_OTP",),
}
FIRST_FACTOR_CHALLENGES = ("SELECT_CHALLENGE", "PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "WEB_AUTHN")


def _available(pool: CognitoIdpUserPool, user: CognitoIdpUser | None) -> list[str]:
    """What this user can answer; for an unknown user hidden by PreventUserExistenceErrors, what
    any user with a password and an email could."""
    offered = []
    for factor in plans.first_factors(pool.extended_config):
        for name in _CHALLENGES.get(factor, ()):
            if name == "SMS_OTP":
                continue
            if user is None:
                usable = name != "WEB_AUTHN"
            elif name in ("PASSWORD", "PASSWORD_SRP"):
                usable = bool(user.password)
            elif name == "EMAIL_OTP":
                usable = attributes.is_verified(user.attribute_lookup.get("email_verified"))
            else:
                usable = passkeys.has_passkey(pool, user)
            if usable and name not in offered:
                offered.append(name)
    return offered


def _password(
    pool: CognitoIdpUserPool,
    client: CognitoIdpUserPoolClient,
    user: CognitoIdpUser | None,
    password: str | None,
) -> dict[str, Any]:
    if user is None or not password or user.password != password:
        raise NotAuthorizedException(INCORRECT_CREDENTIALS)
    return mfa.after_password(pool, client, user)


def _begin(
    pool: CognitoIdpUserPool,
    client: CognitoIdpUserPoolClient,
    user: CognitoIdpUser | None,
    username: str,
    name: str,
    given: dict[str, str],
) -> dict[str, Any]:
    """Start (or, with its answer given, complete) the challenge `name`."""
    internal = user.username if user is not None else None
    if name == "PASSWORD" and "PASSWORD" in given:
        return _password(pool, client, user, given["PASSWORD"])
    if name == "PASSWORD_SRP" and "SRP_A" in given:
        return srp.start(pool.backend, pool, client, user, username, given["SRP_A"])
    handle = sessions.start(pool, client, internal, name, "first")
    session = state_of(pool).auth_sessions[handle]
    parameters: dict[str, str] = {}
    if name == "EMAIL_OTP":
        if user is None:
            delivery = codes.simulated_delivery(pool, username)
            parameters = {
                "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
                "CODE_DELIVERY_DESTINATION": delivery["Destination"],
            }
        else:
            parameters = sessions.email_code(
                pool, user, session, digits=sessions.SIGN_IN_CODE_DIGITS, kind="SignIn"
            )
    elif name == "WEB_AUTHN" and user is not None:
        parameters = {"CREDENTIAL_REQUEST_OPTIONS": passkeys.request_options(pool, user, session)}
    return {"ChallengeName": name, "ChallengeParameters": parameters, "Session": handle}


def initiate(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, parameters: dict[str, str], handle: str | None
) -> dict[str, Any]:
    """InitiateAuth with AuthFlow USER_AUTH."""
    if not clients.flow_enabled(client, "USER_AUTH"):
        raise InvalidParameterException(FLOW_NOT_ENABLED.format(flow="USER_AUTH"))
    plans.require_choice_based_sign_in(pool)
    username = required_parameter(parameters, "USERNAME")
    clients.check_secret_hash(client, parameters.get("SECRET_HASH"), [username], auth_parameter=True)
    if handle:
        return _after_sign_up(pool, client, handle, username)
    user = sessions.user_for_sign_in(pool, client, username)
    available = _available(pool, user)
    preferred = parameters.get("PREFERRED_CHALLENGE")
    if preferred:
        if preferred not in _CHALLENGES and preferred != "PASSWORD_SRP":
            raise InvalidParameterException(CHALLENGE_UNKNOWN.format(answer=preferred))
        if preferred in available:
            return _begin(pool, client, user, username, preferred, parameters)
    internal = user.username if user is not None else None
    handle = sessions.start(pool, client, internal, "SELECT_CHALLENGE", "first", available=tuple(available))
    return {
        "ChallengeName": "SELECT_CHALLENGE",
        "ChallengeParameters": {},
        "Session": handle,
        "AvailableChallenges": available,
    }


def respond(
    pool: CognitoIdpUserPool,
    client: CognitoIdpUserPoolClient,
    handle: str,
    session: AuthSession,
    name: str,
    answers: dict[str, str],
) -> dict[str, Any]:
    """RespondToAuthChallenge for SELECT_CHALLENGE and the first-factor challenges."""
    if name != session.challenge:
        raise NotAuthorizedException(SESSION_INVALID)
    sessions.check_username(pool, session, answers.get("USERNAME"))
    user = pool._get_user(session.username) if session.username is not None else None
    username = answers.get("USERNAME") or ""
    if name == "SELECT_CHALLENGE":
        answer = answers.get("ANSWER") or ""
        if answer not in _CHALLENGES and answer != "PASSWORD_SRP":
            raise InvalidParameterException(CHALLENGE_UNKNOWN.format(answer=answer))
        if answer not in session.available:
            raise InvalidParameterException(CHALLENGE_NOT_AVAILABLE.format(answer=answer))
        sessions.end(pool, handle)
        return _begin(pool, client, user, username, answer, answers)
    if name == "PASSWORD":
        sessions.end(pool, handle)
        return _password(pool, client, user, answers.get("PASSWORD"))
    if name == "PASSWORD_SRP":
        srp_a = answers.get("SRP_A")
        if not srp_a:
            raise InvalidParameterException(MISSING_PARAMETER.format(name="SRP_A"))
        sessions.end(pool, handle)
        return srp.start(pool.backend, pool, client, user, username, srp_a)
    if user is None:  # the simulated sign-in of an unknown user: no code can match
        raise CodeMismatchException(MFA_CODE_MISMATCH)
    if name == "EMAIL_OTP":
        sessions.check_code(session, answers.get("EMAIL_OTP_CODE"))
    else:
        passkeys.verify_assertion(pool, user, session, answers.get("CREDENTIAL"))
    sessions.end(pool, handle)
    return sessions.signed_in(pool, client, user.username)


# --- Signing in straight after sign-up ------------------------------------------------------------
def sign_up_session(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, user: CognitoIdpUser
) -> dict[str, str]:
    """SignUp's Session, "that you can pass to ConfirmSignUp when you want to immediately sign in
    your user with the USER_AUTH flow" (botocore SignUpResponse); only where USER_AUTH can work."""
    if not plans.has(plans.tier(pool), plans.CHOICE_BASED_SIGN_IN):
        return {}
    return {"Session": sessions.start(pool, client, user.username, "CONFIRM_SIGN_UP", "sign_up")}


def check_sign_up_session(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, user: CognitoIdpUser, handle: str | None
) -> None:
    """Before ConfirmSignUp confirms anything: a Session it was given is SignUp's for this user."""
    if handle:
        session = sessions.find(pool, client, handle)
        if session.challenge != "CONFIRM_SIGN_UP" or session.username != user.username:
            raise NotAuthorizedException(SESSION_INVALID)


def confirmed_session(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, user: CognitoIdpUser, handle: str | None
) -> dict[str, str]:
    """ConfirmSignUp's Session, which lets InitiateAuth(USER_AUTH) sign the user in once, within
    the session's lifetime, without another code (botocore InitiateAuthRequest.Session)."""
    if not handle:
        return {}
    sessions.end(pool, handle)
    return {"Session": sessions.start(pool, client, user.username, "SIGNED_UP", "sign_up")}


def _after_sign_up(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, handle: str, username: str
) -> dict[str, Any]:
    session = sessions.find(pool, client, handle)
    if session.challenge != "SIGNED_UP" or session.username is None:
        raise NotAuthorizedException(SESSION_INVALID)
    sessions.check_username(pool, session, username)
    user = pool._get_user(session.username)
    hides = clients.prevents_existence_errors(client)
    triggers.pre_authentication(pool, client.id, user, username, hides_unknown_users=hides)
    sessions.end(pool, handle)
    return sessions.signed_in(pool, client, session.username)
