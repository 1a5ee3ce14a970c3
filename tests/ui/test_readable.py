"""The window at a laptop's 1366 x 768 and a desktop's 1920 x 1080: nothing clipped.

The application's own theme (font, style) is applied as ``fttx-planner-gui``
does. Every label, button, tab, combo box, spin box and table cell of every
tab is compared with the width its text needs (:mod:`tests.ui._clipping`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QToolButton

from tests.ui._clipping import clipped

SIZES = [(1366, 768), (1920, 1080)]
#: Where the Monte Carlo panel was illegible (issue 15).
FINANCE_SIZES = [*SIZES, (1600, 1000)]


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[None]:
    """The application's theme for one test, then Qt's defaults back."""
    from ui.app import apply_theme

    style, palette = qapp.style().name(), qapp.palette()
    font, sheet = qapp.font(), qapp.styleSheet()
    apply_theme(qapp)
    yield
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    qapp.setPalette(palette)
    qapp.setStyle(style)


def _planned_window(qtbot: Any, make_window: Any, plan_now: Any, size: tuple[int, int]) -> Any:
    window = make_window()
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    assert (window.width(), window.height()) == size
    plan_now(window)
    qtbot.waitUntil(lambda: window.finance_outcome is not None, timeout=60_000)
    return window


def _settle(qtbot: Any) -> None:
    QApplication.processEvents()
    qtbot.wait(30)
    QApplication.processEvents()


def _legend_over_plot(chart: Any) -> bool:
    """Whether a legend covers part of a plot, drawn at the chart's size in the pane."""
    from matplotlib.transforms import Bbox

    chart.canvas.draw()
    for ax in chart.figure.axes:
        legend = ax.get_legend()
        if legend is not None and ax.get_visible():
            inside = Bbox.intersection(legend.get_window_extent(), ax.get_window_extent())
            if inside is not None and inside.width > 1 and inside.height > 1:
                return True
    return False


@pytest.mark.usefixtures("themed")
@pytest.mark.parametrize("size", FINANCE_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_business_models_tab_has_no_elided_text(
    qtbot: Any, make_window: Any, plan_now: Any, size: tuple[int, int]
) -> None:
    window = _planned_window(qtbot, make_window, plan_now, size)
    view = window.finance_view
    window.tabs.setCurrentWidget(view)
    _settle(qtbot)
    # The results get most of the width; the inputs keep theirs.
    assert view.tabs.width() > view.inputs_scroll.width()
    for i in range(view.tabs.count()):
        view.tabs.setCurrentIndex(i)
        _settle(qtbot)
        problems = clipped(view)
        assert problems == [], (view.tabs.tabText(i), "\n".join(problems))
    for key, chart in view.charts.items():
        assert not _legend_over_plot(chart), key

    for i in range(view.section_combo.count()):  # every group of inputs, scrolled into view
        view.section_combo.setCurrentIndex(i)
        view.section_combo.activated.emit(i)
        _settle(qtbot)
        assert clipped(view.form) == [], view.section_combo.itemText(i)
    labels = [w.text() for w in view.form.findChildren(type(view.status)) if w.text()]
    assert "Passive infrastructure provider (PIP) discount rate" in labels
    assert view.form.editors["takeup_saturation"].spin.text().endswith(" %")  # type: ignore[attr-defined]


@pytest.mark.usefixtures("themed")
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_tab_and_panel_is_readable(
    qtbot: Any, make_window: Any, plan_now: Any, size: tuple[int, int]
) -> None:
    window = _planned_window(qtbot, make_window, plan_now, size)
    assert window.compact_layout == (size[0] < 1720)
    window.keep_scenario("Small 1:32")
    window.set_design_param("split_ratio", 64)
    plan_now(window)
    window.keep_scenario("Small 1:64")
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        _settle(qtbot)
        assert clipped(window.tabs.currentWidget()) == [], window.tabs.tabText(i)
    for dock in (window.plan_dock, window.summary_dock, window.details_dock):
        dock.raise_()
        _settle(qtbot)
        assert clipped(dock) == [], dock.windowTitle()
    assert clipped(window.statusBar()) == []
    overflow = window.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert overflow is None or not overflow.isVisible()  # every tool bar button shows
