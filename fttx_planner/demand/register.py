"""A premises register: points with unit counts from a city or land registry.

Formats:

CSV
    columns ``lon``, ``lat`` (WGS84 degrees) or ``x``, ``y`` (metres in the
    district's CRS), and ``homes`` (or ``units`` / ``residential``) and
    optionally ``businesses`` (or ``business``). Extra columns are ignored.
GeoJSON / GeoPackage
    points with the same count properties, in the file's own CRS (GeoJSON:
    WGS84).

The register overrides the estimate of every building it matches (a point in
or on the building, else the nearest building within 25 m); how many points
matched is reported with the plan.
"""

from __future__ import annotations

import csv
import io
import math
from os import PathLike
from pathlib import Path

import numpy as np

from fttx_planner._errors import FttxError
from fttx_planner.district import District, PremisesRegister
from fttx_planner.input_files import check_input_file, listed, read_bounded_text, short
from fttx_planner.osm.projection import to_metric, transform_xy
from fttx_planner.vector_files import read_vector_file

HOMES_COLUMNS = ("homes", "units", "residential", "households")
BUSINESS_COLUMNS = ("businesses", "business", "business_units")
#: Register points farther than this outside the district's bounds (m) count as misplaced.
BOUNDS_MARGIN_M = 1000.0
#: Largest count a single register point may carry.
MAX_UNITS_PER_POINT = 100_000
#: Largest register file read (bytes) and most points (a city's register has
#: tens of thousands of addresses).
MAX_REGISTER_BYTES = 256 * 1024 * 1024
MAX_REGISTER_POINTS = 2_000_000
#: Most units in all: more than the households of the largest city (Tokyo:
#: about 7 million); planning steps that weigh homes need memory in proportion.
MAX_REGISTER_UNITS = 20_000_000


class RegisterError(FttxError):
    """A premises register that cannot be used."""


def load_register(path: str | PathLike[str], district: District) -> PremisesRegister:
    """Read a premises register into the district's CRS.

    Raises
    ------
    RegisterError
        Missing file or columns, unreadable numbers, or points that all lie
        outside the district (a wrong CRS or another area).
    """
    path = Path(path)
    if not path.exists():
        msg = f"Premises register not found or not a file: {path}"
        raise RegisterError(msg)
    check_input_file(path, "premises register", MAX_REGISTER_BYTES, RegisterError)
    if path.suffix.lower() == ".csv":
        xy, homes, business = _read_csv(path, district.crs)
    elif path.suffix.lower() in (".geojson", ".json", ".gpkg"):
        xy, homes, business = _read_geo(path, district.crs)
    else:
        msg = f"{path}: a premises register must be .csv, .geojson or .gpkg"
        raise RegisterError(msg)
    _check_inside(path, xy, district)
    total = int(homes.sum()) + int(business.sum())
    if total > MAX_REGISTER_UNITS:
        msg = (
            f"{path}: the register counts {total:,} units in all, more than the "
            f"{MAX_REGISTER_UNITS:,} of any city"
        )
        raise RegisterError(msg)
    return PremisesRegister(xy=xy, residential=homes, business=business, source=str(path))


