"""Notebook 12's plumbing (`helpers.managedlogin`, `helpers.browser`, `helpers.oautherrors`) against
the offline AWS: domain names AWS accepts, find-or-create, the page's form, the browser's link through
the loopback endpoint and the code it brings back, the kernel's callback listener for real AWS, and
OAuth answers explained."""

from __future__ import annotations

import socket
from types import SimpleNamespace
from typing import Any, cast
from urllib.parse import urlencode

import pytest
import requests

from helpers import browser, managedlogin, oautherrors, userpool
from helpers.lab import AWS, Lab, LabError


def _aws_lab(learner: str) -> Lab:
    """What `domain_prefix` and `callback_for` read of a real-AWS lab (no account needed)."""
    return cast(
        Lab, SimpleNamespace(backend=AWS, learner=learner, account_id="123456789012", region="us-east-1")
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def notes(offline: Lab) -> dict[str, Any]:
    """The course's pool with Alice, a domain and notebook 12's app client."""
    pool_id, web_client, _ = userpool.ensure_pool(offline)
    userpool.ensure_confirmed_user(offline, pool_id, web_client, "alice")
    prefix = managedlogin.domain_prefix(offline, "notes")
    managedlogin.ensure_domain(offline, pool_id, prefix)
    request = {
        "ClientName": "notes",
        "GenerateSecret": False,
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["openid", "email"],
        "CallbackURLs": [managedlogin.NOTES_CALLBACK],
        "SupportedIdentityProviders": ["COGNITO"],
    }
    client_id, _ = managedlogin.ensure_app_client(offline, pool_id, request)
    return {"pool_id": pool_id, "client_id": client_id, "request": request, "domain": prefix}


def _authorize(lab: Lab, notes: dict[str, Any], **extra: str) -> str:
    query = {
        "response_type": "code",
        "client_id": notes["client_id"],
        "redirect_uri": managedlogin.NOTES_CALLBACK,
        "scope": "openid",
        **extra,
    }
    return f"https://{managedlogin.domain_host(lab, notes['domain'])}/oauth2/authorize?{urlencode(query)}"


def test_domain_prefixes_avoid_the_words_aws_reserves_and_are_unique_per_learner_and_account(
    offline: Lab,
) -> None:
    assert managedlogin.domain_prefix(offline, "notes") == "pools-lab-notes"
    prefix = managedlogin.domain_prefix(_aws_lab("aws-cognito-amazon-fan"), "notes")
    assert prefix == "pools-lab-x-x-x-fan-notes-123456789012"
    with pytest.raises(LabError, match="longer than 63"):
        managedlogin.domain_prefix(_aws_lab("l" * 50), "notes")


def test_a_domain_and_an_app_client_are_found_again_and_a_changed_client_is_updated(
    offline: Lab, notes: dict[str, Any]
) -> None:
    assert managedlogin.ensure_domain(offline, notes["pool_id"], "pools-lab-notes") == (
        "domain pools-lab-notes (found)"
    )
    with pytest.raises(LabError, match="already has the domain pools-lab-notes"):
        managedlogin.ensure_domain(offline, notes["pool_id"], "pools-lab-other")
    request = notes["request"]
    assert managedlogin.ensure_app_client(offline, notes["pool_id"], request) == (notes["client_id"], "found")
    wider = {**request, "AllowedOAuthScopes": ["openid", "email", "profile"]}
    assert managedlogin.ensure_app_client(offline, notes["pool_id"], wider) == (notes["client_id"], "updated")
    described = offline.client("cognito-idp").describe_user_pool_client(
        UserPoolId=notes["pool_id"], ClientId=notes["client_id"]
    )["UserPoolClient"]
    assert described["AllowedOAuthScopes"] == ["openid", "email", "profile"]
    assert described["CallbackURLs"] == [managedlogin.NOTES_CALLBACK]  # the rest sent again


def test_the_form_is_read_and_the_scripted_sign_in_ends_at_the_callback(
    offline: Lab, notes: dict[str, Any]
) -> None:
    session = managedlogin.web(offline)
    page = session.get(_authorize(offline, notes, state="s-1"))
    form = managedlogin.read_form(page)
    assert form.method == "post" and form.action.startswith(f"https://{page.url.split('/')[2]}/login?")
    assert [(name, kind) for name, (kind, _) in form.fields.items()] == [
        ("_csrf", "hidden"),
        ("username", "text"),
        ("password", "password"),
    ]
    assert form.filled(username="alice")["_csrf"] == session.cookies["XSRF-TOKEN"]
    location = managedlogin.sign_in(
        managedlogin.web(offline),
        _authorize(offline, notes, state="s-2"),
        "alice",
        userpool.PASSWORDS["alice"],
    )
    assert location.startswith(managedlogin.NOTES_CALLBACK + "?code=")
    assert managedlogin.query(location)["state"] == "s-2"
    with pytest.raises(LabError, match="wrong password"):
        managedlogin.sign_in(managedlogin.web(offline), _authorize(offline, notes), "alice", "not-it-1A")
    with pytest.raises(LabError, match="has no form"):
        managedlogin.read_form(session.get(f"https://{page.url.split('/')[2]}/error"))


def test_the_browsers_link_goes_through_jupyter_server_proxy_to_the_loopback_endpoint_and_the_code_comes_back(
    offline: Lab, notes: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _authorize(offline, notes, state="clicked")
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    link = browser.link_for(offline, url)
    assert (
        link.startswith("/proxy/") and "/_lab/hosts/pools-lab-notes.auth.us-east-1.amazoncognito.com/" in link
    )
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/seat01/")
    assert browser.link_for(offline, url) == "/user/seat01" + link
    assert 'target="_blank"' in browser.Link(link, "Sign in")._repr_html_()

    # What jupyter-server-proxy does with the link: strip `{base}proxy/<port>`, ask the loopback endpoint.
    port, path = link.removeprefix("/proxy/").split("/", 1)
    person = requests.Session()
    page = person.get(f"http://127.0.0.1:{port}/{path}", timeout=10)
    form = managedlogin.read_form(page)
    assert browser.callback_for(offline, "clicked") is None
    landed = person.post(  # the form posts back through the alias: its action is `/_lab/hosts/...`
        form.action, data=form.filled(username="alice", password=userpool.PASSWORDS["alice"]), timeout=10
    )
    assert "You are signed in" in landed.text
    arrived = browser.callback_for(offline, "clicked")
    assert arrived is not None and arrived["state"] == "clicked" and arrived["code"]


def test_on_real_aws_the_kernel_receives_the_callback_on_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    port = _free_port()
    monkeypatch.setenv(browser.ENV_CALLBACK_PORT, str(port))
    monkeypatch.setattr(browser, "_listener", None)
    monkeypatch.setattr(browser._Received, "arrived", [])
    assert browser.local_callback_url() == f"http://localhost:{port}/callback"
    assert (
        browser.listen_for_callback()
        == f"The kernel receives the callback at http://localhost:{port}/callback."
    )
    try:
        page = requests.get(f"http://127.0.0.1:{port}/callback?code=c-1&state=mine", timeout=10)
        assert "Go back to the notebook" in page.text
        assert browser.callback_for(_aws_lab("seat"), "mine") == {"code": "c-1", "state": "mine"}
        assert browser.callback_for(_aws_lab("seat"), "theirs") is None
        busy = browser._listener
        monkeypatch.setattr(browser, "_listener", None)
        assert browser.listen_for_callback().startswith(f"Port {port} is busy")
    finally:
        assert busy is not None
        busy.shutdown()
        busy.server_close()


def test_a_pasted_address_must_carry_this_sign_ins_state() -> None:
    address = "http://localhost:8765/callback?code=c-2&state=mine"
    assert browser.callback_from_address(address, "mine") == {"code": "c-2", "state": "mine"}
    with pytest.raises(LabError, match="state differs"):
        browser.callback_from_address(address, "other")


def _response(status: int, body: bytes = b"", location: str | None = None) -> requests.Response:
    answer = requests.Response()
    answer.status_code, answer._content = status, body
    if location is not None:
        answer.headers["Location"] = location
    return answer


def test_oauth_answers_are_printed_with_the_sentence_for_their_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    oautherrors.expected(_response(400, b'{"error": "invalid_grant"}'), "invalid_grant")
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        'AWS: HTTP 400 {"error": "invalid_grant"}',
        "Why: " + oautherrors.SENTENCES["invalid_grant"],
    ]
    back = "https://notes.example.com/callback?error=invalid_request&state=s"
    oautherrors.expected(_response(302, location=back), "invalid_scope")
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"AWS: HTTP 302 back to the app: {back}"
    assert printed[-1] == "(This lesson expected invalid_scope.)"
    oautherrors.expected(_response(200, b"{}"), "invalid_grant")
    assert "Why: The error code above" in capsys.readouterr().out
