"""How a request is signed: the operations AWS serves unsigned, the credential scope, SigV4.

* Public operations: the user-facing halves of Cognito (sign-up, sign-in, the calls authorised by
  a user's access token) and the web-identity half of STS are served without SigV4 credentials.
  The service models botocore ships say so per operation (`"auth": ["smithy.api#noAuth"]`,
  formerly `"authtype": "none"`), which is also why botocore sends them unsigned; the API
  Reference pages say "Amazon Cognito doesn't evaluate IAM policies in requests for this API
  operation".
* The credential scope (`Credential=AKID/date/region/service/aws4_request`, or a presigned URL's
  `X-Amz-Credential`) names the key and the service the request was signed for; a request is
  answered by the service it was sent to, which refuses a scope naming another
  (`exceptions.wrong_scope`).
* The signature is recomputed with the caller's secret key by moto's own SigV4 code (Signature
  Version 4 signing process, AWS General Reference); a mismatch is refused in the called
  service's shape (`exceptions.signature_mismatch`).
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlparse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from werkzeug.exceptions import HTTPException

from ..botocoredata import shared_loader
from .callers import Caller
from .exceptions import signature_mismatch

Scope = tuple[str, str, str]  # (access key id, region, service)

_SERVICES_WITH_PUBLIC_OPERATIONS = ("cognito-idp", "cognito-identity", "sts")


@functools.cache
def public_operations(service: str) -> frozenset[str]:
    """The operations of `service` its botocore model marks as unsigned (loaded on first use)."""
    if service not in _SERVICES_WITH_PUBLIC_OPERATIONS:
        return frozenset()
    operations = shared_loader().load_service_model(service, "service-2")["operations"]
    return frozenset(
        name
        for name, operation in operations.items()
        if operation.get("authtype") == "none" or operation.get("auth") == ["smithy.api#noAuth"]
    )


def is_public(service: str, operation: str) -> bool:
    return operation in public_operations(service)


def called_service(response: Any) -> str:
    """The service that received the request, by the name it signs with (`lambda`, not `awslambda`).

    Not the credential scope's service: a request signed for another service is still
    answered by, and in the shape of, the service it was sent to.
    """
    return _signing_name(getattr(response, "boto3_service_name", "") or "")


@functools.cache
def _signing_name(service: str) -> str:
    """The name a service signs with, from its botocore model (`apigatewayv2` signs as `apigateway`)."""
    from botocore.exceptions import UnknownServiceError
    from moto.core.utils import get_service_model

    try:
        return str(get_service_model(service).signing_name)
    except UnknownServiceError:
        return service


def credential_scope(response: Any) -> Scope | None:
    """(access key id, region, service) from the SigV4 header or a presigned URL."""
    authorization = response.headers.get("Authorization") or ""
    if "Credential=" in authorization:
        scope = authorization.partition("Credential=")[2].partition(",")[0]
    else:
        query = parse_qs(urlparse(response.uri).query)
        if "AWSAccessKeyId" in query:  # an S3 presigned URL in the older SigV2 form
            return query["AWSAccessKeyId"][0], response.region, "s3"
        scope = (query.get("X-Amz-Credential") or [""])[0]
    parts = scope.split("/")
    if len(parts) < 4:
        return None
    return parts[0], parts[2], parts[3]


def session_token(response: Any) -> str | None:
    """The session token, from its header or a presigned URL (SigV2 spells it in lower case)."""
    token = response.headers.get("X-Amz-Security-Token")
    if token:
        return str(token)
    uri: str = response.uri
    for name, values in parse_qs(urlparse(uri).query).items():
        if name.lower() == "x-amz-security-token":
            return values[0]
    return None


class _SigningKey:
    """What moto's SigV4 check asks of an access key: its credentials."""

    def __init__(self, caller: Caller) -> None:
        self._caller = caller

    def create_credentials(self) -> Credentials:
        return Credentials(
            self._caller.access_key_id, self._caller.secret_access_key, self._caller.session_token
        )


