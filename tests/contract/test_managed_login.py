"""A user pool domain's managed login and OAuth 2.0 endpoints, as Cognito documents them.

Each test names the Developer Guide page it follows (DG: docs.aws.amazon.com/cognito/latest/
developerguide/<page>.html; the 2023 text is awsdocs/amazon-cognito-developer-guide @c416663) or
the observed AWS response. The bodies use requests and boto3 only: a `web()` session is a
browser, in-process or at the endpoint (see conftest.py). The pages' form is the offline sign-in
page's, so these tests run offline only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from botocore.exceptions import ClientError

PASSWORD = "Correct-Horse-9!"
CALLBACK = "https://notes.example.com/callback"
SIGNED_OUT = "https://notes.example.com/signed-out"
RESOURCE = "https://api.notes.example.com"
ISSUER = "https://accounts.example.com"
PROVIDER = "Accounts"
COGNITO_IDENTITY = "cognito-identity.amazonaws.com"


@dataclass
class Domain:
    pool_id: str
    host: str
    public: dict[str, Any]  # code flow, PKCE, no secret
    confidential: dict[str, Any]  # code flow with a secret
    machine: dict[str, Any]  # client credentials

    def url(self, path: str, **query: str) -> str:
        return f"https://{self.host}{path}" + (f"?{urlencode(query)}" if query else "")


def pkce() -> tuple[str, str]:
    """A verifier and its S256 challenge (RFC 7636 §4.1, §4.2)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


INVALID_PREFIX = (
    "The domain name contains an invalid character. Domain names can only contain lower-case letters, "
    "numbers, and hyphens. Please enter a different name that follows this format: "
    r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$"
)


@pytest.fixture(scope="module")
def domain(aws: Any) -> Iterator[Domain]:
    if aws.mode == "real":
        pytest.skip("the offline sign-in page's form is the lab's; AWS's managed login differs")
    idp = aws.client("cognito-idp")
    pool_id = idp.create_user_pool(PoolName=aws.unique("login"), AutoVerifiedAttributes=["email"])[
        "UserPool"
    ]["Id"]
    prefix = f"notes-{uuid.uuid4().hex[:8]}"
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=prefix)
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier=RESOURCE,
        Name="notes api",
        Scopes=[
            {"ScopeName": "notes.read", "ScopeDescription": "read"},
            {"ScopeName": "notes.write", "ScopeDescription": "write"},
        ],
    )
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName=PROVIDER,
        ProviderType="OIDC",
        ProviderDetails={
            "client_id": "notes-web",
            "client_secret": "stand-in-secret",
            "attributes_request_method": "GET",
            "oidc_issuer": ISSUER,
            "authorize_scopes": "openid email",
        },
        AttributeMapping={"email": "email", "username": "sub"},
    )
    web_settings = {
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
        "CallbackURLs": [CALLBACK],
        "LogoutURLs": [SIGNED_OUT],
        "SupportedIdentityProviders": ["COGNITO", PROVIDER],
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }
    public = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web", **web_settings)[
        "UserPoolClient"
    ]
    confidential = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="server", GenerateSecret=True, **web_settings
    )["UserPoolClient"]
    machine = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="batch",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=[f"{RESOURCE}/notes.read"],
    )["UserPoolClient"]
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="alice",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "alice@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    yield Domain(pool_id, f"{prefix}.auth.{aws.region}.amazoncognito.com", public, confidential, machine)
    idp.delete_user_pool_domain(UserPoolId=pool_id, Domain=prefix)
    idp.delete_user_pool(UserPoolId=pool_id)


def authorize(domain: Domain, client: dict[str, Any], **extra: str) -> str:
    query = {"response_type": "code", "client_id": client["ClientId"], "redirect_uri": CALLBACK, **extra}
    return domain.url("/oauth2/authorize", **query)


def sign_in(
    browser: requests.Session, url: str, username: str = "alice", password: str = PASSWORD
) -> requests.Response:
    """Open the authorize URL, fill the sign-in page's form and post it: the response that sends
    the browser back to the app (not followed)."""
    page = browser.get(url)
    assert page.status_code == 200, page.text
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text)
    assert action and csrf, page.text
    form = {
        "_csrf": csrf.group(1),
        "username": username,
        "password": password,
        "signInSubmitButton": "Sign in",
    }
    return browser.post(action.group(1).replace("&amp;", "&"), data=form, allow_redirects=False)


