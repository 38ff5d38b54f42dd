"""Cognito Identity (identity pools) as AWS documents it.

moto 5.2.5 ignores Logins, hands every caller the same fake credentials tied to no role,
mints a new identity id on every GetId, has no SetIdentityPoolRoles, and its "OpenID
token" is an identity id. This module replaces its response methods (moto dispatches any
method named after the action) so that:

* pools round-trip every documented field, roles and role mappings are stored and
  validated, principal-tag maps (attributes for access control) exist;
* GetId validates each login token like Cognito (issuer, signature, `aud`, client,
  expiry) and keeps one stable identity per (pool, provider, user);
* GetCredentialsForIdentity picks the role (default roles, token or rules role mapping),
  evaluates the role's trust policy with the IAM evaluator, and mints real `ASIA…`
  credentials whose session carries the `cognito-identity.amazonaws.com:*` keys, the
  principal tags and, for guests, AWS's scope-down session policies;
* GetOpenIdToken issues a real signed token for the basic (classic) flow;
* other identity providers (Cognito DG "Open ID Connect providers", "Developer
  authenticated identities"): IAM OIDC providers listed in OpenIdConnectProviderARNs and
  social providers in SupportedLoginProviders (`oidc_provider_registry` checks their ID tokens; only
  the lab's own provider, `standin_idp`, can sign offline), and developer-authenticated
  identities (GetOpenIdTokenForDeveloperIdentity and its Lookup/Merge/Unlink companions;
  the token it returns goes back in Logins under cognito-identity.amazonaws.com).

`amr` for an OIDC, social or developer login is ["authenticated", "<provider>"]: the IAM UG
(condition-keys-wif) documents "authenticated" plus the provider's name and nothing more
(UNCONFIRMED whether AWS appends a further, user-specific entry as it does for user pools).

Identity life cycle (Cognito DG "Identity pools authentication flow", API GetOpenIdToken):
a login that no identity has yet is *linked* to the identity it is presented with; a
guest that presents a login already owned by another identity is *merged* into that one
(the guest is disabled, the owner's id is returned); an identity that already holds a
login of the same provider refuses another user's login ("Access to Identity … is
forbidden", observed in aws-amplify/amplify-swift#4278). GetId never takes an identity
id, so it returns the login's identity (new if the login is new).

Error texts come from AWS responses quoted in public issues (see
shared/research/aws-semantics.md section 2); those without a public source are marked
UNCONFIRMED where they are defined.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt
from moto.cognitoidentity.exceptions import InvalidNameException
from moto.core.exceptions import JsonRESTError
from moto.moto_api._internal import mock_random

from . import clock, rolemapping, trust, userpools, webidentity
from .iam import oidc_provider_registry
from .patching import Patches

SESSION_NAME = "CognitoIdentityCredentials"
CREDENTIALS_SECONDS = 3600  # "The retrieved credentials are valid for one hour" (DG)
UNAUTHENTICATED = "unauthenticated"
AUTHENTICATED = "authenticated"

_ID_PATTERN = r"[\w-]+:[0-9a-f-]+"
_USER_POOL_PROVIDER = re.compile(r"cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([\w-]+_[0-9a-zA-Z]+)")

# Default attribute mappings for a user pool provider: "default (username and clientID)"
# (API SetPrincipalTagAttributeMap), from the ID token's sub and aud (DG provider-mappings).
# The tag keys "username"/"client" are the console's names (UNCONFIRMED in API docs).
USER_POOL_DEFAULT_TAGS = {"username": "sub", "client": "aud"}

# Guests in the enhanced flow get a scope-down (DG-2023 iam-roles.md "Access policies"):
# an inline session policy limited to the listed services plus an AWS managed policy, both
# passed to the internal AssumeRoleWithWebIdentity. The inline list below is built from
# the DG-2023 service table (with its partial-action footnotes). UNCONFIRMED: the current
# exact inline document, in particular whether it still grants s3:* and dynamodb:*, and
# the IAM prefix used for "Amazon API Gateway" (we use execute-api, the invoke prefix).
_SCOPE_DOWN_ACTIONS = [
    *(
        f"{service}:*"
        for service in (
            "firehose",
            "kinesisanalytics",
            "sqs",
            "mobileanalytics",
            "ses",
            "lambda",
            "dynamodb",
            "sdb",
            "appsync",
            "geo",
            "sns",
            "gamelift",
            "iot",
            "codewhisperer",
            "comprehend",
            "lex",
            "machinelearning",
            "personalize",
            "polly",
            "rekognition",
            "transcribe",
            "translate",
            "cloudwatch",
            "logs",
            "execute-api",
            "cognito-identity",
            "cognito-idp",
            "cognito-sync",
            "s3",
        )
    ),
    "sumerian:View*",
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey",
    "sagemaker:InvokeEndpoint",
    "textract:DetectDocumentText",
    "textract:AnalyzeDocument",
]
UNAUTH_INLINE_SCOPE_DOWN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": _SCOPE_DOWN_ACTIONS, "Resource": "*"}],
}
# AmazonCognitoUnAuthedIdentitiesSessionPolicy, version v4 (default since 2026-05-01;
# zoph-io/IAMTrail). It has no s3 or dynamodb actions.
UNAUTH_MANAGED_SESSION_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "CognitoUnAuthedIdentitiesSessionPolicy",
            "Effect": "Allow",
            "Action": [
                "rum:PutRumEvents",
                "sagemaker:InvokeEndpoint",
                "polly:*",
                "comprehend:*",
                "translate:*",
                "transcribe:*",
                "rekognition:*",
                "mobiletargeting:*",
                "firehose:*",
                "personalize:*",
                "geo:GetMap*",
                "geo:ListMaps",
                "geo:SearchPlaceIndex*",
                "geo:GetPlace",
                "geo:CalculateRoute*",
                "geo:*Geofence",
                "geo:*Geofences",
                "geo:*DevicePosition*",
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncryptTo",
                "kms:ReEncryptFrom",
                "kms:GenerateDataKey",
                "kms:GenerateDataKeyPair",
                "kms:GenerateDataKeyPairWithoutPlaintext",
                "kms:GenerateDataKeyWithoutPlaintext",
            ],
            "Resource": "*",
        }
    ],
}
# The two session policies are unioned among themselves (an action passes if either
# allows it: DG says the managed policy "adds" permissions; aws-semantics.md section 1),
# then intersected with the role's policies by the IAM evaluator.
GUEST_SESSION_POLICIES = [
    ("cognito-unauth-inline-scope-down", UNAUTH_INLINE_SCOPE_DOWN),
    ("AmazonCognitoUnAuthedIdentitiesSessionPolicy", UNAUTH_MANAGED_SESSION_POLICY),
]

# --- AWS's messages -------------------------------------------------------------------

UNAUTH_NOT_SUPPORTED = "Unauthenticated access is not supported for this identity pool."
LOGINS_DONT_MATCH = (
    "Logins don't match. Please include at least one valid login for this identity or identity pool."
)
NOT_OIDC_TOKEN = "Invalid login token. Not a valid OpenId Connect identity token."
ISSUER_MISMATCH = "Invalid login token. Issuer doesn't match providerName"
# Observed in 2016 (amazon-cognito-identity-js#7); today's exact text is UNCONFIRMED.
MISSING_AUD = "Invalid login token. Missing a required claim: aud"
UNSUPPORTED_PROVIDER = "Token is not from a supported provider of this identity pool."
BAD_POOL_CONFIGURATION = "Invalid identity pool configuration. Check assigned IAM roles for this pool."
CLASSIC_DISABLED = "Basic (classic) flow is not enabled, please use enhanced flow."
# No public source for these two (UNCONFIRMED); the DG names ResourceConflictException.
LOGINS_OF_DIFFERENT_IDENTITIES = "The logins belong to different identities."
ONE_LOGIN_PER_PROVIDER = "The identity already has a login for this provider."
CLASSIC_WITH_ROLE_MAPPINGS = (
    "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow."
)
# Observed in 2016 for a token Cognito could not verify (amazon-cognito-identity-js#91).
BAD_SIGNATURE = "Invalid login token. Couldn't verify signed token."
# UNCONFIRMED: no public source quotes Cognito's text for an OIDC token whose azp/aud is not
# one of the IAM provider's client ids; this is STS's wording for the same check
# ("Incorrect token audience", awslabs/amazon-eks-irsa-cfn#18) with Cognito's prefix.
WRONG_AUDIENCE = "Invalid login token. Incorrect token audience."
# Observed for a DeveloperProviderName the pool does not have (danilop/LambdAuth#32); the
# error code is UNCONFIRMED.
DEVELOPER_PROVIDER_NOT_SUPPORTED = "This identity pool does not support the specified developer provider"
# botocore's description of DeveloperUserAlreadyRegisteredException (exact text UNCONFIRMED).
DEVELOPER_USER_TAKEN = (
    "The provided developer user identifier is already registered with Cognito under a different identity ID."
)
DEVELOPER_TOKEN_SECONDS = 900  # "If you don't provide an expiration time, the token is valid for 15 minutes."
MAX_DEVELOPER_TOKEN_SECONDS = 86400  # "The maximum token duration you can set is 24 hours."


class ResourceNotFoundException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("ResourceNotFoundException", message)


class NotAuthorizedException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("NotAuthorizedException", message)


class InvalidParameterException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidParameterException", message)


class InvalidIdentityPoolConfigurationException(JsonRESTError):
    def __init__(self) -> None:
        super().__init__("InvalidIdentityPoolConfigurationException", BAD_POOL_CONFIGURATION)


class ResourceConflictException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("ResourceConflictException", message)


class ValidationException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("ValidationException", message)


class DeveloperUserAlreadyRegisteredException(JsonRESTError):
    def __init__(self) -> None:
        super().__init__("DeveloperUserAlreadyRegisteredException", DEVELOPER_USER_TAKEN)


def _pool_not_found(pool_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"IdentityPool '{pool_id}' not found.")


def _identity_not_found(identity_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Identity '{identity_id}' not found.")


def _forbidden(identity_id: str) -> NotAuthorizedException:
    return NotAuthorizedException(f"Access to Identity '{identity_id}' is forbidden.")


def _check_id(value: Any, member: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(_ID_PATTERN, value) or len(value) > 55:
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {_ID_PATTERN}"
        )
    return value


# --- what moto does not keep --------------------------------------------------------------


@dataclass
class PoolExtras:
    """Per identity pool: the settings moto drops."""

    allow_classic_flow: bool | None = None  # None: never set (see get_open_id_token)
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
    """One validated entry of a Logins map.

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


