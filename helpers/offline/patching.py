"""One reversible record of every change the engine makes to moto.

moto has no plugin API (its maintainers suggest wrapping backend methods), so
the engine replaces attributes on moto's classes. Keeping every replacement in
one place means `uninstall()` restores moto exactly, and a test can prove it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_MISSING = object()


class Patches:
    """Attribute replacements on moto classes, undone in reverse order."""

    def __init__(self) -> None:
        self._undo: list[tuple[Any, str, Any]] = []

    def replace(self, owner: Any, name: str, value: Any) -> None:
        """Set `owner.name = value`, remembering what was there before."""
        original = vars(owner).get(name, _MISSING)
        self._undo.append((owner, name, original))
        setattr(owner, name, value)

    def wrap(self, owner: Any, name: str, make: Callable[[Any], Any]) -> None:
        """Replace `owner.name` with `make(original)`, e.g. a checking wrapper."""
        self.replace(owner, name, make(getattr(owner, name)))

    def undo_all(self) -> None:
        while self._undo:
            owner, name, original = self._undo.pop()
            if original is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, original)

    def __len__(self) -> int:
        return len(self._undo)
