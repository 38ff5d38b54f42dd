"""Command line: `python -m helpers <command>`.

`serve [--port N]` runs the faithful offline AWS as a local endpoint on
127.0.0.1; its first line of output is the URL, so scripts can read it.
`doctor` checks that this machine can run the course and says what is missing.
`reset` puts the offline lab back to a clean state between workshop groups.
`cleanup [--dry-run]` and `audit` remove, or list, what the course created;
`policy` prints the least-privilege IAM policy the course needs.
`room --learners N` starts a local JupyterHub with N seats, each with their own JupyterLab and
offline AWS; `learner-server` is what each seat's server runs (the room's spawner starts it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _serve(args: argparse.Namespace) -> int:
    from helpers.offline import serve

    endpoint = serve(args.port)
    print(endpoint.url, flush=True)
    print(
        "Offline AWS for the Cognito lab. Use it with:\n"
        f"  export AWS_ENDPOINT_URL={endpoint.url} AWS_ACCESS_KEY_ID=testing "
        "AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1\n"
        f"  confirmation codes: {endpoint.url}/_lab/mailbox   Ctrl-C stops it.",
        flush=True,
    )
    endpoint.serve_forever()
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from helpers import doctor

    return doctor.command()


def _cleanup(args: argparse.Namespace) -> int:
    from helpers import cleanup

    return cleanup.command(dry_run=args.dry_run, all_learners=args.all_learners)


def _audit(args: argparse.Namespace) -> int:
    from helpers import cleanup

    return cleanup.command(report_only=True, all_learners=args.all_learners)


def _policy(args: argparse.Namespace) -> int:
    from importlib.resources import files

    print(files("helpers").joinpath("runner_policy.json").read_text(), end="")
    return 0


def _reset(args: argparse.Namespace) -> int:
    from helpers import reset

    return reset.command(args.endpoint)


def _room(args: argparse.Namespace) -> int:
    from helpers import room

    return room.command(args.learners, state=args.state, ip=args.ip, port=args.port, password=args.password)


def _learner_server(args: argparse.Namespace) -> int:
    from helpers import room

    room.learner_server(args.arguments)  # becomes jupyterhub-singleuser: never returns


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the offline AWS on 127.0.0.1")
    serve.add_argument("--port", type=int, default=5000, help="port to listen on (0: any free port)")
    serve.set_defaults(run=_serve)
    commands.add_parser("doctor", help="check that the course can run here").set_defaults(run=_doctor)
    reset = commands.add_parser("reset", help="put the offline lab back to a clean state (between groups)")
    reset.add_argument("--endpoint", help="a `python -m helpers serve` URL (default: $COGNITO_LAB_ENDPOINT)")
    reset.set_defaults(run=_reset)
    for name, run, summary in (
        ("cleanup", _cleanup, "remove everything the course created (prefix and tags)"),
        ("audit", _audit, "list anything with the course's prefix or tags; exit 1 if any"),
    ):
        command = commands.add_parser(name, help=summary)
        if name == "cleanup":
            command.add_argument("--dry-run", action="store_true", help="list what would be removed")
        command.add_argument("--all-learners", action="store_true", help="every learner's, not just yours")
        command.set_defaults(run=run)
    commands.add_parser("policy", help="print the least-privilege IAM policy the course needs").set_defaults(
        run=_policy
    )
    room = commands.add_parser("room", help="start a local JupyterHub: one JupyterLab per learner")
    room.add_argument("--learners", type=int, required=True, help="how many seats (seat01, seat02, ...)")
    room.add_argument("--port", type=int, default=8000, help="the room's port (0: any free port)")
    room.add_argument("--ip", default="127.0.0.1", help="address to listen on (0.0.0.0: the whole network)")
    room.add_argument(
        "--password", help="the seats' shared password (default: kept from the last room, or new)"
    )
    room.add_argument(
        "--state",
        type=Path,
        default=Path("~/.cognito-lab-room"),
        help="folder for the learners' homes, the hub's database and log (default: ~/.cognito-lab-room)",
    )
    room.set_defaults(run=_room)
    learner = commands.add_parser("learner-server", help="one seat's JupyterLab (the room's spawner runs it)")
    learner.set_defaults(run=_learner_server)
    # learner-server passes every option it is given on to jupyterhub-singleuser (e.g. --allow-root).
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "learner-server":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.arguments = extra
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
