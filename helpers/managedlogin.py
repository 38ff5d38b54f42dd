"""Managed login's plumbing: the user pool domain's name, an HTTP client that reaches it, the page's form.

Notebook 12 makes the OAuth 2.0 requests itself, written out: the authorize URL, the form post, the
token request. What it needs around them is here:

- `domain_prefix(lab, base)`: a prefix domain is `<prefix>.auth.<region>.amazoncognito.com`, and
  the prefix is one namespace for every AWS account in the Region, so on AWS it carries the learner
  and the account id; it may not contain `aws`, `amazon` or `cognito` ("You can't use the text
  aws, amazon, or cognito in the domain prefix", Cognito Developer Guide, "Using the Amazon
  Cognito domain"), which is why it doesn't start with the course's `cognito-lab-`. A domain has no
  tags: cleanup finds it through its user pool.
- `ensure_domain`, `ensure_resource_server`, `ensure_app_client`: find or create, as every notebook
  does, so a second run finds what the first made.
- `web(lab)`: a `requests.Session` that acts like a browser towards the lab's AWS. Offline in the
  kernel, `https://<domain>/...` is answered in-process; at a local endpoint (a shared one, or the
  real-AWS path's test endpoint) the request goes there with `Host: <domain>`, as a request to that
  host would arrive; on AWS it goes to AWS. The URLs the lesson prints are AWS's in every case.
- `read_form(page)`: the sign-in page's form (action and fields), parsed with the standard
  library's HTML parser.
- `sign_in(...)`: the scripted sign-in, for the cells and the gallery that need a code but whose
  lesson is elsewhere (notebook 12 writes the same steps out first).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests

from helpers.lab import AWS, Lab, LabError
from helpers.offline import webclient as offline_web

DOMAIN_PREFIX = "pools-lab"  # not "cognito-lab": AWS reserves "cognito" in domain prefixes
_RESERVED = re.compile(r"aws|amazon|cognito")

# The notes app (not an AWS service): the app client's callback URL. Offline the lab serves it
# (helpers.offline.notes_app); anywhere, a scripted sign-in reads the code from the redirect and
# never visits it, so on real AWS the URL can stay an example one (RFC 2606 reserves example.com).
NOTES_CALLBACK = "https://notes.example.com/callback"
NOTES_API = "https://api.notes.example.com"  # the resource server's identifier


def domain_prefix(lab: Lab, base: str) -> str:
    """The domain prefix for `base`: `pools-lab-<base>` offline, and on AWS
    `pools-lab-<learner>-<base>-<account id>`, which no other learner or account has."""
    if lab.backend != AWS:
        return f"{DOMAIN_PREFIX}-{base}"
    learner = _RESERVED.sub("x", lab.learner)
    prefix = f"{DOMAIN_PREFIX}-{learner}-{base}-{lab.account_id}"
    if len(prefix) > 63:
        raise LabError(f"Domain prefix {prefix!r} is longer than 63 characters: use a shorter learner name.")
    return prefix


def domain_host(lab: Lab, prefix: str) -> str:
    """The domain's host name: `<prefix>.auth.<region>.amazoncognito.com`."""
    return f"{prefix}.auth.{lab.region}.amazoncognito.com"


def ensure_domain(lab: Lab, user_pool_id: str, prefix: str) -> str:
    """Give the user pool the domain `prefix` unless it has one already; says what happened.

    `ManagedLoginVersion=1` asks for the classic hosted UI's pages (the form the notebook reads);
    a pool keeps one prefix domain, so a pool that has another keeps it and this says so.
    """
    idp = lab.client("cognito-idp")
    found = idp.describe_user_pool(UserPoolId=user_pool_id)["UserPool"].get("Domain")
    if found == prefix:
        return f"domain {prefix} (found)"
    if found:
        raise LabError(
            f"The user pool already has the domain {found}: delete it "
            f"(idp.delete_user_pool_domain(Domain={found!r}, UserPoolId=...)) or use that prefix."
        )
    idp.create_user_pool_domain(UserPoolId=user_pool_id, Domain=prefix, ManagedLoginVersion=1)
    return f"domain {prefix} (created)"


