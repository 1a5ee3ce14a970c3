"""Steiner trees on the design graph: the shared trench network.

Trenching dominates FTTH capex, so the trench network is close to a Steiner
tree over the OLT and all served buildings.

:func:`steiner_tree` is the planner's method. Street graphs with a tap for
every building reduce very well under exact Steiner reductions
(:func:`reduce_graph`: paths through non-terminals merged, chains of
buildings along a street collapsed, degree and nearest-vertex tests), which
leave a residual graph of a few hundred to a few thousand nodes even for
large districts. On the residual it runs the shortest-path heuristic from
several roots, each followed by an MST prune, keeps the best, improves it
by key-path exchange, and expands the result back to design-graph edges.

:func:`mehlhorn_tree` is Mehlhorn's 2-approximation, vectorised with SciPy
(one multi-source Dijkstra, an MST of the terminal distance graph, paths
expanded, an MST of the union and leaf pruning): the same trees as
``networkx.algorithms.approximation.steiner_tree(method="mehlhorn")``
(networkx >= 3.6), kept as the fast reference.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import (
    breadth_first_order,
    connected_components,
    dijkstra,
    minimum_spanning_tree,
)

from fttx_planner.network.sparse import dedup_edges, symmetric_matrix

if TYPE_CHECKING:
    from fttx_planner.catalogue import Catalogue
    from fttx_planner.network.graph import DesignGraph

#: Relative tolerance of the reductions' cost comparisons: street graphs are
#: full of exact ties (evenly spaced houses) that rounding would otherwise
#: break.
_TIE = 1e-9


def mehlhorn_tree(
    n_nodes: int,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    edge_w: np.ndarray,
    terminals: np.ndarray,
) -> np.ndarray:
    """Edges (indices) of a Steiner tree spanning ``terminals``.

    Parameters
    ----------
    n_nodes
        Number of nodes.
    edge_u, edge_v, edge_w
        Undirected edges and their positive weights.
    terminals
        Nodes the tree must span (all in one connected component).

    Returns
    -------
    numpy.ndarray
        Sorted indices of the tree's edges.

    Examples
    --------
    A path 0-1-2 with a shortcut 0-2 that is dearer than the path:

    >>> import numpy as np
    >>> mehlhorn_tree(3, np.array([0, 1, 0]), np.array([1, 2, 2]),
    ...               np.array([1.0, 1.0, 5.0]), np.array([0, 2])).tolist()
    [0, 1]
    """
    terminals = np.unique(terminals)
    if len(terminals) <= 1:
        return np.zeros(0, dtype=np.int64)
    w = np.maximum(edge_w, 1e-9)
    mat = symmetric_matrix(n_nodes, edge_u, edge_v, w)
    dist, pred, src = dijkstra(
        mat, directed=False, indices=terminals, min_only=True, return_predecessors=True
    )
    a, b = edge_u, edge_v
    bridge = (src[a] != src[b]) & (src[a] >= 0) & (src[b] >= 0)
    ei = np.flatnonzero(bridge)
    length = dist[a[ei]] + w[ei] + dist[b[ei]]
    ta = np.minimum(src[a[ei]], src[b[ei]])
    tb = np.maximum(src[a[ei]], src[b[ei]])
    # Cheapest bridge per terminal pair.
    order = np.lexsort((length, tb, ta))
    ta, tb, length, ei = ta[order], tb[order], length[order], ei[order]
    first = np.ones(len(ta), dtype=bool)
    first[1:] = (ta[1:] != ta[:-1]) | (tb[1:] != tb[:-1])
    ta, tb, length, ei = ta[first], tb[first], length[first], ei[first]
    tmat = coo_matrix((np.maximum(length, 1e-9), (ta, tb)), shape=(n_nodes, n_nodes)).tocsr()
    mst = minimum_spanning_tree(tmat).tocoo()
    key = {(int(x), int(y)): int(e) for x, y, e in zip(ta, tb, ei, strict=True)}
    chosen = [key[(min(x, y), max(x, y))] for x, y in zip(mst.row, mst.col, strict=True)]

    edge_of = edge_lookup(n_nodes, edge_u, edge_v, w)
    used = np.zeros(len(edge_u), dtype=bool)
    used[chosen] = True
    # Walk each bridge's ends back to their terminals along Dijkstra predecessors.
    starts = np.concatenate([a[chosen], b[chosen]]) if chosen else np.zeros(0, dtype=np.int64)
    seen = np.zeros(n_nodes, dtype=bool)
    for s in starts:
        x = int(s)
        while not seen[x] and pred[x] >= 0:
            seen[x] = True
            p = int(pred[x])
            used[edge_of[(min(x, p), max(x, p))]] = True
            x = p
        seen[x] = True
    sub = np.flatnonzero(used)
    return prune_tree(n_nodes, edge_u, edge_v, w, sub, terminals)


def prune_tree(
    n_nodes: int,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    edge_w: np.ndarray,
    edges: np.ndarray,
    terminals: np.ndarray,
) -> np.ndarray:
    """MST of a subgraph, then repeatedly remove non-terminal leaves."""
    if len(edges) == 0:
        return edges
    w = np.maximum(edge_w[edges], 1e-9)
    a, b, c = dedup_edges(n_nodes, edge_u[edges], edge_v[edges], w)
    mat = coo_matrix((c, (a, b)), shape=(n_nodes, n_nodes)).tocsr()
    mst = minimum_spanning_tree(mat).tocoo()
    edge_of = edge_lookup(n_nodes, edge_u[edges], edge_v[edges], w)
    tree = np.array(
        sorted(
            edges[edge_of[(min(x, y), max(x, y))]] for x, y in zip(mst.row, mst.col, strict=True)
        ),
        dtype=np.int64,
    )
    is_term = np.zeros(n_nodes, dtype=bool)
    is_term[terminals] = True
    while True:
        deg = np.bincount(edge_u[tree], minlength=n_nodes) + np.bincount(
            edge_v[tree], minlength=n_nodes
        )
        leaf = (deg == 1) & ~is_term
        drop = leaf[edge_u[tree]] | leaf[edge_v[tree]]
        if not drop.any():
            return tree
        tree = tree[~drop]


def root_tree(
    n_nodes: int, edge_u: np.ndarray, edge_v: np.ndarray, tree: np.ndarray, root: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Orient a tree from ``root``.

    Returns
    -------
    order
        Tree nodes in breadth-first order from the root.
    parent
        ``(n_nodes,)`` parent of each node (``-1`` for the root and non-tree nodes).
    parent_edge
        ``(n_nodes,)`` index of the edge to the parent (``-1`` likewise).
    """
    parent = np.full(n_nodes, -1, dtype=np.int64)
    parent_edge = np.full(n_nodes, -1, dtype=np.int64)
    if len(tree) == 0:
        return np.array([root], dtype=np.int64), parent, parent_edge
    mat = coo_matrix(
        (np.ones(len(tree)), (edge_u[tree], edge_v[tree])), shape=(n_nodes, n_nodes)
    ).tocsr()
    order, pred = breadth_first_order(mat, root, directed=False, return_predecessors=True)
    parent[order[1:]] = pred[order[1:]]
    u, v = edge_u[tree], edge_v[tree]
    child = np.where(pred[u] == v, u, v)
    parent_edge[child] = tree
    return order.astype(np.int64), parent, parent_edge


