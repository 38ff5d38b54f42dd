"""The course's user pool: its settings, its users, and SRP sign-in through pycognito.

Notebook 01 makes the pool with these settings written out in the `create_user_pool` call (the
lesson); later notebooks call `ensure_signed_in_user(lab, "alice")`, which quietly does what 01 did,
finding what already exists by name. A unit test checks that notebook 01's call and `pool_request`
say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pycognito
import requests

from helpers.lab import Lab

POOL = "users"  # lab.name(POOL) → "cognito-lab-users"
APP_CLIENT = "web"

# The course's users. Offline these passwords protect nothing; on real AWS they are the passwords
# of users in your own lab pool, which cleanup deletes.
PASSWORDS = {
    "alice": "Alice-Likes-Tea-42",
    "bob": "Bob-Builds-Boats-7",
    # Part 2's users (notebooks 06-10): an editor, and two people with departments.
    "carol": "Carol-Edits-Copy-3",
    "dave": "Dave-Designs-Gears-8",
    "erin": "Erin-Sells-Sails-5",
}


def pool_request(lab: Lab) -> dict[str, Any]:
    """The `create_user_pool` arguments notebook 01 uses (see its comments for the why)."""
    return {
        "PoolName": lab.name(POOL),
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
                "TemporaryPasswordValidityDays": 7,
            }
        },
        "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}],
        "AutoVerifiedAttributes": ["email"],
        "UserPoolTags": lab.tags,
    }


def client_request(user_pool_id: str) -> dict[str, Any]:
    """The `create_user_pool_client` arguments notebook 01 uses: SRP, no secret."""
    return {
        "UserPoolId": user_pool_id,
        "ClientName": APP_CLIENT,
        "GenerateSecret": False,
        "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "AccessTokenValidity": 60,
        "IdTokenValidity": 60,
        "RefreshTokenValidity": 30,
        "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
    }


def cognito(lab: Lab, user_pool_id: str, client_id: str, username: str) -> pycognito.Cognito:
    """`pycognito.Cognito(user_pool_id, client_id, username=...)`, talking to the lab's AWS.

    pycognito checks every token it receives against the pool's public keys. It is given the
    lab's client and those keys here, because with a local endpoint it would otherwise look for
    them at a URL that doesn't match the tokens' issuer.
    """
    user = pycognito.Cognito(
        user_pool_id, client_id, user_pool_region=lab.region, username=username, session=lab.session
    )
    user.client = lab.client("cognito-idp")
    user.pool_jwk = requests.get(lab.jwks_url(user_pool_id), timeout=10).json()
    return user


def ensure_pool(lab: Lab) -> tuple[str, str, str]:
    """Find or create the course's pool and app client: (pool id, client id, what happened)."""
    idp = lab.client("cognito-idp")
    pool_id = lab.find_user_pool(lab.name(POOL))
    pool_note = "found"
    if pool_id is None:
        pool_id = idp.create_user_pool(**pool_request(lab))["UserPool"]["Id"]
        pool_note = "created"
    client_id = lab.find_app_client(pool_id, APP_CLIENT)
    client_note = "found"
    if client_id is None:
        client_id = idp.create_user_pool_client(**client_request(pool_id))["UserPoolClient"]["ClientId"]
        client_note = "created"
    return (
        pool_id,
        client_id,
        f"user pool {lab.name(POOL)} ({pool_note}), app client {APP_CLIENT} ({client_note})",
    )


def ensure_confirmed_user(lab: Lab, user_pool_id: str, client_id: str, username: str) -> str:
    """Sign up and confirm a course user unless that was done already; says what happened."""
    idp = lab.client("cognito-idp")
    status = lab.find_user(user_pool_id, username)
    if status is None:
        idp.sign_up(
            ClientId=client_id,
            Username=username,
            Password=PASSWORDS[username],
            UserAttributes=[{"Name": "email", "Value": lab.email(username)}],
        )
        status = "UNCONFIRMED"
        note = "signed up and confirmed"
    else:
        note = "found"
    if status == "UNCONFIRMED":
        code = lab.read_confirmation_code(user_pool_id, username)
        idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=code)
        note = "confirmed" if note == "found" else note
    return f"user {username} ({note})"


@dataclass
class SignedInUser:
    """A course user signed in with SRP; `user` holds the tokens (`id_token`, ...)."""

    user_pool_id: str
    client_id: str
    user: pycognito.Cognito


def ensure_signed_in_user(lab: Lab, username: str) -> SignedInUser:
    """Redo notebook 01's steps as needed (pool, client, user) and sign `username` in with SRP.

    Prints one line saying what it found and what it created.
    """
    pool_id, client_id, pool_note = ensure_pool(lab)
    user_note = ensure_confirmed_user(lab, pool_id, client_id, username)
    user = cognito(lab, pool_id, client_id, username)
    user.authenticate(password=PASSWORDS[username])
    print(f"Using {pool_note}, {user_note}; {username} is signed in (SRP).")
    return SignedInUser(pool_id, client_id, user)
