"""Install the engine into moto, remove it, reset it, and run it in-process.

Every feature module or package (authorization, user pools, `sts`, `cognitoidentity`, ...)
exposes `install(patches)` and, where it keeps module-level state, `reset()` (state kept in a
`state.StateDict` is forgotten by moto's own reset); a module that answers URLs outside
moto's API has `ROUTES`. This module applies the patches through one reversible `Patches`
record, so moto can be restored exactly, and assembles the one route table (`route_table()`)
that the endpoint and the in-process mock both mount.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from . import (
    apigateway,
    authorization,
    awslambda,
    botocoredata,
    clock,
    cognitoidentity,
    cognitoidp,
    loopback,
    managedlogin,
    motocore,
    notes_app,
    passkey_page,
    routes,
    standin_idp,
    sts,
    validation,
)
from .apigateway import openapi
from .iam import models as iam_models
from .iam import propagation
from .patching import Patches

ACCOUNT_ID = "123456789012"  # moto's default account
REGION = "us-east-1"
# The lab's administrator: the usual offline test keys act as the account admin.
ADMIN_ACCESS_KEY_ID = authorization.ADMIN_ACCESS_KEY_ID
ADMIN_SECRET_ACCESS_KEY = authorization.ADMIN_SECRET_ACCESS_KEY

# Each feature patches its own targets; one with module-level state also has reset().
_FEATURES = (
    botocoredata,
    # moto's per-request recomputations, answered without them (no behaviour changes).
    motocore,
    validation,
    authorization,
    iam_models,
    sts,
    cognitoidp,
    managedlogin,
    cognitoidentity,
    propagation,
    # Lambda functions run offline; its reset stops their processes.
    awslambda,
    # API Gateway's invoke URLs, answered by the engine (after Lambda, which it invokes).
    apigateway,
)

_lock = threading.RLock()
_patches = Patches()


def patch_targets() -> list[tuple[Any, str]]:
    """(owner, attribute) of every change the installed engine made to moto (for the seam test)."""
    return _patches.targets()


def installed() -> bool:
    return len(_patches) > 0


def install(*, moto_suite: bool = False) -> None:
    """Apply every fix to moto (idempotent).

    `moto_suite=True` serves an existing moto test suite: IAM enforcement follows moto's own
    switch (`INITIAL_NO_AUTH_ACTION_COUNT`; by default moto checks no credentials) and moto's
    default fake credentials act as the account administrator. Everything else (user pools,
    identity pools, STS, ...) behaves as AWS does in both modes.
    """
    with _lock:
        authorization.configure(moto_suite=moto_suite)
        if installed():
            return
        for feature in _FEATURES:
            awaited = _AFTER_IMPORT.get(feature)
            if awaited is None:
                feature.install(_patches)
            else:
                module, importing = awaited
                _patches.after_import(module, feature.install, importing=importing)
        from moto.core.models import MockAWS

        _patches.wrap(MockAWS, "_enable_patching", _mounting_routes)


# moto imports a service on its first request. Most notebooks never call these two: their fixes
# wait for moto to import them (`Patches.after_import`); every other feature's are applied at once.
# API Gateway's module is imported with its OpenAPI validator standing in (`apigateway.openapi`).
_AFTER_IMPORT: dict[Any, tuple[str, Callable[[], AbstractContextManager[None]]]] = {
    awslambda: ("moto.awslambda.models", nullcontext),
    apigateway: ("moto.apigateway.models", openapi.standing_in),
}


def _reset_route(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """`POST /_lab/reset`: forget every resource, session, email and clock offset."""
    reset()
    return routes.Response.json({"reset": True})


def route_table() -> routes.RouteTable:
    """Everything answered outside moto's API routes, from every feature, in one table."""
    return routes.RouteTable(
        (
            # First: an invoke URL's Host names an API, whatever its path (an API may have a
            # `/.well-known/...` resource of its own).
            *apigateway.ROUTES,
            *clock.ROUTES,
            *authorization.ROUTES,
            *propagation.ROUTES,
            routes.Route("reset", "/_lab/reset", _reset_route, methods=frozenset({"POST"}), local=True),
            *cognitoidp.urls.ROUTES,
            *managedlogin.ROUTES,
            *cognitoidentity.ROUTES,
            *notes_app.ROUTES,
            *passkey_page.ROUTES,
            *standin_idp.ROUTES,
        )
    )


def _mounting_routes(original: Callable[..., None]) -> Callable[..., None]:
    """moto rebuilds its `requests` routes every time its mock starts; ours follow them."""

    def enable_patching(self: Any, reset: bool = True) -> None:
        original(self, reset=reset)
        routes.mount_in_process(route_table())

    return enable_patching


def uninstall() -> None:
    """Restore moto exactly as it was."""
    with _lock:
        awslambda.reset()  # no function process may outlive the engine that runs it
        loopback.stop()
        _patches.undo_all()
        authorization.configure(moto_suite=False)


def reset() -> None:
    """Forget every resource, session, message and clock offset."""
    from moto.moto_api import _internal

    with _lock:
        _internal.moto_api_backend.reset()
        for feature in _FEATURES:
            if hasattr(feature, "reset"):
                feature.reset()
        clock.reset()
        notes_app.reset()
        passkey_page.reset()


_admin_environment = {
    "AWS_ACCESS_KEY_ID": ADMIN_ACCESS_KEY_ID,
    "AWS_SECRET_ACCESS_KEY": ADMIN_SECRET_ACCESS_KEY,
    "AWS_DEFAULT_REGION": REGION,
}


class InProcess:
    """moto's in-process mock with the engine installed: no port, no network.

    botocore calls to any AWS endpoint, and `requests` calls to AWS URLs
    (pycognito's JWKS download), are answered by this process.
    """

    def __init__(self) -> None:
        from moto import mock_aws

        # mock_credentials=False: moto would otherwise put its own fake keys in
        # the environment, which the engine does not know as anybody.
        self._mock = mock_aws(config={"core": {"mock_credentials": False}})
        self.running = False

    def start(self, *, reset_state: bool = True) -> InProcess:
        with _lock:
            install()
            self._mock.start(reset=reset_state)
            if reset_state:
                reset()
            self.running = True
        return self

    def stop(self) -> None:
        with _lock:
            if self.running:
                self._mock.stop(remove_data=False)
                self.running = False


@contextmanager
def admin_environment() -> Iterator[None]:
    """Point default boto3 sessions at the lab administrator, then restore."""
    saved = {name: os.environ.get(name) for name in _admin_environment}
    os.environ.update(_admin_environment)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def in_process() -> Iterator[InProcess]:
    """`with in_process():` runs the faithful offline AWS for the block."""
    aws = InProcess().start()
    try:
        with admin_environment():
            yield aws
    finally:
        aws.stop()
