"""Distribution points: where the drops of small buildings leave the distribution cable.

A distribution point (FDP, drop closure, street box) takes a few drops,
usually 4, 8 or 12. Walking the trench tree from the leaves up, each node
gathers the drops waiting below it, and opens distribution points for

* the drops that one more edge would take beyond
  :attr:`~DesignParams.fdp_reach_m`, with as many nearer ones as fit the
  points these open;
* a point's worth of the farthest drops that fill it exactly (a house too
  large for what is left is skipped for a smaller one); when none fills it
  exactly the drops go on up, where others may complete it;
* all of them at a splitter site (drops never pass their splitter).

The drops closing at a node are packed first-fit, largest buildings first.
A distribution point thus always sits on the way from its drops to
their splitter: each drop cable runs from it down the trench to the tap and
on to the entry, so the fibre path, and the loss, is the same as without
it; the distribution cable stops at the distribution point.

Buildings with :attr:`~DesignParams.mdu_min_units` premises or more are not
grouped: they get their own entry point and in-building box.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

FDP_COLUMNS = ["fdp_id", "node", "x", "y", "edge", "splitter_id", "ports_used", "buildings"]


def distribution_points(
    order: np.ndarray,
    parent: np.ndarray,
    parent_edge: np.ndarray,
    depth_m: np.ndarray,
    node_xy: np.ndarray,
    node: np.ndarray,
    homes: np.ndarray,
    splitter_of: np.ndarray,
    splitter_node: np.ndarray,
    eligible: np.ndarray,
    ports: int,
    reach_m: float,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Group the eligible buildings' drops into distribution points.

    Parameters
    ----------
    order, parent, parent_edge
        The rooted trench tree.
    depth_m
        Distance of every tree node from the root along the tree.
    node_xy
        Node coordinates.
    node, homes, splitter_of
        ``(k,)`` tap node, premises and last-stage splitter of every building.
    splitter_node
        Node of each last-stage splitter: drops never pass above their splitter.
    eligible
        ``(k,)`` bool: buildings whose drops go through a distribution point.
    ports, reach_m
        Ports per distribution point and its reach along the street.

    Returns
    -------
    tuple of DataFrame and ndarray
        The distribution points (:data:`FDP_COLUMNS`) and ``(k,)`` the
        distribution point of each building (``-1`` for none).
    """
    n = len(parent)
    fdp_of = np.full(len(node), -1, dtype=np.int64)
    if not eligible.any():
        return pd.DataFrame(columns=FDP_COLUMNS), fdp_of
    site = np.zeros(n, dtype=bool)
    site[splitter_node[splitter_of[eligible]]] = True
    site[order[0]] = True
    own: dict[int, list[int]] = {}
    for b in np.flatnonzero(eligible).tolist():
        own.setdefault(int(node[b]), []).append(b)
    edge_up = np.zeros(n)
    edge_up[order[1:]] = depth_m[order[1:]] - depth_m[parent[order[1:]]]
    pending: dict[int, list[tuple[float, int]]] = {}  # node -> [(distance below, building)]
    rows: list[list[int]] = []  # [node, splitter, ports used, buildings]

    def close(x: int, items: list[tuple[float, int]]) -> None:
        """Open distribution points at ``x`` for ``items``: all sit at ``x``, so
        they are packed first-fit, the largest buildings first."""
        first = len(rows)
        for _, b in sorted(items, key=lambda it: (-int(homes[it[1]]), -it[0], it[1])):
            h = int(homes[b])
            k = next((k for k in range(first, len(rows)) if rows[k][2] + h <= ports), None)
            if k is None:
                rows.append([x, int(splitter_of[b]), 0, 0])
                k = len(rows) - 1
            rows[k][2] += h
            rows[k][3] += 1
            fdp_of[b] = k

    for x in order[::-1].tolist():  # children before parents
        items = pending.pop(x, [])
        items.extend((0.0, b) for b in own.get(x, []))
        if not items:
            continue
        if site[x]:
            close(x, items)
            continue
        items.sort(reverse=True)
        up_m = float(edge_up[x])
        # Drops that cannot go one edge further open points here, and the
        # nearer ones fill what those points have left; of the rest, full
        # points' worth open here too. What is left, less than a point, moves up.
        take = _beyond_reach(items, homes, ports, reach_m - up_m)
        full, rest = _full_points(items[take:], homes, ports)
        if take or full:
            close(x, items[:take] + full)
        up = pending.setdefault(int(parent[x]), [])
        up.extend((d + up_m, b) for d, b in rest)
    table = pd.DataFrame(rows, columns=["node", "splitter_id", "ports_used", "buildings"])
    table.insert(0, "fdp_id", np.arange(len(rows)))
    table.insert(2, "x", node_xy[table["node"].to_numpy(), 0])
    table.insert(3, "y", node_xy[table["node"].to_numpy(), 1])
    table.insert(4, "edge", parent_edge[table["node"].to_numpy()])
    return table[FDP_COLUMNS], fdp_of


