"""The iam and authorization packages' own state and error shapes.

IAM's propagation delay keeps what is not yet visible per account, and moto's reset forgets it
with the roles themselves; the delay itself is a setting of the simulation (like the clock) that
`engine.reset()` switches off. Credential and access errors are written in the shape of the
service that was called (IAM and STS API Reference, "Common errors": query XML in the service's
own namespace).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from helpers.offline import engine, in_process
from helpers.offline.authorization import exceptions
from helpers.offline.iam import propagation

ONE, OTHER = "111111111111", "222222222222"


def _trust(account: str) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "sts:AssumeRole",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def delayed() -> Iterator[None]:
    with in_process():
        propagation.simulate(30)
        try:
            yield
        finally:
            propagation.reset()


@pytest.mark.usefixtures("delayed")
def test_pending_role_changes_are_kept_per_account_and_forgotten_with_moto() -> None:
    from moto.core.base_backend import BackendDict
    from moto.iam.models import iam_backends

    iam_backends[ONE]["global"].create_role("r", _trust(ONE), "/", None, "", [], 3600)
    assert propagation.trust_pending(ONE, "r")
    assert not propagation.trust_pending(OTHER, "r")
    assert propagation.pending_roles() == ["r"]

    BackendDict.reset()  # what a new mock_aws, POST /moto-api/reset and engine.reset() do
    assert not propagation.trust_pending(ONE, "r")
    assert propagation.pending_roles() == []
    assert propagation.delay() == 30  # the simulation's setting outlives moto's data ...
    engine.reset()
    assert propagation.delay() == 0  # ... until the engine is reset


@pytest.mark.parametrize(
    ("service", "namespace"),
    [
        ("iam", "https://iam.amazonaws.com/doc/2010-05-08/"),
        ("sts", "https://sts.amazonaws.com/doc/2011-06-15/"),
    ],
)
def test_query_services_answer_in_their_own_namespace(service: str, namespace: str) -> None:
    error = exceptions.credential_error("invalid", service)
    assert (error.code, error.aws_code) == (403, "InvalidClientTokenId")
    assert error.get_body().startswith(f'<ErrorResponse xmlns="{namespace}">')


@pytest.mark.parametrize(
    ("problem", "service", "code", "status"),
    [
        ("invalid", "s3", "InvalidAccessKeyId", 403),
        ("invalid", "dynamodb", "UnrecognizedClientException", 400),
        ("invalid", "cognito-idp", "InvalidClientTokenId", 400),
        ("expired", "sts", "ExpiredToken", 400),
        ("expired", "dynamodb", "ExpiredTokenException", 400),
        ("unsigned", "s3", "AccessDenied", 403),
        ("unsigned", "iam", "MissingAuthenticationToken", 403),
        ("unsigned", "dynamodb", "MissingAuthenticationToken", 400),
    ],
)
def test_credential_errors_take_the_called_services_code_and_status(
    problem: str, service: str, code: str, status: int
) -> None:
    error = exceptions.credential_error(problem, service)
    assert (type(error).__name__, error.code) == (code, status)