_lock = threading.RLock()
_extras: dict[str, PoolExtras] = {}
_identities: dict[str, Identity] = {}
_links: dict[tuple[str, str, str], str] = {}  # (pool id, provider, subject) -> identity id


def reset() -> None:
    with _lock:
        _extras.clear()
        _identities.clear()
        _links.clear()


def _backend(account_id: str, pool_id: str) -> Any:
    """The identity pool's regional backend (unsigned calls do not say the region)."""
    from moto.cognitoidentity.models import cognitoidentity_backends

    return cognitoidentity_backends[account_id][pool_id.split(":")[0]]


def _find_pool(account_id: str, pool_id: Any) -> tuple[Any, PoolExtras]:
    """moto's pool and our extras, or AWS's not-found error (never a KeyError/500)."""
    _check_id(pool_id, "identityPoolId")
    try:
        pool = _backend(account_id, pool_id).identity_pools.get(pool_id)
    except KeyError:  # not a region moto knows
        pool = None
    if pool is None:
        raise _pool_not_found(pool_id)
    with _lock:
        return pool, _extras.setdefault(pool_id, PoolExtras())


def _find_identity(identity_id: Any) -> Identity:
    _check_id(identity_id, "identityId")
    with _lock:
        identity = _identities.get(identity_id)
    if identity is None:
        raise _identity_not_found(identity_id)
    return identity


