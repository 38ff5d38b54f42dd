"""What moto recomputes on every request, answered without the recomputation.

`BaseResponse.call_action` asks `method_names_from_class(type(self))` on every request, only to test
`action in names`: it lists every member of the response class with `inspect.getmembers` (hundreds
of `getattr`s; 7% of a DynamoDB GetItem at the endpoint, measured with cProfile). The replacement
answers the same membership question for the one name asked: a function on the class or a base
(what `inspect.getmembers(cls, inspect.isfunction)` lists), looked up when asked, so a method
added or patched later is seen as moto would see it.

moto routes a REST service's requests with a werkzeug `Map` of one `SmithyRule` per operation,
built the first time the service is called. werkzeug compiles two URL *builders* per rule as it
binds it (Python source, `compile()`, `exec`), for `url_for`, which moto never calls: 0.3 s of the
0.4 s that Lambda's and API Gateway's maps took to build in notebook 11, measured with cProfile.
The builders are compiled when first called instead; matching is untouched. Nothing else changes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

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


class UrlBuilderOnFirstUse:
    """What werkzeug's `Rule._compile_builder` returns (a function bound to the rule with
    `__get__`), compiling the real builder when the bound function is first called."""

    __slots__ = ("_append_unknown", "_compile")

    def __init__(self, compile_builder: Callable[[Any, bool], Any], append_unknown: bool) -> None:
        self._compile = compile_builder
        self._append_unknown = append_unknown

    def __get__(self, rule: Any, owner: type | None = None) -> Callable[..., tuple[str, str]]:
        compiled: Callable[..., tuple[str, str]] | None = None

        def build(*args: Any, **kwargs: Any) -> tuple[str, str]:
            nonlocal compiled
            if compiled is None:
                compiled = self._compile(rule, self._append_unknown).__get__(rule, None)
            return compiled(*args, **kwargs)

        return build


def url_builders_on_first_use(compile_builder: Callable[[Any, bool], Any]) -> Callable[..., Any]:
    """Wraps werkzeug's `Rule._compile_builder` for moto's `SmithyRule`."""

    def deferred(rule: Any, append_unknown: bool = True) -> UrlBuilderOnFirstUse:
        return UrlBuilderOnFirstUse(compile_builder, append_unknown)

    return deferred


def install(patches: Patches) -> None:
    from moto.core import responses, routing

    patches.replace(responses, "method_names_from_class", function_names)
    patches.wrap(routing.SmithyRule, "_compile_builder", url_builders_on_first_use)
