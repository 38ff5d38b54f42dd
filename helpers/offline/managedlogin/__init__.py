"""A user pool domain's endpoints: managed login and OAuth 2.0 as Cognito implements them.

moto keeps a pool's domain (CreateUserPoolDomain) but serves nothing at it. Here the host
`{prefix}.auth.{region}.amazoncognito.com` answers as the Developer Guide's endpoint pages describe
it: `/oauth2/authorize`, the sign-in page `/login`, `/oauth2/token`, `/oauth2/userInfo`, `/logout`,
`/oauth2/revoke`, `/oauth2/idpresponse` (the identity provider's way back) and the `/error` page,
in the engine's one route table (in-process for `requests` to `https://<domain>/...`; at the
endpoint for a request whose Host is the domain, or through the `/_lab/hosts/<domain>/` alias).

Modules: `authrequest` (an authorization request checked, and answered with a code or tokens),
`authorize` (the browser's endpoints), `token` (the app's endpoints), `federation` (OIDC identity
providers into the pool), `pages` (the HTML), `models` (codes, sessions, federated round trips),
`domains` (the prefixes CreateUserPoolDomain refuses), `exceptions` (one class per OAuth error
code). What is modelled and what is not: helpers/offline/README.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import authorize, domains, federation, token
from .models import DOMAIN_HOST

if TYPE_CHECKING:
    from ..patching import Patches

__all__ = ["ROUTES", "install"]

ROUTES = (
    *authorize.routes_at(DOMAIN_HOST.pattern),
    *token.routes_at(DOMAIN_HOST.pattern),
    *federation.routes_at(DOMAIN_HOST.pattern),
)


def install(patches: Patches) -> None:
    """CreateIdentityProvider describes what discovery found at an OIDC provider's issuer;
    CreateUserPoolDomain refuses the prefixes Cognito refuses."""
    from moto.cognitoidp.models import CognitoIdpBackend

    patches.wrap(CognitoIdpBackend, "create_identity_provider", federation.discovering_endpoints)
    patches.wrap(CognitoIdpBackend, "create_user_pool_domain", domains.checking_prefixes)
