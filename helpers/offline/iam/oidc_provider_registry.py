"""IAM OpenID Connect providers: how AWS decides to trust a token from another identity provider.

An IAM OIDC provider (``iam.create_open_id_connect_provider``, moto keeps it) names an
issuer URL and the client ids (audiences) AWS accepts. Identity pools list such providers
in ``OpenIdConnectProviderARNs``; STS ``AssumeRoleWithWebIdentity`` accepts their tokens
for roles whose trust policy names the provider's ARN as ``Principal.Federated``.

Validation, in the order the Cognito DG ("Open ID Connect providers") lists it:

1. ``iss`` matches the provider (the Logins key, or the IAM provider's URL);
2. the signature verifies against the provider's published keys. Offline the only keys
   that can be fetched are those of the lab's own identity provider (`standin_idp`), so a token
   from any other issuer fails here, exactly as a token not signed by that issuer would
   on AWS. (AWS also compares the TLS certificate thumbprint of the JWKS host; there is no
   TLS offline, so thumbprints are stored but not compared.);
3. ``azp`` when present, else ``aud``, is one of the provider's client ids;
4. the token has not expired; Cognito allows 5 minutes of clock skew (DG, RFC 7523).

The callers word the problems in their own service's errors; this module only names them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import clock, standin_idp

COGNITO_CLOCK_SKEW_SECONDS = 300  # DG open-id.md: "a grace period of 5 minutes"


class TokenProblem(ValueError):
    """Why a token is refused: `kind` is "signature", "audience" or "expired"."""

    def __init__(self, kind: str, detail: str = "", *, now: int = 0, expires: int = 0) -> None:
        super().__init__(detail or kind)
        self.kind = kind
        self.now = now
        self.expires = expires


def provider_arn(account_id: str, url: str) -> str:
    """The ARN IAM gives the provider for `url` (scheme dropped, as IAM does)."""
    return f"arn:aws:iam::{account_id}:oidc-provider/{url.removeprefix('https://')}"


def find(account_id: str, url: str) -> Any | None:
    """moto's IAM OIDC provider for `url` (an issuer, with or without https://), or None."""
    from moto.iam.models import iam_backends

    providers = iam_backends[account_id]["aws"].open_id_providers
    return providers.get(provider_arn(account_id, url))


def find_by_arn(account_id: str, arn: str) -> Any | None:
    from moto.iam.models import iam_backends

    return iam_backends[account_id]["aws"].open_id_providers.get(arn)


def authorized_party(claims: dict[str, Any]) -> str | None:
    """The client the token was issued to: `azp` if present, else the single `aud`."""
    if claims.get("azp"):
        return str(claims["azp"])
    audience = claims.get("aud")
    if isinstance(audience, list):
        return str(audience[0]) if len(audience) == 1 else None
    return str(audience) if audience else None


def verify(token: str, client_ids: Iterable[str], *, skew_seconds: int = 0) -> dict[str, Any]:
    """Check signature, audience and expiry (steps 2-4 above); return the claims."""
    try:
        claims = standin_idp.verify_signature(token)
    except standin_idp.TokenVerificationError as problem:
        raise TokenProblem("signature", str(problem)) from None
    if authorized_party(claims) not in set(client_ids):
        raise TokenProblem("audience")
    now, expires = int(clock.now()), int(claims.get("exp", 0))
    if now >= expires + skew_seconds:
        raise TokenProblem("expired", now=now, expires=expires)
    return claims
