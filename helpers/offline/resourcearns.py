"""The resource ARN IAM evaluates, where moto passes "*" but AWS names the resource.

A permission policy scoped to resources (`arn:aws:iam::*:role/cognito-lab-*`,
`arn:aws:dynamodb:*:*:table/cognito-lab-*`) must allow or deny offline as it does on AWS, or the
course's least-privilege runner policy could not be tested offline:

- IAM role actions on a role that does not exist yet (`CreateRole`, a `GetRole` that will answer
  NoSuchEntity): AWS authorizes them against the role's would-be ARN
  `arn:aws:iam::<account>:role<path><name>` (Service Authorization Reference, IAM: CreateRole's
  resource type is `role*`); moto answers "*".
- DynamoDB's tagging actions (`ListTagsOfResource`, `TagResource`, `UntagResource`) take the table's
  ARN in `ResourceArn` (Service Authorization Reference, DynamoDB: resource type `table*`); the
  request carries no `TableName`, so the generic lookup found "*".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import requestkeys
from .patching import Patches

_DYNAMODB_TAGGING = {"ListTagsOfResource", "TagResource", "UntagResource"}


def _role_arn(original: Any) -> Any:
    def resolve(self: Any, role_name: str) -> str:
        found = original(self, role_name)
        if found != "*":
            return found
        path = self._get_param("Path") or "/"
        return f"arn:aws:iam::{self.current_account}:role{path}{role_name}"

    return resolve


def _dynamodb_tagging(original: Any) -> Any:
    def resources(response: Any, operation: str, region: str, account_id: str) -> Iterator[Any]:
        if operation in _DYNAMODB_TAGGING:
            arn = requestkeys._json_body(response).get("ResourceArn")
            if isinstance(arn, str):
                yield arn, {}
                return
        yield from original(response, operation, region, account_id)

    return resources


def install(patches: Patches) -> None:
    from moto.iam.responses import IamResponse

    patches.wrap(IamResponse, "_resolve_resource_arn", _role_arn)
    patches.wrap(requestkeys, "_dynamodb", _dynamodb_tagging)
