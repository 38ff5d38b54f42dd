"""Your browser makes or uses a passkey for the notebook: the notes app's passkey page.

Cognito's passkey calls are the app's API calls, and notebook 13 makes them in the kernel,
written out. Between them a real app's page gives Cognito's options to the browser
(`navigator.credentials.create()` or `.get()`) and sends the answer back. Offline, the lab serves
that page for the notes app (`helpers.offline.passkey_page`), reached through JupyterLab's proxy
like notebook 12's sign-in page (`browser.link_for`), so its origin is JupyterLab's own: with
JupyterLab at http://localhost:<port> and the pool's relying party `localhost`, your browser and
its authenticator (this computer's screen lock, a phone, a security key) take part for real.

- `offer(lab, kind, options)`: the page for these options, as a link to open;
- `answer(lab, offered)`: the credential your browser sent back, or None while it hasn't.

On real AWS the page doesn't exist (the notes app is offline only), and a page on localhost could
not make a passkey for the pool's amazoncognito.com domain anyway: a browser takes only a relying
party id that is the page's own host or a parent of it. Notebook 13 says so and skips those cells.
Behind JupyterHub or Binder the page is on the hub's host, not localhost, so the relying party
`localhost` doesn't fit there either: the browser's part needs JupyterLab on the learner's computer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests

from helpers import browser
from helpers.lab import AWS, ENDPOINT, Lab, LabError
from helpers.offline import notes_app, passkey_page


@dataclass(frozen=True)
class Offered:
    """A passkey ceremony waiting for your browser: its id, and the link to its page."""

    ceremony: str
    link: browser.Link


def offer(lab: Lab, kind: str, options: dict[str, Any] | str, text: str) -> Offered:
    """Offer Cognito's options (`kind` "create" for registration, "get" for sign-in; the sign-in
    options may be the JSON string Cognito sends) to your browser on the notes app's page."""
    if lab.backend == AWS:
        raise LabError(
            "The passkey page is the offline lab's: on real AWS, passkeys in a browser need "
            "the pool's own domain (managed login)."
        )
    read = json.loads(options) if isinstance(options, str) else options
    if lab.backend == ENDPOINT:
        reply = requests.post(
            f"{lab.endpoint_url}/_lab/passkeys", json={"kind": kind, "options": read}, timeout=10
        )
        reply.raise_for_status()
        ceremony = str(reply.json()["ceremony"])
    else:
        ceremony = passkey_page.offer(kind, read)
    page = f"https://{notes_app.HOST}/passkey/{ceremony}"
    return Offered(ceremony, browser.Link(browser.link_for(lab, page), text))


def answer(lab: Lab, offered: Offered) -> dict[str, Any] | None:
    """The credential your browser sent for `offered` (WebAuthn's JSON form), or None."""
    if lab.backend == ENDPOINT:
        reply = requests.get(f"{lab.endpoint_url}/_lab/passkeys/{offered.ceremony}", timeout=10)
        if reply.status_code == 400:  # the endpoint was reset since: the page is gone
            raise LabError("The offline AWS was reset since this link was made: run the link's cell again.")
        reply.raise_for_status()
        found: dict[str, Any] | None = reply.json()["credential"]
        return found
    try:
        return passkey_page.result(offered.ceremony)
    except LookupError:
        raise LabError(
            "The offline AWS was reset since this link was made: run the link's cell again."
        ) from None
