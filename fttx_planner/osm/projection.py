"""The local metric CRS of a district and transforms to and from WGS84.

Every loader projects its data once, to the UTM zone of the district, so the
design engine works in metres and never projects again; exports transform
back to WGS84 (longitude, latitude) once. Transformers are built with
``always_xy=True``: coordinates are always ``(x, y)`` = ``(lon, lat)`` in
WGS84, whatever the axis order of the CRS definition.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from fttx_planner._errors import FttxError

#: The geographic CRS of OSM data and of GeoJSON.
WGS84 = "EPSG:4326"


def utm_zone_for(lon: float, lat: float) -> int:
    """Return the UTM zone number (1-60) of a point, with the Norway/Svalbard exceptions.

    Parameters
    ----------
    lon, lat
        Longitude and latitude in degrees (WGS84).

    Returns
    -------
    int
        The zone number.

    Examples
    --------
    >>> utm_zone_for(-8.61, 41.14)  # Porto
    29
    >>> utm_zone_for(5.3, 60.4)  # Bergen lies in the widened zone 32V
    32
    >>> utm_zone_for(180.0, 0.0)
    60
    """
    if not (-180.0 <= lon <= 180.0 and -80.0 <= lat <= 84.0):
        msg = f"No UTM zone for lon={lon}, lat={lat}: outside -180..180 / -80..84 degrees"
        raise FttxError(msg)
    zone = min(int((lon + 180.0) // 6.0) + 1, 60)
    if 56.0 <= lat < 64.0 and 3.0 <= lon < 12.0:
        zone = 32
    elif 72.0 <= lat <= 84.0 and 0.0 <= lon < 42.0:
        if lon < 9.0:
            zone = 31
        elif lon < 21.0:
            zone = 33
        elif lon < 33.0:
            zone = 35
        else:
            zone = 37
    return zone


def utm_crs_for(lon: float, lat: float) -> str:
    """Return the WGS84 / UTM CRS of a point as an ``"EPSG:326zz"`` or ``"EPSG:327zz"`` string.

    Parameters
    ----------
    lon, lat
        Longitude and latitude in degrees (WGS84), usually the centroid of
        the district.

    Returns
    -------
    str
        ``EPSG:326zz`` north of the equator, ``EPSG:327zz`` south of it.

    Examples
    --------
    >>> utm_crs_for(-8.61, 41.14)  # Porto
    'EPSG:32629'
    >>> utm_crs_for(26.95, 60.53)  # Kotka
    'EPSG:32635'
    >>> utm_crs_for(-43.2, -22.9)  # Rio de Janeiro
    'EPSG:32723'
    """
    zone = utm_zone_for(lon, lat)
    return f"EPSG:{32600 + zone if lat >= 0.0 else 32700 + zone}"


@lru_cache(maxsize=32)
def to_metric(crs: str) -> Transformer:
    """Return the (cached) transformer from WGS84 lon/lat to ``crs``.

    Parameters
    ----------
    crs
        The target metric CRS, e.g. ``"EPSG:32632"``.

    Returns
    -------
    pyproj.Transformer
        Built with ``always_xy=True``.

    Examples
    --------
    >>> x_m, y_m = to_metric("EPSG:32632").transform(9.0, 0.0)
    >>> round(x_m), round(y_m)
    (500000, 0)
    """
    return Transformer.from_crs(WGS84, _checked_crs(crs), always_xy=True)


@lru_cache(maxsize=32)
def to_wgs84(crs: str) -> Transformer:
    """Return the (cached) transformer from ``crs`` to WGS84 lon/lat.

    Parameters
    ----------
    crs
        The source metric CRS, e.g. ``"EPSG:32632"``.

    Returns
    -------
    pyproj.Transformer
        Built with ``always_xy=True``.

    Examples
    --------
    >>> lon, lat = to_wgs84("EPSG:32632").transform(500000.0, 0.0)
    >>> round(lon, 6), round(lat, 6)
    (9.0, 0.0)
    """
    return Transformer.from_crs(_checked_crs(crs), WGS84, always_xy=True)


def transform_xy(transformer: Transformer, xy: np.ndarray) -> np.ndarray:
    """Transform an ``(n, 2)`` coordinate array, vectorised.

    Parameters
    ----------
    transformer
        A transformer from :func:`to_metric` or :func:`to_wgs84`.
    xy
        ``(n, 2)`` coordinates in the transformer's source CRS.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` float array in the target CRS.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if xy.shape[0] == 0:
        return np.zeros((0, 2))
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])


def transform_geometries(transformer: Transformer, geometries: np.ndarray) -> np.ndarray:
    """Transform an array of shapely geometries in one vectorised call.

    Parameters
    ----------
    transformer
        A transformer from :func:`to_metric` or :func:`to_wgs84`.
    geometries
        Array of shapely geometries in the transformer's source CRS.

    Returns
    -------
    numpy.ndarray
        The geometries in the target CRS (same shape).
    """
    geometries = np.asarray(geometries, dtype=object)
    if geometries.size == 0:
        return geometries
    return np.asarray(shapely.transform(geometries, lambda xy: transform_xy(transformer, xy)))


def _checked_crs(crs: str) -> CRS:
    """Parse ``crs`` and check that it is projected in metres."""
    try:
        parsed = CRS.from_user_input(crs)
    except CRSError as exc:
        msg = f"Unknown CRS {crs!r}: {exc}"
        raise FttxError(msg) from exc
    unit = parsed.axis_info[0].unit_name if parsed.axis_info else ""
    if not parsed.is_projected or unit not in ("metre", "meter"):
        msg = f"CRS {crs!r} is not a projected CRS in metres"
        raise FttxError(msg)
    return parsed
