"""The whole course, every notebook, runs top to bottom on the real-AWS code path and leaves nothing.

The offline endpoint acts as AWS (authorization enforced, IAM propagation simulated at 1 s); each
notebook runs in a fresh kernel with exactly the environment of a learner on a real account
(`COGNITO_LAB_BACKEND=aws`, the account id, a seat, an email address, the access keys of an IAM
user holding ONLY `helpers/runner_policy.json`). `COGNITO_LAB_AWS_ENDPOINT` (test only, 127.0.0.1
only) sends the calls to the endpoint and lets the lab read confirmation codes from its mailbox
instead of prompting. The helpers' calls wait IAM out by retrying; a lesson's own boto3 call (03's
GetCredentialsForIdentity, say) can't be retried without hiding the lessons whose point is that very
error, so notebooks call `wait_for_iam` before them: the settle time here is just over the delay.

What it proves: the learner prefix and tags reach every resource in every notebook; the runner
policy covers every call the notebooks make as the learner (no denial is ever recorded for the
runner, including inside break-it cells where a denial would be printed, not raised); the cells
that can't work on AWS (moving the clock, the stand-in OIDC provider) skip or explain instead of
failing; notebook 08 registers no IAM OIDC provider on a shared account; notebook 12's user pool
domain gets a prefix of its own (learner and account) and its managed login runs against the
endpoint acting as AWS; notebook 13's passkeys belong to its pool's own domain and its browser page
skips; cleanup then audit leaves zero resources, domains included. The stored
notebooks are read into memory and run there, never written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import boto3
import nbformat
import pytest
from notebook_runner import execute, notebook_paths

from helpers import __main__ as cli
from helpers import lab
from helpers.offline import engine, iam, propagation, server
from helpers.offline.authorization import callers, decisionlog

ACCOUNT = "123456789012"
SEAT = "seat-07"
# IAM's simulated delay, and the notebooks' settle wait before a lesson's own boto3 call (10 s on AWS
# for IAM's "few seconds"): longer than the delay, as on AWS. Helpers' calls are retried instead.
DELAY_SECONDS = 1.0
SETTLE_SECONDS = 1.5
RUNNER_POLICY = (notebook_paths()[0].parents[1] / "helpers" / "runner_policy.json").read_text()
# Variables of the machine running the tests that must not reach a learner's kernel.
_MACHINE_ONLY = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_DEFAULT_PROFILE")


def _admin(url: str, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=engine.ADMIN_ACCESS_KEY_ID,
        aws_secret_access_key=engine.ADMIN_SECRET_ACCESS_KEY,
    )


@pytest.fixture
def endpoint() -> Iterator[server.Server]:
    lab.stop_offline()
    running = server.serve()
    propagation.simulate(DELAY_SECONDS)
    yield running
    running.stop()
    propagation.reset()


@pytest.fixture
def runner_denials(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(access key id, action) of every authorization decision that refused someone, as the
    endpoint (in this process) makes it.

    The endpoint's own log keeps only the last 500 decisions; the course makes thousands.
    """
    denied: list[tuple[str, str]] = []
    record = decisionlog.record

    def keep(caller: callers.Caller, service: str, decision: iam.Decision, refusal: Any) -> None:
        if refusal is not None:
            denied.append((caller.access_key_id, decision.request.action))
        record(caller, service, decision, refusal)

    monkeypatch.setattr(decisionlog, "record", keep)
    return denied


def _learner_environment(url: str) -> dict[str, str]:
    """A learner on real AWS: the opt-in, a seat, and an IAM user's keys holding only the runner policy."""
    iam = _admin(url, "iam")
    iam.create_user(UserName="course-runner")
    iam.put_user_policy(UserName="course-runner", PolicyName="runner", PolicyDocument=RUNNER_POLICY)
    key = iam.create_access_key(UserName="course-runner")["AccessKey"]
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _MACHINE_ONLY and not name.startswith("COGNITO_LAB_")
    }
    env.update(
        {
            "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
            lab.ENV_BACKEND: "aws",
            lab.ENV_ACCOUNT: ACCOUNT,
            lab.ENV_AWS_ENDPOINT: url,
            lab.ENV_LEARNER: SEAT,
            lab.ENV_EMAIL: "instructor@example.org",
            lab.ENV_IAM_SETTLE: str(SETTLE_SECONDS),
        }
    )
    return env


def _text(cell: Any) -> str:
    return "".join(
        output.get("text", "") or output.get("data", {}).get("text/plain", "") for output in cell.outputs
    )


