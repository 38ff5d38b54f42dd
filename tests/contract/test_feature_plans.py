"""Feature plans: a user pool's UserPoolTier decides which features it may use.

Sources: botocore's CreateUserPool / UpdateUserPool / UserPoolType ("UserPoolTier ... Defaults to
ESSENTIALS"), CreateUserPoolClient's ExplicitAuthFlows (ALLOW_USER_AUTH: "your user pool must be
in the Essentials tier or higher"), the Developer Guide's "User pool feature plans"; the
FeatureUnavailableInTierException messages observed in aws-amplify/amplify-backend#2805 (LITE,
passwordless sign-in) and hashicorp/terraform-provider-aws#40734 (ESSENTIALS, threat protection).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

PASSWORDLESS = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_a_new_pool_is_on_the_essentials_plan_unless_told(idp: Any, new_pool: Callable[..., str]) -> None:
    """DescribeUserPool shows the plan: ESSENTIALS by default, the one asked for otherwise.

    Source: botocore CreateUserPool UserPoolTier ("Defaults to ESSENTIALS"); DG "User pool feature
    plans" ("The default plan selection for new user pools is Essentials").
    """
    assert idp.describe_user_pool(UserPoolId=new_pool())["UserPool"]["UserPoolTier"] == "ESSENTIALS"
    lite = new_pool(UserPoolTier="LITE")
    assert idp.describe_user_pool(UserPoolId=lite)["UserPool"]["UserPoolTier"] == "LITE"


def test_a_lite_pool_cannot_allow_passwordless_sign_in(idp: Any, new_pool: Callable[..., str]) -> None:
    """A Lite pool asking for email one-time passwords as a first factor is refused.

    Source: observed in aws-amplify/amplify-backend#2805: FeatureUnavailableInTierException "The
    following features need to be disabled for the LITE pricing tier configured: Passwordless
    Sign-In". Passwords alone stay allowed (DG "User pool feature plans": Lite has passwords).
    """
    with pytest.raises(ClientError) as raised:
        new_pool(UserPoolTier="LITE", Policies=PASSWORDLESS)
    assert _error(raised) == (
        "FeatureUnavailableInTierException",
        "The following features need to be disabled for the LITE pricing tier configured: "
        "Passwordless Sign-In",
    )
    new_pool(UserPoolTier="LITE", Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]}})


def test_threat_protection_needs_the_plus_plan(idp: Any, new_pool: Callable[..., str]) -> None:
    """UpdateUserPool turning on threat protection is refused on Essentials, accepted on Plus.

    Source: observed in hashicorp/terraform-provider-aws#40734 (UpdateUserPool, HTTP 400):
    FeatureUnavailableInTierException "The following features need to be disabled for the
    ESSENTIALS pricing tier configured: Threat Protection"; botocore UpdateUserPool
    UserPoolAddOns ("your user pool must be on the Plus tier").
    """
    pool_id = new_pool()
    with pytest.raises(ClientError) as raised:
        idp.update_user_pool(UserPoolId=pool_id, UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"})
    assert _error(raised) == (
        "FeatureUnavailableInTierException",
        "The following features need to be disabled for the ESSENTIALS pricing tier configured: "
        "Threat Protection",
    )
    idp.update_user_pool(
        UserPoolId=pool_id, UserPoolTier="PLUS", UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"}
    )
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["UserPoolTier"] == "PLUS"


def test_moving_down_to_lite_needs_passwordless_sign_in_off(idp: Any, new_pool: Callable[..., str]) -> None:
    """A pool that uses an Essentials feature cannot move to Lite until the feature is off.

    Source: the observed message above; botocore UpdateUserPool lists FeatureUnavailableInTierException.
    An update that leaves UserPoolTier out keeps the plan (UNCONFIRMED).
    """
    pool_id = new_pool(Policies=PASSWORDLESS)
    with pytest.raises(ClientError) as raised:
        idp.update_user_pool(UserPoolId=pool_id, UserPoolTier="LITE", Policies=PASSWORDLESS)
    assert _error(raised)[0] == "FeatureUnavailableInTierException"
    assert "LITE pricing tier configured: Passwordless Sign-In" in _error(raised)[1]
    idp.update_user_pool(UserPoolId=pool_id, Policies=PASSWORDLESS)
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["UserPoolTier"] == "ESSENTIALS"
    idp.update_user_pool(UserPoolId=pool_id, UserPoolTier="LITE")
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["UserPoolTier"] == "LITE"


def test_a_lite_pool_cannot_have_choice_based_clients_or_email_mfa(
    idp: Any, new_pool: Callable[..., str]
) -> None:
    """ALLOW_USER_AUTH and email MFA need Essentials: a Lite pool gets FeatureUnavailableInTierException.

    Source: botocore CreateUserPoolClient ExplicitAuthFlows (ALLOW_USER_AUTH) and
    SetUserPoolMfaConfig EmailMfaConfiguration ("To activate this setting, your user pool must be
    in the Essentials tier or higher"); both operations list FeatureUnavailableInTierException.
    The feature names in the messages are UNCONFIRMED, so only the code is asserted.
    """
    pool_id = new_pool(UserPoolTier="LITE")
    with pytest.raises(ClientError) as raised:
        idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_AUTH"]
        )
    assert _error(raised)[0] == "FeatureUnavailableInTierException"
    with pytest.raises(ClientError) as raised:
        idp.set_user_pool_mfa_config(
            UserPoolId=pool_id,
            MfaConfiguration="OPTIONAL",
            EmailMfaConfiguration={"Message": "Your code is {####}", "Subject": "Code"},
        )
    assert _error(raised)[0] == "FeatureUnavailableInTierException"
