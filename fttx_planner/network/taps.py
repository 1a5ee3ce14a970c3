"""Where each building meets the street: its tap, its entry and the drop between them.

A crew lays a drop from the street a building fronts to its entry, never
through a neighbour's house and never across a railway, a river or a
motorway. For every building :func:`choose_taps` takes the nearest street
edge (streets at street level only: no tap in a tunnel, a covered way or on
a bridge); when the straight drop from it would cross another building or a
barrier, it looks at every street within the maximum drop length and keeps
the shortest drop that crosses neither. Only when none exists does it keep a
drop that crosses a building (dense blocks with shared walls, courtyard
houses) or, last, one that crosses a barrier, which is then priced as a
crossing (a bore under the railway or the river) and reported.

The entry is an ``entrance=*`` node on the building's outline when one is
mapped (the one nearest the street), else the point of the outline nearest
the street. Every drop has a positive length: a tap on the outline itself (a
street mapped against a wall) gets the short riser into the building,
at least :data:`MIN_DROP_M`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

#: Shortest drop: from the street box through the wall to the entry box (m).
MIN_DROP_M = 1.0
#: An entrance node farther than this from a building's outline is not its entry (m).
ENTRANCE_SNAP_M = 1.0
#: Beyond the nearest street, streets this much farther are still tried for a drop
#: that would otherwise cross a building or a barrier (m).
DETOUR_M = 60.0
#: Of those, the nearest along which taps are slid when every straight drop crosses.
SLIDE_STREETS = 3
#: Offsets along a street edge at which other taps are tried for such a drop (m).
SLIDE_M = (-40.0, -25.0, -15.0, -8.0, 8.0, 15.0, 25.0, 40.0)


@dataclass(frozen=True)
class Taps:
    """The chosen tap of every building.

    Parameters
    ----------
    edge
        ``(k,)`` index (into the candidate edges given) of each building's
        tap edge, ``-1`` when no edge is within reach.
    distance_m
        ``(k,)`` drop length (``inf`` when no edge is within reach).
    tap_xy, entry_xy
        ``(k, 2)`` tap on the street and entry on the building (NaN when none).
    buildings_crossed
        ``(k,)`` other buildings the drop crosses.
    barrier
        ``(k,)`` kind of barrier the drop crosses (``""`` when none).
    """

    edge: np.ndarray
    distance_m: np.ndarray
    tap_xy: np.ndarray
    entry_xy: np.ndarray
    buildings_crossed: np.ndarray
    barrier: np.ndarray


def choose_taps(
    footprints: np.ndarray,
    wanted: np.ndarray,
    edge_geometry: np.ndarray,
    max_drop_m: float,
    entrances: np.ndarray | None = None,
    barrier_geometry: np.ndarray | None = None,
    barrier_kind: np.ndarray | None = None,
) -> Taps:
    """Choose each wanted building's tap among the given street edges.

    Parameters
    ----------
    footprints
        ``(k,)`` building footprints in metres.
    wanted
        Indices of the buildings to attach.
    edge_geometry
        ``(m,)`` candidate street edges (LineStrings).
    max_drop_m
        Longest drop; buildings farther from every edge get ``edge = -1``.
    entrances
        ``(n, 2)`` entrance points, or ``None``.
    barrier_geometry, barrier_kind
        Ground barriers and their kinds, or ``None``.
    """
    k = len(footprints)
    out_edge = np.full(k, -1, dtype=np.int64)
    out_dist = np.full(k, np.inf)
    out_tap = np.full((k, 2), np.nan)
    out_entry = np.full((k, 2), np.nan)
    out_cross = np.zeros(k, dtype=np.int64)
    out_barrier = np.full(k, "", dtype=object)
    if len(wanted) == 0 or len(edge_geometry) == 0:
        return Taps(out_edge, out_dist, out_tap, out_entry, out_cross, out_barrier)
    edge_tree = shapely.STRtree(edge_geometry)
    building_tree = shapely.STRtree(footprints)
    entry_of = entrances_of(building_tree, footprints, entrances)
    barriers = BarrierIndex(barrier_geometry, barrier_kind)

    # A building with no street within a drop's reach gets no tap.
    pairs = edge_tree.query_nearest(footprints[wanted], max_distance=max_drop_m, all_matches=False)
    b = wanted[pairs[0]]
    e = pairs[1]
    cand = _candidates(b, e, footprints, edge_geometry, entry_of, building_tree, barriers)
    near = cand.length <= max_drop_m
    _keep(cand, near, out_edge, out_dist, out_tap, out_entry, out_cross, out_barrier)

    # Buildings whose nearest drop crosses something: look at every street in reach.
    is_bad = near & ((cand.crossed > 0) | (cand.barrier != ""))
    bad = b[is_bad]
    if len(bad):
        reach = np.minimum(cand.length[is_bad] + DETOUR_M, max_drop_m)
        pb, pe = edge_tree.query(
            shapely.buffer(footprints[bad], reach, quad_segs=2), predicate="intersects"
        )
        # Each building's streets in order of distance (rank 0 = nearest).
        gap = shapely.distance(footprints[bad[pb]], edge_geometry[pe])
        order = np.lexsort((gap, pb))
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order)) - np.searchsorted(pb[order], pb[order])
        args = (footprints, edge_geometry, entry_of, building_tree, barriers)
        more = _candidates(bad[pb], pe, *args)
        best = _best(more, max_drop_m)
        # Still crossing: slide the tap along the nearest SLIDE_STREETS streets.
        still = np.isin(bad, more.building[best & ((more.crossed > 0) | (more.barrier != ""))])
        slide_pairs = (rank < SLIDE_STREETS) & still[pb]
        if slide_pairs.any():
            slid = _candidates(bad[pb[slide_pairs]], pe[slide_pairs], *args, slide=True)
            more = _Candidates(
                *(np.concatenate([getattr(more, f), getattr(slid, f)]) for f in _FIELDS)
            )
            best = _best(more, max_drop_m)
        _keep(more, best, out_edge, out_dist, out_tap, out_entry, out_cross, out_barrier)
    return Taps(out_edge, out_dist, out_tap, out_entry, out_cross, out_barrier)


def _best(cand: _Candidates, max_drop_m: float) -> np.ndarray:
    """Mask of each building's best candidate: no barrier, no building crossed, shortest."""
    ok = cand.length <= max_drop_m
    key = np.lexsort((cand.length, cand.crossed, cand.barrier != "", cand.building))
    key = key[ok[key]]
    first = np.ones(len(key), dtype=bool)
    first[1:] = cand.building[key][1:] != cand.building[key][:-1]
    best = np.zeros(len(cand.building), dtype=bool)
    best[key[first]] = True
    return best


