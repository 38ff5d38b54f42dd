"""User-pool internals the API cannot show: what token verification refuses, and why.

The identity-pool engine trusts `keys.verify_user_pool_token`; these tests
prove it refuses forgeries, including one signed with the RSA key moto ships
(moto-fidelity.md: "a token I forged with it verified").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from helpers.offline import clock, engine, mailbox
from helpers.offline.cognitoidp import codes, exceptions, keys

PASSWORD = "Correct-horse-1"


@pytest.fixture
def idp() -> Iterator[Any]:
    with engine.in_process():
        yield boto3.client("cognito-idp", region_name=engine.REGION)


def _signed_in_pool(idp: Any) -> tuple[str, dict[str, Any]]:
    """A pool, and the tokens of a user signed in to it."""
    pool_id = idp.create_user_pool(PoolName="internals")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="lab", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="uma", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="uma", Password=PASSWORD, Permanent=True)
    tokens = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "uma", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return pool_id, tokens


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def test_a_real_token_verifies_and_keeps_its_claims(idp: Any) -> None:
    _, tokens = _signed_in_pool(idp)
    claims = keys.verify_user_pool_token(tokens["IdToken"])
    assert claims == _claims(tokens["IdToken"])


def test_a_token_signed_with_the_key_moto_ships_is_refused(idp: Any) -> None:
    """moto's private key is public; whatever it signs must not pass, whatever kid it claims."""
    pool_id, tokens = _signed_in_pool(idp)
    moto_key = jwt.PyJWK.from_dict(load_resource("cognitoidp/resources/jwks-private.json")).key
    real_kid = jwt.get_unverified_header(tokens["IdToken"])["kid"]
    for kid in ("dummy", real_kid):
        forged = jwt.encode(_claims(tokens["IdToken"]), moto_key, algorithm="RS256", headers={"kid": kid})
        with pytest.raises(exceptions.TokenVerificationError) as refused:
            keys.verify_user_pool_token(forged)
        expected = "signature verification failed" if kid == real_kid else "unknown kid 'dummy'"
        assert str(refused.value).startswith(expected)
    assert "dummy" not in keys.public_keys(pool_id)


def test_tampered_claims_and_foreign_pools_are_refused(idp: Any) -> None:
    _, tokens = _signed_in_pool(idp)
    header, _, signature = tokens["IdToken"].split(".")
    other_payload = jwt.utils.base64url_encode(
        json.dumps({**_claims(tokens["IdToken"]), "cognito:groups": ["admins"]}).encode()
    ).decode()
    with pytest.raises(exceptions.TokenVerificationError, match="signature verification failed"):
        keys.verify_user_pool_token(f"{header}.{other_payload}.{signature}")

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elsewhere = {
        **_claims(tokens["IdToken"]),
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_gone",
    }
    with pytest.raises(exceptions.TokenVerificationError, match="unknown user pool us-east-1_gone"):
        keys.verify_user_pool_token(jwt.encode(elsewhere, stranger, algorithm="RS256"))
    not_cognito = {**elsewhere, "iss": "https://accounts.google.com"}
    with pytest.raises(exceptions.TokenVerificationError, match="is not a Cognito user pool"):
        keys.verify_user_pool_token(jwt.encode(not_cognito, stranger, algorithm="RS256"))
    with pytest.raises(exceptions.TokenVerificationError, match="not a JWT"):
        keys.verify_user_pool_token("us-east-1:not-a-token")


def test_verification_leaves_expiry_to_the_caller(idp: Any) -> None:
    """The identity-pool engine reports expiry in its own words, so verification ignores exp."""
    _, tokens = _signed_in_pool(idp)
    clock.advance(2 * 86400)
    assert keys.verify_user_pool_token(tokens["AccessToken"])["token_use"] == "access"


def test_every_signing_key_is_distinct(idp: Any) -> None:
    first, _ = _signed_in_pool(idp)
    second, _ = _signed_in_pool(idp)
    moduli = [key.public_numbers().n for pool in (first, second) for key in keys.public_keys(pool).values()]
    assert len(set(moduli)) == 4


def test_jwks_of_an_unknown_pool_is_not_found(idp: Any) -> None:
    """pycognito fetches JWKS with `requests`, which moto answers in-process."""
    pool_id, _ = _signed_in_pool(idp)
    base = f"https://cognito-idp.{engine.REGION}.amazonaws.com"
    published = requests.get(f"{base}/{pool_id}/.well-known/jwks.json", timeout=5)
    assert published.status_code == 200
    assert published.json() == keys.jwks(pool_id)

    missing = requests.get(f"{base}/us-east-1_gone/.well-known/jwks.json", timeout=5)
    assert missing.status_code == 404
    assert missing.json() == {"message": "User pool us-east-1_gone does not exist."}
    assert (
        requests.get(f"{base}/us-east-1_gone/.well-known/openid-configuration", timeout=5).status_code == 404
    )
    with pytest.raises(LookupError):
        keys.jwks("us-east-1_gone")


@pytest.mark.parametrize(
    ("medium", "destination", "masked"),
    [
        ("EMAIL", "victimsemail@gmail.com", "v***@g***"),  # as observed in an AWS response
        ("SMS", "+15555550100", "+*******0100"),  # the shape of moto's SMS default, last four kept
    ],
)
def test_delivery_destinations_are_masked(medium: str, destination: str, masked: str) -> None:
    assert codes.mask(medium, destination) == masked


def test_mailbox_finds_mail_by_username_or_address_and_serialises_it(idp: Any) -> None:
    pool_id = idp.create_user_pool(
        PoolName="mail", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"]
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="lab")["UserPoolClient"][
        "ClientId"
    ]
    idp.sign_up(ClientId=client_id, Username="vera@example.com", Password=PASSWORD)

    (sent,) = mailbox.messages(pool_id, "vera@example.com")
    assert sent.username != "vera@example.com"  # the pool's internal username is generated
    assert mailbox.messages(pool_id, sent.username) == [sent]
    assert mailbox.latest_code(pool_id, "vera@example.com") == sent.code
    assert json.loads(json.dumps(sent.to_dict()))["body"] == f"Your verification code is {sent.code}. "
    with pytest.raises(LookupError, match="AutoVerifiedAttributes"):
        mailbox.latest_code(pool_id, "nobody@example.com")
