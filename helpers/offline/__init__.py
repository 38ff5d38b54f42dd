"""A faithful offline AWS for Cognito User Pools, Identity Pools and IAM on S3 and DynamoDB.

A moto extension: `install()` closes the gaps between moto and AWS that would mislead a learner
(README.md in this folder lists them, with what is not modelled). Run it in-process with
`in_process()` or as a local endpoint with `serve()`. This package imports nothing from the rest
of `helpers`; the course uses only the names in `__all__`.

Names load on first use, so `helpers.offline.iam` (the pure policy evaluator) can be imported
without moto.
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> the module that defines it (a module itself when the name is a module).
_PUBLIC = {
    # running it
    "install": "engine",
    "uninstall": "engine",
    "installed": "engine",
    "reset": "engine",
    "in_process": "engine",
    "InProcess": "engine",
    "admin_environment": "engine",
    "ACCOUNT_ID": "engine",
    "REGION": "engine",
    "ADMIN_ACCESS_KEY_ID": "engine",
    "ADMIN_SECRET_ACCESS_KEY": "engine",
    "serve": "server",
    "Server": "server",
    # what AWS delivers outside its APIs, and the lab's handles on time and IAM's delay
    "clock": None,
    "mailbox": "cognitoidp",
    "propagation": None,
    # why a request was allowed or denied
    "recent_decisions": "authz",
    "DecisionRecord": "decisions",
    "StatementRecord": "decisions",
    "explain": "decisions",
    "ALLOW": "iam",
    "EXPLICIT_DENY": "iam",
    "IMPLICIT_DENY": "iam",
    # AWS's guest scope-down session policies, as the engine applies them
    "GUEST_SESSION_POLICIES": "cognitoidentity",
    # the lab's stand-in for "Sign in with Google" (not an AWS service)
    "standin_idp": None,
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    where = _PUBLIC[name]
    if where is None:
        return importlib.import_module(f"{__name__}.{name}")
    return getattr(importlib.import_module(f"{__name__}.{where}"), name)
