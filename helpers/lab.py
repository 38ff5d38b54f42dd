"""One `Lab` object: which AWS the course talks to, how things are named and tagged, and clients.

Three backends, one behaviour:

- **offline** (the default): the faithful offline AWS runs inside the notebook's kernel. It is
  started once per kernel and kept, so re-running a cell (or the whole notebook) finds what the
  earlier run made. No network, no credentials.
- **endpoint**: `COGNITO_LAB_ENDPOINT=http://127.0.0.1:5000` uses a running
  `python -m helpers serve` instead, so several notebooks (or the AWS CLI) share one offline AWS.
- **aws**: a real account, only on explicit opt-in, twice: `COGNITO_LAB_BACKEND=aws` (a choice made
  outside the notebook, so "Run All" on a shared notebook never reaches an account by accident)
  AND `COGNITO_LAB_AWS_ACCOUNT=<12-digit account id>` naming the account you mean (so a stale
  profile or the wrong terminal can't create resources elsewhere). Root credentials are refused,
  and the account, region and caller are printed before anything is created. The account id is
  the confirmation, given before the kernel starts, so CI and instructors need no prompt.

Test only: `COGNITO_LAB_AWS_ENDPOINT=http://127.0.0.1:<port>` sends the **aws** backend's calls to
a local `python -m helpers serve` instead of AWS, so tests run the real-AWS code path (learner
prefixes, tags, waits and retries, the account check) against the offline AWS acting as AWS. It is
refused unless it names 127.0.0.1: it can never point the real-AWS path somewhere else.

Names: `lab.name("users")` is `cognito-lab-users` offline and `cognito-lab-<learner>-users` on AWS,
so learners sharing an account (a workshop's seats) never collide. Every resource the course
creates carries the tags in `lab.tags` (`course`, `learner`, `notebook`), which is how a cleanup
finds them.
"""

from __future__ import annotations

import atexit
import gc
import os
import re
import time
from collections.abc import Mapping
from typing import Any

import boto3
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

import helpers.offline as offline
from helpers.offline import clock, mailbox, propagation

COURSE = "cognito-pools-lab"
NAME_PREFIX = "cognito-lab"
REGION = "us-east-1"
OFFLINE_ACCOUNT_ID = offline.ACCOUNT_ID
# Offline, the course acts as the lab administrator, whom the engine treats as the account admin.
_OFFLINE_KEYS = {
    "aws_access_key_id": offline.ADMIN_ACCESS_KEY_ID,
    "aws_secret_access_key": offline.ADMIN_SECRET_ACCESS_KEY,
}

ENV_BACKEND = "COGNITO_LAB_BACKEND"
ENV_ENDPOINT = "COGNITO_LAB_ENDPOINT"
ENV_ACCOUNT = "COGNITO_LAB_AWS_ACCOUNT"
ENV_LEARNER = "COGNITO_LAB_LEARNER"
ENV_EMAIL = "COGNITO_LAB_EMAIL"
ENV_AWS_ENDPOINT = "COGNITO_LAB_AWS_ENDPOINT"  # tests only, 127.0.0.1 only
ENV_IAM_SETTLE = "COGNITO_LAB_IAM_SETTLE_SECONDS"

OFFLINE, ENDPOINT, AWS = "offline", "endpoint", "aws"

# The in-process offline AWS of this kernel: started by the first Lab, kept for the kernel's life.
_offline_aws: offline.InProcess | None = None


class LabError(Exception):
    """The lab cannot do what was asked; the message says what to change, in one sentence."""


def _start_offline() -> None:
    global _offline_aws
    if _offline_aws is None or not _offline_aws.running:
        _offline_aws = offline.InProcess().start(reset_state=True)
        atexit.register(_exit_without_walking_the_heap)


def _exit_without_walking_the_heap() -> None:
    """A kernel that ran the offline AWS holds a large heap (botocore's service models, moto's
    backends); Python's last garbage collections at exit walk all of it, about 0.35 s measured on
    two cores, every time a notebook's kernel stops or restarts. Nothing in it needs finalizing
    (the engine's own clean-up ran before this: atexit runs the latest registered first), so the
    heap is frozen and the kernel exits at once."""
    gc.freeze()


def _keep_loaded_objects_out_of_collections() -> None:
    """What a kernel has loaded by now (botocore's service models and clients, moto, the engine:
    about 300,000 objects) lives as long as the kernel. Python's full garbage collection walks
    every tracked object, 0.2-0.3 s per notebook measured on two cores, to find nothing to free
    among these; `gc.freeze()` moves them to the generation no collection visits. Objects made
    later are collected as before."""
    gc.freeze()


