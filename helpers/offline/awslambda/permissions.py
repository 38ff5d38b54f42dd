"""May an AWS service invoke this function? The function's resource-based policy decides.

"When you use an AWS service to invoke your function, you grant permission in a statement on a
resource-based policy" (Lambda DG permissions-function-services); AddPermission adds the statement,
with `SourceArn` and `SourceAccount` as conditions (`aws:SourceArn`, `aws:SourceAccount`), and a
statement for a qualifier applies only when the function is invoked by that qualified ARN (API
AddPermission: "If you use a qualifier, the invoker must use the full Amazon Resource Name (ARN) of
that version or alias to invoke the function"). API Gateway and Cognito call `may_invoke` before
they invoke a function; a same-account IAM principal calling Invoke is decided by the authorization
layer on its identity-based policies instead.

moto keeps the statements (`LambdaFunction.policy.statements`). They are evaluated with the IAM
evaluator as a resource-based policy: the statements whose `Resource` names the invoked ARN are
evaluated for principal, action and conditions (`iam.evaluate_trust`, the evaluator's entry point for
a policy with a Principal element, whose decisions are labelled "resource-based"). The evaluator has
no policy kind that takes both Principal and Resource yet, so the Resource match is made here; a
function policy's resources are the concrete ARNs AddPermission wrote.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from .. import iam
from ..patching import Patches
from .exceptions import ResourceConflictException, ResourceNotFoundException

INVOKE = "lambda:InvokeFunction"
# The elements IAM knows; AddPermission may leave others behind (FunctionUrlAuthType, for function
# URLs, which the lab does not model).
_POLICY_ELEMENTS = ("Sid", "Effect", "Action", "NotAction", "Principal", "NotPrincipal", "Condition")


def find_function(function_arn: str) -> Any:
    """moto's function (or version) for a function ARN, qualified or not (ResourceNotFoundException
    when there is none)."""
    from moto.awslambda.exceptions import UnknownFunctionException
    from moto.awslambda.utils import get_backend

    parts = function_arn.split(":")
    if len(parts) < 7 or parts[2] != "lambda" or parts[5] != "function":
        raise ResourceNotFoundException(f"Function not found: {function_arn}")
    region, account_id = parts[3], parts[4]
    try:
        return get_backend(account_id, region).get_function(function_arn)
    except UnknownFunctionException:
        raise ResourceNotFoundException(f"Function not found: {function_arn}") from None


def _names(resource: Any, invoked_arn: str) -> bool:
    patterns = resource if isinstance(resource, list) else [resource]
    return any(isinstance(pattern, str) and fnmatch.fnmatchcase(invoked_arn, pattern) for pattern in patterns)


def may_invoke(
    function_arn: str,
    service_principal: str,
    source_arn: str | None = None,
    source_account: str | None = None,
) -> iam.Decision:
    """The decision of the function's resource-based policy on `service_principal` invoking
    `function_arn` on behalf of the resource `source_arn` in account `source_account`.

    Raises `ResourceNotFoundException` when there is no such function.
    """
    function = find_function(function_arn)
    context = {
        key: value
        for key, value in (("aws:SourceArn", source_arn), ("aws:SourceAccount", source_account))
        if value is not None
    }
    request = iam.Request(INVOKE, function_arn, context, {"Service": service_principal})
    statements = [
        {name: statement[name] for name in _POLICY_ELEMENTS if name in statement}
        for statement in function.policy.statements
        if _names(statement.get("Resource"), function_arn)
    ]
    if not statements:
        return iam.Decision(iam.IMPLICIT_DENY, request, (), (), "resource-based")
    policy = iam.NamedPolicy(
        f"{function.function_name} resource-based policy", {"Version": "2012-10-17", "Statement": statements}
    )
    return iam.evaluate_trust(policy, request)


def _unique_statement_ids(original: Any) -> Any:
    """AddPermission refuses a statement id the policy already has, as AWS does: "The statement id
    (<id>) provided already exists. Please provide a new statement id, or remove the existing
    statement." (ResourceConflictException, 409; the message as published AWS answers quote it, and
    as deployment tools match it to treat the permission as present). moto appends a duplicate,
    which leaves a policy IAM would not accept."""

    def add_statement(policy: Any, raw: str, qualifier: str | None = None) -> Any:
        wanted = json.loads(raw).get("StatementId")
        if any(statement.get("Sid") == wanted for statement in policy.statements):
            raise ResourceConflictException(
                f"The statement id ({wanted}) provided already exists. Please provide a new statement id, "
                "or remove the existing statement."
            )
        return original(policy, raw, qualifier)

    return add_statement


def install(patches: Patches) -> None:
    from moto.awslambda.policy import Policy

    patches.wrap(Policy, "add_statement", _unique_statement_ids)
