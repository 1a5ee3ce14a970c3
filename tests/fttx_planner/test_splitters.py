"""Splitter partitions: the greedy one and the cost-optimal dynamic program."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np
import pytest

from fttx_planner.catalogue import Catalogue
from fttx_planner.design.splitters import (
    OPEN_PER_CAPACITY,
    Group,
    PartitionCosts,
    cable_cost_table,
    optimal_partition,
    partition_tree,
)
from fttx_planner.params import DesignParams, OpticalClass


def ancestors(parent: np.ndarray, x: int) -> list[int]:
    out = [x]
    while parent[x] >= 0:
        x = int(parent[x])
        out.append(x)
    return out


def check_groups(groups: list[Group], parent: np.ndarray, items_at: dict, cap: int) -> None:
    served: dict[int, int] = {}
    node_of = {k: node for node, its in items_at.items() for k, _ in its}
    for g in groups:
        assert 0 < g.load <= cap
        for k, ld in g.members:
            served[k] = served.get(k, 0) + ld
            assert g.node in ancestors(parent, node_of[k])
    assert served == {k: ld for its in items_at.values() for k, ld in its}


def model_cost(
    groups: list[Group],
    parent: np.ndarray,
    parent_edge: np.ndarray,
    length: np.ndarray,
    items_at: dict,
    costs: PartitionCosts,
    node_of: dict[int, int],
) -> float:
    """Cost of a partition under the dynamic program's own rules."""
    n = len(parent)
    k = np.zeros(n, dtype=np.int64)
    dist = np.zeros(n, dtype=np.int64)  # open homes over the edge into each node
    feeder = np.zeros(n, dtype=bool)
    for g in groups:
        k[g.node] += 1
        for x in ancestors(parent, g.node)[:-1]:
            feeder[x] = True
        for key, ld in g.members:
            for x in ancestors(parent, node_of[key]):
                if x == g.node:
                    break
                dist[x] += ld
    total = float((k * costs.splitter_eur).sum() + costs.site_eur(k).sum())
    for x in range(n):
        if parent[x] >= 0:
            ln = length[parent_edge[x]]
            total += ln * (costs.cable_eur_per_m[dist[x]] + costs.feeder_eur_per_m * feeder[x])
    return total


def brute_force_best(
    parent: np.ndarray, items_at: dict, cap: int, cost: Callable[[list[Group]], float]
) -> float:
    """Least cost over every home unit at any of its ancestors, fewest splitters per node."""
    units = [(key, node) for node, its in items_at.items() for key, ld in its for _ in range(ld)]
    best = math.inf
    for choice in itertools.product(*[ancestors(parent, node) for _, node in units]):
        per_node: dict[int, list[int]] = {}
        for (key, _), site in zip(units, choice, strict=True):
            per_node.setdefault(site, []).append(key)
        groups = []
        for site, keys in per_node.items():
            for i in range(0, len(keys), cap):
                chunk = keys[i : i + cap]
                groups.append(Group(site, [(k, chunk.count(k)) for k in sorted(set(chunk))]))
        best = min(best, cost(groups))
    return best


def test_greedy_partition_invariants() -> None:
    order, parent = np.array([0, 1, 2, 3]), np.array([-1, 0, 1, 1])
    items = {2: [(10, 3), (11, 2)], 3: [(12, 4)], 1: [(13, 1)]}
    groups = partition_tree(order, parent, items, 4)
    check_groups(groups, parent, items, 4)


# A root with a long branch to a fork: 0 - 1 (300 m) - {2 (40 m), 3 (60 m)}, 4 below 3.
ORDER = np.array([0, 1, 2, 3, 4])
PARENT = np.array([-1, 0, 1, 1, 3])
PEDGE = np.array([-1, 0, 1, 2, 3])
LENGTH = np.array([300.0, 40.0, 60.0, 25.0])


@pytest.mark.parametrize("loads", [(1, 2, 1), (3, 0, 2), (2, 2, 2), (1, 0, 4)])
def test_dynamic_program_is_optimal(loads: tuple[int, int, int]) -> None:
    cap = 3
    costs = PartitionCosts(
        splitter_eur=200.0,
        closure_eur=350.0,
        cabinet_eur=2500.0,
        cabinet_min=3,
        cable_eur_per_m=cable_cost_table(Catalogue.default(), 20),
        feeder_eur_per_m=2.7,
        max_open=20,
    )
    items_at = {}
    for node, ld in zip((2, 4, 1), loads, strict=True):
        if ld:
            items_at[node] = [(100 + node, ld)]
    node_of = {k: node for node, its in items_at.items() for k, _ in its}
    groups = optimal_partition(ORDER, PARENT, PEDGE, LENGTH, items_at, cap, costs)
    check_groups(groups, PARENT, items_at, cap)
    got = model_cost(groups, PARENT, PEDGE, LENGTH, items_at, costs, node_of)
    best = brute_force_best(
        PARENT,
        items_at,
        cap,
        lambda g: model_cost(g, PARENT, PEDGE, LENGTH, items_at, costs, node_of),
    )
    assert got == pytest.approx(best)


