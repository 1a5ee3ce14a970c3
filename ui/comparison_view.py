"""The Architectures tab: the district designed as GPON, XGS-PON and point-to-point, side by side.

The engine's :func:`fttx_planner.endpoints.compare.compare_architectures`
(the function behind ``fttx-planner compare``) designs the current district
once per architecture of ``fttx_planner/data/architectures.csv`` with the
current parameters, OLT site and prices; :func:`ui.tasks.comparison_task`
runs it in a worker thread of this view's own, with progress and *Cancel*.
The view shows one column per architecture (capex by layer, cost per
premise, fibre-km, cable sizes, office ports and rack space, loss margins,
and the value-chain NPV of each business model from
:func:`models.architectures.architecture_finance` with the window's finance
inputs) and a chart of the same. It holds no planning or finance logic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.charts import LAYER_COLOURS, LAYER_TITLES, ChartView
from ui.tables import DataFrameView
from ui.tasks import ComparisonOutcome, Task
from ui.workers import TaskRunner

#: Layer names in the comparison: the office and customer equipment differ by architecture.
LAYER_NAMES = {
    **LAYER_TITLES,
    "olt": "Office equipment (OLT / switch)",
    "ont": "Customer terminals (ONT / CPE)",
}
#: Width of an architecture's column (px): six fit beside the figure names in a
#: 1366 px window; longer text (cable sizes) wraps.
COLUMN_PX = 128
#: The NPV rows follow this one.
NPV_AFTER = "Capex to pass per premise (EUR)"
#: Rows shown in bold: the totals a reader looks for first.
BOLD_FIGURES = ("Capex, total (EUR)", "Capex per premise (EUR)")
NPV_NOTE = (
    "NPV: the four business models with the finance inputs of the Business models tab, on each "
    "architecture's capex, office equipment (replaced after its life) and office power and space."
)
IDLE_TEXT = "Press Compare to design the district as each architecture."


def _int(v: Any) -> str:
    return f"{int(v):,}"


def _num(v: Any, digits: int) -> str:
    return f"{float(v):,.{digits}f}"


def _sizes(sizes: Mapping[str, float]) -> str:
    """``12f 1,231 · 24f 692``: metres of cable per size, smallest first."""
    ordered = sorted(sizes.items(), key=lambda kv: int("".join(c for c in kv[0] if c.isdigit())))
    return " · ".join(f"{size} {metres:,.0f}" for size, metres in ordered) or "none"


def _capex_of(layer: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda r: _num(r[f"capex_{layer}_eur"], 0)


def architecture_table(
    rows: Sequence[Mapping[str, Any]],
    npv: Sequence[Mapping[str, float]] | None = None,
    titles: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Architectures side by side: one column per architecture, one row per figure (as text).

    Parameters
    ----------
    rows
        :func:`~fttx_planner.endpoints.compare.compare_architectures` figures
        with a short ``label`` each.
    npv
        Value-chain NPV per business model, one mapping per architecture
        (``None``: no NPV rows).
    titles
        The business models' titles by name (the names otherwise).
    """
    figures: list[tuple[str, Callable[[Mapping[str, Any]], str]]] = [
        ("Homes passed", lambda r: _int(r["homes_passed"])),
        ("Homes unserved", lambda r: _int(r["homes_unserved"])),
    ]
    figures += [
        (f"Capex: {LAYER_NAMES[layer]} (EUR)", _capex_of(layer))
        for layer in LAYER_COLOURS
        if any(float(r.get(f"capex_{layer}_eur", 0.0)) for r in rows)
    ]
    figures += [
        ("Capex, total (EUR)", lambda r: _num(r["capex_total_eur"], 0)),
        ("Capex per premise (EUR)", lambda r: _num(r["per_premise_eur"], 0)),
        ("Capex to pass per premise (EUR)", lambda r: _num(r["per_premise_passed_eur"], 0)),
        ("Fibre (fibre-km)", lambda r: _num(r["fibre_km"], 1)),
        ("Cable (km)", lambda r: _num(r["cable_km"], 1)),
        ("Trench (km)", lambda r: _num(r["trench_km"], 1)),
        ("Most fibres in one street", lambda r: _int(r["max_fibres_per_edge"])),
        ("Cable by size (m)", lambda r: _sizes(r["cable_m_by_size"])),
        ("Splitters", lambda r: _int(r["splitters"])),
        ("Office ports", lambda r: _int(r["co_ports"])),
        ("Office chassis", lambda r: _int(r["co_chassis"])),
        ("Office rack space (U)", lambda r: _int(r["co_rack_units"])),
    ]
    if rows and all("office_opex_eur_per_year" in r for r in rows):
        figures.append(
            ("Office power and space (EUR/year)", lambda r: _num(r["office_opex_eur_per_year"], 0))
        )
    figures += [
        ("Loss budget (dB)", lambda r: f"{float(r['budget_db']):g} ({r['loss_class']})"),
        ("Worst loss (dB)", lambda r: _num(r["max_loss_db"], 1)),
        ("Loss margin (dB)", lambda r: _num(r["margin_db"], 1)),
    ]
    data: dict[str, list[str]] = {"figure": [label for label, _ in figures]}
    for r in rows:
        data[str(r["label"])] = [fn(r) for _, fn in figures]
    frame = pd.DataFrame(data)
    if npv is not None:
        models = list(dict.fromkeys(m for values in npv for m in values))
        names = titles or {}
        extra = {"figure": [f"NPV {names.get(m, m)}, value chain (EUR)" for m in models]}
        for r, values in zip(rows, npv, strict=True):
            extra[str(r["label"])] = [_num(values[m], 0) if m in values else "" for m in models]
        # Beside the cost per premise: the figures a decision starts from.
        after = int(frame.index[frame["figure"] == NPV_AFTER][0]) + 1
        parts = [frame.iloc[:after], pd.DataFrame(extra), frame.iloc[after:]]
        frame = pd.concat(parts, ignore_index=True)
    return frame


