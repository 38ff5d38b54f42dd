"""Command line: `python -m helpers serve [--port N]` | `doctor`.

`serve` runs the faithful offline AWS as a local endpoint on 127.0.0.1. Its
first line of output is the URL, so scripts can read it. `doctor` checks that
this machine can run the course and says what is missing.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the offline AWS on 127.0.0.1")
    serve.add_argument("--port", type=int, default=5000, help="port to listen on (0: any free port)")
    serve.set_defaults(run=_serve)
    commands.add_parser("doctor", help="check that the course can run here").set_defaults(run=_doctor)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