def code_for(
    web: Callable[[], requests.Session], domain: Domain, client: dict[str, Any], **extra: str
) -> str:
    answer = sign_in(web(), authorize(domain, client, **extra))
    assert answer.status_code == 302
    return query_of(answer.headers["Location"])["code"]


def token(domain: Domain, data: dict[str, str], auth: tuple[str, str] | None = None) -> requests.Response:
    return requests_for(domain).post(domain.url("/oauth2/token"), data=data, auth=auth)


_sessions: dict[str, requests.Session] = {}


def requests_for(domain: Domain) -> requests.Session:
    return _sessions[domain.host]


@pytest.fixture(autouse=True)
def _app_session(web: Callable[[], requests.Session], domain: Domain) -> None:
    """The app's own HTTP client (the token, userInfo and revoke requests are not the browser's)."""
    _sessions[domain.host] = web()


# --- the code flow -----------------------------------------------------------------------------------


def test_code_flow_with_pkce_ends_in_tokens_that_verify_against_the_pools_keys(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG authorization-endpoint: without identity_provider the request goes to /login "with the
    same URL parameters"; the sign-in page's form (username, password, hidden _csrf, as the
    classic hosted UI's) signs the user in and the browser goes to redirect_uri with the code
    and the state. DG token-endpoint: the code and the PKCE verifier get access, ID and refresh
    tokens; the ID token carries the nonce (DG authorization-endpoint); both verify with the
    keys the discovery document names (DG amazon-cognito-user-pools-using-tokens-verifying-a-jwt)."""
    browser = web()
    verifier, challenge = pkce()
    url = authorize(
        domain,
        domain.public,
        scope="openid email",
        state="s-123",
        nonce="n-456",
        code_challenge=challenge,
        code_challenge_method="S256",
    )
    first = browser.get(url, allow_redirects=False)
    assert first.status_code == 302
    assert first.headers["Location"] == domain.url("/login") + "?" + urlsplit(url).query
    back = sign_in(browser, url)
    assert back.status_code == 302
    assert back.headers["Location"].startswith(CALLBACK + "?code=")
    assert query_of(back.headers["Location"])["state"] == "s-123"
    landed = browser.get(back.headers["Location"])
    assert "You are signed in" in landed.text

    answer = token(
        domain,
        {
            "grant_type": "authorization_code",
            "client_id": domain.public["ClientId"],
            "code": query_of(back.headers["Location"])["code"],
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
    )
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert set(tokens) == {"access_token", "id_token", "refresh_token", "token_type", "expires_in"}
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600

    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{domain.pool_id}"
    discovery = requests_for(domain).get(f"{issuer}/.well-known/openid-configuration").json()
    keys = jwt.PyJWKSet.from_dict(requests_for(domain).get(discovery["jwks_uri"]).json())
    for name in ("id_token", "access_token"):
        kid = jwt.get_unverified_header(tokens[name])["kid"]
        jwt.decode(
            tokens[name], keys[kid].key, algorithms=["RS256"], options={"verify_aud": False}, issuer=issuer
        )
    id_claims, access_claims = claims_of(tokens["id_token"]), claims_of(tokens["access_token"])
    assert id_claims["aud"] == domain.public["ClientId"] and id_claims["nonce"] == "n-456"
    assert id_claims["cognito:username"] == "alice" and id_claims["email"] == "alice@example.com"
    assert access_claims["token_use"] == "access" and access_claims["scope"] == "openid email"


def test_discovery_document_names_the_domains_endpoints(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """The pool's OpenID Connect discovery document, as captured from Cognito
    (micronaut-projects/micronaut-security EmbeddedServerOpenIdProviderMetadataFetcherCodeGeneratorSpec):
    the authorization, token and userInfo endpoints are the domain's."""
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{domain.pool_id}"
    document = web().get(f"{issuer}/.well-known/openid-configuration").json()
    assert document["issuer"] == issuer
    assert document["authorization_endpoint"] == domain.url("/oauth2/authorize")
    assert document["token_endpoint"] == domain.url("/oauth2/token")
    assert document["userinfo_endpoint"] == domain.url("/oauth2/userInfo")
    assert document["token_endpoint_auth_methods_supported"] == ["client_secret_basic", "client_secret_post"]


def test_a_wrong_verifier_is_invalid_grant(web: Callable[[], requests.Session], domain: Domain) -> None:
    """DG token-endpoint: code_verifier is "the proof key"; a code asked for with a challenge is
    refused without its verifier: 400 {"error": "invalid_grant"} (repost answers; the code's
    error list), Content-Type application/json;charset=UTF-8."""
    _, challenge = pkce()
    code = code_for(web, domain, domain.public, code_challenge=challenge, code_challenge_method="S256")
    wrong = token(
        domain,
        {
            "grant_type": "authorization_code",
            "client_id": domain.public["ClientId"],
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": pkce()[0],
        },
    )
    assert wrong.status_code == 400
    assert wrong.json() == {"error": "invalid_grant"}
    assert wrong.headers["Content-Type"] == "application/json;charset=UTF-8"


def test_a_code_is_single_use(web: Callable[[], requests.Session], domain: Domain) -> None:
    """DG authorization-endpoint: "a one time use code"; DG token-endpoint: invalid_grant when the
    "Authorization code has been consumed already or does not exist"."""
    code = code_for(web, domain, domain.public)
    request = {
        "grant_type": "authorization_code",
        "client_id": domain.public["ClientId"],
        "code": code,
        "redirect_uri": CALLBACK,
    }
    assert token(domain, request).status_code == 200
    again = token(domain, request)
    assert (again.status_code, again.json()) == (400, {"error": "invalid_grant"})


def test_a_code_expires_after_five_minutes(
    web: Callable[[], requests.Session], domain: Domain, offline_clock: Any
) -> None:
    """DG authorization-endpoint: the code "is valid for five minutes"."""
    code = code_for(web, domain, domain.public)
    offline_clock.advance(5 * 60 + 1)
    late = token(
        domain,
        {
            "grant_type": "authorization_code",
            "client_id": domain.public["ClientId"],
            "code": code,
            "redirect_uri": CALLBACK,
        },
    )
    assert (late.status_code, late.json()) == (400, {"error": "invalid_grant"})


def test_the_token_request_must_name_the_same_redirect_uri(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG token-endpoint: redirect_uri "Must be the same redirect_uri that was used to get
    authorization_code"."""
    code = code_for(web, domain, domain.public)
    other = token(
        domain,
        {
            "grant_type": "authorization_code",
            "client_id": domain.public["ClientId"],
            "code": code,
            "redirect_uri": SIGNED_OUT,
        },
    )
    assert (other.status_code, other.json()) == (400, {"error": "invalid_grant"})


# --- requests the domain refuses ---------------------------------------------------------------------


def test_an_unregistered_redirect_uri_gets_the_error_page_never_a_redirect_to_it(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG authorization-endpoint: the redirect URI must be pre-registered; errors go to it only
    "If client_id and redirect_uri are valid". Observed (aws/aws-aspnet-cognito-identity-provider#167):
    302 to https://<domain>/error?error=redirect_mismatch&client_id=<id>, a page reading "An error
    was encountered with the requested page."."""
    browser = web()
    url = domain.url(
        "/oauth2/authorize",
        response_type="code",
        client_id=domain.public["ClientId"],
        redirect_uri="https://attacker.example.net/steal",
    )
    refused = browser.get(url, allow_redirects=False)
    assert refused.status_code == 302
    location = refused.headers["Location"]
    assert location == domain.url("/error", error="redirect_mismatch", client_id=domain.public["ClientId"])
    assert "An error was encountered with the requested page." in browser.get(location).text


def test_a_scope_the_client_may_not_ask_for_is_refused(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG cognito-user-pools-define-resource-servers: "If a client requests a disallowed scope at
    runtime, an error is returned". Observed (python-social-auth/social-app-django#538, 2024): the
    browser lands on https://<domain>/error?error=invalid_scope&client_id=<id>."""
    refused = web().get(authorize(domain, domain.public, scope="openid phone"), allow_redirects=False)
    assert refused.headers["Location"] == domain.url(
        "/error", error="invalid_scope", client_id=domain.public["ClientId"]
    )


def test_pkce_plain_is_refused_because_cognito_supports_only_s256(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG authorization-endpoint: "The PKCE RFC defines two methods, S256 and plain; however,
    Amazon Cognito authentication server supports only S256"; a code_challenge_method that is
    not S256 is an invalid_request sent back to the app's redirect_uri (with the state)."""
    verifier, _ = pkce()
    refused = web().get(
        authorize(domain, domain.public, state="s-1", code_challenge=verifier, code_challenge_method="plain"),
        allow_redirects=False,
    )
    assert refused.status_code == 302
    assert refused.headers["Location"] == f"{CALLBACK}?error=invalid_request&state=s-1"


def test_a_flow_the_client_is_not_allowed_is_unauthorized_client(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG authorization-endpoint: "If the client requests code or token in response_type but
    doesn't have permission for these requests ... unauthorized_client" to the redirect_uri."""
    refused = web().get(authorize(domain, domain.public, response_type="token"), allow_redirects=False)
    assert refused.headers["Location"] == f"{CALLBACK}?error=unauthorized_client"


def test_a_wrong_password_stays_on_the_page_with_cognitos_message(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """The page checks the password as a password sign-in does: "Incorrect username or password."
    (the NotAuthorizedException message, aws-semantics §2); no code is issued."""
    answer = sign_in(web(), authorize(domain, domain.public), password="not-the-password")
    assert answer.status_code == 200
    assert "Incorrect username or password." in answer.text


def test_a_form_without_the_pages_csrf_token_is_refused(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """The form's hidden _csrf must match the XSRF-TOKEN cookie the page set (observed in scripted
    sign-ins, aws-amplify/amplify-js#6236); a forged post gets no code."""
    url = domain.url("/login") + "?" + urlsplit(authorize(domain, domain.public)).query
    forged = web().post(
        url, data={"_csrf": "forged", "username": "alice", "password": PASSWORD}, allow_redirects=False
    )
    assert "code=" not in forged.headers.get("Location", "")


# --- other grants, client authentication ------------------------------------------------------------


def test_a_confidential_client_authenticates_with_basic_or_post(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG token-endpoint: client_secret_basic (Authorization: Basic base64(id:secret)) or
    client_secret_post; without the right secret, invalid_client (status 400 as the page shows
    every error; UNCONFIRMED, RFC 6749 allows 401)."""
    client_id, secret = domain.confidential["ClientId"], domain.confidential["ClientSecret"]
    request = {"grant_type": "authorization_code", "redirect_uri": CALLBACK}
    basic = token(
        domain, {**request, "code": code_for(web, domain, domain.confidential)}, auth=(client_id, secret)
    )
    assert basic.status_code == 200, basic.text
    post = token(
        domain,
        {
            **request,
            "code": code_for(web, domain, domain.confidential),
            "client_id": client_id,
            "client_secret": secret,
        },
    )
    assert post.status_code == 200, post.text
    wrong = token(
        domain, {**request, "code": code_for(web, domain, domain.confidential)}, auth=(client_id, "nope")
    )
    assert (wrong.status_code, wrong.json()) == (400, {"error": "invalid_client"})


def test_a_refresh_token_gets_new_access_and_id_tokens(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG token-endpoint, "Exchanging a refresh token for tokens": new access and ID tokens, and
    "The token endpoint returns refresh_token only when the grant_type is authorization_code"."""
    code = code_for(web, domain, domain.public, scope="openid")
    first = token(
        domain,
        {
            "grant_type": "authorization_code",
            "client_id": domain.public["ClientId"],
            "code": code,
            "redirect_uri": CALLBACK,
        },
    ).json()
    again = token(
        domain,
        {
            "grant_type": "refresh_token",
            "client_id": domain.public["ClientId"],
            "refresh_token": first["refresh_token"],
        },
    )
    assert again.status_code == 200, again.text
    assert set(again.json()) == {"access_token", "id_token", "token_type", "expires_in"}
    assert claims_of(again.json()["access_token"])["scope"] == "openid"
    assert claims_of(again.json()["id_token"])["auth_time"] == claims_of(first["id_token"])["auth_time"]


def test_client_credentials_get_an_access_token_with_the_resource_servers_scope(domain: Domain) -> None:
    """DG token-endpoint: a client with a secret that allows client_credentials gets an access
    token for its custom scopes (no ID or refresh token); DG cognito-user-pools-define-resource-
    servers: a scope is `<resource server identifier>/<scope name>`, and a disallowed one is an
    error (invalid_scope: UNCONFIRMED code). A client without that grant is unauthorized_client."""
    machine = (domain.machine["ClientId"], domain.machine["ClientSecret"])
    scope = f"{RESOURCE}/notes.read"
    answer = token(domain, {"grant_type": "client_credentials", "scope": scope}, auth=machine)
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"access_token", "token_type", "expires_in"}
    claims = claims_of(answer.json()["access_token"])
    assert (claims["sub"], claims["client_id"], claims["scope"], claims["token_use"]) == (
        machine[0],
        machine[0],
        scope,
        "access",
    )
    wider = token(
        domain, {"grant_type": "client_credentials", "scope": f"{RESOURCE}/notes.write"}, auth=machine
    )
    assert (wider.status_code, wider.json()) == (400, {"error": "invalid_scope"})
    confidential = (domain.confidential["ClientId"], domain.confidential["ClientSecret"])
    not_allowed = token(domain, {"grant_type": "client_credentials"}, auth=confidential)
    assert (not_allowed.status_code, not_allowed.json()) == (400, {"error": "unauthorized_client"})
    unknown = token(domain, {"grant_type": "password"}, auth=machine)
    assert (unknown.status_code, unknown.json()) == (400, {"error": "unsupported_grant_type"})


# --- userInfo, revoke, logout ---------------------------------------------------------------------


def test_userinfo_answers_an_access_token_with_openid_and_refuses_one_without(
    aws: Any, web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG userinfo-endpoint: "The openid scope must be one of the access token claims"; tokens
    from InitiateAuth "don't contain any scopes" and are refused (observed text "Access token does
    not contain openid scope", simov/grant#189; status UNCONFIRMED); with `openid email` the
    attributes are the email scope's; a missing token is 400 invalid_request with
    WWW-Authenticate error_description "Bad OAuth2 request at UserInfo Endpoint"."""
    code = code_for(web, domain, domain.public, scope="openid email")
    access = token(
        domain,
        {
            "grant_type": "authorization_code",
            "client_id": domain.public["ClientId"],
            "code": code,
            "redirect_uri": CALLBACK,
        },
    ).json()["access_token"]
    info = requests_for(domain).get(
        domain.url("/oauth2/userInfo"), headers={"Authorization": f"Bearer {access}"}
    )
    assert info.status_code == 200, info.text
    body = info.json()
    assert (
        body["email"] == "alice@example.com"
        and body["email_verified"] == "true"
        and body["username"] == "alice"
    )

    api = aws.client("cognito-idp").initiate_auth(
        ClientId=domain.public["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    refused = requests_for(domain).get(
        domain.url("/oauth2/userInfo"), headers={"Authorization": f"Bearer {api}"}
    )
    assert refused.status_code == 401
    assert refused.json() == {
        "error": "invalid_token",
        "error_description": "Access token does not contain openid scope",
    }
    missing = requests_for(domain).get(domain.url("/oauth2/userInfo"))
    assert missing.status_code == 400
    assert (
        missing.headers["WWW-Authenticate"]
        == 'error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint"'
    )


def test_revoking_a_refresh_token_ends_its_tokens(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG revocation-endpoint: 200 with an empty body; the refresh token and the access tokens
    issued with it stop working (the refresh grant: invalid_grant, "Refresh token has been
    revoked", DG token-endpoint; userInfo: 401 invalid_token). An access token is not a refresh
    token: 400 unsupported_token_type."""
    code = code_for(web, domain, domain.public)
    tokens = token(
        domain,
        {
            "grant_type": "authorization_code",
            "client_id": domain.public["ClientId"],
            "code": code,
            "redirect_uri": CALLBACK,
        },
    ).json()
    app = requests_for(domain)
    wrong_kind = app.post(
        domain.url("/oauth2/revoke"),
        data={"token": tokens["access_token"], "client_id": domain.public["ClientId"]},
    )
    assert (wrong_kind.status_code, wrong_kind.json()) == (400, {"error": "unsupported_token_type"})
    revoked = app.post(
        domain.url("/oauth2/revoke"),
        data={"token": tokens["refresh_token"], "client_id": domain.public["ClientId"]},
    )
    assert (revoked.status_code, revoked.content) == (200, b"")
    again = token(
        domain,
        {
            "grant_type": "refresh_token",
            "client_id": domain.public["ClientId"],
            "refresh_token": tokens["refresh_token"],
        },
    )
    assert (again.status_code, again.json()) == (400, {"error": "invalid_grant"})
    info = app.get(
        domain.url("/oauth2/userInfo"), headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert info.status_code == 401
    secret_client = app.post(
        domain.url("/oauth2/revoke"),
        data={"token": tokens["refresh_token"]},
        auth=(domain.confidential["ClientId"], "nope"),
    )
    assert (secret_client.status_code, secret_client.json()) == (401, {"error": "invalid_client"})


def test_the_session_skips_the_page_until_logout_clears_it(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG authorization-endpoint: a signed-in browser keeps a managed-login session (one hour), so
    the next authorization request goes straight back to the app. DG logout-endpoint: /logout
    with client_id and a registered logout_uri "clears the existing session and redirects" there;
    then the sign-in page is shown again."""
    browser = web()
    sign_in(browser, authorize(domain, domain.public))
    again = browser.get(authorize(domain, domain.public))
    assert again.history and again.history[-1].headers["Location"].startswith(CALLBACK + "?code=")
    out = browser.get(
        domain.url("/logout", client_id=domain.public["ClientId"], logout_uri=SIGNED_OUT),
        allow_redirects=False,
    )
    assert (out.status_code, out.headers["Location"]) == (302, SIGNED_OUT)
    page = browser.get(authorize(domain, domain.public))
    assert page.status_code == 200 and 'name="_csrf"' in page.text


# --- federation into the user pool --------------------------------------------------------------------


def federated_sign_in(web: Callable[[], requests.Session], domain: Domain, user: str, email: str) -> str:
    """identity_provider=Accounts skips the pool's page (DG authorization-endpoint); the stand-in's
    page signs the user in; its code comes back to /oauth2/idpresponse; the app gets a code."""
    browser = web()
    to_provider = browser.get(
        authorize(domain, domain.public, identity_provider=PROVIDER), allow_redirects=False
    )
    assert to_provider.status_code == 302
    provider_page = to_provider.headers["Location"]
    assert provider_page.startswith(f"{ISSUER}/authorize?")
    assert query_of(provider_page)["redirect_uri"] == domain.url("/oauth2/idpresponse")
    back = browser.post(provider_page, data={"username": user, "email": email}, allow_redirects=False)
    to_app = browser.get(back.headers["Location"], allow_redirects=False)
    assert to_app.status_code == 302, to_app.text
    return query_of(to_app.headers["Location"])["code"]


def test_a_federated_sign_in_not_finished_in_five_minutes_is_cancelled(
    web: Callable[[], requests.Session], domain: Domain, offline_clock: Any
) -> None:
    """DG cognito-user-pools-oidc-flow: "Amazon Cognito cancels authentication requests that do
    not complete within 5 minutes ... The page displays a Something went wrong error message";
    no code reaches the app."""
    browser = web()
    provider_page = browser.get(
        authorize(domain, domain.public, identity_provider=PROVIDER), allow_redirects=False
    )
    offline_clock.advance(5 * 60 + 1)
    back = browser.post(provider_page.headers["Location"], data={"username": "erin"}, allow_redirects=False)
    late = browser.get(back.headers["Location"], allow_redirects=False)
    assert late.status_code == 200 and "Something went wrong" in late.text


def test_the_sign_in_page_offers_the_identity_provider(
    web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG cognito-user-pools-oidc-flow: "Your user lands on the Amazon Cognito built-in sign-in
    page, and is offered the option to sign in through an OIDC IdP"."""
    page = web().get(authorize(domain, domain.public)).text
    assert f'id="idp-{PROVIDER}"' in page and "identity_provider=Accounts" in page


def test_federation_creates_the_user_in_the_pool_with_identities(
    aws: Any, web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG cognito-user-pools-oidc-flow: Cognito exchanges the provider's code and "creates or
    updates the user account"; DG cognito-user-pools-specifying-attribute-mapping: the username is
    the IdP's name prefixed to its sub, mapped attributes are written on every sign-in, a mapped
    email is unverified unless email_verified is mapped. The ID token's `identities` claim names
    the provider (observed tokens, research §5)."""
    code = federated_sign_in(web, domain, "carol", "carol@example.com")
    tokens = token(
        domain,
        {
            "grant_type": "authorization_code",
            "client_id": domain.public["ClientId"],
            "code": code,
            "redirect_uri": CALLBACK,
        },
    ).json()
    claims = claims_of(tokens["id_token"])
    username = claims["cognito:username"]
    assert username.startswith(f"{PROVIDER}_") and username.split("_", 1)[1].isdigit()
    assert claims["email"] == "carol@example.com" and claims["email_verified"] is False
    [identity] = claims["identities"]
    assert (identity["providerName"], identity["providerType"], identity["userId"]) == (
        PROVIDER,
        "OIDC",
        username.split("_", 1)[1],
    )
    user = aws.client("cognito-idp").admin_get_user(UserPoolId=domain.pool_id, Username=username)
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"
    federated_sign_in(web, domain, "carol", "carol@new.example.com")
    again = aws.client("cognito-idp").admin_get_user(UserPoolId=domain.pool_id, Username=username)
    assert {"Name": "email", "Value": "carol@new.example.com"} in again["UserAttributes"]


def test_create_identity_provider_is_described_with_the_discovered_endpoints(
    aws: Any, domain: Domain
) -> None:
    """botocore CreateIdentityProvider, ProviderDetails "Describe response": an OIDC provider
    given oidc_issuer is described with the authorize, token, attributes (userInfo) and jwks
    URLs found at the issuer, and attributes_url_add_attributes "false"."""
    details = aws.client("cognito-idp").describe_identity_provider(
        UserPoolId=domain.pool_id, ProviderName=PROVIDER
    )["IdentityProvider"]["ProviderDetails"]
    assert details["authorize_url"] == f"{ISSUER}/authorize" and details["token_url"] == f"{ISSUER}/token"
    assert (
        details["attributes_url"] == f"{ISSUER}/userinfo"
        and details["jwks_uri"] == f"{ISSUER}/.well-known/jwks.json"
    )
    assert details["attributes_url_add_attributes"] == "false"


def test_a_federated_users_id_token_works_in_an_identity_pool_like_a_native_users(
    aws: Any, web: Callable[[], requests.Session], domain: Domain
) -> None:
    """DG cognito-user-pools-identity-federation / amazon-cognito-integrating-user-pools-with-
    identity-pools: the identity pool sees only the user pool's ID token, whichever way the user
    signed in; GetId and GetCredentialsForIdentity accept it under the pool's provider name."""
    ci, iam = aws.client("cognito-identity"), aws.client("iam")
    provider_name = f"cognito-idp.{aws.region}.amazonaws.com/{domain.pool_id}"
    pool_id = ci.create_identity_pool(
        IdentityPoolName=aws.unique("fed").replace("-", "_"),
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider_name, "ClientId": domain.public["ClientId"]}],
    )["IdentityPoolId"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": COGNITO_IDENTITY},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {f"{COGNITO_IDENTITY}:aud": pool_id},
                    "ForAnyValue:StringLike": {f"{COGNITO_IDENTITY}:amr": "authenticated"},
                },
            }
        ],
    }
    role = iam.create_role(RoleName=aws.unique("notes"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    try:
        ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": role["Arn"]})
        code = federated_sign_in(web, domain, "dave", "dave@example.com")
        id_token = token(
            domain,
            {
                "grant_type": "authorization_code",
                "client_id": domain.public["ClientId"],
                "code": code,
                "redirect_uri": CALLBACK,
            },
        ).json()["id_token"]
        identity = ci.get_id(IdentityPoolId=pool_id, Logins={provider_name: id_token})["IdentityId"]
        credentials = ci.get_credentials_for_identity(IdentityId=identity, Logins={provider_name: id_token})[
            "Credentials"
        ]
        caller = aws.client(
            "sts",
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretKey"],
            aws_session_token=credentials["SessionToken"],
        ).get_caller_identity()
        assert caller["Arn"].split("/")[1] == role["RoleName"]
    finally:
        ci.delete_identity_pool(IdentityPoolId=pool_id)
        iam.delete_role(RoleName=role["RoleName"])


# --- a standard OAuth 2.0 / OpenID Connect client against `python -m helpers serve` ------------------


def test_authlib_completes_the_code_flow_with_pkce_through_the_browser_alias(
    aws: Any, domain: Domain
) -> None:
    """A client library that is not the lab's (Authlib's OAuth2Session, RFC 6749 + RFC 7636 S256)
    completes the code flow against the endpoint, reaching the domain through the endpoint's
    `/_lab/hosts/<host>/` alias as a browser behind jupyter-server-proxy does: the pages' redirects
    and the form stay on the alias; the ID token verifies against the pool's JWKS with joserfc,
    Authlib's JOSE library (iss, aud, nonce, exp); userInfo answers the access token (DG
    authorization-endpoint, token-endpoint, userinfo-endpoint)."""
    if aws.mode != "server":
        pytest.skip("the library talks HTTP to `python -m helpers serve` (helpers.offline.serve())")
    from authlib.integrations.requests_client import OAuth2Session
    from joserfc import jwt as jose_jwt
    from joserfc.jwk import KeySet

    def alias(url: str) -> str:
        parts = urlsplit(url)
        return f"{aws.endpoint_url}/_lab/hosts/{parts.netloc}{parts.path}" + (
            f"?{parts.query}" if parts.query else ""
        )

    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{domain.pool_id}"
    metadata = requests.get(
        f"{aws.endpoint_url}/{domain.pool_id}/.well-known/openid-configuration", timeout=10
    ).json()
    client_id = domain.public["ClientId"]
    client = OAuth2Session(
        client_id,
        redirect_uri=CALLBACK,
        scope="openid email",
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(12)
    url, state = client.create_authorization_url(
        alias(metadata["authorization_endpoint"]), code_verifier=verifier, nonce=nonce
    )

    browser = requests.Session()
    page = browser.get(url, timeout=10)  # authorize -> /login, followed on the alias
    assert page.url.startswith(f"{aws.endpoint_url}/_lab/hosts/{domain.host}/login?")
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text)
    assert action and csrf and action.group(1).startswith(f"/_lab/hosts/{domain.host}/login?")
    landed = browser.post(
        aws.endpoint_url + action.group(1).replace("&amp;", "&"),
        data={"_csrf": csrf.group(1), "username": "alice", "password": PASSWORD},
        timeout=10,
    )
    assert landed.url.startswith(f"{aws.endpoint_url}/_lab/hosts/notes.example.com/callback?code=")
    assert "You are signed in" in landed.text
    assert aws.lab_get("/_lab/callbacks?limit=1")[0]["query"]["state"] == state

    tokens = client.fetch_token(
        alias(metadata["token_endpoint"]), authorization_response=landed.url, code_verifier=verifier
    )
    keys = KeySet.import_key_set(
        requests.get(f"{aws.endpoint_url}/{domain.pool_id}/.well-known/jwks.json", timeout=10).json()
    )
    verified = jose_jwt.decode(tokens["id_token"], keys, algorithms=["RS256"])
    jose_jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        nonce={"essential": True, "value": nonce},
        exp={"essential": True},
    ).validate(verified.claims)
    assert verified.claims["cognito:username"] == "alice"
    info = client.get(alias(metadata["userinfo_endpoint"]), timeout=10)
    assert info.status_code == 200 and info.json()["email"] == "alice@example.com"


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("my-aws-notes", "Domain cannot contain reserved word: aws"),
        ("notes-cognito", "Domain cannot contain reserved word: cognito"),
        ("Notes_App", INVALID_PREFIX),
    ],
    ids=["reserved aws", "reserved cognito", "capitals and underscore"],
)
def test_a_domain_prefix_with_a_reserved_word_or_a_bad_character_is_refused(
    aws: Any, new_pool: Callable[..., str], prefix: str, message: str
) -> None:
    """CreateUserPoolDomain refuses `aws`, `amazon` and `cognito` in a prefix, and anything but lower-case
    letters, digits and hyphens, with InvalidParameterException (observed: CloudTrail event in
    aws-solutions/content-analysis-on-aws#8, aws-amplify/amplify-cli#3854,
    mineiros-io/terraform-aws-cognito-user-pool#69; Developer Guide "Using the Amazon Cognito domain")."""
    with pytest.raises(ClientError) as refused:
        aws.client("cognito-idp").create_user_pool_domain(UserPoolId=new_pool(), Domain=prefix)
    error = refused.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("InvalidParameterException", message)


def test_a_prefix_another_pool_holds_is_refused(aws: Any, new_pool: Callable[..., str]) -> None:
    """A prefix domain is one name in the Region: a second pool cannot take it (observed: "Domain
    already associated with another user pool.", aws-samples/amazon-elasticsearch-service-with-cognito#7)."""
    idp = aws.client("cognito-idp")
    prefix = f"notes-{uuid.uuid4().hex[:8]}"
    first = new_pool()
    idp.create_user_pool_domain(UserPoolId=first, Domain=prefix)
    try:
        with pytest.raises(ClientError) as refused:
            idp.create_user_pool_domain(UserPoolId=new_pool(), Domain=prefix)
        error = refused.value.response["Error"]
        assert (error["Code"], error["Message"]) == (
            "InvalidParameterException",
            "Domain already associated with another user pool.",
        )
    finally:
        idp.delete_user_pool_domain(UserPoolId=first, Domain=prefix)
