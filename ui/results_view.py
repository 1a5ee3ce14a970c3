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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.charts import LAYER_TITLES, ChartView, capex_by_layer_figure
from ui.map_scene import PREMISES_SOURCES
from ui.tables import DataFrameView

BOM_HEADERS = {
    "item": "Item",
    "layer": "Layer",
    "phase": "Phase",
    "unit": "Unit",
    "quantity": "Quantity",
    "unit_cost_eur": "Unit cost\n(EUR)",
    "cost_eur": "Cost\n(EUR)",
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


PREMISES_HEADERS = {
    "what": "Premises counted",
    "buildings": "Buildings",
    "homes": "Homes",
    "business_units": "Business\nunits",
}


def premises_frame(demand: dict[str, Any]) -> pd.DataFrame:
    """Premises by source, then by building type (the CLI's demand table), as rows.

    Each part starts with a heading row (``heading`` true, its title in ``what``).
    """
    rows: list[dict[str, Any]] = []
    for title, key, names in (
        ("By source of the count", "by_source", PREMISES_SOURCES),
        ("By building type", "by_type", {"yes": "building (untyped)"}),
    ):
        part = demand.get(key) or {}
        if part:
            rows.append({"what": title, "heading": True})
        for name, counts in part.items():
            rows.append(
                {
                    "what": names.get(name, name),
                    "buildings": int(counts["buildings"]),
                    "homes": int(counts["homes"]),
                    "business_units": int(counts["business_units"]),
                    "heading": False,
                }
            )
    frame = pd.DataFrame(rows, columns=[*PREMISES_HEADERS, "heading"])
    for column in ("buildings", "homes", "business_units"):
        frame[column] = pd.Series([r.get(column) for r in rows], dtype=object)
    frame["heading"] = frame["heading"].astype(bool)
    return frame


def premises_text(demand: dict[str, Any]) -> str:
    """One paragraph: the premises in total, the calibration applied, the register matched."""
    lines = [
        f"{demand['homes']:,} premises: {demand['residential_units']:,} homes and "
        f"{demand['business_units']:,} business units in {demand['buildings_with_homes']:,} "
        f"buildings ({demand['buildings_without_homes']:,} buildings without premises)."
    ]
    for what, rec in (demand.get("calibration") or {}).items():
        lines.append(
            f"Calibrated to {rec['target']:,} known {what} (estimate {rec['estimate_before']:,}; "
            f"estimated buildings scaled by {rec['factor']:.3f}, counted ones kept)."
        )
    if not demand.get("calibration"):
        lines.append(
            "Not calibrated: enter known households or business premises under Planning ▸ "
            "Premises to scale the estimates."
        )
    reg = demand.get("register")
    if reg:
        lines.append(
            f"Register {reg['source']}: {reg['points_matched']:,} of {reg['points']:,} points "
            f"matched {reg['buildings_matched']:,} buildings."
        )
    return " ".join(lines)


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
        self.bom = DataFrameView(self, default_sort=("cost_eur", True), wrap=True)
        self.bom.setObjectName("bomTable")
        self.bom_filter = QLineEdit(self)
        self.bom_filter.setPlaceholderText("Filter the bill of materials…")
        self.bom_filter.setClearButtonEnabled(True)
        self.bom_filter.textChanged.connect(self._filter)
        self.bom_total = QLabel("", self)
        self.bom_total.setStyleSheet("color: #37474f;")
        export = QPushButton("Export BOM as CSV…", self)
        export.clicked.connect(self.export_bom_requested.emit)

        self.premises = DataFrameView(self, sortable=False, stretch=False)
        self.premises.setObjectName("premisesTable")
        self.premises_label = QLabel("", self)
        self.premises_label.setObjectName("premisesLabel")
        self.premises_label.setWordWrap(True)
        self.premises_label.setStyleSheet("color: #37474f;")
        premises_page = QWidget(self)
        pv = QVBoxLayout(premises_page)
        pv.setContentsMargins(2, 2, 2, 2)
        pv.addWidget(self.premises_label)
        pv.addWidget(self.premises, 1)
        self.side_tabs = QTabWidget(self)
        self.side_tabs.setObjectName("resultsSideTabs")
        self.side_tabs.addTab(premises_page, "Premises")
        self.side_tabs.addTab(self.figures, "Figures")
        self.side_tabs.addTab(self.warnings, "Notes")
        self.warnings.setMaximumHeight(16_777_215)
        notes = self.side_tabs
        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.addWidget(self.chart)
        top.addWidget(notes)
        top.setStretchFactor(0, 1)
        top.setStretchFactor(1, 1)
        top.setSizes([1000, 1000])  # half each: the premises table needs about 400 px
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
            self._show_premises(None)
            return
        self.header.setText(f"{summary.get('district', '')}: {summary.get('architecture', '')}")
        self.figures.set_frame(summary_rows(summary))
        self.chart.set_figure(
            capex_by_layer_figure(summary["capex_eur"]["by_layer"], summary["homes"]["passed"])
        )
        self.warnings.clear()
        warnings = list(summary.get("warnings") or [])
        self.warnings.addItems(warnings or ["No warnings."])
        self.side_tabs.setTabText(2, f"Notes ({len(warnings)})")
        self.side_tabs.setTabToolTip(2, "The planner's notes and warnings on this plan")
        self._show_premises(summary.get("demand"))
        if bom is not None:
            self.bom.set_frame(bom_frame(bom), BOM_HEADERS)
            self._update_total()
        else:
            self.bom.set_frame(pd.DataFrame())
            self.bom_total.setText("The bill of materials appears when the plan is re-made.")

    def _show_premises(self, demand: dict[str, Any] | None) -> None:
        frame = premises_frame(demand or {})
        headings = frame.pop("heading").to_numpy(dtype=bool)
        self.premises.clearSpans()
        self.premises.set_frame(frame, PREMISES_HEADERS)
        rows = {int(r) for r in headings.nonzero()[0]}
        for r in rows:
            self.premises.setSpan(r, 0, 1, len(PREMISES_HEADERS))
        self.premises.source.set_bold_rows(rows)
        self.premises.resizeColumnsToContents()
        if demand is None:
            self.premises_label.setText("")
        elif "by_source" in demand:
            self.premises_label.setText(premises_text(demand))
        else:
            self.premises_label.setText("This plan's summary has no premises table.")

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
