"""The joints model in the exact reference: distribution points and branch closures.

With ``DesignParams.joints`` (the default) the engine groups the drops of
small buildings at distribution points (:mod:`fttx_planner.design.fdp`) and
places a closure with its chamber wherever a feeder or distribution cable
branches off a run (:mod:`fttx_planner.design.joints`). These rows add both
to the MILP of :func:`fttx_planner.quality.exact.solve_exact` as a
*relaxation* of the engine's rules, so that the MILP's optimum and its
proven bound stay lower bounds on every design the engine could make:

* **Distribution points**: integer ``q[n]`` points at node ``n`` (catalogue
  ``fdp`` plus the cheapest housing there,
  :func:`~fttx_planner.quality.bound.housing_eur`). Each small
  (not :func:`~fttx_planner.costing.access.is_mdu`) building is assigned to
  one node on its tap's path from the OLT (as the engine's points always
  are) whose shortest distance along the design graph from the tap is
  within ``fdp_reach_m``; a node's points take at most ``fdp_ports``
  premises each. The drop cable from the point to the tap costs
  ``drop_cable`` times that shortest distance (the engine lays it along the
  trench tree, never shorter). The building's distribution fibres end at
  the point instead of at its tap. Left out: a point's drops all going to
  one splitter, and points never above their splitter. Valid inequalities:
  a building assigned to a node needs a point there, and there are at least
  ``ceil(premises / fdp_ports)`` points.
* **Closures**: a binary per node other than the OLT, forced to 1 where
  three or more incident edges carry cables of one layer (an edge into the
  node and two branches) and the node is no splitter site. A closure (also
  a splitter closure in the street) shares the chamber of a distribution
  point at its node, else it gets its own (:func:`add_chambers`). Left out: the
  closures the engine adds to cut a run to a smaller cable (a "size
  change"), the splices inside closures, and a run keeping the size of its
  first edge (the MILP prices every edge its own cheapest cable).
* **Trenches carrying only drops**: with distribution points a trench may
  carry drop cables only (between a point and its taps), so the rule "every
  trench carries a cable" holds only for edges longer than the reach.

Left out too: the main-road crossings of the trench at junctions that the
bill of materials counts with joints. Every item left out only makes the
MILP cheaper, so its bound stays valid, and its best design is a design of
its own, slightly looser model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse.csgraph import dijkstra

from fttx_planner.costing.access import is_mdu
from fttx_planner.network.sparse import symmetric_matrix

if TYPE_CHECKING:
    from fttx_planner.catalogue import Catalogue
    from fttx_planner.params import DesignParams
    from fttx_planner.plan import Plan
    from fttx_planner.quality.exact import _Model


@dataclass
class FdpCols:
    """The distribution-point part of the model.

    Attributes
    ----------
    small
        ``(k,)`` bool per served building: its drop goes through a point.
    pair_b, pair_node, pair_m
        Candidate assignments: served-building index, point node and the
        shortest distance from the building's tap to it (m).
    assign
        Column of each candidate assignment (binary).
    count
        ``(n,)`` columns: points at each node.
    """

    small: np.ndarray
    pair_b: np.ndarray
    pair_node: np.ndarray
    pair_m: np.ndarray
    assign: np.ndarray
    count: np.ndarray


def _within_reach(
    n: int, u: np.ndarray, v: np.ndarray, length: np.ndarray, taps: np.ndarray, reach_m: float
) -> np.ndarray:
    """``(len(taps), n)`` shortest distances from each tap (``inf`` beyond the reach)."""
    # Parallel edges: the shortest; zero lengths kept as a tiny positive weight.
    mat = symmetric_matrix(n, u, v, np.maximum(length, 1e-9))
    d = dijkstra(mat, directed=False, indices=taps, limit=reach_m + 1e-6)
    return np.atleast_2d(np.where(d < 1e-6, 0.0, d))


def add_fdps(
    m: _Model,
    n: int,
    root: int,
    arc_tail: np.ndarray,
    arc_head: np.ndarray,
    arc_len: np.ndarray,
    xk: np.ndarray,
    sinks: np.ndarray,
    b_node: np.ndarray,
    b_homes: np.ndarray,
    params: DesignParams,
    catalogue: Catalogue,
    housing: np.ndarray,
) -> FdpCols:
    """Columns and rows of the distribution points (see the module notes).

    Parameters
    ----------
    m
        The model.
    n, root
        Nodes of the design graph and the OLT's.
    arc_tail, arc_head, arc_len
        The model's arcs (both directions of every live edge) and lengths.
    xk
        ``(k, arcs)`` columns: tap ``sinks[i]``'s path from the OLT uses the arc.
    sinks
        The taps other than the OLT, in the order of ``xk``.
    b_node, b_homes
        Tap and premises of every served building.
    params, catalogue, housing
        Rules, prices and :func:`~fttx_planner.quality.bound.housing_eur`.

    Returns
    -------
    FdpCols
        The new columns. The caller moves the assigned homes' fibre demand
        from the taps to the points in its conservation rows.
    """
    small = ~is_mdu(b_homes, params) & (b_homes > 0)
    bs = np.flatnonzero(small)
    taps, tap_of = np.unique(b_node[bs], return_inverse=True)
    half = len(arc_tail) // 2
    dist = _within_reach(
        n, arc_tail[:half], arc_head[:half], arc_len[:half], taps, params.fdp_reach_m
    )
    ti, nodes = np.nonzero(np.isfinite(dist))
    # A point at the OLT's tap serves only there: nothing lies above the OLT.
    ok = (taps[ti] != root) | (nodes == root)
    ti, nodes = ti[ok], nodes[ok]
    tap_d = dist[ti, nodes]
    # Expand tap pairs to building pairs.
    per_tap = np.bincount(ti, minlength=len(taps))
    start = np.concatenate([[0], np.cumsum(per_tap)])
    pair_b_list, pair_i_list = [], []
    for j, b in enumerate(bs.tolist()):
        t = int(tap_of[j])
        idx = np.arange(start[t], start[t + 1])
        pair_b_list.append(np.full(len(idx), b))
        pair_i_list.append(idx)
    pair_b = np.concatenate(pair_b_list) if pair_b_list else np.zeros(0, dtype=np.int64)
    pair_i = np.concatenate(pair_i_list) if pair_i_list else np.zeros(0, dtype=np.int64)
    pair_node = nodes[pair_i]
    pair_m = tap_d[pair_i]
    np_ = len(pair_b)
    cost = catalogue.cost
    assign = m.var(np_, cost=cost("drop_cable") * pair_m, hi=1.0, integer=True)
    # Points per node: no more than its reachable premises fill.
    reach_homes = np.bincount(pair_node, weights=b_homes[pair_b], minlength=n)
    count = m.var(
        n,
        cost=cost("fdp") + housing,
        hi=np.ceil(reach_homes / params.fdp_ports),
        integer=True,
    )
    # Each small building at exactly one point.
    pos = np.full(len(b_homes), -1, dtype=np.int64)
    pos[bs] = np.arange(len(bs))
    m.rows(len(bs), pos[pair_b], assign, 1.0, 1.0, 1.0)
    # Ports: premises at a node <= ports x points there.
    m.rows(
        n,
        np.concatenate([pair_node, np.arange(n)]),
        np.concatenate([assign, count]),
        np.concatenate([b_homes[pair_b].astype(float), np.full(n, -float(params.fdp_ports))]),
        -math.inf,
        0.0,
    )
    # Valid inequalities: a building assigned to a node needs a point there,
    # and all points together hold every small building's premises.
    k = np.arange(np_)
    m.rows(
        np_, np.concatenate([k, k]), np.concatenate([assign, count[pair_node]]),
        np.concatenate([np.ones(np_), -np.ones(np_)]), -math.inf, 0.0,
    )  # fmt: skip
    need = math.ceil(int(b_homes[bs].sum()) / params.fdp_ports)
    m.rows(1, np.zeros(n, dtype=np.int64), count, 1.0, float(need), math.inf)
    # The point lies on the tap's path from the OLT: an arc of that path enters it.
    away = (pair_node != b_node[pair_b]) & (pair_node != root)
    sel = np.flatnonzero(away)
    if len(sel):
        sink_pos = np.full(n, -1, dtype=np.int64)
        sink_pos[sinks] = np.arange(len(sinks))
        by_head = np.argsort(arc_head, kind="stable")
        head_start = np.searchsorted(arc_head[by_head], np.arange(n + 1))
        deg_in = np.diff(head_start)
        nd = pair_node[sel]
        k = sink_pos[b_node[pair_b[sel]]]
        reps = deg_in[nd]
        rr = np.repeat(np.arange(len(sel)), reps)
        off = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
        arcs_in = by_head[np.repeat(head_start[nd], reps) + off]
        m.rows(
            len(sel),
            np.concatenate([np.arange(len(sel)), rr]),
            np.concatenate([assign[sel], xk[np.repeat(k, reps), arcs_in]]),
            np.concatenate([np.ones(len(sel)), -np.ones(len(rr))]),
            -math.inf,
            0.0,
        )
    return FdpCols(small, pair_b, pair_node, pair_m, assign, count)


def add_closures(
    m: _Model,
    n: int,
    root: int,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    layer_cables: list[np.ndarray],
    site: list[np.ndarray],
    splitters: list[np.ndarray],
    closure_eur: float,
) -> np.ndarray:
    """Branch closures: ``(n,)`` binary columns (see the module notes).

    Parameters
    ----------
    m
        The model.
    n, root
        Nodes and the OLT's node (never a closure).
    edge_u, edge_v
        The live edges.
    layer_cables
        Per layer, ``(edges, classes)`` binary cable columns (at most one
        per edge).
    site
        The splitter-site columns (closure, cabinet), ``(n,)`` each: a node
        with a site needs no branch closure.
    splitters
        The splitter-count columns, ``(n,)`` each: a site only where
        splitters are (else it would stand in for a closure).
    closure_eur
        What a closure costs (its chamber: :func:`add_chambers`).
    """
    deg = np.bincount(edge_u, minlength=n) + np.bincount(edge_v, minlength=n)
    hi = np.ones(n)
    hi[root] = 0.0
    closure = m.var(n, cost=closure_eur, hi=hi, integer=True)
    rn = np.arange(n)
    # A site only where splitters are.
    m.rows(
        n,
        np.tile(rn, len(site) + len(splitters)),
        np.concatenate(site + splitters),
        np.repeat(np.array([1.0] * len(site) + [-1.0] * len(splitters)), n),
        -math.inf,
        0.0,
    )
    branch = np.flatnonzero(deg >= 3)
    branch = branch[branch != root]
    if len(branch) == 0:
        return closure
    row = np.full(n, -1, dtype=np.int64)
    row[branch] = np.arange(len(branch))
    nb = len(branch)
    for d2 in layer_cables:
        nc = d2.shape[1]
        rr, cc, vv = [np.arange(nb)], [closure[branch]], [np.ones(nb)]
        for end in (edge_u, edge_v):
            e = np.flatnonzero(row[end] >= 0)
            rr.append(np.repeat(row[end[e]], nc))
            cc.append(d2[e].ravel())
            vv.append(-np.ones(len(e) * nc))
        for col in site:
            rr.append(np.arange(nb))
            cc.append(col[branch])
            vv.append(deg[branch].astype(float))
        # closure >= cables at the node - 2, unless a site.
        m.rows(nb, np.concatenate(rr), np.concatenate(cc), np.concatenate(vv), -2.0, math.inf)
    return closure


def add_chambers(
    m: _Model,
    root: int,
    closures: list[np.ndarray],
    fdp_count: np.ndarray,
    housing: np.ndarray,
) -> np.ndarray:
    """Chambers (or pole mounts) of the closures: ``(n,)`` binary columns.

    As in the bill of materials, a closure (a joint, or a splitter closure
    in the street, not at the OLT) shares the chamber of a distribution
    point at its node, else it gets its own (``housing``, the cheapest).

    Parameters
    ----------
    m
        The model.
    root
        The OLT's node (its splitter closure is in the office).
    closures
        ``(n,)`` binary closure columns each (branch closures, splitter closures).
    fdp_count
        ``(n,)`` distribution points at each node.
    housing
        ``(n,)`` :func:`~fttx_planner.quality.bound.housing_eur`.
    """
    n = len(fdp_count)
    street = np.flatnonzero(np.arange(n) != root)
    ns = len(street)
    chamber = m.var(n, cost=housing, hi=1.0, integer=True)
    k = np.arange(ns)
    for col in closures:
        # chamber >= closure - points there
        m.rows(
            ns, np.concatenate([k, k, k]),
            np.concatenate([chamber[street], col[street], fdp_count[street]]),
            np.concatenate([np.ones(ns), -np.ones(ns), np.ones(ns)]), 0.0, math.inf,
        )  # fmt: skip
    return chamber


def chamber_start(
    x0: np.ndarray,
    chamber: np.ndarray,
    closures: list[np.ndarray],
    fdp_count: np.ndarray,
    root: int,
) -> None:
    """Set the chambers the start's closures need (none where a point has one)."""
    need = np.zeros(len(chamber), dtype=bool)
    for col in closures:
        need |= x0[col] > 0.5
    need &= x0[fdp_count] < 0.5
    need[root] = False
    x0[chamber] = need


