"""Validating a Logins map the way Cognito Identity does, before any identity is touched.

moto ignores Logins. AWS checks every token ("if any of the tokens fail, the whole call fails",
Cognito DG "Identity pools authentication flow"), in this order: is it a JWT at all, does its
issuer match the provider name it is given under, then the provider's own checks:

* a user pool's ID token (DG "Using user pools with an identity pool"): the pool's signature, an
  `aud` (an access token has none), an app client the identity pool lists, not expired, and with
  that client's `ServerSideTokenCheck`, a user not signed out globally nor deleted since;
* an OpenID Connect or social provider's ID token (DG "Open ID Connect providers", "Social
  identity providers"): an IAM OIDC provider in OpenIdConnectProviderARNs or an entry of
  SupportedLoginProviders, checked by `oidc_provider_registry` (only the lab's own provider,
  `standin_idp`, can sign offline);
* Cognito Identity's own token (DG "Developer-authenticated identities"): signed by us, for this
  pool, not expired.

`amr` for an OIDC, social or developer login is ["authenticated", "<provider>"]: the IAM UG
(condition-keys-wif) documents "authenticated" plus the provider's name and nothing more
(UNCONFIRMED whether AWS appends a further, user-specific entry as it does for user pools).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jwt

from .. import clock, cognitoidp
from ..iam import oidc_provider_registry
from . import openidtokens
from .exceptions import NotAuthorizedException
from .models import Login
from .pools import AUTHENTICATED, UNAUTHENTICATED, USER_POOL_PROVIDER, has_any_provider

LOGINS_DONT_MATCH = (
    "Logins don't match. Please include at least one valid login for this identity or identity pool."
)
NOT_OIDC_TOKEN = "Invalid login token. Not a valid OpenId Connect identity token."
ISSUER_MISMATCH = "Invalid login token. Issuer doesn't match providerName"
# Observed in 2016 (amazon-cognito-identity-js#7); today's exact text is UNCONFIRMED.
MISSING_AUD = "Invalid login token. Missing a required claim: aud"
UNSUPPORTED_PROVIDER = "Token is not from a supported provider of this identity pool."
# Observed in 2016 for a token Cognito could not verify (amazon-cognito-identity-js#91).
BAD_SIGNATURE = "Invalid login token. Couldn't verify signed token."
# UNCONFIRMED: no public source quotes Cognito's text for an OIDC token whose azp/aud is not
# one of the IAM provider's client ids; this is STS's wording for the same check
# ("Incorrect token audience", awslabs/amazon-eks-irsa-cfn#18) with Cognito's prefix.
WRONG_AUDIENCE = "Invalid login token. Incorrect token audience."
# UNCONFIRMED: the API Reference (CognitoIdentityProvider.ServerSideTokenCheck) says only "a 400
# Not Authorized error" for a user signed out or deleted; no public source quotes its message.
SIGNED_OUT = "Invalid login token. The user has been signed out or deleted."


def validate_logins(account_id: str, pool: Any, logins: Mapping[str, Any]) -> list[Login]:
    """Every token must pass ("if any of the tokens fail, the whole call fails", DG)."""
    if not has_any_provider(pool):
        raise NotAuthorizedException(LOGINS_DONT_MATCH)
    return [_validate_login(account_id, pool, provider, token) for provider, token in logins.items()]


def _validate_login(account_id: str, pool: Any, provider: str, token: Any) -> Login:
    """Validate one Logins entry in the order Cognito reports problems."""
    try:
        unverified = jwt.decode(str(token), options={"verify_signature": False})
    except jwt.PyJWTError as garbage:
        raise NotAuthorizedException(NOT_OIDC_TOKEN) from garbage
    issuer = str(unverified.get("iss", ""))
    if issuer.removeprefix("https://") != provider:
        raise NotAuthorizedException(ISSUER_MISMATCH)
    if provider == openidtokens.COGNITO_IDENTITY:
        return _validate_cognito_identity_token(pool, str(token))
    if USER_POOL_PROVIDER.fullmatch(provider):
        return _validate_user_pool_login(pool, provider, str(token))
    return _validate_external_login(account_id, pool, provider, str(token))


def _validate_user_pool_login(pool: Any, provider: str, token: str) -> Login:
    try:
        claims = cognitoidp.verify_user_pool_token(token)  # signature and pool only
    except ValueError as forged:
        raise NotAuthorizedException(NOT_OIDC_TOKEN) from forged
    audience = claims.get("aud")
    if not audience:  # e.g. an access token, which has client_id instead
        raise NotAuthorizedException(MISSING_AUD)
    entries = [
        p
        for p in pool.cognito_identity_providers
        if p.get("ProviderName") == provider and p.get("ClientId") in (None, audience)
    ]
    if not entries:
        raise NotAuthorizedException(UNSUPPORTED_PROVIDER)
    _check_not_expired(int(clock.now()), int(claims.get("exp", 0)))
    # "that identity pool will check with the integrated user pools to make sure that the user has
    # not been globally signed out or deleted" (API Reference, CognitoIdentityProvider).
    checked = any(entry.get("ServerSideTokenCheck") for entry in entries)
    if checked and cognitoidp.signed_out_or_deleted(claims):
        raise NotAuthorizedException(SIGNED_OUT)
    subject = str(claims.get("sub", ""))
    return Login(provider, subject, claims, (provider, f"{provider}:CognitoSignIn:{subject}"))


def _check_not_expired(now: int, expires: int) -> None:
    if now >= expires:  # text and order as observed: "Token expired: 1762258551 >= 1762250421"
        raise NotAuthorizedException(f"Invalid login token. Token expired: {now} >= {expires}")


def _external_client_ids(account_id: str, pool: Any, provider: str) -> list[str] | None:
    """The client ids the pool accepts for an OpenID Connect or social `provider`, None if
    the pool does not have that provider. An IAM OIDC provider lists its own; a
    SupportedLoginProviders entry maps the provider to the app's id."""
    for arn in pool.open_id_connect_provider_arns:
        if arn.split(":oidc-provider/", 1)[-1] == provider:
            found = oidc_provider_registry.find_by_arn(account_id, arn)
            return list(found.client_id_list) if found is not None else None
    if provider in pool.supported_login_providers:
        return [pool.supported_login_providers[provider]]
    return None


