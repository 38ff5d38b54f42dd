"""Draw what the learner actually built as a Mermaid diagram: their pools, providers and roles.

The diagrams in diagrams/ show the idea; `from_lab(lab)` shows *this* account: each identity pool
the course made (by its `cognito-lab` name), the providers it federates (user pools with their app
clients, social and OpenID Connect providers, a developer provider), and the roles it hands out.
`show(text)` displays it (JupyterLab ≥ 4.1 renders Mermaid offline) and prints the source, which
is also what a reader without JupyterLab sees.
"""

from __future__ import annotations

import re
from typing import Any

from IPython.display import Markdown, display

from helpers.lab import Lab


def _id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", text)


def _label(text: str) -> str:
    return text.replace('"', "'")


def from_lab(lab: Lab) -> str:
    """A Mermaid flowchart of the course's identity pools, their providers and roles, as they are now."""
    identity = lab.client("cognito-identity")
    lines = ["flowchart LR"]
    pools = [
        pool
        for pool in identity.list_identity_pools(MaxResults=60)["IdentityPools"]
        if pool["IdentityPoolName"].startswith(lab.prefix)
    ]
    if not pools:
        lines.append('    empty["no identity pool yet: run notebook 03"]')
    for pool in pools:
        described: dict[str, Any] = identity.describe_identity_pool(IdentityPoolId=pool["IdentityPoolId"])
        node = _id(pool["IdentityPoolId"])
        lines.append(f'    {node}{{{{"Identity Pool {_label(described["IdentityPoolName"])}"}}}}')
        for provider in described.get("CognitoIdentityProviders", []):
            source = _id(provider["ProviderName"] + provider["ClientId"])
            pool_id = provider["ProviderName"].rsplit("/", 1)[-1]
            lines.append(f'    {source}["User Pool {pool_id}<br/>app client {provider["ClientId"][:8]}…"]')
            lines.append(f'    {source} -- "ID token" --> {node}')
        for name in described.get("SupportedLoginProviders", {}):
            lines.append(f'    {_id(name)}(["{_label(name)}"]) -- "token" --> {node}')
        for arn in described.get("OpenIdConnectProviderARNs", []):
            lines.append(f'    {_id(arn)}["OIDC {_label(arn.split("/", 1)[-1])}"] -- "ID token" --> {node}')
        if described.get("DeveloperProviderName"):
            developer = described["DeveloperProviderName"]
            lines.append(
                f'    {_id(developer)}["your auth system {_label(developer)}"] -- "developer id" --> {node}'
            )
        if described.get("AllowUnauthenticatedIdentities"):
            lines.append(f'    {node}_guest(["guest"]) -. "no Logins" .-> {node}')
        roles = identity.get_identity_pool_roles(IdentityPoolId=pool["IdentityPoolId"]).get("Roles", {})
        for kind, arn in sorted(roles.items()):
            role = arn.rsplit("/", 1)[-1]
            lines.append(f'    {node} -- "{kind}" --> {_id(role)}["IAM role {_label(role)}"]')
    return "\n".join(lines)


def show(mermaid: str) -> None:
    """Display a Mermaid diagram in the notebook and print its source (the text fallback)."""
    display(Markdown(f"```mermaid\n{mermaid}\n```"))
    print(mermaid)
