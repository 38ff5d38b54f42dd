"""What moto recomputes on every request, answered without the recomputation.

`BaseResponse.call_action` asks `method_names_from_class(type(self))` on every request, only to test
`action in names`: it lists every member of the response class with `inspect.getmembers` (hundreds
of `getattr`s; 7% of a DynamoDB GetItem at the endpoint, measured with cProfile). The replacement
answers the same membership question for the one name asked: a function on the class or a base
(what `inspect.getmembers(cls, inspect.isfunction)` lists), looked up when asked, so a method
added or patched later is seen as moto would see it. Nothing else changes.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

from .patching import Patches


class FunctionNames:
    """The names of a class's functions, as `moto.core.utils.method_names_from_class` lists them,
    answering `name in` by one lookup."""

    __slots__ = ("_owner",)

    def __init__(self, owner: type) -> None:
        self._owner = owner

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and inspect.isfunction(getattr(self._owner, name, None))

    def __iter__(self) -> Iterator[str]:
        return iter(name for name, _ in inspect.getmembers(self._owner, inspect.isfunction))


def function_names(owner: type) -> FunctionNames:
    """Replacement for `moto.core.responses.method_names_from_class`."""
    return FunctionNames(owner)


def install(patches: Patches) -> None:
    from moto.core import responses

    patches.replace(responses, "method_names_from_class", function_names)
