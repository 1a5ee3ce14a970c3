"""Undo for parameter changes: one command type that sets a value on the session."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

#: Edits of the same field within this many seconds merge into one undo step.
MERGE_SECONDS = 1.5
_IDS: dict[str, int] = {}


def _merge_id(key: str | None) -> int:
    if key is None:
        return -1
    return _IDS.setdefault(key, len(_IDS) + 1)


class SetValueCommand(QUndoCommand):
    """Set a value through ``apply``; undo sets the old one back.

    Parameters
    ----------
    apply
        Called with the value to show (the session's setter).
    old, new
        Values before and after.
    text
        What the Edit menu says ("Undo split ratio").
    merge_key
        Consecutive commands with the same key (e.g. typing in one field)
        merge into one step.
    """

    def __init__(
        self,
        apply: Callable[[Any], None],
        old: Any,
        new: Any,
        text: str,
        merge_key: str | None = None,
    ) -> None:
        super().__init__(text)
        self.apply = apply
        self.old = old
        self.new = new
        self.merge_key = merge_key
        self.stamp = time.monotonic()

    def id(self) -> int:
        return _merge_id(self.merge_key)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            not isinstance(other, SetValueCommand)
            or other.merge_key != self.merge_key
            or other.stamp - self.stamp > MERGE_SECONDS
        ):
            return False
        self.new = other.new
        self.stamp = other.stamp
        self.setText(other.text())
        return True

    def redo(self) -> None:
        self.apply(self.new)

    def undo(self) -> None:
        self.apply(self.old)
