"""The lab's own OpenID Connect identity provider: a stand-in for "Sign in with Google".

This is NOT an AWS service. It plays the part a social or corporate identity provider
(Google, Auth0, Okta, ...) plays in front of AWS: it signs users in and hands the app an
OpenID Connect ID token. The identity pool, STS and IAM OIDC providers that consume those
tokens are AWS's; this module only gives the offline course a provider to trust, because
the real ones cannot be reached without a network and an account with them.

What a real provider has, this one has too:

* an issuer URL (default ``https://accounts.example.com``); only hosts under the names
  RFC 2606 reserves for examples (``example.com``/``.net``/``.org``, ``*.example``,
  ``*.test``) are accepted, so the lab never signs tokens in the name of a real company;
* its own RSA signing key (RS256, a ``kid``), published as a JWKS and announced by a
  discovery document at ``<issuer>/.well-known/openid-configuration`` (OpenID Connect
  Discovery 1.0). In-process both are answered for ``requests`` calls to the issuer's
  URLs (its `ROUTES`); the local endpoint serves them under ``/_lab/oidc/``;
* ID tokens for a named user with the claims Google puts in its own (Google Identity
  "OpenID Connect" guide): ``iss``, ``sub`` (a stable numeric id per user), ``aud`` (the
  app's client id), optionally ``azp`` and ``email``/``email_verified``, and ``iat``,
  ``auth_time``, ``exp`` from the offline clock.

How AWS uses such a provider (Cognito DG "Open ID Connect providers"): the Logins key is
the issuer without ``https://``, ``iss`` must match it, the signature must verify, and
``azp`` (or ``aud`` when there is no ``azp``) must be one of the IAM OIDC provider's
client ids.

For a user pool that federates with it (Cognito DG "Adding OIDC identity providers to a user
pool") it also has what the authorization code flow needs (OpenID Connect Core 1.0 §3.1), in
its discovery document: an authorization endpoint (``<issuer>/authorize``) with its own sign-in
page, a token endpoint (``<issuer>/token``, client_secret_post as Cognito uses it) and a
userInfo endpoint (``<issuer>/userinfo``). The stand-in keeps no register of apps or passwords:
anyone may sign in under any name (the point is the protocol, not the provider), the code is
bound to the client id and redirect URI it was issued for, and client secrets are not checked.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from . import clock, routes

DEFAULT_ISSUER = "https://accounts.example.com"
ALGORITHM = "RS256"
ID_TOKEN_SECONDS = 3600  # Google's ID tokens last one hour
DISCOVERY_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/.well-known/jwks.json"
AUTHORIZE_PATH = "/authorize"
TOKEN_PATH = "/token"
USERINFO_PATH = "/userinfo"
CODE_SECONDS = 60  # a short-lived code, as providers issue them (RFC 6749 §4.1.2: "10 minutes" at most)

_RESERVED_HOST_PATTERN = r"(?:[a-z0-9-]+\.)*example\.(?:com|net|org)|(?:[a-z0-9-]+\.)+(?:example|test)"
_RESERVED_HOST = re.compile(_RESERVED_HOST_PATTERN, re.IGNORECASE)


class TokenVerificationError(ValueError):
    """The token was not signed by any identity provider of this lab."""


@dataclass(frozen=True)
class IdentityProvider:
    """One offline identity provider: an issuer and the key it signs with."""

    issuer: str
    kid: str
    _key: rsa.RSAPrivateKey

    @property
    def host(self) -> str:
        """The issuer without its scheme: the Logins key and the IAM OIDC provider URL."""
        return self.issuer.removeprefix("https://")

    def subject(self, user: str) -> str:
        """The provider's stable id for `user` (Google's `sub` is a 21-digit number)."""
        digest = hashlib.sha256(f"{self.issuer}\n{user}".encode()).digest()
        return str(10**20 + int.from_bytes(digest[:8]) % (9 * 10**20))

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": ALGORITHM, "use": "sig"}]}

    def discovery(self, base_url: str | None = None) -> dict[str, Any]:
        """The OpenID Provider metadata; `base_url` is where the documents are served
        when that is not the issuer itself (the local endpoint)."""
        base = base_url or self.issuer
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{base}{AUTHORIZE_PATH}",
            "token_endpoint": f"{base}{TOKEN_PATH}",
            "userinfo_endpoint": f"{base}{USERINFO_PATH}",
            "jwks_uri": f"{base}{JWKS_PATH}",
            "response_types_supported": ["code", "id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": ["aud", "azp", "email", "email_verified", "exp", "iat", "iss", "name", "sub"],
        }

    def mint_id_token(
        self,
        user: str,
        client_id: str,
        *,
        email: str | None = None,
        azp: str | None = None,
        lifetime_seconds: int = ID_TOKEN_SECONDS,
        claims: dict[str, Any] | None = None,
    ) -> str:
        """An ID token saying this provider signed `user` in to the app `client_id`."""
        now = int(clock.now())
        payload: dict[str, Any] = {"iss": self.issuer}
        if azp is not None:
            payload["azp"] = azp
        payload.update({"aud": client_id, "sub": self.subject(user)})
        if email is not None:
            payload.update({"email": email, "email_verified": True})
        payload.update({"auth_time": now, "iat": now, "exp": now + lifetime_seconds})
        payload.update(claims or {})
        return jwt.encode(payload, self._key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def verify(self, token: str) -> dict[str, Any]:
        """Signature only: what `exp`, `aud` and `azp` must be is the verifier's business
        (AWS checks them with its own rules and clock skew)."""
        try:
            if jwt.get_unverified_header(token).get("kid") != self.kid:
                raise TokenVerificationError(f"unknown kid for {self.issuer}")
            options: jwt.types.Options = {
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "verify_aud": False,
            }
            return jwt.decode(token, self._key.public_key(), algorithms=[ALGORITHM], options=options)
        except jwt.PyJWTError as problem:
            raise TokenVerificationError(f"signature verification failed: {problem}") from None


_lock = threading.Lock()
# Keys live as long as the process, like a real provider's: resetting the offline AWS
# does not sign the users of an outside provider out.
_providers: dict[str, IdentityProvider] = {}


def check_issuer(issuer: str) -> str:
    """`issuer` if it is an https URL on a reserved example host, else ValueError."""
    parts = urlsplit(issuer)
    if (
        parts.scheme != "https"
        or not _RESERVED_HOST.fullmatch(parts.hostname or "")
        or parts.port is not None
        or parts.query
        or parts.fragment
        or issuer.endswith("/")
    ):
        raise ValueError(
            f"{issuer!r} is not an issuer the lab may sign for: use https:// and a host under "
            "example.com, example.net, example.org, .example or .test (RFC 2606)"
        )
    return issuer


def identity_provider(issuer: str = DEFAULT_ISSUER) -> IdentityProvider:
    """The offline provider for `issuer`, created (with a new key) the first time."""
    check_issuer(issuer)
    with _lock:
        if issuer not in _providers:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            kid = hashlib.sha256(issuer.encode()).hexdigest()[:16]
            _providers[issuer] = IdentityProvider(issuer, kid, key)
        return _providers[issuer]


def existing(issuer: str) -> IdentityProvider | None:
    """The provider for `issuer` if the lab has one. The default provider always exists,
    like a real one, so its documents can be fetched before anybody signed in."""
    if issuer == DEFAULT_ISSUER:
        return identity_provider()
    with _lock:
        return _providers.get(issuer)


def mint_id_token(
    user: str,
    client_id: str,
    *,
    issuer: str = DEFAULT_ISSUER,
    email: str | None = None,
    azp: str | None = None,
    lifetime_seconds: int = ID_TOKEN_SECONDS,
    claims: dict[str, Any] | None = None,
) -> str:
    """Sign `user` in at the offline provider and return the ID token the app receives."""
    return identity_provider(issuer).mint_id_token(
        user, client_id, email=email, azp=azp, lifetime_seconds=lifetime_seconds, claims=claims
    )


def verify_signature(token: str) -> dict[str, Any]:
    """The claims of a token one of the lab's providers signed (TokenVerificationError
    otherwise: unknown issuer, unknown key, bad signature or not a JWT)."""
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError as problem:
        raise TokenVerificationError(f"not a JWT: {problem}") from None
    provider = existing(str(issuer)) if isinstance(issuer, str) else None
    if provider is None:
        raise TokenVerificationError(f"{issuer!r} is not an identity provider of this lab")
    return provider.verify(token)


def token_response(request: dict[str, Any]) -> dict[str, Any]:
    """`POST /_lab/oidc/token` on the local endpoint: sign a user in from outside the process.

    Body: ``{"user": ..., "client_id": ..., "email"?, "azp"?, "issuer"?, "expires_in"?}``.
    """
    for required in ("user", "client_id"):
        if not isinstance(request.get(required), str) or not request[required]:
            raise ValueError(f"{required} is required")
    lifetime = int(request.get("expires_in") or ID_TOKEN_SECONDS)
    token = mint_id_token(
        request["user"],
        request["client_id"],
        issuer=str(request.get("issuer") or DEFAULT_ISSUER),
        email=request.get("email"),
        azp=request.get("azp"),
        lifetime_seconds=lifetime,
    )
    return {"id_token": token, "token_type": "Bearer", "expires_in": lifetime}


def document(url: str, base_url: str | None = None) -> dict[str, Any] | None:
    """The discovery document or JWKS published at `url`, or None if nothing is there."""
    parts = urlsplit(url)
    for path in (DISCOVERY_PATH, JWKS_PATH):
        if parts.path.endswith(path):
            provider = existing(f"https://{parts.netloc}{parts.path.removesuffix(path)}")
            if provider is None:
                return None
            return provider.jwks() if path == JWKS_PATH else provider.discovery(base_url)
    return None


# --- the authorization code flow (OpenID Connect Core 1.0 §3.1) ------------------------------------
@dataclass(frozen=True)
class _Grant:
    issuer: str
    user: str
    email: str | None
    client_id: str
    redirect_uri: str
    nonce: str | None
    expires_at: float


# Codes and access tokens are short-lived and belong to no AWS account: a reset of the offline AWS
# does not touch them, as it does not touch the provider's keys.
_codes: dict[str, _Grant] = {}
_access_tokens: dict[str, _Grant] = {}


def _authorization_problem(query: Mapping[str, str]) -> str | None:
    if query.get("response_type") != "code":
        return "response_type must be code"
    for required in ("client_id", "redirect_uri"):
        if not query.get(required):
            return f"{required} is required"
    return None


def _sign_in_page(
    provider: IdentityProvider, query: Mapping[str, str], problem: str | None
) -> routes.Response:
    if problem:
        return routes.Response.text(f"<!doctype html><p>Bad request: {html.escape(problem)}</p>", 400)
    # No form action: the form posts back to this very URL, query included, wherever it is served.
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body style="font-family:system-ui,sans-serif;max-width:22rem;margin:3rem auto">
<h1>Sign in</h1><p>to continue to <b>{html.escape(query["client_id"])}</b> with
<b>{html.escape(provider.host)}</b></p>
<form method="post"><label>Name<br><input name="username" id="username" required></label><br>
<label>Email (optional)<br><input name="email" id="email" type="email"></label><br>
<input type="submit" id="submit" value="Sign in"></form>
<p><small>The offline lab's stand-in identity provider (not Google, not an AWS service).</small></p>
</body></html>"""
    return routes.Response.text(page)


