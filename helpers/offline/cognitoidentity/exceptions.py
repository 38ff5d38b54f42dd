"""Cognito Identity's errors, one class per AWS error code, in Cognito's JSON shape.

Cognito Identity answers `{"__type": "<code>", "message": "..."}` with HTTP 400 (botocore's
cognito-identity model, awsJson1_1; `errors.AwsError`, protocol "json"). The classes are the
codes the API Reference lists for the operations the engine answers. Messages come from AWS
responses quoted in public issues (shared/research/aws-semantics.md section 2); each is defined
next to the check that raises it, and those without a public source say UNCONFIRMED there.
"""

from __future__ import annotations

from ..errors import AwsError

# Also what Cognito answers when STS refuses the role (botocore: "STS returned an error").
BAD_POOL_CONFIGURATION = "Invalid identity pool configuration. Check assigned IAM roles for this pool."
# botocore's description of DeveloperUserAlreadyRegisteredException (exact text UNCONFIRMED).
DEVELOPER_USER_TAKEN = (
    "The provided developer user identifier is already registered with Cognito under a different identity ID."
)


class CognitoIdentityError(AwsError):
    """A Cognito Identity error: the class name is AWS's error code."""


class NotAuthorizedException(CognitoIdentityError):
    pass


class ResourceNotFoundException(CognitoIdentityError):
    pass


class InvalidParameterException(CognitoIdentityError):
    pass


class InvalidIdentityPoolConfigurationException(CognitoIdentityError):
    def __init__(self, message: str = BAD_POOL_CONFIGURATION) -> None:
        super().__init__(message)


class ResourceConflictException(CognitoIdentityError):
    pass


class ValidationException(CognitoIdentityError):
    pass


class DeveloperUserAlreadyRegisteredException(CognitoIdentityError):
    def __init__(self, message: str = DEVELOPER_USER_TAKEN) -> None:
        super().__init__(message)


def pool_not_found(pool_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"IdentityPool '{pool_id}' not found.")


def identity_not_found(identity_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Identity '{identity_id}' not found.")


def forbidden(identity_id: str) -> NotAuthorizedException:
    """Observed for an identity the caller's logins do not prove (aws-amplify/amplify-swift#4278)."""
    return NotAuthorizedException(f"Access to Identity '{identity_id}' is forbidden.")
