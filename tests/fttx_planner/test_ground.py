"""The ground model: taps, drops, barriers, tunnels, crossings, distribution points, closures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from fttx_planner.catalogue import Catalogue
from fttx_planner.design.cables import CableSizer
from fttx_planner.design.joints import cable_runs
from fttx_planner.design.planner import plan_district
from fttx_planner.district import Barriers, District
from fttx_planner.export import write_all
from fttx_planner.export.drops import drop_lines
from fttx_planner.network.taps import MIN_DROP_M, choose_taps
from fttx_planner.osm.load import load_osm
from fttx_planner.params import DesignParams
from fttx_planner.quality.ground import ground_checks
from fttx_planner.samples import load_sample
from fttx_planner.synthetic import grid_district

from ._districts import hand_district


def _with_structure(d: District, structure: list[str]) -> District:
    streets = replace(d.streets, edge_structure=np.array(structure, dtype=object))
    return replace(d, streets=streets)


def test_no_tap_in_a_tunnel_but_cable_passes_it() -> None:
    # 1 -- 2 is a tunnel right under the house; 2 -- 3 -- 4 reach it at ground level.
    d = hand_district(
        [(-50, 0), (0, 0), (100, 0), (100, 40), (50, 40)],
        [(0, 1), (1, 2), (2, 3), (3, 4)],
        [(50, 12)],
    )
    d = _with_structure(d, ["", "tunnel", "", ""])
    plan = plan_district(d)
    tap = plan.access.tap_xy[0]
    assert tap[1] == pytest.approx(40.0)  # on the street above, not in the tunnel below
    assert plan.access.drop_m[0] == pytest.approx(23.0)
    bom = plan.bom.set_index("item")["quantity"]
    # The cable passes the tunnel in a duct.
    assert bom["tunnel_duct"] == pytest.approx(100.0)


def test_drop_avoids_the_house_in_front() -> None:
    # A back house at y=30 behind a front house at y=12: its straight drop to
    # the street would cut through the front house; it goes through the gap.
    d = hand_district([(0, 0), (200, 0)], [(0, 1)], [(100, 12), (100, 30)])
    taps = choose_taps(d.buildings.footprint, np.array([0, 1]), d.streets.edge_geometry, 250.0)
    assert taps.buildings_crossed.tolist() == [0, 0]
    seg = shapely.linestrings([taps.entry_xy[1], taps.tap_xy[1]])
    assert not shapely.crosses(seg, d.buildings.footprint[0])
    assert abs(taps.tap_xy[1][0] - 100.0) >= 5.0  # slid along the street


def test_drop_never_crosses_a_railway_when_a_street_is_on_its_side() -> None:
    # Nearest street at y=0 lies across a railway at y=5; another street at y=40.
    d = hand_district([(0, 0), (200, 0), (0, 40), (200, 40)], [(0, 1), (2, 3), (0, 2)], [(100, 14)])
    rail = shapely.LineString([(-50, 5), (250, 5)])
    d = replace(
        d, barriers=Barriers(geometry=np.array([rail]), kind=np.array(["railway"], dtype=object))
    )
    plan = plan_district(d)
    assert plan.access.tap_xy[0][1] == pytest.approx(40.0)
    assert plan.access.barrier[0] == ""


def test_drop_across_a_barrier_is_priced_when_it_is_the_only_way() -> None:
    d = hand_district([(0, 0), (200, 0)], [(0, 1)], [(100, 14)])
    river = shapely.LineString([(-50, 5), (250, 5)])
    d = replace(
        d,
        barriers=Barriers(geometry=np.array([river]), kind=np.array(["waterway"], dtype=object)),
    )
    plan = plan_district(d)
    assert plan.access.barrier[0] == "waterway"
    assert plan.bom.set_index("item").loc["barrier_crossing", "quantity"] == 1


def test_a_drop_has_positive_length_when_the_street_touches_the_wall() -> None:
    d = hand_district([(0, 5), (200, 5)], [(0, 1)], [(100, 10)])  # street along the wall
    plan = plan_district(d)
    assert plan.access.drop_m[0] >= MIN_DROP_M


def test_entrance_is_the_building_entry() -> None:
    d = hand_district([(0, 0), (200, 0)], [(0, 1)], [(100, 12)])
    d = replace(d, entrances=np.array([[103.0, 7.0]]))
    plan = plan_district(d)
    assert plan.access.entry_xy[0].tolist() == pytest.approx([103.0, 7.0])
    assert plan.access.tap_xy[0][0] == pytest.approx(103.0, abs=0.5)


def test_main_road_far_side_gets_crossings_or_a_second_trench() -> None:
    houses = [(x, 12) for x in range(20, 200, 20)] + [(100, -12)]
    d = hand_district([(0, 0), (220, 0)], [(0, 1)], houses, highway="secondary")
    plan = plan_district(d)
    # One house faces the far side: one crossing, no second trench.
    assert plan.crossings.building_crossing.sum() == 1
    assert len(plan.crossings.side_street) == 0
    many = [(x, -12) for x in range(30, 200, 20)]
    d2 = hand_district([(0, 0), (220, 0)], [(0, 1)], houses + many, highway="secondary")
    plan2 = plan_district(d2)
    # Nine houses on the far side: a second trench (about 160 m) and one crossing
    # cost less than nine crossings.
    assert len(plan2.crossings.side_street) == 1
    assert plan2.crossings.count == 1
    assert plan2.crossings.side_m[0] == pytest.approx(180.0, abs=25)


def test_quiet_streets_need_no_crossing() -> None:
    d = hand_district([(0, 0), (220, 0)], [(0, 1)], [(100, 12), (100, -12)])
    assert plan_district(d).crossings.count == 0


def test_distribution_points_respect_ports_and_reach() -> None:
    houses = [(x, 12) for x in range(10, 400, 12)]
    d = hand_district([(0, 0), (420, 0)], [(0, 1)], houses)
    params = DesignParams(fdp_ports=4, fdp_reach_m=30.0)
    plan = plan_district(d, params)
    f = plan.fdps
    assert (f["ports_used"] <= 4).all()
    assert f["ports_used"].sum() == len(houses)
    b = plan.buildings
    tap_x = plan.graph.node_xy[plan.access.node[b["building"]], 0]
    fdp_x = plan.graph.node_xy[b["fdp_node"], 0]
    # Each distribution point is on the way from its drops to the OLT, within reach.
    assert (fdp_x <= tap_x + 1e-9).all()
    assert (tap_x - fdp_x <= 30.0 + 1e-9).all()
    assert plan.bom.set_index("item").loc["fdp", "quantity"] == len(f)


def test_big_buildings_get_a_box_and_a_sized_cable() -> None:
    d = hand_district([(0, 0), (200, 0)], [(0, 1)], [(100, 12)])
    flats = np.array([40.0])
    d = replace(d, buildings=replace(d.buildings, flats=flats, building=np.array(["apartments"])))
    plan = plan_district(d)
    bom = plan.bom.set_index("item")["quantity"]
    assert bom["mdu_box_large"] == 1  # 40 premises: a distribution frame
    assert "mdu_box" not in bom.index
    assert "drop_cable" not in bom.index
    assert len(plan.fdps) == 0
    # 40 fibres: a 48-fibre cable over the drop.
    assert bom["cable_48f"] >= plan.buildings["drop_m"].iloc[0]


def test_a_small_block_gets_a_box() -> None:
    d = hand_district([(0, 0), (200, 0)], [(0, 1)], [(100, 12)])
    d = replace(d, buildings=replace(d.buildings, flats=np.array([10.0])))
    bom = plan_district(d).bom.set_index("item")["quantity"]
    assert bom["mdu_box"] == 1 and "mdu_box_large" not in bom.index
    assert bom["cable_12f"] > 0


def _chain_tree() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # 0 - 1 - 2 - 3 - 4 and 2 - 5: edge i leads into node i + 1 (edge 4 into 5).
    order = np.array([0, 1, 2, 3, 5, 4])
    parent = np.array([-1, 0, 1, 2, 3, 2])
    parent_edge = np.array([-1, 0, 1, 2, 3, 4])
    return order, parent, parent_edge


def test_closure_at_a_branch_and_a_run_that_passes_it() -> None:
    order, parent, parent_edge = _chain_tree()
    cables = pd.DataFrame(
        {
            "edge": [0, 1, 2, 3, 4],
            "layer": ["distribution"] * 5,
            "fibres": [10, 10, 6, 3, 4],
            "length_m": [50.0, 50.0, 50.0, 50.0, 50.0],
        }
    )
    sizer = CableSizer(Catalogue.default())
    cables["sizes"] = [str(sizer.sizes(f)[0]) for f in cables["fibres"]]
    cables["cable_count"] = 1
    cables["cost_eur"] = cables["length_m"] * [sizer.cost_per_metre(f) for f in cables["fibres"]]
    xy = np.zeros((6, 2))
    runs = cable_runs(order, parent, parent_edge, cables, xy, np.array([0]), sizer, 800.0)
    assert runs.closures["node"].tolist() == [2]
    assert runs.closures["kind"].tolist() == ["branch"]
    assert runs.closures["splices"].tolist() == [4]  # the branch cable's fibres
    ids = runs.cables.set_index("edge")["cable_id"]
    assert ids[0] == ids[1] == ids[2] == ids[3]  # the main cable passes the branch uncut
    assert ids[4] != ids[0]


def test_a_run_is_cut_only_where_the_smaller_cable_pays_for_the_closure() -> None:
    order = np.arange(4)
    parent = np.array([-1, 0, 1, 2])
    parent_edge = np.array([-1, 0, 1, 2])
    sizer = CableSizer(Catalogue.default())

    def run(length_m: float) -> pd.DataFrame:
        cables = pd.DataFrame(
            {"edge": [0, 1, 2], "layer": ["feeder"] * 3, "fibres": [200, 200, 10],
             "length_m": [10.0, 10.0, length_m]}
        )  # fmt: skip
        cables["sizes"] = ["+".join(map(str, sizer.sizes(f))) for f in cables["fibres"]]
        cables["cable_count"] = [len(sizer.sizes(f)) for f in cables["fibres"]]
        cables["cost_eur"] = cables["length_m"] * [
            sizer.cost_per_metre(f) for f in cables["fibres"]
        ]
        return cable_runs(order, parent, parent_edge, cables, np.zeros((4, 2)), np.array([0]),
                          sizer, 800.0).closures  # fmt: skip

    saving_per_m = sizer.cost_per_metre(200) - sizer.cost_per_metre(10)
    assert len(run(0.5 * 800.0 / saving_per_m)) == 0  # too short to pay for a closure
    assert run(2 * 800.0 / saving_per_m)["kind"].tolist() == ["size change"]


def test_reach_limit_is_a_hard_constraint() -> None:
    p = DesignParams(optical_class="C+", split_ratio=32, max_reach_m=1_000.0)
    assert p.max_fibre_m == pytest.approx(1_000.0)
    d = hand_district([(0, 0), (3000, 0)], [(0, 1)], [(500, 12), (2500, 12)])
    plan = plan_district(d, p)
    b = plan.buildings.set_index("building")
    assert bool(b.loc[0, "served"]) and not bool(b.loc[1, "served"])
    assert "logical reach" in b.loc[1, "reason"]


def test_second_stage_adds_its_splices() -> None:
    one = DesignParams(split_ratio=32)
    two = DesignParams(split_ratio=32, stage1_ratio=4)
    stage_loss = two.splitter_loss_db - one.splitter_loss_db
    assert two.fixed_loss_db - one.fixed_loss_db == pytest.approx(
        stage_loss + two.stage_splices * two.splice_loss_db
    )


def test_local_fallback_keeps_the_rest_of_the_network() -> None:
    # The main road is dear, the tracks round the block cheap: the cheapest tree
    # feeds the far house round the block (4 km), beyond the budget (2.4 km).
    d = hand_district(
        [(0, 0), (1000, 0), (0, 1500), (1000, 1500)],
        [(0, 1), (0, 2), (2, 3), (3, 1)],
        [(100, 12), (990, 12), (10, 1510)],
    )
    hw = np.array(["primary", "track", "track", "track"], dtype=object)
    d = replace(d, streets=replace(d.streets, edge_highway=hw))
    params = DesignParams(safety_margin_db=7.46)
    assert 2300 < params.max_fibre_m < 2500
    plan = plan_district(d, params)
    assert any("re-routed" in w for w in plan.warnings)
    assert plan.buildings["served"].all()
    assert (plan.buildings["path_m"] <= params.max_fibre_m + 1e-6).all()
    # Only the far house moved: the corner house keeps its track.
    b = plan.buildings.set_index("building")
    assert b.loc[2, "path_m"] == pytest.approx(1500 + b.loc[2, "drop_m"], abs=1.0)
    assert b.loc[1, "path_m"] < 1100


def test_osm_file_gives_tunnels_bridges_barriers_and_entrances(tmp_path: Path) -> None:
    coords = [
        (0, 0), (100, 0), (200, 0), (300, 0), (0, 50), (300, 50), (100, 20), (110, 20),
        (110, 30), (100, 30), (105, 20), (0, 10), (300, 10),
    ]  # fmt: skip
    nodes = "".join(
        f'<node id="{i}" lat="{47.0 + y * 1e-5:.7f}" lon="{9.0 + x * 1e-5:.7f}">'
        + ('<tag k="entrance" v="main"/>' if i == 11 else "")
        + "</node>"
        for i, (x, y) in enumerate(coords, start=1)
    )
    ways = (
        '<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>'
        '<way id="2"><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/>'
        '<tag k="tunnel" v="yes"/></way>'
        '<way id="3"><nd ref="3"/><nd ref="4"/><tag k="highway" v="residential"/>'
        '<tag k="bridge" v="yes"/></way>'
        '<way id="4"><nd ref="7"/><nd ref="11"/><nd ref="8"/><nd ref="9"/><nd ref="10"/>'
        '<nd ref="7"/><tag k="building" v="house"/></way>'
        '<way id="5"><nd ref="12"/><nd ref="13"/><tag k="railway" v="rail"/></way>'
    )
    path = tmp_path / "ground.osm"
    path.write_text(
        f'<?xml version="1.0"?><osm version="0.6">{nodes}{ways}</osm>', encoding="utf-8"
    )
    d = load_osm(path)
    assert sorted(d.streets.structure().tolist()) == ["", "bridge", "tunnel"]
    assert d.barriers is not None and d.barriers.kind.tolist() == ["railway"]
    assert d.entrances is not None and len(d.entrances) == 1


@pytest.fixture(scope="module")
def balzers_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("balzers")
    plan = plan_district(load_sample("liechtenstein_balzers"))
    write_all(plan, out)
    return out


def test_exports_pass_the_field_checks(balzers_outputs: Path) -> None:
    c = ground_checks(balzers_outputs)
    assert c.drops > 1000
    assert c.taps_in_tunnels == 0
    assert c.zero_length_drops == 0
    assert c.drops_across_barriers == 0
    assert c.share_through_buildings <= 0.05
    assert c.closures_on_map == c.closures_in_bom > 0
    assert c.fdps_on_map == c.fdps_in_bom > 0


def test_drops_are_drawn_from_their_distribution_point_to_the_entry() -> None:
    plan = plan_district(grid_district(400, irregular=True, seed=2))
    b = plan.buildings[plan.buildings["served"] & (plan.buildings["fdp_id"] >= 0)]
    lines = drop_lines(plan, b["building"].to_numpy())
    assert (shapely.get_type_id(lines) == 1).all()
    first = np.array([shapely.get_coordinates(line)[0] for line in lines])
    last = np.array([shapely.get_coordinates(line)[-1] for line in lines])
    fdp_xy = plan.graph.node_xy[b["fdp_node"].to_numpy()]
    assert np.allclose(first, fdp_xy)
    assert np.allclose(last, plan.access.entry_xy[b["building"].to_numpy()])
