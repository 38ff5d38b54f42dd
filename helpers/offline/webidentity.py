"""Web-identity federation: Cognito Identity's OpenID tokens and STS AssumeRoleWithWebIdentity.

moto's STS hands out credentials for any token and any role (even one that does not
exist), and its Cognito Identity "token" is just an identity id. Here:

* `issue_openid_token` signs a real JWT with a Cognito Identity key of ours
  (`iss` https://cognito-identity.amazonaws.com, `aud` the identity pool id, `sub` the
  identity id, `amr`, valid 600 s: awslabs/aws-jwt-verify#89, botocore "valid for 10
  minutes"). AWS signs these with RS512 and per-region `kid`s such as "ap-northeast-1-8"
  (keys published at https://cognito-identity.amazonaws.com/.well-known/jwks_uri); we do
  the same with one key per region, see `jwks()`.
* `AssumeRoleWithWebIdentity` validates the token (signature, expiry), evaluates the
  role's trust policy with the token's claims as condition keys, honours `DurationSeconds`,
  `Policy` and `PolicyArns`, and records the session for the IAM evaluator.
* `assume_role_for_web_identity` is the shared half that GetCredentialsForIdentity
  uses too (AWS: it "is functionally equivalent to calling GetOpenIdToken, then
  AssumeRoleWithWebIdentity", DG authentication-flow).

Issuers STS trusts: Cognito Identity itself, and any issuer the account registered as an
IAM OIDC provider (`oidc_provider_registry`). For the latter the trust policy names the provider's
ARN as `Principal.Federated` and tests `<provider>:aud` (the token's azp, else aud) and
`<provider>:sub` (IAM UG condition-keys-wif); other issuers get AWS's "No OpenIDConnect
provider found in your account for <iss>".
"""

from __future__ import annotations

import datetime
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.moto_api._internal import mock_random
from werkzeug.exceptions import HTTPException

from . import clock, iam, routes, sessions, trust
from .iam import oidc_provider_registry
from .patching import Patches

COGNITO_IDENTITY = "cognito-identity.amazonaws.com"
COGNITO_IDENTITY_ISSUER = f"https://{COGNITO_IDENTITY}"
OPENID_TOKEN_SECONDS = 600
ALGORITHM = "RS512"
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


class StsError(HTTPException):
    """An STS error in STS's own XML shape and HTTP status (AccessDenied is a 403)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        escaped = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        super().__init__(
            description=(
                '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{escaped}</Message></Error>"
                f"<RequestId>{mock_random.uuid4()}</RequestId></ErrorResponse>"
            )
        )
        self.code = status
        self.error_code = code
        self.message = message

    def get_body(self, *args: Any, **kwargs: Any) -> str:
        return self.description or ""

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [("Content-Type", "text/xml"), ("X-Amzn-ErrorType", self.error_code)]


def access_denied() -> StsError:
    return StsError(403, "AccessDenied", NOT_AUTHORIZED)


# --- Cognito Identity's signing keys --------------------------------------------------


_keys_lock = threading.Lock()
_keys: dict[str, rsa.RSAPrivateKey] = {}


def _kid(region: str) -> str:
    return f"{region}-1"


def _signing_key(region: str) -> rsa.RSAPrivateKey:
    # Generated once per process and region, like AWS's long-lived keys: a reset of the
    # lab does not invalidate the keys a notebook may have cached.
    with _keys_lock:
        if region not in _keys:
            _keys[region] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return _keys[region]


def jwks() -> dict[str, Any]:
    """The public keys, as AWS serves them at /.well-known/jwks_uri."""
    with _keys_lock:
        items = list(_keys.items())
    keys = []
    for region, key in items:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        keys.append({**public, "use": "sig", "kid": _kid(region), "alg": ALGORITHM})
    return {"keys": keys}


def issue_openid_token(
    identity_pool_id: str, identity_id: str, amr: list[str], *, seconds: int = OPENID_TOKEN_SECONDS
) -> str:
    """A Cognito Identity OpenID token: the basic (classic) flow's, or a developer
    identity's (GetOpenIdTokenForDeveloperIdentity chooses its lifetime)."""
    region = identity_id.split(":")[0]
    now = int(clock.now())
    claims = {
        "iss": COGNITO_IDENTITY_ISSUER,
        "sub": identity_id,
        "aud": identity_pool_id,
        "amr": amr,
        "iat": now,
        "exp": now + seconds,
    }
    return jwt.encode(claims, _signing_key(region), algorithm=ALGORITHM, headers={"kid": _kid(region)})


