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
    """

    splitter_eur: float
    closure_eur: float
    cabinet_eur: float
    cabinet_min: int
    cable_eur_per_m: np.ndarray
    feeder_eur_per_m: float
    max_open: int

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
        from fttx_planner.bom import CABINET_MIN_SPLITTERS, PORTS_PER_CARD

        cost = catalogue.cost
        port = cost(
            "olt_optic_c_plus" if params.optical_class.value == "C+" else "olt_optic_b_plus"
        ) + cost("olt_card") / PORTS_PER_CARD
        first = stage == "first" or not params.two_stage
        ratio = params.stage1_ratio if stage == "first" else params.stage2_ratio
        capacity = params.stage1_ratio if stage == "first" else params.homes_per_splitter
        table = cable_cost_table(catalogue, max_fibres + 2 * capacity + 1)
        return cls(
            splitter_eur=cost(catalogue.splitter_item(ratio))
            + 2 * cost("fibre_splice")
            + (port if first else 0.0),
            closure_eur=cost("splice_closure"),
            cabinet_eur=cost("street_cabinet"),
            cabinet_min=CABINET_MIN_SPLITTERS,
            cable_eur_per_m=table,
            feeder_eur_per_m=float(table[1]),
            max_open=2 * capacity,
        )


def cable_cost_table(catalogue: Catalogue, max_fibres: int) -> np.ndarray:
    """Cost per metre of the cheapest cable set for 0..``max_fibres`` fibres.

    The same rule as :class:`~fttx_planner.cables.CableSizer`, tabulated.

    Examples
    --------
    >>> from fttx_planner.catalogue import Catalogue
    >>> t = cable_cost_table(Catalogue.default(), 700)
    >>> from fttx_planner.cables import CableSizer
    >>> s = CableSizer(Catalogue.default())
    >>> all(abs(t[f] - s.cost_per_metre(f)) < 1e-9 for f in range(701))
    True
    """
    from fttx_planner.cables import CableSizer
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
    cabinet by count) and the cables along every edge are priced exactly;
    only a feeder cable's growth beyond its smallest size is not. The
    optimum under these rules is found; items may be split between
    splitters (a building's homes served by two splitters).

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
    inf = np.inf
    homes = np.zeros(n, dtype=np.int64)
    for node, its in items_at.items():
        homes[node] = sum(ld for _, ld in its)
    base_k = np.zeros(n, dtype=np.int64) if site_splitters is None else site_splitters
    is_fed = np.zeros(n, dtype=bool) if fed is None else fed
    base_f = None if base_fibres is None else np.asarray(base_fibres, dtype=np.int64)
    children: dict[int, list[int]] = {}
    for v in order[1:].tolist():
        children.setdefault(int(parent[v]), []).append(v)
    table = costs.cable_eur_per_m
    r_idx = np.arange(d_max + 1)

    f_arr: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    memo: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]] = {}
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
                a0, a1 = _conv_pair(a0, a1, b0, b1)
                prefixes.append((a0, a1))
            f_arr.pop(ch[0])
        else:
            a0, a1 = np.zeros(1), np.full(1, inf)
        h = int(homes[v])
        g0 = np.concatenate([np.full(h, inf), a0])
        g1 = np.concatenate([np.full(h, inf), a1])
        t_len = len(g0)
        k_cost = _cover_cost(t_len, capacity, costs, int(base_k[v]))
        h0, h1 = _decide(g0, g1, k_cost, d_max, bool(is_fed[v]))
        memo[v] = (g0, g1, k_cost, prefixes)
        if v == root:
            break
        e = int(parent_edge[v])
        length = float(edge_length_m[e])
        b = 0 if base_f is None else int(base_f[e])
        dist = table[b + r_idx] * length
        f_arr[v] = (h0 + dist, h1 + dist + costs.feeder_eur_per_m * length)

    # Top down: each node's decision and its children's states.
    g0, g1, k_cost, _ = memo[root]
    h0, h1 = _decide(g0, g1, k_cost, d_max, bool(is_fed[root]))
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
            c0, c1 = _child_arrays(memo, ch[j], parent_edge, edge_length_m, base_f, table,
                                   costs, r_idx, is_fed)  # fmt: skip
            a, fa, b_, fb = _split(p0, p1, c0, c1, tc, child_flag, d_max)
            state[ch[j]] = (fb, b_)
            tc, child_flag = a, fa
        if ch:
            state[ch[0]] = (child_flag, tc)
    return _assign(order, parent, items_at, cover, n_split, capacity)


def _child_arrays(
    memo: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]],
    v: int,
    parent_edge: np.ndarray,
    edge_length_m: np.ndarray,
    base_f: np.ndarray | None,
    table: np.ndarray,
    costs: PartitionCosts,
    r_idx: np.ndarray,
    is_fed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """A child's cost by (flag, open homes) including its edge, recomputed from its memo."""
    g0, g1, k_cost, _ = memo[v]
    h0, h1 = _decide(g0, g1, k_cost, costs.max_open, bool(is_fed[v]))
    e = int(parent_edge[v])
    length = float(edge_length_m[e])
    b = 0 if base_f is None else int(base_f[e])
    dist = table[b + r_idx] * length
    return h0 + dist, h1 + dist + costs.feeder_eur_per_m * length


