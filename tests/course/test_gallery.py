"""The break-it gallery (notebook 10, `helpers.gallery`): the catalogue agrees with the notebook, ids
print as names, errors are recorded as AWS sent them, the table renders safely as Markdown and text,
and the gallery's own resources are found again on a second run."""

from __future__ import annotations

import re
from pathlib import Path

import jwt
import nbformat
import pytest
import requests
from botocore.exceptions import ClientError

from helpers import gallery, tokens, userpool
from helpers.lab import Lab

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / f"{gallery.NOTEBOOK}.ipynb"
KEYS = [mistake.key for mistake in gallery.MISTAKES]


def _error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "AnyOperation")


def _code_source() -> str:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")


def test_catalogue_keys_are_unique_and_each_row_names_an_existing_notebook() -> None:
    assert len(set(KEYS)) == len(KEYS)
    for mistake in gallery.MISTAKES:
        assert (ROOT / "notebooks" / f"{mistake.notebook}.ipynb").exists(), mistake.key
        # A row with an error code must say how to recognise AWS's message.
        assert (mistake.code is None) == (mistake.pattern == ""), mistake.key


def test_the_notebook_makes_every_mistake_of_the_catalogue_exactly_once() -> None:
    made = re.findall(r'book\.(?:expect|observe|api_answered|oauth_answered)\("([a-z-]+)"', _code_source())
    assert sorted(made) == sorted(KEYS)


def test_row_numbers_the_notebook_text_names_are_the_catalogue_s() -> None:
    # Section 7 and "Check yourself" name rows by number.
    row = {key: number for number, key in enumerate(KEYS, start=1)}
    assert (row["bad-trust-policy"], row["abac-without-tag-session"]) == (10, 11)
    assert (row["keys-from-user-pool-sub"], row["aws-userid-variable"], row["typo-policy-variable"]) == (
        14,
        15,
        16,
    )
    assert (row["group-role-ignored"], row["user-writes-role-claim"], row["identity-id-changes"]) == (
        12,
        13,
        17,
    )
    assert row["access-token-in-logins"] == 6
    # Section 8 names the API mistakes that share a message, and the one without an error.
    api_rows = ("access-token-for-id-token", "id-token-for-access-token", "missing-scope")
    assert [row[key] for key in api_rows] == [20, 21, 22]
    assert row["trusts-user-supplied-id"] == 26


def test_stored_table_has_every_row_made_and_marks_unconfirmed_wording() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    (cell,) = [c for c in notebook.cells if c.cell_type == "code" and c.source.endswith("book.table()")]
    text = cell.outputs[0]["data"]["text/plain"]
    assert gallery.NOT_RUN not in text
    assert len([line for line in text.splitlines() if re.match(r"\| \d+ ", line)]) == len(KEYS)
    assert "Missing a required claim: aud [wording: observed in 2016; today's exact text UNCONFIRMED]" in text


def test_named_replaces_given_names_longest_first_then_any_id_by_its_kind() -> None:
    book = gallery.Gallery()
    book.name("us-east-1:11111111-2222-3333-4444-555555555555", "<Alice's identity id>")
    text = (
        "us-east-1:11111111-2222-3333-4444-555555555555 us-east-1:99999999-2222-3333-4444-555555555555 "
        "us-east-1_AbC123xyZ 0a1b2c3d-0000-1111-2222-333344445555 abcdefghij0123456789abcdef "
        "AROARZPUZDIKFKNAJGP7E:CognitoIdentityCredentials"
    )
    assert book.named(text) == (
        "<Alice's identity id> <identity id> <user pool id> <uuid> <app client id> "
        "<role id>:CognitoIdentityCredentials"
    )


def test_expect_records_aws_error_named_and_prints_cause_and_fix(capsys: pytest.CaptureFixture[str]) -> None:
    book = gallery.Gallery()
    book.name("c" * 26, "<server client id>")
    with book.expect("missing-secret-hash"):
        raise _error(
            "NotAuthorizedException",
            f"Client {'c' * 26} is configured with secret but SECRET_HASH was not received",
        )
    said = (
        "NotAuthorizedException: Client <server client id> is configured with secret "
        "but SECRET_HASH was not received"
    )
    assert book.said["missing-secret-hash"] == said
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"AWS: {said}"
    assert printed[1].startswith("Why: a client with a secret") and printed[2].startswith(
        "Fix: send SECRET_HASH"
    )
    assert "expected" not in "\n".join(printed)


