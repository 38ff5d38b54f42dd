"""The lab's offline OpenID Connect provider and the IAM OIDC provider checks, without moto."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import jwt
import pytest

from helpers.offline import clock, standin_idp
from helpers.offline.iam import oidc_provider_registry

CLIENT = "notes-web"


@pytest.fixture(autouse=True)
def _fresh_clock() -> Iterator[None]:
    clock.reset()
    yield
    clock.reset()


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def tampered(token: str, **changes: object) -> str:
    header, _, signature = token.split(".")
    claims = {**claims_of(token), **changes}
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@pytest.mark.parametrize(
    "issuer",
    [
        "https://accounts.example.com",
        "https://login.partner.example",
        "https://idp.school.test",
        "https://example.org/tenant-1",
    ],
)
def test_reserved_example_issuers_are_accepted(issuer: str) -> None:
    assert standin_idp.check_issuer(issuer) == issuer


@pytest.mark.parametrize(
    "issuer",
    [
        "https://accounts.google.com",  # a real company: the lab never signs in its name
        "http://accounts.example.com",  # AWS requires https issuers
        "https://accounts.example.com/",  # iss must equal the Logins key: no trailing slash
        "https://accounts.example.com:8443",
        "https://notexample.com",
    ],
)
def test_other_issuers_are_refused(issuer: str) -> None:
    with pytest.raises(ValueError, match="RFC 2606"):
        standin_idp.check_issuer(issuer)


def test_subject_is_stable_per_user_and_issuer_and_shaped_like_googles() -> None:
    provider = standin_idp.identity_provider()
    other = standin_idp.identity_provider("https://login.partner.example")
    assert provider.subject("alice") == provider.subject("alice")
    assert provider.subject("alice") != provider.subject("bob")
    assert provider.subject("alice") != other.subject("alice")
    assert len(provider.subject("alice")) == 21 and provider.subject("alice").isdigit()


def test_id_token_claims_follow_the_offline_clock() -> None:
    clock.advance(1000)
    token = standin_idp.mint_id_token("alice", CLIENT, email="alice@example.com", azp="notes-android")
    claims = claims_of(token)
    now = int(clock.now())
    assert claims["iss"] == standin_idp.DEFAULT_ISSUER
    assert claims["aud"] == CLIENT and claims["azp"] == "notes-android"
    assert claims["sub"] == standin_idp.identity_provider().subject("alice")
    assert (claims["email"], claims["email_verified"]) == ("alice@example.com", True)
    assert abs(claims["iat"] - now) <= 1 and claims["exp"] - claims["iat"] == standin_idp.ID_TOKEN_SECONDS
    assert jwt.get_unverified_header(token) == {
        "alg": "RS256",
        "kid": standin_idp.identity_provider().kid,
        "typ": "JWT",
    }


def test_email_and_azp_are_only_there_when_given() -> None:
    claims = claims_of(standin_idp.mint_id_token("alice", CLIENT))
    assert not {"email", "email_verified", "azp"} & set(claims)


def test_published_keys_verify_the_token() -> None:
    token = standin_idp.mint_id_token("alice", CLIENT)
    keys = jwt.PyJWKSet.from_dict(standin_idp.document(standin_idp.DEFAULT_ISSUER + standin_idp.JWKS_PATH))
    key = next(k for k in keys.keys if k.key_id == jwt.get_unverified_header(token)["kid"])
    assert jwt.decode(token, key.key, algorithms=["RS256"], audience=CLIENT)["sub"]


def test_discovery_document_points_at_the_keys() -> None:
    found = standin_idp.document("https://accounts.example.com/.well-known/openid-configuration")
    assert found is not None
    assert found["issuer"] == standin_idp.DEFAULT_ISSUER
    assert found["jwks_uri"] == "https://accounts.example.com/.well-known/jwks.json"
    moved = standin_idp.document(
        "https://accounts.example.com/.well-known/openid-configuration", "http://127.0.0.1:5000/_lab/oidc"
    )
    assert moved is not None and moved["jwks_uri"] == "http://127.0.0.1:5000/_lab/oidc/.well-known/jwks.json"


def test_documents_of_unknown_providers_and_paths_are_absent() -> None:
    assert standin_idp.document("https://never-used.example/.well-known/jwks.json") is None
    assert standin_idp.document("https://accounts.example.com/userinfo") is None


def test_the_providers_documents_route_leaves_aws_urls_alone() -> None:
    """User pool JWKS URLs end the same way and must stay the user pools'."""
    (published, *_) = standin_idp.ROUTES
    assert published.url_pattern().match("https://accounts.example.com/.well-known/jwks.json?x=1")
    assert not published.url_pattern().match(
        "https://cognito-idp.us-east-1.amazonaws.com/p/.well-known/jwks.json"
    )


def test_only_the_labs_signature_verifies() -> None:
    token = standin_idp.mint_id_token("alice", CLIENT)
    assert standin_idp.verify_signature(token)["aud"] == CLIENT
    for bad in (
        tampered(token, sub="someone-else"),
        tampered(token, iss="https://accounts.google.com"),
        "x.y",
    ):
        with pytest.raises(standin_idp.TokenVerificationError):
            standin_idp.verify_signature(bad)


def test_token_response_needs_a_user_and_a_client() -> None:
    answer = standin_idp.token_response({"user": "alice", "client_id": CLIENT, "expires_in": 60})
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 60
    claims = claims_of(answer["id_token"])
    assert claims["exp"] - claims["iat"] == 60
    with pytest.raises(ValueError, match="client_id is required"):
        standin_idp.token_response({"user": "alice"})


@pytest.mark.parametrize(
    ("claims", "party"),
    [
        ({"aud": "web"}, "web"),
        ({"aud": "web", "azp": "android"}, "android"),  # DG: azp wins when present
        ({"aud": ["web"]}, "web"),
        ({"aud": ["web", "api"]}, None),  # several audiences and no azp: nobody in particular
        ({}, None),
    ],
)
def test_authorized_party(claims: dict, party: str | None) -> None:
    assert oidc_provider_registry.authorized_party(claims) == party


def test_verify_names_each_problem() -> None:
    token = standin_idp.mint_id_token("alice", CLIENT)
    assert oidc_provider_registry.verify(token, [CLIENT])["aud"] == CLIENT
    with pytest.raises(oidc_provider_registry.TokenProblem) as refused:
        oidc_provider_registry.verify(token, ["another-app"])
    assert refused.value.kind == "audience"
    with pytest.raises(oidc_provider_registry.TokenProblem) as refused:
        oidc_provider_registry.verify(tampered(token, aud="another-app"), ["another-app"])
    assert refused.value.kind == "signature"


def test_clock_skew_is_a_grace_period_after_exp() -> None:
    token = standin_idp.mint_id_token("alice", CLIENT, lifetime_seconds=60)
    expires = claims_of(token)["exp"]
    clock.advance(60 + 299)
    assert oidc_provider_registry.verify(token, [CLIENT], skew_seconds=300)
    with pytest.raises(oidc_provider_registry.TokenProblem) as refused:
        oidc_provider_registry.verify(token, [CLIENT])
    assert (refused.value.kind, refused.value.expires) == ("expired", expires)
    clock.advance(2)
    with pytest.raises(oidc_provider_registry.TokenProblem):
        oidc_provider_registry.verify(token, [CLIENT], skew_seconds=300)


def test_provider_arn_drops_the_scheme() -> None:
    assert (
        oidc_provider_registry.provider_arn("123456789012", "https://accounts.example.com")
        == "arn:aws:iam::123456789012:oidc-provider/accounts.example.com"
    )
