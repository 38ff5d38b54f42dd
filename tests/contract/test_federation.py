"""Other identity providers in front of identity pools and STS, as AWS documents and answers them.

Covered: an OpenID Connect provider registered in IAM ("Sign in with Google"-style; the
offline lab signs its tokens with its own provider at https://accounts.example.com),
social providers in SupportedLoginProviders, developer-authenticated identities ("your
own authentication system"), one person with two providers, a guest who signs in later,
and the Cognito Identity keys that verify the basic flow's tokens.

Sources: the Cognito Developer Guide (DG) pages named in each test, the Cognito Identity,
STS and IAM API references, the IAM User Guide (IAM UG), and AWS responses quoted in
public GitHub issues (shared/research/aws-semantics.md). Tests that need the offline
identity provider skip on real AWS: AWS cannot fetch the keys of a provider that only
exists in this process.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
import requests
from botocore.exceptions import ClientError

PASSWORD = "Correct-Horse-9!"
ISSUER = "https://accounts.example.com"
HOST = "accounts.example.com"
PARTNER_ISSUER = "https://login.partner.example"
CLIENT = "notes-web"
DEVELOPER = "login.notes.example"
COGNITO = "cognito-identity.amazonaws.com"
COGNITO_IDENTITY_JWKS_URL = "https://cognito-identity.amazonaws.com/.well-known/jwks_uri"
THUMBPRINT = "0" * 40


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    err = raised.value.response["Error"]
    return err["Code"], err["Message"]


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def tampered(token: str, **changes: Any) -> str:
    """The same token with changed claims and the original signature: a forgery."""
    header, _, signature = token.split(".")
    payload = base64.urlsafe_b64encode(json.dumps({**claims_of(token), **changes}).encode())
    return f"{header}.{payload.rstrip(b'=').decode()}.{signature}"


def pool_trust(pool_id: str, amr: str) -> dict[str, Any]:
    """The identity pool trust policy the DG recommends (role-trust-and-permissions)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": COGNITO},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {f"{COGNITO}:aud": pool_id},
                    "ForAnyValue:StringLike": {f"{COGNITO}:amr": amr},
                },
            }
        ],
    }


class Federation:
    """A user pool with alice and bob, who sign in with PASSWORD, and the identity pools and roles
    the tests build on it (with conftest's `build`, which deletes them all afterwards)."""

    def __init__(self, build: Any, user_pool_id: str, client_id: str) -> None:
        self.build, self.user_pool_id, self.client_id = build, user_pool_id, client_id
        self.ci, self.iam, self.sts = build.ci, build.iam, build.sts
        self.user_pool_provider = build.provider(user_pool_id)

    def user_pool_login(self, username: str) -> dict[str, str]:
        result = self.build.idp.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )
        return {self.user_pool_provider: result["AuthenticationResult"]["IdToken"]}

    def identity_pool(self, **settings: Any) -> str:
        return str(self.build.identity_pool(**settings))

    def role(self, trust: dict[str, Any]) -> str:
        return str(self.build.role(trust))

    def with_roles(self, pool_id: str) -> tuple[str, str]:
        auth = self.role(pool_trust(pool_id, "authenticated"))
        unauth = self.role(pool_trust(pool_id, "unauthenticated"))
        self.ci.set_identity_pool_roles(
            IdentityPoolId=pool_id, Roles={"authenticated": auth, "unauthenticated": unauth}
        )
        return auth, unauth

    def assumed_role(self, credentials: dict[str, Any]) -> str:
        """The role name in the caller ARN of these credentials."""
        caller = self.build.client_with("sts", credentials).get_caller_identity()
        return str(caller["Arn"].split("/")[1])


@pytest.fixture(scope="module")
def fed(build: Any) -> Federation:
    return Federation(build, *build.user_pool(("alice", "bob"), PASSWORD))