def verify_openid_token(token: str) -> dict[str, Any]:
    """The claims of a token Cognito Identity (this offline one) signed; ValueError or
    jwt.PyJWTError otherwise. Expiry is the caller's to check, on the offline clock."""
    match = re.fullmatch(r"(.+)-1", str(jwt.get_unverified_header(token).get("kid", "")))
    with _keys_lock:
        key = _keys.get(match.group(1)) if match else None
    if key is None:
        raise ValueError("unknown kid")
    options = {"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False}
    return jwt.decode(token, key.public_key(), algorithms=[ALGORITHM], options=options)


# --- assuming the role ----------------------------------------------------------------


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

    assumed = sts_backends[account_id]["aws"].assume_role(
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
        sessions.Session(
            access_key_id=assumed.access_key_id,
            role_arn=role.arn,
            session_name=session_name,
            expires_at=assumed.expiration.timestamp(),
            context=context,
            session_policies=session_policies,
            source=source,
        )
    )
    return Credentials(
        access_key_id=assumed.access_key_id,
        secret_access_key=assumed.secret_access_key,
        session_token=assumed.session_token,
        expiration=assumed.expiration,
        assumed_role_id=assumed.user_id,
        assumed_role_arn=assumed.arn,
    )


# --- STS AssumeRoleWithWebIdentity ------------------------------------------------------


def _check_expiry(claims: Mapping[str, Any]) -> None:
    now = int(clock.now())
    expires = int(claims.get("exp", 0))
    if now >= expires:
        raise StsError(
            400,
            "ExpiredTokenException",
            f"Token expired: current date/time {now} must be before the expiration date/time {expires}",
        )


def _verified_identity(account_id: str, token: str) -> WebIdentity:
    """The token's identity, once its issuer, signature, audience and expiry check out."""
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as not_jwt:
        raise StsError(400, "InvalidIdentityToken", NOT_A_JWT) from not_jwt
    issuer = str(unverified.get("iss", ""))
    if issuer == COGNITO_IDENTITY_ISSUER:
        try:
            claims = verify_openid_token(token)
        except (ValueError, jwt.PyJWTError) as forged:
            raise StsError(400, "InvalidIdentityToken", NOT_VALIDATED) from forged
        _check_expiry(claims)
        return WebIdentity(
            str(claims.get("aud", "")), str(claims.get("sub", "")), tuple(claims.get("amr") or [])
        )
    provider = oidc_provider_registry.find(account_id, issuer)
    if provider is None:
        raise StsError(
            400, "InvalidIdentityToken", f"No OpenIDConnect provider found in your account for {issuer}"
        )
    try:
        claims = oidc_provider_registry.verify(token, provider.client_id_list)
    except oidc_provider_registry.TokenProblem as problem:
        if problem.kind == "expired":
            _check_expiry({"exp": problem.expires})
        message = WRONG_AUDIENCE if problem.kind == "audience" else NOT_VALIDATED
        raise StsError(400, "InvalidIdentityToken", message) from problem
    return WebIdentity(
        audience=oidc_provider_registry.authorized_party(claims) or "",
        subject=str(claims.get("sub", "")),
        amr=(),
        provider=provider.url,
        principal=provider.arn,
        issuer=issuer,
    )


def _session_policies(response: Any, account_id: str) -> list[tuple[str, dict[str, Any]]] | None:
    """The `Policy` and `PolicyArns` parameters: together they form the session policy
    (any of them may allow; the result is intersected with the role's policies)."""
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import iam_backends

    found: list[tuple[str, dict[str, Any]]] = []
    policy = response._get_param("Policy")
    if policy:
        try:
            found.append(("session policy", iam.parse_policy(policy, "session")))
        except iam.MalformedPolicyDocument as malformed:
            raise StsError(400, "MalformedPolicyDocument", malformed.message) from malformed
    for entry in response._get_param("PolicyArns") or []:
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


def assume_role_with_web_identity(response: Any) -> str:
    """Replacement for moto's `TokenResponse.assume_role_with_web_identity`."""
    account_id = response.current_account
    role_arn = response._get_param("RoleArn")
    session_name = response._get_param("RoleSessionName")
    duration = int(response._get_param("DurationSeconds") or DEFAULT_DURATION_SECONDS)
    if duration < MIN_DURATION_SECONDS:
        raise StsError(
            400,
            "ValidationError",
            f"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy "
            f"constraint: Member must have value greater than or equal to {MIN_DURATION_SECONDS}",
        )
    session_policies = _session_policies(response, account_id)
    identity = _verified_identity(account_id, response._get_param("WebIdentityToken") or "")
    try:
        role = trust.find_role(account_id, role_arn)
        check_trust(role, identity, {})
    except trust.TrustDenied as denied:
        raise access_denied() from denied
    if duration > int(role.max_session_duration or DEFAULT_DURATION_SECONDS):
        raise StsError(
            400,
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        )
    credentials = assume_role_for_web_identity(
        account_id=account_id,
        region=response.region,
        role=role,
        session_name=session_name,
        duration=duration,
        identity=identity,
        extra_context={},
        session_policies=session_policies,
        source="sts:AssumeRoleWithWebIdentity",
    )
    return _response_xml(credentials, identity)


def _response_xml(credentials: Credentials, identity: WebIdentity) -> str:
    expiration = credentials.expiration.strftime("%Y-%m-%dT%H:%M:%SZ")
    # Provider: "For OpenID Connect ID tokens, this contains the value of the iss field"
    # (STS API). For Cognito Identity we answer its host name, the principal trust policies
    # name (UNCONFIRMED exact text).
    return (
        '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<AssumeRoleWithWebIdentityResult>"
        f"<SubjectFromWebIdentityToken>{identity.subject}</SubjectFromWebIdentityToken>"
        f"<Audience>{identity.audience}</Audience>"
        "<AssumedRoleUser>"
        f"<Arn>{credentials.assumed_role_arn}</Arn>"
        f"<AssumedRoleId>{credentials.assumed_role_id}</AssumedRoleId>"
        "</AssumedRoleUser>"
        "<Credentials>"
        f"<SessionToken>{credentials.session_token}</SessionToken>"
        f"<SecretAccessKey>{credentials.secret_access_key}</SecretAccessKey>"
        f"<Expiration>{expiration}</Expiration>"
        f"<AccessKeyId>{credentials.access_key_id}</AccessKeyId>"
        "</Credentials>"
        f"<Provider>{identity.issuer}</Provider>"
        "</AssumeRoleWithWebIdentityResult>"
        f"<ResponseMetadata><RequestId>{mock_random.uuid4()}</RequestId></ResponseMetadata>"
        "</AssumeRoleWithWebIdentityResponse>"
    )


def _serve_jwks(request: routes.Request, match: re.Match[str]) -> routes.Response:
    return routes.Response.json(jwks())


# AWS publishes them at https://cognito-identity.amazonaws.com/.well-known/jwks_uri; the endpoint
# at its own /.well-known/jwks_uri (no AWS API path starts with /.well-known: an S3 bucket name
# cannot start with a dot).
ROUTES = (
    routes.Route(
        "Cognito Identity's JWKS",
        r"/\.well-known/jwks_uri",
        _serve_jwks,
        hosts=(r"cognito-identity\.amazonaws\.com",),
        local=True,
    ),
)


def install(patches: Patches) -> None:
    from moto.sts.responses import TokenResponse

    patches.replace(TokenResponse, "assume_role_with_web_identity", assume_role_with_web_identity)
