"""API Gateway's answers when an invocation fails: one class per gateway response, as AWS sends them.

Every failure of an invocation (no such stage or route, a refused token or signature, a function
that may not be invoked, that failed, or that answered in the wrong shape) is one of the classes
below, raised anywhere in the pipeline and turned into the HTTP response in one place
(`gateway.py`). Each carries the status, the error code and the body AWS sends.

**REST APIs** answer with a *gateway response*: body `{"message": <text>}` (the default template
`{"message":$context.error.messageString}`) and the code in the `x-amzn-ErrorType` header (API
Gateway DG supported-gateway-response-types, set-up-gateway-response-using-the-console, whose
example shows `x-amzn-ErrorType: MissingAuthenticationTokenException`). Observed bodies:
`{"message":"Unauthorized"}`, 26 bytes (aws-samples/serverless-patterns#2254);
`{"message": "Internal server error"}` with a space, 36 bytes (aws/aws-lambda-go#72); an IAM
refusal spells the key with a capital M, `{"Message":"User: ... is not authorized to perform:
execute-api:Invoke on resource: ..."}` (ASFHyP3/hyp3#2283, serverless/serverless#11808).

**HTTP APIs** answer `{"message":"Not Found"}`, `{"message":"Unauthorized"}`,
`{"message":"Forbidden"}` or `{"message":"Internal Server Error"}` (DG http-api-develop-routes,
http-api-troubleshooting-jwt, http-api-troubleshooting-lambda; aws/aws-cdk#21182 for Forbidden).
UNCONFIRMED: that they send no `x-amzn-ErrorType` header (no capture shows one; none is sent
here).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from ..errors import AwsError


class GatewayResponse(AwsError):
    """A failed invocation, answered as API Gateway answers it.

    `response_type` is the gateway response type AWS names (UNAUTHORIZED, ACCESS_DENIED, ...;
    for HTTP APIs the closest such type, as AWS documents none); `compact` writes the body without
    the space after the colon, as AWS's default template does; `sends_error_type` is False for the
    HTTP API answers.
    """

    protocol: ClassVar[str] = "rest-json"
    response_type: ClassVar[str] = "DEFAULT_4XX"
    compact: ClassVar[bool] = True
    sends_error_type: ClassVar[bool] = True
    default_message: ClassVar[str] = ""

    def __init__(
        self,
        message: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        message_key: str | None = None,
        reason: str = "",
        status: int | None = None,
        response_type: str | None = None,
    ) -> None:
        self._message_key = message_key or self.json_message_key
        self.extra_headers = dict(headers or {})
        # Why, in the lab's words: not sent to the client (AWS writes it to the execution log).
        self.reason = reason
        self.gateway_response_type = response_type or self.response_type
        super().__init__(message if message is not None else self.default_message, status=status)

    def _render(self) -> str:
        separators = (",", ":") if self.compact else (", ", ": ")
        return json.dumps({self._message_key: self.message}, separators=separators)

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        headers = [("Content-Type", "application/json")]
        if self.sends_error_type:
            headers.append(("x-amzn-ErrorType", self.aws_code))
        return headers + list(self.extra_headers.items())


# --- REST APIs ----------------------------------------------------------------------------------


class MissingAuthenticationTokenException(GatewayResponse):
    """MISSING_AUTHENTICATION_TOKEN (403): no resource or method matches the request, or an
    AWS_IAM method got no SigV4 signature (DG supported-gateway-response-types; KC-403)."""

    status = 403
    response_type = "MISSING_AUTHENTICATION_TOKEN"
    default_message = "Missing Authentication Token"


class ForbiddenException(GatewayResponse):
    """No such API or stage: `{"message":"Forbidden"}`, 403 (observed OWASP/Serverless-Goat#14, a
    path without the stage; aws-samples/aws-microservices-deploy-options#26, a stage in the wrong
    case). UNCONFIRMED: the `x-amzn-ErrorType` (ForbiddenException, as API Gateway's own API
    names a 403)."""

    status = 403
    response_type = "DEFAULT_4XX"
    default_message = "Forbidden"


class UnauthorizedException(GatewayResponse):
    """UNAUTHORIZED (401): the Cognito authorizer could not authenticate the caller. "Unauthorized",
    or "The incoming token has expired" (observed aws-amplify/amplify-js#6060, #10147; the header
    for the expired case is UNCONFIRMED: this one, as for every other refusal of the token)."""

    status = 401
    response_type = "UNAUTHORIZED"
    default_message = "Unauthorized"


class AccessDeniedException(GatewayResponse):
    """ACCESS_DENIED (403): IAM does not allow `execute-api:Invoke` (`{"Message": ...}`, capital M,
    observed), a Lambda authorizer's policy does not ("User is not authorized to access this
    resource", "... with an explicit deny", KC-403), or the access key is not known ("The security
    token included in the request is invalid.", KC-403, with a lower-case key)."""

    status = 403
    response_type = "ACCESS_DENIED"
    json_message_key = "Message"


