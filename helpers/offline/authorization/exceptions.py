"""Credential and access errors, each answered in the shape of the service that was called.

One class per AWS error code. The same problem (an unknown key, an expired session, a denial)
has a different code, status and body in each service family, so the functions below pick the
class and message for the service that received the request:

* S3 answers XML (`<Error><Code>`), 403 for a denial or an unknown key (S3 API Reference,
  "Error responses");
* IAM and STS answer query-protocol XML in their own namespace, 403 for a denial or an unknown
  or missing credential (IAM and STS API Reference, "Common errors");
* DynamoDB answers JSON (`{"__type": "com.amazon.coral.service#...", "Message": ...}`), 400
  (DynamoDB Developer Guide, "Error handling"; captured in aws-semantics.md section 4); the
  other JSON services are answered the same way, which botocore reads for them too.

The message of a denial follows IAM User Guide troubleshoot_access-denied: who, which action,
on which resource (S3 quotes it), and why (`Decision.denial_reason`).
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import AwsError
from ..iam import Decision

# Services whose REST APIs answer a bad signature with 403, not the JSON services' 400 (a REST
# service's InvalidSignatureException in aws/aws-sdk-go#1850).
REST_SERVICES = ("lambda", "apigateway")


def shape(service: str) -> str:
    """The error shape (`errors.AwsError`'s protocol) of the service that was called."""
    if service == "s3":
        return "rest-xml"
    if service in ("iam", "sts"):
        return "query"
    return "json"


class AuthorizationError(AwsError):
    """A credential or access error, written in the called service's shape."""

    json_type_prefix: ClassVar[str] = "com.amazon.coral.service#"
    json_message_key: ClassVar[str] = "Message"
    # The status where a shape answers other than `status`.
    status_by_shape: ClassVar[dict[str, int]] = {}

    def __init__(self, service: str, message: str) -> None:
        protocol = shape(service)
        super().__init__(
            message,
            status=self.status_for(service),
            protocol=protocol,
            query_service=service if protocol == "query" else None,
        )

    @classmethod
    def status_for(cls, service: str) -> int:
        return cls.status_by_shape.get(shape(service), cls.status)


class AccessDenied(AuthorizationError):
    """S3's, IAM's and STS's refusal, also S3's answer to an unsigned request."""

    status = 403


class AccessDeniedException(AuthorizationError):
    """The JSON services' refusal."""


class InvalidAccessKeyId(AuthorizationError):
    """S3: no such access key."""

    status = 403


class UnrecognizedClientException(AuthorizationError):
    """DynamoDB: no such access key, or a session token that does not belong to it."""


class InvalidClientTokenId(AuthorizationError):
    """The query and other JSON services: no such access key or session token."""

    status_by_shape: ClassVar[dict[str, int]] = {"query": 403}


class ExpiredToken(AuthorizationError):
    """S3, IAM and STS: the session's credentials have expired."""


class ExpiredTokenException(AuthorizationError):
    """The JSON services: the session's credentials have expired."""


class MissingAuthenticationToken(AuthorizationError):
    """The query and JSON services: the request is not signed."""

    status_by_shape: ClassVar[dict[str, int]] = {"query": 403}


class SignatureDoesNotMatch(AuthorizationError):
    """S3, IAM and STS: the signature is not the one the secret key makes."""

    status = 403


class InvalidSignatureException(AuthorizationError):
    """The JSON and REST services: a signature that does not match, or is scoped elsewhere."""

    @classmethod
    def status_for(cls, service: str) -> int:
        return 403 if service in REST_SERVICES else 400


class AuthorizationHeaderMalformed(AuthorizationError):
    """S3: the signature's credential scope names another service."""


def access_denied(service: str, caller_arn: str, decision: Decision) -> AuthorizationError:
    """AWS's AccessDenied for this service (IAM UG troubleshoot_access-denied).

    S3 quotes the resource ARN and answers 403 XML; DynamoDB does not quote it
    and answers 400 JSON `AccessDeniedException` (aws-semantics.md section 4).
    """
    request = decision.request
    on_resource = ""
    if request.resource != "*":
        quoted = f'"{request.resource}"' if service == "s3" else request.resource
        on_resource = f" on resource: {quoted}"
    message = (
        f"User: {caller_arn} is not authorized to perform: {request.action}"
        f"{on_resource} {decision.denial_reason()}"
    )
    if shape(service) == "json":
        return AccessDeniedException(service, message)
    return AccessDenied(service, message)


def trust_denied(caller_arn: str, role_arn: str) -> AccessDenied:
    """STS AssumeRole's answer when the role's trust policy does not let the caller in."""
    message = f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    return AccessDenied("sts", message)


_INVALID_TOKEN = "The security token included in the request is invalid."
_EXPIRED_TOKEN = "The security token included in the request is expired"
_MISSING_TOKEN = "Request is missing Authentication Token"

# Credential problems ("invalid", "expired", "unsigned"), by the service or, failing that, the
# shape that answers them: the class and its message.
_CREDENTIAL_ERRORS: dict[tuple[str, str], tuple[type[AuthorizationError], str]] = {
    ("invalid", "s3"): (
        InvalidAccessKeyId,
        "The AWS Access Key Id you provided does not exist in our records.",
    ),
    ("invalid", "dynamodb"): (UnrecognizedClientException, _INVALID_TOKEN),
    ("invalid", "query"): (InvalidClientTokenId, _INVALID_TOKEN),
    ("invalid", "json"): (InvalidClientTokenId, _INVALID_TOKEN),
    ("expired", "s3"): (ExpiredToken, "The provided token has expired."),
    ("expired", "dynamodb"): (ExpiredTokenException, _EXPIRED_TOKEN),
    ("expired", "query"): (ExpiredToken, _EXPIRED_TOKEN),
    ("expired", "json"): (ExpiredTokenException, _EXPIRED_TOKEN),
    ("unsigned", "s3"): (AccessDenied, "Access Denied"),
    ("unsigned", "query"): (MissingAuthenticationToken, _MISSING_TOKEN),
    ("unsigned", "json"): (MissingAuthenticationToken, _MISSING_TOKEN),
}


def credential_error(problem: str, service: str) -> AuthorizationError:
    """AWS's answer to an unknown ("invalid"), expired or missing ("unsigned") credential."""
    error, message = (
        _CREDENTIAL_ERRORS.get((problem, service)) or _CREDENTIAL_ERRORS[(problem, shape(service))]
    )
    return error(service, message)


_SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
# S3's own wording (S3 API Reference, "Error responses": SignatureDoesNotMatch).
_S3_SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)


