"""The notebooks' widgets, driven as a learner's clicks would drive them, without a browser.

`Button.click()` fires the same handlers a click in JupyterLab does, and setting a Dropdown's
value fires its observers; what the widgets then show (HTML values, button styles) is what the
browser renders. tests/browser/ proves the rendering itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import ipywidgets
import pytest
import requests

from helpers import access, identitypool, policies, storage, tokens, userpool, widgets
from helpers.lab import Lab


@pytest.fixture(scope="module")
def course(module_lab: Lab) -> SimpleNamespace:
    """Notebook 04's state with four of its columns (fewer calls keep the test fast)."""
    offline = module_lab
    setup = identitypool.ensure_identity_pool_with_roles(offline)
    notes = storage.ensure_notes_storage(offline, setup)
    pool = setup.identity_pool_id
    alice_user = userpool.ensure_signed_in_user(offline, "alice").user
    bob_user = userpool.ensure_signed_in_user(offline, "bob").user
    guest = access.Principal("guest", *identitypool.credentials_for(offline, pool, None))
    alice = access.Principal("Alice", *identitypool.credentials_for(offline, pool, alice_user.id_token))
    bob = access.Principal("Bob", *identitypool.credentials_for(offline, pool, bob_user.id_token))
    key = f"private/{bob.identity_id}/note.txt"
    offline.client("s3").put_object(Bucket=notes.bucket, Key=key, Body=b"Bob's note")

    def operations(s3: Any, dynamodb: Any, me: str) -> dict[str, Any]:
        return {
            "read public": lambda: s3.get_object(Bucket=notes.bucket, Key=storage.WELCOME_KEY),
            "read Bob's private": lambda: s3.get_object(Bucket=notes.bucket, Key=key),
            "list the bucket": lambda: s3.list_objects_v2(Bucket=notes.bucket),
            "scan": lambda: dynamodb.scan(TableName=notes.table),
        }

    everyone = [guest, alice, bob]
    return SimpleNamespace(
        lab=offline,
        setup=setup,
        notes=notes,
        everyone=everyone,
        operations=operations,
        matrix=access.run_matrix(offline, everyone, operations),
    )


# --- the grid ----------------------------------------------------------------------------------------


def test_each_cell_shows_colour_and_symbol(course: SimpleNamespace) -> None:
    grid = widgets.AccessGrid(course.matrix)
    alice_reads_bobs = grid.buttons[("Alice", "read Bob's private")]
    assert (alice_reads_bobs.description, alice_reads_bobs.button_style) == ("✗", "danger")
    assert "denied" in alice_reads_bobs._dom_classes
    bob_reads_his = grid.buttons[("Bob", "read Bob's private")]
    assert (bob_reads_his.description, bob_reads_his.button_style) == ("✓", "success")
    assert len(grid.buttons) == 3 * 4


def test_clicking_a_denied_cell_shows_request_statement_and_aws_error(course: SimpleNamespace) -> None:
    grid = widgets.AccessGrid(course.matrix)
    assert "Click a cell" in grid.detail.value
    grid.buttons[("Alice", "read Bob's private")].click()
    shown = grid.detail.value
    assert grid.selected == ("Alice", "read Bob's private")
    assert "Alice · read Bob&#x27;s private: ✗ denied" in shown
    assert (
        "Request: Alice (role cognito-lab-signed-in-role, identity &lt;Alice&#x27;s identity id&gt;) "
        "asked for s3:GetObject on "
        "arn:aws:s3:::cognito-lab-notes/private/&lt;Bob&#x27;s identity id&gt;/note.txt."
    ) in shown
    assert "AWS answered: AccessDenied: User: arn:aws:sts::123456789012:assumed-role/" in shown
    # The nearest statement, with the policy variable filled in for Alice (and named).
    assert "private/&lt;Alice&#x27;s identity id&gt;/*" in shown
    assert "${cognito-identity.amazonaws.com:sub} = &lt;Alice&#x27;s identity id&gt;" in shown
    assert all(principal.identity_id not in shown for principal in course.everyone)


def test_an_allowed_cell_names_the_statements_that_allowed_it(course: SimpleNamespace) -> None:
    story = widgets.AccessGrid(course.matrix).select("guest", "read public")
    assert story.aws_said == "AWS answered: OK (the call was allowed and succeeded)."
    assert story.statements.startswith("The statements that allowed it:")
    assert "statement 'ReadPublic' in policy 'notes-access'" in story.statements
    # AWS's guest scope-down is a session policy, not the role's: the record carries it too.
    assert "in policy 'cognito-unauth-inline-scope-down'" in story.statements


