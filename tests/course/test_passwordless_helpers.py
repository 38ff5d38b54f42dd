"""Notebook 13's plumbing (`helpers.passwordless`, `helpers.authenticator`, `helpers.browser_passkeys`,
`helpers.totp`) against the offline AWS: the pool and its users made afresh, the relying party offline
and on AWS, the software authenticator's passkeys accepted by Cognito, the browser page's ceremony
in-process and at a shared endpoint (and refused on real AWS), and the wait for the next TOTP code."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any, cast

import pyotp
import pytest
import requests
from botocore.exceptions import ClientError

from helpers import authenticator, browser_passkeys, lab, managedlogin, passwordless, totp
from helpers.lab import AWS, Lab, LabError
from helpers.offline import server

ORIGIN = "http://localhost:8888"


@pytest.fixture
def pool(offline: Lab) -> dict[str, str]:
    """Notebook 13's kind of pool with its app client, Alice, and localhost as the relying party."""
    pool_id, note = passwordless.ensure_pool(offline, passwordless.pool_request(offline))
    assert (
        note == "created"
        and passwordless.ensure_pool(offline, passwordless.pool_request(offline))[1] == "found"
    )
    client_id, _ = managedlogin.ensure_app_client(offline, pool_id, passwordless.client_request())
    passwordless.fresh_user(offline, pool_id, "alice")
    rp_id, _ = passwordless.relying_party(offline, pool_id, "passkeys")
    offline.client("cognito-idp").set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="OFF", WebAuthnConfiguration={"RelyingPartyId": rp_id}
    )
    return {"pool_id": pool_id, "client_id": client_id}


def _sign_in(lab_: Lab, client_id: str, **parameters: str) -> dict[str, Any]:
    return lab_.client("cognito-idp").initiate_auth(  # type: ignore[no-any-return]
        ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "alice", **parameters}
    )


def _access_token(lab_: Lab, client_id: str) -> str:
    password = {"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Alice-Likes-Tea-42"}
    return str(_sign_in(lab_, client_id, **password)["AuthenticationResult"]["AccessToken"])


def _register(lab_: Lab, pool: dict[str, str], passkey: authenticator.SoftwareAuthenticator) -> str:
    idp, token = lab_.client("cognito-idp"), _access_token(lab_, pool["client_id"])
    options = idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    idp.complete_web_authn_registration(AccessToken=token, Credential=passkey.create(options, ORIGIN))
    return token


def test_a_fresh_user_has_a_verified_email_a_password_and_nothing_else(
    offline: Lab, pool: dict[str, str]
) -> None:
    _register(offline, pool, authenticator.SoftwareAuthenticator())
    assert "WEB_AUTHN" in _sign_in(offline, pool["client_id"])["AvailableChallenges"]
    note = passwordless.fresh_user(offline, pool["pool_id"], "alice")
    assert note == "user alice (made again: a verified email and a password)"
    assert _sign_in(offline, pool["client_id"])["AvailableChallenges"] == [
        "PASSWORD",
        "PASSWORD_SRP",
        "EMAIL_OTP",
    ]
    assert offline.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"][0]["Name"] == (
        "cognito-lab-passwordless"
    )


def test_the_software_authenticator_signs_in_and_counts(offline: Lab, pool: dict[str, str]) -> None:
    idp, passkey = offline.client("cognito-idp"), authenticator.SoftwareAuthenticator()
    _register(offline, pool, passkey)
    for expected_counter in (1, 2):
        challenge = _sign_in(offline, pool["client_id"], PREFERRED_CHALLENGE="WEB_AUTHN")
        options = challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
        answer = passkey.get(options, ORIGIN)
        assert passkey.counter == expected_counter
        reply = idp.respond_to_auth_challenge(
            ClientId=pool["client_id"],
            ChallengeName="WEB_AUTHN",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "alice", "CREDENTIAL": answer},
        )
        assert "AuthenticationResult" in reply
    stale = authenticator.SoftwareAuthenticator(passkey.key, passkey.credential_id, counter=0)
    challenge = _sign_in(offline, pool["client_id"], PREFERRED_CHALLENGE="WEB_AUTHN")
    with pytest.raises(ClientError, match="counter"):
        idp.respond_to_auth_challenge(
            ClientId=pool["client_id"],
            ChallengeName="WEB_AUTHN",
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": "alice",
                "CREDENTIAL": stale.get(
                    challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"], ORIGIN
                ),
            },
        )


