"""What Cognito Identity remembers that moto does not: pool settings, identities, linked logins.

moto 5.2.5 keeps an identity pool's basic fields but drops its roles, role mappings, principal
tag maps and `AllowClassicFlow`, and mints a new identity id on every GetId. AWS keeps one
identity per user of a pool and the logins linked to it (Cognito DG "Identity pools
authentication flow"). That state lives here, per account and region as moto keeps its
backends (`state.StateDict`; an identity pool's region is its id's prefix, and its identities'
ids share it), so moto's reset forgets it with moto's own pools.

Identity life cycle (Cognito DG "Identity pools authentication flow", API GetOpenIdToken):
a login that no identity has yet is *linked* to the identity it is presented with; a guest that
presents a login already owned by another identity is *merged* into that one (the guest is
disabled, the owner's id is returned); an identity that already holds a login of the same
provider refuses another user's login ("Access to Identity … is forbidden", observed in
aws-amplify/amplify-swift#4278). GetId never takes an identity id, so it returns the login's
identity (new if the login is new).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from moto.moto_api._internal import mock_random

from .. import clock
from ..state import EngineState, StateDict
from . import rolemapping
from .exceptions import (
    ResourceConflictException,
    ValidationException,
    forbidden,
    identity_not_found,
    pool_not_found,
)

_ID_PATTERN = r"[\w-]+:[0-9a-f-]+"

# No public source for these two (UNCONFIRMED); the DG names ResourceConflictException.
LOGINS_OF_DIFFERENT_IDENTITIES = "The logins belong to different identities."
ONE_LOGIN_PER_PROVIDER = "The identity already has a login for this provider."


@dataclass
class PoolExtras:
    """Per identity pool: the settings moto drops."""

    allow_classic_flow: bool | None = None  # None: never set (see credentials.open_id_token)
    roles: dict[str, str] = field(default_factory=dict)
    role_mappings: dict[str, Any] = field(default_factory=dict)  # as given, for GetIdentityPoolRoles
    parsed_mappings: dict[str, rolemapping.RoleMapping] = field(default_factory=dict)
    principal_tags: dict[str, tuple[bool, dict[str, str]]] = field(default_factory=dict)


@dataclass
class Identity:
    identity_id: str
    pool_id: str
    created: float
    modified: float
    logins: dict[str, str] = field(default_factory=dict)  # provider -> user's subject
    disabled: bool = False


@dataclass(frozen=True)
class Login:
    """One validated entry of a Logins map (`logins` validates them).

    `amr` is what the login adds to the session's `amr` after "authenticated". A Cognito
    Identity token (Logins key cognito-identity.amazonaws.com, from
    GetOpenIdTokenForDeveloperIdentity or GetOpenIdToken) is not linked to the identity:
    it proves which identity the caller is (`subject`) and carries its own `amr`.
    """

    provider: str
    subject: str
    claims: dict[str, Any]
    amr: tuple[str, ...] = ()
    linked: bool = True
    authenticated: bool = True


class IdentityPoolState(EngineState):
    """One account's identity pools in one region (moto's reset calls `__init__` again)."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.extras: dict[str, PoolExtras] = {}  # pool id -> settings
        self.identities: dict[str, Identity] = {}  # identity id -> identity
        self.links: dict[tuple[str, str, str], str] = {}  # (pool id, provider, subject) -> identity id


states: StateDict[IdentityPoolState] = StateDict(IdentityPoolState, "cognito-identity")
# One lock for every account and region: linking and merging read and write several maps of a
# state together, and each critical section is short.
lock = threading.RLock()


def check_id(value: Any, member: str) -> str:
    """A pool or identity id, or the model's ValidationException (never a KeyError)."""
    if not isinstance(value, str) or not re.fullmatch(_ID_PATTERN, value) or len(value) > 55:
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {_ID_PATTERN}"
        )
    return value


def state(account_id: str, resource_id: str) -> IdentityPoolState:
    """The state of the region a pool or identity id names (KeyError: not an AWS region)."""
    return states.get(account_id, resource_id.split(":")[0])


def backend(account_id: str, pool_id: str) -> Any:
    """The identity pool's regional moto backend (unsigned calls do not say the region)."""
    from moto.cognitoidentity.models import cognitoidentity_backends

    return cognitoidentity_backends[account_id][pool_id.split(":")[0]]


def find_pool(account_id: str, pool_id: Any) -> tuple[Any, PoolExtras]:
    """moto's pool and our extras, or AWS's not-found error (never a KeyError/500)."""
    check_id(pool_id, "identityPoolId")
    try:
        pool = backend(account_id, pool_id).identity_pools.get(pool_id)
    except KeyError:  # not a region moto knows
        pool = None
    if pool is None:
        raise pool_not_found(pool_id)
    with lock:
        return pool, state(account_id, pool_id).extras.setdefault(pool_id, PoolExtras())


