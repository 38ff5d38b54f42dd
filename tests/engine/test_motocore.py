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
