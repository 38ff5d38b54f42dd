"""A room of three learners on a real JupyterHub: `python -m helpers room`'s hub, driven like a workshop.

The `hub` tier (`python -m pytest -m hub` runs only it): a real JupyterHub with its Node proxy
(configurable-http-proxy, installed into room/node_modules by the room code on first use, as the
room command does), the shared-password login and one JupyterLab server per seat. Three learners
sign in at once through the login form, each runs notebook 04 in a kernel of their own server,
and each must get the course's access table from their own offline AWS: their own pools and
identities, none of anybody else's, and a reset or a moved clock that stays theirs. Then the hub
stops and takes every learner's server and kernel with it.

The room starts with a shared endpoint and AWS keys in its environment, as an instructor's
terminal might have: none of it may reach a learner's kernel. Outside CI this tier is skipped when
npm is missing; in CI (CI=true) a missing npm fails it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import psutil
import pytest
from room_learner import Kernel, Learner, NotebookRun, StepFailed

from helpers import room as hub_room

pytestmark = pytest.mark.hub

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "notebooks/04_side_by_side.ipynb"
TABLE_CELL = "matrix.print()"  # the cell that prints the access table
LEARNERS = 3
# What each kernel knows about its own offline AWS, printed as one JSON line (after notebook 04).
PROBE = """
import json, os
from helpers.offline import clock, mailbox
_cognito, _identity = lab.client("cognito-idp"), lab.client("cognito-identity")
_pools = _identity.list_identity_pools(MaxResults=60)["IdentityPools"]
print(json.dumps({
    "environment": {k: v for k, v in os.environ.items() if k.startswith(("COGNITO_LAB_", "AWS_"))},
    "user_pools": [p["Id"] for p in _cognito.list_user_pools(MaxResults=60)["UserPools"]],
    "identity_pools": [p["IdentityPoolId"] for p in _pools],
    "identities": sorted([alice.identity_id, bob.identity_id]),
    "emails": len(mailbox.messages()),
    "clock_offset": clock.offset(),
}))
"""
LOOK_FOR_OTHERS = """
for _ask, _id in ((_cognito.describe_user_pool, {"UserPoolId": %r}),
                  (_identity.describe_identity_pool, {"IdentityPoolId": %r})):
    try:
        _ask(**_id)
        print("found")
    except Exception as problem:
        print(type(problem).__name__)
