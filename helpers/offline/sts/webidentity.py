"""Web-identity federation, STS's half: AssumeRoleWithWebIdentity and what it shares with Cognito.

moto's STS hands out credentials for any token and any role (even one that does not exist). Here
AssumeRoleWithWebIdentity validates the token (issuer, signature, audience, expiry), evaluates the
role's trust policy with the token's claims as condition keys (`trust`), honours
`DurationSeconds`, `Policy` and `PolicyArns`, and records the session for the IAM evaluator
(`sessions`). `assume_role_for_web_identity` is the half that Cognito Identity's
GetCredentialsForIdentity uses too (AWS: it "is functionally equivalent to calling
GetOpenIdToken, then AssumeRoleWithWebIdentity", Cognito DG authentication-flow).

Issuers STS trusts: Cognito Identity itself (`cognitoidentity.openidtokens`), and any issuer the
account registered as an IAM OIDC provider (`oidc_provider_registry`). For the latter the trust
policy names the provider's ARN as `Principal.Federated` and tests `<provider>:aud` (the token's
azp, else aud) and `<provider>:sub` (IAM UG condition-keys-wif); other issuers get AWS's "No
OpenIDConnect provider found in your account for <iss>". Sources: STS API
AssumeRoleWithWebIdentity; IAM UG "Available keys for web identity federation".
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from .. import clock, iam
from ..cognitoidentity import openidtokens
from ..iam import oidc_provider_registry
from . import sessions, trust
from .exceptions import ExpiredTokenException, InvalidIdentityToken, MalformedPolicyDocument

COGNITO_IDENTITY = openidtokens.COGNITO_IDENTITY
MIN_DURATION_SECONDS = 900
DEFAULT_DURATION_SECONDS = 3600
ACTION = "sts:AssumeRoleWithWebIdentity"

_AUD = f"{COGNITO_IDENTITY}:aud"
_SUB = f"{COGNITO_IDENTITY}:sub"
_AMR = f"{COGNITO_IDENTITY}:amr"

# STS's own texts: DG role-trust-and-permissions ("Not authorized to perform
# sts:AssumeRoleWithWebIdentity"), amplify-js#9704 (not a JWT), botocore sts
# InvalidIdentityTokenException (could not be validated), many reports of "No
# OpenIDConnect provider found in your account for <iss>" (aws-actions/
# configure-aws-credentials#721), aws/aws-sdk-java-v2#5709 (expired).
NOT_AUTHORIZED = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
NOT_A_JWT = "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"
NOT_VALIDATED = (
    "The web identity token that was passed could not be validated by AWS. "
    "Get a new identity token from the identity provider and then retry the request."
)
# Observed: awslabs/amazon-eks-irsa-cfn#18, aws-actions/configure-aws-credentials#775.
WRONG_AUDIENCE = "Incorrect token audience"


@dataclass(frozen=True)
class WebIdentity:
    """What the trust policy sees of a web-identity token (IAM UG condition-keys-wif).

    `provider` prefixes the condition keys (`<provider>:aud`); `principal` is what the
    trust policy's `Principal.Federated` must name (an IAM OIDC provider's ARN, or the
    Cognito Identity host) and the value of `aws:FederatedProvider`; `issuer` is STS's
    `Provider` answer.
    """

    audience: str
    subject: str
    amr: tuple[str, ...]
    provider: str = COGNITO_IDENTITY
    principal: str = COGNITO_IDENTITY
    issuer: str = COGNITO_IDENTITY

    def condition_keys(self) -> dict[str, Any]:
        if self.provider == COGNITO_IDENTITY:
            return {_AUD: self.audience, _SUB: self.subject, _AMR: list(self.amr)}
        return {f"{self.provider}:aud": self.audience, f"{self.provider}:sub": self.subject}


def check_trust(role: Any, identity: WebIdentity, session_tags: Mapping[str, str]) -> None:
    """The role's trust policy, as STS evaluates it for a web identity token."""
    trust.check_trust(
        role, ACTION, {"Federated": identity.principal}, identity.condition_keys(), session_tags
    )


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime.datetime
    assumed_role_id: str
    assumed_role_arn: str


