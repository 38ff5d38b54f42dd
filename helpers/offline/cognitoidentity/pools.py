"""An identity pool's configuration: the fields, roles, role mappings and principal tag maps.

moto keeps a pool's name and providers but answers DescribeIdentityPool with fields AWS omits,
accepts any pool name on update, has no SetIdentityPoolRoles / GetIdentityPoolRoles and no
principal tag maps. Here every documented field round-trips (API CreateIdentityPool,
UpdateIdentityPool, DescribeIdentityPool), roles and role mappings are validated as AWS does
(API SetIdentityPoolRoles; the mapping itself in `rolemapping`), and principal tag maps exist
(API SetPrincipalTagAttributeMap; Cognito DG "Using attributes for access control").
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from . import rolemapping
from .exceptions import InvalidParameterException, NotAuthorizedException, ValidationException
from .models import PoolExtras, lock

UNAUTHENTICATED = "unauthenticated"
AUTHENTICATED = "authenticated"

USER_POOL_PROVIDER = re.compile(r"cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([\w-]+_[0-9a-zA-Z]+)")
# Default attribute mappings for a user pool provider: "default (username and clientID)"
# (API SetPrincipalTagAttributeMap), from the ID token's sub and aud (DG provider-mappings).
# The tag keys "username"/"client" are the console's names (UNCONFIRMED in API docs).
USER_POOL_DEFAULT_TAGS = {"username": "sub", "client": "aud"}

_POOL_NAME = r"[\w\s+=,.@-]+"

_ERRORS_BY_CODE = {
    "ValidationException": ValidationException,
    "InvalidParameterException": InvalidParameterException,
}


def _providers(value: Any) -> list[dict[str, Any]]:
    # AWS echoes ServerSideTokenCheck as false when it was not given (CLI examples).
    return [{**p, "ServerSideTokenCheck": bool(p.get("ServerSideTokenCheck", False))} for p in value or []]


def pool_json(pool: Any, extras: PoolExtras) -> dict[str, Any]:
    """DescribeIdentityPool's shape; fields never set are omitted, as AWS omits them."""
    found: dict[str, Any] = {
        "IdentityPoolId": pool.identity_pool_id,
        "IdentityPoolName": pool.identity_pool_name,
        "AllowUnauthenticatedIdentities": bool(pool.allow_unauthenticated_identities),
    }
    if extras.allow_classic_flow is not None:
        found["AllowClassicFlow"] = extras.allow_classic_flow
    optional = {
        "SupportedLoginProviders": pool.supported_login_providers,
        "DeveloperProviderName": pool.developer_provider_name,
        "OpenIdConnectProviderARNs": pool.open_id_connect_provider_arns,
        "CognitoIdentityProviders": pool.cognito_identity_providers,
        "SamlProviderARNs": pool.saml_provider_arns,
        "IdentityPoolTags": pool.tags,
    }
    found.update({key: value for key, value in optional.items() if value})
    return found


def configure(pool: Any, extras: PoolExtras, params: Mapping[str, Any]) -> None:
    """Apply Create/UpdateIdentityPool parameters. UpdateIdentityPool replaces the whole
    configuration: "It treats missing attributes as a request to remove those attributes"
    (hashicorp/terraform-provider-aws#9396)."""
    name = params.get("IdentityPoolName")
    if not re.fullmatch(_POOL_NAME, name or ""):
        # moto's InvalidNameException's text, which is the model's pattern message.
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at 'identityPoolName' failed to satisfy "
            f"constraint: Member must satisfy regular expression pattern: {_POOL_NAME}"
        )
    with lock:
        pool.identity_pool_name = params["IdentityPoolName"]
        pool.allow_unauthenticated_identities = bool(params.get("AllowUnauthenticatedIdentities"))
        pool.supported_login_providers = params.get("SupportedLoginProviders") or {}
        pool.developer_provider_name = params.get("DeveloperProviderName") or ""
        pool.open_id_connect_provider_arns = params.get("OpenIdConnectProviderARNs") or []
        pool.cognito_identity_providers = _providers(params.get("CognitoIdentityProviders"))
        pool.saml_provider_arns = params.get("SamlProviderARNs") or []
        if params.get("IdentityPoolTags") is not None:
            pool.tags = params["IdentityPoolTags"]
        classic = params.get("AllowClassicFlow")
        extras.allow_classic_flow = None if classic is None else bool(classic)


