"""The lower bound: never above any design, tight where the optimum is known."""

from __future__ import annotations

import time
from dataclasses import replace

import networkx as nx
import numpy as np
import pytest
import shapely

from fttx_planner.design.cables import CableSizer
from fttx_planner.design.planner import plan_district
from fttx_planner.district import District
from fttx_planner.network.graph import ExistingInfra
from fttx_planner.params import Deployment, DesignParams, OpticalClass
from fttx_planner.quality.bound import (
    design_lower_bound,
    dual_ascent,
    lower_bound,
    steiner_lower_bound,
)
from fttx_planner.quality.cable_floor import bridge_edges, cable_floor_per_m
from fttx_planner.synthetic import grid_district

from ._brute import random_graph, steiner_optimum
from ._districts import ONE_STREET_EUR, ONE_STREET_JOINTS_EUR, hand_district, one_street

ARCHS = {
    "1x32": DesignParams(),
    "1x64": DesignParams(split_ratio=64, optical_class=OpticalClass.C_PLUS),
    "4x16": DesignParams(split_ratio=64, stage1_ratio=4, optical_class=OpticalClass.C_PLUS),
}


@pytest.mark.parametrize("seed", range(60))
def test_steiner_bound_below_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 11))
    u, v, w = random_graph(rng, n, int(rng.integers(0, n)))
    terms = np.unique(rng.choice(n, int(rng.integers(2, n + 1))))
    if len(terms) < 2:
        return
    opt = steiner_optimum(n, u, v, w, terms.tolist())
    assert steiner_lower_bound(n, u, v, w, terms) <= opt + 1e-9


def test_dual_ascent_exact_on_a_path() -> None:
    assert dual_ascent(
        4, np.array([0, 1, 2]), np.array([1, 2, 3]), np.array([1.0, 2.0, 3.0]), np.array([0, 3])
    ) == pytest.approx(6.0)


def test_dual_ascent_prefix_is_a_bound() -> None:
    rng = np.random.default_rng(3)
    u, v, w = random_graph(rng, 40, 40)
    terms = np.unique(rng.choice(40, 15))
    full = dual_ascent(40, u, v, w, terms)
    cut = dual_ascent(40, u, v, w, terms, work_per_arc=0.0)
    assert cut <= full + 1e-9


def test_tight_on_a_hand_case() -> None:
    plan = plan_district(one_street(), DesignParams(joints=False))
    assert plan.total_cost_eur == pytest.approx(ONE_STREET_EUR)
    assert lower_bound(plan) == pytest.approx(ONE_STREET_EUR)


def test_hand_case_with_a_distribution_point() -> None:
    plan = plan_district(one_street())
    assert plan.total_cost_eur == pytest.approx(ONE_STREET_JOINTS_EUR)
    assert len(plan.fdps) == 1
    # The bound takes the distribution point and its chamber, and the drops
    # along the trench: every edge of a single street is a bridge, so the
    # first 40 m (both houses beyond them) carry two drops in any design.
    assert lower_bound(plan) == pytest.approx(ONE_STREET_JOINTS_EUR)
    # With the OLT free it could sit at the first tap: the first 40 m, with
    # their trench and two drops, are no longer needed.
    free = design_lower_bound(
        plan.graph, plan.access, plan.demand.homes, plan.params, plan.catalogue,
        include_olt=False, crossings=plan.crossings,
    )  # fmt: skip
    assert free.total_eur == pytest.approx(ONE_STREET_JOINTS_EUR - 40 * (49 + 2 * 1.0))


@pytest.mark.parametrize("seed", range(8))
def test_bridges_match_networkx(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 40
    # A sparse multigraph: a random forest plus a few extra, parallel and loop edges.
    u = rng.integers(0, n, 45)
    v = rng.integers(0, n, 45)
    u = np.concatenate([u, u[:3]])  # parallel edges are never bridges
    v = np.concatenate([v, v[:3]])
    got = bridge_edges(n, u, v)
    g = nx.MultiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(u.tolist(), v.tolist(), strict=True))
    simple = {frozenset(e) for e in nx.bridges(nx.Graph(g))}
    want = [
        frozenset((a, b)) in simple and g.number_of_edges(a, b) == 1 and a != b
        for a, b in zip(u.tolist(), v.tolist(), strict=True)
    ]
    assert got.tolist() == want


