"""A REST API's Lambda authorizer (type TOKEN or REQUEST), as API Gateway runs it.

From API Gateway DG apigateway-use-lambda-authorizer, api-gateway-lambda-authorizer-input and
api-gateway-lambda-authorizer-output:

* **Input.** TOKEN: `{"type": "TOKEN", "authorizationToken": <the identity source header>,
  "methodArn": <the request's execute-api ARN>}`; REQUEST: the request's headers, query string,
  path parameters, stage variables and `requestContext`, with `type` and `methodArn`. A TOKEN
  authorizer whose header is missing, or whose token does not match the token validation regex,
  answers 401 without invoking the function; so does a REQUEST authorizer whose identity sources
  are "missing, null, empty, or invalid" (KC api-gateway-401-error-lambda-authorizer; with caching
  off, identity sources are optional and the function is always asked: CreateAuthorizer).
* **Invocation.** The function's resource policy must let `apigateway.amazonaws.com` invoke it
  for `arn:aws:execute-api:{region}:{account}:{api_id}/authorizers/{authorizer_id}` (what the
  console adds; DG configure-lambda-authorizer); otherwise, and when the function fails with
  anything but "Unauthorized" or returns no policy, the answer is 500 `{"message": null}`
  (`AuthorizerConfigurationException`). A function that fails with the message "Unauthorized"
  gets 401 `{"message":"Unauthorized"}`.
* **Output.** `principalId`, a `policyDocument` evaluated by the IAM evaluator against the
  method ARN (an explicit Deny wins): no Allow is 403 "User is not authorized to access this
  resource", an explicit Deny "User is not authorized to access this resource with an explicit
  deny" (KC-403). `context` reaches the integration in `requestContext.authorizer` with
  `principalId`, every value stringified ("The returned values are all stringified"; UNCONFIRMED
  for a Lambda proxy integration, which may keep numbers and booleans).
* **Caching.** The output is cached for `authorizerResultTtlInSeconds` (300 unless set; 0 turns it
  off) per identity source value, on the offline clock, and the cached *policy* decides later
  requests with that token to any method of the API: a policy naming only the first method
  refuses the others until the cache expires, as on AWS (DG apigateway-lambda-authorizer-flow).

Not modelled: `authorizerCredentials` (a role for API Gateway to invoke the function),
`usageIdentifierKey`, HTTP APIs' Lambda authorizers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .. import awslambda, clock, iam
from ..awslambda.exceptions import LambdaError
from .context import AuthorizerResult, Invocation
from .exceptions import AccessDeniedException, AuthorizerConfigurationException, UnauthorizedException
from .integrations import INVALID_PERMISSIONS
from .models import (
    Authorizer,
    CachedAuthorization,
    cache_authorization,
    cached_authorization,
    function_arn_of,
)
from .payloads import event_v1

SERVICE_PRINCIPAL = "apigateway.amazonaws.com"
NOT_AUTHORIZED = "User is not authorized to access this resource"


def _identity_values(invocation: Invocation, authorizer: Authorizer) -> tuple[str, ...] | None:
    """The identity sources' values, or None when one is missing."""
    values = []
    for source in authorizer.identity_source:
        kind, _, name = source.removeprefix("method.request.").partition(".")
        if kind == "header":
            value = invocation.header(name)
        elif kind == "querystring":
            value = dict(_query(invocation)).get(name)
        elif source.startswith("stageVariables."):
            value = invocation.api.stage_variables.get(source.removeprefix("stageVariables."))
        else:
            value = None
        if not value:
            return None
        values.append(value)
    return tuple(values)


def _query(invocation: Invocation) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(invocation.request.raw_query, keep_blank_values=True)


def _event(invocation: Invocation, authorizer: Authorizer, values: tuple[str, ...]) -> dict[str, Any]:
    method_arn = invocation.execute_api_arn()
    if authorizer.type == "TOKEN":
        return {"type": "TOKEN", "authorizationToken": values[0], "methodArn": method_arn}
    event = event_v1(invocation)
    for name in ("body", "isBase64Encoded"):
        event.pop(name, None)
    event["requestContext"].pop("authorizer", None)
    return {"type": "REQUEST", "methodArn": method_arn, **event}


