"""The Business models tab: finance inputs, the comparison table and the charts.

The finance parameter panels are generated from ``models.FinanceParams``
(grouped by each field's ``group``); the figures come from
:mod:`models.charts`. The window recomputes in a worker thread whenever the
plan's capex, a finance input or a chart choice changes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.charts import ChartView
from ui.forms import ModelForm
from ui.tables import DataFrameView
from ui.tasks import FinanceOutcome, FinanceRequest

CHARTS = (
    ("npv_by_model", "NPV by model and actor"),
    ("revenue_split", "Revenue split"),
    ("cash_flow", "Cumulative cash flow"),
    ("tornado", "Tornado"),
    ("monte_carlo", "Monte Carlo"),
)
TABLE_COLUMNS = [
    "model",
    "actor",
    "npv_eur",
    "irr",
    "payback_year",
    "peak_funding_eur",
    "revenue_share",
]
TABLE_HEADERS = {
    "model": "Model",
    "actor": "Actor",
    "npv_eur": "NPV (EUR)",
    "irr": "IRR",
    "payback_year": "Payback (year)",
    "peak_funding_eur": "Peak funding (EUR)",
    "revenue_share": "Revenue share",
}


def model_titles() -> dict[str, str]:
    """``{model name: title}`` of the four business models."""
    from models import MODELS

    return {name: spec.title for name, spec in MODELS.items()}


def comparison_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The comparison table for display: model titles, the columns that matter."""
    titles = model_titles()
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    frame["model"] = [titles.get(m, m) for m in frame["model"]]
    frame["payback_year"] = pd.Series(
        [None if pd.isna(v) else int(v) for v in frame["payback_year"]], dtype=object
    )
    return frame[TABLE_COLUMNS]


