"""Homes (or business units) per building.

The rules live in one table, ``data/demand_rules.csv``: one row per OSM
``building=*`` value with its rule, the floor area per unit, the default
number of levels and a note saying where the figure comes from. Rules:

``flats``
    ``building:flats`` when tagged, else floor area / area per unit (at
    least one), floor area = footprint x levels (``building:levels`` or the
    default).
``one``
    ``building:flats`` when tagged, else one.
``area``
    untyped buildings (``building=yes``): none under the minimum footprint
    (sheds); one home for a footprint up to 200 m2 with at most three levels
    (a house); else floor area / area per unit (a block).
``business``
    business units: floor area / area per unit, at least one.
``none``
    garages, sheds, churches...: no homes (unless ``building:flats`` says so).

Values not in the table are treated as ``yes``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from fttx_planner.district import Buildings

#: Footprint up to which an untyped building of at most two levels is one house (m2).
SINGLE_HOME_MAX_FOOTPRINT_M2 = 200.0
#: Levels up to which an untyped building may be one house.
SINGLE_HOME_MAX_LEVELS = 3.0  # OSM levels often count an attic


@dataclass(frozen=True)
class DemandRule:
    """One row of the demand table."""

    building: str
    rule: str
    area_per_unit_m2: float
    default_levels: float
    min_area_m2: float
    note: str


@cache
def demand_rules() -> dict[str, DemandRule]:
    """The demand table, keyed by ``building=*`` value."""
    text = resources.files("fttx_planner.data").joinpath("demand_rules.csv").read_text("utf-8")
    rules = {}
    for row in csv.DictReader(text.splitlines()):
        rules[row["building"]] = DemandRule(
            building=row["building"],
            rule=row["rule"],
            area_per_unit_m2=float(row["area_per_unit_m2"]),
            default_levels=float(row["default_levels"]),
            min_area_m2=float(row["min_area_m2"]),
            note=row["note"],
        )
    return rules


@dataclass(frozen=True)
class Demand:
    """Estimated homes per building.

    Parameters
    ----------
    homes
        ``(k,)`` int array: homes or business units per building.
    from_tag
        ``(k,)`` bool array: the count comes from ``building:flats``.
    """

    homes: np.ndarray
    from_tag: np.ndarray

    @property
    def total_homes(self) -> int:
        """All homes in the district."""
        return int(self.homes.sum())

    @property
    def n_with_demand(self) -> int:
        """Buildings with at least one home."""
        return int((self.homes > 0).sum())

    def summary(self) -> dict[str, int]:
        """Counts for reports: homes, buildings with homes, tagged vs estimated."""
        has = self.homes > 0
        return {
            "homes": self.total_homes,
            "buildings": int(self.homes.shape[0]),
            "buildings_with_homes": int(has.sum()),
            "buildings_from_tag": int((has & self.from_tag).sum()),
            "buildings_estimated": int((has & ~self.from_tag).sum()),
            "buildings_without_homes": int((~has).sum()),
        }


def estimate_demand(buildings: Buildings) -> Demand:
    """Estimate homes per building with the rules of :func:`demand_rules`.

    Examples
    --------
    >>> import numpy as np, shapely
    >>> b = Buildings(
    ...     osm_id=np.array([1, 2, 3, 4]),
    ...     footprint=np.array([shapely.box(0, 0, 20, 20)] * 4),
    ...     building=np.array(["apartments", "house", "garage", "apartments"]),
    ...     levels=np.array([np.nan, np.nan, np.nan, 2.0]),
    ...     flats=np.array([np.nan, np.nan, np.nan, 12.0]),
    ...     name=np.array([""] * 4),
    ... )
    >>> d = estimate_demand(b)
    >>> d.homes.tolist(), d.from_tag.tolist()
    ([20, 1, 0, 12], [False, False, False, True])
    """
    rules = demand_rules()
    fallback = rules["yes"]
    n = len(buildings)
    area = buildings.area_m2
    kinds = buildings.building
    rule_of = [rules.get(str(k), fallback) for k in kinds]
    per_unit = np.array([r.area_per_unit_m2 for r in rule_of], dtype=float)
    default_levels = np.array([r.default_levels for r in rule_of], dtype=float)
    min_area = np.array([r.min_area_m2 for r in rule_of], dtype=float)
    rule = np.array([r.rule for r in rule_of], dtype=object)

    levels = np.where(
        np.isfinite(buildings.levels) & (buildings.levels > 0), buildings.levels, default_levels
    )
    floor = area * np.maximum(levels, 1.0)
    safe_unit = np.where(per_unit > 0, per_unit, 1.0)
    by_area = np.maximum(1, np.rint(floor / safe_unit)).astype(np.int64)

    homes = np.zeros(n, dtype=np.int64)
    homes[rule == "one"] = 1
    homes[rule == "flats"] = by_area[rule == "flats"]
    homes[rule == "business"] = by_area[rule == "business"]
    is_area = rule == "area"
    homes[is_area] = np.where(
        area[is_area] < min_area[is_area],
        0,
        np.where(
            (area[is_area] <= SINGLE_HOME_MAX_FOOTPRINT_M2)
            & (levels[is_area] <= SINGLE_HOME_MAX_LEVELS),
            1,
            by_area[is_area],
        ),
    )
    tagged = np.isfinite(buildings.flats) & (buildings.flats >= 0)
    homes[tagged] = np.rint(buildings.flats[tagged]).astype(np.int64)
    return Demand(homes=homes, from_tag=tagged)
