"""API Gateway's pipeline pieces on their own: routing, the proxy response check, claim formats.

The contract tests (tests/contract/test_api_gateway.py) show each behaviour end to end; these pin
the rules behind them where an end-to-end test would need many APIs to show them all.
"""

from __future__ import annotations

import json

import pytest

from helpers.offline.apigateway import cognito_authorizer, jwt_authorizer, routing
from helpers.offline.apigateway.integrations import _proxy_response
from helpers.offline.apigateway.models import Integration, Operation


def _operation(method: str, path: str, route_key: str | None = None) -> Operation:
    return Operation(method, path, None, route_key, "NONE", None, (), None)


OPERATIONS = (
    _operation("GET", "/notes/{id}"),
    _operation("GET", "/notes/mine"),
    _operation("ANY", "/notes/{id}"),
    _operation("ANY", "/{proxy+}"),
    _operation("GET", "/"),
)


@pytest.mark.parametrize(
    ("method", "path", "expected", "parameters"),
    [
        ("GET", "/notes/mine", "/notes/mine", {}),  # a literal segment before a parameter
        ("GET", "/notes/n1", "/notes/{id}", {"id": "n1"}),
        ("DELETE", "/notes/n1", "/notes/{id}", {"id": "n1"}),  # ANY on the most specific resource
        ("GET", "/files/a/b%20c.txt", "/{proxy+}", {"proxy": "files/a/b c.txt"}),  # greedy, decoded
        ("GET", "/", "/", {}),
        ("POST", "/", None, {}),  # {proxy+} needs a segment; the root has no POST
    ],
)
def test_the_most_specific_resource_that_has_the_method_answers(
    method: str, path: str, expected: str | None, parameters: dict[str, str]
) -> None:
    routed = routing.route(OPERATIONS, method, path)
    assert (routed.operation.path if routed else None) == expected
    assert (routed.path_parameters if routed else {}) == parameters


def test_a_method_route_beats_any_and_default_catches_the_rest() -> None:
    operations = (
        _operation("ANY", "/notes", "ANY /notes"),
        _operation("GET", "/notes", "GET /notes"),
        _operation("ANY", "$default", "$default"),
    )
    assert routing.route(operations, "GET", "/notes").operation.route_key == "GET /notes"  # type: ignore[union-attr]
    assert routing.route(operations, "PUT", "/notes").operation.route_key == "ANY /notes"  # type: ignore[union-attr]
    assert routing.route(operations, "GET", "/other").operation.route_key == "$default"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "http_api", "expected"),
    [
        ("/prod/notes", False, ("prod", "/notes")),
        ("/notes", False, ("notes", "/")),  # a REST path always starts with its stage
        ("/prod/notes", True, ("prod", "/notes")),
        ("/notes", True, ("$default", "/notes")),  # HTTP APIs: $default is served at the root
    ],
)
def test_the_stage_is_the_first_segment_unless_default_serves_the_root(
    path: str, http_api: bool, expected: tuple[str, str]
) -> None:
    stages = frozenset({"prod", "$default"}) if http_api else frozenset({"prod"})
    assert routing.split_stage(path, stages, http_api=http_api) == expected


@pytest.mark.parametrize(
    "payload",
    [
        {"statusCode": 200, "body": {"not": "a string"}},  # observed 502: vincentsarago/lambda-proxy#59
        {"body": "no status"},
        {"statusCode": 200, "body": "x", "extra": 1},
        {"statusCode": 200, "headers": ["not", "a", "map"]},
        {"statusCode": 200, "isBase64Encoded": "yes"},
        "just a string",
        None,
    ],
)
def test_a_malformed_proxy_response_is_refused(payload: object) -> None:
    assert _proxy_response(payload, allow_cookies=False) is None


def test_a_proxy_response_merges_headers_and_decodes_base64() -> None:
    answer = _proxy_response(
        {
            "statusCode": "404",
            "headers": {"X-A": "1", "X-B": 2},
            "multiValueHeaders": {"X-A": ["3", "4"]},
            "body": "aGk=",
            "isBase64Encoded": True,
        },
        allow_cookies=False,
    )
    assert answer is not None
    assert answer.status == 404 and answer.body == b"hi"
    assert answer.headers == [("Content-Type", "application/json"), ("X-A", "3"), ("X-A", "4"), ("X-B", "2")]


def test_cookies_are_set_cookie_headers_in_payload_2_only() -> None:
    payload = {"statusCode": 200, "body": "", "cookies": ["a=1", "b=2"]}
    answer = _proxy_response(payload, allow_cookies=True)
    assert answer is not None and ("Set-Cookie", "b=2") in answer.headers
    assert _proxy_response(payload, allow_cookies=False) is None


def test_claims_are_strings_in_each_apis_own_format() -> None:
    claims = {
        "exp": 1680630000,
        "auth_time": 1680629979,
        "email_verified": True,
        "cognito:groups": ["a", "b"],
    }
    rest = {name: cognito_authorizer.claim_text(name, value) for name, value in claims.items()}
    assert rest == {
        "exp": "Tue Apr 04 17:40:00 UTC 2023",
        "auth_time": "1680629979",
        "email_verified": "true",
        "cognito:groups": "a,b",  # UNCONFIRMED join
    }
    http = {name: jwt_authorizer.claim_text(value) for name, value in claims.items()}
    assert http["exp"] == "1680630000" and http["cognito:groups"] == "[a b]"
    assert jwt_authorizer.claim_text({"k": 1}) == json.dumps({"k": 1}, separators=(",", ":"))


def test_a_lambda_integration_names_its_function() -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:notes"
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"
    assert Integration("AWS_PROXY", uri).function_arn == arn
    assert Integration("AWS_PROXY", arn).function_arn == arn  # HTTP APIs may name the function itself
    assert Integration("HTTP_PROXY", "https://example.com").function_arn is None
