"""Passkeys: WebAuthn registration, the user's passkeys, and signing in with the WEB_AUTHN challenge.

Sources: botocore's StartWebAuthnRegistration, CompleteWebAuthnRegistration (its errors: one per
reason), ListWebAuthnCredentials, DeleteWebAuthnCredential, WebAuthnConfigurationType
(RelyingPartyId "typically your user pool domain") and the WEB_AUTHN challenge of
InitiateAuth / RespondToAuthChallenge (CREDENTIAL: an AuthenticationResponseJSON; the options in
ChallengeParameters.CREDENTIAL_REQUEST_OPTIONS, as AWS's Amplify library reads them);
aws-semantics-next.md section 6; AWS Amplify's WebAuthnOptions ("'localhost' - For local
development and testing"). AWS's messages for these errors are UNCONFIRMED: only the error codes
are asserted. The authenticator is software (fido2's WebAuthn builders and a P-256 key from
`cryptography`), so the attestations and assertions are real and verify as a browser's would.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_encode
from fido2.webauthn import (
    Aaguid,
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

PASSWORD = "Correct-horse-1"
PASSKEYS = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}}
FLOWS = ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH"]


class Authenticator:
    """A passkey provider in software: one P-256 credential and its signature counter."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0

    def _rp_hash(self, rp_id: str) -> bytes:
        return hashlib.sha256(rp_id.encode()).digest()

    def create(self, options: dict[str, Any], origin: str, rp_id: str | None = None) -> dict[str, Any]:
        """navigator.credentials.create(): a RegistrationResponseJSON with a "none" attestation."""
        client_data = CollectedClientData.create("webauthn.create", options["challenge"], origin)
        public_key = ES256.from_cryptography_key(self.key.public_key())
        attested = AttestedCredentialData.create(Aaguid.NONE, self.credential_id, public_key)
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV | AuthenticatorData.FLAG.AT
        data = AuthenticatorData.create(
            self._rp_hash(rp_id or options["rp"]["id"]), flags, self.counter, attested
        )
        attestation = AttestationObject.create("none", data, {})
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "attestationObject": websafe_encode(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        }

    def get(self, options_json: str, origin: str, *, count: bool = True) -> str:
        """navigator.credentials.get(): an AuthenticationResponseJSON signed with the key."""
        options = json.loads(options_json)
        if count:
            self.counter += 1
        client_data = CollectedClientData.create("webauthn.get", options["challenge"], origin)
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV
        data = AuthenticatorData.create(self._rp_hash(options["rpId"]), flags, self.counter)
        signature = self.key.sign(bytes(data) + client_data.hash, ec.ECDSA(hashes.SHA256()))
        return json.dumps(
            {
                "id": websafe_encode(self.credential_id),
                "rawId": websafe_encode(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": websafe_encode(client_data),
                    "authenticatorData": websafe_encode(data),
                    "signature": websafe_encode(signature),
                },
                "clientExtensionResults": {},
            }
        )


def _error(raised: pytest.ExceptionInfo[ClientError]) -> str:
    return str(raised.value.response["Error"]["Code"])


def _pool(aws: Any, idp: Any, new_pool: Callable[..., str], **settings: Any) -> tuple[str, str, str]:
    """A pool with passkeys, a domain, an app client and user alice; (pool, client, origin)."""
    pool_id = new_pool(Policies=PASSKEYS, **settings)
    prefix = aws.unique("pk").lower()
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=prefix)
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS)[
        "UserPoolClient"
    ]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    return pool_id, client_id, f"https://{prefix}.auth.{aws.region}.amazoncognito.com"


def _token(idp: Any, client_id: str) -> str:
    return str(
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
        )["AuthenticationResult"]["AccessToken"]
    )


def _register(idp: Any, token: str, authenticator: Authenticator, origin: str) -> None:
    options = idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    idp.complete_web_authn_registration(AccessToken=token, Credential=authenticator.create(options, origin))


def _passkey_challenge(idp: Any, client_id: str) -> dict[str, Any]:
    challenge = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "alice", "PREFERRED_CHALLENGE": "WEB_AUTHN"},
    )
    assert challenge["ChallengeName"] == "WEB_AUTHN"
    return challenge  # type: ignore[no-any-return]


def _answer(idp: Any, client_id: str, challenge: dict[str, Any], credential: str) -> dict[str, Any]:
    return idp.respond_to_auth_challenge(  # type: ignore[no-any-return]
        ClientId=client_id,
        ChallengeName="WEB_AUTHN",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "alice", "CREDENTIAL": credential},
    )


