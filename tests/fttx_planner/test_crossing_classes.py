"""Which streets are main roads, whose crossing is priced, is a design parameter."""

from __future__ import annotations

from pathlib import Path

import pytest

from fttx_planner._errors import ParameterError
from fttx_planner.design.planner import plan_district
from fttx_planner.network.crossings import CROSSING_HIGHWAYS, crossing_highways
from fttx_planner.params import DesignParams, load_params

from ._districts import hand_district


def _road_crossings(highway: str, crossing_from: str) -> int:
    """Road crossings of a street with three houses north of it and one south."""
    d = hand_district(
        [(0, 0), (200, 0)], [(0, 1)], [(40, 15), (100, 15), (160, 15), (100, -15)], highway
    )
    plan = plan_district(d, DesignParams(crossing_from=crossing_from))
    bom = dict(zip(plan.bom["item"], plan.bom["quantity"], strict=True))
    return int(bom.get("road_crossing", 0))


def test_the_default_prices_crossings_of_tertiary_roads_and_above() -> None:
    assert crossing_highways(DesignParams().crossing_from) == CROSSING_HIGHWAYS
    assert _road_crossings("tertiary", "tertiary") == 1  # the house to the south
    assert _road_crossings("residential", "tertiary") == 0


def test_a_planner_sets_which_classes_are_main_roads() -> None:
    assert _road_crossings("tertiary", "secondary") == 0
    assert _road_crossings("tertiary", "none") == 0
    assert _road_crossings("residential", "residential") == 1
    assert "residential" in crossing_highways("residential")
    assert "unclassified_link" not in crossing_highways("residential")


def test_an_unknown_class_is_refused_with_the_classes_it_takes(tmp_path: Path) -> None:
    path = tmp_path / "params.toml"
    path.write_text('crossing_from = "motorway"\n')
    with pytest.raises(ParameterError) as err:
        load_params(path)
    msg = str(err.value)
    assert "params.toml" in msg and "crossing_from = 'motorway'" in msg and "'primary'" in msg
