"""The tokens a user pool issues: their claims, lifetimes, minting and checks.

Follows the Developer Guide's "Understanding the identity (ID) token", "Understanding the access
token" and "Refresh tokens" pages. moto mints tokens with its shared key, a fixed lifetime and few
of AWS's claims; here every sign-in is remembered (`models.SignIn`), so tokens minted from one
refresh token share its `origin_jti`, `event_id` and `auth_time`, lifetimes come from the app
client, time from the offline clock, the pool's pre token generation trigger changes them
(`pretoken`), and signing out or revoking (`lifecycle`) reaches every token of that sign-in where
AWS checks them.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from typing import Any

from moto.cognitoidp.models import (
    CognitoIdpGroup,
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolClient,
)
from moto.moto_api._internal import mock_random

from .. import clock
from . import clients, pretoken
from .attributes import VERIFIED_FLAGS, is_verified
from .exceptions import (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_INVALID,
    ACCESS_TOKEN_REVOKED,
    ACCESS_TOKEN_SCOPE,
    MISSING_PARAMETER,
    REFRESH_TOKEN_REVOKED,
    USER_DISABLED,
    USER_DOES_NOT_EXIST,
    InvalidParameterException,
    NotAuthorizedException,
    TokenVerificationError,
    UserNotFoundException,
)
from .keys import pool_of_token, sign, verify_user_pool_token
from .models import SignIn, issuer, lock, state_of

ACCESS_SCOPE = "aws.cognito.signin.user.admin"
# A federated user's links to the identity providers it signed in with (a JSON text attribute).
IDENTITIES = "identities"
# AWS's refresh tokens are JWEs only Cognito can read; their header is always this
# (seen in many published responses: eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ).
_REFRESH_TOKEN_HEADER = {"cty": "JWT", "enc": "A256GCM", "alg": "RSA-OAEP"}


def required_parameter(parameters: dict[str, str], name: str) -> str:
    value = parameters.get(name)
    if not value:
        raise InvalidParameterException(MISSING_PARAMETER.format(name=name))
    return value


def new_refresh_token() -> str:
    """An opaque refresh token shaped like AWS's five-part JWE (header, key, iv, ciphertext, tag)."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps(_REFRESH_TOKEN_HEADER, separators=(",", ":")).encode())
    return ".".join([header, *(part(os.urandom(size)) for size in (256, 12, 480, 16))])


def recording_sign_in(original: Callable[..., tuple[str, str]]) -> Callable[..., tuple[str, str]]:
    """Every sign-in starts with a refresh token: remember when and for how long."""

    def create_refresh_token(self: CognitoIdpUserPool, client_id: str, username: str) -> tuple[str, str]:
        moto_token, origin_jti = original(self, client_id, username)
        refresh_token = new_refresh_token()
        self.refresh_tokens[refresh_token] = self.refresh_tokens.pop(moto_token)
        now = clock.now()
        state = state_of(self)
        with lock:
            state.sign_ins[origin_jti] = SignIn(
                pool_id=self.id,
                client_id=client_id,
                username=self._get_user(username).username,
                auth_time=int(now),
                refresh_expires_at=now + clients.lifetime(self.clients[client_id], "RefreshToken"),
                event_id=str(mock_random.uuid4()),
            )
            state.refresh_origin[refresh_token] = origin_jti
        return refresh_token, origin_jti

    return create_refresh_token


# --- Claims ---------------------------------------------------------------------------
def _rank(group: CognitoIdpGroup) -> tuple[bool, int]:
    # A group without a precedence ranks below every numbered one (DG-2023 role-based-access-control).
    return group.precedence is None, group.precedence or 0


def _sorted_groups(user: CognitoIdpUser) -> list[CognitoIdpGroup]:
    return sorted(user.groups, key=lambda g: (*_rank(g), g.group_name))


def _groups(user: CognitoIdpUser) -> pretoken.Groups:
    """The user's groups as the tokens carry them: names by precedence, their roles, the preferred one."""
    groups = _sorted_groups(user)
    roles = tuple(dict.fromkeys(g.role_arn for g in groups if g.role_arn))
    return pretoken.Groups(
        tuple(g.group_name for g in groups), roles, _preferred_role(groups) if roles else None
    )


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
    sign_in = state_of(pool).sign_ins[origin_jti]
    now = int(clock.now())
    claims: dict[str, Any] = {"sub": user.id}
    groups = _sorted_groups(user)
    if groups:
        claims["cognito:groups"] = [g.group_name for g in groups]
    claims.update(
        {
            "iss": issuer(pool),
            "origin_jti": origin_jti,
            "event_id": sign_in.event_id,
            "auth_time": sign_in.auth_time,  # refreshing keeps the original sign-in time
            "iat": now,
            "jti": str(mock_random.uuid4()),
        }
    )
    return claims, now


