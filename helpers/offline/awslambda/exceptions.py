"""Lambda's errors, one class per AWS error code, in Lambda's own shape.

Lambda is a REST-JSON service: the code travels in the `x-amzn-ErrorType` header and the body is
`{"Type": "User", "message": ...}`. The body's shape is observed: a CreateFunction refusal answered
`Content-Length: 90` for "The role defined for the function cannot be assumed by Lambda." (status
400, cloudyr/aws.lambda#2), exactly the length of that body; aws-sdk-go errors print `Type: "User"`
(pulumi/pulumi-awsx#714); botocore's Lambda error shapes have the members `Type` and `message`.
"""

from __future__ import annotations

import json
from typing import ClassVar

from ..errors import AwsError


class LambdaError(AwsError):
    """An error Lambda answers (its control plane and its Invoke API)."""

    protocol: ClassVar[str] = "rest-json"

    def _render(self) -> str:
        return json.dumps({"Type": "User", "message": self.message})


class InvalidParameterValueException(LambdaError):
    """One of the parameters in the request is not valid (API CreateFunction, Invoke: 400)."""


class InvalidRequestContentException(LambdaError):
    """The request body could not be parsed as JSON (API Invoke: 400)."""


class ResourceNotFoundException(LambdaError):
    """The function does not exist (API Invoke: 404)."""

    status: ClassVar[int] = 404


class ResourceConflictException(LambdaError):
    """The resource already exists, or another operation is in progress (API AddPermission: 409)."""

    status: ClassVar[int] = 409
