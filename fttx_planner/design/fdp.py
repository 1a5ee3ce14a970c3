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
