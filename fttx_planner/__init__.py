"""FTTx/GPON access-network planner: OSM district to a costed design."""

from __future__ import annotations

__version__ = "0.1.0"
