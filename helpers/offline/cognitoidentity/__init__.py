"""Cognito Identity (identity pools) as AWS documents it.

moto 5.2.5 ignores Logins, hands every caller the same fake credentials tied to no role, mints a
new identity id on every GetId, has no SetIdentityPoolRoles, and its "OpenID token" is an
identity id. This package answers the identity pool API itself (Cognito Identity API Reference;
Cognito Developer Guide "Amazon Cognito identity pools"), in moto's shape:

* `responses`: the patched and added `CognitoIdentityResponse` methods;
* `pools`: a pool's fields, roles, role mappings (`rolemapping`, pure and unit-tested) and
  principal tag maps;
* `logins`: each Logins token checked as Cognito checks it (issuer, signature, `aud`, client,
  expiry), for user pools, OpenID Connect and social providers and developer identities;
* `models`: what moto does not keep (pool settings, identities and their linked logins), per
  account and region, reset with moto;
* `credentials`: the role choice and STS's trust check, and real `ASIA…` credentials whose session
  carries the `cognito-identity.amazonaws.com:*` keys, principal tags and, for guests, AWS's
  scope-down session policies (`GUEST_SESSION_POLICIES`);
* `developer`: developer-authenticated identities;
* `openidtokens`: Cognito Identity's own signed OpenID tokens and its JWKS (`ROUTES`);
* `exceptions`: one class per AWS error code.
"""

from __future__ import annotations

from .credentials import GUEST_SESSION_POLICIES
from .openidtokens import ROUTES
from .responses import install

__all__ = ["GUEST_SESSION_POLICIES", "ROUTES", "install"]
