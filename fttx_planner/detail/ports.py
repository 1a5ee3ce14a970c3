"""Which splitter port serves which premise unit, and which OLT port feeds which splitter.

The plan groups homes into last-stage splitters by building; a building
larger than a splitter, or one the optimiser split, is served by several.
Here every premise unit (building, unit number) gets one last-stage splitter
output: walking the tree leaves up, the splitters at a node take the homes
waiting below it, first the buildings the plan recorded for them, then the
others nearest in walking order, so each splitter serves whole directions
and its output ports follow the street. Any assignment the walk makes is
feasible (homes below a node are interchangeable for the splitters above
it), and the plan's per-splitter port counts are met exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fttx_planner.costing.bom import CARDS_PER_CHASSIS, PORTS_PER_CARD
from fttx_planner.detail.errors import DetailError
from fttx_planner.detail.tree import DesignTree
from fttx_planner.plan import Plan


@dataclass
class PortPlan:
    """Ports of a plan.

    Attributes
    ----------
    units
        Per premise unit ``(building, unit, splitter_id, port)``: the
        last-stage splitter output (1-based port) serving it, building being
        the district's building index.
    upstream
        Per splitter id: ``(kind, ref, port)`` of what feeds its input:
        ``("olt", pon, 0)`` or ``("splitter", first-stage id, output port)``.
    pon
        Per first-stage splitter id, its OLT PON port (0-based).
    """

    units: list[tuple[int, int, int, int]]
    upstream: dict[int, tuple[str, int, int]]
    pon: dict[int, int]


def olt_position(pon: int) -> tuple[int, int, int]:
    """1-based (chassis, card, port) of the 0-based PON port number.

    Examples
    --------
    >>> olt_position(0), olt_position(17), olt_position(16 * 16)
    ((1, 1, 1), (1, 2, 2), (2, 1, 1))
    """
    card_all, port = divmod(pon, PORTS_PER_CARD)
    chassis, card = divmod(card_all, CARDS_PER_CHASSIS)
    return chassis + 1, card + 1, port + 1


def drop_nodes(plan: Plan, buildings: pd.DataFrame | None = None) -> np.ndarray:
    """Per district building, the node where its drop leaves the distribution cable.

    That is the building's distribution point when the plan has them (the
    ``fdp_node`` column of its buildings table, or of ``buildings`` when
    given), else its tap on the street.
    """
    node = np.asarray(plan.access.node, dtype=np.int64).copy()
    b = plan.buildings if buildings is None else buildings
    if "fdp_node" in b.columns:
        idx = b["building"].to_numpy()
        fdp = b["fdp_node"].to_numpy().astype(np.int64)
        node[idx] = np.where(fdp >= 0, fdp, node[idx])
    return node


def assign_ports(plan: Plan, tree: DesignTree, buildings: pd.DataFrame | None = None) -> PortPlan:
    """Every premise unit on a last-stage splitter port, every splitter on its feed.

    ``buildings``: the premises on splitters (default: the plan's buildings
    table; a city plan's PON endpoints are added by
    :func:`~fttx_planner.detail.endpoints.detail_inputs`).
    """
    table = plan.buildings if buildings is None else buildings
    sp = plan.splitters
    last_stage = 2 if plan.params.two_stage else 1
    pre = tree.pre
    node_of = dict(zip(sp["splitter_id"].tolist(), sp["node"].tolist(), strict=True))
    need = {
        int(s): int(u)
        for s, u, st in zip(sp["splitter_id"], sp["ports_used"], sp["stage"], strict=True)
        if st == last_stage
    }
    at_node: dict[int, list[int]] = {}
    for s in sorted(need):
        at_node.setdefault(node_of[s], []).append(s)

    b = table[table["served"]]
    tap = drop_nodes(plan, table)
    waiting: dict[int, list[list[int]]] = {}
    for bi, h, rec in zip(b["building"], b["homes"], b["splitter_id"], strict=True):
        waiting.setdefault(int(tap[bi]), []).append([int(bi), int(h), int(rec)])
    next_unit: dict[int, int] = {}
    taken: dict[int, list[tuple[int, int]]] = {s: [] for s in need}

    def take(item: list[int], s: int) -> None:
        k = min(item[1], need[s])
        first = next_unit.get(item[0], 1)
        taken[s].extend((item[0], u) for u in range(first, first + k))
        next_unit[item[0]] = first + k
        item[1] -= k
        need[s] -= k

    def above(node: int, v: int) -> bool:
        """Whether ``node`` is a proper ancestor of ``v``."""
        x = int(tree.parent[v])
        while x >= 0:
            if x == node:
                return True
            x = int(tree.parent[x])
        return False

    pools: dict[int, list[list[int]]] = {}
    for v in reversed(tree.preorder):
        pool = waiting.pop(v, [])
        for c in tree.children.get(v, []):
            pool.extend(pools.pop(c, []))
        here = at_node.get(v)
        if here:
            own = set(here)
            for s in here:
                for item in pool:
                    if item[2] == s and item[1] and need[s]:
                        take(item, s)
            rest = [it for it in pool if it[1]]
            rest.sort(
                key=lambda it: (
                    0 if it[2] in own else (2 if it[2] >= 0 and above(node_of[it[2]], v) else 1),
                    pre[tap[it[0]]],
                    it[0],
                )
            )
            for s in here:
                for item in rest:
                    if not need[s]:
                        break
                    if item[1]:
                        take(item, s)
            pool = [it for it in pool if it[1]]
        if pool:
            pools[v] = pool
    short = [s for s, n in need.items() if n]
    if pools or short:
        where = f"splitter {short[0]} at node {node_of[short[0]]}" if short else "the OLT"
        msg = (
            f"the plan's splitters do not match its homes: {sum(need.values())} splitter ports "
            f"find no home below them (first: {where}) and "
            f"{sum(it[1] for p in pools.values() for it in p)} homes no splitter above their "
            "drop point (a building served from below its distribution point?)"
        )
        raise DetailError(msg)

    units: list[tuple[int, int, int, int]] = []
    for s, members in taken.items():
        members.sort(key=lambda bu: (pre[tap[bu[0]]], bu[0], bu[1]))
        units.extend((bi, u, s, port) for port, (bi, u) in enumerate(members, start=1))

    upstream: dict[int, tuple[str, int, int]] = {}
    firsts = sp[sp["stage"] == 1]
    if plan.params.two_stage:
        lasts = sp[sp["stage"] == last_stage]
        kids: dict[int, list[int]] = {}
        for s, parent in zip(lasts["splitter_id"], lasts["parent_id"], strict=True):
            kids.setdefault(int(parent), []).append(int(s))
        for f, kid_ids in kids.items():
            kid_ids.sort(key=lambda s: (pre[node_of[s]], s))
            for port, s in enumerate(kid_ids, start=1):
                upstream[s] = ("splitter", f, port)
    order = sorted(firsts["splitter_id"].tolist(), key=lambda s: (pre[node_of[s]], s))
    pon = {int(s): i for i, s in enumerate(order)}
    for s, i in pon.items():
        upstream[s] = ("olt", i, 0)
    return PortPlan(units=units, upstream=upstream, pon=pon)


def units_per_building(units: list[tuple[int, int, int, int]]) -> dict[int, int]:
    """Premise units per building index in a port assignment."""
    out: dict[int, int] = {}
    for bi, _, _, _ in units:
        out[bi] = out.get(bi, 0) + 1
    return out
