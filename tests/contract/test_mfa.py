"""MFA: the pool's MfaConfiguration, TOTP with a per-user secret, email codes, MFA at sign-in.

Sources: botocore's SetUserPoolMfaConfig / GetUserPoolMfaConfig, AssociateSoftwareToken,
VerifySoftwareToken, SetUserMFAPreference and the MFA_SETUP / SOFTWARE_TOKEN_MFA / EMAIL_OTP
challenges (API Reference); COG-DG-2023 user-pool-settings-mfa-totp (codes accepted 30 s either
side; "Software Token MFA has not been enabled by the userPool"); DG "SMS and email message MFA"
and "Email MFA" (Amazon SES needed, CODE_DELIVERY_DESTINATION); aws-semantics-next.md section 7
for the observed messages ("Code mismatch and fail enable Software Token MFA", "User does not
have delivery config set to turn on SOFTWARE_TOKEN_MFA", "Invalid code received for user", "Your
software token has already been used once.", MFAS_CAN_SETUP). TOTP codes are computed with pyotp
at the offline clock's time, as an authenticator app would at AWS's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError

PASSWORD = "Correct-horse-1"
SES = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/lab@example.com",
    "From": "lab@example.com",
}


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def _now(aws: Any) -> int:
    """The offline AWS's time (the endpoint's own clock at the endpoint)."""
    if aws.mode == "server":
        return int(aws.lab_get("/_lab/clock")["now"])
    from helpers.offline import clock

    return int(clock.now())


def _code(aws: Any, secret: str, shift: int = 0) -> str:
    return str(pyotp.TOTP(secret).at(_now(aws) + shift))


def _setup(
    idp: Any, new_pool: Callable[..., str], mode: str = "OPTIONAL", **settings: Any
) -> tuple[str, str]:
    pool_id = new_pool(**settings)
    client = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"],
    )
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration=mode, SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    return pool_id, client["UserPoolClient"]["ClientId"]


def _user(idp: Any, pool_id: str, username: str) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)


def _password(idp: Any, client_id: str, username: str) -> dict[str, Any]:
    return idp.initiate_auth(  # type: ignore[no-any-return]
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )


def _with_totp(aws: Any, idp: Any, client_id: str, username: str) -> str:
    """Signs in, associates and verifies an authenticator, turns TOTP on; the secret."""
    token = _password(idp, client_id, username)["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=token)["SecretCode"]
    assert idp.verify_software_token(AccessToken=token, UserCode=_code(aws, secret))["Status"] == "SUCCESS"
    idp.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    return str(secret)


def test_the_pools_mfa_configuration_is_kept_and_described(idp: Any, new_pool: Callable[..., str]) -> None:
    """SetUserPoolMfaConfig sets OFF/ON/OPTIONAL and TOTP; GetUserPoolMfaConfig and
    DescribeUserPool show them.

    Source: botocore SetUserPoolMfaConfig / GetUserPoolMfaConfig, UserPoolType.MfaConfiguration.
    """
    pool_id, _ = _setup(idp, new_pool)
    described = idp.get_user_pool_mfa_config(UserPoolId=pool_id)
    assert described["MfaConfiguration"] == "OPTIONAL"
    assert described["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["MfaConfiguration"] == "OPTIONAL"
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF")
    assert idp.get_user_pool_mfa_config(UserPoolId=pool_id)["MfaConfiguration"] == "OFF"


def test_totp_needs_the_pool_to_allow_it(idp: Any, new_pool: Callable[..., str]) -> None:
    """AssociateSoftwareToken in a pool without TOTP is refused.

    Source: COG-DG-2023 user-pool-settings-mfa-totp: SoftwareTokenMFANotFoundException "Software
    Token MFA has not been enabled by the userPool".
    """
    pool_id = new_pool()
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    _user(idp, pool_id, "alice")
    token = _password(idp, client_id, "alice")["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as raised:
        idp.associate_software_token(AccessToken=token)
    assert _error(raised) == (
        "SoftwareTokenMFANotFoundException",
        "Software Token MFA has not been enabled by the userPool",
    )


def test_each_user_gets_their_own_secret_and_must_prove_it(
    aws: Any, idp: Any, new_pool: Callable[..., str]
) -> None:
    """Two users get different secrets; TOTP cannot be turned on before a code proves the secret,
    and a wrong code does not prove it.

    Source: botocore AssociateSoftwareToken ("a unique private key"); observed
    InvalidParameterException "User does not have delivery config set to turn on
    SOFTWARE_TOKEN_MFA" (aws/aws-sdk-js-v3#4645) and EnableSoftwareTokenMFAException "Code
    mismatch and fail enable Software Token MFA" (aws-samples/aws-amplify-auth-starters#15).
    """
    pool_id, client_id = _setup(idp, new_pool)
    _user(idp, pool_id, "alice")
    _user(idp, pool_id, "bob")
    alice = _password(idp, client_id, "alice")["AuthenticationResult"]["AccessToken"]
    bob = _password(idp, client_id, "bob")["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=alice)["SecretCode"]
    assert secret != idp.associate_software_token(AccessToken=bob)["SecretCode"]

    with pytest.raises(ClientError) as raised:
        idp.set_user_mfa_preference(AccessToken=alice, SoftwareTokenMfaSettings={"Enabled": True})
    assert _error(raised) == (
        "InvalidParameterException",
        "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA",
    )
    wrong = str((int(_code(aws, secret)) + 1) % 1_000_000).zfill(6)
    with pytest.raises(ClientError) as raised:
        idp.verify_software_token(AccessToken=alice, UserCode=wrong)
    assert _error(raised) == (
        "EnableSoftwareTokenMFAException",
        "Code mismatch and fail enable Software Token MFA",
    )
    assert idp.verify_software_token(AccessToken=alice, UserCode=_code(aws, secret))["Status"] == "SUCCESS"
    idp.set_user_mfa_preference(
        AccessToken=alice, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    user = idp.get_user(AccessToken=alice)
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"


def test_sign_in_asks_for_the_authenticator_code(
    aws: Any, idp: Any, new_pool: Callable[..., str], offline_clock: Any
) -> None:
    """With TOTP on, a password sign-in returns SOFTWARE_TOKEN_MFA; a wrong code is refused, a code
    30 s old is accepted, and the same code cannot be used twice.

    Source: botocore InitiateAuthResponse (SOFTWARE_TOKEN_MFA with SOFTWARE_TOKEN_MFA_CODE);
    COG-DG-2023 user-pool-settings-mfa-totp (30 s either side); CodeMismatchException "Invalid
    code received for user" and "Your software token has already been used once." (observed; the
    class of the second, ExpiredCodeException, UNCONFIRMED).
    """
    pool_id, client_id = _setup(idp, new_pool)
    _user(idp, pool_id, "alice")
    secret = _with_totp(aws, idp, client_id, "alice")
    offline_clock.advance(30)

    def answer(session: str, code: str) -> dict[str, Any]:
        return idp.respond_to_auth_challenge(  # type: ignore[no-any-return]
            ClientId=client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=session,
            ChallengeResponses={"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": code},
        )

    challenge = _password(idp, client_id, "alice")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    with pytest.raises(ClientError) as raised:
        answer(challenge["Session"], _code(aws, secret, shift=-90))
    assert _error(raised) == ("CodeMismatchException", "Invalid code received for user")
    offline_clock.advance(30)
    late = _code(aws, secret, shift=-30)  # the code of 30 s ago, still on the user's phone
    assert answer(challenge["Session"], late)["AuthenticationResult"]["TokenType"] == "Bearer"

    again = _password(idp, client_id, "alice")
    with pytest.raises(ClientError) as raised:
        answer(again["Session"], late)
    assert _error(raised) == ("ExpiredCodeException", "Your software token has already been used once.")


def test_a_pool_that_requires_mfa_makes_new_users_set_it_up(
    aws: Any, idp: Any, new_pool: Callable[..., str], offline_clock: Any
) -> None:
    """MFA ON: a user without a factor gets MFA_SETUP; AssociateSoftwareToken and
    VerifySoftwareToken with the challenge's Session, then MFA_SETUP with the new Session, sign
    in; the next sign-in asks for the code.

    Source: botocore InitiateAuthResponse ChallengeName (MFA_SETUP: "use the session returned in
    this challenge ... as an input to AssociateSoftwareToken. Then, use the session returned by
    VerifySoftwareToken as an input to RespondToAuthChallenge"); MFAS_CAN_SETUP as a JSON list
    in a string (observed, aws-amplify/amplify-js#6461).
    """
    pool_id, client_id = _setup(idp, new_pool, mode="ON")
    _user(idp, pool_id, "alice")
    setup = _password(idp, client_id, "alice")
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert setup["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'
    associated = idp.associate_software_token(Session=setup["Session"])
    verified = idp.verify_software_token(
        Session=associated["Session"],
        UserCode=_code(aws, associated["SecretCode"]),
        FriendlyDeviceName="phone",
    )
    assert verified["Status"] == "SUCCESS"
    signed_in = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": "alice"},
    )
    assert signed_in["AuthenticationResult"]["TokenType"] == "Bearer"
    offline_clock.advance(30)
    assert _password(idp, client_id, "alice")["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_optional_mfa_leaves_users_without_a_factor_alone(idp: Any, new_pool: Callable[..., str]) -> None:
    """MFA OPTIONAL: only users who chose a factor are asked for a code.

    Source: botocore SetUserPoolMfaConfig MfaConfiguration ("Amazon Cognito generates MFA prompts
    in API responses ... for users who have chosen and configured a preferred MFA factor").
    """
    pool_id, client_id = _setup(idp, new_pool)
    _user(idp, pool_id, "bob")
    assert "AuthenticationResult" in _password(idp, client_id, "bob")


def test_email_mfa_needs_ses_and_sends_a_code(idp: Any, new_pool: Callable[..., str], mailbox: Any) -> None:
    """Email MFA needs the pool to send with Amazon SES; then a user with email MFA on gets
    EMAIL_OTP with CODE_DELIVERY_DESTINATION, and the mailed code signs them in.

    Source: DG "Email MFA" ("the user pool must be configured to use the Amazon SES email-sending
    configuration"; the error's text is UNCONFIRMED, only InvalidParameterException is
    asserted); DG "SMS and email message MFA" (CODE_DELIVERY_DESTINATION); botocore
    EmailMfaSettingsType and RespondToAuthChallenge (EMAIL_OTP with EMAIL_OTP_CODE).
    """
    plain = new_pool()
    with pytest.raises(ClientError) as raised:
        idp.set_user_pool_mfa_config(
            UserPoolId=plain, MfaConfiguration="OPTIONAL", EmailMfaConfiguration={"Subject": "Your code"}
        )
    assert _error(raised)[0] == "InvalidParameterException"

    pool_id = new_pool(EmailConfiguration=SES)
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        EmailMfaConfiguration={"Subject": "Your code", "Message": "Your sign-in code is {####}"},
    )
    _user(idp, pool_id, "alice")
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="alice", EmailMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    challenge = _password(idp, client_id, "alice")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "a***@e***"
    signed_in = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="EMAIL_OTP",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "alice", "EMAIL_OTP_CODE": mailbox.latest_code(pool_id, "alice")},
    )
    assert signed_in["AuthenticationResult"]["TokenType"] == "Bearer"


def test_a_user_deleted_and_made_again_has_no_authenticator(
    aws: Any, idp: Any, new_pool: Callable[..., str]
) -> None:
    """AdminDeleteUser deletes the user's TOTP authenticator with the user: a new user of the same
    name signs in with the password alone (MFA OPTIONAL) and has no MFA setting.

    Source: API Reference AdminDeleteUser ("Deletes a user profile in your user pool");
    SetUserPoolMfaConfig OPTIONAL prompts only users who "have chosen and configured a preferred MFA
    factor"; GetUser's UserMFASettingList.
    """
    pool_id, client_id = _setup(idp, new_pool)
    _user(idp, pool_id, "alice")
    _with_totp(aws, idp, client_id, "alice")
    assert _password(idp, client_id, "alice")["ChallengeName"] == "SOFTWARE_TOKEN_MFA"

    idp.admin_delete_user(UserPoolId=pool_id, Username="alice")
    _user(idp, pool_id, "alice")
    signed_in = _password(idp, client_id, "alice")
    assert "AuthenticationResult" in signed_in
    assert "UserMFASettingList" not in idp.get_user(
        AccessToken=signed_in["AuthenticationResult"]["AccessToken"]
    )
