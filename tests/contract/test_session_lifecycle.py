"""The life of a session: refreshing, refresh-token rotation, revocation and sign-out, across both pools.

Sources: botocore's GetTokensFromRefreshToken, RefreshTokenRotationType, RevokeToken,
GlobalSignOut and AdminUserGlobalSignOut (the API Reference's text); the Developer Guide's
"Refresh tokens" (amazon-cognito-user-pools-using-the-refresh-token: "You can't authenticate with
REFRESH_TOKEN_AUTH in app clients with refresh token rotation enabled") and "Revoking tokens"
(token-revocation); the IAM User Guide's "Disabling permissions for temporary security
credentials" ("Temporary security credentials are valid until they expire, and they cannot be
revoked"); observed messages in shared/research/aws-semantics.md section 2. Texts marked
UNCONFIRMED in cognitoidp/exceptions.py are not asserted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jwt
import pytest
import requests
from botocore.exceptions import ClientError

PASSWORD = "Correct-horse-1"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def _pool(idp: Any, new_pool: Callable[..., str], **client_settings: Any) -> tuple[str, str]:
    pool_id = new_pool()
    client = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=client_settings.pop("flows", FLOWS),
        **client_settings,
    )
    for username in ("alice", "bob"):
        idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
        idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    return pool_id, client["UserPoolClient"]["ClientId"]


def _sign_in(idp: Any, client_id: str, username: str = "alice") -> dict[str, Any]:
    return idp.initiate_auth(  # type: ignore[no-any-return]
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]


def _refresh(idp: Any, client_id: str, refresh_token: str) -> dict[str, Any]:
    return idp.get_tokens_from_refresh_token(  # type: ignore[no-any-return]
        ClientId=client_id, RefreshToken=refresh_token
    )["AuthenticationResult"]


def _rotating(grace: int) -> dict[str, Any]:
    return {"RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": grace}}


# --- Refreshing -------------------------------------------------------------------------------------


def test_get_tokens_from_refresh_token_continues_the_sign_in(idp: Any, new_pool: Callable[..., str]) -> None:
    """GetTokensFromRefreshToken "issues new ID, access ... tokens for the user who owns the
    submitted token"; "If refresh token rotation is disabled, issues new ID and access tokens
    only": no RefreshToken, and the refresh token keeps working. The new tokens belong to the
    same sign-in (`origin_jti`, `auth_time`).

    botocore GetTokensFromRefreshToken; DG amazon-cognito-user-pools-using-tokens-with-identity-
    providers (origin_jti, auth_time).
    """
    _, client_id = _pool(idp, new_pool)
    first = _sign_in(idp, client_id)
    again = _refresh(idp, client_id, first["RefreshToken"])
    assert set(again) == {"AccessToken", "IdToken", "ExpiresIn", "TokenType"}
    before, after = _claims(first["AccessToken"]), _claims(again["AccessToken"])
    assert (after["origin_jti"], after["auth_time"]) == (before["origin_jti"], before["auth_time"])
    assert after["jti"] != before["jti"]
    assert "IdToken" in _refresh(idp, client_id, first["RefreshToken"])


def test_rotation_replaces_the_refresh_token_and_retires_the_old_one_after_the_grace_period(
    idp: Any, new_pool: Callable[..., str], offline_clock: Any
) -> None:
    """With RefreshTokenRotation ENABLED each refresh returns a new refresh token; "the original
    refresh token that you're rotating out can remain valid for a period of time of up to 60
    seconds. This allows for client-side retries"; afterwards it is refused with
    RefreshTokenReuseException ("a refresh token that has been invalidated by refresh-token
    rotation"). The new one works.

    botocore RefreshTokenRotationType (RetryGracePeriodSeconds), RefreshTokenReuseException.
    """
    _, client_id = _pool(idp, new_pool, **_rotating(10))
    original = _sign_in(idp, client_id)["RefreshToken"]
    rotated = _refresh(idp, client_id, original)
    assert rotated["RefreshToken"] != original
    offline_clock.advance(5)
    assert "AccessToken" in _refresh(idp, client_id, original)  # a retry within the grace period
    offline_clock.advance(6)
    with pytest.raises(ClientError) as reused:
        _refresh(idp, client_id, original)
    assert _error(reused)[0] == "RefreshTokenReuseException"
    assert _refresh(idp, client_id, rotated["RefreshToken"])["RefreshToken"] != rotated["RefreshToken"]


def test_without_a_grace_period_the_old_refresh_token_stops_at_once(
    idp: Any, new_pool: Callable[..., str]
) -> None:
    """ "When RetryGracePeriodSeconds is 0, the grace period is disabled and a successful request
    immediately invalidates the submitted refresh token" (botocore RefreshTokenRotationType)."""
    _, client_id = _pool(idp, new_pool, **_rotating(0))
    original = _sign_in(idp, client_id)["RefreshToken"]
    _refresh(idp, client_id, original)
    with pytest.raises(ClientError) as reused:
        _refresh(idp, client_id, original)
    assert _error(reused)[0] == "RefreshTokenReuseException"


def test_a_rotating_client_does_not_refresh_with_refresh_token_auth(
    idp: Any, new_pool: Callable[..., str]
) -> None:
    """ "You can't authenticate with REFRESH_TOKEN_AUTH in app clients with refresh token rotation
    enabled" (DG "Refresh tokens"); RefreshTokenRotationType: "Refresh token rotation must be
    completed with GetTokensFromRefreshToken". Which error AWS answers is UNCONFIRMED: only the
    refusal is asserted. DescribeUserPoolClient shows the setting."""
    pool_id, client_id = _pool(idp, new_pool, **_rotating(30))
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    assert described["RefreshTokenRotation"] == {"Feature": "ENABLED", "RetryGracePeriodSeconds": 30}
    refresh_token = _sign_in(idp, client_id)["RefreshToken"]
    with pytest.raises(ClientError):
        idp.initiate_auth(
            ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token}
        )


