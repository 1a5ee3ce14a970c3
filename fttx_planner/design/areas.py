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

#: Layers of the capex to pass that rank the areas (as models.phases does).
PASS_LAYERS = ("civil", "cables", "splitters", "cabinets", "olt")
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


def design_phases(plan: Plan, n_phases: int) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """The plan's areas in ``n_phases`` yearly phases, cheapest per home first.

    Areas are ranked by capex to pass (passive and OLT) per home and cut into
    phases of about the same number of homes, as
    :func:`models.phases.phases_by_cost` does; the phases are then merged by
    :func:`models.phases.phases_by_choice`, so the business models see the
    same figures.

    Returns
    -------
    tuple
        The ``phases`` block of the plan summary (``name``, ``year``,
        ``homes_passed`` and ``capex_eur`` by layer each), and the phase
        (its year) of each area's last-stage splitter id.
    """
    from models.phases import phases_by_choice

    table = area_table(plan)
    if len(table) == 0:
        return [], {}
    homes = table["homes_passed"].to_numpy(dtype=float)
    to_pass = sum(table[f"{layer}_eur"].to_numpy() for layer in PASS_LAYERS)
    order = np.argsort(to_pass / homes, kind="stable")
    middle = (np.cumsum(homes[order]) - homes[order] / 2) / homes.sum()
    n = min(n_phases, len(table))
    phase = np.empty(len(table), dtype=np.int64)
    phase[order] = np.minimum((middle * n).astype(np.int64), n - 1)
    # Number the phases that have areas 0, 1, 2... (a phase can come out empty).
    _, phase = np.unique(phase, return_inverse=True)
    phases = phases_by_choice(table.to_dict("records"), phase.tolist())
    block = [
        {
            "name": p.name,
            "year": p.year,
            "homes_passed": p.homes_passed,
            "capex_eur": {layer: float(getattr(p, f"{layer}_eur")) for layer in LAYERS},
        }
        for p in phases
    ]
    return block, dict(zip(table["area"].tolist(), phase.tolist(), strict=True))
