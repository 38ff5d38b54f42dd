"""Who must sign, and who answers: the authentication layer in front of every service.

AWS serves the user-facing halves of Cognito and the web-identity half of STS without
AWS credentials; everything else must be signed, with a credential scoped to the service
that receives the request. Errors come in the shape of that service, whatever the
credential says.
"""

from __future__ import annotations

import base64
import datetime
from collections.abc import Callable
from typing import Any

import boto3
import botocore
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

# The services whose models mark operations as unsigned, and a few of those operations
# this test must cover (a guard: reading the models must not silently find nothing).
UNSIGNED_SERVICES = ("cognito-idp", "cognito-identity", "sts")
KNOWN_UNSIGNED = {
    ("cognito-idp", "SignUp"),
    ("cognito-idp", "AssociateSoftwareToken"),
    ("cognito-idp", "VerifySoftwareToken"),
    ("cognito-idp", "SetUserMFAPreference"),
    ("cognito-idp", "SetUserSettings"),
    ("cognito-idp", "GetTokensFromRefreshToken"),
    ("cognito-idp", "DeleteUserAttributes"),
    ("cognito-idp", "ListDevices"),
    ("cognito-idp", "StartWebAuthnRegistration"),
    ("cognito-identity", "GetId"),
    ("sts", "AssumeRoleWithWebIdentity"),
}
NO_RETRIES = Config(retries={"total_max_attempts": 1})
# An unsigned SAML response naming a role: the smallest assertion moto can read (AWS refuses it).
SAML_ASSERTION = (
    '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"'
    ' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">'
    "<saml:Assertion><saml:AttributeStatement>"
    '<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>'
    "arn:aws:iam::123456789012:role/lab,arn:aws:iam::123456789012:saml-provider/lab"
    "</saml:AttributeValue></saml:Attribute>"
    '<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">'
    "<saml:AttributeValue>lab</saml:AttributeValue></saml:Attribute>"
    "</saml:AttributeStatement></saml:Assertion></samlp:Response>"
)
PLACEHOLDERS = {
    ("sts", "AssumeRoleWithSAML"): {"SAMLAssertion": base64.b64encode(SAML_ASSERTION.encode()).decode()}
}


def _unsigned_in_model(service: str) -> list[str]:
    """Operations botocore sends without a signature: the model says `auth: ["smithy.api#noAuth"]`."""
    model = botocore.session.get_session().get_service_model(service)
    return sorted(
        name
        for name in model.operation_names
        if model.operation_model(name).auth == ["smithy.api#noAuth"]
        or model.operation_model(name).auth_type == "none"
    )


UNSIGNED_OPERATIONS = [
    (service, name) for service in UNSIGNED_SERVICES for name in _unsigned_in_model(service)
]


def _minimal(shape: Any) -> Any:
    """The smallest value botocore's parameter validation accepts for `shape`."""
    kind = shape.type_name
    if kind == "structure":
        return {name: _minimal(shape.members[name]) for name in shape.required_members}
    if kind == "string":
        return shape.enum[0] if shape.enum else "a" * max(1, shape.metadata.get("min", 1))
    if kind in ("integer", "long"):
        return max(1, shape.metadata.get("min", 1))
    if kind == "list":
        return [_minimal(shape.member) for _ in range(shape.metadata.get("min", 0))]
    if kind == "blob":
        return b"YQ=="
    if kind == "timestamp":
        return datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    return {"boolean": False, "map": {}, "double": 1.0, "float": 1.0}[kind]


def test_the_models_mark_the_known_unsigned_operations() -> None:
    """Reading botocore's models finds the operations its documentation calls unauthenticated.

    Source: each operation's API Reference page ("Amazon Cognito doesn't evaluate IAM
    policies in requests for this API operation"; STS AssumeRoleWithWebIdentity "does not
    require AWS security credentials").
    """
    assert set(UNSIGNED_OPERATIONS) >= KNOWN_UNSIGNED


@pytest.mark.parametrize(("service", "operation"), UNSIGNED_OPERATIONS)
def test_every_operation_botocore_sends_unsigned_reaches_the_service(
    aws: Any, service: str, operation: str
) -> None:
    """No unsigned operation is refused as unauthenticated: the service itself answers.

    Source: botocore's service models (`"auth": ["smithy.api#noAuth"]`) and the operations'
    API Reference pages (see above). Sent with placeholder parameters, so the service may
    answer ResourceNotFound, NotAuthorized for a bad token, or (offline) that moto lacks the
    operation; what it may never answer is MissingAuthenticationToken.
    """
    client = aws.client(service, config=NO_RETRIES.merge(Config(signature_version=UNSIGNED)))
    model = client.meta.service_model.operation_model(operation)
    parameters = _minimal(model.input_shape) if model.input_shape else {}
    parameters.update(PLACEHOLDERS.get((service, operation), {}))
    try:
        getattr(client, botocore.xform_name(operation))(**parameters)
    except ClientError as error:
        assert error.response["Error"]["Code"] not in {"MissingAuthenticationToken", "AccessDenied"}
    except NotImplementedError:
        pass  # in-process moto raised after the authentication layer let the call through


