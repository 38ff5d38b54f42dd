"""Identity pools (Cognito Identity) and web-identity STS, as AWS documents and answers them.

Sources named in each test: the Cognito Developer Guide (DG), the Cognito Identity and
STS API references, and AWS responses quoted in public GitHub issues (collected in
shared/research/aws-semantics.md). ID tokens come from USER_PASSWORD_AUTH so these tests
do not depend on SRP.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

PASSWORD = "Correct-Horse-9!"
GUEST_AMR = "unauthenticated"
TRUST_ACTION = "sts:AssumeRoleWithWebIdentity"
FEDERATED = "cognito-identity.amazonaws.com"
NOWHERE_POOL = "us-east-1:00000000-0000-4000-8000-000000000000"


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    err = raised.value.response["Error"]
    return err["Code"], err["Message"]


def claims_of(token: str) -> dict[str, Any]:
    """A JWT's payload, read the way any client can (no signature check needed here)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def header_of(token: str) -> dict[str, Any]:
    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))


def trust_policy(pool_id: str, amr: str, actions: tuple[str, ...] = (TRUST_ACTION,)) -> str:
    """The identity pool trust policy the DG recommends (role-trust-and-permissions)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": FEDERATED},
                    "Action": list(actions),
                    "Condition": {
                        "StringEquals": {"cognito-identity.amazonaws.com:aud": pool_id},
                        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
                    },
                }
            ],
        }
    )


class Lab:
    """Two user pools and their users, who sign in with PASSWORD, and helpers to build identity pools
    and roles on them (with conftest's `build`, which deletes them all afterwards)."""

    def __init__(self, build: Any) -> None:
        self.build, self.aws, self.account = build, build.aws, build.account
        self.idp, self.ci, self.iam, self.sts = build.idp, build.ci, build.iam, build.sts
        flows = ("ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
        self.pool_id, self.client_id = build.user_pool(("alice", "bob", "dave", "erin"), PASSWORD, flows)
        self.unlisted_client_id = build.app_client(self.pool_id, ("ALLOW_USER_PASSWORD_AUTH",), "unlisted")
        self.other_pool_id, self.other_client_id = build.user_pool(("carol",), PASSWORD, flows)
        self.provider, self.other_provider = build.provider(self.pool_id), build.provider(self.other_pool_id)

    def tokens(self, username: str, pool_id: str = "", client_id: str = "") -> dict[str, str]:
        result = self.idp.initiate_auth(
            ClientId=client_id or self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )
        return result["AuthenticationResult"]

    def login(self, username: str) -> dict[str, str]:
        return {self.provider: self.tokens(username)["IdToken"]}

    def identity_pool(self, **settings: Any) -> str:
        """A pool trusting the main user pool and client; `settings` override the defaults."""
        providers = [{"ProviderName": self.provider, "ClientId": self.client_id}]
        return str(self.build.identity_pool(**{"CognitoIdentityProviders": providers, **settings}))

    def role(
        self,
        trust: str,
        allow: tuple[str, ...] = ("iam:ListRoles", "s3:ListAllMyBuckets"),
        max_session: int = 3600,
    ) -> str:
        arn = str(self.build.role(trust, MaxSessionDuration=max_session))
        permissions = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(allow), "Resource": "*"}],
        }
        self.iam.put_role_policy(
            RoleName=arn.split("/")[-1], PolicyName="permissions", PolicyDocument=json.dumps(permissions)
        )
        return arn

    def pool_with_roles(self, **settings: Any) -> tuple[str, str, str]:
        """An identity pool with DG-style authenticated and unauthenticated roles."""
        pool_id = self.identity_pool(**settings)
        auth = self.role(trust_policy(pool_id, "authenticated"))
        unauth = self.role(trust_policy(pool_id, GUEST_AMR))
        self.ci.set_identity_pool_roles(
            IdentityPoolId=pool_id, Roles={"authenticated": auth, "unauthenticated": unauth}
        )
        return pool_id, auth, unauth

    def client_with(self, service: str, credentials: dict[str, Any]) -> Any:
        return self.build.client_with(service, credentials)


@pytest.fixture(scope="module")
def lab(build: Any) -> Lab:
    return Lab(build)


# --- pool configuration ---------------------------------------------------------------------


