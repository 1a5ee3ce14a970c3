"""Fibre counts per trench edge and cable sizing.

On the rooted trench tree every edge carries, per layer, the fibres of all
paths that cross it: feeder fibres to first-stage splitters below it,
distribution fibres from splitters above it to homes (and second-stage
splitters) below it. Counts are subtree sums, so they are exact and cost
O(nodes). Each edge and layer then gets the cheapest set of standard cables
holding its fibres (a small dynamic program over the standard sizes).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from fttx_planner.catalogue import Catalogue
from fttx_planner.params import CABLE_SIZES


def subtree_sums(order: np.ndarray, parent: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sum ``values`` over each node's subtree (node included).

    Examples
    --------
    >>> import numpy as np
    >>> subtree_sums(np.array([0, 1, 2]), np.array([-1, 0, 0]), np.array([1, 2, 3])).tolist()
    [6, 2, 3]
    """
    acc = values.astype(np.int64).copy()
    par = parent[order[::-1]]
    nodes = order[::-1]
    # Process depth by depth would vectorise; a flat loop is fast enough.
    for node, p in zip(nodes.tolist(), par.tolist(), strict=True):
        if p >= 0:
            acc[p] += acc[node]
    return acc


def depth_lengths(
    order: np.ndarray,
    parent: np.ndarray,
    edge_len: np.ndarray,
    parent_edge: np.ndarray,
    n_nodes: int,
) -> np.ndarray:
    """Distance from the root along the tree for every tree node (NaN elsewhere)."""
    dist = np.full(n_nodes, np.nan)
    dist[order[0]] = 0.0
    for node in order[1:].tolist():
        dist[node] = dist[parent[node]] + edge_len[parent_edge[node]]
    return dist


class CableSizer:
    """Cheapest combination of standard cables for a fibre count.

    Examples
    --------
    >>> sizer = CableSizer(Catalogue.default())
    >>> sizer.sizes(30), sizer.sizes(300)
    ((48,), (288, 12))
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.cost_per_m = {
            s: catalogue.cost(f"cable_{s}f") + catalogue.cost("cable_install") for s in CABLE_SIZES
        }
        self._prices = tuple(sorted(self.cost_per_m.items()))
        self._memo: dict[int, tuple[float, tuple[int, ...]]] = {}

    def sizes(self, fibres: int) -> tuple[int, ...]:
        """Standard cable sizes (largest first) holding ``fibres`` at least cost per metre."""
        return self._solve(fibres)[1]

    def cost_per_metre(self, fibres: int) -> float:
        """Cost per metre of the cheapest cable set for ``fibres``."""
        return self._solve(fibres)[0]

    def _solve(self, fibres: int) -> tuple[float, tuple[int, ...]]:
        hit = self._memo.get(fibres)
        if hit is not None:
            return hit
        if fibres <= 0:
            return 0.0, ()
        # Far above the largest size, whole large cables are taken first so the
        # dynamic program stays shallow.
        big = max(CABLE_SIZES)
        n_big = max(0, -(-(fibres - 2 * big) // big))
        cost, rest = _best(fibres - n_big * big, self._prices)
        out = cost + n_big * self.cost_per_m[big], (big,) * n_big + rest
        self._memo[fibres] = out
        return out


@cache
def _best(fibres: int, prices: tuple[tuple[int, float], ...]) -> tuple[float, tuple[int, ...]]:
    best_cost = float("inf")
    best: tuple[int, ...] = ()
    for size, price in prices:
        if size >= fibres:
            if price < best_cost:
                best_cost, best = price, (size,)
        else:
            rest_cost, rest = _best(fibres - size, prices)
            if price + rest_cost < best_cost:
                best_cost = price + rest_cost
                best = tuple(sorted((size, *rest), reverse=True))
    return best_cost, best


#: Columns of :func:`cable_table`.
CABLE_COLUMNS = ["edge", "layer", "fibres", "sizes", "cable_count", "length_m", "cost_eur"]


def cable_table(
    fibres_by_layer: dict[str, tuple[np.ndarray, np.ndarray]],
    edge_length_m: np.ndarray,
    sizer: CableSizer,
) -> pd.DataFrame:
    """One row per (edge, layer) carrying fibres, with its cheapest cable set.

    Parameters
    ----------
    fibres_by_layer
        Per layer, ``(edges, fibres)``: the edges and the fibres each carries
        (rows with no fibre are left out).
    edge_length_m
        Length of every edge.
    sizer
        The cable sizes and prices.
    """
    parts = []
    for layer, (edges, counts) in fibres_by_layer.items():
        e = np.asarray(edges, dtype=np.int64)
        c = np.asarray(counts, dtype=np.int64)
        keep = c > 0
        e, c = e[keep], c[keep]
        if not len(e):
            continue
        # Size each distinct fibre count once.
        uniq, inv = np.unique(c, return_inverse=True)
        sets = [sizer.sizes(int(f)) for f in uniq.tolist()]
        label = np.array(["+".join(map(str, x)) for x in sets], dtype=object)
        count = np.array([len(x) for x in sets], dtype=np.int64)
        per_m = np.array([sizer.cost_per_metre(int(f)) for f in uniq.tolist()])
        length = np.asarray(edge_length_m, dtype=float)[e]
        parts.append(
            pd.DataFrame(
                {
                    "edge": e,
                    "layer": layer,
                    "fibres": c,
                    "sizes": label[inv],
                    "cable_count": count[inv],
                    "length_m": length,
                    "cost_eur": length * per_m[inv],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=CABLE_COLUMNS)
    return pd.concat(parts, ignore_index=True)[CABLE_COLUMNS]
