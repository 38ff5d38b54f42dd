"""What CreateFunction and UpdateFunctionConfiguration refuse, before moto stores the function.

As AWS answers (all `InvalidParameterValueException`, status 400):

* a role Lambda cannot assume: "The role defined for the function cannot be assumed by Lambda."
  (observed: cloudyr/aws.lambda#2, boto/boto3#2976, and the classic race with a role created a
  moment before, which IAM's simulated propagation delay reproduces). moto already refuses a role
  that does not exist with that message; here the trust policy must also allow
  `lambda.amazonaws.com` (`credentials.check_assumable`, the one trust check);
* a deprecated runtime: "The runtime parameter of python3.7 is no longer supported for creating
  or updating AWS Lambda functions. We recommend you use a supported runtime while creating or
  updating functions." (observed 2025, vittorio-nardone/disposable_app#3);
* UNCONFIRMED: a zip package without Runtime or Handler ("Runtime and Handler are mandatory
  parameters for functions created with deployment packages.", seen only as a title, pipe-cd/pipecd#1401),
  a file that is not a zip archive, and reserved environment variables (messages from memory of AWS
  answers; no capture was found).

The offline lab runs Python handlers only, on this interpreter: python3.11 to python3.13. Other
runtimes, container images and layers are real Lambda features the lab does not model; they are
refused with a message that says so, not silently accepted.
"""

from __future__ import annotations

import base64
import binascii
import io
import zipfile
from collections.abc import Mapping
from typing import Any

from ..sts import trust
from .credentials import check_assumable
from .exceptions import InvalidParameterValueException

RUNTIMES = ("python3.11", "python3.12", "python3.13")
DEPRECATED_RUNTIMES = frozenset({"python2.7", "python3.6", "python3.7"})
# Lambda DG configuration-envvars: reserved keys cannot be set in a function's configuration.
RESERVED_VARIABLES = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)
ROLE_NOT_ASSUMABLE = "The role defined for the function cannot be assumed by Lambda."


def check_role(account_id: str, role_arn: str) -> None:
    """Refuse a role whose trust policy does not let Lambda assume it (or not yet)."""
    try:
        check_assumable(account_id, role_arn)
    except trust.TrustDenied:
        raise InvalidParameterValueException(ROLE_NOT_ASSUMABLE) from None


def check_runtime(runtime: str) -> None:
    if runtime in DEPRECATED_RUNTIMES:
        raise InvalidParameterValueException(
            f"The runtime parameter of {runtime} is no longer supported for creating or updating AWS "
            "Lambda functions. We recommend you use a supported runtime while creating or updating functions."
        )
    if runtime not in RUNTIMES:
        raise InvalidParameterValueException(
            f"The offline lab runs Python functions only, on runtimes {', '.join(RUNTIMES)}; {runtime} "
            "is a Lambda runtime it does not model. Choose one of those, or run this on real AWS."
        )


def check_variables(variables: Mapping[str, str]) -> None:
    reserved = sorted(name for name in variables if name in RESERVED_VARIABLES)
    if reserved:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment variables "
            "you have provided contains reserved keys that are currently not supported for modification. "
            f"Reserved keys used in this request: {','.join(reserved)}"
        )


def check_zip(encoded: str | bytes) -> None:
    """`Code.ZipFile` as the request carries it (base64) must be a zip archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(encoded))) as opened:
            opened.namelist()
    except (binascii.Error, zipfile.BadZipFile):
        raise InvalidParameterValueException(
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        ) from None


def _not_modelled(what: str, instead: str) -> InvalidParameterValueException:
    return InvalidParameterValueException(f"The offline lab does not model {what}. {instead}")


def check_new_function(account_id: str, spec: Mapping[str, Any]) -> None:
    """CreateFunction's request, checked in the order a learner would fix it."""
    if spec.get("PackageType", "Zip") == "Image" or "ImageUri" in (spec.get("Code") or {}):
        raise _not_modelled("container images", "Use PackageType Zip with Code={'ZipFile': ...}.")
    if spec.get("Layers"):
        raise _not_modelled("Lambda layers", "Put the modules your handler needs in its zip.")
    if not spec.get("Runtime") or not spec.get("Handler"):
        raise InvalidParameterValueException(
            "Runtime and Handler are mandatory parameters for functions created with deployment packages."
        )
    check_runtime(spec["Runtime"])
    check_variables((spec.get("Environment") or {}).get("Variables") or {})
    zipped = (spec.get("Code") or {}).get("ZipFile")
    if isinstance(zipped, str | bytes):
        check_zip(zipped)
    _check_existing_role(account_id, spec.get("Role") or "")


def check_new_configuration(account_id: str, body: Mapping[str, Any]) -> None:
    """UpdateFunctionConfiguration's request: the same checks on what it changes."""
    if body.get("Layers"):
        raise _not_modelled("Lambda layers", "Put the modules your handler needs in its zip.")
    if "Runtime" in body:
        check_runtime(body["Runtime"])
    if "Environment" in body:
        check_variables((body.get("Environment") or {}).get("Variables") or {})
    if "Role" in body:
        _check_existing_role(account_id, body["Role"])


def _check_existing_role(account_id: str, role_arn: str) -> None:
    """The trust check, for a role that exists in this account; moto answers the other cases
    (a malformed ARN, another account, a missing role) as AWS does."""
    try:
        trust.find_role(account_id, role_arn)
    except trust.TrustDenied:
        return
    check_role(account_id, role_arn)
