"""Lambda functions in Python, offline and without Docker: moto's Lambda made to run them as AWS does.

`create_function` refuses what AWS refuses (a role Lambda cannot assume, a deprecated runtime) and
what the lab does not model; `invoke` runs the handler in a warm child process per function with
AWS's event, context and environment, including temporary credentials of the function's execution
role, so the handler's own boto3 calls reach the same offline AWS and are decided as that role.
`may_invoke` is the function's resource-based policy, for the services that invoke functions
(API Gateway, Cognito triggers). What is modelled and what is not: helpers/offline/README.md.

Modules: `responses` (the moto hooks), `configuration` (CreateFunction's checks), `executor` (the
execution environments), `runtime` (the child's side), `environment` (its variables),
`credentials` (the execution role's session), `permissions` (`may_invoke`), `exceptions`. A
handler's own calls go to the engine's loopback endpoint (`..loopback`). Other services invoke a
function with `invoke_function` once `may_invoke` allows them.
"""

from __future__ import annotations

from . import executor
from .executor import Outcome
from .permissions import may_invoke
from .responses import install, invoke_function

__all__ = ["Outcome", "install", "invoke_function", "may_invoke", "reset"]


def reset() -> None:
    """Stop every execution environment (engine reset and uninstall)."""
    executor.stop_all()
