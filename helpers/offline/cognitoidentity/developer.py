"""Developer-authenticated identities: identities for the users of your own sign-in system.

"Your own authentication system" (Cognito DG "Developer-authenticated identities"; API
GetOpenIdTokenForDeveloperIdentity, LookupDeveloperIdentity, MergeDeveloperIdentities,
UnlinkDeveloperIdentity). Your back end, holding AWS credentials, registers a user id under the
pool's DeveloperProviderName and gets a Cognito Identity token for it; the app sends that token
back in Logins under cognito-identity.amazonaws.com. moto 5.2.5 has only the first call, and its
token is an identity id. These calls need AWS credentials: the authorization layer lets only
callers whose IAM policies allow them through (the lab administrator may).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import clock
from . import openidtokens
from .credentials import amr
from .exceptions import (
    DeveloperUserAlreadyRegisteredException,
    InvalidParameterException,
    NotAuthorizedException,
    ResourceConflictException,
    ResourceNotFoundException,
    ValidationException,
    forbidden,
    identity_not_found,
)
from .logins import validate_logins
from .models import (
    ONE_LOGIN_PER_PROVIDER,
    IdentityPoolState,
    Login,
    bind,
    check_id,
    find_identity,
    find_pool,
    identity_for_logins,
    lock,
    owner_of,
    state,
)

# Observed for a DeveloperProviderName the pool does not have (danilop/LambdAuth#32); the
# error code is UNCONFIRMED.
DEVELOPER_PROVIDER_NOT_SUPPORTED = "This identity pool does not support the specified developer provider"
DEVELOPER_TOKEN_SECONDS = 900  # "If you don't provide an expiration time, the token is valid for 15 minutes."
MAX_DEVELOPER_TOKEN_SECONDS = 86400  # "The maximum token duration you can set is 24 hours."


def _developer_provider(pool: Any, name: Any) -> str:
    if not pool.developer_provider_name or name != pool.developer_provider_name:
        raise NotAuthorizedException(DEVELOPER_PROVIDER_NOT_SUPPORTED)
    return str(name)


def _token_duration(value: Any) -> int:
    if value is None:
        return DEVELOPER_TOKEN_SECONDS
    duration = int(value)
    if not 1 <= duration <= MAX_DEVELOPER_TOKEN_SECONDS:
        bound = "greater than or equal to 1" if duration < 1 else "less than or equal to 86400"
        raise ValidationException(
            f"1 validation error detected: Value '{duration}' at 'tokenDuration' failed to satisfy "
            f"constraint: Member must have value {bound}"
        )
    return duration


def _developer_user_ids(found: IdentityPoolState, pool_id: str, provider: str, identity_id: str) -> list[str]:
    return sorted(
        key[2]
        for key, owner in found.links.items()
        if key[:2] == (pool_id, provider) and owner == identity_id
    )


def open_id_token_for_developer_identity(account_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Register (or find) the identity of one of your users and return a Cognito Identity
    token for it, valid 15 minutes unless TokenDuration says otherwise (at most 24 h).
    Other logins in the map are validated and linked, as GetId does."""
    pool_id = check_id(params.get("IdentityPoolId"), "identityPoolId")
    pool, _ = find_pool(account_id, pool_id)
    logins = dict(params.get("Logins") or {})
    developer = pool.developer_provider_name
    if not developer or developer not in logins:
        raise NotAuthorizedException(DEVELOPER_PROVIDER_NOT_SUPPORTED)
    duration = _token_duration(params.get("TokenDuration"))
    user_id = str(logins.pop(developer))
    others = validate_logins(account_id, pool, logins) if logins else []
    # The developer user id is an account of your system: amr names the provider only
    # (UNCONFIRMED, see logins).
    every = [Login(developer, user_id, {}, (developer,)), *others]
    identity_id = params.get("IdentityId")
    with lock:
        if identity_id:
            identity = find_identity(account_id, identity_id)
            if identity.pool_id != pool_id:
                raise identity_not_found(identity_id)
            owner = owner_of(state(account_id, pool_id), pool_id, developer, user_id)
            if owner not in (None, identity.identity_id):
                raise DeveloperUserAlreadyRegisteredException()
            identity = bind(account_id, identity, every)
        else:
            identity = identity_for_logins(account_id, pool_id, every)
        if identity.disabled:
            raise forbidden(identity.identity_id)
    token = openidtokens.issue_openid_token(pool_id, identity.identity_id, amr(every), seconds=duration)
    return {"IdentityId": identity.identity_id, "Token": token}


