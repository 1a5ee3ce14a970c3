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
it alike (the lower bound counts it in full). Quiet streets are crossed by
the drop's own trench at no extra cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from fttx_planner.district import StreetGraph

#: Street classes whose crossing is priced (a carriageway with traffic).
CROSSING_HIGHWAYS = frozenset(
    {"primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link"}
)


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
    """

    building_crossing: np.ndarray
    side_street: np.ndarray
    side_m: np.ndarray

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
    """
    k = len(tap_street)
    crossing = np.zeros(k, dtype=bool)
    main = np.isin(streets.edge_highway, list(CROSSING_HIGHWAYS))
    b = np.flatnonzero((tap_street >= 0) & main[np.maximum(tap_street, 0)])
    if len(b) == 0:
        return Crossings(crossing, np.zeros(0, dtype=np.int64), np.zeros(0))
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
    side_street, side_m = [], []
    street = tap_street[b]
    for e in np.unique(street).tolist():
        on = street == e
        n_left = int((left & on).sum())
        far = on & (left if n_left * 2 < on.sum() else ~left)
        if not far.any():
            continue
        span = float(pos[far].max() - pos[far].min())
        if crossing_cost_eur + span * side_trench_cost_per_m < far.sum() * crossing_cost_eur:
            side_street.append(e)
            side_m.append(span)
        else:
            crossing[b[far]] = True
    return Crossings(crossing, np.asarray(side_street, dtype=np.int64), np.asarray(side_m))
