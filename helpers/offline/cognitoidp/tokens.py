"""The tokens a user pool issues: their claims, lifetimes, refresh, revocation and checks.

Follows the Developer Guide's "Understanding the identity (ID) token", "Understanding the access
token" and "Refresh tokens" pages, and the API Reference for InitiateAuth (REFRESH_TOKEN_AUTH),
GlobalSignOut and RevokeToken. moto mints tokens with its shared key, a fixed lifetime and few of
AWS's claims; here every sign-in is remembered (`models.SignIn`), so tokens minted from one
refresh token share its `origin_jti`, `event_id` and `auth_time`, lifetimes come from the app
client, time from the offline clock, and signing out or revoking reaches every token of that
sign-in where AWS checks them.
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
from . import clients
from .attributes import VERIFIED_FLAGS, is_verified
from .exceptions import (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_INVALID,
    ACCESS_TOKEN_REVOKED,
    MISSING_PARAMETER,
    REFRESH_TOKEN_EXPIRED,
    REFRESH_TOKEN_INVALID,
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


def _encrypted_token_shape() -> str:
    """An opaque refresh token shaped like AWS's five-part JWE (header, key, iv, ciphertext, tag)."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps(_REFRESH_TOKEN_HEADER, separators=(",", ":")).encode())
    return ".".join([header, *(part(os.urandom(size)) for size in (256, 12, 480, 16))])


def recording_sign_in(original: Callable[..., tuple[str, str]]) -> Callable[..., tuple[str, str]]:
    """Every sign-in starts with a refresh token: remember when and for how long."""

    def create_refresh_token(self: CognitoIdpUserPool, client_id: str, username: str) -> tuple[str, str]:
        moto_token, origin_jti = original(self, client_id, username)
        refresh_token = _encrypted_token_shape()
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


def create_access_token(
    self: CognitoIdpUserPool, client_id: str, username: str, origin_jti: str
) -> tuple[str, int]:
    """Access token claims (DG "Understanding the access token"): no `aud`, a `client_id`.

    An API sign-in's token carries only `aws.cognito.signin.user.admin`; an OAuth 2.0 sign-in's
    carries the scopes it was granted (DG "Scopes, M2M, and APIs with resource servers"), and
    `version: 2` as the access tokens of managed login published in public issues do
    (UNCONFIRMED: no AWS page lists the claim).
    """
    user = self._get_user(username)
    lifetime = clients.lifetime(self.clients[client_id], "AccessToken")
    claims, now = _common_claims(self, user, origin_jti)
    scopes = state_of(self).sign_ins[origin_jti].scopes
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
    token = sign(self, "access", claims)
    self.access_tokens[token] = (client_id, username)
    return token, lifetime


def create_id_token(
    self: CognitoIdpUserPool, client_id: str, username: str, origin_jti: str
) -> tuple[str, int]:
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
    user = self._get_user(username)
    client = self.clients[client_id]
    lifetime = clients.lifetime(client, "IdToken")
    claims, now = _common_claims(self, user, origin_jti)
    sign_in = state_of(self).sign_ins[origin_jti]
    if sign_in.nonce is not None:
        claims["nonce"] = sign_in.nonce
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
    token = sign(self, "id", claims)
    self.id_tokens[token] = (client_id, username)
    return token, lifetime


# --- Signing out, revoking, refreshing -----------------------------------------------------
def revoking_sign_ins(original: Callable[..., None]) -> Callable[..., None]:
    """GlobalSignOut / AdminUserGlobalSignOut revoke every token the user holds."""

    def sign_out(self: CognitoIdpUserPool, username: str) -> None:
        user = self._get_user(username)
        if user is not None:
            with lock:
                for sign_in in state_of(self).sign_ins.values():
                    if sign_in.pool_id == self.id and sign_in.username == user.username:
                        sign_in.revoked = True
        original(self, username)

    return sign_out