def test_dead_end_carries_a_cable() -> None:
    """A cul-de-sac of six houses off a street: the bound charges its entry a cable."""
    nodes = [(0.0, 0.0), (200.0, 0.0), (100.0, 0.0), (100.0, 150.0)]
    edges = [(0, 2), (2, 1), (2, 3)]
    houses = [(100.0 + side * 14, 30.0 + 20 * i) for i in range(3) for side in (-1, 1)]
    plan = plan_district(hand_district(nodes, edges, houses))
    floor = cable_floor_per_m(
        plan.graph, plan.access, plan.demand.homes, plan.params, plan.catalogue,
        int(plan.graph.olt_node),
    )  # fmt: skip
    g = plan.graph
    xy = g.node_xy
    # The cul-de-sac's first edge (from the junction to the first tap) has all
    # six houses beyond it: a cable (2.7 EUR/m) is cheaper than six drops.
    entry = np.flatnonzero(
        (np.minimum(xy[g.edge_u, 1], xy[g.edge_v, 1]) == 0.0)
        & (np.maximum(xy[g.edge_u, 1], xy[g.edge_v, 1]) > 0.0)
    )
    assert len(entry) == 1
    assert floor[entry[0]] == pytest.approx(2.7)
    # The last house's own stretch carries its drop alone (one drop is cheaper).
    last = np.flatnonzero(np.maximum(xy[g.edge_u, 1], xy[g.edge_v, 1]) == 150.0)
    assert floor[last].tolist() == pytest.approx([1.0] * len(last))
    # The street east of the junction ends 130 m from the nearest tap: beyond
    # a drop's 100 m reach, so only a cable could run to its far end.
    east = np.flatnonzero(np.maximum(xy[g.edge_u, 0], xy[g.edge_v, 0]) == 200.0)
    assert len(east) == 1
    assert floor[east[0]] == pytest.approx(2.7)
    assert lower_bound(plan) <= plan.total_cost_eur


@pytest.fixture(scope="module", params=[False, True], ids=["grid", "irregular"])
def district(request: pytest.FixtureRequest) -> District:
    return grid_district(800, irregular=request.param, seed=5)


@pytest.mark.parametrize("joints", [False, True], ids=["core", "joints"])
@pytest.mark.parametrize("arch", list(ARCHS))
def test_bound_below_plan(district: District, arch: str, joints: bool) -> None:
    plan = plan_district(district, ARCHS[arch].model_copy(update={"joints": joints}))
    lb = lower_bound(plan)
    total = plan.total_cost_eur
    # Closures, distribution points beyond the fewest and drops along the
    # trench are bounded weakly (see fttx_planner.quality.bound).
    assert (0.90 if joints else 0.93) * total <= lb <= total
    parts = design_lower_bound(
        plan.graph, plan.access, plan.demand.homes, plan.params, plan.catalogue,
        crossings=plan.crossings,
    )  # fmt: skip
    if not joints:
        # The per-home and per-building items are the plan's own, to the cent.
        bom = plan.bom.set_index("item")["cost_eur"]
        same = [
            "drop_cable", "drop_install", "building_entry", "home_connect", "ont", "ont_install",
            "mdu_box", "road_crossing", "drop_trench",
        ]  # fmt: skip
        same = [i for i in same if i in bom.index]
        splices = 2 * plan.homes_passed * plan.catalogue.cost("fibre_splice")
        side = plan.crossings.side_m.sum() * plan.catalogue.cost("trench_footway")
        mdu = plan.buildings[plan.buildings["served"] & plan.buildings["mdu"]]
        sizer = CableSizer(plan.catalogue)
        mdu_cable = sum(
            d * sizer.cost_per_metre(int(h))
            for h, d in zip(mdu["homes"], mdu["drop_m"], strict=True)
        )
        assert parts.fixed_eur == pytest.approx(float(bom[same].sum()) + splices + side + mdu_cable)
    # The OLT is free here: the bound without it is lower still.
    assert lower_bound(plan) <= parts.total_eur + 1e-6


