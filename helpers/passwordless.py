"""A user pool for choice-based sign-in: its settings, its users, and its passkeys' relying party.

Notebook 13 writes its pool's settings and calls out; the break-it gallery (notebook 10) makes the
same kind of pool for its own mistakes with `pool_request`. Around those calls:

- `fresh_user`: the lesson's users start afresh on every run (a second run must show the same
  thing, and a passkey or an authenticator app from the first run would change what sign-in
  offers), so an existing one is deleted and made again, by an administrator: a verified email
  (for email codes) and a password, without sending any email (no confirmation code to type, and
  Cognito's default email sends only 50 a day per account).
- `relying_party`: whom the pool's passkeys are for. Offline, `localhost`: the notes app's passkey
  page opens in your browser at JupyterLab's address, http://localhost:<port>, and a relying party
  id must be the page's host (WebAuthn; AWS's Amplify documents `localhost` "for local development
  and testing"; that AWS accepts it is UNCONFIRMED). On real AWS, the pool's own prefix domain, which
  the pool gets here: the Developer Guide's "typically your user pool domain", where managed login's
  pages can use passkeys in a browser.
"""

from __future__ import annotations

from typing import Any

from helpers import managedlogin, userpool
from helpers.lab import AWS, Lab

POOL = "passwordless"  # lab.name(POOL) → "cognito-lab-passwordless"
APP_CLIENT = "web"
# What notebook 13's pool allows as a first factor: a password, a code by email, a passkey.
FIRST_FACTORS = ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]


def pool_request(lab: Lab, base: str = POOL) -> dict[str, Any]:
    """`create_user_pool` arguments for a pool like notebook 13's (see its comments for the why)."""
    return {
        "PoolName": lab.name(base),
        "UserPoolTier": "ESSENTIALS",
        "Policies": {
            "PasswordPolicy": userpool.pool_request(lab)["Policies"]["PasswordPolicy"],
            "SignInPolicy": {"AllowedFirstAuthFactors": FIRST_FACTORS},
        },
        "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}],
        "AutoVerifiedAttributes": ["email"],
        "UserPoolTags": lab.tags,
    }


def client_request() -> dict[str, Any]:
    """The app client: choice-based sign-in (`ALLOW_USER_AUTH`), no secret, 3-minute sign-in sessions."""
    return {
        "ClientName": APP_CLIENT,
        "GenerateSecret": False,
        "ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "AuthSessionValidity": 3,
    }


def ensure_pool(lab: Lab, request: dict[str, Any]) -> tuple[str, str]:
    """Find the pool `request["PoolName"]`, or create it: (pool id, what happened)."""
    pool_id = lab.find_user_pool(request["PoolName"])
    if pool_id is not None:
        return pool_id, "found"
    return lab.client("cognito-idp").create_user_pool(**request)["UserPool"]["Id"], "created"


def fresh_user(lab: Lab, user_pool_id: str, username: str) -> str:
    """Make `username` anew: a verified email and a password, no passkey, no MFA; says what happened."""
    idp = lab.client("cognito-idp")
    existed = lab.find_user(user_pool_id, username) is not None
    if existed:
        idp.admin_delete_user(UserPoolId=user_pool_id, Username=username)
    idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username=username,
        MessageAction="SUPPRESS",  # no invitation email
        UserAttributes=[
            {"Name": "email", "Value": lab.email(username)},
            {"Name": "email_verified", "Value": "true"},  # an administrator vouches for it
        ],
    )
    idp.admin_set_user_password(
        UserPoolId=user_pool_id, Username=username, Password=userpool.PASSWORDS[username], Permanent=True
    )
    return f"user {username} ({'made again' if existed else 'created'}: a verified email and a password)"


def relying_party(lab: Lab, user_pool_id: str, base: str) -> tuple[str, str]:
    """The relying party id for the pool's passkeys, and how it was chosen (see the module docstring)."""
    if lab.backend != AWS:
        return "localhost", "localhost: your browser's JupyterLab at http://localhost:<port>"
    prefix = managedlogin.domain_prefix(lab, base)
    note = managedlogin.ensure_domain(lab, user_pool_id, prefix)
    return managedlogin.domain_host(lab, prefix), f"the pool's {note}"