def test_a_registered_passkey_signs_in_lists_and_deletes(
    aws: Any, idp: Any, new_pool: Callable[..., str]
) -> None:
    """Register a passkey for the pool's domain, see it listed, sign in with it (WEB_AUTHN), delete it.

    Source: botocore Start/CompleteWebAuthnRegistration, ListWebAuthnCredentials
    (WebAuthnCredentialDescription), DeleteWebAuthnCredential, InitiateAuth (PREFERRED_CHALLENGE
    WEB_AUTHN) and RespondToAuthChallenge (WEB_AUTHN with CREDENTIAL); the relying party is the
    pool's domain when no RelyingPartyId is set (WebAuthnConfigurationType).
    """
    _, client_id, origin = _pool(aws, idp, new_pool)
    token, authenticator = _token(idp, client_id), Authenticator()
    options = idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    assert options["rp"]["id"] == origin.removeprefix("https://")
    idp.complete_web_authn_registration(AccessToken=token, Credential=authenticator.create(options, origin))
    listed = idp.list_web_authn_credentials(AccessToken=token)["Credentials"]
    assert [c["CredentialId"] for c in listed] == [websafe_encode(authenticator.credential_id)]
    assert listed[0]["RelyingPartyId"] == options["rp"]["id"]

    challenge = _passkey_challenge(idp, client_id)
    credential = authenticator.get(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"], origin)
    assert _answer(idp, client_id, challenge, credential)["AuthenticationResult"]["TokenType"] == "Bearer"

    idp.delete_web_authn_credential(AccessToken=token, CredentialId=listed[0]["CredentialId"])
    assert idp.list_web_authn_credentials(AccessToken=token)["Credentials"] == []


def test_passkeys_need_web_authn_in_the_sign_in_policy(
    aws: Any, idp: Any, new_pool: Callable[..., str]
) -> None:
    """Without WEB_AUTHN among AllowedFirstAuthFactors, registration is refused.

    Source: botocore WebAuthnNotEnabledException ("the passkey feature isn't enabled for the user pool").
    """
    pool_id = new_pool()
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS)[
        "UserPoolClient"
    ]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    with pytest.raises(ClientError) as raised:
        idp.start_web_authn_registration(AccessToken=_token(idp, client_id))
    assert _error(raised) == "WebAuthnNotEnabledException"


def test_passkeys_need_a_relying_party(idp: Any, new_pool: Callable[..., str]) -> None:
    """No RelyingPartyId and no domain: nothing for the passkey to belong to.

    Source: botocore WebAuthnConfigurationMissingException ("a user pool doesn't have a configured
    relying party id or a user pool domain").
    """
    pool_id = new_pool(Policies=PASSKEYS)
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS)[
        "UserPoolClient"
    ]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    with pytest.raises(ClientError) as raised:
        idp.start_web_authn_registration(AccessToken=_token(idp, client_id))
    assert _error(raised) == "WebAuthnConfigurationMissingException"


def test_registration_checks_origin_relying_party_and_client(
    aws: Any, idp: Any, new_pool: Callable[..., str]
) -> None:
    """A credential made at another origin, for another relying party, or completed with another
    app client's token is refused, each with its own error.

    Source: botocore CompleteWebAuthnRegistration errors: WebAuthnOriginNotAllowedException,
    WebAuthnRelyingPartyMismatchException, WebAuthnClientMismatchException ("the access token is
    for a different client than the one in the original StartWebAuthnRegistration request").
    """
    pool_id, client_id, origin = _pool(aws, idp, new_pool)
    token = _token(idp, client_id)

    options = idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    with pytest.raises(ClientError) as raised:
        idp.complete_web_authn_registration(
            AccessToken=token, Credential=Authenticator().create(options, "https://evil.example.com")
        )
    assert _error(raised) == "WebAuthnOriginNotAllowedException"
    with pytest.raises(ClientError) as raised:
        idp.complete_web_authn_registration(
            AccessToken=token, Credential=Authenticator().create(options, origin, rp_id="evil.example.com")
        )
    assert _error(raised) == "WebAuthnRelyingPartyMismatchException"

    other = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="other", ExplicitAuthFlows=FLOWS)
    other_token = _token(idp, other["UserPoolClient"]["ClientId"])
    with pytest.raises(ClientError) as raised:
        idp.complete_web_authn_registration(
            AccessToken=other_token, Credential=Authenticator().create(options, origin)
        )
    assert _error(raised) == "WebAuthnClientMismatchException"


