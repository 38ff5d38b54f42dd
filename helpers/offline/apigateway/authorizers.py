"""Who may call this method or route: the authorizer its authorization type names.

Each authorizer returns an `AuthorizerResult` (decision, principal, claims, identity or context,
reason, and the refusal the client gets), never a bool: `cognito_authorizer` (REST
COGNITO_USER_POOLS), `jwt_authorizer` (HTTP API JWT), `iam_authorizer` (AWS_IAM on either),
`lambda_authorizer` (REST TOKEN and REQUEST). HTTP APIs' Lambda authorizers are not modelled: such
a route answers 500 with a sentence that says so.
"""

from __future__ import annotations

from . import cognito_authorizer, iam_authorizer, jwt_authorizer, lambda_authorizer
from .context import NOT_AUTHORIZED, AuthorizerResult, Invocation
from .exceptions import GatewayResponse, HttpApiInternalServerError, InternalServerErrorException


def _misconfigured(invocation: Invocation, message: str) -> AuthorizerResult:
    refusal: GatewayResponse
    if invocation.http_api:
        refusal = HttpApiInternalServerError(message, reason=message)
    else:
        refusal = InternalServerErrorException(
            message, status=500, response_type="AUTHORIZER_CONFIGURATION_ERROR", reason=message
        )
    return AuthorizerResult("Deny", invocation.operation.authorization_type, reason=message, refusal=refusal)


def authorize(invocation: Invocation) -> AuthorizerResult:
    operation = invocation.operation
    kind = operation.authorization_type
    if kind == "NONE":
        return NOT_AUTHORIZED
    if kind == "AWS_IAM":
        return iam_authorizer.authorize(invocation)
    authorizer = operation.authorizer
    if kind == "COGNITO_USER_POOLS" and authorizer is not None and not invocation.http_api:
        return cognito_authorizer.authorize(invocation, authorizer)
    if kind == "JWT" and authorizer is not None and invocation.http_api:
        return jwt_authorizer.authorize(invocation, authorizer)
    if kind == "CUSTOM" and authorizer is not None and not invocation.http_api:
        return lambda_authorizer.authorize(invocation, authorizer)
    if kind == "CUSTOM":
        return _misconfigured(
            invocation,
            "The offline lab does not model HTTP APIs' Lambda authorizers. Use JWT or AWS_IAM "
            "authorization, or run this on real AWS.",
        )
    return _misconfigured(
        invocation,
        f"The method's authorization type {kind} names no authorizer this API has; set its authorizer and "
        "deploy the API again.",
    )
