"""Who is calling, and may they? IAM authorization for every request.

moto's own check ignores conditions and policy variables, has no table ARN
for DynamoDB and does not know the lab administrator. This module replaces
its single entry point, `ActionAuthenticatorMixin._authenticate_and_authorize_action`,
with one that:

1. lets the operations AWS serves without a signature through (sign-up,
   sign-in, GetId, ...);
2. finds the caller from the access key: the lab administrator, an IAM user,
   or a temporary session (with the context `sessions` recorded for it);
3. builds the request AWS would evaluate: action, resource ARN(s) and the
   condition keys (`s3:prefix`, `dynamodb:LeadingKeys`, ...);
4. asks `iam.evaluate` and answers a denial in the service's own error shape.

Every decision is kept in a short log so a notebook can ask *why*.
"""

from __future__ import annotations

import collections
import functools
import itertools
import json
import re
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

from botocore.credentials import Credentials
from werkzeug.exceptions import HTTPException

from . import (
    assumerole,
    clock,
    iam,
    requestkeys,
    routes,
    sessions,
    trust,
)
from .iam import decisions, principal_policies, propagation
from .patching import Patches

ADMIN_ACCESS_KEY_ID = "testing"
ADMIN_SECRET_ACCESS_KEY = "testing"

# Operations AWS serves without SigV4 credentials: the user-facing halves of Cognito
# (sign-up, sign-in, the calls authorised by a user's access token) and the web-identity
# half of STS. The service models botocore ships say so per operation (`"auth":
# ["smithy.api#noAuth"]`, formerly `"authtype": "none"`), which is also why botocore
# sends them unsigned; the API Reference pages say "Amazon Cognito doesn't evaluate
# IAM policies in requests for this API operation".
_SERVICES_WITH_PUBLIC_OPERATIONS = ("cognito-idp", "cognito-identity", "sts")


@functools.cache
def public_operations(service: str) -> frozenset[str]:
    """The operations of `service` its botocore model marks as unsigned (loaded on first use)."""
    if service not in _SERVICES_WITH_PUBLIC_OPERATIONS:
        return frozenset()
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    operations = model._service_description["operations"]
    return frozenset(
        name
        for name, operation in operations.items()
        if operation.get("authtype") == "none" or operation.get("auth") == ["smithy.api#noAuth"]
    )


# Where the action name is not the IAM action (boto3 operation -> IAM action).
_IAM_ACTION_NAMES = {
    ("s3", "ListObjects"): "ListBucket",
    ("s3", "ListObjectsV2"): "ListBucket",
    ("s3", "HeadBucket"): "ListBucket",
    ("s3", "HeadObject"): "GetObject",
    ("s3", "ListObjectVersions"): "ListBucketVersions",
    ("s3", "ListBuckets"): "ListAllMyBuckets",
    ("s3", "DeleteObjects"): "DeleteObject",
}


