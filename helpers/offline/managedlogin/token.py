"""The app's side of a user pool domain: `/oauth2/token`, `/oauth2/revoke`, `/oauth2/userInfo`.

Requests the app makes directly, not through the browser (DG "Token endpoint", "Revoke endpoint",
"UserInfo endpoint"):

* the token endpoint redeems an authorization code (with the PKCE verifier when the code was
  asked for with a challenge, and the same `redirect_uri`), a refresh token (new access and ID
  tokens, and a new refresh token when the app client rotates them), or, for a confidential
  client allowed `client_credentials`, the client's own credentials for an access token with
  custom scopes of a resource server;
* a client with a secret authenticates with `client_secret_basic` (an `Authorization: Basic`
  header) or `client_secret_post` (`client_id` and `client_secret` in the form);
* the revoke endpoint revokes a refresh token and the access tokens minted from it;
* the userInfo endpoint answers an access token that holds `openid` with the user's attributes
  its scopes allow.

Errors are the `exceptions` classes, with the statuses those pages give.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from moto.cognitoidp.models import CognitoIdpUserPool, CognitoIdpUserPoolClient

from .. import clock, routes
from ..cognitoidp import clients, lifecycle, tokens
from ..cognitoidp.exceptions import CognitoIdpError
from ..cognitoidp.keys import pool_of_token
from .authrequest import s256, setting
from .exceptions import (
    USERINFO_BAD_REQUEST,
    USERINFO_BAD_TOKEN,
    USERINFO_NO_OPENID,
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    InvalidToken,
    OAuthError,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedTokenType,
)
from .models import pool_of_host, state_of

_JSON = {"Content-Type": "application/json;charset=UTF-8"}
_STANDARD_SCOPES = ("openid", "email", "phone", "profile", tokens.ACCESS_SCOPE)
# DG "UserInfo endpoint" (today's page): which attributes each scope returns.
_PROFILE = [
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
    "address",
]
_SCOPE_ATTRIBUTES = {
    "email": ("email", "email_verified"),
    "phone": ("phone_number", "phone_number_verified"),
}


def _error(problem: OAuthError, headers: dict[str, str] | None = None) -> routes.Response:
    return routes.Response(
        problem.code or 400, {**dict(problem.get_headers()), **(headers or {})}, problem.get_body().encode()
    )


def _answer(payload: dict[str, Any]) -> routes.Response:
    return routes.Response.json(payload, headers=_JSON)


def _domain_pool(request: routes.Request) -> CognitoIdpUserPool:
    pool = pool_of_host(request.host)
    if pool is None:
        raise LookupError(f"No user pool has the domain {request.host}")
    return pool


def authenticate_client(
    pool: CognitoIdpUserPool, request: routes.Request, form: dict[str, str], *, status: int = 400
) -> CognitoIdpUserPoolClient:
    """The app client the request authenticates as (client_secret_basic or client_secret_post;
    a public client names itself with `client_id`). InvalidClient otherwise."""
    header = request.headers.get("authorization", "")
    client_id, secret = form.get("client_id"), form.get("client_secret")
    if header.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:].strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise InvalidClient(status=status) from None
        if form.get("client_id") not in (None, client_id):
            raise InvalidClient(status=status)
    if not client_id:
        raise InvalidRequest()
    client = pool.clients.get(client_id)
    if client is None or (client.generate_secret and secret != client.secret):
        raise InvalidClient(status=status)
    return client


# --- /oauth2/token ---------------------------------------------------------------------------------
def _serve_token(request: routes.Request, match: re.Match[str]) -> routes.Response:
    pool = _domain_pool(request)
    form = request.form()
    try:
        grant_type = form.get("grant_type")
        if not grant_type:
            raise InvalidRequest()
        if grant_type not in ("authorization_code", "refresh_token", "client_credentials"):
            raise UnsupportedGrantType()
        client = authenticate_client(pool, request, form)
        if grant_type == "authorization_code":
            return _answer(_redeem_code(pool, client, form))
        if grant_type == "refresh_token":
            return _answer(_refresh(pool, client, form))
        return _answer(_client_credentials(pool, client, form))
    except OAuthError as problem:
        return _error(problem)


def _redeem_code(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, form: dict[str, str]
) -> dict[str, Any]:
    code, redirect_uri = form.get("code"), form.get("redirect_uri")
    if not code or not redirect_uri:
        raise InvalidRequest()
    if "code" not in setting(client, "AllowedOAuthFlows"):
        raise UnauthorizedClient()
    # Single use: a code is spent by any attempt to redeem it, even one that fails (UNCONFIRMED
    # for a wrong verifier; the safe reading of "one time use code").
    grant = state_of(pool).codes.pop(code, None)
    if grant is None or grant.client_id != client.id or clock.now() >= grant.expires_at:
        raise InvalidGrant()
    if grant.redirect_uri != redirect_uri:
        raise InvalidGrant()
    if grant.code_challenge is not None:
        verifier = form.get("code_verifier") or ""
        if s256(verifier) != grant.code_challenge:
            raise InvalidGrant()
    user = pool._get_user(grant.username)
    if user is None or not user.enabled:
        raise InvalidGrant()
    try:
        issued = tokens.sign_in_with_scopes(pool, client, user.username, grant.scopes, grant.nonce)
    except CognitoIdpError as refused:  # the pre token generation trigger (UNCONFIRMED: the code)
        raise InvalidRequest(refused.message) from None
    return {**issued, "token_type": "Bearer"}


def _refresh(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, form: dict[str, str]
) -> dict[str, Any]:
    token = form.get("refresh_token")
    if not token:
        raise InvalidRequest()
    # A client that rotates refresh tokens refreshes here without the REFRESH_TOKEN_AUTH flow,
    # and gets a new refresh token each time (DG "Refresh tokens").
    if not (clients.flow_enabled(client, "REFRESH_TOKEN_AUTH") or clients.rotates(client)):
        raise UnauthorizedClient()
    try:
        access_token, id_token, expires_in, new_token = lifecycle.refresh_tokens(pool, client, token)
    except CognitoIdpError:
        raise InvalidGrant() from None
    answer: dict[str, Any] = {"access_token": access_token}
    if id_token is not None:
        answer["id_token"] = id_token
    if new_token is not None:
        answer["refresh_token"] = new_token
    return {**answer, "token_type": "Bearer", "expires_in": expires_in}


def _client_credentials(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, form: dict[str, str]
) -> dict[str, Any]:
    """ "You can request an access token for a custom scope from the token endpoint when, in the
    app client, the requested scope is enabled, you have configured a client secret, and you
    have allowed client_credentials grants" (DG "Token endpoint")."""
    if not client.generate_secret or "client_credentials" not in setting(client, "AllowedOAuthFlows"):
        raise UnauthorizedClient()
    custom = [scope for scope in setting(client, "AllowedOAuthScopes") if scope not in _STANDARD_SCOPES]
    asked = tuple(dict.fromkeys((form.get("scope") or "").split()))
    # "If a client requests a disallowed scope at runtime, an error is returned and an access
    # token isn't issued" (DG "Defining resource servers"); the code is UNCONFIRMED (RFC 6749's).
    if any(scope not in custom for scope in asked) or not (asked or custom):
        raise InvalidScope()
    token, expires_in = tokens.client_credentials_token(pool, client, asked or tuple(custom))
    return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in}


