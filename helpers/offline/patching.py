"""One reversible record of every change the engine makes to moto.

moto has no plugin API (its maintainers suggest wrapping backend methods), so the engine replaces
attributes on moto's classes and modules. Keeping every replacement in one place means
`undo_all()` restores moto exactly, and a test can prove it (tests/engine/test_seam.py).

A replacement names a target that must already exist: if a moto release renames or removes it,
installing the engine fails at once with `PatchTargetMissing` instead of quietly adding an
attribute nothing calls (and a fix silently vanishing). The few operations moto lacks altogether
are *added* with `add`, which insists the name is new, so a moto release that implements one
of them is noticed too (`PatchTargetExists`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class PatchTargetMissing(AttributeError):
    """The moto attribute a patch replaces does not exist (a moto release moved it)."""

    def __init__(self, owner: Any, name: str) -> None:
        where = getattr(owner, "__qualname__", None) or getattr(owner, "__name__", repr(owner))
        super().__init__(
            f"Cannot patch {where}.{name}: moto has no such attribute. This moto version is "
            "outside the range the offline engine supports (see helpers/offline/README.md)."
        )


class PatchTargetExists(AttributeError):
    """An operation the engine adds is already there (a moto release implemented it)."""

    def __init__(self, owner: Any, name: str) -> None:
        where = getattr(owner, "__qualname__", None) or getattr(owner, "__name__", repr(owner))
        super().__init__(
            f"Cannot add {where}.{name}: moto has it already. Check whether the engine's version "
            "is still needed, and replace it instead of adding it."
        )


class Patches:
    """Attribute replacements on moto's classes and modules, undone in reverse order."""

    def __init__(self) -> None:
        self._undo: list[tuple[Any, str, Any]] = []

    def replace(self, owner: Any, name: str, value: Any) -> None:
        """Set `owner.name = value`, remembering what was there before.

        The attribute must exist, on `owner` itself or inherited from a base class (an inherited
        one is shadowed, and removed again on undo).
        """
        if not hasattr(owner, name):
            raise PatchTargetMissing(owner, name)
        self._undo.append((owner, name, vars(owner).get(name, _INHERITED)))
        setattr(owner, name, value)

    def add(self, owner: Any, name: str, value: Any) -> None:
        """Give `owner` an attribute it does not have (an operation moto does not implement)."""
        if hasattr(owner, name):
            raise PatchTargetExists(owner, name)
        self._undo.append((owner, name, _INHERITED))
        setattr(owner, name, value)

    def wrap(self, owner: Any, name: str, make: Callable[[Any], Any]) -> None:
        """Replace `owner.name` with `make(original)`, e.g. a checking wrapper."""
        if not hasattr(owner, name):
            raise PatchTargetMissing(owner, name)
        self.replace(owner, name, make(getattr(owner, name)))

    def targets(self) -> list[tuple[Any, str]]:
        """(owner, attribute name) of every replacement in force, in the order they were made."""
        return [(owner, name) for owner, name, _ in self._undo]

    def undo_all(self) -> None:
        while self._undo:
            owner, name, original = self._undo.pop()
            if original is _INHERITED:
                delattr(owner, name)
            else:
                setattr(owner, name, original)

    def __len__(self) -> int:
        return len(self._undo)


# Marks a replaced attribute that the owner only inherited: undo deletes the shadowing copy.
_INHERITED = object()
