"""A malformed JSON request gets AWS's 400, not a moto crash.

moto trusts its callers: a DynamoDB GetItem without `Key` raises KeyError deep
inside and answers HTTP 500. AWS checks every request against the service
model first. botocore ships that model, so the engine checks JSON-protocol
requests (DynamoDB, Cognito) with botocore's own validator before moto parses
them, and answers the way the services answer a constraint violation:

    ValidationException / InvalidParameterException:
    "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null"

(the DynamoDB and Cognito API references list ValidationException and
InvalidParameterException for this; the message format is the one AWS's
Coral-based services use, as in the observed aws-semantics.md messages). A
body that is not JSON, or a value of the wrong JSON type, gets
`SerializationException`; its exact wording varies on AWS and is not
confirmed, so the message here only names the problem.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.validate import ParamValidator

from .errors import AwsError
from .patching import Patches


class _RequestError(AwsError):
    """A request the service could not accept, in the JSON shape DynamoDB answers (botocore
    reads it for Cognito too)."""

    json_type_prefix = "com.amazon.coral.service#"
    json_message_key = "Message"


class ValidationException(_RequestError):
    """DynamoDB: a parameter breaks the service model's constraints."""


class InvalidParameterException(_RequestError):
    """Cognito: a parameter breaks the service model's constraints."""


class SerializationException(_RequestError):
    """The body is not JSON, or a value has the wrong JSON type."""


# JSON services the course uses, and the error each gives a constraint violation.
_CONSTRAINT_ERROR: dict[str, type[AwsError]] = {
    "dynamodb": ValidationException,
    "cognito-idp": InvalidParameterException,
    "cognito-identity": InvalidParameterException,
}


def _lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _problem(service: str, action: str, body: bytes | str) -> AwsError | None:
    """AWS's error for this request body, or None if it is well formed."""
    try:
        params = json.loads(body or "{}")
    except ValueError:
        return SerializationException("The request body is not valid JSON.")
    if not isinstance(params, dict):
        return SerializationException("The request body must be a JSON object.")
    from moto.core.responses import get_service_model

    try:
        operation = get_service_model(service).operation_model(action)
    except Exception:  # an operation botocore does not know: moto answers it as it can
        return None
    report = ParamValidator().validate(params, operation.input_shape)
    if not report.has_errors():
        return None
    reason, name, details = report._errors[0]
    if reason == "missing required field":
        member = _lower_camel(details["required_name"])
        message = (
            f"1 validation error detected: Value null at '{member}' failed to satisfy constraint: "
            "Member must not be null"
        )
        return _CONSTRAINT_ERROR[service](message)
    if reason == "invalid length":
        member = _lower_camel(name.rsplit(".", 1)[-1]) if name else "input"
        message = (
            f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
            f"Member must have length greater than or equal to {details['min_allowed']}"
        )
        return _CONSTRAINT_ERROR[service](message)
    # Wrong JSON types and unknown members: AWS cannot deserialize the request.
    return SerializationException(f"Unexpected value in the request ({reason}).")


def _checked(original: Any) -> Any:
    def setup_class(response: Any, request: Any, *args: Any, **kwargs: Any) -> None:
        target = request.headers.get("X-Amz-Target") or ""
        if response.boto3_service_name in _CONSTRAINT_ERROR and "." in target:
            problem = _problem(response.boto3_service_name, target.rsplit(".", 1)[-1], request.data)
            if problem is not None:
                raise problem
        original(response, request, *args, **kwargs)

    return setup_class


def install(patches: Patches) -> None:
    from moto.core.responses import BaseResponse

    # Before setup_class, because moto parses the parameters there and that can crash.
    patches.wrap(BaseResponse, "setup_class", _checked)
