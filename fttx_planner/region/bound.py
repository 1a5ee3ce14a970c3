"""Lower bounds of a region plan: the regional bound, and the partition bound.

* The **partition bound** is the sum of the areas' own bounds
  (:func:`fttx_planner.quality.bound.lower_bound` of each area plan, OLT
  fixed at its CO) plus the COs' site and power. It holds only for designs
  with the same partition: each home served from the CO of its area and
  each area's network inside the area's streets.
* The **regional bound** (:func:`regional_lower_bound`) holds for every
  design that serves the same homes from the same central offices, each
  home from any CO: its trench part is a Steiner bound on the region's
  design graph with a virtual root joined at no cost to every CO (a forest
  hanging from the COs is a tree through that root); splitters, OLT ports
  and cards are bounded on the region's total homes, and each CO needs at
  least its site, power and one OLT chassis.

The regional bound is at most the partition bound; where they differ the
summary reports both, with the gap of the plan to each.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import shapely

from fttx_planner._errors import DesignError
from fttx_planner.catalogue import Catalogue
from fttx_planner.costing.bom import CARDS_PER_CHASSIS, PORTS_PER_CARD
from fttx_planner.district import Buildings, District
from fttx_planner.network.graph import (
    Access,
    DesignGraph,
    ExistingInfra,
    build_design_graph,
    civil_costs,
)
from fttx_planner.params import DesignParams
from fttx_planner.quality.bound import design_lower_bound
from fttx_planner.region.sites import CentralOffice

#: Side of the stand-in building that gives a CO its tap on the streets (m).
_CO_FOOTPRINT_M = 2.0


def co_fixed_eur(catalogue: Catalogue) -> float:
    """Site and power of one CO (its OLT chassis is in the area's own BOM and bound)."""
    return catalogue.cost("co_site") + catalogue.cost("co_power")


def regional_lower_bound(
    district: District,
    offices: list[CentralOffice],
    homes: np.ndarray,
    params: DesignParams,
    catalogue: Catalogue,
    infra: ExistingInfra | None = None,
) -> float:
    """A lower bound on any design serving ``homes`` from ``offices`` (EUR).

    Parameters
    ----------
    district
        The region (or one part of it).
    offices
        The central offices that serve homes; each is opened.
    homes
        ``(k,)`` homes served per building (0 for buildings not served).
    params, catalogue
        Design parameters and prices.
    infra
        Brownfield: existing ducts and pole routes along each street edge
        of ``district`` (their reuse prices the edges, as in the areas).

    Returns
    -------
    float
        The bound, CO sites and power included.
    """
    if not offices or homes.sum() == 0:
        return 0.0
    k = len(district.buildings)
    ext = _with_co_buildings(district, offices)
    homes_ext = np.concatenate([homes, np.ones(len(offices), dtype=homes.dtype)])
    civil = civil_costs(ext, catalogue, infra)
    left = homes.copy()
    total = 0.0
    todo = list(range(len(offices)))
    n_first = 0
    while todo and left.sum() > 0:
        # The street network part with the most homes left (and its COs).
        try:
            graph, access = build_design_graph(
                ext, np.concatenate([left, homes_ext[k:]]), civil, params.max_drop_m, None
            )
        except DesignError:
            break
        co_nodes = access.node[k:]
        reached = [j for j in todo if co_nodes[j] >= 0]
        node = access.node[:k]
        served = (node >= 0) & (left > 0)
        if reached:
            todo = [j for j in todo if co_nodes[j] < 0]
            part = _part_bound(
                graph, access, node, served, left, co_nodes[reached], params, catalogue
            )
            total += part[0]
            n_first += part[1]
        # Homes of a part without CO are left out: fewer terminals, still a bound.
        left = np.where(served, 0, left)
        if not served.any():
            break
    # Every opened CO has its site, power and at least one OLT chassis.
    cards = math.ceil(n_first / PORTS_PER_CARD)
    extra_chassis = max(0, len(offices) - math.ceil(cards / CARDS_PER_CHASSIS))
    return (
        total
        + len(offices) * co_fixed_eur(catalogue)
        + extra_chassis * catalogue.cost("olt_chassis")
    )


def _part_bound(
    graph: DesignGraph,
    access: Access,
    node: np.ndarray,
    served: np.ndarray,
    homes: np.ndarray,
    co_nodes: np.ndarray,
    params: DesignParams,
    catalogue: Catalogue,
) -> tuple[float, int]:
    """Bound of one street network part with a virtual root over its COs."""
    root = graph.n_nodes
    m = len(co_nodes)
    zeros = np.zeros(m)
    aug = dataclasses.replace(
        graph,
        node_xy=np.vstack([graph.node_xy, graph.node_xy[co_nodes[:1]]]),
        edge_u=np.concatenate([graph.edge_u, np.full(m, root)]),
        edge_v=np.concatenate([graph.edge_v, co_nodes]),
        edge_length_m=np.concatenate([graph.edge_length_m, zeros]),
        edge_street=np.concatenate([graph.edge_street, np.zeros(m, dtype=np.int64)]),
        edge_start_m=np.concatenate([graph.edge_start_m, zeros]),
        edge_end_m=np.concatenate([graph.edge_end_m, zeros]),
        edge_cost_eur=np.concatenate([graph.edge_cost_eur, zeros]),
        olt_node=root,
    )
    k = len(node)
    acc = Access(
        node=np.where(served, node, -1),
        drop_m=access.drop_m[:k],
        tap_xy=access.tap_xy[:k],
        reason=access.reason[:k],
    )
    lb = design_lower_bound(aug, acc, np.where(served, homes, 0), params, catalogue)
    n_homes = int(homes[served].sum())
    n_last = math.ceil(n_homes / params.homes_per_splitter)
    n_first = math.ceil(n_last / params.stage1_ratio) if params.two_stage else n_last
    return lb.total_eur, n_first


def _with_co_buildings(district: District, offices: list[CentralOffice]) -> District:
    """The district with a small stand-in building at each CO (the last buildings)."""
    b = district.buildings
    xy = np.array([o.xy for o in offices])
    h = _CO_FOOTPRINT_M / 2
    boxes = shapely.box(xy[:, 0] - h, xy[:, 1] - h, xy[:, 0] + h, xy[:, 1] + h)
    m = len(offices)
    buildings = Buildings(
        osm_id=np.concatenate([b.osm_id, -(10**15) - np.arange(m)]),
        footprint=np.concatenate([b.footprint, boxes]),
        building=np.concatenate([b.building, np.full(m, "central_office", dtype=object)]),
        levels=np.concatenate([b.levels, np.full(m, np.nan)]),
        flats=np.concatenate([b.flats, np.full(m, np.nan)]),
        name=np.concatenate([b.name, np.array([o.name for o in offices], dtype=object)]),
    )
    return dataclasses.replace(district, buildings=buildings)