def _beyond_reach(
    items: list[tuple[float, int]], homes: np.ndarray, ports: int, limit_m: float
) -> int:
    """How many of ``items`` (farthest first) close here: those beyond
    ``limit_m``, and the next ones as long as they fit the points those open."""
    take, used = 0, ports
    for d, b in items:
        h = int(homes[b])
        if d > limit_m:
            used = used + h if used + h <= ports else h
        elif used + h > ports:
            break
        else:
            used += h
        take += 1
    return take if take and items[0][0] > limit_m else 0


def _full_points(
    items: list[tuple[float, int]], homes: np.ndarray, ports: int
) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
    """The items (farthest first) that fill whole points, and the rest.

    While the items hold a point's worth, a point takes the farthest ones
    that fit, skipping a building too large for what is left so that a
    smaller one can fill it. A point that cannot be filled exactly is not
    opened: its drops go on up, where others may complete it.
    """
    full: list[tuple[float, int]] = []
    rest = list(items)
    while sum(int(homes[b]) for _, b in rest) >= ports:
        used, pick = 0, []
        for i, (_, b) in enumerate(rest):
            if used + int(homes[b]) <= ports:
                used += int(homes[b])
                pick.append(i)
                if used == ports:
                    break
        if used < ports:
            break
        full.extend(rest[i] for i in pick)
        taken = set(pick)
        rest = [it for i, it in enumerate(rest) if i not in taken]
    return full, rest


def lower_points(
    order: np.ndarray,
    parent: np.ndarray,
    node_xy: np.ndarray,
    parent_edge: np.ndarray,
    fdps: pd.DataFrame,
    fdp_of: np.ndarray,
    node: np.ndarray,
    dist: np.ndarray,
    feeder: np.ndarray,
    site: np.ndarray,
    cable_eur_per_m: Callable[[int], float],
    drop_eur_per_m: float,
) -> pd.DataFrame:
    """Move distribution points down towards their drops, where that pays.

    :func:`distribution_points` leaves a point as high as the reach allows.
    When all its drops go down one child edge, the point can follow them:
    each of its drops is that edge shorter, and the distribution cable
    that edge longer (or one size up). A point moves down edge by edge
    while the drop cable saved is worth more than the cable added, and
    never so that

    * a node without splitters gets a second child edge with distribution
      fibres (a branch closure, :mod:`fttx_planner.design.joints`);
    * it leaves a node with a splitter site or a branch closure alone (the
      point shares its chamber there).

    Parameters
    ----------
    order, parent, node_xy, parent_edge
        The rooted trench tree and node coordinates.
    fdps, fdp_of
        The points (:data:`FDP_COLUMNS`) and every building's point (``-1``: none).
    node
        ``(k,)`` tap node of every building.
    dist, feeder
        Distribution and feeder fibres on the edge into every node, with
        the points where they are.
    site
        ``(n,)`` bool: splitter sites and the OLT.
    cable_eur_per_m
        Cheapest cable set for a number of fibres, per metre.
    drop_eur_per_m
        Drop cable per metre.

    Returns
    -------
    DataFrame
        The points with their new nodes (same ids, same buildings).
    """
    if not len(fdps):
        return fdps
    dist = dist.copy()
    kids: dict[int, list[int]] = {}
    for x in order[1:].tolist():
        kids.setdefault(int(parent[x]), []).append(x)
    at = np.bincount(fdps["node"].to_numpy(dtype=np.int64), minlength=len(parent))
    members: dict[int, list[int]] = {}
    for b in np.flatnonzero(fdp_of >= 0).tolist():
        members.setdefault(int(fdp_of[b]), []).append(b)

    def carrying(x: int, values: np.ndarray) -> int:
        return sum(1 for c in kids.get(x, []) if values[c] > 0)

    new_node = fdps["node"].to_numpy(dtype=np.int64).copy()
    for f, x, load in zip(fdps["fdp_id"], new_node.tolist(), fdps["ports_used"], strict=True):
        if at[x] == 1 and (site[x] or carrying(x, dist) >= 2 or carrying(x, feeder) >= 2):
            continue
        way = _common_way_down(int(x), [int(node[b]) for b in members.get(int(f), [])], parent)
        drops = len(members.get(int(f), []))
        moved = int(x)
        for c in way:
            p = int(parent[c])
            # Per metre of the edge: the drops' cable saved, the cable added.
            added = cable_eur_per_m(int(dist[c] + load)) - cable_eur_per_m(int(dist[c]))
            branch = not site[p] and dist[c] == 0 and carrying(p, dist) >= 1
            if branch or drops * drop_eur_per_m <= added:
                break
            dist[c] += load
            moved = c
        if moved != x:
            at[x] -= 1
            at[moved] += 1
            new_node[int(f)] = moved
    out = fdps.copy()
    out["node"] = new_node
    out["x"] = node_xy[new_node, 0]
    out["y"] = node_xy[new_node, 1]
    out["edge"] = parent_edge[new_node]
    return out


def _common_way_down(top: int, taps: list[int], parent: np.ndarray) -> list[int]:
    """The nodes below ``top`` on the way to every one of ``taps``, top down
    (empty when the taps part at ``top``)."""
    ways = []
    for t in taps:
        way = []
        x = t
        while x != top:
            way.append(x)
            x = int(parent[x])
        ways.append(way[::-1])
    common: list[int] = []
    for step in zip(*ways, strict=False):
        if any(s != step[0] for s in step):
            break
        common.append(step[0])
    return common
