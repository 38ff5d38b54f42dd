"""Every Mermaid diagram renders, in the renderer learners use: JupyterLab's own (offline).

Each diagrams/*.md file (and the README) is opened as a Markdown preview in JupyterLab in headless
Chromium; every ```mermaid block must become an SVG picture, never JupyterLab's warning box (a
syntax error). GitHub renders the same Mermaid sources on the repository's web page. With
COGNITO_LAB_UPDATE_PICTURES=1 the rendered pictures are saved beside their sources
(diagrams/<name>.png) for slides and documents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "diagrams").glob("*.md")), ROOT / "README.md"]


def test_there_are_diagrams_to_render() -> None:
    names = {path.stem for path in SOURCES}
    assert {"two-pools", "federation", "enhanced-flow", "basic-flow", "side-by-side"} <= names


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_every_mermaid_block_renders_in_jupyterlab(lab_page: Any, path: Path, picture_dir: Path) -> None:
    blocks = path.read_text().count("```mermaid\n")
    assert blocks > 0, f"{path.name} has no mermaid block"
    page = lab_page  # JupyterLab loaded once for the module; only this file's preview is open
    page.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")
    expect(page.locator(".jp-RenderedMermaid")).to_have_count(0)
    relative = path.relative_to(ROOT).as_posix()
    page.evaluate(
        "path => window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Markdown Preview'})",
        relative,
    )
    rendered = page.locator(".jp-RenderedMermaid:not(.jp-mod-warning) img[src^='data:image/svg+xml']")
    expect(rendered).to_have_count(blocks, timeout=20_000)
    expect(page.locator(".jp-RenderedMermaid.jp-mod-warning")).to_have_count(0)
    if path.parent.name == "diagrams":
        rendered.first.screenshot(path=str(picture_dir / f"{path.stem}.png"))
