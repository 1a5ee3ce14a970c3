"""Drops along mapped footways, steps and paths, where no street fronts a building.

In an old town (Porto's Ribeira and São Bento) many buildings face only
steps, a lane or a footway; the nearest street that carries a trench lies
behind a row of other houses, and a straight drop to it runs through them. A
crew lays that drop along the footway instead: from the building's entry to
the nearest point of the footway, along the footways to where they meet a
street that carries trenches, and taps the street there.

The *drop-path network* is every street edge that carries no fibre, at
street level: the drop-only classes
(:data:`~fttx_planner.district.DROP_ONLY_HIGHWAYS`: footways, steps, paths,
cycleways, bridleways), and ways of the trench classes that the fibre
network does not reach (a lane that meets only a square mapped as an area).
One in a tunnel, a building passage or under cover is left out (no cable
runs through a building without its owner's leave, which the plan cannot
know). Service roads, driveways, pedestrian streets and tracks of the fibre
network carry trenches themselves, so a building on one is tapped there
directly (:mod:`fttx_planner.network.taps`).

:func:`footway_drops` finds for each given building the shortest drop that
leaves its outline (or its entrance) for a drop path within
:data:`FOOTWAY_REACH_M`, crossing no other building and no barrier on the
way, and follows the drop-path network to the nearest tap node (an end of a
street edge that takes taps). The whole route must cross no other building,
be at most the longest drop, and be shorter than the building's straight
drop where that one crosses nothing. Beyond the lead-in the drop
installation covers, a drop, straight or routed, is dug as a narrow drop
trench (``drop_trench`` in the catalogue, :func:`dug_drop_m`): one price per
metre for both, so the shorter buildable drop is the cheaper.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra
from shapely.ops import substring

from fttx_planner.district import StreetGraph
from fttx_planner.network.sparse import symmetric_matrix
from fttx_planner.network.taps import (
    MIN_DROP_M,
    BarrierIndex,
    count_buildings_crossed,
    nearest_entry,
)

#: A building farther than this from every drop path is not reached along one (m).
FOOTWAY_REACH_M = 30.0
#: Routes tried per building when the best one runs through another building.
_TRIES = 3


def dug_drop_m(drop_m: np.ndarray, free_m: float, shared_m: np.ndarray | float = 0.0) -> np.ndarray:
    """Metres of each drop dug as a drop trench: what runs beyond the lead-in allowance.

    The drop installation covers a lead-in of ``free_m`` from the street
    (:attr:`~fttx_planner.params.DesignParams.drop_free_m`), straight or
    along a footway; every metre beyond it, over open ground or along a drop
    path, is a narrow trench, except the first ``shared_m`` of a drop laid
    in another building's drop trench (:mod:`fttx_planner.network.spurs`).

    Examples
    --------
    >>> dug_drop_m(np.array([80.0, 12.0, 100.0]), 20.0).tolist()
    [60.0, 0.0, 80.0]
    >>> dug_drop_m(np.array([80.0, 80.0]), 20.0, np.array([10.0, 50.0])).tolist()
    [60.0, 30.0]
    """
    start_m = np.maximum(free_m, np.asarray(shared_m, dtype=float))
    return np.maximum(np.asarray(drop_m, dtype=float) - start_m, 0.0)


@dataclass(frozen=True)
class FootwayDrops:
    """The drops routed along the drop-path network, one row per building reached.

    Attributes
    ----------
    building
        ``(n,)`` building index.
    tap_node
        ``(n,)`` street-graph node where the route meets a street that takes taps.
    length_m
        ``(n,)`` drop length along the route (m).
    along_m
        ``(n,)`` of it along drop paths (m): the drop trench.
    entry_xy
        ``(n, 2)`` building entry.
    path
        ``(n,)`` LineStrings from the tap node to the entry.
    """

    building: np.ndarray
    tap_node: np.ndarray
    length_m: np.ndarray
    along_m: np.ndarray
    entry_xy: np.ndarray
    path: np.ndarray


def _empty() -> FootwayDrops:
    none = np.zeros(0, dtype=np.int64)
    return FootwayDrops(
        none, none, np.zeros(0), np.zeros(0), np.zeros((0, 2)), np.zeros(0, dtype=object)
    )


def drop_path_edges(streets: StreetGraph, fibre_edges: np.ndarray) -> np.ndarray:
    """Street edges of the drop-path network, at street level.

    The drop-only edges, and the trench streets that are not ``fibre_edges``
    (the street network the fibre reaches): a lane cut off from it, in a
    district where squares mapped as areas split the streets, is a way a
    crew can lay a drop along all the same.
    """
    path = np.ones(streets.n_edges, dtype=bool)
    path[fibre_edges] = False
    return np.flatnonzero(
        path
        & (streets.structure() == "")
        & (streets.edge_length_m > 0)
        & (streets.edge_u != streets.edge_v)
    )


def footway_drops(
    streets: StreetGraph,
    fibre_edges: np.ndarray,
    tap_nodes: np.ndarray,
    footprints: np.ndarray,
    candidates: np.ndarray,
    shorter_than_m: np.ndarray,
    max_drop_m: float,
    entry_of: dict[int, np.ndarray],
    barriers: BarrierIndex,
) -> FootwayDrops:
    """Route the candidate buildings' drops along the drop-path network.

    Parameters
    ----------
    streets
        The street graph.
    fibre_edges
        Its edges that carry fibre (the rest are drop paths, see
        :func:`drop_path_edges`).
    tap_nodes
        Street-graph nodes where a drop may meet a trench street and tap it.
    footprints
        ``(k,)`` building footprints.
    candidates
        Indices of the buildings to try.
    shorter_than_m
        ``(k,)`` a building's route is kept only when shorter than this
        (its straight drop where that one crosses nothing; ``inf``: any).
    max_drop_m
        Longest drop.
    entry_of
        Entrance points on each building's outline, by building index.
    barriers
        The ground barriers a drop must not cross.

    Returns
    -------
    FootwayDrops
        One row per candidate that a drop path reaches within the rules.
    """
    edges = drop_path_edges(streets, fibre_edges)
    if len(edges) == 0 or len(tap_nodes) == 0 or len(candidates) == 0:
        return _empty()
    n = streets.n_nodes
    u, v, length = streets.edge_u[edges], streets.edge_v[edges], streets.edge_length_m[edges]
    mat = symmetric_matrix(n, u, v, length)
    dist, pred, _ = dijkstra(
        mat, directed=False, indices=tap_nodes, min_only=True, return_predecessors=True,
        limit=max_drop_m,
    )  # fmt: skip
    live = np.isfinite(dist[u]) | np.isfinite(dist[v])
    edges, u, v, length = edges[live], u[live], v[live], length[live]
    if len(edges) == 0:
        return _empty()
    geoms = streets.edge_geometry[edges]
    # A route is no shorter than its stub: look only as far as it could win.
    reach = np.minimum(shorter_than_m[candidates], FOOTWAY_REACH_M)
    bi, ei = shapely.STRtree(geoms).query(
        footprints[candidates], predicate="dwithin", distance=reach
    )
    b, e = candidates[bi], ei
    entry, foot = nearest_entry(footprints[b], geoms[e], b, entry_of)
    at = shapely.line_locate_point(geoms[e], shapely.points(foot))
    via_u = at + dist[u[e]]
    via_v = (length[e] - at) + dist[v[e]]
    along = np.minimum(via_u, via_v)
    total = np.hypot(*(foot - entry).T) + along
    ok = (total <= max_drop_m) & (total >= MIN_DROP_M) & (total < shorter_than_m[b])
    # What the stubs cross, only for the routes that could be kept.
    rows = np.flatnonzero(ok)
    stubs = shapely.linestrings(np.stack([entry[rows], foot[rows]], axis=1))
    building_tree = shapely.STRtree(footprints)
    ok[rows] = (count_buildings_crossed(stubs, b[rows], footprints, building_tree) == 0) & (
        barriers.crossed(stubs) == ""
    )
    lookup = _edge_lookup(n, u, v, length)
    chosen: dict[int, tuple[int, shapely.LineString]] = {}
    for _ in range(_TRIES):
        best = _shortest_per_building(b, total, ok)
        best = best[~np.isin(b[best], list(chosen))]
        if len(best) == 0:
            break
        routes = [
            _route(entry[i], foot[i], geoms[e[i]], float(at[i]), bool(via_v[i] < via_u[i]),
                   int(u[e[i]]), int(v[e[i]]), pred, lookup, geoms, u)
            for i in best.tolist()
        ]  # fmt: skip
        lines = np.asarray([line for line, _ in routes], dtype=object)
        through = count_buildings_crossed(lines, b[best], footprints, building_tree) > 0
        ok[best[through]] = False
        for i, (line, node), bad in zip(best.tolist(), routes, through.tolist(), strict=True):
            if not bad:
                chosen[i] = (node, line)
        if not through.any():
            break
    if not chosen:
        return _empty()
    rows = np.fromiter(chosen, dtype=np.int64)
    return FootwayDrops(
        building=b[rows],
        tap_node=np.asarray([chosen[i][0] for i in rows.tolist()], dtype=np.int64),
        length_m=np.maximum(total[rows], MIN_DROP_M),
        along_m=along[rows],
        entry_xy=entry[rows],
        path=np.asarray([chosen[i][1] for i in rows.tolist()], dtype=object),
    )


def _shortest_per_building(building: np.ndarray, total: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Row of each building's shortest allowed route."""
    rows = np.flatnonzero(ok)
    rows = rows[np.lexsort((total[rows], building[rows]))]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = building[rows][1:] != building[rows][:-1]
    return rows[first]


