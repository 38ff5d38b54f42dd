"""What the engine remembers about user pools beyond moto's models, kept as moto keeps backends.

moto stores pools, clients and users in `cognitoidp_backends[account][region]`. What AWS also
remembers and moto does not (each sign-in and the refresh token that started it, pending
confirmation codes, issued SRP challenges, each pool's signing keys, the messages "sent", sign-in
Sessions under way, MFA settings and factors, passkeys and pending registrations) lives
in a `CognitoIdpState` per account and region, next to moto's backend of the same account and
region, and moto's reset (a new `mock_aws`, `POST /moto-api/reset`, `engine.reset()`) forgets
it with moto's pools. This module also finds moto's pools and clients the way AWS does for the
unsigned operations: a client id alone names its pool (API Reference, InitiateAuth, SignUp).
"""

from __future__ import annotations

import secrets
import string
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from moto.cognitoidp.models import (
    CognitoIdpBackend,
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolClient,
    cognitoidp_backends,
)

from ..state import EngineState, StateDict
from .exceptions import CLIENT_NOT_FOUND, ResourceNotFoundException

if TYPE_CHECKING:
    from .keys import PoolKeys
    from .mailbox import Message

# One mutex for every account's and region's state (a lock, not state: nothing to reset). Re-entrant
# because a sign-in records itself while the response that started it holds the lock.
lock = threading.RLock()


@dataclass
class SignIn:
    """One authentication: what its refresh token and every token minted from it share."""

    pool_id: str
    client_id: str
    username: str  # the internal username
    auth_time: int
    refresh_expires_at: float
    event_id: str
    revoked: bool = False
    signed_out: bool = False  # by GlobalSignOut or AdminUserGlobalSignOut (not RevokeToken)
    # OAuth 2.0 sign-ins (managed login): the scopes granted, which go in every access token of
    # the sign-in (None: an API sign-in, whose tokens carry only aws.cognito.signin.user.admin),
    # and the authorization request's nonce, for the first ID token only.
    scopes: tuple[str, ...] | None = None
    nonce: str | None = None


@dataclass(frozen=True)
class PendingCode:
    code: str
    expires_at: float
    attribute: str  # which attribute the code verifies: "email" or "phone_number"


@dataclass(frozen=True)
class SrpChallenge:
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


@dataclass
class AuthSession:
    """A sign-in under way: what its Session string awaits (challenge-based flows, issue 13).

    `purpose` is "first" for the first factor (USER_AUTH), "mfa" for the second, "sign_up" for
    the Session SignUp and ConfirmSignUp hand out. `username` is None for the simulated sign-in
    PreventUserExistenceErrors answers an unknown user with.
    """

    pool_id: str
    client_id: str
    username: str | None
    challenge: str
    purpose: str
    expires_at: float
    available: tuple[str, ...] = ()
    code: str | None = None  # an emailed one-time code this session awaits
    webauthn_challenge: bytes | None = None
    setup_verified: bool = False  # MFA_SETUP: VerifySoftwareToken succeeded with this session


@dataclass
class PoolMfa:
    """SetUserPoolMfaConfig's settings beyond moto's `mfa_config` (which DescribeUserPool shows)."""

    totp: bool = False
    sms: dict[str, Any] | None = None
    email: dict[str, Any] | None = None
    webauthn: dict[str, Any] | None = None


@dataclass
class UserMfa:
    """One user's MFA factors and passkeys."""

    pending_secret: str | None = None  # AssociateSoftwareToken's, until verified
    totp_secret: str | None = None
    totp_enabled: bool = False
    email_enabled: bool = False
    preferred: str | None = None  # "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP"
    last_totp_step: int = -1  # a TOTP code works once (DG "TOTP software token MFA")
    device_name: str | None = None


@dataclass
class Passkey:
    credential_id: str  # base64url, as WebAuthn's JSON carries it
    public_key: bytes
    sign_count: int
    relying_party_id: str
    transports: tuple[str, ...]
    attachment: str | None
    name: str
    created_at: float


@dataclass(frozen=True)
class Registration:
    """A StartWebAuthnRegistration challenge waiting for CompleteWebAuthnRegistration."""

    client_id: str
    challenge: bytes
    relying_party_id: str
    expires_at: float


