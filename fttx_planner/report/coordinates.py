"""Where things are, as the report's tables print it: WGS84 coordinates and OSM references."""

from __future__ import annotations

import numpy as np

from fttx_planner._errors import FttxError
from fttx_planner.plan import Plan


def lonlat_of(plan: Plan, xy: np.ndarray) -> np.ndarray:
    """Longitude and latitude of points in the district's metric CRS.

    Parameters
    ----------
    plan
        The plan, whose district gives the CRS.
    xy
        Points, shape (n, 2), in the district's CRS.

    Returns
    -------
    numpy.ndarray
        Shape (n, 2): longitude, latitude; NaN when the CRS cannot be transformed.
    """
    from fttx_planner.osm.projection import to_wgs84, transform_xy

    if not len(xy):
        return np.zeros((0, 2))
    try:
        return np.asarray(transform_xy(to_wgs84(plan.district.crs), xy), dtype=float)
    except FttxError:
        return np.full_like(xy, np.nan)
