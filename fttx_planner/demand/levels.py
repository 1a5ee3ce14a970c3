"""Levels of every building: from its tags, else from its tagged neighbours, else a default.

Order of preference, each recorded as the level's source:

``tag``
    ``building:levels``, plus half of ``roof:levels`` (an attic floor has
    about half the usable area of a full one).
``height``
    ``height`` / 3 m (a typical floor-to-floor height of housing is 2.8-3.2 m).
``neighbours``
    the median levels of the nearest tagged buildings of the same type
    (up to :data:`NEIGHBOURS` within :data:`NEIGHBOUR_RADIUS_M`, at least
    :data:`MIN_NEIGHBOURS` of them): streets are built alike.
``district``
    the median of the district's tagged buildings of the same type, when at
    least :data:`MIN_DISTRICT` of them and :data:`MIN_DISTRICT_SHARE` of the
    type are tagged (a few tagged landmarks say little of a village).
``default``
    the rule's default.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

#: Floor-to-floor height used to turn a ``height`` tag into levels (m).
STOREY_HEIGHT_M = 3.0
#: Share of a full floor an attic (``roof:levels``) adds.
ROOF_LEVEL_SHARE = 0.5
#: Neighbours read for a building without levels, and how far.
NEIGHBOURS = 8
NEIGHBOUR_RADIUS_M = 300.0
MIN_NEIGHBOURS = 3
#: Tagged buildings of a type, and their share of the type, needed for a district median.
MIN_DISTRICT = 20
MIN_DISTRICT_SHARE = 0.1
#: Levels beyond this are taken as a tagging error and ignored.
MAX_LEVELS = 200.0


def resolve_levels(
    levels: np.ndarray,
    height_m: np.ndarray,
    roof_levels: np.ndarray,
    group: np.ndarray,
    xy: np.ndarray,
    default_levels: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Levels per building and the source of each.

    Parameters
    ----------
    levels, height_m, roof_levels
        ``(k,)`` tag values, NaN when untagged.
    group
        ``(k,)`` type of each building; neighbours count within a type.
    xy
        ``(k, 2)`` building positions in metres.
    default_levels
        ``(k,)`` the rule's default per building.

    Returns
    -------
    tuple of ndarray
        ``(k,)`` float levels (at least 1) and ``(k,)`` source strings.

    Examples
    --------
    >>> nan = np.nan
    >>> lv, src = resolve_levels(
    ...     np.array([3.0, nan, nan, nan, nan]), np.array([nan, 12.0, nan, nan, nan]),
    ...     np.array([2.0, nan, nan, nan, nan]), np.array(["a"] * 4 + ["b"]),
    ...     np.array([[0, 0], [10, 0], [20, 0], [30, 0], [40, 0]], dtype=float),
    ...     np.full(5, 2.0))
    >>> lv.tolist(), src.tolist()
    ([4.0, 4.0, 2.0, 2.0, 2.0], ['tag', 'height', 'default', 'default', 'default'])
    """
    k = levels.shape[0]
    out = np.asarray(default_levels, dtype=float).copy()
    source = np.full(k, "default", dtype=object)

    ok_levels = np.isfinite(levels) & (levels > 0) & (levels <= MAX_LEVELS)
    roof = np.where(np.isfinite(roof_levels) & (roof_levels > 0) & (roof_levels < 10),
                    roof_levels, 0.0)  # fmt: skip
    ok_height = ~ok_levels & np.isfinite(height_m) & (height_m > 0)
    ok_height &= height_m <= MAX_LEVELS * STOREY_HEIGHT_M
    out[ok_levels] = levels[ok_levels] + ROOF_LEVEL_SHARE * roof[ok_levels]
    source[ok_levels] = "tag"
    out[ok_height] = np.maximum(1.0, np.rint(height_m[ok_height] / STOREY_HEIGHT_M))
    source[ok_height] = "height"

    known = ok_levels | ok_height
    for value in np.unique(group[~known]) if (~known).any() else []:
        in_group = group == value
        donors = np.flatnonzero(in_group & known)
        takers = np.flatnonzero(in_group & ~known)
        if donors.size >= MIN_NEIGHBOURS:
            near = _neighbour_median(xy[donors], out[donors], xy[takers])
            got = np.isfinite(near)
            out[takers[got]] = near[got]
            source[takers[got]] = "neighbours"
            takers = takers[~got]
        enough = donors.size >= max(MIN_DISTRICT, MIN_DISTRICT_SHARE * in_group.sum())
        if enough and takers.size:
            out[takers] = float(np.median(out[donors]))
            source[takers] = "district"
    return np.maximum(out, 1.0), source


def _neighbour_median(donor_xy: np.ndarray, donor_levels: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Median levels of the nearest donors within the radius; NaN with too few."""
    k = min(NEIGHBOURS, donor_xy.shape[0])
    dist, idx = cKDTree(donor_xy).query(xy, k=k, distance_upper_bound=NEIGHBOUR_RADIUS_M)
    dist = dist.reshape(xy.shape[0], k)
    idx = idx.reshape(xy.shape[0], k)
    found = np.isfinite(dist)
    values = np.where(found, donor_levels[np.minimum(idx, donor_xy.shape[0] - 1)], np.nan)
    enough = found.sum(axis=1) >= MIN_NEIGHBOURS
    out = np.full(xy.shape[0], np.nan)
    if enough.any():
        out[enough] = np.nanmedian(values[enough], axis=1)
    return out