def _validate_external_login(account_id: str, pool: Any, provider: str, token: str) -> Login:
    """An OpenID Connect provider's ID token (DG "Open ID Connect providers"). Offline only
    the lab's own identity provider can sign; a token claiming to come from Google or any
    other real provider fails the signature check, as a forged one does on AWS."""
    client_ids = _external_client_ids(account_id, pool, provider)
    if client_ids is None:
        raise NotAuthorizedException(UNSUPPORTED_PROVIDER)
    try:
        claims = oidc_provider_registry.verify(
            token, client_ids, skew_seconds=oidc_provider_registry.COGNITO_CLOCK_SKEW_SECONDS
        )
    except oidc_provider_registry.TokenProblem as problem:
        message = {
            "signature": BAD_SIGNATURE,
            "audience": WRONG_AUDIENCE,
            # UNCONFIRMED whether AWS prints exp or exp + the 5 minutes of skew.
            "expired": f"Invalid login token. Token expired: {problem.now} >= {problem.expires}",
        }[problem.kind]
        raise NotAuthorizedException(message) from problem
    # UNCONFIRMED: what AWS adds to amr for an OIDC or social login beyond the provider name
    # (IAM UG condition-keys-wif: "authenticated" and "the name of the login provider").
    return Login(provider, str(claims.get("sub", "")), claims, (provider,))


def _validate_cognito_identity_token(pool: Any, token: str) -> Login:
    """A token Cognito Identity issued (developer-authenticated flow, DG
    developer-authenticated-identities): GetCredentialsForIdentity "passes it through" with
    the role its amr calls for (API GetCredentialsForIdentity)."""
    try:
        claims = openidtokens.verify_openid_token(token)
    except (ValueError, jwt.PyJWTError) as forged:
        raise NotAuthorizedException(BAD_SIGNATURE) from forged
    if claims.get("aud") != pool.identity_pool_id:  # UNCONFIRMED text for another pool's token
        raise NotAuthorizedException(WRONG_AUDIENCE)
    _check_not_expired(int(clock.now()), int(claims.get("exp", 0)))
    amr = [str(value) for value in claims.get("amr") or []]
    return Login(
        openidtokens.COGNITO_IDENTITY,
        str(claims.get("sub", "")),
        claims,
        tuple(value for value in amr if value not in (AUTHENTICATED, UNAUTHENTICATED)),
        linked=False,
        authenticated=AUTHENTICATED in amr,
    )
