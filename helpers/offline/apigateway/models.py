"""What an invoke URL answers with: the deployed API, as plain data read from moto's models.

A REST API serves what was *deployed*, not what it looks like now: "After creating your API, you
must deploy it to make it callable by your users", and a change to a method, an integration or an
authorizer takes effect only with a new deployment (API Gateway DG how-to-deploy-api,
apigateway-enable-cognito-user-pool: "... deploy the API"). moto keeps no such snapshot (a
`Deployment` is a name and a date), so the engine takes one when moto creates a deployment
(`snapshot_rest_api`, called by the hook in `responses.py`) and keeps it per account and region
(`state.StateDict`), forgotten with moto's reset. A stage serves the snapshot of its deployment.

An HTTP API's stage serves the API's routes as they are now: moto has no CreateDeployment for
apigatewayv2, so every stage behaves as an `autoDeploy` stage does on AWS (DG http-api-stages);
README says so.

The classes below are the pipeline's view of either kind: `Operation` is a REST method on a
resource or an HTTP API route, with its authorizer and integration.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..state import EngineState, StateDict

REST = "REST"
HTTP = "HTTP"

# arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function ARN}/invocations
_LAMBDA_URI = re.compile(
    r"^arn:aws:apigateway:[a-z0-9-]+:lambda:path/[^/]+/functions/(?P<function>[^/]+)/invocations$"
)


def function_arn_of(uri: str | None) -> str | None:
    """The Lambda function a Lambda integration or authorizer URI names (or the function ARN itself)."""
    if not uri:
        return None
    found = _LAMBDA_URI.match(uri)
    if found:
        return found["function"]
    return uri if uri.startswith("arn:aws:lambda:") else None


@dataclass(frozen=True)
class IntegrationResponse:
    """A REST integration response (MOCK integrations choose one by the status their template sets)."""

    status_code: str
    selection_pattern: str | None
    templates: Mapping[str, str | None]
    parameters: Mapping[str, str]


@dataclass(frozen=True)
class Integration:
    type: str  # AWS_PROXY, MOCK, AWS, HTTP, HTTP_PROXY
    uri: str | None
    credentials: str | None = None
    request_templates: Mapping[str, str | None] = field(default_factory=dict)
    responses: tuple[IntegrationResponse, ...] = ()
    payload_format_version: str = "1.0"  # HTTP APIs' Lambda integrations: "1.0" or "2.0"

    @property
    def function_arn(self) -> str | None:
        """The Lambda function a Lambda integration invokes."""
        return function_arn_of(self.uri)


@dataclass(frozen=True)
class Authorizer:
    id: str
    name: str
    type: str  # COGNITO_USER_POOLS, JWT, TOKEN, REQUEST
    identity_source: tuple[str, ...]  # "method.request.header.Authorization", "$request.header.Authorization"
    provider_arns: tuple[str, ...] = ()  # COGNITO_USER_POOLS: the user pools
    validation_expression: str | None = None  # COGNITO_USER_POOLS: a regex the ID token's aud must match
    issuer: str | None = None  # JWT
    audience: tuple[str, ...] = ()  # JWT
    uri: str | None = None  # TOKEN, REQUEST: the Lambda function's invocation URI
    result_ttl: int = 300  # TOKEN, REQUEST: seconds a result is cached (0: not cached)


@dataclass(frozen=True)
class Operation:
    """A REST method on a resource, or an HTTP API route: what a request is routed to."""

    http_method: str  # GET, POST, ..., or ANY
    path: str  # "/notes/{id}"; "$default" for an HTTP API's $default route
    resource_id: str | None  # REST: the resource's id
    route_key: str | None  # HTTP APIs: "GET /notes/{id}" or "$default"
    authorization_type: str  # NONE, COGNITO_USER_POOLS, AWS_IAM, JWT, CUSTOM
    authorizer: Authorizer | None
    scopes: tuple[str, ...]
    integration: Integration | None
    api_key_required: bool = False  # REST methods only


@dataclass(frozen=True)
class DeployedApi:
    """One API as one of its stages serves it."""

    kind: str  # REST or HTTP
    api_id: str
    account_id: str
    region: str
    stage: str
    deployment_id: str | None
    stage_variables: Mapping[str, str]
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class RestSnapshot:
    """A REST API's methods and authorizers when a deployment was made."""

    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class CachedAuthorization:
    """A Lambda authorizer's output, kept for its TTL (keyed by the identity sources' values)."""

    expires_at: float
    output: Mapping[str, Any]