def fdp_start(
    plan: Plan, served: np.ndarray, cols: FdpCols, x0: np.ndarray, n: int
) -> np.ndarray | None:
    """Set the plan's distribution points in ``x0``; return the premises ending at each node.

    ``None`` if a building's point is not among its candidates.
    """
    b = plan.buildings.set_index("building")
    idx = np.flatnonzero(served)
    fdp_node = b["fdp_node"].reindex(idx, fill_value=-1).to_numpy(dtype=np.int64)
    homes = plan.demand.homes[idx].astype(np.int64)
    node = plan.access.node[idx]
    pairs = zip(cols.pair_b.tolist(), cols.pair_node.tolist(), strict=True)
    key = {pair: i for i, pair in enumerate(pairs)}
    end = np.where(fdp_node >= 0, fdp_node, node)
    for j in np.flatnonzero(cols.small).tolist():
        i = key.get((j, int(fdp_node[j])))
        if i is None:
            return None
        x0[cols.assign[i]] = 1.0
    if plan.fdps is not None and len(plan.fdps):
        x0[cols.count] = np.bincount(plan.fdps["node"].to_numpy(dtype=np.int64), minlength=n)
    return np.bincount(end, weights=homes, minlength=n).astype(np.int64)


def closure_start(
    x0: np.ndarray,
    closure: np.ndarray,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    layer_cables: list[np.ndarray],
    site_at: np.ndarray,
    root: int,
) -> None:
    """Set the closures the start's cables force (a branch off a run away from a site)."""
    n = len(closure)
    need = np.zeros(n, dtype=bool)
    for d2 in layer_cables:
        on = x0[d2].sum(axis=1) > 0.5
        cnt = np.bincount(edge_u[on], minlength=n) + np.bincount(edge_v[on], minlength=n)
        need |= cnt >= 3
    need &= ~site_at
    need[root] = False
    x0[closure] = need