# --- pool configuration -----------------------------------------------------------------


def _providers(value: Any) -> list[dict[str, Any]]:
    # AWS echoes ServerSideTokenCheck as false when it was not given (CLI examples).
    return [{**p, "ServerSideTokenCheck": bool(p.get("ServerSideTokenCheck", False))} for p in value or []]


def _pool_json(pool: Any, extras: PoolExtras) -> dict[str, Any]:
    """DescribeIdentityPool's shape; fields never set are omitted, as AWS omits them."""
    found: dict[str, Any] = {
        "IdentityPoolId": pool.identity_pool_id,
        "IdentityPoolName": pool.identity_pool_name,
        "AllowUnauthenticatedIdentities": bool(pool.allow_unauthenticated_identities),
    }
    if extras.allow_classic_flow is not None:
        found["AllowClassicFlow"] = extras.allow_classic_flow
    optional = {
        "SupportedLoginProviders": pool.supported_login_providers,
        "DeveloperProviderName": pool.developer_provider_name,
        "OpenIdConnectProviderARNs": pool.open_id_connect_provider_arns,
        "CognitoIdentityProviders": pool.cognito_identity_providers,
        "SamlProviderARNs": pool.saml_provider_arns,
        "IdentityPoolTags": pool.tags,
    }
    found.update({key: value for key, value in optional.items() if value})
    return found


def _configure(pool: Any, extras: PoolExtras, params: Mapping[str, Any]) -> None:
    """Apply Create/UpdateIdentityPool parameters. UpdateIdentityPool replaces the whole
    configuration: "It treats missing attributes as a request to remove those attributes"
    (hashicorp/terraform-provider-aws#9396)."""
    if not re.fullmatch(r"[\w\s+=,.@-]+", params.get("IdentityPoolName") or ""):
        raise InvalidNameException(params.get("IdentityPoolName"))
    pool.identity_pool_name = params["IdentityPoolName"]
    pool.allow_unauthenticated_identities = bool(params.get("AllowUnauthenticatedIdentities"))
    pool.supported_login_providers = params.get("SupportedLoginProviders") or {}
    pool.developer_provider_name = params.get("DeveloperProviderName") or ""
    pool.open_id_connect_provider_arns = params.get("OpenIdConnectProviderARNs") or []
    pool.cognito_identity_providers = _providers(params.get("CognitoIdentityProviders"))
    pool.saml_provider_arns = params.get("SamlProviderARNs") or []
    if params.get("IdentityPoolTags") is not None:
        pool.tags = params["IdentityPoolTags"]
    classic = params.get("AllowClassicFlow")
    extras.allow_classic_flow = None if classic is None else bool(classic)


def _params(response: Any) -> dict[str, Any]:
    return json.loads(response.body or "{}")


def create_identity_pool(self: Any) -> str:
    params = _params(self)
    created = json.loads(
        self.backend.create_identity_pool(
            identity_pool_name=params.get("IdentityPoolName", ""),
            allow_unauthenticated_identities=bool(params.get("AllowUnauthenticatedIdentities")),
            supported_login_providers={},
            developer_provider_name="",
            open_id_connect_provider_arns=[],
            cognito_identity_providers=[],
            saml_provider_arns=[],
            tags=params.get("IdentityPoolTags") or {},
        )
    )
    pool, extras = _find_pool(self.current_account, created["IdentityPoolId"])
    with _lock:
        _configure(pool, extras, params)
    return json.dumps(_pool_json(pool, extras))


def update_identity_pool(self: Any) -> str:
    params = _params(self)
    pool, extras = _find_pool(self.current_account, params.get("IdentityPoolId"))
    with _lock:
        _configure(pool, extras, params)
    return json.dumps(_pool_json(pool, extras))


