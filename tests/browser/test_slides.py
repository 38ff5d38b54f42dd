"""An instructor can present the notebooks as slides: jupyterlab-rise renders them with reveal.js.

jupyterlab-rise 0.43.1 serves a notebook's slideshow at `<lab>/rise/<path>` (its "Open as Reveal
Slideshow" command opens that page in a new tab; the notebook toolbar's RISE button, "Render as
Reveal Slideshow", shows the same page beside the notebook after saving it). Each cell whose
`slideshow.slide_type` is "slide" becomes one top-level reveal.js `<section>` (subslides are
sections nested in it), so the count proves the metadata the notebooks carry is what is presented.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
SLIDES = ".reveal .slides > section"
# The slide on screen: reveal.js marks the present top-level section (and the present subslide).
PRESENT = ".reveal .slides > section.present"


def _slide_cells(notebook: str) -> list[str]:
    """The first line of every cell that starts a slide, in order."""
    cells = nbformat.read(ROOT / notebook, as_version=4).cells
    return [
        cell.source.splitlines()[0].lstrip("# ")
        for cell in cells
        if cell.metadata.get("slideshow", {}).get("slide_type") == "slide"
    ]


@pytest.mark.parametrize("notebook", ["notebooks/00_welcome.ipynb", "notebooks/04_side_by_side.ipynb"])
def test_the_notebook_is_presented_as_reveal_slides(page: Any, notebook: str) -> None:
    stored = (ROOT / notebook).read_bytes()
    headings = _slide_cells(notebook)
    page.goto(f"{page.lab_url}/rise/{notebook}")
    expect(page.locator(SLIDES)).to_have_count(len(headings), timeout=30_000)
    assert len(headings) > 1
    assert page.locator(".reveal .slides section").count() > len(headings)  # subslides nest inside
    expect(page.locator(PRESENT)).to_contain_text(headings[0])

    page.locator(".reveal").click()  # focus the slideshow, as a presenter's first click does
    page.keyboard.press("ArrowRight")
    expect(page.locator(PRESENT)).to_contain_text(headings[1])
    expect(page.locator(PRESENT)).not_to_contain_text(headings[0])
    assert page.get_by_text("Error displaying widget").count() == 0
    assert (ROOT / notebook).read_bytes() == stored, "presenting must not rewrite the notebook"


def test_the_notebook_toolbar_has_the_rise_button(page: Any) -> None:
    """The button the instructor guide names: "Render as Reveal Slideshow" in the notebook toolbar."""
    page.goto(f"{page.lab_url}/lab/tree/notebooks/00_welcome.ipynb")
    toolbar = page.locator(".jp-NotebookPanel-toolbar [data-jp-item-name='RISE-button']")
    button = toolbar.get_by_role("button", name="Render the current notebook as Reveal Slideshow (Alt+R)")
    expect(button).to_be_visible(timeout=30_000)