def test_a_signed_only_operation_sent_unsigned_is_refused(aws: Any) -> None:
    """ListUserPools is an IAM-authorised operation: unsigned, it never reaches the service.

    Source: botocore's model (no `noAuth` for ListUserPools) and AWS's common errors
    (MissingAuthenticationToken, "Request is missing Authentication Token").
    """
    client = aws.client("cognito-idp", config=Config(signature_version=UNSIGNED))
    with pytest.raises(ClientError) as raised:
        client.list_user_pools(MaxResults=5)
    assert raised.value.response["Error"]["Code"] == "MissingAuthenticationToken"


def _scoped_to(aws: Any, service: str, signing_name: str) -> Any:
    """A client for `service` whose signatures name `signing_name` in their credential scope."""
    client = aws.client(service, config=NO_RETRIES)

    def rescope(context: dict[str, Any], **_: Any) -> None:
        context.setdefault("signing", {})["signing_name"] = signing_name

    client.meta.events.register("before-call", rescope)
    return client


# (service called, the call, HTTP status, error code, message or None where UNCONFIRMED)
WRONG_SCOPE: dict[str, tuple[str, Callable[[Any], Any], int, str, str | None]] = {
    "cognito-idp": (
        "cognito-idp",
        lambda c: c.list_user_pools(MaxResults=5),
        400,
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'cognito-idp'. ",
    ),
    "cognito-identity": (
        "cognito-identity",
        lambda c: c.list_identity_pools(MaxResults=5),
        400,
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'cognito-identity'. ",
    ),
    "dynamodb": (
        "dynamodb",
        lambda c: c.list_tables(),
        400,
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'dynamodb'. ",
    ),
    "iam": ("iam", lambda c: c.list_roles(), 403, "SignatureDoesNotMatch", None),
    "sts": ("sts", lambda c: c.get_caller_identity(), 403, "SignatureDoesNotMatch", None),
    # REST services name no service in the request: at the shared endpoint they are routed by
    # their scope, so these two run in-process (where the host names the service) and on AWS.
    "lambda": ("lambda", lambda c: c.list_functions(), 403, "InvalidSignatureException", None),
    "s3": ("s3", lambda c: c.list_buckets(), 400, "AuthorizationHeaderMalformed", None),
}


@pytest.mark.parametrize("name", list(WRONG_SCOPE))
def test_a_credential_scoped_to_another_service_is_refused_in_the_called_services_shape(
    aws: Any, name: str
) -> None:
    """A request signed for STS (or S3) is answered by the service it was sent to, in its own shape.

    Source: observed JSON answers {"__type":"InvalidSignatureException","message":"Credential
    should be scoped to correct service: 'sagemaker'. "} (400; disneystreaming/smithy4s#1568,
    JuliaCloud/AWS.jl#334, aws/aws-sdk-ruby#431), 403 from a REST service (aws/aws-sdk-go#1850).
    UNCONFIRMED: the codes and texts of IAM, STS and S3 for this case (no capture found).
    """
    service, call, status, code, message = WRONG_SCOPE[name]
    if aws.mode == "server" and service in ("lambda", "s3"):
        pytest.skip("the shared endpoint routes REST calls by their credential scope")
    client = _scoped_to(aws, service, "s3" if service == "sts" else "sts")
    with pytest.raises(ClientError) as raised:
        call(client)
    error = raised.value.response
    assert (error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"]) == (status, code)
    if message is not None:
        assert error["Error"]["Message"] == message


def test_a_correctly_scoped_key_still_works_after_a_wrongly_scoped_one(aws: Any) -> None:
    """The refusal is about the request, not the key: the same key, correctly scoped, is served.

    Source: AWS General Reference, "Create a signed AWS API request" (the scope is part of
    each request's signature).
    """
    with pytest.raises(ClientError):
        _scoped_to(aws, "cognito-idp", "sts").list_user_pools(MaxResults=5)
    assert "UserPools" in aws.client("cognito-idp").list_user_pools(MaxResults=5)


def test_boto3_default_session_is_not_needed(aws: Any) -> None:
    """Unsigned clients need no credentials at all (botocore skips the credential lookup).

    Source: botocore's `signature_version=UNSIGNED`, which the unsigned operations use.
    """
    client = boto3.client(
        "cognito-identity",
        region_name=aws.region,
        endpoint_url=aws.endpoint_url,
        config=Config(signature_version=UNSIGNED),
    )
    with pytest.raises(ClientError) as raised:
        client.get_id(IdentityPoolId=f"{aws.region}:00000000-0000-0000-0000-000000000000")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
