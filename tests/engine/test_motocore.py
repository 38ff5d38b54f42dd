"""`motocore`: moto's per-request recomputations, answered without them and with the same answers."""

from __future__ import annotations

import inspect

from moto.apigateway.responses import APIGatewayResponse
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.utils import method_names_from_class
from moto.dynamodb.responses import DynamoHandler

from helpers.offline.motocore import FunctionNames


def test_function_names_answer_as_moto_lists_them() -> None:
    for owner in (DynamoHandler, CognitoIdpResponse, APIGatewayResponse):
        listed = method_names_from_class(owner)  # moto's own, as imported by the engine's tests
        names = FunctionNames(owner)
        assert sorted(names) == sorted(listed)
        assert all(name in names for name in listed)
        others = [name for name, _ in inspect.getmembers(owner) if name not in listed]
        assert others and not any(name in names for name in others)
        assert "no_such_operation" not in names and 3 not in names


def test_a_method_added_later_is_seen() -> None:
    class Late:
        pass

    names = FunctionNames(Late)
    assert "get_item" not in names
    Late.get_item = lambda self: None  # type: ignore[attr-defined]
    assert "get_item" in names


def test_moto_rules_match_and_build_urls_as_werkzeug_would() -> None:
    """The engine leaves a moto rule's URL builder uncompiled until it is called; matching and
    building answer as werkzeug's eager compilation does."""
    from moto.core.routing import get_service_router
    from werkzeug.routing import Map, Rule

    from helpers.offline import engine

    engine.install()
    router = get_service_router("lambda")._get_router("rest-json")
    smithy = next(
        rule for rule in router._map.iter_rules() if rule.rule.endswith("<FunctionName>/invocations")
    )
    assert type(smithy).__dict__.get("_compile_builder") is not None  # the engine's, on SmithyRule
    plain = Rule(smithy.rule, methods=sorted(smithy.methods or ()), endpoint="invoke")
    werkzeugs = Map([plain], strict_slashes=False, merge_slashes=False)
    values = {"FunctionName": "notes-function"}
    assert (
        smithy.build(values)
        == plain.build(values)
        == ("", "/2015-03-31/functions/notes-function/invocations")
    )
    assert smithy.build(values, append_unknown=False) == plain.build(values, append_unknown=False)
    path = "/2015-03-31/functions/notes-function/invocations"
    matched, arguments = router._map.bind("lambda.us-east-1.amazonaws.com").match(
        path, "POST", return_rule=True
    )
    assert matched is smithy and arguments == werkzeugs.bind("x").match(path, "POST")[1]
