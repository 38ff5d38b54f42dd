"""The event a Lambda proxy integration receives: payload format 1.0 (REST, and HTTP APIs that ask
for it) and 2.0 (HTTP APIs), side by side.

Format 1.0 (API Gateway DG set-up-lambda-proxy-integrations, "Input format"; an observed 2026
CloudWatch capture of a REST API with a Cognito authorizer gives the current `requestContext`):
`resource`, `path` (after the stage), `httpMethod`, `headers` and `multiValueHeaders` (as the
client spelled them; the last value of a repeated one in `headers`), `queryStringParameters` and
`multiValueQueryStringParameters`, `pathParameters`, `stageVariables` (each null when empty),
`requestContext`, `body` (null when empty) and `isBase64Encoded`; HTTP APIs add `"version": "1.0"`
(DG http-api-develop-integrations-lambda). `requestContext` has `resourceId`, `authorizer` (only
with an authorizer: `{"claims": {...}}` for Cognito; `{"claims", "scopes"}` on an HTTP API),
`resourcePath`, `httpMethod`, `extendedRequestId`, `requestTime`, `path` (stage included),
`accountId`, `protocol`, `stage`, `domainPrefix`, `requestTimeEpoch`, `requestId`, `identity`,
`domainName`, `deploymentId` (REST) and `apiId`. API Gateway adds `Host`, `X-Amzn-Trace-Id` and the
`X-Forwarded-*` headers and drops `Connection`.

Format 2.0 (same DG page): `version`, `routeKey`, `rawPath`, `rawQueryString`, `cookies`,
`headers` (names lower-cased, repeated values comma-joined), `queryStringParameters`
(comma-joined), `requestContext` (`accountId`, `apiId`, `authorizer` {`jwt`: {`claims`, `scopes`}}
or {`iam`: {...}}, `domainName`, `domainPrefix`, `http` {`method`, `path`, `protocol`, `sourceIp`,
`userAgent`}, `requestId`, `routeKey`, `stage`, `time`, `timeEpoch`), `body`, `pathParameters`,
`isBase64Encoded`, `stageVariables`; fields with nothing to say are left out.

A body that is not UTF-8 text is sent base64-encoded with `isBase64Encoded: true` (binary media
types are not modelled: any such body is treated as binary).
"""

from __future__ import annotations

import base64
import uuid
from typing import Any
from urllib.parse import parse_qsl

from . import cognito_authorizer, jwt_authorizer
from .context import Invocation

_DROPPED_HEADERS = frozenset({"connection"})
_IDENTITY_KEYS = (
    "cognitoIdentityPoolId",
    "accountId",
    "cognitoIdentityId",
    "caller",
    "sourceIp",
    "principalOrgId",
    "accessKey",
    "cognitoAuthenticationType",
    "cognitoAuthenticationProvider",
    "userArn",
    "userAgent",
    "user",
)


def _headers(invocation: Invocation) -> list[tuple[str, str]]:
    """The request's headers as the integration sees them, in order."""
    request = invocation.request
    found = [(name, value) for name, value in request.header_items if name.lower() not in _DROPPED_HEADERS]
    present = {name.lower() for name, _ in found}
    added = [
        ("Host", invocation.domain_name),
        ("X-Amzn-Trace-Id", f"Root=1-{int(invocation.at):08x}-{uuid.uuid4().hex[:24]}"),
        ("X-Forwarded-For", request.remote_addr),
        ("X-Forwarded-Port", "443"),
        ("X-Forwarded-Proto", "https"),
    ]
    found = [(name, invocation.domain_name if name.lower() == "host" else value) for name, value in found]
    return found + [(name, value) for name, value in added if name.lower() not in present]


def _query(invocation: Invocation) -> list[tuple[str, str]]:
    return parse_qsl(invocation.request.raw_query, keep_blank_values=True)


def _body(invocation: Invocation) -> tuple[str | None, bool]:
    body = invocation.request.body
    if not body:
        return None, False
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode(), True


def _single_and_multi(
    pairs: list[tuple[str, str]],
) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    if not pairs:
        return None, None
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        multi.setdefault(name, []).append(value)
    return {name: values[-1] for name, values in multi.items()}, multi


def _identity(invocation: Invocation, *, cognito_amr: bool) -> dict[str, Any]:
    known = invocation.authorization.identity
    identity: dict[str, Any] = {key: known.get(key) for key in _IDENTITY_KEYS}
    identity["sourceIp"] = invocation.request.remote_addr
    identity["userAgent"] = invocation.header("user-agent")
    if cognito_amr:  # HTTP APIs' 1.0 events carry it (observed 2023 capture of a $default stage)
        identity["cognitoAmr"] = None
    return identity


