"""The Results tab: the plan's figures, capex by layer, the bill of materials, warnings."""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.charts import LAYER_TITLES, ChartView, capex_by_layer_figure
from ui.tables import DataFrameView

BOM_HEADERS = {
    "item": "Item",
    "layer": "Layer",
    "phase": "Phase",
    "unit": "Unit",
    "quantity": "Quantity",
    "unit_cost_eur": "Unit cost (EUR)",
    "cost_eur": "Cost (EUR)",
    "share": "Share",
    "source": "Source of the price",
}


def summary_rows(summary: dict[str, Any]) -> pd.DataFrame:
    """The plan summary as (section, figure, value, unit) rows."""
    rows: list[tuple[str, str, Any, str]] = []
    h = summary["homes"]
    rows += [
        ("Homes", "Homes in the district (demand)", h["demand"], "homes"),
        ("Homes", "Homes passed", h["passed"], "homes"),
        ("Homes", "Homes unserved", h["unserved"], "homes"),
        ("Homes", "Buildings served", h["buildings_served"], "buildings"),
        ("Homes", "Buildings unserved", h["buildings_unserved"], "buildings"),
    ]
    sp = summary["splitters"]
    rows.append(("Network", "Splitters", sp["count"], "splitters"))
    for stage, n in sorted(sp.get("by_stage", {}).items()):
        rows.append(("Network", f"Splitters, stage {stage}", n, "splitters"))
    rows.append(("Network", "OLT ports (PONs)", sp["olt_ports"], "ports"))
    names = {
        "trench_new_km": "New trench",
        "duct_reuse_km": "Existing ducts reused",
        "aerial_km": "Aerial (poles)",
        "route_km": "Route (all civil works)",
        "feeder_cable_km": "Feeder cable",
        "distribution_cable_km": "Distribution cable",
        "drop_km": "Drop cable",
    }
    for key, value in summary["lengths_km"].items():
        rows.append(("Lengths", names.get(key, key), float(value), "km"))
    loss = summary["loss_db"]
    rows += [
        ("Optical loss", "Budget", float(loss["budget"]), "dB"),
        ("Optical loss", "Worst home", float(loss["max"]), "dB"),
        ("Optical loss", "Mean", float(loss["mean"]), "dB"),
    ]
    c = summary["capex_eur"]
    for layer, value in c["by_layer"].items():
        rows.append(("Capex", LAYER_TITLES.get(layer, layer), float(value), "EUR"))
    rows += [
        ("Capex", "Passive, to pass", float(c["passive_to_pass"]), "EUR"),
        ("Capex", "Passive, to connect (all homes)", float(c["passive_to_connect"]), "EUR"),
        ("Capex", "Active, to pass", float(c["active_to_pass"]), "EUR"),
        ("Capex", "Active, to connect (all homes)", float(c["active_to_connect"]), "EUR"),
        ("Capex", "Total", float(c["total"]), "EUR"),
        ("Capex", "Per home passed (to pass)", float(c["per_home_passed"]), "EUR/home"),
        ("Capex", "Per home connected (100 % take-up)", float(c["per_home_connected"]), "EUR/home"),
    ]
    if summary.get("lower_bound_eur"):
        rows.append(
            ("Optimality", "Lower bound on any design", float(summary["lower_bound_eur"]), "EUR")
        )
        gap = summary.get("gap_to_lower_bound")
        if gap is not None:
            rows.append(("Optimality", "Gap to the lower bound", 100 * float(gap), "%"))
    for stage, seconds in (summary.get("timings_s") or {}).items():
        rows.append(("Planning time", str(stage), float(seconds), "s"))
    return pd.DataFrame(rows, columns=["section", "figure", "value", "unit"])


def bom_frame(bom: pd.DataFrame) -> pd.DataFrame:
    """The BOM with the share of the total cost of each row."""
    frame = bom.copy()
    total = float(frame["cost_eur"].sum()) or 1.0
    frame.insert(frame.columns.get_loc("cost_eur") + 1, "share", frame["cost_eur"] / total)
    return frame


