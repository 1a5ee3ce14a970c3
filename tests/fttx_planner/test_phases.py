"""Roll-out phases tied to the design: areas per splitter, ranked by cost per home."""

from __future__ import annotations

import json

import pytest

from fttx_planner.catalogue import LAYERS
from fttx_planner.design.areas import area_table
from fttx_planner.design.planner import plan_district
from fttx_planner.params import DesignParams
from fttx_planner.synthetic import grid_district
from models.capex import NetworkCapex


@pytest.fixture(scope="module")
def phased():
    return plan_district(grid_district(600, irregular=True, seed=4), DesignParams(phases=3))


def test_areas_share_out_the_whole_bill(phased) -> None:
    t = area_table(phased)
    assert len(t) == int((phased.splitters["stage"] == phased.splitters["stage"].max()).sum())
    assert t["homes_passed"].sum() == phased.homes_passed
    by_layer = phased.capex_by_layer()
    for layer in LAYERS:
        assert t[f"{layer}_eur"].sum() == pytest.approx(by_layer[layer], rel=1e-9, abs=1e-6)


def test_phases_cheapest_first_and_read_by_the_business_models(phased) -> None:
    phases = phased.summary()["phases"]
    assert [p["year"] for p in phases] == [0, 1, 2]
    assert sum(p["homes_passed"] for p in phases) == phased.homes_passed

    def per_home(p: dict) -> float:
        c = p["capex_eur"]
        return (c["civil"] + c["cables"] + c["splitters"] + c["cabinets"] + c["olt"]) / p[
            "homes_passed"
        ]

    assert per_home(phases[0]) <= per_home(phases[-1])
    capex = NetworkCapex.from_summary(json.loads(json.dumps(phased.summary())))
    assert len(capex.phases) == 3
    assert sum(p.homes_passed for p in capex.phases) == capex.homes_passed


def test_one_phase_by_default() -> None:
    plan = plan_district(grid_district(200, seed=1))
    assert plan.phases is None and "phases" not in plan.summary()


def test_buildings_carry_their_phase(phased) -> None:
    from fttx_planner.export import plan_layers

    b = plan_layers(phased, wgs84=False)["buildings"]
    served = b["served"].to_numpy()
    assert set(b.loc[served, "phase"]) == {1, 2, 3}
    assert (b.loc[~served, "phase"] == 0).all()
    homes = b[served].groupby("phase")["homes"].sum().tolist()
    assert homes == [p["homes_passed"] for p in phased.summary()["phases"]]
