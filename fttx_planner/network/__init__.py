"""Step 3: the design graph, the streets a trench may follow, priced, with existing infrastructure.

Modules
-------
graph
    :class:`DesignGraph` (streets split at taps), civil costs per edge, building access.
infra
    existing ducts and poles from a GeoJSON/GeoPackage layer, matched to the streets.
sparse
    sparse adjacency matrices shared by the graph, the trench tree and the bounds.
"""

from __future__ import annotations

from fttx_planner.network.graph import (
    Access,
    CivilCosts,
    DesignGraph,
    ExistingInfra,
    build_design_graph,
    civil_costs,
)

__all__ = [
    "Access",
    "CivilCosts",
    "DesignGraph",
    "ExistingInfra",
    "build_design_graph",
    "civil_costs",
]