@dataclass
class OfflineIdentityProvider:
    """The lab's "Sign in with Google" stand-in, reached the way the current mode allows:
    functions in this process, or the local endpoint's /_lab/oidc routes."""

    aws: Any

    def token(self, user: str, client_id: str = CLIENT, issuer: str = ISSUER, **extra: Any) -> str:
        if self.aws.mode == "server":
            body = {"user": user, "client_id": client_id, "issuer": issuer, **extra}
            return self.aws.lab_post("/_lab/oidc/token", body)["id_token"]
        from helpers.offline import standin_idp

        lifetime = extra.pop("expires_in", standin_idp.ID_TOKEN_SECONDS)
        return standin_idp.mint_id_token(user, client_id, issuer=issuer, lifetime_seconds=lifetime, **extra)

    def login(self, user: str, **extra: Any) -> dict[str, str]:
        return {HOST: self.token(user, **extra)}

    @property
    def discovery_url(self) -> str:
        if self.aws.mode == "server":
            return f"{self.aws.endpoint_url}/_lab/oidc/.well-known/openid-configuration"
        return f"{ISSUER}/.well-known/openid-configuration"


@pytest.fixture
def offline_idp(aws: Any) -> OfflineIdentityProvider:
    if aws.mode == "real":
        pytest.skip("AWS cannot fetch the keys of the lab's offline identity provider")
    return OfflineIdentityProvider(aws)


@dataclass
class OidcSetup:
    provider_arn: str
    pool_id: str
    auth_role: str
    unauth_role: str


@pytest.fixture(scope="module")
def oidc_setup(aws: Any, build: Any, fed: Federation) -> OidcSetup:
    """The offline provider registered in IAM, and a pool trusting it and the user pool."""
    if aws.mode == "real":
        pytest.skip("AWS cannot fetch the keys of the lab's offline identity provider")
    arn = build.oidc_provider(ISSUER, CLIENT, THUMBPRINT)
    pool_id = fed.identity_pool(
        OpenIdConnectProviderARNs=[arn],
        CognitoIdentityProviders=[{"ProviderName": fed.user_pool_provider, "ClientId": fed.client_id}],
    )
    auth, unauth = fed.with_roles(pool_id)
    return OidcSetup(arn, pool_id, auth, unauth)


@pytest.fixture
def cognito_identity_keys(aws: Any) -> Callable[[], dict[str, Any]]:
    """Fetch Cognito Identity's published JWKS where this mode publishes it."""

    def fetch() -> dict[str, Any]:
        if aws.mode == "server":
            return aws.lab_get("/.well-known/jwks_uri")
        return requests.get(COGNITO_IDENTITY_JWKS_URL, timeout=10).json()

    return fetch


# --- the offline identity provider (the lab's, not an AWS service) -------------------------


def test_offline_provider_publishes_its_keys_like_an_oidc_provider(
    offline_idp: OfflineIdentityProvider,
) -> None:
    """Any OIDC provider announces its keys through /.well-known/openid-configuration
    (OpenID Connect Discovery 1.0); its ID tokens verify with them. This is what AWS
    fetches before trusting a token (DG open-id: "The signature must be valid")."""
    discovery = requests.get(offline_idp.discovery_url, timeout=10).json()
    assert discovery["issuer"] == ISSUER
    keys = requests.get(discovery["jwks_uri"], timeout=10).json()
    token = offline_idp.token("alice", email="alice@example.com")
    key = jwt.PyJWKSet.from_dict(keys)[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=CLIENT, issuer=ISSUER)
    assert claims["email"] == "alice@example.com"
    assert (
        claims["sub"]
        == claims_of(offline_idp.token("alice"))["sub"]
        != claims_of(offline_idp.token("bob"))["sub"]
    )


# --- IAM OIDC providers in identity pools ---------------------------------------------------


def test_oidc_login_gets_a_stable_identity_and_credentials(
    fed: Federation, oidc_setup: OidcSetup, offline_idp: OfflineIdentityProvider
) -> None:
    """An OIDC provider's ID token goes in Logins under the provider's URI without scheme
    (DG open-id, botocore GetId); the same user always gets the same identity, another user
    another one, and the credentials are the authenticated role's (DG authentication-flow)."""
    pool_id = oidc_setup.pool_id
    alice = fed.ci.get_id(IdentityPoolId=pool_id, Logins=offline_idp.login("alice"))["IdentityId"]
    again = fed.ci.get_id(IdentityPoolId=pool_id, Logins=offline_idp.login("alice"))["IdentityId"]
    bob = fed.ci.get_id(IdentityPoolId=pool_id, Logins=offline_idp.login("bob"))["IdentityId"]
    assert alice == again != bob
    assert fed.ci.describe_identity(IdentityId=alice)["Logins"] == [HOST]
    result = fed.ci.get_credentials_for_identity(IdentityId=alice, Logins=offline_idp.login("alice"))
    assert result["IdentityId"] == alice
    assert fed.assumed_role(result["Credentials"]) == oidc_setup.auth_role.split("/")[-1]


