"""The offline AWS as a local endpoint any AWS client can use.

It serves moto's WSGI application with the engine installed (this process's
patches apply to it), on 127.0.0.1 only, behind the engine's route table
(`engine.route_table()`, the same table the in-process mock mounts): a few `/_lab/`
routes for what AWS would deliver out of band (the confirmation-code mailbox, the clock,
the authorization log, IAM's propagation delay, a reset), and the documents AWS publishes
outside its APIs, at the paths AWS uses:

* ``GET /<userPoolId>/.well-known/jwks.json`` and ``.../openid-configuration``: a user
  pool's keys and discovery document;
* ``GET /.well-known/jwks_uri``: Cognito Identity's keys, which AWS publishes at
  https://cognito-identity.amazonaws.com/.well-known/jwks_uri. No AWS API path starts
  with ``/.well-known`` (an S3 bucket name cannot start with a dot), so nothing of moto's
  is hidden.

The lab's own OpenID Connect identity provider (`standin_idp`, the stand-in for "Sign in with
Google"; not an AWS service):

* ``GET /_lab/oidc/.well-known/openid-configuration`` and ``GET /_lab/oidc/.well-known/jwks.json``
  (``?issuer=`` picks a provider other than the default https://accounts.example.com);
* ``POST /_lab/oidc/token`` with ``{"user": ..., "client_id": ..., "email"?, "azp"?,
  "issuer"?, "expires_in"?}``: sign a user in and get ``{"id_token": ...}`` (a form with
  ``grant_type`` is the provider's OAuth token endpoint); ``/_lab/oidc/authorize`` and
  ``/_lab/oidc/userinfo`` are its authorization and userInfo endpoints.

Hosts that are not API endpoints (a user pool domain, the stand-in provider, the course's web app
at notes.example.com) answer a request whose Host header names them, and, for a browser, at
``/_lab/hosts/<host>/<path>`` (`routes`).
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from werkzeug.serving import BaseWSGIServer, make_server

from . import engine, routes

_LOOPBACK = "127.0.0.1"

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


# One endpoint serves every service, so the service a request was sent to is read from the
# request itself: the JSON protocols name it in X-Amz-Target, IAM and STS in the form's Version.
_TARGET_PREFIXES = {
    "AWSCognitoIdentityProviderService": "cognito-idp",
    "AWSCognitoIdentityService": "cognito-identity",
    "DynamoDB_20120810": "dynamodb",
}
_QUERY_VERSIONS = {"2010-05-08": "iam", "2011-06-15": "sts"}
_CREDENTIAL = re.compile(r"Credential=([^,\s]*)")
_HOSTS_REMEMBERED = 512


def _dispatcher_class() -> type:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    class Dispatcher(DomainDispatcherApplication):
        """moto's dispatcher, routing by the service called rather than the one the key is scoped to.

        moto picks the backend from the signature's credential scope; AWS answers at the
        endpoint a request is sent to, and refuses a credential scoped to another service
        there (`authorization`). REST calls (S3, Lambda, API Gateway) name no service, so they
        are still routed by their scope.
        """

        def __init__(self, create_app: Callable[[Any], Any]) -> None:
            super().__init__(create_app)
            self._backend_by_host: dict[str | None, Any] = {}

        def get_backend_for_host(self, host: str | None) -> Any:
            """moto's answer, remembered per host. moto lists its package's folders on disk and tries
            every service's URL pattern for each request (a fifth of a GetItem's time at the
            endpoint, measured with cProfile); the answer for a host never changes."""
            if host not in self._backend_by_host:
                if len(self._backend_by_host) > _HOSTS_REMEMBERED:
                    self._backend_by_host.clear()
                self._backend_by_host[host] = super().get_backend_for_host(host)
            return self._backend_by_host[host]

        def infer_service_region_host(self, environ: Environ, path: str) -> str | None:
            authorization = environ.get("HTTP_AUTHORIZATION") or ""
            found = _CREDENTIAL.search(authorization)
            intended = self._called(environ)
            scope = found.group(1).split("/") if found else []
            if found and intended and len(scope) == 5 and scope[3] != intended:
                scope[3] = intended
                rescoped = authorization.replace(found.group(0), "Credential=" + "/".join(scope), 1)
                return super().infer_service_region_host({**environ, "HTTP_AUTHORIZATION": rescoped}, path)
            return super().infer_service_region_host(environ, path)

        def _called(self, environ: Environ) -> str | None:
            target = environ.get("HTTP_X_AMZ_TARGET") or ""
            if target:
                return _TARGET_PREFIXES.get(target.split(".", 1)[0])
            version = parse_qs(self._get_body(environ) or "").get("Version")
            return _QUERY_VERSIONS.get(version[0]) if version else None

    return Dispatcher


class _LabApplication:
    """The engine's route table first (lab routes, documents at AWS's paths), then moto's app."""

    def __init__(self, moto_app: Callable[[Environ, StartResponse], Iterable[bytes]]) -> None:
        self._moto_app = moto_app
        self._routes = engine.route_table()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        response = self._routes.answer(_request(environ))
        if response is None:
            return self._moto_app(environ, start_response)
        status = f"{response.status} {HTTPStatus(response.status).phrase}"
        start_response(status, [*response.header_list(), ("Content-Length", str(len(response.body)))])
        return [response.body]


