"""Identity providers other than the user pool: the lab's "Sign in with Google" stand-in,
developer-authenticated identities' names, and checking a basic-flow token yourself.

The stand-in is an OpenID Connect provider that lives inside the offline AWS
(`helpers.offline.standin_idp`, issuer https://accounts.example.com, its own signing keys). Real AWS
fetches a provider's keys over the internet, so it can't use this one: on real AWS the cells that
need it say so and skip, and the same calls work with a real provider (Google, Auth0, ...).
"""

from __future__ import annotations

from typing import Any

import jwt
import requests

from helpers import errors
from helpers.lab import AWS, ENDPOINT, Lab, LabError
from helpers.offline import standin_idp

EXAMPLE_ISSUER = standin_idp.DEFAULT_ISSUER  # https://accounts.example.com
EXAMPLE_PROVIDER = EXAMPLE_ISSUER.removeprefix("https://")  # the Logins key and RoleMappings key
EXAMPLE_CLIENT = "notes-web"  # the notes app's client id at the stand-in provider
# IAM wants a thumbprint of the provider's TLS certificate; IAM no longer uses it for providers
# whose keys it fetches from a trusted certificate authority, and the stand-in has no TLS at all.
EXAMPLE_THUMBPRINT = "0" * 40

# Your own sign-in system's name for the identity pool (DeveloperProviderName): any reverse-DNS
# style name you choose, fixed once the pool has it.
DEVELOPER_PROVIDER = "login.notes.example"

# Cognito Identity signs basic-flow (OpenID) tokens with keys it publishes here.
COGNITO_IDENTITY_ISSUER = "https://cognito-identity.amazonaws.com"
COGNITO_IDENTITY_JWKS_URL = f"{COGNITO_IDENTITY_ISSUER}/.well-known/jwks_uri"

STAND_IN_UNREACHABLE = (
    "Skipped on real AWS: AWS can't reach the lab's stand-in provider (accounts.example.com exists "
    "only offline). With a real provider such as Google the calls are the same."
)


def example_idp_available(lab: Lab) -> bool:
    """Can this lab's AWS use the stand-in provider? On real AWS, says why not and returns False."""
    if lab.backend == AWS:
        print(STAND_IN_UNREACHABLE)
        return False
    return True


def sign_in_with_example_idp(lab: Lab, user: str, *, email: str | None = None) -> str:
    """Sign `user` in at the stand-in provider, as "Sign in with Google" would: the app's ID token."""
    if lab.backend == AWS:
        raise LabError(STAND_IN_UNREACHABLE)
    if lab.backend == ENDPOINT:
        body: dict[str, Any] = {"user": user, "client_id": EXAMPLE_CLIENT}
        if email is not None:
            body["email"] = email
        reply = requests.post(f"{lab.endpoint_url}/_lab/oidc/token", json=body, timeout=10)
        reply.raise_for_status()
        return str(reply.json()["id_token"])
    return standin_idp.mint_id_token(user, EXAMPLE_CLIENT, email=email)


def ensure_example_oidc_provider(lab: Lab) -> tuple[str, str]:
    """Find or register the stand-in provider in IAM: (provider ARN, what happened).

    Never on real AWS: besides being unreachable there, an IAM OIDC provider is one per account
    and issuer URL, so learners sharing an account would find, and clean up, each other's.
    """
    if lab.backend == AWS:
        raise LabError(STAND_IN_UNREACHABLE)
    iam = lab.client("iam")
    for found in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        if found["Arn"].endswith(f":oidc-provider/{EXAMPLE_PROVIDER}"):
            return found["Arn"], "found"
    created = iam.create_open_id_connect_provider(
        Url=EXAMPLE_ISSUER,
        ClientIDList=[EXAMPLE_CLIENT],
        ThumbprintList=[EXAMPLE_THUMBPRINT],
        Tags=lab.tag_list(),
    )
    return created["OpenIDConnectProviderArn"], "created"


def cognito_identity_jwks(lab: Lab) -> dict[str, Any]:
    """Cognito Identity's public keys, from where this lab's AWS publishes them.

    Any endpoint URL is an offline AWS: a shared one, or the aws path's 127.0.0.1 test endpoint.
    """
    url = f"{lab.endpoint_url}/.well-known/jwks_uri" if lab.endpoint_url else COGNITO_IDENTITY_JWKS_URL
    reply = requests.get(url, timeout=10)
    reply.raise_for_status()
    return dict(reply.json())


def verify_open_id_token(lab: Lab, token: str, identity_pool_id: str) -> dict[str, Any]:
    """Check a GetOpenIdToken token as a backend would: Cognito Identity's key, RS512, this pool.

    Raises PyJWT's error if the signature, audience, issuer or expiry is wrong. The expiry is
    checked against the lab's clock (the offline clock may be ahead of this machine's).
    """
    try:
        kid = jwt.get_unverified_header(token)["kid"]
        key = jwt.PyJWKSet.from_dict(cognito_identity_jwks(lab))[kid]
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["RS512"],
            audience=identity_pool_id,
            issuer=COGNITO_IDENTITY_ISSUER,
            options={"verify_exp": False, "verify_iat": False},
        )
        if claims["exp"] <= lab.now():
            raise jwt.ExpiredSignatureError("Signature has expired")  # PyJWT's words for it
    except jwt.PyJWTError as error:
        # Whose token this was, so `errors` names its fix (GetOpenIdToken, not a refresh token).
        error.add_note(errors.BASIC_FLOW_TOKEN)
        raise
    return claims
