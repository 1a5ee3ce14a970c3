"""The map: scene building, hit-testing with details, pan/zoom, layers, hover and click."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication

from ui.map_canvas import MapCanvas, _nice_length
from ui.map_scene import DEFAULT_VISIBLE, LAYERS, PREMISES_SOURCES, MapScene


@pytest.fixture
def scene(small_outcome: Any) -> MapScene:
    return small_outcome.scene


@pytest.fixture
def canvas(qtbot: Any, scene: MapScene) -> MapCanvas:
    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(900, 650)
    c.show()
    qtbot.waitExposed(c)
    c.set_scene(scene)
    return c


def test_scene_has_every_layer(scene: MapScene) -> None:
    drawn = {b.layer for b in scene.batches}
    assert {"streets", "buildings", "drops", "distribution", "feeder", "trenches"} <= drawn
    assert len(scene.splitters.xy) == len(scene.layers["splitters"])
    assert scene.olt.shape == (2,)
    assert not scene.bounds.isEmpty()
    for batch in scene.batches:
        assert batch.tiles, batch.layer
        assert batch.mode in ("fill", "stroke", "hairline")


def test_pick_building_splitter_and_cable(scene: MapScene) -> None:
    b = scene.layers["buildings"]
    i = int(np.flatnonzero(b["served"].to_numpy())[0])
    p = shapely.point_on_surface(b.geometry.values[i])
    f = scene.pick(p.x, p.y, 1.0, LAYERS)
    assert f is not None and f.kind == "buildings"
    rows = dict(f.rows)
    assert {"Residential units", "Business units", "Premises from", "Splitter", "Drop"} <= set(rows)
    assert rows["Optical loss"].endswith("dB budget")
    assert f.group_geometry is not None
    assert int(rows["Residential units"]) == b["residential_units"].iloc[i]
    assert int(rows["Business units"]) == b["business_units"].iloc[i]
    assert rows["Premises from"] == PREMISES_SOURCES[b["premises_source"].iloc[i]]

    xy = scene.splitters.xy
    far = int(np.argmax(np.hypot(xy[:, 0] - scene.olt[0], xy[:, 1] - scene.olt[1])))
    f = scene.pick(xy[far, 0], xy[far, 1], 2.0, LAYERS)
    assert f is not None and f.kind == "splitters"
    assert "Ports used" in dict(f.rows)

    cable = scene.layers["distribution"].geometry.values[0]
    mid = shapely.line_interpolate_point(cable, 0.5, normalized=True)
    f = scene.pick(mid.x, mid.y, 1.0, {"distribution"})
    assert f is not None and f.kind == "distribution"
    rows = dict(f.rows)
    assert {"Fibres", "Cable size", "Length", "Cable cost"} <= set(rows)
    assert "f" in rows["Cable size"]
    assert "<table>" in f.html()
    assert scene.pick(scene.bounds.left() - 1e4, scene.bounds.top() - 1e4, 1.0, LAYERS) is None


def test_hidden_layers_are_not_picked(scene: MapScene) -> None:
    x, y = scene.splitters.xy[-1]
    f = scene.pick(x, y, 2.0, set(LAYERS) - {"splitters"})
    assert f is None or f.kind != "splitters"


def test_fit_zoom_and_pan(qtbot: Any, canvas: MapCanvas, scene: MapScene) -> None:
    view = canvas.view_rect()
    assert view.contains(scene.bounds.center())
    anchor = QPointF(200, 150)
    before = canvas.to_map(anchor)
    canvas.zoom_by(2.0, anchor)
    after = canvas.to_map(anchor)
    assert abs(before.x() - after.x()) < 1e-6 and abs(before.y() - after.y()) < 1e-6
    scale = canvas.scale
    centre = QPointF(canvas.centre)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(400, 300))
    qtbot.mouseMove(canvas, QPoint(450, 330))
    qtbot.mouseMove(canvas, QPoint(500, 360))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(500, 360))
    assert canvas.scale == scale
    assert canvas.centre.x() < centre.x()  # dragged right: the view moved west
    assert canvas.centre.y() > centre.y()  # dragged down: the view moved north
    canvas.fit_to_district()
    assert canvas.view_rect().contains(scene.bounds.center())


def test_wheel_zooms_at_the_cursor(canvas: MapCanvas) -> None:
    scale = canvas.scale
    pos = QPointF(300, 200)
    event = QWheelEvent(
        pos,
        canvas.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas, event)
    assert canvas.scale == pytest.approx(scale * 1.25**2)


def test_layers_on_and_off(qtbot: Any, canvas: MapCanvas) -> None:
    with qtbot.waitSignal(canvas.layers_changed):
        canvas.set_layer_visible("buildings", False)
    assert "buildings" not in canvas.visible_layers
    labels = [label for _, label, _ in canvas.legend_entries()]
    assert "Building, by splitter group" not in labels
    canvas.set_layer_visible("buildings", True)
    assert "Building, by splitter group" in [label for _, label, _ in canvas.legend_entries()]
    with pytest.raises(KeyError):
        canvas.set_layer_visible("rivers", True)
    assert set(LAYERS) >= DEFAULT_VISIBLE


def test_hover_and_click_give_details(qtbot: Any, canvas: MapCanvas, scene: MapScene) -> None:
    b = scene.layers["buildings"]
    i = int(np.flatnonzero(b["served"].to_numpy())[0])
    p = shapely.point_on_surface(b.geometry.values[i])
    canvas.centre = QPointF(p.x, p.y)
    canvas.scale = 4.0
    canvas.update()
    centre = QPoint(canvas.width() // 2, canvas.height() // 2)
    with qtbot.waitSignal(canvas.hovered, timeout=2000) as blocker:
        qtbot.mouseMove(canvas, centre)
    assert blocker.args[0] is not None and blocker.args[0].kind == "buildings"
    with qtbot.waitSignal(canvas.selected, timeout=2000) as blocker:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre)
    assert blocker.args[0].kind == "buildings"
    assert canvas.selected_feature is not None
    canvas.grab()  # draws the highlight
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert canvas.selected_feature is None


def test_frames_are_drawn_and_exported(qtbot: Any, canvas: MapCanvas) -> None:
    canvas.frame_times_ms.clear()
    canvas.pan_by(5, 0)
    canvas.grab()
    assert len(canvas.frame_times_ms) == 1
    canvas.grab()
    assert len(canvas.frame_times_ms) == 1  # unchanged view: the cached layers are reused
    canvas.pan_by(10, 0)
    canvas.grab()
    assert len(canvas.frame_times_ms) == 2
    image = canvas.render_image(1.0)
    assert image.width() == canvas.width()
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    }
    assert len(colours) > 10
    # The legend box is drawn in the top-right corner.
    assert image.pixelColor(image.width() - 30, 20) != QColor("#f6f5f1")


def test_no_scene_shows_a_message(qtbot: Any) -> None:
    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(300, 200)
    c.set_message("Planning…")
    c.set_busy("Planning… 10 %")
    assert not c.grab().isNull()
    c.fit_to_district()  # harmless without a scene


def test_nice_lengths() -> None:
    assert _nice_length(137) == 100
    assert _nice_length(260) == 200
    assert _nice_length(7200) == 5000
    assert _nice_length(0) == 1.0


def test_closures_and_distribution_points_on_the_map(scene: MapScene) -> None:
    closures, fdps = scene.layers["closures"], scene.layers["fdps"]
    assert len(scene.joints.xy) == len(closures) + len(fdps) > 0
    assert int((scene.joints.kind == 1).sum()) == len(fdps)
    at_closure = np.zeros(len(fdps), dtype=bool)
    if len(closures):
        near = shapely.STRtree(closures.geometry.values).query(
            fdps.geometry.values, predicate="dwithin", distance=1.0
        )[0]
        at_closure[near] = True
    i = int(np.flatnonzero(~at_closure)[0])
    p = fdps.geometry.values[i]
    f = scene.pick(p.x, p.y, 0.5, {"joints"})
    assert f is not None and f.kind == "joints" and f.title == "Distribution point"
    assert int(dict(f.rows)["Ports used"]) == int(fdps["ports_used"].iloc[i])
    # Every closure is picked as a closure, also one in its distribution point's
    # chamber (drawn on top of the point's square).
    for c in closures.geometry.values:
        f = scene.pick(c.x, c.y, 0.5, {"joints"})
        assert f is not None and f.title.startswith("Closure")


def test_a_phased_plan_colours_buildings_by_phase() -> None:
    import geopandas as gpd
    import pandas as pd

    from ui.map_scene import _colour_groups

    b = gpd.GeoDataFrame(
        pd.DataFrame(
            {"served": [True, True, True, False], "splitter_id": [0, 1, 2, -1],
             "phase": [2, 1, 3, 0]}
        ),
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(4)],
    )  # fmt: skip
    assert _colour_groups(b) == {0: 1, 1: 0, 2: 2}
