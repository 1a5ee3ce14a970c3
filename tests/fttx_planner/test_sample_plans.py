"""Every sample city plans into a valid design, greenfield and (where shipped) brownfield."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from fttx_planner.design.planner import plan_district
from fttx_planner.export.layers import plan_layers
from fttx_planner.params import DesignParams
from fttx_planner.pipeline import existing_infra, run_plan
from fttx_planner.plan import Plan
from fttx_planner.samples import list_samples, load_sample

from .test_design import check_plan

SLUGS = [s.slug for s in list_samples()]
BROWNFIELD = [s.slug for s in list_samples() if s.infrastructure_path is not None]


@pytest.fixture(scope="module", params=SLUGS)
def sample_plan(request: pytest.FixtureRequest) -> Plan:
    return run_plan(request.param, deployment="greenfield")


def test_four_sample_cities_ship() -> None:
    assert len(SLUGS) >= 4
    assert BROWNFIELD, "one sample city must ship an existing-infrastructure layer"


def test_sample_plan_is_valid(sample_plan: Plan) -> None:
    check_plan(sample_plan)
    assert sample_plan.homes_passed > 1000
    # Nearly every home is served; the rest carry reasons (checked above).
    assert sample_plan.homes_unserved <= 0.02 * sample_plan.homes_passed


def test_shared_drops_leave_the_street_at_their_tap_node(sample_plan: Plan) -> None:
    """A shared drop, also one in a chain, starts at its tap node and is as long as priced."""
    a, g = sample_plan.access, sample_plan.graph
    assert a.shared_m is not None and a.drop_path is not None
    shared = np.flatnonzero((a.node >= 0) & (a.shared_m > 0))
    assert len(shared) > 0
    routes = a.drop_path[shared]
    start = shapely.get_coordinates(shapely.get_point(routes, 0))
    assert np.hypot(*(start - g.node_xy[a.node[shared]]).T).max() < 1e-6
    assert np.abs(shapely.length(routes) - a.drop_m[shared]).max() < 0.6


def test_every_exported_drop_is_one_line_as_long_as_priced(sample_plan: Plan) -> None:
    """Also a drop whose route runs back along its own trench (Porto had four in two pieces)."""
    drops = plan_layers(sample_plan, wgs84=False)["drops"]
    assert (drops.geom_type == "LineString").all()
    lengths = shapely.length(drops.geometry.values)
    assert np.abs(lengths - drops["length_m"].to_numpy()).max() < 1.0


def test_sample_plan_is_deterministic(sample_plan: Plan) -> None:
    again = plan_district(sample_plan.district, sample_plan.params)
    pd.testing.assert_frame_equal(again.bom, sample_plan.bom)
    pd.testing.assert_frame_equal(again.buildings, sample_plan.buildings)


@pytest.mark.parametrize("slug", BROWNFIELD)
def test_brownfield_sample_never_costs_more(slug: str) -> None:
    district = load_sample(slug)
    infra = existing_infra(
        district, next(s for s in list_samples() if s.slug == slug).infrastructure_path
    )
    green = plan_district(district, DesignParams())
    brown = plan_district(district, DesignParams(deployment="brownfield"), infra=infra)
    check_plan(brown)
    assert brown.total_cost_eur <= green.total_cost_eur
    assert brown.trenches["duct_m"].sum() + brown.trenches["aerial_m"].sum() > 0


@pytest.mark.parametrize("slug", SLUGS[:1])
def test_two_stage_c_plus(slug: str) -> None:
    plan = run_plan(slug, params=DesignParams(split_ratio=64, stage1_ratio=4, optical_class="C+"))
    check_plan(plan)
    assert set(plan.splitters["stage"]) == {1, 2}
