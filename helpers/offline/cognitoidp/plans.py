"""Feature plans: a user pool's `UserPoolTier` (LITE, ESSENTIALS, PLUS) and what each allows.

Follows the Developer Guide's "User pool feature plans" (cognito-sign-in-feature-plans.html,
feature-plans-features-essentials.html, feature-plans-features-plus.html) and botocore's
CreateUserPool / UpdateUserPool / UserPoolType ("Defaults to ESSENTIALS"): choice-based sign-in
(`SignInPolicy` beyond passwords, `ALLOW_USER_AUTH`, USER_AUTH), email MFA and passkeys need
Essentials or Plus, and so do pre token generation triggers of version V2_0 and V3_0 (access
token customization); threat protection (`UserPoolAddOns`) needs Plus. A pool that asks for more
than its plan allows is refused with `FeatureUnavailableInTierException` in the observed form
"The following features need to be disabled for the LITE pricing tier configured: Passwordless
Sign-In" (aws-semantics-next.md section 6).

moto stores whatever CreateUserPool receives; here a pool created without a plan gets the
default plan written into its settings, so DescribeUserPool shows it as AWS does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUserPool

from .exceptions import (
    TIER_FEATURES,
    TIER_FLOW_UNAVAILABLE,
    FeatureUnavailableInTierException,
    InvalidParameterException,
)
from .models import state_of

TIERS = ("LITE", "ESSENTIALS", "PLUS")
DEFAULT_TIER = "ESSENTIALS"
# The words AWS uses for each feature in its FeatureUnavailableInTierException. "Passwordless
# Sign-In" and "Threat Protection" are observed (see the module docstring); the others are
# UNCONFIRMED and follow the Developer Guide's names for the features.
PASSWORDLESS = "Passwordless Sign-In"
THREAT_PROTECTION = "Threat Protection"
CHOICE_BASED_SIGN_IN = "Choice-Based Sign-In"
EMAIL_MFA = "Email MFA"
# Pre token generation V2_0 and V3_0 ("In user pools with the Essentials or Plus feature plan",
# DG "Pre token generation Lambda trigger").
ACCESS_TOKEN_CUSTOMIZATION = "Access Token Customization"
# The lowest plan that has each feature.
_NEEDS = {
    PASSWORDLESS: "ESSENTIALS",
    CHOICE_BASED_SIGN_IN: "ESSENTIALS",
    EMAIL_MFA: "ESSENTIALS",
    ACCESS_TOKEN_CUSTOMIZATION: "ESSENTIALS",
}
_NEEDS[THREAT_PROTECTION] = "PLUS"


def tier(pool: CognitoIdpUserPool) -> str:
    return str(pool.extended_config.get("UserPoolTier") or DEFAULT_TIER)


def has(plan: str, feature: str) -> bool:
    return TIERS.index(plan) >= TIERS.index(_NEEDS[feature])


def first_factors(settings: dict[str, Any]) -> list[str]:
    """The pool's AllowedFirstAuthFactors; a pool without a SignInPolicy signs in with passwords
    (UNCONFIRMED: the value AWS shows for a pool created without one)."""
    policy = (settings.get("Policies") or {}).get("SignInPolicy") or {}
    return list(policy.get("AllowedFirstAuthFactors") or ["PASSWORD"])


def _features(
    pool_id: str | None, settings: dict[str, Any], state_pool: CognitoIdpUserPool | None
) -> list[str]:
    """The plan-bound features a pool's settings (and its MFA configuration) use."""
    used = []
    if any(factor != "PASSWORD" for factor in first_factors(settings)):
        used.append(PASSWORDLESS)
    if (settings.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode") in ("AUDIT", "ENFORCED"):
        used.append(THREAT_PROTECTION)
    token_trigger = (settings.get("LambdaConfig") or {}).get("PreTokenGenerationConfig") or {}
    if token_trigger.get("LambdaVersion") in ("V2_0", "V3_0"):
        used.append(ACCESS_TOKEN_CUSTOMIZATION)
    if state_pool is not None and pool_id is not None:
        mfa = state_of(state_pool).pool_mfa.get(pool_id)
        if mfa is not None and mfa.email is not None:
            used.append(EMAIL_MFA)
    return used


def check_settings(plan: str, features: list[str]) -> None:
    refused = [feature for feature in features if not has(plan, feature)]
    if refused:
        raise FeatureUnavailableInTierException(TIER_FEATURES.format(tier=plan, features=", ".join(refused)))


def _checked_tier(settings: dict[str, Any]) -> str:
    plan = settings.get("UserPoolTier")
    if plan is not None and plan not in TIERS:
        raise InvalidParameterException(
            f"1 validation error detected: Value '{plan}' at 'userPoolTier' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(TIERS)}]"
        )
    return str(plan or DEFAULT_TIER)


def checking_create_pool(original: Callable[..., Any]) -> Callable[..., Any]:
    """CreateUserPool: the plan (ESSENTIALS by default) must cover what the pool asks for."""

    def create_user_pool(self: CognitoIdpBackend, name: str, extended_config: dict[str, Any]) -> Any:
        plan = _checked_tier(extended_config)
        check_settings(plan, _features(None, extended_config, None))
        return original(self, name, {**extended_config, "UserPoolTier": plan})

    return create_user_pool


def checking_update_pool(original: Callable[..., Any]) -> Callable[..., Any]:
    """UpdateUserPool: the new settings under the new plan. An update that omits UserPoolTier
    keeps the pool's plan (UNCONFIRMED: botocore says only "Defaults to ESSENTIALS")."""

    def update_user_pool(self: CognitoIdpBackend, user_pool_id: str, extended_config: dict[str, Any]) -> Any:
        pool = self.describe_user_pool(user_pool_id)
        plan = _checked_tier(extended_config) if "UserPoolTier" in extended_config else tier(pool)
        check_settings(plan, _features(pool.id, extended_config, pool))
        return original(self, user_pool_id, {**extended_config, "UserPoolTier": plan})

    return update_user_pool


def require(pool: CognitoIdpUserPool, feature: str) -> None:
    """A configuration change that needs `feature` (SetUserPoolMfaConfig, CreateUserPoolClient)."""
    check_settings(tier(pool), [feature])


def require_choice_based_sign_in(pool: CognitoIdpUserPool) -> None:
    """InitiateAuth with USER_AUTH on a pool whose plan lacks it."""
    if not has(tier(pool), CHOICE_BASED_SIGN_IN):
        raise FeatureUnavailableInTierException(TIER_FLOW_UNAVAILABLE.format(tier=tier(pool)))