def describe_identity_pool(self: Any) -> str:
    pool, extras = _find_pool(self.current_account, self._get_param("IdentityPoolId"))
    return json.dumps(_pool_json(pool, extras))


def delete_identity_pool(self: Any) -> str:
    pool_id = self._get_param("IdentityPoolId")
    _find_pool(self.current_account, pool_id)
    _backend(self.current_account, pool_id).identity_pools.pop(pool_id)
    with _lock:
        _extras.pop(pool_id, None)
        for identity_id in [i.identity_id for i in _identities.values() if i.pool_id == pool_id]:
            del _identities[identity_id]
        for key in [key for key in _links if key[0] == pool_id]:
            del _links[key]
    return ""


def _configured_role_mapping_keys(pool: Any) -> set[str]:
    """RoleMappings keys AWS accepts: "<user pool provider>:<client id>" for each
    CognitoIdentityProviders entry, and each other configured provider's name."""
    keys = {f"{p['ProviderName']}:{p.get('ClientId', '')}" for p in pool.cognito_identity_providers}
    keys.update(pool.supported_login_providers)
    keys.update(arn.split("oidc-provider/", 1)[-1] for arn in pool.open_id_connect_provider_arns)
    keys.update(pool.saml_provider_arns)
    return keys


def _check_role_arn(account_id: str, value: Any) -> None:
    # AWS answers a role name, or another account's role, with this (aws/aws-sdk-js#908,
    # boto/boto3#73, danilop/LambdAuth#40).
    if not isinstance(value, str) or not re.fullmatch(rf"arn:aws:iam::{account_id}:role/\S+", value):
        raise NotAuthorizedException(f"Access to Role '{value}' is forbidden.")


def set_identity_pool_roles(self: Any) -> str:
    params = _params(self)
    pool, extras = _find_pool(self.current_account, params.get("IdentityPoolId"))
    roles = params.get("Roles") or {}
    for key in roles:
        if key not in (AUTHENTICATED, UNAUTHENTICATED):
            raise ValidationException(
                f"1 validation error detected: Value '{key}' at 'roles' failed to satisfy constraint: "
                "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: "
                "(un)?authenticated]"
            )
    for arn in roles.values():
        _check_role_arn(self.current_account, arn)
    mappings = params.get("RoleMappings") or {}
    configured = _configured_role_mapping_keys(pool)
    for key in mappings:
        if key not in configured:  # observed text: aws/aws-cdk#22951
            raise InvalidParameterException(
                f"({key}) is not a valid RoleMapping ProviderName or is not a configured provider."
            )
    try:
        parsed = rolemapping.parse_role_mappings(mappings)
    except rolemapping.InvalidRoleMapping as invalid:
        raise JsonRESTError(invalid.code, invalid.message) from invalid
    for mapping in parsed.values():
        for rule in mapping.rules:
            _check_role_arn(self.current_account, rule.role_arn)
    with _lock:
        extras.roles = dict(roles)
        extras.role_mappings = copy.deepcopy(mappings)
        extras.parsed_mappings = parsed
    return ""


def get_identity_pool_roles(self: Any) -> str:
    pool_id = self._get_param("IdentityPoolId")
    _, extras = _find_pool(self.current_account, pool_id)
    found: dict[str, Any] = {"IdentityPoolId": pool_id}
    if extras.roles:
        found["Roles"] = extras.roles
    if extras.role_mappings:
        found["RoleMappings"] = extras.role_mappings
    return json.dumps(found)


def _tag_map(extras: PoolExtras, provider: str) -> dict[str, str]:
    """Principal tag key -> claim name for this provider ({} when not configured)."""
    use_defaults, tags = extras.principal_tags.get(provider, (False, {}))
    if use_defaults and _USER_POOL_PROVIDER.fullmatch(provider):
        return dict(USER_POOL_DEFAULT_TAGS)
    return dict(tags)


def set_principal_tag_attribute_map(self: Any) -> str:
    params = _params(self)
    pool_id, provider = params.get("IdentityPoolId"), params.get("IdentityProviderName")
    _, extras = _find_pool(self.current_account, pool_id)
    use_defaults = bool(params.get("UseDefaults"))
    with _lock:
        extras.principal_tags[provider] = (use_defaults, dict(params.get("PrincipalTags") or {}))
    return _principal_tags_json(pool_id, provider, extras)


def get_principal_tag_attribute_map(self: Any) -> str:
    pool_id, provider = self._get_param("IdentityPoolId"), self._get_param("IdentityProviderName")
    _, extras = _find_pool(self.current_account, pool_id)
    # A provider never configured answers "no defaults, no tags" (UNCONFIRMED: AWS may
    # answer ResourceNotFoundException instead).
    return _principal_tags_json(pool_id, provider, extras)


def _principal_tags_json(pool_id: str, provider: str, extras: PoolExtras) -> str:
    use_defaults, _ = extras.principal_tags.get(provider, (False, {}))
    found: dict[str, Any] = {
        "IdentityPoolId": pool_id,
        "IdentityProviderName": provider,
        "UseDefaults": use_defaults,
    }
    tags = _tag_map(extras, provider)
    if tags:
        found["PrincipalTags"] = tags
    return json.dumps(found)


# --- validating Logins --------------------------------------------------------------------


