"""A second path to the OLT for critical endpoints, sharing no trench with the first.

The main path is the endpoint's way up the trench tree. The second path is
the cheapest route from the OLT to the same tap that avoids every edge of
the main path: an edge already trenched (another branch of the tree) costs
only its cable, a street not in the tree its trench too, and an edge of the
main path costs so much that it is used only where no other route exists.
Those metres, and the drop from the tap to the endpoint (one entry), are
reported as shared with the main path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import dijkstra

from fttx_planner.design.trench import edge_lookup
from fttx_planner.network.graph import DesignGraph

#: Extra weight per metre of an edge of the main path (EUR/m): forbidden unless unavoidable.
MAIN_PATH_PENALTY_EUR_PER_M = 1.0e6


@dataclass(frozen=True)
class DiversePath:
    """The second path of one endpoint.

    Attributes
    ----------
    edges
        Design-graph edges of the path, from the tap to the OLT.
    length_m
        Its length.
    new_trench_m
        Metres on streets the tree does not trench (dug for this path).
    new_trench_eur
        Civil cost of those metres.
    shared_m
        Metres shared with the main path (0 when fully diverse).
    """

    edges: np.ndarray
    length_m: float
    new_trench_m: float
    new_trench_eur: float
    shared_m: float


def main_path_edges(parent: np.ndarray, parent_edge: np.ndarray, node: int) -> np.ndarray:
    """Edges from ``node`` up the rooted tree to its root."""
    out = []
    x = node
    while parent[x] >= 0:
        out.append(int(parent_edge[x]))
        x = int(parent[x])
    return np.array(out, dtype=np.int64)


def diverse_path(
    graph: DesignGraph,
    in_tree: np.ndarray,
    main: np.ndarray,
    node: int,
    cable_eur_per_m: float,
) -> DiversePath | None:
    """The cheapest path from the OLT to ``node`` avoiding the ``main`` edges where it can.

    Parameters
    ----------
    graph
        The design graph (its ``edge_cost_eur`` is the civil cost of each edge).
    in_tree
        ``(e,)`` bool: the edge is trenched by the design.
    main
        Edges of the main path.
    node
        The endpoint's tap node.
    cable_eur_per_m
        Cable cost per metre of the second path's cable.

    Returns
    -------
    DiversePath or None
        ``None`` when the node is not connected to the OLT at all.
    """
    length = graph.edge_length_m
    weight = length * cable_eur_per_m + np.where(in_tree, 0.0, graph.edge_cost_eur)
    on_main = np.zeros(len(length), dtype=bool)
    on_main[main] = True
    weight = weight + np.where(on_main, length * MAIN_PATH_PENALTY_EUR_PER_M, 0.0)
    dist, pred = dijkstra(
        graph.matrix(weight), directed=False, indices=graph.olt_node, return_predecessors=True
    )
    if not np.isfinite(dist[node]):
        return None
    lookup = edge_lookup(graph.n_nodes, graph.edge_u, graph.edge_v, np.maximum(weight, 1e-6))
    edges = []
    x = node
    while pred[x] >= 0:
        p = int(pred[x])
        edges.append(lookup[(x, p) if x < p else (p, x)])
        x = p
    e = np.array(edges, dtype=np.int64)
    new = ~in_tree[e]
    return DiversePath(
        edges=e,
        length_m=float(length[e].sum()),
        new_trench_m=float(length[e][new].sum()),
        new_trench_eur=float(graph.edge_cost_eur[e][new].sum()),
        shared_m=float(length[e][on_main[e]].sum()),
    )
