"""Bill of materials and capex from a design.

Every quantity is derived from the design's own tables, so BOM lengths equal
geometry lengths: trench metres are the trench edges' lengths, cable metres
are the cable rows' lengths times their cable counts, drop metres the drops'.
Each line carries its catalogue layer, phase (to pass / to connect) and the
source of its unit price.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from fttx_planner.catalogue import Catalogue
from fttx_planner.costing.access import Sizer, access_quantities
from fttx_planner.network.crossings import Crossings, junction_crossings
from fttx_planner.network.graph import CivilCosts, DesignGraph
from fttx_planner.params import DesignParams

#: PON ports per OLT line card and line cards per chassis.
PORTS_PER_CARD = 16
CARDS_PER_CHASSIS = 16
#: A splitter site with at least this many splitters gets a street cabinet.
CABINET_MIN_SPLITTERS = 3

BOM_COLUMNS = [
    "item", "layer", "phase", "unit", "quantity", "unit_cost_eur", "cost_eur", "source",
]  # fmt: skip


def trench_table(
    trenches: pd.DataFrame, civil: CivilCosts, graph: DesignGraph, cables: pd.DataFrame
) -> pd.DataFrame:
    """Trench rows with the civil method split (new trench, duct reuse, aerial) and cost.

    An existing duct or pole route is used on an edge only if it can take
    all the cables the edge carries; otherwise that part is trenched.
    """
    edge = trenches["edge"].to_numpy()
    street = graph.edge_street[edge]
    length = graph.edge_length_m[edge]
    n_cables = cables.groupby("edge")["cable_count"].sum().reindex(edge, fill_value=0).to_numpy()
    duct_ok = n_cables <= civil.duct_capacity[street]
    aerial_ok = n_cables <= civil.aerial_capacity[street]
    duct = np.where(duct_ok, length * civil.duct_share[street], 0.0)
    aerial = np.where(aerial_ok, length * civil.aerial_share[street], 0.0)
    new = length - duct - aerial
    item = civil.trench_item[street]
    method = np.where(
        new >= np.maximum(duct, aerial), item, np.where(duct >= aerial, "duct_reuse", "aerial")
    )
    cost = (
        new * civil.trench_cost_per_m[street]
        + duct * civil.duct_cost_per_m
        + aerial * civil.aerial_cost_per_m
    )
    return pd.DataFrame(
        {
            "edge": edge,
            "length_m": length,
            "trench_m": new,
            "duct_m": duct,
            "aerial_m": aerial,
            "trench_item": item,
            "method": method,
            "cost_eur": cost,
        }
    )


def build_bom(
    params: DesignParams,
    catalogue: Catalogue,
    splitters: pd.DataFrame,
    buildings: pd.DataFrame,
    cables: pd.DataFrame,
    trenches: pd.DataFrame,
    civil: CivilCosts,
    graph: DesignGraph,
    *,
    sizer: Sizer,
    closures: pd.DataFrame | None = None,
    fdps: pd.DataFrame | None = None,
    crossings: Crossings | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bill of materials and the priced trench table of a design.

    With joints, every place that holds a closure (a joint, a splitter
    closure) or a distribution point has one chamber (``handhole``), or a
    pole mount (``pole_mount``) where the cable there is aerial
    (:func:`_housings`).
    ``sizer`` sizes the drop cables of multi-dwelling buildings.
    """
    trenches = trench_table(trenches, civil, graph, cables)
    qty: dict[str, float] = defaultdict(float)
    for item, metres in trenches.groupby("trench_item")["trench_m"].sum().items():
        qty[str(item)] += float(metres)
    qty["duct_reuse"] += float(trenches["duct_m"].sum())
    qty["aerial"] += float(trenches["aerial_m"].sum())

    for sizes, length in zip(cables["sizes"], cables["length_m"], strict=True):
        for s in str(sizes).split("+"):
            qty[f"cable_{s}f"] += float(length)
            qty["cable_install"] += float(length)

    for ratio, count in splitters.groupby("ratio").size().items():
        qty[catalogue.splitter_item(int(ratio))] += int(count)
    per_site = splitters.groupby("node").size()
    qty["street_cabinet"] += int((per_site >= CABINET_MIN_SPLITTERS).sum())
    qty["splice_closure"] += int((per_site < CABINET_MIN_SPLITTERS).sum())

    served = buildings[buildings["served"]]
    qty["fibre_splice"] += 2 * len(splitters)
    # Drops, entries, boxes, and the crossings and drop trenches the taps fix:
    # counted as the lower bound counts them.
    barrier = served["barrier"].to_numpy() if "barrier" in buildings else None
    access = access_quantities(
        served["homes"].to_numpy(), served["drop_m"].to_numpy(), params, sizer, crossings, barrier
    )
    for name, quantity in access.items():
        qty[name] += quantity

    if params.joints:
        # Splitter closures in the street (not those in the OLT's office).
        site_nodes = per_site.index[per_site < CABINET_MIN_SPLITTERS].to_numpy(dtype=np.int64)
        site_nodes = site_nodes[site_nodes != graph.olt_node]
        pole, chamber = _housings(trenches, graph, closures, fdps, site_nodes)
        qty["pole_mount"] += pole
        qty["handhole"] += chamber
    if closures is not None and len(closures):
        qty["splice_closure"] += len(closures)
        qty["fibre_splice"] += int(closures["splices"].sum())
    if fdps is not None and len(fdps):
        qty["fdp"] += len(fdps)
    if params.joints and civil.main_road is not None and len(trenches):
        # Where the trench crosses a main road at a junction (design-dependent;
        # like the joints, not in the exact reference's model).
        qty["road_crossing"] += len(
            junction_crossings(
                graph.node_xy, graph.edge_u, graph.edge_v, civil.main_road[graph.edge_street],
                trenches["edge"].to_numpy(),
            )
        )  # fmt: skip

    ports = int((splitters["stage"] == 1).sum())
    cards = math.ceil(ports / PORTS_PER_CARD)
    qty["olt_card"] += cards
    qty["olt_chassis"] += math.ceil(cards / CARDS_PER_CHASSIS)
    optic = "olt_optic_c_plus" if params.optical_class.value == "C+" else "olt_optic_b_plus"
    qty[optic] += ports

    rows = []
    for name, quantity in qty.items():
        if quantity <= 0:
            continue
        it = catalogue[name]
        rows.append(
            (name, it.layer, it.phase, it.unit, quantity, it.unit_cost_eur,
             quantity * it.unit_cost_eur, it.source)
        )  # fmt: skip
    bom = pd.DataFrame(rows, columns=BOM_COLUMNS)
    layer_order = {name: i for i, name in enumerate(catalogue.items)}
    bom = bom.sort_values("item", key=lambda s: s.map(layer_order)).reset_index(drop=True)
    return bom, trenches


