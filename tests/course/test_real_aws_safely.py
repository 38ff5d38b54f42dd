"""Real AWS, safely: the opt-in refuses every unsafe case, offline never leaves 127.0.0.1, IAM's
propagation delay is waited out (and only it), cleanup leaves nothing, a room of 30 fits.

The real-AWS code path is exercised against the offline endpoint acting as AWS
(`COGNITO_LAB_AWS_ENDPOINT`, test only): learner prefixes, tags, the account check, retries,
authorization enforced for an IAM user holding only the course's runner policy.
"""

from __future__ import annotations

import inspect
import json
import re
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from parliament import analyze_policy_string

from helpers import __main__ as cli
from helpers import cleanup, identitypool, lab, policies, retry, storage, teams, userpool
from helpers.lab import Lab, LabError
from helpers.offline import clock, engine, propagation, server

ACCOUNT = "123456789012"
RUNNER_POLICY = json.loads(files("helpers").joinpath("runner_policy.json").read_text())
TRUST_ACCOUNT = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
    ],
}


@pytest.fixture(autouse=True)
def _each_test_starts_with_no_offline_aws() -> Iterator[None]:
    """Most tests here choose where the lab's calls go (in-process, an endpoint, the real-AWS path)."""
    yield
    lab.stop_offline()
    propagation.reset()


@pytest.fixture
def endpoint() -> Iterator[server.Server]:
    lab.stop_offline()
    running = server.serve()
    yield running
    running.stop()
    propagation.reset()


def _admin(url: str, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=engine.ADMIN_ACCESS_KEY_ID,
        aws_secret_access_key=engine.ADMIN_SECRET_ACCESS_KEY,
    )


def _runner(url: str, monkeypatch: pytest.MonkeyPatch, policy: dict[str, Any] = RUNNER_POLICY) -> None:
    """An IAM user holding only `policy` (the course's runner policy), as the real-AWS path's caller."""
    iam = _admin(url, "iam")
    iam.create_user(UserName="course-runner")
    iam.put_user_policy(UserName="course-runner", PolicyName="runner", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="course-runner")["AccessKey"]
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.setenv(lab.ENV_BACKEND, "aws")
    monkeypatch.setenv(lab.ENV_ACCOUNT, ACCOUNT)
    monkeypatch.setenv(lab.ENV_AWS_ENDPOINT, url)
    monkeypatch.setenv(lab.ENV_EMAIL, "instructor@example.org")
    monkeypatch.setenv(lab.ENV_IAM_SETTLE, "0")  # the retries must do the waiting


def set_up_course(course: Lab) -> SimpleNamespace:
    """What notebooks 01-04 build, through the helpers that redo their steps, then one allowed call
    per principal (retried while IAM propagates: each is known to be allowed)."""
    setup = identitypool.ensure_identity_pool_with_roles(course)
    notes = storage.ensure_notes_storage(course, setup)
    alice = userpool.ensure_signed_in_user(course, "alice").user
    pool = setup.identity_pool_id
    read_public = {}
    for who, token in (("guest", None), ("alice", alice.id_token)):
        _, credentials = identitypool.credentials_for(course, pool, token)
        s3 = course.client_for(credentials, "s3")
        read_public[who] = retry.call(
            lambda s3=s3: s3.get_object(Bucket=notes.bucket, Key=storage.WELCOME_KEY)["Body"].read(),
            what=f"{who} reads public/",
            retry_on=retry.POLICY_CHANGE,
        )
    return SimpleNamespace(setup=setup, notes=notes, read_public=read_public)


def _course_names(url: str) -> set[str]:
    """Every course-named resource in the offline account, as the administrator sees it."""
    idp, identity = _admin(url, "cognito-idp"), _admin(url, "cognito-identity")
    iam, s3, dynamodb = _admin(url, "iam"), _admin(url, "s3"), _admin(url, "dynamodb")
    names = {p["Name"] for p in idp.list_user_pools(MaxResults=60)["UserPools"]}
    names |= {p["IdentityPoolName"] for p in identity.list_identity_pools(MaxResults=60)["IdentityPools"]}
    names |= {r["RoleName"] for r in iam.list_roles()["Roles"]}
    names |= {b["Name"] for b in s3.list_buckets()["Buckets"]}
    names |= set(dynamodb.list_tables()["TableNames"])
    return {name for name in names if name.startswith("cognito-lab")}