"""
RESET_AND_MOVE_THE_CLOCK = """
from helpers import reset
reset.in_this_kernel()
clock.advance(3600)
"""


@dataclass
class Seat:
    name: str
    files: list[str] = field(default_factory=list)
    run: NotebookRun | None = None
    kernel: Kernel | None = None
    before: dict = field(default_factory=dict)  # the probe after notebook 04
    others: list[str] = field(default_factory=list)  # what looking up the next seat's pools said
    after_neighbour_reset: dict = field(default_factory=dict)


@dataclass
class Outcome:
    seats: list[Seat]
    refused: list[str]
    instructor_sees: list[str]  # the users on the admin API, as the instructor
    after_own_reset: dict
    exit_code: int
    ran: list[str]  # the hub's descendants just before it stopped
    left_running: list[str]
    port_still_open: bool


def _probe(kernel: Kernel, code: str = PROBE) -> dict:
    cell = kernel.execute(code, timeout=120)
    assert cell.error is None, cell.error
    return json.loads(cell.text.strip().splitlines()[-1])


def _learner_runs_04(url: str, seat: Seat, password: str) -> Seat:
    learner = Learner(url, seat.name, password)
    learner.login()
    learner.start_server()
    seat.files = sorted(item["name"] for item in learner.server_api("GET", "contents/notebooks")["content"])
    seat.run, seat.kernel = learner.run_notebook(NOTEBOOK)
    if seat.run.error is None:
        seat.before = _probe(seat.kernel)
    return seat


def _refused(url: str, name: str, password: str) -> str:
    try:
        Learner(url, name, password).login(timeout=30)
    except StepFailed as problem:
        return str(problem)
    return "signed in"


def _need_npm() -> None:
    if hub_room.PROXY.exists() or shutil.which("npm"):
        return
    reason = "npm is missing: the room installs JupyterHub's proxy (configurable-http-proxy) with it"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must have Node.js.")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """The whole room, once: start, three learners at once, look across seats, stop."""
    _need_npm()
    with pytest.MonkeyPatch.context() as patch:
        # An instructor's terminal with a shared endpoint and AWS keys: none of it may reach a learner.
        patch.setenv("COGNITO_LAB_ENDPOINT", "http://127.0.0.1:9")
        patch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        patch.delenv("COGNITO_LAB_BACKEND", raising=False)
        room = hub_room.start(LEARNERS, state=tmp_path_factory.mktemp("room"), port=0)
    try:
        seats = [Seat(name) for name in room.seats]
        with ThreadPoolExecutor(LEARNERS) as pool:
            seats = list(pool.map(lambda seat: _learner_runs_04(room.url, seat, room.password), seats))
        refused = [
            _refused(room.url, "seat01", "not-the-password"),
            _refused(room.url, "seat99", room.password),
        ]
        instructor = Learner(room.url, hub_room.INSTRUCTOR, room.instructor_password)
        instructor.login()
        instructor_sees = sorted(user["name"] for user in instructor.hub_api("GET", "users"))
        after_own_reset: dict = {}
        if all(seat.before for seat in seats):
            for seat, neighbour in zip(seats, seats[1:] + seats[:1], strict=True):
                ids = (neighbour.before["user_pools"][0], neighbour.before["identity_pools"][0])
                seat.others = seat.kernel.execute(LOOK_FOR_OTHERS % ids, timeout=120).text.split()
            seats[0].kernel.execute(RESET_AND_MOVE_THE_CLOCK, timeout=120)
            after_own_reset = _probe(seats[0].kernel)
            for seat in seats[1:]:
                seat.after_neighbour_reset = _probe(seat.kernel)
        processes = room.processes()
        ran = [" ".join(process.cmdline()) for process in processes]
    finally:
        exit_code = room.stop()
    with socket.socket() as probe:
        port_still_open = probe.connect_ex(("127.0.0.1", urlparse(room.url).port)) == 0
    return Outcome(
        seats,
        refused,
        instructor_sees,
        after_own_reset,
        exit_code,
        ran,
        [process.name() for process in processes if _still_running(process)],
        port_still_open,
    )


def _still_running(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _table(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


def test_every_learner_gets_the_course_in_their_own_home_without_the_instructor_guide(
    outcome: Outcome,
) -> None:
    course = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for seat in outcome.seats:
        assert seat.files == course, seat.name


def test_every_learner_runs_04_in_their_own_kernel_and_gets_the_course_table(outcome: Outcome) -> None:
    stored = nbformat.read(ROOT / NOTEBOOK, as_version=4)
    table_cell = next(cell for cell in stored.cells if TABLE_CELL in cell.source)
    expected = _table("".join(output.get("text", "") for output in table_cell.outputs))
    assert len(expected) == 6  # two header lines, the rule, guest, Alice, Bob
    for seat in outcome.seats:
        assert seat.run.error is None, f"{seat.name}: {seat.run.error}"
        assert seat.run.cells[0].text.startswith("Offline AWS in this kernel"), seat.name
        assert _table(seat.run.output_of(TABLE_CELL)) == expected, seat.name


def test_learners_kernels_are_offline_whatever_the_hubs_environment_holds(outcome: Outcome) -> None:
    for seat in outcome.seats:
        assert seat.before["environment"] == {"COGNITO_LAB_LEARNER": seat.name}


def test_each_learner_sees_only_their_own_pools_and_identities(outcome: Outcome) -> None:
    for seat in outcome.seats:
        assert len(seat.before["user_pools"]) == 1 and len(seat.before["identity_pools"]) == 1, seat.name
        assert seat.others == ["ResourceNotFoundException", "ResourceNotFoundException"], seat.name
    for kind in ("user_pools", "identity_pools", "identities"):
        everyone = [item for seat in outcome.seats for item in seat.before[kind]]
        assert len(set(everyone)) == len(everyone), f"{kind} shared between learners"


def test_a_learners_reset_and_clock_stay_their_own(outcome: Outcome) -> None:
    assert outcome.after_own_reset["user_pools"] == [] and outcome.after_own_reset["emails"] == 0
    assert outcome.after_own_reset["clock_offset"] >= 3600
    for seat in outcome.seats[1:]:
        assert seat.after_neighbour_reset == seat.before, seat.name


def test_only_the_seats_with_the_shared_password_get_in(outcome: Outcome) -> None:
    wrong_password, not_a_seat = outcome.refused
    assert "seat01, login: HTTP 403" in wrong_password
    assert "seat99, login: HTTP 403" in not_a_seat


def test_the_instructor_signs_in_with_their_own_password_and_sees_every_seat(outcome: Outcome) -> None:
    assert set(outcome.instructor_sees) >= {seat.name for seat in outcome.seats}


def test_stopping_the_hub_stops_every_learners_server_and_kernel(outcome: Outcome) -> None:
    servers = [line for line in outcome.ran if "jupyterhub.singleuser" in line]
    kernels = [line for line in outcome.ran if "ipykernel_launcher" in line]
    assert len(servers) == len(kernels) == LEARNERS and any(
        "configurable-http-proxy" in line for line in outcome.ran
    )
    assert outcome.exit_code in (0, -15)
    assert outcome.left_running == []
    assert not outcome.port_still_open
