"""Plan a district: demand, OLT site, trench tree, splitters, fibres, loss, BOM.

:func:`plan_district` is a plain function of its inputs plus optional
progress and cancel callbacks, so the CLI, the GUI worker and tests all call
it the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from fttx_planner._errors import DesignError
from fttx_planner.catalogue import Catalogue
from fttx_planner.costing.access import drop_trench_total_m, is_mdu
from fttx_planner.costing.bom import build_bom
from fttx_planner.demand.premises import Demand, estimate_demand
from fttx_planner.design.areas import design_phases
from fttx_planner.design.cables import CableSizer, cable_table, depth_lengths, subtree_sums
from fttx_planner.design.fdp import distribution_points, lower_points
from fttx_planner.design.joints import CLOSURE_COLUMNS, cable_runs
from fttx_planner.design.splitters import Group, Item, partition_first_stage, partition_last_stage
from fttx_planner.design.trench import (
    edge_lookup,
    prune_tree,
    root_tree,
    steiner_tree,
    trench_weight,
)
from fttx_planner.district import District
from fttx_planner.network.crossings import Crossings, main_roads, street_crossings
from fttx_planner.network.graph import (
    Access,
    CivilCosts,
    DesignGraph,
    ExistingInfra,
    build_design_graph,
    civil_costs,
)
from fttx_planner.network.sparse import symmetric_matrix
from fttx_planner.network.spurs import DropPrices
from fttx_planner.params import Deployment, DesignParams
from fttx_planner.plan import Plan, PlanCancelled
from fttx_planner.quality.bound import lower_bound

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]

#: Candidate OLT sites examined when the planner chooses the OLT.
OLT_CANDIDATES = 24


# -- hook: connections that are not homes, fibres that skip the splitters -----
# Opt-in (``connections=None`` keeps the homes-only GPON design unchanged); used
# by :mod:`fttx_planner.endpoints` for public endpoints and point-to-point designs.
@dataclass(frozen=True)
class Connections:
    """Extra connections planned with the homes, one entry per row of ``district.buildings``.

    Parameters
    ----------
    fibres
        ``(k,)`` fibres (or PON ports) of each row that is an endpoint (a
        point that is not a home); ignored elsewhere.
    endpoint
        ``(k,)`` bool: the row is an endpoint. Its fibres replace the demand
        estimate and its connection items are priced by the caller (left out
        of the homes' drops and ONTs in the bill of materials).
    home_run
        ``(k,)`` bool: the row's fibres run from the OLT with no splitter.
    attach_only
        ``(k,)`` bool: the row is on the trench network (a terminal with a
        tap) but carries no fibre of its own (a lamp on a shared run).
    all_home_run
        Point-to-point: every premise's fibre runs from the OLT.
    demand
        Premises per row estimated by the caller on the district without its
        endpoints (so no address point is taken by an endpoint); ``None``:
        the planner estimates them.
    """

    fibres: np.ndarray
    endpoint: np.ndarray
    home_run: np.ndarray
    attach_only: np.ndarray
    all_home_run: bool = False
    demand: Demand | None = None


def plan_district(
    district: District,
    params: DesignParams | None = None,
    catalogue: Catalogue | None = None,
    infra: ExistingInfra | tuple[np.ndarray, np.ndarray] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    connections: Connections | None = None,
) -> Plan:
    """Plan a GPON network for a district.

    Parameters
    ----------
    district
        The loaded district.
    params
        Design parameters (defaults if ``None``).
    catalogue
        Cost catalogue (the shipped defaults if ``None``).
    infra
        Brownfield only: existing ducts and pole routes per street edge, or
        ``(duct_m, aerial_m)``: the metres of each edge they cover (see
        :func:`fttx_planner.pipeline.existing_infra`).
    progress
        Called with ``(fraction, stage)``.
    cancelled
        Polled between stages; when it returns True, :class:`PlanCancelled`
        is raised.
    connections
        Endpoints and home-run fibres planned with the homes
        (:class:`Connections`); ``None``: homes only.

    Returns
    -------
    Plan
        The design. In brownfield the plan never costs more than the
        greenfield design of the same district.

    Raises
    ------
    DesignError
        When no design can meet the parameters (loss budget, OLT unreachable).
    """
    params = params or DesignParams()
    catalogue = catalogue or Catalogue.default()
    _check_budget(params)
    brownfield = params.deployment == Deployment.BROWNFIELD
    if brownfield and infra is None:
        msg = "A brownfield plan needs an existing-infrastructure layer (ducts or poles)."
        raise DesignError(msg)
    if isinstance(infra, tuple):
        infra = ExistingInfra(duct_m=infra[0], aerial_m=infra[1])
    if not brownfield:
        return _with_bound(
            _plan_once(district, params, catalogue, None, progress, cancelled, connections)
        )
    # Brownfield: plan with reuse, and also price the greenfield design with
    # reuse; keep the cheaper, so brownfield never costs more than greenfield.
    green_params = params.model_copy(update={"deployment": Deployment.GREENFIELD})
    brown = _plan_once(
        district, params, catalogue, infra, _scaled(progress, 0, 0.5), cancelled, connections
    )
    green = _plan_once(
        district, green_params, catalogue, None, _scaled(progress, 0.5, 1.0), cancelled, connections
    )
    repriced = _reprice(
        green,
        params,
        catalogue,
        civil_costs(district, catalogue, infra, crossing_highways=main_roads(params)),
        connections,
    )
    if repriced.total_cost_eur < brown.total_cost_eur:
        repriced.warnings.append(
            "The greenfield trench layout priced with existing ducts/poles was cheaper than "
            "the reuse-driven layout; it is kept."
        )
        return _with_bound(repriced)
    return _with_bound(brown)


def _with_bound(plan: Plan) -> Plan:
    """Attach the lower bound on any feasible design's cost (:mod:`fttx_planner.quality.bound`),
    and the roll-out phases when asked for (:mod:`fttx_planner.design.areas`)."""
    t0 = time.perf_counter()
    plan.lower_bound_eur = lower_bound(plan)
    plan.timings_s["lower bound"] = time.perf_counter() - t0
    if plan.params.phases > 1:
        plan.phases, phase_of = design_phases(plan, plan.params.phases)
        b = plan.buildings
        plan.buildings = b.assign(
            phase=[phase_of.get(int(s), -1) if ok else -1
                   for s, ok in zip(b["splitter_id"], b["served"], strict=True)]
        )  # fmt: skip
    return plan


def _check_budget(params: DesignParams) -> None:
    if params.fixed_loss_db >= params.budget_db:
        msg = (
            f"Impossible loss budget: splitters ({params.splitter_loss_db:.1f} dB), splices, "
            f"connectors and margin already lose {params.fixed_loss_db:.1f} dB, at or over the "
            f"class {params.optical_class.value} budget of {params.budget_db:.1f} dB. Use class "
            "C+, a smaller split ratio, or fewer splices/connectors."
        )
        raise DesignError(msg)


def _scaled(progress: Progress | None, lo: float, hi: float) -> Progress | None:
    if progress is None:
        return None
    p = progress
    return lambda f, stage: p(lo + (hi - lo) * f, stage)


class _Stages:
    """Timing, progress and cancel checks between stages."""

    def __init__(self, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self.progress = progress
        self.cancelled = cancelled
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()

    def done(self, name: str, fraction: float) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self._t
        self._t = now
        self.check()
        if self.progress is not None:
            self.progress(fraction, name)

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise PlanCancelled


def _plan_once(
    district: District,
    params: DesignParams,
    catalogue: Catalogue,
    infra: ExistingInfra | None,
    progress: Progress | None,
    cancelled: Cancelled | None,
    connections: Connections | None = None,
) -> Plan:
    st = _Stages(progress, cancelled)
    st.check()
    if connections is not None and connections.demand is not None:  # hook
        demand = connections.demand
    else:
        demand = estimate_demand(
            district.buildings, params, district.addresses, district.landuse, district.register
        )
    homes = demand.homes
    attach = homes
    if connections is not None:  # hook: endpoints replace the estimate on their rows
        homes = np.where(connections.endpoint, connections.fibres, homes).astype(homes.dtype)
        attach = np.maximum(homes, connections.attach_only.astype(homes.dtype))
    if homes.sum() == 0:
        msg = f"District {district.name!r} has no building with homes to serve."
        raise DesignError(msg)
    st.done("demand", 0.1)

    civil = civil_costs(district, catalogue, infra, crossing_highways=main_roads(params))
    olt_xy = (
        (params.olt_x_m, params.olt_y_m)
        if params.olt_x_m is not None and params.olt_y_m is not None
        else district.olt_xy
    )
    prices = DropPrices(
        free_m=params.drop_free_m,
        dig_cost_per_m=catalogue.cost("drop_trench"),
        cable_cost_per_m=catalogue.cost("drop_cable"),
    )
    graph, access = build_design_graph(district, attach, civil, params.max_drop_m, olt_xy, prices)
    if olt_xy is None:
        graph = replace(graph, olt_node=_choose_olt(graph, access, homes))
    st.done("access", 0.25)

    # Homes no design can serve within the loss budget, even on the shortest route.
    sp_m = dijkstra(graph.matrix(graph.edge_length_m), directed=False, indices=graph.olt_node)
    served = access.node >= 0
    reason = access.reason.copy()
    path_min = np.where(served, sp_m[np.maximum(access.node, 0)] + access.drop_m, np.inf)
    over = served & (path_min > params.max_fibre_m)
    for b in np.flatnonzero(over):
        loss = params.fixed_loss_db + params.fibre_loss_db_per_km * path_min[b] / 1000
        if not np.isfinite(path_min[b]):
            reason[b] = "its tap is not connected to the OLT by any fibre street"
        elif loss <= params.budget_db:
            reason[b] = (
                f"{path_min[b] / 1000:.1f} km of fibre even on the shortest route, beyond the "
                f"logical reach of {params.max_reach_m / 1000:.0f} km"
            )
        else:
            reason[b] = (
                f"loss {loss:.1f} dB over the {params.budget_db:.0f} dB budget even on the "
                f"shortest route ({path_min[b]:.0f} m of fibre)"
            )
    node = np.where(over, -1, access.node)
    access = replace(access, node=node, reason=reason)
    served = node >= 0
    if not served.any():
        msg = "No home can be served within the optical loss budget."
        raise DesignError(msg)
    crossings = _crossings(district, access, catalogue, params)

    terminals = np.unique(np.append(node[served], graph.olt_node))
    tree = steiner_tree(
        graph.n_nodes, graph.edge_u, graph.edge_v, trench_weight(graph, catalogue), terminals
    )
    st.done("trench tree", 0.5)
    warnings = list(district.warnings) + [f"demand: {w}" for w in demand.warnings]
    run = _home_run(homes, connections)
    sizer = CableSizer(catalogue)  # one for the plan: it remembers its sizes
    design = _design_on_tree(graph, access, homes, params, catalogue, sizer, tree, st, run)
    if design is None:
        # Some homes' paths along the cost-optimal tree break the loss budget
        # or the reach: re-route those homes only (see _local_fallback).
        tree, rerouted = _local_fallback(graph, tree, terminals, access, params)
        warnings.append(
            f"{rerouted} buildings exceeded the loss budget or the reach along the cheapest "
            "trench tree; they were re-routed along their shortest route from the OLT, the "
            "rest of the network kept."
        )
        design = _design_on_tree(graph, access, homes, params, catalogue, sizer, tree, st, run)
        if design is None:  # pragma: no cover - guaranteed by the shortest-path check
            msg = "Internal error: the re-routed tree violates the loss budget."
            raise DesignError(msg)
    priced = _priced(design, params, catalogue, civil, graph, crossings, sizer, connections)
    if params.joints and not params.two_stage:
        # The partition prices branch closures (design.branches) only roughly:
        # distribution points end some fibres above a branch, and a closure
        # may share a point's chamber. Keep the cheaper of it and the plain
        # partition, by the whole bill of materials.
        plain = _design_on_tree(
            graph, access, homes, params, catalogue, sizer, tree, st, run, branches=False
        )
        if plain is not None:
            alt = _priced(plain, params, catalogue, civil, graph, crossings, sizer, connections)
            if alt[0]["cost_eur"].sum() < priced[0]["cost_eur"].sum() - 1e-6:
                design, priced = plain, alt
    splitters, buildings, cables, _, closures, fdps = design
    st.done("splitters and fibres", 0.8)

    unserved = int((~buildings["served"]).sum())
    if unserved:
        warnings.append(
            f"{unserved} buildings ({int(buildings.loc[~buildings['served'], 'homes'].sum())} "
            "homes) cannot be served; see their reasons."
        )
    bom, trenches = priced
    st.done("bill of materials", 1.0)
    return Plan(
        district=district,
        params=params,
        catalogue=catalogue,
        demand=demand,
        graph=graph,
        access=access,
        trench_edges=tree,
        splitters=splitters,
        buildings=buildings,
        cables=cables,
        trenches=trenches,
        bom=bom,
        timings_s=st.timings,
        warnings=warnings,
        closures=closures,
        fdps=fdps,
        crossings=crossings,
    )


def _priced(
    design: tuple[pd.DataFrame, ...],
    params: DesignParams,
    catalogue: Catalogue,
    civil: CivilCosts,
    graph: DesignGraph,
    crossings: Crossings,
    sizer: CableSizer,
    connections: Connections | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bill of materials and priced trench table of a design from :func:`_design_on_tree`."""
    splitters, buildings, cables, trenches, closures, fdps = design
    return build_bom(
        params, catalogue, splitters, _homes_only(buildings, connections), cables, trenches,
        civil, graph, closures=closures, fdps=fdps, crossings=crossings, sizer=sizer,
    )  # fmt: skip


def _home_run(homes: np.ndarray, connections: Connections | None) -> np.ndarray | None:
    """Hook: ``(k,)`` fibres of each row that run from the OLT with no splitter."""
    if connections is None:
        return None
    if connections.all_home_run:
        return homes.copy()
    return np.where(connections.home_run, homes, 0)


def _homes_only(buildings: pd.DataFrame, connections: Connections | None) -> pd.DataFrame:
    """Hook: the buildings table without the endpoints (their items are priced by the caller)."""
    if connections is None:
        return buildings
    return buildings[~connections.endpoint[buildings["building"].to_numpy()]]


def _crossings(
    district: District, access: Access, catalogue: Catalogue, params: DesignParams
) -> Crossings:
    """Road crossings of the drops (:mod:`fttx_planner.network.crossings`)."""
    k = len(access.node)
    tap_street = access.tap_street if access.tap_street is not None else np.full(k, -1)
    entry = access.entry_xy if access.entry_xy is not None else access.tap_xy
    # Drops dug beyond the lead-in allowance (costing.access), priced with the crossings.
    dug_m = drop_trench_total_m(access, params)
    return street_crossings(
        district.streets,
        np.where(access.node >= 0, tap_street, -1),
        access.tap_xy,
        entry,
        catalogue.cost("road_crossing"),
        catalogue.cost("trench_footway"),
        dug_m,
        main_roads(params),
    )


def _local_fallback(
    graph: DesignGraph,
    tree: np.ndarray,
    terminals: np.ndarray,
    access: Access,
    params: DesignParams,
) -> tuple[np.ndarray, int]:
    """Re-route only the homes whose path along ``tree`` is too long.

    Their shortest routes from the OLT are added to the tree, and the
    shortest-path tree of that union (each node at its distance within the
    union, which is no more than along the tree, and the shortest possible
    for the re-routed taps) replaces it, pruned to the terminals. The rest
    of the network keeps its layout. Returns the tree and the number of
    buildings re-routed.
    """
    n = graph.n_nodes
    order, parent, parent_edge = root_tree(n, graph.edge_u, graph.edge_v, tree, graph.olt_node)
    depth_m = depth_lengths(order, parent, graph.edge_length_m, parent_edge, n)
    served = access.node >= 0
    path_m = np.where(served, depth_m[np.maximum(access.node, 0)] + access.drop_m, 0.0)
    late = served & (path_m > params.max_fibre_m + 1e-6)
    sp = _shortest_path_tree(graph, np.unique(np.append(access.node[late], graph.olt_node)))
    keep = np.zeros(len(graph.edge_u), dtype=bool)
    keep[np.union1d(tree, sp)] = True
    mat = _masked_matrix(graph, keep)
    _, pred = dijkstra(mat, directed=False, indices=graph.olt_node, return_predecessors=True)
    lookup = edge_lookup(n, graph.edge_u[keep], graph.edge_v[keep], graph.edge_length_m[keep])
    kept = np.flatnonzero(keep)
    used = set()
    for t in terminals.tolist():
        x = t
        while pred[x] >= 0:
            p = int(pred[x])
            e = int(kept[lookup[(x, p) if x < p else (p, x)]])
            if e in used:
                break
            used.add(e)
            x = p
    edges = np.array(sorted(used), dtype=np.int64)
    pruned = prune_tree(n, graph.edge_u, graph.edge_v, graph.edge_length_m, edges, terminals)
    return pruned, int(late.sum())


def _masked_matrix(graph: DesignGraph, keep: np.ndarray) -> csr_matrix:
    """Adjacency of the kept edges, weighted by length."""
    return symmetric_matrix(
        graph.n_nodes,
        graph.edge_u[keep],
        graph.edge_v[keep],
        np.maximum(graph.edge_length_m[keep], 1e-6),
    )


def _choose_olt(graph: DesignGraph, access: Access, homes: np.ndarray) -> int:
    """The candidate node with the least homes-weighted street distance."""
    served = access.node >= 0
    weights = np.bincount(access.node[served], weights=homes[served], minlength=graph.n_nodes)
    xy = graph.node_xy
    centre = (weights[:, None] * xy).sum(axis=0) / max(weights.sum(), 1)
    median = np.array([_weighted_median(xy[:, i], weights) for i in (0, 1)])
    d_c = np.hypot(*(xy - centre).T)
    d_m = np.hypot(*(xy - median).T)
    cand = np.unique(
        np.concatenate(
            [np.argsort(d_c)[: OLT_CANDIDATES // 2], np.argsort(d_m)[: OLT_CANDIDATES // 2]]
        )
    )
    dist = dijkstra(graph.matrix(graph.edge_length_m), directed=False, indices=cand)
    score = np.where(np.isfinite(dist), dist, 1e12) @ weights
    return int(cand[np.argmin(score)])


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The value at half the total weight (memory in the number of values, not of homes).

    Examples
    --------
    >>> float(_weighted_median(np.array([1.0, 2.0, 10.0]), np.array([1.0, 1.0, 5.0])))
    10.0
    """
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    if cum[-1] <= 0:
        return float(np.median(values))
    return float(values[order][np.searchsorted(cum, 0.5 * cum[-1])])


def _shortest_path_tree(graph: DesignGraph, terminals: np.ndarray) -> np.ndarray:
    """Edges of the shortest-path tree from the OLT, pruned to the terminals."""
    _, pred = dijkstra(
        graph.matrix(graph.edge_length_m),
        directed=False,
        indices=graph.olt_node,
        return_predecessors=True,
    )
    lookup = edge_lookup(graph.n_nodes, graph.edge_u, graph.edge_v, graph.edge_length_m)
    used = set()
    for t in terminals.tolist():
        x = t
        while pred[x] >= 0:
            p = int(pred[x])
            e = lookup[(x, p) if x < p else (p, x)]
            if e in used:
                break
            used.add(e)
            x = p
    edges = np.array(sorted(used), dtype=np.int64)
    return prune_tree(
        graph.n_nodes, graph.edge_u, graph.edge_v, graph.edge_length_m, edges, terminals
    )


def _design_on_tree(
    graph: DesignGraph,
    access: Access,
    homes: np.ndarray,
    params: DesignParams,
    catalogue: Catalogue,
    sizer: CableSizer,
    tree: np.ndarray,
    st: _Stages,
    home_run: np.ndarray | None = None,
    branches: bool = True,
) -> tuple[pd.DataFrame, ...] | None:
    """Splitters, buildings, cables, trenches, closures and distribution points on a tree.

    ``home_run`` (hook, :class:`Connections`): ``(k,)`` fibres of each row
    that run from the OLT with no splitter; they are carried, like homes,
    in the distribution counts all the way up to the OLT. ``branches``: the
    splitter partition prices the closures where cables branch
    (:func:`~fttx_planner.design.splitters.partition_last_stage`).

    Returns ``None`` if a served home's loss along the tree exceeds the budget.
    """
    n = graph.n_nodes
    order, parent, parent_edge = root_tree(n, graph.edge_u, graph.edge_v, tree, graph.olt_node)
    depth_m = depth_lengths(order, parent, graph.edge_length_m, parent_edge, n)
    node = access.node
    served = node >= 0
    path_m = np.where(served, depth_m[np.maximum(node, 0)] + access.drop_m, np.nan)
    if np.nanmax(path_m[served]) > params.max_fibre_m + 1e-6:
        return None

    # Last-stage splitters: buildings bigger than a splitter get whole
    # splitters of their own at their tap; the rest are grouped on the tree.
    cap = params.homes_per_splitter
    groups: list[Group] = []
    items_at: dict[int, list[Item]] = {}
    for b in np.flatnonzero(served).tolist():
        h = int(homes[b]) - (int(home_run[b]) if home_run is not None else 0)
        full, rest = divmod(h, cap)
        groups.extend(Group(node=int(node[b]), members=[(b, cap)]) for _ in range(full))
        if rest:
            items_at.setdefault(int(node[b]), []).append((b, rest))
    # (Called plainly when pricing branches: the benchmark swaps in older partitions.)
    partition = partition_last_stage if branches else partial(partition_last_stage, branches=False)
    groups.extend(
        partition(
            order,
            parent,
            parent_edge,
            graph.edge_length_m,
            items_at,
            groups,
            params,
            catalogue,
            st.cancelled,
        )
    )
    st.check()
    groups.sort(key=lambda g: (g.node, min(k for k, _ in g.members)))
    last_ratio = params.stage2_ratio
    last_stage = 2 if params.two_stage else 1

    rows = []
    for i, g in enumerate(groups):
        rows.append((i, last_stage, last_ratio, g.node, g.load, -1))
    if params.two_stage:
        homes_at = np.bincount(node[served], weights=homes[served], minlength=n).astype(np.int64)
        firsts = partition_first_stage(
            order,
            parent,
            parent_edge,
            graph.edge_length_m,
            groups,
            homes_at,
            params,
            catalogue,
            st.cancelled,
        )
        st.check()
        firsts.sort(key=lambda g: (g.node, min(k for k, _ in g.members)))
        base = len(groups)
        for j, f in enumerate(firsts):
            sid = base + j
            rows.append((sid, 1, params.stage1_ratio, f.node, f.load, -1))
            for k, _ in f.members:
                r = rows[k]
                rows[k] = (*r[:5], sid)
    splitters = pd.DataFrame(
        rows, columns=["splitter_id", "stage", "ratio", "node", "ports_used", "parent_id"]
    )
    splitters["x"] = graph.node_xy[splitters["node"], 0]
    splitters["y"] = graph.node_xy[splitters["node"], 1]
    homes_of = np.zeros(len(splitters), dtype=np.int64)
    for i, g in enumerate(groups):
        homes_of[i] = g.load
    if params.two_stage:
        np.add.at(
            homes_of, splitters["parent_id"].to_numpy()[: len(groups)], homes_of[: len(groups)]
        )
    splitters["homes"] = homes_of
    splitters["label"] = [
        f"S{s}-{i + 1:04d}"
        for s, i in zip(splitters["stage"], splitters["splitter_id"], strict=True)
    ]

    # Per-building results.
    b_split = np.full(len(homes), -1, dtype=np.int64)
    # A building whose premises two splitters share: its drops must stop
    # below both, so distribution points go by the one nearest the building.
    nearest = np.full(len(homes), -1, dtype=np.int64)
    for i, g in enumerate(groups):
        for b, _ in g.members:
            if b_split[b] < 0:
                b_split[b] = i
            if nearest[b] < 0 or depth_m[g.node] > depth_m[groups[nearest[b]].node]:
                nearest[b] = i
    # Distribution points for the drops of small buildings; MDUs get their own box.
    mdu = is_mdu(homes, params)
    split_node = np.array([g.node for g in groups], dtype=np.int64)
    fdp_split = nearest
    if home_run is not None:  # hook: a home-run fibre's drops group below the OLT
        fdp_split = np.where(served & (home_run > 0), len(groups), nearest)
        split_node = np.append(split_node, graph.olt_node)
    fdp_eligible = served & ~mdu & (fdp_split >= 0) & params.joints
    fdps, fdp_of = distribution_points(
        order, parent, parent_edge, depth_m, graph.node_xy, np.maximum(node, 0), homes, fdp_split,
        split_node, fdp_eligible, params.fdp_ports, params.fdp_reach_m,
    )  # fmt: skip
    if home_run is not None and len(fdps):  # hook: the OLT is no splitter
        fdps.loc[fdps["splitter_id"] == len(groups), "splitter_id"] = -1
    fdp_node = _fdp_node(fdps, fdp_of)
    if len(fdps):  # points down towards their drops where that pays
        site = np.zeros(n, dtype=bool)
        site[splitters["node"].to_numpy(dtype=np.int64)] = True
        site[graph.olt_node] = True
        feeder, dist = _fibres(order, parent, node, served, homes, fdp_node, splitters, last_stage)
        fdps = lower_points(
            order, parent, graph.node_xy, parent_edge, fdps, fdp_of, np.maximum(node, 0), dist,
            feeder, site, sizer.cost_per_metre, catalogue.cost("drop_cable"),
        )  # fmt: skip
        fdp_node = _fdp_node(fdps, fdp_of)
    along_m = np.where(
        fdp_of >= 0, depth_m[np.maximum(node, 0)] - depth_m[np.maximum(fdp_node, 0)], 0.0
    )
    drop_total_m = np.where(served, access.drop_m + along_m, np.nan)
    loss_db = np.where(
        served, params.fixed_loss_db + params.fibre_loss_db_per_km * path_m / 1000, np.nan
    )
    has = homes > 0
    buildings = pd.DataFrame(
        {
            "building": np.flatnonzero(has),
            "homes": homes[has],
            "served": served[has],
            "splitter_id": b_split[has],
            "fdp_id": fdp_of[has],
            "fdp_node": fdp_node[has],
            "mdu": (mdu & served)[has],
            "path_m": path_m[has],
            "drop_m": drop_total_m[has],
            "loss_db": loss_db[has],
            "reason": access.reason[has],
            "barrier": (
                np.where(served, access.barrier, "")
                if access.barrier is not None
                else np.full(len(homes), "", dtype=object)
            )[has],
        }
    )

    feeder, dist = _fibres(order, parent, node, served, homes, fdp_node, splitters, last_stage)
    child = order[1:]
    edges = parent_edge[child]
    cables = cable_table(
        {"feeder": (edges, feeder[child]), "distribution": (edges, dist[child])},
        graph.edge_length_m,
        sizer,
    )
    trenches = pd.DataFrame({"edge": np.sort(tree), "length_m": graph.edge_length_m[np.sort(tree)]})
    sites = np.unique(np.append(splitters["node"].to_numpy(dtype=np.int64), graph.olt_node))
    closure_eur = catalogue.cost("splice_closure") + catalogue.cost("handhole")
    if not params.joints:
        cables["cable_id"] = np.arange(len(cables))
        return splitters, buildings, cables, trenches, pd.DataFrame(columns=CLOSURE_COLUMNS), fdps
    runs = cable_runs(order, parent, parent_edge, cables, graph.node_xy, sites, sizer, closure_eur)
    return splitters, buildings, runs.cables, trenches, runs.closures, fdps


def _fdp_node(fdps: pd.DataFrame, fdp_of: np.ndarray) -> np.ndarray:
    """``(k,)`` the node of every building's distribution point (``-1``: none)."""
    if not len(fdps):
        return np.full(len(fdp_of), -1, dtype=np.int64)
    nodes = fdps["node"].to_numpy(dtype=np.int64)
    return np.where(fdp_of >= 0, nodes[np.maximum(fdp_of, 0)], -1)


def _fibres(
    order: np.ndarray,
    parent: np.ndarray,
    node: np.ndarray,
    served: np.ndarray,
    homes: np.ndarray,
    fdp_node: np.ndarray,
    splitters: pd.DataFrame,
    last_stage: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Feeder and distribution fibres on the edge into every tree node.

    Drops leave the distribution cable at their distribution point.
    """
    n = len(parent)
    home_node = np.where(fdp_node >= 0, fdp_node, node)
    homes_at = np.bincount(home_node[served], weights=homes[served], minlength=n).astype(np.int64)
    last = splitters["stage"] == last_stage
    lastload_at = np.bincount(
        splitters.loc[last, "node"], weights=splitters.loc[last, "ports_used"], minlength=n
    ).astype(np.int64)
    first_at = np.bincount(splitters.loc[splitters["stage"] == 1, "node"], minlength=n)
    dist_vals = homes_at - lastload_at
    if last_stage == 2:
        s2 = splitters.loc[last]
        s2_at = np.bincount(s2["node"], minlength=n)
        par_node = splitters.set_index("splitter_id").loc[s2["parent_id"], "node"].to_numpy()
        s2_parent_at = np.bincount(par_node, minlength=n)
        dist_vals = dist_vals + s2_at - s2_parent_at
    feeder = subtree_sums(order, parent, first_at)
    dist = subtree_sums(order, parent, dist_vals)
    return feeder, dist


def _reprice(
    plan: Plan,
    params: DesignParams,
    catalogue: Catalogue,
    civil: CivilCosts,
    connections: Connections | None = None,
) -> Plan:
    """Price a plan's trench layout with other civil costs (existing ducts and poles)."""
    bom, trenches = build_bom(
        params,
        catalogue,
        plan.splitters,
        _homes_only(plan.buildings, connections),
        plan.cables,
        plan.trenches,
        civil,
        plan.graph,
        closures=plan.closures,
        fdps=plan.fdps,
        crossings=plan.crossings,
        sizer=CableSizer(catalogue),
    )
    # The graph carries the civil costs the plan is priced with (the bound reads them).
    g = plan.graph
    graph = replace(
        g,
        edge_cost_eur=g.edge_length_m * civil.cost_per_m[g.edge_street],
        edge_pole=civil.aerial_share[g.edge_street] > 0.5,
    )
    return replace(
        plan, params=params, graph=graph, bom=bom, trenches=trenches, warnings=list(plan.warnings)
    )
