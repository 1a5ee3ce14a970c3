"""The workaround for PySide6 6.12.0's reference-count bug on Python < 3.12."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QPointF, Signal

from ui import _pyside_fix


class _Emitter(QObject):
    ping = Signal(int)


def test_many_void_calls_and_emits_do_not_crash() -> None:
    # Without the workaround, PySide6 6.12.0 on Python 3.11 aborts with
    # "none_dealloc" or "bool_dealloc" long before 200,000 such calls.
    point = QPointF()
    emitter = _Emitter()
    for _ in range(200_000):
        point.setX(1.0)
    for _ in range(50_000):
        emitter.ping.emit(1)
    assert point.x() == 1.0


def test_applied_only_when_needed() -> None:
    active = _pyside_fix.apply()
    if sys.version_info >= (3, 12):
        assert not active
    else:
        assert active == _pyside_fix._applied
        assert active or not _pyside_fix.leaks_references()
