"""Public documents served at fixed URLs outside any API, answered in-process.

Token verifiers fetch signing keys over plain HTTPS, not through an AWS API:

* Cognito Identity publishes the keys of its OpenID tokens (GetOpenIdToken,
  GetOpenIdTokenForDeveloperIdentity) at https://cognito-identity.amazonaws.com/.well-known/jwks_uri
  (Cognito DG "Identity pools (federated identities) authentication flow"; the URL is also
  named by awslabs/aws-jwt-verify);
* an OpenID Connect provider publishes ``<issuer>/.well-known/openid-configuration`` and
  the JWKS it points to (OpenID Connect Discovery 1.0) - here the lab's own provider
  (`oidc`).

In-process, moto answers `requests` calls to AWS URLs through the `responses` library
(`moto.core.models.responses_mock`), whose routes it rebuilds every time the mock starts
(`MockAWS._enable_patching`). This module adds its routes right after moto's, as
`responses.CallbackResponse` objects, which moto's registry prefers over its own (it does
the same for API Gateway stages), so the URLs above answer as they do on the internet.
User pool JWKS are served by moto's own `url_paths` (see `userpools`).

The local endpoint serves the same documents under its own paths (see `server`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from . import oidc, webidentity
from .patching import Patches

COGNITO_IDENTITY_JWKS_URL = "https://cognito-identity.amazonaws.com/.well-known/jwks_uri"

Answer = tuple[int, dict[str, str], str]


def _json(payload: Any) -> Answer:
    return 200, {"Content-Type": "application/json"}, json.dumps(payload)


def _not_found(url: str) -> Answer:
    return 404, {"Content-Type": "application/json"}, json.dumps({"message": f"Not Found: {url}"})


def _cognito_identity_jwks(url: str) -> Answer:
    return _json(webidentity.jwks())


def _identity_provider_document(url: str) -> Answer:
    found = oidc.document(url)
    return _json(found) if found is not None else _not_found(url)


_ROUTES: tuple[tuple[re.Pattern[str], Callable[[str], Answer]], ...] = (
    (re.compile(re.escape(COGNITO_IDENTITY_JWKS_URL) + r"(?:\?.*)?$"), _cognito_identity_jwks),
    (oidc.DOCUMENT_URL, _identity_provider_document),
)


def _add_routes() -> None:
    import responses
    from moto.core.models import responses_mock

    for pattern, answer in _ROUTES:
        responses_mock.add(
            responses.CallbackResponse(
                method=responses.GET,
                url=pattern,
                callback=lambda request, answer=answer: answer(str(request.url).split("?", 1)[0]),
            )
        )


def _adding_routes(original: Callable[..., None]) -> Callable[..., None]:
    def enable_patching(self: Any, reset: bool = True) -> None:
        original(self, reset=reset)
        _add_routes()

    return enable_patching


def install(patches: Patches) -> None:
    from moto.core.models import MockAWS

    patches.wrap(MockAWS, "_enable_patching", _adding_routes)
