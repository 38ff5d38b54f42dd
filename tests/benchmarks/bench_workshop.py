"""How long a room of learners takes to set up and tear down at once, next to one learner alone.

    python tests/benchmarks/bench_workshop.py [--learners 30] [--delay 1.0]

The same workshop as tests/course/test_real_aws_safely.py's thirty-learner test (which checks that
nobody collides and nothing is left, and asserts no time): one `python -m helpers serve` endpoint
acting as AWS, IAM's propagation delay simulated, every learner an IAM user's caller holding only
the runner policy on the real-AWS code path. It first measures one learner alone (setup of
notebooks 01-04 through the helpers, one read each for a guest and Alice, then the cleanup), then
all the learners at once in threads, on the same machine in the same run, and prints both and
their ratio. With a fixed IAM delay, one learner alone is mostly waiting; the ratio shows what the
room adds. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "course"))
from test_real_aws_safely import ACCOUNT, RUNNER_POLICY, set_up_course

from helpers import cleanup, lab
from helpers.offline import engine, propagation, server


def _as_the_runner(url: str) -> None:
    """This process's environment: a real-AWS learner whose keys hold only the runner policy."""
    iam = boto3.client(
        "iam",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=engine.ADMIN_ACCESS_KEY_ID,
        aws_secret_access_key=engine.ADMIN_SECRET_ACCESS_KEY,
    )
    iam.create_user(UserName="course-runner")
    iam.put_user_policy(
        UserName="course-runner", PolicyName="runner", PolicyDocument=json.dumps(RUNNER_POLICY)
    )
    key = iam.create_access_key(UserName="course-runner")["AccessKey"]
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", lab.ENV_ENDPOINT):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
            lab.ENV_BACKEND: "aws",
            lab.ENV_ACCOUNT: ACCOUNT,
            lab.ENV_AWS_ENDPOINT: url,
            lab.ENV_EMAIL: "instructor@example.org",
            lab.ENV_IAM_SETTLE: "0",  # the retries do the waiting, as in the test
        }
    )


def _labs(seats: list[str]) -> dict[str, lab.Lab]:
    labs = {}
    for seat in seats:  # Lab reads the learner from the environment once, when made
        os.environ[lab.ENV_LEARNER] = seat
        labs[seat] = lab.Lab("workshop")
    return labs


def _learner(course: lab.Lab) -> None:
    set_up_course(course)
    cleanup.remove_course_resources(course)


def _seconds(labs: dict[str, lab.Lab]) -> float:
    """Wall time for every learner in `labs` to set up and clean up, all at once."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(labs)) as pool:
        list(pool.map(_learner, labs.values()))
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30, help="learners at once (default 30)")
    parser.add_argument("--delay", type=float, default=1.0, help="simulated IAM delay in seconds")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise

    lab.stop_offline()
    running = server.serve()
    try:
        _as_the_runner(running.url)
        propagation.simulate(args.delay)
        # The helpers print a line per step, thousands of them here.
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            alone = _seconds(_labs(["bench-alone"]))
            room = _seconds(_labs([f"bench-{n:02d}" for n in range(1, args.learners + 1)]))
    finally:
        running.stop()
        propagation.reset()
    print(f"IAM delay simulated: {args.delay:g} s; each learner: setup of 01-04, two reads, cleanup")
    print(f"{'one learner alone':28} {alone:8.1f} s")
    print(f"{f'{args.learners} learners at once':28} {room:8.1f} s")
    print(f"{'ratio':28} {room / alone:8.2f} x  ({room / args.learners:.2f} s per learner)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
