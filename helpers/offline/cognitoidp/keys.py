"""Each user pool's own signing keys, its JWKS, and the check that a pool really signed a token.

AWS signs a pool's tokens with two RSA keys of that pool only (one for ID tokens, one for access
tokens) and publishes their public halves at
`https://cognito-idp.<region>.amazonaws.com/<poolId>/.well-known/jwks.json` (Developer Guide,
"Verifying a JSON Web Token"). moto instead signs every pool's tokens with the one key it ships,
private half included, so a learner could forge tokens (moto-fidelity.md). Here each pool gets
two fresh keys on first use, forgotten with the pool, and moto's shared key is never loaded.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUserPool
from moto.moto_api._internal import mock_random

from .exceptions import TokenVerificationError
from .models import find_pool, lock, state_of, states

_ISSUER = re.compile(r"^https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([^/]+)$")


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    def jwk(self) -> dict[str, str]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {
            "alg": "RS256",
            "e": public["e"],
            "kid": self.kid,
            "kty": "RSA",
            "n": public["n"],
            "use": "sig",
        }


@dataclass(frozen=True)
class PoolKeys:
    """AWS publishes two keys per pool: one signs ID tokens, one access tokens."""

    id: SigningKey
    access: SigningKey

    def by_kid(self) -> dict[str, SigningKey]:
        return {self.id.kid: self.id, self.access.kid: self.access}


class KeyFactory:
    """2048-bit RSA keys, generated ahead of need on a background thread.

    Generating one takes 20-100 ms on a 2-core machine (measured), and each
    pool needs two, so a lab creating pools in a loop would stall. OpenSSL
    releases the GIL while it searches for primes, so a daemon thread can keep
    a few keys ready without slowing anything else down.

    Process-wide on purpose: the spare keys belong to no account, region or pool until one is
    taken, and a reset need not throw good keys away (a taken key is never handed out twice).
    """

    SPARES = 6

    def __init__(self) -> None:
        self._ready: list[rsa.RSAPrivateKey] = []
        self._wanted = threading.Condition()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with self._wanted:
            if self._thread is None:
                self._thread = threading.Thread(target=self._refill, name="userpool-keys", daemon=True)
                self._thread.start()

    def take(self) -> rsa.RSAPrivateKey:
        with self._wanted:
            key = self._ready.pop() if self._ready else None
            self._wanted.notify()
        return key or _new_rsa_key()

    def _refill(self) -> None:
        while True:
            with self._wanted:
                while len(self._ready) >= self.SPARES:
                    self._wanted.wait()
            key = _new_rsa_key()
            with self._wanted:
                self._ready.append(key)


def _new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _new_kid() -> str:
    # Cognito's kids are base64 of 32 bytes, e.g. "abcd...XYZ=". Ids (unlike keys and secrets)
    # come from moto's random source, so a seeded run (`/moto-api/seed`) repeats them.
    return base64.b64encode(mock_random.getrandbits(256).to_bytes(32, "big")).decode()


key_factory = KeyFactory()


def _keys_of(pool: CognitoIdpUserPool) -> PoolKeys:
    """The pool's two keys, made on first use."""
    with lock:
        pool_keys = state_of(pool).pool_keys
        keys = pool_keys.get(pool.id)
        if keys is None:
            keys = PoolKeys(
                SigningKey(_new_kid(), key_factory.take()), SigningKey(_new_kid(), key_factory.take())
            )
            pool_keys[pool.id] = keys
        return keys


def _existing_pool(user_pool_id: str) -> CognitoIdpUserPool:
    pool = find_pool(user_pool_id)
    if pool is None:
        raise LookupError(f"User pool {user_pool_id} does not exist.")
    return pool


def jwks(user_pool_id: str) -> dict[str, list[dict[str, str]]]:
    """The pool's JSON Web Key Set, as served at `/<poolId>/.well-known/jwks.json`.

    Raises LookupError for a pool that does not exist.
    """
    keys = _keys_of(_existing_pool(user_pool_id))
    return {"keys": [keys.id.jwk(), keys.access.jwk()]}


