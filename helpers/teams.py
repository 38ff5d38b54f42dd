"""Part 2's plumbing: more users with groups and departments, and an identity pool per lesson.

Notebooks 06-09 each build their own identity pool (`cognito-lab-groups`, `cognito-lab-teams`, ...)
with its own roles, so whatever role mappings one lesson sets never change what another lesson,
or notebooks 03-05, see. They share notebook 01's user pool and notebook 04's bucket and table.

Alice and Bob stay in no group and no department (notebooks 01-05 show their tokens). Carol is an
editor, Dave and Erin work in engineering and sales.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from helpers import identitypool, userpool
from helpers.identitypool import AUTHENTICATED
from helpers.lab import Lab
from helpers.userpool import SignedInUser

DEPARTMENT = "department"  # the custom attribute's name in AddCustomAttributes
DEPARTMENT_CLAIM = f"custom:{DEPARTMENT}"  # how it appears in the ID token (and in rules)
TAG_SESSION = "sts:TagSession"


def ensure_department_attribute(lab: Lab, user_pool_id: str) -> str:
    """Add the `custom:department` attribute to the pool unless it has it; says what happened.

    Custom attributes can be added to a pool but never removed or renamed (Cognito Developer
    Guide, "Custom attributes"), so the course adds one, optional, mutable.
    """
    idp = lab.client("cognito-idp")
    schema = idp.describe_user_pool(UserPoolId=user_pool_id)["UserPool"].get("SchemaAttributes", [])
    if any(attribute["Name"] == DEPARTMENT_CLAIM for attribute in schema):
        return f"attribute {DEPARTMENT_CLAIM} (found)"
    idp.add_custom_attributes(
        UserPoolId=user_pool_id,
        CustomAttributes=[{"Name": DEPARTMENT, "AttributeDataType": "String", "Mutable": True}],
    )
    return f"attribute {DEPARTMENT_CLAIM} (added)"


def ensure_group(lab: Lab, user_pool_id: str, name: str, role_arn: str, precedence: int) -> str:
    """Find or create the user pool group `name` with this role and precedence; says what happened."""
    idp = lab.client("cognito-idp")
    try:
        found = idp.get_group(UserPoolId=user_pool_id, GroupName=name)["Group"]
    except idp.exceptions.ResourceNotFoundException:
        idp.create_group(UserPoolId=user_pool_id, GroupName=name, RoleArn=role_arn, Precedence=precedence)
        return f"group {name} (created)"
    if (found.get("RoleArn"), found.get("Precedence")) == (role_arn, precedence):
        return f"group {name} (found)"
    idp.update_group(UserPoolId=user_pool_id, GroupName=name, RoleArn=role_arn, Precedence=precedence)
    return f"group {name} (updated)"


def ensure_member(
    lab: Lab, username: str, *, department: str | None = None, groups: Sequence[str] = ()
) -> SignedInUser:
    """A course user with this department and these (existing) groups, signed in with SRP.

    Group membership and attributes go into the tokens Cognito issues next, so the user signs in
    after they are set. Prints one line saying what it found and what it changed.
    """
    idp = lab.client("cognito-idp")
    pool_id, client_id, pool_note = userpool.ensure_pool(lab)
    notes = [pool_note, userpool.ensure_confirmed_user(lab, pool_id, client_id, username)]
    if department is not None:
        notes.append(ensure_department_attribute(lab, pool_id))
        user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
        attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
        if attributes.get(DEPARTMENT_CLAIM) != department:
            idp.admin_update_user_attributes(
                UserPoolId=pool_id,
                Username=username,
                UserAttributes=[{"Name": DEPARTMENT_CLAIM, "Value": department}],
            )
        notes.append(f"{DEPARTMENT} {department}")
    member_of = {
        g["GroupName"]
        for g in idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=username)["Groups"]
    }
    for group in groups:
        if group not in member_of:
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
    if groups:
        notes.append("in " + ", ".join(groups))
    user = userpool.cognito(lab, pool_id, client_id, username)
    user.authenticate(password=userpool.PASSWORDS[username])
    print(f"Using {'; '.join(notes)}; {username} is signed in (SRP).")
    return SignedInUser(pool_id, client_id, user)


def tag_session_trust_policy(identity_pool_id: str, amr: str = AUTHENTICATED) -> dict[str, Any]:
    """Notebook 03's trust policy, also allowing `sts:TagSession`: needed once the identity pool
    passes principal tags (Cognito Developer Guide, "Using attributes for access control")."""
    trust = identitypool.trust_policy(identity_pool_id, amr)
    trust["Statement"][0]["Action"] = ["sts:AssumeRoleWithWebIdentity", TAG_SESSION]
    return trust


def pool_request(
    lab: Lab,
    base: str,
    *,
    providers: Sequence[tuple[str, str]] = (),
    guests: bool = False,
    classic: bool = False,
    **settings: Any,
) -> dict[str, Any]:
    """`create_identity_pool` arguments for a lesson's own pool `lab.name(base)`.

    `providers` are (user pool provider name, app client id) pairs; `settings` are passed as they
    are (OpenIdConnectProviderARNs, SupportedLoginProviders, DeveloperProviderName).
    """
    return {
        "IdentityPoolName": lab.name(base),
        "AllowUnauthenticatedIdentities": guests,
        "AllowClassicFlow": classic,
        "CognitoIdentityProviders": [
            {"ProviderName": name, "ClientId": client, "ServerSideTokenCheck": False}
            for name, client in providers
        ],
        **settings,
        "IdentityPoolTags": lab.tags,
    }


def ensure_lesson_pool(lab: Lab, request: Mapping[str, Any]) -> tuple[str, str]:
    """Find or create the identity pool `request` describes: (id, what happened).

    A pool found with other settings (the user pool was made again since, say) gets these.
    """
    identity = lab.client("cognito-identity")
    pool_id = lab.find_identity_pool(request["IdentityPoolName"])
    if pool_id is None:
        return identity.create_identity_pool(**request)["IdentityPoolId"], "created"
    found = identity.describe_identity_pool(IdentityPoolId=pool_id)
    if any(
        _normal(found.get(key)) != _normal(value)
        for key, value in request.items()
        if key != "IdentityPoolTags"
    ):
        identity.update_identity_pool(IdentityPoolId=pool_id, **request)
        return pool_id, "updated"
    return pool_id, "found"


def _normal(value: Any) -> str:
    """Settings compared as JSON with sorted keys; an empty list, map or missing value alike."""
    return json.dumps(value or None, sort_keys=True, default=str)


def credentials_with(
    lab: Lab, identity_pool_id: str, logins: Mapping[str, str], custom_role_arn: str | None = None
) -> tuple[str, dict[str, Any]]:
    """GetId then GetCredentialsForIdentity with any Logins map (and CustomRoleArn if given)."""
    identity = lab.client("cognito-identity")
    identity_id = identity.get_id(IdentityPoolId=identity_pool_id, Logins=dict(logins))["IdentityId"]
    extra = {"CustomRoleArn": custom_role_arn} if custom_role_arn else {}
    reply = identity.get_credentials_for_identity(IdentityId=identity_id, Logins=dict(logins), **extra)
    return identity_id, reply["Credentials"]


def role_of(lab: Lab, credentials: Mapping[str, Any]) -> str:
    """The role name these credentials act as (STS GetCallerIdentity: assumed-role/<role>/<session>)."""
    return str(lab.client_for(credentials, "sts").get_caller_identity()["Arn"].split("/")[1])
