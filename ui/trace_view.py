"""The *Trace* panel: a premise's path element by element, or every premise behind a splitter.

It lists what ``fttx-planner trace PLAN --building ID`` prints: each element
from the OLT port to the premise (splices, cable fibres with tube and fibre
colours, splitters, drop, connector, the plan's reserve and margin) with its
length and its loss at 1310 and 1490 nm, running totals, and the total
against the loss budget. A building with several premise units has a choice
of unit. For a splitter or an OLT port it lists the premise units behind it
(as ``trace --from NAME``); clicking the OLT offers its ports.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from fttx_planner.detail.trace import Trace
from ui.map_trace import Behind, BuildingTrace
from ui.tables import DataFrameView

#: Column titles of the trace table (as the command line's).
TRACE_HEADERS = {
    "n": "#",
    "element": "Element",
    "name": "Name",
    "detail": "Detail",
    "length_m": "Length (m)",
    "loss_db": "dB 1310 nm",
    "cum_db": "Total 1310",
    "loss_1490_db": "dB 1490 nm",
    "cum_1490_db": "Total 1490",
}
BEHIND_HEADERS = {
    "premise": "Premise unit",
    "olt_port": "OLT port",
    "stage1_splitter": "First-stage splitter",
    "splitter": "Splitter",
    "splitter_port": "Port",
    "site": "Site",
    "drop": "Drop",
    "plan_loss_db": "Loss (dB)",
}
HINT = (
    "<p style='color:#78909c'>Click a served building on the map to trace its fibre from the "
    "OLT port, element by element with its loss; click a splitter, the OLT or a cable for "
    "every premise behind it.</p>"
)


def trace_frame(trace: Trace) -> pd.DataFrame:
    """The trace as a table: one row per element, loss and running total at both wavelengths."""
    rows = []
    cum = cum2 = 0.0
    for i, e in enumerate(trace.elements, start=1):
        cum += e.loss_db
        cum2 += e.loss_1490_db
        rows.append(
            {
                "n": i,
                "element": e.kind,
                "name": e.name,
                "detail": e.what,
                "length_m": f"{e.length_m:,.1f}" if e.length_m else "",
                "loss_db": f"{e.loss_db:.2f}",
                "cum_db": f"{cum:.2f}",
                "loss_1490_db": f"{e.loss_1490_db:.2f}",
                "cum_1490_db": f"{cum2:.2f}",
            }
        )
    return pd.DataFrame(rows, columns=list(TRACE_HEADERS))


def trace_summary(trace: Trace) -> str:
    """The totals line under the table (as the command line's), as HTML."""
    margin = trace.budget_db - trace.loss_db
    colour = "#2e7d32" if margin >= 0 else "#c62828"
    notes = "".join(f"<br>Note: {n}" for n in trace.notes)
    return (
        f"<b>{trace.length_m:,.1f} m</b> of fibre; loss <b>{trace.loss_db:.2f} dB</b> at 1310 nm, "
        f"<b>{trace.loss_1490_db:.2f} dB</b> at 1490 nm; budget {trace.budget_db:.1f} dB "
        f"(<span style='color:{colour}'>margin {margin:.2f} dB</span>); the plan's loss for "
        f"this home {trace.plan_loss_db:.2f} dB. Splices on the path {trace.splices} (the plan "
        f"counts {trace.splices_planned}).{notes}"
    )


class TracePanel(QWidget):
    """The trace table (or the premises behind a splitter or port) and its choices.

    Signals
    -------
    unit_chosen(int)
        The user picked another premise unit of the traced building.
    port_chosen(str)
        The user picked an OLT port: list the premises behind it.
    """

    unit_chosen = Signal(int)
    port_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tracePanel")
        self.title = QLabel(HINT, self)
        self.title.setObjectName("traceTitle")
        self.title.setWordWrap(True)
        self.unit_box = QComboBox(self)
        self.unit_box.setObjectName("traceUnit")
        self.unit_box.setToolTip("The premise unit of this building to trace")
        self.port_box = QComboBox(self)
        self.port_box.setObjectName("tracePort")
        self.port_box.setToolTip("An OLT port: every premise unit behind it")
        self.port_box.setMinimumContentsLength(18)
        self.table = DataFrameView(self, sortable=False)
        self.table.setObjectName("traceTable")
        self.footer = QLabel("", self)
        self.footer.setObjectName("traceFooter")
        self.footer.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(self.unit_box)
        row.addWidget(self.port_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.footer)
        self.building: BuildingTrace | None = None
        self.behind: Behind | None = None
        self.unit_box.currentIndexChanged.connect(self._on_unit)
        self.port_box.textActivated.connect(self.port_chosen)
        self.show_message(HINT)

    def show_message(self, html: str) -> None:
        """Only a line of text (no trace yet, still building, or why not)."""
        self.building = None
        self.behind = None
        self.title.setText(html)
        self.unit_box.hide()
        self.port_box.hide()
        self.table.set_frame(pd.DataFrame(columns=list(TRACE_HEADERS)), TRACE_HEADERS)
        self.table.hide()
        self.footer.setText("")

    def show_building(self, traced: BuildingTrace, unit: int = 0) -> None:
        """The trace of unit ``unit`` of a building, with the choice of its other units."""
        self.building = traced
        self.behind = None
        self.port_box.hide()
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        self.unit_box.addItems([f"Unit {t.premise}" for t in traced.traces])
        self.unit_box.setCurrentIndex(unit)
        self.unit_box.blockSignals(False)
        self.unit_box.setVisible(len(traced.traces) > 1)
        self._show_trace(traced.traces[unit])

    def _show_trace(self, trace: Trace) -> None:
        n = len(self.building.traces) if self.building is not None else 1
        units = f" ({n} premise units)" if n > 1 else ""
        self.title.setText(
            f"<b>Trace of premise {trace.premise}</b>{units}: OLT port to the premise, "
            "loss of every element"
        )
        self.table.set_frame(trace_frame(trace), TRACE_HEADERS)
        self.table.show()
        self.footer.setText(trace_summary(trace))

    def _on_unit(self, i: int) -> None:
        if self.building is not None and 0 <= i < len(self.building.traces):
            self._show_trace(self.building.traces[i])
            self.unit_chosen.emit(i)

    def show_ports(self, ports: list[str], current: str = "") -> None:
        """Offer the OLT's ports (the OLT was clicked)."""
        self.port_box.blockSignals(True)
        self.port_box.clear()
        self.port_box.addItems(ports)
        if current in ports:
            self.port_box.setCurrentIndex(ports.index(current))
        self.port_box.blockSignals(False)
        self.port_box.setVisible(bool(ports))

    def show_behind(self, behind: Behind, ports: list[str] | None = None) -> None:
        """Every premise unit behind a splitter or OLT port."""
        self.building = None
        self.behind = behind
        self.unit_box.hide()
        if ports is not None:
            self.show_ports(ports, behind.name)
        else:
            self.port_box.hide()
        self.title.setText(
            f"<b>{len(behind.units):,} premise units in {behind.buildings:,} buildings</b> "
            f"behind {behind.kind} {behind.name}"
        )
        frame = behind.units.copy()
        if "plan_loss_db" in frame:
            frame["plan_loss_db"] = frame["plan_loss_db"].map(lambda v: f"{v:.2f}")
        if "stage1_splitter" in frame and (frame["stage1_splitter"] == frame["splitter"]).all():
            frame = frame.drop(columns="stage1_splitter")  # one stage: the same splitter
        self.table.set_frame(frame, BEHIND_HEADERS)
        self.table.show()
        worst = behind.units["plan_loss_db"].max() if len(behind.units) else float("nan")
        self.footer.setText(f"Highest loss behind it: {worst:.2f} dB (plan).")
