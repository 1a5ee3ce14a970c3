"""The ``crossings`` map layer holds exactly the BOM's road and barrier crossings (export)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections import Counter
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from fttx_planner.design.planner import plan_district
from fttx_planner.district import Barriers, District
from fttx_planner.export import plan_layers, write_all
from fttx_planner.export.crossings_layer import FAR_SIDE_OFFSET_M, crossings_layer
from fttx_planner.params import DesignParams
from fttx_planner.plan import Plan
from fttx_planner.samples import load_sample

from ._districts import hand_district
from .test_junction_crossings import _crossroads

#: Houses north of a secondary road along y = 0 (x = 20 ... 180) and one south of it.
_NORTH = [(float(x), 12.0) for x in range(20, 200, 20)]


def _bom_crossings(plan: Plan) -> int:
    """The BOM's ``road_crossing`` plus ``barrier_crossing`` quantity."""
    qty = plan.bom.set_index("item")["quantity"]
    return int(qty.get("road_crossing", 0) + qty.get("barrier_crossing", 0))


def _points(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return layer[layer.geom_type == "Point"]


def _kinds(layer: gpd.GeoDataFrame) -> dict[str, int]:
    return dict(Counter(_points(layer)["kind"]))


def test_a_drop_across_the_main_road_is_a_point_at_its_tap() -> None:
    d = hand_district([(0, 0), (220, 0)], [(0, 1)], [*_NORTH, (100.0, -12.0)], "secondary")
    plan = plan_district(d)
    layer = crossings_layer(plan)
    assert _kinds(layer) == {"drop": 1} == {"drop": _bom_crossings(plan)}
    row = layer.iloc[0]
    assert row["building_osm_id"] == 10  # the house south of the road
    assert (row["item"], row["highway"], row["cost_eur"]) == ("road_crossing", "secondary", 1500)
    assert row.geometry.y == pytest.approx(0.0)  # on the centreline, in front of the house
    assert row.geometry.x == pytest.approx(100.0, abs=5.0)


def test_a_far_side_trench_is_a_crossing_and_a_dashed_line_on_the_far_side() -> None:
    south = [(float(x), -12.0) for x in range(30, 200, 20)]
    d = hand_district([(0, 0), (220, 0)], [(0, 1)], [*_NORTH, (100.0, -12.0), *south], "secondary")
    plan = plan_district(d)
    c = plan.crossings
    assert c is not None and len(c.side_street) == 1
    layer = crossings_layer(plan)
    assert _kinds(layer) == {"far_side": 1} and _bom_crossings(plan) == 1
    # Ten houses south: the trench runs south, the far side is north (x 20 ... 180).
    line = layer[layer.geom_type == "LineString"]
    assert len(line) == 1 and line["kind"].iloc[0] == "far_side"
    xy = shapely.get_coordinates(line.geometry.iloc[0])
    assert xy[:, 1] == pytest.approx(FAR_SIDE_OFFSET_M)
    assert (xy[:, 0].min(), xy[:, 0].max()) == pytest.approx((20.0, 180.0), abs=1.0)
    assert line["length_m"].iloc[0] == pytest.approx(c.side_m[0])
    assert line["item"].iloc[0] == "trench_footway"
    assert line["cost_eur"].iloc[0] == pytest.approx(
        c.side_m[0] * plan.catalogue.cost("trench_footway")
    )
    point = _points(layer).geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx((20.0, 0.0), abs=1.0)  # joined across the road


def test_a_junction_crossing_is_a_point_at_the_junction_with_joints_only() -> None:
    d = _crossroads(south=True)
    plan = plan_district(d)
    layer = crossings_layer(plan)
    assert _kinds(layer) == {"junction": 1} == {"junction": _bom_crossings(plan)}
    assert layer.iloc[0]["highway"] == "primary"
    assert (layer.geometry.iloc[0].x, layer.geometry.iloc[0].y) == (0.0, 0.0)
    # Without joints the BOM counts no junction crossing, and neither does the map.
    plain = plan_district(d, DesignParams(joints=False))
    assert _bom_crossings(plain) == 0
    assert len(crossings_layer(plain)) == 0


def _river_district() -> District:
    d = hand_district([(0, 0), (200, 0)], [(0, 1)], [(100, 14), (60, 40)])
    river = shapely.LineString([(-50, 5), (250, 5)])
    kind = np.array(["waterway"], dtype=object)
    return replace(d, barriers=Barriers(geometry=np.array([river]), kind=kind))


def test_a_drop_across_a_barrier_is_a_point_where_it_meets_the_barrier() -> None:
    plan = plan_district(_river_district())
    layer = crossings_layer(plan)
    assert _kinds(layer) == {"barrier": 2} == {"barrier": _bom_crossings(plan)}
    assert set(layer["building_osm_id"]) == {1, 2}
    assert set(layer["barrier"]) == {"waterway"}
    assert set(layer["cost_eur"]) == {12000.0}
    assert layer.geometry.y.tolist() == pytest.approx([5.0, 5.0])  # on the river
    taps = plan.access.tap_xy[[0, 1]]
    assert sorted(layer.geometry.x) == pytest.approx(sorted(taps[:, 0]), abs=1.0)


def test_every_export_carries_the_layer_styled(tmp_path: Path) -> None:
    south = [(float(x), -12.0) for x in range(30, 200, 20)]
    d = hand_district([(0, 0), (220, 0)], [(0, 1)], [*_NORTH, (100.0, -12.0), *south], "secondary")
    write_all(plan_district(d), tmp_path, with_detail=False)
    gpkg = tmp_path / "plan.gpkg"
    with closing(sqlite3.connect(gpkg)) as con:
        styles = dict(con.execute("SELECT f_table_name, styleQML FROM layer_styles").fetchall())
        sld = dict(con.execute("SELECT f_table_name, styleSLD FROM layer_styles").fetchall())
    assert 'v="dash"' in styles["crossings_lines"]  # the far-side trench
    assert 'v="cross"' in styles["crossings_points"]  # QGIS's "+" marker
    assert "stroke-dasharray" in sld["crossings_lines"]
    with zipfile.ZipFile(tmp_path / "plan.qgz") as z:
        project = z.read("plan.qgs").decode()
    assert "layername=crossings_points" in project and "layername=crossings_lines" in project
    with zipfile.ZipFile(tmp_path / "plan.kmz") as z:
        kml = z.read("doc.kml").decode()
    assert "<name>Road and barrier crossings</name>" in kml
    assert kml.count(">far_side</value>") == 2  # the crossing and its trench


@pytest.fixture(scope="module")
def balzers() -> Plan:
    return plan_district(load_sample("liechtenstein_balzers"))


def test_a_city_has_as_many_crossing_points_as_its_bom(balzers: Plan, tmp_path: Path) -> None:
    write_all(balzers, tmp_path, with_detail=False)
    doc = json.loads((tmp_path / "geojson" / "crossings.geojson").read_text(encoding="utf-8"))
    kinds = [f["properties"]["kind"] for f in doc["features"] if f["geometry"]["type"] == "Point"]
    assert len(kinds) == _bom_crossings(balzers) > 0
    assert {"drop", "junction"} <= set(kinds)
    c = balzers.crossings
    assert c is not None
    assert kinds.count("drop") == int(c.building_crossing.sum())
    assert kinds.count("far_side") == len(c.side_street)
    lines = [f for f in doc["features"] if f["geometry"]["type"] == "LineString"]
    assert sum(f["properties"]["length_m"] for f in lines) == pytest.approx(
        float(c.side_m.sum()), abs=0.01 * len(lines) + 1e-9
    )
    # Each drop crossing lies at its building's tap.
    pts = _points(plan_layers(balzers, wgs84=False)["crossings"])
    drops = pts[pts["kind"] == "drop"]
    row = {int(o): i for i, o in enumerate(balzers.district.buildings.osm_id.tolist())}
    taps = balzers.access.tap_xy[[row[int(o)] for o in drops["building_osm_id"]]]
    assert shapely.get_coordinates(drops.geometry.values) == pytest.approx(taps)
