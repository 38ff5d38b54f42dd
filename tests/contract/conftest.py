"""Run every contract test against each way the offline AWS runs.

The test bodies use only boto3 and pycognito, so the same suite can run
against a real account (`--real-aws`, with credentials in the environment);
only these fixtures know which AWS is behind the clients.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.request import Request, urlopen

import boto3
import pycognito
import pytest
import requests
from botocore.exceptions import ClientError

from helpers.offline import clock, engine, recent_invocations, server, webclient
from helpers.offline.authorization import recent_decisions
from helpers.offline.iam.decisions import DecisionRecord

REGION = "us-east-1"
# `-m real_aws --real-aws` runs only the real-account pass.
MODES = ["in_process", "server", pytest.param("real", marks=pytest.mark.real_aws)]


@dataclass
class Aws:
    """Which AWS the clients talk to, and how to make them."""

    mode: str
    endpoint_url: str | None = None
    region: str = REGION
    _prefix: str = field(default_factory=lambda: f"lab-contract-{uuid.uuid4().hex[:6]}")

    def client(self, service_name: str, **kwargs: Any) -> Any:
        if self.mode == "real":
            return boto3.client(service_name, region_name=self.region, **kwargs)
        kwargs.setdefault("aws_access_key_id", engine.ADMIN_ACCESS_KEY_ID)
        kwargs.setdefault("aws_secret_access_key", engine.ADMIN_SECRET_ACCESS_KEY)
        return boto3.client(service_name, region_name=self.region, endpoint_url=self.endpoint_url, **kwargs)

    def unique(self, name: str) -> str:
        return f"{self._prefix}-{name}-{uuid.uuid4().hex[:6]}"

    def invoke_url(self, api_id: str, path: str) -> tuple[str, dict[str, str]]:
        """Where a request to an API Gateway invoke URL goes, and the headers that name the API.

        `path` starts with the stage (`/prod/notes`), or is a path of an HTTP API's `$default`
        stage. In-process and on AWS it is the invoke URL itself; at the endpoint, the endpoint's
        address with the invoke URL's host in `Host`, as any HTTP client can send it.
        """
        host = f"{api_id}.execute-api.{self.region}.amazonaws.com"
        if self.mode == "server":
            return f"{self.endpoint_url}{path}", {"Host": host}
        return f"https://{host}{path}", {}

    def lab_get(self, path: str) -> Any:
        with urlopen(f"{self.endpoint_url}{path}", timeout=10) as reply:
            return json.load(reply)

    def lab_post(self, path: str, payload: dict[str, Any]) -> Any:
        request = Request(f"{self.endpoint_url}{path}", json.dumps(payload).encode(), method="POST")
        with urlopen(request, timeout=10) as reply:
            return json.load(reply)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--real-aws",
        action="store_true",
        help="also run the contract tests against the real AWS account in the environment "
        "(they create and delete their own resources)",
    )


_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@contextmanager
def _machine_only() -> Iterator[None]:
    """Refuse any connection or name lookup beyond this machine while offline tests run.

    This is what proves "no call leaves the machine": pycognito's key download, boto3's
    calls and everything else must be answered in-process or by the 127.0.0.1 endpoint.
    """
    connect, getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def guarded_connect(sock: socket.socket, address: Any) -> Any:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOOPBACK:
            raise OSError(f"offline tests must not reach the network (tried {address[0]})")
        return connect(sock, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in _LOOPBACK and host is not None:
            raise OSError(f"offline tests must not look up {host}")
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.getaddrinfo = guarded_getaddrinfo
    try:
        yield
    finally:
        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.getaddrinfo = getaddrinfo


@pytest.fixture(scope="session", params=MODES)
def aws(request: pytest.FixtureRequest) -> Iterator[Aws]:
    if request.param == "real":
        if not request.config.getoption("--real-aws"):
            pytest.skip("real AWS runs only with --real-aws")
        yield Aws("real")
        return
    with _machine_only():
        yield from _offline(request.param)


def _offline(mode: str) -> Iterator[Aws]:
    if mode == "in_process":
        with engine.in_process():
            yield Aws("in_process")
        return
    endpoint = server.serve()
    saved = os.environ.get("AWS_ENDPOINT_URL")
    # pycognito builds its own boto3 client: point it at the endpoint through
    # the environment, because an endpoint_url kwarg changes its issuer check.
    os.environ["AWS_ENDPOINT_URL"] = endpoint.url
    try:
        with engine.admin_environment():
            yield Aws("server", endpoint.url)
    finally:
        if saved is None:
            os.environ.pop("AWS_ENDPOINT_URL", None)
        else:
            os.environ["AWS_ENDPOINT_URL"] = saved
        endpoint.stop()


@dataclass
class Mailbox:
    aws: Aws

    def latest_code(self, user_pool_id: str, username: str) -> str:
        if self.aws.mode == "server":
            found = self.aws.lab_get(f"/_lab/mailbox?user_pool_id={user_pool_id}&username={username}")
            if not found:
                raise LookupError(f"no message for {username} in {user_pool_id}")
            return found[-1]["code"]
        from helpers.offline import mailbox

        return mailbox.latest_code(user_pool_id, username)

    def sent(self, user_pool_id: str, username: str) -> list[dict[str, Any]]:
        """Every message sent to the user, oldest first (kind, code, subject, body, ...)."""
        if self.aws.mode == "server":
            found: list[dict[str, Any]] = self.aws.lab_get(
                f"/_lab/mailbox?user_pool_id={user_pool_id}&username={username}"
            )
            return found
        from helpers.offline import mailbox

        return [message.to_dict() for message in mailbox.messages(user_pool_id, username)]


@pytest.fixture
def mailbox_reader(aws: Aws) -> Mailbox:
    if aws.mode == "real":
        pytest.skip("the confirmation code goes to a real inbox on AWS")
    return Mailbox(aws)


@pytest.fixture(name="mailbox")
def mailbox_fixture(mailbox_reader: Mailbox) -> Mailbox:
    return mailbox_reader


@dataclass
class DecisionLog:
    """The offline AWS's IAM decisions, as records: in-process from the engine, at the endpoint
    from `GET /_lab/decisions` (AWS has no such API; this is how the course explains a cell)."""

    aws: Aws

    def newest(self, access_key_id: str) -> DecisionRecord:
        if self.aws.mode == "server":
            found = self.aws.lab_get(f"/_lab/decisions?access_key_id={access_key_id}&limit=1")
            assert found, f"no decision recorded for {access_key_id}"
            return DecisionRecord.from_dict(found[0])
        newest = recent_decisions(access_key_id, limit=1)
        assert newest, f"no decision recorded for {access_key_id}"
        return newest[0]


@pytest.fixture
def decision_log(aws: Aws) -> DecisionLog:
    if aws.mode == "real":
        pytest.skip("AWS does not say which statement decided; only the offline AWS keeps a log")
    return DecisionLog(aws)


@dataclass
class InvocationLog:
    """What the offline API Gateway did with each request to an invoke URL (its execution log in the
    lab's words): in-process from the engine, at the endpoint from `GET /_lab/invocations`."""

    aws: Aws

    def newest(self) -> dict[str, Any]:
        if self.aws.mode == "server":
            found = self.aws.lab_get("/_lab/invocations?limit=1")
        else:
            found = [record.to_dict() for record in recent_invocations(1)]
        assert found, "no invocation recorded"
        return dict(found[0])


@pytest.fixture
def invocation_log(aws: Aws) -> InvocationLog:
    if aws.mode == "real":
        pytest.skip("AWS writes its execution log to CloudWatch; only the offline AWS keeps this one")
    return InvocationLog(aws)


@dataclass
class OfflineClock:
    aws: Aws

    def advance(self, seconds: float) -> None:
        if self.aws.mode == "server":
            self.aws.lab_post("/_lab/clock", {"advance_seconds": seconds})
        else:
            clock.advance(seconds)

    def reset(self) -> None:
        if self.aws.mode == "server":
            self.aws.lab_post("/_lab/clock", {"reset": True})
        else:
            clock.reset()


@pytest.fixture
def offline_clock(aws: Aws) -> Iterator[OfflineClock]:
    """Move the offline clock in one test; it is set back afterwards.

    Module-scoped sessions and tokens of other tests must not expire because an
    earlier test moved time on (pytest may interleave modules per mode).
    """
    if aws.mode == "real":
        pytest.skip("real AWS time cannot be moved")
    moved = OfflineClock(aws)
    yield moved
    moved.reset()


@pytest.fixture
def make_cognito(aws: Aws) -> Callable[..., pycognito.Cognito]:
    """pycognito.Cognito for the current AWS, verifying tokens without leaving the machine."""

    def make(user_pool_id: str, client_id: str, **kwargs: Any) -> pycognito.Cognito:
        cognito = pycognito.Cognito(user_pool_id, client_id, user_pool_region=aws.region, **kwargs)
        if aws.mode == "server":
            cognito.pool_jwk = aws.lab_get(f"/{user_pool_id}/.well-known/jwks.json")
        return cognito

    return make


# --- what most modules build first: user pools, identity pools, roles -----------------------------


@pytest.fixture
def idp(aws: Aws) -> Any:
    return aws.client("cognito-idp")


@pytest.fixture
def new_pool(aws: Aws, idp: Any) -> Iterator[Callable[..., str]]:
    """Create user pools for one test and delete them afterwards (real AWS keeps them otherwise)."""
    created: list[str] = []

    def make(**settings: Any) -> str:
        pool_id = idp.create_user_pool(PoolName=aws.unique("pool"), **settings)["UserPool"]["Id"]
        created.append(pool_id)
        return pool_id

    yield make
    for pool_id in created:
        idp.delete_user_pool(UserPoolId=pool_id)


@dataclass
class Build:
    """The administrator's clients for the current AWS, and what a module builds with them before
    its tests: user pools whose users sign in with a password, identity pools, roles and IAM OpenID
    Connect providers. `build` deletes them all when the module ends (real AWS keeps them otherwise)."""

    aws: Aws
    idp: Any = field(init=False)
    ci: Any = field(init=False)
    iam: Any = field(init=False)
    sts: Any = field(init=False)
    account: str = field(init=False)
    _user_pools: list[str] = field(default_factory=list)
    _identity_pools: list[str] = field(default_factory=list)
    _roles: list[str] = field(default_factory=list)
    _oidc_providers: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.idp, self.ci = self.aws.client("cognito-idp"), self.aws.client("cognito-identity")
        self.iam, self.sts = self.aws.client("iam"), self.aws.client("sts")
        self.account = self.sts.get_caller_identity()["Account"]

    def user_pool(
        self, users: tuple[str, ...], password: str, flows: tuple[str, ...] = ("ALLOW_USER_PASSWORD_AUTH",)
    ) -> tuple[str, str]:
        """A user pool, its app client `app` with `flows`, and `users` confirmed with `password`."""
        pool_id = self.idp.create_user_pool(PoolName=self.aws.unique("up"))["UserPool"]["Id"]
        self._user_pools.append(pool_id)
        client_id = self.app_client(pool_id, flows)
        for username in users:
            self.idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
            self.idp.admin_set_user_password(
                UserPoolId=pool_id, Username=username, Password=password, Permanent=True
            )
        return pool_id, client_id

    def app_client(self, pool_id: str, flows: tuple[str, ...], name: str = "app") -> str:
        created = self.idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName=name, ExplicitAuthFlows=list(flows)
        )
        return str(created["UserPoolClient"]["ClientId"])

    def provider(self, user_pool_id: str) -> str:
        """The user pool's name as an identity pool knows it (its Logins key)."""
        return f"cognito-idp.{self.aws.region}.amazonaws.com/{user_pool_id}"

    def identity_pool(self, **settings: Any) -> str:
        """An identity pool that admits guests and the basic flow; `settings` add to or override that."""
        params: dict[str, Any] = {
            "IdentityPoolName": self.aws.unique("ip").replace("-", "_"),
            "AllowUnauthenticatedIdentities": True,
            "AllowClassicFlow": True,
            **settings,
        }
        pool_id = str(self.ci.create_identity_pool(**params)["IdentityPoolId"])
        self._identity_pools.append(pool_id)
        return pool_id

    def role(self, trust: dict[str, Any] | str, **settings: Any) -> str:
        """A role with this trust policy (a dict or its JSON); its ARN."""
        name = self.aws.unique("role")
        document = trust if isinstance(trust, str) else json.dumps(trust)
        created = self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=document, **settings)
        self._roles.append(name)
        return str(created["Role"]["Arn"])

    def oidc_provider(self, url: str, client_id: str, thumbprint: str) -> str:
        """An IAM OpenID Connect provider; its ARN."""
        arn = self.iam.create_open_id_connect_provider(
            Url=url, ClientIDList=[client_id], ThumbprintList=[thumbprint]
        )["OpenIDConnectProviderArn"]
        self._oidc_providers.append(arn)
        return str(arn)

    def client_with(self, service: str, credentials: dict[str, Any]) -> Any:
        """A client acting with temporary credentials, as Cognito Identity (`SecretKey`) or STS
        (`SecretAccessKey`) hands them out."""
        return self.aws.client(
            service,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials.get("SecretKey") or credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )

    def delete_all(self) -> None:
        for pool_id in self._identity_pools:
            with suppress(ClientError):  # some tests delete their pool
                self.ci.delete_identity_pool(IdentityPoolId=pool_id)
        for name in self._roles:
            for policy in self.iam.list_role_policies(RoleName=name)["PolicyNames"]:
                self.iam.delete_role_policy(RoleName=name, PolicyName=policy)
            self.iam.delete_role(RoleName=name)
        for arn in self._oidc_providers:
            self.iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        for pool_id in self._user_pools:
            self.idp.delete_user_pool(UserPoolId=pool_id)


@pytest.fixture(scope="module")
def build(aws: Aws) -> Iterator[Build]:
    built = Build(aws)
    yield built
    built.delete_all()


# --- the web: browser-like sessions for pages at AWS hosts ----------------------------------------


@pytest.fixture
def web(aws: Aws) -> Callable[[], requests.Session]:
    """A new browser-like `requests.Session` for the current AWS: in-process, `https://` URLs are
    answered by the kernel; at the endpoint they arrive there with their Host header."""
    if aws.mode == "real":
        pytest.skip("these tests drive the offline sign-in page's form; AWS's managed login differs")

    def make() -> requests.Session:
        return webclient.session_for(aws.endpoint_url if aws.mode == "server" else None)

    return make
