"""Steps 4-5: the design: trench tree, splitters, cables, loss, run by :func:`plan_district`.

Modules
-------
planner
    :func:`plan_district`: OLT site, the stages in order, the loss fallback, the bound attached.
trench
    the shared trench network: a Steiner tree on the design graph, reductions, key-path exchange.
splitters
    splitter partition and placement (one or two stages) under capacity and loss.
cables
    fibre counts per edge and standard cable sizes.
"""

from __future__ import annotations

from fttx_planner.design.planner import plan_district

__all__ = ["plan_district"]
