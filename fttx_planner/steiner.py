"""Steiner trees on the design graph: the shared trench network.

Trenching dominates FTTH capex, so the trench network is close to a Steiner
tree over the OLT and all served buildings. :func:`mehlhorn_tree` is
Mehlhorn's 2-approximation, vectorised with SciPy (one multi-source
Dijkstra, an MST of the terminal distance graph, paths expanded, an MST of
the union and leaf pruning); :func:`improve_tree` then applies key-path
exchange local search.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import breadth_first_order, dijkstra, minimum_spanning_tree


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
    mat = _sym(n_nodes, edge_u, edge_v, w)
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

    edge_of = _edge_lookup(n_nodes, edge_u, edge_v, w)
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
    mat = coo_matrix((w, (edge_u[edges], edge_v[edges])), shape=(n_nodes, n_nodes)).tocsr()
    mst = minimum_spanning_tree(mat).tocoo()
    edge_of = _edge_lookup(n_nodes, edge_u[edges], edge_v[edges], w)
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


def _sym(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> csr_matrix:
    rows = np.concatenate([u, v])
    cols = np.concatenate([v, u])
    return coo_matrix((np.concatenate([w, w]), (rows, cols)), shape=(n, n)).tocsr()


def _edge_lookup(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> dict[tuple[int, int], int]:
    """Map a node pair to the cheapest edge joining it."""
    lookup: dict[tuple[int, int], int] = {}
    best: dict[tuple[int, int], float] = {}
    for i, (x, y, c) in enumerate(zip(u.tolist(), v.tolist(), w.tolist(), strict=True)):
        k = (x, y) if x < y else (y, x)
        if k not in best or c < best[k]:
            best[k] = c
            lookup[k] = i
    return lookup
