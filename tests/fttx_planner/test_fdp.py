"""Distribution points: drops grouped within reach, few part-filled points."""

from __future__ import annotations

import numpy as np

from fttx_planner.design.fdp import distribution_points


def test_drops_the_reach_stops_fill_their_point_and_the_rest_move_up() -> None:
    # Splitter site 0; node 1 50 m below it, node 2 60 m below node 1; node 3
    # 30 m below the site. One house at node 2, five at node 1, two at node 3;
    # 4 ports, 100 m reach. The house at node 2 cannot reach the site (110 m),
    # so a point opens at node 1: it takes that house and three of node 1's.
    # The other two go up and share the site's point with node 3's two houses.
    parent = np.array([-1, 0, 1, 0])
    order = np.array([0, 1, 2, 3])
    parent_edge = np.array([-1, 0, 1, 2])
    depth_m = np.array([0.0, 50.0, 110.0, 30.0])
    xy = np.zeros((4, 2))
    node = np.array([2, 1, 1, 1, 1, 1, 3, 3])
    homes = np.ones(8, dtype=np.int64)
    fdps, fdp_of = distribution_points(
        order, parent, parent_edge, depth_m, xy, node, homes,
        splitter_of=np.zeros(8, dtype=np.int64), splitter_node=np.array([0]),
        eligible=np.ones(8, dtype=bool), ports=4, reach_m=100.0,
    )  # fmt: skip
    assert sorted(fdps["node"].tolist()) == [0, 1]
    assert fdps["ports_used"].tolist() == [4, 4]
    at = fdps["node"].to_numpy()[fdp_of]
    assert at[0] == 1  # the far house
    assert (at[6:] == 0).all()
    # Every drop runs up the tree to its point within the reach.
    along = depth_m[node] - depth_m[at]
    assert (along >= 0).all() and (along <= 100.0).all()


def test_a_point_never_serves_drops_beyond_its_reach_or_ports() -> None:
    rng = np.random.default_rng(3)
    n = 300
    parent = np.concatenate([[-1], [rng.integers(0, i) for i in range(1, n)]])
    order = np.arange(n)
    edge_m = rng.uniform(5, 60, n)
    depth_m = np.zeros(n)
    for x in range(1, n):
        depth_m[x] = depth_m[parent[x]] + edge_m[x]
    k = 500
    node = rng.integers(0, n, k)
    homes = rng.integers(1, 4, k)
    fdps, fdp_of = distribution_points(
        order, parent, np.arange(n) - 1, depth_m, np.zeros((n, 2)), node, homes,
        splitter_of=np.zeros(k, dtype=np.int64), splitter_node=np.array([0]),
        eligible=np.ones(k, dtype=bool), ports=8, reach_m=80.0,
    )  # fmt: skip
    assert (fdp_of >= 0).all()
    assert (fdps["ports_used"] <= 8).all()
    assert np.bincount(fdp_of, weights=homes).tolist() == fdps["ports_used"].tolist()
    at = fdps["node"].to_numpy()[fdp_of]
    for b in range(k):  # the point is on the way up from the tap, within reach
        x = int(node[b])
        while x != at[b]:
            x = int(parent[x])
            assert x >= 0
        assert depth_m[node[b]] - depth_m[at[b]] <= 80.0 + 1e-9


def test_drops_closing_at_one_node_are_packed_into_the_fewest_points() -> None:
    # Six buildings of 2-3 premises (16 in all) at the splitter site, 8 ports:
    # taken in turn they would open three points; two hold them.
    homes = np.array([2, 2, 3, 3, 3, 3])
    fdps, fdp_of = distribution_points(
        np.array([0]), np.array([-1]), np.array([-1]), np.zeros(1), np.zeros((1, 2)),
        np.zeros(6, dtype=np.int64), homes,
        splitter_of=np.zeros(6, dtype=np.int64), splitter_node=np.array([0]),
        eligible=np.ones(6, dtype=bool), ports=8, reach_m=100.0,
    )  # fmt: skip
    assert fdps["ports_used"].tolist() == [8, 8]
    assert np.bincount(fdp_of, weights=homes).tolist() == [8, 8]


def test_a_point_that_cannot_be_filled_goes_on_up() -> None:
    # Node 2 hangs 5 m below node 1, 10 m below the splitter site 0. Seven
    # single homes at node 2 reach node 1 and its house of three (10
    # premises): eight ports cannot be filled exactly there, so no point
    # opens; the drops go on to the site, whose six single homes complete two
    # full points. (Filling a point at node 1 with the seven singles would
    # have left 3 + 6 premises for two more.)
    homes = np.array([1] * 7 + [3] + [1] * 6)
    node = np.array([2] * 7 + [1] + [0] * 6)
    fdps, fdp_of = distribution_points(
        np.array([0, 1, 2]), np.array([-1, 0, 1]), np.array([-1, 0, 1]),
        np.array([0.0, 10.0, 15.0]), np.zeros((3, 2)), node, homes,
        splitter_of=np.zeros(14, dtype=np.int64), splitter_node=np.array([0]),
        eligible=np.ones(14, dtype=bool), ports=8, reach_m=100.0,
    )  # fmt: skip
    assert fdps["node"].tolist() == [0, 0]
    assert fdps["ports_used"].tolist() == [8, 8]
    assert (fdp_of >= 0).all()
