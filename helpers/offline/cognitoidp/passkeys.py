"""Passkeys (WebAuthn): registering them, listing and deleting them, and signing in with one.

Follows botocore's StartWebAuthnRegistration, CompleteWebAuthnRegistration,
ListWebAuthnCredentials, DeleteWebAuthnCredential and WebAuthnConfigurationType (the API
Reference), the WEB_AUTHN challenge of InitiateAuth / RespondToAuthChallenge (its options in
`ChallengeParameters.CREDENTIAL_REQUEST_OPTIONS`, as AWS's Amplify library reads them), and
aws-semantics-next.md section 6:

* passkeys are on when the pool's SignInPolicy allows WEB_AUTHN (else WebAuthnNotEnabledException);
* the relying party is the pool's `WebAuthnConfiguration.RelyingPartyId`, "typically your user
  pool domain", else the pool's domain; neither: WebAuthnConfigurationMissingException;
* an origin is allowed when its host is the relying party id or a subdomain of it, over https, or
  over http for `localhost` (the WebAuthn rule for an RP ID and the browsers' secure contexts;
  which origins AWS allows is UNCONFIRMED). AWS's Amplify documents `localhost` as a relying party
  id "for local development and testing" (amplify-backend auth-construct WebAuthnOptions), which is
  how a browser on a local JupyterLab (http://localhost:8888) registers and uses a passkey.

Cognito's own checks come first, each with its AWS error (challenge, client, type, origin, RP ID
hash, algorithm, user verification); py_webauthn (`webauthn`) then verifies the attestation or
the signature and counter, and its failure is one AWS error whatever its message. Values AWS
chooses that no source shows (timeouts, algorithms offered, friendly names) are UNCONFIRMED.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any
from urllib.parse import urlsplit

from moto.cognitoidp.models import CognitoIdpUser, CognitoIdpUserPool
from moto.core.responses import ActionResult, EmptyResult

from .. import clock
from . import mfa, plans, tokens
from .exceptions import (
    WEBAUTHN_CHALLENGE_NOT_FOUND,
    WEBAUTHN_CLIENT_MISMATCH,
    WEBAUTHN_CONFIGURATION_MISSING,
    WEBAUTHN_CREDENTIAL_NOT_FOUND,
    WEBAUTHN_INVALID,
    WEBAUTHN_NOT_ENABLED,
    WEBAUTHN_NOT_SUPPORTED,
    WEBAUTHN_ORIGIN_NOT_ALLOWED,
    WEBAUTHN_RP_MISMATCH,
    WEBAUTHN_SIGN_IN_FAILED,
    InvalidParameterException,
    NotAuthorizedException,
    ResourceNotFoundException,
    WebAuthnChallengeNotFoundException,
    WebAuthnClientMismatchException,
    WebAuthnConfigurationMissingException,
    WebAuthnCredentialNotSupportedException,
    WebAuthnNotEnabledException,
    WebAuthnOriginNotAllowedException,
    WebAuthnRelyingPartyMismatchException,
)
from .models import AuthSession, Passkey, Registration, lock, state_of

TIMEOUT_MS = 180_000  # UNCONFIRMED: the options' timeout, also how long a challenge lasts
# UNCONFIRMED: the algorithms Cognito offers (ES256 and RS256, what platform authenticators use),
# as COSE numbers (IANA's COSE Algorithms registry).
ALGORITHMS = (-7, -257)

# py_webauthn is imported by the functions that use it, when a passkey is first made or used: its
# import (cbor2, pyasn1's certificate modules, ...) took 0.065 s of every kernel's start, measured,
# and most notebooks never touch a passkey.


# --- The pool's relying party ----------------------------------------------------------------------
def check_enabled(pool: CognitoIdpUserPool) -> None:
    if "WEB_AUTHN" not in plans.first_factors(pool.extended_config):
        raise WebAuthnNotEnabledException(WEBAUTHN_NOT_ENABLED)


def relying_party_id(pool: CognitoIdpUserPool) -> str:
    configured = mfa.webauthn_configuration(pool).get("RelyingPartyId")
    if configured:
        return str(configured)
    domain = pool.domain
    if domain is None:
        raise WebAuthnConfigurationMissingException(WEBAUTHN_CONFIGURATION_MISSING)
    if domain.custom_domain_config:
        return str(domain.domain)
    return f"{domain.domain}.auth.{pool.region}.amazoncognito.com"


def origin_allowed(origin: str, rp_id: str) -> bool:
    parts = urlsplit(origin)
    host = parts.hostname or ""
    if host != rp_id and not host.endswith("." + rp_id):
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and host == "localhost")


def _user_verification(pool: CognitoIdpUserPool) -> str:
    return str(mfa.webauthn_configuration(pool).get("UserVerification") or "preferred")


def _client_data(raw: bytes, expected_type: str, challenge: bytes | None, rp_id: str, sign_in: bool) -> str:
    """Cognito's checks of clientDataJSON, in order; the origin, which the library checks again."""
    from webauthn.helpers import parse_client_data_json

    data = parse_client_data_json(raw)
    if challenge is None or not secrets.compare_digest(data.challenge, challenge):
        if sign_in:
            raise NotAuthorizedException(
                WEBAUTHN_SIGN_IN_FAILED.format(reason="the challenge does not match")
            )
        raise WebAuthnChallengeNotFoundException(WEBAUTHN_CHALLENGE_NOT_FOUND)
    if data.type != expected_type:
        reason = f"clientDataJSON type is {data.type!r}, not {expected_type!r}"
        if sign_in:
            raise NotAuthorizedException(WEBAUTHN_SIGN_IN_FAILED.format(reason=reason))
        raise InvalidParameterException(WEBAUTHN_INVALID.format(reason=reason))
    if not origin_allowed(data.origin, rp_id):
        if sign_in:
            reason = f"origin {data.origin} is not allowed for relying party {rp_id}"
            raise NotAuthorizedException(WEBAUTHN_SIGN_IN_FAILED.format(reason=reason))
        raise WebAuthnOriginNotAllowedException(
            WEBAUTHN_ORIGIN_NOT_ALLOWED.format(origin=data.origin, rp_id=rp_id)
        )
    return str(data.origin)


