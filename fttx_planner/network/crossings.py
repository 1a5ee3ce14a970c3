"""Street crossings: drops to the far side of a main road, or a trench on both sides.

The trench of a street runs on one side of it. On a main road (the classes
of :data:`CROSSING_HIGHWAYS`) a building on the other side cannot be reached
by digging across the carriageway for free: its drop needs a road crossing
(a short bore or an open cut with traffic management). Where many buildings
face the far side, a second trench along that side, joined by one crossing,
is cheaper. For each main-road edge the trench takes the side with more
buildings; the far side gets whichever is cheaper: one crossing per
building, or a second trench over the span of its taps plus one crossing.
This is fixed once the taps are fixed, so every design of the district pays
it alike (the lower bound counts it in full), and so are the metres of drops
dug beyond the lead-in allowance (:func:`fttx_planner.network.footways.dug_drop_m`),
which this record carries for the same reason. Quiet streets are crossed by the drop's own
trench at no extra cost.

Where the trench itself crosses a main road, at a junction, is up to the
design: :func:`junction_crossings` counts, on a design's trench edges, the
junctions where side streets on both sides of a main road are joined through
it, each a ``road_crossing`` in the bill of materials.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely

from fttx_planner.district import StreetGraph

if TYPE_CHECKING:
    from fttx_planner.params import DesignParams

#: Street classes whose crossing is priced (a carriageway with traffic).
CROSSING_HIGHWAYS = frozenset(
    {"primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link"}
)


#: Street classes by rank, the busiest first: a main road is one of a class at or
#: above :attr:`~fttx_planner.params.DesignParams.crossing_from`.
ROAD_RANKS = ("primary", "secondary", "tertiary", "unclassified", "residential")


def crossing_highways(from_class: str) -> frozenset[str]:
    """Street classes whose crossing is priced: ``from_class`` and above, with their links.

    Examples
    --------
    >>> sorted(crossing_highways("secondary"))
    ['primary', 'primary_link', 'secondary', 'secondary_link']
    >>> crossing_highways("tertiary") == CROSSING_HIGHWAYS
    True
    >>> crossing_highways("none")
    frozenset()
    """
    if from_class == "none":
        return frozenset()
    ranks = ROAD_RANKS[: ROAD_RANKS.index(from_class) + 1]
    return frozenset(ranks) | frozenset(f"{r}_link" for r in ranks[:3])


def main_roads(params: DesignParams) -> frozenset[str]:
    """The street classes the parameters make main roads (:func:`crossing_highways`)."""
    return crossing_highways(params.crossing_from)


@dataclass(frozen=True)
class Crossings:
    """Road crossings and far-side trenches.

    Attributes
    ----------
    building_crossing
        ``(k,)`` bool: the building's drop crosses its main road.
    side_street
        Street edges that get a second trench on their far side.
    side_m
        Length of each of those second trenches (m).
    drop_trench_m
        Metres of drops dug beyond the lead-in allowance (``drop_trench``).
    side_from_m, side_to_m
        Where each far-side trench starts and ends, in metres along its
        street edge's geometry (``side_to_m - side_from_m == side_m``; ``None``:
        not recorded). What the map draws (:mod:`fttx_planner.export.crossings_layer`).
    side_left
        Each far-side trench lies left of its edge's direction (``None``: not recorded).
    """

    building_crossing: np.ndarray
    side_street: np.ndarray
    side_m: np.ndarray
    drop_trench_m: float = 0.0
    side_from_m: np.ndarray | None = None
    side_to_m: np.ndarray | None = None
    side_left: np.ndarray | None = None

    @property
    def count(self) -> int:
        """Crossing items: one per crossing drop and one per far-side trench."""
        return int(self.building_crossing.sum()) + len(self.side_street)


def street_crossings(
    streets: StreetGraph,
    tap_street: np.ndarray,
    tap_xy: np.ndarray,
    entry_xy: np.ndarray,
    crossing_cost_eur: float,
    side_trench_cost_per_m: float,
    drop_trench_m: float = 0.0,
    main_highways: frozenset[str] = CROSSING_HIGHWAYS,
) -> Crossings:
    """Decide, per main-road edge, crossings or a far-side trench.

    Parameters
    ----------
    streets
        The street graph.
    tap_street, tap_xy, entry_xy
        ``(k,)`` tap street edge (``-1`` unserved), tap and entry point of
        each building.
    crossing_cost_eur
        One road crossing.
    side_trench_cost_per_m
        A trench along the far side (a footway trench).
    drop_trench_m
        Metres of drops dug beyond the lead-in allowance (carried into the record).
    main_highways
        Street classes that are main roads (:func:`crossing_highways`).
    """
    k = len(tap_street)
    crossing = np.zeros(k, dtype=bool)
    main = np.isin(streets.edge_highway, list(main_highways))
    b = np.flatnonzero((tap_street >= 0) & main[np.maximum(tap_street, 0)])
    if len(b) == 0:
        none = np.zeros(0)
        return Crossings(
            crossing, np.zeros(0, dtype=np.int64), none, drop_trench_m, none, none,
            np.zeros(0, dtype=bool),
        )  # fmt: skip
    geoms = streets.edge_geometry[tap_street[b]]
    pos = shapely.line_locate_point(geoms, shapely.points(tap_xy[b]))
    length = shapely.length(geoms)
    ahead = shapely.get_coordinates(
        shapely.line_interpolate_point(geoms, np.minimum(pos + 0.5, length))
    )
    behind = shapely.get_coordinates(
        shapely.line_interpolate_point(geoms, np.maximum(pos - 0.5, 0))
    )
    direction = ahead - behind
    to_entry = entry_xy[b] - tap_xy[b]
    left = direction[:, 0] * to_entry[:, 1] - direction[:, 1] * to_entry[:, 0] > 0
    side_street, side_m, side_from, side_left = [], [], [], []
    street = tap_street[b]
    for e in np.unique(street).tolist():
        on = street == e
        n_left = int((left & on).sum())
        far_left = n_left * 2 < on.sum()
        far = on & (left if far_left else ~left)
        if not far.any():
            continue
        span = float(pos[far].max() - pos[far].min())
        if crossing_cost_eur + span * side_trench_cost_per_m < far.sum() * crossing_cost_eur:
            side_street.append(e)
            side_m.append(span)
            side_from.append(float(pos[far].min()))
            side_left.append(far_left)
        else:
            crossing[b[far]] = True
    start = np.asarray(side_from, dtype=float)
    span_m = np.asarray(side_m, dtype=float)
    return Crossings(
        crossing, np.asarray(side_street, dtype=np.int64), span_m, drop_trench_m,
        start, start + span_m, np.asarray(side_left, dtype=bool),
    )  # fmt: skip


def junction_crossings(
    node_xy: np.ndarray,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    edge_main: np.ndarray,
    trench_edges: np.ndarray,
) -> np.ndarray:
    """Junction nodes where a design's trench crosses a main road, one row per crossing.

    At a node where main-road edges meet, they cut the ground around it into
    sectors (a main road passing a junction makes two sides; two main roads
    crossing, four). The trench edges of side streets (not main roads) at
    the node lie in some of these sectors; joining ``s`` sectors takes
    ``s - 1`` crossings of the main road. A trench along the main road itself
    runs on the side its side streets need and adds none. The sector of an
    edge is taken from the direction to its other end node.

    Parameters
    ----------
    node_xy
        ``(n, 2)`` node coordinates of the design graph.
    edge_u, edge_v
        ``(e,)`` end nodes of its edges.
    edge_main
        ``(e,)`` bool: the edge lies on a main road (the classes priced as
        crossings, :data:`CROSSING_HIGHWAYS` by default).
    trench_edges
        The design's trench edges (indices).

    Returns
    -------
    numpy.ndarray
        Node of each crossing (a node appears once per crossing).

    Examples
    --------
    A side street on each side of a main road along the x axis, both trenched:

    >>> import numpy as np
    >>> xy = np.array([[0, 0], [-10, 0], [10, 0], [0, 10], [0, -10]], dtype=float)
    >>> u, v = np.zeros(4, dtype=int), np.array([1, 2, 3, 4])
    >>> main = np.array([True, True, False, False])
    >>> junction_crossings(xy, u, v, main, np.array([2, 3])).tolist()
    [0]
    >>> junction_crossings(xy, u, v, main, np.array([0, 2])).tolist()
    []
    """
    trench_edges = np.asarray(trench_edges, dtype=np.int64)
    side = trench_edges[~edge_main[trench_edges]]
    if len(side) == 0 or not edge_main.any():
        return np.zeros(0, dtype=np.int64)
    main = np.flatnonzero(edge_main)
    # Main-road directions at each node they touch.
    m_node = np.concatenate([edge_u[main], edge_v[main]])
    m_far = np.concatenate([edge_v[main], edge_u[main]])
    s_node = np.concatenate([edge_u[side], edge_v[side]])
    s_far = np.concatenate([edge_v[side], edge_u[side]])
    at = np.isin(s_node, m_node)
    s_node, s_far = s_node[at], s_far[at]
    if len(s_node) == 0:
        return np.zeros(0, dtype=np.int64)

    def angle(node: np.ndarray, far: np.ndarray) -> np.ndarray:
        d = node_xy[far] - node_xy[node]
        return np.arctan2(d[:, 1], d[:, 0])

    m_angle = angle(m_node, m_far)
    s_angle = angle(s_node, s_far)
    out = []
    for x in np.unique(s_node).tolist():
        cuts = np.sort(m_angle[m_node == x])
        if len(cuts) < 2:  # a main road ending here divides nothing
            continue
        sectors = np.unique(np.searchsorted(cuts, s_angle[s_node == x]) % len(cuts))
        out.extend([x] * (len(sectors) - 1))
    return np.asarray(out, dtype=np.int64)
