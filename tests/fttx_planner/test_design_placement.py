"""Splitter and distribution point placement: closures priced, points lowered.

The partition of :mod:`fttx_planner.design.branches` is checked against an
independent pricing of its model (splitters, sites, cables, branch
closures) and against the plain program; distribution points move down to
their drops only where that pays and adds no closure; and whole plans
against the same plans made without pricing closures: cheaper, and still
valid.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from fttx_planner.catalogue import Catalogue
from fttx_planner.design import splitters as splitters_mod
from fttx_planner.design.branches import branch_partition
from fttx_planner.design.cables import CableSizer, subtree_sums
from fttx_planner.design.fdp import distribution_points, lower_points
from fttx_planner.design.planner import plan_district
from fttx_planner.design.splitters import Group, Item, PartitionCosts, optimal_partition
from fttx_planner.design.trench import root_tree
from fttx_planner.params import DesignParams
from fttx_planner.plan import Plan
from fttx_planner.synthetic import grid_district

CAPACITY = 32


def _costs(branch_eur: float) -> PartitionCosts:
    plain = PartitionCosts.for_stage(Catalogue.default(), DesignParams(), "last", 400)
    return replace(plain, branch_eur=branch_eur)


def _priced(
    parent: np.ndarray,
    length_m: np.ndarray,
    items_at: dict[int, list[Item]],
    groups: list[Group],
    costs: PartitionCosts,
) -> float:
    """What a partition costs in the program's model, counted edge by edge
    (nodes are numbered so that a parent comes before its children; the
    edge into node ``v`` is ``length_m[v - 1]``)."""
    n = len(parent)
    homes = np.zeros(n, dtype=np.int64)
    for v, its in items_at.items():
        homes[v] = sum(ld for _, ld in its)
    served = np.zeros(n, dtype=np.int64)
    k = np.zeros(n, dtype=np.int64)
    for g in groups:
        served[g.node] += g.load
        k[g.node] += 1
    eur = float(k.sum() * costs.splitter_eur + costs.site_eur(k).sum())
    open_ = homes - served  # homes still unserved on the edge above each node
    below = (k > 0).astype(np.int64)  # splitters at or below each node
    for v in range(n - 1, 0, -1):
        open_[parent[v]] += open_[v]
        below[parent[v]] += below[v]
    assert (open_ >= 0).all()
    for v in range(1, n):
        feeder = costs.feeder_eur_per_m if below[v] else 0.0
        eur += length_m[v - 1] * (costs.cable_eur_per_m[open_[v]] + feeder)
    for v in range(1, n):
        kids = np.flatnonzero(parent == v)
        branches = (open_[kids] > 0).sum() >= 2 or (below[kids] > 0).sum() >= 2
        if k[v] == 0 and branches:
            eur += costs.branch_eur
    return eur


def _check_partition(items_at: dict[int, list[Item]], groups: list[Group], parent: np.ndarray):
    served: dict[int, int] = {}
    node_of = {key: v for v, its in items_at.items() for key, _ in its}
    for g in groups:
        assert g.load <= CAPACITY
        for key, load in g.members:
            served[key] = served.get(key, 0) + load
            x = node_of[key]  # the splitter is on the item's way to the root
            while x != g.node:
                assert x >= 0
                x = int(parent[x])
    assert served == {key: load for its in items_at.values() for key, load in its}


def test_a_splitter_at_the_fork_saves_the_closure_there() -> None:
    # OLT 0, 1 km of street to a fork at node 1, a house 50 m down each
    # branch. The plain program puts the splitter at the OLT (no street
    # closure for it), so the distribution cable branches at the fork and
    # needs a closure there; a splitter at the fork needs the one closure.
    parent = np.array([-1, 0, 1, 1])
    length_m = np.array([1000.0, 50.0, 50.0])
    args = (np.arange(4), parent, np.arange(4) - 1, length_m, {2: [(7, 1)], 3: [(8, 1)]})
    costs = _costs(350.0)
    plain = optimal_partition(*args, CAPACITY, _costs(0.0))
    priced = branch_partition(*args, CAPACITY, costs)
    assert [g.node for g in plain] == [0]
    assert [g.node for g in priced] == [1]
    assert _priced(parent, length_m, args[4], priced, costs) == pytest.approx(
        _priced(parent, length_m, args[4], plain, costs) - 350.0
    )


@pytest.mark.parametrize("seed", range(6))
def test_branch_partition_is_the_plain_program_plus_the_closures(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(25):
        n = int(rng.integers(2, 30))
        parent = np.array([-1] + [int(rng.integers(0, v)) for v in range(1, n)])
        length_m = rng.uniform(1.0, 150.0, n - 1)
        items_at = {
            v: [(100 * v + j, int(rng.integers(1, 14))) for j in range(int(rng.integers(1, 3)))]
            for v in range(n)
            if rng.random() < 0.5
        }
        if not items_at:
            continue
        args = (np.arange(n), parent, np.arange(n) - 1, length_m, items_at, CAPACITY)
        plain = optimal_partition(*args, _costs(0.0))
        free = branch_partition(*args, _costs(0.0))
        priced = branch_partition(*args, _costs(800.0))
        for groups in (free, priced):
            _check_partition(items_at, groups, parent)
        # Without closures to price it finds the plain program's optimum;
        # with them it never costs more than the plain partition.
        assert _priced(parent, length_m, items_at, free, _costs(0.0)) == pytest.approx(
            _priced(parent, length_m, items_at, plain, _costs(0.0))
        )
        assert _priced(parent, length_m, items_at, priced, _costs(800.0)) <= (
            _priced(parent, length_m, items_at, plain, _costs(800.0)) + 1e-6
        )


def _lowered(drops: int, sibling_fibres: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A splitter site 0, 200 m of street to node 1, then 30 m to node 2 and
    30 m to node 3 where ``drops`` houses are tapped; node 4 hangs off node 1
    with ``sibling_fibres`` distribution fibres of a block of flats. The
    houses' drops reach 100 m, so their point opens at node 1."""
    parent = np.array([-1, 0, 1, 2, 1])
    order = np.arange(5)
    depth_m = np.array([0.0, 200.0, 230.0, 260.0, 210.0])
    node = np.full(drops, 3)
    homes = np.ones(drops, dtype=np.int64)
    fdps, fdp_of = distribution_points(
        order, parent, order - 1, depth_m, np.zeros((5, 2)), node, homes,
        splitter_of=np.zeros(drops, dtype=np.int64), splitter_node=np.array([0]),
        eligible=np.ones(drops, dtype=bool), ports=8, reach_m=100.0,
    )  # fmt: skip
    ends = np.bincount(fdps["node"], weights=fdps["ports_used"], minlength=5).astype(np.int64)
    ends[4] += sibling_fibres
    dist = subtree_sums(order, parent, ends)
    feeder = np.zeros(5, dtype=np.int64)
    site = np.array([True, False, False, False, False])
    lowered = lower_points(
        order, parent, np.zeros((5, 2)), order - 1, fdps, fdp_of, node, dist, feeder, site,
        CableSizer(Catalogue.default()).cost_per_metre, Catalogue.default().cost("drop_cable"),
    )  # fmt: skip
    return fdps, lowered


