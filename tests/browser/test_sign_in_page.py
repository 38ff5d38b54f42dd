"""Notebook 12 in a real JupyterLab in a real browser: a person signs in on managed login's page.

Opens notebooks/12_managed_login.ipynb (JupyterLab from conftest.py, with jupyter-server-proxy as
the course installs it) in headless Chromium, runs all cells, clicks the notebook's sign-in link (a
new tab, through `{base_url}proxy/<port>/_lab/hosts/<domain>/oauth2/authorize?...` to the kernel's
loopback endpoint), types Alice's username and password into the page's form, submits it, follows
the redirect to the notes app's callback page, then runs the notebook's pick-up cell again and
checks the tokens it received: the code came back, the token endpoint answered 200, the ID token
verifies for Alice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "notebooks/12_managed_login.ipynb"
PASSWORD = "Alice-Likes-Tea-42"  # helpers.userpool.PASSWORDS["alice"], typed as a person would


def test_notebook_12_a_person_signs_in_on_the_page_and_the_notebook_gets_the_tokens(
    page: Any, run_all_cells: Callable[..., None]
) -> None:
    stored = (ROOT / NOTEBOOK).read_bytes()
    run_all_cells(page, NOTEBOOK)
    pick_up = page.locator(".jp-CodeCell", has_text="arrived = browser.callback_for(lab, click_state)")
    expect(pick_up.locator(".jp-OutputArea-output")).to_contain_text("No sign-in from your browser yet")

    link = page.locator("a.sign-in-link")
    authorize = (
        r"^/proxy/\d+/_lab/hosts/pools-lab-notes\.auth\.us-east-1\.amazoncognito\.com/oauth2/authorize\?"
    )
    expect(link).to_have_attribute("href", re.compile(authorize))
    with page.context.expect_page() as opened:
        link.click()
    sign_in = opened.value
    sign_in.wait_for_load_state()
    assert "/_lab/hosts/pools-lab-notes.auth.us-east-1.amazoncognito.com/login?" in sign_in.url
    sign_in.locator("#signInFormUsername").fill("alice")
    sign_in.locator("#signInFormPassword").fill(PASSWORD)
    sign_in.locator("input[name='signInSubmitButton']").click()
    expect(sign_in.locator("#signed-in")).to_have_text("You are signed in. Go back to the notebook.")
    assert "/_lab/hosts/notes.example.com/callback?code=" in sign_in.url
    sign_in.close()

    pick_up.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")  # run this cell again, and stay on it
    output = pick_up.locator(".jp-OutputArea-output")
    expect(output).to_contain_text("✓ Your browser brought back a code; POST /oauth2/token -> 200.")
    expect(output).to_contain_text("✓ The ID token verifies: alice (alice@example.com).")
    assert (ROOT / NOTEBOOK).read_bytes() == stored, "the browser run must not save the notebook"
