"""`botocoredata`: moto reads through botocore's shared loader, and gets what its own loader reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.loaders import Loader
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


def test_the_indexed_loader_lists_what_botocore_lists_for_every_kind_of_file(tmp_path: Path) -> None:
    # A customer's own data folder (~/.aws/models, AWS_DATA_PATH) is searched too; in it a version
    # with only a gzipped waiter file, a file where a version folder would be, and a stray file.
    (tmp_path / "lab-only" / "2026-01-01").mkdir(parents=True)
    (tmp_path / "lab-only" / "2026-01-01" / "waiters-2.json.gz").write_bytes(b"")
    (tmp_path / "lab-only" / "notes.txt").write_text("not a version")
    (tmp_path / "README").write_text("not a service")
    kinds = {
        path.name.split(".")[0]
        for folder in Loader().search_paths
        for path in Path(folder).glob("*/*/*.json*")
    }
    assert {"service-2", "paginators-1", "waiters-2", "endpoint-rule-set-1"} <= kinds
    indexed = botocoredata.IndexedLoader(extra_search_paths=[str(tmp_path)])
    for kind in sorted(kinds):
        assert indexed.list_available_services(kind) == Loader(
            extra_search_paths=[str(tmp_path)]
        ).list_available_services(kind), kind
    assert "lab-only" in indexed.list_available_services("waiters-2")


def test_moto_and_the_course_use_the_indexed_loader_and_moto_lists_what_its_own_lists() -> None:
    # moto's loader also searches moto's package folder, where every subpackage looks like a service.
    with engine.in_process():
        motos = utils.create_loader()
        assert isinstance(motos, botocoredata.IndexedLoader)
        for kind in ("service-2", "paginators-1", "waiters-2", "endpoint-rule-set-1"):
            assert motos.list_available_services(kind) == loaders.create_loader().list_available_services(
                kind
            ), kind
    assert isinstance(botocoredata.shared_loader(), botocoredata.IndexedLoader)