def test_amr_names_the_oidc_provider(
    fed: Federation, oidc_setup: OidcSetup, offline_idp: OfflineIdentityProvider
) -> None:
    """amr holds "authenticated" and the name of the login provider (IAM UG
    condition-keys-wif), so a trust policy can admit one provider only. What AWS adds after
    the provider name for OIDC logins is not documented; the lab adds nothing."""
    pool_id = fed.identity_pool(
        OpenIdConnectProviderARNs=[oidc_setup.provider_arn],
        CognitoIdentityProviders=[{"ProviderName": fed.user_pool_provider, "ClientId": fed.client_id}],
    )
    only_oidc = fed.role(pool_trust(pool_id, HOST))
    fed.ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": only_oidc})
    logins = offline_idp.login("alice")
    identity_id = fed.ci.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    token = fed.ci.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]
    assert claims_of(token)["amr"] == ["authenticated", HOST]
    fed.ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    user_pool_login = fed.user_pool_login("bob")
    bob = fed.ci.get_id(IdentityPoolId=pool_id, Logins=user_pool_login)["IdentityId"]
    with pytest.raises(ClientError) as raised:
        fed.ci.get_credentials_for_identity(IdentityId=bob, Logins=user_pool_login)
    assert error_of(raised) == (
        "InvalidIdentityPoolConfigurationException",
        "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
    )


@pytest.mark.parametrize(
    ("claims", "accepted"),
    [
        ({"client_id": "another-app"}, False),
        ({"client_id": "another-app", "azp": CLIENT}, True),
        ({"azp": "another-app"}, False),
    ],
    ids=["aud not listed", "azp listed", "azp not listed"],
)
def test_oidc_token_audience(
    fed: Federation,
    oidc_setup: OidcSetup,
    offline_idp: OfflineIdentityProvider,
    claims: dict[str, str],
    accepted: bool,
) -> None:
    """azp, or aud when there is no azp, must be one of the IAM provider's client ids (DG
    open-id). The error text for a wrong audience is UNCONFIRMED (STS's is "Incorrect token
    audience"); the code is Cognito's NotAuthorizedException."""
    logins = offline_idp.login("carol", **claims)
    if accepted:
        assert fed.ci.get_id(IdentityPoolId=oidc_setup.pool_id, Logins=logins)["IdentityId"]
        return
    with pytest.raises(ClientError) as raised:
        fed.ci.get_id(IdentityPoolId=oidc_setup.pool_id, Logins=logins)
    assert error_of(raised) == ("NotAuthorizedException", "Invalid login token. Incorrect token audience.")


def test_logins_key_must_be_the_issuer(
    fed: Federation, oidc_setup: OidcSetup, offline_idp: OfflineIdentityProvider
) -> None:
    """ "The iss parameter must match the key used in the logins map" (DG open-id); AWS
    answers "Issuer doesn't match providerName" (aws-amplify/aws-sdk-android#444)."""
    with pytest.raises(ClientError) as raised:
        fed.ci.get_id(
            IdentityPoolId=oidc_setup.pool_id, Logins={f"https://{HOST}": offline_idp.token("alice")}
        )
    assert error_of(raised) == (
        "NotAuthorizedException",
        "Invalid login token. Issuer doesn't match providerName",
    )


def test_oidc_provider_the_pool_does_not_trust(
    build: Any, fed: Federation, oidc_setup: OidcSetup, offline_idp: OfflineIdentityProvider
) -> None:
    """A provider registered in IAM but not added to the pool: "Token is not from a
    supported provider of this identity pool." (amazon-cognito-identity-js#153)."""
    build.oidc_provider(PARTNER_ISSUER, CLIENT, THUMBPRINT)
    token = offline_idp.token("alice", issuer=PARTNER_ISSUER)
    with pytest.raises(ClientError) as raised:
        fed.ci.get_id(IdentityPoolId=oidc_setup.pool_id, Logins={"login.partner.example": token})
    assert error_of(raised) == (
        "NotAuthorizedException",
        "Token is not from a supported provider of this identity pool.",
    )


