"""Cable runs and the closures where cables branch or change size.

Per layer (feeder, distribution), the fibres on each trench edge are known
(:mod:`fttx_planner.design.cables`). A crew lays cables, not edges: a cable
runs from a splitter site down the street, passes branch points uncut (the
branch cable is spliced onto some of its fibres in a closure there) and ends
at its last distribution point. So a *run* starts at a splitter site or a
branch and follows, at each branch, the child that carries the most fibres.

Fibres thin out along a run as homes drop off. Cutting the run to a smaller
cable saves cable metres but needs a closure (with its chamber); at a branch
the closure is there anyway, so a cut costs nothing more. Each run is cut
where it pays, by an exact dynamic program over the points where the
cheapest cable size changes: every piece carries the cable that the fibres
of its first edge need.

Closures are placed at every branch that is not a splitter site (splitter
sites have their own closure or cabinet) and at every paid cut. Each
records the fibres it splices: the branch cables' fibres, and all fibres of
a cut cable.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fttx_planner.design.cables import CableSizer

CLOSURE_COLUMNS = ["node", "x", "y", "edge", "kind", "layers", "splices"]


@dataclass
class _Closure:
    """What one closure joins: why it is there, the layers it joins, the splices in it."""

    kinds: set[str] = field(default_factory=set)
    layers: set[str] = field(default_factory=set)
    splices: int = 0

    def add(self, kind: str, layer: str, splices: int) -> None:
        self.kinds.add(kind)
        self.layers.add(layer)
        self.splices += splices


@dataclass(frozen=True)
class Runs:
    """Cables with their run ids, and the closures between runs.

    Attributes
    ----------
    cables
        The cable rows with ``cable_id`` (one id per cable piece between two
        joints) and their sizes and cost as laid (a piece keeps the size its
        first edge needs).
    closures
        One row per closure: node, ``x``, ``y``, the tree edge above it,
        ``kind`` (``"branch"``, ``"size change"`` or both), the layers it
        joins and the fibre splices in it.
    """

    cables: pd.DataFrame
    closures: pd.DataFrame


def cable_runs(
    order: np.ndarray,
    parent: np.ndarray,
    parent_edge: np.ndarray,
    cables: pd.DataFrame,
    node_xy: np.ndarray,
    site_nodes: np.ndarray,
    sizer: CableSizer,
    closure_cost_eur: float,
) -> Runs:
    """Group the cable rows into runs, cut them where it pays, place the closures.

    Parameters
    ----------
    order, parent, parent_edge
        The rooted trench tree (:func:`fttx_planner.design.trench.root_tree`).
    cables
        Cable rows: ``edge, layer, fibres, sizes, cable_count, length_m, cost_eur``.
    node_xy
        Node coordinates of the design graph.
    site_nodes
        Nodes with splitters (and the OLT): runs start and end there.
    sizer
        Cable sizes and prices.
    closure_cost_eur
        What a closure with its chamber costs, the price of a cut.
    """
    n = len(parent)
    child_of_edge = np.full(int(parent_edge.max(initial=-1)) + 1, -1, dtype=np.int64)
    tree_nodes = order[1:]
    child_of_edge[parent_edge[tree_nodes]] = tree_nodes
    site = np.zeros(n, dtype=bool)
    site[site_nodes] = True
    site[order[0]] = True
    out = cables.copy()
    cable_id = np.full(len(out), -1, dtype=np.int64)
    sizes_col = out["sizes"].to_numpy(dtype=object).copy()
    count_col = out["cable_count"].to_numpy().copy()
    cost_col = out["cost_eur"].to_numpy(dtype=float).copy()
    length_col = out["length_m"].to_numpy(dtype=float)
    closures: dict[int, _Closure] = defaultdict(_Closure)
    next_id = 0
    for layer in ("feeder", "distribution"):
        rows = np.flatnonzero(out["layer"].to_numpy() == layer)
        if len(rows) == 0:
            continue
        node = child_of_edge[out["edge"].to_numpy()[rows]]
        fibres = np.zeros(n, dtype=np.int64)
        fibres[node] = out["fibres"].to_numpy()[rows]
        row_of = np.full(n, -1, dtype=np.int64)
        row_of[node] = rows
        kids: dict[int, list[int]] = defaultdict(list)
        for c in node.tolist():
            kids[int(parent[c])].append(c)
        for p, cs in kids.items():
            cs.sort(key=lambda c: -fibres[c])
            if len(cs) >= 2 and not site[p]:
                closures[p].add("branch", layer, int(sum(fibres[c] for c in cs[1:])))
        heads = [c for c in node.tolist() if site[parent[c]] or kids[int(parent[c])][0] != c]
        for head in heads:
            chain = [head]
            while not site[chain[-1]] and kids.get(chain[-1]):
                chain.append(kids[chain[-1]][0])
            cuts = _cut_run(chain, fibres, length_col, row_of, kids, sizer, closure_cost_eur)
            piece_start = 0
            for i in [*cuts, len(chain)]:
                piece = chain[piece_start:i]
                if not piece:
                    continue
                first = int(fibres[piece[0]])
                idx = row_of[piece]
                cable_id[idx] = next_id
                sizes_col[idx] = "+".join(str(s) for s in sizer.sizes(first))
                count_col[idx] = len(sizer.sizes(first))
                cost_col[idx] = length_col[idx] * sizer.cost_per_metre(first)
                next_id += 1
                if piece_start > 0:
                    closures[int(chain[piece_start - 1])].add("size change", layer, first)
                piece_start = i
    out["cable_id"] = cable_id
    out["sizes"] = sizes_col
    out["cable_count"] = count_col
    out["cost_eur"] = cost_col
    table = pd.DataFrame(
        [
            (
                p,
                float(node_xy[p, 0]),
                float(node_xy[p, 1]),
                int(parent_edge[p]),
                " + ".join(sorted(e.kinds)),
                " + ".join(sorted(e.layers)),
                e.splices,
            )
            for p, e in sorted(closures.items())
        ],
        columns=CLOSURE_COLUMNS,
    )
    return Runs(cables=out, closures=table)


def _cut_run(
    chain: list[int],
    fibres: np.ndarray,
    length_col: np.ndarray,
    row_of: np.ndarray,
    kids: dict[int, list[int]],
    sizer: CableSizer,
    closure_cost_eur: float,
) -> list[int]:
    """Positions in ``chain`` where a new cable piece starts (exact DP over size changes).

    A cut before ``chain[i]`` sits at node ``chain[i - 1]``; it is free at a
    branch (a closure is there anyway), else it costs a closure.
    """
    f = fibres[chain]
    lengths = length_col[row_of[chain]]
    price = np.array([sizer.cost_per_metre(int(x)) for x in f])
    # Groups of consecutive edges whose own cheapest cable costs the same per metre.
    starts = [0] + [i for i in range(1, len(chain)) if price[i] != price[i - 1]]
    if len(starts) == 1:
        return []
    ends = [*starts[1:], len(chain)]
    glen = np.array([lengths[a:b].sum() for a, b in zip(starts, ends, strict=True)])
    gprice = price[starts]
    cut_cost = [0.0 if len(kids.get(chain[s - 1], [])) >= 2 else closure_cost_eur for s in starts]
    g = len(starts)
    best = np.full(g + 1, np.inf)
    best[0] = 0.0
    back = np.zeros(g + 1, dtype=np.int64)
    for j in range(1, g + 1):
        for a in range(j):  # piece = groups a..j-1, cable sized for group a
            c = best[a] + (cut_cost[a] if a > 0 else 0.0) + gprice[a] * glen[a:j].sum()
            if c < best[j]:
                best[j], back[j] = c, a
    cuts = []
    j = g
    while j > 0:
        a = int(back[j])
        if a > 0:
            cuts.append(starts[a])
        j = a
    return sorted(cuts)
