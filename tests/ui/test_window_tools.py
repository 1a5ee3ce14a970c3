"""The progress names the district, the OLT site by typing or clicking, building search,
calibration entered in the window and recorded in the plan."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
from PySide6.QtCore import QPointF, Qt

from ui.map_tools import find_buildings
from ui.project import DistrictRef


def test_progress_names_the_district_being_planned(
    qtbot: Any, make_window: Any, plan_now: Any
) -> None:
    window = make_window()
    first = plan_now(window)
    other = DistrictRef.synthetic(120, seed=9)
    with qtbot.waitSignal(window.plan_runner.started, timeout=10_000) as started:
        window.choose_district(other)
    label = started.args[0]
    assert label == f"Planning {other.label()}"
    assert first.plan.district.name not in label
    assert window.canvas.busy_text.startswith(label)
    qtbot.waitUntil(lambda: window.session.plan_is_current(), timeout=60_000)
    assert window.session.outcome.ref == other


def _type(window: Any, name: str, text: str) -> None:
    edit = window.design_form.editors[name].edit
    edit.setText(text)
    edit.editingFinished.emit()


def test_olt_site_typed_in_both_fields_is_planned(
    qtbot: Any, make_window: Any, plan_now: Any
) -> None:
    window = make_window()
    plan_now(window)
    bounds = window.session.scene.bounds
    x, y = bounds.left() + 20.0, bounds.top() + 20.0  # a corner: far from where the planner put it
    assert window.olt_info.text().startswith("The planner put it at")
    _type(window, "olt_x_m", f"{x:.1f}")
    assert "OLT y" in window.design_form.errors()["olt_x_m"]
    assert window.session.design_params.olt_x_m is None
    with qtbot.waitSignal(window.plan_runner.finished, timeout=60_000) as done:
        _type(window, "olt_y_m", f"{y:.1f}")
    assert not window.design_form.errors()
    p = window.session.design_params
    assert (p.olt_x_m, p.olt_y_m) == (round(x, 1), round(y, 1))
    olt = done.args[0].scene.olt
    assert math.hypot(olt[0] - x, olt[1] - y) < 60.0  # the street node nearest the site


def test_olt_site_clicked_on_the_map_and_undone(
    qtbot: Any, make_window: Any, plan_now: Any
) -> None:
    window = make_window()
    window.show()
    first = plan_now(window)
    canvas = window.canvas
    start = first.scene.olt.copy()
    window.olt_pick_button.click()
    assert window.olt_picker.armed and window.tabs.currentIndex() == 0
    assert "Click the OLT site" in canvas.busy_text
    pos = QPointF(canvas.width() * 0.2, canvas.height() * 0.8)
    site = canvas.to_map(pos)
    with qtbot.waitSignal(window.plan_runner.finished, timeout=60_000) as done:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pos.toPoint())
    assert not window.olt_picker.armed and not window.olt_pick_button.isChecked()
    assert canvas.selected_feature is None  # the click set the site, it did not select
    p = window.session.design_params
    assert math.hypot(p.olt_x_m - site.x(), p.olt_y_m - site.y()) < 1.0
    olt = done.args[0].scene.olt
    assert math.hypot(olt[0] - site.x(), olt[1] - site.y()) < math.hypot(
        start[0] - site.x(), start[1] - site.y()
    )
    assert window.design_form.editors["olt_x_m"].edit.text() == f"{p.olt_x_m:g}"
    with qtbot.waitSignal(window.plan_runner.finished, timeout=60_000):
        window.act_undo.trigger()
    assert window.session.design_params.olt_x_m is None
    with qtbot.waitSignal(window.plan_runner.finished, timeout=60_000):
        window.act_redo.trigger()
    with qtbot.waitSignal(window.plan_runner.finished, timeout=60_000):
        window.olt_clear_button.click()
    assert window.session.design_params.olt_y_m is None


def test_esc_cancels_picking(qtbot: Any, make_window: Any, plan_now: Any) -> None:
    window = make_window()
    window.show()
    plan_now(window)
    window.olt_pick_button.click()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert not window.olt_picker.armed and not window.olt_pick_button.isChecked()
    assert window.canvas.busy_text == ""
    assert window.session.design_params.olt_x_m is None


def test_find_a_building_by_name_or_osm_id(qtbot: Any, make_window: Any, plan_now: Any) -> None:
    window = make_window()
    window.show()
    plan_now(window)
    b = window.session.scene.layers["buildings"]
    target = int(len(b) * 2 / 3)
    osm_id = int(b["osm_id"].iloc[target])
    window.find_box.setText(str(osm_id))
    qtbot.keyClick(window.find_box, Qt.Key.Key_Return)
    chosen = window.canvas.selected_feature
    assert chosen is not None and (chosen.kind, chosen.index) == ("buildings", target)
    centre = chosen.geometry.centroid
    assert window.canvas.view_rect().contains(QPointF(centre.x, centre.y))
    assert window.details.feature is chosen  # its details are shown
    name = str(b["name"].iloc[target])
    assert window.find_building(name.upper()) == target  # case does not matter
    assert len(find_buildings(window.session.scene, "house")) > 1
    window.find_building("house")
    assert "more" in window.find_result.text()
    assert window.find_building("no such street 999") is None
    assert "No building matches" in window.find_result.text()
    completions = window.find_completer.model().stringList()
    assert name in completions


def test_find_by_address_in_a_real_district() -> None:
    from fttx_planner.pipeline import run_plan
    from ui.map_scene import build_scene

    scene = build_scene(run_plan("liechtenstein_balzers"))
    names = scene.layers["buildings"]["name"].astype(str)
    addresses = [n for n in names if " " in n and n.rsplit(" ", 1)[1][:1].isdigit()]
    streets = pd.Series([a.rsplit(" ", 1)[0] for a in addresses]).value_counts()
    street = str(streets.index[0])  # the street with the most numbered buildings
    address = next(a for a in addresses if a.startswith(street + " "))
    matches = find_buildings(scene, address)
    assert matches and names.iloc[matches[0].index] == address  # exact match first
    on_street = find_buildings(scene, street.lower(), limit=500)
    assert len(on_street) == int(names.str.casefold().str.contains(street.casefold()).sum())
    assert all(street.casefold() in names.iloc[m.index].casefold() for m in on_street)


def test_calibration_entered_in_the_window_is_planned_and_recorded(
    qtbot: Any, make_window: Any, plan_now: Any, tmp_path: Any
) -> None:
    window = make_window()
    first = plan_now(window)
    assert "Not calibrated" in window.results.premises_label.text()
    before = first.summary["demand"]["residential_units"]
    target = before - 30
    with qtbot.waitSignal(window.plan_runner.finished, timeout=60_000) as done:
        _type(window, "households", str(target))
    summary = done.args[0].summary
    demand = summary["demand"]
    assert demand["residential_units"] == target
    assert demand["calibration"]["households"]["target"] == target
    assert f"Calibrated to {target:,} known households" in window.results.premises_label.text()
    card = window.summary_panel.cards["homes"].detail.text()
    assert f"calibrated to {target:,} households" in card
    table = window.results.premises.source.frame
    assert "estimate scaled to the known total" in set(table["what"])
    path = tmp_path / "calibrated.fttx"
    assert window.save_project_to(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["design_params"]["households"] == target
    assert saved["summary"]["demand"]["calibration"]["households"]["target"] == target


def test_premises_table_matches_the_plan(qtbot: Any, make_window: Any, plan_now: Any) -> None:
    window = make_window()
    outcome = plan_now(window)
    demand = outcome.summary["demand"]
    frame = window.results.premises.source.frame
    rows = frame[frame["buildings"].notna()]
    by_source = rows.iloc[: len(demand["by_source"])]
    assert int(by_source["homes"].sum()) == demand["residential_units"]
    assert int(by_source["business_units"].sum()) == demand["business_units"]
    assert int(by_source["buildings"].sum()) == demand["buildings"]
    assert set(frame["what"]) >= {"By source of the count", "By building type"}