# --- Registration ----------------------------------------------------------------------------------
def _caller(request: Any) -> tuple[CognitoIdpUserPool, str, CognitoIdpUser]:
    token = request._get_param("AccessToken")
    claims = tokens.check_access_token(token)
    pool, _ = tokens.client_of_access_token(token)
    return pool, str(claims["client_id"]), pool._get_user(claims["username"])


def _passkeys(pool: CognitoIdpUserPool, user: CognitoIdpUser) -> list[Passkey]:
    with lock:
        return state_of(pool).passkeys.setdefault((pool.id, user.username), [])


def start_web_authn_registration(self: Any) -> ActionResult:
    from webauthn.helpers import bytes_to_base64url

    pool, client_id, user = _caller(self)
    check_enabled(pool)
    rp_id = relying_party_id(pool)
    challenge = secrets.token_bytes(32)
    with lock:
        state_of(pool).registrations[(pool.id, user.username)] = Registration(
            client_id, challenge, rp_id, clock.now() + TIMEOUT_MS / 1000
        )
    verification = _user_verification(pool)
    options = {
        "challenge": bytes_to_base64url(challenge),
        "rp": {"id": rp_id, "name": rp_id},
        "user": {
            "id": bytes_to_base64url(user.id.encode()),
            "name": user.username,
            "displayName": user.username,
        },
        "pubKeyCredParams": [{"type": "public-key", "alg": alg} for alg in ALGORITHMS],
        "timeout": TIMEOUT_MS,
        "excludeCredentials": [
            {"type": "public-key", "id": key.credential_id} for key in _passkeys(pool, user)
        ],
        "authenticatorSelection": {
            "requireResidentKey": True,
            "residentKey": "required",
            "userVerification": verification,
        },
    }
    return ActionResult({"CredentialCreationOptions": options})


