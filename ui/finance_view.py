"""The Business models tab: finance inputs, the comparison table and the charts.

The finance parameter panels are generated from ``models.FinanceParams``
(grouped by each field's ``group``); the figures come from
:mod:`models.charts`. The window recomputes in a worker thread whenever the
plan's capex, a finance input or a chart choice changes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QPoint, Qt, Signal
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
from ui.finance_names import GLOSSARY, actor_title, expand_title
from ui.forms import ModelForm
from ui.tables import DataFrameView
from ui.tasks import FinanceOutcome, FinanceRequest

#: The right-hand tabs: the comparison table first, then the charts (key, tab title).
CHARTS = (
    ("npv_by_model", "NPV by actor"),
    ("revenue_split", "Revenue split"),
    ("cash_flow", "Cash flow"),
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
    "npv_eur": "NPV\n(EUR)",
    "irr": "IRR",
    "payback_year": "Payback\nyear",
    "peak_funding_eur": "Peak funding\n(EUR)",
    "revenue_share": "Revenue\nshare",
}


def model_titles() -> dict[str, str]:
    """``{model name: title}`` of the four business models."""
    from models import MODELS

    return {name: spec.title for name, spec in MODELS.items()}


def comparison_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The comparison table for display: one heading row per model, then its actors in full.

    A heading row has the model's title in ``actor`` and nothing else; the
    ``model`` column (hidden in the window) names each row's model.
    """
    titles = model_titles()
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    out: list[dict[str, Any]] = []
    for name, group in frame.groupby("model", sort=False):
        title = titles.get(str(name), str(name))
        out.append({"model": title, "actor": title, "heading": True})
        for r in group.to_dict("records"):
            payback = r["payback_year"]
            out.append(
                {
                    **{c: r[c] for c in TABLE_COLUMNS},
                    "model": title,
                    "actor": actor_title(str(r["actor"])),
                    "payback_year": None if pd.isna(payback) else int(payback),
                    "heading": False,
                }
            )
    shown = pd.DataFrame(out, columns=[*TABLE_COLUMNS, "heading"])
    shown["payback_year"] = pd.Series([r.get("payback_year") for r in out], dtype=object)
    return shown


def finance_titles() -> dict[str, str]:
    """Labels of the finance inputs whose title starts with an actor's abbreviation."""
    from models import FinanceParams

    out = {}
    for name, info in FinanceParams.model_fields.items():
        title = info.title or name
        if expand_title(title) != title:
            out[name] = expand_title(title)
    return out