# --- the opt-in refuses every unsafe case -------------------------------------------------------


def test_without_the_opt_in_the_lab_is_offline_even_with_an_account_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(lab.ENV_ACCOUNT, ACCOUNT)
    assert Lab("x", backend=None).backend == lab.OFFLINE


def test_the_opt_in_without_an_account_is_refused(
    endpoint: server.Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    _runner(endpoint.url, monkeypatch)
    monkeypatch.delenv(lab.ENV_ACCOUNT)
    with pytest.raises(LabError, match="COGNITO_LAB_AWS_ACCOUNT=<your 12-digit account id>"):
        Lab("x")


def test_credentials_for_another_account_are_refused(
    endpoint: server.Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    _runner(endpoint.url, monkeypatch)
    monkeypatch.setenv(lab.ENV_ACCOUNT, "210987654321")
    with pytest.raises(LabError, match="for account 123456789012, not 210987654321"):
        Lab("x")


def test_root_credentials_are_refused_before_anything_is_created(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sts = boto3.client("sts", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stub = Stubber(sts)
    stub.add_response(
        "get_caller_identity", {"UserId": ACCOUNT, "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:root"}
    )
    monkeypatch.setattr(Lab, "client", lambda self, service: sts)
    monkeypatch.setenv(lab.ENV_BACKEND, "aws")
    monkeypatch.setenv(lab.ENV_ACCOUNT, ACCOUNT)
    with stub, pytest.raises(LabError, match="root credentials"):
        Lab("x")
    stub.assert_no_pending_responses()  # one call, GetCallerIdentity, and nothing after it
    assert "REAL AWS" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "url",
    [
        "https://cognito-idp.us-east-1.amazonaws.com",
        "http://localhost:5000",
        "http://127.0.0.1.example.com:5000",
        "http://10.0.0.5:5000",
        "https://127.0.0.1:5000",
    ],
)
def test_the_test_endpoint_is_refused_unless_it_is_loopback(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(lab.ENV_BACKEND, "aws")
    monkeypatch.setenv(lab.ENV_ACCOUNT, ACCOUNT)
    monkeypatch.setenv(lab.ENV_AWS_ENDPOINT, url)
    with pytest.raises(LabError, match=re.escape("must be http://127.0.0.1:<port>")):
        Lab("x")


@pytest.fixture
def only_loopback(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Refuse, at the socket, any connection except to 127.0.0.1; record the attempts."""
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        attempts.append(address)
        if not (isinstance(address, tuple) and address[0] == "127.0.0.1"):
            raise ConnectionRefusedError(f"test guard: no connection to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", _guarded_create_connection(attempts))
    return attempts


def _guarded_create_connection(attempts: list[Any]) -> Any:
    real = socket.create_connection

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(address)
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError(f"test guard: no connection to {address!r}")
        return real(address, *args, **kwargs)

    return create_connection


def test_offline_never_reaches_a_real_account_whatever_the_environment_says(
    only_loopback: list[Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    config = tmp_path / "config"
    config.write_text("[profile work]\nregion = eu-west-1\ncredential_process = /bin/false\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "work")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "bogus")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://aws.example.com")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    offline = Lab("offline-proof")
    assert offline.client("sts").get_caller_identity()["Account"] == ACCOUNT
    course = set_up_course(offline)
    assert course.read_public == {
        "guest": b"Welcome! Everyone may read this.",
        "alice": course.read_public["alice"],
    }
    assert cleanup.remove_course_resources(offline)
    assert only_loopback == []  # nothing even tried the network: the whole flow stayed in-process


# --- IAM's propagation delay, simulated ---------------------------------------------------------


def test_a_new_role_is_invisible_to_cognito_identity_until_iam_propagates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AWS: right after the roles are created, GetCredentialsForIdentity answers
    InvalidIdentityPoolConfigurationException (IAM User Guide, "Changes that I make are not always
    immediately visible"); the message is the one in aws-semantics.md."""
    monkeypatch.setenv(lab.ENV_IAM_SETTLE, "0")
    offline = Lab("propagation")
    engine.reset()
    propagation.simulate(30)
    setup = identitypool.ensure_identity_pool_with_roles(offline)
    identity = offline.client("cognito-identity")
    identity_id = identity.get_id(IdentityPoolId=setup.identity_pool_id, Logins={})["IdentityId"]
    with pytest.raises(ClientError) as raised:
        identity.get_credentials_for_identity(IdentityId=identity_id, Logins={})
    assert raised.value.response["Error"] == {
        "Code": "InvalidIdentityPoolConfigurationException",
        "Message": "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
    }
    assert set(propagation.pending_roles()) == {setup.signed_in_role_name, setup.guest_role_name}
    clock.advance(31)
    assert identity.get_credentials_for_identity(IdentityId=identity_id, Logins={})["Credentials"]
    assert propagation.pending_roles() == []


def test_a_policy_just_put_is_not_yet_applied_then_is() -> None:
    offline = Lab("propagation")
    engine.reset()
    iam = offline.client("iam")
    iam.create_role(RoleName="cognito-lab-late", AssumeRolePolicyDocument=json.dumps(TRUST_ACCOUNT))
    propagation.simulate(30)
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_role_policy(RoleName="cognito-lab-late", PolicyName="all", PolicyDocument=json.dumps(allow))
    credentials = offline.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/cognito-lab-late", RoleSessionName="learner"
    )["Credentials"]
    s3 = offline.client_for(credentials, "s3")
    with pytest.raises(ClientError) as raised:
        s3.list_buckets()
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    clock.advance(31)
    assert s3.list_buckets()["Buckets"] == []


def test_the_endpoint_route_sets_and_reports_the_delay(endpoint: server.Server) -> None:
    assert requests.post(f"{endpoint.url}/_lab/propagation", json={"seconds": 2}, timeout=5).json() == {
        "seconds": 2.0,
        "pending_roles": [],
    }
    _admin(endpoint.url, "iam").create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST_ACCOUNT))
    assert requests.get(f"{endpoint.url}/_lab/propagation", timeout=5).json()["pending_roles"] == ["r"]
    assert (
        requests.post(f"{endpoint.url}/_lab/propagation", json={"seconds": -1}, timeout=5).status_code == 400
    )


# --- retries: only propagation's errors, bounded, the last error unchanged ------------------------


def _error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"{code} message"}}, "Operation")