def test_a_registration_challenge_expires(
    aws: Any, idp: Any, new_pool: Callable[..., str], offline_clock: Any
) -> None:
    """A registration completed after its challenge expired is refused.

    Source: botocore WebAuthnChallengeNotFoundException ("the challenge from StartWebAuthn
    registration has expired"); how long it lasts is UNCONFIRMED (the options' timeout, 3
    minutes offline), so the clock moves 50 minutes (the access token still lives).
    """
    _, client_id, origin = _pool(aws, idp, new_pool)
    token = _token(idp, client_id)
    options = idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    offline_clock.advance(50 * 60)
    with pytest.raises(ClientError) as raised:
        idp.complete_web_authn_registration(
            AccessToken=token, Credential=Authenticator().create(options, origin)
        )
    assert _error(raised) == "WebAuthnChallengeNotFoundException"


def test_sign_in_refuses_a_replayed_counter_and_a_wrong_origin(
    aws: Any, idp: Any, new_pool: Callable[..., str]
) -> None:
    """An assertion whose signature counter did not move on (a cloned or replayed passkey), or made
    at another origin, does not sign in.

    Source: the WebAuthn Level 2 spec's authentication ceremony (signature counter, origin), which
    Cognito as the relying party applies; RespondToAuthChallenge lists no WebAuthn errors, so the
    refusal is NotAuthorizedException (its text UNCONFIRMED).
    """
    _, client_id, origin = _pool(aws, idp, new_pool)
    authenticator = Authenticator()
    _register(idp, _token(idp, client_id), authenticator, origin)

    first = _passkey_challenge(idp, client_id)
    options = first["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
    assert _answer(idp, client_id, first, authenticator.get(options, origin))["AuthenticationResult"]

    replay = _passkey_challenge(idp, client_id)
    stale = authenticator.get(
        replay["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"], origin, count=False
    )
    with pytest.raises(ClientError) as raised:
        _answer(idp, client_id, replay, stale)
    assert _error(raised) == "NotAuthorizedException"

    elsewhere = _passkey_challenge(idp, client_id)
    forged = authenticator.get(
        elsewhere["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"], "https://evil.example.com"
    )
    with pytest.raises(ClientError) as raised:
        _answer(idp, client_id, elsewhere, forged)
    assert _error(raised) == "NotAuthorizedException"


def test_localhost_is_a_relying_party_for_local_development(
    aws: Any, idp: Any, new_pool: Callable[..., str]
) -> None:
    """With WebAuthnConfiguration RelyingPartyId `localhost`, a page at http://localhost:8888 (a
    local JupyterLab) registers a passkey and signs in with it.

    Source: botocore WebAuthnConfigurationType (RelyingPartyId, 1-127 characters); AWS Amplify's
    WebAuthnOptions ("'localhost' - For local development and testing"). That AWS accepts the
    http origin of localhost is UNCONFIRMED (browsers treat it as a secure context).
    """
    pool_id, client_id, _ = _pool(aws, idp, new_pool)
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="OFF", WebAuthnConfiguration={"RelyingPartyId": "localhost"}
    )
    assert (
        idp.get_user_pool_mfa_config(UserPoolId=pool_id)["WebAuthnConfiguration"]["RelyingPartyId"]
        == "localhost"
    )
    authenticator, origin = Authenticator(), "http://localhost:8888"
    _register(idp, _token(idp, client_id), authenticator, origin)
    challenge = _passkey_challenge(idp, client_id)
    credential = authenticator.get(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"], origin)
    assert _answer(idp, client_id, challenge, credential)["AuthenticationResult"]["TokenType"] == "Bearer"


def test_a_user_deleted_and_made_again_has_no_passkey(
    aws: Any, idp: Any, new_pool: Callable[..., str]
) -> None:
    """AdminDeleteUser deletes the user's passkeys with the user: a new user of the same name is
    offered no WEB_AUTHN and lists no credential.

    Source: API Reference AdminDeleteUser ("Deletes a user profile in your user pool") and
    AdminCreateUser (a new user, with a new sub); InitiateAuth's AvailableChallenges list what the
    user can answer (botocore InitiateAuthResponse).
    """
    pool_id, client_id, origin = _pool(aws, idp, new_pool)
    _register(idp, _token(idp, client_id), Authenticator(), origin)
    started = idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "alice"}
    )
    assert "WEB_AUTHN" in started["AvailableChallenges"]

    idp.admin_delete_user(UserPoolId=pool_id, Username="alice")
    idp.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    started = idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "alice"}
    )
    assert "WEB_AUTHN" not in started["AvailableChallenges"]
    assert idp.list_web_authn_credentials(AccessToken=_token(idp, client_id))["Credentials"] == []