def test_forged_oidc_token(
    fed: Federation, oidc_setup: OidcSetup, offline_idp: OfflineIdentityProvider
) -> None:
    """The signature must verify against the provider's keys (DG open-id): a token whose
    claims were changed after signing is refused with "Couldn't verify signed token."
    (observed, amazon-cognito-identity-js#91)."""
    forged = tampered(offline_idp.token("bob"), sub=claims_of(offline_idp.token("alice"))["sub"])
    with pytest.raises(ClientError) as raised:
        fed.ci.get_id(IdentityPoolId=oidc_setup.pool_id, Logins={HOST: forged})
    assert error_of(raised) == (
        "NotAuthorizedException",
        "Invalid login token. Couldn't verify signed token.",
    )


def test_rules_role_mapping_on_oidc_claims(
    fed: Federation, oidc_setup: OidcSetup, offline_idp: OfflineIdentityProvider
) -> None:
    """An OIDC provider's RoleMappings key is its name (API SetIdentityPoolRoles); rules
    match the token's claims (DG role-based-access-control), and Deny names the provider:
    "The ambiguous role mapping rules for: accounts.google.com denied this request."
    (observed wording, aws-amplify/amplify-js#3621)."""
    pool_id = fed.identity_pool(OpenIdConnectProviderARNs=[oidc_setup.provider_arn])
    staff = fed.role(pool_trust(pool_id, "authenticated"))
    fed.ci.set_identity_pool_roles(
        IdentityPoolId=pool_id,
        Roles={"authenticated": fed.role(pool_trust(pool_id, "authenticated"))},
        RoleMappings={
            HOST: {
                "Type": "Rules",
                "AmbiguousRoleResolution": "Deny",
                "RulesConfiguration": {
                    "Rules": [
                        {"Claim": "email", "MatchType": "Contains", "Value": "@staff.", "RoleARN": staff}
                    ]
                },
            }
        },
    )
    staff_login = offline_idp.login("dana", email="dana@staff.example.com")
    dana = fed.ci.get_id(IdentityPoolId=pool_id, Logins=staff_login)["IdentityId"]
    credentials = fed.ci.get_credentials_for_identity(IdentityId=dana, Logins=staff_login)["Credentials"]
    assert fed.assumed_role(credentials) == staff.split("/")[-1]
    guest_login = offline_idp.login("erin", email="erin@example.com")
    erin = fed.ci.get_id(IdentityPoolId=pool_id, Logins=guest_login)["IdentityId"]
    with pytest.raises(ClientError) as raised:
        fed.ci.get_credentials_for_identity(IdentityId=erin, Logins=guest_login)
    assert error_of(raised) == (
        "NotAuthorizedException",
        f"The ambiguous role mapping rules for: {HOST} denied this request.",
    )


# --- social providers in SupportedLoginProviders ------------------------------------------


def test_supported_login_provider_uses_the_configured_app_id(
    fed: Federation, offline_idp: OfflineIdentityProvider
) -> None:
    """A social provider is configured as "provider": "app id" (API CreateIdentityPool);
    its ID token's aud must be that app. Offline, the lab's provider stands where
    accounts.google.com would be."""
    pool_id = fed.identity_pool(SupportedLoginProviders={HOST: CLIENT})
    fed.with_roles(pool_id)
    logins = offline_idp.login("alice")
    identity_id = fed.ci.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    assert (
        fed.ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["IdentityId"]
        == identity_id
    )
    with pytest.raises(ClientError) as raised:
        fed.ci.get_id(IdentityPoolId=pool_id, Logins=offline_idp.login("alice", client_id="another-app"))
    assert error_of(raised) == ("NotAuthorizedException", "Invalid login token. Incorrect token audience.")