def test_retry_waits_out_propagation_then_returns(capsys: pytest.CaptureFixture[str]) -> None:
    answers = [_error("InvalidIdentityPoolConfigurationException"), _error("AccessDenied"), "credentials"]
    waits: list[float] = []
    got = retry.call(lambda: _raise_or_return(answers), what="Credentials", sleep=waits.append)
    assert got == "credentials" and len(waits) == 2
    assert 0.25 <= waits[0] <= 0.5 and 0.5 <= waits[1] <= 1.0
    err = capsys.readouterr().err
    assert "Credentials (1/8): InvalidIdentityPoolConfigurationException: waiting" in err
    assert err.endswith("Credentials: done.\n")


def _raise_or_return(answers: list[Any]) -> Any:
    answer = answers.pop(0)
    if isinstance(answer, Exception):
        raise answer
    return answer


def test_retry_never_retries_another_error_and_surfaces_the_last_one_unchanged() -> None:
    other = _error("NotAuthorizedException")
    with pytest.raises(ClientError) as raised:
        retry.call(lambda: _raise_or_return([other]), what="x", sleep=pytest.fail)
    assert raised.value is other
    denials = [_error("AccessDenied") for _ in range(3)]
    waits: list[float] = []
    with pytest.raises(ClientError) as raised:
        retry.call(lambda: _raise_or_return(denials), what="x", attempts=3, sleep=waits.append)
    assert (
        len(waits) == 2
        and denials == []
        and raised.value.response["Error"]["Message"] == "AccessDenied message"
    )


def test_backoff_grows_with_jitter_and_is_bounded() -> None:
    for attempt, nominal in ((1, 0.5), (2, 1.0), (4, 4.0), (6, 8.0), (12, 8.0)):
        waits = {retry.backoff(attempt) for _ in range(50)}
        assert all(nominal / 2 <= wait <= nominal for wait in waits) and len(waits) > 1
    assert retry.worst_case_wait() == 31.5


