"""The local room that `python -m helpers room` starts: JupyterHub on this machine, one JupyterLab per seat.

This is the room command's half; it reads the settings the command wrote (ports, seats, passwords,
homes) from the file named by COGNITO_ROOM_SETTINGS. What every learner's server gets is in
learner_servers.py, the half an instructor copies to The Littlest JupyterHub.

Isolation here: every learner has their own server process, home folder and kernels (and so their
own offline AWS), but all run as the same Unix user as the hub, so files and processes are not
walled off from one another (SimpleLocalProcessSpawner's own warning). The Littlest JupyterHub gives
each learner a Unix user and systemd limits; Zero to JupyterHub a container each (room/README.md).
"""

import json
import os
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub's config loader provides it)
here = Path(__file__).resolve().parent
if not (here / "learner_servers.py").exists():  # load_subconfig would skip a missing file silently
    raise FileNotFoundError(here / "learner_servers.py")
load_subconfig(str(here / "learner_servers.py"))  # noqa: F821
room = json.loads(Path(os.environ["COGNITO_ROOM_SETTINGS"]).read_text())

c.JupyterHub.bind_url = room["url"]
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{room['hub_port']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{room['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [room["proxy"]]  # installed by the room command in room/node_modules
# The hub runs in the room's state folder: its database, cookie secret and proxy pid file live there.
c.JupyterHub.db_url = "sqlite:///jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "jupyterhub_cookie_secret"

# A workshop's sign-in: every seat uses one shared password; the instructor has their own.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = room["password"]
c.SharedPasswordAuthenticator.admin_password = room["instructor_password"]
c.Authenticator.admin_users = {room["instructor"]}
c.Authenticator.allowed_users = set(room["seats"])

# Every seat its own server and home folder, as the hub's Unix user (see the isolation note above).
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(Path(room["homes"]) / "{username}")


def seat_ports_and_sockets(spawner):
    """Keep one machine's servers and kernels off each other's TCP ports. Each seat's server gets a
    port of its own, chosen by the room command under the range the system hands out at random
    (helpers/room.py, FIRST_SERVER_PORT); its kernels talk to it over Unix sockets in a folder of
    their own instead of five random TCP ports each. In a room of 30 on TCP, a server and a kernel
    once found their random port taken by another seat's kernel: one never came up, one died."""
    spawner.port = room["server_ports"][spawner.user.name]
    sockets = Path(room["kernel_sockets"]) / spawner.user.name
    spawner.environment = {**spawner.environment, "JUPYTER_RUNTIME_DIR": str(sockets)}


c.Spawner.pre_spawn_hook = seat_ports_and_sockets
c.Spawner.args = ["--KernelManager.transport=ipc"]
# The Python that runs the room, whose environment has the course: `python` on PATH may not.
c.Spawner.cmd = [room["python"], "-m", "helpers", "learner-server"]
if os.geteuid() == 0:  # e.g. a container: JupyterLab refuses root without it
    c.Spawner.args = [*c.Spawner.args, "--allow-root"]
# The learners' homes are not the instructor's: real-AWS kernels get the instructor's AWS files.
if os.environ.get("COGNITO_LAB_BACKEND", "").strip().lower() == "aws":
    files = {
        variable: str(Path.home() / ".aws" / name)
        for variable, name in (("AWS_CONFIG_FILE", "config"), ("AWS_SHARED_CREDENTIALS_FILE", "credentials"))
        if variable not in os.environ and (Path.home() / ".aws" / name).exists()
    }
    c.Spawner.environment = {**c.Spawner.environment, **files}
