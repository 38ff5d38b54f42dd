"""What every learner's JupyterLab gets, on any JupyterHub: a JupyterHub configuration file.

`python -m helpers room` loads it (from room/jupyterhub_config.py), and so can The Littlest
JupyterHub as it is: one line in /opt/tljh/config/jupyterhub_config.d/cognito-lab.py,
`load_subconfig("/srv/cognito-pools-lab/room/learner_servers.py")`. Zero to JupyterHub's
config.yaml in room/README.md says the same in Helm values.

Standard library only: the hub's own environment need not have the course installed; the learners'
environment must (`pip install -c constraints.txt -e .`), since their servers run `helpers`.
"""

import os

c = get_config()  # noqa: F821 (JupyterHub's config loader provides it)

# Copies the course into the learner's home (missing files only: their work survives a restart),
# sets COGNITO_LAB_LEARNER to their user name, then becomes jupyterhub-singleuser: JupyterLab.
c.Spawner.cmd = ["python", "-m", "helpers", "learner-server"]
c.Spawner.default_url = "/lab/tree/notebooks/00_welcome.ipynb"
# A whole room starting at once on a small machine: JupyterLab can take a minute or more to answer.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 180

# Offline by default: the learners' servers get none of the hub's environment but what JupyterHub
# keeps (PATH, LANG, ...), so COGNITO_LAB_ENDPOINT, AWS keys and profiles stay out of their kernels.
# Real AWS only when the instructor opted in, in the environment that starts the hub: then the
# opt-in, the account and the credentials are passed on, and each learner's names carry their seat.
REAL_AWS_VARIABLES = (
    "COGNITO_LAB_BACKEND",
    "COGNITO_LAB_AWS_ACCOUNT",
    "COGNITO_LAB_EMAIL",
    "COGNITO_LAB_IAM_SETTLE_SECONDS",
    "COGNITO_LAB_AWS_ENDPOINT",  # tests only: the lab refuses anything but 127.0.0.1
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
)
if os.environ.get("COGNITO_LAB_BACKEND", "").strip().lower() == "aws":
    c.Spawner.environment = {name: os.environ[name] for name in REAL_AWS_VARIABLES if name in os.environ}