def _has_any_provider(pool: Any) -> bool:
    return bool(
        pool.cognito_identity_providers
        or pool.supported_login_providers
        or pool.open_id_connect_provider_arns
        or pool.saml_provider_arns
        or pool.developer_provider_name
    )


def _validate_login(account_id: str, pool: Any, provider: str, token: Any) -> Login:
    """Validate one Logins entry in the order Cognito reports problems."""
    try:
        unverified = jwt.decode(str(token), options={"verify_signature": False})
    except jwt.PyJWTError as garbage:
        raise NotAuthorizedException(NOT_OIDC_TOKEN) from garbage
    issuer = str(unverified.get("iss", ""))
    if issuer.removeprefix("https://") != provider:
        raise NotAuthorizedException(ISSUER_MISMATCH)
    if provider == webidentity.COGNITO_IDENTITY:
        return _validate_cognito_identity_token(pool, str(token))
    if _USER_POOL_PROVIDER.fullmatch(provider):
        return _validate_user_pool_login(pool, provider, str(token))
    return _validate_external_login(account_id, pool, provider, str(token))


def _validate_user_pool_login(pool: Any, provider: str, token: str) -> Login:
    try:
        claims = userpools.verify_user_pool_token(token)  # signature and pool only
    except ValueError as forged:
        raise NotAuthorizedException(NOT_OIDC_TOKEN) from forged
    audience = claims.get("aud")
    if not audience:  # e.g. an access token, which has client_id instead
        raise NotAuthorizedException(MISSING_AUD)
    allowed_clients = [
        p.get("ClientId") for p in pool.cognito_identity_providers if p.get("ProviderName") == provider
    ]
    if not allowed_clients or not any(client in (None, audience) for client in allowed_clients):
        raise NotAuthorizedException(UNSUPPORTED_PROVIDER)
    _check_not_expired(int(clock.now()), int(claims.get("exp", 0)))
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
        claims = webidentity.verify_openid_token(token)
    except (ValueError, jwt.PyJWTError) as forged:
        raise NotAuthorizedException(BAD_SIGNATURE) from forged
    if claims.get("aud") != pool.identity_pool_id:  # UNCONFIRMED text for another pool's token
        raise NotAuthorizedException(WRONG_AUDIENCE)
    _check_not_expired(int(clock.now()), int(claims.get("exp", 0)))
    amr = [str(value) for value in claims.get("amr") or []]
    return Login(
        webidentity.COGNITO_IDENTITY,
        str(claims.get("sub", "")),
        claims,
        tuple(value for value in amr if value not in (AUTHENTICATED, UNAUTHENTICATED)),
        linked=False,
        authenticated=AUTHENTICATED in amr,
    )


def _validate_logins(account_id: str, pool: Any, logins: Mapping[str, Any]) -> list[Login]:
    """Every token must pass ("if any of the tokens fail, the whole call fails", DG)."""
    if not _has_any_provider(pool):
        raise NotAuthorizedException(LOGINS_DONT_MATCH)
    return [_validate_login(account_id, pool, provider, token) for provider, token in logins.items()]


# --- identities ---------------------------------------------------------------------------


def _new_identity(pool_id: str) -> Identity:
    now = clock.now()
    identity = Identity(f"{pool_id.split(':')[0]}:{mock_random.uuid4()}", pool_id, now, now)
    _identities[identity.identity_id] = identity
    return identity


def _link(identity: Identity, login: Login) -> None:
    identity.logins[login.provider] = login.subject
    identity.modified = clock.now()
    _links[(identity.pool_id, login.provider, login.subject)] = identity.identity_id


def _identity_for_logins(pool_id: str, logins: list[Login]) -> Identity:
    """GetId with Logins: the identity these logins belong to, created if new."""
    with _lock:
        owners = {_links[k] for k in ((pool_id, x.provider, x.subject) for x in logins) if k in _links}
        # A Cognito Identity token names its identity itself.
        owners.update(x.subject for x in logins if not x.linked and x.subject in _identities)
        if len(owners) > 1:
            # The DG says such identities are merged; merging two users is not modelled.
            raise ResourceConflictException(LOGINS_OF_DIFFERENT_IDENTITIES)
        identity = _identities[owners.pop()] if owners else _new_identity(pool_id)
        for login in (x for x in logins if x.linked):
            if _links.get((pool_id, login.provider, login.subject)) == identity.identity_id:
                continue  # e.g. a developer user merged into this identity
            linked = identity.logins.get(login.provider)
            if linked is None:
                _link(identity, login)
            elif linked != login.subject:
                raise ResourceConflictException(ONE_LOGIN_PER_PROVIDER)
        return identity


def _bind(identity: Identity, logins: list[Login]) -> Identity:
    """GetCredentialsForIdentity / GetOpenIdToken with Logins: link, merge or refuse."""
    with _lock:
        result = identity
        for login in logins:
            if not login.linked:
                if login.subject != identity.identity_id:  # a token issued for another identity
                    raise _forbidden(identity.identity_id)
                continue
            owner_id = _links.get((identity.pool_id, login.provider, login.subject))
            if owner_id == result.identity_id:
                continue
            if owner_id is None:
                if login.provider in result.logins:  # another user of the same provider
                    raise _forbidden(identity.identity_id)
                _link(result, login)
            elif not result.logins:  # a guest signing in: merged into the login's identity
                result.disabled = True
                result.modified = clock.now()
                result = _identities[owner_id]
            else:
                raise _forbidden(identity.identity_id)
        return result


