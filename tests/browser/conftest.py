"""Shared by the browser tests: one JupyterLab server per run, and how to reach Chromium.

Outside CI the browser tests are skipped when Chromium isn't installed (`apt-get install
chromium`); in CI (CI=true, where .ci/run installs it) a missing Chromium fails them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("LAB_CHROMIUM", "/usr/bin/chromium"))
# The flags that work on these machines: no sandbox as root, and no background connections
# (the network is closed; Chromium would otherwise retry them many times at once).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# JupyterLab user settings for a quiet, predictable page: no autosave (Run All must not rewrite the
# stored notebook), every cell in the DOM (no windowing), no news or update pop-ups.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; .ci/run should have installed it.")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def jupyterlab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A JupyterLab server for this test only: its own settings, workspaces and runtime dirs."""
    _need_chromium()
    home = tmp_path_factory.mktemp("jupyter")
    for name, settings in LAB_SETTINGS.items():
        package, plugin = name.rsplit("/", 1)
        folder = home / "settings" / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / plugin).write_text(json.dumps(settings))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COGNITO_LAB_", "AWS_"))}
    env.update(JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_CONFIG_DIR=str(home / "config"))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--ServerApp.token=",
            "--ServerApp.password=",
            "--allow-root",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={ROOT}",
            f"--LabApp.user_settings_dir={home / 'settings'}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to open a file with a factory
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(home / "server.log").open("w"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/api/status", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start:\n" + (home / "server.log").read_text()[-2000:])
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@contextlib.contextmanager
def _chromium_page(lab_url: str) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            opened = browser.new_page(viewport={"width": 1400, "height": 1000})
            opened.lab_url = lab_url
            yield opened
        finally:
            browser.close()


@pytest.fixture
def page(jupyterlab: str) -> Iterator[Any]:
    """A fresh Chromium page (1400×1000) against the JupyterLab server; `page.lab_url` is its URL."""
    with _chromium_page(jupyterlab) as opened:
        yield opened


@pytest.fixture(scope="module")
def lab_page(jupyterlab: str) -> Iterator[Any]:
    """One Chromium page with JupyterLab loaded, for a module whose tests each open a document
    (and close the others first): loading JupyterLab is most of such a test's time."""
    with _chromium_page(jupyterlab) as opened:
        opened.goto(f"{jupyterlab}/lab?reset")  # no tabs restored from an earlier test
        opened.wait_for_function("window.jupyterapp && window.jupyterapp.started")
        yield opened


def _run_all_cells(page: Any, notebook: str, *, timeout_ms: int = 90_000) -> None:
    """Open `notebook` in JupyterLab, clear its stored outputs and Run All; fail on any stderr output.

    Clearing first means only this run's outputs can satisfy a test's checks. Autosave is off
    (LAB_SETTINGS), so the stored notebook is never rewritten.
    """
    from playwright.sync_api import expect

    page.goto(f"{page.lab_url}/lab/tree/{notebook}?reset")  # no tabs restored from an earlier test
    page.locator(".jp-Notebook").wait_for(timeout=30_000)
    # The kernel must be up before Run All, or the first cells queue behind its start.
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=30_000)
    # The indicator can read idle before the kernel is connected; wait for the kernel itself.
    page.wait_for_function(
        "() => window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'",
        timeout=60_000,
    )
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_text("Clear Outputs of All Cells", exact=True).click()
    first_prompt = page.locator(".jp-CodeCell .jp-InputArea-prompt").first
    for _ in range(2):  # a Run All sent while the kernel is still settling is sometimes dropped
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
        try:
            expect(first_prompt).to_have_text(re.compile(r"\[(\*|\d+)\]:"), timeout=15_000)
            break
        except AssertionError:
            continue
    last_prompt = page.locator(".jp-CodeCell .jp-InputArea-prompt").last
    try:
        expect(last_prompt).to_have_text(re.compile(r"\[\d+\]:"), timeout=timeout_ms)
    except AssertionError:
        prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        ran = sum(1 for prompt in prompts if re.match(r"\[\d+\]", prompt))
        detail = errors.first.inner_text()[:2000] if errors.count() else "no error output"
        raise AssertionError(f"{notebook}: {ran} of {len(prompts)} code cells ran; {detail}") from None
    expect(page.locator(".jp-InputArea-prompt", has_text="[*]")).to_have_count(0)
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert page.get_by_text("Error displaying widget").count() == 0


@pytest.fixture
def run_all_cells() -> Callable[..., None]:
    """`run_all_cells(page, notebook)`: open it in JupyterLab, clear its outputs, Run All, check."""
    return _run_all_cells


@pytest.fixture
def picture_dir(tmp_path: Path) -> Path:
    """Where screenshots go: a temporary folder, or diagrams/ with COGNITO_LAB_UPDATE_PICTURES=1.

    The pictures in diagrams/ (the README's grid, the rendered diagrams) are refreshed on
    purpose, not by every test run, so a run never leaves the working tree changed.
    """
    if os.environ.get("COGNITO_LAB_UPDATE_PICTURES") == "1":
        return Path(__file__).resolve().parents[2] / "diagrams"
    return tmp_path