@dataclass(frozen=True)
class Caller:
    """The principal behind an access key, as IAM sees it."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None
    arn: str
    kind: str  # "administrator" | "user" | "session"
    policies: tuple[iam.NamedPolicy, ...] = ()
    session: sessions.Session | None = None
    context: tuple[tuple[str, Any], ...] = ()


@dataclass
class _Logged:
    """One decision as the log keeps it; its record is built only if someone asks why."""

    decision: iam.Decision
    principal_arn: str
    access_key_id: str
    service: str
    error_code: str | None
    error_message: str | None
    at: float
    sequence: int

    @functools.cached_property
    def record(self) -> decisions.DecisionRecord:
        return decisions.record_of(
            self.decision,
            principal_arn=self.principal_arn,
            access_key_id=self.access_key_id,
            service=self.service,
            error_code=self.error_code,
            error_message=self.error_message,
            at=self.at,
            sequence=self.sequence,
        )


_log_lock = threading.Lock()
_log: collections.deque[_Logged] = collections.deque(maxlen=500)
_sequence = itertools.count(1)


def recent_decisions(access_key_id: str | None = None, limit: int = 50) -> list[decisions.DecisionRecord]:
    """The newest decisions first, optionally for one access key (the lab administrator's calls
    are not evaluated, so not logged)."""
    with _log_lock:
        found = [entry for entry in reversed(_log) if access_key_id in (None, entry.access_key_id)]
    return [entry.record for entry in found[:limit]]


def _record(caller: Caller, service: str, decision: iam.Decision, refusal: AwsError | None) -> None:
    with _log_lock:
        _log.append(
            _Logged(
                decision,
                caller.arn,
                caller.access_key_id,
                service,
                refusal.aws_code if refusal else None,
                refusal.aws_message if refusal else None,
                clock.now(),
                next(_sequence),
            )
        )


# --- errors, in each service's own shape ------------------------------------


class AwsError(HTTPException):
    """An error response with exactly the status, headers and body AWS sends."""

    def __init__(
        self, status: int, body: str, content_type: str, aws_code: str = "", aws_message: str = ""
    ) -> None:
        super().__init__(description=body)
        self.code = status
        self._body = body
        self._content_type = content_type
        self.aws_code = aws_code  # AWS's error code, e.g. "AccessDenied"
        self.aws_message = aws_message

    def get_body(self, *args: Any, **kwargs: Any) -> str:
        return self._body

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [("Content-Type", self._content_type)]


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def error_response(protocol: str, status: int, code: str, message: str) -> AwsError:
    if protocol == "s3":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{code}</Code><Message>{_xml_escape(message)}</Message>"
            "<RequestId>LABREQUEST0000000</RequestId><HostId>offline-lab</HostId></Error>"
        )
        return AwsError(status, body, "application/xml", code, message)
    if protocol == "query":
        body = (
            '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
            f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{_xml_escape(message)}</Message></Error>"
            "<RequestId>LABREQUEST0000000</RequestId></ErrorResponse>"
        )
        return AwsError(status, body, "text/xml", code, message)
    # JSON services (DynamoDB, Cognito): the body DynamoDB sends, which
    # botocore also reads for the other JSON services.
    body = json.dumps({"__type": f"com.amazon.coral.service#{code}", "Message": message})
    return AwsError(status, body, "application/x-amz-json-1.0", code, message)


def _protocol(service: str) -> str:
    if service == "s3":
        return "s3"
    if service in ("iam", "sts"):
        return "query"
    return "json"


def access_denied(service: str, caller_arn: str, decision: iam.Decision) -> AwsError:
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
    if service == "s3":
        return error_response("s3", 403, "AccessDenied", message)
    if service in ("iam", "sts"):
        return error_response("query", 403, "AccessDenied", message)
    return error_response("json", 400, "AccessDeniedException", message)


_INVALID_TOKEN = "The security token included in the request is invalid."
_EXPIRED_TOKEN = "The security token included in the request is expired"

# Credential problems, by how each service family answers them: (status, code, message).
# S3 API "Error responses"; DynamoDB "Error handling" (common errors); STS/IAM common errors.
_CREDENTIAL_ERRORS = {
    ("invalid", "s3"): (
        403,
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
    ),
    ("invalid", "dynamodb"): (400, "UnrecognizedClientException", _INVALID_TOKEN),
    ("invalid", "query"): (403, "InvalidClientTokenId", _INVALID_TOKEN),
    ("invalid", "json"): (400, "InvalidClientTokenId", _INVALID_TOKEN),
    ("expired", "s3"): (400, "ExpiredToken", "The provided token has expired."),
    ("expired", "dynamodb"): (400, "ExpiredTokenException", _EXPIRED_TOKEN),
    ("expired", "query"): (400, "ExpiredToken", _EXPIRED_TOKEN),
    ("expired", "json"): (400, "ExpiredTokenException", _EXPIRED_TOKEN),
    ("unsigned", "s3"): (403, "AccessDenied", "Access Denied"),
    ("unsigned", "query"): (403, "MissingAuthenticationToken", "Request is missing Authentication Token"),
    ("unsigned", "json"): (400, "MissingAuthenticationToken", "Request is missing Authentication Token"),
}


def _credential_error(problem: str, service: str) -> AwsError:
    """AWS's answer to an unknown, expired or missing credential, in the service's shape."""
    protocol = _protocol(service)
    status, code, message = (
        _CREDENTIAL_ERRORS.get((problem, service)) or _CREDENTIAL_ERRORS[(problem, protocol)]
    )
    return error_response(protocol, status, code, message)


# --- who is calling -----------------------------------------------------------


def _credential_scope(response: Any) -> tuple[str, str, str] | None:
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


def _effective_role_policies(account_id: str, role_name: str) -> tuple[iam.NamedPolicy, ...]:
    """The role's policies as S3, DynamoDB, ... see them now: while IAM's simulated propagation
    delay runs, the ones it had before the change (`propagation`)."""
    visible = propagation.visible_role_policies(account_id, role_name)
    return visible if visible is not None else principal_policies.role_policies(account_id, role_name)


def _find_caller(account_id: str, access_key_id: str, session_token: str | None, service: str) -> Caller:
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    if access_key_id == ADMIN_ACCESS_KEY_ID:
        return Caller(
            access_key_id,
            ADMIN_SECRET_ACCESS_KEY,
            session_token,
            f"arn:aws:iam::{account_id}:root",
            "administrator",
        )

    iam_backend = iam_backends[account_id]["aws"]
    user = iam_backend.get_user_from_access_key_id(access_key_id)
    if user is not None:
        context = {
            "aws:username": user.name,
            "aws:userid": user.id,
            "aws:PrincipalArn": user.arn,
            "aws:PrincipalType": "User",
        }
        secret = next(k.secret_access_key for k in user.access_keys if k.access_key_id == access_key_id)
        return Caller(
            access_key_id,
            secret,
            session_token,
            user.arn,
            "user",
            principal_policies.user_policies(account_id, user),
            context=tuple(context.items()),
        )

    assumed = sts_backends[account_id]["aws"].get_assumed_role_from_access_key(access_key_id)
    if assumed is None or session_token != assumed.session_token:
        raise _credential_error("invalid", service)
    session = sessions.lookup(access_key_id)
    expires_at = session.expires_at if session else assumed.expiration.timestamp()
    if clock.now() >= expires_at:
        raise _credential_error("expired", service)
    role_name = assumed.role_arn.split("/")[-1]
    try:
        role = iam_backend.get_role(role_name)
    except Exception:  # the role was deleted: the session keeps no permissions
        role = None
    context: dict[str, Any] = {
        "aws:userid": f"{role.id if role else 'AROADELETEDROLE'}:{assumed.session_name}",
        "aws:PrincipalArn": assumed.role_arn,
        "aws:PrincipalType": "AssumedRole",
    }
    for tag in (role.tags if role else None) or []:
        context[f"aws:PrincipalTag/{tag['Key']}"] = tag["Value"]
    if session is not None:
        context.update(session.context)
    policies = _effective_role_policies(account_id, role_name) if role else ()
    return Caller(
        access_key_id,
        assumed.secret_access_key,
        session_token,
        assumed.arn,
        "session",
        policies,
        session,
        tuple(context.items()),
    )


# --- the hook -------------------------------------------------------------------


def _query_token(response: Any) -> str | None:
    """The session token of a presigned URL (SigV2 spells it in lower case)."""
    for name, values in parse_qs(urlparse(response.uri).query).items():
        if name.lower() == "x-amz-security-token":
            return values[0]
    return None


def _operation(response: Any, service: str) -> str:
    if service == "s3":
        return response.data.get("Action") or response._get_action()
    action = response._get_action()
    return action[0] if isinstance(action, list) else action


def _is_public(service: str, operation: str) -> bool:
    return operation in public_operations(service)


_SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)


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


_signature_checks: dict[type, type] = {}


def _signature_check_class(base: type) -> type:
    """moto's request class for this service, signing over `_signed_payload` instead."""
    found = _signature_checks.get(base)
    if found is None:

        class SignatureCheck(base):  # type: ignore[valid-type, misc]
            def _create_aws_request(self) -> Any:
                request = super()._create_aws_request()
                request.data = self.signed_payload
                return request

        found = _signature_checks[base] = SignatureCheck
    return found