# --- /oauth2/revoke --------------------------------------------------------------------------------
def _serve_revoke(request: routes.Request, match: re.Match[str]) -> routes.Response:
    pool = _domain_pool(request)
    form = request.form()
    try:
        token = form.get("token")
        client = authenticate_client(pool, request, form, status=401)
        if not token or not client.extended_config.get("EnableTokenRevocation", True):
            raise InvalidRequest()
        if token.count(".") == 2:  # a JWT: an access or ID token, never a refresh token
            raise UnsupportedTokenType()
    except OAuthError as problem:
        return _error(problem)
    # "If the token has been revoked or if the client submitted a token that isn't valid, you
    # receive an HTTP 200 OK."
    lifecycle.revoke(pool, client, token)
    return routes.Response(200, {}, b"")


# --- /oauth2/userInfo ------------------------------------------------------------------------------
def _userinfo_error(problem: OAuthError) -> routes.Response:
    # The WWW-Authenticate header as the DG's examples show it; the JSON body is UNCONFIRMED.
    challenge = f'error="{problem.aws_code}", error_description="{problem.message}"'
    return _error(problem, {"WWW-Authenticate": challenge})


def _serve_userinfo(request: routes.Request, match: re.Match[str]) -> routes.Response:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        return _userinfo_error(InvalidRequest(USERINFO_BAD_REQUEST))
    token = header[7:].strip()
    try:
        claims = tokens.check_access_token(token)
    except CognitoIdpError:
        return _userinfo_error(InvalidToken(USERINFO_BAD_TOKEN))
    scopes = str(claims.get("scope", "")).split()
    if "openid" not in scopes:
        return _userinfo_error(InvalidToken(USERINFO_NO_OPENID))
    pool = pool_of_token(claims)
    assert pool is not None  # check_access_token found its sign-in
    user = pool._get_user(str(claims["username"]))
    client = pool.clients.get(str(claims["client_id"]))
    return _answer(user_info(user.attribute_lookup, scopes, client, user.username))


def user_info(
    attributes: dict[str, str], scopes: list[str], client: CognitoIdpUserPoolClient | None, username: str
) -> dict[str, Any]:
    """The attributes the scopes allow (DG "UserInfo endpoint"): `openid` alone, every attribute
    the client can read; `profile` the profile attributes and custom ones, `email` and `phone`
    their attribute and its verified flag. Values are the attributes' strings; `username` comes
    along as in the page's example (UNCONFIRMED)."""
    narrowed = [scope for scope in scopes if scope in ("profile", "email", "phone")]

    def wanted(name: str) -> bool:
        if not narrowed:
            return True
        if "profile" in narrowed and (name in _PROFILE or name.startswith("custom:")):
            return True
        return any(name in _SCOPE_ATTRIBUTES.get(scope, ()) for scope in narrowed)

    found = {"sub": attributes["sub"]}
    found.update(
        {
            name: value
            for name, value in attributes.items()
            if name != "sub" and wanted(name) and clients.may_read(client, name)
        }
    )
    return {**found, "username": username}


def routes_at(host_pattern: str) -> tuple[routes.Route, ...]:
    hosts = (host_pattern,)
    post, both = frozenset({"POST"}), frozenset({"GET", "POST"})
    return (
        routes.Route("user pool domain: token", "/oauth2/token", _serve_token, methods=post, hosts=hosts),
        routes.Route("user pool domain: revoke", "/oauth2/revoke", _serve_revoke, methods=post, hosts=hosts),
        routes.Route(
            "user pool domain: userInfo", "/oauth2/userInfo", _serve_userinfo, methods=both, hosts=hosts
        ),
    )
