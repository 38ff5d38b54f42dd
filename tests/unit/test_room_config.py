"""The room's pieces without a hub: seats, the course copied into a home, the two config files, the
messages an instructor sees when something is missing. (tests/hub/ runs a real hub.)"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from traitlets.config.loader import PyFileConfigLoader

from helpers import __main__ as cli
from helpers import room

ROOT = Path(__file__).resolve().parents[2]
HUB_ENVIRONMENT = {
    "COGNITO_LAB_ENDPOINT": "http://127.0.0.1:5000",
    "COGNITO_LAB_AWS_ACCOUNT": "111122223333",
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_PROFILE": "workshop",
}

# What `python -m helpers room` writes for room/jupyterhub_config.py (room.start's settings).
_SETTINGS = {
    "seats": ["seat01", "seat02"],
    "server_ports": {"seat01": 20000, "seat02": 20001, "instructor": 20002},
    "kernel_sockets": "/tmp/cognito-room-test",
    "password": "a-password",
    "instructor": "instructor",
    "instructor_password": "x" * 32,
    "url": "http://127.0.0.1:8000/",
    "hub_port": 8081,
    "proxy_api_port": 8001,
    "proxy": "/somewhere/configurable-http-proxy",
    "python": sys.executable,
}


def _load(name: str) -> dict:
    return PyFileConfigLoader(name, path=str(room.ROOM_DIR)).load_config()


def test_seats_are_numbered_and_a_room_has_1_to_99() -> None:
    assert room.seat_names(3) == ["seat01", "seat02", "seat03"]
    for wrong in (0, 100):
        with pytest.raises(room.RoomError, match="1 to 99 seats"):
            room.seat_names(wrong)


def test_a_home_gets_the_notebooks_and_diagrams_but_not_the_instructor_guide(tmp_path: Path) -> None:
    copied = room.copy_course(tmp_path)
    notebooks = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(path.name for path in (tmp_path / "notebooks").iterdir()) == notebooks
    assert (tmp_path / "diagrams" / "two-pools.md").exists()  # notebook 00 links ../diagrams/two-pools.md
    assert not (tmp_path / "notebooks" / "INSTRUCTOR_GUIDE.md").exists()
    # Files only: JupyterLab (the browser tests) leaves an .ipynb_checkpoints folder in diagrams/.
    diagrams = [path for path in (ROOT / "diagrams").iterdir() if path.is_file()]
    assert len(copied) == len(notebooks) + len(diagrams)


def test_a_learners_own_work_survives_a_restart_of_their_server(tmp_path: Path) -> None:
    room.copy_course(tmp_path)
    mine = tmp_path / "notebooks" / "04_side_by_side.ipynb"
    mine.write_text("my work")
    (tmp_path / "notebooks" / "01_user_pool.ipynb").unlink()
    again = room.copy_course(tmp_path)
    assert again == [tmp_path / "notebooks" / "01_user_pool.ipynb"]
    assert mine.read_text() == "my work"


def test_learners_get_none_of_the_hubs_environment_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in HUB_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("COGNITO_LAB_BACKEND", raising=False)
    config = _load("learner_servers.py")
    assert "environment" not in config.Spawner
    assert config.Spawner.cmd == ["python", "-m", "helpers", "learner-server"]


def test_real_aws_reaches_learners_only_when_the_instructor_opted_in(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in HUB_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("COGNITO_LAB_BACKEND", "aws")
    environment = _load("learner_servers.py").Spawner.environment
    assert environment == {"COGNITO_LAB_BACKEND": "aws"} | {
        name: value for name, value in HUB_ENVIRONMENT.items() if name != "COGNITO_LAB_ENDPOINT"
    }


def test_the_local_room_uses_the_local_spawner_the_shared_password_and_its_seats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "room.json").write_text(json.dumps({**_SETTINGS, "homes": str(tmp_path / "homes")}))
    monkeypatch.setenv(room.SETTINGS_VARIABLE, str(tmp_path / "room.json"))
    monkeypatch.delenv("COGNITO_LAB_BACKEND", raising=False)
    config = _load("jupyterhub_config.py")
    assert config.JupyterHub.spawner_class == "simple"
    assert config.JupyterHub.authenticator_class == "shared-password"
    assert config.Authenticator.allowed_users == {"seat01", "seat02"}
    assert config.SimpleLocalProcessSpawner.home_dir_template == str(tmp_path / "homes" / "{username}")
    assert config.Spawner.cmd == [sys.executable, "-m", "helpers", "learner-server"]
    assert config.Spawner.default_url == "/lab/tree/notebooks/00_welcome.ipynb"  # from learner_servers.py
    # Off each other's TCP ports: the seat's own server port, its kernels on Unix sockets.
    spawner = SimpleNamespace(user=SimpleNamespace(name="seat02"), port=0, environment={"LANG": "C"})
    config.Spawner.pre_spawn_hook(spawner)
    assert spawner.port == 20001
    assert spawner.environment == {"LANG": "C", "JUPYTER_RUNTIME_DIR": "/tmp/cognito-room-test/seat02"}
    assert "--KernelManager.transport=ipc" in config.Spawner.args


def test_each_server_gets_a_port_of_its_own_under_the_kernels_range() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", room.FIRST_SERVER_PORT))  # something already listens there
        ports = room.server_ports(["seat01", "seat02", "instructor"])
    assert len(set(ports.values())) == 3
    assert all(room.FIRST_SERVER_PORT < port < 32768 for port in ports.values())


def test_without_npm_the_room_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(room, "PROXY", tmp_path / "not-installed")
    monkeypatch.setattr(room.shutil, "which", lambda name: None)
    with pytest.raises(room.RoomError, match=r"needs npm \(Node.js 20 or newer\)"):
        room.ensure_proxy()


def test_a_real_aws_room_needs_the_account_before_anything_starts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COGNITO_LAB_BACKEND", "aws")
    monkeypatch.delenv("COGNITO_LAB_AWS_ACCOUNT", raising=False)
    monkeypatch.setattr(room, "start", lambda *args, **kwargs: pytest.fail("the hub must not start"))
    assert cli.main(["room", "--learners", "2"]) == 1
    assert "also needs COGNITO_LAB_AWS_ACCOUNT" in capsys.readouterr().err


def test_only_learner_server_passes_unknown_options_on(monkeypatch: pytest.MonkeyPatch) -> None:
    passed = []
    monkeypatch.setattr(room, "learner_server", passed.append)
    cli.main(["learner-server", "--allow-root", "--debug"])
    assert passed == [["--allow-root", "--debug"]]
    with pytest.raises(SystemExit):
        cli.main(["policy", "--allow-root"])


def test_a_real_aws_room_gives_learners_the_instructors_aws_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The learners' HOME is their seat's folder, where boto3 would find no profile."""
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text("[profile workshop]\n")
    settings = tmp_path / "room.json"
    settings.write_text(json.dumps({**_SETTINGS, "homes": str(tmp_path / "homes")}))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(room.SETTINGS_VARIABLE, str(settings))
    monkeypatch.setenv("COGNITO_LAB_BACKEND", "aws")
    monkeypatch.setenv("AWS_PROFILE", "workshop")
    monkeypatch.delenv("AWS_CONFIG_FILE", raising=False)
    environment = _load("jupyterhub_config.py").Spawner.environment
    assert environment["AWS_CONFIG_FILE"] == str(tmp_path / ".aws" / "config")
    assert environment["AWS_PROFILE"] == "workshop"
    assert "AWS_SHARED_CREDENTIALS_FILE" not in environment  # there is no credentials file


