"""The exact MILP with the joints model (distribution points, branch closures)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from fttx_planner.catalogue import Catalogue
from fttx_planner.costing.access import is_mdu
from fttx_planner.design.cables import CableSizer, depth_lengths
from fttx_planner.design.planner import plan_district
from fttx_planner.design.trench import root_tree
from fttx_planner.params import DesignParams, OpticalClass
from fttx_planner.plan import Plan
from fttx_planner.quality.exact import exact_for_plan
from fttx_planner.synthetic import grid_district

from ._districts import ONE_STREET_JOINTS_EUR, hand_district, one_street

#: Per house of the hand-made districts: 9 m of drop (1 EUR/m), drop
#: installation 250, building entry 60, home connection 120, ONT 80, ONT
#: installation 40, two splices 24.
HOUSE_EUR = 9 + 250 + 60 + 120 + 80 + 40 + 24
#: A distribution point (180) or a closure (350) in a chamber (450).
FDP_EUR = 180 + 450
CLOSURE_EUR = 350 + 450


def test_one_street_joints_by_hand() -> None:
    # One distribution point at the OLT's splitter site takes both drops down
    # the trench: no distribution cable at all.
    plan = plan_district(one_street())
    r = exact_for_plan(plan, time_limit_s=20, warm_start=False)
    assert r.optimal
    assert r.cost_eur == pytest.approx(ONE_STREET_JOINTS_EUR)
    assert r.fdps == [(plan.graph.olt_node, 1)]
    assert len(r.closures) == 0
    assert r.cost_by_part["cables"] == pytest.approx(0.0)
    assert r.cost_by_part["drops_along"] == pytest.approx(40.0 + 80.0)


def t_street() -> tuple[Plan, int]:
    """OLT - 200 m trunk - junction with two 250 m branches, a house on each.

    The trunk house's tap lies 100 m from the OLT, the branch houses' 200 m
    down each branch from the junction. Splitters are made dear (5,000 EUR)
    so that one serves all three; it must sit above the trunk house, so the
    distribution cable branches at the junction.
    """
    d = hand_district(
        [(0.0, 0.0), (200.0, 0.0), (200.0, 250.0), (200.0, -250.0)],
        [(0, 1), (1, 2), (1, 3)],
        [(100.0, 14.0), (214.0, 200.0), (214.0, -200.0)],
    )
    cat = Catalogue.default().with_cost("splitter_1x32", 5000.0)
    plan = plan_district(d, DesignParams(), catalogue=cat)
    g = plan.graph
    junction = int(np.flatnonzero(np.all(np.isclose(g.node_xy, (200.0, 0.0)), axis=1))[0])
    return plan, junction


def test_branch_closure_by_hand() -> None:
    plan, junction = t_street()
    r = exact_for_plan(plan, time_limit_s=20, warm_start=False)
    # 600 m of footway trench (49 EUR/m) each with one 12-fibre cable (2.7
    # EUR/m); one splitter (5,000) with its two splices (24) in a closure
    # (350); one OLT port (optic 60, card 4,000, chassis 15,000); a
    # distribution point at each tap (the branch taps are beyond each
    # other's and the junction's 100 m reach; the trunk house's tap lies on
    # the cable anyway); and a closure where the cable branches.
    by_hand = (
        3 * HOUSE_EUR
        + 600 * (49 + 2.7)
        + 5000
        + 24
        + 350
        + 60
        + 4000
        + 15000
        + 3 * FDP_EUR
        + CLOSURE_EUR
    )
    assert r.optimal
    assert r.cost_eur == pytest.approx(by_hand)
    assert r.closures.tolist() == [junction]
    g = plan.graph
    taps = sorted(int(t) for t in plan.access.node)
    assert sorted(node for node, _ in r.fdps) == taps
    # A bound on the engine's model: its design is no cheaper.
    assert plan.total_cost_eur >= by_hand - 1e-6
    assert g.edge_length_m[r.trench_edges].sum() == pytest.approx(600.0)


def _left_out_eur(plan: Plan) -> float:
    """What the MILP with joints leaves out of a plan's bill of materials.

    Cables cut to the size of a run's first edge (the MILP prices each
    edge's own cheapest cable), closures at size changes only and the
    splices in closures, and drops along the trench tree beyond the shortest
    path from their distribution point to their tap. (No junction
    crossings on synthetic grids.)
    """
    cat = plan.catalogue
    sizer = CableSizer(cat)
    c = plan.cables
    cheapest = sum(
        length * sizer.cost_per_metre(int(f))
        for length, f in zip(c["length_m"], c["fibres"], strict=True)
    )
    eur = float(c["cost_eur"].sum()) - cheapest
    cl = plan.closures
    size_only = ~cl["kind"].str.contains("branch")
    # Its chamber too, unless a distribution point's chamber takes it.
    own_chamber = size_only & ~cl["node"].isin(plan.fdps["node"])
    eur += int(size_only.sum()) * cat.cost("splice_closure")
    eur += int(own_chamber.sum()) * cat.cost("handhole")
    eur += int(cl["splices"].sum()) * cat.cost("fibre_splice")
    g = plan.graph
    mat = coo_matrix((g.edge_length_m, (g.edge_u, g.edge_v)), shape=(g.n_nodes, g.n_nodes))
    b = plan.buildings[plan.buildings["served"] & (plan.buildings["fdp_id"] >= 0)]
    bi = b["building"].to_numpy()
    tap = plan.access.node[bi]
    fdp = b["fdp_node"].to_numpy()
    shortest = dijkstra(mat.tocsr(), directed=False, indices=tap)[np.arange(len(tap)), fdp]
    along_tree = b["drop_m"].to_numpy() - plan.access.drop_m[bi]
    eur += cat.cost("drop_cable") * float((along_tree - shortest).sum())
    return eur


@pytest.mark.parametrize("district", ["t street", "irregular 60", "cascade 40"])
def test_prices_the_engine_design_like_the_bill_of_materials(district: str) -> None:
    # The engine's design, as a MILP solution, costs the plan's total less
    # exactly the items the relaxation leaves out.
    if district == "t street":
        plan, _ = t_street()
    elif district == "irregular 60":
        plan = plan_district(grid_district(60, seed=1, irregular=True), DesignParams())
        assert len(plan.closures) > 0
    else:
        # Two stages; a splitter closure in the street with no point at its node.
        cascade = DesignParams(
            split_ratio=64,
            stage1_ratio=4,
            optical_class=OpticalClass.C_PLUS,
            olt_x_m=0.0,
            olt_y_m=0.0,
        )
        plan = plan_district(grid_district(40, seed=2, irregular=True, flats_share=0.1), cascade)
        sites = set(plan.splitters["node"]) - {plan.graph.olt_node} - set(plan.fdps["node"])
        assert sites
    assert len(plan.fdps) > 0
    warm = exact_for_plan(plan, time_limit_s=1)
    assert warm.start_eur is not None
    left_out = _left_out_eur(plan)
    assert left_out >= 0.0
    assert warm.start_eur == pytest.approx(plan.total_cost_eur - left_out)


def test_joints_relaxation_against_the_engine() -> None:
    plan = plan_district(grid_district(16, seed=5, flats_share=0.2), DesignParams())
    warm = exact_for_plan(plan, time_limit_s=1)
    assert warm.start_eur is not None
    assert warm.start_eur == pytest.approx(plan.total_cost_eur - _left_out_eur(plan))
    # Solved from scratch: a design no dearer than the engine's, a bound below it.
    r = exact_for_plan(plan, time_limit_s=30, warm_start=False)
    assert r.optimal
    assert r.bound_eur <= r.cost_eur + 1e-6 <= warm.start_eur + 1e-6
    assert r.cost_eur <= plan.total_cost_eur
    # Its distribution points hold every small building's premises.
    served = plan.buildings[plan.buildings["served"]]
    homes = served["homes"].to_numpy()
    small = int(homes[~is_mdu(homes, plan.params)].sum())
    assert sum(c for _, c in r.fdps) >= math.ceil(small / plan.params.fdp_ports)
    # Without joints: the MILP design with the distribution points and
    # closures taken out and each drop's fibres carried on to its tap in
    # cable (subadditive sizes: at most the cheapest cable per metre of drop
    # along its tree path) is a design of the core model.
    core = exact_for_plan(
        plan_district(grid_district(16, seed=5, flats_share=0.2), DesignParams(joints=False)),
        time_limit_s=30,
        warm_start=False,
    )
    g = plan.graph
    order, parent, parent_edge = root_tree(
        g.n_nodes, g.edge_u, g.edge_v, r.trench_edges, g.olt_node
    )
    depth = depth_lengths(order, parent, g.edge_length_m, parent_edge, g.n_nodes)
    has = r.fdp_of >= 0
    tap = plan.access.node[plan.access.node >= 0]
    along_tree_m = float((depth[tap[has]] - depth[r.fdp_of[has]]).sum())
    assert along_tree_m >= r.cost_by_part["drops_along"] - 1e-6  # drop_cable: 1 EUR/m
    cat = plan.catalogue
    cable_per_m = cat.cost("cable_12f") + cat.cost("cable_install")
    as_core = (
        r.cost_eur
        - r.cost_by_part["joints"]
        - r.cost_by_part["drops_along"]
        + cable_per_m * along_tree_m
    )
    assert core.bound_eur <= as_core + 1e-6
    # And the joints are not free: the best design with them is dearer.
    assert r.cost_eur > core.bound_eur