def test_offline_a_misconfigured_pool_is_shown_at_once_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    offline = Lab("no-retry")
    engine.reset()
    identity = offline.client("cognito-identity")
    pool = identity.create_identity_pool(
        IdentityPoolName="cognito-lab-x", AllowUnauthenticatedIdentities=True
    )
    monkeypatch.setattr(retry.time, "sleep", pytest.fail)
    with pytest.raises(ClientError, match="InvalidIdentityPoolConfigurationException"):
        identitypool.credentials_for(offline, pool["IdentityPoolId"], None)  # no roles set at all


# --- the real-AWS path against the offline endpoint acting as AWS ---------------------------------


@pytest.mark.slow
def test_the_course_runs_on_the_real_aws_path_with_only_the_runner_policy_and_leaves_nothing(
    endpoint: server.Server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _runner(endpoint.url, monkeypatch)
    monkeypatch.setenv(lab.ENV_LEARNER, "Seat 01")
    propagation.simulate(1.0)
    course_lab = Lab("real-path")
    assert course_lab.backend == lab.AWS and course_lab.iam_propagates
    assert capsys.readouterr().out.startswith(
        f"REAL AWS (TEST ENDPOINT {endpoint.url}): account {ACCOUNT}, region us-east-1, "
        f"caller arn:aws:iam::{ACCOUNT}:user/course-runner"
    )
    course = set_up_course(course_lab)
    assert course.setup.signed_in_role_name == "cognito-lab-seat-01-signed-in-role"
    assert course.notes.bucket == f"cognito-lab-seat-01-notes-{ACCOUNT}"
    assert set(course.read_public.values()) == {b"Welcome! Everyone may read this."}
    assert "waiting" in capsys.readouterr().err  # the simulated delay was met and waited out

    assert cli.main(["cleanup", "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert "| would remove" in dry and "cognito-lab-seat-01-users" in dry
    assert len(_course_names(endpoint.url)) == 6
    assert cli.main(["cleanup"]) == 0
    assert "| removed" in capsys.readouterr().out
    assert _course_names(endpoint.url) == set()
    assert cli.main(["audit"]) == 0
    assert capsys.readouterr().out.endswith(
        "Nothing left: no resource has the prefix cognito-lab-seat-01- or the course's tags.\n"
    )


def test_the_runner_policy_is_what_keeps_the_runner_in_its_lane(
    endpoint: server.Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Least privilege is enforced, not decorative: outside `cognito-lab-*` the runner is refused."""
    _runner(endpoint.url, monkeypatch)
    course_lab = Lab("lane")
    with pytest.raises(ClientError) as raised:
        course_lab.client("iam").create_role(
            RoleName="admin", AssumeRolePolicyDocument=json.dumps(TRUST_ACCOUNT)
        )
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    assert f"on resource: arn:aws:iam::{ACCOUNT}:role/admin" in raised.value.response["Error"]["Message"]
    with pytest.raises(ClientError, match="AccessDenied"):
        course_lab.client("s3").create_bucket(Bucket="someone-elses-bucket")


@pytest.mark.slow
def test_thirty_learners_set_up_and_tear_down_at_once_without_collision(
    endpoint: server.Server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A workshop: 30 seats in one account and region, IAM propagating (1 s), all at the same time:
    no two seats share a resource, each reaches its own public file, nothing is left.

    How long it takes is a figure, not a test: tests/benchmarks/bench_workshop.py measures it next
    to one learner alone."""
    _runner(endpoint.url, monkeypatch)
    propagation.simulate(1.0)
    seats = [f"seat-{n:02d}" for n in range(1, 31)]
    labs = {}
    for seat in seats:  # Lab reads the learner from the environment once, when made
        monkeypatch.setenv(lab.ENV_LEARNER, seat)
        labs[seat] = Lab("workshop")

    def learner(seat: str) -> tuple[str, dict[str, bytes], list[str]]:
        course = set_up_course(labs[seat])
        removed = cleanup.remove_course_resources(labs[seat])
        return course.setup.identity_pool_id, course.read_public, sorted(r.name for r in removed)

    with ThreadPoolExecutor(max_workers=len(seats)) as pool:
        results = dict(zip(seats, pool.map(learner, seats), strict=True))
    capsys.readouterr()

    assert len({pool_id for pool_id, _, _ in results.values()}) == 30  # no two seats shared a pool
    for seat, (_, read_public, removed) in results.items():
        assert set(read_public.values()) == {b"Welcome! Everyone may read this."}
        assert removed == sorted(
            [
                f"cognito-lab-{seat}-{base}"
                for base in ("identities", "users", "guest-role", "signed-in-role", "notes")
            ]
            + [f"cognito-lab-{seat}-notes-{ACCOUNT}"]
        )
    assert _course_names(endpoint.url) == set()
    assert cleanup.audit(labs["seat-01"], all_learners=True) == []


# --- cleanup: every kind, after a crash, dry run, audit -----------------------------------------------


def test_cleanup_finds_everything_after_a_crash_and_audit_sees_what_lacks_tags(
    endpoint: server.Server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(lab.ENV_ENDPOINT, endpoint.url)
    first = Lab("crashed")
    set_up_course(first)
    idp, iam = first.client("cognito-idp"), first.client("iam")
    pool_id = first.find_user_pool("cognito-lab-users")
    # What lives in the user pool has no tags: the pool's prefix and tags decide (notebook 12's).
    idp.create_user_pool_domain(Domain="pools-lab-login", UserPoolId=pool_id)
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="https://api.notes.example.com",
        Name="notes api",
        Scopes=[{"ScopeName": "notes.read", "ScopeDescription": "Read your notes"}],
    )
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="ExampleGoogle",
        ProviderType="OIDC",
        ProviderDetails={
            "client_id": "notes-web",
            "client_secret": "stand-in-secret",
            "oidc_issuer": "https://accounts.example.com",
            "authorize_scopes": "openid email",
            "attributes_request_method": "GET",
        },
        AttributeMapping={"email": "email", "username": "sub"},
    )
    policy_arn = iam.create_policy(
        PolicyName="cognito-lab-extra",
        PolicyDocument=json.dumps(policies.guest_role_policy("b")),
        Tags=first.tag_list(),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="cognito-lab-guest-role", PolicyArn=policy_arn)
    iam.create_open_id_connect_provider(
        Url="https://accounts.example.com",
        ClientIDList=["app"],
        ThumbprintList=["a" * 40],
        Tags=first.tag_list(),
    )
    first.client("s3").create_bucket(Bucket="cognito-lab-half-made")  # a crash before its tags

    after_crash = Lab("a new kernel")  # nothing remembered: found by prefix and tags alone
    capsys.readouterr()
    dry = cleanup.remove_course_resources(after_crash, dry_run=True)
    assert [r.kind for r in dry] == [
        "identity pool",
        "identity provider",
        "resource server",
        "user pool domain",
        "user pool",
        "IAM role",
        "IAM role",
        "IAM policy",
        "IAM OIDC provider",
        "S3 bucket",
        "table",
    ]
    before = {
        "cognito-lab-identities",
        "cognito-lab-users",
        "cognito-lab-guest-role",
        "cognito-lab-signed-in-role",
    }
    assert _course_names(endpoint.url) == before | {"cognito-lab-notes", "cognito-lab-half-made"}  # dry: kept
    assert [(r.name, r.pool) for r in dry[1:4]] == [
        ("ExampleGoogle", "cognito-lab-users"),
        ("https://api.notes.example.com", "cognito-lab-users"),
        ("pools-lab-login", "cognito-lab-users"),
    ]
    removed = cleanup.remove_course_resources(after_crash)
    assert {r.name for r in removed} >= {"cognito-lab-extra", "accounts.example.com", "pools-lab-login"}
    assert idp.list_user_pools(MaxResults=60)["UserPools"] == []
    assert cleanup.remove_course_resources(after_crash) == []  # idempotent
    assert [(r.kind, r.name) for r in cleanup.find_leftovers(after_crash)] == [
        ("S3 bucket", "cognito-lab-half-made")
    ]
    capsys.readouterr()
    assert cli.main(["audit"]) == 1
    assert "cognito-lab-half-made" in capsys.readouterr().out


# --- least privilege and linted policies --------------------------------------------------------------


def test_python_m_helpers_policy_prints_the_runner_policy(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["policy"]) == 0
    assert json.loads(capsys.readouterr().out) == RUNNER_POLICY


# Parliament splits ARNs on every colon, so an identity id (`us-east-1:<uuid>`) in an object key reads
# as a malformed ARN (RESOURCE_MISMATCH); a colon-free sample id keeps every other check.
SAMPLE_IDENTITY_ID = "us-east-1_11111111-2222-3333-4444-555555555555"
SAMPLE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/cognito-lab-signed-in-role"
# Parliament's data has no Cognito Identity condition keys for sts:TagSession, yet the Cognito
# Developer Guide ("Using attributes for access control", trust policy) puts exactly these
# conditions on a statement allowing both AssumeRoleWithWebIdentity and TagSession.
KNOWN_FALSE_POSITIVES = {
    (
        "UNKNOWN_CONDITION_FOR_ACTION",
        f"Unknown condition cognito-identity.amazonaws.com:{key} for action sts:TagSession",
    )
    for key in ("aud", "amr")
}


def _taught_policies() -> dict[str, dict[str, Any]]:
    samples = {
        "bucket": "cognito-lab-notes",
        "table_arn": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/cognito-lab-notes",
        "method_arn": f"arn:aws:execute-api:us-east-1:{ACCOUNT}:a1b2c3d4e5/prod/GET/iam/notes",
    }
    taught = {
        name: function(**{p: samples[p] for p in inspect.signature(function).parameters})
        for name, function in inspect.getmembers(policies, inspect.isfunction)
        if name.endswith("_policy")
    }
    # Trust policies are resource policies (on the role): give them the role as Resource to lint.
    trusts = {
        "trust_policy(authenticated)": identitypool.trust_policy(
            "us-east-1:pool", identitypool.AUTHENTICATED
        ),
        "trust_policy(unauthenticated)": identitypool.trust_policy(
            "us-east-1:pool", identitypool.UNAUTHENTICATED
        ),
        "tag_session_trust_policy": teams.tag_session_trust_policy("us-east-1:pool"),
        "function_trust": policies.function_trust(),
    }
    for name, trust in trusts.items():
        taught[name] = {**trust, "Statement": [{**s, "Resource": SAMPLE_ROLE} for s in trust["Statement"]]}
    return taught


def test_every_policy_the_course_teaches_and_the_runner_policy_pass_the_linter() -> None:
    taught = _taught_policies()
    assert {"signed_in_role_policy", "guest_role_policy", "api_caller_policy"} <= set(taught)
    taught["runner_policy.json"] = RUNNER_POLICY
    findings = {}
    for name, document in taught.items():
        text = json.dumps(document).replace(policies.IDENTITY_ID, SAMPLE_IDENTITY_ID)
        found = {
            (f.issue, str(f.detail)) for f in analyze_policy_string(text).findings
        } - KNOWN_FALSE_POSITIVES
        if found:
            findings[name] = found
    assert findings == {}


def test_the_linter_does_find_the_mistakes_it_is_trusted_with() -> None:
    sloppy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "dynamodb:GetItem",
                "Resource": "*",
                "Condition": {"StringLike": {"s3:prefix": "x"}},
            }
        ],
    }
    assert {f.issue for f in analyze_policy_string(json.dumps(sloppy)).findings} >= {
        "UNKNOWN_CONDITION_FOR_ACTION"
    }


