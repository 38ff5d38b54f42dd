"""The Cognito Identity operations the engine answers: moto's `CognitoIdentityResponse`, patched.

moto dispatches a request to the response method named after the action, so each operation here
is such a method: it reads the request, calls the module that does the work (`pools`, `models`,
`credentials`, `developer`) and writes AWS's JSON answer. Operations moto answers wrongly are
replaced; the ones moto 5.2.5 does not have (SetIdentityPoolRoles, DescribeIdentity, the
developer-identity companions, ...) are added, and `patching` refuses to add one that a newer
moto has, so its arrival is noticed. Shapes: Cognito Identity API Reference, per action.
"""

from __future__ import annotations

import json
from typing import Any

from ..patching import Patches
from . import credentials, developer, models, pools
from .credentials import UNAUTH_NOT_SUPPORTED
from .exceptions import NotAuthorizedException, ValidationException
from .logins import validate_logins


def _params(response: Any) -> Any:
    """The request's JSON body, as botocore wrote it (untyped: moto does not parse it)."""
    return json.loads(response.body or "{}")


# --- pools ------------------------------------------------------------------------------------


def create_identity_pool(self: Any) -> str:
    params = _params(self)
    created = json.loads(
        self.backend.create_identity_pool(
            identity_pool_name=params.get("IdentityPoolName", ""),
            allow_unauthenticated_identities=bool(params.get("AllowUnauthenticatedIdentities")),
            supported_login_providers={},
            developer_provider_name="",
            open_id_connect_provider_arns=[],
            cognito_identity_providers=[],
            saml_provider_arns=[],
            tags=params.get("IdentityPoolTags") or {},
        )
    )
    pool, extras = models.find_pool(self.current_account, created["IdentityPoolId"])
    pools.configure(pool, extras, params)
    return json.dumps(pools.pool_json(pool, extras))


def update_identity_pool(self: Any) -> str:
    params = _params(self)
    pool, extras = models.find_pool(self.current_account, params.get("IdentityPoolId"))
    pools.configure(pool, extras, params)
    return json.dumps(pools.pool_json(pool, extras))


def describe_identity_pool(self: Any) -> str:
    pool, extras = models.find_pool(self.current_account, self._get_param("IdentityPoolId"))
    return json.dumps(pools.pool_json(pool, extras))


def delete_identity_pool(self: Any) -> str:
    pool_id = self._get_param("IdentityPoolId")
    models.find_pool(self.current_account, pool_id)
    models.backend(self.current_account, pool_id).identity_pools.pop(pool_id)
    models.forget_pool(self.current_account, pool_id)
    return ""


def set_identity_pool_roles(self: Any) -> str:
    params = _params(self)
    pool, extras = models.find_pool(self.current_account, params.get("IdentityPoolId"))
    pools.set_roles(self.current_account, pool, extras, params)
    return ""


def get_identity_pool_roles(self: Any) -> str:
    pool_id = self._get_param("IdentityPoolId")
    _, extras = models.find_pool(self.current_account, pool_id)
    return json.dumps(pools.roles_json(pool_id, extras))


def set_principal_tag_attribute_map(self: Any) -> str:
    params = _params(self)
    pool_id, provider = params.get("IdentityPoolId"), params.get("IdentityProviderName")
    _, extras = models.find_pool(self.current_account, pool_id)
    pools.set_principal_tags(
        extras, provider, bool(params.get("UseDefaults")), params.get("PrincipalTags") or {}
    )
    return json.dumps(pools.principal_tags_json(pool_id, provider, extras))


def get_principal_tag_attribute_map(self: Any) -> str:
    pool_id, provider = self._get_param("IdentityPoolId"), self._get_param("IdentityProviderName")
    _, extras = models.find_pool(self.current_account, pool_id)
    return json.dumps(pools.principal_tags_json(pool_id, provider, extras))


# --- identities -------------------------------------------------------------------------------