def test_describe_round_trips_every_setting(lab: Lab) -> None:
    """CreateIdentityPool/DescribeIdentityPool keep each documented field (API
    CreateIdentityPool); ServerSideTokenCheck defaults to false."""
    pool_id = lab.identity_pool(
        AllowUnauthenticatedIdentities=False,
        AllowClassicFlow=False,
        SupportedLoginProviders={"accounts.google.com": "123.apps.googleusercontent.com"},
        DeveloperProviderName="login.lab.example",
        CognitoIdentityProviders=[
            {"ProviderName": lab.provider, "ClientId": lab.client_id, "ServerSideTokenCheck": True},
            {"ProviderName": lab.other_provider, "ClientId": lab.other_client_id},
        ],
    )
    described = lab.ci.describe_identity_pool(IdentityPoolId=pool_id)
    described.pop("ResponseMetadata")
    assert described.pop("IdentityPoolTags", {}) == {}
    assert described == {
        "IdentityPoolId": pool_id,
        "IdentityPoolName": described["IdentityPoolName"],
        "AllowUnauthenticatedIdentities": False,
        "AllowClassicFlow": False,
        "SupportedLoginProviders": {"accounts.google.com": "123.apps.googleusercontent.com"},
        "DeveloperProviderName": "login.lab.example",
        "CognitoIdentityProviders": [
            {"ProviderName": lab.provider, "ClientId": lab.client_id, "ServerSideTokenCheck": True},
            {
                "ProviderName": lab.other_provider,
                "ClientId": lab.other_client_id,
                "ServerSideTokenCheck": False,
            },
        ],
    }


def test_update_replaces_the_whole_configuration(lab: Lab) -> None:
    """UpdateIdentityPool "treats missing attributes as a request to remove those
    attributes" (hashicorp/terraform-provider-aws#9396); the name does change."""
    pool_id = lab.identity_pool(
        SupportedLoginProviders={"accounts.google.com": "123.apps.googleusercontent.com"}
    )
    updated = lab.ci.update_identity_pool(
        IdentityPoolId=pool_id,
        IdentityPoolName="renamed_pool",
        AllowUnauthenticatedIdentities=False,
        AllowClassicFlow=True,
        CognitoIdentityProviders=[{"ProviderName": lab.provider, "ClientId": lab.client_id}],
    )
    described = lab.ci.describe_identity_pool(IdentityPoolId=pool_id)
    for result in (updated, described):
        assert result["IdentityPoolName"] == "renamed_pool"
        assert result["AllowUnauthenticatedIdentities"] is False
        assert result["AllowClassicFlow"] is True
        assert "SupportedLoginProviders" not in result or result["SupportedLoginProviders"] == {}


def test_unknown_identity_pool_is_resource_not_found_everywhere(lab: Lab) -> None:
    """Every operation on a pool that does not exist answers ResourceNotFoundException
    "IdentityPool '<id>' not found." (aws-amplify/amplify-js#14117, #1966)."""
    calls = [
        lambda: lab.ci.describe_identity_pool(IdentityPoolId=NOWHERE_POOL),
        lambda: lab.ci.update_identity_pool(
            IdentityPoolId=NOWHERE_POOL, IdentityPoolName="x", AllowUnauthenticatedIdentities=True
        ),
        lambda: lab.ci.delete_identity_pool(IdentityPoolId=NOWHERE_POOL),
        lambda: lab.ci.get_id(IdentityPoolId=NOWHERE_POOL),
        lambda: lab.ci.set_identity_pool_roles(IdentityPoolId=NOWHERE_POOL, Roles={}),
        lambda: lab.ci.get_identity_pool_roles(IdentityPoolId=NOWHERE_POOL),
        lambda: lab.ci.list_identities(IdentityPoolId=NOWHERE_POOL, MaxResults=10),
    ]
    for call in calls:
        with pytest.raises(ClientError) as raised:
            call()
        assert error_of(raised) == ("ResourceNotFoundException", f"IdentityPool '{NOWHERE_POOL}' not found.")
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_deleted_pool_is_gone(lab: Lab) -> None:
    """DeleteIdentityPool removes the pool (API DeleteIdentityPool)."""
    pool_id = lab.identity_pool()
    lab.ci.delete_identity_pool(IdentityPoolId=pool_id)
    with pytest.raises(ClientError) as raised:
        lab.ci.describe_identity_pool(IdentityPoolId=pool_id)
    assert error_of(raised) == ("ResourceNotFoundException", f"IdentityPool '{pool_id}' not found.")