def test_a_cell_shows_the_statement_as_iam_saw_it_with_its_variables(course: SimpleNamespace) -> None:
    """The record carries the statement with the caller's values filled in: nothing is fetched
    from IAM again and nothing is substituted by the course."""
    story = widgets.cell_story(course.matrix, "Alice", "scan")
    assert story.aws_said.startswith("AWS answered: AccessDeniedException: ")
    assert story.request.endswith(
        "asked for dynamodb:Scan on arn:aws:dynamodb:us-east-1:123456789012:table/cognito-lab-notes."
    )
    head, *statement = story.statements.splitlines()[1:]
    assert head == (
        "statement 'OwnItems' in policy 'notes-access', "
        "with ${cognito-identity.amazonaws.com:sub} = <Alice's identity id>:"
    )
    shown = json.loads("\n".join(statement))
    assert shown["Condition"] == {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["<Alice's identity id>"]}
    }


def test_the_text_fallback_is_the_table(course: SimpleNamespace) -> None:
    text = widgets.AccessGrid(course.matrix).text()
    assert text.splitlines()[1:4] == ["guest   ✓  ✗  ✗  ✗", "Alice   ✓  ✗  ✗  ✗", "Bob     ✓  ✓  ✗  ✗"]
    assert "   2: read Bob's private" in text


# --- the playground ----------------------------------------------------------------------------------


@pytest.fixture
def playground(course: SimpleNamespace) -> Iterator[widgets.PolicyPlayground]:
    made = widgets.PolicyPlayground(
        course.lab,
        course.setup.signed_in_role_name,
        policies.ROLE_POLICY_NAME,
        course.everyone,
        course.operations,
    )
    yield made
    made.restore()


def _stored(course: SimpleNamespace) -> dict[str, Any]:
    return widgets.role_policies(course.lab, course.setup.signed_in_role_name)[policies.ROLE_POLICY_NAME]


def test_a_prepared_mistake_reruns_the_matrix_and_says_what_changed(
    course: SimpleNamespace, playground: widgets.PolicyPlayground
) -> None:
    playground.picker.value = "Scan added to OwnItems"  # as picking it in the dropdown does
    assert '"dynamodb:Scan"' in playground.editor.value
    alice_scans = playground.grid.buttons[("Alice", "scan")]
    headings = [child for child in playground.grid.grid.children if not isinstance(child, ipywidgets.Button)]
    playground.apply_button.click()
    assert playground.matrix.pattern() == {"guest": "✓✗✗✗", "Alice": "✓✗✗✓", "Bob": "✓✓✗✓"}
    # The same cell, restyled (the browser keeps its widget): allowed now, and only that.
    assert playground.grid.buttons[("Alice", "scan")] is alice_scans
    assert (alice_scans.description, alice_scans.button_style) == ("✓", "success")
    assert "allowed" in alice_scans._dom_classes and "denied" not in alice_scans._dom_classes
    # No new widget for the browser to open: the headings are kept, and all cells share a style.
    assert [child for child in playground.grid.grid.children if child in headings] == headings
    assert len({id(button.style) for button in playground.grid.buttons.values()}) == 1
    assert len({id(heading.layout) for heading in headings}) == 1
    assert "Alice · scan: ✗ → ✓ (allowed by &#x27;OwnItems&#x27;)" in playground.message.value
    playground.restore_button.click()
    assert playground.matrix.pattern() == course.matrix.pattern()
    assert _stored(course) == playground.original


