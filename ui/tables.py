"""Tables: a pandas DataFrame as a sortable Qt model, and a view with copy and CSV export."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QTableView,
    QWidget,
)

from fttx_planner.export import write_text_atomic

#: Tables wider than this many columns (500 scenarios side by side) are not fitted to
#: their cells: measuring each cell held the window for seconds. Their columns get
#: :data:`WIDE_COLUMN_PX` each and their rows one line (text is elided).
FIT_COLUMNS_MAX = 60
WIDE_COLUMN_PX = 140
#: The role that returns raw values for sorting.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def pretty_header(name: str) -> str:
    """``unit_cost_eur`` -> ``Unit cost (EUR)``."""
    units = {"_eur": " (EUR)", "_m": " (m)", "_km": " (km)", "_db": " (dB)", "_s": " (s)"}
    label = name
    suffix = ""
    for key, text in units.items():
        if label.endswith(key):
            label = label[: -len(key)]
            suffix = text
            break
    label = label.replace("_", " ")
    label = {"npv": "NPV", "irr": "IRR", "bom": "BOM"}.get(label, label)
    return label[:1].upper() + label[1:] + suffix


def format_value(value: Any, column: str = "") -> str:
    """A cell value for display: thousands separators, sensible decimals, blanks for NaN."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        v = float(value)
        if not math.isfinite(v):
            return ""
        if column.endswith("_eur") or abs(v) >= 1000:
            return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}"
        if column in ("irr", "revenue_share", "discount_rate") or column.endswith("share"):
            return f"{100 * v:.1f} %"
        return f"{v:,.2f}" if abs(v) >= 1 else f"{v:.3g}"
    return str(value)


class DataFrameModel(QAbstractTableModel):
    """A read-only DataFrame; numbers right-aligned, raw values under :data:`SORT_ROLE`."""

    def __init__(self, frame: pd.DataFrame | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frame = pd.DataFrame()
        self._headers: dict[str, str] = {}
        self._highlight: set[int] = set()
        if frame is not None:
            self.set_frame(frame)

    @property
    def frame(self) -> pd.DataFrame:
        """The data shown."""
        return self._frame

    def set_frame(self, frame: pd.DataFrame, headers: dict[str, str] | None = None) -> None:
        """Replace the data."""
        self.beginResetModel()
        self._frame = frame.reset_index(drop=True)
        self._headers = headers or {}
        self._values = self._frame.to_numpy(dtype=object)
        self._columns = [str(c) for c in self._frame.columns]
        self.endResetModel()

    def set_bold_rows(self, rows: set[int]) -> None:
        """Rows drawn bold (totals, the chosen scenario...)."""
        self._highlight = set(rows)
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._frame)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._frame.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self._values[index.row(), index.column()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(value, column)
        if role == SORT_ROLE:
            if isinstance(value, float | np.floating) and not math.isfinite(float(value)):
                return -math.inf
            if isinstance(value, np.generic):
                return value.item()
            return value if value is not None else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if isinstance(value, int | float | np.integer | np.floating) and not isinstance(
                value, bool | np.bool_
            ):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = str(value)
            return text if len(text) > 30 else None
        if role == Qt.ItemDataRole.FontRole and index.row() in self._highlight:
            font = QFont()
            font.setBold(True)
            return font
        negative_npv = (
            isinstance(value, float | np.floating) and column.startswith("npv") and value < 0
        )
        if role == Qt.ItemDataRole.ForegroundRole and negative_npv:
            return QColor("#c62828")
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            name = self._columns[section] if section < len(self._columns) else ""
            return self._headers.get(name, pretty_header(name))
        return str(section + 1)


class DataFrameView(QTableView):
    """A table of a DataFrame, sortable by clicking a header; Ctrl+C copies as text.

    Parameters
    ----------
    sortable
        Whether clicking a header sorts (rows start in the frame's order).
    default_sort
        ``(column, descending)`` applied the first time data arrives.
    wrap
        Wrap long text (a source, a note) onto more lines instead of eliding it.
    stretch
        The last column takes the width left over.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        sortable: bool = True,
        default_sort: tuple[str, bool] | None = None,
        wrap: bool = False,
        stretch: bool = True,
    ) -> None:
        super().__init__(parent)
        self.default_sort = default_sort
        self.source = DataFrameModel(parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setModel(self.proxy)
        self.setSortingEnabled(sortable)
        # Start in the frame's own order (Qt would sort by column 0, descending).
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        self.horizontalHeader().setStretchLastSection(stretch)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.setWordWrap(wrap)
        if wrap:
            self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def set_frame(self, frame: pd.DataFrame, headers: dict[str, str] | None = None) -> None:
        """Show a DataFrame, keeping the sort order."""
        self.source.set_frame(frame, headers)
        if self.default_sort is not None and self.default_sort[0] in self.source.frame.columns:
            column, descending = self.default_sort
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            self.sortByColumn(list(self.source.frame.columns).index(column), order)
            self.default_sort = None
        rows = self.verticalHeader()
        fit = QHeaderView.ResizeMode.ResizeToContents
        # Fitting every row after each column is quadratic: 500 scenarios took seconds.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        widest = 200 if self.wordWrap() else 380  # wrapped text takes more lines instead
        columns = self.source.columnCount()
        if columns > FIT_COLUMNS_MAX:  # too wide to measure every cell: one width for all
            self.resizeColumnToContents(0)
            for col in range(1, columns):
                self.setColumnWidth(col, WIDE_COLUMN_PX)
        else:
            self.resizeColumnsToContents()
        for col in range(columns):
            if self.columnWidth(col) > widest:
                self.setColumnWidth(col, widest)
        if self.wordWrap() and columns <= FIT_COLUMNS_MAX:
            rows.setSectionResizeMode(fit)

    def set_filter(self, text: str) -> None:
        """Show only rows containing ``text``."""
        self.proxy.setFilterFixedString(text)

    def visible_frame(self) -> pd.DataFrame:
        """The rows shown, in the order shown."""
        rows = [
            self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            for r in range(self.proxy.rowCount())
        ]
        return self.source.frame.iloc[rows]

    def export_csv(self, path: str | Path) -> Path:
        """Write the rows shown to CSV (atomically)."""
        target = Path(path)
        write_text_atomic(target, self.visible_frame().to_csv(index=False))
        return target

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        super().keyPressEvent(event)

    def copy_selection(self) -> str:
        """Copy the selected rows (or all) as tab-separated text with a header."""
        rows = sorted({i.row() for i in self.selectionModel().selectedIndexes()})
        if not rows:
            rows = list(range(self.proxy.rowCount()))
        cols = range(self.proxy.columnCount())
        header = "\t".join(str(self.proxy.headerData(c, Qt.Orientation.Horizontal)) for c in cols)
        lines = [header]
        lines += ["\t".join(str(self.proxy.index(r, c).data()) for c in cols) for r in rows]
        text = "\n".join(lines)
        QApplication.clipboard().setText(text)
        return text