def test_roles_and_role_mappings_round_trip(lab: Lab) -> None:
    """SetIdentityPoolRoles stores Roles and RoleMappings keyed
    "cognito-idp.<region>.amazonaws.com/<pool>:<client>" (API SetIdentityPoolRoles; DG
    role-based-access-control); GetIdentityPoolRoles returns them."""
    pool_id = lab.identity_pool(
        CognitoIdentityProviders=[
            {"ProviderName": lab.provider, "ClientId": lab.client_id},
            {"ProviderName": lab.other_provider, "ClientId": lab.other_client_id},
        ]
    )
    auth = lab.role(trust_policy(pool_id, "authenticated"))
    mappings = {
        f"{lab.provider}:{lab.client_id}": {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"},
        f"{lab.other_provider}:{lab.other_client_id}": {
            "Type": "Rules",
            "AmbiguousRoleResolution": "Deny",
            "RulesConfiguration": {
                "Rules": [
                    {"Claim": "cognito:username", "MatchType": "StartsWith", "Value": "car", "RoleARN": auth}
                ]
            },
        },
    }
    lab.ci.set_identity_pool_roles(
        IdentityPoolId=pool_id, Roles={"authenticated": auth}, RoleMappings=mappings
    )
    got = lab.ci.get_identity_pool_roles(IdentityPoolId=pool_id)
    assert got["Roles"] == {"authenticated": auth}
    assert got["RoleMappings"] == mappings


def test_role_mapping_for_a_provider_the_pool_does_not_have(lab: Lab) -> None:
    """A RoleMappings key that is not a configured provider is refused (observed:
    aws/aws-cdk#22951)."""
    pool_id = lab.identity_pool()
    key = f"{lab.other_provider}:{lab.other_client_id}"
    with pytest.raises(ClientError) as raised:
        lab.ci.set_identity_pool_roles(
            IdentityPoolId=pool_id,
            Roles={},
            RoleMappings={key: {"Type": "Token", "AmbiguousRoleResolution": "Deny"}},
        )
    assert error_of(raised) == (
        "InvalidParameterException",
        f"({key}) is not a valid RoleMapping ProviderName or is not a configured provider.",
    )


def test_role_name_instead_of_arn_is_forbidden(lab: Lab) -> None:
    """Roles take ARNs; a bare role name answers NotAuthorizedException "Access to Role
    '<name>' is forbidden." (aws/aws-sdk-js#908, boto/boto3#73)."""
    pool_id = lab.identity_pool()
    with pytest.raises(ClientError) as raised:
        lab.ci.set_identity_pool_roles(
            IdentityPoolId=pool_id, Roles={"authenticated": "Cognito_LabAuthenticated_Role"}
        )
    assert error_of(raised) == (
        "NotAuthorizedException",
        "Access to Role 'Cognito_LabAuthenticated_Role' is forbidden.",
    )


def test_principal_tag_attribute_map_round_trip(lab: Lab) -> None:
    """SetPrincipalTagAttributeMap stores custom claim->tag mappings and
    GetPrincipalTagAttributeMap returns them (API SetPrincipalTagAttributeMap)."""
    pool_id = lab.identity_pool()
    lab.ci.set_principal_tag_attribute_map(
        IdentityPoolId=pool_id,
        IdentityProviderName=lab.provider,
        UseDefaults=False,
        PrincipalTags={"user": "sub"},
    )
    got = lab.ci.get_principal_tag_attribute_map(IdentityPoolId=pool_id, IdentityProviderName=lab.provider)
    assert (got["UseDefaults"], got["PrincipalTags"]) == (False, {"user": "sub"})


# --- GetId ----------------------------------------------------------------------------------


def test_same_user_same_identity_other_user_other_identity(lab: Lab) -> None:
    """GetId "creates a new authenticated identity or returns the identity already
    associated with that particular login" (DG authentication-flow); guests get a new
    identity each time they ask without one."""
    pool_id = lab.identity_pool()
    alice = lab.ci.get_id(IdentityPoolId=pool_id, Logins=lab.login("alice"))["IdentityId"]
    again = lab.ci.get_id(IdentityPoolId=pool_id, Logins=lab.login("alice"))["IdentityId"]
    bob = lab.ci.get_id(IdentityPoolId=pool_id, Logins=lab.login("bob"))["IdentityId"]
    guest = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    other_guest = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    assert alice == again
    assert len({alice, bob, guest, other_guest}) == 4
    assert re.fullmatch(rf"{lab.aws.region}:[0-9a-f-]{{36}}", alice)


def test_access_token_in_logins(lab: Lab) -> None:
    """Logins take the ID token; an access token has no aud claim (DG: "Invalid login
    token. Missing a required claim: aud", amazon-cognito-identity-js#7)."""
    pool_id = lab.identity_pool()
    with pytest.raises(ClientError) as raised:
        lab.ci.get_id(IdentityPoolId=pool_id, Logins={lab.provider: lab.tokens("alice")["AccessToken"]})
    assert error_of(raised) == (
        "NotAuthorizedException",
        "Invalid login token. Missing a required claim: aud",
    )


def test_logins_key_of_another_user_pool(lab: Lab) -> None:
    """The Logins key must name the token's issuer (aws-amplify/aws-sdk-android#444)."""
    pool_id = lab.identity_pool()
    with pytest.raises(ClientError) as raised:
        lab.ci.get_id(IdentityPoolId=pool_id, Logins={lab.other_provider: lab.tokens("alice")["IdToken"]})
    assert error_of(raised) == (
        "NotAuthorizedException",
        "Invalid login token. Issuer doesn't match providerName",
    )


@pytest.mark.parametrize("which", ["client not listed", "user pool not listed"])
def test_token_from_a_provider_the_pool_does_not_trust(lab: Lab, which: str) -> None:
    """Only the configured user pool *and* app client are accepted ("Token is not from a
    supported provider of this identity pool.", amazon-cognito-identity-js#153, #371)."""
    pool_id = lab.identity_pool()
    if which == "client not listed":
        logins = {lab.provider: lab.tokens("alice", client_id=lab.unlisted_client_id)["IdToken"]}
    else:
        logins = {lab.other_provider: lab.tokens("carol", client_id=lab.other_client_id)["IdToken"]}
    with pytest.raises(ClientError) as raised:
        lab.ci.get_id(IdentityPoolId=pool_id, Logins=logins)
    assert error_of(raised) == (
        "NotAuthorizedException",
        "Token is not from a supported provider of this identity pool.",
    )


def test_garbage_and_forged_tokens(lab: Lab) -> None:
    """A token that is not a JWT, or whose signature does not verify, is refused
    ("Invalid login token. Not a valid OpenId Connect identity token.")."""
    pool_id = lab.identity_pool()
    genuine = lab.tokens("alice")["IdToken"]
    header, _, signature = genuine.split(".")
    forged_claims = {**claims_of(genuine), "cognito:username": "mallory"}
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).decode().rstrip("=")
    for token in ("not-a-jwt", f"{header}.{forged_payload}.{signature}"):
        with pytest.raises(ClientError) as raised:
            lab.ci.get_id(IdentityPoolId=pool_id, Logins={lab.provider: token})
        assert error_of(raised) == (
            "NotAuthorizedException",
            "Invalid login token. Not a valid OpenId Connect identity token.",
        )


