"""A naive baseline design, for benchmarks: what a planner without optimisation does.

* Splitter sites: straight-line k-means of the buildings (weighted by homes)
  into as many clusters as the homes fill last-stage splitters; each cluster
  gets the splitters its homes need, at the street node nearest its centre.
  In a two-stage cascade the last-stage sites are clustered the same way
  into first-stage sites.
* Routes: each building is reached from its splitter site along its own
  shortest street path, each site from the OLT (or from its first-stage
  site) likewise; nothing steers routes into shared trenches.
* Trenches: by default (``share_trenches=False``, the baseline the issue
  defines) every route is dug and cabled on its own, as if no two routes
  shared a trench. With ``share_trenches=True`` the trenches are the union
  of the routes (a street is dug once) and each trench carries the cables
  its fibres need: a much stronger baseline.
* Everything is priced with the same catalogue, cable sizer and
  bill-of-materials rules as the engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import breadth_first_order, dijkstra
from scipy.spatial import cKDTree

from fttx_planner.costing.bom import build_bom
from fttx_planner.design.cables import CableSizer, cable_table, subtree_sums
from fttx_planner.network.graph import CivilCosts
from fttx_planner.network.sparse import symmetric_matrix

if TYPE_CHECKING:
    from fttx_planner.catalogue import Catalogue
    from fttx_planner.network.crossings import Crossings
    from fttx_planner.network.graph import Access, DesignGraph
    from fttx_planner.params import DesignParams
    from fttx_planner.plan import Plan


@dataclass(frozen=True)
class NaiveResult:
    """Cost of the naive design.

    Attributes
    ----------
    total_eur
        Total cost, priced like a plan's ``total_cost_eur``.
    by_layer
        Cost per capex layer.
    trench_m
        Metres of trench (route length).
    n_splitters
        Splitters of all stages.
    """

    total_eur: float
    by_layer: dict[str, float]
    trench_m: float
    n_splitters: int


def naive_for_plan(plan: Plan, share_trenches: bool = False, seed: int = 0) -> NaiveResult:
    """:func:`naive_design` on a plan's inputs (graph, access, OLT, parameters)."""
    return naive_design(
        plan.graph,
        plan.access,
        plan.demand.homes,
        plan.params,
        plan.catalogue,
        share_trenches=share_trenches,
        seed=seed,
        crossings=plan.crossings,
    )


