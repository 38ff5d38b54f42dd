"""An authorization request (`/oauth2/authorize`, `/login`) checked as Cognito checks it, and its answer.

Follows the Developer Guide's "Authorize endpoint" (COG-DG 2023 and today's page), in this order:

1. the app client must be one of the domain's pool, and `redirect_uri` one of its `CallbackURLs`;
   otherwise the browser goes to the domain's `/error?error=redirect_mismatch&client_id=...`
   page, never to the app (observed: aws/aws-aspnet-cognito-identity-provider#167);
2. from here on, errors go back to the app: `redirect_uri?error=...&state=...`.
   `invalid_request` for a missing `response_type`, a `code_challenge` without
   `code_challenge_method`, or a method other than `S256` ("Amazon Cognito authentication server
   supports only S256": a `plain` challenge is refused, although RFC 7636 defines it);
   `unauthorized_client` when the client may not use the grant (`AllowedOAuthFlows`, and
   `AllowedOAuthFlowsUserPoolClient` must be true);
3. a scope the client may not ask for (`AllowedOAuthScopes`), or `email`/`phone`/`profile`
   without `openid`, is refused with the `/error?error=invalid_scope&client_id=...` page
   (observed: python-social-auth/social-app-django#538, 2024; the 2023 page said such scopes
   were "ignored", and listed `invalid_scope` among the errors sent to the app). No `scope`
   means every scope of the client.

A request that passes ends with `complete`: the code (single use, five minutes) or, for the
implicit grant, the tokens in the URL's fragment.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from moto.cognitoidp.models import CognitoIdpUserPool, CognitoIdpUserPoolClient

from .. import clock, routes
from ..cognitoidp import tokens
from ..cognitoidp.exceptions import CognitoIdpError
from .exceptions import (
    InvalidRequest,
    InvalidScope,
    OAuthError,
    RedirectMismatch,
    UnauthorizedClient,
    UnsupportedResponseType,
)
from .models import CODE_SECONDS, AuthorizationCode, new_code

COGNITO = "COGNITO"
_OIDC_ATTRIBUTE_SCOPES = ("email", "phone", "profile")
_FLOW_OF_RESPONSE = {"code": "code", "token": "implicit"}


@dataclass(frozen=True)
class AuthorizationRequest:
    pool: CognitoIdpUserPool
    client: CognitoIdpUserPoolClient
    redirect_uri: str
    response_type: str
    scopes: tuple[str, ...]
    query: Mapping[str, str]  # as the app sent it, to pass on to /login and the identity provider

    @property
    def state(self) -> str | None:
        return self.query.get("state")

    @property
    def identity_provider(self) -> str | None:
        return self.query.get("identity_provider") or None

    def supported_providers(self) -> list[str]:
        """The client's identity providers (`SupportedIdentityProviders`) the pool has, COGNITO too."""
        named = self.client.extended_config.get("SupportedIdentityProviders") or []
        return [name for name in named if name == COGNITO or name in self.pool.identity_providers]


def setting(client: CognitoIdpUserPoolClient, name: str) -> list[str]:
    return list(client.extended_config.get(name) or [])


def parse(pool: CognitoIdpUserPool, query: Mapping[str, str]) -> AuthorizationRequest:
    """The request, or the OAuthError Cognito answers it with (see the module's order)."""
    client_id = query.get("client_id") or ""
    client = pool.clients.get(client_id)
    redirect_uri = query.get("redirect_uri") or ""
    if client is None or redirect_uri not in setting(client, "CallbackURLs"):
        raise RedirectMismatch(on_error_page=True)
    response_type = query.get("response_type") or ""
    if not response_type:
        raise InvalidRequest()
    if response_type not in _FLOW_OF_RESPONSE:
        raise UnsupportedResponseType()
    challenge, method = query.get("code_challenge"), query.get("code_challenge_method")
    if (challenge or method) and (not challenge or method != "S256"):
        raise InvalidRequest()
    flows = setting(client, "AllowedOAuthFlows")
    enabled = client.extended_config.get("AllowedOAuthFlowsUserPoolClient")
    if not enabled or _FLOW_OF_RESPONSE[response_type] not in flows:
        raise UnauthorizedClient()
    allowed = setting(client, "AllowedOAuthScopes")
    asked = tuple(dict.fromkeys((query.get("scope") or "").split()))
    scopes = asked or tuple(allowed)
    if any(scope not in allowed for scope in scopes) or (
        "openid" not in scopes and any(scope in _OIDC_ATTRIBUTE_SCOPES for scope in scopes)
    ):
        raise InvalidScope(on_error_page=True)
    provider = query.get("identity_provider")
    found = AuthorizationRequest(pool, client, redirect_uri, response_type, scopes, dict(query))
    if provider and provider not in found.supported_providers():
        # UNCONFIRMED: what Cognito answers for a provider the client does not support.
        raise InvalidRequest(f"{provider} is not an identity provider of this app client.")
    return found


def error_response(host: str, query: Mapping[str, str], problem: OAuthError) -> routes.Response:
    """Where the browser goes for `problem`: the domain's error page, or back to the app."""
    if problem.on_error_page:
        details = {"error": problem.aws_code, "client_id": query.get("client_id", "")}
        return routes.Response.redirect(f"https://{host}/error?{urlencode(details)}")
    redirect_uri = query["redirect_uri"]
    answer = {"error": problem.aws_code}
    if problem.message:
        answer["error_description"] = problem.message
    if query.get("state"):
        answer["state"] = query["state"]
    return routes.Response.redirect(_with_query(redirect_uri, answer))


def _with_query(uri: str, values: Mapping[str, str]) -> str:
    return f"{uri}{'&' if '?' in uri else '?'}{urlencode(values)}"


def complete(request: AuthorizationRequest, username: str, cookies: tuple[str, ...] = ()) -> routes.Response:
    """The signed-in user goes back to the app: `?code=...&state=...`, or for the implicit grant
    `#id_token=...&access_token=...&token_type=bearer&expires_in=...&state=...` (never a refresh
    token), as the "Authorize endpoint" page's examples show them."""
    state = {"state": request.state} if request.state else {}
    if request.response_type == "code":
        grant = AuthorizationCode(
            pool_id=request.pool.id,
            client_id=request.client.id,
            username=username,
            redirect_uri=request.redirect_uri,
            scopes=request.scopes,
            nonce=request.query.get("nonce"),
            code_challenge=request.query.get("code_challenge"),
            expires_at=clock.now() + CODE_SECONDS,
        )
        code = new_code(request.pool, grant)
        return routes.Response.redirect(_with_query(request.redirect_uri, {"code": code, **state}), cookies)
    try:
        issued = tokens.sign_in_with_scopes(
            request.pool, request.client, username, request.scopes, request.query.get("nonce")
        )
    except CognitoIdpError as refused:  # the pre token generation trigger, in the callback URL
        return error_response("", request.query, InvalidRequest(refused.message))
    fragment: dict[str, str] = {name: issued[name] for name in ("id_token", "access_token") if name in issued}
    fragment.update({"token_type": "bearer", "expires_in": str(issued["expires_in"]), **state})
    return routes.Response.redirect(f"{request.redirect_uri}#{urlencode(fragment)}", cookies)


def s256(verifier: str) -> str:
    """RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))), without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