def test_the_runner_policy_scopes_roles_buckets_and_tables_to_the_course() -> None:
    scoped = {s["Sid"]: s["Resource"] for s in RUNNER_POLICY["Statement"]}
    assert (
        scoped["CourseRolesOnly"]
        == scoped["PassCourseRolesToIdentityPoolsAndLambdaOnly"]
        == "arn:aws:iam::*:role/cognito-lab-*"
    )
    assert scoped["CourseBucketsOnly"] == "arn:aws:s3:::cognito-lab-*"
    assert scoped["CourseTablesOnly"] == "arn:aws:dynamodb:*:*:table/cognito-lab-*"
    assert scoped["CourseFunctionsOnly"] == "arn:aws:lambda:*:*:function:cognito-lab-*"
    passing = next(s for s in RUNNER_POLICY["Statement"] if s["Action"] == "iam:PassRole")
    assert passing["Condition"]["StringEquals"]["iam:PassedToService"] == [
        "cognito-identity.amazonaws.com",
        "lambda.amazonaws.com",
    ]
    everywhere = {a for s in RUNNER_POLICY["Statement"] if s["Resource"] == "*" for a in s["Action"]}
    assert not any(a.startswith("iam:") and not a.startswith("iam:List") for a in everywhere)
    assert not any(
        ("*" in a)
        for s in RUNNER_POLICY["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    )