def test_token_not_signed_by_google(fed: Federation) -> None:
    """accounts.google.com tokens must carry Google's signature (DG google; DG open-id
    validation steps); one signed by anybody else is refused (observed text,
    amazon-cognito-identity-js#91)."""
    pool_id = fed.identity_pool(
        SupportedLoginProviders={"accounts.google.com": "1234.apps.googleusercontent.com"}
    )
    claims = {
        "iss": "https://accounts.google.com",
        "aud": "1234.apps.googleusercontent.com",
        "sub": "1",
        "exp": 2**31,
    }
    not_googles = jwt.encode(claims, "a shared secret is not Google's key", algorithm="HS256")
    with pytest.raises(ClientError) as raised:
        fed.ci.get_id(IdentityPoolId=pool_id, Logins={"accounts.google.com": not_googles})
    assert error_of(raised) == (
        "NotAuthorizedException",
        "Invalid login token. Couldn't verify signed token.",
    )


# --- STS AssumeRoleWithWebIdentity with an IAM OIDC provider ------------------------------


def _oidc_trust(provider_arn: str, subject: str) -> dict[str, Any]:
    """IAM UG id_roles_create_for-idp_oidc: Federated is the provider's ARN, conditions on
    <provider>:aud and <provider>:sub."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{HOST}:aud": CLIENT, f"{HOST}:sub": subject}},
            }
        ],
    }


def test_assume_role_with_web_identity_with_an_oidc_token(
    fed: Federation, oidc_setup: OidcSetup, offline_idp: OfflineIdentityProvider
) -> None:
    """STS trusts an IAM OIDC provider's tokens for roles that name it; the answer carries
    the token's sub and audience, and Provider is the token's iss (STS API
    AssumeRoleWithWebIdentity). A trust policy for another user refuses with AccessDenied
    "Not authorized to perform sts:AssumeRoleWithWebIdentity" (DG role-trust-and-permissions)."""
    token = offline_idp.token("alice")
    alice_sub = claims_of(token)["sub"]
    role_arn = fed.role(_oidc_trust(oidc_setup.provider_arn, alice_sub))
    result = fed.sts.assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="alice", WebIdentityToken=token
    )
    assert result["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert (result["SubjectFromWebIdentityToken"], result["Audience"], result["Provider"]) == (
        alice_sub,
        CLIENT,
        ISSUER,
    )
    with pytest.raises(ClientError) as raised:
        fed.sts.assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName="bob", WebIdentityToken=offline_idp.token("bob")
        )
    assert error_of(raised) == ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")


@pytest.mark.parametrize("problem", ["audience", "unregistered issuer", "forged"])
def test_assume_role_with_web_identity_refuses_bad_oidc_tokens(
    fed: Federation, oidc_setup: OidcSetup, offline_idp: OfflineIdentityProvider, problem: str
) -> None:
    """InvalidIdentityToken: "Incorrect token audience" (observed,
    awslabs/amazon-eks-irsa-cfn#18), "No OpenIDConnect provider found in your account for
    <iss>" (aws-actions/configure-aws-credentials#721), or the token "could not be
    validated" (botocore STS InvalidIdentityTokenException)."""
    role_arn = fed.role(_oidc_trust(oidc_setup.provider_arn, "anyone"))
    token, message = {
        "audience": (offline_idp.token("alice", client_id="another-app"), "Incorrect token audience"),
        "unregistered issuer": (
            offline_idp.token("alice", issuer="https://login.unregistered.example"),
            "No OpenIDConnect provider found in your account for https://login.unregistered.example",
        ),
        "forged": (
            tampered(offline_idp.token("alice"), sub="anyone"),
            "The web identity token that was passed could not be validated by AWS. "
            "Get a new identity token from the identity provider and then retry the request.",
        ),
    }[problem]
    with pytest.raises(ClientError) as raised:
        fed.sts.assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName="refused", WebIdentityToken=token
        )
    assert error_of(raised) == ("InvalidIdentityToken", message)


# --- developer-authenticated identities ---------------------------------------------------


@pytest.fixture(scope="module")
def developer_pool(fed: Federation) -> tuple[str, str, str]:
    pool_id = fed.identity_pool(DeveloperProviderName=DEVELOPER)
    auth, unauth = fed.with_roles(pool_id)
    return pool_id, auth, unauth


