"""Sign-in through an OpenID Connect identity provider into the user pool (federation).

Follows the Developer Guide's "OIDC user pool IdP authentication flow", "Adding OIDC identity
providers to a user pool" and "Specifying identity provider attribute mappings":

1. the domain sends the browser to the provider's authorization endpoint, with the provider's
   client id, `redirect_uri=https://<domain>/oauth2/idpresponse` and the provider's
   `authorize_scopes`; what the app asked for waits at Cognito (five minutes at most);
2. the provider sends the browser back to `/oauth2/idpresponse` with a code, which Cognito
   exchanges at the provider's token endpoint (client_secret_post), checks the ID token (the
   provider's signature, `iss`, `aud`, not expired), and reads the provider's userInfo endpoint;
3. Cognito "creates or updates the user account": the username is the provider's name, `_` and
   the provider's `sub` ("Amazon Cognito prepends this attribute value with the name of your
   IdP"), status EXTERNAL_PROVIDER, the `identities` attribute links the provider, and every
   mapped attribute is written again on every sign-in. A mapped email is unverified unless
   `email_verified` is mapped too;
4. the user goes back to the app with a code, as a native user does, and has a managed-login
   session.

Offline, only the lab's own providers (`standin_idp`) can be reached, and Cognito's calls to
them are function calls. SAML, and the social providers (Google, Facebook, Login with Amazon,
Sign in with Apple) by their own provider types, are not modelled: the stand-in plays Google as
an OIDC provider.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUser, CognitoIdpUserPool

from .. import clock, routes, standin_idp
from ..cognitoidp import triggers
from ..cognitoidp.exceptions import CognitoIdpError
from ..cognitoidp.models import status
from ..cognitoidp.tokens import IDENTITIES
from . import pages
from .authrequest import AuthorizationRequest, complete, error_response, parse
from .exceptions import InvalidRequest, OAuthError
from .models import (
    SESSION_COOKIE,
    SESSION_SECONDS,
    Cookie,
    pool_of_host,
    start_federation,
    start_session,
    take_federation,
)

EXTERNAL_PROVIDER = "EXTERNAL_PROVIDER"
# UNCONFIRMED wording: Cognito's error when a required attribute is not mapped; the form
# ("attributes required: [email]", sent to the app as invalid_request) is widely quoted.
ATTRIBUTES_REQUIRED = "attributes required: [{names}]"
# UNCONFIRMED wording for a provider the lab cannot reach (on AWS, discovery fails at creation).
UNREACHABLE = "{name} Error - the offline lab reaches only its own identity providers"
_DISCOVERED = {
    "authorize_url": "authorization_endpoint",
    "token_url": "token_endpoint",
    "attributes_url": "userinfo_endpoint",
    "jwks_uri": "jwks_uri",
}


def _provider_details(pool: CognitoIdpUserPool, name: str) -> dict[str, str]:
    provider = pool.identity_providers[name]
    return dict(provider.extended_config.get("ProviderDetails") or {})


def to_identity_provider(host: str, authz: AuthorizationRequest, name: str) -> routes.Response:
    """Step 1: the browser goes to the provider's sign-in page."""
    details = _provider_details(authz.pool, name)
    issuer = details.get("oidc_issuer", "")
    provider = standin_idp.existing(issuer) if issuer else None
    if provider is None:
        return error_response(host, authz.query, InvalidRequest(UNREACHABLE.format(name=name)))
    handle = start_federation(authz.pool, name, dict(authz.query))
    query = {
        "client_id": details.get("client_id", ""),
        "redirect_uri": f"https://{host}/oauth2/idpresponse",
        "response_type": "code",
        "scope": details.get("authorize_scopes", "openid"),
        "state": handle,
    }
    authorize_url = details.get("authorize_url") or provider.discovery()["authorization_endpoint"]
    return routes.Response.redirect(f"{authorize_url}?{urlencode(query)}")