def test_bound_brownfield(district: District) -> None:
    s = district.streets
    rng = np.random.default_rng(0)
    duct = np.where(rng.random(s.n_edges) < 0.4, s.edge_length_m, 0.0)
    cap = np.where(rng.random(s.n_edges) < 0.5, 1, 10).astype(np.int64)
    infra = ExistingInfra(duct_m=duct, aerial_m=np.zeros(s.n_edges), duct_capacity=cap)
    brown = plan_district(district, DesignParams(deployment=Deployment.BROWNFIELD), infra=infra)
    green = plan_district(district, DesignParams())
    lb = lower_bound(brown)
    assert lb <= brown.total_cost_eur
    # Reuse lowers the bound (the graph carries brownfield civil costs).
    assert lb < lower_bound(green)


def test_bound_houses_distribution_points_on_poles_only_where_there_are_poles(
    district: District,
) -> None:
    s = district.streets
    ducts_only = ExistingInfra(duct_m=s.edge_length_m.copy(), aerial_m=np.zeros(s.n_edges))
    poles = ExistingInfra(duct_m=np.zeros(s.n_edges), aerial_m=s.edge_length_m.copy())
    brown = DesignParams(deployment=Deployment.BROWNFIELD)
    plans = {k: plan_district(district, brown, infra=v) for k, v in
             (("ducts", ducts_only), ("poles", poles))}  # fmt: skip
    assert plans["ducts"].graph.edge_pole is not None
    assert not plans["ducts"].graph.edge_pole.any()
    assert plans["poles"].graph.edge_pole is not None and plans["poles"].graph.edge_pole.all()
    p = plans["ducts"]
    args = (p.graph, p.access, p.demand.homes, p.params, p.catalogue)
    no_poles = design_lower_bound(*args, crossings=p.crossings)
    graph = replace(p.graph, edge_pole=np.ones(len(p.graph.edge_u), dtype=bool))
    with_poles = design_lower_bound(graph, *args[1:], crossings=p.crossings)
    n_fdp = len(p.fdps) if p.fdps is not None else 0
    assert n_fdp > 0
    # Without poles every distribution point needs a chamber, a dearer housing.
    cat = p.catalogue
    step = cat.cost("handhole") - cat.cost("pole_mount")
    gained = no_poles.fixed_eur - with_poles.fixed_eur
    assert gained > 0 and gained % step == pytest.approx(0.0, abs=1e-6)
    assert no_poles.total_eur <= p.total_cost_eur


def test_bound_is_cheap() -> None:
    plan = plan_district(grid_district(5000, irregular=True, seed=1), DesignParams(joints=False))
    t0 = time.perf_counter()
    lb = lower_bound(plan)
    elapsed = time.perf_counter() - t0
    assert elapsed < 0.5 * sum(plan.timings_s.values()) + 0.2
    assert (plan.total_cost_eur - lb) / plan.total_cost_eur < 0.05


def test_parallel_streets_keep_their_own_length_in_the_reach() -> None:
    """Two streets join the same junctions (60 m straight, 78 m round): the
    reach runs along the shorter, so the two drops beyond may use it."""
    d = hand_district(
        [(0.0, 0.0), (60.0, 0.0), (160.0, 0.0)],
        [(0, 1), (0, 1), (1, 2)],
        [(70.0, 14.0), (90.0, 14.0)],
    )
    geoms = d.streets.edge_geometry.copy()
    geoms[1] = shapely.LineString([(0, 0), (30, 25), (60, 0)])
    streets = replace(d.streets, edge_geometry=geoms, edge_length_m=shapely.length(geoms))
    plan = plan_district(replace(d, streets=streets))
    assert len(plan.fdps) == 1
    assert lower_bound(plan) <= plan.total_cost_eur
