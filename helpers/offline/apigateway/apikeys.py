"""A REST method with `apiKeyRequired`: the request's `x-api-key` must be an enabled API key of a
usage plan that includes this API's stage.

"API keys ... you must associate [them] with a usage plan" and the plan with the API stage (DG
api-gateway-api-usage-plans); a request without such a key is refused 403 `{"message":"Forbidden"}`
(observed: svdgraaf/serverless-screenshot#10, a key not tied to a usage plan; UNCONFIRMED:
`x-amzn-ErrorType: ForbiddenException`). The key is read from the `x-api-key` header (the API's
`apiKeySource` HEADER; a key supplied by a Lambda authorizer is not modelled). Throttling and quotas
are not modelled: a valid key is never refused for its rate.
"""

from __future__ import annotations

from .context import Invocation
from .exceptions import ForbiddenException


def check(invocation: Invocation) -> None:
    """Raise AWS's refusal unless the method needs no key or the request carries a valid one."""
    if not invocation.operation.api_key_required:
        return
    presented = invocation.header("x-api-key")
    if not presented:
        raise ForbiddenException(reason="the method requires an API key and the request has no x-api-key")
    if not _in_a_usage_plan(invocation, presented):
        raise ForbiddenException(
            reason="the x-api-key is not an enabled API key of a usage plan that includes this stage"
        )


def _in_a_usage_plan(invocation: Invocation, presented: str) -> bool:
    from moto.apigateway.models import apigateway_backends

    api = invocation.api
    backend = apigateway_backends[api.account_id][api.region]
    key = next((key for key in backend.keys.values() if key.value == presented), None)
    if key is None or not key.enabled:
        return False
    plans = [
        plan.id
        for plan in backend.usage_plans.values()
        if any(
            stage.get("apiId") == api.api_id and stage.get("stage") == api.stage
            for stage in plan.api_stages or []
        )
    ]
    return any(key.id in backend.usage_plan_keys.get(plan, {}) for plan in plans)
