"""The map's road and barrier crossings: symbols over the network, picking, legend, toggling."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage

from fttx_planner.design.planner import plan_district
from fttx_planner.district import Barriers
from fttx_planner.export import plan_layers
from fttx_planner.export.crossings_layer import crossings_layer
from fttx_planner.export.styles import split_by_geometry
from fttx_planner.params import DesignParams
from fttx_planner.pipeline import run_plan
from fttx_planner.plan import Plan
from tests.fttx_planner._districts import hand_district
from ui import map_crossings as mc
from ui import map_style as ms
from ui.map_canvas import MapCanvas
from ui.map_scene import DEFAULT_VISIBLE, LAYERS, MapScene, build_scene, scene_from_layers

#: Canvas size (even, so a point centred in the view falls on a pixel corner).
W, H = 900, 650


@pytest.fixture(scope="module")
def balzers() -> Plan:
    return run_plan("liechtenstein_balzers", DesignParams())


@pytest.fixture(scope="module")
def scene(balzers: Plan) -> MapScene:
    return build_scene(balzers)


@pytest.fixture
def canvas(qtbot: Any) -> MapCanvas:
    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(W, H)
    c.show()
    qtbot.waitExposed(c)
    return c


def _points(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return layer[layer.geom_type == "Point"]


def _zoom_to(canvas: MapCanvas, x: float, y: float, scale: float = 4.0) -> QImage:
    canvas.centre = QPointF(x, y)
    canvas.scale = scale
    canvas._view_moved()
    return canvas.render_image(1.0)


def _near(image: QImage, x: int, y: int, colour: str, tol: int = 12) -> bool:
    got, want = image.pixelColor(x, y), QColor(colour)
    return max(abs(got.red() - want.red()), abs(got.green() - want.green()),
               abs(got.blue() - want.blue())) <= tol  # fmt: skip


def test_the_layer_is_listed_and_shown_by_default() -> None:
    assert LAYERS["crossings"] == "Road and barrier crossings"
    assert "crossings" in DEFAULT_VISIBLE
    names = list(LAYERS)
    assert names.index("crossings") > names.index("joints")  # listed with the symbols on top


def test_a_symbol_per_crossing_of_the_plan(balzers: Plan, scene: MapScene) -> None:
    points = _points(crossings_layer(balzers))
    assert len(scene.crossings.xy) == len(points) > 0
    kinds = Counter(np.asarray(mc.KINDS)[scene.crossings.kind].tolist())
    assert kinds == Counter(points["kind"].tolist())
    assert kinds["drop"] == int(balzers.crossings.building_crossing.sum())
    qty = balzers.bom.set_index("item")["quantity"]
    assert len(scene.crossings.xy) == int(qty.get("road_crossing", 0))
    mine = sorted(map(tuple, np.round(scene.crossings.xy, 3).tolist()))
    theirs = sorted(map(tuple, np.round(shapely.get_coordinates(points.geometry.values), 3)))
    assert mine == theirs
    # The far-side trenches are one dashed batch, drawn over every cable.
    lines = crossings_layer(balzers).geom_type == "LineString"
    batches = [b for b in scene.batches if b.layer == "crossings"]
    assert len(batches) == 1 and batches[0].count == int(lines.sum()) > 0
    assert isinstance(batches[0].style, ms.LineStyle) and batches[0].style.dash
    order = [b.layer for b in scene.batches]
    assert order.index("crossings") > max(order.index(n) for n in ("feeder", "distribution"))


def test_picking_a_crossing_gives_its_details(balzers: Plan, scene: MapScene) -> None:
    points = _points(crossings_layer(balzers))
    for (x, y), kind in zip(
        scene.crossings.xy.tolist(), scene.crossings.kind.tolist(), strict=True
    ):
        f = scene.pick(x, y, 0.5, LAYERS)
        assert f is not None and f.kind == "crossings"
        name = mc.KINDS[kind]
        assert f.title == mc.TITLES[name]
        row = points.iloc[int(np.argmin(points.geometry.distance(shapely.Point(x, y))))]
        rows = dict(f.rows)
        assert rows["Item"] == "road crossing"
        assert rows["Cost"] == f"{row['cost_eur']:,.0f} EUR"
        assert rows["Main road"] == str(row["highway"]).replace("/", " / ")
        if name == "drop":
            assert rows["Building (OSM)"] == str(int(row["building_osm_id"]))
        else:
            assert "Building (OSM)" not in rows
    assert {mc.KINDS[k] for k in scene.crossings.kind} == {"drop", "far_side", "junction"}
    drop = scene.crossings.xy[scene.crossings.kind == 0][0]
    f = scene.pick(drop[0], drop[1], 0.5, LAYERS)
    assert f is not None and f.title == "Road crossing (drop)"
    # A far-side trench is picked along its dashed line.
    frame = scene.layers["crossings"]
    row = frame.iloc[len(scene.crossings.xy)]
    mid = shapely.line_interpolate_point(row.geometry, 0.5, normalized=True)
    f = scene.pick(mid.x, mid.y, 0.5, {"crossings"})
    assert f is not None and f.title == "Far-side trench"
    assert dict(f.rows)["Length"] == f"{row['length_m']:,.0f} m"
    assert dict(f.rows)["Cost"] == f"{row['cost_eur']:,.0f} EUR"
    assert dict(f.rows)["Item"] == "trench footway"


def test_hidden_crossings_are_neither_picked_nor_drawn(
    qtbot: Any, balzers: Plan, scene: MapScene, canvas: MapCanvas
) -> None:
    canvas.set_scene(scene)
    x, y = scene.crossings.xy[scene.crossings.kind == mc.KINDS.index("junction")][0]
    assert scene.pick(x, y, 0.5, DEFAULT_VISIBLE).kind == "crossings"
    hit = scene.pick(x, y, 0.5, DEFAULT_VISIBLE - {"crossings"})
    assert hit is None or hit.kind != "crossings"
    shown = _zoom_to(canvas, x, y)
    with qtbot.waitSignal(canvas.selected, timeout=2000) as clicked:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(W // 2, H // 2))
    f = clicked.args[0]
    assert f is not None and f.kind == "crossings" and f.title == "Road crossing (junction)"
    price = f"{balzers.catalogue.cost('road_crossing'):,.0f} EUR"
    assert "Road crossing (junction)" in f.html() and f"Cost: {price}" in f.text()
    labels = [label for _, label, _ in canvas.legend_entries()]
    assert "Road crossing" in labels and "Far-side trench" in labels
    assert "Barrier crossing (bore)" not in labels  # Balzers has no bore
    canvas.set_layer_visible("crossings", False)
    hidden = canvas.render_image(1.0)
    around = [(W // 2 + dx, H // 2 + dy) for dx in range(-10, 11) for dy in range(-10, 11)]
    assert sum(_near(shown, px, py, ms.CROSSING) for px, py in around) >= 8
    assert not any(_near(hidden, px, py, ms.CROSSING) for px, py in around)
    f = canvas.select_at(QPointF(W / 2, H / 2))
    assert f is None or f.kind != "crossings"
    labels = [label for _, label, _ in canvas.legend_entries()]
    assert "Road crossing" not in labels and "Far-side trench" not in labels


def test_every_symbol_is_drawn_on_top(scene: MapScene, canvas: MapCanvas) -> None:
    """Zoomed in on each crossing, its red ``+`` shows over cables, splitters and joints."""
    canvas.set_scene(scene)
    n_open = 0
    for i, ((x, y), kind) in enumerate(
        zip(scene.crossings.xy.tolist(), scene.crossings.kind.tolist(), strict=True)
    ):
        image = _zoom_to(canvas, x, y)
        shared = any(under[i] for under in scene.crossing_under.values())
        n_open += shared
        # Along the right arm: from the centre (solid) or past the hole (open).
        start, end = mc.arm_px(kind, shared)
        xs = range(W // 2 + int(start) + 1, W // 2 + int(end) - 1)
        assert len(xs) >= 2
        for sx in xs:
            assert _near(image, sx, H // 2, ms.CROSSING), (i, mc.KINDS[kind], sx)
        if shared:  # the joint or splitter shows in the hole
            assert not _near(image, W // 2, H // 2, ms.CROSSING)
            assert not _near(image, W // 2, H // 2, ms.BACKGROUND.name())
    assert n_open > 0  # Balzers has junction crossings at closures


def _river_plan() -> Plan:
    """Two houses north of a river along y = 8, their street south of it: two bores."""
    d = hand_district([(0, 0), (120, 0)], [(0, 1)], [(40, 16), (90, 20)])
    river = shapely.LineString([(-30, 8), (150, 8)])
    barriers = Barriers(geometry=np.array([river]), kind=np.array(["waterway"], dtype=object))
    return plan_district(replace(d, barriers=barriers))


def test_a_barrier_bore_is_a_purple_plus(canvas: MapCanvas) -> None:
    plan = _river_plan()
    scene = build_scene(plan)
    assert scene.crossings.kind.tolist() == [mc.KINDS.index("barrier")] * 2
    assert scene.crossings.xy[:, 1] == pytest.approx([8.0, 8.0])
    x, y = scene.crossings.xy[0]
    f = scene.pick(x, y, 0.5, LAYERS)
    assert f is not None and f.title == "Barrier crossing (bore)"
    rows = dict(f.rows)
    assert rows["Barrier"] == "waterway" and rows["Item"] == "barrier crossing"
    osm = dict(zip(plan.district.buildings.osm_id.tolist(), range(2), strict=True))
    assert int(rows["Building (OSM)"]) in osm
    canvas.set_scene(scene)
    image = _zoom_to(canvas, x, y, 6.0)
    assert _near(image, W // 2 + 2, H // 2, ms.BARRIER_CROSSING)
    assert not _near(image, W // 2 + 2, H // 2, ms.CROSSING)
    labels = [label for _, label, _ in canvas.legend_entries()]
    assert "Barrier crossing (bore)" in labels
    assert "Road crossing" not in labels and "Far-side trench" not in labels


def test_a_plan_without_the_layer_and_a_geopackage_split(balzers: Plan, scene: MapScene) -> None:
    layers = plan_layers(balzers, wgs84=False)
    d = balzers.district
    args = (d.name, d.attribution, balzers.params.budget_db, d.bounds_xy)
    without = scene_from_layers({k: v for k, v in layers.items() if k != "crossings"}, *args)
    assert len(without.crossings.xy) == 0 and "crossings" not in {b.layer for b in without.batches}
    x, y = scene.crossings.xy[0]
    hit = without.pick(x, y, 0.5, LAYERS)
    assert hit is None or hit.kind != "crossings"
    # A GeoPackage keeps points and lines in tables of their own.
    split = split_by_geometry(layers)
    assert {"crossings_points", "crossings_lines"} <= set(split)
    tables = scene_from_layers(split, *args)
    assert tables.crossings.xy.tolist() == scene.crossings.xy.tolist()
    assert tables.crossings.kind.tolist() == scene.crossings.kind.tolist()
    assert [b.count for b in tables.batches if b.layer == "crossings"] == [
        b.count for b in scene.batches if b.layer == "crossings"
    ]


def test_the_canvas_draws_scenes_without_crossings(qtbot: Any, small_outcome: Any) -> None:
    from ui.region_scene import overview_scene

    areas = gpd.GeoDataFrame(
        {"area_id": [1], "central_office": ["A"], "status": ["planned"], "homes_passed": [3],
         "homes_unserved": [0], "capex_eur": [1.0]},
        geometry=[shapely.box(0, 0, 100, 100)], crs="EPSG:32632",
    )  # fmt: skip
    offices = gpd.GeoDataFrame(
        {"name": ["A"], "area_id": [1], "chosen_by": ["engine"]},
        geometry=[shapely.Point(50, 50)], crs="EPSG:32632",
    )  # fmt: skip
    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(400, 300)
    region = overview_scene(areas, offices, None, "Region", "OSM")
    for scene in (region, small_outcome.scene):
        c.set_scene(scene)
        assert "crossings" in c.visible_layers
        assert not c.grab().isNull()
        labels = [label for _, label, _ in c.legend_entries()]
        roads = bool((scene.crossings.kind != mc.KINDS.index("barrier")).any())
        assert ("Road crossing" in labels) == roads
    assert len(region.crossings.xy) == 0 and "crossings" not in region.layers
    f = region.pick(50.0, 50.0, 1.0, LAYERS)
    assert f is not None and f.kind == "offices"
