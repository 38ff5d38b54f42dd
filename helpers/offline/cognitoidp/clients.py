"""App client settings as AWS applies them: auth flows, token lifetimes, secret hash, attribute access.

Follows the API Reference's CreateUserPoolClient and UpdateUserPoolClient (as botocore ships
them), InitiateAuth ("Computing secret hash values" in the Developer Guide) and the Developer
Guide's "Attribute permissions and scopes" and "Managing user existence error responses".
moto stores a client's settings but enforces none of them, and its UpdateUserPoolClient merges
a request into the old settings where AWS replaces them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable
from typing import Any

from moto.cognitoidp.models import (
    CognitoIdpBackend,
    CognitoIdpUserPool,
    CognitoIdpUserPoolAttribute,
    CognitoIdpUserPoolClient,
)

from . import plans
from .attributes import VERIFIED_FLAGS, required_attributes
from .exceptions import (
    SECRET_HASH_MISSING,
    SECRET_HASH_WRONG,
    UNAUTHORIZED_ATTRIBUTE,
    InvalidParameterException,
    NotAuthorizedException,
)

# botocore CreateUserPoolClient: "If you don't specify a value for
# ExplicitAuthFlows, your app client supports ALLOW_REFRESH_TOKEN_AUTH,
# ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH."
DEFAULT_AUTH_FLOWS = ("ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH")
# botocore 1.44.8 ExplicitAuthFlowsType, in the model's order.
EXPLICIT_AUTH_FLOWS = (
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
    "ALLOW_TOKEN_EXCHANGE_DELEGATION",
    "ALLOW_TOKEN_EXCHANGE_IMPERSONATION",
)
# Pre-2019 client settings and the ALLOW_ setting each stands for.
_LEGACY_FLOW_SETTINGS = {
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY": "ALLOW_CUSTOM_AUTH",
}
# The client setting each AuthFlow needs.
_FLOW_SETTING = {
    "USER_SRP_AUTH": "ALLOW_USER_SRP_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "REFRESH_TOKEN_AUTH": "ALLOW_REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN": "ALLOW_REFRESH_TOKEN_AUTH",
    "CUSTOM_AUTH": "ALLOW_CUSTOM_AUTH",
    "USER_AUTH": "ALLOW_USER_AUTH",
}
ADMIN_PASSWORD_FLOWS = ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")
REFRESH_FLOWS = ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN")

# Token lifetimes (botocore CreateUserPoolClient): ID and access tokens 1 h,
# default unit hours; refresh tokens 30 days, default unit days, 0 means 30 days.
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_DEFAULT_LIFETIME = {"IdToken": 3600, "AccessToken": 3600, "RefreshToken": 30 * 86400}
_DEFAULT_UNIT = {"IdToken": "hours", "AccessToken": "hours", "RefreshToken": "days"}

# The settings a client created without them has: moto's CreateUserPoolClient defaults. botocore's
# CreateUserPoolClient/UpdateUserPoolClient document most of them: AllowedOAuthFlowsUserPoolClient
# "defaults to false", token revocation "is automatically activated", refresh tokens "valid for
# 30 days", no UserContextData without the setting; AuthSessionValidity 3 (minutes) is moto's.
# Every other setting has no value by default (ExplicitAuthFlows: see DEFAULT_AUTH_FLOWS;
# Read/WriteAttributes: the standard attributes; PreventUserExistenceErrors: LEGACY; ID and
# access tokens: one hour). UpdateUserPoolClient puts an omitted setting back to these.
_NEW_CLIENT_SETTINGS: dict[str, Any] = {
    "AllowedOAuthFlowsUserPoolClient": False,
    "AuthSessionValidity": 3,
    "EnablePropagateAdditionalUserContextData": False,
    "EnableTokenRevocation": True,
    "RefreshTokenValidity": 30,
}
# What UpdateUserPoolClient keeps when the request omits it. botocore's UpdateUserPoolClient:
# PublishSecretsInAWSSecretsManager "If you omit this parameter, Amazon Cognito doesn't change how
# it manages the existing secret." ClientName: UNCONFIRMED; a client has no default name (it is
# required at creation), so an update without one keeps the name.
_KEPT_BY_UPDATE = ("ClientName", "PublishSecretsInAWSSecretsManager")


# --- Flows, lifetimes, existence errors --------------------------------------------------------
def rotates(client: CognitoIdpUserPoolClient) -> bool:
    """Does the client rotate refresh tokens (RefreshTokenRotation Feature ENABLED)?"""
    return (client.extended_config.get("RefreshTokenRotation") or {}).get("Feature") == "ENABLED"


def flow_enabled(client: CognitoIdpUserPoolClient, flow: str) -> bool:
    """May the client sign in with `flow`? REFRESH_TOKEN_AUTH never, when it rotates refresh
    tokens: "You can't authenticate with REFRESH_TOKEN_AUTH in app clients with refresh token
    rotation enabled" (DG "Refresh tokens")."""
    if flow in REFRESH_FLOWS and rotates(client):
        return False
    configured = set(client.extended_config.get("ExplicitAuthFlows") or DEFAULT_AUTH_FLOWS)
    if not any(setting.startswith("ALLOW_") for setting in configured):
        # A client with only the legacy settings always allowed SRP, refresh and custom auth.
        configured |= {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"}
    configured |= {_LEGACY_FLOW_SETTINGS[s] for s in configured if s in _LEGACY_FLOW_SETTINGS}
    return _FLOW_SETTING.get(flow) in configured


def lifetime(client: CognitoIdpUserPoolClient, token: str) -> int:
    """Seconds a token lives, from the client's *Validity and TokenValidityUnits."""
    value = client.extended_config.get(f"{token}Validity")
    if not value:
        return _DEFAULT_LIFETIME[token]
    units = (client.extended_config.get("TokenValidityUnits") or {}).get(token) or _DEFAULT_UNIT[token]
    return int(value) * _UNIT_SECONDS[units]


def prevents_existence_errors(client: CognitoIdpUserPoolClient) -> bool:
    return client.extended_config.get("PreventUserExistenceErrors") == "ENABLED"


# --- Secret hash --------------------------------------------------------------------------
def _secret_hash(client: CognitoIdpUserPoolClient, username: str) -> str:
    digest = hmac.new(client.secret.encode(), (username + client.id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def check_secret_hash(
    client: CognitoIdpUserPoolClient,
    given: str | None,
    usernames: Iterable[str | None],
    *,
    auth_parameter: bool,
) -> None:
    """A client with a secret must prove it knows it on every unsigned call.

    AWS words a missing SECRET_HASH auth parameter differently from a missing
    SecretHash request field; a wrong hash reads the same everywhere.
    """
    if not client.generate_secret:
        return
    if not given:
        message = SECRET_HASH_MISSING if auth_parameter else SECRET_HASH_WRONG
        raise NotAuthorizedException(message.format(client_id=client.id))
    if not any(
        hmac.compare_digest(given.encode(), _secret_hash(client, name).encode()) for name in usernames if name
    ):
        raise NotAuthorizedException(SECRET_HASH_WRONG.format(client_id=client.id))


# --- Creating and updating clients ------------------------------------------------------------
def _check_explicit_auth_flows(flows: list[str] | None) -> None:
    invalid = [flow for flow in flows or [] if flow not in EXPLICIT_AUTH_FLOWS]
    if invalid:
        # AWS's request-validation format, e.g. for allowedOAuthFlows in
        # awsdocs/aws-cloudformation-user-guide#563.
        raise InvalidParameterException(
            f"1 validation error detected: Value '[{', '.join(flows or [])}]' at 'explicitAuthFlows' "
            "failed to satisfy constraint: Member must satisfy constraint: "
            f"[Member must satisfy enum value set: [{', '.join(EXPLICIT_AUTH_FLOWS)}]]"
        )


def _check_rotation(rotation: dict[str, Any] | None) -> None:
    """RefreshTokenRotation: Feature ENABLED | DISABLED, RetryGracePeriodSeconds 0 to 60 (botocore
    RefreshTokenRotationType), refused in AWS's request-validation format."""
    if not rotation:
        return
    feature, grace = rotation.get("Feature"), rotation.get("RetryGracePeriodSeconds")
    prefix = "1 validation error detected: Value"
    if feature not in ("ENABLED", "DISABLED"):
        raise InvalidParameterException(
            f"{prefix} '{feature}' at 'refreshTokenRotation.feature' failed to satisfy constraint: "
            "Member must satisfy enum value set: [ENABLED, DISABLED]"
        )
    if grace is not None and not 0 <= int(grace) <= 60:
        bound = "less than or equal to 60" if int(grace) > 60 else "greater than or equal to 0"
        raise InvalidParameterException(
            f"{prefix} '{grace}' at 'refreshTokenRotation.retryGracePeriodSeconds' failed to satisfy "
            f"constraint: Member must have value {bound}"
        )


def _checked_settings(extended_config: dict[str, Any]) -> dict[str, Any]:
    """A CreateUserPoolClient or UpdateUserPoolClient request's settings, checked and completed."""
    _check_explicit_auth_flows(extended_config.get("ExplicitAuthFlows"))
    _check_rotation(extended_config.get("RefreshTokenRotation"))
    units = (extended_config.get("TokenValidityUnits") or {}).get("RefreshToken")
    if units and not extended_config.get("RefreshTokenValidity"):
        # moto stores a bare default of 30 that would read as 30 of these
        # units; AWS's default is 30 days, whatever the unit.
        extended_config = {
            **extended_config,
            "RefreshTokenValidity": _DEFAULT_LIFETIME["RefreshToken"] // _UNIT_SECONDS[units],
        }
    return extended_config


def _check_plan(pool: CognitoIdpUserPool, settings: dict[str, Any]) -> None:
    """ALLOW_USER_AUTH needs a plan with choice-based sign-in (botocore CreateUserPoolClient
    ExplicitAuthFlows: "To activate this setting, your user pool must be in the Essentials tier or
    higher"; the operation lists FeatureUnavailableInTierException)."""
    if "ALLOW_USER_AUTH" in (settings.get("ExplicitAuthFlows") or []):
        plans.require(pool, plans.CHOICE_BASED_SIGN_IN)


def checking_create_client(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_user_pool_client(
        self: CognitoIdpBackend, user_pool_id: str, generate_secret: bool, extended_config: dict[str, Any]
    ) -> Any:
        settings = _checked_settings(extended_config)
        _check_plan(self.describe_user_pool(user_pool_id), settings)
        return original(self, user_pool_id, generate_secret, settings)

    return create_user_pool_client


def replacing_client_settings(original: Callable[..., Any]) -> Callable[..., Any]:
    """UpdateUserPoolClient replaces the client's settings; moto merges the request into them.

    botocore's UpdateUserPoolClient (the API Reference): "If you don't provide a value for an
    attribute, Amazon Cognito sets it to its default value", hence its advice to send the whole
    configuration back with the change (boto/boto3#1607 shows ExplicitAuthFlows gone after an
    update that left it out).
    """

    def update_user_pool_client(
        self: CognitoIdpBackend, user_pool_id: str, client_id: str, extended_config: dict[str, Any]
    ) -> Any:
        settings = _checked_settings(extended_config)
        _check_plan(self.describe_user_pool(user_pool_id), settings)
        client = self.describe_user_pool_client(user_pool_id, client_id)
        kept = {
            name: client.extended_config[name] for name in _KEPT_BY_UPDATE if name in client.extended_config
        }
        client.extended_config = {**_NEW_CLIENT_SETTINGS, **kept}
        return original(self, user_pool_id, client_id, settings)

    return update_user_pool_client


# --- Which attributes an app client may read and write ------------------------------------
# What is confirmed (Developer Guide, "Attribute permissions and scopes", in the 2023 source
# awsdocs/amazon-cognito-developer-guide user-pool-settings-attributes.md and as quoted from
# today's page in jagregory/cognito-local#360): a client's ReadAttributes and WriteAttributes
# apply to standard and custom attributes; writing one the client may not write is a
# NotAuthorizedException; GetUser returns, and the ID token carries, only readable
# attributes; every client may write the pool's required attributes. Admin operations
# (AdminCreateUser, AdminUpdateUserAttributes) use IAM credentials and are not limited.
#
# A client created WITHOUT these lists (botocore CreateUserPoolClient, i.e. the API
# Reference): it "can read the values of email_verified, phone_number_verified, and the
# standard attributes", and "can write the values of the Standard attributes". So by default
# `email_verified` / `phone_number_verified` are readable but not writable (also reported:
# SignUp with email_verified refused, aws/aws-sdk-js#3603; "can be set using the admin API
# only", amazon-cognito-identity-js#322), and custom attributes are not writable (the 2023
# Developer Guide: "new custom attributes will not be available until you set read and write
# permissions"; SignUp with a custom attribute refused, amazon-cognito-identity-js#397).
# UNCONFIRMED, and contradicted elsewhere: the AWS CDK documents the default of both lists as
# "all standard and custom attributes", and the old console said "All attributes are readable
# and writable by default because none are selected" (aws-aspnet-cognito-identity-provider#89).
# The engine follows the API Reference for writes; for reads it keeps custom attributes
# readable by default, as tokens quoted in public issues carry `custom:` claims (UNCONFIRMED:
# the API Reference names only the standard attributes).
def may_read(client: CognitoIdpUserPoolClient | None, name: str) -> bool:
    """May this client's users see the attribute `name` (GetUser, ID tokens)? `sub` always."""
    readable = client.extended_config.get("ReadAttributes") if client is not None else None
    if name == "sub" or not readable:
        return not name.startswith("dev:")
    return name in readable


def may_write(pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, name: str) -> bool:
    """May a user of this client set the attribute `name` (SignUp, UpdateUserAttributes)?"""
    if name in required_attributes(pool):
        return True
    writable = client.extended_config.get("WriteAttributes")
    if writable:
        return name in writable
    standard = set(CognitoIdpUserPoolAttribute.STANDARD_SCHEMA) - {"sub", *VERIFIED_FLAGS}
    return name in standard


def check_writable(
    pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, attributes: Iterable[dict[str, str]]
) -> None:
    if any(not may_write(pool, client, attribute["Name"]) for attribute in attributes):
        raise NotAuthorizedException(UNAUTHORIZED_ATTRIBUTE)
