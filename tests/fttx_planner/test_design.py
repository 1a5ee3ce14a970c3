"""Invariants of a plan on synthetic districts: the engine's contract."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import shapely

from fttx_planner import DesignError
from fttx_planner.catalogue import Catalogue
from fttx_planner.design.cables import CableSizer
from fttx_planner.design.planner import plan_district
from fttx_planner.district import Buildings, District
from fttx_planner.network.graph import ExistingInfra
from fttx_planner.params import DesignParams
from fttx_planner.plan import Plan, PlanCancelled
from fttx_planner.synthetic import grid_district

ARCHITECTURES = {
    "1x32": DesignParams(),
    "1x64-4x16-C+": DesignParams(split_ratio=64, stage1_ratio=4, optical_class="C+"),
}


@pytest.fixture(scope="module", params=[False, True], ids=["grid", "irregular"])
def district(request: pytest.FixtureRequest):
    return grid_district(600, irregular=request.param, seed=3)


@pytest.fixture(scope="module", params=list(ARCHITECTURES))
def plan(request: pytest.FixtureRequest, district) -> Plan:
    return plan_district(district, ARCHITECTURES[request.param])


def check_plan(plan: Plan) -> None:
    """Assert every invariant of a valid plan (also used by the sample-city tests)."""
    b = plan.buildings
    homes = plan.demand.homes
    # Every building with homes appears once; served or unserved with a reason.
    assert sorted(b["building"]) == np.flatnonzero(homes > 0).tolist()
    assert (b.loc[~b["served"], "reason"].str.len() > 0).all()
    assert (b.loc[b["served"], "reason"] == "").all()
    # Every home's loss within budget.
    assert (b.loc[b["served"], "loss_db"] <= plan.params.budget_db + 1e-9).all()
    # Splitter capacities.
    sp = plan.splitters
    last = 2 if plan.params.two_stage else 1
    assert (sp.loc[sp["stage"] == last, "ports_used"] <= plan.params.homes_per_splitter).all()
    if plan.params.two_stage:
        assert (sp.loc[sp["stage"] == 1, "ports_used"] <= plan.params.stage1_ratio).all()
        assert (sp.loc[sp["stage"] == 2, "parent_id"] >= 0).all()
    # Homes assigned to last-stage splitters == homes passed.
    assert sp.loc[sp["stage"] == last, "ports_used"].sum() == plan.homes_passed
    # The trench network is a tree containing the OLT and every served tap.
    g = plan.graph
    tree = plan.trench_edges
    nodes = np.unique(np.concatenate([g.edge_u[tree], g.edge_v[tree]]))
    assert len(tree) == len(nodes) - 1
    taps = plan.access.node[b.loc[b["served"], "building"].to_numpy()]
    assert np.isin(taps, nodes).all() and g.olt_node in nodes
    # Splitters sit on the trench network.
    assert np.isin(sp["node"], nodes).all()
    # Routes lie on the street graph.
    streets = shapely.union_all(plan.district.streets.edge_geometry)
    geoms = g.edge_geometry(plan.district, tree)
    assert shapely.covered_by(geoms, shapely.buffer(streets, 0.01)).all()
    # BOM lengths equal geometry lengths.
    bom = plan.bom.set_index("item")["quantity"]
    geom_len = float(shapely.length(geoms).sum())
    civil_items = [
        i for i in bom.index if plan.catalogue[i].layer == "civil" and plan.catalogue[i].unit == "m"
    ]
    side_m = float(plan.crossings.side_m.sum()) if plan.crossings is not None else 0.0
    assert bom[civil_items].sum() == pytest.approx(geom_len + side_m, rel=1e-6)
    cable_m = float((plan.cables["length_m"] * plan.cables["cable_count"]).sum())
    # Drops into multi-dwelling buildings are cables sized by their fibres.
    sizer = CableSizer(plan.catalogue)
    mdu = b[b["served"] & b["mdu"]]
    cable_m += sum(
        float(d) * len(sizer.sizes(int(h)))
        for h, d in zip(mdu["homes"], mdu["drop_m"], strict=True)
    )
    cable_items = [i for i in bom.index if i.startswith("cable_") and i != "cable_install"]
    assert bom[cable_items].sum() == pytest.approx(cable_m, rel=1e-9)
    # Cable rows lie on trench edges.
    assert np.isin(plan.cables["edge"], tree).all()
    # Capex blocks add up.
    c = plan.capex_block()
    assert sum(c["by_layer"].values()) == pytest.approx(c["total"])
    assert c["passive_to_pass"] + c["passive_to_connect"] + c["active_to_pass"] + c[
        "active_to_connect"
    ] == pytest.approx(c["total"])


def test_plan_invariants(plan: Plan) -> None:
    check_plan(plan)


def test_feeder_fibres_leave_the_olt(plan: Plan) -> None:
    g = plan.graph
    sp = plan.splitters
    firsts = sp[sp["stage"] == 1]
    away = int((firsts["node"] != g.olt_node).sum())
    at_olt = plan.cables[
        (plan.cables["layer"] == "feeder")
        & (
            (g.edge_u[plan.cables["edge"]] == g.olt_node)
            | (g.edge_v[plan.cables["edge"]] == g.olt_node)
        )
    ]
    assert int(at_olt["fibres"].sum()) == away


def test_deterministic(district) -> None:
    a = plan_district(district, DesignParams())
    b = plan_district(district, DesignParams())
    pd.testing.assert_frame_equal(a.bom, b.bom)
    pd.testing.assert_frame_equal(a.splitters, b.splitters)
    pd.testing.assert_frame_equal(a.buildings, b.buildings)


def test_sixty_four_way_needs_fewer_olt_ports(district) -> None:
    p32 = plan_district(district, DesignParams(split_ratio=32))
    p64 = plan_district(district, DesignParams(split_ratio=64, optical_class="C+"))
    assert p64.summary()["splitters"]["olt_ports"] < p32.summary()["splitters"]["olt_ports"]


def test_brownfield_never_costs_more(district) -> None:
    s = district.streets
    rng = np.random.default_rng(0)
    duct = np.where(rng.random(s.n_edges) < 0.3, s.edge_length_m, 0.0)
    aerial = np.where(rng.random(s.n_edges) < 0.2, s.edge_length_m * 0.5, 0.0)
    green = plan_district(district, DesignParams())
    brown = plan_district(district, DesignParams(deployment="brownfield"), infra=(duct, aerial))
    check_plan(brown)
    assert brown.total_cost_eur <= green.total_cost_eur
    assert brown.trenches["duct_m"].sum() > 0


def test_brownfield_without_layer_is_refused(district) -> None:
    with pytest.raises(DesignError, match="existing-infrastructure layer"):
        plan_district(district, DesignParams(deployment="brownfield"))


def test_impossible_loss_budget(district) -> None:
    params = DesignParams(split_ratio=64, safety_margin_db=8.0)
    with pytest.raises(DesignError, match="Impossible loss budget"):
        plan_district(district, params)


def test_long_paths_reported_unserved(district) -> None:
    # A very lossy fibre makes far homes unservable: they are reported, not hidden.
    params = DesignParams(fibre_loss_db_per_km=2.0, optical_class="B+", safety_margin_db=7.6)
    plan = plan_district(district, params)
    check_plan(plan)
    b = plan.buildings
    assert (~b["served"]).any() and b["served"].any()
    assert b.loc[~b["served"], "reason"].str.contains("budget").all()


def test_unreachable_olt(district) -> None:
    far = DesignParams(olt_x_m=1e6, olt_y_m=1e6)
    with pytest.raises(DesignError, match="OLT"):
        plan_district(district, far)


def with_far_building(district: District) -> District:
    """The district plus one house 800 m beyond its streets."""
    b = district.buildings
    _x0, _y0, x1, y1 = district.bounds_xy
    far = shapely.box(x1 + 800, y1 + 800, x1 + 810, y1 + 810)
    buildings = Buildings(
        osm_id=np.append(b.osm_id, 999999),
        footprint=np.append(b.footprint, far),
        building=np.append(b.building, "house"),
        levels=np.append(b.levels, np.nan),
        flats=np.append(b.flats, np.nan),
        name=np.append(b.name, "far house"),
    )
    return replace(district, buildings=buildings)


def test_building_far_from_streets_is_unserved(district) -> None:
    plan = plan_district(with_far_building(district), DesignParams(max_drop_m=100.0))
    check_plan(plan)
    b = plan.buildings
    assert int((~b["served"]).sum()) == 1
    assert "maximum drop of 100 m" in b.loc[~b["served"], "reason"].iloc[0]


def test_cancel() -> None:
    d = grid_district(300, seed=1)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(PlanCancelled):
        plan_district(d, cancelled=cancelled)


def test_progress_reaches_one() -> None:
    seen: list[float] = []
    plan_district(grid_district(200, seed=2), progress=lambda f, s: seen.append(f))
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0)


def test_catalogue_prices_move_cost(district) -> None:
    cat = Catalogue.default()
    base = plan_district(district, catalogue=cat)
    dear = plan_district(district, catalogue=cat.with_cost("trench_footway", 98.0))
    assert dear.capex_by_layer()["civil"] > 1.5 * base.capex_by_layer()["civil"]


def test_full_ducts_are_not_reused(district) -> None:
    s = district.streets
    everywhere = s.edge_length_m.copy()
    roomy = ExistingInfra(duct_m=everywhere, aerial_m=np.zeros(s.n_edges))
    one_cable = ExistingInfra(
        duct_m=everywhere,
        aerial_m=np.zeros(s.n_edges),
        duct_capacity=np.ones(s.n_edges, dtype=np.int64),
    )
    params = DesignParams(deployment="brownfield")
    free = plan_district(district, params, infra=roomy)
    tight = plan_district(district, params, infra=one_cable)
    check_plan(tight)
    assert free.trenches["trench_m"].sum() == pytest.approx(0.0, abs=1e-6)
    # Edges carrying feeder and distribution cables cannot share a one-cable duct.
    per_edge = tight.cables.groupby("edge")["cable_count"].sum()
    crowded = per_edge[per_edge > 1].index
    t = tight.trenches.set_index("edge")
    assert len(crowded) > 0
    assert (t.loc[crowded, "duct_m"] == 0).all()
    assert tight.total_cost_eur > free.total_cost_eur