def signature_mismatch(service: str) -> AuthorizationError:
    """A signature the caller's secret key does not make."""
    if service == "s3":
        return SignatureDoesNotMatch(service, _S3_SIGNATURE_MESSAGE)
    if shape(service) == "query":
        return SignatureDoesNotMatch(service, _SIGNATURE_MESSAGE)
    return InvalidSignatureException(service, _SIGNATURE_MESSAGE)


# The signature's credential scope names another service (observed JSON answers:
# {"__type":"InvalidSignatureException","message":"Credential should be scoped to correct
# service: 'sagemaker'. "}, status 400, disneystreaming/smithy4s#1568, JuliaCloud/AWS.jl#334;
# status 403 from a REST service, aws/aws-sdk-go#1850).
_WRONG_SCOPE = "Credential should be scoped to correct service: '{service}'. "
# UNCONFIRMED: S3's and the query services' answers to a wrongly scoped credential; no
# capture was found. S3 is commonly quoted with this AuthorizationHeaderMalformed text.
_S3_WRONG_SCOPE = (
    'The authorization header is malformed; incorrect service "{scoped}". This endpoint belongs to "s3".'
)


def wrong_scope(service: str, scoped: str) -> AuthorizationError:
    """A request to `service` signed with a credential scoped to `scoped`."""
    if service == "s3":
        return AuthorizationHeaderMalformed(service, _S3_WRONG_SCOPE.format(scoped=scoped))
    if shape(service) == "query":
        return SignatureDoesNotMatch(service, _WRONG_SCOPE.format(service=service))
    return InvalidSignatureException(service, _WRONG_SCOPE.format(service=service))
