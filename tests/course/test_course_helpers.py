"""The course's helpers (lab, userpool, tokens, errors, show, doctor), against the offline AWS.

The notebooks' lessons rest on these: a backend chosen safely, names and tags, find-or-create
that finds, an SRP sign-in that works in every offline mode, and errors shown as AWS sent them.
"""

from __future__ import annotations

import datetime
import gc
import json
from collections.abc import Iterator

import jwt
import pytest
import requests
from botocore.exceptions import ClientError

from helpers import doctor, errors, lab, show, tokens, userpool
from helpers.lab import Lab, LabError
from helpers.offline import engine, server

TRUST_ACCOUNT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@pytest.fixture
def alice(offline: Lab) -> userpool.SignedInUser:
    return userpool.ensure_signed_in_user(offline, "alice")


def _client_error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "AnyOperation")


# --- lab: choosing a backend --------------------------------------------------------------------


def test_offline_is_the_default_and_says_so_before_any_call(
    offline: Lab, capsys: pytest.CaptureFixture[str]
) -> None:
    again = Lab("another")
    assert (offline.backend, again.backend) == ("offline", "offline")
    assert offline.account_id == "123456789012"
    assert capsys.readouterr().out.startswith("Offline AWS in this kernel")


def test_the_offline_aws_survives_a_new_lab_like_rerunning_a_cell(offline: Lab) -> None:
    pool_id = offline.client("cognito-idp").create_user_pool(PoolName="cognito-lab-survivor")["UserPool"][
        "Id"
    ]
    assert Lab("rerun").find_user_pool("cognito-lab-survivor") == pool_id


def test_a_lab_collects_young_objects_less_often_and_never_more_often() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, *before[1:])
        Lab("gc")
        assert gc.get_threshold() == (lab.YOUNG_COLLECTION_THRESHOLD, *before[1:])
        gc.set_threshold(lab.YOUNG_COLLECTION_THRESHOLD * 2, *before[1:])
        Lab("gc")
        assert gc.get_threshold()[0] == lab.YOUNG_COLLECTION_THRESHOLD * 2  # a larger choice stays
    finally:
        gc.set_threshold(*before)


def test_an_unknown_backend_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lab.ENV_BACKEND, "cloud")
    with pytest.raises(LabError, match="Unknown backend 'cloud'"):
        Lab("x")


def test_real_aws_and_an_endpoint_together_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lab.ENV_BACKEND, "aws")
    monkeypatch.setenv(lab.ENV_ENDPOINT, "http://127.0.0.1:5000")
    with pytest.raises(LabError, match="unset one of them"):
        Lab("x")


