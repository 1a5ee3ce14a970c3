"""The exact MILP reference on tiny cases known by hand, and against the engine."""

from __future__ import annotations

import numpy as np
import pytest

from fttx_planner.design.planner import plan_district
from fttx_planner.design.trench import root_tree
from fttx_planner.network.graph import ExistingInfra, civil_costs
from fttx_planner.params import Deployment, DesignParams, OpticalClass
from fttx_planner.quality.bound import lower_bound
from fttx_planner.quality.exact import exact_for_plan, solve_exact, steiner_exact
from fttx_planner.synthetic import grid_district

from ._brute import random_graph, steiner_optimum
from ._districts import ONE_STREET_EUR, hand_district, one_street

#: The model the exact reference and the naive baselines share: no joints.
CORE = DesignParams(joints=False)


def test_one_street_by_hand() -> None:
    plan = plan_district(one_street(), CORE)
    r = exact_for_plan(plan, time_limit_s=20, warm_start=False)
    assert r.optimal
    assert r.cost_eur == pytest.approx(ONE_STREET_EUR)
    assert r.bound_eur == pytest.approx(ONE_STREET_EUR, rel=1e-4)
    # The street's last 20 m beyond the second house stay closed.
    g = plan.graph
    assert g.edge_length_m[r.trench_edges].sum() == pytest.approx(80.0)
    assert sum(c for _, _, c in r.splitters) == 1


@pytest.mark.parametrize("seed", range(5))
def test_steiner_exact(seed: int) -> None:
    rng = np.random.default_rng(seed)
    u, v, w = random_graph(rng, 9, 7)
    terms = np.unique(rng.choice(9, 5))
    r = steiner_exact(9, u, v, w, terms, time_limit_s=10)
    assert r.optimal
    assert r.cost_eur == pytest.approx(steiner_optimum(9, u, v, w, terms.tolist()))
    assert w[r.trench_edges].sum() == pytest.approx(r.cost_eur)


PARAMS = {
    "1x32": DesignParams(joints=False, olt_x_m=0.0, olt_y_m=0.0),
    "4x16": DesignParams(
        joints=False,
        split_ratio=64,
        stage1_ratio=4,
        optical_class=OpticalClass.C_PLUS,
        olt_x_m=0.0,
        olt_y_m=0.0,
    ),
}


@pytest.mark.parametrize("arch", list(PARAMS))
def test_prices_designs_like_the_bill_of_materials(arch: str) -> None:
    # The engine's design, as a MILP solution, costs exactly the plan's total.
    plan = plan_district(grid_district(40, seed=2, flats_share=0.2), PARAMS[arch])
    r = exact_for_plan(plan, time_limit_s=1)
    assert r.start_eur == pytest.approx(plan.total_cost_eur)
    assert r.cost_eur <= plan.total_cost_eur + 1e-6


def test_brownfield_duct_capacity_priced_like_the_bill_of_materials() -> None:
    d = grid_district(60, seed=3)
    s = d.streets
    rng = np.random.default_rng(1)
    infra = ExistingInfra(
        duct_m=np.where(rng.random(s.n_edges) < 0.6, s.edge_length_m, 0.0),
        aerial_m=np.zeros(s.n_edges),
        duct_capacity=np.ones(s.n_edges, dtype=np.int64),
    )
    params = DesignParams(joints=False, deployment=Deployment.BROWNFIELD, olt_x_m=0.0, olt_y_m=0.0)
    plan = plan_district(d, params, infra=infra)
    civil = civil_costs(d, plan.catalogue, infra)
    r = exact_for_plan(plan, time_limit_s=1, civil=civil)
    assert r.start_eur == pytest.approx(plan.total_cost_eur)


def test_exact_between_bound_and_engine() -> None:
    plan = plan_district(grid_district(30, seed=1), PARAMS["1x32"])
    r = exact_for_plan(plan, time_limit_s=30)
    assert r.optimal
    assert lower_bound(plan) <= r.bound_eur + 1e-6 <= r.cost_eur + 1e-6
    assert r.cost_eur <= plan.total_cost_eur + 1e-6
    # The engine is optimal or within 1 % here.
    assert plan.total_cost_eur <= 1.01 * r.cost_eur


def test_loss_budget_respected() -> None:
    # A triangle O-A-B: the cheapest tree reaches B through A (900 m), beyond a
    # budget of ~850 m of fibre; the design must reach B directly (800 m).
    b = (616.667, 509.58)
    d = hand_district(
        [(0.0, 0.0), (300.0, 0.0), b],
        [(0, 1), (1, 2), (0, 2)],
        [(300.0, 14.0), (b[0] + 14.0, b[1] + 14.0)],
    )
    params = DesignParams(joints=False, safety_margin_db=8.0)
    plan = plan_district(d, params)
    assert plan.buildings["served"].all()
    free = plan_district(d, DesignParams(joints=False))
    r = solve_exact(
        plan.graph, plan.access, plan.demand.homes, params, plan.catalogue, time_limit_s=20
    )
    r_free = exact_for_plan(free, time_limit_s=20)
    assert r.optimal and r_free.optimal
    assert r.cost_eur > r_free.cost_eur
    g = plan.graph
    _, parent, parent_edge = root_tree(g.n_nodes, g.edge_u, g.edge_v, r.trench_edges, g.olt_node)
    for bldg in range(2):
        x, path = plan.access.node[bldg], plan.access.drop_m[bldg]
        while parent[x] >= 0:
            path += g.edge_length_m[parent_edge[x]]
            x = parent[x]
        assert path <= params.max_fibre_m + 1e-6