def test_every_notebook_runs_on_the_real_aws_path_with_only_the_runner_policy_and_leaves_nothing(
    endpoint: server.Server,
    runner_denials: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = _learner_environment(endpoint.url)
    runner_key = env["AWS_ACCESS_KEY_ID"]
    printed: dict[str, str] = {}
    for path in notebook_paths():
        notebook = execute(nbformat.read(path, as_version=4), env=env)  # raises on a cell's error
        printed[path.name] = "\n".join(_text(cell) for cell in notebook.cells if cell.cell_type == "code")

    assert list(printed) == [path.name for path in notebook_paths()]
    for name, text in printed.items():
        assert f"REAL AWS (TEST ENDPOINT {endpoint.url}): account {ACCOUNT}" in text, name
        assert f"names start with cognito-lab-{SEAT}-" in text, name
    # The runner policy let the learner do everything the course does: no call of theirs was refused.
    assert [action for key, action in runner_denials if key == runner_key] == []
    # Every break-it cell met the error its lesson expects, but one: on AWS the clock can't be moved,
    # so 02's expired token isn't expired yet. The cells say so and run on; nothing fails.
    unexpected = [
        (name, line)
        for name, text in printed.items()
        for line in text.splitlines()
        if "lesson expected" in line
    ]
    assert unexpected == [
        ("02_tokens.ipynb", "No error: the call succeeded. (This lesson expected NotAuthorizedException.)")
    ]
    assert "Real AWS: time can't be moved. Wait 61 minutes" in printed["02_tokens.ipynb"]
    assert "The access token is still valid for" in printed["02_tokens.ipynb"]
    assert (
        "Skipped on real AWS: AWS can't reach the lab's stand-in provider"
        in printed["08_other_identity_providers.ipynb"]
    )
    assert (
        "Skipped on real AWS: AWS can't reach the lab's stand-in provider"
        in printed["12_managed_login.ipynb"]
    )
    assert f"Domain: pools-lab-{SEAT}-notes-{ACCOUNT} | status: ACTIVE" in printed["12_managed_login.ipynb"]
    # Notebook 13: passkeys for the pool's own domain (the kernel's authenticator runs), the browser's
    # page skipped (the notes app is offline only), the expired email code waited for, not forced.
    passwordless = printed["13_passwordless_and_mfa.ipynb"]
    assert f"Relying party: the pool's domain pools-lab-{SEAT}-passkeys-{ACCOUNT} (created)" in passwordless
    assert "Signed in with the passkey: ['AccessToken'" in passwordless
    assert passwordless.count("Skipped on real AWS: the notes app's passkey page is the offline lab's") == 2
    assert "Real AWS: time can't be moved. Wait 3 minutes" in passwordless
    assert "Skipped: time can't be moved on real AWS" in printed["10_break_it_gallery.ipynb"]
    # Notebook 14: the function's log read back from CloudWatch Logs, the grace period waited out,
    # the hour after sign-out not forced; Bob's section-5 credentials still read his plan.
    sessions = printed["14_triggers_and_sessions.ipynb"]
    assert "triggerSource: TokenGeneration_Authentication | version: 2" in sessions
    assert "AWS: RefreshTokenReuseException:" in sessions
    assert "Skipped on real AWS: the credentials expire an hour after they were issued." in sessions
    assert "His credentials from section 5 read: ['read sales plan']" in sessions
    # IAM OIDC providers are one per account and URL: thirty learners would share (and delete) one.
    iam = _admin(endpoint.url, "iam")
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []

    for name, value in env.items():  # `python -m helpers cleanup` as the learner would run it
        monkeypatch.setenv(name, value)
    lab.stop_offline()  # an earlier test's in-process offline AWS would make the aws backend refuse
    assert cli.main(["cleanup"]) == 0
    removed = capsys.readouterr().out
    assert f"cognito-lab-{SEAT}-users" in removed
    assert f"user pool domain | pools-lab-{SEAT}-notes-{ACCOUNT} " in removed
    assert f"user pool domain | pools-lab-{SEAT}-passkeys-{ACCOUNT} " in removed
    assert re.search(rf"\| user pool +\| cognito-lab-{SEAT}-passwordless ", removed)
    assert re.search(rf"\| log group +\| /aws/lambda/cognito-lab-{SEAT}-directory-claims ", removed)
    assert cli.main(["audit"]) == 0
    assert capsys.readouterr().out.endswith(
        f"Nothing left: no resource has the prefix cognito-lab-{SEAT}- or the course's tags.\n"
    )
