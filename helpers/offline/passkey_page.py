"""The notes app's passkey page: where a browser makes or uses a passkey for a notebook's kernel.

NOT an AWS service. Cognito's passkey calls are API calls the app makes (StartWebAuthnRegistration,
then CompleteWebAuthnRegistration; InitiateAuth with WEB_AUTHN, then RespondToAuthChallenge); between
them the app's own page hands Cognito's options to the browser, which asks an authenticator
(`navigator.credentials.create()` or `.get()`), and hands the answer back. In the course the kernel
makes the API calls, written out in notebook 13, and this page is the browser's part:

1. the kernel offers a ceremony, `offer("create" | "get", options)` in-process or
   `POST /_lab/passkeys {"kind": ..., "options": ...}` at the endpoint, and gets its id;
2. the browser opens `https://notes.example.com/passkey/<id>`, through the alias a browser behind
   jupyter-server-proxy reaches (`{base_url}proxy/<port>/_lab/hosts/notes.example.com/passkey/<id>`);
   a button runs the WebAuthn call with the options, and the page posts the credential (WebAuthn's
   JSON form, base64url fields) back to its own address;
3. the kernel reads it, `result(id)` or `GET /_lab/passkeys/<id>`, and sends it to Cognito.

The page checks nothing: Cognito does (challenge, origin, relying party, signature). Its origin is
JupyterLab's, because the proxy serves it there, so the pool's relying party must be that page's
host: `localhost` for JupyterLab at http://localhost:<port> (a browser treats http://localhost as a
secure context, and WebAuthn refuses an IP address such as 127.0.0.1 as a relying party id).
"""

from __future__ import annotations

import html
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from . import clock, routes
from .notes_app import HOST

KINDS = ("create", "get")
_KEPT = 20  # ceremonies remembered: a lesson needs the last one or two


@dataclass
class Ceremony:
    """One passkey ceremony the kernel offered to a browser, and the browser's answer."""

    kind: str  # "create" (registration) or "get" (sign-in)
    options: dict[str, Any]  # PublicKeyCredentialCreationOptionsJSON or ...RequestOptionsJSON
    offered_at: float  # on the offline clock
    credential: dict[str, Any] | None = field(
        default=None
    )  # RegistrationResponseJSON / AuthenticationResponseJSON


_lock = threading.Lock()
_ceremonies: dict[str, Ceremony] = {}


def offer(kind: str, options: dict[str, Any]) -> str:
    """Offer a ceremony to a browser; its id (the page is `https://notes.example.com/passkey/<id>`)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if not isinstance(options, dict) or "challenge" not in options:
        raise ValueError("options must be WebAuthn's options as JSON, with a challenge")
    ceremony_id = secrets.token_urlsafe(16)
    with _lock:
        _ceremonies[ceremony_id] = Ceremony(kind, options, clock.now())
        for stale in list(_ceremonies)[:-_KEPT]:
            del _ceremonies[stale]
    return ceremony_id


def result(ceremony_id: str) -> dict[str, Any] | None:
    """The credential the browser sent for this ceremony, or None while it hasn't."""
    with _lock:
        ceremony = _ceremonies.get(ceremony_id)
    if ceremony is None:
        raise LookupError(
            f"No passkey ceremony {ceremony_id!r}: offer one first (the lab may have been reset)"
        )
    return ceremony.credential


def reset() -> None:
    with _lock:
        _ceremonies.clear()


def _answered(ceremony_id: str, credential: dict[str, Any]) -> bool:
    """Keep the browser's credential; False if the ceremony is unknown or already answered."""
    with _lock:
        ceremony = _ceremonies.get(ceremony_id)
        if ceremony is None or ceremony.credential is not None:
            return False
        ceremony.credential = credential
        return True


