"""Splitter placement: capacitated partition of the trench tree.

Homes are grouped bottom-up along the rooted trench tree (root = OLT): at
each node the open groups of its subtrees and the buildings tapped there are
merged while they fit one splitter; when they do not, they are packed first
fit decreasing into splitters placed at that node (the branch point where
their distribution fibres part), and only the least-full group travels on
up. Splitters therefore sit on their homes' paths to the OLT, distribution
fibres run down the same trenches, and distances are along streets.

The same partition groups last-stage splitters under first-stage splitters
in a two-stage cascade.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

#: An item to group: (key, load). Keys are building indices or splitter ids.
Item = tuple[int, int]


@dataclass
class Group:
    """A group of items served by one splitter placed at ``node``."""

    node: int
    members: list[Item] = field(default_factory=list)

    @property
    def load(self) -> int:
        """Sum of the members' loads."""
        return sum(load for _, load in self.members)


def partition_tree(
    order: np.ndarray,
    parent: np.ndarray,
    items_at: dict[int, list[Item]],
    capacity: int,
    cancelled: Callable[[], bool] | None = None,
) -> list[Group]:
    """Group items on a rooted tree into groups of at most ``capacity``.

    Parameters
    ----------
    order
        Tree nodes in breadth-first order from the root (root first).
    parent
        Parent of each node (``-1`` at the root).
    items_at
        Items at each node; no item's load may exceed ``capacity``.
    capacity
        Maximum load of a group.
    cancelled
        Polled now and then; when it returns True the partition stops early
        (the caller discards the result).

    Returns
    -------
    list of Group
        Groups in a deterministic order; every item is in exactly one group,
        at an ancestor-or-self of the item's node.

    Examples
    --------
    A path 0 <- 1 <- 2 with 3 homes at node 2 and 2 at node 1, capacity 4:

    >>> import numpy as np
    >>> g = partition_tree(np.array([0, 1, 2]), np.array([-1, 0, 1]),
    ...                    {1: [(10, 2)], 2: [(11, 3)]}, 4)
    >>> [(x.node, sorted(x.members)) for x in g]
    [(1, [(11, 3)]), (0, [(10, 2)])]
    """
    open_at: dict[int, list[list[Item]]] = {}
    groups: list[Group] = []
    for step, node in enumerate(order[::-1].tolist()):
        if cancelled is not None and step % 4096 == 0 and cancelled():
            return []
        units: list[list[Item]] = [[it] for it in items_at.get(node, [])]
        child_open = open_at.pop(node, None)
        if child_open:
            units.extend(child_open)
        if not units:
            continue
        loads = [sum(ld for _, ld in u) for u in units]
        total = sum(loads)
        is_root = parent[node] < 0
        if total <= capacity and not is_root:
            _push_up(open_at, int(parent[node]), [m for u in units for m in u])
            continue
        bins = _first_fit_decreasing(units, loads, capacity)
        if not is_root:
            # The least-full bin travels on towards the root.
            keep = min(range(len(bins)), key=lambda i: (sum(ld for _, ld in bins[i]), i))
            _push_up(open_at, int(parent[node]), bins.pop(keep))
        groups.extend(Group(node=node, members=b) for b in bins)
    return groups


def _push_up(open_at: dict[int, list[list[Item]]], parent: int, members: list[Item]) -> None:
    open_at.setdefault(parent, []).append(members)


def _first_fit_decreasing(
    units: list[list[Item]], loads: list[int], capacity: int
) -> list[list[Item]]:
    order = sorted(range(len(units)), key=lambda i: (-loads[i], units[i][0][0]))
    bins: list[list[Item]] = []
    free: list[int] = []
    for i in order:
        for b, room in enumerate(free):
            if loads[i] <= room:
                bins[b].extend(units[i])
                free[b] -= loads[i]
                break
        else:
            bins.append(list(units[i]))
            free.append(capacity - loads[i])
    return bins