def test_a_learners_server_gets_the_course_and_their_seat_then_becomes_jupyterhub_singleuser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = []
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("JUPYTERHUB_USER", "seat05")
    monkeypatch.delenv("COGNITO_LAB_LEARNER", raising=False)
    monkeypatch.setattr(room.os, "execv", lambda path, argv: started.append(argv))
    room.learner_server(["--allow-root"])
    assert started == [[sys.executable, "-m", "jupyterhub.singleuser", "--allow-root"]]
    assert (tmp_path / "notebooks" / "00_welcome.ipynb").exists()
    assert room.os.environ["COGNITO_LAB_LEARNER"] == "seat05"


def test_a_shared_password_needs_eight_characters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(room, "ensure_proxy", lambda: Path("/somewhere/configurable-http-proxy"))
    with pytest.raises(room.RoomError, match="at least 8 characters"):
        room.start(2, state=tmp_path, password="short")


def test_a_port_already_in_use_is_said_before_the_hub_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """configurable-http-proxy keeps running when its port is taken, serving nothing: check first."""
    monkeypatch.setattr(room, "ensure_proxy", lambda: Path("/somewhere/configurable-http-proxy"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(room.RoomError, match=f"Port {port} is in use: choose another with --port"):
            room.start(2, state=tmp_path, port=port)