def test_the_grace_period_is_at_most_a_minute(idp: Any, new_pool: Callable[..., str]) -> None:
    """RetryGracePeriodSeconds: "Valid Range: Minimum value of 0. Maximum value of 60" (API
    Reference RefreshTokenRotationType); AWS validates the request with InvalidParameterException
    (its text is UNCONFIRMED)."""
    pool_id = new_pool()
    with pytest.raises(ClientError) as refused:
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", **_rotating(61))
    assert _error(refused)[0] == "InvalidParameterException"


# --- Revoking and signing out --------------------------------------------------------------------------


def test_revoke_token_ends_one_sign_in_and_its_access_tokens(idp: Any, new_pool: Callable[..., str]) -> None:
    """RevokeToken "Revokes all of the access tokens generated by, and at the same time as, the
    specified refresh token. After a token is revoked, you can't use the revoked token to access
    Amazon Cognito user APIs": the refresh token is refused ("Refresh Token has been revoked") and
    so are its access tokens ("Access Token has been revoked"); another sign-in of the same user
    is untouched.

    botocore RevokeToken; messages observed (aws-semantics.md section 2).
    """
    _, client_id = _pool(idp, new_pool)
    laptop, phone = _sign_in(idp, client_id), _sign_in(idp, client_id)
    refreshed = _refresh(idp, client_id, laptop["RefreshToken"])
    idp.revoke_token(ClientId=client_id, Token=laptop["RefreshToken"])
    for access_token in (laptop["AccessToken"], refreshed["AccessToken"]):
        with pytest.raises(ClientError) as refused:
            idp.get_user(AccessToken=access_token)
        assert _error(refused) == ("NotAuthorizedException", "Access Token has been revoked")
    with pytest.raises(ClientError) as refused_refresh:
        _refresh(idp, client_id, laptop["RefreshToken"])
    assert _error(refused_refresh) == ("NotAuthorizedException", "Refresh Token has been revoked")
    assert idp.get_user(AccessToken=phone["AccessToken"])["Username"] == "alice"
    assert "AccessToken" in _refresh(idp, client_id, phone["RefreshToken"])


