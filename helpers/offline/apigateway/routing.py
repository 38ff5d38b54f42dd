"""Which API, stage and method (or route) an invoke URL names, and its path parameters.

* The stage is the first path segment, `https://{api_id}.execute-api.{region}.amazonaws.com/{stage}/
  {path}` (API Gateway DG how-to-call-api); an HTTP API's `$default` stage is served at the root,
  so a first segment that names no other stage belongs to the path (DG http-api-stages).
* REST resources are path templates: `{name}` matches one segment, a final `{name+}` ("greedy",
  usually `{proxy+}`) the rest of the path, one segment at least; the method `ANY` matches every
  method (DG api-gateway-set-up-simple-proxy, set-up-lambda-proxy-integrations). Of the resources
  that match, the most specific one that has the method wins: a literal segment before a
  parameter, a parameter before a greedy one (as LocalStack's and werkzeug's routers order them;
  the DG's examples assume it).
* HTTP API route keys are `"{METHOD} {path}"` with the same templates, or `$default`, which
  catches what no other route does; "API Gateway selects the route with the most-specific match",
  a method before `ANY` (DG http-api-develop-routes).

Path parameter values are given decoded, as AWS passes them to the integration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from .models import Operation

DEFAULT_ROUTE = "$default"
DEFAULT_STAGE = "$default"

# Specificity of one template segment.
_LITERAL, _PARAMETER, _GREEDY = 3, 2, 1


@dataclass(frozen=True)
class Routed:
    operation: Operation
    path_parameters: dict[str, str]


def split_stage(path: str, stage_names: frozenset[str], *, http_api: bool) -> tuple[str | None, str]:
    """(stage, the path after it). For an HTTP API a path under no stage belongs to `$default`."""
    first, _, rest = path.lstrip("/").partition("/")
    if first in stage_names and first != DEFAULT_STAGE:
        return first, "/" + rest
    if http_api and DEFAULT_STAGE in stage_names:
        return DEFAULT_STAGE, path if path.startswith("/") else "/" + path
    return (None, path) if http_api else (first or None, "/" + rest)


def _segments(path: str) -> list[str]:
    return [segment for segment in path.strip("/").split("/") if segment]


def match_template(template: str, path: str) -> tuple[tuple[int, ...], dict[str, str]] | None:
    """(specificity, parameters) when `path` matches the resource template, else None."""
    wanted, given = _segments(template), _segments(path)
    score: list[int] = []
    parameters: dict[str, str] = {}
    for index, part in enumerate(wanted):
        if part.startswith("{") and part.endswith("+}"):
            rest = given[index:]
            if index != len(wanted) - 1 or not rest:
                return None
            parameters[part[1:-2]] = unquote("/".join(rest))
            score.append(_GREEDY)
            return tuple(score), parameters
        if index >= len(given):
            return None
        if part.startswith("{") and part.endswith("}"):
            parameters[part[1:-1]] = unquote(given[index])
            score.append(_PARAMETER)
        elif part == given[index]:
            score.append(_LITERAL)
        else:
            return None
    if len(given) != len(wanted):
        return None
    return tuple(score), parameters


def route(operations: Sequence[Operation], method: str, path: str) -> Routed | None:
    """The operation that answers `method path`, or None (AWS's "Missing Authentication Token" on a
    REST API, "Not Found" on an HTTP API)."""
    candidates: list[tuple[tuple[int, ...], int, Operation, dict[str, str]]] = []
    default: Operation | None = None
    for operation in operations:
        if operation.route_key == DEFAULT_ROUTE:
            default = operation
            continue
        if operation.http_method not in (method, "ANY"):
            continue
        found = match_template(operation.path, path)
        if found is not None:
            score, parameters = found
            candidates.append((score, int(operation.http_method == method), operation, parameters))
    if candidates:
        _, _, operation, parameters = max(candidates, key=lambda candidate: (candidate[0], candidate[1]))
        return Routed(operation, parameters)
    if default is not None:
        return Routed(default, {})
    return None
