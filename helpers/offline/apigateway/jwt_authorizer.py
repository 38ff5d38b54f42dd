"""An HTTP API's JWT authorizer, with a user pool (or the lab's stand-in provider) as the issuer.

API Gateway DG http-api-jwt-authorizer lists the checks, in this order here:

1. the identity source (normally `$request.header.Authorization`) "can include only the token, or
   the token prefixed with `Bearer`";
2. the token is signed with RSA by a key the issuer publishes: a Cognito user pool's keys
   (`cognitoidp.verify_user_pool_token`) or the stand-in provider's (`standin_idp.verify_signature`);
   a token of another issuer cannot be verified offline (no network), and is refused;
3. `iss` equals the configured issuer;
4. `aud` or `client_id` is one of the configured audiences: "API Gateway validates `client_id` only
   if `aud` is not present. When both `aud` and `client_id` are present, API Gateway evaluates
   `aud`" (DG http-api-troubleshooting-jwt), so a user pool's ID tokens (`aud`) and access tokens
   (`client_id`) both pass; AWS recommends route scopes to tell them apart;
5. `exp` is after now, `nbf` and `iat` before (the offline clock);
6. if the route has authorization scopes, the token's `scope` (or `scp`) includes one of them.

A refused token gets 401 `{"message":"Unauthorized"}` with `www-authenticate: Bearer scope=""
error="invalid_token" error_description="the token does not have a valid audience"` (DG
http-api-troubleshooting-jwt, the one description AWS publishes). UNCONFIRMED: the other
descriptions (written here in the same style), the answer to a missing token (RFC 6750's bare
`Bearer` challenge), and a missing scope: 403 `{"message":"Forbidden"}` with `error=
"insufficient_scope"` (RFC 6750; what serverless-offline answers).

The claims reach the integration as strings in `requestContext.authorizer.jwt.claims`: numbers as
digits (`"exp": "1787996002"`, observed DefinitelyTyped/DefinitelyTyped#75458), arrays bracketed
and space-separated (`"[a b c]"`, observed aws-solutions-library-samples/guidance-for-claude-code-
with-amazon-bedrock#803); `scopes` is null for a route without scopes (observed aws/aws-lambda-
go#317).
"""

from __future__ import annotations

import json
from typing import Any

import jwt

from .. import clock, standin_idp
from ..cognitoidp import verify_user_pool_token
from ..cognitoidp.exceptions import TokenVerificationError
from .cognito_authorizer import token_from
from .context import AuthorizerResult, Invocation
from .exceptions import HttpApiForbidden, HttpApiUnauthorized
from .models import Authorizer

_COGNITO_ISSUER = "https://cognito-idp."


def claim_text(value: Any) -> str:
    """A claim as an HTTP API's JWT authorizer passes it: always a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, list):
        return "[" + " ".join(claim_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _challenge(description: str | None, *, scope: str = "", error: str = "invalid_token") -> dict[str, str]:
    if description is None:
        return {"www-authenticate": "Bearer"}
    return {"www-authenticate": f'Bearer scope="{scope}" error="{error}" error_description="{description}"'}


def _refuse(reason: str, description: str | None) -> AuthorizerResult:
    refusal = HttpApiUnauthorized(headers=_challenge(description), reason=reason)
    return AuthorizerResult("Deny", "JWT", reason=reason, refusal=refusal)


def _verified_claims(token: str, issuer: str) -> dict[str, Any]:
    """The token's claims once its signature checks out with the issuer's keys."""
    if issuer.startswith(_COGNITO_ISSUER):
        return verify_user_pool_token(token)
    try:
        return standin_idp.verify_signature(token)
    except standin_idp.TokenVerificationError as problem:
        raise TokenVerificationError(str(problem)) from None


def authorize(invocation: Invocation, authorizer: Authorizer) -> AuthorizerResult:
    token = token_from(invocation, authorizer.identity_source)
    if token is None:
        return _refuse("no token in the identity source " + ", ".join(authorizer.identity_source), None)
    issuer = authorizer.issuer or ""
    try:
        algorithm = jwt.get_unverified_header(token).get("alg", "")
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return _refuse("the token is not a JWT", "the token is not a valid JWT")
    if not str(algorithm).startswith("RS"):
        return _refuse(f"the token is signed with {algorithm}, not RSA", "the token is not signed with RSA")
    if unverified.get("iss") != issuer:
        return _refuse(
            f"the token's issuer {unverified.get('iss')!r} is not the authorizer's {issuer!r}",
            "the token does not have a valid issuer",
        )
    try:
        claims = _verified_claims(token, issuer)
    except TokenVerificationError as problem:
        return _refuse(
            f"the signature does not verify with the issuer's keys ({problem})", "invalid signature"
        )
    audience = claims.get("aud") if "aud" in claims else claims.get("client_id")
    audiences = audience if isinstance(audience, list) else [audience]
    if not any(value in authorizer.audience for value in audiences):
        which = "aud" if "aud" in claims else "client_id"
        return _refuse(
            f"the token's {which} {audience!r} is not one of the audiences {list(authorizer.audience)}",
            "the token does not have a valid audience",
        )
    now = clock.now()
    if float(claims.get("exp", 0)) <= now:
        return _refuse("the token has expired", "the token has expired")
    if any(float(claims[name]) > now for name in ("nbf", "iat") if isinstance(claims.get(name), int | float)):
        return _refuse("the token is not valid yet (nbf or iat after now)", "the token is not valid yet")
    route_scopes = invocation.operation.scopes
    granted: tuple[str, ...] | None = None
    if route_scopes:
        held = str(claims.get("scope") or claims.get("scp") or "").split()
        granted = tuple(held)  # what `jwt.scopes` shows: the token's scopes (UNCONFIRMED: all of them)
        if not any(scope in held for scope in route_scopes):
            reason = f"the token's scopes {held} include none of the route's {list(route_scopes)}"
            headers = _challenge(
                "the token does not have the required scope",
                scope=" ".join(route_scopes),
                error="insufficient_scope",
            )
            return AuthorizerResult(
                "Deny", "JWT", reason=reason, refusal=HttpApiForbidden(headers=headers, reason=reason)
            )
    return AuthorizerResult(
        "Allow",
        "JWT",
        principal=str(claims.get("sub", "")) or None,
        claims=claims,
        scopes=granted,
        reason=f"a valid token of {issuer} for audience {audience}",
    )