class FinanceView(QWidget):
    """Finance inputs on the left, the comparison and its charts on the right.

    Signals
    -------
    params_edited(object, str)
        New validated ``FinanceParams`` and the field edited.
    choices_changed()
        A chart choice changed (model, actor, Monte Carlo draws).
    """

    params_edited = Signal(object, str)
    choices_changed = Signal()

    def __init__(self, params: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from models import FinanceParams

        self.form = ModelForm(FinanceParams, params, sections="json:group", parent=self)
        self.form.setObjectName("financeForm")
        self.form.changed.connect(self.params_edited.emit)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        reset = QPushButton("Reset to defaults", self)
        reset.setToolTip("Every finance input back to its sourced default")
        reset.clicked.connect(lambda: self.params_edited.emit(FinanceParams(), "all inputs"))
        self.capex_label = QLabel("", self)
        self.capex_label.setObjectName("capexSource")
        self.capex_label.setWordWrap(True)
        self.capex_label.setStyleSheet("color: #37474f;")
        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Finance inputs", left)
        heading.setStyleSheet("font-weight: 600;")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(reset)
        lv.addLayout(top)
        lv.addWidget(self.capex_label)
        lv.addWidget(scroll, 1)

        self.status = QLabel("", self)
        self.status.setObjectName("financeStatus")
        self.status.setStyleSheet("color: #607d8b;")
        self.table = DataFrameView(self)
        self.table.setObjectName("comparisonTable")
        left.setMinimumWidth(270)
        self.charts: dict[str, ChartView] = {}
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("financeCharts")
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        titles = model_titles()
        self.cashflow_model = self._model_combo(titles, "separated")
        self.tornado_model = self._model_combo(titles, "separated")
        self.tornado_actor = QComboBox(self)
        self.tornado_actor.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.tornado_actor.setMinimumContentsLength(6)
        self.tornado_actor.setObjectName("tornadoActor")
        self.tornado_model.currentIndexChanged.connect(self._fill_actors)
        self.tornado_actor.currentIndexChanged.connect(lambda _i: self.choices_changed.emit())
        self.mc_draws = QSpinBox(self)
        self.mc_draws.setRange(100, 50_000)
        self.mc_draws.setSingleStep(500)
        self.mc_draws.setValue(2000)
        self.mc_draws.setKeyboardTracking(False)
        self.mc_draws.setSuffix(" draws")
        self.mc_draws.valueChanged.connect(lambda _v: self.choices_changed.emit())
        self.mc_seed = QSpinBox(self)
        self.mc_seed.setRange(0, 2**31 - 1)
        self.mc_seed.setValue(1)
        self.mc_seed.setKeyboardTracking(False)
        self.mc_seed.setPrefix("seed ")
        self.mc_seed.valueChanged.connect(lambda _v: self.choices_changed.emit())
        self.cashflow_model.setToolTip("Whose cash flows: which business model")
        self.tornado_model.setToolTip("Sensitivity of which business model")
        self.tornado_actor.setToolTip("Sensitivity of which actor's NPV")
        controls: dict[str, list[QWidget]] = {
            "cash_flow": [self.cashflow_model],
            "tornado": [self.tornado_model, self.tornado_actor],
            "monte_carlo": [self.mc_draws, self.mc_seed],
        }
        for key, title in CHARTS:
            page = QWidget(self.tabs)
            pv = QVBoxLayout(page)
            pv.setContentsMargins(2, 2, 2, 2)
            chart = ChartView(key, "Computing…", page)
            if key in controls:
                for i, w in enumerate(controls[key]):
                    chart.tools.insertWidget(i, w)
            pv.addWidget(chart)
            self.charts[key] = chart
            self.tabs.addTab(page, title)
        self._fill_actors()
        right = QSplitter(Qt.Orientation.Vertical, self)
        table_box = QWidget(right)
        tv = QVBoxLayout(table_box)
        tv.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        heading = QLabel("Four ownership models compared, per actor", table_box)
        heading.setStyleSheet("font-weight: 600;")
        head.addWidget(heading)
        head.addStretch(1)
        head.addWidget(self.status)
        tv.addLayout(head)
        tv.addWidget(self.table, 1)
        right.addWidget(table_box)
        right.addWidget(self.tabs)
        right.setStretchFactor(0, 2)
        right.setStretchFactor(1, 3)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.outcome: FinanceOutcome | None = None

    def _model_combo(self, titles: dict[str, str], current: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(9)
        for name, title in titles.items():
            combo.addItem(title, name)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.currentIndexChanged.connect(lambda _i: self.choices_changed.emit())
        return combo

    def _fill_actors(self) -> None:
        from models import MODELS, model_actors

        name = self.tornado_model.currentData()
        current = self.tornado_actor.currentText() or "PIP"
        actors: list[str] = []
        try:
            params = self.form.value()
            actors = [a.name for a in model_actors(MODELS[name], params)]  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            actors = []
        self.tornado_actor.blockSignals(True)
        self.tornado_actor.clear()
        for a in [*actors, "value chain"]:
            self.tornado_actor.addItem(a)
        index = self.tornado_actor.findText(current)
        self.tornado_actor.setCurrentIndex(index if index >= 0 else 0)
        self.tornado_actor.blockSignals(False)

    def set_params(self, params: Any) -> None:
        """Show finance parameters (after an edit, undo or load)."""
        if params != self.form.value():
            self.form.set_value(params)
        self._fill_actors()

    def request(self, summary: dict[str, Any] | None) -> FinanceRequest:
        """What to compute for a plan summary and the current choices."""
        return FinanceRequest(
            summary=summary,
            params=self.form.value(),
            cashflow_model=str(self.cashflow_model.currentData()),
            tornado_model=str(self.tornado_model.currentData()),
            tornado_actor=self.tornado_actor.currentText() or "PIP",
            mc_draws=self.mc_draws.value(),
            mc_seed=self.mc_seed.value(),
        )

    def set_capex_source(self, summary: dict[str, Any] | None) -> None:
        """Say where the capex comes from."""
        if summary is None:
            self.capex_label.setText(
                "No plan yet: the example district's capex (5,000 homes, assumed figures) is used."
            )
            return
        c = summary["capex_eur"]
        self.capex_label.setText(
            f"Capex from the plan of {summary.get('district', '')}: {c['total']:,.0f} EUR for "
            f"{summary['homes']['passed']:,} homes passed "
            f"({c['per_home_passed']:,.0f} EUR per home to pass)."
        )

    def set_busy(self, text: str) -> None:
        """Show that the models are being recomputed."""
        self.status.setText(text)

    def set_outcome(self, outcome: FinanceOutcome) -> None:
        """Show a finished comparison and its charts."""
        self.outcome = outcome
        self.table.set_frame(comparison_frame(outcome.rows), TABLE_HEADERS)
        chain = {i for i, r in enumerate(outcome.rows) if r["actor"] == "value chain"}
        self.table.source.set_bold_rows(chain)
        for key, _ in CHARTS:
            self.charts[key].set_figure(outcome.figures.get(key))
        self.status.setText(f"Updated in {outcome.seconds:.2f} s")

    def set_error(self, message: str) -> None:
        """Show why the models could not run."""
        self.status.setText("Not updated: see the message")
        for chart in self.charts.values():
            chart.set_figure(None, message)
