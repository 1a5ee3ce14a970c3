"""Catalogue table, data tables, charts, and the results, finance and scenario views."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fttx_planner.catalogue import Catalogue
from fttx_planner.params import DesignParams
from ui.catalogue_view import COLUMNS, CatalogueWidget
from ui.charts import ChartView, capex_by_layer_figure
from ui.finance_view import FinanceView
from ui.panels import DetailsPanel, DistrictPanel, SummaryPanel
from ui.project import DistrictRef, ScenarioRecord
from ui.results_view import ResultsView, summary_rows
from ui.scenarios_view import ScenariosView
from ui.tables import DataFrameView, format_value, pretty_header
from ui.tasks import FinanceRequest, finance_task


def _index(widget: CatalogueWidget, item: str, column: str) -> Any:
    model = widget.model
    row = [it.item for it in model.catalogue.items.values()].index(item)
    return model.index(row, COLUMNS.index(column))


def test_catalogue_edits_are_validated_by_the_engine(qtbot: Any) -> None:
    widget = CatalogueWidget()
    qtbot.addWidget(widget)
    widget.catalogue_edited.connect(lambda cat, what: widget.set_catalogue(cat))
    index = _index(widget, "trench_footway", "unit_cost_eur")
    with qtbot.waitSignal(widget.catalogue_edited) as blocker:
        assert widget.model.setData(index, "60")
    assert blocker.args[0].cost("trench_footway") == 60.0
    assert widget.model.data(index, Qt.ItemDataRole.FontRole).bold()  # changed from shipped
    assert not widget.model.setData(index, "-5")
    assert "non-negative" in widget.message.text()
    assert not widget.model.setData(index, "cheap")
    assert "not a number" in widget.message.text()
    assert widget.model.catalogue.cost("trench_footway") == 60.0
    source = _index(widget, "trench_footway", "source")
    assert not widget.model.setData(source, "  ")
    assert "source is empty" in widget.message.text()
    assert widget.model.setData(source, "our 2024 tender")
    assert widget.model.catalogue["trench_footway"].source == "our 2024 tender"
    assert (
        not widget.model.flags(_index(widget, "trench_footway", "item"))
        & Qt.ItemFlag.ItemIsEditable
    )
    widget.reset()
    assert widget.model.catalogue.cost("trench_footway") == Catalogue.default().cost(
        "trench_footway"
    )


def test_catalogue_csv_import_and_export(qtbot: Any, tmp_path: Path) -> None:
    widget = CatalogueWidget()
    qtbot.addWidget(widget)
    widget.catalogue_edited.connect(lambda cat, what: widget.set_catalogue(cat))
    path = tmp_path / "cat.csv"
    widget.export_csv(str(path))
    text = path.read_text(encoding="utf-8").replace(
        "trench_footway,civil,pass,m,49.0", "trench_footway,civil,pass,m,70.0"
    )
    path.write_text(text, encoding="utf-8")
    assert widget.import_csv(str(path))
    assert widget.model.catalogue.cost("trench_footway") == 70.0
    bad = tmp_path / "bad.csv"
    bad.write_text("item,layer\n", encoding="utf-8")
    assert not widget.import_csv(str(bad))
    assert "missing columns" in widget.message.text()


def test_dataframe_view_sorts_numbers_filters_and_copies(qtbot: Any, tmp_path: Path) -> None:
    view = DataFrameView(default_sort=("cost_eur", True))
    qtbot.addWidget(view)
    frame = pd.DataFrame({"item": ["a", "b", "c"], "cost_eur": [5.0, 1000.0, 20.0]})
    view.set_frame(frame)
    assert list(view.visible_frame()["item"]) == ["b", "c", "a"]
    view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert list(view.visible_frame()["item"]) == ["a", "c", "b"]
    view.set_filter("b")
    assert list(view.visible_frame()["item"]) == ["b"]
    view.set_filter("")
    text = view.copy_selection()
    assert text.splitlines()[0] == "Item\tCost (EUR)"
    assert QApplication.clipboard().text() == text
    out = view.export_csv(tmp_path / "t.csv")
    assert out.read_text(encoding="utf-8").startswith("item,cost_eur")


def test_value_formats() -> None:
    assert format_value(1234567.8, "cost_eur") == "1,234,568"
    assert format_value(0.0512, "irr") == "5.1 %"
    assert format_value(float("nan")) == ""
    assert format_value(True) == "yes"
    assert pretty_header("unit_cost_eur") == "Unit cost (EUR)"


def test_chart_view_saves_png_and_svg(qtbot: Any, tmp_path: Path) -> None:
    view = ChartView("capex")
    qtbot.addWidget(view)
    assert not view.save_png.isEnabled()
    with pytest.raises(ValueError, match="no capex chart"):
        view.save(tmp_path / "x.png")
    view.set_figure(capex_by_layer_figure({"civil": 7e5, "drops": 2e5, "olt": 5e4}, 1000))
    assert view.save_png.isEnabled()
    assert view.save(tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in view.save(tmp_path / "c.svg").read_bytes()[:400]
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        view.save(tmp_path / "c.pdf")
    view.set_figure(None, "gone")
    assert view.placeholder.text() == "gone"


def test_results_view(qtbot: Any, small_outcome: Any) -> None:
    view = ResultsView()
    qtbot.addWidget(view)
    view.set_results(small_outcome.summary, small_outcome.plan.bom)
    assert "Synthetic" in view.header.text()
    assert view.bom.source.rowCount() == len(small_outcome.plan.bom)
    assert view.chart.figure is not None
    assert "EUR" in view.bom_total.text()
    rows = summary_rows(small_outcome.summary)
    assert "Homes passed" in set(rows["figure"])
    view.set_results(small_outcome.summary, None)
    assert "re-made" in view.bom_total.text()
    view.set_results(None, None)
    assert view.header.text() == "No plan yet"


def test_side_panels(qtbot: Any, small_outcome: Any) -> None:
    from fttx_planner.samples import list_samples

    panel = SummaryPanel()
    qtbot.addWidget(panel)
    panel.set_summary(small_outcome.summary)
    passed = small_outcome.summary["homes"]["passed"]
    assert panel.cards["homes"].value.text() == f"{passed:,}"
    panel.set_stale("changed")
    assert panel.stale.isVisibleTo(panel)
    details = DetailsPanel()
    qtbot.addWidget(details)
    feature = small_outcome.scene.feature("splitters", 0)
    details.show_feature(feature, pinned=True)
    assert feature.title in details.text()
    district = DistrictPanel(list_samples())
    qtbot.addWidget(district)
    with qtbot.waitSignal(district.district_chosen) as blocker:
        district.set_district(DistrictRef.sample("dreieich"))
        district.combo.setCurrentIndex(district.combo.findData("kotka_karhula"))
        district.combo.activated.emit(district.combo.currentIndex())
    assert blocker.args[0] == DistrictRef.sample("kotka_karhula")
    district.set_district(DistrictRef.sample("kotka_karhula"))
    assert "infrastructure.geojson" in district.infra_label.text()
    district.set_district(DistrictRef.synthetic(100))
    assert "synthetic" in district.combo.currentText()


def test_finance_view_shows_the_comparison(qtbot: Any, small_outcome: Any) -> None:
    from models import FinanceParams

    view = FinanceView(FinanceParams())
    qtbot.addWidget(view)
    request = view.request(small_outcome.summary)
    assert isinstance(request, FinanceRequest)
    outcome = finance_task(request)(lambda f, s: None, lambda: False)
    view.set_outcome(outcome)
    models_shown = set(view.table.source.frame["model"])
    assert models_shown == {"Verticalized", "Passive Shared", "Active Shared", "Separated"}
    actors = set(view.table.source.frame["actor"])
    assert {"Value chain (all actors)", "Passive infrastructure provider (PIP)"} <= actors
    assert "Service provider SP1" in actors
    npv_legend = view.charts["npv_by_model"].figure.axes[0].get_legend()
    labels = [" ".join(t.get_text().split()) for t in npv_legend.get_texts()]
    assert "Passive infrastructure provider (PIP)" in labels
    # The legend stands beside the bars, not over them.
    fig = view.charts["npv_by_model"].figure
    fig.canvas.draw()
    ax_box = fig.axes[0].get_window_extent()
    assert npv_legend.get_window_extent().x0 >= ax_box.x1
    for chart in view.charts.values():
        assert chart.figure is not None
    with qtbot.waitSignal(view.params_edited) as blocker:
        view.form.editors["arpu_eur_per_month"].spin.setValue(45.0)  # type: ignore[attr-defined]
    assert blocker.args[0].arpu_eur_per_month == 45.0
    with qtbot.waitSignal(view.choices_changed):
        view.tornado_model.setCurrentIndex(view.tornado_model.findData("verticalized"))
    assert view.tornado_actor.itemData(0) == "operator"
    assert view.tornado_actor.itemText(0) == "Operator (all layers)"
    view.set_capex_source(None)
    assert "example district" in view.capex_label.text()


def test_scenarios_view(qtbot: Any, small_outcome: Any) -> None:
    view = ScenariosView()
    qtbot.addWidget(view)
    csv_text = Catalogue.default().to_csv_text()
    records = [
        ScenarioRecord(
            "A 1:32", DistrictRef.synthetic(300), DesignParams(), csv_text, small_outcome.summary
        ),
        ScenarioRecord(
            "B 1:64",
            DistrictRef.synthetic(300),
            DesignParams(split_ratio=64),
            csv_text,
            small_outcome.summary,
        ),
    ]
    titles = {"verticalized": "Verticalized", "separated": "Separated"}
    view.set_scenarios(records, None, titles)
    frame = view.table.source.frame
    assert list(frame.columns) == ["figure", "A 1:32", "B 1:64"]
    assert "Capex (EUR)" in set(frame["figure"])
    view.set_scenarios(records, [{"verticalized": 1.0, "separated": -2.0}] * 2, titles)
    assert view.npv_chart.figure is not None
    with qtbot.waitSignal(view.rename_requested) as blocker:
        view.list.item(0).setText("Greenfield")
    assert blocker.args == [0, "Greenfield"]
    view.list.setCurrentRow(1)
    with qtbot.waitSignal(view.remove_requested) as blocker:
        view.remove_button.click()
    assert blocker.args == [1]
