"""Set-back drops share their neighbours' drop trenches where cheaper (network.spurs)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import shapely

from fttx_planner.costing.access import drop_trench_total_m
from fttx_planner.design.planner import plan_district
from fttx_planner.district import Barriers, District
from fttx_planner.export.layers import plan_layers
from fttx_planner.network.footways import dug_drop_m
from fttx_planner.network.spurs import DropPrices, shared_drops
from fttx_planner.network.taps import BarrierIndex
from fttx_planner.params import DesignParams

from ._districts import hand_district

#: A street along y = 0. A front house (walls x 50-60, y 10-20); house B set
#: back 60 m (x 64.2-74.2, y 60-70), its straight drop beside the front house;
#: house C (x 80.2-90.2, y 40-50) beside B's drop, 11 m from it, 40 m from the
#: street. B's tap at x = 69.2 merges onto a node at 69.0 (taps merge to 0.5 m).
_FRONT, _B, _C = 0, 1, 2


def _district(barrier: shapely.Geometry | None = None) -> District:
    d = hand_district([(0, 0), (200, 0)], [(0, 1)], [(55, 15), (69.2, 65), (85.2, 45)])
    if barrier is None:
        return d
    kind = np.array(["railway"], dtype=object)
    return replace(d, barriers=Barriers(geometry=np.array([barrier]), kind=kind))


def test_a_house_beside_a_long_drop_branches_off_it_and_is_dug_for_its_branch_only() -> None:
    plan = plan_district(_district(), DesignParams())
    a = plan.access
    assert a.shared_m is not None
    # C leaves the street in B's drop trench, tapped where B is.
    assert a.node[_C] == a.node[_B]
    assert a.shared_m[_B] == 0.0 and a.shared_m[_FRONT] == 0.0
    along = a.shared_m[_C]
    assert 40.0 <= along <= 50.0  # where C's wall faces B's drop
    assert a.drop_m[_C] == pytest.approx(along + 11.0, abs=0.6)
    # Dug: B beyond its 20 m lead-in, C only its 11 m branch (not 40 - 20 on its own).
    free_m = plan.params.drop_free_m
    dug = drop_trench_total_m(a, plan.params)
    assert dug == pytest.approx((a.drop_m[_B] - free_m) + 11.0, abs=0.6)
    own = float(dug_drop_m(np.array([a.drop_m[_B], 40.0]), free_m).sum())
    assert dug < own - 8.0
    bom = dict(zip(plan.bom["item"], plan.bom["quantity"], strict=True))
    assert bom["drop_trench"] == pytest.approx(dug)
    # The drop drawn from the tap runs up B's drop, then across to C's wall.
    route = a.drop_path[_C]
    assert shapely.get_coordinates(route)[0] == pytest.approx(a.tap_xy[_C], abs=0.6)
    assert route.length == pytest.approx(a.drop_m[_C], abs=0.6)
    houses = plan.district.buildings.footprint
    assert not shapely.crosses(route, houses[[_FRONT, _B]]).any()
    # Exported, each drop is one line from its distribution point to the entry
    # (the shared route starts on the tap node, not a merge distance off it).
    drops = plan_layers(plan, wgs84=False)["drops"]
    assert (drops.geom_type == "LineString").all()
    # The bound counts the same drop trench: it stays below the plan.
    assert plan.lower_bound_eur is not None and plan.lower_bound_eur <= plan.total_cost_eur


def test_no_branch_across_a_railway() -> None:
    rail = shapely.LineString([(77, 30), (77, 100)])  # between B's drop and C
    plan = plan_district(_district(rail), DesignParams())
    a = plan.access
    assert a.node[_C] != a.node[_B]
    assert a.shared_m is not None and a.shared_m[_C] == 0.0
    assert a.drop_m[_C] == pytest.approx(40.0, abs=0.6)


def test_sharing_is_kept_only_where_it_costs_less() -> None:
    """With digging free, a longer shared route never beats a straight drop."""
    d = _district()
    fp = d.buildings.footprint
    tap = np.array([[55.0, 0.0], [69.2, 0.0], [85.2, 0.0]])
    entry = np.array([[55.0, 10.0], [69.2, 60.0], [85.2, 40.0]])
    route = shapely.linestrings(np.stack([tap, entry], axis=1))
    street = d.streets.edge_geometry
    args = (np.ones(3, dtype=bool), 250.0, {}, BarrierIndex(None, None), street, street[[0] * 3])
    priced = shared_drops(fp, route, args[0], DropPrices(20.0, 32.0, 1.0), *args[1:])
    assert priced.building.tolist() == [_C] and priced.host.tolist() == [_B]
    assert priced.dug_m[0] == pytest.approx(11.0)
    free_dig = shared_drops(fp, route, args[0], DropPrices(20.0, 0.0, 1.0), *args[1:])
    assert len(free_dig.building) == 0
    # A host whose own drop crosses a building or a barrier hosts nobody.
    dirty = shared_drops(fp, route, np.array([True, False, True]), DropPrices(20.0, 32.0, 1.0),
                         *args[1:])  # fmt: skip
    assert len(dirty.building) == 0


def test_no_shared_drop_through_or_inside_another_building() -> None:
    d = _district()
    tap = np.array([[55.0, 0.0], [69.2, 0.0], [85.2, 0.0]])
    entry = np.array([[55.0, 10.0], [69.2, 60.0], [85.2, 40.0]])
    route = shapely.linestrings(np.stack([tap, entry], axis=1))
    prices = DropPrices(20.0, 32.0, 1.0)
    street = d.streets.edge_geometry
    rest = (250.0, {}, BarrierIndex(None, None), street, street[[0] * 4])
    clean = np.ones(4, dtype=bool)
    # A yard roof mapped as a building over B's drop and C's branch: the whole
    # route lies inside it, which ``crosses`` alone would let through.
    roof = shapely.box(68.0, 0.0, 80.7, 61.0)
    fp = np.append(d.buildings.footprint, roof)
    assert len(shared_drops(fp, np.append(route, None), clean, prices, *rest).building) == 0
    # A shed across B's drop below C: the route up B's drop runs through it.
    shed = shapely.box(60.0, 25.0, 75.0, 30.0)
    fp = np.append(d.buildings.footprint, shed)
    assert len(shared_drops(fp, np.append(route, None), clean, prices, *rest).building) == 0
    # Without a shed C shares B's drop.
    fp = np.append(d.buildings.footprint, shapely.box(150.0, 30.0, 160.0, 40.0))
    assert shared_drops(fp, np.append(route, None), clean, prices, *rest).building.tolist() == [_C]


_STREET = shapely.LineString([(-50, 0), (200, 0)])
_NO_BARRIERS = BarrierIndex(None, None)


def test_a_row_of_houses_chains_and_each_is_tapped_where_the_first_drop_leaves() -> None:
    """B's long drop hosts C; D, nearer C's branch than B's drop, branches off C's."""
    b_house = shapely.box(-5, 100, 5, 110)
    c_house = shapely.Polygon([(15, 70), (25, 60), (25, 70)])  # nearest B's drop at (15, 70)
    d_house = shapely.box(30, 75, 40, 85)
    fp = np.array([b_house, c_house, d_house])
    route = shapely.linestrings(
        np.array([[[0, 0], [0, 100]], [[25, 0], [25, 60]], [[60, 0], [40, 75]]], dtype=float)
    )
    out = shared_drops(
        fp, route, np.ones(3, dtype=bool), DropPrices(20.0, 32.0, 1.0), 250.0, {},
        _NO_BARRIERS, np.array([_STREET]), np.array([_STREET] * 3),
    )  # fmt: skip
    assert out.building.tolist() == [1, 2]
    assert out.host.tolist() == [0, 1]
    assert out.root.tolist() == [0, 0]  # D is tapped where B's drop leaves the street
    d_route = out.path[1]
    assert shapely.get_coordinates(d_route)[0].tolist() == [0.0, 0.0]
    assert d_route.length == pytest.approx(out.length_m[1])
    assert out.length_m[1] == pytest.approx(70 + 15 + np.hypot(15, 5))


def test_a_branch_from_the_host_s_tap_does_not_cross_to_the_far_side() -> None:
    """The host's drop leaves the street northwards; a house south of it keeps its own drop.

    Its nearest point on the host's drop is the tap, on the street's centreline:
    a branch from there crosses the street, which the sharing does not price.
    """
    host = shapely.box(45, 20, 55, 30)
    south = shapely.box(45, -35, 55, -25)  # its own drop runs 55 m to another street
    fp = np.array([host, south])
    route = shapely.linestrings(np.array([[[50, 0], [50, 20]], [[100, -80], [55, -35]]], float))
    args = (np.ones(2, dtype=bool), DropPrices(20.0, 32.0, 1.0), 250.0, {}, _NO_BARRIERS)
    out = shared_drops(fp, route, *args, np.array([_STREET]), np.array([_STREET] * 2))
    assert len(out.building) == 0
