"""A drop's straight part beyond the lead-in allowance is dug and priced (costing.access)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from fttx_planner.costing.access import connection_cost_eur, drop_trench_total_m
from fttx_planner.costing.bom import build_bom
from fttx_planner.design.cables import CableSizer
from fttx_planner.design.planner import plan_district
from fttx_planner.district import District
from fttx_planner.network.footways import dug_drop_m
from fttx_planner.network.graph import civil_costs
from fttx_planner.params import DesignParams
from fttx_planner.plan import Plan
from fttx_planner.quality.bound import design_lower_bound

from ._districts import hand_district

#: A street along y = 0; a house set back 80 m from it (its wall at y = 80)
#: and one 7 m from it (its wall at y = 7).
_FAR, _NEAR = 0, 1


def _set_back(flats: float = np.nan) -> District:
    d = hand_district([(0, 0), (200, 0)], [(0, 1)], [(50, 85), (150, 12)])
    b = d.buildings
    return replace(d, buildings=replace(b, flats=np.array([flats, np.nan])))


def _with_lead_in(plan: Plan) -> Plan:
    """The plan with its crossings carrying the drops' metres of drop trench."""
    assert plan.crossings is not None
    dug = drop_trench_total_m(plan.access, plan.params)
    return replace(plan, crossings=replace(plan.crossings, drop_trench_m=dug))


def _bom(plan: Plan) -> dict[str, float]:
    bom, _ = build_bom(
        plan.params, plan.catalogue, plan.splitters, plan.buildings, plan.cables, plan.trenches,
        civil_costs(plan.district, plan.catalogue), plan.graph, sizer=CableSizer(plan.catalogue),
        closures=plan.closures, fdps=plan.fdps, crossings=plan.crossings,
    )  # fmt: skip
    return dict(zip(bom["item"], bom["quantity"], strict=True))


def _fixed_eur(plan: Plan) -> float:
    return design_lower_bound(
        plan.graph, plan.access, plan.demand.homes, plan.params, plan.catalogue,
        crossings=plan.crossings,
    ).fixed_eur  # fmt: skip


def test_a_drop_beyond_the_allowance_is_dug_for_its_excess_only() -> None:
    plan = plan_district(_set_back())
    a = plan.access
    assert a.drop_m[_FAR] == pytest.approx(80.0)
    assert a.drop_m[_NEAR] == pytest.approx(7.0)
    free_m = plan.params.drop_free_m
    assert free_m == 20.0
    dug = dug_drop_m(a.drop_m, free_m)
    assert dug[_FAR] == pytest.approx(80.0 - free_m)
    assert dug[_NEAR] == 0.0
    assert drop_trench_total_m(a, plan.params) == pytest.approx(60.0)
    # A wider allowance covers the far drop too.
    assert drop_trench_total_m(a, DesignParams(drop_free_m=80.0)) == 0.0


def test_the_bom_and_the_bound_count_the_same_drop_trench() -> None:
    plan = _with_lead_in(plan_district(_set_back()))
    assert plan.crossings is not None
    assert _bom(plan)["drop_trench"] == pytest.approx(60.0)
    # The bound's fixed part takes exactly those metres at the drop-trench rate.
    none = replace(plan, crossings=replace(plan.crossings, drop_trench_m=0.0))
    step_eur = _fixed_eur(plan) - _fixed_eur(none)
    assert step_eur == pytest.approx(60.0 * plan.catalogue.cost("drop_trench"))
    assert "drop_trench" not in _bom(none)
    # Priced alike, the bound stays below the BOM.
    bound = design_lower_bound(
        plan.graph, plan.access, plan.demand.homes, plan.params, plan.catalogue,
        crossings=plan.crossings,
    ).total_eur  # fmt: skip
    bom, _ = build_bom(
        plan.params, plan.catalogue, plan.splitters, plan.buildings, plan.cables, plan.trenches,
        civil_costs(plan.district, plan.catalogue), plan.graph, sizer=CableSizer(plan.catalogue),
        closures=plan.closures, fdps=plan.fdps, crossings=plan.crossings,
    )  # fmt: skip
    assert bound <= float(bom["cost_eur"].sum())


def test_an_mdu_sized_cable_follows_the_same_rule() -> None:
    plan = plan_district(_set_back(flats=12.0))
    assert bool(plan.buildings.set_index("building").loc[_FAR, "mdu"])
    assert drop_trench_total_m(plan.access, plan.params) == pytest.approx(60.0)
    served = plan.access.node >= 0
    homes = plan.demand.homes[served]
    drop_m = plan.access.drop_m[served]
    sizer = CableSizer(plan.catalogue)
    plain = connection_cost_eur(homes, drop_m, plan.params, plan.catalogue, sizer)
    with_dug = connection_cost_eur(
        homes, drop_m, plan.params, plan.catalogue, sizer, _with_lead_in(plan).crossings
    )
    assert with_dug - plain == pytest.approx(60.0 * plan.catalogue.cost("drop_trench"))