def _v1_authorizer(invocation: Invocation) -> dict[str, Any] | None:
    result = invocation.authorization
    if result.authorization_type == "COGNITO_USER_POOLS":
        return {
            "claims": {
                name: cognito_authorizer.claim_text(name, value) for name, value in result.claims.items()
            }
        }
    if result.authorization_type == "JWT":
        claims = {name: jwt_authorizer.claim_text(value) for name, value in result.claims.items()}
        return {"claims": claims, "scopes": list(result.scopes) if result.scopes is not None else None}
    if result.authorization_type == "CUSTOM":
        return {"principalId": result.principal, **result.context}
    return None


def event_v1(invocation: Invocation) -> dict[str, Any]:
    api, operation = invocation.api, invocation.operation
    headers, multi_headers = _single_and_multi(_headers(invocation))
    query, multi_query = _single_and_multi(_query(invocation))
    body, encoded = _body(invocation)
    default_route = operation.route_key == "$default"
    resource = invocation.path if default_route else operation.path
    context: dict[str, Any] = {
        "resourceId": operation.route_key if invocation.http_api else operation.resource_id
    }
    if default_route:
        context["resourceId"] = None
    authorizer = _v1_authorizer(invocation)
    if authorizer is not None:
        context["authorizer"] = authorizer
    context.update(
        {
            "resourcePath": resource,
            "httpMethod": invocation.method,
            "extendedRequestId": invocation.extended_request_id,
            "requestTime": invocation.request_time(),
            "path": invocation.stage_path,
            "accountId": api.account_id,
            "protocol": "HTTP/1.1",
            "stage": api.stage,
            "domainPrefix": api.api_id,
            "requestTimeEpoch": invocation.request_time_epoch(),
            "requestId": invocation.request_id,
            "identity": _identity(invocation, cognito_amr=invocation.http_api),
            "domainName": invocation.domain_name,
        }
    )
    if api.deployment_id is not None:
        context["deploymentId"] = api.deployment_id
    context["apiId"] = api.api_id
    event: dict[str, Any] = {"version": "1.0"} if invocation.http_api else {}
    event.update(
        {
            "resource": resource,
            "path": invocation.stage_path if invocation.http_api else invocation.path,
            "httpMethod": invocation.method,
            "headers": headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": query,
            "multiValueQueryStringParameters": multi_query,
            "pathParameters": invocation.path_parameters or None,
            "stageVariables": dict(api.stage_variables) or None,
            "requestContext": context,
            "body": body,
            "isBase64Encoded": encoded,
        }
    )
    return event


def _v2_authorizer(invocation: Invocation) -> dict[str, Any] | None:
    result = invocation.authorization
    if result.authorization_type == "JWT":
        claims = {name: jwt_authorizer.claim_text(value) for name, value in result.claims.items()}
        return {
            "jwt": {"claims": claims, "scopes": list(result.scopes) if result.scopes is not None else None}
        }
    if result.authorization_type == "AWS_IAM":
        identity = result.identity
        cognito = None
        if identity.get("cognitoIdentityId"):
            cognito = {
                "amr": list(identity.get("amr") or []),
                "identityId": identity["cognitoIdentityId"],
                "identityPoolId": identity.get("cognitoIdentityPoolId"),
            }
        return {
            "iam": {
                "accessKey": identity.get("accessKey"),
                "accountId": identity.get("accountId"),
                "callerId": identity.get("caller"),
                "cognitoIdentity": cognito,
                "principalOrgId": None,
                "userArn": identity.get("userArn"),
                "userId": identity.get("user"),
            }
        }
    return None


def event_v2(invocation: Invocation) -> dict[str, Any]:
    api, operation = invocation.api, invocation.operation
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in _headers(invocation):
        if name.lower() == "cookie":
            cookies += [cookie.strip() for cookie in value.split(";") if cookie.strip()]
            continue
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    query: dict[str, str] = {}
    for name, value in _query(invocation):
        query[name] = f"{query[name]},{value}" if name in query else value
    body, encoded = _body(invocation)
    route_key = operation.route_key or f"{operation.http_method} {operation.path}"
    context: dict[str, Any] = {"accountId": api.account_id, "apiId": api.api_id}
    authorizer = _v2_authorizer(invocation)
    if authorizer is not None:
        context["authorizer"] = authorizer
    context.update(
        {
            "domainName": invocation.domain_name,
            "domainPrefix": api.api_id,
            "http": {
                "method": invocation.method,
                "path": invocation.stage_path,
                "protocol": "HTTP/1.1",
                "sourceIp": invocation.request.remote_addr,
                "userAgent": invocation.header("user-agent") or "",
            },
            "requestId": invocation.extended_request_id,
            "routeKey": route_key,
            "stage": api.stage,
            "time": invocation.request_time(),
            "timeEpoch": invocation.request_time_epoch(),
        }
    )
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": invocation.stage_path,
        "rawQueryString": invocation.request.raw_query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if query:
        event["queryStringParameters"] = query
    event["requestContext"] = context
    if body is not None:
        event["body"] = body
    if invocation.path_parameters:
        event["pathParameters"] = invocation.path_parameters
    event["isBase64Encoded"] = encoded
    if api.stage_variables:
        event["stageVariables"] = dict(api.stage_variables)
    return event