def test_guest_access_when_the_pool_refuses_guests(lab: Lab) -> None:
    """AllowUnauthenticatedIdentities false: GetId without Logins is refused
    (aws/aws-sdk-js-v3#3113, aws-amplify/amplify-js#1089)."""
    pool_id = lab.identity_pool(AllowUnauthenticatedIdentities=False)
    with pytest.raises(ClientError) as raised:
        lab.ci.get_id(IdentityPoolId=pool_id)
    assert error_of(raised) == (
        "NotAuthorizedException",
        "Unauthenticated access is not supported for this identity pool.",
    )


def test_logins_for_a_pool_without_providers(lab: Lab) -> None:
    """A pool with no authentication provider refuses any Logins (amplify-js#2443,
    amazon-cognito-identity-js#68)."""
    pool_id = lab.identity_pool(CognitoIdentityProviders=[])
    with pytest.raises(ClientError) as raised:
        lab.ci.get_id(IdentityPoolId=pool_id, Logins=lab.login("alice"))
    assert error_of(raised) == (
        "NotAuthorizedException",
        "Logins don't match. Please include at least one valid login for this identity or identity pool.",
    )


def test_identities_are_listed_with_their_logins(lab: Lab) -> None:
    """ListIdentities and DescribeIdentity show each identity and the providers linked to
    it (API ListIdentities, DescribeIdentity)."""
    pool_id = lab.identity_pool()
    alice = lab.ci.get_id(IdentityPoolId=pool_id, Logins=lab.login("alice"))["IdentityId"]
    guest = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    listed = {
        i["IdentityId"]: i
        for i in lab.ci.list_identities(IdentityPoolId=pool_id, MaxResults=60)["Identities"]
    }
    assert set(listed) == {alice, guest}
    assert listed[alice]["Logins"] == [lab.provider]
    assert listed[guest].get("Logins", []) == []
    assert lab.ci.describe_identity(IdentityId=alice)["Logins"] == [lab.provider]


# --- GetCredentialsForIdentity ----------------------------------------------------------------


def test_signed_in_user_gets_credentials_for_the_authenticated_role(lab: Lab) -> None:
    """Enhanced flow: temporary ASIA credentials for the authenticated role, valid for one
    hour (DG accessing-aws-services), session name CognitoIdentityCredentials (observed
    assumed-role ARNs: aws/aws-sdk-java#1912, amplify-js#1643; user id role-id:session,
    anomalyco/guide#706)."""
    pool_id, auth, _ = lab.pool_with_roles()
    logins = lab.login("alice")
    issued_at = claims_of(logins[lab.provider])["iat"]
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    result = lab.ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    credentials = result["Credentials"]
    assert result["IdentityId"] == identity_id
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert 3600 <= credentials["Expiration"].timestamp() - issued_at <= 3660
    caller = lab.client_with("sts", credentials).get_caller_identity()
    role_name = auth.split("/")[-1]
    role_id = lab.iam.get_role(RoleName=role_name)["Role"]["RoleId"]
    assert caller["Arn"] == f"arn:aws:sts::{lab.account}:assumed-role/{role_name}/CognitoIdentityCredentials"
    assert caller["UserId"] == f"{role_id}:CognitoIdentityCredentials"


def test_signed_in_identity_without_logins_is_forbidden(lab: Lab) -> None:
    """An authenticated identity needs its login token ("Access to Identity '<id>' is
    forbidden.", aws-amplify/aws-sdk-ios#3781)."""
    pool_id, _, _ = lab.pool_with_roles()
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id, Logins=lab.login("alice"))["IdentityId"]
    with pytest.raises(ClientError) as raised:
        lab.ci.get_credentials_for_identity(IdentityId=identity_id)
    assert error_of(raised) == ("NotAuthorizedException", f"Access to Identity '{identity_id}' is forbidden.")


