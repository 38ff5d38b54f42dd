"""The one route table: everything the offline AWS answers outside moto's own API routes.

Some of what a learner meets is not an AWS API call but a plain HTTPS request: a user pool's
signing keys (`https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json`),
Cognito Identity's keys, the stand-in identity provider's discovery document, and the lab's own
routes (`/_lab/mailbox`, `/_lab/clock`, ...). Each is one `Route` here, mounted the same way in
both places the engine runs:

* **in-process**, every route with `hosts` answers `requests` calls to `https://<host><path>`
  (moto intercepts `requests` with the `responses` library; `mount_in_process` adds our routes
  after moto's, and moto's registry prefers plain `responses.CallbackResponse` objects);
* **at the endpoint** (`server.py`), a request whose `Host` header matches one of `hosts` is
  that route; a route with `local=True` also answers at the endpoint's own address, whatever the
  Host (the lab routes, and the documents the endpoint serves at AWS's paths).

Handlers take a `Request` and return a `Response`; they never see WSGI or `requests` objects.

A browser can reach only the endpoint's own address (behind JupyterLab, JupyterHub or Binder,
through jupyter-server-proxy at `{base_url}proxy/{port}/`), never `https://<an AWS host>`. So
every host-routed page is also at one generic path alias, `/_lab/hosts/{host}/{path}`: the
request `https://{host}/{path}`. A response to a request that came through the alias has its
redirects and cookies moved to the alias, and handlers write their links with
`Request.browser_url`, so a browser stays on the alias from page to page; scripted clients
(`requests` in-process, or the endpoint with a `Host` header) see AWS's real URLs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

ALIAS_ROOT = "/_lab/hosts"
_ALIAS = re.compile(ALIAS_ROOT + r"/(?P<host>[A-Za-z0-9.-]+)(?P<path>/[^?#]*)?")


@dataclass(frozen=True)
class Request:
    """An HTTP request, as a route handler sees it (the same in-process and at the endpoint)."""

    method: str
    scheme: str
    host: str  # as the client addressed it: "cognito-identity.amazonaws.com", "127.0.0.1:5000"
    path: str
    query: Mapping[str, str]  # the first value of each parameter
    headers: Mapping[str, str]  # names in lower case
    body: bytes = b""
    at_endpoint: bool = False  # True at `python -m helpers serve`, False in-process
    # Set when the request came through the alias `/_lab/hosts/{host}/...`: the path prefix a
    # browser put before the alias (jupyter-server-proxy's X-Forwarded-Prefix, or ""), and the
    # hosts whose URLs are moved to the alias.
    alias_prefix: str | None = None
    aliased_hosts: tuple[re.Pattern[str], ...] = ()
    # What a route that forwards the request needs beyond the above (API Gateway's invocation):
    # the query string as sent, every header in order with the client's spelling where it is
    # known (the endpoint's WSGI server keeps only upper-cased names: there they are
    # Title-Cased, as werkzeug spells them), and the client's address.
    raw_query: str = ""
    raw_path: str = ""  # as sent, not percent-decoded ("" when it is `path`)
    header_items: tuple[tuple[str, str], ...] = ()
    remote_addr: str = "127.0.0.1"

    @property
    def base_url(self) -> str:
        """`scheme://host` of the request: where documents that name their own URLs live."""
        return f"{self.scheme}://{self.host}"

    @property
    def cookies(self) -> dict[str, str]:
        """The `Cookie` header's name=value pairs."""
        found: dict[str, str] = {}
        for pair in self.headers.get("cookie", "").split(";"):
            name, sep, value = pair.strip().partition("=")
            if sep:
                found[name] = value.strip('"')
        return found

    def browser_url(self, url: str, *, location: bool = False) -> str:
        """`url` as the client that sent this request can follow it.

        Unchanged for scripted clients and for hosts the engine does not serve. Through the
        alias, `https://{host}/{path}` becomes `{prefix}/_lab/hosts/{host}/{path}`; a redirect's
        `location` leaves the prefix out, because jupyter-server-proxy (>= 4.6) puts it before
        every absolute-path Location itself.
        """
        if self.alias_prefix is None:
            return url
        parts = urlsplit(url)
        hostname = parts.hostname or ""
        if parts.scheme != "https" or not any(p.fullmatch(hostname) for p in self.aliased_hosts):
            return url
        aliased = alias_path(url)
        return aliased if location else self.alias_prefix + aliased

    def json(self) -> Any:
        """The body as JSON ({} when empty). Raises ValueError for a body that is not JSON."""
        return json.loads(self.body or b"{}")

    def form(self) -> dict[str, str]:
        """An `application/x-www-form-urlencoded` body, first value of each field."""
        return {name: values[0] for name, values in parse_qs(self.body.decode()).items()}

    @classmethod
    def from_url(
        cls,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | str | None,
        *,
        at_endpoint: bool = False,
    ) -> Request:
        parts = urlsplit(url)
        raw = body.encode() if isinstance(body, str) else (body or b"")
        items = tuple((str(name), str(value)) for name, value in headers.items())
        return cls(
            method=method.upper(),
            scheme=parts.scheme or "https",
            host=parts.netloc,
            path=parts.path or "/",
            query={name: values[0] for name, values in parse_qs(parts.query, keep_blank_values=True).items()},
            headers={name.lower(): value for name, value in headers.items()},
            body=raw,
            at_endpoint=at_endpoint,
            raw_query=parts.query,
            raw_path=parts.path or "/",
            header_items=items,
        )