def assume_role_for_web_identity(
    *,
    account_id: str,
    region: str,
    role: Any,
    session_name: str,
    duration: int,
    identity: WebIdentity,
    extra_context: Mapping[str, Any],
    session_policies: list[tuple[str, dict[str, Any]]] | None,
    source: str,
) -> Credentials:
    """Mint `ASIA…` keys with moto's STS and record what AWS would remember about them.

    The trust policy must already have been checked. moto's own expiry (real time) is
    replaced by the offline clock's.
    """
    from moto.sts.models import sts_backends

    # moto's own TokenResponse passes None for an absent Policy or ExternalId, as here; its
    # annotations say str, so the backend is used untyped.
    backend: Any = sts_backends[account_id]["aws"]
    assumed = backend.assume_role(
        region_name=region,
        role_session_name=session_name,
        role_arn=role.arn,
        policy=None,
        duration=duration,
        external_id=None,
    )
    assumed.expiration = clock.utcnow() + datetime.timedelta(seconds=duration)
    context = {**identity.condition_keys(), "aws:FederatedProvider": identity.principal, **extra_context}
    sessions.register(
        account_id,
        sessions.Session(
            access_key_id=assumed.access_key_id,
            role_arn=role.arn,
            session_name=session_name,
            expires_at=assumed.expiration.timestamp(),
            context=context,
            session_policies=session_policies,
            source=source,
        ),
    )
    return Credentials(
        access_key_id=assumed.access_key_id,
        secret_access_key=assumed.secret_access_key,
        session_token=assumed.session_token,
        expiration=assumed.expiration,
        assumed_role_id=assumed.user_id,
        assumed_role_arn=assumed.arn,
    )


# --- checking the token ----------------------------------------------------------------------


def _check_expiry(claims: Mapping[str, Any]) -> None:
    now = int(clock.now())
    expires = int(claims.get("exp", 0))
    if now >= expires:
        raise ExpiredTokenException(
            f"Token expired: current date/time {now} must be before the expiration date/time {expires}"
        )


def verified_identity(account_id: str, token: str) -> WebIdentity:
    """The token's identity, once its issuer, signature, audience and expiry check out."""
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as not_jwt:
        raise InvalidIdentityToken(NOT_A_JWT) from not_jwt
    issuer = str(unverified.get("iss", ""))
    if issuer == openidtokens.COGNITO_IDENTITY_ISSUER:
        try:
            claims = openidtokens.verify_openid_token(token)
        except (ValueError, jwt.PyJWTError) as forged:
            raise InvalidIdentityToken(NOT_VALIDATED) from forged
        _check_expiry(claims)
        return WebIdentity(
            str(claims.get("aud", "")), str(claims.get("sub", "")), tuple(claims.get("amr") or [])
        )
    provider = oidc_provider_registry.find(account_id, issuer)
    if provider is None:
        raise InvalidIdentityToken(f"No OpenIDConnect provider found in your account for {issuer}")
    try:
        claims = oidc_provider_registry.verify(token, provider.client_id_list)
    except oidc_provider_registry.TokenProblem as problem:
        if problem.kind == "expired":
            _check_expiry({"exp": problem.expires})
        message = WRONG_AUDIENCE if problem.kind == "audience" else NOT_VALIDATED
        raise InvalidIdentityToken(message) from problem
    return WebIdentity(
        audience=oidc_provider_registry.authorized_party(claims) or "",
        subject=str(claims.get("sub", "")),
        amr=(),
        provider=provider.url,
        principal=provider.arn,
        issuer=issuer,
    )


def session_policies(
    account_id: str, policy: str | None, policy_arns: list[Any]
) -> list[tuple[str, dict[str, Any]]] | None:
    """The `Policy` and `PolicyArns` parameters: together they form the session policy
    (any of them may allow; the result is intersected with the role's policies)."""
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import iam_backends

    found: list[tuple[str, dict[str, Any]]] = []
    if policy:
        try:
            found.append(("session policy", iam.parse_policy(policy, "session")))
        except iam.MalformedPolicyDocument as malformed:
            raise MalformedPolicyDocument(malformed.message) from malformed
    for entry in policy_arns:
        arn = entry["arn"] if isinstance(entry, dict) else entry
        try:
            managed = iam_backends[account_id]["aws"].get_policy(arn)
        except NotFoundException:
            # AWS's answer for an unknown ARN is not documented (UNCONFIRMED); failing
            # closed keeps the session from gaining anything.
            found.append((arn, {"Version": "2012-10-17", "Statement": []}))
            continue
        document = next(v.document for v in managed.versions if v.is_default)
        found.append((managed.name, json.loads(document) if isinstance(document, str) else document))
    return found or None