def public_keys(user_pool_id: str) -> dict[str, rsa.RSAPublicKey]:
    """kid -> public key of the pool's two signing keys (LookupError if no such pool)."""
    keys = _keys_of(_existing_pool(user_pool_id))
    return {kid: key.private_key.public_key() for kid, key in keys.by_kid().items()}


def sign(pool: CognitoIdpUserPool, key_use: str, claims: dict[str, Any]) -> str:
    """A JWT with `claims`, signed with the pool's ID-token key (`key_use` "id") or access-token key."""
    keys = _keys_of(pool)
    key = keys.id if key_use == "id" else keys.access
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid, "typ": None})


def pool_of_token(claims: dict[str, Any]) -> CognitoIdpUserPool | None:
    """The pool named by a token's `iss`, if it is a Cognito issuer and the pool exists."""
    issuer = claims.get("iss")
    match = _ISSUER.match(issuer) if isinstance(issuer, str) else None
    return find_pool(match.group(2)) if match else None


def verify_user_pool_token(token: str) -> dict[str, Any]:
    """Check that a user pool of this offline AWS signed `token`; return its claims.

    For the identity-pool engine (GetId and friends), which must trust only
    tokens a real pool issued. Checked here, in this order:

    1. it is a JWT whose `iss` names a Cognito user pool;
    2. that pool exists;
    3. the header's `kid` is one of that pool's two keys;
    4. the RS256 signature verifies with that key.

    NOT checked, on purpose: `exp`, `aud`, `token_use` and revocation. The
    caller answers those with its own AWS error messages (identity pools say
    "Invalid login token. Token expired: ..."). Use `clock.now()` for expiry.

    Raises TokenVerificationError (a ValueError) whose message says which
    check failed.
    """
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as problem:
        raise TokenVerificationError(f"not a JWT: {problem}") from None
    issuer = claims.get("iss")
    match = _ISSUER.match(issuer) if isinstance(issuer, str) else None
    if match is None:
        raise TokenVerificationError(f"issuer {issuer!r} is not a Cognito user pool")
    pool_id = match.group(2)
    pool = find_pool(pool_id)
    if pool is None:
        raise TokenVerificationError(f"unknown user pool {pool_id}")
    keys = state_of(pool).pool_keys.get(pool_id)
    kid = header.get("kid")
    key = keys.by_kid().get(kid) if keys is not None and isinstance(kid, str) else None
    if key is None:
        raise TokenVerificationError(f"unknown kid {kid!r} for user pool {pool_id}")
    try:
        verified: dict[str, Any] = jwt.decode(
            token,
            key.private_key.public_key(),
            algorithms=["RS256"],
            options={"verify_exp": False, "verify_aud": False, "verify_iat": False, "verify_nbf": False},
        )
    except jwt.PyJWTError as problem:
        raise TokenVerificationError(f"signature verification failed: {problem}") from None
    return verified


class NoSharedKey:
    """Stands in for joserfc's `jwk` in moto's models module.

    moto gives every new pool the one RSA key it ships (private half
    included), re-validating it each time: 110-200 ms per CreateUserPool,
    measured. Pools here sign with their own keys, so the shared key is
    never loaded and a pool's `json_web_key` is None: anything that still
    tried to sign with it would fail instead of minting a forgeable token.
    """

    class RSAKey:
        @staticmethod
        def import_key(_data: object) -> None:
            return None


def forgetting_keys(original: Callable[..., None]) -> Callable[..., None]:
    """A deleted pool's keys go with it: a pool made again with the same id (moto's HASH id
    strategy) must not accept tokens the old one signed."""

    def delete_user_pool(self: CognitoIdpBackend, user_pool_id: str) -> None:
        original(self, user_pool_id)
        with lock:
            states.get(self.account_id, self.region_name).pool_keys.pop(user_pool_id, None)

    return delete_user_pool