def naive_design(
    graph: DesignGraph,
    access: Access,
    homes: np.ndarray,
    params: DesignParams,
    catalogue: Catalogue,
    share_trenches: bool = False,
    seed: int = 0,
    crossings: Crossings | None = None,
) -> NaiveResult:
    """Design and price the naive baseline.

    Parameters
    ----------
    graph, access
        Design graph (``edge_cost_eur``: civil cost) and building access.
    homes
        Homes per building.
    params, catalogue
        Design parameters and prices.
    share_trenches
        Dig each street once for all routes along it (else every route has
        its own trench and cable).
    seed
        Seed of the k-means initialisation.
    crossings
        The road crossings, far-side trenches and drop trenches the taps
        fix (the same in every design; ``None``: not counted).

    Returns
    -------
    NaiveResult
        Its cost.
    """
    served = np.flatnonzero(access.node >= 0)
    node = access.node[served]
    h = homes[served].astype(np.int64)
    cap = params.homes_per_splitter
    xy = graph.node_xy[node]
    n_last = max(1, math.ceil(int(h.sum()) / cap))
    label = _kmeans(xy, h.astype(float), n_last, seed)
    nearest = cKDTree(graph.node_xy)

    # Last-stage sites: the node nearest each cluster's weighted centre, with
    # as many splitters as its homes fill.
    n_lab = int(label.max()) + 1
    wsum = np.bincount(label, weights=h, minlength=n_lab)
    used = wsum > 0
    cx = np.bincount(label, weights=h * xy[:, 0], minlength=n_lab)[used] / wsum[used]
    cy = np.bincount(label, weights=h * xy[:, 1], minlength=n_lab)[used] / wsum[used]
    remap = np.full(n_lab, -1, dtype=np.int64)
    remap[used] = np.arange(int(used.sum()))
    label = remap[label]
    site = nearest.query(np.column_stack([cx, cy]))[1].astype(np.int64)
    site_homes = np.bincount(label, weights=h).astype(np.int64)
    site_split = -(-site_homes // cap)

    last_stage = 2 if params.two_stage else 1
    rows = [
        (last_stage, params.stage2_ratio, int(s))
        for s, c in zip(site.tolist(), site_split.tolist(), strict=True)
        for _ in range(c)
    ]
    n = graph.n_nodes
    feeder_at = np.zeros(n, dtype=np.int64)  # first-stage splitters per node
    fibre_edges: dict[str, np.ndarray] = {
        "feeder": np.zeros(len(graph.edge_u), dtype=np.int64),
        "distribution": np.zeros(len(graph.edge_u), dtype=np.int64),
    }
    dist_mat = symmetric_matrix(
        graph.n_nodes, graph.edge_u, graph.edge_v, np.maximum(graph.edge_length_m, 1e-9)
    )
    own: list[tuple[float, float, int]] = []  # each route's civil cost, length, fibres
    # Distribution: each home from its site by the shortest path.
    _route(graph, dist_mat, site, label, h, node, fibre_edges["distribution"], own)
    if params.two_stage:
        r1 = params.stage1_ratio
        k1 = max(1, math.ceil(int(site_split.sum()) / r1))
        sxy = graph.node_xy[site]
        lab1 = _kmeans(sxy, site_split.astype(float), k1, seed)
        w1 = np.bincount(lab1, weights=site_split)
        used1 = w1 > 0
        c1 = np.column_stack(
            [
                np.bincount(lab1, weights=site_split * sxy[:, 0])[used1] / w1[used1],
                np.bincount(lab1, weights=site_split * sxy[:, 1])[used1] / w1[used1],
            ]
        )
        re1 = np.full(len(w1), -1, dtype=np.int64)
        re1[used1] = np.arange(int(used1.sum()))
        lab1 = re1[lab1]
        site1 = nearest.query(c1)[1].astype(np.int64)
        split1 = -(-np.bincount(lab1, weights=site_split).astype(np.int64) // r1)
        rows += [
            (1, r1, int(s))
            for s, c in zip(site1.tolist(), split1.tolist(), strict=True)
            for _ in range(c)
        ]
        # Second-stage sites fed from their first-stage site.
        _route(graph, dist_mat, site1, lab1, site_split, site, fibre_edges["distribution"], own)
        np.add.at(feeder_at, site1, split1)
    else:
        np.add.at(feeder_at, site, site_split)
    # Feeder: each first-stage splitter from the OLT by the shortest path.
    sites_f = np.flatnonzero(feeder_at)
    _route(
        graph,
        dist_mat,
        np.array([graph.olt_node]),
        np.zeros(len(sites_f), dtype=np.int64),
        feeder_at[sites_f],
        sites_f,
        fibre_edges["feeder"],
        own,
    )

    sizer = CableSizer(catalogue)
    shared = {
        layer: (np.flatnonzero(counts), counts[np.flatnonzero(counts)])
        for layer, counts in fibre_edges.items()
    }
    cables = cable_table(shared if share_trenches else {}, graph.edge_length_m, sizer)
    splitters = pd.DataFrame(rows, columns=["stage", "ratio", "node"])
    buildings = pd.DataFrame(
        {"served": np.ones(len(served), dtype=bool), "homes": h, "drop_m": access.drop_m[served]}
    )
    if access.barrier is not None:
        buildings["barrier"] = access.barrier[served]
    # Civil works are priced above; the bill of materials prices the rest
    # (its trench table is empty, so the civil cost table is never read).
    empty: dict[str, Any] = {f.name: np.zeros(0) for f in fields(CivilCosts)}
    no_civil = CivilCosts(**empty)
    bom, _ = build_bom(
        params,
        catalogue,
        splitters,
        buildings,
        cables,
        pd.DataFrame({"edge": np.zeros(0, dtype=np.int64)}),
        no_civil,
        graph,
        sizer=sizer,
        crossings=crossings,
    )
    by_layer = {str(k): float(v) for k, v in bom.groupby("layer")["cost_eur"].sum().items()}
    # The bill of materials' civil part holds the crossings; the trenches are added here.
    fixed_civil = by_layer.get("civil", 0.0)
    if share_trenches:
        trench = np.flatnonzero((fibre_edges["feeder"] > 0) | (fibre_edges["distribution"] > 0))
        by_layer["civil"] = fixed_civil + float(graph.edge_cost_eur[trench].sum())
        trench_m = float(graph.edge_length_m[trench].sum())
    else:
        by_layer["civil"] = fixed_civil + sum(c for c, _, _ in own)
        by_layer["cables"] = sum(ln * sizer.cost_per_metre(f) for _, ln, f in own if f > 0)
        trench_m = sum(ln for _, ln, _ in own)
    return NaiveResult(
        total_eur=float(sum(by_layer.values())),
        by_layer=by_layer,
        trench_m=trench_m,
        n_splitters=len(splitters),
    )


def _route(
    graph: DesignGraph,
    mat: csr_matrix,
    sources: np.ndarray,
    label: np.ndarray,
    load: np.ndarray,
    target: np.ndarray,
    counts: np.ndarray,
    own: list[tuple[float, float, int]],
) -> None:
    """Route ``load[i]`` fibres by the shortest path from ``sources[label[i]]`` to ``target[i]``.

    Adds the fibres to ``counts`` per edge, and each route's civil cost,
    length and fibres to ``own``.
    """
    n = graph.n_nodes
    edge_of = _EdgeLookup(graph)
    for j, src in enumerate(sources.tolist()):
        mine = np.flatnonzero(label == j)
        if not len(mine):
            continue
        _, pred = dijkstra(mat, directed=False, indices=src, return_predecessors=True)
        at = np.bincount(target[mine], weights=load[mine], minlength=n).astype(np.int64)
        # On the shortest-path tree from the source, fibres per edge are subtree sums.
        reach = np.flatnonzero(pred >= 0)
        tree = coo_matrix((np.ones(len(reach)), (pred[reach], reach)), shape=(n, n)).tocsr()
        order = breadth_first_order(tree, src, directed=True, return_predecessors=False)
        order = order.astype(np.int64)
        parent = np.where(pred >= 0, pred, -1)
        sums = subtree_sums(order, parent, at)
        child = order[1:]
        used = child[sums[child] > 0]
        e = edge_of(used, parent[used])
        np.add.at(counts, e, sums[used])
        # Each route on its own: its civil cost and length from the source.
        e_all = np.full(n, -1, dtype=np.int64)
        e_all[used] = e
        civil = np.zeros(n)
        length = np.zeros(n)
        for x in order[1:].tolist():
            if e_all[x] >= 0:
                civil[x] = civil[parent[x]] + graph.edge_cost_eur[e_all[x]]
                length[x] = length[parent[x]] + graph.edge_length_m[e_all[x]]
        own.extend(
            (float(civil[t]), float(length[t]), int(ld))
            for t, ld in zip(target[mine].tolist(), load[mine].tolist(), strict=True)
        )


class _EdgeLookup:
    """The shortest edge joining each node pair, by sorted pair keys."""

    def __init__(self, graph: DesignGraph) -> None:
        u, v, length = graph.edge_u, graph.edge_v, graph.edge_length_m
        self.n = graph.n_nodes
        key = np.minimum(u, v) * self.n + np.maximum(u, v)
        order = np.lexsort((length, key))
        first = np.ones(len(order), dtype=bool)
        first[1:] = key[order][1:] != key[order][:-1]
        self.keys = key[order][first]
        self.edges = order[first]

    def __call__(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        key = np.minimum(a, b) * self.n + np.maximum(a, b)
        return self.edges[np.searchsorted(self.keys, key)]


def _kmeans(xy: np.ndarray, weight: np.ndarray, k: int, seed: int, iters: int = 30) -> np.ndarray:
    """Weighted k-means (k-means++ start, Lloyd iterations); returns labels."""
    n = len(xy)
    k = min(k, n)
    rng = np.random.default_rng(seed)
    centres = np.empty((k, 2))
    p = weight / weight.sum()
    centres[0] = xy[rng.choice(n, p=p)]
    d2 = ((xy - centres[0]) ** 2).sum(axis=1)
    for i in range(1, k):
        prob = weight * d2
        tot = prob.sum()
        j = rng.choice(n, p=prob / tot) if tot > 0 else int(rng.integers(n))
        centres[i] = xy[j]
        d2 = np.minimum(d2, ((xy - centres[i]) ** 2).sum(axis=1))
    label = np.zeros(n, dtype=np.int64)
    for _ in range(iters):
        label = cKDTree(centres).query(xy)[1].astype(np.int64)
        wsum = np.bincount(label, weights=weight, minlength=k)
        ok = wsum > 0
        new = centres.copy()
        new[ok, 0] = np.bincount(label, weights=weight * xy[:, 0], minlength=k)[ok] / wsum[ok]
        new[ok, 1] = np.bincount(label, weights=weight * xy[:, 1], minlength=k)[ok] / wsum[ok]
        if np.allclose(new, centres):
            break
        centres = new
    return label