def find_identity(account_id: str, identity_id: Any) -> Identity:
    check_id(identity_id, "identityId")
    try:
        with lock:
            identity = state(account_id, identity_id).identities.get(identity_id)
    except KeyError:  # not a region: no identity there
        identity = None
    if identity is None:
        raise identity_not_found(identity_id)
    return identity


def forget_pool(account_id: str, pool_id: str) -> None:
    """DeleteIdentityPool: the pool's settings, identities and links go with it."""
    found = state(account_id, pool_id)
    with lock:
        found.extras.pop(pool_id, None)
        for identity_id in [i.identity_id for i in found.identities.values() if i.pool_id == pool_id]:
            del found.identities[identity_id]
        for key in [key for key in found.links if key[0] == pool_id]:
            del found.links[key]


def pool_identities(account_id: str, pool_id: str) -> list[Identity]:
    """The pool's identities, oldest first (ListIdentities' order)."""
    with lock:
        every = state(account_id, pool_id).identities.values()
        return [i for i in sorted(every, key=lambda i: i.created) if i.pool_id == pool_id]


def new_identity(account_id: str, pool_id: str) -> Identity:
    now = clock.now()
    identity = Identity(f"{pool_id.split(':')[0]}:{mock_random.uuid4()}", pool_id, now, now)
    with lock:
        state(account_id, pool_id).identities[identity.identity_id] = identity
    return identity


def owner_of(found: IdentityPoolState, pool_id: str, provider: str, subject: Any) -> str | None:
    """The identity id a login is linked to, if any (subjects are kept as strings: a request's
    missing or non-string value is linked to nothing)."""
    if not isinstance(subject, str):
        return None
    return found.links.get((pool_id, provider, subject))


def link(found: IdentityPoolState, identity: Identity, login: Login) -> None:
    identity.logins[login.provider] = login.subject
    identity.modified = clock.now()
    found.links[(identity.pool_id, login.provider, login.subject)] = identity.identity_id


def identity_for_logins(account_id: str, pool_id: str, logins: list[Login]) -> Identity:
    """GetId with Logins: the identity these logins belong to, created if new."""
    found = state(account_id, pool_id)
    with lock:
        owners = {
            found.links[k] for k in ((pool_id, x.provider, x.subject) for x in logins) if k in found.links
        }
        # A Cognito Identity token names its identity itself.
        owners.update(x.subject for x in logins if not x.linked and x.subject in found.identities)
        if len(owners) > 1:
            # The DG says such identities are merged; merging two users is not modelled.
            raise ResourceConflictException(LOGINS_OF_DIFFERENT_IDENTITIES)
        identity = found.identities[owners.pop()] if owners else new_identity(account_id, pool_id)
        for login in (x for x in logins if x.linked):
            if found.links.get((pool_id, login.provider, login.subject)) == identity.identity_id:
                continue  # e.g. a developer user merged into this identity
            linked = identity.logins.get(login.provider)
            if linked is None:
                link(found, identity, login)
            elif linked != login.subject:
                raise ResourceConflictException(ONE_LOGIN_PER_PROVIDER)
        return identity


def bind(account_id: str, identity: Identity, logins: list[Login]) -> Identity:
    """GetCredentialsForIdentity / GetOpenIdToken with Logins: link, merge or refuse."""
    found = state(account_id, identity.pool_id)
    with lock:
        result = identity
        for login in logins:
            if not login.linked:
                if login.subject != identity.identity_id:  # a token issued for another identity
                    raise forbidden(identity.identity_id)
                continue
            owner_id = found.links.get((identity.pool_id, login.provider, login.subject))
            if owner_id == result.identity_id:
                continue
            if owner_id is None:
                if login.provider in result.logins:  # another user of the same provider
                    raise forbidden(identity.identity_id)
                link(found, result, login)
            elif not result.logins:  # a guest signing in: merged into the login's identity
                result.disabled = True
                result.modified = clock.now()
                result = found.identities[owner_id]
            else:
                raise forbidden(identity.identity_id)
        return result


def identity_json(identity: Identity) -> dict[str, Any]:
    """DescribeIdentity's (and ListIdentities' entries') shape."""
    found: dict[str, Any] = {"IdentityId": identity.identity_id}
    if identity.logins:
        found["Logins"] = list(identity.logins)
    found["CreationDate"] = identity.created
    found["LastModifiedDate"] = identity.modified
    return found
