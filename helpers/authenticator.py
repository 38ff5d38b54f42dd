"""A passkey authenticator in software, for a kernel without a browser.

A passkey is a key pair an authenticator (a phone, a laptop's screen lock, a security key) makes for
one relying party; the private key never leaves it. Notebook 13 makes one step by step with fido2's
WebAuthn builders and a P-256 key from `cryptography`, so the learner sees what is signed, by which
key, and what Cognito checks. What it needs around those steps is here:

- `registration_json` / `assertion_json`: the credential as WebAuthn's JSON forms
  (RegistrationResponseJSON, AuthenticationResponseJSON: binary fields in base64url), which is what
  CompleteWebAuthnRegistration's `Credential` and the WEB_AUTHN challenge's `CREDENTIAL` take, and
  what a browser's `credential.toJSON()` gives;
- `SoftwareAuthenticator`: the notebook's steps in one object, for the cells whose lesson is
  elsewhere (the break-it cells, the gallery). It plays the browser too, so it writes whatever origin
  it is told into the client data: a real browser writes the page's own, which is the point of the
  origin check.

fido2 builds the structures (CBOR, COSE keys); nothing here is hand-written cryptography.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

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

# The flags a passkey sets: the user was present (UP) and verified (UV: a PIN, a fingerprint);
# at registration also AT, "attested credential data included" (the new public key).
SIGN_IN_FLAGS = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV
REGISTRATION_FLAGS = SIGN_IN_FLAGS | AuthenticatorData.FLAG.AT


def registration_json(
    credential_id: bytes,
    client_data: CollectedClientData,
    attestation: AttestationObject,
    *,
    attachment: str = "platform",
    transports: Sequence[str] = ("internal",),
) -> dict[str, Any]:
    """A new passkey as RegistrationResponseJSON (what `navigator.credentials.create()` gives)."""
    return {
        "id": websafe_encode(credential_id),
        "rawId": websafe_encode(credential_id),
        "type": "public-key",
        "authenticatorAttachment": attachment,
        "response": {
            "clientDataJSON": websafe_encode(client_data),
            "attestationObject": websafe_encode(attestation),
            "transports": list(transports),
        },
        "clientExtensionResults": {},
    }


def assertion_json(
    credential_id: bytes, client_data: CollectedClientData, auth_data: AuthenticatorData, signature: bytes
) -> str:
    """A signed challenge as AuthenticationResponseJSON, in a string (the WEB_AUTHN `CREDENTIAL`)."""
    return json.dumps(
        {
            "id": websafe_encode(credential_id),
            "rawId": websafe_encode(credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "authenticatorData": websafe_encode(auth_data),
                "signature": websafe_encode(signature),
            },
            "clientExtensionResults": {},
        }
    )


def rp_id_hash(rp_id: str) -> bytes:
    """SHA-256 of the relying party id: how authenticator data names whom it is for."""
    return hashlib.sha256(rp_id.encode()).digest()


class SoftwareAuthenticator:
    """One passkey in software: a P-256 private key, its credential id, its signature counter.

    `create` and `get` are notebook 13's steps; give it the notebook's key and credential id to go on
    with the passkey made there.
    """

    def __init__(
        self,
        key: ec.EllipticCurvePrivateKey | None = None,
        credential_id: bytes | None = None,
        counter: int = 0,
    ) -> None:
        self.key = key or ec.generate_private_key(ec.SECP256R1())
        self.credential_id = credential_id or os.urandom(32)
        self.counter = counter

    def create(self, options: Mapping[str, Any], origin: str) -> dict[str, Any]:
        """`navigator.credentials.create()` at `origin` with Cognito's CredentialCreationOptions."""
        client_data = CollectedClientData.create("webauthn.create", options["challenge"], origin)
        public_key = ES256.from_cryptography_key(self.key.public_key())
        attested = AttestedCredentialData.create(Aaguid.NONE, self.credential_id, public_key)
        auth_data = AuthenticatorData.create(
            rp_id_hash(options["rp"]["id"]), REGISTRATION_FLAGS, self.counter, attested
        )
        return registration_json(
            self.credential_id, client_data, AttestationObject.create("none", auth_data, {})
        )

    def get(self, request_options: str | Mapping[str, Any], origin: str) -> str:
        """`navigator.credentials.get()` at `origin` with the WEB_AUTHN challenge's
        CREDENTIAL_REQUEST_OPTIONS (a JSON string, as Cognito sends it, or already read)."""
        options = json.loads(request_options) if isinstance(request_options, str) else request_options
        self.counter += 1
        client_data = CollectedClientData.create("webauthn.get", options["challenge"], origin)
        auth_data = AuthenticatorData.create(rp_id_hash(options["rpId"]), SIGN_IN_FLAGS, self.counter)
        signature = self.key.sign(bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256()))
        return assertion_json(self.credential_id, client_data, auth_data, signature)
