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

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from fttx_planner.catalogue import Catalogue
    from fttx_planner.params import DesignParams

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


# -- cost-aware partition: a dynamic program on the tree -------------------------

#: Homes that may pass up an edge unserved, in splitter capacities. Larger
#: values let more homes share a splitter site further up at a higher cost
#: of computing (3 against 2: 0.01-0.2 % cheaper designs on the sample
#: cities, about 1.5 times the time).
OPEN_PER_CAPACITY = 3
#: Rounds of re-planning a cascade's second stage around its first stage.
CASCADE_ROUNDS = 3


@dataclass(frozen=True)
class PartitionCosts:
    """Prices the cost-aware partition weighs (EUR).

    Attributes
    ----------
    splitter_eur
        Per splitter of the stage: module, its two splices and, for a
        first-stage splitter, its OLT port (optic and line-card share).
    closure_eur, cabinet_eur, cabinet_min
        A node with splitters is a splice closure, or a street cabinet from
        ``cabinet_min`` splitters on (as in the bill of materials).
    cable_eur_per_m
        ``cable_eur_per_m[f]``: cheapest cable set holding ``f`` fibres, per
        metre (0 for none).
    feeder_eur_per_m
        A feeder cable's cost per metre: paid along every edge with a
        splitter of the stage below it.
    max_open
        Most homes (items' load) that may pass up an edge still unserved.
    upstream_in_distribution
        The fibres to splitters below an edge run in its distribution cable
        (second-stage splitters of a cascade, fed from the first stage),
        counted as one fibre more there, not as a feeder cable.
    branch_eur
        A closure where cables branch at a node without splitters
        (:mod:`fttx_planner.design.branches`); 0: not priced. Its chamber
        is left out: it is often a distribution point's, and some branches
        carry drops only (on the sample cities the closure alone gives the
        cheapest designs, with closure and chamber Balzers costs 1.2 % more).
    """

    splitter_eur: float
    closure_eur: float
    cabinet_eur: float
    cabinet_min: int
    cable_eur_per_m: np.ndarray
    feeder_eur_per_m: float
    max_open: int
    upstream_in_distribution: bool = False
    branch_eur: float = 0.0

    def site_eur(self, k: np.ndarray) -> np.ndarray:
        """Cost of the site of a node holding ``k`` splitters."""
        return np.where(
            k <= 0, 0.0, np.where(k < self.cabinet_min, self.closure_eur, self.cabinet_eur)
        )

    @classmethod
    def for_stage(
        cls, catalogue: Catalogue, params: DesignParams, stage: str, max_fibres: int
    ) -> PartitionCosts:
        """Costs of partitioning one stage.

        Parameters
        ----------
        catalogue, params
            Prices and architecture.
        stage
            ``"last"`` (the splitters next to the homes; the only stage of a
            single-stage design) or ``"first"`` (the first stage of a cascade).
        max_fibres
            The most fibres any edge's distribution cable may already carry.
        """
        from fttx_planner.costing.bom import CABINET_MIN_SPLITTERS, PORTS_PER_CARD

        cost = catalogue.cost
        port = (
            cost("olt_optic_c_plus" if params.optical_class.value == "C+" else "olt_optic_b_plus")
            + cost("olt_card") / PORTS_PER_CARD
        )
        first = stage == "first" or not params.two_stage
        ratio = params.stage1_ratio if stage == "first" else params.stage2_ratio
        capacity = params.stage1_ratio if stage == "first" else params.homes_per_splitter
        table = cable_cost_table(catalogue, max_fibres + OPEN_PER_CAPACITY * capacity + 1)
        return cls(
            splitter_eur=cost(catalogue.splitter_item(ratio))
            + 2 * cost("fibre_splice")
            + (port if first else 0.0),
            closure_eur=cost("splice_closure"),
            cabinet_eur=cost("street_cabinet"),
            cabinet_min=CABINET_MIN_SPLITTERS,
            cable_eur_per_m=table,
            feeder_eur_per_m=float(table[1]),
            max_open=OPEN_PER_CAPACITY * capacity,
            upstream_in_distribution=params.two_stage and not first,
            branch_eur=cost("splice_closure")
            if params.joints and stage == "last" and not params.two_stage
            else 0.0,
        )