def has_any_provider(pool: Any) -> bool:
    return bool(
        pool.cognito_identity_providers
        or pool.supported_login_providers
        or pool.open_id_connect_provider_arns
        or pool.saml_provider_arns
        or pool.developer_provider_name
    )


# --- roles and role mappings ---------------------------------------------------------------


def _configured_role_mapping_keys(pool: Any) -> set[str]:
    """RoleMappings keys AWS accepts: "<user pool provider>:<client id>" for each
    CognitoIdentityProviders entry, and each other configured provider's name."""
    keys = {f"{p['ProviderName']}:{p.get('ClientId', '')}" for p in pool.cognito_identity_providers}
    keys.update(pool.supported_login_providers)
    keys.update(arn.split("oidc-provider/", 1)[-1] for arn in pool.open_id_connect_provider_arns)
    keys.update(pool.saml_provider_arns)
    return keys


def _check_role_arn(account_id: str, value: Any) -> None:
    # AWS answers a role name, or another account's role, with this (aws/aws-sdk-js#908,
    # boto/boto3#73, danilop/LambdAuth#40).
    if not isinstance(value, str) or not re.fullmatch(rf"arn:aws:iam::{account_id}:role/\S+", value):
        raise NotAuthorizedException(f"Access to Role '{value}' is forbidden.")


def set_roles(account_id: str, pool: Any, extras: PoolExtras, params: Mapping[str, Any]) -> None:
    """SetIdentityPoolRoles: check the roles and role mappings, then keep them."""
    roles = params.get("Roles") or {}
    for key in roles:
        if key not in (AUTHENTICATED, UNAUTHENTICATED):
            raise ValidationException(
                f"1 validation error detected: Value '{key}' at 'roles' failed to satisfy constraint: "
                "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: "
                "(un)?authenticated]"
            )
    for arn in roles.values():
        _check_role_arn(account_id, arn)
    mappings = params.get("RoleMappings") or {}
    configured = _configured_role_mapping_keys(pool)
    for key in mappings:
        if key not in configured:  # observed text: aws/aws-cdk#22951
            raise InvalidParameterException(
                f"({key}) is not a valid RoleMapping ProviderName or is not a configured provider."
            )
    try:
        parsed = rolemapping.parse_role_mappings(mappings)
    except rolemapping.InvalidRoleMapping as invalid:
        raise _ERRORS_BY_CODE[invalid.code](invalid.message) from invalid
    for mapping in parsed.values():
        for rule in mapping.rules:
            _check_role_arn(account_id, rule.role_arn)
    with lock:
        extras.roles = dict(roles)
        extras.role_mappings = copy.deepcopy(mappings)
        extras.parsed_mappings = parsed


def roles_json(pool_id: str, extras: PoolExtras) -> dict[str, Any]:
    """GetIdentityPoolRoles' shape: what was set, nothing for what was not."""
    found: dict[str, Any] = {"IdentityPoolId": pool_id}
    if extras.roles:
        found["Roles"] = extras.roles
    if extras.role_mappings:
        found["RoleMappings"] = extras.role_mappings
    return found


# --- principal tags (attributes for access control) --------------------------------------------


def tag_map(extras: PoolExtras, provider: str) -> dict[str, str]:
    """Principal tag key -> claim name for this provider ({} when not configured)."""
    use_defaults, tags = extras.principal_tags.get(provider, (False, {}))
    if use_defaults and USER_POOL_PROVIDER.fullmatch(provider):
        return dict(USER_POOL_DEFAULT_TAGS)
    return dict(tags)


def set_principal_tags(
    extras: PoolExtras, provider: str, use_defaults: bool, tags: Mapping[str, str]
) -> None:
    with lock:
        extras.principal_tags[provider] = (use_defaults, dict(tags))


def principal_tags_json(pool_id: str, provider: str, extras: PoolExtras) -> dict[str, Any]:
    """Get/SetPrincipalTagAttributeMap's answer. A provider never configured answers "no
    defaults, no tags" (UNCONFIRMED: AWS may answer ResourceNotFoundException instead)."""
    use_defaults, _ = extras.principal_tags.get(provider, (False, {}))
    found: dict[str, Any] = {
        "IdentityPoolId": pool_id,
        "IdentityProviderName": provider,
        "UseDefaults": use_defaults,
    }
    tags = tag_map(extras, provider)
    if tags:
        found["PrincipalTags"] = tags
    return found
