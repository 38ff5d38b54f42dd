"""What happens behind a method or route: the Lambda proxy integration and the mock integration.

**Lambda proxy** (`AWS_PROXY`). API Gateway invokes the function only if its resource-based policy
lets `apigateway.amazonaws.com` invoke it for this method's source ARN (`awslambda.may_invoke`; an
integration with `credentials` would use that role instead, which is not modelled). Then, as the
Lambda DG python-exceptions page says: "If the Lambda API rejects the invocation request, API
Gateway returns a 500 ... If the function runs but returns an error, or returns a response in the
wrong format, API Gateway returns a 502", both `{"message": "Internal server error"}`. The reasons
are the execution log's lines: "Execution failed due to configuration error: Invalid permissions on
Lambda function" (observed serverless/serverless#1913), "Execution failed due to configuration
error: Malformed Lambda proxy response" (KC-502), "Lambda execution failed with status 200 due to
customer function error: <message>. Lambda request id: <id>" (observed serverless/serverless#8671).
A well-formed response is `{statusCode, headers?, multiValueHeaders?, body?, isBase64Encoded?}`
with a string body (a non-string body is malformed, observed vincentsarago/lambda-proxy#59);
`multiValueHeaders` win over `headers` (DG set-up-lambda-proxy-integrations, "Output format").
HTTP APIs answer every failure `{"message":"Internal Server Error"}`, 500 (DG
http-api-troubleshooting-lambda), and with payload 2.0 read any JSON that has no `statusCode` as a
200 `application/json` body (DG http-api-develop-integrations-lambda).

**Mock** (`MOCK`, REST). The request template (for the request's content type, else
`application/json`) sets the status, `{"statusCode": 200}`; the integration response whose
selection pattern matches that status (or the default one, without a pattern) gives the status,
its static `method.response.header.*` values ('quoted') and its `application/json` template as the
body (DG how-to-mock-integration). Templates are used as literal text: VTL (`$input`, `#if`, ...) is
not modelled. No matching integration response is a 500 ("No match for output mapping and no
default output mapping configured", UNCONFIRMED wording).

Other integration types (HTTP, HTTP_PROXY, AWS service integrations, VPC links) are not modelled:
they answer 500 with a sentence that says so.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any

from .. import awslambda
from ..awslambda.exceptions import LambdaError
from .context import Invocation
from .exceptions import GatewayResponse, HttpApiInternalServerError, InternalServerErrorException
from .models import Integration
from .payloads import event_v1, event_v2

SERVICE_PRINCIPAL = "apigateway.amazonaws.com"
INVALID_PERMISSIONS = "Execution failed due to configuration error: Invalid permissions on Lambda function"
MALFORMED = "Execution failed due to configuration error: Malformed Lambda proxy response"
NO_OUTPUT_MAPPING = (
    "Execution failed due to configuration error: No match for output mapping and no default output "
    "mapping configured"
)
_RESPONSE_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})


class Answer:
    """The HTTP response an integration produced."""

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


def _failure(
    invocation: Invocation, status: int, response_type: str, reason: str, message: str | None = None
) -> GatewayResponse:
    """AWS's answer to a failed integration; `message` replaces its body's text (the lab's own
    sentence, for what the lab does not model)."""
    if invocation.http_api:
        return HttpApiInternalServerError(message, reason=reason)
    return InternalServerErrorException(message, status=status, response_type=response_type, reason=reason)


def integrate(invocation: Invocation) -> Answer:
    integration = invocation.operation.integration
    if integration is None:
        raise _failure(
            invocation, 500, "DEFAULT_5XX", "Execution failed due to configuration error: no integration"
        )
    if integration.type == "AWS_PROXY" and integration.function_arn:
        return _lambda_proxy(invocation, integration, integration.function_arn)
    if integration.type == "MOCK" and not invocation.http_api:
        return _mock(invocation, integration)
    target = f" ({integration.uri})" if integration.uri else ""
    message = (
        f"The offline lab does not model API Gateway integrations of type {integration.type}{target}. "
        "Use a Lambda proxy (AWS_PROXY) or a mock integration, or run this on real AWS."
    )
    raise _failure(invocation, 500, "DEFAULT_5XX", message, message)


# --- Lambda proxy -------------------------------------------------------------------------------------


def _invoke(invocation: Invocation, function_arn: str, event: dict[str, Any]) -> awslambda.Outcome:
    account = invocation.api.account_id
    try:
        decision = awslambda.may_invoke(function_arn, SERVICE_PRINCIPAL, invocation.source_arn(), account)
        if not decision.allowed:
            raise _failure(
                invocation, 500, "DEFAULT_5XX", f"{INVALID_PERMISSIONS} ({invocation.source_arn()})"
            )
        return awslambda.invoke_function(function_arn, json.dumps(event))
    except LambdaError as refused:  # no such function, or a role Lambda cannot assume
        raise _failure(invocation, 500, "DEFAULT_5XX", f"Lambda refused the invocation: {refused}") from None


def _lambda_proxy(invocation: Invocation, integration: Integration, function_arn: str) -> Answer:
    version_2 = invocation.http_api and integration.payload_format_version == "2.0"
    outcome = _invoke(invocation, function_arn, event_v2(invocation) if version_2 else event_v1(invocation))
    if outcome.function_error:
        message = _error_message(outcome.payload)
        reason = f"Lambda execution failed with status 200 due to customer function error: {message}."
        raise _failure(invocation, 502, "DEFAULT_5XX", reason)
    try:
        payload = json.loads(outcome.payload or b"null")
    except ValueError:
        raise _failure(invocation, 502, "DEFAULT_5XX", MALFORMED) from None
    if version_2 and not (isinstance(payload, dict) and "statusCode" in payload):
        body = payload if isinstance(payload, str) else json.dumps(payload)
        return Answer(200, [("Content-Type", "application/json")], body.encode())
    answer = _proxy_response(payload, allow_cookies=version_2)
    if answer is None:
        raise _failure(invocation, 502, "DEFAULT_5XX", MALFORMED)
    return answer


def _error_message(payload: bytes) -> str:
    try:
        found = json.loads(payload)
    except ValueError:
        return payload.decode("utf-8", "replace")
    return str(found.get("errorMessage", found)) if isinstance(found, dict) else str(found)


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _proxy_response(payload: Any, *, allow_cookies: bool) -> Answer | None:
    """The HTTP response a Lambda proxy output describes, or None when it is malformed."""
    allowed = _RESPONSE_KEYS | ({"cookies"} if allow_cookies else set())
    if not isinstance(payload, dict) or not set(payload) <= allowed:
        return None
    status = payload.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        return None
    body = payload.get("body")
    if body is not None and not isinstance(body, str):
        return None
    encoded = payload.get("isBase64Encoded", False)
    if not isinstance(encoded, bool):
        return None
    headers = _merged_headers(payload.get("headers"), payload.get("multiValueHeaders"))
    if headers is None:
        return None
    cookies = payload.get("cookies") or []
    if not isinstance(cookies, list):
        return None
    headers += [("Set-Cookie", str(cookie)) for cookie in cookies]
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.insert(0, ("Content-Type", "application/json"))
    raw = base64.b64decode(body) if encoded and body else (body or "").encode()
    return Answer(status, headers, raw)


def _merged_headers(single: Any, multi: Any) -> list[tuple[str, str]] | None:
    merged: dict[str, list[str]] = {}
    for source, many in ((single, False), (multi, True)):
        if source is None:
            continue
        if not isinstance(source, dict):
            return None
        for name, value in source.items():
            values = value if many and isinstance(value, list) else [value]
            texts = [_text(item) for item in values]
            if any(text is None for text in texts):
                return None
            merged[str(name)] = [text for text in texts if text is not None]  # multiValueHeaders win
    return [(name, value) for name, values in merged.items() for value in values]


# --- mock -----------------------------------------------------------------------------------------------


def _template(templates: Mapping[str, str | None], content_type: str) -> str | None:
    return templates.get(content_type) or templates.get("application/json")


def _mock(invocation: Invocation, integration: Integration) -> Answer:
    content_type = (invocation.header("content-type") or "application/json").split(";")[0].strip()
    template = _template(integration.request_templates, content_type)
    status = "200"
    if template:
        try:
            asked = json.loads(template)
        except ValueError:
            asked = None
        if isinstance(asked, dict) and "statusCode" in asked:
            status = str(asked["statusCode"])
    chosen = next(
        (
            response
            for response in integration.responses
            if response.selection_pattern and re.fullmatch(response.selection_pattern, status)
        ),
        None,
    ) or next((response for response in integration.responses if not response.selection_pattern), None)
    if chosen is None:
        raise _failure(invocation, 500, "DEFAULT_5XX", NO_OUTPUT_MAPPING)
    headers = [("Content-Type", "application/json")]
    for name, value in chosen.parameters.items():
        if name.startswith("method.response.header.") and value.startswith("'") and value.endswith("'"):
            headers.append((name.removeprefix("method.response.header."), value[1:-1]))
    body = _template(chosen.templates, "application/json") or ""
    return Answer(int(chosen.status_code), headers, body.encode())