def _parsed(credential: Any, parse: Any) -> Any:
    from webauthn.helpers.exceptions import WebAuthnException

    try:
        return parse(credential if isinstance(credential, (str, dict)) else json.dumps(credential))
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise InvalidParameterException(
            WEBAUTHN_INVALID.format(reason="the credential is not WebAuthn JSON")
        ) from error


def complete_web_authn_registration(self: Any) -> EmptyResult:
    import webauthn
    from webauthn.helpers import (
        bytes_to_base64url,
        decode_credential_public_key,
        parse_attestation_object,
        parse_registration_credential_json,
    )
    from webauthn.helpers.cose import COSEAlgorithmIdentifier
    from webauthn.helpers.exceptions import WebAuthnException

    pool, client_id, user = _caller(self)
    check_enabled(pool)
    with lock:
        pending = state_of(pool).registrations.get((pool.id, user.username))
    if pending is None or clock.now() >= pending.expires_at:
        raise WebAuthnChallengeNotFoundException(WEBAUTHN_CHALLENGE_NOT_FOUND)
    if pending.client_id != client_id:
        raise WebAuthnClientMismatchException(WEBAUTHN_CLIENT_MISMATCH)
    credential = _parsed(self._get_param("Credential"), parse_registration_credential_json)
    try:
        origin = _client_data(
            credential.response.client_data_json,
            "webauthn.create",
            pending.challenge,
            pending.relying_party_id,
            False,
        )
        attestation = parse_attestation_object(credential.response.attestation_object)
        data = attestation.auth_data
        if not secrets.compare_digest(
            data.rp_id_hash, hashlib.sha256(pending.relying_party_id.encode()).digest()
        ):
            raise WebAuthnRelyingPartyMismatchException(
                WEBAUTHN_RP_MISMATCH.format(rp_id=pending.relying_party_id)
            )
        attested = data.attested_credential_data
        if attested is None:
            raise InvalidParameterException(WEBAUTHN_INVALID.format(reason="no attested credential data"))
        algorithm = decode_credential_public_key(attested.credential_public_key).alg
    except WebAuthnException as error:
        raise InvalidParameterException(WEBAUTHN_INVALID.format(reason="malformed attestation")) from error
    if algorithm not in ALGORITHMS:
        raise WebAuthnCredentialNotSupportedException(
            WEBAUTHN_NOT_SUPPORTED.format(reason=f"algorithm {algorithm}")
        )
    required = _user_verification(pool) == "required"
    if required and not data.flags.uv:
        raise WebAuthnCredentialNotSupportedException(
            WEBAUTHN_NOT_SUPPORTED.format(reason="no user verification")
        )
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=pending.challenge,
            expected_rp_id=pending.relying_party_id,
            expected_origin=origin,
            require_user_verification=required,
            supported_pub_key_algs=[COSEAlgorithmIdentifier(alg) for alg in ALGORITHMS],
        )
    except WebAuthnException as error:
        raise InvalidParameterException(
            WEBAUTHN_INVALID.format(reason="the attestation does not verify")
        ) from error
    credential_id = bytes_to_base64url(verified.credential_id)
    transports = tuple(str(getattr(t, "value", t)) for t in credential.response.transports or ())
    attachment = credential.authenticator_attachment
    passkey = Passkey(
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        relying_party_id=pending.relying_party_id,
        transports=transports,
        attachment=str(getattr(attachment, "value", attachment)) if attachment else None,
        # UNCONFIRMED: AWS names a passkey after its provider; offline, after its AAGUID.
        name="Passkey" if set(verified.aaguid) <= {"0", "-"} else verified.aaguid,
        created_at=clock.now(),
    )
    with lock:
        state_of(pool).registrations.pop((pool.id, user.username), None)
        keys = _passkeys(pool, user)
        keys[:] = [key for key in keys if key.credential_id != credential_id] + [passkey]
    return EmptyResult()