def lookup_developer_identity(account_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The identity of a developer user id, or the developer user ids of an identity; with
    both, they must belong together (ResourceConflictException otherwise, API reference)."""
    pool_id = check_id(params.get("IdentityPoolId"), "identityPoolId")
    pool, _ = find_pool(account_id, pool_id)
    identity_id, user_id = params.get("IdentityId"), params.get("DeveloperUserIdentifier")
    if not identity_id and not user_id:  # UNCONFIRMED text
        raise InvalidParameterException("Either IdentityId or DeveloperUserIdentifier must be provided.")
    developer = pool.developer_provider_name
    found = state(account_id, pool_id)
    with lock:
        if user_id:
            owner = owner_of(found, pool_id, developer, user_id)
            if owner is None:  # UNCONFIRMED text
                raise ResourceNotFoundException(f"DeveloperUserIdentifier '{user_id}' not found.")
            if identity_id and identity_id != owner:  # UNCONFIRMED text
                raise ResourceConflictException("The identity ID and developer user identifier do not match.")
        else:
            identity = find_identity(account_id, identity_id)
            if identity.pool_id != pool_id:
                raise identity_not_found(identity.identity_id)
            owner = identity.identity_id
        user_ids = _developer_user_ids(found, pool_id, developer, owner)
    return {"IdentityId": owner, "DeveloperUserIdentifierList": user_ids}


def merge_developer_identities(account_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Give the source user's logins to the destination user's identity; the source
    identity is then disabled, as a guest merged at sign-in is (API reference: only
    developer users can be merged; two different users of one public provider cannot)."""
    pool_id = check_id(params.get("IdentityPoolId"), "identityPoolId")
    pool, _ = find_pool(account_id, pool_id)
    developer = _developer_provider(pool, params.get("DeveloperProviderName"))
    found = state(account_id, pool_id)
    with lock:
        ids = []
        for user_id in (params.get("SourceUserIdentifier"), params.get("DestinationUserIdentifier")):
            owner = owner_of(found, pool_id, developer, user_id)
            if owner is None:  # UNCONFIRMED text
                raise ResourceNotFoundException(f"DeveloperUserIdentifier '{user_id}' not found.")
            ids.append(owner)
        source, destination = found.identities[ids[0]], found.identities[ids[1]]
        if source is not destination:
            for provider, subject in source.logins.items():
                if provider != developer and destination.logins.get(provider, subject) != subject:
                    raise ResourceConflictException(ONE_LOGIN_PER_PROVIDER)
            for key in [key for key, owner in found.links.items() if owner == source.identity_id]:
                found.links[key] = destination.identity_id
            destination.logins = {**source.logins, **destination.logins}
            destination.modified = source.modified = clock.now()
            source.logins = {}
            source.disabled = True
    return {"IdentityId": destination.identity_id}


def unlink_developer_identity(account_id: str, params: Mapping[str, Any]) -> None:
    """Forget one developer user id of an identity: "Unlinked developer users will be
    considered new identities next time they are seen" (API reference)."""
    pool_id = check_id(params.get("IdentityPoolId"), "identityPoolId")
    pool, _ = find_pool(account_id, pool_id)
    developer = _developer_provider(pool, params.get("DeveloperProviderName"))
    identity = find_identity(account_id, params.get("IdentityId"))
    user_id = params.get("DeveloperUserIdentifier")
    found = state(account_id, pool_id)
    with lock:
        if (
            not isinstance(user_id, str)
            or owner_of(found, pool_id, developer, user_id) != identity.identity_id
        ):
            # UNCONFIRMED text
            raise ResourceConflictException("The developer user identifier is not linked to this identity.")
        del found.links[(pool_id, developer, user_id)]
        remaining = _developer_user_ids(found, pool_id, developer, identity.identity_id)
        if remaining:
            identity.logins[developer] = remaining[0]
        else:
            identity.logins.pop(developer, None)
        identity.modified = clock.now()