class IncompleteSignatureException(GatewayResponse):
    """An AWS_IAM method given an Authorization header that is not SigV4 (a JWT, say): observed
    nordcloud/cognitocurl#15 (its `x-amzn-ErrorType` is UNCONFIRMED)."""

    status = 403
    response_type = "INVALID_SIGNATURE"


class InvalidSignatureException(GatewayResponse):
    """INVALID_SIGNATURE (403): the signature is not the one the caller's secret makes (KC-SIGV4;
    the header is UNCONFIRMED)."""

    status = 403
    response_type = "INVALID_SIGNATURE"
    default_message = (
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method."
    )


class ExpiredTokenException(GatewayResponse):
    """EXPIRED_TOKEN (403): the caller's temporary credentials have expired (DG supported-gateway-
    response-types; message and header UNCONFIRMED, as STS-backed services word it)."""

    status = 403
    response_type = "EXPIRED_TOKEN"
    default_message = "The security token included in the request is expired"


class AuthorizerConfigurationException(GatewayResponse):
    """AUTHORIZER_CONFIGURATION_ERROR (500): a Lambda authorizer that could not be invoked, failed
    with anything but "Unauthorized", or returned no valid policy. Body `{"message": null}`
    (observed auth0-samples/jwt-rsa-aws-custom-authorizer#6; the `x-amzn-ErrorType` is
    UNCONFIRMED)."""

    status = 500
    response_type = "AUTHORIZER_CONFIGURATION_ERROR"
    compact = False

    def _render(self) -> str:
        return json.dumps({self._message_key: None})


class InternalServerErrorException(GatewayResponse):
    """`{"message": "Internal server error"}`: 500 when Lambda refuses the invocation (no
    permission), 502 when the function fails or answers in the wrong shape (Lambda DG
    python-exceptions; KC-502), 500 for an authorizer that is configured wrongly."""

    status = 502
    response_type = "DEFAULT_5XX"
    compact = False
    default_message = "Internal server error"


# --- HTTP APIs ----------------------------------------------------------------------------------


class HttpApiResponse(GatewayResponse):
    """An HTTP API's answer: no `x-amzn-ErrorType` (UNCONFIRMED)."""

    sends_error_type = False


class HttpApiNotFound(HttpApiResponse):
    """No stage or route matches (DG http-api-develop-routes)."""

    status = 404
    response_type = "RESOURCE_NOT_FOUND"
    default_message = "Not Found"


class HttpApiUnauthorized(HttpApiResponse):
    """The JWT authorizer refused the token: 401 with a `www-authenticate` challenge (DG
    http-api-troubleshooting-jwt)."""

    status = 401
    response_type = "UNAUTHORIZED"
    default_message = "Unauthorized"


class HttpApiForbidden(HttpApiResponse):
    """IAM does not allow the call (observed aws/aws-cdk#21182), or the token lacks the route's
    scopes (UNCONFIRMED: 403, as serverless-offline and RFC 6750's insufficient_scope answer)."""

    status = 403
    response_type = "ACCESS_DENIED"
    default_message = "Forbidden"


class HttpApiInternalServerError(HttpApiResponse):
    """The integration failed (DG http-api-troubleshooting-lambda: missing permission, a function
    error or an answer API Gateway cannot read)."""

    status = 500
    response_type = "INTEGRATION_FAILURE"
    default_message = "Internal Server Error"
