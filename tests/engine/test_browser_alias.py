"""The browser's way to AWS's hosts: `/_lab/hosts/{host}/{path}` on the endpoint, behind a proxy.

A browser reaches only the kernel's loopback endpoint, through jupyter-server-proxy at
`{base_url}proxy/{port}/`, which strips that prefix, sends it as `X-Forwarded-Prefix` and (4.6+)
puts it back before every absolute-path `Location`. These tests play the proxy's part against the
route table: the alias answers as the host does; redirects to a served host stay on the alias
without the prefix (the proxy adds it), links in pages carry it, cookies are kept to the host's
alias path; URLs of hosts the engine does not serve are left alone.
"""

from __future__ import annotations

import re

from helpers.offline import routes

PREFIX = "/user/alice/proxy/5000"


def _redirecting(request: routes.Request, match: re.Match[str]) -> routes.Response:
    target = request.query.get("to", "https://pages.example.com/next?x=1")
    link = request.browser_url("https://pages.example.com/form?a=b")
    response = routes.Response.redirect(
        target, ("session=abc; Path=/; Domain=pages.example.com; Secure; HttpOnly",)
    )
    return routes.Response(302, {**response.headers, "X-Link": link}, b"", response.cookies)


TABLE = routes.RouteTable([routes.Route("a page", "/start", _redirecting, hosts=(r"pages\.example\.com",))])


def _request(path: str, headers: dict[str, str] | None = None) -> routes.Request:
    return routes.Request.from_url(
        "GET", f"http://127.0.0.1:5000{path}", headers or {}, None, at_endpoint=True
    )


def test_the_alias_is_the_request_to_the_host_with_redirects_links_and_cookies_kept_on_it() -> None:
    response = TABLE.answer(
        _request("/_lab/hosts/pages.example.com/start", {"X-Forwarded-Prefix": PREFIX + "/"})
    )
    assert response is not None and response.status == 302
    assert response.headers["Location"] == "/_lab/hosts/pages.example.com/next?x=1"
    assert response.headers["X-Link"] == f"{PREFIX}/_lab/hosts/pages.example.com/form?a=b"
    assert response.cookies == (f"session=abc; HttpOnly; Path={PREFIX}/_lab/hosts/pages.example.com/",)


def test_urls_of_hosts_the_engine_does_not_serve_are_left_alone() -> None:
    response = TABLE.answer(_request("/_lab/hosts/pages.example.com/start?to=https://app.invalid/cb"))
    assert response is not None and response.headers["Location"] == "https://app.invalid/cb"


def test_scripted_clients_see_the_real_urls() -> None:
    direct = routes.Request.from_url("GET", "https://pages.example.com/start", {}, None)
    response = TABLE.answer(direct)
    assert response is not None
    assert response.headers["Location"] == "https://pages.example.com/next?x=1"
    assert response.headers["X-Link"] == "https://pages.example.com/form?a=b"
    assert response.cookies[0].startswith("session=abc; Path=/;")


def test_the_alias_of_a_url() -> None:
    assert routes.alias_path("https://a.example.com/x/y?q=1") == "/_lab/hosts/a.example.com/x/y?q=1"
    assert routes.alias_path("https://a.example.com") == "/_lab/hosts/a.example.com/"


def test_the_loopback_endpoint_serves_the_kernels_state_and_outlives_a_reset() -> None:
    """A browser tab keeps its address: a reset of the offline AWS keeps the loopback endpoint."""
    import json
    from urllib.request import urlopen

    from helpers import offline

    with offline.in_process():
        url = offline.loopback.url()
        assert offline.loopback.proxy_path("https://notes.example.com/signed-out?x=1") == (
            f"proxy/{offline.loopback.port()}/_lab/hosts/notes.example.com/signed-out?x=1"
        )
        with urlopen(f"{url}/_lab/hosts/notes.example.com/callback?code=c1&state=s1", timeout=10) as page:
            assert b"You are signed in" in page.read()
        last = offline.notes_app.last_callback()
        assert last is not None and (last.code, last.state) == ("c1", "s1")
        offline.reset()
        assert offline.loopback.url() == url and offline.notes_app.last_callback() is None
        with urlopen(f"{url}/_lab/callbacks", timeout=10) as listed:
            assert json.load(listed) == []
