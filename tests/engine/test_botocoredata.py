"""`botocoredata`: moto reads through botocore's shared loader, and gets what its own loader reads."""

from __future__ import annotations

import pytest
from moto.core import loaders, utils

from helpers.offline import botocoredata, engine

SERVICES = ("cognito-idp", "cognito-identity", "iam", "sts", "s3", "dynamodb", "lambda", "apigateway", "logs")


@pytest.mark.parametrize("type_name", ["service-2", "paginators-1"])
def test_moto_reads_each_model_as_its_own_loader_does(type_name: str) -> None:
    with engine.in_process():
        shared = utils.create_loader()  # the engine's, while installed
        for service in SERVICES:
            assert shared.load_service_model(
                service, type_name
            ) == loaders.create_loader().load_service_model(service, type_name), service


def test_a_model_without_extras_is_decoded_once_and_one_with_extras_is_not_shared() -> None:
    with engine.in_process():
        motos, plain = utils.create_loader(), botocoredata.shared_loader()
        assert motos.load_service_model("cognito-idp", "service-2") is plain.load_service_model(
            "cognito-idp", "service-2"
        )
        # s3 has moto's extras and botocore's own: merged in place, so moto keeps its own copy.
        assert motos.load_service_model("s3", "service-2") is not plain.load_service_model("s3", "service-2")
