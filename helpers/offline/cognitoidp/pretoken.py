"""The pre token generation trigger: the claims, groups and scopes a function changes in the tokens.

Follows the Developer Guide's "Pre token generation Lambda trigger" (the 2023 source and today's
page as aws-semantics-next.md section 8 quotes it) and botocore's LambdaConfigType and
PreTokenGenerationVersionConfigType:

* the pool's `LambdaConfig.PreTokenGenerationConfig {LambdaVersion, LambdaArn}` (or the legacy
  `PreTokenGeneration` ARN, which is V1_0) names the function and the event version. V1_0 (the
  default) customizes the ID token: `claimsOverrideDetails {claimsToAddOrOverride (strings),
  claimsToSuppress, groupOverrideDetails}`. V2_0 and V3_0 (the Essentials and Plus plans, `plans`)
  send `"version": "2"` / `"3"` and `request.scopes`, and read `claimsAndScopeOverrideDetails
  {idTokenGeneration, accessTokenGeneration {..., scopesToAdd, scopesToSuppress},
  groupOverrideDetails}`, whose claim values may be strings, numbers, booleans, arrays or JSON
  objects except the ID token's `phone_number_verified`, `email_verified`, `updated_at` and
  `address`;
* `groupOverrideDetails` replaces `cognito:groups` in both tokens (and `cognito:roles`,
  `cognito:preferred_role` in the ID token); "If you provide an empty or null object in the
  response, then Amazon Cognito suppresses the groups" (leaving it out keeps them);
* "If your function both suppresses and replaces a claim value, then Amazon Cognito suppresses
  the claim";
* "You can't modify the following claims": acr, amr, aud, at_hash, auth_time, azp,
  cognito:username, exp, iat, identities, iss, jti, nbf, nonce, origin_jti, sub, token_use, and
  `dev:` attributes (DG). The offline AWS leaves them as they are (UNCONFIRMED: whether Cognito
  ignores such an override or refuses the answer), and the group claims too ("For group-related
  claims, use groupOverrideDetails instead"). For access tokens the list is UNCONFIRMED: the same,
  with the access token's own client_id, scope (changed only through the scope lists), username,
  version, event_id and device_key;
* trigger sources: TokenGeneration_Authentication (API sign-in), TokenGeneration_HostedAuth
  (managed login), TokenGeneration_NewPasswordChallenge, TokenGeneration_RefreshTokens.

What a V1_0 answer with a value that is not a string, or a V2_0 answer with a complex value where
the ID token forbids one, gets from Cognito is UNCONFIRMED: here InvalidLambdaResponseException
"Unrecognizable lambda output". Not modelled: V3_0's customization of machine-to-machine
(client credentials) tokens, and TokenGeneration_AuthenticateDevice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, CognitoIdpUserPool

from . import triggers
from .exceptions import (
    LEGACY_ARN_DIFFERS,
    UNRECOGNIZABLE_OUTPUT,
    InvalidLambdaResponseException,
    InvalidParameterException,
)

V1, V2, V3 = "V1_0", "V2_0", "V3_0"
AUTHENTICATION = "TokenGeneration_Authentication"
HOSTED_AUTH = "TokenGeneration_HostedAuth"
NEW_PASSWORD_CHALLENGE = "TokenGeneration_NewPasswordChallenge"
REFRESH_TOKENS = "TokenGeneration_RefreshTokens"

ID_RESERVED = frozenset(
    {
        *("acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat"),
        *("identities", "iss", "jti", "nbf", "nonce", "origin_jti", "sub", "token_use"),
    }
)
ACCESS_RESERVED = ID_RESERVED | {"client_id", "scope", "username", "version", "event_id", "device_key"}
GROUP_CLAIMS = frozenset({"cognito:groups", "cognito:roles", "cognito:preferred_role"})
_SIMPLE_ONLY_IN_ID = frozenset({"phone_number_verified", "email_verified", "updated_at", "address"})

# Why the tokens are being made. Sign-ins that moto completes (NEW_PASSWORD_REQUIRED) say so
# with `generating`; the engine's own callers name the source when they mint.
_source: ContextVar[str] = ContextVar("cognito_idp_token_source", default=AUTHENTICATION)


def current_source() -> str:
    return _source.get()


@contextmanager
def generating(source: str) -> Iterator[None]:
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


# --- The pool's configuration -----------------------------------------------------------------------
def _completed(settings: dict[str, Any]) -> dict[str, Any]:
    """LambdaConfig as DescribeUserPool shows it: the legacy `PreTokenGeneration` ARN and
    `PreTokenGenerationConfig` name the same function, each filled in from the other ("If you
    also set an ARN in PreTokenGenerationConfig, its value must be identical", botocore
    LambdaConfigType; that DescribeUserPool shows both is UNCONFIRMED)."""
    config = settings.get("LambdaConfig")
    if not config:
        return settings
    detailed = dict(config.get("PreTokenGenerationConfig") or {})
    legacy = config.get("PreTokenGeneration")
    if not detailed and not legacy:
        return settings
    chosen = detailed.get("LambdaVersion") or V1
    if chosen not in (V1, V2, V3):
        raise InvalidParameterException(
            f"1 validation error detected: Value '{chosen}' at "
            "'lambdaConfig.preTokenGenerationConfig.lambdaVersion' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{V1}, {V2}, {V3}]"
        )
    arn = detailed.get("LambdaArn") or legacy
    if legacy and detailed.get("LambdaArn") and legacy != detailed["LambdaArn"]:
        raise InvalidParameterException(LEGACY_ARN_DIFFERS)
    completed = {**config, "PreTokenGeneration": arn}
    completed["PreTokenGenerationConfig"] = {"LambdaVersion": chosen, "LambdaArn": arn}
    return {**settings, "LambdaConfig": completed}


def completing_lambda_config(original: Callable[..., Any]) -> Callable[..., Any]:
    """CreateUserPool (a name, the settings) and UpdateUserPool (a pool id, the settings)."""

    def with_settings(self: Any, name_or_id: str, settings: dict[str, Any]) -> Any:
        return original(self, name_or_id, _completed(settings))

    return with_settings


def version(pool: CognitoIdpUserPool) -> str:
    config = (pool.extended_config.get("LambdaConfig") or {}).get("PreTokenGenerationConfig") or {}
    return str(config.get("LambdaVersion") or V1)


@dataclass(frozen=True)
class Groups:
    """The groups part of the tokens: `cognito:groups`, `cognito:roles`, `cognito:preferred_role`."""

    names: tuple[str, ...]
    roles: tuple[str, ...]
    preferred_role: str | None

    def as_event(self) -> dict[str, Any]:
        return {
            "groupsToOverride": list(self.names),
            "iamRolesToOverride": list(self.roles),
            "preferredRole": self.preferred_role,
        }


@dataclass
class Changes:
    """What a function's answer changes in one token."""

    add: dict[str, Any] = field(default_factory=dict)
    suppress: set[str] = field(default_factory=set)
    scopes_to_add: list[str] = field(default_factory=list)
    scopes_to_suppress: set[str] = field(default_factory=set)


