"""Every notebook runs twice in a row against one offline AWS shared by the whole course, after any
other, and teaches the same thing both times.

In the README's room mode (`python -m helpers serve` and `COGNITO_LAB_ENDPOINT`), and on a real
account, every notebook finds what the others left: users, groups, attributes, roles, pools. This
runs the whole course against one endpoint, each notebook twice in one kernel, in an order where
part 2 follows part 1 without notebook 05's clean-up in between (01 then 06: 01's unconfirmed user
once broke 06's sign-in), and holds every pass to the same lessons. Each notebook on its own offline
AWS, twice: `test_run_twice_in_one_kernel.py`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import nbformat
import pytest
from nbformat import NotebookNode
from notebook_runner import checked_text, error_outputs, is_checked, notebook_paths, run_twice_in_one_kernel

from helpers import lab
from helpers.offline import server

# Part 2 straight after part 1's first notebooks, 11 (part 3) before most of part 1, 12 after the
# notebooks it builds on (01, 03, 08), 13 and 14 (their own pools) after 12, 05 (which removes
# everything) last.
SHARED_ORDER = ("00", "01", "11", "06", "02", "07", "03", "08", "12", "13", "14", "04", "09", "10", "05")
# 05's clean-up, run after parts 2 and 3 on the shared AWS, removes more than its stored output (a
# fresh kernel holds only part 1's resources): their own pools, roles, bucket, OIDC provider,
# domains, APIs, functions and table too.
CLEANUP = ("05_recap_and_cleanup.ipynb", "removed = cleanup.remove_course_resources(lab)")
LATER_PARTS = (
    "identity pool     | cognito-lab-groups ",
    "identity pool     | cognito-lab-teams ",
    "identity pool     | cognito-lab-providers ",
    "identity pool     | cognito-lab-classic ",
    "identity pool     | cognito-lab-gallery-trust ",
    "identity pool     | cognito-lab-gallery-rules ",
    "user pool         | cognito-lab-gallery-users ",
    "IAM role          | cognito-lab-editor-role ",
    "IAM role          | cognito-lab-department-role ",
    "IAM role          | cognito-lab-classic-guest-role ",
    "IAM role          | cognito-lab-gallery-wrong-trust-role ",
    "IAM OIDC provider | accounts.example.com ",
    "S3 bucket         | cognito-lab-gallery-notes ",
    # part 3: notebook 12's managed login, and the gallery's
    "identity pool     | cognito-lab-notes-app ",
    "identity provider | ExampleGoogle ",
    "resource server   | https://api.notes.example.com ",
    "user pool domain  | pools-lab-notes ",
    "user pool domain  | pools-lab-gallery ",
    "IAM role          | cognito-lab-notes-app-role ",
    "REST API          | cognito-lab-gallery-api ",
    "Lambda function   | cognito-lab-gallery-notes ",
    "IAM role          | cognito-lab-gallery-function-role ",
    # notebook 11's
    "identity pool     | cognito-lab-api ",
    "REST API          | cognito-lab-notes-api ",
    "Lambda function   | cognito-lab-notes-function ",
    "Lambda function   | cognito-lab-notes-support ",
    "IAM role          | cognito-lab-notes-function-role ",
    "IAM role          | cognito-lab-api-user-role ",
    "table             | cognito-lab-api-notes ",
    # part 3: notebook 13's passwordless pool, and the gallery's
    "user pool         | cognito-lab-passwordless ",
    "user pool         | cognito-lab-gallery-passwordless ",
    # notebook 14's trigger and session, and the gallery's trigger pool
    "user pool         | cognito-lab-sessions ",
    "identity pool     | cognito-lab-sessions ",
    "Lambda function   | cognito-lab-directory-claims ",
    "log group         | /aws/lambda/cognito-lab-directory-claims ",
    "IAM role          | cognito-lab-directory-claims-role ",
    "IAM role          | cognito-lab-directory-department-role ",
    "S3 bucket         | cognito-lab-departments ",
    "table             | cognito-lab-directory ",
    "user pool         | cognito-lab-gallery-triggers ",
)


def _different_lessons(stored: list[NotebookNode], run: list[NotebookNode]) -> list[int]:
    """The checked cells whose text differs from the stored notebook's."""
    return [
        number
        for number, (kept, again) in enumerate(zip(stored, run, strict=True))
        if is_checked(kept) and checked_text(again) != checked_text(kept)
    ]


@pytest.fixture
def shared_endpoint() -> Iterator[str]:
    """One `python -m helpers serve`, in this process, for every notebook's kernel."""
    lab.stop_offline()
    requests_log = logging.getLogger("werkzeug")  # one line per request: thousands here
    level = requests_log.level
    requests_log.setLevel(logging.WARNING)
    running = server.serve()
    yield running.url
    running.stop()
    requests_log.setLevel(level)


def test_every_notebook_runs_twice_against_one_shared_endpoint_after_any_other(shared_endpoint: str) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("COGNITO_LAB_")}
    env[lab.ENV_ENDPOINT] = shared_endpoint
    paths = {path.name[:2]: path for path in notebook_paths()}
    assert sorted(SHARED_ORDER) == sorted(paths), "the order must hold every notebook once"

    problems = []
    for number in SHARED_ORDER:
        path = paths[number]
        stored = nbformat.read(path, as_version=4).cells
        first, second = run_twice_in_one_kernel(path, env)
        problems += [(path.name, "error", error) for error in error_outputs(first + second)]
        for which, run in (("first run", first), ("second run", second)):
            for cell in _different_lessons(stored, run):
                if (path.name, which) == (CLEANUP[0], "first run") and CLEANUP[1] in stored[cell].source:
                    removed = checked_text(run[cell])
                    problems += [
                        (path.name, "not removed", name) for name in LATER_PARTS if name not in removed
                    ]
                else:
                    problems += [(path.name, which, cell)]
    assert problems == []