def authorize(issuer: str, query: Mapping[str, str], form: Mapping[str, str] | None) -> routes.Response:
    """The authorization endpoint: the sign-in page (GET), then (POST, with the user's name) the
    redirect back to the app with a code and the app's `state`."""
    provider = existing(issuer)
    if provider is None:
        return routes.Response.json({"message": f"{issuer} is not an identity provider of this lab"}, 404)
    problem = _authorization_problem(query)
    if form is None or problem or not form.get("username"):
        return _sign_in_page(provider, query, problem)
    grant = _Grant(
        issuer,
        form["username"],
        form.get("email") or None,
        query["client_id"],
        query["redirect_uri"],
        query.get("nonce"),
        clock.now() + CODE_SECONDS,
    )
    code = secrets.token_urlsafe(24)
    with _lock:
        _codes[code] = grant
    answer = {"code": code, **({"state": query["state"]} if query.get("state") else {})}
    separator = "&" if "?" in grant.redirect_uri else "?"
    return routes.Response.redirect(f"{grant.redirect_uri}{separator}{urlencode(answer)}")


def redeem_code(issuer: str, code: str, client_id: str, redirect_uri: str) -> dict[str, Any]:
    """The token endpoint's answer to an authorization code (RFC 6749 §4.1.3): ID and access
    tokens; ValueError("invalid_grant") for a code that is unknown, used, expired, or was issued
    to another client, redirect URI or provider."""
    with _lock:
        grant = _codes.pop(code, None)
    if (
        grant is None
        or grant.issuer != issuer
        or grant.client_id != client_id
        or grant.redirect_uri != redirect_uri
        or clock.now() >= grant.expires_at
    ):
        raise ValueError("invalid_grant")
    claims: dict[str, Any] = {"name": grant.user}
    if grant.nonce:
        claims["nonce"] = grant.nonce
    id_token = mint_id_token(grant.user, client_id, issuer=issuer, email=grant.email, claims=claims)
    access_token = secrets.token_urlsafe(32)
    with _lock:
        _access_tokens[access_token] = replace(grant, expires_at=clock.now() + ID_TOKEN_SECONDS)
    return {
        "access_token": access_token,
        "id_token": id_token,
        "token_type": "Bearer",
        "expires_in": ID_TOKEN_SECONDS,
    }


