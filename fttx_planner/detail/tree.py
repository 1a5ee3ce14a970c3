"""The plan's trench tree, rooted at the OLT, walked in a stable order.

Children are visited by their coordinates (rounded to 0.1 m), not by node
number, so numbers taken from this walk (sites, cables, splitters) stay the
same when the same design is planned again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fttx_planner.design.trench import root_tree
from fttx_planner.plan import Plan


@dataclass
class DesignTree:
    """A rooted trench tree.

    Attributes
    ----------
    root
        The OLT's node.
    parent, parent_edge
        Per graph node, its parent and the edge to it (``-1`` at the root and off the tree).
    children
        Per tree node, its children in walking order.
    pre
        Per graph node, its position in the depth-first walk (``-1`` off the tree).
    preorder
        Tree nodes in depth-first order from the root.
    edge_length_m
        Length of every graph edge.
    """

    root: int
    parent: np.ndarray
    parent_edge: np.ndarray
    children: dict[int, list[int]]
    pre: np.ndarray
    preorder: list[int]
    edge_length_m: np.ndarray


def design_tree(plan: Plan) -> DesignTree:
    """The plan's trench tree rooted at its OLT, with a stable walking order."""
    g = plan.graph
    order, parent, parent_edge = root_tree(
        g.n_nodes, g.edge_u, g.edge_v, np.asarray(plan.trench_edges, dtype=np.int64), g.olt_node
    )
    key = np.round(g.node_xy * 10).astype(np.int64)
    children: dict[int, list[int]] = {}
    for v in order[1:].tolist():
        children.setdefault(int(parent[v]), []).append(v)
    for kids in children.values():
        kids.sort(key=lambda c: (key[c, 0], key[c, 1], c))
    pre = np.full(g.n_nodes, -1, dtype=np.int64)
    preorder: list[int] = []
    stack = [int(g.olt_node)]
    while stack:
        v = stack.pop()
        pre[v] = len(preorder)
        preorder.append(v)
        stack.extend(reversed(children.get(v, [])))
    return DesignTree(
        root=int(g.olt_node),
        parent=parent,
        parent_edge=parent_edge,
        children=children,
        pre=pre,
        preorder=preorder,
        edge_length_m=g.edge_length_m,
    )