_FIELDS = ("building", "edge", "length", "tap_xy", "entry_xy", "crossed", "barrier")


@dataclass(frozen=True)
class _Candidates:
    building: np.ndarray
    edge: np.ndarray
    length: np.ndarray
    tap_xy: np.ndarray
    entry_xy: np.ndarray
    crossed: np.ndarray
    barrier: np.ndarray


class BarrierIndex:
    """The barriers in a tree, and which kind a segment crosses first."""

    def __init__(self, geometry: np.ndarray | None, kind: np.ndarray | None) -> None:
        geometry = geometry if geometry is not None else np.zeros(0, dtype=object)
        kind = kind if kind is not None else np.zeros(0, dtype=object)
        self.geometry, self.kind = _short_pieces(geometry, kind)
        self.tree = shapely.STRtree(self.geometry) if len(self.geometry) else None

    def crossed(self, segments: np.ndarray) -> np.ndarray:
        """``(n,)`` kind of the barrier each segment crosses (``""`` when none)."""
        out = np.full(len(segments), "", dtype=object)
        if self.tree is None or len(segments) == 0:
            return out
        s, g = self.tree.query(segments, predicate="intersects")
        out[s[::-1]] = self.kind[g[::-1]]  # the first barrier found wins
        return out


#: Vertices per piece of a barrier outline in the search tree.
PIECE_VERTICES = 32