def get_id(self: Any) -> str:
    params = _params(self)
    pool_id = models.check_id(params.get("IdentityPoolId"), "identityPoolId")
    pool, _ = models.find_pool(self.current_account, pool_id)
    logins = params.get("Logins") or {}
    if not logins:
        if not pool.allow_unauthenticated_identities:
            raise NotAuthorizedException(UNAUTH_NOT_SUPPORTED)
        return json.dumps({"IdentityId": models.new_identity(self.current_account, pool_id).identity_id})
    validated = validate_logins(self.current_account, pool, logins)
    identity = models.identity_for_logins(self.current_account, pool_id, validated)
    return json.dumps({"IdentityId": identity.identity_id})


def list_identities(self: Any) -> str:
    params = _params(self)
    pool_id = models.check_id(params.get("IdentityPoolId"), "identityPoolId")
    models.find_pool(self.current_account, pool_id)
    limit = int(params.get("MaxResults") or 60)
    if not 1 <= limit <= 60:
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'maxResults' failed to satisfy constraint: "
            "Member must have value less than or equal to 60"
        )
    start = int(params.get("NextToken") or 0)
    hide_disabled = bool(params.get("HideDisabled"))
    found = [
        i for i in models.pool_identities(self.current_account, pool_id) if not (hide_disabled and i.disabled)
    ]
    page = found[start : start + limit]
    result: dict[str, Any] = {
        "IdentityPoolId": pool_id,
        "Identities": [models.identity_json(i) for i in page],
    }
    if start + limit < len(found):
        result["NextToken"] = str(start + limit)
    return json.dumps(result)


def describe_identity(self: Any) -> str:
    identity = models.find_identity(self.current_account, self._get_param("IdentityId"))
    return json.dumps(models.identity_json(identity))


# --- credentials and tokens -------------------------------------------------------------------


def get_credentials_for_identity(self: Any) -> str:
    return json.dumps(credentials.credentials_for_identity(self.current_account, _params(self)))


def get_open_id_token(self: Any) -> str:
    return json.dumps(credentials.open_id_token(self.current_account, _params(self)))


def get_open_id_token_for_developer_identity(self: Any) -> str:
    return json.dumps(developer.open_id_token_for_developer_identity(self.current_account, _params(self)))


def lookup_developer_identity(self: Any) -> str:
    return json.dumps(developer.lookup_developer_identity(self.current_account, _params(self)))


def merge_developer_identities(self: Any) -> str:
    return json.dumps(developer.merge_developer_identities(self.current_account, _params(self)))


def unlink_developer_identity(self: Any) -> str:
    developer.unlink_developer_identity(self.current_account, _params(self))
    return ""


# moto's own operations the engine replaces, then the ones moto does not have at all.
_REPLACED = {
    "create_identity_pool": create_identity_pool,
    "update_identity_pool": update_identity_pool,
    "describe_identity_pool": describe_identity_pool,
    "delete_identity_pool": delete_identity_pool,
    "get_id": get_id,
    "list_identities": list_identities,
    "get_credentials_for_identity": get_credentials_for_identity,
    "get_open_id_token": get_open_id_token,
    "get_open_id_token_for_developer_identity": get_open_id_token_for_developer_identity,
}
_ADDED = {
    "set_identity_pool_roles": set_identity_pool_roles,
    "get_identity_pool_roles": get_identity_pool_roles,
    "set_principal_tag_attribute_map": set_principal_tag_attribute_map,
    "get_principal_tag_attribute_map": get_principal_tag_attribute_map,
    "describe_identity": describe_identity,
    "lookup_developer_identity": lookup_developer_identity,
    "merge_developer_identities": merge_developer_identities,
    "unlink_developer_identity": unlink_developer_identity,
}


def install(patches: Patches) -> None:
    from moto.cognitoidentity.responses import CognitoIdentityResponse

    for name, method in _REPLACED.items():
        patches.replace(CognitoIdentityResponse, name, method)
    for name, method in _ADDED.items():
        patches.add(CognitoIdentityResponse, name, method)
