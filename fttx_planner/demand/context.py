"""What surrounds a building: the address points on it and the land use it stands in."""

from __future__ import annotations

import numpy as np
import shapely

from fttx_planner.district import AddressPoints, LandUse

#: An address node this close to a building outline (m) belongs to it when it
#: lies in no building (mappers often put the node just in front of the door).
ADDRESS_SNAP_M = 5.0


def points_to_buildings(footprint: np.ndarray, xy: np.ndarray, snap_m: float) -> np.ndarray:
    """Index of the building each point lies in or on (else the nearest within ``snap_m``), -1.

    Examples
    --------
    >>> fp = np.array([shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10)])
    >>> points_to_buildings(fp, np.array([[5.0, 5], [10, 5], [32, 5], [50, 50]]), 5.0).tolist()
    [0, 0, 1, -1]
    """
    out = np.full(xy.shape[0], -1, dtype=np.int64)
    if xy.shape[0] == 0 or footprint.shape[0] == 0:
        return out
    tree = shapely.STRtree(footprint)
    points = shapely.points(xy)
    inside_pt, inside_b = tree.query(points, predicate="intersects")
    out[inside_pt] = inside_b  # a point on two outlines (shared wall) takes one
    loose = np.flatnonzero(out < 0)
    if loose.size and snap_m > 0:
        near_pt, near_b = tree.query_nearest(points[loose], max_distance=snap_m, all_matches=False)
        out[loose[near_pt]] = near_b
    return out


def address_counts(
    footprint: np.ndarray, addresses: AddressPoints | None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Residential and business address points per building, and how many matched none.

    Returns
    -------
    tuple
        ``(k,)`` int residential counts, ``(k,)`` int business counts, and the
        number of address points outside every building.
    """
    k = footprint.shape[0]
    if addresses is None or len(addresses) == 0:
        return np.zeros(k, dtype=np.int64), np.zeros(k, dtype=np.int64), 0
    owner = points_to_buildings(footprint, addresses.xy, ADDRESS_SNAP_M)
    hit = owner >= 0
    business = addresses.business.astype(bool)
    res = np.bincount(owner[hit & ~business], minlength=k).astype(np.int64)
    bus = np.bincount(owner[hit & business], minlength=k).astype(np.int64)
    return res, bus, int((~hit).sum())


def landuse_of(xy: np.ndarray, landuse: LandUse | None) -> np.ndarray:
    """The ``landuse=*`` value each point stands in (the smallest area wins), ``""`` if none.

    Examples
    --------
    >>> lu = LandUse(np.array([shapely.box(0, 0, 100, 100), shapely.box(0, 0, 10, 10)]),
    ...              np.array(["residential", "farmyard"], dtype=object))
    >>> landuse_of(np.array([[5.0, 5], [50, 50], [500, 5]]), lu).tolist()
    ['farmyard', 'residential', '']
    """
    out = np.full(xy.shape[0], "", dtype=object)
    if landuse is None or len(landuse) == 0 or xy.shape[0] == 0:
        return out
    tree = shapely.STRtree(landuse.geometry)
    pt, area = tree.query(shapely.points(xy), predicate="within")
    if pt.size:
        # Largest first, so that the smallest (most specific) area is written last.
        order = np.argsort(-shapely.area(landuse.geometry[area]), kind="stable")
        out[pt[order]] = landuse.value[area[order]]
    return out