# Objects allocated, less those freed, between two collections of the youngest generation.
YOUNG_COLLECTION_THRESHOLD = 50_000


def _collect_young_objects_less_often() -> None:
    """A notebook's calls make objects that mostly live on (clients, moto's records, the engine's
    log), and Python's default collects the youngest generation every 700 of them, then walks the
    survivors again in the middle generation: 350-400 collections and 0.14-0.20 s of a notebook,
    measured on two cores, to free almost nothing. Every 50,000 it is three collections and
    0.05-0.06 s (a few megabytes of garbage cycles may wait a little longer to be freed). Only the
    first threshold is raised: the others mean different things from Python 3.14 on."""
    young, *older = gc.get_threshold()
    if young < YOUNG_COLLECTION_THRESHOLD:
        gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *older)


def stop_offline() -> None:
    """Stop this process's in-process offline AWS (tests use it; a notebook never needs to)."""
    global _offline_aws
    if _offline_aws is not None:
        _offline_aws.stop()
        _offline_aws = None


def _slug(text: str, limit: int = 24) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")
    return slug or "learner"


def _test_endpoint() -> str | None:
    """COGNITO_LAB_AWS_ENDPOINT, refused unless it is a 127.0.0.1 URL (see the module docstring)."""
    url = os.environ.get(ENV_AWS_ENDPOINT, "").strip().rstrip("/")
    if not url:
        return None
    if not re.fullmatch(r"http://127\.0\.0\.1:\d{1,5}", url):
        raise LabError(
            f"{ENV_AWS_ENDPOINT} is for tests against a local `python -m helpers serve` only: "
            f"it must be http://127.0.0.1:<port>, not {url!r}."
        )
    return url


def _choose_backend(backend: str | None) -> str:
    chosen = (backend or os.environ.get(ENV_BACKEND) or OFFLINE).strip().lower()
    if chosen not in (OFFLINE, AWS):
        raise LabError(f"Unknown backend {chosen!r}: use 'offline' (the default) or 'aws'.")
    if chosen == AWS and os.environ.get(ENV_ENDPOINT):
        raise LabError(f"Both real AWS and {ENV_ENDPOINT} are set: unset one of them and restart the kernel.")
    if chosen == OFFLINE and os.environ.get(ENV_ENDPOINT):
        return ENDPOINT
    return chosen


def check_caller(identity: Mapping[str, str], confirmed_account: str) -> None:
    """Refuse real-AWS credentials that are root's, or for another account than the one confirmed.

    `identity` is STS GetCallerIdentity's answer; `confirmed_account` is COGNITO_LAB_AWS_ACCOUNT.
    """
    confirmed_account = confirmed_account.strip()
    if not re.fullmatch(r"\d{12}", confirmed_account):
        raise LabError(
            f"Real AWS needs {ENV_ACCOUNT}=<your 12-digit account id>, to confirm which account to use."
        )
    if identity["Arn"].endswith(":root"):
        raise LabError("These are the account's root credentials: use an IAM user or role instead.")
    if identity["Account"] != confirmed_account:
        raise LabError(
            f"These credentials are for account {identity['Account']}, not {confirmed_account} "
            f"({ENV_ACCOUNT}): switch profile or fix the variable."
        )


