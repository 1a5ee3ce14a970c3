"""Work around a reference-count bug of PySide6 6.12.0 on Python 3.10 and 3.11.

PySide6 6.12.0 (a ``cp310-abi3`` wheel) returns ``None`` from every void
method, and ``True``/``False`` from signal ``emit``/``connect``, without
taking a reference. Python 3.12 and later make these singletons immortal, so
the missing reference is harmless there; on Python 3.11 every such call
lowers their reference count by one until the interpreter aborts with
``Fatal Python error: none_dealloc`` after some 30,000 Qt calls (seconds of
map drawing).

:func:`apply` detects the leak with a short probe and, only when it is
present on a release build of CPython older than 3.12, raises the reference
counts of ``None``, ``True`` and ``False`` by 2**40 so they can never reach
zero. That is what Python 3.12 does for them by design; no memory is used.
The project should avoid the affected release (``PySide6-Essentials !=
6.12.0``) or Python 3.11; this module then does nothing.

:func:`apply_when_loaded` (what ``import ui`` runs) waits for the first import
of ``PySide6.QtCore`` before probing, so parts of :mod:`ui` that need no Qt
(the headless job) load none.
"""

from __future__ import annotations

import ctypes
import importlib.abc
import importlib.machinery
import importlib.util
import platform
import sys
from types import ModuleType

#: How far the singletons' reference counts are raised.
_BOOST = 1 << 40
_applied = False


def leaks_references() -> bool:
    """Whether void calls of the installed PySide6 drop a reference to ``None``."""
    try:
        from PySide6.QtCore import QPointF
    except ImportError:  # pragma: no cover - PySide6 is a dependency
        return False
    point = QPointF()
    before = sys.getrefcount(None)
    for _ in range(64):
        point.setX(1.0)
    return sys.getrefcount(None) < before - 32


def apply() -> bool:
    """Pin ``None``, ``True`` and ``False`` if the installed PySide6 leaks them.

    Returns
    -------
    bool
        Whether the workaround is active.
    """
    global _applied
    if _applied:
        return True
    if (
        sys.version_info >= (3, 12)
        or platform.python_implementation() != "CPython"
        or hasattr(sys, "gettotalrefcount")  # debug build: another object layout
        or not leaks_references()
    ):
        return False
    for obj in (None, True, False):
        refcnt = ctypes.c_ssize_t.from_address(id(obj))
        refcnt.value += _BOOST
    _applied = True
    return True


def apply_when_loaded() -> None:
    """Run :func:`apply` as soon as ``PySide6.QtCore`` is imported (at once if it is)."""
    if "PySide6.QtCore" in sys.modules:
        apply()
    elif not any(isinstance(f, _QtCoreFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _QtCoreFinder())


class _QtCoreFinder(importlib.abc.MetaPathFinder):
    """Finds ``PySide6.QtCore`` like the other finders, with :func:`apply` after it loads."""

    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "PySide6.QtCore":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ApplyAfterLoad(spec.loader)
        return spec


class _ApplyAfterLoad(importlib.abc.Loader):
    """A loader that runs :func:`apply` once its module has loaded."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        apply()