def test_revoke_token_needs_token_revocation_and_a_refresh_token(
    idp: Any, new_pool: Callable[..., str]
) -> None:
    """A client with EnableTokenRevocation false cannot revoke (UnsupportedOperationException,
    botocore: "thrown when you attempt to perform an operation that isn't enabled for the user
    pool client"); an access token is not what RevokeToken takes (UnsupportedTokenTypeException;
    "Token: The refresh token that you want to revoke"). Their texts are UNCONFIRMED."""
    pool_id, client_id = _pool(idp, new_pool)
    plain = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="no-revocation", ExplicitAuthFlows=FLOWS, EnableTokenRevocation=False
    )["UserPoolClient"]["ClientId"]
    with pytest.raises(ClientError) as disabled:
        idp.revoke_token(ClientId=plain, Token=_sign_in(idp, plain)["RefreshToken"])
    assert _error(disabled)[0] == "UnsupportedOperationException"
    with pytest.raises(ClientError) as wrong_type:
        idp.revoke_token(ClientId=client_id, Token=_sign_in(idp, client_id)["AccessToken"])
    assert _error(wrong_type)[0] == "UnsupportedTokenTypeException"


def test_global_sign_out_refuses_the_users_access_and_refresh_tokens(
    idp: Any, new_pool: Callable[..., str]
) -> None:
    """GlobalSignOut (the user's own) and AdminUserGlobalSignOut (an administrator's): "Amazon
    Cognito returns an Access Token has been revoked error when your app attempts to authorize a
    user pools API request with a revoked access token"; "Amazon Cognito no longer accepts a
    signed-out user's refresh tokens in refresh requests" (GetTokensFromRefreshToken and
    REFRESH_TOKEN_AUTH). Other users keep their sessions.

    botocore GlobalSignOut, AdminUserGlobalSignOut; "Refresh Token has been revoked" observed
    (aws-semantics.md section 2).
    """
    pool_id, client_id = _pool(idp, new_pool)
    alice, bob = _sign_in(idp, client_id, "alice"), _sign_in(idp, client_id, "bob")
    idp.global_sign_out(AccessToken=alice["AccessToken"])
    idp.admin_user_global_sign_out(UserPoolId=pool_id, Username="bob")
    for tokens in (alice, bob):
        with pytest.raises(ClientError) as refused:
            idp.get_user(AccessToken=tokens["AccessToken"])
        assert _error(refused) == ("NotAuthorizedException", "Access Token has been revoked")
        with pytest.raises(ClientError) as refused_refresh:
            _refresh(idp, client_id, tokens["RefreshToken"])
        assert _error(refused_refresh) == ("NotAuthorizedException", "Refresh Token has been revoked")
        with pytest.raises(ClientError) as refused_flow:
            idp.initiate_auth(
                ClientId=client_id,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
            )
        assert _error(refused_flow) == ("NotAuthorizedException", "Refresh Token has been revoked")
    assert idp.get_user(AccessToken=_sign_in(idp, client_id, "alice")["AccessToken"])["Username"] == "alice"


# --- Across both pools ---------------------------------------------------------------------------------


def _jwks(aws: Any, pool_id: str) -> dict[str, Any]:
    """The pool's public keys, from its JWKS URL (at the endpoint: the same document, by path)."""
    if aws.mode == "server":
        found: dict[str, Any] = aws.lab_get(f"/{pool_id}/.well-known/jwks.json")
        return found
    url = f"https://cognito-idp.{aws.region}.amazonaws.com/{pool_id}/.well-known/jwks.json"
    return requests.get(url, timeout=10).json()  # type: ignore[no-any-return]


