"""Optional: fetch a district from OpenStreetMap by place name or bounding box.

The place is geocoded with osmnx (Nominatim), its streets and buildings are
downloaded from the Overpass API (osmnx's configured endpoint, user agent and
timeout) as OSM XML, and the file is cached on disk: the same query never
downloads twice. :func:`~fttx_planner.osm_load.load_osm` then reads the file
like any other. The planner never needs the network: this module is a
convenience, and the tests run it only against a pre-filled cache or a
mocked network.
"""

from __future__ import annotations

import hashlib
import re
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from fttx_planner._errors import FttxError
from fttx_planner.district import District
from fttx_planner.osm.load import ProgressCallback, load_osm

#: Largest bounding box fetched, in square kilometres: a district, not a region
#: (download a regional PBF extract for more and load it with ``load_osm``).
MAX_AREA_KM2 = 50.0

#: What is downloaded: highway ways, building ways and building multipolygons,
#: with all their member ways and nodes.
_OVERPASS_QUERY = """[out:xml][timeout:{timeout}];
(
  way["highway"]({south},{west},{north},{east});
  way["building"]({south},{west},{north},{east});
  relation["building"]["type"="multipolygon"]({south},{west},{north},{east});
);
(._;>;);
out body;
"""

_EARTH_RADIUS_KM = 6371.0


def default_cache_dir() -> Path:
    """The default download cache: ``~/.cache/fttx-planner/osm``."""
    return Path.home() / ".cache" / "fttx-planner" / "osm"


def fetch_place(query: str, cache_dir: str | PathLike[str] | None = None) -> Path:
    """Return an OSM XML file of the place ``query``, downloading it unless cached.

    Parameters
    ----------
    query
        A place name Nominatim knows, e.g. ``"Balzers, Liechtenstein"``.
        The district is the bounding box of the place's outline.
    cache_dir
        Where downloads are kept (:func:`default_cache_dir` by default).

    Returns
    -------
    pathlib.Path
        The cached ``.osm`` file.

    Raises
    ------
    FttxError
        If the place cannot be geocoded, is too large, or the download fails.
    """
    cache = _cache_dir(cache_dir)
    target = cache / f"place_{_slug(query)}_{_digest(query.strip().lower())}.osm"
    if _cached(target):
        return target
    bbox = _geocode_bbox(query)
    return _download(bbox, target, f"place {query!r}")


def fetch_bbox(
    bbox: tuple[float, float, float, float], cache_dir: str | PathLike[str] | None = None
) -> Path:
    """Return an OSM XML file of a bounding box, downloading it unless cached.

    Parameters
    ----------
    bbox
        ``(west, south, east, north)`` in degrees (WGS84).
    cache_dir
        Where downloads are kept (:func:`default_cache_dir` by default).

    Returns
    -------
    pathlib.Path
        The cached ``.osm`` file.

    Raises
    ------
    FttxError
        If the box is invalid or too large, or the download fails.
    """
    west, south, east, north = _checked_bbox(bbox)
    key = f"{west:.5f},{south:.5f},{east:.5f},{north:.5f}"
    target = _cache_dir(cache_dir) / f"bbox_{_digest(key)}.osm"
    if _cached(target):
        return target
    return _download((west, south, east, north), target, f"bounding box {key}")


def load_place(
    query: str,
    cache_dir: str | PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
) -> District:
    """Fetch (or reuse from the cache) the place ``query`` and load it.

    Parameters
    ----------
    query
        A place name, see :func:`fetch_place`.
    cache_dir
        Where downloads are kept.
    progress
        Called as ``progress(fraction, stage)`` while loading.

    Returns
    -------
    District
        The district, named ``query``.
    """
    return load_osm(fetch_place(query, cache_dir), name=query, progress=progress)


def bbox_area_km2(bbox: tuple[float, float, float, float]) -> float:
    """Area of a ``(west, south, east, north)`` box on a spherical Earth, in km².

    Examples
    --------
    >>> round(bbox_area_km2((0.0, 0.0, 1.0, 1.0)))
    12364
    """
    west, south, east, north = bbox
    band = np.sin(np.radians(north)) - np.sin(np.radians(south))
    return float(_EARTH_RADIUS_KM**2 * np.radians(east - west) * band)


def _cache_dir(cache_dir: str | PathLike[str] | None) -> Path:
    """The cache directory, created if needed."""
    path = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"Cannot create the download cache {path}: {exc}"
        raise FttxError(msg) from exc
    return path


def _cached(path: Path) -> bool:
    """Whether a complete download is in the cache (downloads land under a temporary name)."""
    return path.is_file() and path.stat().st_size > 0


def _slug(text: str) -> str:
    """A short file-name-safe form of ``text``.

    Examples
    --------
    >>> _slug("Balzers, Liechtenstein")
    'balzers_liechtenstein'
    """
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "place"


def _digest(text: str) -> str:
    """A short stable hash of ``text`` for cache file names."""
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


def _checked_bbox(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Validate a ``(west, south, east, north)`` box in degrees."""
    west, south, east, north = (float(v) for v in bbox)
    if not (-180.0 <= west < east <= 180.0 and -90.0 <= south < north <= 90.0):
        msg = f"Invalid bounding box {bbox}: expected (west, south, east, north) in degrees"
        raise FttxError(msg)
    area_km2 = bbox_area_km2((west, south, east, north))
    if area_km2 > MAX_AREA_KM2:
        msg = (
            f"Bounding box {bbox} covers {area_km2:.0f} km², more than the {MAX_AREA_KM2:.0f} km² "
            "fetched online; download a regional extract (.osm.pbf) and load that instead"
        )
        raise FttxError(msg)
    return west, south, east, north


def _geocode_bbox(query: str) -> tuple[float, float, float, float]:
    """The ``(west, south, east, north)`` box of a place's outline, geocoded by osmnx."""
    import osmnx

    try:
        places = osmnx.geocode_to_gdf(query)
    except Exception as exc:  # osmnx raises InsufficientResponseError, TypeError, HTTP errors
        msg = f"Cannot geocode the place {query!r}: {exc}"
        raise FttxError(msg) from exc
    west, south, east, north = (float(v) for v in places.total_bounds)
    return _checked_bbox((west, south, east, north))


def _download(bbox: tuple[float, float, float, float], target: Path, what: str) -> Path:
    """Download highways and buildings of ``bbox`` to ``target`` (atomically)."""
    import osmnx

    west, south, east, north = bbox
    timeout_s = int(osmnx.settings.requests_timeout)
    query = _OVERPASS_QUERY.format(
        timeout=timeout_s, west=west, south=south, east=east, north=north
    )
    url = osmnx.settings.overpass_url.rstrip("/") + "/interpreter"
    partial = target.with_suffix(".part")
    try:
        _post_to_file(url, query, partial, timeout_s)
        partial.replace(target)
    except Exception as exc:  # requests' and OSError's many exceptions
        partial.unlink(missing_ok=True)
        msg = f"Cannot download the {what} from {url}: {exc}"
        raise FttxError(msg) from exc
    return target


def _post_to_file(url: str, query: str, path: Path, timeout_s: int) -> None:
    """POST an Overpass query and stream the answer to ``path``."""
    import osmnx
    import requests

    headers: dict[str, Any] = {
        "User-Agent": osmnx.settings.http_user_agent,
        "Referer": osmnx.settings.http_referer,
    }
    with requests.post(
        url, data={"data": query}, headers=headers, timeout=timeout_s, stream=True
    ) as response:
        response.raise_for_status()
        with path.open("wb") as out:
            for chunk in response.iter_content(chunk_size=1 << 20):
                out.write(chunk)
