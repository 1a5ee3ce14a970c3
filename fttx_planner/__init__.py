"""FTTx/GPON access-network planner: OSM district to a costed design.

>>> from fttx_planner import plan_district, grid_district
>>> plan = plan_district(grid_district(100))
>>> plan.homes_passed > 0
True
"""

from __future__ import annotations

from fttx_planner._errors import (
    CatalogueError,
    DesignError,
    FttxError,
    OsmLoadError,
    ParameterError,
    ProjectFileError,
)
from fttx_planner.design.planner import plan_district
from fttx_planner.params import DesignParams
from fttx_planner.plan import Plan, PlanCancelled
from fttx_planner.synthetic import grid_district

__version__ = "0.1.0"
__all__ = [
    "CatalogueError",
    "DesignError",
    "DesignParams",
    "FttxError",
    "OsmLoadError",
    "ParameterError",
    "Plan",
    "PlanCancelled",
    "ProjectFileError",
    "__version__",
    "grid_district",
    "plan_district",
]