# --- the page -----------------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Notes: passkey</title>
<style>body{{font-family:system-ui,sans-serif;max-width:38rem;margin:3rem auto;}}
button{{font-size:1.1rem;padding:.5rem 1rem;}} #passkey-done{{color:#1a7f37;}}
#passkey-error{{color:#b42318;}}</style></head>
<body><h1>Notes</h1>
<p>{intro}</p>
<p><button id="passkey-button" type="button">{button}</button></p>
<p id="passkey-done" role="status"></p>
<p id="passkey-error" role="alert"></p>
<p><small>The course's example app (notes.example.com), served by the offline lab. This page only
passes Cognito's options to your browser and your authenticator's answer back to the notebook;
Cognito checks it when the notebook sends it on.</small></p>
<script type="application/json" id="ceremony">{ceremony}</script>
<script>
"use strict";
const ceremony = JSON.parse(document.getElementById("ceremony").textContent);
const done = document.getElementById("passkey-done");
const problem = document.getElementById("passkey-error");
// WebAuthn's JSON forms carry binary fields as base64url; the browser's API wants ArrayBuffers.
function fromBase64url(text) {{
  let base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  while (base64.length % 4) base64 += "=";
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
}}
function toBase64url(buffer) {{
  let binary = "";
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
}}
function withIds(list) {{
  return (list || []).map((item) => ({{ ...item, id: fromBase64url(item.id) }}));
}}
function publicKey(options) {{
  const decoded = {{ ...options, challenge: fromBase64url(options.challenge) }};
  if (ceremony.kind === "create") {{
    decoded.user = {{ ...options.user, id: fromBase64url(options.user.id) }};
    decoded.excludeCredentials = withIds(options.excludeCredentials);
  }} else {{
    decoded.allowCredentials = withIds(options.allowCredentials);
  }}
  return decoded;
}}
function asJSON(credential) {{
  const answer = credential.response;
  const response = {{ clientDataJSON: toBase64url(answer.clientDataJSON) }};
  if (ceremony.kind === "create") {{
    response.attestationObject = toBase64url(answer.attestationObject);
    response.transports = answer.getTransports ? answer.getTransports() : [];
  }} else {{
    response.authenticatorData = toBase64url(answer.authenticatorData);
    response.signature = toBase64url(answer.signature);
    if (answer.userHandle) response.userHandle = toBase64url(answer.userHandle);
  }}
  return {{
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    response,
    clientExtensionResults: credential.getClientExtensionResults(),
  }};
}}
document.getElementById("passkey-button").addEventListener("click", async () => {{
  done.textContent = "";
  problem.textContent = "";
  try {{
    const request = {{ publicKey: publicKey(ceremony.options) }};
    const credential = ceremony.kind === "create"
      ? await navigator.credentials.create(request)
      : await navigator.credentials.get(request);
    const sent = await fetch(window.location.href, {{
      method: "POST",
      headers: {{ "Content-Type": "application/json" }},
      body: JSON.stringify(asJSON(credential)),
    }});
    if (!sent.ok) throw new Error((await sent.json()).message);
    done.textContent = {done};
  }} catch (error) {{
    let hint = "";
    if (error.name === "SecurityError") {{
      hint = " This page's host must be the relying party's (" + {rp_id} + "): open JupyterLab at " +
        "http://localhost:<port>, not 127.0.0.1.";
    }}
    problem.textContent = error.name + ": " + error.message + hint;
  }}
}});
</script>
</body></html>"""

_WORDS = {
    "create": (
        "Make a passkey for <b>{user}</b> on <b>{rp_id}</b>. Your browser asks an authenticator "
        "(this device's screen lock, a phone or a security key) to make a new key pair for {rp_id}; "
        "the public key and the signed challenge come back here, and the notebook sends them to Cognito.",
        "Create a passkey",
        "Done: the notebook has your new passkey. Go back to the notebook and run the next cell.",
    ),
    "get": (
        "Sign in with your passkey for <b>{rp_id}</b>. Your authenticator signs Cognito's challenge "
        "with the passkey's private key, which never leaves it; the notebook sends the signature to Cognito.",
        "Sign in with a passkey",
        "Done: the notebook has your passkey's signature. Go back to the notebook and run the next cell.",
    ),
}


def _script_json(value: Any) -> str:
    """JSON that can sit inside <script> (no `</script>` can end it early)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _serve_page(request: routes.Request, match: re.Match[str]) -> routes.Response:
    with _lock:
        ceremony = _ceremonies.get(match["ceremony"])
    if ceremony is None:
        return routes.Response.text(
            "<!doctype html><p>No such passkey request: run the notebook's cell again for a new link.</p>",
            404,
        )
    options = ceremony.options
    rp_id = str(options["rp"]["id"]) if ceremony.kind == "create" else str(options.get("rpId", ""))
    user = str(options.get("user", {}).get("name", ""))
    intro, button, finished = _WORDS[ceremony.kind]
    page = _PAGE.format(
        intro=intro.format(user=html.escape(user), rp_id=html.escape(rp_id)),
        button=html.escape(button),
        ceremony=_script_json({"kind": ceremony.kind, "options": options}),
        done=_script_json(finished),
        rp_id=_script_json(rp_id),
    )
    return routes.Response.text(page)


def _receive(request: routes.Request, match: re.Match[str]) -> routes.Response:
    try:
        credential = request.json()
    except ValueError:
        return routes.Response.json({"message": "The body must be the credential as JSON."}, 400)
    if not isinstance(credential, dict) or "response" not in credential:
        return routes.Response.json({"message": "The body must be a WebAuthn credential as JSON."}, 400)
    if not _answered(match["ceremony"], credential):
        unknown = "This passkey request is unknown or already answered: run the notebook's cell again."
        return routes.Response.json({"message": unknown}, 409)
    return routes.Response.json({"received": True})


def _serve_offer(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """`POST /_lab/passkeys {"kind": "create" | "get", "options": {...}}`: the new ceremony's id."""
    body = request.json()
    return routes.Response.json({"ceremony": offer(str(body.get("kind")), body.get("options"))})


def _serve_result(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """`GET /_lab/passkeys/<id>`: the browser's credential (null until it answered)."""
    return routes.Response.json({"credential": result(match["ceremony"])})


_PAGE_PATH = r"/passkey/(?P<ceremony>[\w-]{8,64})"
ROUTES = (
    routes.Route("the notes app's passkey page", _PAGE_PATH, _serve_page, hosts=(re.escape(HOST),)),
    routes.Route(
        "the notes app's passkey page, answered",
        _PAGE_PATH,
        _receive,
        methods=frozenset({"POST"}),
        hosts=(re.escape(HOST),),
    ),
    routes.Route("offer a passkey ceremony", "/_lab/passkeys", _serve_offer, frozenset({"POST"}), local=True),
    routes.Route(
        "a passkey ceremony's answer", r"/_lab/passkeys/(?P<ceremony>[\w-]{8,64})", _serve_result, local=True
    ),
)
