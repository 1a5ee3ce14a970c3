"""A trench crossing a main road at a junction is a priced road crossing (network.crossings)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from fttx_planner.catalogue import Catalogue
from fttx_planner.design.planner import plan_district
from fttx_planner.district import District
from fttx_planner.network.crossings import junction_crossings
from fttx_planner.network.graph import civil_costs

from ._districts import hand_district


def _crossroads(south: bool) -> District:
    """A primary road along y = 0; a side street north (OLT at its end) and south of it."""
    north = [(12.0, float(y)) for y in range(30, 150, 20)]
    houses = north + ([(12.0, -float(y)) for y in range(30, 150, 20)] if south else [])
    d = hand_district(
        [(0, 150), (0, 0), (0, -150), (-200, 0), (200, 0)],
        [(0, 1), (1, 2), (3, 1), (1, 4)],
        houses,
    )
    hw = np.array(["residential", "residential", "primary", "primary"], dtype=object)
    return replace(d, streets=replace(d.streets, edge_highway=hw))


def _road_crossings(d: District) -> int:
    bom = plan_district(d).bom.set_index("item")["quantity"]
    return int(bom.get("road_crossing", 0))


def test_a_trench_across_the_main_road_is_one_crossing() -> None:
    d = _crossroads(south=True)
    plan = plan_district(d)
    assert plan.crossings.count == 0  # no drop crosses the main road
    assert _road_crossings(d) == 1


def test_no_crossing_when_the_trench_stays_on_one_side() -> None:
    assert _road_crossings(_crossroads(south=False)) == 0


def test_main_road_classes_are_configurable() -> None:
    d = _crossroads(south=True)
    cat = Catalogue.default()
    assert civil_costs(d, cat).main_road.tolist() == [False, False, True, True]
    quiet = civil_costs(d, cat, crossing_highways=frozenset())
    assert not quiet.main_road.any()


def test_two_main_roads_crossing_cut_four_sectors() -> None:
    # Main roads along both axes; side streets in three of the four quarters.
    xy = np.array(
        [[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10], [5, 5], [-5, 5], [-5, -5]], dtype=float
    )
    u = np.zeros(7, dtype=np.int64)
    v = np.arange(1, 8)
    main = np.array([True, True, True, True, False, False, False])
    assert junction_crossings(xy, u, v, main, np.array([4, 5, 6])).tolist() == [0, 0]
    assert junction_crossings(xy, u, v, main, np.array([4])).tolist() == []