def _check_signature(
    response: Any, iam_request_cls: Any, caller: Caller, scope: tuple[str, str, str]
) -> None:
    """Recompute the SigV4 signature with the caller's secret (moto's own code).

    A wrong secret key gets AWS's SignatureDoesNotMatch, as moto does under
    enforcement; moto's request class is reused, only its key lookup and the
    payload it hashes are ours.
    """
    cls = _signature_check_class(iam_request_cls)
    check = cls.__new__(cls)
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
    except HTTPException:
        if _protocol(scope[2]) != "json":
            raise  # moto already answers S3, IAM and STS as AWS does
        # REST services answer 403 (a REST service's InvalidSignatureException in aws/aws-sdk-go#1850).
        status = 403 if scope[2] in _REST_SERVICES else 400
        raise error_response("json", status, "InvalidSignatureException", _SIGNATURE_MESSAGE) from None


def _called_service(response: Any) -> str:
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
_REST_SERVICES = ("lambda", "apigateway")


def _wrong_scope(service: str, scoped: str) -> AwsError:
    if service == "s3":
        message = _S3_WRONG_SCOPE.format(scoped=scoped)
        return error_response("s3", 400, "AuthorizationHeaderMalformed", message)
    if _protocol(service) == "query":
        return error_response("query", 403, "SignatureDoesNotMatch", _WRONG_SCOPE.format(service=service))
    status = 403 if service in _REST_SERVICES else 400
    return error_response("json", status, "InvalidSignatureException", _WRONG_SCOPE.format(service=service))


