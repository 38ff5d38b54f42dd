"""Seeded offline runs repeat their ids, as moto promises for its own.

moto draws every id from one random source that `POST /moto-api/seed?a=<n>` (or
`mock_random.seed(n)` in-process) makes deterministic, and can derive user pool ids
from a pool's settings (`MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY=HASH`). The ids the
engine mints in AWS's shapes (user pool ids, key ids, identity ids, confirmation codes)
follow both. This is the offline AWS's own contract, so it runs offline only; the id
shapes themselves follow AWS (CreateUserPool's examples: `us-east-1_` and 9 characters).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from typing import Any
from urllib.request import Request, urlopen

import pytest

POOL_ID = re.compile(r"^us-east-1_[A-Za-z0-9]{9}$")


@pytest.fixture
def seed(aws: Any) -> Iterator[Callable[[int], None]]:
    """Seed moto's random source; afterwards it is seeded afresh, so later tests mint other ids."""
    if aws.mode == "real":
        pytest.skip("AWS's ids cannot be seeded")

    def seed(number: int) -> None:
        if aws.mode == "server":
            with urlopen(Request(f"{aws.endpoint_url}/moto-api/seed?a={number}", method="POST"), timeout=10):
                pass
        else:
            from moto.moto_api._internal import mock_random

            mock_random.seed(number)

    yield seed
    seed(secrets.randbits(64))


def _jwks(aws: Any, pool_id: str) -> dict[str, Any]:
    if aws.mode == "server":
        return dict(aws.lab_get(f"/{pool_id}/.well-known/jwks.json"))
    from helpers.offline.cognitoidp import keys

    return keys.jwks(pool_id)


def _mint(aws: Any, mailbox: Any) -> tuple[str, ...]:
    """Create what carries engine-minted ids, note the ids, and delete it again."""
    idp, identity = aws.client("cognito-idp"), aws.client("cognito-identity")
    pool_id = idp.create_user_pool(
        PoolName="seeded", AutoVerifiedAttributes=["email"], UsernameAttributes=["email"]
    )["UserPool"]["Id"]
    kids = tuple(key["kid"] for key in _jwks(aws, pool_id)["keys"])
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="seeded")["UserPoolClient"][
        "ClientId"
    ]
    idp.sign_up(ClientId=client_id, Username="ana@example.com", Password="Correct-horse-1")
    code = mailbox.latest_code(
        pool_id, idp.admin_get_user(UserPoolId=pool_id, Username="ana@example.com")["Username"]
    )
    identity_pool_id = identity.create_identity_pool(
        IdentityPoolName="seeded", AllowUnauthenticatedIdentities=True
    )["IdentityPoolId"]
    identity_id = identity.get_id(IdentityPoolId=identity_pool_id)["IdentityId"]
    identity.delete_identity_pool(IdentityPoolId=identity_pool_id)
    idp.delete_user_pool(UserPoolId=pool_id)
    return (pool_id, *kids, code, identity_pool_id, identity_id)


def test_a_seeded_run_mints_the_same_ids_again(aws: Any, seed: Callable[[int], None], mailbox: Any) -> None:
    """Seeding moto's random source repeats pool ids, kids, codes and identity ids; another seed does not.

    Source: moto's documentation of `/moto-api/seed` (deterministic identifiers); AWS's id shapes
    (API Reference CreateUserPool examples; GetId's `region:uuid` identity ids).
    """
    seed(1234)
    first = _mint(aws, mailbox)
    seed(1234)
    again = _mint(aws, mailbox)
    seed(4321)
    other = _mint(aws, mailbox)
    assert POOL_ID.match(first[0])
    assert first == again
    assert not set(first) & set(other)


def test_the_hash_strategy_derives_pool_ids_from_their_settings(
    aws: Any, seed: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY=HASH`, the same name and settings give the same id.

    Source: moto's CognitoIdpBackend documentation (the HASH id strategy); AWS's id shape.
    """
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY", "HASH")
    idp = aws.client("cognito-idp")
    ids = []
    for name in ("hashed", "hashed", "hashed-other"):
        pool_id = idp.create_user_pool(PoolName=name)["UserPool"]["Id"]
        idp.delete_user_pool(UserPoolId=pool_id)
        ids.append(pool_id)
    assert all(POOL_ID.match(pool_id) for pool_id in ids)
    assert ids[0] == ids[1] != ids[2]


def test_a_pool_made_again_with_the_same_id_has_new_keys(
    aws: Any, seed: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys die with their pool: the same id again (HASH strategy) publishes other keys.

    Source: DG "Verifying a JSON Web Token" (a pool's tokens verify only with that pool's
    JWKS); AWS never reuses a pool id, so an old token must not verify against a new pool.
    """
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY", "HASH")
    idp = aws.client("cognito-idp")
    published = []
    for _ in range(2):
        pool_id = idp.create_user_pool(PoolName="rekeyed")["UserPool"]["Id"]
        published.append({key["kid"] for key in _jwks(aws, pool_id)["keys"]})
        idp.delete_user_pool(UserPoolId=pool_id)
    assert not published[0] & published[1]