def _access_claims(
    pool: CognitoIdpUserPool, client_id: str, user: CognitoIdpUser, origin_jti: str
) -> dict[str, Any]:
    """Access token claims (DG "Understanding the access token"): no `aud`, a `client_id`.

    An API sign-in's token carries only `aws.cognito.signin.user.admin`; an OAuth 2.0 sign-in's
    carries the scopes it was granted (DG "Scopes, M2M, and APIs with resource servers"), and
    `version: 2` as the access tokens of managed login published in public issues do
    (UNCONFIRMED: no AWS page lists the claim).
    """
    lifetime = clients.lifetime(pool.clients[client_id], "AccessToken")
    claims, now = _common_claims(pool, user, origin_jti)
    scopes = state_of(pool).sign_ins[origin_jti].scopes
    if scopes is not None:
        claims["version"] = 2
    claims.update(
        {
            "client_id": client_id,
            "token_use": "access",
            "scope": ACCESS_SCOPE if scopes is None else " ".join(scopes),
            "exp": now + lifetime,
            "username": user.username,
        }
    )
    return claims


def _id_claims(
    pool: CognitoIdpUserPool, client_id: str, user: CognitoIdpUser, origin_jti: str
) -> dict[str, Any]:
    """ID token claims (DG "Understanding the identity (ID) token").

    The user's attributes the client may read come along (`clients.may_read`: all of
    them without ReadAttributes, custom ones UNCONFIRMED). `email_verified` and
    `phone_number_verified` are JSON booleans (the DG's example token), true for
    "true" in any case, false when never set. A federated user's `identities` attribute (a JSON
    text) is a JSON array in the token, whatever the client may read (published tokens). The
    first ID token of an OAuth 2.0 sign-in carries the authorization request's `nonce`
    (DG "Authorize endpoint"). Which attributes an OAuth sign-in's ID token carries when scopes
    other than `openid` are asked for is UNCONFIRMED: the same as an API sign-in's here.
    """
    client = pool.clients[client_id]
    lifetime = clients.lifetime(client, "IdToken")
    claims, now = _common_claims(pool, user, origin_jti)
    sign_in = state_of(pool).sign_ins[origin_jti]
    if sign_in.nonce is not None:
        claims["nonce"] = sign_in.nonce
    groups = _groups(user)
    if groups.roles:
        # A JSON array in real tokens (aws/aws-sdk-net#943), not the DG's "comma-separated string".
        claims["cognito:roles"] = list(groups.roles)
        if groups.preferred_role:
            claims["cognito:preferred_role"] = groups.preferred_role
    attributes = dict(user.attribute_lookup)
    for channel in ("email", "phone_number"):
        if channel in attributes:
            attributes.setdefault(f"{channel}_verified", "false")
    for name, value in attributes.items():
        if name == IDENTITIES:
            claims[name] = json.loads(value)
        elif name != "sub" and clients.may_read(client, name):
            claims[name] = is_verified(value) if name in VERIFIED_FLAGS else value
    claims.update(
        {
            "cognito:username": user.username,
            "aud": client_id,
            "token_use": "id",
            "exp": now + lifetime,
        }
    )
    return claims


def _signed(pool: CognitoIdpUserPool, use: str, claims: dict[str, Any], client_id: str, username: str) -> str:
    token = sign(pool, use, claims)
    issued = pool.access_tokens if use == "access" else pool.id_tokens
    issued[token] = (client_id, username)
    return token


def create_access_token(
    self: CognitoIdpUserPool, client_id: str, username: str, origin_jti: str
) -> tuple[str, int]:
    """moto's CognitoIdpUserPool.create_access_token, with AWS's claims."""
    claims = _access_claims(self, client_id, self._get_user(username), origin_jti)
    lifetime = clients.lifetime(self.clients[client_id], "AccessToken")
    return _signed(self, "access", claims, client_id, username), lifetime


def create_id_token(
    self: CognitoIdpUserPool, client_id: str, username: str, origin_jti: str
) -> tuple[str, int]:
    """moto's CognitoIdpUserPool.create_id_token, with AWS's claims."""
    claims = _id_claims(self, client_id, self._get_user(username), origin_jti)
    lifetime = clients.lifetime(self.clients[client_id], "IdToken")
    return _signed(self, "id", claims, client_id, username), lifetime


def mint(pool: CognitoIdpUserPool, refresh_token: str, source: str) -> tuple[str, str, int]:
    """New access and ID tokens for the sign-in a refresh token belongs to: (access token, ID
    token, seconds the access token lives). The pool's pre token generation trigger, if any,
    changes them first (`pretoken`), told why they are made (`source`)."""
    found = pool.refresh_tokens.get(refresh_token)
    if found is None:
        raise NotAuthorizedException(REFRESH_TOKEN_REVOKED)
    client_id, username, origin_jti = found
    user = pool._get_user(username)
    access_claims = _access_claims(pool, client_id, user, origin_jti)
    id_claims = _id_claims(pool, client_id, user, origin_jti)
    scopes = state_of(pool).sign_ins[origin_jti].scopes
    customization = pretoken.customize(
        pool, client_id, user, source, [ACCESS_SCOPE] if scopes is None else list(scopes), _groups(user)
    )
    if customization is not None:
        customization.apply_to_access_token(access_claims)
        customization.apply_to_id_token(id_claims)
    access_token = _signed(pool, "access", access_claims, client_id, username)
    id_token = _signed(pool, "id", id_claims, client_id, username)
    return access_token, id_token, clients.lifetime(pool.clients[client_id], "AccessToken")


