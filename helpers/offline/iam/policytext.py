"""How policy elements read in a sentence: one value bare, several in brackets.

Shared by the evaluator's notes (`iam`) and the explanations rendered from decision records
(`decisions`), so both word a statement the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def as_tuple(value: object) -> tuple[str, ...]:
    """A policy element that may be one string or a list, as a tuple."""
    return tuple(value) if isinstance(value, list | tuple) else (value,)  # type: ignore[return-value]


def listed(values: Iterable[str]) -> str:
    """`a` for one value, `[a, b]` for several."""
    values = list(values)
    return values[0] if len(values) == 1 else "[" + ", ".join(values) + "]"


def principal_text(principal: Mapping[str, Any]) -> str:
    """`AWS: arn:...` / `Federated: cognito-identity.amazonaws.com`, or `none`."""
    return ", ".join(f"{kind}: {listed(as_tuple(values))}" for kind, values in principal.items()) or "none"