class ResultsView(QWidget):
    """Figures, capex chart, BOM and warnings of the current plan.

    Signals
    -------
    export_bom_requested()
        The user asked to export the BOM as CSV.
    """

    export_bom_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel("No plan yet", self)
        self.header.setObjectName("resultsHeader")
        self.header.setStyleSheet("font-size: 11pt; font-weight: 600;")
        self.header.setWordWrap(True)
        self.figures = DataFrameView(self, sortable=False)
        self.figures.setObjectName("summaryTable")
        self.chart = ChartView("capex_by_layer", "Plan a district to see its capex by layer", self)
        self.warnings = QListWidget(self)
        self.warnings.setObjectName("warningsList")
        self.warnings.setWordWrap(True)
        self.warnings.setMaximumHeight(90)
        self.bom = DataFrameView(self, default_sort=("cost_eur", True))
        self.bom.setObjectName("bomTable")
        self.bom_filter = QLineEdit(self)
        self.bom_filter.setPlaceholderText("Filter the bill of materials…")
        self.bom_filter.setClearButtonEnabled(True)
        self.bom_filter.textChanged.connect(self._filter)
        self.bom_total = QLabel("", self)
        self.bom_total.setStyleSheet("color: #37474f;")
        export = QPushButton("Export BOM as CSV…", self)
        export.clicked.connect(self.export_bom_requested.emit)

        notes = QWidget(self)
        nv = QVBoxLayout(notes)
        nv.setContentsMargins(0, 0, 0, 0)
        notes_title = QLabel("Planner's notes", notes)
        notes_title.setStyleSheet("font-weight: 600;")
        nv.addWidget(notes_title)
        nv.addWidget(self.warnings)
        figures_title = QLabel("All figures", notes)
        figures_title.setStyleSheet("font-weight: 600;")
        nv.addWidget(figures_title)
        nv.addWidget(self.figures, 1)
        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.addWidget(self.chart)
        top.addWidget(notes)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        bottom = QWidget(self)
        bv = QVBoxLayout(bottom)
        bv.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        title = QLabel("Bill of materials", bottom)
        title.setStyleSheet("font-weight: 600;")
        row.addWidget(title)
        row.addWidget(self.bom_filter, 1)
        row.addWidget(export)
        bv.addLayout(row)
        bv.addWidget(self.bom, 1)
        bv.addWidget(self.bom_total)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(splitter, 1)

    def set_results(self, summary: dict[str, Any] | None, bom: pd.DataFrame | None) -> None:
        """Show a plan's summary and BOM (``None`` for a saved project not yet re-planned)."""
        if summary is None:
            self.header.setText("No plan yet")
            self.figures.set_frame(pd.DataFrame(columns=["section", "figure", "value", "unit"]))
            self.chart.set_figure(None, "Plan a district to see its capex by layer")
            self.bom.set_frame(pd.DataFrame())
            self.warnings.clear()
            self.bom_total.setText("")
            return
        self.header.setText(f"{summary.get('district', '')}: {summary.get('architecture', '')}")
        self.figures.set_frame(summary_rows(summary))
        self.chart.set_figure(
            capex_by_layer_figure(summary["capex_eur"]["by_layer"], summary["homes"]["passed"])
        )
        self.warnings.clear()
        warnings = list(summary.get("warnings") or [])
        self.warnings.addItems(warnings or ["No warnings."])
        if bom is not None:
            self.bom.set_frame(bom_frame(bom), BOM_HEADERS)
            self._update_total()
        else:
            self.bom.set_frame(pd.DataFrame())
            self.bom_total.setText("The bill of materials appears when the plan is re-made.")

    def _filter(self, text: str) -> None:
        self.bom.set_filter(text)
        self._update_total()

    def _update_total(self) -> None:
        frame = self.bom.visible_frame()
        if "cost_eur" not in frame:
            self.bom_total.setText("")
            return
        total = float(frame["cost_eur"].sum())
        self.bom_total.setText(f"{len(frame):,} rows, {total:,.0f} EUR")
