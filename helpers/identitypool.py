"""The course's identity pool: its two roles and their trust policies, the pool, and credentials.

Notebook 03 makes all of this with the calls written out; later notebooks call
`ensure_identity_pool_with_roles(lab)`, which quietly redoes 03's steps (finding what exists by
name), and `credentials_for(...)`, which does 03's GetId + GetCredentialsForIdentity in one line.
A unit test checks that notebook 03's `create_identity_pool` call and `pool_request` agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from helpers import retry, tokens, userpool
from helpers.lab import Lab

POOL = "identities"  # lab.name(POOL) → "cognito-lab-identities"
SIGNED_IN_ROLE = "signed-in-role"  # lab.name(...) → "cognito-lab-signed-in-role"
GUEST_ROLE = "guest-role"

# Who assumes an identity pool's roles: Cognito Identity, on behalf of the pool's users.
FEDERATED = "cognito-identity.amazonaws.com"
AUTHENTICATED = "authenticated"  # the amr of a signed-in user (and SetIdentityPoolRoles' key)
UNAUTHENTICATED = "unauthenticated"  # the amr of a guest


def provider_name(lab: Lab, user_pool_id: str) -> str:
    """The user pool's name as an identity provider: the Logins key, `iss` without `https://`."""
    return f"cognito-idp.{lab.region}.amazonaws.com/{user_pool_id}"


def trust_policy(identity_pool_id: str, amr: str) -> dict[str, Any]:
    """Who may assume the role: Cognito Identity, for THIS identity pool, for `amr` users only.

    This is the trust policy the Cognito Developer Guide gives ("IAM roles", "Role trust and
    permissions"). `aud` ties the role to this identity pool: IAM refuses a trust policy for
    cognito-identity.amazonaws.com without it (MalformedPolicyDocument; notebook 03 shows it).
    `amr` keeps guests out of the signed-in role and signed-in users out of the guest role.
    """
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": FEDERATED},
                # The identity pool asks STS for the role with the user's web identity.
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    # aud: the identity pool the credentials are for. Only ours.
                    "StringEquals": {f"{FEDERATED}:aud": identity_pool_id},
                    # amr ("authentication methods references"): how the user signed in. A list:
                    # ["unauthenticated"] for a guest; "authenticated" plus the provider for a
                    # signed-in user. ForAnyValue: one entry of the list must match.
                    "ForAnyValue:StringLike": {f"{FEDERATED}:amr": amr},
                },
            }
        ],
    }


def pool_request(lab: Lab, user_pool_id: str, client_id: str) -> dict[str, Any]:
    """The `create_identity_pool` arguments notebook 03 uses (see its comments for the why)."""
    return {
        "IdentityPoolName": lab.name(POOL),
        "AllowUnauthenticatedIdentities": True,
        "AllowClassicFlow": False,
        "CognitoIdentityProviders": [
            {
                "ProviderName": provider_name(lab, user_pool_id),
                "ClientId": client_id,
                "ServerSideTokenCheck": False,
            }
        ],
        "IdentityPoolTags": lab.tags,
    }


def ensure_identity_pool(lab: Lab, user_pool_id: str, client_id: str) -> tuple[str, str]:
    """Find or create the course's identity pool: (identity pool id, what happened).

    A pool found with other providers (the user pool was made again since) gets the current ones.
    """
    identity = lab.client("cognito-identity")
    request = pool_request(lab, user_pool_id, client_id)
    pool_id = lab.find_identity_pool(request["IdentityPoolName"])
    if pool_id is None:
        return identity.create_identity_pool(**request)["IdentityPoolId"], "created"
    found = identity.describe_identity_pool(IdentityPoolId=pool_id)
    wanted = {(p["ProviderName"], p["ClientId"]) for p in request["CognitoIdentityProviders"]}
    if {(p["ProviderName"], p.get("ClientId")) for p in found.get("CognitoIdentityProviders", [])} != wanted:
        identity.update_identity_pool(IdentityPoolId=pool_id, **request)
        return pool_id, "updated"
    return pool_id, "found"


def ensure_role(lab: Lab, base: str, trust: dict[str, Any]) -> tuple[str, str]:
    """Find or create the role `lab.name(base)` with this trust policy: (role ARN, what happened).

    A role found keeps its permissions but gets this trust policy: the identity pool's id in it
    changes whenever the pool is made again.
    """
    iam = lab.client("iam")
    name = lab.name(base)
    if lab.find_role(name) is None:
        created = iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=lab.tag_list()
        )
        return created["Role"]["Arn"], "created"
    role = iam.get_role(RoleName=name)["Role"]
    if role["AssumeRolePolicyDocument"] == trust:  # boto3 hands it back already parsed
        return role["Arn"], "found"
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
    return role["Arn"], "updated"