def test_sign_out_leaves_the_id_token_and_aws_credentials_already_issued_working(
    aws: Any, build: Any, idp: Any, new_pool: Callable[..., str]
) -> None:
    """After AdminUserGlobalSignOut the user pool refuses the user's access and refresh tokens,
    but the ID token still verifies with a JWT library ("Revoked tokens ... will still be valid if
    they are verified using any JWT library", DG token-revocation), an identity pool without
    ServerSideTokenCheck still accepts it (botocore GlobalSignOut: only with ServerSideTokenCheck
    does GetId refuse it), and the AWS credentials it already bought keep working: "Temporary
    security credentials are valid until they expire, and they cannot be revoked" (IAM User Guide
    id_credentials_temp_control-access_disable-perms).
    """
    pool_id, client_id = _pool(idp, new_pool)
    provider = build.provider(pool_id)
    identity_pool = build.identity_pool(
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id}],
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {"cognito-identity.amazonaws.com:aud": identity_pool},
                    "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
                },
            }
        ],
    }
    role = build.role(trust)
    allow = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}],
    }
    build.iam.put_role_policy(
        RoleName=role.split("/")[-1], PolicyName="list", PolicyDocument=json.dumps(allow)
    )
    build.ci.set_identity_pool_roles(IdentityPoolId=identity_pool, Roles={"authenticated": role})

    tokens = _sign_in(idp, client_id)
    logins = {provider: tokens["IdToken"]}
    identity = build.ci.get_id(IdentityPoolId=identity_pool, Logins=logins)["IdentityId"]
    credentials = build.ci.get_credentials_for_identity(IdentityId=identity, Logins=logins)["Credentials"]
    s3 = build.client_with("s3", credentials)
    s3.list_buckets()

    idp.admin_user_global_sign_out(UserPoolId=pool_id, Username="alice")
    with pytest.raises(ClientError) as refused:
        idp.get_user(AccessToken=tokens["AccessToken"])
    assert _error(refused) == ("NotAuthorizedException", "Access Token has been revoked")
    with pytest.raises(ClientError):
        _refresh(idp, client_id, tokens["RefreshToken"])

    keys = jwt.PyJWKSet.from_dict(_jwks(aws, pool_id))
    kid = jwt.get_unverified_header(tokens["IdToken"])["kid"]
    verified = jwt.decode(tokens["IdToken"], keys[kid].key, algorithms=["RS256"], audience=client_id)
    assert verified["cognito:username"] == "alice"
    s3.list_buckets()  # the credentials bought before signing out
    again = build.ci.get_credentials_for_identity(IdentityId=identity, Logins=logins)["Credentials"]
    assert again["AccessKeyId"]


def test_server_side_token_check_refuses_a_signed_out_or_deleted_users_id_token(
    build: Any, idp: Any, new_pool: Callable[..., str]
) -> None:
    """With `ServerSideTokenCheck` on the user pool's provider, "that identity pool will check with
    the integrated user pools to make sure that the user has not been globally signed out or deleted
    before the identity pool provides an OIDC token or AWS credentials for the user. If the user is
    signed out or deleted, the identity pool will return a 400 Not Authorized error" (Cognito
    Identity API Reference, CognitoIdentityProvider). A sign-in after the sign-out is accepted.
    Without the check the same token is accepted (the test above). The message is UNCONFIRMED.
    """
    pool_id, client_id = _pool(idp, new_pool)
    provider = build.provider(pool_id)
    checked = {"ProviderName": provider, "ClientId": client_id, "ServerSideTokenCheck": True}
    identity_pool = build.identity_pool(CognitoIdentityProviders=[checked])
    before = _sign_in(idp, client_id)["IdToken"]
    assert build.ci.get_id(IdentityPoolId=identity_pool, Logins={provider: before})["IdentityId"]
    bob = _sign_in(idp, client_id, "bob")["IdToken"]

    idp.admin_user_global_sign_out(UserPoolId=pool_id, Username="alice")
    idp.admin_delete_user(UserPoolId=pool_id, Username="bob")
    for token in (before, bob):
        with pytest.raises(ClientError) as refused:
            build.ci.get_id(IdentityPoolId=identity_pool, Logins={provider: token})
        assert _error(refused)[0] == "NotAuthorizedException"
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    after = _sign_in(idp, client_id)["IdToken"]
    assert build.ci.get_id(IdentityPoolId=identity_pool, Logins={provider: after})["IdentityId"]
