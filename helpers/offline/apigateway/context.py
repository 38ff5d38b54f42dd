"""The one object an invocation carries from stage to stage: the request, where it was routed, who
the authorizer said the caller is, and the ids and times AWS stamps on it.

The pipeline (`gateway.py`) fills it in order: the request and the API (`route`), the authorizer's
`AuthorizerResult` (`authorize`), then the integration reads all of it to build its event.
"""

from __future__ import annotations

import base64
import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import clock, routes
from .models import HTTP, DeployedApi, Operation


@dataclass(frozen=True)
class AuthorizerResult:
    """What an authorizer decided, and what the integration learns about the caller.

    `decision` is "Allow" or "Deny"; `principal` names the caller (a token's `sub`, an IAM ARN);
    `claims` are the token's claims as signed (COGNITO_USER_POOLS, JWT), `scopes` the token's
    scopes the route asked for; `identity` is what AWS_IAM puts in `requestContext.identity`;
    `context` what a Lambda authorizer returned for the integration;
    `reason` says why, in the lab's words; `refusal` is what the client gets when denied.
    """

    decision: str
    authorization_type: str
    principal: str | None = None
    claims: Mapping[str, Any] = field(default_factory=dict)
    scopes: tuple[str, ...] | None = None
    identity: Mapping[str, Any] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)  # a Lambda authorizer's `context`
    reason: str = ""
    refusal: Exception | None = None

    @property
    def allowed(self) -> bool:
        return self.decision == "Allow"

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "authorization_type": self.authorization_type,
            "principal": self.principal,
            "claims": dict(self.claims),
            "scopes": list(self.scopes) if self.scopes is not None else None,
            "identity": dict(self.identity),
            "context": dict(self.context),
            "reason": self.reason,
        }


NOT_AUTHORIZED = AuthorizerResult("Allow", "NONE", reason="the method needs no authorization")


def _extended_request_id() -> str:
    # AWS's look like "A463GGgNPHcEaXQ=": base64 of 11 bytes.
    return base64.b64encode(uuid.uuid4().bytes[:11]).decode()


@dataclass
class Invocation:
    """One request to an invoke URL, as it moves through the pipeline."""

    request: routes.Request
    api: DeployedApi
    operation: Operation
    path: str  # after the stage: "/notes/1"
    path_parameters: dict[str, str]
    authorization: AuthorizerResult = NOT_AUTHORIZED
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    extended_request_id: str = field(default_factory=_extended_request_id)
    at: float = field(default_factory=clock.now)

    @property
    def http_api(self) -> bool:
        return self.api.kind == HTTP

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def domain_name(self) -> str:
        return f"{self.api.api_id}.execute-api.{self.api.region}.amazonaws.com"

    @property
    def stage_path(self) -> str:
        """The path as the client sent it, stage included for a named stage: "/prod/notes/1"."""
        if self.api.stage == "$default":
            return self.path
        return f"/{self.api.stage}{self.path}"

    def header(self, name: str) -> str | None:
        return self.request.headers.get(name.lower())

    def execute_api_arn(self) -> str:
        """The ARN IAM authorizes `execute-api:Invoke` on: `arn:aws:execute-api:{region}:{account}:
        {api_id}/{stage}/{METHOD}/{path}` with the request's own method and path (DG
        api-gateway-control-access-using-iam-policies-to-invoke-api, arn-format-reference)."""
        return (
            f"arn:aws:execute-api:{self.api.region}:{self.api.account_id}:"
            f"{self.api.api_id}/{self.api.stage}/{self.method}{self.path}"
        )

    def source_arn(self) -> str:
        """The `aws:SourceArn` API Gateway invokes a function with, `{api_id}/{stage}/{METHOD}/
        {resource path}`, what AddPermission examples name (DG set-up-lambda-proxy-integration-
        using-cli: `.../7gshcby1c6/*/POST/my-resource`); the `$default` route of an HTTP API is
        `{api_id}/{stage}/$default` (DG http-api-troubleshooting-lambda; aws/serverless-application-
        model#1860). UNCONFIRMED: that the path is the resource's template (`/notes/{id}`, as
        Terraform's and SAM's generated permissions write it) and the method the request's own for
        an ANY method (a permission naming `ANY` never matches: aws/serverless-application-model#296).
        """
        operation = self.operation
        where = "$default" if operation.route_key == "$default" else f"{self.method}{operation.path}"
        api = self.api
        return f"arn:aws:execute-api:{api.region}:{api.account_id}:{api.api_id}/{api.stage}/{where}"

    def request_time(self) -> str:
        """`$context.requestTime`: "22/Jul/2026:03:52:51 +0000"."""
        moment = datetime.datetime.fromtimestamp(self.at, tz=datetime.UTC)
        return moment.strftime("%d/%b/%Y:%H:%M:%S +0000")

    def request_time_epoch(self) -> int:
        return int(self.at * 1000)
