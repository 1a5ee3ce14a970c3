"""Endpoints from an OSM file: one light pyosmium pass of its own.

Nodes and areas (closed ways and multipolygons, assembled by libosmium)
whose tags match a class of the endpoint rules become endpoints: a node at
its location, an area at the mean of its outer ring's nodes (a school
campus, a hospital). The district loader's pass is not touched; this pass
reads only the keys the rules name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import osmium
from osmium.filter import EntityFilter, KeyFilter

from fttx_planner.endpoints.points import Endpoints
from fttx_planner.endpoints.rules import EndpointError, EndpointRules
from fttx_planner.osm._handlers import osm_file
from fttx_planner.osm.projection import to_metric, transform_xy


def read_osm_endpoints(path: str | Path, crs: str, rules: EndpointRules | None = None) -> Endpoints:
    """The endpoints tagged in an OSM file, projected to ``crs``.

    Parameters
    ----------
    path
        The OSM file (``.osm``, ``.osm.gz``, ``.osm.bz2``, ``.osm.pbf``).
    crs
        The district's metric CRS.
    rules
        Endpoint classes and their OSM tags (the shipped rules if ``None``).

    Raises
    ------
    EndpointError
        The file cannot be read.
    """
    rules = rules or EndpointRules.default()
    tag_class = rules.osm_classes()
    keys = sorted({k for k, _ in tag_class})
    if not keys:
        return Endpoints.empty()
    path = Path(path)
    try:
        source = osm_file(path)
    except KeyError:
        msg = f"Not an OSM file name (.osm, .osm.gz, .osm.bz2, .osm.pbf): {path}"
        raise EndpointError(msg) from None
    lonlat: list[tuple[float, float]] = []
    cls: list[str] = []
    ref: list[str] = []
    name: list[str] = []
    processor = (
        osmium.FileProcessor(source)
        .with_locations()
        .with_areas(KeyFilter(*keys))
        .with_filter(EntityFilter(osmium.osm.NODE | osmium.osm.AREA))
        .with_filter(KeyFilter(*keys))
    )
    try:
        for obj in processor:
            found = next((c for (k, v), c in tag_class.items() if obj.tags.get(k) == v), None)
            if found is None:
                continue
            if isinstance(obj, osmium.osm.Node):
                if not obj.location.valid():
                    continue
                lonlat.append((obj.location.lon, obj.location.lat))
                ref.append(f"n{obj.id}")
            elif isinstance(obj, osmium.osm.Area):
                centre = _ring_centre(obj)
                if centre is None:
                    continue
                lonlat.append(centre)
                ref.append(f"{'w' if obj.from_way() else 'r'}{obj.orig_id()}")
            else:  # pragma: no cover - filtered out above
                continue
            cls.append(found)
            name.append(obj.tags.get("name") or obj.tags.get("ref") or "")
    except RuntimeError as exc:
        msg = f"Cannot read endpoints from {path}: {exc}"
        raise EndpointError(msg) from None
    if not lonlat:
        return Endpoints.empty()
    xy = transform_xy(to_metric(crs), np.array(lonlat, dtype=float))
    return Endpoints(
        xy=xy,
        cls=np.array(cls, dtype=object),
        osm_id=np.array(ref, dtype=object),
        name=np.array(name, dtype=object),
    )


def _ring_centre(area: osmium.osm.Area) -> tuple[float, float] | None:
    """Mean of the first outer ring's node locations (lon, lat), or ``None``."""
    for ring in area.outer_rings():
        pts = [(n.lon, n.lat) for n in ring if n.location.valid()]
        if pts:
            arr = np.array(pts[:-1] if len(pts) > 1 else pts)
            return float(arr[:, 0].mean()), float(arr[:, 1].mean())
    return None