def test_developer_identity_token_and_credentials(
    fed: Federation, developer_pool: tuple[str, str, str]
) -> None:
    """Your backend calls GetOpenIdTokenForDeveloperIdentity with Logins
    {DeveloperProviderName: your user id}; the token (15 minutes by default) goes to
    GetCredentialsForIdentity under cognito-identity.amazonaws.com and gets the default
    authenticated role (DG developer-authenticated-identities; API references). The same
    user id always maps to the same identity."""
    pool_id, auth, _ = developer_pool
    first = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: "user-1"}
    )
    again = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: "user-1"}
    )
    identity_id = first["IdentityId"]
    assert again["IdentityId"] == identity_id
    claims = claims_of(first["Token"])
    assert (claims["iss"], claims["aud"], claims["sub"]) == (f"https://{COGNITO}", pool_id, identity_id)
    assert claims["amr"][0] == "authenticated" and DEVELOPER in claims["amr"]
    assert claims["exp"] - claims["iat"] == 900
    assert fed.ci.describe_identity(IdentityId=identity_id)["Logins"] == [DEVELOPER]
    result = fed.ci.get_credentials_for_identity(IdentityId=identity_id, Logins={COGNITO: first["Token"]})
    assert fed.assumed_role(result["Credentials"]) == auth.split("/")[-1]


def test_developer_token_duration(fed: Federation, developer_pool: tuple[str, str, str]) -> None:
    """TokenDuration sets the lifetime, at most 24 hours (API
    GetOpenIdTokenForDeveloperIdentity; botocore max 86400)."""
    pool_id = developer_pool[0]
    token = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: "user-2"}, TokenDuration=3600
    )["Token"]
    assert claims_of(token)["exp"] - claims_of(token)["iat"] == 3600
    with pytest.raises(ClientError) as raised:
        fed.ci.get_open_id_token_for_developer_identity(
            IdentityPoolId=pool_id, Logins={DEVELOPER: "user-2"}, TokenDuration=86401
        )
    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value '86401' at 'tokenDuration' failed to satisfy constraint: "
        "Member must have value less than or equal to 86400",
    )


def test_developer_provider_name_must_be_the_pools(
    fed: Federation, developer_pool: tuple[str, str, str]
) -> None:
    """A name the pool does not have: "This identity pool does not support the specified
    developer provider" (observed, danilop/LambdAuth#32; error code UNCONFIRMED)."""
    with pytest.raises(ClientError) as raised:
        fed.ci.get_open_id_token_for_developer_identity(
            IdentityPoolId=developer_pool[0], Logins={"login.other.example": "user-1"}
        )
    assert error_of(raised) == (
        "NotAuthorizedException",
        "This identity pool does not support the specified developer provider",
    )


def test_developer_token_of_another_identity_is_forbidden(
    fed: Federation, developer_pool: tuple[str, str, str]
) -> None:
    """A token proves one identity: presenting it for another one is refused like another
    user's login ("Access to Identity '...' is forbidden.", aws-amplify/amplify-swift#4278)."""
    pool_id = developer_pool[0]
    token = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: "user-3"}
    )
    other = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: "user-4"}
    )
    with pytest.raises(ClientError) as raised:
        fed.ci.get_credentials_for_identity(IdentityId=other["IdentityId"], Logins={COGNITO: token["Token"]})
    assert error_of(raised) == (
        "NotAuthorizedException",
        f"Access to Identity '{other['IdentityId']}' is forbidden.",
    )


def test_developer_token_in_the_basic_flow(fed: Federation, developer_pool: tuple[str, str, str]) -> None:
    """The token can also be exchanged with STS directly (API
    GetOpenIdTokenForDeveloperIdentity: "You can exchange the token with Amazon STS")."""
    pool_id, auth, _ = developer_pool
    result = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: "user-5"}
    )
    assumed = fed.sts.assume_role_with_web_identity(
        RoleArn=auth, RoleSessionName="dev", WebIdentityToken=result["Token"]
    )
    assert assumed["SubjectFromWebIdentityToken"] == result["IdentityId"]


