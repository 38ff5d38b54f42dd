"""The notes app's passkey page: the kernel offers WebAuthn options, a browser answers on the page.

In-process (`offer`, `result`) and at the endpoint (`POST /_lab/passkeys`, `GET /_lab/passkeys/<id>`),
with the page reached through the alias a browser behind jupyter-server-proxy uses. The page carries
the options for its script and takes the credential once; what the credential is worth is Cognito's
to decide (tests/contract/test_passkeys.py), not the page's. The script itself runs in a real browser
in tests/browser/test_passkey_in_the_browser.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import requests

from helpers import offline
from helpers.offline import passkey_page, server

OPTIONS = {
    "challenge": "Y2hhbGxlbmdl",
    "rp": {"id": "localhost", "name": "localhost"},
    "user": {"id": "dXNlcg", "name": "alice</script><b>", "displayName": "alice"},
    "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
}
CREDENTIAL = {"id": "abc", "rawId": "abc", "type": "public-key", "response": {"clientDataJSON": "e30"}}


@pytest.fixture
def endpoint() -> Iterator[str]:
    running = server.serve()
    yield running.url
    running.stop()


def _embedded(page: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="ceremony">(.*?)</script>', page, re.DOTALL)
    assert found is not None, "the page carries its ceremony for its script"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_a_browser_gets_the_options_on_the_page_and_hands_the_credential_back(endpoint: str) -> None:
    offered = requests.post(
        f"{endpoint}/_lab/passkeys", json={"kind": "create", "options": OPTIONS}, timeout=10
    )
    ceremony = offered.json()["ceremony"]
    page_url = f"{endpoint}/_lab/hosts/notes.example.com/passkey/{ceremony}"

    page = requests.get(page_url, headers={"X-Forwarded-Prefix": "/proxy/5000"}, timeout=10)
    assert page.status_code == 200 and "Create a passkey" in page.text
    assert _embedded(page.text) == {"kind": "create", "options": OPTIONS}
    assert "alice</script>" not in page.text, "a value can't end the script early"
    assert requests.get(f"{endpoint}/_lab/passkeys/{ceremony}", timeout=10).json() == {"credential": None}

    assert requests.post(page_url, json=CREDENTIAL, timeout=10).json() == {"received": True}
    assert requests.get(f"{endpoint}/_lab/passkeys/{ceremony}", timeout=10).json() == {
        "credential": CREDENTIAL
    }
    again = requests.post(page_url, json={**CREDENTIAL, "id": "other"}, timeout=10)
    assert again.status_code == 409, "a ceremony is answered once"
    assert requests.get(f"{endpoint}/_lab/passkeys/{ceremony}", timeout=10).json() == {
        "credential": CREDENTIAL
    }


def test_what_the_page_refuses(endpoint: str) -> None:
    ceremony = requests.post(
        f"{endpoint}/_lab/passkeys",
        json={"kind": "get", "options": {"challenge": "x", "rpId": "localhost"}},
        timeout=10,
    ).json()["ceremony"]
    page_url = f"{endpoint}/_lab/hosts/notes.example.com/passkey/{ceremony}"
    assert "Sign in with a passkey" in requests.get(page_url, timeout=10).text
    assert requests.post(page_url, data="not json", timeout=10).status_code == 400
    assert requests.post(page_url, json=["a list"], timeout=10).status_code == 400
    missing = f"{endpoint}/_lab/hosts/notes.example.com/passkey/no-such-ceremony"
    assert requests.get(missing, timeout=10).status_code == 404
    assert requests.post(missing, json=CREDENTIAL, timeout=10).status_code == 409
    assert requests.get(f"{endpoint}/_lab/passkeys/no-such-ceremony", timeout=10).status_code == 400
    refused = requests.post(
        f"{endpoint}/_lab/passkeys", json={"kind": "delete", "options": OPTIONS}, timeout=10
    )
    assert refused.status_code == 400 and "kind must be one of create, get" in refused.json()["message"]


def test_in_process_the_kernel_offers_and_reads_and_a_reset_forgets() -> None:
    with offline.in_process():
        ceremony = passkey_page.offer("get", {"challenge": "x", "rpId": "localhost"})
        assert passkey_page.result(ceremony) is None
        page = requests.get(f"https://notes.example.com/passkey/{ceremony}", timeout=10)
        assert "Sign in with a passkey" in page.text
        requests.post(f"https://notes.example.com/passkey/{ceremony}", json=CREDENTIAL, timeout=10)
        assert passkey_page.result(ceremony) == CREDENTIAL
        offline.reset()
        with pytest.raises(LookupError, match="No passkey ceremony"):
            passkey_page.result(ceremony)
