"""Which user attributes an app client may read and write, and how "verified" is read.

Confirmed (Developer Guide, "Attribute permissions and scopes", 2023 source in
awsdocs/amazon-cognito-developer-guide and as quoted from today's page in
jagregory/cognito-local#360): ReadAttributes / WriteAttributes apply to standard and
custom attributes; a write the client may not make is NotAuthorizedException; GetUser
and the ID token carry only readable attributes; every client may write the pool's
required attributes; admin operations are not limited.

The defaults of a client created without the lists follow the API Reference (botocore's
CreateUserPoolClient): it may read the standard attributes and email_verified /
phone_number_verified, and write the standard attributes. UNCONFIRMED, and contradicted
by the AWS CDK's documented default ("all standard and custom attributes") and the old
console's text: that custom attributes need WriteAttributes, and the error's text
"A client attempted to write unauthorized attribute" (community reports only:
padok-team/cognito-scanner#6, aws/aws-sdk-js#1319 and #3603).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError

PASSWORD = "Correct-horse-1"
EMAIL_SCHEMA = {"Name": "email", "AttributeDataType": "String", "Required": False, "Mutable": True}
DEPARTMENT_SCHEMA = {"Name": "department", "AttributeDataType": "String", "Mutable": True}
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
UNAUTHORIZED = ("NotAuthorizedException", "A client attempted to write unauthorized attribute")


@pytest.fixture
def pool(new_pool: Callable[..., str]) -> str:
    """A pool with an optional email and a custom `department` attribute."""
    return new_pool(Schema=[EMAIL_SCHEMA, DEPARTMENT_SCHEMA])


def _client(idp: Any, pool_id: str, **settings: Any) -> str:
    created = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="lab", ExplicitAuthFlows=FLOWS, **settings
    )
    return str(created["UserPoolClient"]["ClientId"])


def _user(idp: Any, pool_id: str, username: str, **attributes: str) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()],
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)


def _tokens(idp: Any, client_id: str, username: str) -> dict[str, Any]:
    return idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def _attributes(reply: dict[str, Any]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in reply["UserAttributes"]}


def _update(idp: Any, access_token: str, **attributes: str) -> None:
    idp.update_user_attributes(
        AccessToken=access_token,
        UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()],
    )


def test_write_attributes_decide_what_a_user_may_update(idp: Any, pool: str) -> None:
    """UpdateUserAttributes may set only what the token's client may write; the rest is refused.

    Source: DG "Attribute permissions and scopes" ("If your app tries to set a value for an
    attribute that it isn't authorized to write, Amazon Cognito returns NotAuthorizedException").
    Message UNCONFIRMED (community reports, see the module docstring).
    """
    client_id = _client(idp, pool, WriteAttributes=["name", "custom:department"])
    _user(idp, pool, "ana", email="ana@example.com")
    access_token = _tokens(idp, client_id, "ana")["AccessToken"]

    _update(idp, access_token, name="Ana", **{"custom:department": "sales"})
    for refused in ({"email": "other@example.com"}, {"email_verified": "true"}, {"nickname": "an"}):
        with pytest.raises(ClientError) as raised:
            _update(idp, access_token, **refused)
        assert _error(raised) == UNAUTHORIZED
    # One refused attribute refuses the whole request.
    with pytest.raises(ClientError):
        _update(idp, access_token, name="Ann", nickname="an")
    user = _attributes(idp.admin_get_user(UserPoolId=pool, Username="ana"))
    assert (user["name"], user["custom:department"], user["email"]) == ("Ana", "sales", "ana@example.com")


def test_a_client_without_write_attributes_writes_standard_attributes_only(idp: Any, pool: str) -> None:
    """Without WriteAttributes: standard attributes yes; email_verified and custom attributes no.

    Source: API Reference CreateUserPoolClient, WriteAttributes ("When you don't specify the
    WriteAttributes for your app client, your app can write the values of the Standard
    attributes of your user pool"; ReadAttributes, by contrast, names email_verified and
    phone_number_verified). UNCONFIRMED for custom attributes: the AWS CDK documents the
    default as all standard and custom attributes.
    """
    client_id = _client(idp, pool)
    _user(idp, pool, "ben", email="ben@example.com")
    access_token = _tokens(idp, client_id, "ben")["AccessToken"]

    _update(idp, access_token, name="Ben", nickname="b")
    for refused in (
        {"email_verified": "true"},
        {"phone_number_verified": "true"},
        {"custom:department": "x"},
    ):
        with pytest.raises(ClientError) as raised:
            _update(idp, access_token, **refused)
        assert _error(raised) == UNAUTHORIZED


def test_a_client_may_be_allowed_to_write_email_verified(idp: Any, pool: str) -> None:
    """email_verified is writable only by a client that lists it in WriteAttributes.

    Source: DG "Attribute permissions and scopes" (read and write permissions apply to each
    attribute) and the AWS CDK's StandardAttributesMask, which offers emailVerified for both.
    """
    client_id = _client(idp, pool, WriteAttributes=["email", "email_verified"])
    _user(idp, pool, "cleo", email="cleo@example.com")
    _update(idp, _tokens(idp, client_id, "cleo")["AccessToken"], email_verified="true")
    assert _attributes(idp.admin_get_user(UserPoolId=pool, Username="cleo"))["email_verified"] == "true"


def test_admin_updates_are_not_limited_by_any_client(idp: Any, pool: str) -> None:
    """AdminUpdateUserAttributes (IAM-authorised) sets custom and verified attributes, whatever the clients.

    Source: API Reference AdminUpdateUserAttributes ("This operation can set a user's email
    address or phone number as verified"; authorised by IAM, not by an app client).
    """
    _client(idp, pool, WriteAttributes=["name"])
    _user(idp, pool, "dan", email="dan@example.com")
    idp.admin_update_user_attributes(
        UserPoolId=pool,
        Username="dan",
        UserAttributes=[
            {"Name": "custom:department", "Value": "ops"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    user = _attributes(idp.admin_get_user(UserPoolId=pool, Username="dan"))
    assert (user["custom:department"], user["email_verified"]) == ("ops", "true")


def test_sign_up_may_set_only_attributes_the_client_may_write(idp: Any, pool: str) -> None:
    """SignUp with an attribute the client may not write is refused before the user exists.

    Source: DG "Attribute permissions and scopes"; SignUp refusals with this error are
    reported for email_verified (aws/aws-sdk-js#3603), custom attributes
    (amazon-cognito-identity-js#397) and a misspelt attribute (aws-amplify/amplify-js#5345).
    Message UNCONFIRMED.
    """
    default = _client(idp, pool)
    allowed = _client(idp, pool, WriteAttributes=["email", "custom:department"])
    for attributes in ({"email_verified": "true"}, {"custom:department": "sales"}, {"phonenumber": "+1"}):
        with pytest.raises(ClientError) as raised:
            idp.sign_up(
                ClientId=default,
                Username="eve",
                Password=PASSWORD,
                UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()],
            )
        assert _error(raised) == UNAUTHORIZED
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool, Username="eve")

    idp.sign_up(
        ClientId=allowed,
        Username="eve",
        Password=PASSWORD,
        UserAttributes=[{"Name": "custom:department", "Value": "sales"}],
    )
    assert _attributes(idp.admin_get_user(UserPoolId=pool, Username="eve"))["custom:department"] == "sales"


def test_required_attributes_are_writable_by_every_client(aws: Any, idp: Any) -> None:
    """A pool's required attributes may be written even by a client whose WriteAttributes omit them.

    Source: DG "Attribute permissions and scopes" ("All app clients can write user pool
    required attributes").
    """
    required = {**EMAIL_SCHEMA, "Required": True}
    pool_id = idp.create_user_pool(PoolName=aws.unique("required"), Schema=[required])["UserPool"]["Id"]
    try:
        client_id = _client(idp, pool_id, WriteAttributes=["name"])
        idp.sign_up(
            ClientId=client_id,
            Username="fay",
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": "fay@example.com"}],
        )
    finally:
        idp.delete_user_pool(UserPoolId=pool_id)


def test_read_attributes_limit_get_user_and_the_id_token(idp: Any, pool: str) -> None:
    """GetUser and the ID token show only what the client may read; a default client reads more.

    Source: DG "Attribute permissions and scopes" ("Amazon Cognito only returns values for
    attributes that your app client can read"; "Your user's ID token ... only contains claims
    that correspond to the readable attributes"); API Reference ReadAttributes for the default.
    Custom attributes readable by default: UNCONFIRMED (see the module docstring).
    """
    narrow = _client(idp, pool, ReadAttributes=["email"])
    default = _client(idp, pool)
    _user(idp, pool, "gus", email="gus@example.com", name="Gus", **{"custom:department": "sales"})

    tokens = _tokens(idp, narrow, "gus")
    seen = _attributes(idp.get_user(AccessToken=tokens["AccessToken"]))
    assert set(seen) == {"sub", "email"}
    claims = _claims(tokens["IdToken"])
    assert claims["email"] == "gus@example.com"
    assert not {"name", "custom:department", "email_verified"} & set(claims)

    tokens = _tokens(idp, default, "gus")
    seen = _attributes(idp.get_user(AccessToken=tokens["AccessToken"]))
    assert {"sub", "email", "name", "custom:department"} <= set(seen)
    assert _claims(tokens["IdToken"])["custom:department"] == "sales"


@pytest.mark.parametrize("given", ["True", "TRUE", "true"])
def test_email_verified_true_in_any_case_is_verified(aws: Any, idp: Any, pool: str, given: str) -> None:
    """ "True" is kept as given, but counts as verified: a boolean true claim, and a recovery channel.

    Source: aws-amplify/amplify-js#8205 and #7917 (AdminCreateUser with "True": the address is
    verified, GetUser echoes "True"); DG "Understanding the identity (ID) token" (the claim is
    a JSON boolean); API Reference ForgotPassword (a code goes to a verified email).
    """
    client_id = _client(idp, pool)
    _user(idp, pool, "hal", email="hal@example.com", email_verified=given)
    tokens = _tokens(idp, client_id, "hal")
    assert _attributes(idp.get_user(AccessToken=tokens["AccessToken"]))["email_verified"] == given
    assert _claims(tokens["IdToken"])["email_verified"] is True
    sent = idp.forgot_password(ClientId=client_id, Username="hal")
    assert sent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"


def test_email_verified_false_in_any_case_is_not_verified(idp: Any, pool: str) -> None:
    """ "False" is not verified: the claim is false and password recovery has no channel.

    Source: API Reference ForgotPassword ("If neither a verified phone number nor a verified
    email exists, Amazon Cognito responds with an InvalidParameterException error").
    """
    client_id = _client(idp, pool)
    _user(idp, pool, "ivy", email="ivy@example.com", email_verified="False")
    assert _claims(_tokens(idp, client_id, "ivy")["IdToken"])["email_verified"] is False
    with pytest.raises(ClientError) as raised:
        idp.forgot_password(ClientId=client_id, Username="ivy")
    assert _error(raised)[0] == "InvalidParameterException"


def test_get_user_of_a_default_client_lists_sub_and_what_was_set(idp: Any, pool: str) -> None:
    """A plain user's GetUser lists sub and the attributes set, nothing else.

    Source: API Reference GetUser (UserAttributes) and CreateUserPoolClient ReadAttributes.
    """
    client_id = _client(idp, pool)
    _user(idp, pool, "jo", email="jo@example.com")
    seen = _attributes(idp.get_user(AccessToken=_tokens(idp, client_id, "jo")["AccessToken"]))
    assert set(seen) == {"sub", "email"}