class CognitoIdpState(EngineState):
    """The engine's user-pool state in one account and region."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.pool_keys: dict[str, PoolKeys] = {}  # pool id -> its two signing keys
        self.sign_ins: dict[str, SignIn] = {}  # origin_jti -> sign-in
        self.refresh_origin: dict[str, str] = {}  # refresh token -> origin_jti
        # refresh token replaced by rotation -> when it stops working (lifecycle.py)
        self.rotated_out: dict[str, float] = {}
        # (pool id, username, "confirm" | "reset") -> the code that works now
        self.codes: dict[tuple[str, str, str], PendingCode] = {}
        self.srp_challenges: dict[str, SrpChallenge] = {}  # SECRET_BLOCK -> challenge
        # Keys the stable salts (srp.salt): a new secret after a reset, as a new account would have.
        self.srp_secret = secrets.token_bytes(32)
        # (order sent, message): what the pools of this account and region "sent" (mailbox.py).
        self.outbox: list[tuple[int, Message]] = []
        self.auth_sessions: dict[str, AuthSession] = {}  # Session string -> sign-in under way
        self.pool_mfa: dict[str, PoolMfa] = {}  # pool id -> MFA and passkey settings
        self.user_mfa: dict[tuple[str, str], UserMfa] = {}  # (pool id, username) -> factors
        self.passkeys: dict[tuple[str, str], list[Passkey]] = {}  # (pool id, username) -> passkeys
        self.registrations: dict[tuple[str, str], Registration] = {}  # (pool id, username) -> pending


states: StateDict[CognitoIdpState] = StateDict(CognitoIdpState, "cognito-idp")


def state_of(pool: CognitoIdpUserPool) -> CognitoIdpState:
    """The engine's state in the pool's account and region."""
    return states.get(pool.account_id, pool.region)


# --- Finding things in moto --------------------------------------------------------------
def _backends() -> Iterator[CognitoIdpBackend]:
    for account_backends in list(cognitoidp_backends.values()):
        for region, backend in list(account_backends.items()):
            if region != "global":
                yield backend


def find_pool(user_pool_id: str) -> CognitoIdpUserPool | None:
    for backend in _backends():
        if user_pool_id in backend.user_pools:
            return backend.user_pools[user_pool_id]
    return None


def find_client(client_id: str) -> tuple[CognitoIdpBackend, CognitoIdpUserPool, CognitoIdpUserPoolClient]:
    """The unsigned operations name only a client; AWS finds its pool in any region."""
    for backend in _backends():
        for pool in list(backend.user_pools.values()):
            if client_id in pool.clients:
                return backend, pool, pool.clients[client_id]
    raise ResourceNotFoundException(CLIENT_NOT_FOUND.format(client_id=client_id))


def issuer(pool: CognitoIdpUserPool) -> str:
    return f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}"


def status(user: CognitoIdpUser) -> str:
    return str(getattr(user.status, "value", user.status))


# --- Pool ids --------------------------------------------------------------------------
_POOL_ID_ALPHABET = string.ascii_letters + string.digits


def aws_shaped_pool_id(original: Callable[..., None]) -> Callable[..., None]:
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


# --- A deleted user ------------------------------------------------------------------------
def forgetting_the_user(original: Callable[..., None]) -> Callable[..., None]:
    """AdminDeleteUser: what the engine keeps about the user (MFA factors and secrets, passkeys, a
    pending passkey registration, sign-ins under way) goes with the user, so a user made again with
    the same name starts as any new user does, with a new `sub` and nothing registered (API
    Reference, AdminDeleteUser: "Deletes a user profile in your user pool")."""

    def admin_delete_user(self: CognitoIdpBackend, user_pool_id: str, username: str) -> None:
        pool = self.describe_user_pool(user_pool_id)
        internal = self.admin_get_user(user_pool_id, username).username
        original(self, user_pool_id, username)
        state = state_of(pool)
        with lock:
            for kept in (state.user_mfa, state.passkeys, state.registrations):
                kept.pop((pool.id, internal), None)
            for handle, session in list(state.auth_sessions.items()):
                if session.pool_id == pool.id and session.username == internal:
                    del state.auth_sessions[handle]

    return admin_delete_user