class ApiGatewayState(EngineState):
    """One account's and region's deployment snapshots, by (API id, deployment id), and Lambda
    authorizers' cached results, by (API id, authorizer id, identity source values)."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.snapshots: dict[tuple[str, str], RestSnapshot] = {}
        self.authorizer_cache: dict[tuple[str, str, tuple[str, ...]], CachedAuthorization] = {}


states: StateDict[ApiGatewayState] = StateDict(ApiGatewayState, "apigateway")
_lock = threading.Lock()


def cached_authorization(
    account_id: str, region: str, key: tuple[str, str, tuple[str, ...]], now: float
) -> Mapping[str, Any] | None:
    with _lock:
        found = states.get(account_id, region).authorizer_cache.get(key)
    return found.output if found is not None and found.expires_at > now else None


def cache_authorization(
    account_id: str, region: str, key: tuple[str, str, tuple[str, ...]], cached: CachedAuthorization
) -> None:
    with _lock:
        states.get(account_id, region).authorizer_cache[key] = cached


# --- REST APIs -----------------------------------------------------------------------------------


def _rest_authorizer(found: Any) -> Authorizer:
    source = found.identity_source or "method.request.header.Authorization"
    return Authorizer(
        id=str(found.id),
        name=str(found.name or ""),
        type=str(found.type or ""),
        identity_source=tuple(part.strip() for part in str(source).split(",")),
        provider_arns=tuple(found.provider_arns or ()),
        validation_expression=found.identity_validation_expression or None,
        uri=found.authorizer_uri or None,
        result_ttl=int(found.authorizer_result_ttl if found.authorizer_result_ttl is not None else 300),
    )


def _rest_integration(found: Any) -> Integration | None:
    if found is None:
        return None
    responses = tuple(
        IntegrationResponse(
            str(response.status_code),
            response.selection_pattern or None,
            dict(response.response_templates or {}),
            dict(response.response_parameters or {}),
        )
        for response in (found.integration_responses or {}).values()
    )
    return Integration(
        type=str(found.integration_type).upper(),
        uri=found.uri or None,
        credentials=found.credentials or None,
        request_templates=dict(found.request_templates or {}),
        responses=responses,
    )


def snapshot_rest_api(api: Any) -> RestSnapshot:
    """The methods of every resource of moto's `RestAPI`, with their authorizers, as of now."""
    authorizers = {key: _rest_authorizer(value) for key, value in api.authorizers.items()}
    operations = []
    for resource in list(api.resources.values()):
        path = resource.get_path()
        for method in list(resource.resource_methods.values()):
            operations.append(
                Operation(
                    http_method=str(method.http_method).upper(),
                    path=path,
                    resource_id=str(resource.id),
                    route_key=None,
                    authorization_type=str(method.authorization_type or "NONE").upper(),
                    authorizer=authorizers.get(method.authorizer_id or ""),
                    scopes=tuple(method.authorization_scopes or ()),
                    integration=_rest_integration(method.method_integration),
                    api_key_required=bool(method.api_key_required),
                )
            )
    return RestSnapshot(tuple(operations))


def remember_deployment(api: Any, deployment_id: str) -> None:
    """Keep what `deployment_id` of moto's `RestAPI` serves."""
    snapshot = snapshot_rest_api(api)
    with _lock:
        states.get(api.account_id, api.region_name).snapshots[(api.id, deployment_id)] = snapshot


