"""Splitter partition that also prices the closures where cables branch.

The dynamic program of :func:`~fttx_planner.design.splitters.optimal_partition`
prices splitters, their sites and the cables along every edge. Where its
choice makes a cable branch at a node without splitters, the cable runs
later need a closure there (:mod:`fttx_planner.design.joints`):
a node with two child edges carrying distribution fibres (homes still
unserved) or two with splitters below (feeder cables). A splitter site at
the branch takes the closure's place. This program adds that closure to the
same optimisation: every node's children are combined with a small state,
how many of them carry distribution fibres and how many feeder fibres
(0, 1, or a branch already), and a node left without splitters pays
:attr:`~fttx_planner.design.splitters.PartitionCosts.branch_eur` when its
children branch.

Distribution points (:mod:`fttx_planner.design.fdp`) end some drops'
distribution fibres above their taps, so a branch priced here may carry
drop cables only; the planner keeps this partition only where the whole
design comes out cheaper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from fttx_planner.design.splitters import (
    _LEAF,
    Group,
    Item,
    _assign,
    _conv,
    _CoverCosts,
    _infinities,
    _program_tree,
    _with_edge,
)
from fttx_planner.design.splitters import _choose as _plain_choose
from fttx_planner.design.splitters import _decide as _plain_decide

if TYPE_CHECKING:
    from fttx_planner.design.splitters import PartitionCosts

#: Children states: (distribution branches, feeder branches) as 0, 1, or 2 for
#: "branched already" (then only whether a feeder is below still matters).
#: State index -> (carries distribution, feeder count); ``_BRANCH0``/``_BRANCH1``:
#: branched, without and with a splitter below.
_STATES = ((0, 0), (0, 1), (1, 0), (1, 1))
_BRANCH0, _BRANCH1 = 4, 5
_N_STATES = 6
_FLAG = (0, 1, 0, 1, 0, 1)

States = list[np.ndarray | None]


def _step(state: int, carries: int, feeds: int) -> int:
    """The state after one more child that ``carries`` distribution fibres
    (0/1) and has splitters below (``feeds`` 0/1)."""
    if state >= _BRANCH0:
        return _BRANCH1 if (state == _BRANCH1 or feeds) else _BRANCH0
    dist, feed = _STATES[state]
    dist, feed = dist + carries, feed + feeds
    if dist >= 2 or feed >= 2:
        return _BRANCH1 if feed else _BRANCH0
    return _STATES.index((dist, feed))


#: (state, carries, feeds) -> next state, tabulated.
_NEXT = {(s, c, f): _step(s, c, f) for s in range(_N_STATES) for c in (0, 1) for f in (0, 1)}


def _pad(a: np.ndarray, length: int) -> np.ndarray:
    return a if len(a) >= length else np.concatenate([a, _infinities(length - len(a))])


def _merge(into: States, s: int, arr: np.ndarray) -> None:
    cur = into[s]
    into[s] = arr if cur is None else _min_padded(cur, arr)


def _combine(prefix: States, e0: np.ndarray, e1: np.ndarray) -> States:
    """Add one child (its edge's costs by flag and open homes) to the states."""
    out: States = [None] * _N_STATES
    parts = []
    for feeds, e in ((0, e0), (1, e1)):
        if np.isfinite(e[0]):
            parts.append((0, feeds, e[0]))
        if len(e) > 1 and np.isfinite(e[1:]).any():
            pos = e.copy()
            pos[0] = np.inf
            parts.append((1, feeds, pos))
    for carries, feeds, e in parts:
        if carries == 0:
            for s, a in enumerate(prefix):
                if a is not None:
                    _merge(out, _NEXT[(s, 0, feeds)], a + float(e))
            continue
        grouped: dict[int, np.ndarray] = {}
        for s, a in enumerate(prefix):
            if a is not None:
                nxt = _NEXT[(s, 1, feeds)]
                grouped[nxt] = a if nxt not in grouped else _min_padded(grouped[nxt], a)
        for nxt, a in grouped.items():
            _merge(out, nxt, _conv(a, np.asarray(e)))
    return out


def _min_padded(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    n = max(len(a), len(b))
    return np.minimum(_pad(a, n), _pad(b, n))


def branch_partition(
    order: np.ndarray,
    parent: np.ndarray,
    parent_edge: np.ndarray,
    edge_length_m: np.ndarray,
    items_at: dict[int, list[Item]],
    capacity: int,
    costs: PartitionCosts,
    site_splitters: np.ndarray | None = None,
    fed: np.ndarray | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Group]:
    """Group items on a rooted tree into splitters at least cost, branch closures included.

    The program of :func:`~fttx_planner.design.splitters.optimal_partition`
    (same parameters, no ``base_fibres``), with the closure
    (``costs.branch_eur``) of every node without splitters whose children
    branch in the distribution or the feeder layer. The root (the OLT) and
    nodes with ``site_splitters`` are sites and pay none.

    Returns
    -------
    list of Group
        Every item's load served exactly once, by splitters at ancestors-or-self.

    Examples
    --------
    A fork 1 km from the OLT, a house on each branch, 50 m out. A splitter at
    the OLT saves the fork's splitter closure, but its distribution cable
    then branches at the fork, where a closure and a chamber cost more:

    >>> import numpy as np
    >>> from fttx_planner.catalogue import Catalogue
    >>> from fttx_planner.params import DesignParams
    >>> from fttx_planner.design.splitters import PartitionCosts, optimal_partition
    >>> c = PartitionCosts.for_stage(Catalogue.default(), DesignParams(), "last", 0)
    >>> order, parent = np.array([0, 1, 2, 3]), np.array([-1, 0, 1, 1])
    >>> lengths = np.array([1000.0, 50.0, 50.0])
    >>> args = (order, parent, np.array([-1, 0, 1, 2]), lengths, {2: [(7, 1)], 3: [(8, 1)]}, 32)
    >>> [g.node for g in optimal_partition(*args, c)]
    [0]
    >>> c.branch_eur
    350.0
    >>> [g.node for g in branch_partition(*args, c)]
    [1]
    """
    n = len(parent)
    homes, base_k, is_fed, order, children = _program_tree(
        order, parent, items_at, site_splitters, fed
    )
    table = costs.cable_eur_per_m
    r_idx = np.arange(costs.max_open + 1)
    covers = _CoverCosts(capacity, costs)
    root = int(order[0])
    edge_arr: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    memo: dict[int, tuple[list[States], States, float]] = {}
    # Nodes with one child or none cannot branch: the plain program's two
    # states (no splitter below, some) and its decisions serve there.
    chains: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for step, v in enumerate(order[::-1].tolist()):
        if cancelled is not None and step % 2048 == 0 and cancelled():
            return []
        ch = children.get(v, [])
        if len(ch) <= 1:
            a0, a1 = edge_arr[ch[0]] if ch else _LEAF
            pad = _infinities(int(homes[v]))
            g0, g1 = np.concatenate([pad, a0]), np.concatenate([pad, a1])
            chains[v] = (g0, g1)
            _, kc_strict = covers.get(len(g0), int(base_k[v]))
            h0, h1 = _plain_decide(g0, g1, kc_strict, bool(is_fed[v]))
        else:
            prefixes: list[States] = [[np.zeros(1), None, None, None, None, None]]
            for c in ch:
                prefixes.append(_combine(prefixes[-1], *edge_arr[c]))
            branch = 0.0 if (v == root or base_k[v] > 0) else costs.branch_eur
            memo[v] = (prefixes, _shifted(prefixes[-1], int(homes[v])), branch)
            h0, h1 = _decide(memo[v][1], covers, int(base_k[v]), bool(is_fed[v]), branch)
        if v == root:
            break
        e = int(parent_edge[v])
        edge_arr[v] = _with_edge(h0, h1, table, 0, r_idx, float(edge_length_m[e]), costs)

    cover = np.zeros(n, dtype=np.int64)
    n_split = np.zeros(n, dtype=np.int64)
    todo = [(root, 0 if h0[0] <= h1[0] else 1, 0)]
    while todo:
        v, flag, r = todo.pop()
        ch = children.get(v, [])
        if v in chains:
            g0, g1 = chains.pop(v)
            k_cost, _ = covers.get(len(g0), int(base_k[v]))
            t, child_flag = _plain_choose(g0, g1, k_cost, flag, r, bool(is_fed[v]))
            cover[v] = t - r
            n_split[v] = -(-(t - r) // capacity)
            if ch:
                todo.append((ch[0], child_flag, t - int(homes[v])))
            continue
        prefixes, g, branch = memo.pop(v)
        k_cost, _ = covers.get(_length(g), int(base_k[v]))
        t, s = _choose(g, k_cost, flag, r, bool(is_fed[v]), branch)
        cover[v] = t - r
        n_split[v] = -(-(t - r) // capacity)
        tc = t - int(homes[v])
        for j in range(len(ch) - 1, -1, -1):
            s, tc, child_flag, b = _split(prefixes[j], *edge_arr.pop(ch[j]), s, tc)
            todo.append((ch[j], child_flag, b))
    return _assign(order, parent, items_at, cover, n_split, capacity)


def _length(states: States) -> int:
    return max(len(a) for a in states if a is not None)


def _shifted(states: States, h: int) -> States:
    """The states with ``h`` more open homes (the node's own), padded to one length."""
    n = _length(states)
    pad = _infinities(h)
    return [None if a is None else np.concatenate([pad, _pad(a, n)]) for a in states]


def _decide(
    g: States, covers: _CoverCosts, base_k: int, fed: bool, branch: float
) -> tuple[np.ndarray, np.ndarray]:
    """Best cost per (flag, homes passed up): serve some here (a site, no
    branch closure) or none (a branch closure if the children branch)."""
    t_len = _length(g)
    _, kc_strict = covers.get(t_len, base_k)
    d1 = kc_strict.shape[0]
    none0, none1, any_ = _no_serve(g, t_len, branch)
    h1 = np.minimum((any_[None, :] + kc_strict).min(axis=1), none1[:d1])
    if fed:
        return np.full(d1, np.inf), np.minimum(h1, none0[:d1])
    return none0[:d1], h1


def _no_serve(g: States, t_len: int, branch: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cost by open homes with no splitter here, without and with one below,
    and the cheapest of all states (with splitters here)."""
    inf = np.full(t_len, np.inf)
    none = [inf, inf]
    any_ = inf
    for s, a in enumerate(g):
        if a is None:
            continue
        any_ = np.minimum(any_, a)
        extra = branch if s >= _BRANCH0 else 0.0
        none[_FLAG[s]] = np.minimum(none[_FLAG[s]], a + extra)
    return none[0], none[1], any_


def _choose(
    g: States, k_cost: np.ndarray, flag: int, r: int, fed: bool, branch: float
) -> tuple[int, int]:
    """The (open homes at the node, children's state) behind (flag, r)."""
    best = (np.inf, r, 0)
    for s, a in enumerate(g):
        if a is None or r >= len(a):
            continue
        extra = branch if s >= _BRANCH0 else 0.0
        if _FLAG[s] == flag or (fed and flag == 1):
            val = float(a[r]) + extra
            if val < best[0]:
                best = (val, r, s)
        if flag == 1 and len(a) > r + 1:
            v = a[r + 1 :] + k_cost[1 : len(a) - r]
            i = int(np.argmin(v))
            if v[i] < best[0]:
                best = (float(v[i]), r + 1 + i, s)
    return best[1], best[2]


def _split(
    prefix: States, e0: np.ndarray, e1: np.ndarray, target: int, t: int
) -> tuple[int, int, int, int]:
    """Split ``t`` open homes in state ``target`` between the children before
    one child and that child: (their state, their open homes, the child's
    flag, its open homes)."""
    best = (np.inf, 0, 0, 0, 0)
    for s, a in enumerate(prefix):
        if a is None:
            continue
        for feeds, e in ((0, e0), (1, e1)):
            for carries in (0, 1):
                if _NEXT[(s, carries, feeds)] != target:
                    continue
                b = np.arange(1, min(len(e) - 1, t) + 1) if carries else np.zeros(1, dtype=int)
                b = b[(t - b < len(a)) & (t - b >= 0)]
                if not len(b):
                    continue
                val = a[t - b] + e[b]
                i = int(np.argmin(val))
                if val[i] < best[0]:
                    best = (float(val[i]), s, int(t - b[i]), feeds, int(b[i]))
    return best[1], best[2], best[3], best[4]
