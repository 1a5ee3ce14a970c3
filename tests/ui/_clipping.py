"""Find text a user cannot read in full: elided or clipped labels, buttons, tabs, cells.

Each check compares the width the text needs (its font metrics, or the
widget's own minimum size hint) with the width the layout gave it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenuBar,
    QScrollArea,
    QTabBar,
    QTableView,
    QToolBar,
    QWidget,
)

_TAG = re.compile(r"<[^>]+>")


def _shown(w: QWidget) -> bool:
    return w.isVisible() and w.width() > 0 and w.height() > 0


def _outside_toolbars(w: QWidget) -> bool:
    p: QWidget | None = w
    while p is not None:
        if isinstance(p, QToolBar | QMenuBar):
            return False  # a tool bar moves what does not fit behind its extension button
        p = p.parentWidget()
    return True


def _name(w: QWidget) -> str:
    return f"{type(w).__name__}#{w.objectName() or '?'}"


def clipped(root: QWidget) -> list[str]:
    """Descriptions of every clipped text under ``root`` (empty when all is readable)."""
    problems: list[str] = []
    widgets = [w for w in root.findChildren(QWidget) if _shown(w) and _outside_toolbars(w)]
    for w in widgets:
        if isinstance(w, QLabel) and w.text() and w.pixmap().isNull():
            problems += _label(w)
        elif isinstance(w, QAbstractButton) and w.text():
            if w.width() + 1 < w.minimumSizeHint().width():
                problems.append(f"{_name(w)} {w.text()!r}: {w.width()} < {w.minimumSizeHint()}")
        elif isinstance(w, QComboBox):
            need = w.fontMetrics().horizontalAdvance(w.currentText()) + 28
            if w.width() < need:
                problems.append(f"{_name(w)} {w.currentText()!r}: {w.width()} < {need}")
        elif isinstance(w, QAbstractSpinBox):
            edit = w.findChild(QLineEdit)
            if edit is not None:
                need = edit.fontMetrics().horizontalAdvance(edit.text()) + 4
                if edit.width() < need:
                    problems.append(f"{_name(w)} {edit.text()!r}: {edit.width()} < {need}")
        elif isinstance(w, QLineEdit) and not w.text() and w.placeholderText():
            if not isinstance(w.parentWidget(), QAbstractSpinBox | QComboBox):
                need = w.fontMetrics().horizontalAdvance(w.placeholderText()) + 8
                if w.width() < need:
                    problems.append(f"{_name(w)} {w.placeholderText()!r}: {w.width()} < {need}")
        elif isinstance(w, QTabBar):
            problems += _tabs(w)
        elif isinstance(w, QTableView):
            problems += _table(w)
        if isinstance(w, QScrollArea) and w.widget() is not None:
            policy = w.horizontalScrollBarPolicy()
            inner = w.widget()
            if policy == Qt.ScrollBarPolicy.ScrollBarAlwaysOff and inner.width() > (
                w.viewport().width() + 1
            ):
                problems.append(
                    f"{_name(w)} cuts its content: {inner.width()} > {w.viewport().width()}"
                )
    return problems


def _label(w: QLabel) -> list[str]:
    text = _TAG.sub("", w.text()) if "<" in w.text() else w.text()
    if w.wordWrap():
        need = w.heightForWidth(w.width())
        if need > w.height() + 1:
            return [f"{_name(w)} {text[:40]!r}: wraps to {need} px in {w.height()}"]
        return []
    need = w.minimumSizeHint().width()
    if w.width() + 1 < need:
        return [f"{_name(w)} {text!r}: {w.width()} < {need}"]
    return []


def _tabs(bar: QTabBar) -> list[str]:
    out = []
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        rect = bar.tabRect(i)
        hint = bar.tabSizeHint(i)
        horizontal = bar.shape() in (QTabBar.Shape.RoundedNorth, QTabBar.Shape.RoundedSouth)
        size, need = (rect.width(), hint.width()) if horizontal else (rect.height(), hint.height())
        if size + 1 < need:
            out.append(f"tab {bar.tabText(i)!r} elided: {size} < {need}")
        if horizontal and rect.right() > bar.width() + 1:
            out.append(f"tab {bar.tabText(i)!r} scrolled out of {_name(bar)}")
    return out


def _table(view: QTableView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    out = []
    header = view.horizontalHeader()
    fm = view.fontMetrics()
    hfm = header.fontMetrics()
    for c in range(model.columnCount()):
        if view.isColumnHidden(c):
            continue
        title = str(model.headerData(c, Qt.Orientation.Horizontal) or "")
        need = max((hfm.horizontalAdvance(x) for x in title.split("\n")), default=0) + 8
        if header.isVisible() and header.sectionSize(c) < need:
            out.append(f"{_name(view)} header {title!r}: {header.sectionSize(c)} < {need}")
        for r in range(model.rowCount()):
            if view.columnSpan(r, c) > 1 or view.isRowHidden(r):
                continue
            text = str(model.index(r, c, QModelIndex()).data() or "")
            need = fm.horizontalAdvance(text) + 6
            if view.wordWrap() and " " in text:  # wraps: the row must be tall enough
                if view.rowHeight(r) + 1 < view.sizeHintForRow(r):
                    out.append(f"{_name(view)} row {r} cut: {view.rowHeight(r)} px")
                    break
                continue
            if text and view.columnWidth(c) < need:
                out.append(f"{_name(view)} cell {text!r}: {view.columnWidth(c)} < {need}")
                break
    if isinstance(view, QAbstractScrollArea) and view.horizontalScrollBar().isVisible():
        out.append(f"{_name(view)} needs a horizontal scroll bar")
    return out