def test_an_update_sends_the_browser_one_message_per_changed_cell(
    playground: widgets.PolicyPlayground, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[ipywidgets.Button] = []
    monkeypatch.setattr(ipywidgets.Button, "_send", lambda button, message, buffers=None: sent.append(button))
    playground.try_mistake("Scan added to OwnItems")  # Alice's and Bob's scan become allowed
    assert sent == [playground.grid.buttons[("Alice", "scan")], playground.grid.buttons[("Bob", "scan")]]


def test_apply_reruns_only_the_callers_of_the_changed_role(playground: widgets.PolicyPlayground) -> None:
    """The guest acts as another role, so a change to the signed-in role's policy cannot change the
    guest's row: it is kept, not called again."""
    guest_before = {op: playground.matrix.outcome("guest", op) for op in playground.matrix.operations}
    alice_before = playground.matrix.outcome("Alice", "scan")
    playground.try_mistake("Scan added to OwnItems")
    assert all(playground.matrix.outcome("guest", op) is was for op, was in guest_before.items())
    assert playground.matrix.outcome("Alice", "scan") is not alice_before


def test_invalid_json_is_refused_before_iam_and_the_policy_stays(
    course: SimpleNamespace, playground: widgets.PolicyPlayground
) -> None:
    before = _stored(course)
    applied = playground.apply(widgets.mistake(widgets.BROKEN_JSON, playground.original))
    assert not applied.ok
    assert applied.message.startswith("Not valid JSON (line ")
    assert "the previous policy is still in force" in applied.message
    assert _stored(course) == before
    assert "✗ Not valid JSON" in playground.message.value


def test_a_policy_iam_refuses_gets_iams_error_and_the_policy_stays(
    course: SimpleNamespace, playground: widgets.PolicyPlayground
) -> None:
    before = _stored(course)
    applied = playground.try_mistake("a typo: Effect Alow")
    assert not applied.ok
    assert applied.message.startswith("IAM refused it: MalformedPolicyDocument: ")
    assert _stored(course) == before
    assert playground.matrix.pattern() == course.matrix.pattern()


def test_every_prepared_mistake_is_a_policy_edit_of_the_course_policy(
    playground: widgets.PolicyPlayground,
) -> None:
    for name in widgets.MISTAKES:
        edited = json.loads(widgets.mistake(name, playground.original))
        assert edited != playground.original, name
    assert "Version" in playground.original  # the mistakes copy, never change, the original


def test_stored_notebooks_keep_no_widget_state() -> None:
    """Widget state is large, changes every run and is dead without a kernel: stored outputs keep
    each widget's plain-text version only, which JupyterLab and GitHub show until the notebook runs."""
    for path in sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        assert "widgets" not in notebook["metadata"], path.name
        for cell in notebook["cells"]:
            for output in cell.get("outputs", []):
                assert "application/vnd.jupyter.widget-view+json" not in output.get("data", {}), path.name


def test_show_displays_the_widget_with_its_text_in_one_output(
    course: SimpleNamespace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In JupyterLab the widget view replaces the text of the same output: nothing is printed
    beside it, so a live grid never shows its text version underneath."""
    shown: list[dict[str, Any]] = []
    monkeypatch.setattr(widgets, "display", lambda bundle, raw: shown.append(bundle))
    grid = widgets.AccessGrid(course.matrix)
    grid.show()
    assert capsys.readouterr().out == ""
    (bundle,) = shown
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == grid.widget.model_id
    assert grid.text() in bundle["text/plain"]
    assert "matrix.explain(who, column)" in bundle["text/plain"]


# --- the token inspector and the sign-up panel ------------------------------------------------------


def test_token_inspector_checks_signatures_and_tells_id_from_access(course: SimpleNamespace) -> None:
    pool_id, client_id, _ = userpool.ensure_pool(course.lab)
    alice = userpool.ensure_signed_in_user(course.lab, "alice").user
    jwks = requests.get(course.lab.jwks_url(pool_id), timeout=10).json()
    inspector = widgets.TokenInspector(
        course.lab,
        jwks,
        {
            "ID token": alice.id_token,
            "access token": alice.access_token,
            "forged": tokens.tamper(alice.id_token, {"cognito:username": "bob"}),
        },
        client_id=client_id,
        issuer=course.lab.issuer(pool_id),
    )
    id_report = inspector.inspect("ID token")
    assert id_report.signature.startswith("✓ signature valid: key ")
    only = {claim: note for claim, _, note, _ in id_report.rows}
    assert only["aud"] == only["email"] == "only in id tokens" and only["sub"] == ""
    assert re.fullmatch(r"expires in (59|60) min \d+ s \(lab clock\)", id_report.expiry)
    access_rows = {claim: note for claim, _, note, _ in inspector.inspect("access token").rows}
    assert access_rows["client_id"] == access_rows["scope"] == "only in access tokens"
    inspector.picker.value = "forged"  # as picking it does
    assert "✗ PyJWT: InvalidSignatureError: Signature verification failed" in inspector.view.value
    assert "ID token: header {" in inspector.inspect("ID token").text()


def test_sign_up_panel_walks_through_sign_up_confirm_sign_in(course: SimpleNamespace) -> None:
    pool_id, client_id, _ = userpool.ensure_pool(course.lab)
    panel = widgets.SignUpPanel(course.lab, pool_id, client_id)
    panel.username.value, panel.password.value = "zoe", "short"
    panel.buttons["Sign up"].click()
    assert "✗ Sign up: AWS: InvalidPasswordException: " in panel.message.value
    panel.password.value = "Zoe-Zips-Zippers-12"
    assert panel.sign_up().startswith("✓ Sign up: the code went to z***@e")
    code = course.lab.read_confirmation_code(pool_id, "zoe")
    assert f"<code class='mailbox-code'>{code}</code>" in panel.mailbox.value
    panel.code.value = "000000" if code != "000000" else "111111"
    assert "CodeMismatchException" in panel.confirm()
    panel.code.value = code
    assert panel.confirm() == "✓ Confirm: confirmed; now Sign in."
    panel.buttons["Sign in"].click()
    assert "✓ Sign in: signed in; ID token for zoe." in panel.message.value
    panel.password.value = "Zoe-Zips-Zippers-13"
    assert "NotAuthorizedException: Incorrect username or password." in panel.sign_in()


def test_sign_up_panel_keeps_the_course_users_for_the_course(course: SimpleNamespace) -> None:
    """A course user signed up from the panel with another password would break notebooks 06-10,
    which sign that user in with the course's password, on a shared AWS."""
    pool_id, client_id, _ = userpool.ensure_pool(course.lab)
    panel = widgets.SignUpPanel(course.lab, pool_id, client_id)
    panel.username.value, panel.password.value = "dave", "Dave-Picks-His-Own-1"
    assert panel.sign_up() == (
        "✗ Sign up: Lab: dave is one of the course's own users, whom notebooks 02-10 sign in with the "
        "course's password: pick another username."
    )
    assert course.lab.find_user(pool_id, "dave") is None
