"""API Gateway invocation, offline: REST and HTTP APIs answer at their invoke URLs as AWS answers.

moto keeps API Gateway's control plane (CreateRestApi, PutMethod, CreateAuthorizer, CreateApi,
CreateRoute, ...) and answers invoke URLs only in decorator mode, with integrations that make real
HTTP calls or raise NotImplementedError, and never evaluates an authorizer. This package answers
`https://{api_id}.execute-api.{region}.amazonaws.com/{stage}/{path}` itself, in-process and at the
endpoint (a request whose `Host` is that name), through one pipeline (`gateway`): route, authorize
(Cognito user pools, JWT, AWS_IAM, REST Lambda authorizers), integrate (Lambda proxy with payload
1.0 and 2.0, mock), respond, with API Gateway's own gateway responses for every failure. What is
modelled and what is not: helpers/offline/README.md.

Modules: `responses` (the moto hooks), `models` (the deployed API, read from moto), `routing`,
`context` (the invocation and the authorizer's result), `authorizers` with `cognito_authorizer`,
`jwt_authorizer`, `iam_authorizer` and `lambda_authorizer`, `apikeys`, `payloads` (the Lambda
events), `integrations`, `gateway` (the pipeline, the invocation log and the route table entries),
`exceptions`, and `openapi` (moto's OpenAPI validator, imported on first use).
"""

from __future__ import annotations

from .gateway import ROUTES, recent_invocations
from .responses import install

__all__ = ["ROUTES", "install", "recent_invocations", "reset"]


def reset() -> None:
    """Forget the logged invocations (deployment snapshots go with moto's reset)."""
    from . import gateway

    gateway.clear()