class ComparisonView(QWidget):
    """The architecture comparison with its own worker, progress bar and *Cancel*.

    Parameters
    ----------
    make_task
        Returns ``(label, task)`` for the current district and inputs (a
        :func:`ui.tasks.comparison_task`).
    titles
        The business models' titles by name, for the NPV rows.
    """

    def __init__(
        self,
        make_task: Callable[[], tuple[str, Task]],
        titles: Mapping[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.titles = dict(titles or {})
        self.setObjectName("comparisonView")
        self.make_task = make_task
        self.runner = TaskRunner("compare", self)
        self.outcome: ComparisonOutcome | None = None
        self.last_error = ""

        title = QLabel("GPON, XGS-PON and point-to-point on this district", self)
        title.setStyleSheet("font-weight: 600;")
        intro = QLabel(
            "Each architecture is designed by the same engine on the same streets, OLT site "
            "and prices (fttx-planner compare); its office and customer equipment is priced "
            "per architecture. docs/endpoints.md explains the rules.",
            self,
        )
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #607d8b;")
        self.compare_button = QPushButton("Compare", self)
        self.compare_button.setObjectName("compareButton")
        self.compare_button.setToolTip("Design the current district as every architecture")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("compareCancel")
        self.cancel_button.setEnabled(False)
        self.csv_button = QPushButton("CSV…", self)
        self.csv_button.setToolTip("Save the table as CSV")
        self.csv_button.setEnabled(False)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("compareProgress")
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(260)
        self.progress.setVisible(False)
        self.status = QLabel(IDLE_TEXT, self)
        self.status.setObjectName("compareStatus")
        self.status.setWordWrap(True)
        self.table = DataFrameView(self, sortable=False, wrap=True)
        self.table.setObjectName("comparisonTable")
        self.chart = ChartView("architectures", IDLE_TEXT, self)
        self.note = QLabel(NPV_NOTE, self)
        self.note.setObjectName("npvNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #607d8b; font-size: 8.5pt;")

        bar = QHBoxLayout()
        bar.addWidget(self.compare_button)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.progress)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.csv_button)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setSizes([300, 330])
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.note)

        self.compare_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.runner.cancel)
        self.csv_button.clicked.connect(self._save_csv)
        r = self.runner
        r.started.connect(self._on_started)
        r.progress.connect(self._on_progress)
        r.finished.connect(self._on_finished)
        r.failed.connect(self._on_failed)
        r.cancelled.connect(self._on_cancelled)
        r.busy_changed.connect(self._on_busy)

    # -- actions ------------------------------------------------------------------------------
    def start(self) -> None:
        """Compare the architectures on the current district (cancels a running comparison)."""
        label, task = self.make_task()
        self.runner.start(label, task)

    def cancel(self) -> None:
        """Stop the comparison running."""
        self.runner.cancel()

    def shutdown(self) -> None:
        """Cancel and wait for the worker (the window is closing)."""
        self.runner.shutdown()

    def mark_stale(self) -> None:
        """The district, parameters or prices changed since the table was made."""
        if self.outcome is not None and not self.runner.busy:
            self.status.setText(
                f"Made for {self.outcome.district_name} before the inputs changed: press "
                "Compare to update."
            )

    # -- worker signals ----------------------------------------------------------------------
    @Slot(str)
    def _on_started(self, label: str) -> None:
        self.last_error = ""
        self.progress.setValue(0)
        self.status.setText(label + "…")

    @Slot(float, str)
    def _on_progress(self, fraction: float, stage: str) -> None:
        self.progress.setValue(round(1000 * fraction))
        self.status.setText(f"{self.runner.label}… {100 * fraction:.0f} % ({stage})")

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setEnabled(busy)

    @Slot(object)
    def _on_finished(self, outcome: ComparisonOutcome) -> None:
        self.show_outcome(outcome)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.last_error = message
        self.status.setText(f"Could not compare: {message}")

    @Slot()
    def _on_cancelled(self) -> None:
        kept = " (the table shown is the previous one)" if self.outcome is not None else ""
        self.status.setText(f"Comparison cancelled{kept}.")

    def show_outcome(self, outcome: ComparisonOutcome) -> None:
        """Show a finished comparison: the table, the chart and what it was made of."""
        self.outcome = outcome
        frame = architecture_table(outcome.rows, outcome.npv, self.titles)
        headers = {str(r["label"]): str(r["label"]).replace(" ", "\n", 1) for r in outcome.rows}
        self.table.set_frame(frame, {"figure": "", **headers})  # technology over split and class
        for col in range(1, len(frame.columns)):
            self.table.setColumnWidth(col, min(self.table.columnWidth(col), COLUMN_PX))
        self.table.source.set_bold_rows(
            {i for i, f in enumerate(frame["figure"]) if f in BOLD_FIGURES}
        )
        self.chart.set_figure(outcome.figure)
        cheapest = min(outcome.rows, key=lambda r: float(r["per_premise_eur"]))
        self.status.setText(
            f"{outcome.district_name}: {len(outcome.rows)} architectures in "
            f"{outcome.seconds:.1f} s; cheapest per premise {cheapest['label']} "
            f"({float(cheapest['per_premise_eur']):,.0f} EUR)."
        )
        self.note.setText(outcome.npv_note or NPV_NOTE)
        self.csv_button.setEnabled(True)

    def _save_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the comparison", "architectures.csv", "CSV (*.csv)"
        )
        if not path:
            return
        try:
            self.table.export_csv(path)
        except OSError as exc:
            QMessageBox.warning(self, "Table not saved", str(exc))