def _deployed_rest_api(api: Any, stage_name: str) -> DeployedApi | None:
    stage = api.stages.get(stage_name)
    if stage is None:
        return None
    with _lock:
        snapshot = states.get(api.account_id, api.region_name).snapshots.get((api.id, stage.deployment_id))
    if snapshot is None:  # deployed before the engine was installed: serve it as it is now
        snapshot = snapshot_rest_api(api)
    return DeployedApi(
        kind=REST,
        api_id=str(api.id),
        account_id=str(api.account_id),
        region=str(api.region_name),
        stage=stage_name,
        deployment_id=stage.deployment_id,
        stage_variables=dict(stage.variables or {}),
        operations=snapshot.operations,
    )


# --- HTTP APIs -----------------------------------------------------------------------------------


def _http_authorizer(found: Any) -> Authorizer:
    jwt_configuration = found.jwt_config or {}
    return Authorizer(
        id=str(found.id),
        name=str(found.name or ""),
        type=str(found.authorizer_type or ""),
        identity_source=tuple(found.identity_source or ("$request.header.Authorization",)),
        issuer=jwt_configuration.get("issuer"),
        audience=tuple(jwt_configuration.get("audience") or ()),
    )


def _http_integration(found: Any) -> Integration:
    return Integration(
        type=str(found.integration_type).upper(),
        uri=found.integration_uri or None,
        credentials=found.credentials_arn or None,
        payload_format_version=str(found.payload_format_version or "2.0"),
    )


def _http_operations(api: Any) -> tuple[Operation, ...]:
    operations = []
    for route in list(api.routes.values()):
        key = str(route.route_key)
        method, _, path = key.partition(" ")
        target = str(route.target or "")
        integration = api.integrations.get(target.removeprefix("integrations/")) if target else None
        authorizer = api.authorizers.get(route.authorizer_id or "")
        operations.append(
            Operation(
                http_method=method.upper() if path else "ANY",
                path=path or key,
                resource_id=None,
                route_key=key,
                authorization_type=str(route.authorization_type or "NONE").upper(),
                authorizer=_http_authorizer(authorizer) if authorizer is not None else None,
                scopes=tuple(route.authorization_scopes or ()),
                integration=_http_integration(integration) if integration is not None else None,
            )
        )
    return tuple(operations)


def _deployed_http_api(api: Any, account_id: str, region: str, stage_name: str) -> DeployedApi | None:
    stage = api.stages.get(stage_name)
    if stage is None:
        return None
    return DeployedApi(
        kind=HTTP,
        api_id=str(api.api_id),
        account_id=account_id,
        region=region,
        stage=stage_name,
        deployment_id=None,
        stage_variables=dict(stage.stage_variables or {}),
        operations=_http_operations(api),
    )


# --- finding the API an invoke URL names -------------------------------------------------------


@dataclass(frozen=True)
class FoundApi:
    """The API an invoke URL's host names, and the stages it has."""

    kind: str
    account_id: str
    region: str
    model: Any  # moto's RestAPI or apigatewayv2 Api
    stage_names: frozenset[str]

    def deployed(self, stage_name: str) -> DeployedApi | None:
        if self.kind == REST:
            return _deployed_rest_api(self.model, stage_name)
        return _deployed_http_api(self.model, self.account_id, self.region, stage_name)


def find_api(api_id: str, region: str) -> FoundApi | None:
    """The REST or HTTP API with this id in `region`, in any account (an invoke URL names no account)."""
    from moto.apigateway.models import apigateway_backends
    from moto.apigatewayv2.models import apigatewayv2_backends

    for account_id, backend_region, backend in list(apigateway_backends.iter_backends()):
        api = getattr(backend, "apis", {}).get(api_id) if backend_region == region else None
        if api is not None:
            return FoundApi(REST, account_id, region, api, frozenset(api.stages))
    for account_id, backend_region, backend in list(apigatewayv2_backends.iter_backends()):
        api = getattr(backend, "apis", {}).get(api_id) if backend_region == region else None
        if api is not None and str(api.protocol_type).upper() == HTTP:
            return FoundApi(HTTP, account_id, region, api, frozenset(api.stages))
    return None