def test_another_users_logins_are_forbidden(lab: Lab) -> None:
    """Bob's token cannot fetch Alice's credentials (reported as "Access to Identity …
    is forbidden." when the identity is linked to a different login,
    aws-amplify/amplify-swift#4278)."""
    pool_id, _, _ = lab.pool_with_roles()
    alice = lab.ci.get_id(IdentityPoolId=pool_id, Logins=lab.login("alice"))["IdentityId"]
    lab.ci.get_id(IdentityPoolId=pool_id, Logins=lab.login("bob"))
    for user in ("bob", "dave"):  # dave has never called GetId
        with pytest.raises(ClientError) as raised:
            lab.ci.get_credentials_for_identity(IdentityId=alice, Logins=lab.login(user))
        assert error_of(raised) == ("NotAuthorizedException", f"Access to Identity '{alice}' is forbidden.")


def test_guest_signing_in_keeps_or_joins_an_identity(lab: Lab) -> None:
    """A login new to the pool is linked to the guest identity it is presented with; a
    login that already has an identity wins, and its identity id is returned (DG
    authentication-flow "Linking logins" / "Merging identities")."""
    pool_id, _, _ = lab.pool_with_roles()
    guest = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    linked = lab.ci.get_credentials_for_identity(IdentityId=guest, Logins=lab.login("erin"))
    assert linked["IdentityId"] == guest
    assert lab.ci.describe_identity(IdentityId=guest)["Logins"] == [lab.provider]
    alice = lab.ci.get_id(IdentityPoolId=pool_id, Logins=lab.login("alice"))["IdentityId"]
    other_guest = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    merged = lab.ci.get_credentials_for_identity(IdentityId=other_guest, Logins=lab.login("alice"))
    assert merged["IdentityId"] == alice


def test_guest_gets_the_unauthenticated_role_scoped_down(lab: Lab) -> None:
    """Guests in the enhanced flow get the unauthenticated role intersected with
    Cognito's scope-down session policies: a service outside the list (IAM) is denied
    "because no session policy allows" it even though the role allows it (DG iam-roles
    "Access policies"; denial wording: aws/aws-sdk-js#4303)."""
    pool_id, _, unauth = lab.pool_with_roles()
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    credentials = lab.ci.get_credentials_for_identity(IdentityId=identity_id)["Credentials"]
    role_name = unauth.split("/")[-1]
    caller = lab.client_with("sts", credentials).get_caller_identity()
    assert caller["Arn"] == f"arn:aws:sts::{lab.account}:assumed-role/{role_name}/CognitoIdentityCredentials"
    lab.client_with("s3", credentials).list_buckets()  # S3 is on the scope-down list
    with pytest.raises(ClientError) as raised:
        lab.client_with("iam", credentials).list_roles()
    code, message = error_of(raised)
    assert code == "AccessDenied"
    assert re.fullmatch(
        rf"User: {re.escape(caller['Arn'])} is not authorized to perform: iam:ListRoles"
        r"( on resource: \S+)? because no session policy allows the iam:ListRoles action",
        message,
    )


def test_signed_in_user_is_not_scoped_down(lab: Lab) -> None:
    """The scope-down applies to unauthenticated identities only ("For authenticated
    identities, this does not apply", aws-observability/aws-rum-web#172)."""
    pool_id, _, _ = lab.pool_with_roles()
    logins = lab.login("alice")
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    credentials = lab.ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    assert "Roles" in lab.client_with("iam", credentials).list_roles()


def test_no_role_for_the_identity(lab: Lab) -> None:
    """No role configured: InvalidIdentityPoolConfigurationException (botocore: "no …
    role configured"; aws-samples/aws-sdk-unity-samples#6)."""
    pool_id = lab.identity_pool()
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    with pytest.raises(ClientError) as raised:
        lab.ci.get_credentials_for_identity(IdentityId=identity_id)
    assert error_of(raised) == (
        "InvalidIdentityPoolConfigurationException",
        "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
    )


@pytest.mark.parametrize("mistake", ["trusts another pool", "trusts only guests", "wrong action"])
def test_role_whose_trust_policy_does_not_allow_the_pool(lab: Lab, mistake: str) -> None:
    """STS refuses the role, and Cognito answers InvalidIdentityPoolConfigurationException
    (amplify-swift#3124; danilop/LambdAuth#4; botocore "STS returned an error")."""
    pool_id = lab.identity_pool()
    trust = {
        "trusts another pool": trust_policy(NOWHERE_POOL, "authenticated"),
        "trusts only guests": trust_policy(pool_id, GUEST_AMR),
        "wrong action": trust_policy(pool_id, "authenticated", actions=("sts:AssumeRole",)),
    }[mistake]
    lab.ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": lab.role(trust)})
    logins = lab.login("alice")
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    with pytest.raises(ClientError) as raised:
        lab.ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    assert error_of(raised) == (
        "InvalidIdentityPoolConfigurationException",
        "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
    )