def _request(environ: Environ) -> routes.Request:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    # Put the body back for moto, which reads it again when no route answers.
    environ["wsgi.input"] = io.BytesIO(body)
    # WSGI keeps only upper-cased names; werkzeug's own spelling of them is the closest to the client's.
    items = [
        (name[5:].replace("_", "-").title(), value)
        for name, value in environ.items()
        if name.startswith("HTTP_")
    ]
    for name, key in (("Content-Type", "CONTENT_TYPE"), ("Content-Length", "CONTENT_LENGTH")):
        if environ.get(key):
            items.append((name, environ[key]))
    headers = {name.lower(): value for name, value in items}
    return routes.Request(
        method=environ.get("REQUEST_METHOD", "GET"),
        scheme=environ.get("wsgi.url_scheme", "http"),
        host=environ.get("HTTP_HOST", ""),
        path=environ.get("PATH_INFO", "/"),
        query={
            name: values[0]
            for name, values in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()
        },
        headers=headers,
        body=body,
        at_endpoint=True,
        raw_query=environ.get("QUERY_STRING", ""),
        raw_path=str(environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")).partition("?")[0],
        header_items=tuple(items),
        remote_addr=environ.get("REMOTE_ADDR") or "127.0.0.1",
    )


@dataclass
class Server:
    """A running endpoint; `url` is what clients pass as `endpoint_url`."""

    url: str
    _server: BaseWSGIServer
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def serve_forever(self) -> None:
        """Block until interrupted (Ctrl-C), then stop cleanly."""
        try:
            self._thread.join()
        except KeyboardInterrupt:
            self.stop()


def _request_handler(quiet: bool) -> type:
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    if not quiet:
        return MotoRequestHandler

    class QuietRequestHandler(MotoRequestHandler):
        """No access log line per request (errors are still reported)."""

        def log_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    return QuietRequestHandler


def serve(port: int = 0, *, reset_state: bool = True, quiet: bool = False) -> Server:
    """Start the endpoint on 127.0.0.1:`port` (0: any free port) in a thread.

    `quiet` drops werkzeug's access log: for the loopback endpoint Lambda functions call, whose
    every call would otherwise print a line into the notebook that invoked the function.
    """
    from moto.moto_server.werkzeug_app import create_backend_app

    engine.install()
    if reset_state:
        engine.reset()
    app = _LabApplication(_dispatcher_class()(create_backend_app))
    handler = _request_handler(quiet)
    server = make_server(_LOOPBACK, port, app, threaded=True, request_handler=handler)
    thread = threading.Thread(target=server.serve_forever, name="offline-aws", daemon=True)
    thread.start()
    bound_port = server.server_address[1]
    return Server(f"http://{_LOOPBACK}:{bound_port}", server, thread)
