"""`python -m helpers room --learners N`: a room of learners on a real JupyterHub, on this machine.

JupyterHub (the `room` extra) with its proxy, configurable-http-proxy from npm, installed once into
`room/node_modules` (never globally). Every seat (`seat01`, `seat02`, …) signs in with one shared
password and gets their own JupyterLab server, home folder (`<state>/homes/<seat>`, the course
copied in) and kernels. Each kernel runs its own offline AWS, so one learner's pools, users,
buckets, clock and mailbox are out of every other learner's reach, and a reset touches only theirs.

The hub's configuration is two files: `room/learner_servers.py` (what every learner's server gets,
on any JupyterHub: The Littlest JupyterHub loads it as it is) and `room/jupyterhub_config.py` (this
machine's half: the local spawner, the shared password, the ports this module chose).

`python -m helpers learner-server` is what each learner's server runs: it copies the course into the
learner's home (only files that are missing, so their work survives a restart) and then becomes
`jupyterhub-singleuser`, i.e. JupyterLab.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
ROOM_DIR = ROOT / "room"
HUB_CONFIG = ROOM_DIR / "jupyterhub_config.py"
PROXY = ROOM_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
DEFAULT_STATE = Path.home() / ".cognito-lab-room"
INSTRUCTOR = "instructor"
MAX_LEARNERS = 99
# What a learner's home gets: the notebooks (not the instructor guide, which has the answers) and
# the diagrams they link to as ../diagrams/.
COURSE_FILES = ("notebooks/[0-9][0-9]_*.ipynb", "diagrams/*")
SETTINGS_VARIABLE = "COGNITO_ROOM_SETTINGS"
_INSTALL_HUB = "pip install -c constraints.txt -e '.[room]'"


class RoomError(Exception):
    """The room cannot start; the message says what to do, in one sentence."""


def seat_names(learners: int) -> list[str]:
    """`seat01` … `seatNN`: what learners type as their user name (and their resources' learner)."""
    if not 1 <= learners <= MAX_LEARNERS:
        raise RoomError(f"--learners {learners}: a room here has 1 to {MAX_LEARNERS} seats.")
    return [f"seat{number:02d}" for number in range(1, learners + 1)]


def ensure_proxy() -> Path:
    """configurable-http-proxy in room/node_modules, installed from room/package-lock.json on first use."""
    if PROXY.exists():
        return PROXY
    npm = shutil.which("npm")
    if npm is None:
        raise RoomError(
            "The room needs npm (Node.js 20 or newer) to install JupyterHub's proxy, "
            "configurable-http-proxy, into room/node_modules: install Node.js and run this again."
        )
    print("Installing configurable-http-proxy into room/node_modules (first run only)…", file=sys.stderr)
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=ROOM_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not PROXY.exists():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RoomError(
            f"npm could not install configurable-http-proxy ({last}): check that this machine reaches "
            "the npm registry, then run this again."
        )
    return PROXY


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Learners' servers listen on ports from here up, under the range Linux hands out for "any free
# port" (32768 and up by default), where every kernel's five ZeroMQ ports come from. JupyterHub's
# own pick for a server is such a port, free when picked: in a room of 30 it was once taken by
# another seat's kernel before the server bound it, and that server never came up.
FIRST_SERVER_PORT = 20000


def _is_free(ip: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((ip, port))
        except OSError:
            return False
        return True


def server_ports(names: list[str], ip: str = "127.0.0.1") -> dict[str, int]:
    """A port of its own for each server, from FIRST_SERVER_PORT up, skipping ports in use."""
    ports: dict[str, int] = {}
    port = FIRST_SERVER_PORT
    for name in names:
        while not _is_free(ip, port):
            port += 1
        ports[name] = port
        port += 1
    return ports


def _check_port_free(ip: str, port: int) -> None:
    """JupyterHub's proxy doesn't stop when its port is taken: it would serve nothing, silently."""
    if not _is_free(ip, port):
        raise RoomError(f"Port {port} is in use: choose another with --port (0: any free port).")


def _settings(state: Path, learners: int, ip: str, port: int, password: str | None) -> dict:
    """What room/jupyterhub_config.py reads; passwords are kept from the last room in this state folder."""
    path = state / "room.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    password = password or previous.get("password") or secrets.token_hex(5)
    if len(password) < 8:
        raise RoomError("--password: JupyterHub's shared password needs at least 8 characters.")
    if port:
        _check_port_free(ip, port)
    return {
        "seats": seat_names(learners),
        "server_ports": server_ports([*seat_names(learners), INSTRUCTOR]),
        "password": password,
        "instructor": INSTRUCTOR,
        # JupyterHub asks for at least 32 characters for the admin's shared password.
        "instructor_password": previous.get("instructor_password") or secrets.token_urlsafe(24),
        "url": f"http://{ip}:{port or _free_port()}/",
        "hub_port": _free_port(),
        "proxy_api_port": _free_port(),
        "proxy": str(ensure_proxy()),
        "python": sys.executable,
        "homes": str(state / "homes"),
        # Kernels talk to their server over Unix sockets here (room/jupyterhub_config.py); a socket's
        # path must stay under ~107 characters, so they live in a short folder of their own.
        "kernel_sockets": tempfile.mkdtemp(prefix="cognito-room-"),
    }


@dataclass
class Room:
    """A running hub: where it listens, who may sign in, and how to stop it."""

    url: str
    seats: list[str]
    password: str
    instructor_password: str
    state: Path
    process: subprocess.Popen = field(repr=False)
    kernel_sockets: Path | None = None

    @property
    def log(self) -> Path:
        return self.state / "hub.log"

    def processes(self) -> list[psutil.Process]:
        """The hub's descendants: the proxy, every learner's server and their kernels."""
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def stop(self, timeout: float = 60) -> int:
        """Stop the hub the way Ctrl-C does (it stops every learner's server and the proxy first).

        Anything still running after `timeout` seconds is killed; returns the hub's exit code.
        """
        started = self.processes()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        _, alive = psutil.wait_procs(started, timeout=10)
        for leftover in alive:  # only if the hub could not stop them itself
            leftover.kill()
        if self.kernel_sockets is not None:
            shutil.rmtree(self.kernel_sockets, ignore_errors=True)
        return self.process.returncode


def _log_tail(log: Path, lines: int = 15) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def start(
    learners: int,
    *,
    state: Path = DEFAULT_STATE,
    ip: str = "127.0.0.1",
    port: int = 8000,
    password: str | None = None,
    timeout: float = 120,
) -> Room:
    """Start JupyterHub for `learners` seats and return once it answers (port 0: any free port)."""
    if importlib.util.find_spec("jupyterhub") is None:
        raise RoomError(f"The room needs JupyterHub: {_INSTALL_HUB} (from the repository's root).")
    if not HUB_CONFIG.exists():
        raise RoomError(f"{HUB_CONFIG} is missing: run the room from a clone of the course (pip install -e).")
    state = state.expanduser().resolve()
    (state / "homes").mkdir(parents=True, exist_ok=True)
    settings = _settings(state, learners, ip, port, password)
    settings_path = state / "room.json"
    settings_path.write_text(json.dumps(settings, indent=2))
    settings_path.chmod(0o600)
    # A fresh database each time: the hub keeps nothing a restart needs (learners' work is in their homes).
    (state / "jupyterhub.sqlite").unlink(missing_ok=True)
    with (state / "hub.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG)],
            cwd=state,
            env={**os.environ, SETTINGS_VARIABLE: str(settings_path)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal reaches the room command, which stops the hub
        )
    room = Room(
        settings["url"],
        settings["seats"],
        settings["password"],
        settings["instructor_password"],
        state,
        process,
        Path(settings["kernel_sockets"]),
    )
    try:
        _wait_until_it_answers(room, timeout)
    except BaseException:  # a failed start or Ctrl-C meanwhile: leave nothing running
        room.stop()
        raise
    return room


def _wait_until_it_answers(room: Room, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if room.process.poll() is not None:
            raise RoomError(f"JupyterHub stopped at start; the end of {room.log}:\n{_log_tail(room.log)}")
        try:
            if requests.get(f"{room.url}hub/api/", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RoomError(
        f"JupyterHub did not answer within {timeout:.0f} s; the end of {room.log}:\n{_log_tail(room.log)}"
    )


def _environment_notes() -> list[str]:
    """What the learners' kernels will use, said before anyone signs in."""
    if os.environ.get("COGNITO_LAB_BACKEND", "").strip().lower() == "aws":
        account = os.environ.get("COGNITO_LAB_AWS_ACCOUNT", "").strip()
        if not account:
            raise RoomError(
                "COGNITO_LAB_BACKEND=aws for the room also needs "
                "COGNITO_LAB_AWS_ACCOUNT=<the 12-digit account id>."
            )
        return [
            f"  AWS:          REAL account {account}: every learner's names start with cognito-lab-<seat>-;",
            "                after the workshop: python -m helpers cleanup --all-learners, then audit.",
        ]
    notes = ["  AWS:          offline: every learner's kernels run their own offline AWS (no account)."]
    if os.environ.get("COGNITO_LAB_ENDPOINT"):
        notes.append(
            "                (COGNITO_LAB_ENDPOINT is not passed on: a shared endpoint would mix learners.)"
        )
    return notes


def command(learners: int, *, state: Path, ip: str, port: int, password: str | None) -> int:
    """The command line: start the room, say how to get in, wait for Ctrl-C, stop everything."""
    signal.signal(signal.SIGTERM, _interrupt)  # `kill <pid>` of this command stops the room too
    try:
        notes = _environment_notes()
        room = start(learners, state=state, ip=ip, port=port, password=password)
    except RoomError as problem:
        print(problem, file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # start() has stopped whatever it had started
        return 1
    print(f"A room of {learners} on JupyterHub: {room.url}", flush=True)
    if ip == "0.0.0.0":
        print(f"  learners use: {room.url.replace(ip, socket.gethostname())} (or this machine's address)")
    print(f"  seats:        {' '.join(room.seats)} (each signs in with their own seat name)")
    print(f"  password:     {room.password} (the same for every seat)")
    print(f"  instructor:   {INSTRUCTOR} / {room.instructor_password} (admin page: {room.url}hub/admin)")
    print(*notes, sep="\n")
    print(f"  homes:        {room.state / 'homes'}/<seat>")
    print(f"  hub log:      {room.log}")
    print("Ctrl-C stops the hub and every learner's server.", flush=True)
    try:
        code = room.process.wait()
        print(
            f"JupyterHub stopped by itself (exit code {code}); the end of {room.log}:\n{_log_tail(room.log)}"
        )
        return 1
    except KeyboardInterrupt:
        print("Stopping the room…", flush=True)
        return 0 if room.stop() in (0, -signal.SIGTERM) else 1


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def copy_course(home: Path) -> list[Path]:
    """Copy the course into `home` (notebooks/, diagrams/), skipping files already there."""
    copied = []
    for pattern in COURSE_FILES:
        for source in sorted(ROOT.glob(pattern)):
            target = home / source.relative_to(ROOT)
            if source.is_file() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
                copied.append(target)
    return copied


def learner_server(arguments: list[str]) -> NoReturn:
    """What a learner's server runs: the course into their home, then jupyterhub-singleuser (JupyterLab)."""
    home = Path(os.environ.get("HOME") or Path.home())
    if home.resolve() != ROOT:  # a Binder-style image whose home *is* the repository needs no copy
        copy_course(home)
    user = os.environ.get("JUPYTERHUB_USER")
    if user:  # on real AWS, the seat's name is the learner's prefix: cognito-lab-<seat>-…
        os.environ.setdefault("COGNITO_LAB_LEARNER", user)
    os.execv(sys.executable, [sys.executable, "-m", "jupyterhub.singleuser", *arguments])
