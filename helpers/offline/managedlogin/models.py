"""What a user pool domain remembers between requests, per account and region as moto keeps pools.

* authorization codes: single use, valid five minutes ("The response returns a one time use code
  that is valid for five minutes", DG "Authorize endpoint"), on the offline clock;
* managed-login sessions: the cookie the sign-in page sets, so a second authorization request in
  the same browser skips the page for an hour ("the session cookie lasts 1 hour", DG "Authorize
  endpoint" note, research §5) until `/logout` clears it;
* federated sign-ins under way: what the app asked for while the user is at the identity
  provider; Cognito "cancels authentication requests that do not complete within 5 minutes"
  (DG "OIDC user pool IdP authentication flow").

Also finds the pool a domain host names: moto keeps domains per region, by prefix.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from moto.cognitoidp.models import CognitoIdpUserPool, cognitoidp_backends

from .. import clock
from ..state import EngineState, StateDict

CODE_SECONDS = 5 * 60
SESSION_SECONDS = 60 * 60
FEDERATION_SECONDS = 5 * 60
# The session cookie's name: "cognito", as the classic hosted UI sets it (UNCONFIRMED: no AWS page
# names it); XSRF-TOKEN is the double-submit cookie the form's `_csrf` must match (observed in
# scripted sign-ins, aws-amplify/amplify-js#6236).
SESSION_COOKIE = "cognito"
CSRF_COOKIE = "XSRF-TOKEN"

DOMAIN_HOST = re.compile(
    r"(?P<prefix>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.auth\.(?P<region>[a-z0-9-]+)\.amazoncognito\.com"
)


@dataclass
class AuthorizationCode:
    pool_id: str
    client_id: str
    username: str
    redirect_uri: str
    scopes: tuple[str, ...]
    nonce: str | None
    code_challenge: str | None
    expires_at: float
    used: bool = False


@dataclass
class Session:
    pool_id: str
    username: str
    expires_at: float


@dataclass
class PendingFederation:
    pool_id: str
    provider_name: str
    request: dict[str, str]  # the app's authorization request, resumed on the way back
    expires_at: float


class ManagedLoginState(EngineState):
    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.codes: dict[str, AuthorizationCode] = {}
        self.sessions: dict[str, Session] = {}
        self.federations: dict[str, PendingFederation] = {}


states: StateDict[ManagedLoginState] = StateDict(ManagedLoginState, "cognito-idp")


def state_of(pool: CognitoIdpUserPool) -> ManagedLoginState:
    return states.get(pool.account_id, pool.region)


def pool_of_host(host: str) -> CognitoIdpUserPool | None:
    """The pool whose domain `host` is (`{prefix}.auth.{region}.amazoncognito.com`), in any account."""
    found = DOMAIN_HOST.fullmatch(host.rsplit(":", 1)[0])
    if found is None:
        return None
    for account_backends in list(cognitoidp_backends.values()):
        if found["region"] not in account_backends:
            continue
        backend = account_backends[found["region"]]
        domain = backend.user_pool_domains.get(found["prefix"])
        if domain is not None and domain.user_pool_id in backend.user_pools:
            return backend.user_pools[domain.user_pool_id]
    return None


# --- codes, sessions, round trips -------------------------------------------------------------------
def new_code(pool: CognitoIdpUserPool, grant: AuthorizationCode) -> str:
    code = _uuid_shaped()
    state_of(pool).codes[code] = grant
    return code


def _uuid_shaped() -> str:
    # Cognito's codes and session handles look like UUIDs; these are unguessable (not moto's
    # seeded ids: a code is a secret).
    raw = secrets.token_hex(16)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def start_session(pool: CognitoIdpUserPool, username: str) -> str:
    value = secrets.token_urlsafe(32)
    state_of(pool).sessions[value] = Session(pool.id, username, clock.now() + SESSION_SECONDS)
    return value


def session_user(pool: CognitoIdpUserPool, cookie: str | None) -> str | None:
    """The user the session cookie signed in to this pool, while it lasts."""
    session = state_of(pool).sessions.get(cookie or "")
    if session is None or session.pool_id != pool.id or clock.now() >= session.expires_at:
        return None
    return session.username


def end_session(pool: CognitoIdpUserPool, cookie: str | None) -> None:
    state_of(pool).sessions.pop(cookie or "", None)


def start_federation(pool: CognitoIdpUserPool, provider_name: str, request: dict[str, str]) -> str:
    handle = _uuid_shaped()
    state_of(pool).federations[handle] = PendingFederation(
        pool.id, provider_name, dict(request), clock.now() + FEDERATION_SECONDS
    )
    return handle


def take_federation(pool: CognitoIdpUserPool, handle: str) -> PendingFederation | None:
    """The round trip `handle` names, once, while it lasts."""
    pending = state_of(pool).federations.pop(handle, None)
    if pending is None or pending.pool_id != pool.id or clock.now() >= pending.expires_at:
        return None
    return pending


@dataclass(frozen=True)
class Cookie:
    """A Set-Cookie value for the domain (Secure, HttpOnly, SameSite=Lax as a login cookie is;
    the attributes AWS sets are UNCONFIRMED)."""

    name: str
    value: str
    max_age: int | None = None

    def header(self) -> str:
        parts = [f"{self.name}={self.value}", "Path=/", "Secure", "HttpOnly", "SameSite=Lax"]
        if self.max_age is not None:
            parts.append(f"Max-Age={self.max_age}")
        return "; ".join(parts)
