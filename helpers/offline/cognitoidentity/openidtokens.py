"""Cognito Identity's own OpenID tokens, and the keys it publishes to verify them.

moto's Cognito Identity "token" is just the identity id. AWS's is a signed JWT (Cognito DG
"Identity pools authentication flow", API GetOpenIdToken and GetOpenIdTokenForDeveloperIdentity):
`iss` https://cognito-identity.amazonaws.com, `aud` the identity pool id, `sub` the identity id,
`amr`, valid 600 s unless the developer flow chooses (awslabs/aws-jwt-verify#89, botocore "valid
for 10 minutes"). AWS signs these with RS512 and per-region `kid`s such as "ap-northeast-1-8",
publishing the keys at https://cognito-identity.amazonaws.com/.well-known/jwks_uri; the engine does
the same with one key per region. STS verifies these tokens in AssumeRoleWithWebIdentity
(`sts.webidentity`), and GetCredentialsForIdentity accepts them back in Logins.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from .. import clock, routes

COGNITO_IDENTITY = "cognito-identity.amazonaws.com"
COGNITO_IDENTITY_ISSUER = f"https://{COGNITO_IDENTITY}"
OPENID_TOKEN_SECONDS = 600
ALGORITHM = "RS512"

# Generated once per process and region, like AWS's long-lived keys: a reset of the lab (or of
# moto) does not invalidate the keys a notebook may have cached, so they are not engine state.
_keys_lock = threading.Lock()
_keys: dict[str, rsa.RSAPrivateKey] = {}


def _kid(region: str) -> str:
    return f"{region}-1"


def _signing_key(region: str) -> rsa.RSAPrivateKey:
    with _keys_lock:
        if region not in _keys:
            _keys[region] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return _keys[region]


def jwks() -> dict[str, Any]:
    """The public keys, as AWS serves them at /.well-known/jwks_uri."""
    with _keys_lock:
        items = list(_keys.items())
    keys = []
    for region, key in items:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        keys.append({**public, "use": "sig", "kid": _kid(region), "alg": ALGORITHM})
    return {"keys": keys}


def issue_openid_token(
    identity_pool_id: str, identity_id: str, amr: list[str], *, seconds: int = OPENID_TOKEN_SECONDS
) -> str:
    """A Cognito Identity OpenID token: the basic (classic) flow's, or a developer
    identity's (GetOpenIdTokenForDeveloperIdentity chooses its lifetime)."""
    region = identity_id.split(":")[0]
    now = int(clock.now())
    claims = {
        "iss": COGNITO_IDENTITY_ISSUER,
        "sub": identity_id,
        "aud": identity_pool_id,
        "amr": amr,
        "iat": now,
        "exp": now + seconds,
    }
    return jwt.encode(claims, _signing_key(region), algorithm=ALGORITHM, headers={"kid": _kid(region)})


def verify_openid_token(token: str) -> dict[str, Any]:
    """The claims of a token Cognito Identity (this offline one) signed; ValueError or
    jwt.PyJWTError otherwise. Expiry is the caller's to check, on the offline clock."""
    match = re.fullmatch(r"(.+)-1", str(jwt.get_unverified_header(token).get("kid", "")))
    with _keys_lock:
        key = _keys.get(match.group(1)) if match else None
    if key is None:
        raise ValueError("unknown kid")
    return jwt.decode(
        token,
        key.public_key(),
        algorithms=[ALGORITHM],
        options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False},
    )


def _serve_jwks(request: routes.Request, match: re.Match[str]) -> routes.Response:
    return routes.Response.json(jwks())


# AWS publishes them at https://cognito-identity.amazonaws.com/.well-known/jwks_uri; the endpoint
# at its own /.well-known/jwks_uri (no AWS API path starts with /.well-known: an S3 bucket name
# cannot start with a dot).
ROUTES = (
    routes.Route(
        "Cognito Identity's JWKS",
        r"/\.well-known/jwks_uri",
        _serve_jwks,
        hosts=(r"cognito-identity\.amazonaws\.com",),
        local=True,
    ),
)
