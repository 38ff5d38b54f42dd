"""The engine's hooks on moto's API Gateway models.

* `RestAPI.update_integration_mocks` is switched off. moto calls it whenever a stage or deployment
  is made, and registers a `responses` callback per resource and method that answers the invoke
  URL itself, in decorator mode only, with its own integration parsers: an HTTP integration makes a
  real request (the lab must not reach the network), an `AWS` one reaches only DynamoDB, and a
  Lambda proxy raises NotImplementedError. The engine's route (`gateway.ROUTES`) answers every
  invoke URL instead, in-process and at the endpoint alike; left on, moto's callbacks would pile
  up with every deployment and answer first whenever they were registered first.
* `RestAPI.create_deployment` is wrapped to keep what the deployment serves (`models`): on AWS a
  stage serves its deployment, not the API as it is now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..patching import Patches
from . import models


def _no_integration_mocks(api: Any, stage_name: str) -> None:
    """Replacement for `RestAPI.update_integration_mocks`: the engine's route answers invoke URLs."""
    return None


def _remembering_deployments(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_deployment(api: Any, name: str, description: str, stage_variables: Any = None) -> Any:
        deployment = original(api, name, description, stage_variables)
        models.remember_deployment(api, str(deployment.id))
        return deployment

    return create_deployment


def install(patches: Patches) -> None:
    from moto.apigateway.models import RestAPI

    patches.replace(RestAPI, "update_integration_mocks", _no_integration_mocks)
    patches.wrap(RestAPI, "create_deployment", _remembering_deployments)
