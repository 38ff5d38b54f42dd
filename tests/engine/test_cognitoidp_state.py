"""The user-pool engine keeps its state the way moto keeps backends: per account and region, reset with moto.

Sign-ins, codes, SRP challenges, signing keys and sent messages (`cognitoidp.models`) sit next to
moto's pools of the same account and region, so moto's own reset (`POST /moto-api/reset`, a new
`mock_aws`) forgets them together with the pools, and two regions never share them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.moto_api import _internal

from helpers.offline import engine, mailbox
from helpers.offline.cognitoidp import keys, models

PASSWORD = "Correct-horse-1"
EMAIL_POOL = {
    "AutoVerifiedAttributes": ["email"],
    "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}],
}


@pytest.fixture
def offline() -> Iterator[None]:
    with engine.in_process():
        yield


def _sign_up(region: str, username: str) -> tuple[Any, str]:
    """A pool in `region` with one signed-up user (a code in the mailbox); the pool's moto model."""
    idp = boto3.client("cognito-idp", region_name=region)
    pool_id = idp.create_user_pool(PoolName="state", **EMAIL_POOL)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="lab")["UserPoolClient"][
        "ClientId"
    ]
    idp.sign_up(
        ClientId=client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    pool = models.find_pool(pool_id)
    assert pool is not None
    return pool, pool_id


def test_moto_reset_forgets_codes_keys_and_mail(offline: None) -> None:
    pool, pool_id = _sign_up(engine.REGION, "rita")
    keys.jwks(pool_id)
    state = models.state_of(pool)
    assert state.codes and state.pool_keys and mailbox.messages(pool_id)

    _internal.moto_api_backend.reset()  # what `POST /moto-api/reset` does

    assert mailbox.messages() == []
    fresh = models.states.get(engine.ACCOUNT_ID, engine.REGION)
    assert (fresh.codes, fresh.pool_keys, fresh.sign_ins, fresh.srp_challenges) == ({}, {}, {}, {})


def test_each_region_keeps_its_own_state_and_the_mailbox_shows_both_in_order(offline: None) -> None:
    east, east_id = _sign_up("us-east-1", "sam")
    west, west_id = _sign_up("eu-west-1", "tara")

    assert [key[:2] for key in models.state_of(east).codes] == [(east_id, "sam")]
    assert [key[:2] for key in models.state_of(west).codes] == [(west_id, "tara")]
    assert [(m.user_pool_id, m.username) for m in mailbox.messages()] == [(east_id, "sam"), (west_id, "tara")]