def userinfo(access_token: str) -> dict[str, Any]:
    """The userInfo endpoint's claims for an access token (OpenID Connect Core 1.0 §5.3);
    LookupError for one the provider did not issue or that expired."""
    with _lock:
        grant = _access_tokens.get(access_token)
    if grant is None or clock.now() >= grant.expires_at:
        raise LookupError("invalid_token")
    provider = identity_provider(grant.issuer)
    claims: dict[str, Any] = {"sub": provider.subject(grant.user), "name": grant.user}
    if grant.email:
        claims.update({"email": grant.email, "email_verified": True})
    return claims


def _serve_token_request(issuer: str, request: routes.Request) -> routes.Response:
    form = request.form()
    if form.get("grant_type") != "authorization_code":
        return routes.Response.json({"error": "unsupported_grant_type"}, 400)
    try:
        answer = redeem_code(
            issuer, form.get("code", ""), form.get("client_id", ""), form.get("redirect_uri", "")
        )
    except ValueError:
        return routes.Response.json({"error": "invalid_grant"}, 400)
    return routes.Response.json(answer)


def _serve_userinfo_request(request: routes.Request) -> routes.Response:
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    try:
        return routes.Response.json(userinfo(token))
    except LookupError:
        return routes.Response.json({"error": "invalid_token"}, 401)


