"""Notebook 04 in a real JupyterLab in a real browser: the widgets render, and a click explains.

Opens notebooks/04_side_by_side.ipynb (JupyterLab from conftest.py) in headless Chromium
(Debian's /usr/bin/chromium, driven by Playwright; no browser is ever downloaded), runs all
cells, checks that no widget failed to render, clicks Alice's red "read Bob's private" cell and
checks its explanation, and saves a screenshot of the grid (to diagrams/access-grid.png, which the
README shows, when run with COGNITO_LAB_UPDATE_PICTURES=1).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]

NOTEBOOK = "notebooks/04_side_by_side.ipynb"


def test_notebook_04_grid_renders_and_a_red_cell_explains_itself(page: Any, picture_dir: Path) -> None:
    stored = (ROOT / NOTEBOOK).read_bytes()
    page.goto(f"{page.lab_url}/lab/tree/{NOTEBOOK}")
    page.locator(".jp-Notebook").wait_for(timeout=30_000)
    # The kernel must be up before Run All, or the first cells queue behind its start.
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=30_000)
    # Clear the stored outputs first, so only this run's outputs can satisfy the checks.
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_text("Clear Outputs of All Cells", exact=True).click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    last_prompt = page.locator(".jp-CodeCell .jp-InputArea-prompt").last
    expect(last_prompt).to_have_text(re.compile(r"\[\d+\]:"), timeout=45_000)
    expect(page.locator(".jp-InputArea-prompt", has_text="[*]")).to_have_count(0)
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert page.get_by_text("Error displaying widget").count() == 0

    grid = page.locator(".widget-vbox", has=page.locator(".access-grid")).first
    expect(grid.locator(".access-cell")).to_have_count(3 * 10)
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
