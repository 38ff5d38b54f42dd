"""Look inside Cognito's tokens: decode, find the signing key, compare, tamper.

The verification itself (`jwt.decode(...)` with the key, audience and issuer) stays in the
notebooks, written out: it is the lesson. These helpers do the reading and the pictures.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import jwt

from helpers import show

# What each claim of a user pool token says (Cognito Developer Guide, "Understanding user pool
# JSON web tokens": the ID token, the access token).
CLAIM_MEANINGS = {
    "aud": "the app client the ID token was issued to",
    "auth_time": "when the user signed in (epoch seconds)",
    "client_id": "the app client the access token was issued to",
    "cognito:groups": "the user's groups in the pool",
    "cognito:preferred_role": "the IAM role of the user's highest-priority group",
    "cognito:roles": "the IAM roles of the user's groups",
    "cognito:username": "the user's username in the pool",
    "email": "the user's email address",
    "email_verified": "whether the user proved they own that email",
    "event_id": "the sign-in event",
    "exp": "when the token expires (epoch seconds)",
    "iat": "when the token was issued (epoch seconds)",
    "iss": "the user pool that issued it",
    "jti": "this token's unique id",
    "origin_jti": "the sign-in session all refreshed tokens come from",
    "scope": "what the access token lets you do with the user pool API",
    "sub": "the user's id, unique and never reused",
    "token_use": "what the token is for: id or access",
    "username": "the user's username in the pool",
}


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def header(token: str) -> dict[str, Any]:
    """The token's header (which key signed it, with which algorithm), unverified."""
    return jwt.get_unverified_header(token)


def claims(token: str) -> dict[str, Any]:
    """The token's claims, read WITHOUT checking the signature: anyone can read a JWT."""
    return jwt.decode(token, options={"verify_signature": False})


def signing_key(jwks: Mapping[str, Any], token: str) -> jwt.PyJWK:
    """The key in the pool's JWKS whose `kid` the token's header names."""
    kid = header(token).get("kid")
    for key in jwks.get("keys", []):
        if key.get("kid") == kid:
            return jwt.PyJWK(key)
    raise jwt.PyJWKError(f"No key in the pool's JWKS has kid {kid!r}: this pool did not sign the token.")


def compare(id_token: str, access_token: str) -> None:
    """Print the ID and access tokens' claims side by side, one row per claim, sorted."""
    id_claims, access_claims = claims(id_token), claims(access_token)
    rows = [
        [name, id_claims.get(name, "-"), access_claims.get(name, "-"), CLAIM_MEANINGS.get(name, "")]
        for name in sorted(set(id_claims) | set(access_claims))
    ]
    show.table(rows, ["claim", "ID token", "access token", "what it says"])


def describe(token: str) -> str:
    """One line on what a token is: a readable JWT (its `token_use`), or opaque to you."""
    parts = token.split(".")
    if len(parts) == 3:
        return f"a signed JWT (token_use={claims(token).get('token_use')!r}): anyone can read its claims"
    if len(parts) == 5:
        return "an encrypted JWT (JWE): only Cognito can read it"
    return "an opaque string: only Cognito knows what it stands for"


def tamper(token: str, changes: Mapping[str, Any]) -> str:
    """The same token with some claims changed and the ORIGINAL signature kept: a forgery."""
    head, payload, signature = token.split(".")
    forged = {**json.loads(_b64decode(payload)), **changes}
    return ".".join([head, _b64encode(json.dumps(forged, separators=(",", ":")).encode()), signature])