def capex_block(bom: pd.DataFrame, homes_passed: int) -> dict[str, Any]:
    """The ``capex_eur`` block of a plan summary (docs/architecture.md) from its BOM.

    Capex by layer, split into passive/active and to pass/to connect, the
    total, and per home passed (to pass) and per home connected (all).
    """
    from fttx_planner.catalogue import LAYERS, PASSIVE_LAYERS

    by = bom.groupby("layer")["cost_eur"].sum()
    passive = bom["layer"].isin(PASSIVE_LAYERS)
    to_pass = bom["phase"] == "pass"

    def total(mask: pd.Series) -> float:
        return float(bom.loc[mask, "cost_eur"].sum())

    homes = max(homes_passed, 1)
    all_eur = float(bom["cost_eur"].sum())
    return {
        "by_layer": {layer: float(by.get(layer, 0.0)) for layer in LAYERS},
        "passive_to_pass": total(passive & to_pass),
        "passive_to_connect": total(passive & ~to_pass),
        "active_to_pass": total(~passive & to_pass),
        "active_to_connect": total(~passive & ~to_pass),
        "total": all_eur,
        "per_home_passed": total(to_pass) / homes,
        "per_home_connected": all_eur / homes,
    }


def _housings(
    trenches: pd.DataFrame,
    graph: DesignGraph,
    closures: pd.DataFrame | None,
    fdps: pd.DataFrame | None,
    site_nodes: np.ndarray,
) -> tuple[int, int]:
    """Pole mounts and chambers of the closures and distribution points.

    Every distribution point has its own chamber. A closure (a joint, or a
    splitter closure in the street) shares the chamber of a distribution
    point at its node, else it gets one: a footway box (600 x 450 mm) takes
    a closure and a drop closure side by side. They hang on a pole instead
    where the trench edge above them (for a splitter site: any trench edge at
    it) is mostly aerial.

    Returns
    -------
    tuple of int
        ``(pole mounts, chambers)``.
    """
    aerial = trenches.loc[trenches["aerial_m"] > 0.5 * trenches["length_m"], "edge"].to_numpy()
    count: dict[int, int] = defaultdict(int)  # node -> housings
    on_pole: dict[int, bool] = defaultdict(bool)
    if fdps is not None and len(fdps):
        for x, pole in zip(fdps["node"], np.isin(fdps["edge"].to_numpy(), aerial), strict=True):
            count[int(x)] += 1
            on_pole[int(x)] |= bool(pole)
    closure_nodes: dict[int, bool] = {}
    if closures is not None and len(closures):
        pole_at = np.isin(closures["edge"].to_numpy(), aerial)
        closure_nodes.update(zip(closures["node"].tolist(), pole_at.tolist(), strict=True))
    if len(site_nodes):
        edges = trenches["edge"].to_numpy(dtype=np.int64)
        air = np.isin(edges, aerial)
        pole_nodes = set(np.concatenate([graph.edge_u[edges[air]], graph.edge_v[edges[air]]]))
        closure_nodes.update((int(x), int(x) in pole_nodes) for x in site_nodes.tolist())
    for x, pole in closure_nodes.items():
        if count[x] == 0:
            count[x] = 1
            on_pole[x] = pole
    pole = sum(n for x, n in count.items() if on_pole[x])
    return pole, sum(count.values()) - pole