class Lab:
    """Where the course's AWS calls go, and the conventions every notebook shares.

    `Lab("01_user_pool")` prints one line saying which AWS it uses before any call is made.
    """

    def __init__(self, notebook: str, *, backend: str | None = None, region: str = REGION) -> None:
        _collect_young_objects_less_often()
        self.notebook = notebook
        self.region = region
        self.backend = _choose_backend(backend)
        self.endpoint_url: str | None = None
        self._clients: dict[str, Any] = {}
        self._clients_for: dict[tuple[str | None, ...], Any] = {}
        if self.backend == OFFLINE:
            _start_offline()
            self.account_id = OFFLINE_ACCOUNT_ID
            self.learner = _slug(os.environ.get(ENV_LEARNER, "local"))
            self._session = boto3.Session(
                region_name=region, botocore_session=offline.botocore_session(), **_OFFLINE_KEYS
            )
            print(f"Offline AWS in this kernel (no network, no credentials), region {region}.")
        elif self.backend == ENDPOINT:
            self.endpoint_url = os.environ[ENV_ENDPOINT].rstrip("/")
            self.account_id = OFFLINE_ACCOUNT_ID
            self.learner = _slug(os.environ.get(ENV_LEARNER, "local"))
            self._session = boto3.Session(
                region_name=region, botocore_session=offline.botocore_session(), **_OFFLINE_KEYS
            )
            self._lab_route("GET", "/_lab/clock")  # fails clearly now if nothing listens there
            print(f"Offline AWS at {self.endpoint_url} (python -m helpers serve), region {region}.")
        else:
            self.endpoint_url = _test_endpoint()
            self._session = boto3.Session(region_name=region, botocore_session=offline.botocore_session())
            self.account_id, caller = self._confirm_real_account()
            self.learner = _slug(os.environ.get(ENV_LEARNER) or caller.rsplit("/", 1)[-1])
            where = f" (TEST ENDPOINT {self.endpoint_url})" if self.endpoint_url else ""
            print(
                f"REAL AWS{where}: account {self.account_id}, region {region}, caller {caller}, "
                f"names start with {self.prefix}-. Resources cost money until cleaned up."
            )
        _keep_loaded_objects_out_of_collections()

    # --- opt-in for real AWS ----------------------------------------------------------------------

    def _confirm_real_account(self) -> tuple[str, str]:
        if _offline_aws is not None and _offline_aws.running:
            raise LabError("This kernel already runs the offline AWS: restart the kernel to use real AWS.")
        if os.environ.get(ENV_BACKEND, "").strip().lower() != AWS:
            raise LabError(f"Real AWS needs {ENV_BACKEND}=aws in the environment that starts Jupyter.")
        try:
            identity = self.client("sts").get_caller_identity()
        except Exception as problem:  # no credentials, expired SSO session, no network, ...
            raise LabError(
                f"Could not ask AWS who you are ({problem}): sign in (aws sso login?) first."
            ) from None
        check_caller(identity, os.environ.get(ENV_ACCOUNT, ""))
        return identity["Account"], identity["Arn"]

    # --- names and tags ---------------------------------------------------------------------------

    @property
    def prefix(self) -> str:
        """What every resource name starts with: the course, plus the learner on a shared real account."""
        return NAME_PREFIX if self.backend != AWS else f"{NAME_PREFIX}-{self.learner}"

    def name(self, base: str) -> str:
        """The course's name for a resource, e.g. `lab.name("users")` → `cognito-lab-users`."""
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", base):
            raise LabError(f"Resource name part {base!r}: use lowercase letters, digits and hyphens.")
        return f"{self.prefix}-{base}"

    def bucket_name(self, base: str) -> str:
        """A bucket's name: on AWS bucket names are global, so the account id makes it yours."""
        name = self.name(base) if self.backend != AWS else f"{self.name(base)}-{self.account_id}"
        if len(name) > 63:
            raise LabError(f"Bucket name {name!r} is longer than S3's 63 characters: shorten {base!r}.")
        return name

    def email(self, user: str) -> str:
        """The email address a course user signs up with.

        Offline nobody receives mail, so `alice@example.com` is fine. On AWS the code must reach
        you: with COGNITO_LAB_EMAIL=you@example.org, Alice gets `you+alice@example.org`.
        """
        if self.backend != AWS:
            return f"{user}@example.com"
        mailbox = os.environ.get(ENV_EMAIL, "")
        if "@" not in mailbox:
            raise LabError(f"On real AWS set {ENV_EMAIL}=<an address you read>: the codes are emailed there.")
        local, _, domain = mailbox.partition("@")
        return f"{local}+{user}@{domain}"

    @property
    def tags(self) -> dict[str, str]:
        """Tags for everything the course creates (the shape Cognito's *Tags parameters take)."""
        return {"course": COURSE, "learner": self.learner, "notebook": self.notebook}

    def tag_list(self) -> list[dict[str, str]]:
        """The same tags as `[{"Key": ..., "Value": ...}]`, the shape IAM, S3 and DynamoDB take."""
        return [{"Key": key, "Value": value} for key, value in self.tags.items()]

    # --- clients ----------------------------------------------------------------------------------

    def _config(self) -> Config:
        if self.backend != AWS:
            # Offline, an AWS_ENDPOINT_URL left in the environment must not send calls elsewhere.
            return Config(ignore_configured_endpoint_urls=True)
        # A room of learners in one account meets Cognito's and IAM's request-rate quotas:
        # botocore's "standard" mode retries throttling errors with backoff and jitter.
        return Config(retries={"mode": "standard", "max_attempts": 10})

    # --- IAM's propagation delay ------------------------------------------------------------------

    @property
    def iam_propagates(self) -> bool:
        """True where IAM changes take a while to be seen (AWS, or an offline AWS simulating it).

        Only then is an `InvalidIdentityPoolConfigurationException` or `AccessDenied` worth a retry;
        offline, IAM changes are visible at once, so the same error is the learner's to read now.
        """
        if self.backend == AWS:
            return True
        if self.backend == ENDPOINT:
            return float(self._lab_route("GET", "/_lab/propagation")["seconds"]) > 0
        return propagation.delay() > 0

    @property
    def iam_settle_seconds(self) -> float:
        """How long to let new role policies settle before an access table that must see them.

        10 s on AWS by default (IAM says "a few seconds"); `COGNITO_LAB_IAM_SETTLE_SECONDS`
        changes it; 0 offline, where changes are immediate.
        """
        if not self.iam_propagates:
            return 0.0
        return float(os.environ.get(ENV_IAM_SETTLE, "10"))

    @property
    def session(self) -> boto3.Session:
        """The boto3 session every client of this lab comes from: one botocore loader, so each
        service's model is read once per kernel, whoever the client acts as."""
        return self._session

    def client(self, service: str) -> Any:
        """A boto3 client for `service` as the lab administrator (you, on real AWS)."""
        if service not in self._clients:
            self._clients[service] = self._session.client(
                service, endpoint_url=self.endpoint_url, config=self._config()
            )
            _keep_loaded_objects_out_of_collections()
        return self._clients[service]

    def client_for(self, credentials: Mapping[str, Any], service: str) -> Any:
        """A boto3 client that acts with temporary credentials.

        Takes `Credentials` from GetCredentialsForIdentity (`SecretKey`) or from STS
        (`SecretAccessKey`) as they come.
        """
        secret = credentials.get("SecretKey") or credentials.get("SecretAccessKey")
        key = (credentials["AccessKeyId"], secret, credentials["SessionToken"], service)
        if key not in self._clients_for:  # a client costs ~50 ms to build; a principal reuses one
            self._clients_for[key] = self._session.client(
                service,
                endpoint_url=self.endpoint_url,
                config=self._config(),
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=secret,
                aws_session_token=credentials["SessionToken"],
            )
        return self._clients_for[key]

    # --- user pool URLs ---------------------------------------------------------------------------

    def issuer(self, user_pool_id: str) -> str:
        """The `iss` of the pool's tokens (the same offline: tokens look like AWS's)."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{user_pool_id}"

    def jwks_url(self, user_pool_id: str) -> str:
        """Where the pool publishes its public signing keys."""
        base = f"{self.endpoint_url}/{user_pool_id}" if self.endpoint_url else self.issuer(user_pool_id)
        return f"{base}/.well-known/jwks.json"

    # --- API Gateway invoke URLs ---------------------------------------------------------------------

    def invoke_url(self, api_id: str, path: str) -> tuple[str, dict[str, str]]:
        """Where a request to an API's invoke URL goes, and the headers that name the API.

        `path` starts with the stage: `/prod/notes`. In the kernel and on AWS this is the invoke URL
        itself, `https://{api_id}.execute-api.{region}.amazonaws.com/prod/notes` (offline, the
        kernel answers it; nothing leaves the machine); at an endpoint (a shared one, or the real-AWS
        path's test endpoint) it is the endpoint's address with the invoke URL's host in `Host`, as
        any HTTP client can send it. A SigV4 signature is made for the invoke URL's host either way.
        """
        host = f"{api_id}.execute-api.{self.region}.amazonaws.com"
        if self.endpoint_url is not None:
            return f"{self.endpoint_url}{path}", {"Host": host}
        return f"https://{host}{path}", {}

    # --- what AWS delivers outside the API: email, time -------------------------------------------

    def _lab_route(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            reply = requests.request(method, f"{self.endpoint_url}{path}", timeout=10, **kwargs)
        except requests.RequestException:
            raise LabError(
                f"Nothing answers at {self.endpoint_url}: start it with `python -m helpers serve` "
                f"or unset {ENV_ENDPOINT}."
            ) from None
        try:
            answer = reply.json()
        except ValueError:
            answer = None
        if not reply.ok or answer is None:
            detail = answer.get("message") if isinstance(answer, dict) else reply.text[:200]
            raise LabError(f"{self.endpoint_url}{path} answered {reply.status_code}: {detail}")
        return answer

    def read_confirmation_code(self, user_pool_id: str, username: str) -> str:
        """The code Cognito emailed `username`: from the offline mailbox, or typed in by you on AWS."""
        if self.backend == AWS and self.endpoint_url is None:
            return input(f"Type the code Cognito emailed to {username}: ").strip()
        if self.endpoint_url is not None:  # a shared offline endpoint, or the aws path's test endpoint
            found = self._lab_route(
                "GET", "/_lab/mailbox", params={"user_pool_id": user_pool_id, "username": username}
            )
            if not found:
                raise LabError(f"No email was sent to {username!r} in pool {user_pool_id}: sign up first.")
            return found[-1]["code"]
        try:
            return mailbox.latest_code(user_pool_id, username)
        except LookupError as problem:
            raise LabError(str(problem)) from None

    def now(self) -> float:
        """Epoch seconds as this lab's AWS sees them (the offline clock may be ahead of yours)."""
        if self.backend == AWS:
            return time.time()
        if self.backend == ENDPOINT:
            return float(self._lab_route("GET", "/_lab/clock")["now"])
        return clock.now()

    def advance_clock(self, seconds: float) -> bool:
        """Move the offline AWS's clock forward; on real AWS time can't be moved (returns False)."""
        if self.backend == AWS:
            print(f"Real AWS: time can't be moved. Wait {seconds / 60:.0f} minutes, then run the next cell.")
            return False
        if self.backend == ENDPOINT:
            self._lab_route("POST", "/_lab/clock", json={"advance_seconds": seconds})
        else:
            clock.advance(seconds)
        return True

    # --- find things by name (None when absent) ---------------------------------------------------

    def find_user_pool(self, name: str) -> str | None:
        """The id of the user pool called `name`."""
        for page in self.client("cognito-idp").get_paginator("list_user_pools").paginate(MaxResults=60):
            for pool in page["UserPools"]:
                if pool["Name"] == name:
                    return pool["Id"]
        return None

    def find_app_client(self, user_pool_id: str, name: str) -> str | None:
        """The id of the pool's app client called `name`."""
        pages = self.client("cognito-idp").get_paginator("list_user_pool_clients")
        for page in pages.paginate(UserPoolId=user_pool_id, MaxResults=60):
            for client in page["UserPoolClients"]:
                if client["ClientName"] == name:
                    return client["ClientId"]
        return None

    def find_user(self, user_pool_id: str, username: str) -> str | None:
        """The user's status (`UNCONFIRMED`, `CONFIRMED`, ...)."""
        idp = self.client("cognito-idp")
        try:
            return idp.admin_get_user(UserPoolId=user_pool_id, Username=username)["UserStatus"]
        except idp.exceptions.UserNotFoundException:
            return None

    def find_identity_pool(self, name: str) -> str | None:
        """The id of the identity pool called `name`."""
        identity = self.client("cognito-identity")
        kwargs: dict[str, Any] = {"MaxResults": 60}
        while True:
            page = identity.list_identity_pools(**kwargs)
            for pool in page["IdentityPools"]:
                if pool["IdentityPoolName"] == name:
                    return pool["IdentityPoolId"]
            if not page.get("NextToken"):
                return None
            kwargs["NextToken"] = page["NextToken"]

    def find_role(self, name: str) -> str | None:
        """The ARN of the IAM role called `name`."""
        iam = self.client("iam")
        try:
            return iam.get_role(RoleName=name)["Role"]["Arn"]
        except iam.exceptions.NoSuchEntityException:
            return None

    def find_bucket(self, name: str) -> str | None:
        """`name` if you own that bucket."""
        try:
            self.client("s3").head_bucket(Bucket=name)
        except ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchBucket"):
                return None
            raise LabError(f"Bucket {name!r} exists but isn't yours: pick another name.") from None
        return name

    def find_rest_api(self, name: str) -> str | None:
        """The id of the API Gateway REST API called `name` (names aren't unique there: the first)."""
        for page in self.client("apigateway").get_paginator("get_rest_apis").paginate():
            for api in page["items"]:
                if api["name"] == name:
                    return str(api["id"])
        return None

    def find_function(self, name: str) -> str | None:
        """The ARN of the Lambda function called `name`."""
        lam = self.client("lambda")
        try:
            return str(lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"])
        except lam.exceptions.ResourceNotFoundException:
            return None

    def find_table(self, name: str) -> str | None:
        """The ARN of the DynamoDB table called `name`."""
        dynamodb = self.client("dynamodb")
        try:
            return dynamodb.describe_table(TableName=name)["Table"]["TableArn"]
        except dynamodb.exceptions.ResourceNotFoundException:
            return None
