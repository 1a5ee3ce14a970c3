"""The least cable price per metre each street edge carries in any design.

With distribution points (``joints``), a trench may carry drop cables only:
the stretch between a distribution point and its taps. The lower bound
therefore cannot charge every trench a distribution cable; it charges the
cheaper of the two, unless the ground rules it out:

* **Reach**: a drop runs at most :attr:`~DesignParams.fdp_reach_m` along the
  street from its distribution point to its tap, so a drop-only edge has both
  ends within that distance of some small building's tap. Edges farther from
  every such tap carry a real cable.
* **Bridges** (edges whose removal cuts the street graph in two): every fibre
  to the side without the OLT crosses the edge. If that side holds an MDU
  (fed by a sized cable) the edge carries a cable; if it holds ``n`` small
  buildings, it carries ``n`` drops or one cable, at least
  ``min(cable, n x drop)`` per metre. When the OLT site is free, the cheaper
  side is taken. Dead-end streets, cul-de-sacs and village spurs are chains
  of bridges, so most of their length carries a cable in every design.

Both floors hold for every design, so the larger of the two does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, depth_first_order, dijkstra

from fttx_planner.costing.access import is_mdu
from fttx_planner.design.trench import cheapest_cable_per_m

if TYPE_CHECKING:
    from fttx_planner.catalogue import Catalogue
    from fttx_planner.network.graph import Access, DesignGraph
    from fttx_planner.params import DesignParams


def bridge_edges(n_nodes: int, edge_u: np.ndarray, edge_v: np.ndarray) -> np.ndarray:
    """Which edges are bridges (their removal disconnects their component).

    Tarjan's test on a depth-first spanning forest: the tree edge into ``c``
    is a bridge when no other edge joins the subtree of ``c`` to the rest.
    Parallel edges are never bridges; self-loops never are.

    Parameters
    ----------
    n_nodes
        Number of nodes.
    edge_u, edge_v
        Undirected edges (parallel edges and self-loops allowed).

    Returns
    -------
    ndarray
        ``(m,)`` bool.

    Examples
    --------
    A triangle with a tail: only the tail edge is a bridge.

    >>> import numpy as np
    >>> bridge_edges(4, np.array([0, 1, 2, 2]), np.array([1, 2, 0, 3])).tolist()
    [False, False, False, True]
    """
    _, pre, parent, size, tree_edge = _dfs_forest(n_nodes, edge_u, edge_v)
    m = len(edge_u)
    is_tree = np.zeros(m, dtype=bool)
    child = np.flatnonzero(parent >= 0)
    is_tree[tree_edge[child]] = True
    low = pre.copy()
    high = pre.copy()
    other = ~is_tree & (edge_u != edge_v)
    u, v = edge_u[other], edge_v[other]
    np.minimum.at(low, u, pre[v])
    np.minimum.at(low, v, pre[u])
    np.maximum.at(high, u, pre[v])
    np.maximum.at(high, v, pre[u])
    low_l, high_l, par_l = low.tolist(), high.tolist(), parent.tolist()
    for x in np.argsort(pre)[::-1].tolist():  # children before parents
        p = par_l[x]
        if p >= 0:
            low_l[p] = min(low_l[p], low_l[x])
            high_l[p] = max(high_l[p], high_l[x])
    low, high = np.array(low_l), np.array(high_l)
    cut = (low[child] >= pre[child]) & (high[child] < pre[child] + size[child])
    out = np.zeros(m, dtype=bool)
    out[tree_edge[child[cut]]] = True
    return out


def _dfs_forest(
    n_nodes: int, edge_u: np.ndarray, edge_v: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A depth-first spanning forest: component, preorder, parent, subtree size, tree edge.

    ``tree_edge[c]`` is the edge joining ``c`` to its parent (roots: ``-1``).
    """
    _, comp = connected_components(
        coo_matrix((np.ones(len(edge_u)), (edge_u, edge_v)), shape=(n_nodes, n_nodes)).tocsr(),
        directed=False,
    )
    # One search from a virtual node joined to the first node of every component.
    roots = np.unique(comp, return_index=True)[1]
    vu = np.concatenate([edge_u, edge_v, np.full(len(roots), n_nodes)])
    vv = np.concatenate([edge_v, edge_u, roots])
    mat = coo_matrix((np.ones(len(vu)), (vu, vv)), shape=(n_nodes + 1, n_nodes + 1)).tocsr()
    order, pred = depth_first_order(mat, n_nodes, directed=True, return_predecessors=True)
    pre = np.empty(n_nodes + 1, dtype=np.int64)
    pre[order] = np.arange(len(order))
    pre = pre[:n_nodes]
    parent = pred[:n_nodes].astype(np.int64)
    parent[parent == n_nodes] = -1
    size_l = [1] * n_nodes
    par_l = parent.tolist()
    for x in order[::-1].tolist():
        if x < n_nodes and par_l[x] >= 0:
            size_l[par_l[x]] += size_l[x]
    # The tree edge of each node: an edge joining it to its parent.
    key = np.minimum(edge_u, edge_v) * (n_nodes + 1) + np.maximum(edge_u, edge_v)
    keys, first = np.unique(key, return_index=True)
    tree_edge = np.full(n_nodes, -1, dtype=np.int64)
    child = np.flatnonzero(parent >= 0)
    ck = np.minimum(child, parent[child]) * (n_nodes + 1) + np.maximum(child, parent[child])
    tree_edge[child] = first[np.searchsorted(keys, ck)]
    return comp, pre, parent, np.array(size_l, dtype=np.int64), tree_edge