def alias_path(url: str) -> str:
    """The alias of an https URL: `/_lab/hosts/{host}{path}?{query}`."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{ALIAS_ROOT}/{parts.netloc}{quote(parts.path or '/', safe='/%:@!$&()*+,;=-._~')}{query}"


@dataclass(frozen=True)
class Response:
    status: int
    # A mapping, or pairs when a name repeats (API Gateway passes a function's multi-value headers).
    headers: Mapping[str, str] | Sequence[tuple[str, str]]
    body: bytes
    cookies: tuple[str, ...] = ()  # Set-Cookie values, one header each

    @classmethod
    def redirect(cls, location: str, cookies: tuple[str, ...] = ()) -> Response:
        """`302 Found` to `location` (AWS's authorization endpoints answer 302)."""
        return cls(302, {"Location": location}, b"", cookies)

    def header_list(self) -> list[tuple[str, str]]:
        """Every header, Set-Cookie once per cookie (what WSGI and `responses` take)."""
        pairs = list(self.headers.items()) if isinstance(self.headers, Mapping) else list(self.headers)
        return [*pairs, *(("Set-Cookie", cookie) for cookie in self.cookies)]

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        body = json.dumps(payload, indent=1).encode()
        return cls(status, {"Content-Type": "application/json", **(headers or {})}, body)

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/html; charset=utf-8") -> Response:
        return cls(status, {"Content-Type": content_type}, text.encode())


Handler = Callable[[Request, "re.Match[str]"], Response]


@dataclass(frozen=True)
class Route:
    """One thing the offline AWS answers at a URL.

    `path` is matched against the whole path (a regular expression; its named groups reach the
    handler through the match). `hosts` are the AWS hosts it lives at (regular expressions over
    the host name, port excluded); `local` also serves it at the endpoint's own address.
    """

    name: str
    path: str
    handler: Handler
    methods: frozenset[str] = frozenset({"GET"})
    hosts: tuple[str, ...] = ()
    local: bool = False
    _path: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _hosts: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_path", re.compile(self.path))
        object.__setattr__(self, "_hosts", tuple(re.compile(host) for host in self.hosts))

    def match(self, request: Request) -> re.Match[str] | None:
        """The path's match if this route answers `request`, else None."""
        if request.method not in self.methods:
            return None
        hostname = request.host.rsplit(":", 1)[0] if ":" in request.host else request.host
        at_host = any(pattern.fullmatch(hostname) for pattern in self._hosts)
        if not (at_host or (self.local and request.at_endpoint)):
            return None
        return self._path.fullmatch(request.path)

    def url_pattern(self) -> re.Pattern[str]:
        """The URLs this route answers in-process (its hosts, any scheme, any query)."""
        hosts = "|".join(f"(?:{host})" for host in self.hosts)
        path = self.path.removeprefix("^").removesuffix("$")
        return re.compile(rf"https?://(?:{hosts})(?::\d+)?{path}(?:\?.*)?$")


class RouteTable:
    """Routes in the order they are tried; the first that matches answers."""

    def __init__(self, routes: Iterable[Route] = ()) -> None:
        self.routes = list(routes)

    def find(self, request: Request) -> tuple[Route, re.Match[str]] | None:
        for route in self.routes:
            found = route.match(request)
            if found is not None:
                return route, found
        return None

    def answer(self, request: Request) -> Response | None:
        """The response of the route that matches, or None if no route does."""
        aliased = _ALIAS.fullmatch(request.path) if request.at_endpoint else None
        if aliased is not None:
            return self._answer_alias(request, aliased)
        found = self.find(request)
        if found is None:
            return None
        route, match = found
        try:
            return route.handler(request, match)
        except (ValueError, LookupError) as problem:
            # A lab route given a bad parameter; AWS documents answer their own errors.
            return Response.json({"message": str(problem)}, 400)

    def _answer_alias(self, request: Request, aliased: re.Match[str]) -> Response:
        """`/_lab/hosts/{host}/{path}` is the request `https://{host}/{path}`."""
        host = aliased["host"]
        inner = replace(
            request,
            scheme="https",
            host=host,
            path=aliased["path"] or "/",
            at_endpoint=False,  # the lab's own routes answer at the endpoint's address only
            alias_prefix=request.headers.get("x-forwarded-prefix", "").rstrip("/"),
            aliased_hosts=tuple(p for route in self.routes for p in route._hosts),
        )
        found = self.find(inner)
        if found is None:
            return Response.json({"message": f"Nothing is served at https://{host}{inner.path}"}, 404)
        route, match = found
        try:
            response = route.handler(inner, match)
        except (ValueError, LookupError) as problem:
            return Response.json({"message": str(problem)}, 400)
        headers = dict(response.headers)
        if "Location" in headers:
            headers["Location"] = inner.browser_url(headers["Location"], location=True)
        cookie_path = f"{inner.alias_prefix}{ALIAS_ROOT}/{host}/"
        return replace(
            response,
            headers=headers,
            cookies=tuple(_aliased_cookie(c, cookie_path) for c in response.cookies),
        )


def _aliased_cookie(cookie: str, path: str) -> str:
    """A cookie of `https://{host}` kept for that host's alias only: its path is the alias, and
    neither its Domain nor Secure (the endpoint is plain http on 127.0.0.1) would let it be set."""
    kept = [
        part
        for part in (p.strip() for p in cookie.split(";"))
        if part.split("=", 1)[0].lower() not in ("path", "domain", "secure")
    ]
    return "; ".join([*kept, f"Path={path}"])


def mount_in_process(table: RouteTable) -> None:
    """Answer `requests` calls to the table's AWS hosts in this process (moto's mock is on)."""
    import responses
    from moto.core.models import responses_mock

    def answer(prepared: Any) -> tuple[int, list[tuple[str, str]], bytes]:
        request = Request.from_url(prepared.method, prepared.url, prepared.headers, prepared.body)
        response = table.answer(request)
        if response is None:  # the URL pattern matched but not the method or path details
            return 404, [("Content-Type", "application/json")], b'{"message": "Not Found"}'
        return response.status, response.header_list(), response.body

    for route in table.routes:
        if not route.hosts:
            continue
        for method in route.methods:
            responses_mock.add(
                responses.CallbackResponse(method=method, url=route.url_pattern(), callback=answer)
            )
