"""The design's areas (one per last-stage splitter) with their homes and capex, for phasing.

A network builder rolls a design out area by area, the cheapest per home
first. Each area is the set of buildings behind one last-stage splitter. Its
capex by layer is:

* civil works and cables on the trench edges only that area uses (every
  home below the edge is the area's), in full; edges shared by several areas
  (the trunk towards the OLT) and the civil items not on an edge (chambers,
  crossings) are shared by homes;
* splitters, cabinets, drops, the OLT and ONTs by homes (they scale with
  them).

:func:`area_table` gives one row per area; :func:`design_phases` groups them
into yearly phases with :func:`models.phases.phases_by_cost`, the block the
plan summary carries for the business models.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fttx_planner.catalogue import LAYERS
from fttx_planner.design.trench import root_tree
from fttx_planner.plan import Plan

#: Marks in the bottom-up walk: no home below, and homes of several areas below.
_NONE, _MIXED = -1, -2


def area_table(plan: Plan) -> pd.DataFrame:
    """One row per area: ``area`` (splitter id), ``homes_passed`` and ``<layer>_eur``."""
    b = plan.buildings[plan.buildings["served"]]
    area_of = b["splitter_id"].to_numpy()
    areas, inverse = np.unique(area_of, return_inverse=True)
    homes = np.bincount(inverse, weights=b["homes"].to_numpy()).astype(np.int64)
    table = pd.DataFrame({"area": areas, "homes_passed": homes})
    if len(areas) == 0:
        return table
    share = homes / homes.sum()
    by_layer = plan.bom.groupby("layer")["cost_eur"].sum()

    g = plan.graph
    order, parent, parent_edge = root_tree(
        g.n_nodes, g.edge_u, g.edge_v, plan.trench_edges, g.olt_node
    )
    label = np.full(g.n_nodes, _NONE, dtype=np.int64)
    for node, a in zip(plan.access.node[b["building"].to_numpy()].tolist(), inverse.tolist(),
                       strict=True):  # fmt: skip
        label[node] = a if label[node] in (_NONE, a) else _MIXED
    for x in order[:0:-1].tolist():  # children before parents
        p = int(parent[x])
        lx, lp = label[x], label[p]
        if lx != _NONE:
            label[p] = lx if lp in (_NONE, lx) else _MIXED
    edge_area = np.full(len(g.edge_u), _NONE, dtype=np.int64)
    tree_nodes = order[1:]
    edge_area[parent_edge[tree_nodes]] = label[tree_nodes]

    for layer in LAYERS:
        table[f"{layer}_eur"] = share * float(by_layer.get(layer, 0.0))
    for layer, frame in (("civil", plan.trenches), ("cables", plan.cables)):
        if frame is None or len(frame) == 0:
            continue
        e = frame["edge"].to_numpy()
        cost = frame["cost_eur"].to_numpy(dtype=float)
        own = edge_area[e] >= 0
        direct = np.bincount(edge_area[e][own], weights=cost[own], minlength=len(areas))
        rest = float(by_layer.get(layer, 0.0)) - float(direct.sum())
        table[f"{layer}_eur"] = direct + share * max(rest, 0.0)
    return table


def design_phases(plan: Plan, n_phases: int) -> list[dict[str, Any]]:
    """The plan's areas in ``n_phases`` yearly phases, cheapest per home first.

    Each entry has ``name``, ``year``, ``homes_passed`` and ``capex_eur`` by
    layer: the ``phases`` block of the plan summary.
    """
    from models.phases import phases_by_cost

    table = area_table(plan)
    if len(table) == 0:
        return []
    phases = phases_by_cost(table.to_dict("records"), n_phases)
    return [
        {
            "name": p.name,
            "year": p.year,
            "homes_passed": p.homes_passed,
            "capex_eur": {layer: float(getattr(p, f"{layer}_eur")) for layer in LAYERS},
        }
        for p in phases
    ]
