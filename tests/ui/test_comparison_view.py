"""The Architectures tab (issue 17): GPON, XGS-PON and point-to-point side by side, in a worker."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QTimer

from fttx_planner.catalogue import Catalogue
from fttx_planner.endpoints.architectures import load_architectures
from fttx_planner.params import Deployment, DesignParams
from models import FinanceParams
from tests.ui.conftest import SMALL
from ui.comparison_view import BOLD_FIGURES, COLUMN_PX, NPV_NOTE, architecture_table
from ui.tasks import ComparisonOutcome, DistrictCache, comparison_task


@pytest.fixture(scope="module")
def outcome() -> ComparisonOutcome:
    """The small synthetic district compared, outside the window."""
    progress: list[float] = []
    task = comparison_task(SMALL, DesignParams(), Catalogue.default(), DistrictCache())
    result = task(lambda f, _s: progress.append(f), lambda: False)
    assert progress == sorted(progress) and progress[-1] == 1.0
    return result


def _cell(frame: Any, figure: str, column: str) -> str:
    return str(frame.loc[frame["figure"] == figure, column].item())


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def test_every_architecture_is_designed_and_tabled(outcome: ComparisonOutcome) -> None:
    archs = load_architectures()
    assert [r["architecture"] for r in outcome.rows] == list(archs)
    labels = [r["label"] for r in outcome.rows]
    assert len(set(labels)) == len(labels)
    assert {"GPON 1:32 B+", "GPON 1:4+1:16 C+", "P2P Ethernet"} <= set(labels)
    frame = architecture_table(outcome.rows)
    assert list(frame.columns) == ["figure", *labels]
    for row in outcome.rows:
        col = row["label"]
        layers = [f for f in frame["figure"] if f.startswith("Capex: ")]
        assert sum(_number(_cell(frame, f, col)) for f in layers) == pytest.approx(
            row["capex_total_eur"], abs=len(layers)
        )
        assert _number(_cell(frame, "Capex per premise (EUR)", col)) == pytest.approx(
            row["capex_total_eur"] / row["homes_passed"], abs=0.5
        )
        assert _number(_cell(frame, "Office ports", col)) == row["co_ports"]
    p2p = next(r for r in outcome.rows if r["technology"] == "P2P")
    pons = [r for r in outcome.rows if r["technology"] != "P2P"]
    # Point-to-point: one office port per premise, no splitter, the most fibre.
    assert p2p["co_ports"] == p2p["homes_passed"] and p2p["splitters"] == 0
    assert all(p2p["fibre_km"] > r["fibre_km"] for r in pons)
    assert all(p2p["co_rack_units"] >= r["co_rack_units"] for r in pons)
    assert _cell(frame, "Splitters", "P2P Ethernet") == "0"
    assert "288f" in _cell(frame, "Cable by size (m)", "P2P Ethernet")
    assert _cell(frame, "Loss budget (dB)", "GPON 1:32 B+") == "28 (B+)"
    assert not frame["figure"].str.startswith("NPV").any()


def test_npv_rows_when_the_business_models_give_them(outcome: ComparisonOutcome) -> None:
    npv = [{"Operator": 1000.0 * i, "Open access": -5.0} for i in range(len(outcome.rows))]
    frame = architecture_table(outcome.rows, npv)
    last = frame[frame["figure"].str.startswith("NPV")]
    first = int(last.index[0])
    assert frame["figure"][first - 1] == "Capex to pass per premise (EUR)"
    assert list(last.index) == [first, first + 1]
    assert list(last["figure"]) == [
        "NPV Operator, value chain (EUR)",
        "NPV Open access, value chain (EUR)",
    ]
    assert _cell(frame, "NPV Operator, value chain (EUR)", outcome.rows[2]["label"]) == "2,000"


def test_chart_has_a_bar_per_architecture(outcome: ComparisonOutcome) -> None:
    capex_ax, fibre_ax = outcome.figure.axes
    labels = [t.get_text().replace("\n", " ") for t in capex_ax.get_xticklabels()]
    assert labels == [r["label"] for r in outcome.rows]
    # Stacked: the top of each column is that architecture's total capex.
    tops: dict[float, float] = {}
    for bar in capex_ax.patches:
        x = round(bar.get_x() + bar.get_width() / 2, 3)
        tops[x] = max(tops.get(x, 0.0), bar.get_y() + bar.get_height())
    assert [tops[k] for k in sorted(tops)] == pytest.approx(
        [r["capex_total_eur"] for r in outcome.rows]
    )
    widths = [bar.get_width() for bar in fibre_ax.patches]
    assert widths == pytest.approx([r["fibre_km"] for r in outcome.rows])


def test_window_compares_in_a_worker_and_keeps_running(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    view = window.comparison_view
    assert window.tabs.tabText(window.tabs.indexOf(view)) == "Architectures"
    window.tabs.setCurrentWidget(view)
    ticks = {"during": 0}
    timer = QTimer(window)
    timer.setInterval(5)
    timer.timeout.connect(
        lambda: ticks.__setitem__("during", ticks["during"] + int(view.runner.busy))
    )
    timer.start()
    seen: list[float] = []
    view.runner.progress.connect(lambda f, _s: seen.append(f))
    with qtbot.waitSignal(view.runner.finished, timeout=120_000):
        view.compare_button.click()
        assert view.runner.busy and view.cancel_button.isEnabled()
    timer.stop()
    # The event loop kept running while the six designs were made.
    assert ticks["during"] > 0
    assert seen and seen == sorted(seen)
    assert not view.progress.isVisible() and not view.cancel_button.isEnabled()
    frame = view.table.source.frame
    assert len(frame.columns) == 1 + len(load_architectures())
    bold = {frame["figure"][i] for i in view.table.source._highlight}
    assert bold == set(BOLD_FIGURES)
    assert view.chart.figure is view.outcome.figure
    assert view.table.columnWidth(1) <= COLUMN_PX
    assert "cheapest per premise" in view.status.text()
    # The business models on each architecture, with the window's finance inputs.
    from models.architectures import architecture_finance, capex_from_row

    capex = {r["architecture"]: capex_from_row(r) for r in view.outcome.rows}
    finance = architecture_finance(capex, window.session.finance_params)
    npv_rows = frame[frame["figure"].str.startswith("NPV ")]
    assert len(npv_rows) == len(window._titles) == 4
    for model, title in window._titles.items():
        figure = f"NPV {title}, value chain (EUR)"
        for r in view.outcome.rows:
            expected = finance.comparisons[r["architecture"]][model].value_chain_npv_eur
            assert _number(_cell(frame, figure, r["label"])) == pytest.approx(expected, abs=0.5)
    p2p = _cell(frame, "Office power and space (EUR/year)", "P2P Ethernet")
    gpon = _cell(frame, "Office power and space (EUR/year)", "GPON 1:32 B+")
    assert _number(p2p) > _number(gpon) > 0  # a port per premise draws more power and space
    assert view.note.text() == NPV_NOTE
    # The district's plan was not touched by the comparison.
    assert window.session.outcome is None and not window.plan_runner.busy
    # A change of the inputs marks the table as out of date.
    window.session.set_design_params(DesignParams(split_ratio=64))
    assert "before the inputs changed" in view.status.text()


def test_refused_finance_inputs_leave_the_design_figures() -> None:
    from dataclasses import replace

    from fttx_planner.endpoints.compare import compare_architectures
    from fttx_planner.synthetic import grid_district
    from ui.tasks import architecture_npv

    designs = compare_architectures(
        grid_district(120, irregular=True, seed=5), names=["gpon_b_plus"]
    )
    rows = [dict(d.row) for d in designs]
    npv, note = architecture_npv(designs, rows, "grid", None)
    assert npv is None and "business models" in note
    npv, note = architecture_npv(designs, rows, "grid", FinanceParams())
    assert npv is not None and note == "" and rows[0]["office_opex_eur_per_year"] > 0
    # A capex the business models refuse (no premise passed).
    refused = [replace(d, row={**d.row, "homes_passed": 0}) for d in designs]
    rows = [dict(d.row) for d in refused]
    npv, note = architecture_npv(refused, rows, "grid", FinanceParams())
    assert npv is None and note.startswith("NPV per architecture not computed: ")
    assert "\n" not in note and "homes_passed" in note
    assert "office_opex_eur_per_year" not in rows[0]


def test_cancel_keeps_the_previous_table(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    view = window.comparison_view

    def cancel_at_first_progress(_f: float, _s: str) -> None:
        view.cancel()

    view.runner.progress.connect(cancel_at_first_progress)
    with qtbot.waitSignal(view.runner.cancelled, timeout=120_000):
        view.start()
    assert view.outcome is None and "cancelled" in view.status.text()
    view.runner.progress.disconnect(cancel_at_first_progress)
    with qtbot.waitSignal(view.runner.finished, timeout=120_000):
        view.start()
    assert view.outcome is not None and len(view.outcome.rows) == len(load_architectures())


def test_bad_input_is_one_line_in_the_tab(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    view = window.comparison_view
    window.session.set_design_params(DesignParams(deployment=Deployment.BROWNFIELD))
    window.cancel_plan()
    with qtbot.waitSignal(view.runner.failed, timeout=60_000):
        view.start()
    assert "needs an existing-infrastructure layer" in view.last_error
    assert "\n" not in view.last_error and "Traceback" not in view.last_error
    assert view.status.text().startswith("Could not compare: Brownfield planning")
    assert view.outcome is None and not view.csv_button.isEnabled()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_comparison_is_readable_on_a_laptop_and_a_desktop(
    qtbot: Any, make_window: Any, qapp: Any, size: tuple[int, int]
) -> None:
    from tests.ui._clipping import clipped
    from ui.app import apply_theme

    style, palette, font, sheet = (
        qapp.style().name(),
        qapp.palette(),
        qapp.font(),
        qapp.styleSheet(),
    )
    apply_theme(qapp)
    try:
        window = make_window()
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        view = window.comparison_view
        window.tabs.setCurrentWidget(view)
        with qtbot.waitSignal(view.runner.finished, timeout=120_000):
            view.start()
        qtbot.wait(50)
        assert clipped(view) == []
        # Every architecture's column is in view without scrolling sideways.
        table = view.table
        right = table.columnViewportPosition(table.model().columnCount() - 1)
        assert right >= 0 and right + table.columnWidth(1) <= table.viewport().width() + 2
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setFont(font)
        qapp.setPalette(palette)
        qapp.setStyle(style)
