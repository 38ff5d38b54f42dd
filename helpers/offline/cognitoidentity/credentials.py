"""Credentials for an identity: the role an identity pool picks, and the session STS makes.

moto hands every caller the same fake credentials tied to no role, and its "OpenID token" is an
identity id. Here GetCredentialsForIdentity (Cognito DG "Identity pools authentication flow",
enhanced flow; API GetCredentialsForIdentity):

* checks that the Logins prove the identity (`models.bind`) and that guests are allowed;
* picks the role: the pool's default roles, or a token- or rules-based role mapping
  (`rolemapping`; DG "Role-based access control");
* has STS evaluate the role's trust policy, the one trust check (`sts.trust`), with the
  `cognito-identity.amazonaws.com:*` keys and, for attributes for access control, the principal
  tags (DG "Using attributes for access control");
* mints real one-hour `ASIA…` credentials (`sts.webidentity`) whose session carries those keys,
  the principal tags and, for guests, AWS's scope-down session policies.

GetOpenIdToken is the basic (classic) flow's first half: a real signed token
(`openidtokens`) that STS AssumeRoleWithWebIdentity accepts.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ..sts import trust, webidentity
from . import openidtokens, rolemapping
from .exceptions import (
    InvalidIdentityPoolConfigurationException,
    InvalidParameterException,
    NotAuthorizedException,
    forbidden,
)
from .logins import validate_logins
from .models import Identity, Login, PoolExtras, bind, find_identity, find_pool
from .pools import AUTHENTICATED, UNAUTHENTICATED, USER_POOL_PROVIDER, tag_map

SESSION_NAME = "CognitoIdentityCredentials"
CREDENTIALS_SECONDS = 3600  # "The retrieved credentials are valid for one hour" (DG)

UNAUTH_NOT_SUPPORTED = "Unauthenticated access is not supported for this identity pool."
CLASSIC_DISABLED = "Basic (classic) flow is not enabled, please use enhanced flow."
CLASSIC_WITH_ROLE_MAPPINGS = (
    "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow."
)

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


def signed_in(logins: list[Login]) -> bool:
    """False for a guest: no logins, or only a guest's own Cognito Identity token."""
    return any(login.authenticated for login in logins)


def amr(logins: list[Login]) -> list[str]:
    """`cognito-identity.amazonaws.com:amr` (IAM UG condition-keys-wif; observed value for a
    user pool login in anomalyco/guide#706)."""
    if not signed_in(logins):
        return [UNAUTHENTICATED]
    found = [AUTHENTICATED]
    for login in logins:
        found += [value for value in login.amr if value not in found]
    return found


def _resolve_identity(
    account_id: str, params: Mapping[str, Any], *, for_token: bool
) -> tuple[Any, PoolExtras, Identity, list[Login]]:
    """The checks GetCredentialsForIdentity and GetOpenIdToken share."""
    identity = find_identity(account_id, params.get("IdentityId"))
    pool, extras = find_pool(account_id, identity.pool_id)
    if for_token:
        if extras.allow_classic_flow is False:
            raise InvalidParameterException(CLASSIC_DISABLED)
        if extras.role_mappings:  # DG authentication-flow
            raise InvalidParameterException(CLASSIC_WITH_ROLE_MAPPINGS)
    logins = params.get("Logins") or {}
    if identity.disabled:
        raise forbidden(identity.identity_id)
    if not logins:
        if identity.logins:  # aws-amplify/aws-sdk-ios#3781
            raise forbidden(identity.identity_id)
        if not pool.allow_unauthenticated_identities:
            raise NotAuthorizedException(UNAUTH_NOT_SUPPORTED)
        return pool, extras, identity, []
    validated = validate_logins(account_id, pool, logins)
    return pool, extras, bind(account_id, identity, validated), validated


def _role_mapping_key(login: Login) -> str:
    """A user pool's RoleMappings key names the app client; other providers' keys are
    their names (API SetIdentityPoolRoles)."""
    if USER_POOL_PROVIDER.fullmatch(login.provider):
        return f"{login.provider}:{login.claims.get('aud', '')}"
    return login.provider


def _choose_role(extras: PoolExtras, logins: list[Login], custom_role_arn: str | None) -> str:
    """Developer-authenticated identities get the default authenticated role (API
    GetCredentialsForIdentity): their Cognito Identity token matches no role mapping key."""
    if not signed_in(logins):
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
        for tag, claim in tag_map(extras, login.provider).items():
            if login.claims.get(claim) is not None:
                tags[tag] = str(login.claims[claim])
    return tags


def credentials_for_identity(account_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """GetCredentialsForIdentity's answer (enhanced flow)."""
    _, extras, identity, logins = _resolve_identity(account_id, params, for_token=False)
    role_arn = _choose_role(extras, logins, params.get("CustomRoleArn"))
    tags = _principal_tags(extras, logins)
    web_identity = webidentity.WebIdentity(identity.pool_id, identity.identity_id, tuple(amr(logins)))
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
        session_policies=None if signed_in(logins) else copy.deepcopy(GUEST_SESSION_POLICIES),
        source="cognito-identity:GetCredentialsForIdentity",
    )
    return {
        "IdentityId": identity.identity_id,
        "Credentials": {
            "AccessKeyId": credentials.access_key_id,
            "SecretKey": credentials.secret_access_key,
            "SessionToken": credentials.session_token,
            "Expiration": credentials.expiration.timestamp(),
        },
    }


def open_id_token(account_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """GetOpenIdToken, the basic (classic) flow. A pool created without AllowClassicFlow still
    issues tokens, as observed on AWS (aws/aws-cli#7652); only an explicit false refuses."""
    _, _, identity, logins = _resolve_identity(account_id, params, for_token=True)
    token = openidtokens.issue_openid_token(identity.pool_id, identity.identity_id, amr(logins))
    return {"IdentityId": identity.identity_id, "Token": token}
