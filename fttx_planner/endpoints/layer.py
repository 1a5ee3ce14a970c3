"""Endpoints from a user layer: points with a class.

Formats:

CSV
    columns ``lon``, ``lat`` (WGS84 degrees) or ``x``, ``y`` (metres in the
    district's CRS), ``class`` (a class of the endpoint rules) and an
    optional ``name``.
GeoJSON / GeoPackage
    point features with a ``class`` property (and optional ``name``), in the
    file's own CRS.

Every bad row is reported with its line or feature number.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from fttx_planner.endpoints.points import Endpoints
from fttx_planner.endpoints.rules import EndpointError, EndpointRules
from fttx_planner.osm.projection import to_metric, transform_xy

#: Most problems listed in one error message.
_MAX_PROBLEMS = 10


def read_endpoint_layer(
    path: str | Path, crs: str, rules: EndpointRules | None = None
) -> Endpoints:
    """Read a user layer of endpoints into the district's CRS.

    Raises
    ------
    EndpointError
        Missing file or columns, unknown classes, unreadable coordinates.
    """
    rules = rules or EndpointRules.default()
    path = Path(path)
    if not path.is_file():
        msg = f"Endpoint layer not found or not a file: {path}"
        raise EndpointError(msg)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        xy, cls, name = _read_csv(path, crs)
    elif suffix in (".geojson", ".json", ".gpkg"):
        xy, cls, name = _read_geo(path, crs)
    else:
        msg = f"Endpoint layer {path}: use a .csv, .geojson or .gpkg file"
        raise EndpointError(msg)
    bad = [f"row {i + 1}: unknown class {c!r}" for i, c in enumerate(cls) if c not in rules]
    if bad:
        known = ", ".join(rules.rules)
        msg = f"Endpoint layer {path}: " + "; ".join(bad[:_MAX_PROBLEMS]) + f" (known: {known})"
        raise EndpointError(msg)
    n = len(cls)
    return Endpoints(
        xy=xy.reshape(-1, 2),
        cls=np.array(cls, dtype=object),
        osm_id=np.array([f"layer:{i + 1}" for i in range(n)], dtype=object),
        name=np.array(name, dtype=object),
    )


def _read_csv(path: Path, crs: str) -> tuple[np.ndarray, list[str], list[str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = [f.strip().lower() for f in reader.fieldnames or []]
            rows = [{k.strip().lower(): (v or "") for k, v in r.items() if k} for r in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        msg = f"Cannot read endpoint layer {path}: {exc}"
        raise EndpointError(msg) from None
    if "class" not in fields:
        msg = f"Endpoint layer {path}: no 'class' column"
        raise EndpointError(msg)
    if {"lon", "lat"} <= set(fields):
        cx, cy, lonlat = "lon", "lat", True
    elif {"x", "y"} <= set(fields):
        cx, cy, lonlat = "x", "y", False
    else:
        msg = f"Endpoint layer {path}: needs lon,lat (WGS84) or x,y (metres) columns"
        raise EndpointError(msg)
    coords = []
    problems = []
    for line, r in enumerate(rows, start=2):
        try:
            x, y = float(r[cx]), float(r[cy])
        except ValueError:
            problems.append(f"line {line}: coordinates {r[cx]!r}, {r[cy]!r} are not numbers")
            continue
        if not (math.isfinite(x) and math.isfinite(y)) or (
            lonlat and not (-180 <= x <= 180 and -90 <= y <= 90)
        ):
            problems.append(f"line {line}: coordinates ({x}, {y}) out of range")
        coords.append((x, y))
    if problems:
        msg = f"Endpoint layer {path}: " + "; ".join(problems[:_MAX_PROBLEMS])
        raise EndpointError(msg)
    xy = np.array(coords, dtype=float).reshape(-1, 2)
    if lonlat and len(xy):
        xy = transform_xy(to_metric(crs), xy)
    return xy, [r["class"].strip() for r in rows], [r.get("name", "").strip() for r in rows]


def _read_geo(path: Path, crs: str) -> tuple[np.ndarray, list[str], list[str]]:
    import geopandas as gpd
    import shapely

    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises its own DataSourceError and others
        msg = f"Cannot read endpoint layer {path}: {exc}"
        raise EndpointError(msg) from None
    if "class" not in frame.columns:
        msg = f"Endpoint layer {path}: features need a 'class' property"
        raise EndpointError(msg)
    geom = frame.geometry.to_numpy()
    not_point = [i + 1 for i, g in enumerate(geom) if g is None or g.geom_type != "Point"]
    if not_point:
        msg = f"Endpoint layer {path}: features {not_point[:_MAX_PROBLEMS]} are not points"
        raise EndpointError(msg)
    if frame.crs is not None:
        frame = frame.to_crs(crs)
    xy = shapely.get_coordinates(frame.geometry.to_numpy()).reshape(-1, 2)
    names = frame["name"].fillna("").astype(str).tolist() if "name" in frame else [""] * len(frame)
    return xy, frame["class"].astype(str).str.strip().tolist(), names
