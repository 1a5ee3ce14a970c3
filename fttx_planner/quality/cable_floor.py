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

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, depth_first_order, dijkstra

from fttx_planner.costing.access import is_mdu
from fttx_planner.design.cables import subtree_sums
from fttx_planner.design.trench import cheapest_cable_per_m
from fttx_planner.network.sparse import symmetric_matrix

if TYPE_CHECKING:
    from fttx_planner.catalogue import Catalogue
    from fttx_planner.network.graph import Access, DesignGraph
    from fttx_planner.params import DesignParams


@dataclass(frozen=True)
class Forest:
    """A depth-first spanning forest of a graph.

    Attributes
    ----------
    comp
        ``(n,)`` connected component of each node.
    order
        Nodes in depth-first preorder (each subtree a contiguous range).
    pre
        ``(n,)`` position of each node in ``order``.
    parent
        ``(n,)`` parent in the forest (``-1`` for a component's root).
    size
        ``(n,)`` nodes in each node's subtree.
    tree_edge
        ``(n,)`` the edge joining each node to its parent (``-1`` for roots).
    """

    comp: np.ndarray
    order: np.ndarray
    pre: np.ndarray
    parent: np.ndarray
    size: np.ndarray
    tree_edge: np.ndarray

    def holds(self, top: np.ndarray, x: int) -> np.ndarray:
        """Whether node ``x`` lies in the subtree of each node of ``top``."""
        return (self.pre[top] <= self.pre[x]) & (self.pre[x] < self.pre[top] + self.size[top])


def dfs_forest(n_nodes: int, edge_u: np.ndarray, edge_v: np.ndarray) -> Forest:
    """A depth-first spanning forest (scipy's search from a virtual node joined
    to one node of every component)."""
    ones = np.ones(len(edge_u))
    _, comp = connected_components(symmetric_matrix(n_nodes, edge_u, edge_v, ones), directed=False)
    roots = np.unique(comp, return_index=True)[1]
    vu = np.concatenate([edge_u, edge_v, np.full(len(roots), n_nodes)])
    vv = np.concatenate([edge_v, edge_u, roots])
    mat = coo_matrix((np.ones(len(vu)), (vu, vv)), shape=(n_nodes + 1, n_nodes + 1)).tocsr()
    order, pred = depth_first_order(mat, n_nodes, directed=True, return_predecessors=True)
    order = order[1:].astype(np.int64)  # without the virtual node
    pre = np.empty(n_nodes, dtype=np.int64)
    pre[order] = np.arange(n_nodes)
    parent = pred[:n_nodes].astype(np.int64)
    parent[parent == n_nodes] = -1
    size = subtree_sums(order, parent, np.ones(n_nodes, dtype=np.int64))
    # The tree edge of each node: an edge joining it to its parent.
    key = np.minimum(edge_u, edge_v) * (n_nodes + 1) + np.maximum(edge_u, edge_v)
    keys, first = np.unique(key, return_index=True)
    tree_edge = np.full(n_nodes, -1, dtype=np.int64)
    child = np.flatnonzero(parent >= 0)
    ck = np.minimum(child, parent[child]) * (n_nodes + 1) + np.maximum(child, parent[child])
    tree_edge[child] = first[np.searchsorted(keys, ck)]
    return Forest(comp, order, pre, parent, size, tree_edge)


def bridge_edges(
    n_nodes: int, edge_u: np.ndarray, edge_v: np.ndarray, forest: Forest | None = None
) -> np.ndarray:
    """Which edges are bridges (their removal disconnects their component).

    Tarjan's test on a depth-first spanning forest: the tree edge into ``c``
    is a bridge when no other edge joins the subtree of ``c`` to a node
    outside it (in a depth-first forest other edges join a node to one of
    its ancestors, so the lowest preorder number they reach decides).
    Parallel edges are never bridges; self-loops never are.

    Parameters
    ----------
    n_nodes
        Number of nodes.
    edge_u, edge_v
        Undirected edges (parallel edges and self-loops allowed).
    forest
        The graph's :func:`dfs_forest`, when the caller has it.

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
    f = dfs_forest(n_nodes, edge_u, edge_v) if forest is None else forest
    m = len(edge_u)
    is_tree = np.zeros(m, dtype=bool)
    child = np.flatnonzero(f.parent >= 0)
    is_tree[f.tree_edge[child]] = True
    low = f.pre.copy()
    other = ~is_tree & (edge_u != edge_v)
    np.minimum.at(low, edge_u[other], f.pre[edge_v[other]])
    np.minimum.at(low, edge_v[other], f.pre[edge_u[other]])
    low_l, par_l = low.tolist(), f.parent.tolist()
    for x in f.order[::-1].tolist():  # children before parents
        p = par_l[x]
        if p >= 0 and low_l[x] < low_l[p]:
            low_l[p] = low_l[x]
    cut = np.asarray(low_l)[child] >= f.pre[child]
    out = np.zeros(m, dtype=bool)
    out[f.tree_edge[child[cut]]] = True
    return out


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
    # Parallel streets keep the shorter length (a summed one would be too long).
    near = dijkstra(
        graph.matrix(graph.edge_length_m),
        directed=False,
        indices=sources,
        min_only=True,
        limit=params.fdp_reach_m,
    )
    reach = params.fdp_reach_m
    floor = np.where((near[graph.edge_u] <= reach) & (near[graph.edge_v] <= reach), drop, cable)

    # Bridges: what must cross them.
    forest = dfs_forest(n, graph.edge_u, graph.edge_v)
    bridge = bridge_edges(n, graph.edge_u, graph.edge_v, forest)
    if not bridge.any():
        return floor
    comp = forest.comp
    sub_small = subtree_sums(forest.order, forest.parent, small_at)
    sub_mdu = subtree_sums(forest.order, forest.parent, mdu_at)
    total_small = np.bincount(comp, weights=small_at)
    total_mdu = np.bincount(comp, weights=mdu_at)
    e = np.flatnonzero(bridge)
    u, v = graph.edge_u[e], graph.edge_v[e]
    c = np.where(forest.parent[v] == u, v, u)  # the child end in the search tree
    below = (sub_small[c], sub_mdu[c])
    above = (total_small[comp[c]] - sub_small[c], total_mdu[comp[c]] - sub_mdu[c])

    def side(small: np.ndarray, flats: np.ndarray) -> np.ndarray:
        """Cable price per metre when that side is the one beyond the bridge."""
        return np.where(flats > 0, cable, np.minimum(cable, drop * np.maximum(small, 1)))

    far_below, far_above = side(*below), side(*above)
    if root is None:
        needed = np.minimum(far_below, far_above)
    else:
        root_below = forest.holds(c, root) & (comp[c] == comp[root])
        needed = np.where(root_below, far_above, far_below)
    floor[e] = np.maximum(floor[e], needed)
    return floor