def test_principal_tags_need_sts_tag_session(lab: Lab) -> None:
    """With attributes for access control the trust policy must also allow
    sts:TagSession (DG using-attributes-for-access-control-policy-example;
    aws/aws-cdk#30919); then the claims become principal tags."""
    pool_id = lab.identity_pool()
    lab.ci.set_principal_tag_attribute_map(
        IdentityPoolId=pool_id,
        IdentityProviderName=lab.provider,
        PrincipalTags={"person": "cognito:username"},
    )
    logins = lab.login("alice")
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    lab.ci.set_identity_pool_roles(
        IdentityPoolId=pool_id, Roles={"authenticated": lab.role(trust_policy(pool_id, "authenticated"))}
    )
    with pytest.raises(ClientError) as raised:
        lab.ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    assert error_of(raised)[0] == "InvalidIdentityPoolConfigurationException"
    tagging = trust_policy(pool_id, "authenticated", actions=(TRUST_ACTION, "sts:TagSession"))
    tag_aware = lab.role(tagging, allow=("iam:ListRoles",))
    lab.iam.put_role_policy(
        RoleName=tag_aware.split("/")[-1],
        PolicyName="permissions",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "iam:ListRoles",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:PrincipalTag/person": "alice"}},
                    }
                ],
            }
        ),
    )
    lab.ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": tag_aware})
    credentials = lab.ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    assert "Roles" in lab.client_with("iam", credentials).list_roles()


def _rules_pool(lab: Lab, ambiguous: str) -> tuple[str, str, str]:
    pool_id, auth, _ = lab.pool_with_roles()
    special = lab.role(trust_policy(pool_id, "authenticated"))
    rules = [{"Claim": "cognito:username", "MatchType": "Equals", "Value": "bob", "RoleARN": special}]
    lab.ci.set_identity_pool_roles(
        IdentityPoolId=pool_id,
        Roles={"authenticated": auth},
        RoleMappings={
            f"{lab.provider}:{lab.client_id}": {
                "Type": "Rules",
                "AmbiguousRoleResolution": ambiguous,
                "RulesConfiguration": {"Rules": rules},
            }
        },
    )
    return pool_id, auth, special


def _role_of(lab: Lab, pool_id: str, user: str) -> str:
    logins = lab.login(user)
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    credentials = lab.ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    return lab.client_with("sts", credentials).get_caller_identity()["Arn"].split("/")[1]


def test_rules_role_mapping_first_match_or_default(lab: Lab) -> None:
    """Rules mapping: a matching rule picks its role; otherwise AmbiguousRoleResolution
    AuthenticatedRole falls back to the default role (DG role-based-access-control)."""
    pool_id, auth, special = _rules_pool(lab, "AuthenticatedRole")
    assert _role_of(lab, pool_id, "bob") == special.split("/")[-1]
    assert _role_of(lab, pool_id, "alice") == auth.split("/")[-1]


def test_rules_role_mapping_deny(lab: Lab) -> None:
    """AmbiguousRoleResolution Deny refuses a user no rule matches ("The ambiguous role
    mapping rules for: <provider> denied this request.", aws-amplify/amplify-js#3621)."""
    pool_id, _, _ = _rules_pool(lab, "Deny")
    logins = lab.login("alice")
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    with pytest.raises(ClientError) as raised:
        lab.ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    assert error_of(raised) == (
        "NotAuthorizedException",
        f"The ambiguous role mapping rules for: {lab.provider}:{lab.client_id} denied this request.",
    )


def test_token_role_mapping_without_group_roles(lab: Lab) -> None:
    """Token mapping for a user in no group with a role: AmbiguousRoleResolution decides
    (DG role-based-access-control "Using tokens to assign roles to users")."""
    pool_id, auth, _ = lab.pool_with_roles()
    key = f"{lab.provider}:{lab.client_id}"
    for ambiguous in ("AuthenticatedRole", "Deny"):
        lab.ci.set_identity_pool_roles(
            IdentityPoolId=pool_id,
            Roles={"authenticated": auth},
            RoleMappings={key: {"Type": "Token", "AmbiguousRoleResolution": ambiguous}},
        )
        if ambiguous == "AuthenticatedRole":
            assert _role_of(lab, pool_id, "alice") == auth.split("/")[-1]
            continue
        with pytest.raises(ClientError) as raised:
            _role_of(lab, pool_id, "alice")
        assert error_of(raised) == (
            "NotAuthorizedException",
            f"The ambiguous role mapping rules for: {key} denied this request.",
        )


