"""Choice-based sign-in: InitiateAuth with USER_AUTH, SELECT_CHALLENGE and passwordless codes.

Sources: botocore's InitiateAuth (AuthFlow USER_AUTH, PREFERRED_CHALLENGE, AvailableChallenges,
Session from ConfirmSignUp), RespondToAuthChallenge (SELECT_CHALLENGE with ANSWER; PASSWORD,
PASSWORD_SRP, EMAIL_OTP with EMAIL_OTP_CODE), SignUpResponse and ConfirmSignUp (Session),
CreateUserPoolClient (ALLOW_USER_AUTH covers password and SRP); the Developer Guide's "Manage
authentication methods in AWS SDKs"; aws-amplify/amplify-js#14428 (email codes have 8 digits).
Messages: "Incorrect username or password." and "Invalid session for the user, session is
expired." are observed (aws-semantics.md section 2); "Invalid code received for user" is
observed for MFA codes, UNCONFIRMED for passwordless ones; the order of AvailableChallenges
and the texts marked UNCONFIRMED in cognitoidp/exceptions.py are not asserted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

PASSWORD = "Correct-horse-1"
FACTORS = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}
EMAIL_SCHEMA = [{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}]


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def _pool(
    idp: Any, new_pool: Callable[..., str], flows: tuple[str, ...] = ("ALLOW_USER_AUTH",)
) -> tuple[str, str]:
    pool_id = new_pool(Policies=FACTORS, AutoVerifiedAttributes=["email"], Schema=EMAIL_SCHEMA)
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=list(flows))
    return pool_id, client["UserPoolClient"]["ClientId"]


def _user(idp: Any, pool_id: str, username: str, *, verified: bool = True) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": f"{username}@example.com"},
            {"Name": "email_verified", "Value": "true" if verified else "false"},
        ],
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)


def _user_auth(idp: Any, client_id: str, username: str, **extra: str) -> dict[str, Any]:
    return idp.initiate_auth(  # type: ignore[no-any-return]
        ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": username, **extra}
    )


def _email_otp(idp: Any, client_id: str, username: str) -> dict[str, Any]:
    return _user_auth(idp, client_id, username, PREFERRED_CHALLENGE="EMAIL_OTP")


def test_without_a_preference_the_user_chooses_from_what_they_can_use(
    idp: Any, new_pool: Callable[..., str]
) -> None:
    """No PREFERRED_CHALLENGE: SELECT_CHALLENGE with the challenges the pool allows and the user
    has (a password: PASSWORD and PASSWORD_SRP; a verified email: EMAIL_OTP); answering
    SELECT_CHALLENGE with ANSWER PASSWORD and the password signs in.

    Source: botocore InitiateAuth AuthParameters ("If you don't provide a value for
    PREFERRED_CHALLENGE, Amazon Cognito responds with the AvailableChallenges parameter") and
    RespondToAuthChallenge ChallengeResponses (SELECT_CHALLENGE with ANSWER and PASSWORD).
    """
    pool_id, client_id = _pool(idp, new_pool)
    _user(idp, pool_id, "alice")
    _user(idp, pool_id, "bob", verified=False)

    started = _user_auth(idp, client_id, "alice")
    assert started["ChallengeName"] == "SELECT_CHALLENGE"
    assert set(started["AvailableChallenges"]) == {"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"}
    assert "EMAIL_OTP" not in _user_auth(idp, client_id, "bob")["AvailableChallenges"]

    signed_in = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SELECT_CHALLENGE",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": "alice", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD},
    )
    assert signed_in["AuthenticationResult"]["TokenType"] == "Bearer"


def test_a_preferred_password_signs_in_at_once_and_a_wrong_one_is_refused(
    idp: Any, new_pool: Callable[..., str]
) -> None:
    """PREFERRED_CHALLENGE PASSWORD with the password: tokens in one request; a wrong password is
    refused as every password sign-in refuses it.

    Source: botocore InitiateAuth (USER_AUTH, PREFERRED_CHALLENGE); aws-semantics.md section 2
    (NotAuthorizedException "Incorrect username or password.").
    """
    pool_id, client_id = _pool(idp, new_pool)
    _user(idp, pool_id, "alice")
    tokens = _user_auth(idp, client_id, "alice", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)
    assert set(tokens["AuthenticationResult"]) >= {"IdToken", "AccessToken", "RefreshToken"}
    with pytest.raises(ClientError) as raised:
        _user_auth(idp, client_id, "alice", PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Wrong-horse-1")
    assert _error(raised) == ("NotAuthorizedException", "Incorrect username or password.")


def test_password_srp_inside_user_auth_proves_the_password(idp: Any, new_pool: Callable[..., str]) -> None:
    """PASSWORD_SRP with SRP_A leads to PASSWORD_VERIFIER, answered with SRP math; ALLOW_USER_AUTH
    alone covers it, without ALLOW_USER_SRP_AUTH.

    Source: botocore CreateUserPoolClient ExplicitAuthFlows ("users can complete an SRP challenge
    through USER_AUTH without the flow USER_SRP_AUTH being active") and RespondToAuthChallenge
    (PASSWORD_SRP with SRP_A).
    """
    pool_id, client_id = _pool(idp, new_pool)
    _user(idp, pool_id, "alice")
    srp = AWSSRP("alice", PASSWORD, pool_id, client_id, client=idp)
    parameters = srp.get_auth_params()
    verifier = _user_auth(
        idp, client_id, "alice", PREFERRED_CHALLENGE="PASSWORD_SRP", SRP_A=parameters["SRP_A"]
    )
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    answers = srp.process_challenge(verifier["ChallengeParameters"], parameters)
    signed_in = idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answers
    )
    assert signed_in["AuthenticationResult"]["TokenType"] == "Bearer"


def test_an_emailed_code_signs_in_once(idp: Any, new_pool: Callable[..., str], mailbox: Any) -> None:
    """EMAIL_OTP: an 8-digit code in the user's mail signs them in; a wrong code is refused and
    the session stays for another try; the code cannot be used twice.

    Source: botocore RespondToAuthChallenge (EMAIL_OTP with EMAIL_OTP_CODE); aws-amplify/amplify-js#14428
    (the code is fixed at 8 digits); CodeMismatchException "Invalid code received for user"
    (observed for MFA codes, UNCONFIRMED here); a used Session: "Invalid session for the user."
    (UNCONFIRMED).
    """
    pool_id, client_id = _pool(idp, new_pool)
    _user(idp, pool_id, "alice")
    challenge = _email_otp(idp, client_id, "alice")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "a***@e***"
    code = mailbox.latest_code(pool_id, "alice")
    assert len(code) == 8 and code.isdigit()

    def answer(given: str) -> dict[str, Any]:
        return idp.respond_to_auth_challenge(  # type: ignore[no-any-return]
            ClientId=client_id,
            ChallengeName="EMAIL_OTP",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "alice", "EMAIL_OTP_CODE": given},
        )

    with pytest.raises(ClientError) as raised:
        answer("00000000" if code != "00000000" else "11111111")
    assert _error(raised) == ("CodeMismatchException", "Invalid code received for user")
    assert answer(code)["AuthenticationResult"]["TokenType"] == "Bearer"
    with pytest.raises(ClientError) as raised:
        answer(code)
    assert _error(raised)[0] == "NotAuthorizedException"


def test_an_emailed_code_expires_with_its_session(
    idp: Any, new_pool: Callable[..., str], mailbox: Any, offline_clock: Any
) -> None:
    """The code lasts the app client's authentication session (3 minutes by default).

    Source: botocore CreateUserPoolClient AuthSessionValidity (3-15 minutes, default 3); the MFA
    code "is valid for the Authentication flow session duration" (COG-DG-2023
    user-pool-settings-mfa-sms-text-message; for email codes UNCONFIRMED); NotAuthorizedException
    "Invalid session for the user, session is expired." (aws-semantics-next.md section 7).
    """
    pool_id, client_id = _pool(idp, new_pool)
    _user(idp, pool_id, "alice")
    challenge = _email_otp(idp, client_id, "alice")
    code = mailbox.latest_code(pool_id, "alice")
    offline_clock.advance(3 * 60 + 1)
    with pytest.raises(ClientError) as raised:
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="EMAIL_OTP",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "alice", "EMAIL_OTP_CODE": code},
        )
    assert _error(raised) == ("NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_user_auth_needs_the_client_setting(idp: Any, new_pool: Callable[..., str]) -> None:
    """A client without ALLOW_USER_AUTH refuses USER_AUTH as it refuses any flow it lacks.

    Source: the "<flow> flow not enabled for this client" InvalidParameterException observed from
    AWS (cited in cognitoidp/exceptions.py FLOW_NOT_ENABLED); botocore CreateUserPoolClient.
    """
    pool_id, client_id = _pool(idp, new_pool, flows=("ALLOW_USER_PASSWORD_AUTH",))
    _user(idp, pool_id, "alice")
    with pytest.raises(ClientError) as raised:
        _user_auth(idp, client_id, "alice")
    assert _error(raised) == ("InvalidParameterException", "USER_AUTH flow not enabled for this client")


def test_an_answer_outside_the_available_challenges_is_refused(
    idp: Any, new_pool: Callable[..., str]
) -> None:
    """SELECT_CHALLENGE's ANSWER "must be one of the challenge types in the AvailableChallenges".

    Source: botocore InitiateAuthResponse ChallengeName (SELECT_CHALLENGE). The error's text is
    UNCONFIRMED; InvalidParameterException is asserted.
    """
    pool_id, client_id = _pool(idp, new_pool)
    _user(idp, pool_id, "bob", verified=False)
    started = _user_auth(idp, client_id, "bob")
    with pytest.raises(ClientError) as raised:
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="SELECT_CHALLENGE",
            Session=started["Session"],
            ChallengeResponses={"USERNAME": "bob", "ANSWER": "EMAIL_OTP"},
        )
    assert _error(raised)[0] == "InvalidParameterException"


def test_a_new_user_signs_in_with_the_session_of_their_sign_up(
    idp: Any, new_pool: Callable[..., str], mailbox: Any
) -> None:
    """SignUp's Session, passed to ConfirmSignUp, gives a Session that signs the confirmed user in
    with USER_AUTH without another code, once.

    Source: botocore SignUpResponse.Session, ConfirmSignUpRequest/Response.Session and
    InitiateAuthRequest.Session ("You're not required to submit this code a second time. This
    option is only valid for users who have confirmed their sign-up and are signing in for the
    first time"). The error for a second use is NotAuthorizedException (UNCONFIRMED text).
    """
    pool_id, client_id = _pool(idp, new_pool)
    signed_up = idp.sign_up(
        ClientId=client_id,
        Username="carol",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "carol@example.com"}],
    )
    confirmed = idp.confirm_sign_up(
        ClientId=client_id,
        Username="carol",
        ConfirmationCode=mailbox.latest_code(pool_id, "carol"),
        Session=signed_up["Session"],
    )
    tokens = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "carol"},
        Session=confirmed["Session"],
    )
    assert tokens["AuthenticationResult"]["TokenType"] == "Bearer"
    with pytest.raises(ClientError) as raised:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_AUTH",
            AuthParameters={"USERNAME": "carol"},
            Session=confirmed["Session"],
        )
    assert _error(raised)[0] == "NotAuthorizedException"
