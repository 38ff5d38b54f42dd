"""The environment variables a function's process sees: the ones Lambda defines, then the function's own.

Lambda DG configuration-envvars ("Defined runtime environment variables"): `_HANDLER`, `AWS_REGION`,
`AWS_DEFAULT_REGION`, `AWS_EXECUTION_ENV` (`AWS_Lambda_<runtime>`), `AWS_LAMBDA_FUNCTION_NAME`,
`..._MEMORY_SIZE`, `..._VERSION`, `AWS_LAMBDA_INITIALIZATION_TYPE`, `AWS_LAMBDA_LOG_GROUP_NAME` /
`..._STREAM_NAME`, the execution role's `AWS_ACCESS_KEY(_ID)`, `AWS_SECRET_ACCESS_KEY`,
`AWS_SESSION_TOKEN`, `LAMBDA_TASK_ROOT`, `LAMBDA_RUNTIME_DIR`, `TZ` (UTC); unreserved `LANG`
(en_US.UTF-8) and `PATH`. The reserved keys cannot be set in a function's configuration
(`configuration.RESERVED_VARIABLES`).

Not Lambda's, and said here because a handler that prints its environment will see them:
`AWS_ENDPOINT_URL` is the lab's plumbing (the offline AWS's address, so the handler's boto3 calls
with no endpoint argument reach it), and on Windows `SYSTEMROOT`, without which Python cannot start
there. There is no `AWS_LAMBDA_RUNTIME_API` (the runtime speaks to the engine over pipes) and no
`_X_AMZN_TRACE_ID` (X-Ray is not modelled).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from .. import clock

if TYPE_CHECKING:
    from .credentials import Credentials
    from .executor import FunctionSpec


def log_stream_name(version: str) -> str:
    """`YYYY/MM/DD/[<version>]<32 hex>`, the name Lambda gives an environment's log stream."""
    return f"{clock.utcnow():%Y/%m/%d}/[{version}]{uuid.uuid4().hex}"


def variables(
    spec: FunctionSpec,
    credentials: Credentials,
    endpoint_url: str,
    task_root: Path,
    log_stream: str,
) -> dict[str, str]:
    defined = {
        "_HANDLER": spec.handler,
        "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
        "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group,
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
        "AWS_ACCESS_KEY": credentials.access_key_id,
        "AWS_ACCESS_KEY_ID": credentials.access_key_id,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_access_key,
        "AWS_SESSION_TOKEN": credentials.session_token,
        "LAMBDA_TASK_ROOT": str(task_root),
        "LAMBDA_RUNTIME_DIR": str(Path(__file__).parent),
        "TZ": "UTC",
        "LANG": "en_US.UTF-8",
        "PATH": os.environ.get("PATH", os.defpath),
    }
    if "SYSTEMROOT" in os.environ:
        defined["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    return {**defined, **dict(spec.variables), "AWS_ENDPOINT_URL": endpoint_url}