def _short_pieces(geometry: np.ndarray, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Barrier outlines cut into short lines, each tested quickly against a drop.

    A river or lake polygon can have thousands of vertices and a bounding box
    over half the district; a drop crosses it only by crossing its outline
    (a drop wholly inside water is not drawn), so the outline in pieces of
    :data:`PIECE_VERTICES` vertices answers the same question much faster.
    """
    if len(geometry) == 0:
        return geometry, kind
    parts, index = shapely.get_parts(geometry, return_index=True)
    lines = np.where(np.isin(shapely.get_type_id(parts), [3]), shapely.boundary(parts), parts)
    lines, index2 = shapely.get_parts(lines, return_index=True)
    index = index[index2]
    coords, owner = shapely.get_coordinates(lines, return_index=True)
    pieces, kinds = [], []
    starts = np.searchsorted(owner, np.arange(len(lines)))
    ends = np.searchsorted(owner, np.arange(len(lines)), side="right")
    for i, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        step = PIECE_VERTICES - 1
        for c in range(a, b - 1, step):
            pieces.append(coords[c : min(c + PIECE_VERTICES, b)])
            kinds.append(kind[index[i]])
    geoms = np.asarray([shapely.LineString(p) for p in pieces if len(p) >= 2], dtype=object)
    kinds = [k for p, k in zip(pieces, kinds, strict=True) if len(p) >= 2]
    return geoms, np.asarray(kinds, dtype=object)


def entrances_of(
    tree: shapely.STRtree, footprints: np.ndarray, entrances: np.ndarray | None
) -> dict[int, np.ndarray]:
    """Entrance points on each building's outline, by building index."""
    if entrances is None or len(entrances) == 0:
        return {}
    pts = shapely.points(entrances)
    p, b = tree.query(pts, predicate="dwithin", distance=ENTRANCE_SNAP_M)
    out: dict[int, list[int]] = {}
    for i, j in zip(p.tolist(), b.tolist(), strict=True):
        out.setdefault(j, []).append(i)
    return {j: entrances[idx] for j, idx in out.items()}


def nearest_entry(
    footprints: np.ndarray, geoms: np.ndarray, building: np.ndarray, entry_of: dict[int, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Where a drop from each geometry to each building's outline is shortest.

    Parameters
    ----------
    footprints, geoms
        ``(n,)`` a building's footprint and the line its drop leaves from.
    building
        ``(n,)`` building index of each footprint (to find its entrances).
    entry_of
        Entrance points on each building's outline, by building index
        (:func:`entrances_of`); a building with any enters at the nearest one.

    Returns
    -------
    tuple of ndarray
        ``(n, 2)`` the entry on the building and ``(n, 2)`` the foot on the line.
    """
    ends = np.asarray(shapely.get_coordinates(shapely.shortest_line(footprints, geoms)))
    ends = ends.reshape(-1, 2, 2)
    entry, foot = ends[:, 0, :].copy(), ends[:, 1, :].copy()
    for i in np.flatnonzero(np.isin(building, list(entry_of))).tolist():
        pts = entry_of[int(building[i])]
        near = np.asarray(
            shapely.get_coordinates(shapely.shortest_line(shapely.points(pts), geoms[i]))
        )
        near = near.reshape(-1, 2, 2)
        j = int(np.argmin(np.hypot(*(near[:, 1] - near[:, 0]).T)))
        entry[i], foot[i] = near[j, 0], near[j, 1]
    return entry, foot


def _candidates(
    building: np.ndarray,
    edge: np.ndarray,
    footprints: np.ndarray,
    edge_geometry: np.ndarray,
    entry_of: dict[int, np.ndarray],
    building_tree: shapely.STRtree,
    barriers: BarrierIndex,
    slide: bool = False,
) -> _Candidates:
    """Drops from each building to each paired edge, with what they cross.

    With ``slide``, each pair also tries taps slid along the edge by
    :data:`SLIDE_M` from the nearest point: a drop through the gap between
    two houses instead of through the house in front.
    """
    # The street point facing the building's middle, the outline point nearest
    # to it, and the street point nearest to that: a drop square to the
    # street from the middle of the facade where the facade runs along it.
    geoms = edge_geometry[edge]
    middle = shapely.point_on_surface(footprints[building])
    facing = shapely.line_interpolate_point(geoms, shapely.line_locate_point(geoms, middle))
    entry = _ends(shapely.shortest_line(footprints[building], facing))[:, 0, :]
    tap = _ends(shapely.shortest_line(shapely.points(entry), geoms))[:, 1, :]
    if slide and len(building):
        geoms = edge_geometry[edge]
        at = shapely.line_locate_point(geoms, shapely.points(tap))
        shifted = (at[:, None] + np.asarray(SLIDE_M)[None, :]).ravel()
        n_shift = len(SLIDE_M)
        geoms = np.repeat(geoms, n_shift)
        length = np.repeat(shapely.length(edge_geometry[edge]), n_shift)
        inside = (shifted > 0) & (shifted < length)
        rows = np.repeat(np.arange(len(building)), n_shift)[inside]
        pts = shapely.line_interpolate_point(geoms[inside], shifted[inside])
        ends = _ends(shapely.shortest_line(footprints[building[rows]], pts))
        building = np.concatenate([building, building[rows]])
        edge = np.concatenate([edge, edge[rows]])
        entry = np.vstack([entry, ends[:, 0, :]])
        tap = np.vstack([tap, ends[:, 1, :]])
    for i in np.flatnonzero(np.isin(building, list(entry_of))).tolist():
        pts = entry_of[int(building[i])]
        ends = _ends(shapely.shortest_line(shapely.points(pts), edge_geometry[edge[i]]))
        j = int(np.argmin(np.hypot(*(ends[:, 1] - ends[:, 0]).T)))
        entry[i], tap[i] = ends[j, 0], ends[j, 1]
    length = np.hypot(*(tap - entry).T)
    # A tap on the outline: the drop is the riser from the wall into the building.
    short = length < MIN_DROP_M
    if short.any():
        inside = shapely.get_coordinates(shapely.point_on_surface(footprints[building[short]]))
        entry[short] = inside
        length[short] = np.maximum(np.hypot(*(tap[short] - inside).T), MIN_DROP_M)
    segments = shapely.linestrings(np.stack([entry, tap], axis=1))
    crossed = count_buildings_crossed(segments, building, footprints, building_tree)
    return _Candidates(building, edge, length, tap, entry, crossed, barriers.crossed(segments))


def _ends(lines: np.ndarray) -> np.ndarray:
    """``(n, 2, 2)`` start and end points of two-point lines."""
    return np.asarray(shapely.get_coordinates(lines), dtype=float).reshape(-1, 2, 2)


def count_buildings_crossed(
    segments: np.ndarray, own: np.ndarray, footprints: np.ndarray, tree: shapely.STRtree
) -> np.ndarray:
    """How many buildings other than its own each segment runs through."""
    s, g = tree.query(segments, predicate="crosses")
    s = s[g != own[s]]
    return np.bincount(s, minlength=len(segments)).astype(np.int64)


def _keep(
    cand: _Candidates,
    mask: np.ndarray,
    edge: np.ndarray,
    dist: np.ndarray,
    tap: np.ndarray,
    entry: np.ndarray,
    crossed: np.ndarray,
    barrier: np.ndarray,
) -> None:
    """Write the masked candidates into the per-building outputs."""
    b = cand.building[mask]
    edge[b] = cand.edge[mask]
    dist[b] = cand.length[mask]
    tap[b] = cand.tap_xy[mask]
    entry[b] = cand.entry_xy[mask]
    crossed[b] = cand.crossed[mask]
    barrier[b] = cand.barrier[mask]
