"""OAuth 2.0's answers, kept visible, plus one sentence on what went wrong and what to try.

A user pool domain answers mistakes over HTTP, not as boto3 errors (`helpers.errors` is for those):
the token endpoint with `400 {"error": "..."}`, the authorize endpoint with a redirect, either to the
domain's own error page (when the app's `redirect_uri` can't be trusted, or for a scope the client
may not ask for) or back to the app with `?error=...` (Cognito Developer Guide, "Authorize endpoint"
and "Token endpoint"). `expected(response, "invalid_grant")` prints the status and where the answer
went, AWS's error code, and the sentence, so a "break it" cell reads like the others.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import requests

from helpers.managedlogin import query

# One sentence per OAuth error code, in the words of the Developer Guide's causes.
SENTENCES = {
    "invalid_grant": "The code is spent (a code works once), older than five minutes, or the "
    "code_verifier or redirect_uri doesn't match its authorize request: start a new sign-in and send "
    "the verifier whose S256 hash was the challenge.",
    "redirect_mismatch": "redirect_uri isn't one of the app client's CallbackURLs (character for "
    "character), so Cognito won't send the browser there: register the URL on the client, or fix it.",
    "invalid_scope": "The app asked for a scope its client may not ask for (not in AllowedOAuthScopes), "
    "or email/phone/profile without openid: ask only for allowed scopes, or allow the scope on the client.",
    "invalid_request": "The request is incomplete or malformed, e.g. a PKCE challenge whose method "
    "isn't S256 (the only one Cognito supports): send code_challenge_method=S256 with a SHA-256 challenge.",
    "unauthorized_client": "The app client may not use this grant (AllowedOAuthFlows, "
    "AllowedOAuthFlowsUserPoolClient): use an allowed flow, or allow it on the client.",
    "invalid_client": "The client id or secret is wrong: a client with a secret authenticates with "
    "it (Basic header or client_secret), a public client sends its client_id.",
    "invalid_token": "The access token is expired, revoked, or carries no openid scope: sign in again "
    "through managed login with scope openid.",
    "unsupported_grant_type": "grant_type must be authorization_code, refresh_token or client_credentials.",
}
_FALLBACK = "The error code above names what was wrong: fix that parameter and try again."


def error_of(response: requests.Response) -> str | None:
    """The OAuth error code in an answer: the JSON body's `error`, or the redirect's `?error=`."""
    if response.is_redirect:
        return query(response.headers["Location"]).get("error")
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


def describe(response: requests.Response) -> str:
    """What AWS answered, in one line: the status and the body, or where the redirect goes."""
    if response.is_redirect:
        location = response.headers["Location"]
        parts = urlsplit(location)
        where = "to the domain's error page" if parts.path == "/error" else "back to the app"
        return f"HTTP {response.status_code} {where}: {location}"
    body = response.text if not response.content.startswith(b"{") else json.dumps(response.json())
    return f"HTTP {response.status_code} {body}"


def expected(response: requests.Response, error: str) -> None:
    """Print AWS's answer and why; say so if it isn't the error the lesson expects."""
    got = error_of(response)
    print(f"AWS: {describe(response)}")
    print(f"Why: {SENTENCES.get(got or '', _FALLBACK)}")
    if got != error:
        print(f"(This lesson expected {error}.)")


def page_heading(page: requests.Response) -> str:
    """The first heading of an HTML page (the error page's one sentence)."""
    found = re.search(r"<h1[^>]*>(.*?)</h1>", page.text, re.DOTALL)
    return found.group(1).strip() if found else page.text[:200]