@dataclass
class Customization:
    id_token: Changes
    access_token: Changes
    groups: Groups | None  # None: the groups stay as they are

    def apply_to_id_token(self, claims: dict[str, Any]) -> None:
        _apply_groups(claims, self.groups, id_token=True)
        _apply(claims, self.id_token, ID_RESERVED)

    def apply_to_access_token(self, claims: dict[str, Any]) -> None:
        _apply_groups(claims, self.groups, id_token=False)
        _apply(claims, self.access_token, ACCESS_RESERVED)
        changes = self.access_token
        if changes.scopes_to_add or changes.scopes_to_suppress:
            kept = [s for s in str(claims.get("scope", "")).split() if s not in changes.scopes_to_suppress]
            scopes = list(dict.fromkeys([*kept, *changes.scopes_to_add]))
            claims.pop("scope", None)
            if scopes:
                claims["scope"] = " ".join(scopes)


def _modifiable(name: str, reserved: frozenset[str]) -> bool:
    return name not in reserved and name not in GROUP_CLAIMS and not name.startswith("dev:")


def _apply(claims: dict[str, Any], changes: Changes, reserved: frozenset[str]) -> None:
    for name, value in changes.add.items():
        if _modifiable(name, reserved):
            claims[name] = value
    for name in changes.suppress:
        if _modifiable(name, reserved):
            claims.pop(name, None)