def _identity_json(identity: Identity) -> dict[str, Any]:
    found: dict[str, Any] = {"IdentityId": identity.identity_id}
    if identity.logins:
        found["Logins"] = list(identity.logins)
    found["CreationDate"] = identity.created
    found["LastModifiedDate"] = identity.modified
    return found


def get_id(self: Any) -> str:
    params = _params(self)
    pool_id = params.get("IdentityPoolId")
    pool, _ = _find_pool(self.current_account, pool_id)
    logins = params.get("Logins") or {}
    if not logins:
        if not pool.allow_unauthenticated_identities:
            raise NotAuthorizedException(UNAUTH_NOT_SUPPORTED)
        with _lock:
            return json.dumps({"IdentityId": _new_identity(pool_id).identity_id})
    identity = _identity_for_logins(pool_id, _validate_logins(self.current_account, pool, logins))
    return json.dumps({"IdentityId": identity.identity_id})


def list_identities(self: Any) -> str:
    params = _params(self)
    pool_id = params.get("IdentityPoolId")
    _find_pool(self.current_account, pool_id)
    limit = int(params.get("MaxResults") or 60)
    if not 1 <= limit <= 60:
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'maxResults' failed to satisfy constraint: "
            "Member must have value less than or equal to 60"
        )
    start = int(params.get("NextToken") or 0)
    hide_disabled = bool(params.get("HideDisabled"))
    with _lock:
        found = [
            i
            for i in sorted(_identities.values(), key=lambda i: i.created)
            if i.pool_id == pool_id and not (hide_disabled and i.disabled)
        ]
    page = found[start : start + limit]
    result: dict[str, Any] = {"IdentityPoolId": pool_id, "Identities": [_identity_json(i) for i in page]}
    if start + limit < len(found):
        result["NextToken"] = str(start + limit)
    return json.dumps(result)


def describe_identity(self: Any) -> str:
    return json.dumps(_identity_json(_find_identity(self._get_param("IdentityId"))))


# --- credentials ----------------------------------------------------------------------------


def _signed_in(logins: list[Login]) -> bool:
    """False for a guest: no logins, or only a guest's own Cognito Identity token."""
    return any(login.authenticated for login in logins)


def _amr(logins: list[Login]) -> list[str]:
    """`cognito-identity.amazonaws.com:amr` (IAM UG condition-keys-wif; observed value for a
    user pool login in anomalyco/guide#706)."""
    if not _signed_in(logins):
        return [UNAUTHENTICATED]
    amr = [AUTHENTICATED]
    for login in logins:
        amr += [value for value in login.amr if value not in amr]
    return amr


def _resolve_identity(self: Any, *, for_token: bool) -> tuple[Any, PoolExtras, Identity, list[Login]]:
    """The checks GetCredentialsForIdentity and GetOpenIdToken share."""
    params = _params(self)
    identity = _find_identity(params.get("IdentityId"))
    pool, extras = _find_pool(self.current_account, identity.pool_id)
    if for_token:
        if extras.allow_classic_flow is False:
            raise InvalidParameterException(CLASSIC_DISABLED)
        if extras.role_mappings:  # DG authentication-flow
            raise InvalidParameterException(CLASSIC_WITH_ROLE_MAPPINGS)
    logins = params.get("Logins") or {}
    if identity.disabled:
        raise _forbidden(identity.identity_id)
    if not logins:
        if identity.logins:  # aws-amplify/aws-sdk-ios#3781
            raise _forbidden(identity.identity_id)
        if not pool.allow_unauthenticated_identities:
            raise NotAuthorizedException(UNAUTH_NOT_SUPPORTED)
        return pool, extras, identity, []
    validated = _validate_logins(self.current_account, pool, logins)
    return pool, extras, _bind(identity, validated), validated


def _role_mapping_key(login: Login) -> str:
    """A user pool's RoleMappings key names the app client; other providers' keys are
    their names (API SetIdentityPoolRoles)."""
    if _USER_POOL_PROVIDER.fullmatch(login.provider):
        return f"{login.provider}:{login.claims.get('aud', '')}"
    return login.provider


def _choose_role(extras: PoolExtras, logins: list[Login], custom_role_arn: str | None) -> str:
    """Developer-authenticated identities get the default authenticated role (API
    GetCredentialsForIdentity): their Cognito Identity token matches no role mapping key."""
    if not _signed_in(logins):
        role = extras.roles.get(UNAUTHENTICATED)
    else:
        login = logins[0]
        key = _role_mapping_key(login)
        resolution = rolemapping.resolve(
            extras.parsed_mappings.get(key), login.claims, extras.roles.get(AUTHENTICATED), custom_role_arn
        )
        if resolution.basis == "ambiguous:Deny":  # aws-amplify/amplify-js#3621
            raise NotAuthorizedException(f"The ambiguous role mapping rules for: {key} denied this request.")
        if resolution.basis == "custom_role_refused":  # UNCONFIRMED text
            raise NotAuthorizedException(f"Access to Role '{custom_role_arn}' is forbidden.")
        role = resolution.role_arn
    if not role:
        raise InvalidIdentityPoolConfigurationException()
    return role