def test_lookup_developer_identity(fed: Federation, developer_pool: tuple[str, str, str]) -> None:
    """LookupDeveloperIdentity finds the identity of a user id and the user ids of an
    identity; with both it checks they match, else ResourceConflictException (API reference;
    the message text is UNCONFIRMED)."""
    pool_id = developer_pool[0]
    six = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: "user-6"}
    )
    seven = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: "user-7"}
    )
    by_user = fed.ci.lookup_developer_identity(IdentityPoolId=pool_id, DeveloperUserIdentifier="user-6")
    by_identity = fed.ci.lookup_developer_identity(IdentityPoolId=pool_id, IdentityId=six["IdentityId"])
    assert by_user["IdentityId"] == by_identity["IdentityId"] == six["IdentityId"]
    assert by_user["DeveloperUserIdentifierList"] == by_identity["DeveloperUserIdentifierList"] == ["user-6"]
    with pytest.raises(ClientError) as raised:
        fed.ci.lookup_developer_identity(
            IdentityPoolId=pool_id, IdentityId=seven["IdentityId"], DeveloperUserIdentifier="user-6"
        )
    assert error_of(raised) == (
        "ResourceConflictException",
        "The identity ID and developer user identifier do not match.",
    )


def test_merge_and_unlink_developer_identities(fed: Federation, developer_pool: tuple[str, str, str]) -> None:
    """MergeDeveloperIdentities moves the source user to the destination's identity;
    UnlinkDeveloperIdentity forgets a user id, who is "considered a new identity next time"
    (API references)."""
    pool_id = developer_pool[0]
    source = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: "user-8"}
    )
    target = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: "user-9"}
    )
    merged = fed.ci.merge_developer_identities(
        SourceUserIdentifier="user-8",
        DestinationUserIdentifier="user-9",
        DeveloperProviderName=DEVELOPER,
        IdentityPoolId=pool_id,
    )
    assert merged["IdentityId"] == target["IdentityId"]
    found = fed.ci.lookup_developer_identity(IdentityPoolId=pool_id, IdentityId=target["IdentityId"])
    assert sorted(found["DeveloperUserIdentifierList"]) == ["user-8", "user-9"]
    again = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: "user-8"}
    )
    assert again["IdentityId"] == target["IdentityId"] != source["IdentityId"]
    fed.ci.unlink_developer_identity(
        IdentityId=target["IdentityId"],
        IdentityPoolId=pool_id,
        DeveloperProviderName=DEVELOPER,
        DeveloperUserIdentifier="user-8",
    )
    fresh = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: "user-8"}
    )
    assert fresh["IdentityId"] not in (target["IdentityId"], source["IdentityId"])


def test_guest_becomes_a_developer_identity(fed: Federation, developer_pool: tuple[str, str, str]) -> None:
    """Passing the guest's IdentityId links your user to it ("you are making an
    unauthenticated user authenticated", DG developer-authenticated-identities); a user id
    already registered to another identity is refused with
    DeveloperUserAlreadyRegisteredException (API reference; its message is botocore's
    description of the error, the exact text is UNCONFIRMED)."""
    pool_id = developer_pool[0]
    guest = fed.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    linked = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, IdentityId=guest, Logins={DEVELOPER: "user-10"}
    )
    assert linked["IdentityId"] == guest
    other_guest = fed.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    with pytest.raises(ClientError) as raised:
        fed.ci.get_open_id_token_for_developer_identity(
            IdentityPoolId=pool_id, IdentityId=other_guest, Logins={DEVELOPER: "user-10"}
        )
    assert error_of(raised) == (
        "DeveloperUserAlreadyRegisteredException",
        "The provided developer user identifier is already registered with Cognito under a different "
        "identity ID.",
    )


# --- one person, two providers; a guest who signs in later --------------------------------


def test_one_person_two_providers_one_identity(
    fed: Federation, oidc_setup: OidcSetup, offline_idp: OfflineIdentityProvider
) -> None:
    """Presenting a second provider's token together with the first links it to the same
    identity ("Supplying multiple logins creates an implicit link", API GetOpenIdToken);
    afterwards either login alone finds that identity, and amr lists both providers."""
    pool_id = oidc_setup.pool_id
    user_pool = fed.user_pool_login("alice")
    identity_id = fed.ci.get_id(IdentityPoolId=pool_id, Logins=user_pool)["IdentityId"]
    both = {**user_pool, **offline_idp.login("alice-at-example")}
    result = fed.ci.get_credentials_for_identity(IdentityId=identity_id, Logins=both)
    assert result["IdentityId"] == identity_id
    assert sorted(fed.ci.describe_identity(IdentityId=identity_id)["Logins"]) == sorted(
        [fed.user_pool_provider, HOST]
    )
    found = fed.ci.get_id(IdentityPoolId=pool_id, Logins=offline_idp.login("alice-at-example"))
    assert found["IdentityId"] == identity_id
    amr = claims_of(fed.ci.get_open_id_token(IdentityId=identity_id, Logins=both)["Token"])["amr"]
    assert {fed.user_pool_provider, HOST} <= set(amr)