def test_a_point_moves_down_to_its_drops_where_that_pays() -> None:
    fdps, lowered = _lowered(drops=4, sibling_fibres=0)
    assert fdps["node"].tolist() == [1]
    # Four drops save 4 EUR/m of drop cable; a new 12-fibre cable costs 2.7.
    assert lowered["node"].tolist() == [3]
    assert lowered["ports_used"].tolist() == fdps["ports_used"].tolist()
    # Two drops do not pay for the cable.
    assert _lowered(drops=2, sibling_fibres=0)[1]["node"].tolist() == [1]


def test_a_point_never_moves_to_make_a_branch_closure() -> None:
    # Node 1 already sends fibres down to node 4: fibres to node 2 would
    # make the cable branch there.
    fdps, lowered = _lowered(drops=4, sibling_fibres=6)
    assert lowered["node"].tolist() == fdps["node"].tolist() == [1]


@pytest.fixture(scope="module")
def plans() -> tuple[Plan, Plan]:
    """A small irregular district planned as now and without pricing branch closures."""
    district = grid_district(120, irregular=True, seed=1)
    new = plan_district(district, DesignParams())
    plain_for_stage = splitters_mod.PartitionCosts.for_stage.__func__  # type: ignore[attr-defined]

    def no_branches(cls, *args):  # type: ignore[no-untyped-def]
        return replace(plain_for_stage(cls, *args), branch_eur=0.0)

    mp = pytest.MonkeyPatch()
    mp.setattr(splitters_mod.PartitionCosts, "for_stage", classmethod(no_branches))
    try:
        old = plan_district(district, DesignParams())
    finally:
        mp.undo()
    return new, old


def test_pricing_branch_closures_makes_the_plan_cheaper(plans: tuple[Plan, Plan]) -> None:
    new, old = plans
    assert len(new.closures) < len(old.closures)
    assert new.total_cost_eur < old.total_cost_eur - 100.0
    assert new.homes_passed == old.homes_passed


def test_the_plan_stays_valid(plans: tuple[Plan, Plan]) -> None:
    plan = plans[0]
    g = plan.graph
    _, parent, _ = root_tree(g.n_nodes, g.edge_u, g.edge_v, plan.trench_edges, g.olt_node)

    def below(x: int, top: int) -> bool:
        while x >= 0 and x != top:
            x = int(parent[x])
        return x == top

    b = plan.buildings[plan.buildings["served"]]
    # Every served home has one splitter port, and no splitter is overfull.
    assert (b["splitter_id"] >= 0).all()
    assert plan.splitters["ports_used"].sum() == b["homes"].sum()
    assert (plan.splitters["ports_used"] <= plan.params.homes_per_splitter).all()
    split_node = plan.splitters.set_index("splitter_id")["node"]
    tap = plan.access.node[b["building"].to_numpy()]
    fdp = b["fdp_id"].to_numpy()
    with_fdp = fdp >= 0
    assert with_fdp.sum() > 0
    fdp_node = plan.fdps.set_index("fdp_id")["node"]
    along_m = b["drop_m"].to_numpy() - plan.access.drop_m[b["building"].to_numpy()]
    assert (along_m[with_fdp] <= plan.params.fdp_reach_m + 1e-6).all()
    split = b["splitter_id"].to_numpy()[with_fdp]
    for x, f, s in zip(tap[with_fdp], fdp[with_fdp], split, strict=True):
        point = int(fdp_node[f])
        assert below(int(x), point)  # the drop runs down from its point
        assert below(point, int(split_node[s]))  # and never above its splitter
