"""STS as AWS does it: trust policies honoured, and what a session carries remembered.

moto's STS hands out credentials for any role and token. This package makes AssumeRole and
AssumeRoleWithWebIdentity check the role's trust policy (`trust`, the one trust check, which
Cognito Identity's GetCredentialsForIdentity calls too), honour session policies, tags and
durations, and keep each session's request context for the IAM evaluator (`sessions`). Sources:
STS API Reference (AssumeRole, AssumeRoleWithWebIdentity); IAM User Guide "Session policies",
"Passing session tags in AWS STS", "Available keys for web identity federation".

Modules: `sessions` (state per account), `trust`, `assumerole`, `webidentity`, `responses` (the
patched `TokenResponse` methods), `exceptions`.
"""

from __future__ import annotations

from .responses import install

__all__ = ["install"]
