"""Step 2: premises per building, homes and business units, each with its source.

Modules
-------
premises
    :func:`estimate_demand`: the counts, their sources, plausibility warnings.
rules
    the type rules of ``data/demand_rules.csv`` with their sources.
levels
    levels from tags, height, tagged neighbours or a default.
context
    address points on a building and the land use it stands in.
calibration
    scaling the estimates to a known total (a census).
register
    reading a premises register (CSV / GeoJSON / GeoPackage points with counts).
"""

from __future__ import annotations

from fttx_planner.demand.premises import Demand, estimate_demand
from fttx_planner.demand.rules import DemandRule, demand_rules

__all__ = ["Demand", "DemandRule", "demand_rules", "estimate_demand"]
