"""The cost catalogue as an editable table with its source column.

Unit costs and sources are edited in place; every edit goes through the
engine's own validation (:meth:`Catalogue.with_cost` and
:meth:`Catalogue.from_csv_text`), so a negative or non-numeric price, or an
empty source, is refused with the engine's reason. Prices that differ from
the shipped catalogue are shown bold.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fttx_planner import CatalogueError
from fttx_planner.catalogue import Catalogue
from fttx_planner.export import write_text_atomic

COLUMNS = ("item", "layer", "phase", "unit", "unit_cost_eur", "source")
HEADERS = ("Item", "Layer", "Phase", "Unit", "Unit cost (EUR)", "Source")
EDITABLE = frozenset({"unit_cost_eur", "source"})
Index = QModelIndex | QPersistentModelIndex


class CatalogueModel(QAbstractTableModel):
    """A :class:`Catalogue` as a table; edits produce a new validated catalogue.

    Signals
    -------
    edited(object, str)
        A new :class:`Catalogue` and a description of the change. The model
        itself shows the new catalogue only when :meth:`set_catalogue` is
        called (by whoever keeps the undo history).
    rejected(str)
        An edit was refused; the engine's reason.
    """

    edited = Signal(object, str)
    rejected = Signal(str)

    def __init__(self, catalogue: Catalogue | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._default = Catalogue.default()
        self._catalogue = catalogue or self._default
        self._items = list(self._catalogue.items.values())

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue shown."""
        return self._catalogue

    def set_catalogue(self, catalogue: Catalogue) -> None:
        """Show another catalogue."""
        self.beginResetModel()
        self._catalogue = catalogue
        self._items = list(catalogue.items.values())
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and COLUMNS[index.column()] in EDITABLE:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def _is_changed(self, row: int) -> bool:
        it = self._items[row]
        default = self._default.items.get(it.item)
        return default is None or default.unit_cost_eur != it.unit_cost_eur

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        it = self._items[index.row()]
        column = COLUMNS[index.column()]
        value = getattr(it, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{value:,.2f}" if column == "unit_cost_eur" else str(value)
        if role == Qt.ItemDataRole.EditRole:
            return f"{value:g}" if column == "unit_cost_eur" else str(value)
        if role == Qt.ItemDataRole.UserRole + 1:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "unit_cost_eur":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "unit_cost_eur" and self._is_changed(index.row()):
                default = self._default.items.get(it.item)
                was = f"{default.unit_cost_eur:,.2f}" if default else "not in the shipped catalogue"
                return f"Changed; shipped price: {was}"
            return str(value) if column == "source" else None
        if (
            role == Qt.ItemDataRole.FontRole
            and column == "unit_cost_eur"
            and self._is_changed(index.row())
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == "source":
            return QColor("#455a64")
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        it = self._items[index.row()]
        column = COLUMNS[index.column()]
        try:
            if column == "unit_cost_eur":
                text = str(value).strip().replace(",", "")
                try:
                    cost = float(text)
                except ValueError:
                    msg = f"Unit cost of {it.item!r}: {str(value)!r} is not a number."
                    raise CatalogueError(msg) from None
                if cost == it.unit_cost_eur:
                    return False
                new = self._catalogue.with_cost(it.item, cost)
                what = f"unit cost of {it.item} to {cost:,.2f} EUR"
            elif column == "source":
                text = str(value).strip()
                if text == it.source:
                    return False
                new = _with_source(self._catalogue, it.item, text)
                what = f"source of {it.item}"
            else:
                return False
        except CatalogueError as exc:
            self.rejected.emit(str(exc))
            return False
        self.edited.emit(new, what)
        return True


def _with_source(catalogue: Catalogue, name: str, source: str) -> Catalogue:
    """A copy with one source changed, validated by the engine's CSV reader."""
    rows = list(csv.DictReader(io.StringIO(catalogue.to_csv_text())))
    for row in rows:
        if row["item"] == name:
            row["source"] = source
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return Catalogue.from_csv_text(out.getvalue(), where=catalogue.where)


class CatalogueWidget(QWidget):
    """The catalogue table with a filter, CSV import/export and reset.

    Signals
    -------
    catalogue_edited(object, str)
        A new validated :class:`Catalogue` and a description (forwarded from
        the model, and for imports and resets).
    """

    catalogue_edited = Signal(object, str)

    def __init__(self, catalogue: Catalogue | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CatalogueModel(catalogue, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole + 1)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = QTableView(self)
        self.view.setObjectName("catalogueTable")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        # Sources are sentences: wrapped onto more lines, never cut off.
        self.view.setWordWrap(True)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("source"), QHeaderView.ResizeMode.Stretch)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter items, layers, sources…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.import_button = QPushButton("Import CSV…", self)
        self.export_button = QPushButton("Export CSV…", self)
        self.reset_button = QPushButton("Reset to shipped prices", self)
        self.import_button.clicked.connect(self._import)
        self.export_button.clicked.connect(self._export)
        self.reset_button.clicked.connect(self.reset)
        self.message = QLabel("", self)
        self.message.setObjectName("catalogueMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        self.message.setVisible(False)
        hint = QLabel(
            "Double-click a unit cost or source to edit it. Changed prices are bold; the plan "
            "is re-costed with them. Each row names where its price comes from.",
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #607d8b;")
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)
        top.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        self.model.edited.connect(self._forward)
        self.model.rejected.connect(self.show_error)

    def set_catalogue(self, catalogue: Catalogue) -> None:
        """Show a catalogue (after an edit was applied, undone or loaded)."""
        self.model.set_catalogue(catalogue)

    def show_error(self, message: str) -> None:
        """Show why an edit was refused ('' hides it)."""
        self.message.setText(message)
        self.message.setVisible(bool(message))

    def _forward(self, catalogue: Catalogue, what: str) -> None:
        self.show_error("")
        self.catalogue_edited.emit(catalogue, what)

    def reset(self) -> None:
        """Go back to the shipped catalogue."""
        self._forward(Catalogue.default(), "catalogue reset to shipped prices")

    def import_csv(self, path: str) -> bool:
        """Load a catalogue CSV; show the engine's reasons if it is refused."""
        try:
            catalogue = Catalogue.from_csv(path)
        except CatalogueError as exc:
            self.show_error(str(exc))
            return False
        self._forward(catalogue, f"catalogue imported from {path}")
        return True

    def export_csv(self, path: str) -> None:
        """Write the catalogue as CSV (atomically)."""
        from pathlib import Path

        write_text_atomic(Path(path), self.model.catalogue.to_csv_text())

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import cost catalogue", "", "CSV files (*.csv)"
        )
        if path:
            self.import_csv(path)

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export cost catalogue", "catalogue.csv", "CSV files (*.csv)"
        )
        if path:
            try:
                self.export_csv(path)
            except OSError as exc:
                self.show_error(f"Cannot write {path}: {exc.strerror or exc}")
