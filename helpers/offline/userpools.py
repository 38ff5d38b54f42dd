"""Cognito User Pools as AWS runs them: passwords proven, codes checked, tokens honest.

moto 5.2.5 gets the shape of User Pools right but lets a learner get away
with things AWS never allows (see moto-fidelity.md). This module closes
those gaps:

* **SRP proves the password.** InitiateAuth (USER_SRP_AUTH) issues a real
  SALT / SRP_B / SECRET_BLOCK computed from the stored password, and
  RespondToAuthChallenge checks PASSWORD_CLAIM_SIGNATURE with the same math
  as the client (`pycognito.aws_srp`).
* **Confirmation codes** are generated, "sent" to `mailbox`, expire, and
  must match; ConfirmSignUp verifies the email; ResendConfirmationCode,
  ForgotPassword and ConfirmForgotPassword work the same way.
* **What AWS enforces, enforced:** required attributes, the password policy
  (with AWS's messages), the client's ExplicitAuthFlows, SECRET_HASH, and
  PreventUserExistenceErrors.
* **Tokens:** lifetimes from the app client, the offline clock for
  iat/exp/auth_time, the claims AWS issues, expiry and revocation checked
  where AWS checks them, and each pool signing with its own two RSA keys
  (one for ID tokens, one for access tokens) served from that pool's JWKS.

Error texts are AWS's own where a public source shows them; the ones no
source confirms are marked UNCONFIRMED next to the constant that holds them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import string
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.cognitoidp.exceptions import (
    CodeMismatchException,
    ExpiredCodeException,
    InvalidParameterException,
    NotAuthorizedError,
    ResourceNotFoundError,
    UsernameExistsException,
    UserNotConfirmedException,
    UserNotFoundError,
)
from moto.cognitoidp.models import (
    LEGACY_ACCOUNT_RECOVERY_MECHANISMS,
    AuthFlow,
    CognitoIdpBackend,
    CognitoIdpGroup,
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolAttribute,
    CognitoIdpUserPoolClient,
    UserStatus,
    cognitoidp_backends,
)
from moto.cognitoidp.utils import validate_username_format
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, EmptyResult
from moto.moto_api._internal import mock_random
from pycognito import aws_srp

from . import clock, mailbox, routes

if TYPE_CHECKING:
    from .patching import Patches

# --- AWS's words --------------------------------------------------------------
# Sources: aws-semantics.md §2 (each quoted from an observed AWS response).
INCORRECT_CREDENTIALS = "Incorrect username or password."
USER_NOT_CONFIRMED = "User is not confirmed."
USER_DOES_NOT_EXIST = "User does not exist."
USER_DISABLED = "User is disabled."
CODE_MISMATCH = "Invalid verification code provided, please try again."
CODE_EXPIRED = "Invalid code provided, please request a code again."
ACCESS_TOKEN_EXPIRED = "Access Token has expired"
ACCESS_TOKEN_REVOKED = "Access Token has been revoked"
REFRESH_TOKEN_REVOKED = "Refresh Token has been revoked"
# Observed body {"__type":"NotAuthorizedException","message":"Invalid Refresh Token."} (aws/aws-sdk-cpp#1789).
REFRESH_TOKEN_INVALID = "Invalid Refresh Token."
# UNCONFIRMED: no public capture of an expired refresh token's message was
# found; this follows the access-token wording above.
REFRESH_TOKEN_EXPIRED = "Refresh Token has expired"
# UNCONFIRMED: widely quoted for a malformed or foreign access token, no primary source found.
ACCESS_TOKEN_INVALID = "Invalid Access Token"
# ForgotPassword / ResendConfirmationCode for an unknown user (quoted in many
# application sources handling Cognito's UserNotFoundException).
USERNAME_CLIENT_NOT_FOUND = "Username/client id combination not found."
# ConfirmSignUp on a confirmed user (amplify-ui#219, furaiev/amazon-cognito-identity-dart-2#80).
CANNOT_CONFIRM = "User cannot be confirmed. Current status is {status}"
# ResendConfirmationCode on a confirmed user (amplify-ui#219, amplify-js#14762: InvalidParameterException).
ALREADY_CONFIRMED = "User is already confirmed."
# UNCONFIRMED: commonly quoted for a pool without AutoVerifiedAttributes.
AUTO_VERIFICATION_OFF = "Cannot resend codes. Auto verification not turned on."
# moto's own AdminResetUserPassword text, which matches what AWS users report.
NO_VERIFIED_RECOVERY = (
    "Cannot reset password for the user as there is no registered/verified email or phone_number"
)
# Secret hash: InitiateAuth without SECRET_HASH (aws-amplify/amplify-android#2504);
# a wrong hash, or SignUp/ConfirmSignUp without SecretHash (ganezasan/serverless-cognito-auth#1,
# AnomalyInnovations/serverless-stack-demo-client#6, furaiev/amazon-cognito-identity-dart-2#16).
SECRET_HASH_MISSING = "Client {client_id} is configured with secret but SECRET_HASH was not received"
SECRET_HASH_WRONG = "Unable to verify secret hash for client {client_id}"
# InitiateAuth with a flow the client does not allow: AWS's own text, from a real response logged
# by a Lambda function (aws-sdk, InvalidParameterException, statusCode 400, requestId
# dafe9f41-85ee-44a3-a094-f0af2cd7b70e, 2024-06-30) and published in github.com/bizkite-co/handterm,
# "docs/chats/06/2024-06-30-AWS Cognito error fix_CDK config modification for user
# authentication.md" (commit 1f1fbf43). AdminInitiateAuth says only "Auth flow ..." there.
FLOW_NOT_ENABLED = "{flow} flow not enabled for this client"
ADMIN_FLOW_NOT_ENABLED = "Auth flow not enabled for this client"
# An admin flow sent to InitiateAuth (getmoto/moto#4836, validated against AWS).
ADMIN_FLOW_IN_INITIATE_AUTH = "Initiate Auth method not supported."
# UNCONFIRMED: reported for CUSTOM_AUTH on a pool without the Lambda triggers.
CUSTOM_AUTH_NOT_CONFIGURED = "Custom auth lambda trigger is not configured for the user pool."
# UNCONFIRMED wording for a SECRET_BLOCK Cognito did not issue; the expired
# form is the one AWS users report for a stale Session.
SESSION_INVALID = "Invalid session for the user."
SESSION_EXPIRED = "Invalid session for the user, session is expired."
# Required attributes: "Attributes did not conform to the schema: email: The
# attribute is required" (aws-semantics.md §2); several sources show one
# "name: problem\n" line per attribute, as in amplify-flutter#509.
SCHEMA_PREFIX = "Attributes did not conform to the schema: "
ATTRIBUTE_REQUIRED = "{name}: The attribute is required\n"
ATTRIBUTE_UNKNOWN = "{name}: Attribute does not exist in the schema.\n"
# Password policy. Recent captures say "with password policy"; older ones
# "with policy". Which rule AWS reports first when several fail is UNCONFIRMED.
PASSWORD_PREFIX = "Password did not conform with password policy: "
# SignUp for a taken username, as application code handling Cognito's errors matches it.
USERNAME_EXISTS = "User already exists"
# UNCONFIRMED: quoted by users of AdminCreateUser for an existing username.
ADMIN_USERNAME_EXISTS = "User account already exists"
# UNCONFIRMED: the text AWS users quote for SignUp on an admin-only pool.
SIGN_UP_NOT_PERMITTED = "SignUp is not permitted for this user pool"
# UNCONFIRMED: the PasswordResetRequiredException text AWS users quote.
PASSWORD_RESET_REQUIRED = "Password reset required for the user"
# UNCONFIRMED: moto's own wording for a client id no pool has; AWS users quote the same.
CLIENT_NOT_FOUND = "User pool client {client_id} does not exist."
# UNCONFIRMED: moto's wording for AccountRecoverySetting admin_only.
ADMIN_ONLY_RECOVERY = "Contact administrator to reset password."
# UNCONFIRMED: a write the app client may not make (UpdateUserAttributes, SignUp). No AWS page
# quotes it; community reports show this text from AWS (botocore output in
# padok-team/cognito-scanner#6; aws/aws-sdk-js#1319, #3603; aws-amplify/amplify-js#5345).
UNAUTHORIZED_ATTRIBUTE = "A client attempted to write unauthorized attribute"
# UNCONFIRMED: RevokeToken's client-authentication failure (botocore lists
# UnauthorizedException for it; no capture of the text was found).
CLIENT_SECRET_INVALID = "Invalid client secret."

# --- What AWS documents ---------------------------------------------------------
# botocore CreateUserPoolClient: "If you don't specify a value for
# ExplicitAuthFlows, your app client supports ALLOW_REFRESH_TOKEN_AUTH,
# ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH."
DEFAULT_AUTH_FLOWS = ("ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH")
# botocore 1.44.8 ExplicitAuthFlowsType, in the model's order.
EXPLICIT_AUTH_FLOWS = (
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
    "ALLOW_TOKEN_EXCHANGE_DELEGATION",
    "ALLOW_TOKEN_EXCHANGE_IMPERSONATION",
)
# Pre-2019 client settings and the ALLOW_ setting each stands for.
_LEGACY_FLOW_SETTINGS = {
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY": "ALLOW_CUSTOM_AUTH",
}
# The client setting each AuthFlow needs.
_FLOW_SETTING = {
    "USER_SRP_AUTH": "ALLOW_USER_SRP_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "REFRESH_TOKEN_AUTH": "ALLOW_REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN": "ALLOW_REFRESH_TOKEN_AUTH",
    "CUSTOM_AUTH": "ALLOW_CUSTOM_AUTH",
}
_ADMIN_PASSWORD_FLOWS = ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")
_REFRESH_FLOWS = ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN")

# Token lifetimes (botocore CreateUserPoolClient): ID and access tokens 1 h,
# default unit hours; refresh tokens 30 days, default unit days, 0 means 30 days.
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_DEFAULT_LIFETIME = {"IdToken": 3600, "AccessToken": 3600, "RefreshToken": 30 * 86400}
_DEFAULT_UNIT = {"IdToken": "hours", "AccessToken": "hours", "RefreshToken": "days"}
# Sign-up codes last 24 h, password-reset codes 1 h (DG-2023 limits.md).
SIGN_UP_CODE_SECONDS = 24 * 3600
RESET_CODE_SECONDS = 3600
ACCESS_SCOPE = "aws.cognito.signin.user.admin"
# Special characters a password policy counts (DG "Password requirements"),
# plus a space that neither starts nor ends the password.
_PASSWORD_SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")
_ISSUER = re.compile(r"^https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([^/]+)$")


# --- Errors moto does not define ---------------------------------------------------
class InvalidPasswordError(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidPasswordException", message)


class PasswordResetRequiredError(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("PasswordResetRequiredException", message)


class UnauthorizedError(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("UnauthorizedException", message)


class TokenVerificationError(ValueError):
    """A token this offline AWS did not issue, or no longer recognises."""


# --- Signing keys ----------------------------------------------------------------
@dataclass(frozen=True)
class _SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    def jwk(self) -> dict[str, str]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {
            "alg": "RS256",
            "e": public["e"],
            "kid": self.kid,
            "kty": "RSA",
            "n": public["n"],
            "use": "sig",
        }


@dataclass(frozen=True)
class _PoolKeys:
    """AWS publishes two keys per pool: one signs ID tokens, one access tokens."""

    id: _SigningKey
    access: _SigningKey

    def by_kid(self) -> dict[str, _SigningKey]:
        return {self.id.kid: self.id, self.access.kid: self.access}


class _KeyFactory:
    """2048-bit RSA keys, generated ahead of need on a background thread.

    Generating one takes 20-100 ms on a 2-core machine (measured), and each
    pool needs two, so a lab creating pools in a loop would stall. OpenSSL
    releases the GIL while it searches for primes, so a daemon thread can keep
    a few keys ready without slowing anything else down.
    """

    SPARES = 6

    def __init__(self) -> None:
        self._ready: list[rsa.RSAPrivateKey] = []
        self._wanted = threading.Condition()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with self._wanted:
            if self._thread is None:
                self._thread = threading.Thread(target=self._refill, name="userpool-keys", daemon=True)
                self._thread.start()

    def take(self) -> rsa.RSAPrivateKey:
        with self._wanted:
            key = self._ready.pop() if self._ready else None
            self._wanted.notify()
        return key or _new_rsa_key()

    def _refill(self) -> None:
        while True:
            with self._wanted:
                while len(self._ready) >= self.SPARES:
                    self._wanted.wait()
            key = _new_rsa_key()
            with self._wanted:
                self._ready.append(key)


def _new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _new_kid() -> str:
    # Cognito's kids are base64 of 32 bytes, e.g. "abcd...XYZ=". Ids (unlike keys and secrets)
    # come from moto's random source, so a seeded run (`/moto-api/seed`) repeats them.
    return base64.b64encode(mock_random.getrandbits(256).to_bytes(32, "big")).decode()


_key_factory = _KeyFactory()


# --- State the engine adds to moto ----------------------------------------------------
@dataclass
class _SignIn:
    """One authentication: what its refresh token and every token minted from it share."""

    pool_id: str
    client_id: str
    username: str  # the internal username
    auth_time: int
    refresh_expires_at: float
    event_id: str
    revoked: bool = False


@dataclass(frozen=True)
class _PendingCode:
    code: str
    expires_at: float
    attribute: str  # which attribute the code verifies: "email" or "phone_number"


@dataclass(frozen=True)
class _SrpChallenge:
    pool_id: str
    client_id: str
    user_id_for_srp: str
    srp_a: int
    b: int
    srp_b: int
    # None for the simulated challenge PreventUserExistenceErrors answers an
    # unknown user with: no password can satisfy it.
    verifier: int | None
    expires_at: float


_lock = threading.RLock()
_pool_keys: dict[str, _PoolKeys] = {}
_sign_ins: dict[str, _SignIn] = {}  # origin_jti -> sign-in
_refresh_origin: dict[str, str] = {}  # refresh token -> origin_jti
_codes: dict[tuple[str, str, str], _PendingCode] = {}  # (pool, username, "confirm"|"reset")
_srp_challenges: dict[str, _SrpChallenge] = {}  # SECRET_BLOCK -> challenge
_srp_secret = secrets.token_bytes(32)


def reset() -> None:
    """Forget keys, sign-ins, codes, SRP challenges and sent mail."""
    global _srp_secret
    with _lock:
        _pool_keys.clear()
        _sign_ins.clear()
        _refresh_origin.clear()
        _codes.clear()
        _srp_challenges.clear()
        _srp_secret = secrets.token_bytes(32)
    mailbox.reset()


# --- Finding things in moto --------------------------------------------------------------
def _backends() -> Iterator[CognitoIdpBackend]:
    for account_backends in list(cognitoidp_backends.values()):
        for region, backend in list(account_backends.items()):
            if region != "global":
                yield backend


def _find_pool(user_pool_id: str) -> CognitoIdpUserPool | None:
    for backend in _backends():
        if user_pool_id in backend.user_pools:
            return backend.user_pools[user_pool_id]
    return None


def _find_client(client_id: str) -> tuple[CognitoIdpBackend, CognitoIdpUserPool, CognitoIdpUserPoolClient]:
    """The unsigned operations name only a client; AWS finds its pool in any region."""
    for backend in _backends():
        for pool in list(backend.user_pools.values()):
            if client_id in pool.clients:
                return backend, pool, pool.clients[client_id]
    raise ResourceNotFoundError(CLIENT_NOT_FOUND.format(client_id=client_id))


def _issuer(pool: CognitoIdpUserPool) -> str:
    return f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}"


def _status(user: CognitoIdpUser) -> str:
    return getattr(user.status, "value", str(user.status))


# --- Keys: public API for the identity-pool engine -------------------------------------------
def _keys_of(pool_id: str, *, create: bool) -> _PoolKeys | None:
    with _lock:
        keys = _pool_keys.get(pool_id)
        if keys is None and create and _find_pool(pool_id) is not None:
            keys = _PoolKeys(
                _SigningKey(_new_kid(), _key_factory.take()), _SigningKey(_new_kid(), _key_factory.take())
            )
            _pool_keys[pool_id] = keys
        return keys


def jwks(user_pool_id: str) -> dict[str, list[dict[str, str]]]:
    """The pool's JSON Web Key Set, as served at `/<poolId>/.well-known/jwks.json`.

    Raises LookupError for a pool that does not exist.
    """
    keys = _keys_of(user_pool_id, create=True)
    if keys is None:
        raise LookupError(f"User pool {user_pool_id} does not exist.")
    return {"keys": [keys.id.jwk(), keys.access.jwk()]}


def public_keys(user_pool_id: str) -> dict[str, rsa.RSAPublicKey]:
    """kid -> public key of the pool's two signing keys (LookupError if no such pool)."""
    keys = _keys_of(user_pool_id, create=True)
    if keys is None:
        raise LookupError(f"User pool {user_pool_id} does not exist.")
    return {kid: key.private_key.public_key() for kid, key in keys.by_kid().items()}