def _edge_lookup(n: int, u: np.ndarray, v: np.ndarray, length: np.ndarray) -> dict[int, int]:
    """Row (into ``u``) of the shortest edge between two nodes, keyed ``lo * n + hi``.

    The same edge the shortest-path matrix counts (:func:`symmetric_matrix`
    keeps the lightest of parallel edges).
    """
    key = np.minimum(u, v) * n + np.maximum(u, v)
    order = np.argsort(-length, kind="stable")  # the shortest written last wins
    return dict(zip(key[order].tolist(), order.tolist(), strict=True))


def _route(
    entry: np.ndarray,
    foot: np.ndarray,
    geom: shapely.LineString,
    at_m: float,
    to_v: bool,
    u: int,
    v: int,
    pred: np.ndarray,
    lookup: dict[int, int],
    path_geoms: np.ndarray,
    path_u: np.ndarray,
) -> tuple[shapely.LineString, int]:
    """The drop from its tap node to the entry, and the tap node.

    From the entry to the foot point on the drop path, along it to its end
    ``v`` (``to_v``) or ``u``, then by the shortest-path predecessors to the
    tap node; returned reversed, tap first.
    """
    n = len(pred)
    end = substring(geom, at_m, geom.length if to_v else 0.0)
    pieces = [np.asarray([entry, foot]), np.asarray(shapely.get_coordinates(end))]
    x = v if to_v else u
    while pred[x] >= 0:
        y = int(pred[x])
        row = lookup[min(x, y) * n + max(x, y)]
        coords = np.asarray(shapely.get_coordinates(path_geoms[row]))
        pieces.append(coords if path_u[row] == x else coords[::-1])
        x = y
    coords = np.vstack(pieces)[::-1]
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = (np.abs(np.diff(coords, axis=0)) > 1e-9).any(axis=1)
    return shapely.LineString(coords[keep]), x
