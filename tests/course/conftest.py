"""What the course tier's modules share: a learner's offline kernel, and a lab on it.

The course's helpers run here as they do in a notebook: offline (a developer's shell may set the
lab's environment variables; none of them reaches a module), on this process's offline AWS, which
starts on first use, is kept between tests as a kernel keeps it, and stops when the module ends.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from helpers import lab
from helpers.lab import Lab
from helpers.offline import engine

LAB_VARIABLES = (
    lab.ENV_BACKEND,
    lab.ENV_ENDPOINT,
    lab.ENV_ACCOUNT,
    lab.ENV_LEARNER,
    lab.ENV_EMAIL,
    lab.ENV_AWS_ENDPOINT,
    lab.ENV_IAM_SETTLE,
)


@pytest.fixture(scope="module", autouse=True)
def _offline_kernel() -> Iterator[None]:
    """None of the lab's environment variables while a module runs (a test sets its own with
    `monkeypatch`); the module's offline AWS is stopped when it ends."""
    with pytest.MonkeyPatch.context() as patch:
        for name in LAB_VARIABLES:
            patch.delenv(name, raising=False)
        yield
    lab.stop_offline()


def _emptied(notebook: str) -> Lab:
    course_lab = Lab(notebook)
    engine.reset()
    return course_lab


@pytest.fixture
def offline(request: pytest.FixtureRequest) -> Lab:
    """A lab on this process's offline AWS, emptied for each test; its `notebook` tag is the module's name."""
    return _emptied(request.module.__name__)


@pytest.fixture(scope="module")
def module_lab(request: pytest.FixtureRequest) -> Lab:
    """One lab for a module's tests that build once and then only read (signing in takes a moment),
    on an offline AWS emptied when it is made. A later `offline` empties it again."""
    return _emptied(request.module.__name__)