def authorize(response: Any, iam_request_cls: Any, resource: str = "*") -> None:
    """Replacement for moto's `_authenticate_and_authorize_action`."""
    service = _called_service(response)
    scope = _credential_scope(response)
    operation = _operation(response, service)
    if _is_public(service, operation):
        return
    if scope is None:
        raise _credential_error("unsigned", service)
    if scope[2] != service:
        raise _wrong_scope(service, scope[2])

    access_key_id = scope[0]
    account_id = response.current_account
    token = response.headers.get("X-Amz-Security-Token") or _query_token(response)
    caller = _find_caller(account_id, access_key_id, token, service)
    if "Authorization" in response.headers:  # presigned URLs carry no header to recompute
        _check_signature(response, iam_request_cls, caller, scope)
    if (service, operation) == ("sts", "AssumeRole"):
        _check_trust(response, account_id, caller)
    if caller.kind == "administrator":
        return
    if operation == "GetCallerIdentity":  # AWS answers it whatever the policies say
        return

    action = f"{service}:{_IAM_ACTION_NAMES.get((service, operation), operation)}"
    session_policies = None
    if caller.session is not None and caller.session.session_policies is not None:
        session_policies = [iam.NamedPolicy(n, d) for n, d in caller.session.session_policies]
    for target, keys in requestkeys.resources_and_keys(
        response, service, operation, resource, scope[1], account_id
    ):
        context = dict(caller.context)
        context.update(_global_keys(scope[1]))
        context.update(keys)
        decision = iam.evaluate(caller.policies, iam.Request(action, target, context), session_policies)
        refusal = None if decision.allowed else access_denied(service, caller.arn, decision)
        _record(caller, service, decision, refusal)
        if refusal is not None:
            raise refusal


def _check_trust(response: Any, account_id: str, caller: Caller) -> None:
    role_arn = response._get_param("RoleArn") or ""
    try:
        assumerole.check_trust(account_id, role_arn, caller.arn, assumerole.session_tags(response))
    except trust.TrustDenied:
        message = f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        raise error_response("query", 403, "AccessDenied", message) from None


def _global_keys(region: str) -> dict[str, Any]:
    now = clock.utcnow()
    return {
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:SecureTransport": True,
        "aws:RequestedRegion": region,
    }


def _serve_decisions(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """`GET /_lab/decisions?access_key_id=...&limit=...`: the newest decisions, as records."""
    found = recent_decisions(request.query.get("access_key_id"), int(request.query.get("limit", 50)))
    return routes.Response.json([record.to_dict() for record in found])


ROUTES = (routes.Route("IAM decisions", "/_lab/decisions", _serve_decisions, local=True),)


def install(patches: Patches) -> None:
    from moto.core.authorization import ActionAuthenticatorMixin

    patches.replace(ActionAuthenticatorMixin, "_authenticate_and_authorize_action", authorize)


def reset() -> None:
    with _log_lock:
        _log.clear()
