"""Notebook 13 in a real JupyterLab in a real browser: a passkey made and used by the browser itself.

Opens notebooks/13_passwordless_and_mfa.ipynb (JupyterLab from conftest.py, with jupyter-server-proxy
as the course installs it) in headless Chromium at **http://localhost:<port>**, the address the
notebook asks for (the pool's relying party is `localhost`; an IP address is never one), and runs all
cells. Chromium gets a virtual authenticator through the DevTools protocol (`WebAuthn.enable`,
`WebAuthn.addVirtualAuthenticator`: CTAP2, internal, resident keys, user verification, the user
verified), standing in for a laptop's screen lock. Then, as a person would: open the notebook's
"create a passkey" link (the notes app's page, through the proxy), press the button
(`navigator.credentials.create()` with Cognito's options), run the pick-up cell (the kernel sends the
credential to CompleteWebAuthnRegistration), run the sign-in link's cell, open it, press the button
(`navigator.credentials.get()`), run the last pick-up cell (RespondToAuthChallenge with WEB_AUTHN),
and check what the notebook prints: the passkey registered at http://localhost:<port>, the sign-in's
ID token for Alice.

The virtual authenticator is added through that tab's DevTools session, so it serves that tab, where a
real passkey lives in the computer or phone for every tab: the sign-in page is opened in the tab that
made the passkey.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "notebooks/13_passwordless_and_mfa.ipynb"
AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


def _run_again(page: Any, cell: Any) -> None:
    """Run one cell again, as a person does after the page says Done."""
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")  # run this cell, and stay on it


def test_notebook_13_the_browser_makes_a_passkey_and_signs_alice_in_with_it(
    page: Any, run_all_cells: Callable[..., None]
) -> None:
    stored = (ROOT / NOTEBOOK).read_bytes()
    page.lab_url = page.lab_url.replace("http://127.0.0.1:", "http://localhost:")
    run_all_cells(page, NOTEBOOK)
    make_cell = page.locator(".jp-CodeCell", has_text='lab, "create", browser_options')
    made_cell = page.locator(".jp-CodeCell", has_text="made = browser_passkeys.answer(lab, make)")
    use_cell = page.locator(".jp-CodeCell", has_text='lab, "get", options_for_browser')
    used_cell = page.locator(".jp-CodeCell", has_text="used = browser_passkeys.answer(lab, use)")
    expect(made_cell.locator(".jp-OutputArea-output")).to_contain_text("No passkey from your browser yet")

    make_link = make_cell.locator("a.sign-in-link")
    page_path = re.compile(r"^/proxy/\d+/_lab/hosts/notes\.example\.com/passkey/")
    expect(make_link).to_have_attribute("href", page_path)
    with page.context.expect_page() as opened:
        make_link.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url.startswith(page.lab_url + "/proxy/"), "the page is at JupyterLab's own origin"
    devtools = page.context.new_cdp_session(tab)
    devtools.send("WebAuthn.enable", {"enableUI": False})
    authenticator_id = devtools.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})[
        "authenticatorId"
    ]

    tab.locator("#passkey-button").click()
    expect(tab.locator("#passkey-done")).to_contain_text("the notebook has your new passkey")
    expect(tab.locator("#passkey-error")).to_have_text("")
    made = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert [(c["rpId"], c["isResidentCredential"]) for c in made] == [("localhost", True)]

    _run_again(page, made_cell)
    registered = made_cell.locator(".jp-OutputArea-output")
    expect(registered).to_contain_text(
        f"✓ Your browser's passkey is registered (made at {page.lab_url}, attachment platform)."
    )
    expect(registered).to_contain_text("Alice's passkeys: 1")

    use_link = use_cell.locator("a.sign-in-link")
    before = use_link.get_attribute("href") or ""
    _run_again(page, use_cell)  # a new sign-in, whose options list the browser's passkey
    expect(use_link).not_to_have_attribute("href", before)
    expect(use_link).to_have_attribute("href", page_path)
    tab.goto(page.lab_url + use_link.get_attribute("href"))  # the tab that holds the passkey
    expect(tab.locator("#passkey-button")).to_have_text("Sign in with a passkey")
    tab.locator("#passkey-button").click()
    expect(tab.locator("#passkey-done")).to_contain_text("the notebook has your passkey's signature")
    expect(tab.locator("#passkey-error")).to_have_text("")
    used = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert [c["signCount"] for c in used] == [made[0]["signCount"] + 1], "the authenticator signed once more"

    _run_again(page, used_cell)
    expect(used_cell.locator(".jp-OutputArea-output")).to_contain_text(
        "✓ Signed in with your browser's passkey: an ID token for alice (alice@example.com)."
    )
    tab.close()
    assert (ROOT / NOTEBOOK).read_bytes() == stored, "the browser run must not save the notebook"
