"""Drops along footways, steps and cut-off lanes (network.footways), from hand-made ground."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from fttx_planner.design.planner import plan_district
from fttx_planner.district import District
from fttx_planner.export import write_all
from fttx_planner.osm.load import load_osm
from fttx_planner.plan import Plan
from fttx_planner.quality.ground import ground_checks

from ._districts import hand_district

#: A street along y = 0; a terrace of houses fronting it from x = 10 to 190
#: with a gap at x = 120 where steps climb to y = 40; a footway there runs
#: back to x = 60 behind the terrace, where a back house (60, 30) fronts it.
_NODES = [(0, 0), (200, 0), (120, 0), (120, 40), (60, 40)]
_EDGES = [(0, 2), (2, 1), (2, 3), (3, 4)]
_TERRACE = [(x, 12) for x in range(10, 200, 10) if x != 120]
_BACK = len(_TERRACE)  # index of the back house


def _stepped(lane: str = "footway") -> District:
    d = hand_district(_NODES, _EDGES, [*_TERRACE, (60, 30)])
    hw = np.array(["residential", "residential", "steps", lane], dtype=object)
    trench = np.array([True, True, False, lane not in ("footway", "steps")])
    return replace(d, streets=replace(d.streets, edge_highway=hw, edge_trench=trench))


def _off_path_m(plan: Plan, line: shapely.LineString) -> float:
    """Farthest vertex of a drop (its entry excepted) from the steps and the back way."""
    paths = shapely.union_all(plan.district.streets.edge_geometry[[2, 3]])
    pts = shapely.points(shapely.get_coordinates(line)[:-1])
    return float(shapely.distance(pts, paths).max())


def test_a_back_house_drop_follows_the_steps_and_crosses_no_building() -> None:
    plan = plan_district(_stepped())
    a = plan.access
    path = a.drop_path[_BACK]
    assert path is not None
    # From the street at the foot of the steps, up them and along the footway, into the house.
    assert shapely.get_coordinates(path)[0].tolist() == pytest.approx([120.0, 0.0])
    assert a.tap_xy[_BACK].tolist() == pytest.approx([120.0, 0.0])
    assert _off_path_m(plan, path) < 1e-6
    assert shapely.get_coordinates(path)[-1].tolist() == pytest.approx(a.entry_xy[_BACK].tolist())
    others = np.delete(plan.district.buildings.footprint, _BACK)
    assert not shapely.crosses(path, others).any()
    assert a.buildings_crossed[_BACK] == 0
    # 40 m of steps, 55 m of footway, 5 m from the footway to the back wall.
    assert a.drop_m[_BACK] == pytest.approx(path.length) == pytest.approx(100.0)
    assert a.drop_trench_m[_BACK] == pytest.approx(95.0)
    bom = plan.bom.set_index("item")["quantity"]
    # The first 20 m are in the drop installation (the lead-in allowance).
    assert bom["drop_trench"] == pytest.approx(100.0 - plan.params.drop_free_m)
    # The terrace keeps its straight drops to the street in front.
    assert all(p is None for p in a.drop_path[:_BACK])
    assert np.allclose(a.drop_m[:_BACK], 7.0)


def test_without_the_footway_the_back_house_drop_crosses_the_terrace() -> None:
    d = hand_district(_NODES[:3], _EDGES[:2], [*_TERRACE, (60, 30)])
    plan = plan_district(d)
    assert plan.access.drop_path is None or plan.access.drop_path[_BACK] is None
    assert plan.access.buildings_crossed[_BACK] > 0
    # No footway dug; the 25 m straight drop is dug beyond the 20 m lead-in allowance.
    assert plan.access.drop_m[_BACK] == pytest.approx(25.0)
    bom = plan.bom.set_index("item")["quantity"]
    assert bom["drop_trench"] == pytest.approx(25.0 - plan.params.drop_free_m)


def test_a_shorter_clean_straight_drop_is_kept() -> None:
    # A house right by the street, with the footway behind it: straight wins.
    d = hand_district(_NODES, _EDGES, [(60, 12)])
    hw = np.array(["residential", "residential", "steps", "footway"], dtype=object)
    trench = np.array([True, True, False, False])
    d = replace(d, streets=replace(d.streets, edge_highway=hw, edge_trench=trench))
    a = plan_district(d).access
    assert a.drop_path[0] is None
    assert a.drop_m[0] == pytest.approx(7.0)
    assert a.drop_trench_m[0] == 0.0


def test_a_lane_cut_off_from_the_streets_carries_the_drop() -> None:
    # The back lane is a residential way, but only steps join it to the street:
    # no trench reaches it, so the drop runs along it and down the steps.
    plan = plan_district(_stepped(lane="residential"))
    a = plan.access
    assert a.drop_path[_BACK] is not None
    assert a.tap_xy[_BACK].tolist() == pytest.approx([120.0, 0.0])
    assert a.drop_m[_BACK] == pytest.approx(100.0)
    assert not shapely.crosses(
        a.drop_path[_BACK], np.delete(plan.district.buildings.footprint, _BACK)
    ).any()


def test_a_footway_through_a_building_is_not_taken() -> None:
    # A shed over the footway: the route would run through it, so the back
    # house keeps its straight drop (through the terrace) instead.
    d = _stepped()
    shed = shapely.box(85, 36, 95, 44)
    fp = np.append(d.buildings.footprint, shed)
    b = d.buildings
    d = replace(
        d,
        buildings=replace(
            b,
            osm_id=np.append(b.osm_id, 999),
            footprint=fp,
            building=np.append(b.building, "shed"),
            levels=np.append(b.levels, np.nan),
            flats=np.append(b.flats, np.nan),
            name=np.append(b.name, "shed"),
        ),
    )
    a = plan_district(d).access
    assert a.drop_path[_BACK] is None
    assert a.buildings_crossed[_BACK] > 0
    assert a.drop_m[_BACK] < 60.0


def _osm_xml(path: Path) -> Path:
    """The stepped district as an OSM file (units of 1e-5 degree)."""
    coords: dict[int, tuple[float, float]] = {
        1: (0, 0),
        2: (120, 0),
        3: (200, 0),
        4: (120, 40),
        5: (40, 40),
        6: (200, -40),
        7: (0, -40),
        8: (-40, -40),
    }
    ways = [
        '<way id="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/>'
        '<tag k="highway" v="residential"/></way>',
        '<way id="2"><nd ref="2"/><nd ref="4"/><tag k="highway" v="steps"/></way>',
        '<way id="3"><nd ref="4"/><nd ref="5"/><tag k="highway" v="footway"/></way>',
        # A private driveway, a path and a pedestrian street away from the houses.
        '<way id="4"><nd ref="3"/><nd ref="6"/><tag k="highway" v="service"/>'
        '<tag k="service" v="driveway"/><tag k="access" v="private"/></way>',
        '<way id="5"><nd ref="1"/><nd ref="7"/><tag k="highway" v="path"/></way>',
        '<way id="6"><nd ref="7"/><nd ref="8"/><tag k="highway" v="pedestrian"/></way>',
    ]
    next_id = 100
    boxes = [(x, x + 10, 5, 25) for x in range(10, 200, 10) if x not in (110, 120)]
    boxes.append((50, 70, 30, 37))  # the back house, below the footway at y = 40
    for way, (x0, x1, y0, y1) in enumerate(boxes, start=10):
        refs = []
        for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)):
            coords[next_id] = (x, y)
            refs.append(next_id)
            next_id += 1
        nds = "".join(f'<nd ref="{r}"/>' for r in [*refs, refs[0]])
        ways.append(f'<way id="{way}">{nds}<tag k="building" v="house"/></way>')
    nodes = "".join(
        f'<node id="{i}" lat="{41.14 + y * 1e-5:.7f}" lon="{-8.61 + x * 1e-5:.7f}"/>'
        for i, (x, y) in coords.items()
    )
    path.write_text(
        f'<?xml version="1.0"?><osm version="0.6">{nodes}{"".join(ways)}</osm>', encoding="utf-8"
    )
    return path


def test_from_an_osm_file_to_the_exported_drop(tmp_path: Path) -> None:
    d = load_osm(_osm_xml(tmp_path / "stepped.osm"))
    # The loader keeps footways, steps (drops only), driveways and pedestrian
    # streets (they carry trenches); the path is the pedestrian street's only
    # link to the other streets, so it carries the trench too (osm.links).
    s = d.streets
    trench = dict(zip(s.edge_highway.tolist(), s.edge_trench.tolist(), strict=True))
    assert trench == {
        "residential": True, "service": True, "pedestrian": True,
        "steps": False, "footway": False, "path": True,
    }  # fmt: skip
    plan = plan_district(d)
    back = int(np.flatnonzero(d.buildings.osm_id == 10 + len(range(10, 200, 10)) - 2)[0])
    path = plan.access.drop_path[back]
    assert path is not None
    paths = shapely.union_all(s.edge_geometry[~s.edge_trench])
    pts = shapely.points(shapely.get_coordinates(path)[:-1])
    assert float(shapely.distance(pts, paths).max()) < 1e-6  # along the steps and the footway
    write_all(plan, tmp_path / "out", with_detail=False)
    checks = ground_checks(tmp_path / "out")
    assert checks.drops_through_buildings == 0
    assert checks.drops_along_paths == 1
    assert checks.zero_length_drops == 0
    drops = gpd.read_file(tmp_path / "out" / "geojson" / "drops.geojson")
    row = drops[drops["building_osm_id"] == d.buildings.osm_id[back]]
    assert len(row) == 1
    exported = row.to_crs(d.crs).geometry.iloc[0]
    # The exported drop ends with the routed part, up the steps and along the footway.
    assert exported.length >= path.length - 0.5
    assert shapely.distance(shapely.Point(shapely.get_coordinates(exported)[-1]), path) < 0.05
    assert checks.longest_off_trench_m == pytest.approx(path.length, rel=0.01)
