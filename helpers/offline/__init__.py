"""A faithful offline AWS for Cognito User Pools, Identity Pools, IAM on S3 and DynamoDB, Lambda
and API Gateway.

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

# name -> the module that defines it; a name that is itself a module maps to its path
# ("propagation" -> "iam.propagation").
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
    "webclient": "webclient",
    "botocore_session": "botocoredata",
    "Server": "server",
    # what AWS delivers outside its APIs, and the lab's handles on time and IAM's delay
    "clock": "clock",
    "mailbox": "cognitoidp.mailbox",
    "propagation": "iam.propagation",
    # why a request was allowed or denied
    "recent_decisions": "authorization",
    "DecisionRecord": "iam.decisions",
    "StatementRecord": "iam.decisions",
    "explain": "iam.decisions",
    # what API Gateway did with each request to an invoke URL (its execution log, in the lab's words)
    "recent_invocations": "apigateway",
    "ALLOW": "iam",
    "EXPLICIT_DENY": "iam",
    "IMPLICIT_DENY": "iam",
    # AWS's guest scope-down session policies, as the engine applies them
    "GUEST_SESSION_POLICIES": "cognitoidentity",
    # the lab's stand-in for "Sign in with Google" (not an AWS service)
    "standin_idp": "standin_idp",
    # the course's web app that managed login sends users back to (not an AWS service)
    "notes_app": "notes_app",
    # its passkey page: a browser makes or uses a passkey for the kernel (not an AWS service)
    "passkey_page": "passkey_page",
    # this process's offline AWS on 127.0.0.1, for browsers (jupyter-server-proxy) and Lambda
    "loopback": "loopback",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    where = _PUBLIC[name]
    module = importlib.import_module(f"{__name__}.{where}")
    return module if where.rpartition(".")[2] == name else getattr(module, name)
