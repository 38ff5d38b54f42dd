"""Secure Remote Password sign-in (USER_SRP_AUTH) from the server's side, so SRP proves the password.

The API Reference's InitiateAuth and RespondToAuthChallenge (PASSWORD_VERIFIER) and the
Developer Guide's "SRP authentication flow": the server answers SRP_A with SALT, SRP_B and a
SECRET_BLOCK, and checks PASSWORD_CLAIM_SIGNATURE. moto answers with placeholders and accepts any
signature; here B is computed from the user's real verifier and the signature is checked with the
same math as the client (`pycognito.aws_srp`, which follows AWS's SDKs).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
import uuid
from typing import Any

from moto.cognitoidp.models import (
    CognitoIdpBackend,
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolClient,
)
from pycognito import aws_srp

from .. import clock
from .exceptions import INVALID_SRP_A, InvalidParameterException
from .models import SrpChallenge, lock, state_of

_N: int = aws_srp.hex_to_long(aws_srp.N_HEX)
_G: int = aws_srp.hex_to_long(aws_srp.G_HEX)
_K: int = aws_srp.hex_to_long(aws_srp.hex_hash("00" + aws_srp.N_HEX + "0" + aws_srp.G_HEX))


@functools.lru_cache(maxsize=1024)
def _verifier(pool_id: str, user_id_for_srp: str, password: str, salt_hex: str) -> int:
    """The user's SRP verifier, computed once per password as Cognito stores it when the password is set."""
    inner = aws_srp.hash_sha256(f"{pool_id.split('_')[1]}{user_id_for_srp}:{password}".encode())
    x = aws_srp.hex_to_long(aws_srp.hex_hash(aws_srp.pad_hex(salt_hex) + inner))
    return pow(_G, x, _N)


def salt(pool: CognitoIdpUserPool, *parts: str) -> str:
    """A value stable for the same parts, unguessable without the pool's state.

    Stable per user and password, as a stored verifier's salt is; for an
    unknown user AWS also answers "the same salt for the same user name".
    """
    secret = state_of(pool).srp_secret
    return hmac.new(secret, "\0".join((pool.id, *parts)).encode(), hashlib.sha256).hexdigest()[:32]


def start(
    backend: CognitoIdpBackend,
    pool: CognitoIdpUserPool,
    client: CognitoIdpUserPoolClient,
    user: CognitoIdpUser | None,
    username: str,
    srp_a_hex: str,
) -> dict[str, Any]:
    """The PASSWORD_VERIFIER challenge, with B computed from the user's real verifier."""
    try:
        srp_a = int(srp_a_hex, 16)
    except ValueError:
        raise InvalidParameterException(INVALID_SRP_A) from None
    if user is None:
        # PreventUserExistenceErrors=ENABLED: a simulated challenge (RFC 5054
        # 2.5.1.3) with a stable UUID user id, then "Incorrect username or password.".
        user_id = str(uuid.UUID(hex=salt(pool, username)))
        salt_hex, verifier = salt(pool, username, "simulated"), None
    else:
        user_id = user.username
        salt_hex = salt(pool, user.username, user.password or "")
        verifier = _verifier(pool.id, user_id, user.password, salt_hex) if user.password else None
    # 256 random bits, as SRP-6a asks; larger exponents only cost time.
    b = secrets.randbits(256)
    srp_b = (_K * (verifier or pow(_G, secrets.randbits(256), _N)) + pow(_G, b, _N)) % _N
    secret_block = base64.b64encode(secrets.token_bytes(96)).decode()
    session_minutes = int(client.extended_config.get("AuthSessionValidity") or 3)
    with lock:
        state_of(pool).srp_challenges[secret_block] = SrpChallenge(
            pool.id, client.id, user_id, srp_a, b, srp_b, verifier, clock.now() + 60 * session_minutes
        )
    if user is not None:
        # moto's own RespondToAuthChallenge finds the sign-in by SECRET_BLOCK.
        backend.sessions[secret_block] = (user.username, pool)
    return {
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "SALT": salt_hex,
            "SECRET_BLOCK": secret_block,
            "SRP_B": aws_srp.long_to_hex(srp_b),
            "USERNAME": user_id,
            "USER_ID_FOR_SRP": user_id,
        },
    }


def take_challenge(pool: CognitoIdpUserPool, secret_block: str) -> SrpChallenge | None:
    """The challenge issued with this SECRET_BLOCK, which can be answered only once."""
    with lock:
        return state_of(pool).srp_challenges.pop(secret_block, None)


def signature_valid(challenge: SrpChallenge, secret_block: str, timestamp: str, signature: str) -> bool:
    if challenge.verifier is None or challenge.srp_a % _N == 0:
        return False
    u = aws_srp.calculate_u(challenge.srp_a, challenge.srp_b)
    if u == 0:
        return False
    shared = pow(challenge.srp_a * pow(challenge.verifier, u, _N), challenge.b, _N)
    key = aws_srp.compute_hkdf(
        bytearray.fromhex(aws_srp.pad_hex(shared)), bytearray.fromhex(aws_srp.pad_hex(aws_srp.long_to_hex(u)))
    )
    message = (
        challenge.pool_id.split("_")[1].encode()
        + challenge.user_id_for_srp.encode()
        + base64.b64decode(secret_block)
        + timestamp.encode()
    )
    expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected.encode(), signature.encode())