def _unauthorized(reason: str) -> AuthorizerResult:
    return AuthorizerResult("Deny", "CUSTOM", reason=reason, refusal=UnauthorizedException(reason=reason))


def _misconfigured(reason: str) -> AuthorizerResult:
    return AuthorizerResult(
        "Deny", "CUSTOM", reason=reason, refusal=AuthorizerConfigurationException(reason=reason)
    )


def _invoke(
    invocation: Invocation, authorizer: Authorizer, event: dict[str, Any]
) -> Mapping[str, Any] | AuthorizerResult:
    """The function's output, or the result that says why there is none."""
    function_arn = function_arn_of(authorizer.uri)
    if function_arn is None:
        return _misconfigured(f"the authorizer's URI {authorizer.uri!r} names no Lambda function")
    api = invocation.api
    source_arn = f"arn:aws:execute-api:{api.region}:{api.account_id}:{api.api_id}/authorizers/{authorizer.id}"
    try:
        if not awslambda.may_invoke(function_arn, SERVICE_PRINCIPAL, source_arn, api.account_id).allowed:
            return _misconfigured(f"{INVALID_PERMISSIONS} ({source_arn})")
        outcome = awslambda.invoke_function(function_arn, json.dumps(event))
    except LambdaError as refused:
        return _misconfigured(f"Lambda refused to invoke the authorizer: {refused}")
    try:
        output = json.loads(outcome.payload or b"null")
    except ValueError:
        output = None
    if outcome.function_error:
        message = output.get("errorMessage") if isinstance(output, dict) else None
        if message == "Unauthorized":
            return _unauthorized("the authorizer function said Unauthorized")
        return _misconfigured(f"the authorizer function failed: {message}")
    if not isinstance(output, dict) or not isinstance(output.get("policyDocument"), dict):
        return _misconfigured("the authorizer function returned no policyDocument")
    return output


def _decide(invocation: Invocation, output: Mapping[str, Any], cached: bool) -> AuthorizerResult:
    method_arn = invocation.execute_api_arn()
    policy = iam.NamedPolicy("the authorizer's policy", output["policyDocument"])
    try:
        decision = iam.evaluate([policy], iam.Request("execute-api:Invoke", method_arn, {}))
    except iam.MalformedPolicyDocument as problem:
        return _misconfigured(f"the authorizer's policy is not valid: {problem}")
    context = {str(name): _text(value) for name, value in (output.get("context") or {}).items()}
    principal = str(output.get("principalId", ""))
    where = " (cached)" if cached else ""
    if decision.effect == iam.ALLOW:
        reason = f"the authorizer's policy{where} allows execute-api:Invoke on {method_arn}"
        return AuthorizerResult("Allow", "CUSTOM", principal, context=context, reason=reason)
    explicit = decision.effect == iam.EXPLICIT_DENY
    message = f"{NOT_AUTHORIZED} with an explicit deny" if explicit else NOT_AUTHORIZED
    reason = f"the authorizer's policy{where} {'denies' if explicit else 'does not allow'} {method_arn}"
    refusal = AccessDeniedException(message, reason=reason)
    return AuthorizerResult("Deny", "CUSTOM", principal, context=context, reason=reason, refusal=refusal)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def authorize(invocation: Invocation, authorizer: Authorizer) -> AuthorizerResult:
    values = _identity_values(invocation, authorizer)
    caching = authorizer.result_ttl > 0
    if values is None and (authorizer.type == "TOKEN" or caching):
        return _unauthorized("an identity source of the authorizer is missing from the request")
    values = values or ()
    expression = authorizer.validation_expression
    if authorizer.type == "TOKEN" and expression and not re.fullmatch(expression, values[0]):
        return _unauthorized(f"the token does not match the authorizer's token validation {expression!r}")
    api = invocation.api
    key = (api.api_id, authorizer.id, values)
    now = clock.now()
    cached = cached_authorization(api.account_id, api.region, key, now) if caching else None
    if cached is not None:
        return _decide(invocation, cached, cached=True)
    output = _invoke(invocation, authorizer, _event(invocation, authorizer, values))
    if isinstance(output, AuthorizerResult):
        return output
    if caching:
        cache_authorization(
            api.account_id, api.region, key, CachedAuthorization(now + authorizer.result_ttl, output)
        )
    return _decide(invocation, output, cached=False)