def edge_lookup(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> dict[tuple[int, int], int]:
    """Map a node pair to the cheapest edge joining it."""
    lookup: dict[tuple[int, int], int] = {}
    best: dict[tuple[int, int], float] = {}
    for i, (x, y, c) in enumerate(zip(u.tolist(), v.tolist(), w.tolist(), strict=True)):
        k = (x, y) if x < y else (y, x)
        if k not in best or c < best[k]:
            best[k] = c
            lookup[k] = i
    return lookup


# -- exact reductions ------------------------------------------------------------


@dataclass(frozen=True)
class Reduction:
    """A Steiner instance reduced by exact tests, and how to map back.

    Some minimum Steiner tree of the original graph consists of
    ``fixed_edges`` plus the expansion of a minimum Steiner tree of the
    residual graph; its cost is ``fixed_cost`` plus the residual tree's.

    Attributes
    ----------
    fixed_cost
        Cost of the edges the reductions decided.
    fixed_edges
        Original edges in the tree whatever the residual solution.
    node_of
        Original node of each residual node.
    u, v, w
        Residual edges (residual node numbers) and weights.
    members
        Original edges each residual edge stands for.
    terminals
        Residual terminal nodes.
    """

    fixed_cost: float
    fixed_edges: np.ndarray
    node_of: np.ndarray
    u: np.ndarray
    v: np.ndarray
    w: np.ndarray
    members: list[np.ndarray]
    terminals: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of residual nodes."""
        return len(self.node_of)

    def expand(self, edges: np.ndarray) -> np.ndarray:
        """Original edges of a residual solution (plus the fixed ones)."""
        parts = [self.fixed_edges] + [self.members[int(e)] for e in edges]
        return np.unique(np.concatenate(parts)).astype(np.int64)


def reduce_graph(
    n_nodes: int,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    edge_w: np.ndarray,
    terminals: np.ndarray,
) -> Reduction:
    """Reduce a Steiner instance by tests that keep an optimal solution.

    1. Paths through degree-2 non-terminals become single edges.
    2. A chain ``A - t1 - ... - tk - B`` of degree-2 terminals becomes
       ``A - t1 - tk - B`` with the dearest inner edge between ``t1`` and
       ``tk``: a tree drops at most one chain edge, and dropping an inner
       one always leaves both ``A`` and ``B`` attached, so only the dearest
       inner edge is ever worth dropping.
    3. Until none applies: non-terminals of degree 1 are removed and of
       degree 2 merged; a terminal's cheapest edge is contracted if it leads
       to a terminal, or passes the nearest-vertex test (Duin and Volgenant).

    Parameters
    ----------
    n_nodes
        Number of nodes.
    edge_u, edge_v, edge_w
        Undirected edges and their non-negative weights.
    terminals
        Nodes to span (in one connected component).

    Returns
    -------
    Reduction
        The residual instance and the mapping back.

    Examples
    --------
    A path between two terminals: everything is decided.

    >>> import numpy as np
    >>> r = reduce_graph(4, np.array([0, 1, 2]), np.array([1, 2, 3]),
    ...                  np.array([1.0, 2.0, 3.0]), np.array([0, 3]))
    >>> r.fixed_cost, r.fixed_edges.tolist(), r.n_nodes
    (6.0, [0, 1, 2], 0)
    """
    terms = np.unique(np.asarray(terminals, dtype=np.int64))
    u = np.asarray(edge_u, dtype=np.int64)
    v = np.asarray(edge_v, dtype=np.int64)
    w = np.maximum(np.asarray(edge_w, dtype=float), 0.0)
    m0 = len(u)
    ok = np.flatnonzero(u != v)
    is_term = np.zeros(n_nodes, dtype=bool)
    is_term[terms] = True
    # Stage A: merge paths through degree-2 non-terminals.
    a_u, a_v, a_w, lab = _merge_paths(n_nodes, u[ok], v[ok], w[ok], ~is_term)
    edge_lab = np.full(m0, -1, dtype=np.int64)
    edge_lab[ok] = lab
    order_a = np.argsort(edge_lab, kind="stable")
    starts_a = np.searchsorted(edge_lab[order_a], np.arange(len(a_u) + 1))
    # Stage B: collapse chains of degree-2 terminals.
    fixed_b, fixed_a, b_u, b_v, b_w, src_b = _collapse_chains(n_nodes, a_u, a_v, a_w, is_term)
    # Stage C: degree and nearest-vertex tests.
    red = _Reducer(b_u, b_v, b_w, is_term)
    red.run()

    def original(a_ids: np.ndarray) -> np.ndarray:
        if len(a_ids) == 0:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([order_a[starts_a[i] : starts_a[i + 1]] for i in a_ids.tolist()])

    fixed_b_ids = np.array(red.fixed_ids, dtype=np.int64)
    fixed_edges = np.concatenate([original(fixed_a), original(src_b[fixed_b_ids])])
    nodes = sorted(red.adj)
    index = {x: i for i, x in enumerate(nodes)}
    ru, rv, rw, members = [], [], [], []
    for x in nodes:
        for y, (c, rid) in red.adj[x].items():
            if x < y:
                ru.append(index[x])
                rv.append(index[y])
                rw.append(c)
                members.append(original(src_b[np.array(red.members[rid], dtype=np.int64)]))
    return Reduction(
        fixed_cost=fixed_b + red.fixed,
        fixed_edges=np.unique(fixed_edges).astype(np.int64),
        node_of=np.array(nodes, dtype=np.int64),
        u=np.array(ru, dtype=np.int64),
        v=np.array(rv, dtype=np.int64),
        w=np.array(rw, dtype=float),
        members=members,
        terminals=np.array(sorted(index[t] for t in red.term), dtype=np.int64),
    )


def _incidence(
    n_nodes: int, u: np.ndarray, v: np.ndarray, interior: np.ndarray
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Group edges joined at degree-2 ``interior`` nodes into paths.

    Returns the number of paths, each edge's path label, and the (node, edge)
    pairs of the paths' end slots (nodes that are not interior).
    """
    m = len(u)
    deg = np.bincount(u, minlength=n_nodes) + np.bincount(v, minlength=n_nodes)
    inner = interior & (deg == 2)
    ends = np.concatenate([u, v])
    eid = np.concatenate([np.arange(m), np.arange(m)])
    sel = inner[ends]
    order = np.argsort(ends[sel], kind="stable")
    paired = eid[sel][order]
    a, b = paired[0::2], paired[1::2]
    link = coo_matrix((np.ones(len(a)), (a, b)), shape=(m, m))
    n_lab, lab = connected_components(link, directed=False)
    return n_lab, lab, ends[~sel], eid[~sel]


def _merge_paths(
    n_nodes: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, removable: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Merge every path through degree-2 ``removable`` nodes into one edge.

    Returns the merged edges and each input edge's merged edge (-1: dropped,
    a closed cycle of removable nodes).
    """
    if len(u) == 0:
        return u, v, w, np.zeros(0, dtype=np.int64)
    n_lab, lab, end_node, end_edge = _incidence(n_nodes, u, v, removable)
    cost = np.bincount(lab, weights=w, minlength=n_lab)
    end_lab = lab[end_edge]
    order = np.argsort(end_lab, kind="stable")
    end_lab, end_node = end_lab[order], end_node[order]
    count = np.bincount(end_lab, minlength=n_lab)
    first = np.searchsorted(end_lab, np.arange(n_lab))
    ok = count == 2
    new_id = np.full(n_lab, -1, dtype=np.int64)
    new_id[ok] = np.arange(int(ok.sum()))
    return end_node[first[ok]], end_node[first[ok] + 1], cost[ok], new_id[lab]


def _collapse_chains(
    n_nodes: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, is_term: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Collapse chains of degree-2 terminals to at most two terminals.

    Returns the fixed cost, the fixed input edges, the new edges and each
    new edge's input edge.
    """
    m = len(u)
    if m == 0:
        z = np.zeros(0, dtype=np.int64)
        return 0.0, z, u, v, w, z
    n_lab, lab, end_node, end_edge = _incidence(n_nodes, u, v, is_term)
    size = np.bincount(lab, minlength=n_lab)
    n_ends = np.bincount(lab[end_edge], minlength=n_lab)
    long = (size >= 3) & (n_ends == 2)
    in_long = long[lab]
    if not in_long.any():
        return 0.0, np.zeros(0, dtype=np.int64), u, v, w, np.arange(m)
    is_end = np.zeros(m, dtype=bool)
    is_end[end_edge] = True
    inner = np.flatnonzero(in_long & ~is_end)
    # The dearest inner edge of each chain stays; the others are fixed.
    order = np.lexsort((-w[inner], lab[inner]))
    inner = inner[order]
    first = np.ones(len(inner), dtype=bool)
    first[1:] = lab[inner][1:] != lab[inner][:-1]
    dearest = inner[first]
    fixed_ids = inner[~first]
    # The chain terminal on each end edge (its endpoint that is not the end slot).
    sel = in_long[end_edge]
    e_end = end_edge[sel]
    slot = end_node[sel]
    chain_node = np.where(u[e_end] == slot, v[e_end], u[e_end])
    order = np.argsort(lab[e_end], kind="stable")
    chain_node = chain_node[order]
    labs = lab[e_end][order]
    t1, t2 = chain_node[0::2], chain_node[1::2]
    dear_of = np.full(n_lab, -1, dtype=np.int64)
    dear_of[lab[dearest]] = dearest
    mid = dear_of[labs[0::2]]
    keep = np.flatnonzero(~np.isin(np.arange(m), inner))
    return (
        float(w[fixed_ids].sum()),
        fixed_ids,
        np.concatenate([u[keep], t1]),
        np.concatenate([v[keep], t2]),
        np.concatenate([w[keep], w[mid]]),
        np.concatenate([keep, mid]),
    )


class _Reducer:
    """Exact Steiner reductions on a graph held as adjacency dicts.

    ``adj[x][y] = (cost, rid)``; ``members[rid]`` lists the input edges an
    adjacency stands for.
    """

    def __init__(self, u: np.ndarray, v: np.ndarray, w: np.ndarray, is_term: np.ndarray) -> None:
        self.adj: dict[int, dict[int, tuple[float, int]]] = {}
        self.members: list[list[int]] = []
        for i, (a, b, c) in enumerate(zip(u.tolist(), v.tolist(), w.tolist(), strict=True)):
            if a != b:
                self._add(a, b, c, [i])
        self.term = {int(t) for t in np.flatnonzero(is_term) if int(t) in self.adj}
        self.fixed = 0.0
        self.fixed_ids: list[int] = []

    def run(self) -> None:
        """Apply the degree, short-edge and nearest-vertex tests until none applies."""
        adj, term = self.adj, self.term
        queue = list(adj)
        queued = set(queue)
        while queue and len(term) > 1:
            x = queue.pop()
            queued.discard(x)
            if x not in adj:
                continue
            for y in self._reduce(x):
                if y in adj and y not in queued:
                    queue.append(y)
                    queued.add(y)
        if len(term) <= 1:
            adj.clear()
            self.term = set()

    def _reduce(self, x: int) -> list[int]:
        adj, term = self.adj, self.term
        nb = adj[x]
        if x not in term:
            if len(nb) <= 1:
                self._delete(x)
                return list(nb)
            if len(nb) == 2:
                (a, (ca, ra)), (b, (cb, rb)) = nb.items()
                self._delete(x)
                self._add(a, b, ca + cb, self.members[ra] + self.members[rb])
                return [a, b]
            return []
        if not nb:
            return []
        # Nearest-vertex test: the cheapest edge (x, y) is in some optimal tree
        # if y is a terminal, or if x's second-cheapest edge costs at least
        # c(x, y) plus y's distance to another terminal (here: its cheapest
        # edge to one, an upper bound on that distance).
        y, (c1, _) = min(nb.items(), key=lambda kv: kv[1][0])
        if len(nb) > 1 and y not in term:
            c2 = min(c for z, (c, _) in nb.items() if z != y)
            d = min((c for z, (c, _) in adj[y].items() if z != x and z in term), default=math.inf)
            if c1 + d > c2 * (1.0 + _TIE):
                return []
        touched = [z for z in nb if z != y] + list(adj[y])
        self._contract(x, y)
        return touched

    def _add(self, a: int, b: int, c: float, members: list[int]) -> None:
        if a == b:
            return
        da = self.adj.setdefault(a, {})
        if c < da.get(b, (math.inf, -1))[0]:
            self.members.append(members)
            rid = len(self.members) - 1
            da[b] = (c, rid)
            self.adj.setdefault(b, {})[a] = (c, rid)

    def _delete(self, x: int) -> None:
        for y in self.adj.pop(x):
            del self.adj[y][x]
        self.term.discard(x)

    def _contract(self, x: int, y: int) -> None:
        """Pay for edge (x, y) and merge terminal ``x`` into ``y``."""
        adj = self.adj
        c, rid = adj[x][y]
        self.fixed += c
        self.fixed_ids.extend(self.members[rid])
        nb = adj.pop(x)
        del adj[y][x]
        for z, (cz, rz) in nb.items():
            if z == y:
                continue
            del adj[z][x]
            self._add(y, z, cz, self.members[rz])
        self.term.discard(x)
        self.term.add(y)


# -- the planner's Steiner tree ---------------------------------------------------


def cheapest_cable_per_m(catalogue: Catalogue) -> float:
    """The cheapest standard cable with its installation, EUR per metre."""
    from fttx_planner.params import CABLE_SIZES

    cost = catalogue.cost
    return min(cost(f"cable_{s}f") for s in CABLE_SIZES) + cost("cable_install")


def trench_weight(graph: DesignGraph, catalogue: Catalogue) -> np.ndarray:
    """Least cost of opening each design-graph edge: its civil cost plus the
    cheapest cable along it (every trench carries at least one cable)."""
    return graph.edge_cost_eur + cheapest_cable_per_m(catalogue) * graph.edge_length_m


#: Roots of the shortest-path heuristic on the residual graph.
SPH_ROOTS = 8
#: Local search runs on residual graphs up to this many nodes.
EXCHANGE_MAX_NODES = 20000
#: Rounds of (vertex insertion, key-path exchange) at most.
LOCAL_SEARCH_ROUNDS = 4


def steiner_tree(
    n_nodes: int,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    edge_w: np.ndarray,
    terminals: np.ndarray,
    roots: int = SPH_ROOTS,
    exchange: bool = True,
) -> np.ndarray:
    """Edges (indices) of a cheap Steiner tree spanning ``terminals``.

    Exact reductions first (:func:`reduce_graph`); on the residual graph the
    shortest-path heuristic from ``roots`` roots and Mehlhorn's tree, each
    with an MST prune; the cheapest is improved by Steiner-vertex insertion
    and key-path exchange until neither helps, and expanded back.

    Parameters
    ----------
    n_nodes
        Number of nodes.
    edge_u, edge_v, edge_w
        Undirected edges and their non-negative weights.
    terminals
        Nodes the tree must span (all in one connected component).
    roots
        Roots of the shortest-path heuristic.
    exchange
        Whether to run the local search (vertex insertion, key-path exchange).

    Returns
    -------
    numpy.ndarray
        Sorted indices of the tree's edges.

    Examples
    --------
    Three terminals around a Steiner node; Mehlhorn's method joins them
    along the ring, this method through the centre:

    >>> import numpy as np
    >>> u = np.array([0, 0, 0, 1, 2]); v = np.array([1, 2, 3, 2, 3])
    >>> w = np.array([1.0, 1.0, 1.0, 1.6, 1.6])
    >>> steiner_tree(4, u, v, w, np.array([1, 2, 3])).tolist()
    [0, 1, 2]
    >>> mehlhorn_tree(4, u, v, w, np.array([1, 2, 3])).tolist()
    [3, 4]
    """
    terminals = np.unique(np.asarray(terminals, dtype=np.int64))
    if len(terminals) <= 1:
        return np.zeros(0, dtype=np.int64)
    w = np.maximum(np.asarray(edge_w, dtype=float), 0.0)
    red = reduce_graph(n_nodes, edge_u, edge_v, w, terminals)
    n = red.n_nodes
    if len(red.terminals) <= 1:
        chosen = np.zeros(0, dtype=np.int64)
    elif len(red.terminals) == n:
        chosen = _mst_edges(n, red.u, red.v, red.w, np.arange(len(red.u)))
    else:
        chosen = _residual_tree(red, roots, exchange and n <= EXCHANGE_MAX_NODES)
    edges = red.expand(chosen)
    return prune_tree(n_nodes, edge_u, edge_v, np.maximum(w, 1e-9), edges, terminals)


def _mst_edges(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, sub: np.ndarray) -> np.ndarray:
    """Indices (into u, v, w) of a minimum spanning forest of the edges ``sub``.

    The residual graph has no parallel edges, so an MST edge is found back
    by its node pair.
    """
    if len(sub) == 0:
        return sub
    a, b = np.minimum(u[sub], v[sub]), np.maximum(u[sub], v[sub])
    mat = coo_matrix((np.maximum(w[sub], 1e-300), (a, b)), shape=(n, n)).tocsr()
    mst = minimum_spanning_tree(mat).tocoo()
    key = a * n + b
    order = np.argsort(key, kind="stable")
    found = np.minimum(mst.row, mst.col) * n + np.maximum(mst.row, mst.col)
    return np.sort(sub[order[np.searchsorted(key[order], found)]])


def _prune(
    n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, edges: np.ndarray, is_term: np.ndarray
) -> np.ndarray:
    """MST of the subgraph induced by the tree's nodes, then non-terminal leaves cut."""
    nodes = np.zeros(n, dtype=bool)
    nodes[u[edges]] = True
    nodes[v[edges]] = True
    induced = np.flatnonzero(nodes[u] & nodes[v])
    tree = _mst_edges(n, u, v, w, induced)
    while len(tree):
        deg = np.bincount(u[tree], minlength=n) + np.bincount(v[tree], minlength=n)
        leaf = (deg == 1) & ~is_term
        drop = leaf[u[tree]] | leaf[v[tree]]
        if not drop.any():
            break
        tree = tree[~drop]
    return tree


def _adjacency(
    n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray
) -> list[list[tuple[int, float, int]]]:
    adj: list[list[tuple[int, float, int]]] = [[] for _ in range(n)]
    for e, (a, b, c) in enumerate(zip(u.tolist(), v.tolist(), w.tolist(), strict=True)):
        adj[a].append((b, c, e))
        adj[b].append((a, c, e))
    return adj


def _sph(adj: list[list[tuple[int, float, int]]], is_term: np.ndarray, root: int) -> list[int]:
    """Shortest-path heuristic: grow from ``root``, adding the nearest terminal's path."""
    n = len(adj)
    dist = [math.inf] * n
    pred = [-1] * n
    pred_e = [-1] * n
    in_tree = [False] * n
    term = is_term.tolist()
    left = int(is_term.sum()) - (1 if term[root] else 0)
    edges: list[int] = []
    dist[root] = 0.0
    in_tree[root] = True
    heap = [(0.0, root)]
    while heap and left:
        d, x = heapq.heappop(heap)
        if d > dist[x]:
            continue
        if term[x] and not in_tree[x]:
            y = x
            while not in_tree[y]:
                in_tree[y] = True
                edges.append(pred_e[y])
                dist[y] = 0.0
                heapq.heappush(heap, (0.0, y))
                y = pred[y]
            left -= 1
            continue
        for z, c, e in adj[x]:
            nd = d + c
            if nd < dist[z]:
                dist[z] = nd
                pred[z] = x
                pred_e[z] = e
                heapq.heappush(heap, (nd, z))
    return edges


def _residual_tree(red: Reduction, n_roots: int, exchange: bool) -> np.ndarray:
    """Best of several heuristic trees on the residual graph, then improved."""
    n = red.n_nodes
    u, v, w = red.u, red.v, red.w
    is_term = np.zeros(n, dtype=bool)
    is_term[red.terminals] = True
    adj = _adjacency(n, u, v, w)
    terms = red.terminals
    picks = np.unique(np.linspace(0, len(terms) - 1, max(1, n_roots)).round().astype(np.int64))
    candidates = [mehlhorn_tree(n, u, v, w, terms)]
    candidates += [np.array(_sph(adj, is_term, int(terms[i])), dtype=np.int64) for i in picks]
    best = None
    best_cost = math.inf
    for cand in candidates:
        tree = _prune(n, u, v, w, cand, is_term)
        c = float(w[tree].sum())
        if c < best_cost - 1e-9 * max(c, 1.0):
            best, best_cost = tree, c
    assert best is not None
    if exchange:
        for _ in range(LOCAL_SEARCH_ROUNDS):
            cost = float(w[best].sum())
            best = _vertex_insertion(n, u, v, w, adj, is_term, best)
            best = _key_path_exchange(n, u, v, w, adj, is_term, best)
            if float(w[best].sum()) >= cost * (1.0 - 1e-12):
                break
    return best


def _vertex_insertion(
    n: int,
    u: np.ndarray,
    v: np.ndarray,
    w: np.ndarray,
    adj: list[list[tuple[int, float, int]]],
    is_term: np.ndarray,
    tree: np.ndarray,
) -> np.ndarray:
    """One sweep adding Steiner nodes next to the tree when the MST with them is cheaper."""
    cost = float(w[tree].sum())
    in_tree = np.zeros(n, dtype=bool)
    in_tree[u[tree]] = True
    in_tree[v[tree]] = True
    for x in np.flatnonzero(~in_tree).tolist():
        links = [e for y, _, e in adj[x] if in_tree[y]]
        if len(links) < 2:
            continue
        # Adding x pays at least its two cheapest links and saves at most
        # the dearest tree edge per extra link.
        cheap = sorted(w[links])
        if cheap[0] + cheap[1] >= float(w[tree].max()) * (len(links) - 1):
            continue
        cand = _prune(n, u, v, w, np.concatenate([tree, links]), is_term)
        c = float(w[cand].sum())
        if c < cost * (1.0 - 1e-12):
            tree, cost = cand, c
            in_tree[:] = False
            in_tree[u[tree]] = True
            in_tree[v[tree]] = True
    return tree


def _key_path_exchange(
    n: int,
    u: np.ndarray,
    v: np.ndarray,
    w: np.ndarray,
    adj: list[list[tuple[int, float, int]]],
    is_term: np.ndarray,
    tree: np.ndarray,
) -> np.ndarray:
    """Sweeps replacing key paths by cheaper paths joining the parts they separate.

    A key path runs between key nodes (terminals and nodes of degree three
    or more) through degree-2 Steiner nodes. Removing it splits the tree in
    two; the shortest path between the parts (Dijkstra from the smaller
    part, bounded by the key path's cost) replaces it when cheaper.

    A sweep orders the tree once and goes on after an improvement instead of
    starting over (which made the exchange quadratic in the number of
    improvements): later searches of the same sweep read the order of the
    tree the sweep started from, so each exchange is kept only if the result
    is still one tree over all terminals and cheaper. Another sweep follows
    while one improved; key paths already searched are not searched again.
    """
    term = is_term.tolist()
    root = int(np.flatnonzero(is_term)[0])
    terminals = np.flatnonzero(is_term)
    checked: set[tuple[int, ...]] = set()
    while True:
        t_adj: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        for e in tree.tolist():
            t_adj[u[e]].append((v[e], e))
            t_adj[v[e]].append((u[e], e))
        tin, tout, parent, parent_e, order = _preorder(t_adj, root, n)
        order_arr = np.array(order, dtype=np.int64)
        # Cheapest edge from each tree node to a node off the tree (or a
        # non-tree edge between tree nodes): a node whose cheapest such edge
        # costs at least the key path cannot start a cheaper replacement.
        in_tree_e = np.zeros(len(u), dtype=bool)
        in_tree_e[tree] = True
        off = ~in_tree_e
        min_out = np.full(n, math.inf)
        np.minimum.at(min_out, u[off], w[off])
        np.minimum.at(min_out, v[off], w[off])
        is_key = [term[x] or len(t_adj[x]) != 2 for x in range(n)]
        improved = False
        cost_now = float(w[tree].sum())
        for low in order[1:]:
            if not is_key[low]:
                continue
            path_e: list[int] = []
            inner: list[int] = []
            x = low
            cost = 0.0
            while True:
                path_e.append(parent_e[x])
                cost += float(w[parent_e[x]])
                x = parent[x]
                if is_key[x]:
                    break
                inner.append(x)
            sig = tuple(sorted(path_e))
            if sig in checked:
                continue
            checked.add(sig)
            found = _bounded_search(
                adj, tin, order_arr, min_out, tin[low], tout[low], inner, cost * (1.0 - 1e-9)
            )
            if found is None:
                continue
            kept = set(tree.tolist()) - set(path_e)
            kept.update(found)
            cand = _prune(n, u, v, w, np.array(sorted(kept), dtype=np.int64), is_term)
            c = float(w[cand].sum())
            if c < cost_now * (1.0 - 1e-12) and _spans(n, u, v, cand, terminals):
                tree, cost_now, improved = cand, c, True
        if not improved:
            return tree


def _preorder(
    t_adj: list[list[tuple[int, int]]], root: int, n: int
) -> tuple[list[int], list[int], list[int], list[int], list[int]]:
    """Depth-first preorder of a tree: ``tin``, ``tout``, parents, parent edges and
    the order, so that each subtree is the slice ``order[tin[x]:tout[x]]``."""
    tin = [-1] * n
    tout = [-1] * n
    parent = [-1] * n
    parent_e = [-1] * n
    order = [root]
    tin[root] = 0
    stack = [(root, 0)]
    while stack:
        x, i = stack.pop()
        if i < len(t_adj[x]):
            stack.append((x, i + 1))
            y, e = t_adj[x][i]
            if tin[y] < 0:
                parent[y] = x
                parent_e[y] = e
                tin[y] = len(order)
                order.append(y)
                stack.append((y, 0))
        else:
            tout[x] = len(order)
    return tin, tout, parent, parent_e, order


def _spans(n: int, u: np.ndarray, v: np.ndarray, tree: np.ndarray, terminals: np.ndarray) -> bool:
    """Whether the edges ``tree`` join all ``terminals`` in one component."""
    if len(tree) == 0:
        return len(terminals) <= 1
    mat = coo_matrix((np.ones(len(tree)), (u[tree], v[tree])), shape=(n, n)).tocsr()
    _, labels = connected_components(mat, directed=False)
    return bool((labels[terminals] == labels[terminals[0]]).all())


def _bounded_search(
    adj: list[list[tuple[int, float, int]]],
    tin: list[int],
    order: np.ndarray,
    min_out: np.ndarray,
    lo: int,
    hi: int,
    inner: list[int],
    limit: float,
) -> list[int] | None:
    """Cheapest path (edges) between the subtree ``order[lo:hi]`` and the rest of
    the tree (``inner`` nodes excluded), if it costs less than ``limit``.

    Only the nodes of the smaller side with an edge off the tree cheaper
    than ``limit`` (``min_out``) seed the search: a replacement path leaves
    its side by such an edge.
    """
    below = hi - lo
    from_below = below <= len(order) - below - len(inner)
    side = order[lo:hi] if from_below else np.concatenate([order[:lo], order[hi:]])
    seeds = side[min_out[side] < limit].tolist()
    inner_set = set(inner)
    if not from_below:
        seeds = [x for x in seeds if x not in inner_set]
    dist: dict[int, float] = dict.fromkeys(seeds, 0.0)
    pred: dict[int, tuple[int, int]] = {}
    heap = [(0.0, x) for x in seeds]
    while heap:
        d, x = heapq.heappop(heap)
        if d >= limit:
            return None
        if d > dist[x]:
            continue
        if d > 0:
            t = tin[x]
            if t >= 0 and x not in inner_set and (lo <= t < hi) != from_below:
                edges = []
                y = x
                while y in pred:
                    y, e = pred[y]
                    edges.append(e)
                return edges
        for z, c, e in adj[x]:
            nd = d + c
            if nd < limit and nd < dist.get(z, math.inf):
                dist[z] = nd
                pred[z] = (x, e)
                heapq.heappush(heap, (nd, z))
    return None