class FinanceView(QWidget):
    """Finance inputs on the left; the comparison table and each chart in tabs on the right.

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

        self.form = ModelForm(
            FinanceParams, params, sections="json:group", parent=self, titles=finance_titles(),
            toolbox=False,
        )  # fmt: skip
        self.form.setObjectName("financeForm")
        self.form.changed.connect(self.params_edited.emit)
        scroll = QScrollArea(self)
        scroll.setObjectName("financeInputs")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.form)
        self.inputs_scroll = scroll
        self.section_combo = QComboBox(self)
        self.section_combo.setObjectName("financeSection")
        self.section_combo.setToolTip("Jump to a group of inputs")
        self.section_combo.addItems(list(self.form.section_headers))
        self.section_combo.activated.connect(self._jump_to_section)
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
        jump = QHBoxLayout()
        jump.addWidget(QLabel("Go to", left))
        jump.addWidget(self.section_combo, 1)
        lv.addLayout(jump)
        lv.addWidget(scroll, 1)
        left.setMinimumWidth(300)

        self.status = QLabel("", self)
        self.status.setObjectName("financeStatus")
        self.status.setStyleSheet("color: #607d8b;")
        self.table = DataFrameView(self, sortable=False, stretch=False)
        self.table.setObjectName("comparisonTable")
        self.table.setToolTip(GLOSSARY)
        glossary = QLabel(GLOSSARY, self)
        glossary.setObjectName("actorGlossary")
        glossary.setWordWrap(True)
        glossary.setStyleSheet("color: #546e7a; font-size: 8.5pt;")
        self.charts: dict[str, ChartView] = {}
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("financeCharts")
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideNone)
        titles = model_titles()
        self.cashflow_model = self._model_combo(titles, "separated")
        self.tornado_model = self._model_combo(titles, "separated")
        self.mc_model = self._model_combo(titles, "separated", everything="All four models")
        self.tornado_actor = QComboBox(self)
        self.tornado_actor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
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
        self.mc_model.setToolTip("NPV distribution of which business model (or all four)")
        controls: dict[str, list[QWidget]] = {
            "cash_flow": [self.cashflow_model],
            "tornado": [self.tornado_model, self.tornado_actor],
            "monte_carlo": [self.mc_model, self.mc_draws, self.mc_seed],
        }
        table_page = QWidget(self.tabs)
        tv = QVBoxLayout(table_page)
        tv.setContentsMargins(4, 4, 4, 4)
        head = QHBoxLayout()
        heading = QLabel("Four ownership models compared, per actor", table_page)
        heading.setStyleSheet("font-weight: 600;")
        head.addWidget(heading)
        head.addStretch(1)
        head.addWidget(self.status)
        tv.addLayout(head)
        tv.addWidget(glossary)
        tv.addWidget(self.table, 1)
        self.tabs.addTab(table_page, "Comparison")
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
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("financeSplitter")
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 10_000])  # the inputs at their width, the rest to the results
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.outcome: FinanceOutcome | None = None

    def _jump_to_section(self, index: int) -> None:
        header = self.form.section_headers.get(self.section_combo.itemText(index))
        if header is not None:
            y = header.mapTo(self.form, QPoint(0, 0)).y()
            self.inputs_scroll.verticalScrollBar().setValue(y)

    def _model_combo(self, titles: dict[str, str], current: str, everything: str = "") -> QComboBox:
        combo = QComboBox(self)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        if everything:
            combo.addItem(everything, None)
        for name, title in titles.items():
            combo.addItem(title, name)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.currentIndexChanged.connect(lambda _i: self.choices_changed.emit())
        return combo

    def _fill_actors(self) -> None:
        from models import MODELS, model_actors

        name = self.tornado_model.currentData()
        current = self.tornado_actor.currentData() or "PIP"
        actors: list[str] = []
        try:
            params = self.form.value()
            actors = [a.name for a in model_actors(MODELS[name], params)]  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            actors = []
        self.tornado_actor.blockSignals(True)
        self.tornado_actor.clear()
        for a in [*actors, "value chain"]:
            self.tornado_actor.addItem(actor_title(a), a)
        index = self.tornado_actor.findData(current)
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
            tornado_actor=str(self.tornado_actor.currentData() or "PIP"),
            mc_draws=self.mc_draws.value(),
            mc_seed=self.mc_seed.value(),
            mc_model=self.mc_model.currentData(),
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
        frame = comparison_frame(outcome.rows)
        headings = frame.pop("heading").to_numpy(dtype=bool)
        self.table.clearSpans()
        self.table.set_frame(frame, TABLE_HEADERS)
        self.table.setColumnHidden(0, True)  # the model heads its group instead
        chain = set(np.flatnonzero(frame["actor"].to_numpy() == actor_title("value chain")))
        for row in np.flatnonzero(headings):
            self.table.setSpan(int(row), 1, 1, len(TABLE_COLUMNS) - 1)
        self.table.source.set_bold_rows({int(r) for r in chain | set(np.flatnonzero(headings))})
        self.table.resizeColumnsToContents()
        for key, _ in CHARTS:
            self.charts[key].set_figure(outcome.figures.get(key))
        self.status.setText(f"Updated in {outcome.seconds:.2f} s")

    def set_error(self, message: str) -> None:
        """Show why the models could not run."""
        self.status.setText("Not updated: see the message")
        for chart in self.charts.values():
            chart.set_figure(None, message)
