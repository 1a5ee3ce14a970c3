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
"""

from __future__ import annotations

import ctypes
import platform
import sys

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
