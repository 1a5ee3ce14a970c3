"""Steiner trees: reductions keep the optimum, the planner's tree beats Mehlhorn's."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from networkx.algorithms.approximation import steiner_tree as nx_steiner_tree

from fttx_planner.design.planner import plan_district
from fttx_planner.design.trench import (
    mehlhorn_tree,
    prune_tree,
    reduce_graph,
    root_tree,
    steiner_tree,
    trench_weight,
)
from fttx_planner.params import DesignParams
from fttx_planner.quality.bound import steiner_lower_bound
from fttx_planner.synthetic import grid_district

from ._brute import random_graph, steiner_optimum


def is_tree_spanning(
    n: int, u: np.ndarray, v: np.ndarray, edges: np.ndarray, terms: np.ndarray
) -> bool:
    nodes = np.unique(np.concatenate([u[edges], v[edges]])) if len(edges) else np.unique(terms)
    g = nx.Graph()
    g.add_nodes_from(nodes.tolist())
    g.add_edges_from(zip(u[edges].tolist(), v[edges].tolist(), strict=True))
    return nx.is_tree(g) and set(terms.tolist()) <= set(g.nodes)


def test_networkx_is_recent_enough() -> None:
    # networkx < 3.6 computed Mehlhorn's terminal regions by hop count.
    major, minor = (int(x) for x in nx.__version__.split(".")[:2])
    assert (major, minor) >= (3, 6)


@pytest.mark.parametrize("seed", range(6))
def test_mehlhorn_matches_networkx(seed: int) -> None:
    rng = np.random.default_rng(seed)
    u, v, w = random_graph(rng, 30, 25)  # with parallel edges
    terms = np.unique(rng.choice(30, 8))
    g = nx.Graph()
    for a, b, c in zip(u.tolist(), v.tolist(), w.tolist(), strict=True):
        if not g.has_edge(a, b) or g[a][b]["weight"] > c:
            g.add_edge(a, b, weight=c)
    ref = nx_steiner_tree(g, terms.tolist(), weight="weight", method="mehlhorn")
    ours = mehlhorn_tree(30, u, v, w, terms)
    assert w[ours].sum() == pytest.approx(ref.size(weight="weight"))


@pytest.mark.parametrize("seed", range(40))
def test_reductions_keep_the_optimum(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(3, 10))
    u, v, w = random_graph(rng, n, int(rng.integers(0, n)))
    terms = np.unique(rng.choice(n, int(rng.integers(2, n + 1))))
    if len(terms) < 2:
        return
    opt = steiner_optimum(n, u, v, w, terms.tolist())
    red = reduce_graph(n, u, v, w, terms)
    if red.n_nodes:
        rest = steiner_optimum(red.n_nodes, red.u, red.v, red.w, red.terminals.tolist())
    else:
        rest = 0.0
    assert red.fixed_cost + rest == pytest.approx(opt)
    # The planner's tree: a tree spanning the terminals, optimal on these tiny graphs
    # or close, never worse than Mehlhorn's.
    tree = steiner_tree(n, u, v, w, terms)
    assert is_tree_spanning(n, u, v, tree, terms)
    assert w[tree].sum() >= opt - 1e-9
    assert w[tree].sum() <= w[mehlhorn_tree(n, u, v, w, terms)].sum() + 1e-9


def test_steiner_node_found() -> None:
    # Three terminals around a Steiner node: the star beats the ring.
    u, v = np.array([0, 0, 0, 1, 2]), np.array([1, 2, 3, 2, 3])
    w = np.array([1.0, 1.0, 1.0, 1.6, 1.6])
    assert steiner_tree(4, u, v, w, np.array([1, 2, 3])).tolist() == [0, 1, 2]


def test_trivial_cases() -> None:
    u, v, w = np.array([0]), np.array([1]), np.array([2.0])
    assert steiner_tree(2, u, v, w, np.array([1])).tolist() == []
    assert steiner_tree(2, u, v, w, np.array([0, 1])).tolist() == [0]


@pytest.mark.parametrize("irregular", [False, True])
def test_design_graph_tree_near_its_bound(irregular: bool) -> None:
    plan = plan_district(grid_district(1500, irregular=irregular, seed=4), DesignParams())
    g = plan.graph
    w = trench_weight(g, plan.catalogue)
    terms = np.unique(np.append(plan.access.node[plan.access.node >= 0], g.olt_node))
    ours = w[steiner_tree(g.n_nodes, g.edge_u, g.edge_v, w, terms)].sum()
    meh = w[mehlhorn_tree(g.n_nodes, g.edge_u, g.edge_v, w, terms)].sum()
    lb = steiner_lower_bound(g.n_nodes, g.edge_u, g.edge_v, w, terms)
    assert lb <= ours <= meh
    assert ours <= 1.005 * lb  # within 0.5 % of optimal
    # The plan's trench network is that tree.
    assert w[plan.trench_edges].sum() == pytest.approx(ours)


def test_prune_and_root() -> None:
    # A path 0-1-2-3 plus a spur 1-4; terminals 0 and 2: the spur and 2-3 go.
    u, v = np.array([0, 1, 2, 1]), np.array([1, 2, 3, 4])
    w = np.ones(4)
    tree = prune_tree(5, u, v, w, np.arange(4), np.array([0, 2]))
    assert tree.tolist() == [0, 1]
    order, parent, parent_edge = root_tree(5, u, v, tree, 0)
    assert order.tolist() == [0, 1, 2]
    assert parent[2] == 1 and parent_edge[2] == 1 and parent[3] == -1