def _apply_groups(claims: dict[str, Any], groups: Groups | None, *, id_token: bool) -> None:
    if groups is None:
        return
    names = {"cognito:groups", "cognito:roles", "cognito:preferred_role"} if id_token else {"cognito:groups"}
    for name in names:
        claims.pop(name, None)
    if groups.names:
        claims["cognito:groups"] = list(groups.names)
    if id_token and groups.roles:
        claims["cognito:roles"] = list(groups.roles)
    if id_token and groups.preferred_role:
        claims["cognito:preferred_role"] = groups.preferred_role


# --- Reading the function's answer -----------------------------------------------------------------
def _unrecognizable() -> InvalidLambdaResponseException:
    return InvalidLambdaResponseException(UNRECOGNIZABLE_OUTPUT)


def _object(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _unrecognizable()
    return value


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _unrecognizable()
    return value


def _changes(details: Any, *, strings_only: bool, id_token: bool, scopes: bool) -> Changes:
    found = _object(details)
    add = _object(found.get("claimsToAddOrOverride"))
    for name, value in add.items():
        if strings_only and not isinstance(value, str):
            raise _unrecognizable()
        if id_token and name in _SIMPLE_ONLY_IN_ID and isinstance(value, (dict, list)):
            raise _unrecognizable()
    changes = Changes(add, set(_strings(found.get("claimsToSuppress"))))
    if scopes:
        changes.scopes_to_add = _strings(found.get("scopesToAdd"))
        changes.scopes_to_suppress = set(_strings(found.get("scopesToSuppress")))
    return changes


def _groups(details: dict[str, Any]) -> Groups | None:
    if "groupOverrideDetails" not in details:
        return None
    found = _object(details["groupOverrideDetails"])
    preferred = found.get("preferredRole")
    if preferred is not None and not isinstance(preferred, str):
        raise _unrecognizable()
    return Groups(
        tuple(_strings(found.get("groupsToOverride"))),
        tuple(_strings(found.get("iamRolesToOverride"))),
        preferred,
    )


def _read(answer: dict[str, Any], event_version: str) -> Customization:
    if event_version == V1:
        details = _object(answer.get("claimsOverrideDetails"))
        id_token = _changes(details, strings_only=True, id_token=True, scopes=False)
        return Customization(id_token, Changes(), _groups(details))
    details = _object(answer.get("claimsAndScopeOverrideDetails"))
    return Customization(
        _changes(details.get("idTokenGeneration"), strings_only=False, id_token=True, scopes=False),
        _changes(details.get("accessTokenGeneration"), strings_only=False, id_token=False, scopes=True),
        _groups(details),
    )


# --- Running the trigger --------------------------------------------------------------------------
def customize(
    pool: CognitoIdpUserPool,
    client_id: str,
    user: CognitoIdpUser,
    source: str,
    scopes: list[str],
    groups: Groups,
) -> Customization | None:
    """Run the pool's pre token generation trigger for tokens about to be issued; None when the
    pool has none."""
    function_arn = triggers.function_of(pool, triggers.PRE_TOKEN_GENERATION)
    if function_arn is None:
        return None
    event_version = version(pool)
    request: dict[str, Any] = {
        "userAttributes": triggers.user_attributes(user),
        "groupConfiguration": groups.as_event(),
        **triggers.caller().metadata_for(from_initiate_auth=False),
    }
    if event_version == V1:
        empty = {"claimsOverrideDetails": None}
    else:
        request["scopes"] = scopes
        empty = {"claimsAndScopeOverrideDetails": None}
    number = event_version.split("_")[0].lstrip("V")  # "V2_0" -> "2"
    sent = triggers.event(pool, source, user.username, client_id, request, empty, version=number)
    answer = triggers.invoke(pool, triggers.PRE_TOKEN_GENERATION, function_arn, sent)
    return _read(answer, event_version)
