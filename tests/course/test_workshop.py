"""Workshop mode: slides from the notebooks' own cells, the reset command, learner-built diagrams."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from helpers import __main__ as cli
from helpers import diagrams, identitypool, lab, reset
from helpers.lab import Lab
from helpers.offline import server

ROOT = Path(__file__).resolve().parents[2]
PRESENTED = sorted((ROOT / "notebooks").glob("0[0-5]_*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}


@pytest.mark.parametrize("path", PRESENTED, ids=lambda path: path.name)
def test_every_cell_of_00_to_05_says_how_it_is_presented(path: Path) -> None:
    """jupyterlab-rise builds the slides from this metadata: no second copy of the content."""
    cells = nbformat.read(path, as_version=4).cells
    for cell in cells:
        assert cell.metadata.get("slideshow", {}).get("slide_type") in SLIDE_TYPES, cell.source[:60]
        if cell.cell_type == "markdown" and cell.source.startswith(("# ", "## ")):
            assert cell.metadata.slideshow.slide_type == "slide", cell.source[:60]
    assert cells[0].metadata.slideshow.slide_type == "slide"


def test_reset_at_a_shared_endpoint_forgets_everything(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoint = server.serve(0)
    try:
        monkeypatch.setenv(lab.ENV_ENDPOINT, endpoint.url)
        shared = Lab("test_reset")
        shared.client("cognito-idp").create_user_pool(PoolName="cognito-lab-group-1")
        assert cli.main(["reset"]) == 0
        assert f"Reset the offline AWS at {endpoint.url}: every resource" in capsys.readouterr().out
        assert shared.client("cognito-idp").list_user_pools(MaxResults=10)["UserPools"] == []
    finally:
        endpoint.stop()


def test_reset_without_an_endpoint_explains_kernels_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert reset.command() == 0
    assert "restart the kernels" in capsys.readouterr().out
    monkeypatch.setenv(lab.ENV_BACKEND, "aws")
    assert reset.command() == 1
    assert "nothing to reset here" in capsys.readouterr().out


def test_diagram_of_what_the_learner_built(offline: Lab) -> None:
    assert "no identity pool yet" in diagrams.from_lab(offline)
    setup = identitypool.ensure_identity_pool_with_roles(offline)
    drawn = diagrams.from_lab(offline)
    assert drawn.startswith("flowchart LR\n")
    assert '"Identity Pool cognito-lab-identities"' in drawn
    assert f"User Pool {setup.user_pool_id}" in drawn
    assert '-- "authenticated" -->' in drawn and '-- "unauthenticated" -->' in drawn
    assert "IAM role cognito-lab-signed-in-role" in drawn and '(["guest"])' in drawn
    assert reset.in_this_kernel().startswith("Reset this kernel's offline AWS")
    assert "no identity pool yet" in diagrams.from_lab(offline)
