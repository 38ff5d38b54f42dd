"""The role ARN IAM evaluates for a role that does not exist yet, where moto passes "*".

A permission policy scoped to resources (`arn:aws:iam::*:role/cognito-lab-*`) must allow or deny
offline as it does on AWS, or the course's least-privilege runner policy could not be tested
offline. IAM role actions on a role that does not exist yet (`CreateRole`, a `GetRole` that will
answer NoSuchEntity) are authorized by AWS against the role's would-be ARN
`arn:aws:iam::<account>:role<path><name>` (Service Authorization Reference, IAM: CreateRole's
resource type is `role*`); moto answers "*". (DynamoDB's tagging ARNs are read in `requestkeys`.)
"""

from __future__ import annotations

from typing import Any

from .patching import Patches


def _role_arn(original: Any) -> Any:
    def resolve(self: Any, role_name: str) -> str:
        found = original(self, role_name)
        if found != "*":
            return found
        path = self._get_param("Path") or "/"
        return f"arn:aws:iam::{self.current_account}:role{path}{role_name}"

    return resolve


def install(patches: Patches) -> None:
    from moto.iam.responses import IamResponse

    patches.wrap(IamResponse, "_resolve_resource_arn", _role_arn)