def _principal_tags(extras: PoolExtras, logins: list[Login]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for login in logins:
        for tag, claim in _tag_map(extras, login.provider).items():
            if login.claims.get(claim) is not None:
                tags[tag] = str(login.claims[claim])
    return tags


def get_credentials_for_identity(self: Any) -> str:
    _, extras, identity, logins = _resolve_identity(self, for_token=False)
    role_arn = _choose_role(extras, logins, _params(self).get("CustomRoleArn"))
    tags = _principal_tags(extras, logins)
    web_identity = webidentity.WebIdentity(identity.pool_id, identity.identity_id, tuple(_amr(logins)))
    account_id = self.current_account
    try:
        role = trust.find_role(account_id, role_arn)
        webidentity.check_trust(role, web_identity, tags)
    except trust.TrustDenied as denied:
        # STS refused the role; Cognito reports it this way (botocore: "STS returned an error").
        raise InvalidIdentityPoolConfigurationException() from denied
    credentials = webidentity.assume_role_for_web_identity(
        account_id=account_id,
        region=identity.identity_id.split(":")[0],
        role=role,
        session_name=SESSION_NAME,
        duration=CREDENTIALS_SECONDS,
        identity=web_identity,
        extra_context={f"aws:PrincipalTag/{k}": v for k, v in tags.items()},
        session_policies=None if _signed_in(logins) else copy.deepcopy(GUEST_SESSION_POLICIES),
        source="cognito-identity:GetCredentialsForIdentity",
    )
    return json.dumps(
        {
            "IdentityId": identity.identity_id,
            "Credentials": {
                "AccessKeyId": credentials.access_key_id,
                "SecretKey": credentials.secret_access_key,
                "SessionToken": credentials.session_token,
                "Expiration": credentials.expiration.timestamp(),
            },
        }
    )


def get_open_id_token(self: Any) -> str:
    """Basic (classic) flow. A pool created without AllowClassicFlow still issues tokens,
    as observed on AWS (aws/aws-cli#7652); only an explicit false refuses."""
    _, _, identity, logins = _resolve_identity(self, for_token=True)
    token = webidentity.issue_openid_token(identity.pool_id, identity.identity_id, _amr(logins))
    return json.dumps({"IdentityId": identity.identity_id, "Token": token})


# --- developer-authenticated identities ---------------------------------------------------
# "Your own authentication system" (DG developer-authenticated-identities; API
# GetOpenIdTokenForDeveloperIdentity, LookupDeveloperIdentity, MergeDeveloperIdentities,
# UnlinkDeveloperIdentity). These need AWS credentials: the authorization layer lets only
# callers whose IAM policies allow them through (the lab administrator may).


def _developer_provider(pool: Any, name: Any) -> str:
    if not pool.developer_provider_name or name != pool.developer_provider_name:
        raise NotAuthorizedException(DEVELOPER_PROVIDER_NOT_SUPPORTED)
    return str(name)


def _token_duration(value: Any) -> int:
    if value is None:
        return DEVELOPER_TOKEN_SECONDS
    duration = int(value)
    if not 1 <= duration <= MAX_DEVELOPER_TOKEN_SECONDS:
        bound = "greater than or equal to 1" if duration < 1 else "less than or equal to 86400"
        raise ValidationException(
            f"1 validation error detected: Value '{duration}' at 'tokenDuration' failed to satisfy "
            f"constraint: Member must have value {bound}"
        )
    return duration


def _developer_user_ids(pool_id: str, provider: str, identity_id: str) -> list[str]:
    return sorted(
        key[2] for key, owner in _links.items() if key[:2] == (pool_id, provider) and owner == identity_id
    )


def get_open_id_token_for_developer_identity(self: Any) -> str:
    """Register (or find) the identity of one of your users and return a Cognito Identity
    token for it, valid 15 minutes unless TokenDuration says otherwise (at most 24 h).
    Other logins in the map are validated and linked, as GetId does."""
    params = _params(self)
    pool_id = params.get("IdentityPoolId")
    pool, _ = _find_pool(self.current_account, pool_id)
    logins = dict(params.get("Logins") or {})
    developer = pool.developer_provider_name
    if not developer or developer not in logins:
        raise NotAuthorizedException(DEVELOPER_PROVIDER_NOT_SUPPORTED)
    duration = _token_duration(params.get("TokenDuration"))
    user_id = str(logins.pop(developer))
    others = _validate_logins(self.current_account, pool, logins) if logins else []
    # The developer user id is an account of your system: amr names the provider only
    # (UNCONFIRMED, see _validate_external_login).
    every = [Login(developer, user_id, {}, (developer,)), *others]
    identity_id = params.get("IdentityId")
    with _lock:
        if identity_id:
            identity = _find_identity(identity_id)
            if identity.pool_id != pool_id:
                raise _identity_not_found(identity_id)
            owner = _links.get((pool_id, developer, user_id))
            if owner not in (None, identity.identity_id):
                raise DeveloperUserAlreadyRegisteredException()
            identity = _bind(identity, every)
        else:
            identity = _identity_for_logins(pool_id, every)
        if identity.disabled:
            raise _forbidden(identity.identity_id)
    token = webidentity.issue_openid_token(pool_id, identity.identity_id, _amr(every), seconds=duration)
    return json.dumps({"IdentityId": identity.identity_id, "Token": token})


def lookup_developer_identity(self: Any) -> str:
    """The identity of a developer user id, or the developer user ids of an identity; with
    both, they must belong together (ResourceConflictException otherwise, API reference)."""
    params = _params(self)
    pool_id = params.get("IdentityPoolId")
    pool, _ = _find_pool(self.current_account, pool_id)
    identity_id, user_id = params.get("IdentityId"), params.get("DeveloperUserIdentifier")
    if not identity_id and not user_id:  # UNCONFIRMED text
        raise InvalidParameterException("Either IdentityId or DeveloperUserIdentifier must be provided.")
    developer = pool.developer_provider_name
    with _lock:
        if user_id:
            owner = _links.get((pool_id, developer, user_id))
            if owner is None:  # UNCONFIRMED text
                raise ResourceNotFoundException(f"DeveloperUserIdentifier '{user_id}' not found.")
            if identity_id and identity_id != owner:  # UNCONFIRMED text
                raise ResourceConflictException("The identity ID and developer user identifier do not match.")
            identity_id = owner
        elif _find_identity(identity_id).pool_id != pool_id:
            raise _identity_not_found(identity_id)
        found = _developer_user_ids(pool_id, developer, identity_id)
    return json.dumps({"IdentityId": identity_id, "DeveloperUserIdentifierList": found})


def merge_developer_identities(self: Any) -> str:
    """Give the source user's logins to the destination user's identity; the source
    identity is then disabled, as a guest merged at sign-in is (API reference: only
    developer users can be merged; two different users of one public provider cannot)."""
    params = _params(self)
    pool_id = params.get("IdentityPoolId")
    pool, _ = _find_pool(self.current_account, pool_id)
    developer = _developer_provider(pool, params.get("DeveloperProviderName"))
    with _lock:
        ids = []
        for user_id in (params.get("SourceUserIdentifier"), params.get("DestinationUserIdentifier")):
            owner = _links.get((pool_id, developer, user_id))
            if owner is None:  # UNCONFIRMED text
                raise ResourceNotFoundException(f"DeveloperUserIdentifier '{user_id}' not found.")
            ids.append(owner)
        source, destination = _identities[ids[0]], _identities[ids[1]]
        if source is not destination:
            for provider, subject in source.logins.items():
                if provider != developer and destination.logins.get(provider, subject) != subject:
                    raise ResourceConflictException(ONE_LOGIN_PER_PROVIDER)
            for key in [key for key, owner in _links.items() if owner == source.identity_id]:
                _links[key] = destination.identity_id
            destination.logins = {**source.logins, **destination.logins}
            destination.modified = source.modified = clock.now()
            source.logins = {}
            source.disabled = True
    return json.dumps({"IdentityId": destination.identity_id})


def unlink_developer_identity(self: Any) -> str:
    """Forget one developer user id of an identity: "Unlinked developer users will be
    considered new identities next time they are seen" (API reference)."""
    params = _params(self)
    pool_id = params.get("IdentityPoolId")
    pool, _ = _find_pool(self.current_account, pool_id)
    developer = _developer_provider(pool, params.get("DeveloperProviderName"))
    identity = _find_identity(params.get("IdentityId"))
    user_id = params.get("DeveloperUserIdentifier")
    with _lock:
        if _links.get((pool_id, developer, user_id)) != identity.identity_id:  # UNCONFIRMED text
            raise ResourceConflictException("The developer user identifier is not linked to this identity.")
        del _links[(pool_id, developer, user_id)]
        remaining = _developer_user_ids(pool_id, developer, identity.identity_id)
        if remaining:
            identity.logins[developer] = remaining[0]
        else:
            identity.logins.pop(developer, None)
        identity.modified = clock.now()
    return ""


# moto's own operations the engine replaces, then the ones moto does not have at all.
_REPLACED = {
    "create_identity_pool": create_identity_pool,
    "update_identity_pool": update_identity_pool,
    "describe_identity_pool": describe_identity_pool,
    "delete_identity_pool": delete_identity_pool,
    "get_id": get_id,
    "list_identities": list_identities,
    "get_credentials_for_identity": get_credentials_for_identity,
    "get_open_id_token": get_open_id_token,
    "get_open_id_token_for_developer_identity": get_open_id_token_for_developer_identity,
}
_ADDED = {
    "set_identity_pool_roles": set_identity_pool_roles,
    "get_identity_pool_roles": get_identity_pool_roles,
    "set_principal_tag_attribute_map": set_principal_tag_attribute_map,
    "get_principal_tag_attribute_map": get_principal_tag_attribute_map,
    "describe_identity": describe_identity,
    "lookup_developer_identity": lookup_developer_identity,
    "merge_developer_identities": merge_developer_identities,
    "unlink_developer_identity": unlink_developer_identity,
}


def install(patches: Patches) -> None:
    from moto.cognitoidentity.responses import CognitoIdentityResponse

    for name, method in _REPLACED.items():
        patches.replace(CognitoIdentityResponse, name, method)
    for name, method in _ADDED.items():
        patches.add(CognitoIdentityResponse, name, method)