def test_token_role_mapping_uses_group_roles(lab: Lab) -> None:
    """Token mapping: the group with the lowest Precedence gives cognito:preferred_role;
    CustomRoleArn may pick another of the token's cognito:roles (DG
    role-based-access-control, cognito-user-pools-user-groups)."""
    pool_id, auth, _ = lab.pool_with_roles()
    editor = lab.role(trust_policy(pool_id, "authenticated"))
    viewer = lab.role(trust_policy(pool_id, "authenticated"))
    for name, role_arn, precedence in (("editors", editor, 1), ("viewers", viewer, 2)):
        group = lab.aws.unique(name)
        lab.idp.create_group(UserPoolId=lab.pool_id, GroupName=group, RoleArn=role_arn, Precedence=precedence)
        lab.idp.admin_add_user_to_group(UserPoolId=lab.pool_id, Username="dave", GroupName=group)
    lab.ci.set_identity_pool_roles(
        IdentityPoolId=pool_id,
        Roles={"authenticated": auth},
        RoleMappings={
            f"{lab.provider}:{lab.client_id}": {"Type": "Token", "AmbiguousRoleResolution": "Deny"}
        },
    )
    assert _role_of(lab, pool_id, "dave") == editor.split("/")[-1]
    logins = lab.login("dave")
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    credentials = lab.ci.get_credentials_for_identity(
        IdentityId=identity_id, Logins=logins, CustomRoleArn=viewer
    )
    caller = lab.client_with("sts", credentials["Credentials"]).get_caller_identity()
    assert caller["Arn"].split("/")[1] == viewer.split("/")[-1]


# --- basic (classic) flow -------------------------------------------------------------------


def test_basic_flow_token_and_assume_role_with_web_identity(lab: Lab) -> None:
    """GetOpenIdToken returns a Cognito Identity JWT (iss https://cognito-identity.amazonaws.com,
    aud the pool, sub the identity, amr, 10 minutes: awslabs/aws-jwt-verify#89); STS
    exchanges it for the role that trusts the pool (DG authentication-flow, STS API)."""
    pool_id, auth, _ = lab.pool_with_roles()
    logins = lab.login("alice")
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    token = lab.ci.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]
    claims = claims_of(token)
    sub = claims_of(logins[lab.provider])["sub"]
    assert claims["iss"] == "https://cognito-identity.amazonaws.com"
    assert (claims["aud"], claims["sub"]) == (pool_id, identity_id)
    assert claims["amr"] == ["authenticated", lab.provider, f"{lab.provider}:CognitoSignIn:{sub}"]
    assert claims["exp"] - claims["iat"] == 600
    assert header_of(token)["kid"]
    assumed = lab.sts.assume_role_with_web_identity(
        RoleArn=auth, RoleSessionName="classic", WebIdentityToken=token
    )
    role_name = auth.split("/")[-1]
    role_id = lab.iam.get_role(RoleName=role_name)["Role"]["RoleId"]
    assert assumed["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert assumed["SubjectFromWebIdentityToken"] == identity_id
    assert assumed["Audience"] == pool_id
    assert assumed["AssumedRoleUser"] == {
        "Arn": f"arn:aws:sts::{lab.account}:assumed-role/{role_name}/classic",
        "AssumedRoleId": f"{role_id}:classic",
    }


def test_basic_flow_guest_is_not_scoped_down(lab: Lab) -> None:
    """In the basic flow there is no automatic scope-down: a guest's role permissions
    apply in full (DG iam-roles note; aws/aws-sdk-js#4303 maintainer)."""
    pool_id, _, unauth = lab.pool_with_roles()
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    token = lab.ci.get_open_id_token(IdentityId=identity_id)["Token"]
    assert claims_of(token)["amr"] == ["unauthenticated"]
    credentials = lab.sts.assume_role_with_web_identity(
        RoleArn=unauth, RoleSessionName="guest", WebIdentityToken=token
    )
    assert "Roles" in lab.client_with("iam", credentials["Credentials"]).list_roles()


def test_session_policy_limits_basic_flow_credentials(lab: Lab) -> None:
    """The Policy parameter is a session policy: effective permissions are its
    intersection with the role's (IAM UG access_policies#policies_session)."""
    pool_id, auth, _ = lab.pool_with_roles()
    logins = lab.login("alice")
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    token = lab.ci.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]
    only_s3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    credentials = lab.sts.assume_role_with_web_identity(
        RoleArn=auth, RoleSessionName="limited", WebIdentityToken=token, Policy=json.dumps(only_s3)
    )["Credentials"]
    lab.client_with("s3", credentials).list_buckets()
    with pytest.raises(ClientError) as raised:
        lab.client_with("iam", credentials).list_roles()
    code, message = error_of(raised)
    assert code == "AccessDenied"
    assert message.endswith("because no session policy allows the iam:ListRoles action")


def test_classic_flow_switched_off(lab: Lab) -> None:
    """AllowClassicFlow false refuses GetOpenIdToken (observed, aws/aws-cli#7652)."""
    pool_id = lab.identity_pool(AllowClassicFlow=False)
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    with pytest.raises(ClientError) as raised:
        lab.ci.get_open_id_token(IdentityId=identity_id)
    assert error_of(raised) == (
        "InvalidParameterException",
        "Basic (classic) flow is not enabled, please use enhanced flow.",
    )


def test_pool_created_without_classic_flow_setting_still_issues_tokens(lab: Lab) -> None:
    """A pool created without AllowClassicFlow shows no value and still issues tokens
    (observed, aws/aws-cli#7652)."""
    pool_id = lab.identity_pool()
    lab.ci.update_identity_pool(
        IdentityPoolId=pool_id,
        IdentityPoolName="no_classic_setting",
        AllowUnauthenticatedIdentities=True,
        CognitoIdentityProviders=[{"ProviderName": lab.provider, "ClientId": lab.client_id}],
    )
    assert "AllowClassicFlow" not in lab.ci.describe_identity_pool(IdentityPoolId=pool_id)
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    assert claims_of(lab.ci.get_open_id_token(IdentityId=identity_id)["Token"])["sub"] == identity_id