def test_dynamic_program_shares_a_site() -> None:
    # Two blocks of 14 flats at the ends of a 10 m fork, 1 km from the OLT: one
    # splitter at the fork (one feeder fibre, not 28 distribution fibres, for 1 km).
    costs = PartitionCosts.for_stage(Catalogue.default(), DesignParams(), "last", 0)
    order, parent = np.array([0, 1, 2, 3]), np.array([-1, 0, 1, 1])
    groups = optimal_partition(
        order,
        parent,
        np.array([-1, 0, 1, 2]),
        np.array([1000.0, 10.0, 10.0]),
        {2: [(7, 14)], 3: [(8, 14)]},
        28,
        costs,
    )
    assert [(g.node, sorted(g.members)) for g in groups] == [(1, [(7, 14), (8, 14)])]


def test_big_loads_split_between_splitters() -> None:
    costs = PartitionCosts.for_stage(Catalogue.default(), DesignParams(), "last", 0)
    order, parent = np.array([0, 1]), np.array([-1, 0])
    items = {1: [(1, 20), (2, 20)]}
    groups = optimal_partition(order, parent, np.array([-1, 0]), np.array([50.0]), items, 28, costs)
    check_groups(groups, parent, items, 28)
    assert len(groups) == 2


def test_for_stage_prices() -> None:
    cat = Catalogue.default()
    p = DesignParams(split_ratio=64, stage1_ratio=4, optical_class=OpticalClass.C_PLUS)
    last = PartitionCosts.for_stage(cat, p, "last", 100)
    first = PartitionCosts.for_stage(cat, p, "first", 100)
    splice2 = 2 * cat.cost("fibre_splice")
    assert last.splitter_eur == pytest.approx(cat.cost("splitter_1x16") + splice2)
    # A first-stage splitter also takes an OLT port.
    assert first.splitter_eur > cat.cost("splitter_1x4") + splice2
    assert first.max_open == OPEN_PER_CAPACITY * 4
    assert last.max_open == OPEN_PER_CAPACITY * p.homes_per_splitter


# Chains of bare nodes around a fork, with an existing splitter at a chain end:
# 0 - 1 - 2 - 3 < (4 - 5) and (6 - 7 - 8).
CHAIN_ORDER = np.arange(9)
CHAIN_PARENT = np.array([-1, 0, 1, 2, 3, 4, 3, 6, 7])
CHAIN_PEDGE = np.array([-1, 0, 1, 2, 3, 4, 5, 6, 7])


def _chain_cost(
    groups: list[Group],
    lengths: np.ndarray,
    items_at: dict,
    base: np.ndarray,
    costs: PartitionCosts,
) -> float:
    """The dynamic program's cost with existing splitters ``base`` (fed) at some nodes."""
    node_of = {k: node for node, its in items_at.items() for k, _ in its}
    parent = CHAIN_PARENT
    k = np.zeros(9, dtype=np.int64)
    dist = np.zeros(9, dtype=np.int64)
    feeder = np.zeros(9, dtype=bool)
    for g in groups:
        k[g.node] += 1
        for key, ld in g.members:
            for x in ancestors(parent, node_of[key]):
                if x == g.node:
                    break
                dist[x] += ld
    for x in np.flatnonzero((k + base) > 0):
        for y in ancestors(parent, int(x))[:-1]:
            feeder[y] = True
    total = float(
        (k * costs.splitter_eur).sum() + (costs.site_eur(k + base) - costs.site_eur(base)).sum()
    )
    for x in range(1, 9):
        total += lengths[CHAIN_PEDGE[x]] * (
            costs.cable_eur_per_m[dist[x]] + costs.feeder_eur_per_m * feeder[x]
        )
    return total


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_dynamic_program_is_optimal_on_folded_chains(seed: int) -> None:
    rng = np.random.default_rng(seed)
    cap = 3
    costs = PartitionCosts(
        splitter_eur=150.0,
        closure_eur=300.0,
        cabinet_eur=1500.0,
        cabinet_min=2,
        cable_eur_per_m=cable_cost_table(Catalogue.default(), 20),
        feeder_eur_per_m=2.7,
        max_open=20,
    )
    lengths = rng.uniform(5.0, 400.0, 8)
    loads = rng.integers(1, 3, 3)
    items_at = {
        int(node): [(100 + int(node), int(ld))] for node, ld in zip((5, 8, 4), loads, strict=True)
    }
    base = np.zeros(9, dtype=np.int64)
    if seed % 2:
        base[8] = 1  # a splitter already at the end of a chain: its site differs
    groups = optimal_partition(
        CHAIN_ORDER,
        CHAIN_PARENT,
        CHAIN_PEDGE,
        lengths,
        items_at,
        cap,
        costs,
        site_splitters=base,
        fed=base > 0,
    )
    check_groups(groups, CHAIN_PARENT, items_at, cap)
    got = _chain_cost(groups, lengths, items_at, base, costs)
    best = brute_force_best(
        CHAIN_PARENT, items_at, cap, lambda g: _chain_cost(g, lengths, items_at, base, costs)
    )
    assert got == pytest.approx(best)
