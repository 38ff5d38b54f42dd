"""What a user pool answers outside its API, as entries of the engine's one route table.

A pool's signing keys and OpenID Connect discovery document live at
`https://cognito-idp.<region>.amazonaws.com/<poolId>/.well-known/jwks.json` and
`.../openid-configuration` (Developer Guide, "Verifying a JSON Web Token"; pycognito fetches the
keys from there). `/_lab/mailbox` is the lab's own: the messages Cognito would have sent.
"""

from __future__ import annotations

import re

from moto.cognitoidp.models import CognitoIdpUserPool

from .. import routes
from . import mailbox
from .keys import jwks
from .models import find_pool, issuer


def _no_such_pool(pool_id: str) -> routes.Response:
    # UNCONFIRMED body: AWS answers 404 for an unknown pool; the JSON message mirrors its API errors.
    return routes.Response.json({"message": f"User pool {pool_id} does not exist."}, 404)


def _serve_jwks(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """A pool's public signing keys, where AWS publishes them (and pycognito fetches them)."""
    pool_id = match["pool"]
    try:
        return routes.Response.json(jwks(pool_id))
    except LookupError:
        return _no_such_pool(pool_id)


def _published_base(request: routes.Request) -> str:
    hostname = request.host.rsplit(":", 1)[0]
    return f"https://{hostname}" if re.fullmatch(_COGNITO_IDP_HOST, hostname) else request.base_url


def domain_host(pool: CognitoIdpUserPool) -> str | None:
    """The host of the pool's domain (`{prefix}.auth.{region}.amazoncognito.com`), if it has one.
    A custom domain (a name with dots) is not modelled."""
    domain = pool.domain
    if domain is None or "." in domain.domain:
        return None
    return f"{domain.domain}.auth.{pool.region}.amazoncognito.com"


def _serve_openid_configuration(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """The pool's OpenID Connect discovery document.

    The fields of a document captured from Cognito (micronaut-projects/micronaut-security test
    EmbeddedServerOpenIdProviderMetadataFetcherCodeGeneratorSpec): the authorization, token and
    userInfo endpoints of the pool's domain appear when it has one. Newer fields
    (`end_session_endpoint`, `revocation_endpoint`) are UNCONFIRMED and left out.
    """
    pool_id = match["pool"]
    pool = find_pool(pool_id)
    if pool is None:
        return _no_such_pool(pool_id)
    document: dict[str, object] = {
        "issuer": issuer(pool),
        # Where the document was fetched: AWS's URL, or the endpoint's when fetched at its address.
        "jwks_uri": f"{_published_base(request)}/{pool_id}/.well-known/jwks.json",
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }
    host = domain_host(pool)
    if host is not None:
        document.update(
            {
                "authorization_endpoint": f"https://{host}/oauth2/authorize",
                "token_endpoint": f"https://{host}/oauth2/token",
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "userinfo_endpoint": f"https://{host}/oauth2/userInfo",
            }
        )
    return routes.Response.json(dict(sorted(document.items())))


def _serve_messages(request: routes.Request, match: re.Match[str]) -> routes.Response:
    found = mailbox.messages(request.query.get("user_pool_id"), request.query.get("username"))
    return routes.Response.json([message.to_dict() for message in found])


# Any first path segment, as moto's own routes have it: an unknown pool gets a 404, never moto's
# shared key.
_POOL_IN_PATH = r"/(?P<pool>[^/]+)/\.well-known/"
_COGNITO_IDP_HOST = r"cognito-idp\.[a-z0-9-]+\.amazonaws\.com"
ROUTES = (
    routes.Route("the mailbox", "/_lab/mailbox", _serve_messages, local=True),
    routes.Route(
        "user pool JWKS", _POOL_IN_PATH + r"jwks\.json", _serve_jwks, hosts=(_COGNITO_IDP_HOST,), local=True
    ),
    routes.Route(
        "user pool OpenID configuration",
        _POOL_IN_PATH + "openid-configuration",
        _serve_openid_configuration,
        hosts=(_COGNITO_IDP_HOST,),
        local=True,
    ),
)
