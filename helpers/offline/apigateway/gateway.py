"""The invocation pipeline: route -> authorize -> integrate -> respond, over one `Invocation`.

A request to `https://{api_id}.execute-api.{region}.amazonaws.com/...` (in-process, or at the
endpoint with that `Host`) is answered here:

1. **route**: the API (REST or HTTP, any account), the stage, the method or route
   (`models`, `routing`); no API or stage is 403 "Forbidden" (REST) or 404 "Not Found" (HTTP), no
   method or route 403 "Missing Authentication Token" (REST) or 404 "Not Found" (HTTP);
2. **authorize**: the method's authorizer (`authorizers`), whose `AuthorizerResult` either carries
   the refusal the client gets or travels on to the integration; then a REST method's API key
   (`apikeys`);
3. **integrate**: Lambda proxy or mock (`integrations`);
4. **respond**: the integration's answer, or the failure's gateway response (`exceptions`), with
   API Gateway's request-id headers (`x-amzn-RequestId` and `x-amz-apigw-id` on REST APIs,
   `apigw-requestid` on HTTP APIs).

Every invocation is kept in a short log, AWS's execution log in the lab's words: in-process
`recent_invocations()`, at the endpoint `GET /_lab/invocations?limit=...`. Like the decision log it
is process-wide (the lab's trace of what this process answered, bounded, cleared by
`engine.reset()`), not account state.
"""

from __future__ import annotations

import collections
import itertools
import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from .. import clock, routes
from . import apikeys, authorizers, integrations, routing
from .context import Invocation
from .exceptions import (
    ForbiddenException,
    GatewayResponse,
    HttpApiInternalServerError,
    HttpApiNotFound,
    InternalServerErrorException,
    MissingAuthenticationTokenException,
)
from .models import HTTP, find_api

HOST = r"(?P<api>[a-z0-9]+)\.execute-api\.(?P<region>[a-z0-9-]+)\.amazonaws\.com"
_HOST = re.compile(HOST, re.IGNORECASE)


@dataclass(frozen=True)
class InvocationRecord:
    """One request to an invoke URL and how it ended."""

    api_id: str
    stage: str | None
    method: str
    path: str
    route: str | None  # "GET /notes/{id}" (REST: the method and resource path), None when unrouted
    status: int
    error_type: str | None  # the gateway response's code (REST) or type (HTTP), None on success
    reason: str  # why, as the execution log would say it
    authorization: dict[str, Any] = field(default_factory=dict)
    request_id: str = ""  # REST APIs send it back as x-amzn-RequestId
    extended_request_id: str = ""  # x-amz-apigw-id (REST), apigw-requestid (HTTP APIs)
    at: float = 0.0
    sequence: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_log_lock = threading.Lock()
_log: collections.deque[InvocationRecord] = collections.deque(maxlen=200)
_sequence = itertools.count(1)


def recent_invocations(limit: int = 20) -> list[InvocationRecord]:
    """The newest invocations first."""
    with _log_lock:
        return list(reversed(_log))[:limit]


def clear() -> None:
    with _log_lock:
        _log.clear()


def _routed(request: routes.Request, api_id: str, region: str) -> Invocation:
    """The invocation's API, stage and operation, or the failure that says there is none."""
    found = find_api(api_id, region)
    if found is None:
        raise ForbiddenException(reason=f"no REST or HTTP API {api_id} in {region}")
    http_api = found.kind == HTTP
    stage, path = routing.split_stage(request.path, found.stage_names, http_api=http_api)
    deployed = found.deployed(stage) if stage else None
    if deployed is None:
        reason = f"API {api_id} has no stage {stage!r}" if stage else "the path names no stage"
        raise HttpApiNotFound(reason=reason) if http_api else ForbiddenException(reason=reason)
    routed = routing.route(deployed.operations, request.method, path)
    if routed is None:
        reason = f"no {'route' if http_api else 'method'} of stage {stage!r} answers {request.method} {path}"
        raise (
            HttpApiNotFound(reason=reason) if http_api else MissingAuthenticationTokenException(reason=reason)
        )
    return Invocation(request, deployed, routed.operation, path, routed.path_parameters)


def _route_name(invocation: Invocation | None) -> str | None:
    if invocation is None:
        return None
    operation = invocation.operation
    return operation.route_key or f"{operation.http_method} {operation.path}"


def _id_headers(invocation: Invocation | None, http_api: bool) -> list[tuple[str, str]]:
    if invocation is None:
        return []
    if http_api:
        return [("apigw-requestid", invocation.extended_request_id)]
    return [("x-amzn-RequestId", invocation.request_id), ("x-amz-apigw-id", invocation.extended_request_id)]


def answer(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """Answer one request to an invoke URL (the route handler)."""
    host = _HOST.fullmatch(request.host.rsplit(":", 1)[0]) if request.host else None
    api_id, region = (host["api"].lower(), host["region"].lower()) if host else ("", "")
    invocation: Invocation | None = None
    try:
        invocation = _routed(request, api_id, region)
        invocation.authorization = authorizers.authorize(invocation)
        refusal = invocation.authorization.refusal
        if refusal is not None:
            raise refusal
        apikeys.check(invocation)
        result = integrations.integrate(invocation)
        status, headers, body = result.status, result.headers, result.body
        error_type, reason = None, "completed"
    except GatewayResponse as failure:
        status, body = int(failure.code or 500), failure.get_body().encode()
        headers = failure.get_headers()
        error_type, reason = failure.aws_code, failure.reason or failure.message
    except Exception as problem:  # a fault of the engine's own: answered as AWS answers a 5XX
        fault = (
            HttpApiInternalServerError()
            if invocation is not None and invocation.http_api
            else InternalServerErrorException(status=500)
        )
        status, body, headers = 500, fault.get_body().encode(), fault.get_headers()
        error_type, reason = fault.aws_code, f"the offline engine failed: {type(problem).__name__}: {problem}"
    http_api = invocation is not None and invocation.http_api
    headers = [*headers, *_id_headers(invocation, http_api)]
    _remember(request, api_id, invocation, status, error_type, reason)
    return routes.Response(status, tuple(headers), body)


def _remember(
    request: routes.Request,
    api_id: str,
    invocation: Invocation | None,
    status: int,
    error_type: str | None,
    reason: str,
) -> None:
    record = InvocationRecord(
        api_id=api_id,
        stage=invocation.api.stage if invocation else None,
        method=request.method,
        path=request.path,
        route=_route_name(invocation),
        status=status,
        error_type=error_type,
        reason=reason,
        authorization=invocation.authorization.to_dict() if invocation else {},
        request_id=invocation.request_id if invocation else "",
        extended_request_id=invocation.extended_request_id if invocation else "",
        at=clock.now(),
        sequence=next(_sequence),
    )
    with _log_lock:
        _log.append(record)


def _serve_invocations(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """`GET /_lab/invocations?limit=...`: the newest invocations of invoke URLs, as records."""
    found = recent_invocations(int(request.query.get("limit", 20)))
    return routes.Response.json([record.to_dict() for record in found])


_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
ROUTES = (
    routes.Route("API Gateway invoke URLs", "/.*", answer, methods=_METHODS, hosts=(HOST,)),
    routes.Route("API Gateway invocations", "/_lab/invocations", _serve_invocations, local=True),
)
