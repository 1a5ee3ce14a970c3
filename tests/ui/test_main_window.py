"""The main flows: open a district, plan, cancel, edit, compare, save/reopen, export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fttx_planner.params import Deployment, DesignParams
from ui import tasks
from ui.map_scene import LAYERS
from ui.project import DistrictRef
from ui.session import default_sample


def test_opens_on_the_default_sample_already_planned(qtbot: Any, make_window: Any) -> None:
    window = make_window(district=None)
    window.show()
    assert window.session.district == DistrictRef.sample(default_sample())
    with qtbot.waitSignal(window.plan_runner.finished, timeout=60_000):
        window.start()
    scene = window.canvas.scene
    assert scene is not None and len(scene.layers["buildings"]) > 1000
    assert window.canvas.view_rect().contains(scene.bounds.center())
    summary = window.session.summary
    assert window.summary_panel.cards["homes"].value.text() == f"{summary['homes']['passed']:,}"
    gap = summary["gap_to_lower_bound"]
    assert window.summary_panel.cards["gap"].value.text() == f"at most {100 * gap:.1f} %"
    assert "Balzers" in window.windowTitle()
    assert "Planned Balzers" in window.status_text.text()
    assert window.banner.isHidden()


def test_cancel_a_plan(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    with qtbot.waitSignal(window.plan_runner.cancelled, timeout=30_000):
        window.start_plan()
        assert window.act_cancel.isEnabled()
        window.act_cancel.trigger()
    assert "cancelled" in window.status_text.text().lower()
    assert window.session.outcome is None
    assert window.progress.isHidden()


def test_changing_a_parameter_replans_and_undo_restores(
    qtbot: Any, make_window: Any, plan_now: Any
) -> None:
    window = make_window()
    first = plan_now(window)
    cost_32 = first.summary["capex_eur"]["total"]
    assert first.summary["architecture"].startswith("GPON 1:32")
    with qtbot.waitSignal(window.plan_runner.finished, timeout=30_000) as blocker:
        window.design_form.editors["split_ratio"].spin.setValue(64)
    second = blocker.args[0]
    assert second.summary["architecture"].startswith("GPON 1:64")
    assert second.summary["splitters"]["count"] < first.summary["splitters"]["count"]
    assert second.summary["capex_eur"]["total"] != cost_32
    assert window.session.plan_is_current()
    assert window.act_undo.isEnabled()
    with qtbot.waitSignal(window.plan_runner.finished, timeout=30_000) as blocker:
        window.act_undo.trigger()
    assert window.session.design_params.split_ratio == 32
    assert window.design_form.value().split_ratio == 32
    assert blocker.args[0].summary["capex_eur"]["total"] == pytest.approx(cost_32)


def test_invalid_value_is_refused_and_not_planned(
    qtbot: Any, make_window: Any, plan_now: Any
) -> None:
    window = make_window()
    plan_now(window)
    window.design_form.editors["split_ratio"].spin.setValue(48)
    assert "not a standard ratio" in window.design_form.errors()["split_ratio"]
    assert window.session.design_params.split_ratio == 32
    assert not window._plan_timer.isActive()
    assert not window.undo_stack.canUndo()


def test_bad_input_is_a_readable_message(qtbot: Any, make_window: Any, plan_now: Any) -> None:
    window = make_window()
    plan_now(window)
    params = window.session.design_params.model_copy(update={"deployment": Deployment.BROWNFIELD})
    with qtbot.waitSignal(window.plan_runner.failed, timeout=30_000):
        window._on_design_edited(params, "deployment")
    assert not window.banner.isHidden()
    assert "existing-infrastructure layer" in window.banner_text.text()
    assert "Traceback" not in window.banner_text.text()
    assert window.canvas.scene is not None  # the last good plan stays on the map
    assert "inputs changed" in window.summary_panel.stale.text()


def test_a_bug_is_reported_as_a_bug(
    qtbot: Any, make_window: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    window = make_window()

    def broken(*args: Any) -> Any:
        def run(progress: Any, cancelled: Any) -> Any:
            return {}["missing"]

        return run

    monkeypatch.setattr(tasks, "plan_task", broken)
    with qtbot.waitSignal(window.plan_runner.crashed, timeout=30_000):
        window.start_plan()
    assert "bug" in window.last_error
    assert "KeyError" in capsys.readouterr().err


def test_business_models_follow_the_plan_and_the_inputs(
    qtbot: Any, make_window: Any, plan_now: Any
) -> None:
    window = make_window()
    plan_now(window)
    passed = window.session.summary["homes"]["passed"]
    qtbot.waitUntil(
        lambda: (
            window.finance_outcome is not None
            and window.finance_outcome.capex.homes_passed == passed
        ),
        timeout=30_000,
    )
    first = window.finance_outcome
    table = window.finance_view.table.source.frame
    assert len(table) == len(first.rows) + 4 >= 4 * 3  # a heading row per model
    assert all(chart.figure is not None for chart in window.finance_view.charts.values())
    arpu = window.finance_view.form.editors["arpu_eur_per_month"]
    with qtbot.waitSignal(window.finance_runner.finished, timeout=30_000) as blocker:
        arpu.spin.setValue(55.0)
    second = blocker.args[0]
    assert window.session.finance_params.arpu_eur_per_month == 55.0
    npv = {(r["model"], r["actor"]): r["npv_eur"] for r in first.rows}
    npv2 = {(r["model"], r["actor"]): r["npv_eur"] for r in second.rows}
    assert npv2[("verticalized", "operator")] > npv[("verticalized", "operator")]
    assert window.plan_runner.busy is False  # finance inputs do not re-plan


def test_save_and_reopen_gives_the_same_results(
    qtbot: Any, make_window: Any, plan_now: Any, tmp_path: Path
) -> None:
    window = make_window()
    plan_now(window)
    with qtbot.waitSignal(window.plan_runner.finished, timeout=30_000):
        window.set_design_param("split_ratio", 64)
    window.keep_scenario("custom 1:64")
    saved = window.session.summary
    path = tmp_path / "district.fttx"
    assert window.save_project_to(path)
    assert not window.session.dirty
    assert str(path.resolve()) in window.recent_files()
    assert json.loads(path.read_text(encoding="utf-8"))["summary"]["capex_eur"]["total"] == (
        pytest.approx(saved["capex_eur"]["total"])
    )

    other = make_window(district=None)
    with qtbot.waitSignal(other.plan_runner.finished, timeout=60_000) as blocker:
        with qtbot.waitSignal(other.project_runner.finished, timeout=60_000):
            assert other.open_project(path)  # read in a worker
        # The saved results show at once, before the plan is re-made.
        assert other.summary_panel.cards["capex"].value.text() != "–"
    again = blocker.args[0].summary
    assert again["homes"] == saved["homes"]
    assert again["capex_eur"]["by_layer"] == pytest.approx(saved["capex_eur"]["by_layer"])
    assert again["capex_eur"]["total"] == pytest.approx(saved["capex_eur"]["total"])
    assert again["splitters"] == saved["splitters"]
    assert other.banner.isHidden()
    assert [s.name for s in other.session.scenarios] == ["custom 1:64"]
    assert other.session.design_params.split_ratio == 64
    assert path.name in other.windowTitle()


def test_corrupt_and_newer_projects_say_so(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = make_window()
    bad = tmp_path / "bad.fttx"
    bad.write_text("{ not json", encoding="utf-8")
    with qtbot.waitSignal(window.project_runner.failed, timeout=30_000):
        window.open_project(bad)
    assert "corrupt" in window.last_error
    newer = tmp_path / "newer.fttx"
    newer.write_text(
        json.dumps({"format": "fttx-planner-project", "version": 99}), encoding="utf-8"
    )
    with qtbot.waitSignal(window.project_runner.failed, timeout=30_000):
        window.open_project(newer)
    assert "newer version" in window.last_error


def test_scenarios_compare_side_by_side(qtbot: Any, make_window: Any, plan_now: Any) -> None:
    window = make_window()
    plan_now(window)
    assert window.keep_scenario() is not None
    with qtbot.waitSignal(window.plan_runner.finished, timeout=30_000):
        window.set_design_param("split_ratio", 64)
    with qtbot.waitSignal(window.scenario_runner.finished, timeout=30_000):
        window.keep_scenario()
    names = [s.name for s in window.session.scenarios]
    assert [n.split()[-2:] for n in names] == [["1:32", "greenfield"], ["1:64", "greenfield"]]
    frame = window.scenarios_view.table.source.frame
    assert list(frame.columns) == ["figure", *names]
    npv_rows = frame[frame["figure"].str.startswith("NPV")]
    assert len(npv_rows) == 4 and (npv_rows[names[0]] != "").all()
    assert window.scenarios_view.capex_chart.figure is not None
    with qtbot.waitSignal(window.variant_runner.finished, timeout=60_000):
        window.plan_variants()
    assert len(window.session.scenarios) == 4  # 1:32 and 1:64, greenfield only (no infra)
    window.session.rename_scenario(0, "Base")
    assert window.session.scenarios[0].name == "Base"
    with qtbot.waitSignal(window.plan_runner.finished, timeout=30_000):
        window.open_scenario(0)
    assert window.session.design_params.split_ratio == 32


def test_catalogue_edit_recosts_and_undoes(qtbot: Any, make_window: Any, plan_now: Any) -> None:
    window = make_window()
    first = plan_now(window)
    model = window.catalogue_view.model
    row = [it.item for it in model.catalogue.items.values()].index("trench_footway")
    index = model.index(row, 4)
    with qtbot.waitSignal(window.plan_runner.finished, timeout=30_000) as blocker:
        model.setData(index, "200")
    assert blocker.args[0].summary["capex_eur"]["total"] > first.summary["capex_eur"]["total"]
    assert window.session.catalogue.cost("trench_footway") == 200.0
    with qtbot.waitSignal(window.plan_runner.finished, timeout=30_000):
        window.undo_stack.undo()
    assert window.session.catalogue.cost("trench_footway") != 200.0


def test_exports(qtbot: Any, make_window: Any, plan_now: Any, tmp_path: Path) -> None:
    window = make_window()
    plan_now(window)
    qtbot.waitUntil(lambda: window.finance_outcome is not None, timeout=30_000)
    runner = window.export_runner
    with qtbot.waitSignal(runner.finished, timeout=60_000):
        window.export_all(tmp_path / "all")
    assert {"summary.json", "plan.gpkg", "bom.csv", "geojson"} <= {
        p.name for p in (tmp_path / "all").iterdir()
    }
    with qtbot.waitSignal(runner.finished, timeout=60_000):
        window.export_geojson(tmp_path / "gj")
    assert (tmp_path / "gj" / "buildings.geojson").is_file()
    with qtbot.waitSignal(runner.finished, timeout=60_000):
        window.export_gpkg(tmp_path / "x.gpkg")
    assert (tmp_path / "x.gpkg").stat().st_size > 0
    with qtbot.waitSignal(runner.finished, timeout=60_000):
        window.export_bom(tmp_path / "bom.csv")
    assert (tmp_path / "bom.csv").read_text(encoding="utf-8").startswith("item,")
    window.export_map(tmp_path / "map.png")
    assert (tmp_path / "map.png").read_bytes()[:4] == b"\x89PNG"
    with qtbot.waitSignal(runner.finished, timeout=60_000):
        window.export_charts(tmp_path / "charts")
    names = {p.name for p in (tmp_path / "charts").iterdir()}
    assert {"capex_by_layer.png", "capex_by_layer.svg", "npv_by_model.svg", "tornado.png"} <= names
    assert window.act_export_pdf.isEnabled()
    with qtbot.waitSignal(runner.finished, timeout=120_000):
        window.export_pdf(tmp_path / "report.pdf")
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"


def test_layout_and_choices_are_remembered(qtbot: Any, make_window: Any, settings: Any) -> None:
    window = make_window()
    window.show()
    window.canvas.set_layer_visible("drops", False)
    window.act_legend.setChecked(False)
    window.tabs.setCurrentIndex(2)
    window.act_auto.setChecked(False)
    window.confirm_close = False
    window.close()
    assert settings.value("window/geometry") is not None
    again = make_window(auto_replan=None)
    assert "drops" not in again.canvas.visible_layers
    assert not again.layer_actions["drops"].isChecked()
    assert not again.canvas.show_legend
    assert again.tabs.currentIndex() == 2
    assert not again.act_auto.isChecked()


def test_a_map_layer_newer_than_the_saved_settings_opens_as_by_default(
    make_window: Any, settings: Any
) -> None:
    """Settings saved before the crossings layer existed list no known layers."""
    settings.setValue("map/layers", ["buildings", "drops", "streets"])
    window = make_window()
    assert window.canvas.visible_layers == {"buildings", "drops", "streets", "crossings"}
    # Once the settings know a layer, hiding it is remembered.
    settings.setValue("map/known_layers", sorted(LAYERS))
    again = make_window()
    assert again.canvas.visible_layers == {"buildings", "drops", "streets"}


def test_manual_replanning_marks_the_plan_stale(
    qtbot: Any, make_window: Any, plan_now: Any
) -> None:
    window = make_window(auto_replan=False)
    plan_now(window)
    window.set_design_param("max_drop_m", 100.0)
    assert not window._plan_timer.isActive()
    assert "press F5" in window.summary_panel.stale.text()
    plan_now(window)
    assert window.summary_panel.stale.isHidden()


def test_choosing_a_sample_brings_its_deployment(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    with qtbot.waitSignal(window.plan_runner.finished, timeout=60_000):
        window.choose_district(DistrictRef.sample("kotka_karhula"))
    assert window.session.design_params.deployment == Deployment.BROWNFIELD
    assert window.session.summary["lengths_km"]["duct_reuse_km"] > 0
    with qtbot.waitSignal(window.plan_runner.finished, timeout=60_000):
        window.undo_stack.undo()
    assert window.session.district == DistrictRef.synthetic(300, seed=3)
    assert window.session.design_params == DesignParams()


def test_osm_file_with_an_infrastructure_layer(qtbot: Any, make_window: Any) -> None:
    from fttx_planner.samples import get_scenario

    kotka = get_scenario("kotka_karhula")
    assert kotka.infrastructure_path is not None
    window = make_window()
    window.set_design_param("deployment", Deployment.BROWNFIELD)
    with qtbot.waitSignal(window.plan_runner.failed, timeout=60_000):
        window.choose_district(DistrictRef.osm(kotka.osm_path))
    assert "existing-infrastructure layer" in window.last_error
    assert window.canvas.scene is None  # no other district's network left on the map
    with qtbot.waitSignal(window.plan_runner.finished, timeout=60_000) as blocker:
        window.choose_district(DistrictRef.osm(kotka.osm_path, kotka.infrastructure_path))
    summary = blocker.args[0].summary
    assert summary["lengths_km"]["duct_reuse_km"] > 0
    assert "infrastructure.geojson" in window.district_panel.infra_label.text()
    assert str(kotka.osm_path.resolve()) in window.recent_files()


def test_a_broken_osm_file_is_a_message(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    bad = tmp_path / "broken.osm"
    bad.write_text("<osm><node id='1' lat='x'", encoding="utf-8")
    window = make_window()
    with qtbot.waitSignal(window.plan_runner.failed, timeout=60_000):
        window.choose_district(DistrictRef.osm(bad))
    assert "broken.osm" in window.last_error
    assert "Traceback" not in window.last_error
