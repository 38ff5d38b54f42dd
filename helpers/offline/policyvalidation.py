"""Malformed policies are refused the way IAM refuses them.

moto validates permission policies well (its messages were checked against
IAM) but lets an identity policy name a Principal, and never validates the
trust policy given to CreateRole. After moto's own checks, the same document
goes through `iam.parse_policy`, which adds those rules with IAM's messages.
"""

from __future__ import annotations

from typing import Any

from . import iam
from .patching import Patches


def _also_check(kind: str, ours_first: bool) -> Any:
    """Run moto's validator and ours; `ours_first` where ours has the observed message."""

    def make(original: Any) -> Any:
        def validate(validator: Any) -> None:
            from moto.iam.exceptions import MalformedPolicyDocument

            if not ours_first:
                original(validator)
            try:
                iam.parse_policy(validator._policy_document, kind)
            except iam.MalformedPolicyDocument as problem:
                raise MalformedPolicyDocument(problem.message) from None
            if ours_first:
                original(validator)

        return validate

    return make


def _validate_trust_on_create(original: Any) -> Any:
    def create_role(
        backend: Any, role_name: str, assume_role_policy_document: str, *args: Any, **kwargs: Any
    ) -> Any:
        from moto.iam.policy_validation import IAMTrustPolicyDocumentValidator

        IAMTrustPolicyDocumentValidator(assume_role_policy_document).validate()
        return original(backend, role_name, assume_role_policy_document, *args, **kwargs)

    return create_role


def install(patches: Patches) -> None:
    from moto.iam.models import IAMBackend
    from moto.iam.policy_validation import IAMPolicyDocumentValidator, IAMTrustPolicyDocumentValidator

    patches.wrap(IAMPolicyDocumentValidator, "validate", _also_check("identity", ours_first=False))
    # moto writes "Has prohibited field Resource." where IAM answers without the period.
    patches.wrap(IAMTrustPolicyDocumentValidator, "validate", _also_check("trust", ours_first=True))
    patches.wrap(IAMBackend, "create_role", _validate_trust_on_create)