def test_the_relying_party_is_localhost_offline_and_the_pools_domain_on_aws(
    offline: Lab, pool: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert passwordless.relying_party(offline, pool["pool_id"], "passkeys")[0] == "localhost"
    monkeypatch.setattr(offline, "backend", AWS)  # on AWS the prefix carries the learner and account
    monkeypatch.setattr(offline, "account_id", "123456789012")
    rp_id, note = passwordless.relying_party(offline, pool["pool_id"], "passkeys")
    prefix = f"pools-lab-{offline.learner}-passkeys-123456789012"
    assert (rp_id, note) == (
        f"{prefix}.auth.us-east-1.amazoncognito.com",
        f"the pool's domain {prefix} (created)",
    )
    assert (
        passwordless.relying_party(offline, pool["pool_id"], "passkeys")[1]
        == f"the pool's domain {prefix} (found)"
    )


def _browser_answers(link: str, credential: dict[str, Any], endpoint: str | None = None) -> None:
    """What the page's script does: read the ceremony, post the credential to the page's address."""
    path = link.split("/_lab/hosts/notes.example.com", 1)[1]
    url = f"{endpoint}/_lab/hosts/notes.example.com{path}" if endpoint else f"https://notes.example.com{path}"
    assert "Create a passkey" in requests.get(url, timeout=10).text
    assert requests.post(url, json=credential, timeout=10).ok


def test_the_browser_page_carries_a_ceremony_in_process(offline: Lab, pool: dict[str, str]) -> None:
    token = _access_token(offline, pool["client_id"])
    options = offline.client("cognito-idp").start_web_authn_registration(AccessToken=token)
    offered = browser_passkeys.offer(offline, "create", options["CredentialCreationOptions"], "Create")
    assert (
        offered.link.href.startswith("/proxy/")
        and "/_lab/hosts/notes.example.com/passkey/" in offered.link.href
    )
    assert browser_passkeys.answer(offline, offered) is None
    credential = authenticator.SoftwareAuthenticator().create(options["CredentialCreationOptions"], ORIGIN)
    _browser_answers(offered.link.href, credential)
    made = browser_passkeys.answer(offline, offered)
    assert made == credential
    offline.client("cognito-idp").complete_web_authn_registration(AccessToken=token, Credential=made)


def test_the_browser_page_at_a_shared_endpoint_and_not_on_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    lab.stop_offline()
    endpoint = server.serve()
    try:
        monkeypatch.setenv(lab.ENV_ENDPOINT, endpoint.url)
        shared = Lab("13_passwordless_and_mfa")
        options = {"challenge": "Y2hhbGxlbmdl", "rp": {"id": "localhost"}, "user": {"name": "alice"}}
        offered = browser_passkeys.offer(shared, "create", json.dumps(options), "Create")
        assert offered.link.href.startswith(f"/proxy/{endpoint.url.rsplit(':', 1)[1]}/_lab/hosts/")
        assert browser_passkeys.answer(shared, offered) is None
        credential = {"id": "x", "type": "public-key", "response": {"clientDataJSON": "e30"}}
        _browser_answers(offered.link.href, credential, endpoint.url)
        assert browser_passkeys.answer(shared, offered) == credential
        requests.post(f"{endpoint.url}/_lab/reset", timeout=10)
        with pytest.raises(LabError, match="reset since this link was made"):
            browser_passkeys.answer(shared, offered)
    finally:
        endpoint.stop()
    on_aws = cast(Lab, SimpleNamespace(backend=AWS))
    with pytest.raises(LabError, match="managed login"):
        browser_passkeys.offer(on_aws, "create", {"challenge": "x"}, "Create")


def test_waiting_for_the_next_totp_code_reaches_the_next_step(offline: Lab) -> None:
    app = pyotp.TOTP(pyotp.random_base32())
    step = int(offline.now()) // totp.STEP
    assert "clock moved" in totp.wait_for_next_code(offline)
    assert int(offline.now()) // totp.STEP == step + 1
    assert app.timecode(offline.now()) == step + 1  # the app's code of the new step