def test_guest_signs_in_later_with_an_oidc_provider(
    fed: Federation, oidc_setup: OidcSetup, offline_idp: OfflineIdentityProvider
) -> None:
    """A guest that signs in with a login new to the pool keeps its identity id; the
    login then finds that identity (DG authentication-flow; API GetCredentialsForIdentity)."""
    pool_id = oidc_setup.pool_id
    guest = fed.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    logins = offline_idp.login("frank")
    credentials = fed.ci.get_credentials_for_identity(IdentityId=guest, Logins=logins)
    assert credentials["IdentityId"] == guest
    assert fed.assumed_role(credentials["Credentials"]) == oidc_setup.auth_role.split("/")[-1]
    assert fed.ci.get_id(IdentityPoolId=pool_id, Logins=offline_idp.login("frank"))["IdentityId"] == guest


# --- Cognito Identity's published keys ------------------------------------------------------


def test_basic_flow_token_verifies_with_cognito_identitys_published_keys(
    fed: Federation, developer_pool: tuple[str, str, str], cognito_identity_keys: Callable[[], dict[str, Any]]
) -> None:
    """Cognito Identity signs its OpenID tokens with keys published at
    https://cognito-identity.amazonaws.com/.well-known/jwks_uri (DG authentication-flow;
    awslabs/aws-jwt-verify#89): any backend can verify a token with them."""
    pool_id = developer_pool[0]
    guest = fed.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    token = fed.ci.get_open_id_token(IdentityId=guest)["Token"]
    header = jwt.get_unverified_header(token)
    key = jwt.PyJWKSet.from_dict(cognito_identity_keys())[header["kid"]]
    claims = jwt.decode(
        token, key.key, algorithms=[header["alg"]], audience=pool_id, issuer=f"https://{COGNITO}"
    )
    assert (claims["sub"], claims["amr"]) == (guest, ["unauthenticated"])


# --- expiry (these move the offline clock forward) -----------------------------------------


def test_expired_oidc_token_after_five_minutes_of_grace(
    fed: Federation, oidc_setup: OidcSetup, offline_idp: OfflineIdentityProvider, offline_clock: Any
) -> None:
    """Cognito allows "a grace period of 5 minutes to handle any clock skew" (DG open-id);
    after that: "Invalid login token. Token expired: <now> >= <exp>" (observed format,
    qqaatw/JciHitachiHA#33)."""
    token = offline_idp.token("gina", expires_in=60)
    expires = claims_of(token)["exp"]
    offline_clock.advance(60 + 240)
    assert fed.ci.get_id(IdentityPoolId=oidc_setup.pool_id, Logins={HOST: token})["IdentityId"]
    offline_clock.advance(61)
    with pytest.raises(ClientError) as raised:
        fed.ci.get_id(IdentityPoolId=oidc_setup.pool_id, Logins={HOST: token})
    code, message = error_of(raised)
    found = re.fullmatch(r"Invalid login token\. Token expired: (\d+) >= (\d+)", message)
    assert code == "NotAuthorizedException"
    assert found and int(found.group(2)) == expires and int(found.group(1)) >= expires + 300


def test_expired_developer_token(
    fed: Federation, developer_pool: tuple[str, str, str], offline_clock: Any
) -> None:
    """A developer identity's token lasts TokenDuration (API
    GetOpenIdTokenForDeveloperIdentity); after that Cognito refuses it like any expired
    login token (qqaatw/JciHitachiHA#33 format)."""
    pool_id = developer_pool[0]
    result = fed.ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool_id, Logins={DEVELOPER: "user-11"}, TokenDuration=60
    )
    offline_clock.advance(61)
    with pytest.raises(ClientError) as raised:
        fed.ci.get_credentials_for_identity(
            IdentityId=result["IdentityId"], Logins={COGNITO: result["Token"]}
        )
    code, message = error_of(raised)
    assert code == "NotAuthorizedException"
    assert re.fullmatch(
        rf"Invalid login token\. Token expired: \d+ >= {claims_of(result['Token'])['exp']}", message
    )