def set_roles(lab: Lab, identity_pool_id: str, signed_in_role_arn: str, guest_role_arn: str) -> None:
    """Give the identity pool its two default roles, keeping any role mappings a later notebook set."""
    identity = lab.client("cognito-identity")
    found = identity.get_identity_pool_roles(IdentityPoolId=identity_pool_id)
    roles = {AUTHENTICATED: signed_in_role_arn, UNAUTHENTICATED: guest_role_arn}
    if found.get("Roles") != roles:
        mappings = {"RoleMappings": found["RoleMappings"]} if found.get("RoleMappings") else {}
        identity.set_identity_pool_roles(IdentityPoolId=identity_pool_id, Roles=roles, **mappings)


def wait_for_iam(lab: Lab) -> None:
    """On real AWS, give new or changed role policies time to take effect; offline they are immediate.

    IAM changes take a few seconds to reach every AWS service (IAM User Guide, "Changes that I make
    are not always immediately visible"). Credentials are retried anyway (`credentials_for`); this
    wait is for what a retry can't tell apart, e.g. an access table where a denial is an answer.
    """
    retry.settle(lab.iam_settle_seconds, what="Waiting for IAM changes to reach every AWS service")


@dataclass(frozen=True)
class IdentityPoolSetup:
    """What notebook 03 builds: the user pool and client, the identity pool and its two roles."""

    user_pool_id: str
    client_id: str
    identity_pool_id: str
    signed_in_role_arn: str
    guest_role_arn: str

    @property
    def signed_in_role_name(self) -> str:
        return self.signed_in_role_arn.rsplit("/", 1)[-1]

    @property
    def guest_role_name(self) -> str:
        return self.guest_role_arn.rsplit("/", 1)[-1]


def ensure_identity_pool_with_roles(lab: Lab) -> IdentityPoolSetup:
    """Redo notebooks 01 and 03's steps as needed: user pool and client, identity pool, roles.

    Prints one line saying what it found and what it created.
    """
    user_pool_id, client_id, pool_note = userpool.ensure_pool(lab)
    pool_id, identity_note = ensure_identity_pool(lab, user_pool_id, client_id)
    signed_in_arn, signed_in_note = ensure_role(lab, SIGNED_IN_ROLE, trust_policy(pool_id, AUTHENTICATED))
    guest_arn, guest_note = ensure_role(lab, GUEST_ROLE, trust_policy(pool_id, UNAUTHENTICATED))
    set_roles(lab, pool_id, signed_in_arn, guest_arn)
    if {signed_in_note, guest_note} != {"found"}:
        wait_for_iam(lab)
    print(
        f"Using {pool_note}, identity pool {lab.name(POOL)} ({identity_note}), "
        f"roles {lab.name(SIGNED_IN_ROLE)} ({signed_in_note}) and {lab.name(GUEST_ROLE)} ({guest_note})."
    )
    return IdentityPoolSetup(user_pool_id, client_id, pool_id, signed_in_arn, guest_arn)


def logins(id_token: str) -> dict[str, str]:
    """The Logins map for a user pool ID token: its issuer without `https://` → the token."""
    return {tokens.claims(id_token)["iss"].removeprefix("https://"): id_token}


def credentials_for(lab: Lab, identity_pool_id: str, id_token: str | None) -> tuple[str, dict[str, Any]]:
    """GetId then GetCredentialsForIdentity (the enhanced flow): (identity id, credentials).

    With `id_token` None this is a guest, who gets a new identity id on every call (an app keeps
    the id it got). Notebook 03 shows these two calls; later notebooks use this one line.
    """
    identity = lab.client("cognito-identity")
    login_map = logins(id_token) if id_token else {}
    identity_id = identity.get_id(IdentityPoolId=identity_pool_id, Logins=login_map)["IdentityId"]

    def get_credentials() -> dict[str, Any]:
        return identity.get_credentials_for_identity(IdentityId=identity_id, Logins=login_map)

    # A role just created or re-trusted is refused until IAM propagates it; offline that same
    # error is a real misconfiguration, shown at once.
    attempts = retry.ATTEMPTS if lab.iam_propagates else 1
    reply = retry.call(get_credentials, what="Credentials", retry_on=retry.NEW_ROLE, attempts=attempts)
    return identity_id, reply["Credentials"]