def _serve_idpresponse(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """Step 2 to 4: the provider's answer comes back to `/oauth2/idpresponse`."""
    pool = pool_of_host(request.host)
    if pool is None:
        return routes.Response.json({"message": f"No user pool has the domain {request.host}"}, 404)
    pending = take_federation(pool, request.query.get("state", ""))
    if pending is None or pending.provider_name not in pool.identity_providers:
        return pages.something_went_wrong()
    try:
        authz = parse(pool, pending.request)
    except OAuthError as problem:  # the client changed meanwhile
        return error_response(request.host, pending.request, problem)
    try:
        username = _sign_in_federated_user(pool, pending.provider_name, request, authz.client.id)
    except OAuthError as problem:
        return error_response(request.host, pending.request, problem)
    session = Cookie(SESSION_COOKIE, start_session(pool, username), SESSION_SECONDS)
    return complete(authz, username, (session.header(),))


def _sign_in_federated_user(
    pool: CognitoIdpUserPool, name: str, request: routes.Request, app_client_id: str
) -> str:
    details = _provider_details(pool, name)
    issuer, client_id = details.get("oidc_issuer", ""), details.get("client_id", "")
    if "error" in request.query:  # the provider refused: DG "[IdP name] Error - ..." form
        raise InvalidRequest(f"{name} Error - {request.query['error']}")
    try:
        tokens = standin_idp.redeem_code(
            issuer, request.query.get("code", ""), client_id, f"https://{request.host}/oauth2/idpresponse"
        )
        claims = _checked_id_token(tokens["id_token"], issuer, client_id)
        claims.update(standin_idp.userinfo(tokens["access_token"]))
    except (ValueError, LookupError) as refused:
        # DG "Authorize endpoint": "[IdP name] Error - [status code] error getting token".
        raise InvalidRequest(f"{name} Error - 400 error getting token ({refused})") from None
    username, created = _create_or_update_user(pool, name, issuer, claims)
    try:
        _run_triggers(pool, pool.users[username], app_client_id, created)
    except CognitoIdpError as refused:
        # "users can see errors that Lambda triggers generate in query parameters that Amazon
        # Cognito adds to the callback URL" (DG "Customizing user pool workflows with Lambda
        # triggers"); the error code is UNCONFIRMED.
        raise InvalidRequest(refused.message) from None
    return username


def _run_triggers(pool: CognitoIdpUserPool, user: CognitoIdpUser, client_id: str, created: bool) -> None:
    """A federated user's triggers: on the first sign-in PreSignUp_ExternalProvider (a refusal
    leaves no user) and PostConfirmation_ConfirmSignUp, then on every sign-in the pre
    authentication trigger; the pre token generation trigger runs where the tokens are made
    (TokenGeneration_HostedAuth). The DG lists these for federated users; their order here is
    UNCONFIRMED."""
    if created:
        given = {name: value for name, value in user.attribute_lookup.items() if name != IDENTITIES}
        try:
            triggers.pre_sign_up(pool, user, "PreSignUp_ExternalProvider", client_id, given)
        except CognitoIdpError:
            pool.users.pop(user.username, None)
            raise
        triggers.post_confirmation(pool, user, "PostConfirmation_ConfirmSignUp", client_id)
    triggers.pre_authentication(pool, client_id, user, user.username, hides_unknown_users=False)


def _checked_id_token(token: str, issuer: str, client_id: str) -> dict[str, Any]:
    claims = standin_idp.verify_signature(token)
    if claims.get("iss") != issuer or claims.get("aud") != client_id:
        raise ValueError("the ID token is not for this user pool's client")
    if clock.now() >= float(claims.get("exp", 0)):
        raise ValueError("the ID token has expired")
    return claims


def _text(value: Any) -> str:
    """User pool attributes are strings: JSON booleans become "true"/"false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _create_or_update_user(
    pool: CognitoIdpUserPool, name: str, issuer: str, claims: dict[str, Any]
) -> tuple[str, bool]:
    """(the user's username, whether this sign-in created the user)."""
    provider = pool.identity_providers[name]
    mapping: dict[str, str] = dict(provider.extended_config.get("AttributeMapping") or {"username": "sub"})
    subject = str(claims.get(mapping.get("username", "sub"), claims.get("sub", "")))
    username = f"{name}_{subject}"
    # "Amazon Cognito will map incoming claims to user pool attributes only if the claims exist
    # in the incoming token"; a mapped email is unverified unless email_verified is mapped.
    mapped = {
        attribute: _text(claims[claim])
        for attribute, claim in mapping.items()
        if attribute != "username" and claim in claims
    }
    if "email" in mapped and "email_verified" not in mapping:
        mapped["email_verified"] = "false"
    user = pool.users.get(username)
    created = user is None
    present = set(mapped) | (set(user.attribute_lookup) if user is not None else set())
    missing = sorted(
        attribute.name
        for attribute in pool.schema_attributes.values()
        if attribute.required and attribute.name != "sub" and attribute.name not in present
    )
    if missing:
        raise InvalidRequest(ATTRIBUTES_REQUIRED.format(names=", ".join(missing)))
    if user is None:
        identity = {
            "userId": subject,
            "providerName": name,
            "providerType": provider.extended_config.get("ProviderType", "OIDC"),
            # UNCONFIRMED for OIDC providers (a SAML capture shows the issuer; Google's shows null).
            "issuer": issuer,
            "primary": "true",
            "dateCreated": str(int(clock.now() * 1000)),
        }
        user = CognitoIdpUser(pool.id, username, None, EXTERNAL_PROVIDER, [])
        user.update_attributes([{"Name": IDENTITIES, "Value": json.dumps([identity])}])
        pool.users[username] = user
    if not user.enabled or status(user) != EXTERNAL_PROVIDER:
        # UNCONFIRMED wording for a disabled federated user.
        raise InvalidRequest("User is disabled.")
    user.update_attributes([{"Name": attribute, "Value": value} for attribute, value in mapped.items()])
    return username, created


# --- CreateIdentityProvider: what discovery fills in ------------------------------------------------
def discovering_endpoints(original: Callable[..., Any]) -> Callable[..., Any]:
    """An OIDC provider created with `oidc_issuer` is described with the endpoints Cognito
    discovered at the issuer, and `attributes_url_add_attributes` "false" (botocore
    CreateIdentityProvider, ProviderDetails: "Describe response"). Only the lab's providers can
    be discovered offline; others are kept as given."""

    def create_identity_provider(
        self: CognitoIdpBackend, user_pool_id: str, name: str, extended_config: dict[str, Any]
    ) -> Any:
        created = original(self, user_pool_id, name, extended_config)
        details = created.extended_config.get("ProviderDetails") or {}
        issuer = details.get("oidc_issuer", "")
        found = (
            standin_idp.existing(issuer) if created.extended_config.get("ProviderType") == "OIDC" else None
        )
        if found is not None:
            document = found.discovery()
            for detail, field in _DISCOVERED.items():
                details.setdefault(detail, document[field])
            details.setdefault("attributes_url_add_attributes", "false")
        return created

    return create_identity_provider


def routes_at(host_pattern: str) -> tuple[routes.Route, ...]:
    return (
        routes.Route(
            "user pool domain: identity provider response",
            "/oauth2/idpresponse",
            _serve_idpresponse,
            hosts=(host_pattern,),
        ),
    )