def test_classic_flow_with_role_mappings(lab: Lab) -> None:
    """Role mappings need the enhanced flow (DG authentication-flow; aws-rum-web#172)."""
    pool_id, auth, _ = lab.pool_with_roles()
    lab.ci.set_identity_pool_roles(
        IdentityPoolId=pool_id,
        Roles={"authenticated": auth},
        RoleMappings={
            f"{lab.provider}:{lab.client_id}": {"Type": "Token", "AmbiguousRoleResolution": "Deny"}
        },
    )
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    with pytest.raises(ClientError) as raised:
        lab.ci.get_open_id_token(IdentityId=identity_id)
    assert error_of(raised) == (
        "InvalidParameterException",
        "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow.",
    )


@pytest.mark.parametrize("target", ["role trusting another pool", "role that does not exist"])
def test_assume_role_with_web_identity_refused(lab: Lab, target: str) -> None:
    """STS refuses a role whose trust policy does not match the token, or that does not
    exist: 403 AccessDenied "Not authorized to perform sts:AssumeRoleWithWebIdentity"
    (DG role-trust-and-permissions)."""
    pool_id = lab.identity_pool()
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    token = lab.ci.get_open_id_token(IdentityId=identity_id)["Token"]
    if target == "role trusting another pool":
        role_arn = lab.role(trust_policy(NOWHERE_POOL, GUEST_AMR))
    else:
        role_arn = f"arn:aws:iam::{lab.account}:role/{lab.aws.unique('missing')}"
    with pytest.raises(ClientError) as raised:
        lab.sts.assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName="nope", WebIdentityToken=token
        )
    assert error_of(raised) == ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_assume_role_with_web_identity_needs_a_jwt(lab: Lab) -> None:
    """A value that is not a JWT (amplify-js#9704)."""
    _, auth, _ = lab.pool_with_roles()
    with pytest.raises(ClientError) as raised:
        lab.sts.assume_role_with_web_identity(
            RoleArn=auth, RoleSessionName="bad", WebIdentityToken="not.a-jwt"
        )
    assert error_of(raised) == (
        "InvalidIdentityToken",
        "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
    )


def test_duration_beyond_the_role_maximum(lab: Lab) -> None:
    """DurationSeconds may not exceed the role's MaxSessionDuration (STS API
    AssumeRoleWithWebIdentity)."""
    pool_id = lab.identity_pool()
    unauth = lab.role(trust_policy(pool_id, GUEST_AMR), max_session=3600)
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    token = lab.ci.get_open_id_token(IdentityId=identity_id)["Token"]
    with pytest.raises(ClientError) as raised:
        lab.sts.assume_role_with_web_identity(
            RoleArn=unauth, RoleSessionName="long", WebIdentityToken=token, DurationSeconds=7200
        )
    assert error_of(raised) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )


# --- expiry (these move the offline clock forward, so they run last) ------------------------


def test_expired_id_token(lab: Lab, offline_clock: Any) -> None:
    """An ID token past its exp is refused: "Invalid login token. Token expired: <now> >=
    <exp>" (observed text and order, qqaatw/JciHitachiHA#33)."""
    pool_id = lab.identity_pool()
    id_token = lab.tokens("alice")["IdToken"]
    expires = claims_of(id_token)["exp"]
    offline_clock.advance(3601)
    with pytest.raises(ClientError) as raised:
        lab.ci.get_id(IdentityPoolId=pool_id, Logins={lab.provider: id_token})
    code, message = error_of(raised)
    found = re.fullmatch(r"Invalid login token\. Token expired: (\d+) >= (\d+)", message)
    assert code == "NotAuthorizedException"
    assert found and int(found.group(2)) == expires and int(found.group(1)) >= expires


def test_expired_openid_token(lab: Lab, offline_clock: Any) -> None:
    """Cognito Identity tokens last 10 minutes; STS then answers ExpiredTokenException
    (text observed: aws/aws-sdk-java-v2#5709)."""
    pool_id, _, unauth = lab.pool_with_roles()
    identity_id = lab.ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    token = lab.ci.get_open_id_token(IdentityId=identity_id)["Token"]
    offline_clock.advance(601)
    with pytest.raises(ClientError) as raised:
        lab.sts.assume_role_with_web_identity(RoleArn=unauth, RoleSessionName="late", WebIdentityToken=token)
    code, message = error_of(raised)
    found = re.fullmatch(
        r"Token expired: current date/time (\d+) must be before the expiration date/time (\d+)", message
    )
    assert code == "ExpiredTokenException"
    assert found and int(found.group(2)) == claims_of(token)["exp"] <= int(found.group(1))
