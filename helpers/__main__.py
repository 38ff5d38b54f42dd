"""Command line: `python -m helpers <command>`.

`serve [--port N]` runs the faithful offline AWS as a local endpoint on
127.0.0.1; its first line of output is the URL, so scripts can read it.
`doctor` checks that this machine can run the course and says what is missing.
`reset` puts the offline lab back to a clean state between workshop groups.
`cleanup [--dry-run]` and `audit` remove, or list, what the course created;
`policy` prints the least-privilege IAM policy the course needs.
"""

from __future__ import annotations

import argparse
import sys


def _serve(args: argparse.Namespace) -> int:
    from helpers.offline import server

    endpoint = server.serve(args.port)
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
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