def test_real_aws_is_refused_in_a_kernel_running_the_offline_aws(
    offline: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(lab.ENV_BACKEND, "aws")
    monkeypatch.setenv(lab.ENV_ACCOUNT, "123456789012")
    with pytest.raises(LabError, match="restart the kernel"):
        Lab("x")


@pytest.fixture
def fake_real_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The real-AWS path with moto standing in for AWS (so no call can leave the machine)."""
    lab.stop_offline()
    with engine.in_process():
        monkeypatch.setenv(lab.ENV_BACKEND, "aws")
        yield


def test_real_aws_needs_the_environment_variable_not_just_the_argument(
    fake_real_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(lab.ENV_BACKEND)
    monkeypatch.setenv(lab.ENV_ACCOUNT, "123456789012")
    with pytest.raises(LabError, match="COGNITO_LAB_BACKEND=aws"):
        Lab("x", backend="aws")


def test_real_aws_needs_the_account_confirmed(fake_real_aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(LabError, match="COGNITO_LAB_AWS_ACCOUNT=<your 12-digit account id>"):
        Lab("x")
    monkeypatch.setenv(lab.ENV_ACCOUNT, "999999999999")
    with pytest.raises(LabError, match="for account 123456789012, not 999999999999"):
        Lab("x")


def test_real_aws_shows_account_region_and_caller_and_names_carry_the_learner(
    fake_real_aws: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(lab.ENV_ACCOUNT, "123456789012")
    monkeypatch.setenv(lab.ENV_LEARNER, "Seat 07")
    monkeypatch.setenv(lab.ENV_EMAIL, "me@example.org")
    real = Lab("x")
    out = capsys.readouterr().out
    assert out.startswith("REAL AWS: account 123456789012, region us-east-1, caller arn:aws:")
    assert real.name("users") == "cognito-lab-seat-07-users"
    assert real.bucket_name("notes") == "cognito-lab-seat-07-notes-123456789012"
    assert real.email("alice") == "me+alice@example.org"
    monkeypatch.delenv(lab.ENV_EMAIL)
    with pytest.raises(LabError, match="COGNITO_LAB_EMAIL=<an address you read>"):
        real.email("alice")
    assert real.tags["learner"] == "seat-07"
    assert real.advance_clock(60) is False
    assert "time can't be moved" in capsys.readouterr().out


def test_root_credentials_are_refused() -> None:
    root = {"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:root"}
    with pytest.raises(LabError, match="root credentials"):
        lab.check_caller(root, "123456789012")
    lab.check_caller({"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/me"}, "123456789012")


# --- lab: names, tags, clients ------------------------------------------------------------------


def test_names_tags_and_emails_offline(offline: Lab) -> None:
    assert offline.name("notes") == "cognito-lab-notes"
    assert offline.bucket_name("notes") == "cognito-lab-notes"
    assert offline.email("bob") == "bob@example.com"
    assert offline.tags == {
        "course": "cognito-pools-lab",
        "learner": "local",
        "notebook": "test_course_helpers",
    }
    assert {"Key": "course", "Value": "cognito-pools-lab"} in offline.tag_list()
    with pytest.raises(LabError, match="lowercase letters, digits and hyphens"):
        offline.name("My Notes")
    with pytest.raises(LabError, match="63 characters"):
        offline.bucket_name("x" * 60)


def test_find_lookups_answer_none_then_the_resource(offline: Lab) -> None:
    iam, s3, dynamodb = offline.client("iam"), offline.client("s3"), offline.client("dynamodb")
    identity = offline.client("cognito-identity")
    assert offline.find_role("cognito-lab-finder") is None
    role_arn = iam.create_role(
        RoleName="cognito-lab-finder", AssumeRolePolicyDocument=json.dumps(TRUST_ACCOUNT)
    )
    assert offline.find_role("cognito-lab-finder") == role_arn["Role"]["Arn"]

    assert offline.find_bucket("cognito-lab-finder") is None
    s3.create_bucket(Bucket="cognito-lab-finder")
    assert offline.find_bucket("cognito-lab-finder") == "cognito-lab-finder"

    assert offline.find_table("cognito-lab-finder") is None
    table = dynamodb.create_table(
        TableName="cognito-lab-finder",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert offline.find_table("cognito-lab-finder") == table["TableDescription"]["TableArn"]

    assert offline.find_identity_pool("cognito-lab-finder") is None
    pool = identity.create_identity_pool(
        IdentityPoolName="cognito-lab-finder", AllowUnauthenticatedIdentities=False
    )
    assert offline.find_identity_pool("cognito-lab-finder") == pool["IdentityPoolId"]


def test_client_for_acts_with_temporary_credentials_in_either_shape(offline: Lab) -> None:
    role_arn = offline.client("iam").create_role(
        RoleName="cognito-lab-temporary", AssumeRolePolicyDocument=json.dumps(TRUST_ACCOUNT)
    )["Role"]["Arn"]
    sts_credentials = offline.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="learner")[
        "Credentials"
    ]
    identity_shape = {**sts_credentials, "SecretKey": sts_credentials.pop("SecretAccessKey")}
    for credentials in (sts_credentials | {"SecretAccessKey": identity_shape["SecretKey"]}, identity_shape):
        caller = offline.client_for(credentials, "sts").get_caller_identity()
        assert caller["Arn"].endswith(":assumed-role/cognito-lab-temporary/learner")


# --- userpool -----------------------------------------------------------------------------------


def test_ensure_signed_in_user_creates_once_then_finds(
    offline: Lab, alice: userpool.SignedInUser, capsys: pytest.CaptureFixture[str]
) -> None:
    again = userpool.ensure_signed_in_user(offline, "alice")
    assert capsys.readouterr().out == (
        "Using user pool cognito-lab-users (found), app client web (found), user alice (found); "
        "alice is signed in (SRP).\n"
    )
    assert (again.user_pool_id, again.client_id) == (alice.user_pool_id, alice.client_id)
    assert tokens.claims(again.user.id_token)["email_verified"] is True


def test_ensure_confirmed_user_confirms_a_user_left_unconfirmed(
    offline: Lab, alice: userpool.SignedInUser
) -> None:
    idp = offline.client("cognito-idp")
    idp.sign_up(
        ClientId=alice.client_id,
        Username="bob",
        Password=userpool.PASSWORDS["bob"],
        UserAttributes=[{"Name": "email", "Value": offline.email("bob")}],
    )
    note = userpool.ensure_confirmed_user(offline, alice.user_pool_id, alice.client_id, "bob")
    assert (note, offline.find_user(alice.user_pool_id, "bob")) == ("user bob (confirmed)", "CONFIRMED")


def test_the_pool_matches_its_request(offline: Lab, alice: userpool.SignedInUser) -> None:
    pool = offline.client("cognito-idp").describe_user_pool(UserPoolId=alice.user_pool_id)["UserPool"]
    request = userpool.pool_request(offline)
    assert pool["Policies"] == request["Policies"]
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["UserPoolTags"] == offline.tags


def test_read_confirmation_code_says_when_nothing_was_sent(
    offline: Lab, alice: userpool.SignedInUser
) -> None:
    with pytest.raises(LabError, match="No message was sent to 'nobody'"):
        offline.read_confirmation_code(alice.user_pool_id, "nobody")


def test_advance_clock_moves_the_offline_clock(offline: Lab) -> None:
    before = offline.now()
    assert offline.advance_clock(600) is True
    assert offline.now() - before >= 600


def test_the_local_endpoint_works_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    lab.stop_offline()
    endpoint = server.serve()
    try:
        monkeypatch.setenv(lab.ENV_ENDPOINT, endpoint.url)
        local = Lab("endpoint")
        signed_in = userpool.ensure_signed_in_user(local, "alice")  # code read through /_lab/mailbox
        idp = local.client("cognito-idp")
        assert idp.get_user(AccessToken=signed_in.user.access_token)["Username"] == "alice"
        assert local.advance_clock(3700) is True
        with pytest.raises(ClientError, match="Access Token has expired"):
            idp.get_user(AccessToken=signed_in.user.access_token)
        assert requests.get(local.jwks_url(signed_in.user_pool_id), timeout=10).json()["keys"]
    finally:
        endpoint.stop()


def test_an_endpoint_that_does_not_answer_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lab.ENV_ENDPOINT, "http://127.0.0.1:9")
    with pytest.raises(LabError, match="python -m helpers serve"):
        Lab("x")


# --- tokens -------------------------------------------------------------------------------------


def test_a_token_verifies_against_the_pools_jwks_until_one_claim_changes(
    offline: Lab, alice: userpool.SignedInUser
) -> None:
    jwks = requests.get(offline.jwks_url(alice.user_pool_id), timeout=10).json()
    token = alice.user.id_token
    check = {
        "algorithms": ["RS256"],
        "audience": alice.client_id,
        "issuer": offline.issuer(alice.user_pool_id),
    }
    key = tokens.signing_key(jwks, token)
    assert jwt.decode(token, key, options={"verify_iat": False}, **check)["cognito:username"] == "alice"

    forged = tokens.tamper(token, {"cognito:username": "bob"})
    assert tokens.claims(forged)["cognito:username"] == "bob"
    assert tokens.header(forged) == tokens.header(token)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key, options={"verify_iat": False}, **check)


def test_signing_key_refuses_a_token_from_another_pool(alice: userpool.SignedInUser) -> None:
    with pytest.raises(jwt.PyJWKError, match="did not sign the token"):
        tokens.signing_key({"keys": []}, alice.user.id_token)


def test_compare_prints_every_claim_once_sorted(
    alice: userpool.SignedInUser, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens.compare(alice.user.id_token, alice.user.access_token)
    lines = capsys.readouterr().out.splitlines()
    names = [line.split("|")[1].strip() for line in lines[2:]]
    assert names == sorted(names)
    assert "| aud " in lines[2] and lines[2].split("|")[3].strip() == "-"


def test_describe_tells_readable_from_opaque_tokens(alice: userpool.SignedInUser) -> None:
    assert tokens.describe(alice.user.access_token).startswith("a signed JWT (token_use='access')")
    assert tokens.describe("a.b.c.d.e") == "an encrypted JWT (JWE): only Cognito can read it"
    assert tokens.describe("opaque") == "an opaque string: only Cognito knows what it stands for"


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message", "starts"),
    [
        ("NotAuthorizedException", "Incorrect username or password.", "Cognito couldn't match this password"),
        ("NotAuthorizedException", "Access Token has expired", "Access tokens expire"),
        (
            "NotAuthorizedException",
            "User cannot be confirmed. Current status is CONFIRMED",
            "This user is already",
        ),
        ("NotAuthorizedException", "Something new", "The message above says what was wrong"),
        ("UserNotConfirmedException", "User is not confirmed.", "This user signed up but never confirmed"),
        ("NotAuthorizedException", "Refresh Token has been revoked", "This token was revoked"),
        (
            "NotAuthorizedException",
            "Invalid login token. The user has been signed out or deleted.",
            "The identity pool asked the user pool (ServerSideTokenCheck)",
        ),
        (
            "RefreshTokenReuseException",
            "Refresh Token has been invalidated by refresh token rotation",
            "Rotation replaced this refresh token",
        ),
        (
            "UserLambdaValidationException",
            "PreTokenGeneration failed with error no department for carol.",
            "The pool's Lambda trigger raised an error",
        ),
        (
            "UnexpectedLambdaException",
            "PreTokenGeneration invocation failed due to error AccessDeniedException.",
            "Cognito may not invoke the trigger's function",
        ),
        (
            "InvalidParameterException",
            "Attributes did not conform to the schema: email: ",
            "An attribute the pool",
        ),
    ],
)
def test_explain_matches_code_and_message(code: str, message: str, starts: str) -> None:
    assert errors.explain(_client_error(code, message)).startswith(starts)


def test_expected_shows_aws_code_message_and_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    with errors.expected("UserNotConfirmedException"):
        raise _client_error("UserNotConfirmedException", "User is not confirmed.")
    assert capsys.readouterr().out == (
        "AWS: UserNotConfirmedException: User is not confirmed.\n"
        "Why: This user signed up but never confirmed: call ConfirmSignUp with the emailed code first "
        "(ResendConfirmationCode sends a new one).\n"
    )


def test_expected_says_when_the_lesson_did_not_happen(capsys: pytest.CaptureFixture[str]) -> None:
    with errors.expected("NotAuthorizedException"):
        pass
    with errors.expected("NotAuthorizedException"):
        raise jwt.InvalidSignatureError("Signature verification failed")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "No error: the call succeeded. (This lesson expected NotAuthorizedException.)"
    assert out[1] == "PyJWT: InvalidSignatureError: Signature verification failed"
    assert out[3] == "(This lesson expected NotAuthorizedException.)"


def test_expected_lets_bugs_through() -> None:
    with pytest.raises(KeyError), errors.expected():
        raise KeyError("a bug, not a lesson")


def test_lab_errors_are_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    with errors.expected():
        raise LabError("Nothing answers at http://127.0.0.1:9: start it.")
    assert capsys.readouterr().out == "Lab: Nothing answers at http://127.0.0.1:9: start it.\n"


# --- show and doctor ----------------------------------------------------------------------------


def test_table_aligns_and_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    show.table([["a|b", ["x"]], ["long value", True], ["none", None]], ["key", "value"])
    assert capsys.readouterr().out.splitlines() == [
        "| key        | value |",
        "|------------|-------|",
        '| a\\|b       | ["x"] |',
        "| long value | true  |",
        "| none       | null  |",
    ]


def test_response_drops_http_details_and_prints_dates(capsys: pytest.CaptureFixture[str]) -> None:
    when = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    show.response({"Created": when, "ResponseMetadata": {"HTTPStatusCode": 200}})
    assert json.loads(capsys.readouterr().out) == {"Created": "2026-01-02T03:04:05+00:00"}


def test_doctor_names_what_is_missing_and_skips_the_aws_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(doctor, "PACKAGES", ("boto3", "no-such-course-package"))
    doctor.report()
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("ok       boto3: ")
    assert out[2] == f"MISSING  no-such-course-package: missing: {doctor._INSTALL}"
    assert out[3] == "MISSING  AWS for the course: not tried: fix the lines above first"
    assert out[4] == "Not ready yet: fix the MISSING lines, then run again."


def test_doctor_finds_everything_ready(offline: Lab) -> None:
    found = doctor.checks()
    assert all(check.ok for check in found), found
    assert found[-1].detail == "offline, in this kernel, answers"
