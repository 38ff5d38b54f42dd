"""A REST API's COGNITO_USER_POOLS authorizer, as API Gateway decides it.

From API Gateway DG apigateway-enable-cognito-user-pool and apigateway-integrate-with-cognito, and
KC-401 (repost.aws/knowledge-center/api-gateway-cognito-401-unauthorized):

1. The token is read from the identity source, normally `method.request.header.Authorization`.
   The raw token and `Bearer <token>` are both accepted (UNCONFIRMED: AWS's text does not say;
   Amplify's docs send `Bearer`, users report both work: aws-amplify/docs#959, #1137).
2. It must be a token one of the authorizer's user pools (`providerARNs`) signed, verified against
   that pool's keys (`cognitoidp.verify_user_pool_token`); anything else is 401 "Unauthorized".
3. It must not have expired on the offline clock: 401 "The incoming token has expired" (observed
   aws-amplify/amplify-js#6060, #10147).
4. "If the OAuth Scopes option isn't specified, API Gateway treats the supplied token as an identity
   token ... Otherwise ... as an access token and verifies the access scopes": a method without
   `authorizationScopes` takes an ID token (an access token is 401, observed awslabs/nx-plugin-for-
   aws#828); a method with scopes takes an access token carrying at least one of them (else 401).
   The optional token-validation regex is matched against the ID token's `aud` (so an access token,
   which has none, is refused).

Revocation (GlobalSignOut, RevokeToken) is not checked: API Gateway verifies the token itself and
keeps accepting it until it expires (best evidence: awslabs/aws-jwt-verify#151; UNCONFIRMED).

What the integration receives: `requestContext.authorizer.claims`, every value a string (awsdocs/
amazon-api-gateway-developer-guide#158). Observed formats: numbers as their digits (`"auth_time":
"1680629979"`, `"version": "2"`), `exp` and `iat` as dates (`"Tue Apr 04 18:39:39 UTC 2023"`),
booleans `"true"`, one group `"cognito:groups": "team_manager"` (repost.aws/questions/
QUFJRBaEJRSmmqarNrvCWoQA; an observed 2026 capture of an access token shows the same formats and
`"scope": "openid rbac-api/user"`). UNCONFIRMED: several groups, written here comma-joined
(`"admins,editors"`, as one blog reports; HTTP APIs write `[admins editors]`).
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

from .. import clock
from ..cognitoidp import verify_user_pool_token
from ..cognitoidp.exceptions import TokenVerificationError
from .context import AuthorizerResult, Invocation
from .exceptions import UnauthorizedException
from .models import Authorizer

EXPIRED = "The incoming token has expired"
# Claims AWS writes as dates rather than numbers.
_DATE_CLAIMS = frozenset({"exp", "iat"})
_POOL_ARN = re.compile(r"^arn:aws:cognito-idp:[a-z0-9-]+:\d{12}:userpool/(?P<pool>[^/]+)$")


def token_from(invocation: Invocation, identity_source: tuple[str, ...]) -> str | None:
    """The token the identity source names (`method.request.header.X`), "Bearer " removed."""
    for source in identity_source:
        name = (
            source.split(".")[-1] if source.startswith(("method.request.header.", "$request.header.")) else ""
        )
        value = invocation.header(name) if name else None
        if value:
            scheme, _, rest = value.strip().partition(" ")
            return rest.strip() if scheme.lower() == "bearer" and rest.strip() else value.strip()
    return None


def claim_text(name: str, value: Any) -> str:
    """A claim as a REST API's Cognito authorizer passes it: always a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if name in _DATE_CLAIMS and isinstance(value, int | float):
        moment = datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
        return moment.strftime("%a %b %d %H:%M:%S UTC %Y")
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, list):
        return ",".join(claim_text(name, item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _refuse(reason: str, message: str = "Unauthorized") -> AuthorizerResult:
    return AuthorizerResult(
        "Deny", "COGNITO_USER_POOLS", reason=reason, refusal=UnauthorizedException(message, reason=reason)
    )


def authorize(invocation: Invocation, authorizer: Authorizer) -> AuthorizerResult:
    token = token_from(invocation, authorizer.identity_source)
    if token is None:
        return _refuse("no token in the identity source " + ", ".join(authorizer.identity_source))
    try:
        claims = verify_user_pool_token(token)
    except TokenVerificationError as problem:
        return _refuse(f"the token is not one a user pool of this offline AWS signed ({problem})")
    pools = [found["pool"] for found in map(_POOL_ARN.match, authorizer.provider_arns) if found]
    pool_id = str(claims.get("iss", "")).rsplit("/", 1)[-1]
    if pool_id not in pools:
        return _refuse(
            f"the token was issued by user pool {pool_id}, not by the authorizer's {', '.join(pools)}"
        )
    if float(claims.get("exp", 0)) <= clock.now():
        return _refuse("the token has expired", EXPIRED)
    method_scopes = invocation.operation.scopes
    token_use = claims.get("token_use")
    granted: tuple[str, ...] | None = None
    if not method_scopes:
        if token_use != "id":
            return _refuse(
                "the method has no authorization scopes, so it takes an ID token; "
                f"this is an {token_use} token"
            )
        expression = authorizer.validation_expression
        if expression and not re.fullmatch(expression, str(claims.get("aud", ""))):
            return _refuse(f"the token's aud does not match the authorizer's token validation {expression!r}")
    else:
        if token_use != "access":
            return _refuse(
                f"the method has authorization scopes {list(method_scopes)}, so it takes an access token; "
                f"this is an {token_use} token"
            )
        held = str(claims.get("scope", "")).split()
        granted = tuple(scope for scope in method_scopes if scope in held)
        if not granted:
            return _refuse(f"the token's scopes {held} include none of the method's {list(method_scopes)}")
    return AuthorizerResult(
        "Allow",
        "COGNITO_USER_POOLS",
        principal=str(claims.get("sub", "")) or None,
        claims=claims,
        scopes=granted,
        reason=f"a valid {token_use} token of user pool {pool_id}",
    )