def _pick(columns: list[str], names: tuple[str, ...]) -> str | None:
    lower = {c.strip().lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def _read_csv(path: Path, crs: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    text = read_bounded_text(path, "premises register", MAX_REGISTER_BYTES, RegisterError)
    reader = csv.DictReader(io.StringIO(text))
    rows: list[dict[str, str]] = []
    try:
        for row in reader:
            if len(rows) >= MAX_REGISTER_POINTS:
                msg = f"{path}: more than the {MAX_REGISTER_POINTS:,} points a register may have"
                raise RegisterError(msg)
            rows.append(row)
    except csv.Error as exc:
        msg = f"{path} line {reader.line_num}: not a readable CSV file ({str(exc)[:100]})"
        raise RegisterError(msg) from None
    columns = list(rows[0].keys()) if rows else []
    lon, lat = _pick(columns, ("lon", "longitude")), _pick(columns, ("lat", "latitude"))
    x, y = _pick(columns, ("x",)), _pick(columns, ("y",))
    homes_col = _pick(columns, HOMES_COLUMNS)
    bus_col = _pick(columns, BUSINESS_COLUMNS)
    if not rows:
        msg = f"{path}: the register has no rows"
        raise RegisterError(msg)
    missing = []
    if not ((lon and lat) or (x and y)):
        missing.append("lon,lat (or x,y)")
    if homes_col is None and bus_col is None:
        missing.append(f"a count column ({', '.join(HOMES_COLUMNS + BUSINESS_COLUMNS)})")
    if missing:
        found = listed(columns)
        msg = f"{path}: missing column(s) {' and '.join(missing)}; found {found}"
        raise RegisterError(msg)
    a_col, b_col = (lon, lat) if lon and lat else (x, y)
    assert a_col is not None and b_col is not None
    coords = np.array([[_num(path, i, r, a_col), _num(path, i, r, b_col)]
                       for i, r in enumerate(rows, start=2)])  # fmt: skip
    homes = np.array([_count(path, i, r, homes_col) for i, r in enumerate(rows, start=2)])
    business = np.array([_count(path, i, r, bus_col) for i, r in enumerate(rows, start=2)])
    if lon and lat:
        bad = (np.abs(coords[:, 0]) > 180) | (np.abs(coords[:, 1]) > 90)
        if bad.any():
            line = int(np.flatnonzero(bad)[0]) + 2
            msg = f"{path} line {line}: lon/lat out of range; give x,y columns for metres"
            raise RegisterError(msg)
        coords = transform_xy(to_metric(crs), coords)
    return np.asarray(coords, dtype=float).reshape(-1, 2), homes, business


def _num(path: Path, line: int, row: dict[str, str], col: str) -> float:
    text = (row.get(col) or "").strip().replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        msg = f"{path} line {line}: column {short(col, 30)} is not a number: {short(text, 40)}"
        raise RegisterError(msg)
    return value


def _count(path: Path, line: int, row: dict[str, str], col: str | None) -> int:
    if col is None or not (row.get(col) or "").strip():
        return 0
    value = _num(path, line, row, col)
    if value < 0 or value > MAX_UNITS_PER_POINT or value != int(value):
        msg = (
            f"{path} line {line}: column {short(col, 30)} must be a whole number "
            f"0-{MAX_UNITS_PER_POINT}"
        )
        raise RegisterError(msg)
    return int(value)


def _read_geo(path: Path, crs: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    gdf = read_vector_file(
        path, "premises register", RegisterError, MAX_REGISTER_BYTES, MAX_REGISTER_POINTS
    )
    columns = [str(c) for c in gdf.columns if c != "geometry"]
    homes_col, bus_col = _pick(columns, HOMES_COLUMNS), _pick(columns, BUSINESS_COLUMNS)
    if homes_col is None and bus_col is None:
        found = listed(columns) or "none"
        msg = (
            f"{path}: missing a count property ({', '.join(HOMES_COLUMNS + BUSINESS_COLUMNS)}); "
            f"found {found}"
        )
        raise RegisterError(msg)
    if len(gdf) == 0 or gdf.crs is None:
        msg = f"{path}: the register has no points or no CRS"
        raise RegisterError(msg)
    if not (gdf.geometry.geom_type == "Point").all():
        msg = f"{path}: every register feature must be a Point"
        raise RegisterError(msg)
    try:
        gdf = gdf.to_crs(crs)
    except Exception:  # pyproj's CRSError and friends: an unknown or broken CRS
        msg = f"{path}: cannot project the register's points to {crs} (unknown or broken CRS)"
        raise RegisterError(msg) from None
    xy = np.column_stack([gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy()])
    if not np.isfinite(xy).all():
        msg = f"{path}: some points have no coordinates or lie outside {crs} (wrong CRS?)"
        raise RegisterError(msg)

    def counts(col: str | None) -> np.ndarray:
        if col is None:
            return np.zeros(len(gdf), dtype=np.int64)
        values = gdf[col].to_numpy(dtype=float, na_value=0.0)
        ok = np.isfinite(values) & (values >= 0) & (values <= MAX_UNITS_PER_POINT)
        if not ok.all() or (values != np.rint(values)).any():
            msg = (
                f"{path}: property {short(col, 30)} must hold whole numbers 0-{MAX_UNITS_PER_POINT}"
            )
            raise RegisterError(msg)
        return values.astype(np.int64)

    return xy, counts(homes_col), counts(bus_col)


def _check_inside(path: Path, xy: np.ndarray, district: District) -> None:
    """Refuse a register none of whose points lies near the district."""
    x0, y0, x1, y1 = district.bounds_xy
    m = BOUNDS_MARGIN_M
    inside = (xy[:, 0] >= x0 - m) & (xy[:, 0] <= x1 + m) & (xy[:, 1] >= y0 - m)
    inside &= xy[:, 1] <= y1 + m
    if not inside.any():
        msg = (
            f"{path}: none of its {len(xy)} points lies within {m:.0f} m of the district "
            f"{district.name!r}: wrong coordinates, CRS or area?"
        )
        raise RegisterError(msg)
