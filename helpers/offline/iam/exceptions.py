"""IAM's errors, as IAM answers them (the query protocol: `<ErrorResponse>` XML in IAM's namespace).

One class per AWS error code (IAM API Reference, the "Errors" section of each action). The pure
evaluator's `policies.MalformedPolicyDocument` only carries IAM's message (it has no HTTP shape, so
the evaluator stays free of moto and of any one service); the IAM hooks in `models` answer it
with the class below.
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import AwsError


class IamError(AwsError):
    protocol: ClassVar[str] = "query"
    query_service: ClassVar[str] = "iam"


class MalformedPolicyDocument(IamError):
    """The policy document is not valid JSON, or breaks the policy grammar (400)."""