def ensure_resource_server(lab: Lab, user_pool_id: str, request: Mapping[str, Any]) -> str:
    """Create the resource server `request` describes unless the pool has it; says what happened."""
    idp = lab.client("cognito-idp")
    try:
        idp.describe_resource_server(UserPoolId=user_pool_id, Identifier=request["Identifier"])
        return f"resource server {request['Identifier']} (found)"
    except idp.exceptions.ResourceNotFoundException:
        idp.create_resource_server(UserPoolId=user_pool_id, **request)
        return f"resource server {request['Identifier']} (created)"


def ensure_app_client(lab: Lab, user_pool_id: str, request: Mapping[str, Any]) -> tuple[str, str]:
    """Find the app client `request["ClientName"]` and give it these settings, or create it:
    (client id, what happened). `UpdateUserPoolClient` resets whatever it isn't given, so the
    whole request is sent again when anything differs (without what only creation takes,
    such as `GenerateSecret`)."""
    idp = lab.client("cognito-idp")
    client_id = lab.find_app_client(user_pool_id, request["ClientName"])
    if client_id is None:
        created = idp.create_user_pool_client(UserPoolId=user_pool_id, **request)
        return created["UserPoolClient"]["ClientId"], "created"
    updatable = idp.meta.service_model.operation_model("UpdateUserPoolClient").input_shape.members
    wanted = {key: value for key, value in request.items() if key in updatable}
    found = idp.describe_user_pool_client(UserPoolId=user_pool_id, ClientId=client_id)["UserPoolClient"]
    if any(_normal(found.get(key)) != _normal(value) for key, value in wanted.items()):
        idp.update_user_pool_client(UserPoolId=user_pool_id, ClientId=client_id, **wanted)
        return client_id, "updated"
    return client_id, "found"


def _normal(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) else value


# --- a browser-like HTTP client for the lab's AWS ---------------------------------------------------


def web(lab: Lab) -> requests.Session:
    """A new browser-like session (its own cookies) whose `https://` requests reach the lab's AWS
    (a shared offline endpoint, or the aws path's 127.0.0.1 endpoint, under their own Host)."""
    return offline_web.session_for(lab.endpoint_url)


# --- the sign-in page's form ------------------------------------------------------------------------


@dataclass
class Form:
    """An HTML form: where it posts, and its fields (name -> (type, value))."""

    action: str
    method: str
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)

    def filled(self, **values: str) -> dict[str, str]:
        """What a browser posts: every field's value, with `values` typed in."""
        return {name: values.get(name, value) for name, (_, value) in self.fields.items()}


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(found.get("action", ""), found.get("method", "get").lower()))
        elif tag == "input" and self.forms and found.get("name"):
            kind = found.get("type", "text")
            if kind != "submit":
                self.forms[-1].fields[found["name"]] = (kind, found.get("value", ""))


def read_form(page: requests.Response) -> Form:
    """The page's first form, its action made absolute against the page's URL."""
    parser = _FormParser()
    parser.feed(page.text)
    if not parser.forms:
        raise LabError(f"{page.url} has no form (HTTP {page.status_code}): is this the sign-in page?")
    form = parser.forms[0]
    form.action = urljoin(page.url, form.action) if form.action else page.url
    return form


def query(url: str) -> dict[str, str]:
    """A URL's query parameters (the first value of each)."""
    return dict(parse_qsl(urlsplit(url).query))


def sign_in(session: requests.Session, authorize_url: str, username: str, password: str) -> str:
    """Open the authorize URL, fill the sign-in page's form and post it, as notebook 12 shows step
    by step; return where Cognito sends the browser next (the callback with `code` and `state`, or
    an error), without going there."""
    page = session.get(authorize_url)
    form = read_form(page)
    answer = session.post(
        form.action, data=form.filled(username=username, password=password), allow_redirects=False
    )
    if answer.status_code != 302:
        raise LabError(f"The sign-in page answered {answer.status_code}, not a redirect: wrong password?")
    return answer.headers["Location"]
