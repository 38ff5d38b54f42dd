"""User-pool trigger internals the API cannot show: no Lambda on the common path, and how a pre token
generation answer is read (the engine's choices where AWS's are UNCONFIRMED; see cognitoidp/pretoken.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from helpers.offline import awslambda, engine
from helpers.offline.cognitoidp import pretoken
from helpers.offline.cognitoidp.exceptions import InvalidLambdaResponseException

PASSWORD = "Correct-horse-1"


@pytest.fixture
def idp() -> Iterator[Any]:
    with engine.in_process():
        yield boto3.client("cognito-idp", region_name=engine.REGION)


def test_a_pool_without_triggers_never_asks_lambda(idp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign-up, confirmation, sign-in, refresh and a reset code cost no Lambda look-up at all when
    the pool has no LambdaConfig: the one check is the pool's own setting."""

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a pool without triggers asked Lambda")

    monkeypatch.setattr(awslambda, "may_invoke", refused)
    monkeypatch.setattr(awslambda, "invoke_function", refused)
    pool_id = idp.create_user_pool(PoolName="plain", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.sign_up(
        ClientId=client_id,
        Username="uma",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "uma@example.com"}],
    )
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="uma")
    tokens = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "uma", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    idp.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=tokens["RefreshToken"])
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="uma", UserAttributes=[{"Name": "email_verified", "Value": "true"}]
    )
    idp.forgot_password(ClientId=client_id, Username="uma")


def _id_and_access(answer: dict[str, Any], version: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apply a function's answer to an ID token's and an access token's claims."""
    id_claims = {"sub": "s", "email": "e@example.com", "cognito:groups": ["a"], "cognito:roles": ["r"]}
    access_claims = {
        "sub": "s",
        "client_id": "c",
        "scope": "aws.cognito.signin.user.admin",
        "cognito:groups": ["a"],
    }
    found = pretoken._read(answer, version)
    found.apply_to_id_token(id_claims)
    found.apply_to_access_token(access_claims)
    return id_claims, access_claims


def test_reserved_claims_stay_and_suppressing_wins_over_adding() -> None:
    """Reserved claims (DG 2023's list; the access token's own client_id) keep their values;
    "If your function both suppresses and replaces a claim value, then Amazon Cognito suppresses
    the claim"; group claims change only through groupOverrideDetails."""
    answer = {
        "claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {
                "claimsToAddOrOverride": {"sub": "x", "team": "blue", "cognito:groups": ["z"]},
                "claimsToSuppress": ["team", "sub"],
            },
            "accessTokenGeneration": {"claimsToAddOrOverride": {"client_id": "other", "level": 3}},
        }
    }
    id_claims, access_claims = _id_and_access(answer, pretoken.V2)
    assert id_claims == {
        "sub": "s",
        "email": "e@example.com",
        "cognito:groups": ["a"],
        "cognito:roles": ["r"],
    }
    assert access_claims["client_id"] == "c" and access_claims["level"] == 3


def test_an_empty_group_override_suppresses_the_groups_and_a_missing_one_keeps_them() -> None:
    """ "If you provide an empty or null object in the response, then Amazon Cognito suppresses the
    groups" (DG); an answer without groupOverrideDetails leaves them."""
    suppressed = _id_and_access({"claimsOverrideDetails": {"groupOverrideDetails": None}}, pretoken.V1)
    assert all("cognito:groups" not in claims for claims in suppressed)
    assert "cognito:roles" not in suppressed[0]
    kept = _id_and_access({"claimsOverrideDetails": {"claimsToSuppress": ["email"]}}, pretoken.V1)
    assert kept[0]["cognito:groups"] == kept[1]["cognito:groups"] == ["a"] and "email" not in kept[0]


@pytest.mark.parametrize(
    ("answer", "version"),
    [
        ({"claimsOverrideDetails": {"claimsToAddOrOverride": {"level": 3}}}, pretoken.V1),
        ({"claimsOverrideDetails": {"claimsToSuppress": "email"}}, pretoken.V1),
        (
            {
                "claimsAndScopeOverrideDetails": {
                    "idTokenGeneration": {"claimsToAddOrOverride": {"address": {}}}
                }
            },
            pretoken.V2,
        ),
        (
            {"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": "notes/read"}}},
            pretoken.V2,
        ),
    ],
    ids=["v1 value not a string", "suppress not a list", "v2 complex address", "scopes not a list"],
)
def test_answers_cognito_cannot_read_are_refused(answer: dict[str, Any], version: str) -> None:
    with pytest.raises(InvalidLambdaResponseException):
        pretoken._read(answer, version)
