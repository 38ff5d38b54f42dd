"""The policies IAM evaluates for a principal: a role's or a user's, inline and managed.

moto stores them; this module reads them the way IAM evaluates them (a managed policy by its
default version; a user's together with its groups').
"""

from __future__ import annotations

from typing import Any

from .policies import NamedPolicy


def role_policies(account_id: str, role_name: str) -> tuple[NamedPolicy, ...]:
    from moto.iam.models import iam_backends

    role = iam_backends[account_id]["aws"].get_role(role_name)
    inline = [NamedPolicy(name, document) for name, document in role.policies.items()]
    managed = [NamedPolicy(p.name, default_document(p)) for p in role.managed_policies.values()]
    return tuple(inline + managed)


def default_document(policy: Any) -> str:
    for version in policy.versions:
        if version.is_default:
            return str(version.document)
    return str(policy.versions[-1].document)


def user_policies(account_id: str, user: Any) -> tuple[NamedPolicy, ...]:
    from moto.iam.models import iam_backends

    backend = iam_backends[account_id]["aws"]
    found = [NamedPolicy(name, doc) for name, doc in user.policies.items()]
    found += [NamedPolicy(p.name, default_document(p)) for p in user.managed_policies.values()]
    for group in backend.get_groups_for_user(user.name):
        found += [NamedPolicy(name, doc) for name, doc in group.policies.items()]
        found += [NamedPolicy(p.name, default_document(p)) for p in group.managed_policies.values()]
    return tuple(found)
