"""The lower bound: never above any design, tight where the optimum is known."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest

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
from fttx_planner.synthetic import grid_district

from ._brute import random_graph, steiner_optimum
from ._districts import ONE_STREET_EUR, ONE_STREET_JOINTS_EUR, one_street

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
    # The bound takes the distribution point and its chamber, and one drop
    # along each trench metre: it cannot know that the first 40 m carry two.
    lb = lower_bound(plan)
    assert pytest.approx(lb) == ONE_STREET_JOINTS_EUR - 40 * 1.0


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
            "mdu_box", "road_crossing",
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