def _cover_cost(t_len: int, capacity: int, costs: PartitionCosts, base_k: int) -> np.ndarray:
    """Cost of serving ``c`` homes at a node (c = 0..t_len-1) with whole splitters."""
    k = -(-np.arange(t_len) // capacity)
    site = costs.site_eur(k + base_k) - costs.site_eur(np.array(base_k))
    return k * costs.splitter_eur + site


def _decide(
    g0: np.ndarray, g1: np.ndarray, k_cost: np.ndarray, d_max: int, fed: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Best cost per (flag, homes passed up) given the node's combined open homes.

    ``g0[t]``/``g1[t]``: cost with ``t`` open homes at the node and no/some
    splitter below. Serving ``t - r`` of them here leaves ``r`` to pass up.
    """
    t_len = len(g0)
    inf = np.inf
    r = np.arange(d_max + 1)[:, None]
    t = np.arange(t_len)[None, :]
    c = t - r
    kc = np.where(c >= 0, k_cost[np.clip(c, 0, t_len - 1)], inf)
    any1 = (g1[None, :] + kc).min(axis=1)
    kc_strict = np.where(c > 0, kc, inf)
    from0 = (g0[None, :] + kc_strict).min(axis=1)
    diag0 = np.full(d_max + 1, inf)
    m = min(d_max + 1, t_len)
    diag0[:m] = g0[:m]
    h1 = np.minimum(any1, from0)
    if fed:
        return np.full(d_max + 1, inf), np.minimum(h1, diag0)
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


def _conv(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Min-plus convolution."""
    na, nb = len(a), len(b)
    rows = np.arange(na)[:, None]
    cols = rows + np.arange(nb)[None, :]
    out = np.full((na, na + nb - 1), np.inf)
    out[np.broadcast_to(rows, cols.shape), cols] = a[:, None] + b[None, :]
    return out.min(axis=0)


def _conv_pair(
    a0: np.ndarray, a1: np.ndarray, b0: np.ndarray, b1: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Combine two subtrees' (no splitter below, some splitter below) costs."""
    c0 = _conv(a0, b0)
    c1 = np.minimum(np.minimum(_conv(a0, b1), _conv(a1, b0)), _conv(a1, b1))
    return c0, c1


def _split(
    p0: np.ndarray, p1: np.ndarray, c0: np.ndarray, c1: np.ndarray, t: int, flag: int, d_max: int
) -> tuple[int, int, int, int]:
    """Split ``t`` open homes between a prefix of children and the next child."""
    best = (np.inf, 0, 0, 0, 0)
    b = np.arange(min(d_max, t) + 1)
    a = t - b
    ok = a < len(p0)
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
    """
    n = len(parent)
    site = np.zeros(n, dtype=np.int64)
    for g in placed:
        site[g.node] += 1
    total = sum(ld for its in items_at.values() for _, ld in its)
    costs = PartitionCosts.for_stage(catalogue, params, "last", total)
    return optimal_partition(
        order, parent, parent_edge, edge_length_m, items_at, params.homes_per_splitter, costs,
        site_splitters=site, fed=site > 0, cancelled=cancelled,
    )  # fmt: skip


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
    from fttx_planner.cables import subtree_sums

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
    costs = PartitionCosts.for_stage(catalogue, params, "first", int(base.max(initial=0)) + len(lasts))
    return optimal_partition(
        order, parent, parent_edge, edge_length_m, items_at, params.stage1_ratio, costs,
        site_splitters=site, base_fibres=base, cancelled=cancelled,
    )  # fmt: skip