def list_web_authn_credentials(self: Any) -> ActionResult:
    pool, _, user = _caller(self)
    start = int(self._get_param("NextToken") or 0)
    size = int(self._get_param("MaxResults") or 20)
    keys = _passkeys(pool, user)
    page = keys[start : start + size]
    described = []
    for key in page:
        entry: dict[str, Any] = {
            "CredentialId": key.credential_id,
            "FriendlyCredentialName": key.name,
            "RelyingPartyId": key.relying_party_id,
            "AuthenticatorTransports": list(key.transports),
            "CreatedAt": key.created_at,
        }
        if key.attachment:
            entry["AuthenticatorAttachment"] = key.attachment
        described.append(entry)
    result: dict[str, Any] = {"Credentials": described}
    if start + size < len(keys):
        result["NextToken"] = str(start + size)
    return ActionResult(result)


def delete_web_authn_credential(self: Any) -> EmptyResult:
    pool, _, user = _caller(self)
    wanted = self._get_param("CredentialId")
    with lock:
        keys = _passkeys(pool, user)
        kept = [key for key in keys if key.credential_id != wanted]
        if len(kept) == len(keys):
            raise ResourceNotFoundException(WEBAUTHN_CREDENTIAL_NOT_FOUND)
        keys[:] = kept
    return EmptyResult()


# --- Signing in: the WEB_AUTHN challenge ---------------------------------------------------------
def has_passkey(pool: CognitoIdpUserPool, user: CognitoIdpUser) -> bool:
    return bool(state_of(pool).passkeys.get((pool.id, user.username)))


def request_options(pool: CognitoIdpUserPool, user: CognitoIdpUser, session: AuthSession) -> str:
    """CREDENTIAL_REQUEST_OPTIONS: a PublicKeyCredentialRequestOptionsJSON, as a JSON string."""
    from webauthn.helpers import bytes_to_base64url

    session.webauthn_challenge = secrets.token_bytes(32)
    options = {
        "challenge": bytes_to_base64url(session.webauthn_challenge),
        "timeout": TIMEOUT_MS,
        "rpId": relying_party_id(pool),
        "allowCredentials": [
            {"type": "public-key", "id": key.credential_id, "transports": list(key.transports)}
            for key in _passkeys(pool, user)
        ],
        "userVerification": _user_verification(pool),
    }
    return json.dumps(options, separators=(",", ":"))


def verify_assertion(
    pool: CognitoIdpUserPool, user: CognitoIdpUser, session: AuthSession, credential: Any
) -> None:
    """The WEB_AUTHN answer (an AuthenticationResponseJSON): Cognito's checks, then py_webauthn's."""
    import webauthn
    from webauthn.helpers import parse_authentication_credential_json, parse_authenticator_data
    from webauthn.helpers.exceptions import WebAuthnException

    def failed(reason: str) -> NotAuthorizedException:
        return NotAuthorizedException(WEBAUTHN_SIGN_IN_FAILED.format(reason=reason))

    parsed = _parsed(credential, parse_authentication_credential_json)
    key = next((k for k in _passkeys(pool, user) if k.credential_id == parsed.id), None)
    if key is None:
        raise failed("the credential is not one of the user's passkeys")
    rp_id = relying_party_id(pool)
    try:
        origin = _client_data(
            parsed.response.client_data_json, "webauthn.get", session.webauthn_challenge, rp_id, True
        )
        data = parse_authenticator_data(parsed.response.authenticator_data)
    except WebAuthnException as error:
        raise InvalidParameterException(WEBAUTHN_INVALID.format(reason="malformed assertion")) from error
    if not secrets.compare_digest(data.rp_id_hash, hashlib.sha256(rp_id.encode()).digest()):
        raise failed(f"the assertion is for another relying party than {rp_id}")
    if (data.sign_count or key.sign_count) and data.sign_count <= key.sign_count:
        raise failed("the signature counter did not increase (a cloned or replayed passkey)")
    required = _user_verification(pool) == "required"
    if required and not data.flags.uv:
        raise failed("the user was not verified")
    try:
        verified = webauthn.verify_authentication_response(
            credential=parsed,
            expected_challenge=session.webauthn_challenge or b"",
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=key.public_key,
            credential_current_sign_count=key.sign_count,
            require_user_verification=required,
        )
    except WebAuthnException as error:
        raise failed("the signature does not verify") from error
    with lock:
        key.sign_count = verified.new_sign_count
