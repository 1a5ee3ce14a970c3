"""Footways and paths that join otherwise separate street networks carry the trench.

Footways, cycleways, paths and steps carry drops only
(:data:`~fttx_planner.district.DROP_ONLY_HIGHWAYS`): the trench follows the
streets. But a residential cluster may be joined to the rest of the town
only by a cycleway or a footpath; left so, its buildings are either not
served ("not connected") or fed by very long drops to a far street. A crew
trenches the linking path instead. So the footways, cycleways, paths and
bridleways (never steps) on the shortest links between the street networks
they join are made trench edges, priced like any footway trench: a
minimum spanning tree over the street networks (each contracted to a point)
and the path network, pruned of the branches that join no street network.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

#: Drop-only classes that may carry a linking trench (steps cannot).
LINK_HIGHWAYS = frozenset({"footway", "cycleway", "path", "bridleway"})


def trench_links(
    n_nodes: int,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    edge_length_m: np.ndarray,
    edge_trench: np.ndarray,
    edge_highway: np.ndarray,
) -> np.ndarray:
    """``(m,)`` bool: the path edges that link separate street networks.

    Examples
    --------
    Two streets (0-1 and 3-4) joined by a footway 1-2-3 with a footway spur
    2-5 that leads nowhere: the link 1-2-3 carries the trench, the spur not.

    >>> import numpy as np
    >>> u, v = np.array([0, 3, 1, 2, 2]), np.array([1, 4, 2, 3, 5])
    >>> hw = np.array(["residential", "residential", "footway", "footway", "footway"])
    >>> trench_links(6, u, v, np.full(5, 10.0), hw == "residential", hw).tolist()
    [False, False, True, True, False]
    """
    m = len(edge_u)
    out = np.zeros(m, dtype=bool)
    trench = np.asarray(edge_trench, dtype=bool)
    if not trench.any():
        return out
    mat = coo_matrix(
        (np.ones(int(trench.sum())), (edge_u[trench], edge_v[trench])), shape=(n_nodes, n_nodes)
    )
    _, label = connected_components(mat, directed=False)
    street = np.zeros(label.max() + 1, dtype=bool)
    street[label[edge_u[trench]]] = True
    cand = np.flatnonzero(~trench & np.isin(edge_highway, list(LINK_HIGHWAYS)) & (edge_u != edge_v))
    cand = cand[np.argsort(edge_length_m[cand], kind="stable")]
    # Kruskal over the contracted graph: street networks and path nodes.
    root = np.arange(label.max() + 1)

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = int(root[x])
        return x

    chosen = []
    for e in cand.tolist():
        a, b = find(int(label[edge_u[e]])), find(int(label[edge_v[e]]))
        if a != b:
            root[a] = b
            chosen.append(e)
    if not chosen:
        return out
    # Prune branches that end at a path node (no street network there).
    keep = np.array(chosen, dtype=np.int64)
    alive = np.ones(len(keep), dtype=bool)
    while True:
        ends = np.concatenate([label[edge_u[keep[alive]]], label[edge_v[keep[alive]]]])
        degree = np.bincount(ends, minlength=len(street))
        leaf = (degree == 1) & ~street
        dead = alive & (leaf[label[edge_u[keep]]] | leaf[label[edge_v[keep]]])
        if not dead.any():
            break
        alive &= ~dead
    out[keep[alive]] = True
    return out