def cable_floor_per_m(
    graph: DesignGraph,
    access: Access,
    homes: np.ndarray,
    params: DesignParams,
    catalogue: Catalogue,
    root: int | None = None,
) -> np.ndarray:
    """The least cable price per metre each edge carries if a design opens it.

    Parameters
    ----------
    graph, access
        The design graph and how buildings reach it (``node < 0``: unserved).
    homes
        Premises per building.
    params, catalogue
        Design parameters (distribution points, reach, MDU threshold) and prices.
    root
        The OLT node when its site is fixed (``None``: any site).

    Returns
    -------
    ndarray
        ``(m,)`` EUR per metre: the cheapest cable with its installation,
        or less where drop cables alone may run (see the module docstring).
    """
    cable = cheapest_cable_per_m(catalogue)
    m = len(graph.edge_u)
    drop = catalogue.cost("drop_cable")
    if not params.joints or drop >= cable:
        return np.full(m, cable)
    n = graph.n_nodes
    served = access.node >= 0
    mdu = is_mdu(np.asarray(homes), params)
    small_at = np.bincount(access.node[served & ~mdu], minlength=n).astype(np.int64)
    mdu_at = np.bincount(access.node[served & mdu], minlength=n).astype(np.int64)

    # Reach: both ends within a drop's reach of some small building's tap.
    sources = np.flatnonzero(small_at)
    if len(sources) == 0:
        return np.full(m, cable)
    lengths = coo_matrix((graph.edge_length_m, (graph.edge_u, graph.edge_v)), shape=(n, n))
    near = dijkstra(
        lengths, directed=False, indices=sources, min_only=True, limit=params.fdp_reach_m
    )
    reach = params.fdp_reach_m
    floor = np.where((near[graph.edge_u] <= reach) & (near[graph.edge_v] <= reach), drop, cable)

    # Bridges: what must cross them.
    bridge = bridge_edges(n, graph.edge_u, graph.edge_v)
    if not bridge.any():
        return floor
    comp, pre, parent, size, _ = _dfs_forest(n, graph.edge_u, graph.edge_v)
    sub_small = small_at.copy()
    sub_mdu = mdu_at.copy()
    ss, sm, par_l = sub_small.tolist(), sub_mdu.tolist(), parent.tolist()
    for x in np.argsort(pre)[::-1].tolist():
        p = par_l[x]
        if p >= 0:
            ss[p] += ss[x]
            sm[p] += sm[x]
    sub_small, sub_mdu = np.array(ss), np.array(sm)
    total_small = np.bincount(comp, weights=small_at)
    total_mdu = np.bincount(comp, weights=mdu_at)
    e = np.flatnonzero(bridge)
    u, v = graph.edge_u[e], graph.edge_v[e]
    c = np.where(parent[v] == u, v, u)  # the child end in the search tree
    below = (sub_small[c], sub_mdu[c])
    above = (total_small[comp[c]] - sub_small[c], total_mdu[comp[c]] - sub_mdu[c])

    def side(small: np.ndarray, flats: np.ndarray) -> np.ndarray:
        """Cable price per metre when that side is the one beyond the bridge."""
        return np.where(flats > 0, cable, np.minimum(cable, drop * np.maximum(small, 1)))

    far_below, far_above = side(*below), side(*above)
    if root is None:
        needed = np.minimum(far_below, far_above)
    else:
        inside = (pre[c] <= pre[root]) & (pre[root] < pre[c] + size[c])
        root_below = inside & (comp[c] == comp[root])
        needed = np.where(root_below, far_above, far_below)
    floor[e] = np.maximum(floor[e], needed)
    return floor
