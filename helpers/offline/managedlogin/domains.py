"""CreateUserPoolDomain refuses the prefixes Cognito refuses (moto takes any string).

A prefix domain becomes `{prefix}.auth.{region}.amazoncognito.com`, shared by every account in the
Region, so Cognito checks it (observed responses, all `InvalidParameterException`, HTTP 400):

* its form: "The domain name contains an invalid character. Domain names can only contain
  lower-case letters, numbers, and hyphens. Please enter a different name that follows this
  format: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$" (mineiros-io/terraform-aws-cognito-user-pool#69);
* reserved words: "Domain cannot contain reserved word: aws" (a CloudTrail CreateUserPoolDomain
  event, aws-solutions/content-analysis-on-aws#8), "...: cognito" (aws-amplify/amplify-cli#3854);
  the Developer Guide names `aws`, `amazon` and `cognito`. Which word a prefix with several is
  reported for: UNCONFIRMED (the first in that order here);
* a prefix another pool holds: "Domain already associated with another user pool."
  (aws-samples/amazon-elasticsearch-service-with-cognito#7).

A custom domain (`CustomDomainConfig`, a full host name) is not checked here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..cognitoidp.exceptions import InvalidParameterException

_FORM = re.compile(r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$")
_RESERVED = ("aws", "amazon", "cognito")
INVALID_CHARACTER = (
    "The domain name contains an invalid character. Domain names can only contain lower-case "
    "letters, numbers, and hyphens. Please enter a different name that follows this format: "
    r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$"
)
TAKEN = "Domain already associated with another user pool."


def _held_by_another_pool(backend: Any, user_pool_id: str, domain: str) -> bool:
    from moto.cognitoidp.models import cognitoidp_backends

    for account in list(cognitoidp_backends.values()):
        regional = account.get(backend.region_name) if backend.region_name in account else None
        found = regional.user_pool_domains.get(domain) if regional is not None else None
        if found is not None and found.user_pool_id != user_pool_id:
            return True
    return False


def checking_prefixes(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_user_pool_domain(
        self: Any, user_pool_id: str, domain: str, custom_domain_config: dict[str, str] | None = None
    ) -> Any:
        if not custom_domain_config:
            if not _FORM.fullmatch(domain):
                raise InvalidParameterException(INVALID_CHARACTER)
            reserved = next((word for word in _RESERVED if word in domain), None)
            if reserved is not None:
                raise InvalidParameterException(f"Domain cannot contain reserved word: {reserved}")
            if _held_by_another_pool(self, user_pool_id, domain):
                raise InvalidParameterException(TAKEN)
        return original(self, user_pool_id, domain, custom_domain_config)

    return create_user_pool_domain
