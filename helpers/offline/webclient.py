"""A `requests` session that reaches the offline AWS's web pages at AWS's own URLs.

In-process, moto answers `requests` calls to `https://<aws host>/...` in the same process, so a
plain session works. At the local endpoint (`python -m helpers serve`) every host is one address:
a request for `https://<host>/<path>` must go to the endpoint with `Host: <host>`, which is how the
engine's route table tells a user pool domain from an API's invoke URL. `session_for(endpoint)`
mounts an adapter that does that, keeping the real URL on the response, so cookies, redirects and
the pages' own links stay AWS's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters


class _ToTheEndpoint(requests.adapters.HTTPAdapter):
    """Sends `https://<host>/...` to the endpoint with `Host: <host>`."""

    def __init__(self, endpoint_url: str) -> None:
        super().__init__()
        self._endpoint = endpoint_url

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url or "")
        sent = request.copy()
        sent.url = f"{self._endpoint}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
        sent.headers["Host"] = parts.netloc
        response = super().send(sent, *args, **kwargs)
        response.url, response.request = request.url or "", request
        return response


def session_for(endpoint_url: str | None) -> requests.Session:
    """A new browser-like session (its own cookies); with an endpoint, its `https://` requests go
    there under their own Host; without one (in-process), a plain session."""
    session = requests.Session()
    if endpoint_url is not None:
        session.mount("https://", _ToTheEndpoint(endpoint_url))
    return session