def create_tokens_from_refresh_token(self: CognitoIdpUserPool, refresh_token: str) -> tuple[str, str, int]:
    """moto's CognitoIdpUserPool.create_tokens_from_refresh_token (every sign-in moto completes
    ends here): `mint` with the source of the sign-in under way (`pretoken.generating`)."""
    return mint(self, refresh_token, pretoken.current_source())


# --- OAuth 2.0 (managed login's token endpoint) -------------------------------------------------
def sign_in_with_scopes(
    pool: CognitoIdpUserPool,
    client: CognitoIdpUserPoolClient,
    username: str,
    scopes: tuple[str, ...],
    nonce: str | None = None,
) -> dict[str, Any]:
    """A sign-in through the OAuth 2.0 endpoints: the token endpoint's answer to an authorization
    code (DG "Token endpoint"): access and refresh tokens, and an ID token when `openid` was
    granted ("An ID token is only returned if openid scope is requested", DG "Authorize
    endpoint"). The pre token generation trigger hears of it as TokenGeneration_HostedAuth."""
    refresh_token, origin_jti = pool.create_refresh_token(client.id, username)
    sign_in = state_of(pool).sign_ins[origin_jti]
    sign_in.scopes, sign_in.nonce = scopes, nonce
    try:
        access_token, id_token, expires_in = mint(pool, refresh_token, pretoken.HOSTED_AUTH)
    finally:
        sign_in.nonce = None  # the nonce answers one authorization request, not a refresh
    tokens: dict[str, Any] = {"access_token": access_token, "refresh_token": refresh_token}
    if "openid" in scopes:
        tokens["id_token"] = id_token
    return {**tokens, "expires_in": expires_in}


def client_credentials_token(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, scopes: tuple[str, ...]
) -> tuple[str, int]:
    """An access token for the app client itself (the client_credentials grant, machine to
    machine): its `sub` is the client id, it has no user, and carries the custom scopes granted
    (DG "Scopes, M2M, and APIs with resource servers"; the claims as published M2M tokens show
    them: sub, token_use, scope, auth_time, iss, exp, iat, version, jti, client_id)."""
    lifetime = clients.lifetime(client, "AccessToken")
    now = int(clock.now())
    claims = {
        "sub": client.id,
        "token_use": "access",
        "scope": " ".join(scopes),
        "auth_time": now,
        "iss": issuer(pool),
        "exp": now + lifetime,
        "iat": now,
        "version": 2,
        "jti": str(mock_random.uuid4()),
        "client_id": client.id,
    }
    return sign(pool, "access", claims), lifetime


# --- Operations that take an AccessToken ------------------------------------------------------
def _sign_in_of(claims: dict[str, Any]) -> tuple[CognitoIdpUserPool, SignIn] | None:
    pool = pool_of_token(claims)
    sign_in = state_of(pool).sign_ins.get(claims.get("origin_jti", "")) if pool is not None else None
    return (pool, sign_in) if pool is not None and sign_in is not None else None


def check_access_token(token: str) -> dict[str, Any]:
    """What AWS checks before any operation that takes an AccessToken; the token's claims."""
    try:
        claims = verify_user_pool_token(token)
    except TokenVerificationError:
        raise NotAuthorizedException(ACCESS_TOKEN_INVALID) from None
    found = _sign_in_of(claims)
    if claims.get("token_use") != "access" or found is None:
        raise NotAuthorizedException(ACCESS_TOKEN_INVALID)
    pool, sign_in = found
    if clock.now() >= claims["exp"]:
        raise NotAuthorizedException(ACCESS_TOKEN_EXPIRED)
    if sign_in.revoked:
        raise NotAuthorizedException(ACCESS_TOKEN_REVOKED)
    user = pool._get_user(sign_in.username)
    if user is None:
        raise UserNotFoundException(USER_DOES_NOT_EXIST)
    if not user.enabled:
        raise NotAuthorizedException(USER_DISABLED)
    return claims


def check_self_service_token(token: str) -> dict[str, Any]:
    """An access token for the user-pool operations that act on the caller (GetUser,
    GlobalSignOut, ...): checked, and with the scope they need ("Must include a scope claim for
    aws.cognito.signin.user.admin", botocore GetUser)."""
    claims = check_access_token(token)
    if ACCESS_SCOPE not in str(claims.get("scope", "")).split():
        raise NotAuthorizedException(ACCESS_TOKEN_SCOPE)
    return claims


def client_of_access_token(token: str) -> tuple[CognitoIdpUserPool, CognitoIdpUserPoolClient | None]:
    """The pool and app client a (checked) access token was issued by."""
    found = _sign_in_of(verify_user_pool_token(token))
    assert found is not None  # check_access_token found the sign-in
    pool, sign_in = found
    return pool, pool.clients.get(sign_in.client_id)