def test_expect_says_so_when_aws_answers_otherwise_or_not_at_all(capsys: pytest.CaptureFixture[str]) -> None:
    book = gallery.Gallery()
    with book.expect("guests-not-allowed"):
        raise _error("ResourceNotFoundException", "IdentityPool 'x' not found.")
    assert "(The gallery expected NotAuthorizedException" in capsys.readouterr().out
    with book.expect("basic-flow-off"):
        pass
    assert book.said["basic-flow-off"] == "no error"
    assert "No error: the call succeeded. (The gallery expected InvalidParameterException.)" in (
        capsys.readouterr().out
    )


def _answer(status: int, body: bytes, error_type: str | None) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content = status, body
    if error_type:
        response.headers["x-amzn-ErrorType"] = error_type
    return response


def test_answered_records_api_gateways_status_type_and_message(capsys: pytest.CaptureFixture[str]) -> None:
    book = gallery.Gallery()
    book.name("a1b2c3d4e5", "<api id>")
    message = (
        b'{"Message": "User: x is not authorized to perform: execute-api:Invoke on resource: a1b2c3d4e5"}'
    )
    book.api_answered("no-execute-api-invoke", _answer(403, message, "AccessDeniedException"))
    said = (
        "HTTP 403 AccessDeniedException: "
        "User: x is not authorized to perform: execute-api:Invoke on resource: <api id>"
    )
    assert book.said["no-execute-api-invoke"] == said
    printed = capsys.readouterr().out
    assert printed.startswith(f"AWS: {said}\nWhy: IAM checks") and "expected" not in printed
    book.api_answered(
        "unsigned-iam-call", _answer(401, b'{"message":"Unauthorized"}', "UnauthorizedException")
    )
    assert "(The gallery expected MissingAuthenticationTokenException" in capsys.readouterr().out
    book.api_answered("missing-scope", _answer(200, b"{}", None))
    assert book.said["missing-scope"] == "no error: HTTP 200"


def test_expect_lets_a_bug_through() -> None:
    book = gallery.Gallery()
    with pytest.raises(KeyError), book.expect("wrong-password"):
        raise KeyError("not a lesson")
    assert book.missing() == KEYS


def test_table_marks_rows_not_made_and_renders_markdown_safely() -> None:
    book = gallery.Gallery()
    book.observe("group-role-ignored", "Carol acts as <a|b> with ${x} and *y*")
    table = book.table()
    rows = {row[0]: row for row in table.rows}
    assert rows["1"][2] == gallery.NOT_RUN
    markdown = table._repr_markdown_()
    line = next(line for line in markdown.splitlines() if line.startswith("| 12 |"))
    # Outside code spans: ids stay visible (no HTML tags), $ starts no formula, | ends no cell.
    assert "&lt;a\\|b&gt; with \\${x} and \\*y\\*" in line
    # Inside code spans: kept as written (Markdown shows them literally).
    assert "`cognito:roles`" in line
    assert len(markdown.splitlines()) == len(KEYS) + 2
    text = repr(table).splitlines()
    assert len({len(line) for line in text}) == 1  # aligned
    assert "`" not in repr(table)


def test_which_finds_every_row_a_message_could_be() -> None:
    book = gallery.Gallery()
    message = "Invalid identity pool configuration. Check assigned IAM roles for this pool."
    found = book.which(_error("InvalidIdentityPoolConfigurationException", message))
    assert [mistake.key for mistake in found] == ["bad-trust-policy", "abac-without-tag-session"]
    assert book.which(_error("NotAuthorizedException", "Something new.")) == []


# --- the gallery's resources, offline ---------------------------------------------------------------


