"""One reversible record of every change the engine makes to moto.

moto has no plugin API (its maintainers suggest wrapping backend methods), so the engine replaces
attributes on moto's classes and modules. Keeping every replacement in one place means
`undo_all()` restores moto exactly, and a test can prove it (tests/engine/test_seam.py).

A replacement names a target that must already exist: if a moto release renames or removes it,
installing the engine fails at once with `PatchTargetMissing` instead of quietly adding an
attribute nothing calls (and a fix silently vanishing). The few operations moto lacks altogether
are *added* with `add`, which insists the name is new, so a moto release that implements one
of them is noticed too (`PatchTargetExists`).

moto imports a service only when a request first reaches it; `after_import` lets the engine wait
for that too, so a kernel that never calls Lambda or API Gateway never pays for importing moto's
(0.25 s, measured), and lets the engine set up that import (a context entered around it). The
patches are applied the moment the module has been executed, before anyone can use it, and a
missing target still stops that import.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from types import ModuleType
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
        self._waiting = _ImportWatch(self)

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

    def after_import(
        self,
        module: str,
        install: Callable[[Patches], None],
        *,
        importing: Callable[[], AbstractContextManager[None]] = contextlib.nullcontext,
    ) -> None:
        """Run `install(self)` once `module` is imported: now if it already is, else right after
        the import executes it. `importing()` is entered around that import (e.g. to keep an
        optional dependency out of it)."""
        if module in sys.modules:
            install(self)
        else:
            self._waiting.add(module, install, importing)

    def targets(self) -> list[tuple[Any, str]]:
        """(owner, attribute name) of every replacement in force, in the order they were made."""
        return [(owner, name) for owner, name, _ in self._undo]

    def undo_all(self) -> None:
        self._waiting.clear()
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


class _ImportWatch(importlib.abc.MetaPathFinder):
    """A finder at the front of `sys.meta_path` while some module is awaited: it lets the usual
    finders find that module and wraps its loader so the waiting installs run after execution."""

    def __init__(self, patches: Patches) -> None:
        self._patches = patches
        self._lock = threading.Lock()
        self._awaited: dict[str, list[tuple[Callable[[Patches], None], Callable[[], Any]]]] = {}

    def add(self, module: str, install: Callable[[Patches], None], importing: Callable[[], Any]) -> None:
        with self._lock:
            self._awaited.setdefault(module, []).append((install, importing))
            if self not in sys.meta_path:
                sys.meta_path.insert(0, self)

    def clear(self) -> None:
        with self._lock:
            self._awaited.clear()
            if self in sys.meta_path:
                sys.meta_path.remove(self)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        with self._lock:
            if fullname not in self._awaited:
                return None
            waiting = self._awaited.pop(fullname)
            if not self._awaited:
                sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec: importlib.machinery.ModuleSpec | None = find(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _ThenInstall(spec.loader, self._patches, waiting)
                return spec
        return None


class _ThenInstall(importlib.abc.Loader):
    """The module's own loader, followed by the installs that awaited it."""

    def __init__(
        self,
        loader: Any,
        patches: Patches,
        waiting: list[tuple[Callable[[Patches], None], Callable[[], Any]]],
    ) -> None:
        self._loader = loader
        self._patches = patches
        self._waiting = waiting

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        created: ModuleType | None = self._loader.create_module(spec)
        return created

    def exec_module(self, module: ModuleType) -> None:
        with contextlib.ExitStack() as importing:
            for _, context in self._waiting:
                importing.enter_context(context())
            self._loader.exec_module(module)
        for install, _ in self._waiting:
            install(self._patches)

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, ... for tracebacks
        return getattr(self._loader, name)