# --- where it answers -------------------------------------------------------------------------------


def _serve_published(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """In-process: the documents at the provider's own URLs (`https://accounts.example.com/...`)."""
    found = document(f"https://{request.host}{request.path}")
    if found is None:
        return routes.Response.json({"message": f"Not Found: {request.path}"}, 404)
    return routes.Response.json(found)


def _serve_lab_document(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """At the endpoint: `/_lab/oidc/.well-known/...`, `?issuer=` picking a provider other than the
    default; the documents' own links point back at the endpoint."""
    issuer = check_issuer(request.query.get("issuer", DEFAULT_ISSUER))
    found = document(issuer + "/.well-known/" + match["document"], f"{request.base_url}/_lab/oidc")
    if found is None:
        return routes.Response.json({"message": f"no lab route GET {request.path}"}, 404)
    if "issuer" in request.query:
        for name in ("jwks_uri", "authorization_endpoint", "token_endpoint", "userinfo_endpoint"):
            if name in found:
                found[name] += f"?{urlencode({'issuer': issuer})}"
    return routes.Response.json(found)


def _serve_token(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """`POST /_lab/oidc/token`: the token endpoint (a form with `grant_type`, as an OAuth client
    sends it), or the lab's shortcut `{"user": ..., "client_id": ...}` (JSON): sign a user in."""
    if "grant_type" in request.form():  # not the content type: urllib labels JSON as a form
        return _serve_token_request(_lab_issuer(request), request)
    return routes.Response.json(token_response(request.json()))


def _lab_issuer(request: routes.Request) -> str:
    return check_issuer(request.query.get("issuer", DEFAULT_ISSUER))


def _issuer_at_host(request: routes.Request, match: re.Match[str]) -> str:
    return f"https://{request.host.rsplit(':', 1)[0]}{match['base'] or ''}"


def _serve_authorize(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """`GET/POST <issuer>/authorize`, in-process and through the endpoint's Host header or alias."""
    form = request.form() if request.method == "POST" else None
    return authorize(_issuer_at_host(request, match), request.query, form)


def _serve_lab_authorize(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """`GET/POST /_lab/oidc/authorize?...[&issuer=]` at the endpoint."""
    form = request.form() if request.method == "POST" else None
    query = {name: value for name, value in request.query.items() if name != "issuer"}
    return authorize(_lab_issuer(request), query, form)


def _serve_host_token(request: routes.Request, match: re.Match[str]) -> routes.Response:
    return _serve_token_request(_issuer_at_host(request, match), request)


def _serve_userinfo(request: routes.Request, match: re.Match[str]) -> routes.Response:
    return _serve_userinfo_request(request)


_DOCUMENTS = r"(?P<document>openid-configuration|jwks\.json)"
ROUTES = (
    routes.Route(
        "the stand-in identity provider's documents",
        r"(?:/[^?#]*)?/\.well-known/" + _DOCUMENTS,
        _serve_published,
        hosts=(_RESERVED_HOST_PATTERN,),
    ),
    routes.Route(
        "the stand-in identity provider's documents, at the endpoint",
        r"/_lab/oidc/\.well-known/" + _DOCUMENTS,
        _serve_lab_document,
        local=True,
    ),
    routes.Route(
        "the stand-in identity provider's sign-in",
        "/_lab/oidc/token",
        _serve_token,
        methods=frozenset({"POST"}),
        local=True,
    ),
    routes.Route(
        "the stand-in identity provider's authorization endpoint",
        r"(?P<base>(?:/[^?#]*)?)" + AUTHORIZE_PATH,
        _serve_authorize,
        methods=frozenset({"GET", "POST"}),
        hosts=(_RESERVED_HOST_PATTERN,),
    ),
    routes.Route(
        "the stand-in identity provider's token endpoint",
        r"(?P<base>(?:/[^?#]*)?)" + TOKEN_PATH,
        _serve_host_token,
        methods=frozenset({"POST"}),
        hosts=(_RESERVED_HOST_PATTERN,),
    ),
    routes.Route(
        "the stand-in identity provider's userInfo endpoint",
        r"(?:/[^?#]*)?" + USERINFO_PATH,
        _serve_userinfo,
        methods=frozenset({"GET", "POST"}),
        hosts=(_RESERVED_HOST_PATTERN,),
    ),
    routes.Route(
        "the stand-in identity provider's authorization endpoint, at the endpoint",
        "/_lab/oidc" + AUTHORIZE_PATH,
        _serve_lab_authorize,
        methods=frozenset({"GET", "POST"}),
        local=True,
    ),
    routes.Route(
        "the stand-in identity provider's userInfo endpoint, at the endpoint",
        "/_lab/oidc" + USERINFO_PATH,
        _serve_userinfo,
        methods=frozenset({"GET", "POST"}),
        local=True,
    ),
)