def verify_user_pool_token(token: str) -> dict[str, Any]:
    """Check that a user pool of this offline AWS signed `token`; return its claims.

    For the identity-pool engine (GetId and friends), which must trust only
    tokens a real pool issued. Checked here, in this order:

    1. it is a JWT whose `iss` names a Cognito user pool;
    2. that pool exists;
    3. the header's `kid` is one of that pool's two keys;
    4. the RS256 signature verifies with that key.

    NOT checked, on purpose: `exp`, `aud`, `token_use` and revocation. The
    caller answers those with its own AWS error messages (identity pools say
    "Invalid login token. Token expired: ..."). Use `clock.now()` for expiry.

    Raises TokenVerificationError (a ValueError) whose message says which
    check failed.
    """
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as problem:
        raise TokenVerificationError(f"not a JWT: {problem}") from None
    issuer = claims.get("iss")
    match = _ISSUER.match(issuer) if isinstance(issuer, str) else None
    if match is None:
        raise TokenVerificationError(f"issuer {issuer!r} is not a Cognito user pool")
    pool_id = match.group(2)
    if _find_pool(pool_id) is None:
        raise TokenVerificationError(f"unknown user pool {pool_id}")
    keys = _keys_of(pool_id, create=False)
    key = keys.by_kid().get(header.get("kid")) if keys else None
    if key is None:
        raise TokenVerificationError(f"unknown kid {header.get('kid')!r} for user pool {pool_id}")
    try:
        return jwt.decode(
            token,
            key.private_key.public_key(),
            algorithms=["RS256"],
            options={"verify_exp": False, "verify_aud": False, "verify_iat": False, "verify_nbf": False},
        )
    except jwt.PyJWTError as problem:
        raise TokenVerificationError(f"signature verification failed: {problem}") from None


