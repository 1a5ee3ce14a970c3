"""Click-to-trace: a home's fibre path on the map and in the *Trace* dock, and the reverse."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPoint, QPointF, Qt

from fttx_planner.detail.model import build_detail
from fttx_planner.detail.trace import Tracer
from ui.map_scene import MapScene, site_labels
from ui.map_trace import TraceIndex, build_trace_index
from ui.trace_view import trace_frame


@pytest.fixture(scope="module")
def index(small_outcome: Any) -> TraceIndex:
    return build_trace_index(small_outcome.plan, small_outcome.scene.layers)


def _served_rows(scene: MapScene) -> np.ndarray:
    return np.flatnonzero(scene.layers["buildings"]["served"].to_numpy())


def test_trace_matches_the_command_lines_and_the_plan(
    small_outcome: Any, index: TraceIndex
) -> None:
    scene = small_outcome.scene
    b = scene.layers["buildings"]
    reference = Tracer(build_detail(small_outcome.plan))
    for row in _served_rows(scene)[::25].tolist():
        traced = index.trace_building(row)
        osm = int(b["osm_id"].iloc[row])
        premises = reference.units_of(osm)["premise"].astype(str).tolist()
        assert [t.premise for t in traced.traces] == premises
        for t in traced.traces:
            # The same table as `fttx-planner trace PLAN --building ID`.
            assert t.table() == reference.trace(t.premise).table()
            assert t.loss_db == pytest.approx(b["loss_db"].iloc[row], abs=0.21)
            assert t.loss_db == pytest.approx(t.plan_loss_db, abs=1e-6) or t.notes
        # The highlighted path is the home's fibre path: trench edges to the OLT plus the drop.
        assert traced.highlight.lines.length == pytest.approx(b["path_m"].iloc[row], rel=1e-6)
        assert traced.highlight.areas.equals(b.geometry.iloc[row])
        # It starts at the OLT and ends at the building's drop.
        olt = shapely.Point(scene.olt)
        assert traced.highlight.lines.distance(olt) < 1e-6
        assert traced.highlight.labels[0] == index.names.co


def test_trace_frame_adds_up_to_the_total(index: TraceIndex, small_outcome: Any) -> None:
    row = int(_served_rows(small_outcome.scene)[3])
    trace = index.trace_building(row).traces[0]
    frame = trace_frame(trace)
    assert len(frame) == len(trace.elements)
    assert float(frame["cum_db"].iloc[-1]) == pytest.approx(trace.loss_db, abs=0.006)
    assert float(frame["cum_1490_db"].iloc[-1]) == pytest.approx(trace.loss_1490_db, abs=0.006)
    assert frame["element"].iloc[0] == "olt" and "splitter" in set(frame["element"])


def test_behind_a_splitter_and_a_port(index: TraceIndex, small_outcome: Any) -> None:
    scene = small_outcome.scene
    sp = scene.layers["splitters"]
    b = scene.layers["buildings"]
    last = int(sp["stage"].max())
    units_behind_last = 0
    for i in range(len(sp)):
        behind = index.behind_splitter(int(sp["splitter_id"].iloc[i]))
        if int(sp["stage"].iloc[i]) == last:
            # A last-stage splitter feeds one premise unit per port used (the plan's count).
            assert len(behind.units) == int(sp["ports_used"].iloc[i])
            units_behind_last += len(behind.units)
        # Every building behind it is highlighted.
        rows = np.flatnonzero(
            b["osm_id"].isin(behind.units["premise"].str.split("/").str[0].astype(int))
        )
        for r in rows.tolist():
            assert behind.highlight.areas.contains(b.geometry.iloc[r].representative_point())
    assert units_behind_last == int(b.loc[b["served"], "homes"].sum())
    ports = index.names.olt_ports
    assert len(ports) == int((sp["stage"] == 1).sum())
    total = sum(len(index.behind_port(p).units) for p in ports)
    assert total == int(b.loc[b["served"], "homes"].sum())


def test_behind_a_cable_route(index: TraceIndex, small_outcome: Any) -> None:
    scene = small_outcome.scene
    checked = 0
    for layer in ("feeder", "distribution"):
        for row in range(0, len(scene.layers[layer]), 7):
            cables = index.names.cables[layer][row]
            behind = index.behind_cables(cables)
            assert len(behind.units) and behind.highlight.lines is not None
            for premise in behind.units["premise"].tolist()[::5]:
                # Every premise listed has a fibre in one of the route's cables.
                fibres = {e.name for e in index.tracer.trace(premise).elements if e.kind == "fibre"}
                assert fibres & set(cables)
                checked += 1
    assert checked > 10


def test_names_join_the_details(index: TraceIndex, small_outcome: Any) -> None:
    scene = small_outcome.scene
    before = dict(scene.feature("splitters", 0).rows)
    assert "Name" not in before
    scene.names = index.names
    try:
        sid = int(scene.layers["splitters"]["splitter_id"].iloc[0])
        rows = dict(scene.feature("splitters", 0).rows)
        assert rows["Name"] == str(
            index.detail.splitters.set_index("splitter_id").loc[sid, "splitter"]
        )
        row = int(_served_rows(scene)[0])
        brow = dict(scene.feature("buildings", row).rows)
        assert brow["Drop cable"] in set(index.detail.units["drop"])
        # The building's splitter by the same name as in the trace, not the plan's label.
        bsid = int(scene.layers["buildings"]["splitter_id"].iloc[row])
        assert brow["Splitter"] == index.names.splitter_of_id[bsid]
        assert dict(scene.feature("olt", 0).rows)["Name"] == index.detail.meta["co"]
        named = [
            i
            for i in range(len(scene.layers["distribution"]))
            if index.names.cables["distribution"].get(i)
        ]
        assert len(named) == len(scene.layers["distribution"])
        cable = dict(scene.feature("distribution", named[0]).rows)
        assert set(cable.get("Cable", cable.get("Cables", "")).split(", ")) <= set(
            index.detail.cables["cable"]
        )
    finally:
        scene.names = None


def test_shared_site_labels_once() -> None:
    xy = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [9.0, 9.0]])
    assert site_labels(xy, ["S1-0007", "S1-0005", "S1-0006", "S1-0001"]) == [
        "",
        "S1-0005 +2",
        "",
        "S1-0001",
    ]


def test_legend_has_joints_and_the_trace(qtbot: Any, index: TraceIndex, small_outcome: Any) -> None:
    from ui.map_canvas import MapCanvas

    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(800, 600)
    c.set_scene(small_outcome.scene)
    labels = [label for _, label, _ in c.legend_entries()]
    kinds = set(small_outcome.scene.joints.kind.tolist())
    assert ("Closure (cable joint)" in labels) == (0 in kinds)
    assert ("Distribution point (drops)" in labels) == (1 in kinds)
    c.set_layer_visible("joints", False)
    assert not {"Closure (cable joint)", "Distribution point (drops)"} & {
        label for _, label, _ in c.legend_entries()
    }
    traced = index.trace_building(int(_served_rows(small_outcome.scene)[0]))
    c.set_trace(traced.highlight)
    assert c.legend_entries()[0][1] == traced.highlight.title
    # The highlight is drawn: the image differs from the map without it.
    with_trace = c.render_image(1.0)
    c.set_trace(None)
    without = c.render_image(1.0)
    assert with_trace != without


def _click_building(qtbot: Any, window: Any, row: int) -> None:
    from ui.map_tools import show_building

    show_building(window.canvas, row)  # zooms to it
    b = window.canvas.scene.layers["buildings"]
    p = shapely.point_on_surface(b.geometry.iloc[row])
    pos = window.canvas.to_screen(p.x, p.y).toPoint()
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=pos)


def test_click_a_home_in_the_window(qtbot: Any, make_window: Any, plan_now: Any) -> None:
    window = make_window()
    window.show()
    with qtbot.waitSignal(window.trace_runner.finished, timeout=60_000):
        plan_now(window)
    assert window.trace_index is not None
    scene = window.canvas.scene
    assert scene.names is window.trace_index.names
    row = int(_served_rows(scene)[7])
    _click_building(qtbot, window, row)
    assert window.canvas.selected_feature is not None
    assert window.canvas.selected_feature.kind == "buildings"
    assert window.canvas.trace is not None
    assert window.trace_dock.isVisible()
    panel = window.trace_panel
    assert panel.building is not None
    frame = panel.table.source.frame
    assert frame["element"].iloc[0] == "olt" and frame["element"].iloc[-1] == "margin"
    assert "budget" in panel.footer.text()
    assert "Drop cable" in window.details.text()

    # The reverse: the splitter that serves it lists it among the premises behind it.
    sp = scene.layers["splitters"]
    sid = int(scene.layers["buildings"]["splitter_id"].iloc[row])
    i = int(np.flatnonzero(sp["splitter_id"].to_numpy() == sid)[0])
    window.canvas.set_selected(scene.feature("splitters", i))
    assert panel.behind is not None and panel.behind.kind == "splitter"
    osm = int(scene.layers["buildings"]["osm_id"].iloc[row])
    assert any(p.startswith(f"{osm}/") for p in panel.behind.units["premise"])

    # A cable route lists the premises its cables carry.
    window.canvas.set_selected(scene.feature("feeder", 0))
    assert panel.behind is not None and panel.behind.kind.startswith("cable")
    assert len(panel.behind.units) > 0

    # The OLT offers its ports; choosing one lists what is behind it.
    window.canvas.set_selected(scene.feature("olt", 0))
    assert panel.port_box.count() == len(window.trace_index.names.olt_ports)
    last = window.trace_index.names.olt_ports[-1]
    panel.port_box.textActivated.emit(last)
    assert panel.behind.name == last

    # Empty map clears the trace.
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert window.canvas.trace is None
    _click_building(qtbot, window, row)
    assert window.canvas.trace is not None
    b = scene.bounds
    window.canvas.centre = QPointF(b.right() + 5_000.0, b.bottom() + 5_000.0)  # nothing there
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=QPoint(50, 50))
    assert window.canvas.selected_feature is None
    assert window.canvas.trace is None


def test_a_click_before_the_detail_is_ready_traces_when_it_is(
    qtbot: Any, make_window: Any, plan_now: Any
) -> None:
    window = make_window()
    window.show()
    plan_now(window)
    assert window.trace_index is None  # the detail is still being built in its worker
    scene = window.canvas.scene
    row = int(_served_rows(scene)[2])
    with qtbot.waitSignal(window.trace_runner.finished, timeout=60_000):
        window.canvas.set_selected(scene.feature("buildings", row))
        assert "building the detailed design" in window.trace_panel.title.text()
    assert window.trace_panel.building is not None
    assert window.trace_panel.building.building == int(
        window.session.outcome.plan.buildings["building"].iloc[row]
    )
    assert window.canvas.trace is not None