def revoke(pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, token: str) -> None:
    """RevokeToken: the refresh token and every access token minted from it.

    Like RFC 7009 (which Cognito's revocation endpoint implements), a token
    that is unknown or belongs to another client is not an error.
    """
    state = state_of(pool)
    sign_in = state.sign_ins.get(state.refresh_origin.get(token, ""))
    if sign_in is not None and sign_in.client_id == client.id:
        sign_in.revoked = True
        pool.refresh_tokens[token] = None


def _refreshing_user(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, token: str
) -> tuple[SignIn, CognitoIdpUser]:
    state = state_of(pool)
    sign_in = state.sign_ins.get(state.refresh_origin.get(token, ""))
    if sign_in is None or sign_in.pool_id != pool.id or sign_in.client_id != client.id:
        raise NotAuthorizedException(REFRESH_TOKEN_INVALID)
    user = pool._get_user(sign_in.username)
    if user is None:
        raise UserNotFoundException(USER_DOES_NOT_EXIST)
    return sign_in, user


def _redeem(
    pool: CognitoIdpUserPool, sign_in: SignIn, user: CognitoIdpUser, token: str
) -> tuple[str, str, int]:
    if sign_in.revoked or pool.refresh_tokens.get(token) is None:
        raise NotAuthorizedException(REFRESH_TOKEN_REVOKED)
    if clock.now() >= sign_in.refresh_expires_at:
        raise NotAuthorizedException(REFRESH_TOKEN_EXPIRED)
    if not user.enabled:
        raise NotAuthorizedException(USER_DISABLED)
    access_token, id_token, expires_in = pool.create_tokens_from_refresh_token(token)
    return access_token, id_token, expires_in


def refresh_tokens(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, token: str
) -> tuple[str, str | None, int]:
    """New access and ID tokens from a refresh token, for a client that authenticated itself
    (the token endpoint's refresh_token grant). The ID token is None when the sign-in was not
    granted `openid`. Raises NotAuthorizedException or UserNotFoundException as
    REFRESH_TOKEN_AUTH does."""
    sign_in, user = _refreshing_user(pool, client, token)
    access_token, id_token, expires_in = _redeem(pool, sign_in, user, token)
    has_id_token = sign_in.scopes is None or "openid" in sign_in.scopes
    return access_token, id_token if has_id_token else None, expires_in


def refresh(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, parameters: dict[str, str]
) -> dict[str, Any]:
    """REFRESH_TOKEN_AUTH: new ID and access tokens from the sign-in the refresh token started."""
    token = required_parameter(parameters, "REFRESH_TOKEN")
    sign_in, user = _refreshing_user(pool, client, token)
    aliases = [
        user.username,
        user.id,
        user.attribute_lookup.get("email"),
        user.attribute_lookup.get("phone_number"),
    ]
    clients.check_secret_hash(client, parameters.get("SECRET_HASH"), aliases, auth_parameter=True)
    access_token, id_token, expires_in = _redeem(pool, sign_in, user, token)
    return {
        "ChallengeParameters": {},
        "AuthenticationResult": {
            "AccessToken": access_token,
            "ExpiresIn": expires_in,
            "TokenType": "Bearer",
            "IdToken": id_token,
        },
    }


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
    endpoint")."""
    refresh_token, origin_jti = pool.create_refresh_token(client.id, username)
    sign_in = state_of(pool).sign_ins[origin_jti]
    sign_in.scopes, sign_in.nonce = scopes, nonce
    access_token, id_token, expires_in = pool.create_tokens_from_refresh_token(refresh_token)
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


def client_of_access_token(token: str) -> tuple[CognitoIdpUserPool, CognitoIdpUserPoolClient | None]:
    """The pool and app client a (checked) access token was issued by."""
    found = _sign_in_of(verify_user_pool_token(token))
    assert found is not None  # check_access_token found the sign-in
    pool, sign_in = found
    return pool, pool.clients.get(sign_in.client_id)