def _signed_payload(response: Any) -> Any:
    """The payload the client signed.

    moto signs `raw body or parsed parameters`; the parameters are right only for a
    form post the server has already parsed (IAM and STS at the endpoint, where
    werkzeug consumes the form). A bodiless GET, HEAD or DELETE (Lambda's and API
    Gateway's REST calls) was signed over an empty payload, not over its query string.
    """
    if response.raw_body:
        return response.raw_body
    content_type = response.headers.get("Content-Type") or ""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return response.data
    return b""


# moto's request class per service -> the same class signing over `_signed_payload` (made once:
# a class per call would be rebuilt on every request).
_signature_checks: dict[type, type] = {}


def _signature_check_class(base: type) -> type:
    """moto's request class for this service, signing over `_signed_payload` instead."""
    found = _signature_checks.get(base)
    if found is None:

        class SignatureCheck(base):  # type: ignore[misc]
            def _create_aws_request(self) -> Any:
                request = super()._create_aws_request()
                request.data = self.signed_payload
                return request

        found = _signature_checks[base] = SignatureCheck
    return found


def check_signature(response: Any, iam_request_cls: type, caller: Caller, scope: Scope) -> None:
    """Recompute the SigV4 signature with the caller's secret (moto's own code).

    A wrong secret key gets AWS's SignatureDoesNotMatch (S3, IAM, STS) or
    InvalidSignatureException (the JSON and REST services); moto's request class is reused,
    only its key lookup and the payload it hashes are ours.
    """
    cls = _signature_check_class(iam_request_cls)
    check: Any = object.__new__(cls)
    # A full URL, not just the path: botocore would read a path starting with "//"
    # (the S3 key "/") as a host and sign a different canonical request.
    url = urlparse(response.uri)
    path = f"{url.scheme}://{url.netloc}{response.raw_path}"
    check._method, check._path = response.method, f"{path}?{url.query}" if url.query else path
    check._data, check._body, check._headers = response.data, response.raw_body, response.headers
    check.signed_payload = _signed_payload(response)
    check._region, check._service = scope[1], scope[2]
    check._access_key = _SigningKey(caller)
    try:
        check.check_signature()
    except HTTPException:  # moto's SignatureDoesNotMatch, in moto's shape
        raise signature_mismatch(scope[2]) from None
    except KeyError:  # moto reads X-Amz-Date without asking: a header the signature needs is absent
        raise signature_mismatch(scope[2]) from None


# --- requests that are not moto's: API Gateway's invoke URLs (execute-api) ------------------------

_SIGV4 = "AWS4-HMAC-SHA256"


def sigv4_fields(authorization: str) -> dict[str, str] | None:
    """`Credential`, `SignedHeaders` and `Signature` of a SigV4 Authorization header, or None when the
    header is not SigV4 at all (a bearer token, say). A field that is missing is absent."""
    scheme, _, rest = authorization.strip().partition(" ")
    if scheme != _SIGV4:
        return None
    fields = {}
    for part in rest.split(","):
        name, found, value = part.strip().partition("=")
        if found:
            fields[name] = value
    return fields


def signature_matches(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    caller: Caller,
    scope: Scope,
) -> bool:
    """Whether the request's SigV4 signature is the one the caller's secret key makes.

    For requests the engine answers itself (an API Gateway invoke URL): `url` is the URL the client
    signed (scheme, the Host it sent, the path and query as sent), `headers` every header (names in
    any case). The canonical request is botocore's, as moto's own check builds it.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    fields = sigv4_fields(lowered.get("authorization", "")) or {}
    signed = [name for name in fields.get("SignedHeaders", "").split(";") if name]
    request = AWSRequest(
        method=method,
        url=url,
        data=body,
        headers={name: lowered[name] for name in signed if name in lowered},
    )
    request.context["timestamp"] = lowered.get("x-amz-date", "")
    key = _SigningKey(caller).create_credentials()
    auth = SigV4Auth(key, scope[2], scope[1])
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    return hmac.compare_digest(expected, fields.get("Signature", ""))
