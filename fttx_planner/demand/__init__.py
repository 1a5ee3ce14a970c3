"""Step 2: premises per building, from tags and the type rules in ``data/demand_rules.csv``.

Modules
-------
premises
    homes per building (tagged or estimated) and the point each building is fed at.
"""

from __future__ import annotations

from fttx_planner.demand.premises import Demand, DemandRule, demand_rules, estimate_demand

__all__ = ["Demand", "DemandRule", "demand_rules", "estimate_demand"]