class _NoSharedKey:
    """Stands in for joserfc's `jwk` in moto's models module.

    moto gives every new pool the one RSA key it ships (private half
    included), re-validating it each time: 110-200 ms per CreateUserPool,
    measured. Pools here sign with their own keys, so the shared key is
    never loaded and a pool's `json_web_key` is None: anything that still
    tried to sign with it would fail instead of minting a forgeable token.
    """

    class RSAKey:
        @staticmethod
        def import_key(_data: object) -> None:
            return None


def _sign(pool: CognitoIdpUserPool, key_use: str, claims: dict[str, Any]) -> str:
    keys = _keys_of(pool.id, create=True)
    assert keys is not None  # the pool issuing the token exists
    key = keys.id if key_use == "id" else keys.access
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid, "typ": None})


# --- App client settings --------------------------------------------------------------
def _flow_enabled(client: CognitoIdpUserPoolClient, flow: str) -> bool:
    configured = set(client.extended_config.get("ExplicitAuthFlows") or DEFAULT_AUTH_FLOWS)
    if not any(setting.startswith("ALLOW_") for setting in configured):
        # A client with only the legacy settings always allowed SRP, refresh and custom auth.
        configured |= {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"}
    configured |= {_LEGACY_FLOW_SETTINGS[s] for s in configured if s in _LEGACY_FLOW_SETTINGS}
    return _FLOW_SETTING.get(flow) in configured


def _lifetime(client: CognitoIdpUserPoolClient, token: str) -> int:
    """Seconds a token lives, from the client's *Validity and TokenValidityUnits."""
    value = client.extended_config.get(f"{token}Validity")
    if not value:
        return _DEFAULT_LIFETIME[token]
    units = (client.extended_config.get("TokenValidityUnits") or {}).get(token) or _DEFAULT_UNIT[token]
    return int(value) * _UNIT_SECONDS[units]


def _prevents_existence_errors(client: CognitoIdpUserPoolClient) -> bool:
    return client.extended_config.get("PreventUserExistenceErrors") == "ENABLED"


def _secret_hash(client: CognitoIdpUserPoolClient, username: str) -> str:
    digest = hmac.new(client.secret.encode(), (username + client.id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _check_secret_hash(
    client: CognitoIdpUserPoolClient,
    given: str | None,
    usernames: Iterable[str | None],
    *,
    auth_parameter: bool,
) -> None:
    """A client with a secret must prove it knows it on every unsigned call.

    AWS words a missing SECRET_HASH auth parameter differently from a missing
    SecretHash request field; a wrong hash reads the same everywhere.
    """
    if not client.generate_secret:
        return
    if not given:
        message = SECRET_HASH_MISSING if auth_parameter else SECRET_HASH_WRONG
        raise NotAuthorizedError(message.format(client_id=client.id))
    if not any(
        hmac.compare_digest(given.encode(), _secret_hash(client, name).encode()) for name in usernames if name
    ):
        raise NotAuthorizedError(SECRET_HASH_WRONG.format(client_id=client.id))


def _check_explicit_auth_flows(flows: list[str] | None) -> None:
    invalid = [flow for flow in flows or [] if flow not in EXPLICIT_AUTH_FLOWS]
    if invalid:
        # AWS's request-validation format, e.g. for allowedOAuthFlows in
        # awsdocs/aws-cloudformation-user-guide#563.
        raise InvalidParameterException(
            f"1 validation error detected: Value '[{', '.join(flows or [])}]' at 'explicitAuthFlows' "
            "failed to satisfy constraint: Member must satisfy constraint: "
            f"[Member must satisfy enum value set: [{', '.join(EXPLICIT_AUTH_FLOWS)}]]"
        )


def _checking_create_client(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_user_pool_client(
        self: CognitoIdpBackend, user_pool_id: str, generate_secret: bool, extended_config: dict[str, Any]
    ) -> Any:
        _check_explicit_auth_flows(extended_config.get("ExplicitAuthFlows"))
        units = (extended_config.get("TokenValidityUnits") or {}).get("RefreshToken")
        if units and not extended_config.get("RefreshTokenValidity"):
            # moto stores a bare default of 30 that would read as 30 of these
            # units; AWS's default is 30 days, whatever the unit.
            extended_config = {
                **extended_config,
                "RefreshTokenValidity": _DEFAULT_LIFETIME["RefreshToken"] // _UNIT_SECONDS[units],
            }
        return original(self, user_pool_id, generate_secret, extended_config)

    return create_user_pool_client


def _checking_update_client(original: Callable[..., Any]) -> Callable[..., Any]:
    def update_user_pool_client(
        self: CognitoIdpBackend, user_pool_id: str, client_id: str, extended_config: dict[str, Any]
    ) -> Any:
        _check_explicit_auth_flows(extended_config.get("ExplicitAuthFlows"))
        return original(self, user_pool_id, client_id, extended_config)

    return update_user_pool_client


# --- Which attributes an app client may read and write ------------------------------------
# What is confirmed (Developer Guide, "Attribute permissions and scopes", in the 2023 source
# awsdocs/amazon-cognito-developer-guide user-pool-settings-attributes.md and as quoted from
# today's page in jagregory/cognito-local#360): a client's ReadAttributes and WriteAttributes
# apply to standard and custom attributes; writing one the client may not write is a
# NotAuthorizedException; GetUser returns, and the ID token carries, only readable
# attributes; every client may write the pool's required attributes. Admin operations
# (AdminCreateUser, AdminUpdateUserAttributes) use IAM credentials and are not limited.
#
# A client created WITHOUT these lists (botocore CreateUserPoolClient, i.e. the API
# Reference): it "can read the values of email_verified, phone_number_verified, and the
# standard attributes", and "can write the values of the Standard attributes". So by default
# `email_verified` / `phone_number_verified` are readable but not writable (also reported:
# SignUp with email_verified refused, aws/aws-sdk-js#3603; "can be set using the admin API
# only", amazon-cognito-identity-js#322), and custom attributes are not writable (the 2023
# Developer Guide: "new custom attributes will not be available until you set read and write
# permissions"; SignUp with a custom attribute refused, amazon-cognito-identity-js#397).
# UNCONFIRMED, and contradicted elsewhere: the AWS CDK documents the default of both lists as
# "all standard and custom attributes", and the old console said "All attributes are readable
# and writable by default because none are selected" (aws-aspnet-cognito-identity-provider#89).
# The engine follows the API Reference for writes; for reads it keeps custom attributes
# readable by default, as tokens quoted in public issues carry `custom:` claims (UNCONFIRMED:
# the API Reference names only the standard attributes).
VERIFIED_FLAGS = ("email_verified", "phone_number_verified")


def is_verified(value: str | None) -> bool:
    """AWS treats "True", "TRUE" and "true" alike (AdminCreateUser with "True" verifies the
    address, aws-amplify/amplify-js#8205); GetUser echoes the value as it was given."""
    return isinstance(value, str) and value.lower() == "true"


def _required_attributes(pool: CognitoIdpUserPool) -> set[str]:
    return {name for name, attribute in pool.schema_attributes.items() if attribute.required}


def may_read(client: CognitoIdpUserPoolClient | None, name: str) -> bool:
    """May this client's users see the attribute `name` (GetUser, ID tokens)? `sub` always."""
    readable = client.extended_config.get("ReadAttributes") if client is not None else None
    if name == "sub" or not readable:
        return not name.startswith("dev:")
    return name in readable


def may_write(pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, name: str) -> bool:
    """May a user of this client set the attribute `name` (SignUp, UpdateUserAttributes)?"""
    if name in _required_attributes(pool):
        return True
    writable = client.extended_config.get("WriteAttributes")
    if writable:
        return name in writable
    standard = set(CognitoIdpUserPoolAttribute.STANDARD_SCHEMA) - {"sub", *VERIFIED_FLAGS}
    return name in standard


def _check_writable(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, attributes: Iterable[dict[str, str]]
) -> None:
    if any(not may_write(pool, client, attribute["Name"]) for attribute in attributes):
        raise NotAuthorizedError(UNAUTHORIZED_ATTRIBUTE)


# --- Pool ids --------------------------------------------------------------------------
_POOL_ID_ALPHABET = string.ascii_letters + string.digits


def _aws_shaped_pool_id(original: Callable[..., None]) -> Callable[..., None]:
    """Pool ids as AWS makes them: `<region>_` and nine letters or digits (moto uses 32 hex).

    Source: the CreateUserPool examples in the API reference (`us-east-1_EXAMPLE`,
    9 characters after the underscore) and every published pool id. The nine
    characters are moto's own id re-spelt, so moto's id strategy
    (`MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY=HASH`: the same pool settings give the
    same id) and its seeded randomness (`/moto-api/seed`) still decide them.
    """

    def __init__(self: CognitoIdpUserPool, account_id: str, region: str, *args: Any, **kwargs: Any) -> None:
        original(self, account_id, region, *args, **kwargs)
        number = int(self.id.split("_", 1)[1], 16)
        suffix = ""
        for _ in range(9):
            number, digit = divmod(number, len(_POOL_ID_ALPHABET))
            suffix += _POOL_ID_ALPHABET[digit]
        self.id = f"{region}_{suffix}"
        self.arn = f"{self.arn.rsplit('/', 1)[0]}/{self.id}"

    return __init__


def _forgetting_keys(original: Callable[..., None]) -> Callable[..., None]:
    """A deleted pool's keys go with it: a pool made again with the same id (moto's HASH id
    strategy) must not accept tokens the old one signed."""

    def delete_user_pool(self: CognitoIdpBackend, user_pool_id: str) -> None:
        original(self, user_pool_id)
        with _lock:
            _pool_keys.pop(user_pool_id, None)

    return delete_user_pool


# --- Tokens ---------------------------------------------------------------------------
# AWS's refresh tokens are JWEs only Cognito can read; their header is always this
# (seen in many published responses: eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ).
_REFRESH_TOKEN_HEADER = {"cty": "JWT", "enc": "A256GCM", "alg": "RSA-OAEP"}


def _encrypted_token_shape() -> str:
    """An opaque refresh token shaped like AWS's five-part JWE (header, key, iv, ciphertext, tag)."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps(_REFRESH_TOKEN_HEADER, separators=(",", ":")).encode())
    return ".".join([header, *(part(os.urandom(size)) for size in (256, 12, 480, 16))])


def _recording_sign_in(original: Callable[..., tuple[str, str]]) -> Callable[..., tuple[str, str]]:
    """Every sign-in starts with a refresh token: remember when and for how long."""

    def create_refresh_token(self: CognitoIdpUserPool, client_id: str, username: str) -> tuple[str, str]:
        moto_token, origin_jti = original(self, client_id, username)
        refresh_token = _encrypted_token_shape()
        self.refresh_tokens[refresh_token] = self.refresh_tokens.pop(moto_token)
        now = clock.now()
        with _lock:
            _sign_ins[origin_jti] = _SignIn(
                pool_id=self.id,
                client_id=client_id,
                username=self._get_user(username).username,
                auth_time=int(now),
                refresh_expires_at=now + _lifetime(self.clients[client_id], "RefreshToken"),
                event_id=str(mock_random.uuid4()),
            )
            _refresh_origin[refresh_token] = origin_jti
        return refresh_token, origin_jti

    return create_refresh_token


def _rank(group: CognitoIdpGroup) -> tuple[bool, int]:
    # A group without a precedence ranks below every numbered one (DG-2023 role-based-access-control).
    return group.precedence is None, group.precedence or 0


def _sorted_groups(user: CognitoIdpUser) -> list[CognitoIdpGroup]:
    return sorted(user.groups, key=lambda g: (*_rank(g), g.group_name))


def _preferred_role(groups: list[CognitoIdpGroup]) -> str | None:
    """The role of the best-ranked group with a role; unset when equal ranks carry different roles."""
    with_roles = [g for g in groups if g.role_arn]
    if not with_roles:
        return None
    best_rank = min(_rank(g) for g in with_roles)
    best = {g.role_arn for g in with_roles if _rank(g) == best_rank}
    return best.pop() if len(best) == 1 else None


def _common_claims(
    pool: CognitoIdpUserPool, user: CognitoIdpUser, origin_jti: str
) -> tuple[dict[str, Any], int]:
    sign_in = _sign_ins[origin_jti]
    now = int(clock.now())
    claims: dict[str, Any] = {"sub": user.id}
    groups = _sorted_groups(user)
    if groups:
        claims["cognito:groups"] = [g.group_name for g in groups]
    claims.update(
        {
            "iss": _issuer(pool),
            "origin_jti": origin_jti,
            "event_id": sign_in.event_id,
            "auth_time": sign_in.auth_time,  # refreshing keeps the original sign-in time
            "iat": now,
            "jti": str(mock_random.uuid4()),
        }
    )
    return claims, now


def _create_access_token(
    self: CognitoIdpUserPool, client_id: str, username: str, origin_jti: str
) -> tuple[str, int]:
    """Access token claims (DG "Understanding the access token"): no `aud`, a `client_id`."""
    user = self._get_user(username)
    lifetime = _lifetime(self.clients[client_id], "AccessToken")
    claims, now = _common_claims(self, user, origin_jti)
    claims.update(
        {
            "client_id": client_id,
            "token_use": "access",
            "scope": ACCESS_SCOPE,
            "exp": now + lifetime,
            "username": user.username,
        }
    )
    token = _sign(self, "access", claims)
    self.access_tokens[token] = (client_id, username)
    return token, lifetime


def _create_id_token(
    self: CognitoIdpUserPool, client_id: str, username: str, origin_jti: str
) -> tuple[str, int]:
    """ID token claims (DG "Understanding the identity (ID) token").

    The user's attributes the client may read come along (`may_read`: all of
    them without ReadAttributes, custom ones UNCONFIRMED). `email_verified` and
    `phone_number_verified` are JSON booleans (the DG's example token), true for
    "true" in any case, false when never set.
    """
    user = self._get_user(username)
    client = self.clients[client_id]
    lifetime = _lifetime(client, "IdToken")
    claims, now = _common_claims(self, user, origin_jti)
    groups = _sorted_groups(user)
    roles = list(dict.fromkeys(g.role_arn for g in groups if g.role_arn))
    if roles:
        # A JSON array in real tokens (aws/aws-sdk-net#943), not the DG's "comma-separated string".
        claims["cognito:roles"] = roles
        preferred = _preferred_role(groups)
        if preferred:
            claims["cognito:preferred_role"] = preferred
    attributes = dict(user.attribute_lookup)
    for channel in ("email", "phone_number"):
        if channel in attributes:
            attributes.setdefault(f"{channel}_verified", "false")
    for name, value in attributes.items():
        if name != "sub" and may_read(client, name):
            claims[name] = is_verified(value) if name in VERIFIED_FLAGS else value
    claims.update(
        {
            "cognito:username": user.username,
            "aud": client_id,
            "token_use": "id",
            "exp": now + lifetime,
        }
    )
    token = _sign(self, "id", claims)
    self.id_tokens[token] = (client_id, username)
    return token, lifetime


def _revoking_sign_ins(original: Callable[..., None]) -> Callable[..., None]:
    """GlobalSignOut / AdminUserGlobalSignOut revoke every token the user holds."""

    def sign_out(self: CognitoIdpUserPool, username: str) -> None:
        user = self._get_user(username)
        if user is not None:
            with _lock:
                for sign_in in _sign_ins.values():
                    if sign_in.pool_id == self.id and sign_in.username == user.username:
                        sign_in.revoked = True
        original(self, username)

    return sign_out


def _check_access_token(token: str) -> None:
    """What AWS checks before any operation that takes an AccessToken."""
    try:
        claims = verify_user_pool_token(token)
    except TokenVerificationError:
        raise NotAuthorizedError(ACCESS_TOKEN_INVALID) from None
    sign_in = _sign_ins.get(claims.get("origin_jti", ""))
    if claims.get("token_use") != "access" or sign_in is None:
        raise NotAuthorizedError(ACCESS_TOKEN_INVALID)
    if clock.now() >= claims["exp"]:
        raise NotAuthorizedError(ACCESS_TOKEN_EXPIRED)
    if sign_in.revoked:
        raise NotAuthorizedError(ACCESS_TOKEN_REVOKED)
    pool = _find_pool(sign_in.pool_id)
    user = pool._get_user(sign_in.username) if pool else None
    if user is None:
        raise UserNotFoundError(USER_DOES_NOT_EXIST)
    if not user.enabled:
        raise NotAuthorizedError(USER_DISABLED)


def _guarding_access_token(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def guarded(self: Any) -> Any:
        token = self._get_param("AccessToken")
        if token is not None:
            _check_access_token(token)
        return original(self)

    return guarded


def _client_of_access_token(token: str) -> tuple[CognitoIdpUserPool, CognitoIdpUserPoolClient | None]:
    """The pool and app client a (checked) access token was issued by."""
    sign_in = _sign_ins[verify_user_pool_token(token)["origin_jti"]]
    pool = _find_pool(sign_in.pool_id)
    assert pool is not None  # _check_access_token found the user in it
    return pool, pool.clients.get(sign_in.client_id)


def _reading_permitted_attributes(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """GetUser shows only the attributes the token's app client may read."""

    def get_user(self: Any) -> Any:
        result = original(self)
        _, client = _client_of_access_token(self._get_param("AccessToken"))
        body = result.result
        body["UserAttributes"] = [a for a in body["UserAttributes"] if may_read(client, a["Name"])]
        return result

    return get_user


def _writing_permitted_attributes(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """UpdateUserAttributes may set only what the token's app client may write."""

    def update_user_attributes(self: Any) -> Any:
        pool, client = _client_of_access_token(self._get_param("AccessToken"))
        if client is not None:
            _check_writable(pool, client, self._get_param("UserAttributes") or [])
        return original(self)

    return update_user_attributes


# Operations that act on the caller's own AccessToken (moto implements these).
_ACCESS_TOKEN_OPERATIONS = (
    "get_user",
    "change_password",
    "global_sign_out",
    "update_user_attributes",
    "set_user_mfa_preference",
    "associate_software_token",
    "verify_software_token",
)


# --- Password policy and attribute schema --------------------------------------------------
def _password_problem(policy: dict[str, Any], password: str) -> str | None:
    # A policy given without a Require* flag does not require it (PasswordPolicyType).
    if len(password) < int(policy.get("MinimumLength", 8)):
        return "Password not long enough"
    checks = (
        ("RequireUppercase", r"[A-Z]", "Password must have uppercase characters"),
        ("RequireLowercase", r"[a-z]", "Password must have lowercase characters"),
        ("RequireNumbers", r"[0-9]", "Password must have numeric characters"),
    )
    for setting, pattern, problem in checks:
        if policy.get(setting) and not re.search(pattern, password):
            return problem
    if policy.get("RequireSymbols"):
        inner_space = " " in password.strip()
        if not inner_space and not _PASSWORD_SYMBOLS.intersection(password):
            return "Password must have symbol characters"
    return None


def _validate_password(self: CognitoIdpBackend, user_pool_id: str, password: str) -> None:
    """Replaces moto's check, which had one generic message and defaulted every Require* to true."""
    pool = self.describe_user_pool(user_pool_id)
    policy = pool.extended_config.get("Policies", {}).get("PasswordPolicy", {})
    problem = _password_problem(policy, password or "")
    if problem:
        raise InvalidPasswordError(PASSWORD_PREFIX + problem)


def _check_attributes(pool: CognitoIdpUserPool, username: str, attributes: list[dict[str, str]]) -> None:
    """Unknown attributes and missing required ones, reported the way AWS lists them."""
    known = set(CognitoIdpUserPoolAttribute.STANDARD_SCHEMA) | set(pool.schema_attributes)
    problems = [ATTRIBUTE_UNKNOWN.format(name=a["Name"]) for a in attributes if a["Name"] not in known]
    provided = {a["Name"] for a in attributes if a.get("Value")}
    # In a pool that signs in with an email or phone, the username fills that attribute.
    provided |= {
        kind
        for kind in pool.extended_config.get("UsernameAttributes") or []
        if validate_username_format(username, _format=kind)
    }
    problems += [
        ATTRIBUTE_REQUIRED.format(name=name)
        for name, attribute in pool.schema_attributes.items()
        if attribute.required and name != "sub" and name not in provided
    ]
    if problems:
        raise InvalidParameterException(SCHEMA_PREFIX + "".join(problems))


# --- Codes and the mailbox -----------------------------------------------------------------
def _mask(medium: str, destination: str) -> str:
    """How AWS shows where a code went: "v***@g***" (observed), "+*******0100"."""
    if medium == "EMAIL":
        local, _, domain = destination.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    digits = destination.lstrip("+")
    return "+" + "*" * max(len(digits) - 4, 0) + digits[-4:]


def _confirmation_channel(pool: CognitoIdpUserPool, user: CognitoIdpUser) -> tuple[str, str, str] | None:
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


def _recovery_channel(pool: CognitoIdpUserPool, user: CognitoIdpUser) -> tuple[str, str, str]:
    """Where ForgotPassword sends its code: the first verified channel AccountRecoverySetting allows."""
    setting = pool.extended_config.get("AccountRecoverySetting") or {}
    mechanisms = setting.get("RecoveryMechanisms") or LEGACY_ACCOUNT_RECOVERY_MECHANISMS
    attributes = user.attribute_lookup
    for mechanism in sorted(mechanisms, key=lambda m: m["Priority"]):
        if mechanism["Name"] == "admin_only":
            raise NotAuthorizedError(ADMIN_ONLY_RECOVERY)
        attribute, medium = (
            ("email", "EMAIL") if mechanism["Name"] == "verified_email" else ("phone_number", "SMS")
        )
        if attributes.get(attribute) and is_verified(attributes.get(f"{attribute}_verified")):
            return attribute, medium, attributes[attribute]
    raise InvalidParameterException(NO_VERIFIED_RECOVERY)


def _send_code(
    pool: CognitoIdpUserPool,
    user: CognitoIdpUser,
    channel: tuple[str, str, str],
    *,
    purpose: str,
    kind: str,
    lifetime: int,
) -> dict[str, str]:
    """Make a fresh code (the previous one stops working), mail it, describe the delivery."""
    attribute, medium, destination = channel
    # From moto's random source like moto's own codes, so a seeded run repeats them.
    code = f"{mock_random.randint(0, 999_999):06d}"
    with _lock:
        _codes[(pool.id, user.username, purpose)] = _PendingCode(code, clock.now() + lifetime, attribute)
    config = pool.extended_config
    if medium == "EMAIL":
        subject = config.get("EmailVerificationSubject") or "Your verification code"
        template = config.get("EmailVerificationMessage") or "Your verification code is {####}. "
    else:
        subject, template = "", config.get("SmsVerificationMessage") or "Your verification code is {####}. "
    mailbox.deliver(
        user_pool_id=pool.id,
        username=user.username,
        destination=destination,
        kind=kind,
        code=code,
        subject=subject,
        body=template.replace("{####}", code),
    )
    return {"Destination": _mask(medium, destination), "DeliveryMedium": medium, "AttributeName": attribute}


def _matching_code(
    pool: CognitoIdpUserPool, user: CognitoIdpUser, purpose: str, given: str, *, none_sent: JsonRESTError
) -> _PendingCode:
    pending = _codes.get((pool.id, user.username, purpose))
    if pending is None:
        raise none_sent
    if not hmac.compare_digest(pending.code.encode(), str(given).encode()):
        raise CodeMismatchException(CODE_MISMATCH)
    if clock.now() >= pending.expires_at:
        raise ExpiredCodeException(CODE_EXPIRED)
    return pending


def _user_for_code(pool: CognitoIdpUserPool, username: str) -> CognitoIdpUser:
    user = pool._get_user(username)
    if user is None:
        raise UserNotFoundError(USERNAME_CLIENT_NOT_FOUND)
    return user


# --- SRP (the math of pycognito.aws_srp, from the server's side) ---------------------------------
_N = aws_srp.hex_to_long(aws_srp.N_HEX)
_G = aws_srp.hex_to_long(aws_srp.G_HEX)
_K = aws_srp.hex_to_long(aws_srp.hex_hash("00" + aws_srp.N_HEX + "0" + aws_srp.G_HEX))


def _srp_verifier(pool_id: str, user_id_for_srp: str, password: str, salt_hex: str) -> int:
    inner = aws_srp.hash_sha256(f"{pool_id.split('_')[1]}{user_id_for_srp}:{password}".encode())
    x = aws_srp.hex_to_long(aws_srp.hex_hash(aws_srp.pad_hex(salt_hex) + inner))
    return pow(_G, x, _N)


def _srp_salt(*parts: str) -> str:
    # Stable per user and password, as a stored verifier's salt is; for an
    # unknown user AWS also answers "the same salt for the same user name".
    return hmac.new(_srp_secret, "\0".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


def _start_srp(
    backend: CognitoIdpBackend,
    pool: CognitoIdpUserPool,
    client: CognitoIdpUserPoolClient,
    user: CognitoIdpUser | None,
    username: str,
    srp_a_hex: str,
) -> dict[str, Any]:
    """The PASSWORD_VERIFIER challenge, with B computed from the user's real verifier."""
    try:
        srp_a = int(srp_a_hex, 16)
    except ValueError:
        raise InvalidParameterException("Invalid SRP_A") from None  # UNCONFIRMED wording
    if user is None:
        # PreventUserExistenceErrors=ENABLED: a simulated challenge (RFC 5054
        # 2.5.1.3) with a stable UUID user id, then "Incorrect username or password.".
        user_id = str(uuid.UUID(hex=_srp_salt(pool.id, username)))
        salt, verifier = _srp_salt(pool.id, username, "simulated"), None
    else:
        user_id = user.username
        salt = _srp_salt(pool.id, user.username, user.password or "")
        verifier = _srp_verifier(pool.id, user_id, user.password, salt) if user.password else None
    # 256 random bits, as SRP-6a asks; larger exponents only cost time.
    b = secrets.randbits(256)
    srp_b = (_K * (verifier or pow(_G, secrets.randbits(256), _N)) + pow(_G, b, _N)) % _N
    secret_block = base64.b64encode(secrets.token_bytes(96)).decode()
    session_minutes = int(client.extended_config.get("AuthSessionValidity") or 3)
    with _lock:
        _srp_challenges[secret_block] = _SrpChallenge(
            pool.id, client.id, user_id, srp_a, b, srp_b, verifier, clock.now() + 60 * session_minutes
        )
    if user is not None:
        # moto's own RespondToAuthChallenge finds the sign-in by SECRET_BLOCK.
        backend.sessions[secret_block] = (user.username, pool)
    return {
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "SALT": salt,
            "SECRET_BLOCK": secret_block,
            "SRP_B": aws_srp.long_to_hex(srp_b),
            "USERNAME": user_id,
            "USER_ID_FOR_SRP": user_id,
        },
    }


def _srp_signature_valid(challenge: _SrpChallenge, secret_block: str, timestamp: str, signature: str) -> bool:
    if challenge.verifier is None or challenge.srp_a % _N == 0:
        return False
    u = aws_srp.calculate_u(challenge.srp_a, challenge.srp_b)
    if u == 0:
        return False
    shared = pow(challenge.srp_a * pow(challenge.verifier, u, _N), challenge.b, _N)
    key = aws_srp.compute_hkdf(
        bytearray.fromhex(aws_srp.pad_hex(shared)), bytearray.fromhex(aws_srp.pad_hex(aws_srp.long_to_hex(u)))
    )
    message = (
        challenge.pool_id.split("_")[1].encode()
        + challenge.user_id_for_srp.encode()
        + base64.b64decode(secret_block)
        + timestamp.encode()
    )
    expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected.encode(), signature.encode())


# --- Sign-in ------------------------------------------------------------------------------
def _required_parameter(parameters: dict[str, str], name: str) -> str:
    value = parameters.get(name)
    if not value:
        # UNCONFIRMED wording, as AWS users quote it for a missing USERNAME.
        raise InvalidParameterException(f"Missing required parameter {name}")
    return value


def _user_for_sign_in(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, username: str
) -> CognitoIdpUser | None:
    """The user, or None when PreventUserExistenceErrors hides that there is none."""
    user = pool._get_user(username)
    if user is None:
        if _prevents_existence_errors(client):
            return None
        raise UserNotFoundError(USER_DOES_NOT_EXIST)
    if not user.enabled:
        raise NotAuthorizedError(USER_DISABLED)
    # Before the password: AWS says "not confirmed" even to a wrong password (aws/aws-sdk-js#4608).
    if _status(user) == "UNCONFIRMED":
        raise UserNotConfirmedException(USER_NOT_CONFIRMED)
    if _status(user) == "RESET_REQUIRED":
        raise PasswordResetRequiredError(PASSWORD_RESET_REQUIRED)
    return user


def _check_password_sign_in(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, username: str, password: str
) -> None:
    user = _user_for_sign_in(pool, client, username)
    if user is None or user.password != password:
        raise NotAuthorizedError(INCORRECT_CREDENTIALS)


def _refresh(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, parameters: dict[str, str]
) -> dict[str, Any]:
    token = _required_parameter(parameters, "REFRESH_TOKEN")
    sign_in = _sign_ins.get(_refresh_origin.get(token, ""))
    if sign_in is None or sign_in.pool_id != pool.id or sign_in.client_id != client.id:
        raise NotAuthorizedError(REFRESH_TOKEN_INVALID)
    user = pool._get_user(sign_in.username)
    if user is None:
        raise UserNotFoundError(USER_DOES_NOT_EXIST)
    aliases = [
        user.username,
        user.id,
        user.attribute_lookup.get("email"),
        user.attribute_lookup.get("phone_number"),
    ]
    _check_secret_hash(client, parameters.get("SECRET_HASH"), aliases, auth_parameter=True)
    if sign_in.revoked or pool.refresh_tokens.get(token) is None:
        raise NotAuthorizedError(REFRESH_TOKEN_REVOKED)
    if clock.now() >= sign_in.refresh_expires_at:
        raise NotAuthorizedError(REFRESH_TOKEN_EXPIRED)
    if not user.enabled:
        raise NotAuthorizedError(USER_DISABLED)
    access_token, id_token, expires_in = pool.create_tokens_from_refresh_token(token)
    return {
        "ChallengeParameters": {},
        "AuthenticationResult": {
            "AccessToken": access_token,
            "ExpiresIn": expires_in,
            "TokenType": "Bearer",
            "IdToken": id_token,
        },
    }


def _validated_flow(flow: str) -> None:
    if flow not in AuthFlow.list():
        raise InvalidParameterException(
            f"1 validation error detected: Value '{flow}' at 'authFlow' failed to satisfy constraint: "
            f"Member must satisfy enum value set: {AuthFlow.list()}"
        )


def _initiating_auth(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def initiate_auth(self: Any) -> Any:
        flow = self._get_param("AuthFlow")
        parameters = self._get_param("AuthParameters") or {}
        _validated_flow(flow)
        if flow in _ADMIN_PASSWORD_FLOWS:
            raise InvalidParameterException(ADMIN_FLOW_IN_INITIATE_AUTH)
        backend, pool, client = _find_client(self._get_param("ClientId"))
        if not _flow_enabled(client, flow):
            raise InvalidParameterException(FLOW_NOT_ENABLED.format(flow=flow))
        if flow in _REFRESH_FLOWS:
            return ActionResult(_refresh(pool, client, parameters))
        if flow == "CUSTOM_AUTH":
            raise InvalidParameterException(CUSTOM_AUTH_NOT_CONFIGURED)
        username = _required_parameter(parameters, "USERNAME")
        _check_secret_hash(client, parameters.get("SECRET_HASH"), [username], auth_parameter=True)
        if flow == "USER_SRP_AUTH":
            srp_a = _required_parameter(parameters, "SRP_A")
            user = _user_for_sign_in(pool, client, username)
            return ActionResult(_start_srp(backend, pool, client, user, username, srp_a))
        _check_password_sign_in(pool, client, username, _required_parameter(parameters, "PASSWORD"))
        return original(self)

    return initiate_auth


def _admin_initiating_auth(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def admin_initiate_auth(self: Any) -> Any:
        flow = self._get_param("AuthFlow")
        parameters = self._get_param("AuthParameters") or {}
        _validated_flow(flow)
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        client_id = self._get_param("ClientId")
        client = pool.clients.get(client_id)
        if client is None:
            raise ResourceNotFoundError(CLIENT_NOT_FOUND.format(client_id=client_id))
        if flow not in _ADMIN_PASSWORD_FLOWS + _REFRESH_FLOWS:
            return original(self)
        if not _flow_enabled(client, flow):
            raise InvalidParameterException(ADMIN_FLOW_NOT_ENABLED)
        if flow in _REFRESH_FLOWS:
            return ActionResult(_refresh(pool, client, parameters))
        username = _required_parameter(parameters, "USERNAME")
        _check_secret_hash(client, parameters.get("SECRET_HASH"), [username], auth_parameter=True)
        _check_password_sign_in(pool, client, username, _required_parameter(parameters, "PASSWORD"))
        return original(self)

    return admin_initiate_auth


def _responding_to_challenge(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def respond_to_auth_challenge(self: Any) -> Any:
        responses = self._get_param("ChallengeResponses") or {}
        backend, _, client = _find_client(self._get_param("ClientId"))
        if self._get_param("ChallengeName") == "PASSWORD_VERIFIER":
            secret_block = responses.get("PASSWORD_CLAIM_SECRET_BLOCK", "")
            with _lock:
                challenge = _srp_challenges.pop(secret_block, None)
            if challenge is None or challenge.client_id != client.id:
                raise NotAuthorizedError(SESSION_INVALID)
            _check_secret_hash(
                client, responses.get("SECRET_HASH"), [responses.get("USERNAME")], auth_parameter=True
            )
            if clock.now() >= challenge.expires_at:
                backend.sessions.pop(secret_block, None)
                raise NotAuthorizedError(SESSION_EXPIRED)
            valid = _srp_signature_valid(
                challenge,
                secret_block,
                responses.get("TIMESTAMP", ""),
                responses.get("PASSWORD_CLAIM_SIGNATURE", ""),
            )
            if not valid:
                backend.sessions.pop(secret_block, None)
                raise NotAuthorizedError(INCORRECT_CREDENTIALS)
        else:
            _check_secret_hash(
                client, responses.get("SECRET_HASH"), [responses.get("USERNAME")], auth_parameter=True
            )
        return original(self)

    return respond_to_auth_challenge


# --- Sign-up, confirmation, password recovery -------------------------------------------------
def _sign_up(self: Any) -> ActionResult:
    client_id = self._get_param("ClientId")
    username = self._get_param("Username")
    attributes = self._get_param("UserAttributes") or []
    backend, pool, client = _find_client(client_id)
    _check_secret_hash(client, self._get_param("SecretHash"), [username], auth_parameter=False)
    if (pool.extended_config.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly"):
        raise NotAuthorizedError(SIGN_UP_NOT_PERMITTED)
    if pool._get_user(username) is not None:
        raise UsernameExistsException(USERNAME_EXISTS)
    # Before the schema: an attribute no client may write is "unauthorized", even one the
    # schema lacks (`phonenumber` in aws-amplify/amplify-js#5345).
    _check_writable(pool, client, attributes)
    _check_attributes(pool, username, attributes)
    user, _ = backend.sign_up(client_id, username, self._get_param("Password"), attributes)
    # An address given at sign-up is on record but not yet proven: AWS lists it as
    # `email_verified: false` (cognito-local PR #386, observed against Cognito;
    # amazon-cognito-identity-js#566 shows it staying false after an admin confirms).
    given = {attribute["Name"] for attribute in attributes}
    user.update_attributes(
        [
            {"Name": f"{name}_verified", "Value": "false"}
            for name in ("email", "phone_number")
            if name in given
        ]
    )
    response: dict[str, Any] = {"UserConfirmed": False, "UserSub": user.id}
    channel = _confirmation_channel(pool, user)
    if channel:
        response["CodeDeliveryDetails"] = _send_code(
            pool, user, channel, purpose="confirm", kind="SignUp", lifetime=SIGN_UP_CODE_SECONDS
        )
    return ActionResult(response)


def _confirm_sign_up(self: Any) -> EmptyResult:
    username = self._get_param("Username")
    _, pool, client = _find_client(self._get_param("ClientId"))
    _check_secret_hash(client, self._get_param("SecretHash"), [username], auth_parameter=False)
    user = _user_for_code(pool, username)
    if _status(user) != "UNCONFIRMED":
        raise NotAuthorizedError(CANNOT_CONFIRM.format(status=_status(user)))
    code = self._get_param("ConfirmationCode")
    pending = _matching_code(pool, user, "confirm", code, none_sent=CodeMismatchException(CODE_MISMATCH))
    with _lock:
        _codes.pop((pool.id, user.username, "confirm"), None)
    user.status = UserStatus.CONFIRMED
    user.update_attributes([{"Name": f"{pending.attribute}_verified", "Value": "true"}])
    return EmptyResult()


def _hidden_user(client: CognitoIdpUserPoolClient, user: CognitoIdpUser | None) -> bool:
    """With PreventUserExistenceErrors=ENABLED, code-sending operations answer for an unknown
    or disabled user as if a code went out (DG "Managing user existence error responses")."""
    return _prevents_existence_errors(client) and (user is None or not user.enabled)


def _simulated_delivery(pool: CognitoIdpUserPool, username: str) -> dict[str, str]:
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
        digits = str(int(_srp_salt(pool.id, username, "destination"), 16))[-10:]
        attribute, medium, destination = "phone_number", "SMS", f"+1{digits}"
    else:
        attribute, medium, destination = "email", "EMAIL", f"{username}@{username}"
    return {"Destination": _mask(medium, destination), "DeliveryMedium": medium, "AttributeName": attribute}


def _resend_confirmation_code(self: Any) -> ActionResult:
    username = self._get_param("Username")
    _, pool, client = _find_client(self._get_param("ClientId"))
    _check_secret_hash(client, self._get_param("SecretHash"), [username], auth_parameter=False)
    if _hidden_user(client, pool._get_user(username)):
        return ActionResult({"CodeDeliveryDetails": _simulated_delivery(pool, username)})
    user = _user_for_code(pool, username)
    if _status(user) == "CONFIRMED":
        raise InvalidParameterException(ALREADY_CONFIRMED)
    channel = _confirmation_channel(pool, user)
    if channel is None:
        raise InvalidParameterException(AUTO_VERIFICATION_OFF)
    details = _send_code(
        pool, user, channel, purpose="confirm", kind="ResendCode", lifetime=SIGN_UP_CODE_SECONDS
    )
    return ActionResult({"CodeDeliveryDetails": details})


def _forgot_password(self: Any) -> ActionResult:
    username = self._get_param("Username")
    _, pool, client = _find_client(self._get_param("ClientId"))
    _check_secret_hash(client, self._get_param("SecretHash"), [username], auth_parameter=False)
    if _hidden_user(client, pool._get_user(username)):
        return ActionResult({"CodeDeliveryDetails": _simulated_delivery(pool, username)})
    user = _user_for_code(pool, username)
    try:
        channel = _recovery_channel(pool, user)
    except InvalidParameterException:
        # "doesn't have a verified delivery mechanism": simulated too, under ENABLED.
        if _prevents_existence_errors(client):
            return ActionResult({"CodeDeliveryDetails": _simulated_delivery(pool, username)})
        raise
    details = _send_code(
        pool, user, channel, purpose="reset", kind="ForgotPassword", lifetime=RESET_CODE_SECONDS
    )
    return ActionResult({"CodeDeliveryDetails": details})


def _confirm_forgot_password(self: Any) -> EmptyResult:
    username = self._get_param("Username")
    backend, pool, client = _find_client(self._get_param("ClientId"))
    _check_secret_hash(client, self._get_param("SecretHash"), [username], auth_parameter=False)
    if _hidden_user(client, pool._get_user(username)):
        raise CodeMismatchException(CODE_MISMATCH)  # DG "Managing user existence error responses"
    user = _user_for_code(pool, username)
    # With no ForgotPassword before it, AWS answers ExpiredCodeException (DG "Managing error responses").
    code = self._get_param("ConfirmationCode")
    _matching_code(pool, user, "reset", code, none_sent=ExpiredCodeException(CODE_EXPIRED))
    password = self._get_param("Password")
    backend._validate_password(pool.id, password)
    with _lock:
        _codes.pop((pool.id, user.username, "reset"), None)
    user.password = password
    if _status(user) in ("RESET_REQUIRED", "FORCE_CHANGE_PASSWORD"):
        user.status = UserStatus.CONFIRMED
    return EmptyResult()


def _checking_admin_create_user(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def admin_create_user(self: Any) -> Any:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        username = self._get_param("Username")
        if self._get_param("MessageAction") != "RESEND":
            if pool._get_user(username) is not None:
                raise UsernameExistsException(ADMIN_USERNAME_EXISTS)
            _check_attributes(pool, username, self._get_param("UserAttributes") or [])
        temporary_password = self._get_param("TemporaryPassword")
        if temporary_password is not None:
            self.backend._validate_password(pool.id, temporary_password)
        return original(self)

    return admin_create_user


def _checking_admin_confirm(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def admin_confirm_sign_up(self: Any) -> Any:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        user = pool._get_user(self._get_param("Username"))
        if user is not None and _status(user) != "UNCONFIRMED":
            raise NotAuthorizedError(CANNOT_CONFIRM.format(status=_status(user)))
        if user is not None:
            with _lock:
                _codes.pop((pool.id, user.username, "confirm"), None)
        return original(self)

    return admin_confirm_sign_up


def _revoke_token(self: Any) -> EmptyResult:
    """RevokeToken (moto lacks it): the refresh token and every access token minted from it.

    Like RFC 7009 (which Cognito's revocation endpoint implements), a token
    that is unknown or belongs to another client is not an error.
    """
    _, pool, client = _find_client(self._get_param("ClientId"))
    if client.generate_secret and self._get_param("ClientSecret") != client.secret:
        raise UnauthorizedError(CLIENT_SECRET_INVALID)
    token = self._get_param("Token")
    sign_in = _sign_ins.get(_refresh_origin.get(token, ""))
    if sign_in is not None and sign_in.client_id == client.id:
        sign_in.revoked = True
        pool.refresh_tokens[token] = None
    return EmptyResult()


# --- JWKS and OpenID configuration endpoints -----------------------------------------------------
def _no_such_pool(pool_id: str) -> routes.Response:
    # UNCONFIRMED body: AWS answers 404 for an unknown pool; the JSON message mirrors its API errors.
    return routes.Response.json({"message": f"User pool {pool_id} does not exist."}, 404)


def _serve_jwks(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """A pool's public signing keys, where AWS publishes them (and pycognito fetches them)."""
    pool_id = match["pool"]
    try:
        return routes.Response.json(jwks(pool_id))
    except LookupError:
        return _no_such_pool(pool_id)


def _serve_openid_configuration(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """The pool's OpenID Connect discovery document (the fields moto 5.2 serves, for this pool)."""
    pool_id = match["pool"]
    pool = _find_pool(pool_id)
    if pool is None:
        return _no_such_pool(pool_id)
    return routes.Response.json(
        {
            "issuer": _issuer(pool),
            # Relative to where the document was fetched, so it can be followed at the endpoint too.
            "jwks_uri": f"{request.base_url}/{pool_id}/.well-known/jwks.json",
            "response_types_supported": ["code", "token"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }
    )


# Any first path segment, as moto's own routes have it: an unknown pool gets a 404, never moto's
# shared key.
_POOL_IN_PATH = r"/(?P<pool>[^/]+)/\.well-known/"
_COGNITO_IDP_HOST = r"cognito-idp\.[a-z0-9-]+\.amazonaws\.com"
ROUTES = (
    routes.Route(
        "user pool JWKS", _POOL_IN_PATH + r"jwks\.json", _serve_jwks, hosts=(_COGNITO_IDP_HOST,), local=True
    ),
    routes.Route(
        "user pool OpenID configuration",
        _POOL_IN_PATH + "openid-configuration",
        _serve_openid_configuration,
        hosts=(_COGNITO_IDP_HOST,),
        local=True,
    ),
)


# --- Installation ------------------------------------------------------------------------------
def install(patches: Patches) -> None:
    """Apply every user-pool fix to moto, reversibly."""
    from moto.cognitoidp import models, responses

    pool_class, backend_class = models.CognitoIdpUserPool, models.CognitoIdpBackend
    patches.replace(models, "jwk", _NoSharedKey)
    patches.wrap(pool_class, "__init__", _aws_shaped_pool_id)
    patches.wrap(pool_class, "create_refresh_token", _recording_sign_in)
    patches.replace(pool_class, "create_access_token", _create_access_token)
    patches.replace(pool_class, "create_id_token", _create_id_token)
    patches.wrap(pool_class, "sign_out", _revoking_sign_ins)
    patches.replace(backend_class, "_validate_password", _validate_password)
    patches.wrap(backend_class, "delete_user_pool", _forgetting_keys)
    patches.wrap(backend_class, "create_user_pool_client", _checking_create_client)
    patches.wrap(backend_class, "update_user_pool_client", _checking_update_client)

    response_class = responses.CognitoIdpResponse
    patches.replace(response_class, "sign_up", _sign_up)
    patches.replace(response_class, "confirm_sign_up", _confirm_sign_up)
    patches.add(response_class, "resend_confirmation_code", _resend_confirmation_code)  # moto lacks it
    patches.replace(response_class, "forgot_password", _forgot_password)
    patches.replace(response_class, "confirm_forgot_password", _confirm_forgot_password)
    patches.add(response_class, "revoke_token", _revoke_token)  # moto lacks it
    patches.wrap(response_class, "initiate_auth", _initiating_auth)
    patches.wrap(response_class, "admin_initiate_auth", _admin_initiating_auth)
    patches.wrap(response_class, "respond_to_auth_challenge", _responding_to_challenge)
    patches.wrap(response_class, "admin_create_user", _checking_admin_create_user)
    patches.wrap(response_class, "admin_confirm_sign_up", _checking_admin_confirm)
    patches.wrap(response_class, "get_user", _reading_permitted_attributes)
    patches.wrap(response_class, "update_user_attributes", _writing_permitted_attributes)
    # Wrapped last, so the token is checked before anything else.
    for name in _ACCESS_TOKEN_OPERATIONS:
        patches.wrap(response_class, name, _guarding_access_token)

    _key_factory.start()
