"""STS's errors, one class per AWS error code, answered in STS's own XML (the query protocol).

STS writes `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender`
with the code and message (`errors.AwsError`, protocol "query"). The codes are botocore's STS
model's (AssumeRoleWithWebIdentity: InvalidIdentityToken, ExpiredTokenException,
MalformedPolicyDocument, ...); `AccessDenied` is a 403 (STS API, Common Errors), the others 400.
Every message is defined where it is raised, with its source.
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import AwsError


class StsError(AwsError):
    """An STS error: the class name is AWS's error code."""

    protocol: ClassVar[str] = "query"
    query_service: ClassVar[str] = "sts"


class AccessDenied(StsError):
    status: ClassVar[int] = 403


class InvalidIdentityToken(StsError):
    pass


class ExpiredTokenException(StsError):
    pass


class MalformedPolicyDocument(StsError):
    pass


class ValidationError(StsError):
    pass
