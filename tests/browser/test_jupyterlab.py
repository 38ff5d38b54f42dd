"""Notebook 04 in a real JupyterLab in a real browser: the widgets render, and a click explains.

Opens notebooks/04_side_by_side.ipynb (JupyterLab from conftest.py) in headless Chromium
(Debian's /usr/bin/chromium, driven by Playwright; no browser is ever downloaded), runs all
cells, checks that no widget failed to render and that the grid's text version doesn't show beside
it, clicks Alice's red "read Bob's private" cell and checks its explanation, and saves a screenshot
of the grid (to diagrams/access-grid.png, which the README shows, when run with
COGNITO_LAB_UPDATE_PICTURES=1).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]

NOTEBOOK = "notebooks/04_side_by_side.ipynb"


def test_notebook_04_grid_renders_and_a_red_cell_explains_itself(
    page: Any, picture_dir: Path, run_all_cells: Callable[..., None]
) -> None:
    stored = (ROOT / NOTEBOOK).read_bytes()
    run_all_cells(page, NOTEBOOK)

    grid = page.locator(".widget-vbox", has=page.locator(".access-grid")).first
    # ipywidgets builds the 30 buttons' views one by one after the cell ends; allow a loaded machine time.
    expect(grid.locator(".access-cell")).to_have_count(3 * 10, timeout=20_000)
    # The grid's text version is the same output's fallback: where the widget renders, it doesn't.
    expect(page.get_by_text("Without widgets: matrix.explain(who, column)")).to_have_count(0)
    red = grid.locator('button[title="Alice · read Bob\'s private: denied"]')
    expect(red).to_have_text("✗")
    red.click()
    detail = grid.locator(".access-detail")
    expect(detail).to_contain_text("Alice · read Bob's private: ✗ denied")
    expect(detail).to_contain_text("AWS answered: AccessDenied: User: arn:aws:sts::")
    expect(detail).to_contain_text("statement 'OwnPrivateObjects' in policy 'notes-access'")
    grid.scroll_into_view_if_needed()
    grid.screenshot(path=str(picture_dir / "access-grid.png"))
    assert (ROOT / NOTEBOOK).read_bytes() == stored, "the browser run must not save the notebook"


def test_notebook_02_token_inspector_renders(page: Any, run_all_cells: Callable[..., None]) -> None:
    run_all_cells(page, "notebooks/02_tokens.ipynb")
    view = page.locator(".token-view")
    expect(view.get_by_role("columnheader", name="claim")).to_be_visible()
    expect(view.get_by_role("cell", name="token_use", exact=True)).to_be_visible()
    expect(view).to_contain_text("✓ signature valid: key ")
    expect(view).to_contain_text("(lab clock)")


def test_notebook_01_sign_up_panel_renders_and_answers(page: Any, run_all_cells: Callable[..., None]) -> None:
    run_all_cells(page, "notebooks/01_user_pool.ipynb")
    panel = page.locator(".widget-hbox", has=page.locator(".signup-message")).first
    expect(panel.locator("input")).to_have_count(3)  # username, password, code
    expect(panel).to_contain_text("No email yet.")
    # A weak password: the panel shows AWS's own error for it.
    panel.locator("input").nth(0).fill("zoe")
    panel.locator("input[type='password']").fill("password")
    panel.get_by_role("button", name="Sign up").click()
    expect(panel.locator(".signup-message")).to_contain_text(
        "✗ Sign up: AWS: InvalidPasswordException: Password did not conform with password policy"
    )