def cable_cost_table(catalogue: Catalogue, max_fibres: int) -> np.ndarray:
    """Cost per metre of the cheapest cable set for 0..``max_fibres`` fibres.

    The same rule as :class:`~fttx_planner.cables.CableSizer`, tabulated.

    Examples
    --------
    >>> from fttx_planner.catalogue import Catalogue
    >>> t = cable_cost_table(Catalogue.default(), 700)
    >>> from fttx_planner.design.cables import CableSizer
    >>> s = CableSizer(Catalogue.default())
    >>> all(abs(t[f] - s.cost_per_metre(f)) < 1e-9 for f in range(701))
    True
    """
    from fttx_planner.design.cables import CableSizer
    from fttx_planner.params import CABLE_SIZES

    sizer = CableSizer(catalogue)
    big = max(CABLE_SIZES)
    head = min(max_fibres, 2 * big)
    table = np.array([sizer.cost_per_metre(f) for f in range(head + 1)])
    if max_fibres > head:
        # Beyond two of the largest cables, whole large cables are added.
        f = np.arange(head + 1, max_fibres + 1)
        n_big = -(-(f - 2 * big) // big)
        rest = f - n_big * big
        tail = table[rest] + n_big * sizer.cost_per_m[big]
        table = np.concatenate([table, tail])
    return table


def optimal_partition(
    order: np.ndarray,
    parent: np.ndarray,
    parent_edge: np.ndarray,
    edge_length_m: np.ndarray,
    items_at: dict[int, list[Item]],
    capacity: int,
    costs: PartitionCosts,
    site_splitters: np.ndarray | None = None,
    fed: np.ndarray | None = None,
    base_fibres: np.ndarray | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Group]:
    """Group items on a rooted tree into splitters at least cost.

    A dynamic program over the tree, leaves up. The state of an edge is the
    number of homes passing up it still unserved (their distribution
    fibres, at most ``costs.max_open``) and whether a splitter lies below
    it (a feeder cable along it). At each node the open homes of its
    subtrees are combined (min-plus convolution), and the node decides how
    many of them its own splitters serve. Splitters, their sites (closure or
    cabinet by count) and the cables along every edge are priced exactly,
    except the fibres to splitters below an edge: a feeder cable of the
    smallest size, or (``costs.upstream_in_distribution``) one fibre more in
    the distribution cable. The optimum under these rules is found; items
    may be split between splitters (a building's homes served by two).

    Parameters
    ----------
    order, parent, parent_edge
        The rooted tree (see :func:`~fttx_planner.steiner.root_tree`).
    edge_length_m
        Length of every graph edge.
    items_at
        Items at each node; loads of at most ``capacity``.
    capacity
        Homes (or ports) per splitter.
    costs
        Prices.
    site_splitters
        Splitters already at each node (they share its site).
    fed
        Nodes that receive a feeder fibre whatever is decided (their
        existing splitters need one).
    base_fibres
        Fibres already in each edge's distribution cable (the new open
        homes' fibres join them).
    cancelled
        Polled now and then; when it returns True an empty list is returned.

    Returns
    -------
    list of Group
        Every item's load served exactly once, by splitters at ancestors-or-self.

    Examples
    --------
    Two houses at the ends of a 10 m path and a 1 km branch: both are
    served by one splitter at the fork, not one each.

    >>> import numpy as np
    >>> from fttx_planner.catalogue import Catalogue
    >>> from fttx_planner.params import DesignParams
    >>> c = PartitionCosts.for_stage(Catalogue.default(), DesignParams(), "last", 0)
    >>> order, parent = np.array([0, 1, 2]), np.array([-1, 0, 0])
    >>> g = optimal_partition(order, parent, np.array([-1, 0, 1]), np.array([1000.0, 10.0]),
    ...                       {1: [(7, 1)], 2: [(8, 1)]}, 28, c)
    >>> [(x.node, sorted(x.members)) for x in g]
    [(0, [(7, 1), (8, 1)])]
    """
    n = len(parent)
    d_max = costs.max_open
    homes, base_k, is_fed, order, children = _program_tree(
        order, parent, items_at, site_splitters, fed
    )
    base_f = None if base_fibres is None else np.asarray(base_fibres, dtype=np.int64)
    table = costs.cable_eur_per_m
    r_idx = np.arange(d_max + 1)

    covers = _CoverCosts(capacity, costs)
    f_arr: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    siblings: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    memo: dict[
        int, tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]
    ] = {}
    root = int(order[0])
    for step, v in enumerate(order[::-1].tolist()):
        if cancelled is not None and step % 2048 == 0 and cancelled():
            return []
        ch = children.get(v, [])
        prefixes: list[tuple[np.ndarray, np.ndarray]] = []
        if ch:
            a0, a1 = f_arr[ch[0]]
            prefixes.append((a0, a1))
            for c in ch[1:]:
                b0, b1 = f_arr.pop(c)
                siblings[c] = (b0, b1)
                a0, a1 = _conv_pair(a0, a1, b0, b1)
                prefixes.append((a0, a1))
            f_arr.pop(ch[0])
        else:
            a0, a1 = _LEAF
        h = int(homes[v])
        if h:
            pad = _infinities(h)
            g0 = np.concatenate([pad, a0])
            g1 = np.concatenate([pad, a1])
        else:
            g0, g1 = a0, a1
        t_len = len(g0)
        k_cost, kc_strict = covers.get(t_len, int(base_k[v]))
        h0, h1 = _decide(g0, g1, kc_strict, bool(is_fed[v]))
        memo[v] = (g0, g1, k_cost, prefixes)
        if v == root:
            break
        e = int(parent_edge[v])
        length = float(edge_length_m[e])
        b = 0 if base_f is None else int(base_f[e])
        f_arr[v] = _with_edge(h0, h1, table, b, r_idx, length, costs)

    # Top down: each node's decision and its children's states.
    g0, g1, k_cost, _ = memo[root]
    _, kc_strict = covers.get(len(g0), int(base_k[root]))
    h0, h1 = _decide(g0, g1, kc_strict, bool(is_fed[root]))
    state = {root: (0 if h0[0] <= h1[0] else 1, 0)}
    cover = np.zeros(n, dtype=np.int64)
    n_split = np.zeros(n, dtype=np.int64)
    for v in order.tolist():
        if v not in state:
            continue
        flag, r = state.pop(v)
        g0, g1, k_cost, prefixes = memo.pop(v)
        t, child_flag = _choose(g0, g1, k_cost, flag, r, bool(is_fed[v]))
        cover[v] = t - r
        n_split[v] = -(-(t - r) // capacity)
        tc = t - int(homes[v])
        ch = children.get(v, [])
        for j in range(len(ch) - 1, 0, -1):
            p0, p1 = prefixes[j - 1]
            c0, c1 = siblings.pop(ch[j])
            a, fa, b_, fb = _split(p0, p1, c0, c1, tc, child_flag, d_max)
            state[ch[j]] = (fb, b_)
            tc, child_flag = a, fa
        if ch:
            state[ch[0]] = (child_flag, tc)
    return _assign(order, parent, items_at, cover, n_split, capacity)


def _program_tree(
    order: np.ndarray,
    parent: np.ndarray,
    items_at: dict[int, list[Item]],
    site_splitters: np.ndarray | None,
    fed: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[int, list[int]]]:
    """What a partition program walks: homes, splitters already placed and
    fed nodes per node, the nodes it needs (:func:`_with_items_below`) and
    their children."""
    n = len(parent)
    homes = np.zeros(n, dtype=np.int64)
    for node, its in items_at.items():
        homes[node] = sum(ld for _, ld in its)
    base_k = np.zeros(n, dtype=np.int64) if site_splitters is None else site_splitters
    is_fed = np.zeros(n, dtype=bool) if fed is None else fed
    order = _with_items_below(order, parent, (homes > 0) | is_fed)
    children: dict[int, list[int]] = {}
    for v in order[1:].tolist():
        children.setdefault(int(parent[v]), []).append(v)
    return homes, base_k, is_fed, order, children


def _with_items_below(order: np.ndarray, parent: np.ndarray, needed: np.ndarray) -> np.ndarray:
    """The tree nodes (in ``order``'s order) with a ``needed`` node at or below them.

    Below the others nothing is open and no splitter can serve anything, so
    their edges cost the same whatever is decided: the dynamic program
    leaves them out (a first stage's tree is mostly such subtrees).
    """
    from fttx_planner.design.cables import subtree_sums

    below = subtree_sums(order, parent, needed.astype(np.int64)) > 0
    below[order[0]] = True
    return order[below[order]]


def _with_edge(
    h0: np.ndarray,
    h1: np.ndarray,
    table: np.ndarray,
    base: int,
    r_idx: np.ndarray,
    length: float,
    costs: PartitionCosts,
) -> tuple[np.ndarray, np.ndarray]:
    """Add an edge's cables to a node's cost by (flag, open homes)."""
    r_idx = r_idx[: len(h0)]
    dist = table[base + r_idx] * length
    if costs.upstream_in_distribution:
        return h0 + dist, h1 + table[base + r_idx + 1] * length
    return h0 + dist, h1 + dist + costs.feeder_eur_per_m * length


class _CoverCosts:
    """Cost of serving ``c`` open homes at a node, by array length and the
    splitters already there, with the (homes passed up, open homes) matrix
    the decision needs; cached, as most nodes share them."""

    def __init__(self, capacity: int, costs: PartitionCosts) -> None:
        self.capacity = capacity
        self.costs = costs
        self._cache: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def get(self, t_len: int, base_k: int) -> tuple[np.ndarray, np.ndarray]:
        """``k_cost[c]`` and the matrix ``K[r, t] = k_cost[t - r]`` for
        ``t > r``, infinite elsewhere."""
        key = (t_len, base_k)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        costs = self.costs
        k = -(-np.arange(t_len) // self.capacity)
        site = costs.site_eur(k + base_k) - costs.site_eur(np.array(base_k))
        k_cost = k * costs.splitter_eur + site
        # No more homes can pass up than there are open: rows stop at t_len.
        r = np.arange(min(costs.max_open + 1, t_len))[:, None]
        c = np.arange(t_len)[None, :] - r
        kc_strict = np.where(c > 0, k_cost[np.clip(c, 0, t_len - 1)], np.inf)
        self._cache[key] = (k_cost, kc_strict)
        return self._cache[key]


def _decide(
    g0: np.ndarray,
    g1: np.ndarray,
    kc_strict: np.ndarray,
    fed: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Best cost per (flag, homes passed up) given the node's combined open homes.

    ``g0[t]``/``g1[t]``: cost with ``t`` open homes at the node and no/some
    splitter below. Serving ``t - r`` of them here leaves ``r`` to pass up
    (``kc_strict[r, t]``: the cost of that service for ``t > r``; serving
    none costs nothing).
    """
    d1 = kc_strict.shape[0]
    h1 = np.minimum((np.minimum(g0, g1)[None, :] + kc_strict).min(axis=1), g1[:d1])
    diag0 = g0[:d1]  # d1 <= t_len (see _CoverCosts.get)
    if fed:
        return np.full(d1, np.inf), np.minimum(h1, diag0)
    return diag0, h1


def _choose(
    g0: np.ndarray, g1: np.ndarray, k_cost: np.ndarray, flag: int, r: int, fed: bool
) -> tuple[int, int]:
    """The (open homes at the node, children's flag) behind state (flag, r)."""
    if flag == 0:
        return r, 0
    t_len = len(g0)
    c = np.arange(t_len - r)
    v1 = g1[r:] + k_cost[c]
    v0 = g0[r:] + k_cost[c]
    if not fed:
        v0 = v0.copy()
        v0[0] = np.inf
    i1 = int(np.argmin(v1))
    i0 = int(np.argmin(v0))
    if v0[i0] <= v1[i1]:
        return r + i0, 0
    return r + i1, 1


#: Infinities to pad with, and a leaf's (no splitter below, some) costs.
_INF = np.full(512, np.inf)
_LEAF = (np.zeros(1), np.full(1, np.inf))
for _arr in (_INF, *_LEAF):
    _arr.flags.writeable = False


def _infinities(n: int) -> np.ndarray:
    """``n`` infinities (a read-only view when short)."""
    return _INF[:n] if n <= len(_INF) else np.full(n, np.inf)


_CONV_INDEX: dict[tuple[int, int], np.ndarray] = {}


def _conv(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Min-plus convolution: ``out[k] = min over i of a[k - i] + b[i]``."""
    na, nb = len(a), len(b)
    if nb > na:
        a, b, na, nb = b, a, nb, na
    # Row i of the gather is a shifted by i, padded with infinity.
    idx = _CONV_INDEX.get((na, nb))
    if idx is None:
        idx = np.arange(na + nb - 1)[None, :] - np.arange(nb)[:, None] + nb - 1
        _CONV_INDEX[(na, nb)] = idx
    pad = _infinities(nb - 1)
    padded = np.concatenate([pad, a, pad])
    return (padded[idx] + b[:, None]).min(axis=0)


def _conv_pair(
    a0: np.ndarray, a1: np.ndarray, b0: np.ndarray, b1: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Combine two subtrees' (no splitter below, some splitter below) costs."""
    c0 = _conv(a0, b0)
    # Some splitter below: (any, some) or (some, none below the second).
    c1 = np.minimum(_conv(np.minimum(a0, a1), b1), _conv(a1, b0))
    return c0, c1


def _split(
    p0: np.ndarray, p1: np.ndarray, c0: np.ndarray, c1: np.ndarray, t: int, flag: int, d_max: int
) -> tuple[int, int, int, int]:
    """Split ``t`` open homes between a prefix of children and the next child."""
    best = (np.inf, 0, 0, 0, 0)
    b = np.arange(min(d_max, t) + 1)
    a = t - b
    ok = (a < len(p0)) & (b < len(c0))
    b, a = b[ok], a[ok]
    combos = [(0, 0)] if flag == 0 else [(0, 1), (1, 0), (1, 1)]
    for fa, fb in combos:
        pa = p0 if fa == 0 else p1
        cb = c0 if fb == 0 else c1
        val = pa[a] + cb[b]
        i = int(np.argmin(val))
        if val[i] < best[0]:
            best = (float(val[i]), int(a[i]), fa, int(b[i]), fb)
    return best[1], best[2], best[3], best[4]


def _assign(
    order: np.ndarray,
    parent: np.ndarray,
    items_at: dict[int, list[Item]],
    cover: np.ndarray,
    n_split: np.ndarray,
    capacity: int,
) -> list[Group]:
    """Turn per-node decisions into groups of concrete items, leaves up."""
    pool: dict[int, list[Item]] = {}
    groups: list[Group] = []
    for v in order[::-1].tolist():
        its = list(items_at.get(v, [])) + pool.pop(v, [])
        c = int(cover[v])
        if c:
            total = sum(ld for _, ld in its)
            up, here = _take(its, total - c)
            groups.extend(Group(node=v, members=b) for b in _pack(here, int(n_split[v]), capacity))
            its = up
        if its and parent[v] >= 0:
            pool.setdefault(int(parent[v]), []).extend(its)
    return groups


def _take(items: list[Item], amount: int) -> tuple[list[Item], list[Item]]:
    """Split items into ``amount`` of load (smallest items first) and the rest."""
    items = sorted(items, key=lambda it: (it[1], it[0]))
    taken: list[Item] = []
    rest: list[Item] = []
    need = amount
    for key, ld in items:
        if need >= ld:
            taken.append((key, ld))
            need -= ld
        elif need > 0:
            taken.append((key, need))
            rest.append((key, ld - need))
            need = 0
        else:
            rest.append((key, ld))
    return taken, rest


def _pack(items: list[Item], n_bins: int, capacity: int) -> list[list[Item]]:
    """Pack items into ``n_bins`` bins, first fit decreasing, splitting what does not fit."""
    bins: list[list[Item]] = [[] for _ in range(n_bins)]
    free = [capacity] * n_bins
    for key, ld in sorted(items, key=lambda it: (-it[1], it[0])):
        left = ld
        for i in range(n_bins):
            if free[i] >= left:
                bins[i].append((key, left))
                free[i] -= left
                left = 0
                break
        while left:
            i = max(range(n_bins), key=lambda j: (free[j], -j))
            part = min(left, free[i])
            bins[i].append((key, part))
            free[i] -= part
            left -= part
    return [b for b in bins if b]


def partition_last_stage(
    order: np.ndarray,
    parent: np.ndarray,
    parent_edge: np.ndarray,
    edge_length_m: np.ndarray,
    items_at: dict[int, list[Item]],
    placed: list[Group],
    params: DesignParams,
    catalogue: Catalogue,
    cancelled: Callable[[], bool] | None = None,
    branches: bool = True,
) -> list[Group]:
    """Last-stage splitters for the items, at least cost (see :func:`optimal_partition`).

    Parameters
    ----------
    order, parent, parent_edge
        The rooted trench tree.
    edge_length_m
        Length of every graph edge.
    items_at
        Homes still to serve at each node (building, homes).
    placed
        Splitters already placed (whole splitters of large buildings): they
        share their node's site and need a feeder fibre there.
    params, catalogue
        Architecture and prices.
    cancelled
        Cancel callback.
    branches
        Price the closures where cables branch (with joints, single stage;
        :func:`~fttx_planner.design.branches.branch_partition`).
    """
    n = len(parent)
    site = np.zeros(n, dtype=np.int64)
    for g in placed:
        site[g.node] += 1
    total = sum(ld for its in items_at.values() for _, ld in its)
    costs = PartitionCosts.for_stage(catalogue, params, "last", total)
    if not branches:
        costs = replace(costs, branch_eur=0.0)

    def solve(extra: np.ndarray) -> list[Group]:
        args = (order, parent, parent_edge, edge_length_m, items_at, params.homes_per_splitter)
        if costs.branch_eur > 0:
            from fttx_planner.design.branches import branch_partition

            return branch_partition(*args, costs, site + extra, site > 0, cancelled=cancelled)
        return optimal_partition(*args, costs, site + extra, site > 0, cancelled=cancelled)

    lasts = solve(np.zeros(n, dtype=np.int64))
    if not params.two_stage:
        return lasts
    # A cascade: the first stage shares sites with the second. Re-plan the
    # second stage knowing where the first went, and keep the cheaper pair.
    homes_at = np.zeros(n, dtype=np.int64)
    for node, its in items_at.items():
        homes_at[node] += sum(ld for _, ld in its)
    for g in placed:
        homes_at[g.node] += g.load
    args = (order, parent, parent_edge, edge_length_m)
    best_cost, best = math.inf, lasts
    for round_ in range(CASCADE_ROUNDS):
        firsts = partition_first_stage(
            *args, placed + lasts, homes_at, params, catalogue, cancelled
        )
        cost = stages_cost(*args, homes_at, placed + lasts, firsts, params, catalogue)
        if cost >= best_cost - 1e-6:
            break
        best_cost, best = cost, lasts
        if round_ == CASCADE_ROUNDS - 1:
            break  # a re-plan now would never be priced
        extra = np.zeros(n, dtype=np.int64)
        for f in firsts:
            extra[f.node] += 1
        lasts = solve(extra)
    return best


def stages_cost(
    order: np.ndarray,
    parent: np.ndarray,
    parent_edge: np.ndarray,
    edge_length_m: np.ndarray,
    homes_at: np.ndarray,
    lasts: list[Group],
    firsts: list[Group],
    params: DesignParams,
    catalogue: Catalogue,
) -> float:
    """What a cascade's splitters cost with their sites, OLT ports and cables.

    Counted like the bill of materials: splitters and their splices, a
    closure or cabinet per site, ports, line cards and chassis, and per tree
    edge the cheapest feeder and distribution cable sets (``firsts`` feed
    ``lasts``, whose keys are indices into ``lasts``).
    """
    from fttx_planner.costing.bom import CABINET_MIN_SPLITTERS, CARDS_PER_CHASSIS, PORTS_PER_CARD
    from fttx_planner.design.cables import subtree_sums

    n = len(parent)
    cost = catalogue.cost
    n1, n2 = len(firsts), len(lasts)
    eur = n2 * cost(catalogue.splitter_item(params.stage2_ratio))
    eur += n1 * cost(catalogue.splitter_item(params.stage1_ratio))
    eur += 2 * cost("fibre_splice") * (n1 + n2)
    per_site = np.zeros(n, dtype=np.int64)
    last_at = np.zeros(n, dtype=np.int64)
    load_at = np.zeros(n, dtype=np.int64)
    for g in lasts:
        per_site[g.node] += 1
        last_at[g.node] += 1
        load_at[g.node] += g.load
    first_at = np.zeros(n, dtype=np.int64)
    fed_from_at = np.zeros(n, dtype=np.int64)  # stage-two fibres leaving each node
    for f in firsts:
        per_site[f.node] += 1
        first_at[f.node] += 1
        fed_from_at[f.node] += len(f.members)
    eur += float((per_site >= CABINET_MIN_SPLITTERS).sum()) * cost("street_cabinet")
    eur += float(((per_site > 0) & (per_site < CABINET_MIN_SPLITTERS)).sum()) * cost(
        "splice_closure"
    )
    cards = math.ceil(n1 / PORTS_PER_CARD)
    optic = "olt_optic_c_plus" if params.optical_class.value == "C+" else "olt_optic_b_plus"
    eur += n1 * cost(optic) + cards * cost("olt_card")
    eur += math.ceil(cards / CARDS_PER_CHASSIS) * cost("olt_chassis")
    feeder = subtree_sums(order, parent, first_at)
    dist = subtree_sums(order, parent, homes_at - load_at + last_at - fed_from_at)
    child = order[1:]
    table = cable_cost_table(catalogue, int(max(feeder.max(), dist.max(), 0)))
    length = edge_length_m[parent_edge[child]]
    return eur + float((length * (table[feeder[child]] + table[dist[child]])).sum())


def partition_first_stage(
    order: np.ndarray,
    parent: np.ndarray,
    parent_edge: np.ndarray,
    edge_length_m: np.ndarray,
    lasts: list[Group],
    homes_at: np.ndarray,
    params: DesignParams,
    catalogue: Catalogue,
    cancelled: Callable[[], bool] | None = None,
) -> list[Group]:
    """First-stage splitters of a cascade feeding the last-stage ones, at least cost.

    Items are the last-stage splitters (keys: their index in ``lasts``);
    their fibres from the first stage join the homes' distribution fibres
    already on each edge.

    Parameters
    ----------
    order, parent, parent_edge
        The rooted trench tree.
    edge_length_m
        Length of every graph edge.
    lasts
        The last-stage splitters.
    homes_at
        Served homes at each node.
    params, catalogue
        Architecture and prices.
    cancelled
        Cancel callback.
    """
    from fttx_planner.design.cables import subtree_sums

    n = len(parent)
    site = np.zeros(n, dtype=np.int64)
    load_at = np.zeros(n, dtype=np.int64)
    items_at: dict[int, list[Item]] = {}
    for i, g in enumerate(lasts):
        site[g.node] += 1
        load_at[g.node] += g.load
        items_at.setdefault(g.node, []).append((i, 1))
    # Homes' fibres on the edge into each node: homes below not served below.
    below = subtree_sums(order, parent, homes_at.astype(np.int64) - load_at)
    base = np.zeros(len(edge_length_m), dtype=np.int64)
    child = order[1:]
    base[parent_edge[child]] = below[child]
    costs = PartitionCosts.for_stage(
        catalogue, params, "first", int(base.max(initial=0)) + len(lasts)
    )
    return optimal_partition(
        order,
        parent,
        parent_edge,
        edge_length_m,
        items_at,
        params.stage1_ratio,
        costs,
        site_splitters=site,
        base_fibres=base,
        cancelled=cancelled,
    )
