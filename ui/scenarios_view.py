"""The Scenarios tab: keep several plans and compare them side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.charts import ChartView, scenario_capex_figure, scenario_npv_figure
from ui.project import ScenarioRecord
from ui.tables import DataFrameView


def comparison_table(
    records: Sequence[ScenarioRecord],
    npv: Sequence[dict[str, float] | None] | None,
    titles: dict[str, str],
) -> pd.DataFrame:
    """Scenarios side by side: one column per scenario, one row per figure (as text)."""
    rows: list[tuple[str, list[str]]] = []

    def add(label: str, values: list[str]) -> None:
        rows.append((label, values))

    def get(s: dict[str, Any] | None, *keys: str) -> Any:
        for k in keys:
            if not isinstance(s, dict):
                return None
            s = s.get(k)
        return s

    summaries = [r.summary for r in records]
    add(
        "District",
        [
            str(get(s, "district") or r.district.label())
            for r, s in zip(records, summaries, strict=True)
        ],
    )
    add("Architecture", [r.design_params.describe() for r in records])
    add("Homes passed", [_int(get(s, "homes", "passed")) for s in summaries])
    add("Homes unserved", [_int(get(s, "homes", "unserved")) for s in summaries])
    add("Splitters", [_int(get(s, "splitters", "count")) for s in summaries])
    add("OLT ports", [_int(get(s, "splitters", "olt_ports")) for s in summaries])
    fibre = [
        None
        if s is None
        else get(s, "lengths_km", "feeder_cable_km") + get(s, "lengths_km", "distribution_cable_km")
        for s in summaries
    ]
    add("Fibre cable (km)", [_num(v, 1) for v in fibre])
    add("New trench (km)", [_num(get(s, "lengths_km", "trench_new_km"), 1) for s in summaries])
    add("Ducts reused (km)", [_num(get(s, "lengths_km", "duct_reuse_km"), 1) for s in summaries])
    add("Capex (EUR)", [_num(get(s, "capex_eur", "total"), 0) for s in summaries])
    add(
        "Capex to pass per home (EUR)",
        [_num(get(s, "capex_eur", "per_home_passed"), 0) for s in summaries],
    )
    add(
        "Capex per home connected (EUR)",
        [_num(get(s, "capex_eur", "per_home_connected"), 0) for s in summaries],
    )
    add("Worst optical loss (dB)", [_num(get(s, "loss_db", "max"), 1) for s in summaries])
    for model, title in titles.items():
        values = []
        for i in range(len(records)):
            v = npv[i] if npv is not None and i < len(npv) else None
            values.append(_num(v.get(model), 0) if v else "…" if npv is None else "")
        add(f"NPV {title}, value chain (EUR)", values)
    columns = [r.name for r in records]
    data = {"figure": [label for label, _ in rows]}
    for i, name in enumerate(columns):
        data[name] = [values[i] for _, values in rows]
    return pd.DataFrame(data)


def _int(v: Any) -> str:
    return "" if v is None else f"{int(v):,}"


def _num(v: Any, digits: int) -> str:
    return "" if v is None else f"{float(v):,.{digits}f}"


class ScenariosView(QWidget):
    """A list of kept scenarios, their comparison table and charts.

    Signals
    -------
    add_requested()
        Keep the current plan as a scenario.
    variants_requested()
        Plan the standard variants (1:32 / 1:64, greenfield / brownfield).
    open_requested(int)
        Restore a scenario's district and parameters and re-plan.
    remove_requested(int), rename_requested(int, str)
        Edit the list.
    """

    add_requested = Signal()
    variants_requested = Signal()
    open_requested = Signal(int)
    remove_requested = Signal(int)
    rename_requested = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("scenarioList")
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.list.itemChanged.connect(self._renamed)
        self.list.itemActivated.connect(lambda item: self.open_requested.emit(self.list.row(item)))
        self.add_button = QPushButton("Keep current plan", self)
        self.add_button.setToolTip("Keep the current plan as a scenario (Ctrl+K)")
        self.variants_button = QPushButton("Plan variants…", self)
        self.variants_button.setToolTip(
            "Plan 1:32 and 1:64, and greenfield and brownfield when an infrastructure layer "
            "exists, of the current district, and keep each as a scenario"
        )
        self.open_button = QPushButton("Open", self)
        self.open_button.setToolTip("Restore this scenario's district and parameters, and re-plan")
        self.remove_button = QPushButton("Remove", self)
        self.add_button.clicked.connect(self.add_requested.emit)
        self.variants_button.clicked.connect(self.variants_requested.emit)
        self.open_button.clicked.connect(lambda: self._emit_row(self.open_requested))
        self.remove_button.clicked.connect(lambda: self._emit_row(self.remove_requested))
        self.table = DataFrameView(self, sortable=False, wrap=True)
        self.table.setObjectName("scenarioTable")
        self.capex_chart = ChartView(
            "scenario_capex", "Keep two or more scenarios to compare them", self
        )
        self.npv_chart = ChartView("scenario_npv", "", self)
        self.hint = QLabel(
            "Keep the current plan, change the architecture (split ratio, deployment, prices) "
            "and keep it again; or plan the standard variants in one go.",
            self,
        )
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #607d8b;")

        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Scenarios", left)
        title.setStyleSheet("font-weight: 600;")
        lv.addWidget(title)
        lv.addWidget(self.list, 1)
        for b in (self.add_button, self.variants_button):
            lv.addWidget(b)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addWidget(self.remove_button)
        lv.addLayout(row)
        lv.addWidget(self.hint)
        charts = QSplitter(Qt.Orientation.Horizontal, self)
        charts.addWidget(self.capex_chart)
        charts.addWidget(self.npv_chart)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.table)
        right.addWidget(charts)
        right.setSizes([280, 420])
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.records: list[ScenarioRecord] = []

    def _emit_row(self, signal: Any) -> None:
        row = self.list.currentRow()
        if row >= 0:
            signal.emit(row)

    def _renamed(self, item: QListWidgetItem) -> None:
        row = self.list.row(item)
        if 0 <= row < len(self.records) and item.text() != self.records[row].name:
            self.rename_requested.emit(row, item.text())

    def set_scenarios(
        self,
        records: Sequence[ScenarioRecord],
        npv: Sequence[dict[str, float] | None] | None,
        titles: dict[str, str],
    ) -> None:
        """Show the scenarios; ``npv`` is ``None`` while it is being computed."""
        self.records = list(records)
        current = self.list.currentRow()
        self.list.blockSignals(True)
        self.list.clear()
        for r in records:
            item = QListWidgetItem(r.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(f"{r.district.label()}: {r.design_params.describe()}")
            self.list.addItem(item)
        self.list.blockSignals(False)
        if records:
            self.list.setCurrentRow(min(max(current, 0), len(records) - 1))
        for b in (self.open_button, self.remove_button):
            b.setEnabled(bool(records))
        if not records:
            self.table.set_frame(pd.DataFrame())
            self.capex_chart.set_figure(None, "Keep two or more scenarios to compare them")
            self.npv_chart.set_figure(None, "")
            return
        self.table.set_frame(comparison_table(records, npv, titles), {"figure": ""})
        planned = [r for r in records if r.summary is not None]
        names = [r.name for r in planned]
        self.capex_chart.set_figure(
            scenario_capex_figure(
                names, [r.summary["capex_eur"]["by_layer"] for r in planned if r.summary]
            )
        )
        if npv is not None:
            values = {
                title: [
                    v.get(model) if v else None
                    for v, r in zip(npv, records, strict=True)
                    if r.summary
                ]
                for model, title in titles.items()
            }
            self.npv_chart.set_figure(scenario_npv_figure(names, values))
        else:
            self.npv_chart.set_figure(None, "Computing the business models…")