def test_the_gallery_api_gives_each_api_mistake_its_answer_and_is_found_again(
    offline: Lab, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = gallery.ensure_gallery(offline)
    api = gallery.ensure_gallery_api(offline, setup)
    assert "cognito-lab-gallery-api (created)" in capsys.readouterr().out
    assert gallery.ensure_gallery_api(offline, setup) == api
    assert "cognito-lab-gallery-api (found)" in capsys.readouterr().out
    alice = userpool.cognito(offline, setup.user_pool_id, setup.clients[gallery.WEB], "alice")
    alice.authenticate(password=userpool.PASSWORDS["alice"])
    answers = {
        "ID token, no scopes": api.get("/notes", {"Authorization": alice.id_token}),
        "access token, no scopes": api.get("/notes", {"Authorization": alice.access_token}),
        "access token, its scope": api.get("/my/notes", {"Authorization": alice.access_token}),
        "access token, a custom scope": api.get("/export", {"Authorization": alice.access_token}),
        "unsigned IAM": api.get("/iam/notes"),
        "no permission": api.get("/unpermitted", {"Authorization": alice.id_token}),
    }
    assert {what: response.status_code for what, response in answers.items()} == {
        "ID token, no scopes": 200,
        "access token, no scopes": 401,
        "access token, its scope": 200,
        "access token, a custom scope": 401,
        "unsigned IAM": 403,
        "no permission": 500,
    }
    sub = tokens.claims(alice.id_token)["sub"]
    assert answers["ID token, no scopes"].json() == {"notes of": sub}


def test_ensure_gallery_builds_each_pool_for_its_mistake_and_finds_it_again(
    offline: Lab, capsys: pytest.CaptureFixture[str]
) -> None:
    first = gallery.ensure_gallery(offline)
    assert "cognito-lab-gallery-users (created)" in capsys.readouterr().out
    again = gallery.ensure_gallery(offline)
    assert "cognito-lab-gallery-users (found)" in capsys.readouterr().out
    assert again == first

    idp, identity = offline.client("cognito-idp"), offline.client("cognito-identity")
    assert offline.find_user(first.user_pool_id, gallery.UNCONFIRMED_USER) == "UNCONFIRMED"
    groups = idp.admin_list_groups_for_user(UserPoolId=first.user_pool_id, Username="carol")["Groups"]
    assert {(g["GroupName"], g["Precedence"]) for g in groups} == {("editors", 1), ("members", 10)}
    server = idp.describe_user_pool_client(UserPoolId=first.user_pool_id, ClientId=first.clients["server"])
    assert "ClientSecret" in server["UserPoolClient"]

    guests = identity.describe_identity_pool(IdentityPoolId=first.guests_pool_id)
    strict = identity.describe_identity_pool(IdentityPoolId=first.pool_id)
    assert (guests["AllowUnauthenticatedIdentities"], strict["AllowUnauthenticatedIdentities"]) == (
        True,
        False,
    )
    assert strict.get("AllowClassicFlow") is False
    roles = identity.get_identity_pool_roles(IdentityPoolId=first.trust_pool_id)["Roles"]
    assert roles == {"authenticated": first.roles[gallery.WRONG_TRUST_ROLE]}
    trust = offline.client("iam").get_role(RoleName=offline.name(gallery.WRONG_TRUST_ROLE))["Role"]
    # Really an EC2 role's trust policy, as the notebook says: EC2 may assume it, Cognito may not.
    assert trust["AssumeRolePolicyDocument"] == gallery.EC2_TRUST_POLICY
    assert gallery.EC2_TRUST_POLICY["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]
    tags = identity.get_principal_tag_attribute_map(
        IdentityPoolId=first.tags_pool_id, IdentityProviderName=first.provider
    )
    assert tags["PrincipalTags"] == {"username": "cognito:username"}

    # The sign-up form's client may write the department, and a rule gives engineering the editor role.
    form = idp.describe_user_pool_client(
        UserPoolId=first.user_pool_id, ClientId=first.clients[gallery.SIGNUP_FORM]
    )["UserPoolClient"]
    assert "custom:department" in form["WriteAttributes"]
    rules = identity.get_identity_pool_roles(IdentityPoolId=first.rules_pool_id)
    assert rules["Roles"] == {"authenticated": first.roles[gallery.SIGNED_IN_ROLE]}
    (mapping,) = rules["RoleMappings"].values()
    assert mapping["RulesConfiguration"]["Rules"] == [
        {
            "Claim": "custom:department",
            "MatchType": "Equals",
            "Value": "engineering",
            "RoleARN": first.roles[gallery.EDITOR_ROLE],
        }
    ]


def _http(status: int, body: bytes = b"", location: str | None = None) -> requests.Response:
    answer = requests.Response()
    answer.status_code, answer._content = status, body
    if location is not None:
        answer.headers["Location"] = location
    return answer


def test_answer_records_managed_logins_http_answer_named(capsys: pytest.CaptureFixture[str]) -> None:
    book = gallery.Gallery()
    book.name("pools-lab-gallery.auth.us-east-1.amazoncognito.com", "<gallery domain>")
    book.oauth_answered("oauth-reused-code", _http(400, b'{"error": "invalid_grant"}'))
    assert book.said["oauth-reused-code"] == 'invalid_grant: HTTP 400 {"error": "invalid_grant"}'
    printed = capsys.readouterr().out.splitlines()
    assert printed[1].startswith("Why: a code works once") and printed[2].startswith("Fix: keep the tokens")
    page = "https://pools-lab-gallery.auth.us-east-1.amazoncognito.com/error?error=invalid_scope&client_id=c"
    book.oauth_answered("oauth-disallowed-scope", _http(302, location=page))
    assert book.said["oauth-disallowed-scope"] == (
        "invalid_scope: HTTP 302 to the domain's error page: "
        "https://<gallery domain>/error?error=invalid_scope&client_id=c"
    )
    assert "expected" not in capsys.readouterr().out


def test_answer_says_so_when_the_domain_answers_otherwise(capsys: pytest.CaptureFixture[str]) -> None:
    book = gallery.Gallery()
    back = "https://notes.example.com/callback?code=abc&state=xyz"
    book.oauth_answered("oauth-unregistered-redirect", _http(302, location=back))
    assert book.said["oauth-unregistered-redirect"].startswith("no error: HTTP 302 back to the app")
    assert "(The gallery expected redirect_mismatch" in capsys.readouterr().out


def test_gallery_login_signs_alice_in_on_the_page_and_is_found_again(
    offline: Lab, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = gallery.ensure_gallery(offline)
    login = gallery.ensure_gallery_login(offline, setup)
    assert "domain pools-lab-gallery (created)" in capsys.readouterr().out
    assert gallery.ensure_gallery_login(offline, setup) == login
    assert "app client notes-login (found)" in capsys.readouterr().out
    code = login.code_for(offline, "alice")
    tokens = requests.post(login.token_url, data=login.token_request(code), timeout=10).json()
    assert tokens["token_type"] == "Bearer"
    assert jwt.decode(tokens["access_token"], options={"verify_signature": False})["scope"] == (
        f"openid {gallery.NOTES_SCOPE}"
    )


def test_skipped_records_why_a_mistake_wasnt_made(capsys: pytest.CaptureFixture[str]) -> None:
    book = gallery.Gallery()
    book.skipped("email-code-expired", "time can't be moved on real AWS")
    assert book.said["email-code-expired"] == "not made here: time can't be moved on real AWS"
    assert capsys.readouterr().out == "Skipped: time can't be moved on real AWS.\n"
    assert "email-code-expired" not in book.missing()
    with pytest.raises(KeyError):
        book.skipped("no-such-mistake", "why")


def test_the_passwordless_pool_has_notebook_13s_settings_and_fresh_users(
    offline: Lab, capsys: pytest.CaptureFixture[str]
) -> None:
    first = gallery.ensure_gallery_passwordless(offline)
    assert "cognito-lab-gallery-passwordless (created)" in capsys.readouterr().out
    idp = offline.client("cognito-idp")
    pool = idp.describe_user_pool(UserPoolId=first.user_pool_id)["UserPool"]
    assert (pool["UserPoolTier"], pool["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"]) == (
        "ESSENTIALS",
        ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"],
    )
    mfa = idp.get_user_pool_mfa_config(UserPoolId=first.user_pool_id)
    assert (mfa["MfaConfiguration"], mfa["SoftwareTokenMfaConfiguration"]) == ("OPTIONAL", {"Enabled": True})
    assert (first.relying_party, first.origin) == ("localhost", "http://localhost:8888")
    gallery.with_a_passkey(offline, first, "alice")
    gallery.with_an_authenticator_app(offline, first, "bob")
    again = gallery.ensure_gallery_passwordless(offline)
    assert "(found)" in capsys.readouterr().out and again == first
    # Made afresh: no passkey for Alice, no authenticator for Bob.
    assert "WEB_AUTHN" not in first.sign_in(offline, "alice")["AvailableChallenges"]
    assert "AuthenticationResult" in first.sign_in(
        offline, "bob", PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Bob-Builds-Boats-7"
    )
