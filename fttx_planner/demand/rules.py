"""The premises rules: one row per OSM ``building=*`` value, in ``data/demand_rules.csv``.

Each row gives the value's category, the gross floor area per unit, the
levels assumed when nothing better is known, a cap on units, and the source
or rationale of those figures. Categories:

``house``
    one home, or the number of address points in it (up to ``max_units``).
``row``
    a row of houses in one outline: one home per address point, else as ``flats``.
``flats``
    floor area (footprint x levels) / area per unit, at least the address count.
``residential``
    untyped residential: one home when house-sized, else as ``flats``.
``untyped``
    ``building=yes`` and unknown values: read the context first (business tags,
    land use), then as ``residential``.
``business``
    business units: one per address, else floor area / area per unit, at least
    one and at most ``max_units``; never homes.
``none``
    no premises (sheds, garages, barns, ruins...).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fttx_planner._errors import FttxError

#: The categories a rule may have.
CATEGORIES = ("house", "row", "flats", "residential", "untyped", "business", "none")


@dataclass(frozen=True)
class DemandRule:
    """One row of the premises table."""

    building: str
    category: str
    area_per_unit_m2: float
    default_levels: float
    max_units: int
    source: str

    @property
    def note(self) -> str:
        """The source or rationale (kept under its old name)."""
        return self.source


@cache
def demand_rules() -> dict[str, DemandRule]:
    """The premises table, keyed by ``building=*`` value.

    Examples
    --------
    >>> rules = demand_rules()
    >>> rules["garage"].category, rules["house"].category, rules["palace"].max_units
    ('none', 'house', 1)
    """
    text = resources.files("fttx_planner.data").joinpath("demand_rules.csv").read_text("utf-8")
    rules = {}
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        if row["category"] not in CATEGORIES:
            msg = f"demand_rules.csv line {line}: unknown category {row['category']!r}"
            raise FttxError(msg)
        rules[row["building"]] = DemandRule(
            building=row["building"],
            category=row["category"],
            area_per_unit_m2=float(row["area_per_unit_m2"]),
            default_levels=float(row["default_levels"]),
            max_units=int(row["max_units"]),
            source=row["source"],
        )
    return rules
