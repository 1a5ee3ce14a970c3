"""Existing infrastructure for brownfield designs: ducts and aerial pole routes.

An infrastructure layer is a GeoJSON or GeoPackage file of LineStrings with
the properties

``kind``
    ``"duct"`` (an existing duct with free sub-ducts, reusable for cables)
    or ``"aerial"`` (an existing pole line, e.g. a low-voltage power or
    telephone line, that can carry a cable).
``free_capacity``
    Free capacity of the route in cables: free sub-ducts of a duct, free
    cable positions on a pole line; a non-negative integer, 0 meaning full.
``source``
    Optional: where the feature comes from.

:func:`match_to_streets` measures how much of each street edge runs along
such a route; the design engine prices the covered part of an edge at the
duct-reuse or aerial cost instead of a new trench.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from fttx_planner._errors import FttxError
from fttx_planner.district import StreetGraph
from fttx_planner.input_files import short
from fttx_planner.osm.projection import WGS84, transform_geometries
from fttx_planner.vector_files import read_vector_file

#: Largest free capacity of one route (cables): a duct bank of 24 sub-ducts, a
#: pole line with a few dozen positions; more is a typo (and overflows int64).
MAX_FREE_CAPACITY = 10_000

#: The kinds of existing infrastructure.
INFRA_KINDS = ("duct", "aerial")

#: A street piece counts as running along a route when its direction is
#: within this angle of the route's (a street crossing a duct does not).
MAX_ANGLE_DEG = 30.0

#: Distance along the route used to measure its local direction.
_DIRECTION_STEP_M = 2.0

#: At most this many problems are listed in a validation error.
_MAX_PROBLEMS = 10

#: Largest infrastructure file read (bytes) and most features: a town's ducts
#: and pole routes are thousands of features, a few MB.
MAX_INFRA_BYTES = 512 * 1024 * 1024
MAX_INFRA_FEATURES = 1_000_000


@dataclass(frozen=True)
class InfraLayer:
    """Existing ducts and pole routes in a metric CRS, one row per LineString.

    Parameters
    ----------
    geometry
        ``(k,)`` array of shapely LineStrings in metres (multi-part features
        are split into their parts).
    kind
        ``(k,)`` array of ``"duct"`` or ``"aerial"``.
    free_capacity
        ``(k,)`` int array of free capacity in cables.
    source
        ``(k,)`` array of source descriptions (``""`` when none).
    feature_index
        ``(k,)`` int array: index of the feature in the file each row comes from.
    crs
        The metric CRS of ``geometry``.
    path
        The file the layer was read from (``""`` when built in memory).
    """

    geometry: np.ndarray
    kind: np.ndarray
    free_capacity: np.ndarray
    source: np.ndarray
    feature_index: np.ndarray
    crs: str
    path: str = ""

    def __len__(self) -> int:
        return int(self.geometry.shape[0])

    def length_m(self, kind: str) -> float:
        """Total length in metres of the routes of one ``kind``."""
        return float(shapely.length(self.geometry[self.kind == kind]).sum())


@dataclass(frozen=True)
class InfraMatch:
    """How much of each street edge runs along existing infrastructure.

    Parameters
    ----------
    duct_m
        ``(m,)`` float array: length of each edge along an existing duct
        (0 to the edge length).
    aerial_m
        ``(m,)`` float array: length of each edge along an existing pole route.
    duct_free_capacity, aerial_free_capacity
        ``(m,)`` int arrays: largest free capacity (cables) of the ducts /
        pole routes met along the edge, 0 where none.
    """

    duct_m: np.ndarray
    aerial_m: np.ndarray
    duct_free_capacity: np.ndarray
    aerial_free_capacity: np.ndarray

    @property
    def total_duct_m(self) -> float:
        """Street length along existing ducts, in metres."""
        return float(self.duct_m.sum())

    @property
    def total_aerial_m(self) -> float:
        """Street length along existing pole routes, in metres."""
        return float(self.aerial_m.sum())


def load_infrastructure(path: str | PathLike[str], crs: str) -> InfraLayer:
    """Read and validate an infrastructure layer, projected to ``crs``.

    Parameters
    ----------
    path
        A GeoJSON (``.geojson``, ``.json``) or GeoPackage (``.gpkg``) file
        of LineStrings with ``kind`` and ``free_capacity`` properties.
    crs
        The metric CRS of the district, e.g. ``district.crs``.

    Returns
    -------
    InfraLayer
        The layer in ``crs``.

    Raises
    ------
    FttxError
        If the file is missing or unreadable, or any feature is invalid;
        the message names the file and lists the bad features by index.
    """
    path = Path(path)
    if not path.exists():
        msg = f"Infrastructure file not found: {path}"
        raise FttxError(msg)
    with warnings.catch_warnings():
        # A property of mixed types (2, "lots") is read as strings; validated below.
        warnings.filterwarnings("ignore", message="Could not parse column")
        frame = read_vector_file(
            path, "infrastructure layer", FttxError, MAX_INFRA_BYTES, MAX_INFRA_FEATURES
        )
    if len(frame) == 0:
        _raise(path, ["it holds no features"])
    problems = _missing_columns(frame.columns)
    if problems:
        _raise(path, problems)

    geometry = np.asarray(frame.geometry.array, dtype=object)
    kind = frame["kind"].to_numpy(dtype=object)
    capacity = frame["free_capacity"].to_numpy(dtype=object)
    source = frame["source"].fillna("").astype(str) if "source" in frame else None
    problems = _feature_problems(geometry, kind, capacity)
    if problems:
        _raise(path, problems)

    geometry = _to_crs(path, geometry, frame.crs, crs)
    parts, index = shapely.get_parts(geometry, return_index=True)
    return InfraLayer(
        geometry=np.asarray(parts, dtype=object),
        kind=kind[index].astype(str),
        free_capacity=np.asarray([int(c) for c in capacity], dtype=np.int64)[index],
        source=(np.full(len(frame), "") if source is None else source.to_numpy())[index],
        feature_index=index.astype(np.int64),
        crs=crs,
        path=str(path),
    )


def _missing_columns(columns: object) -> list[str]:
    """Problems with the property columns of the layer."""
    names = set(columns)  # type: ignore[call-overload]
    return [f"no {name!r} property" for name in ("kind", "free_capacity") if name not in names]


def _feature_problems(geometry: np.ndarray, kind: np.ndarray, capacity: np.ndarray) -> list[str]:
    """One line per invalid feature, naming it by its index in the file."""
    problems = []
    type_id = shapely.get_type_id(geometry)
    lineal = (type_id == shapely.GeometryType.LINESTRING) | (
        type_id == shapely.GeometryType.MULTILINESTRING
    )
    for i in range(geometry.shape[0]):
        reasons = []
        if geometry[i] is None or shapely.is_empty(geometry[i]):
            reasons.append("no geometry")
        elif not lineal[i]:
            reasons.append(
                f"geometry is a {geometry[i].geom_type}, expected LineString or MultiLineString"
            )
        if kind[i] not in INFRA_KINDS:
            reasons.append(f"kind {short(kind[i], 40)} is not one of {', '.join(INFRA_KINDS)}")
        reason = _capacity_problem(capacity[i])
        if reason:
            reasons.append(reason)
        if reasons:
            problems.append(f"feature {i}: " + "; ".join(reasons))
    return problems


def _capacity_problem(value: object) -> str:
    """Why ``value`` is not a valid free capacity, ``""`` if it is."""
    if isinstance(value, bool) or value is None:
        return f"free_capacity {short(value, 40)} is not an integer"
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return f"free_capacity {short(value, 40)} is not an integer"
    if not np.isfinite(number) or number != int(number):
        return f"free_capacity {short(value, 40)} is not an integer"
    if number < 0:
        return f"free_capacity {short(value, 40)} is negative"
    if number > MAX_FREE_CAPACITY:
        return f"free_capacity {number:g} is more than {MAX_FREE_CAPACITY} cables"
    return ""


def _raise(path: Path, problems: list[str]) -> None:
    """Raise one :class:`FttxError` listing (at most ``_MAX_PROBLEMS``) problems."""
    shown = problems[:_MAX_PROBLEMS]
    more = len(problems) - len(shown)
    tail = f"; and {more} more" if more else ""
    msg = f"Invalid infrastructure layer {path}: " + "; ".join(shown) + tail
    raise FttxError(msg)


def _to_crs(path: Path, geometry: np.ndarray, source_crs: object, crs: str) -> np.ndarray:
    """Project the geometries from the file's CRS (WGS84 when it declares none)."""
    try:
        source = CRS.from_user_input(source_crs if source_crs is not None else WGS84)
        transformer = Transformer.from_crs(source, CRS.from_user_input(crs), always_xy=True)
    except CRSError:
        msg = f"{path}: cannot project the infrastructure layer to {crs} (unknown or broken CRS)"
        raise FttxError(msg) from None
    projected = transform_geometries(transformer, geometry)
    if not np.isfinite(shapely.get_coordinates(projected)).all():
        msg = f"{path}: coordinates outside the valid area of {crs} (wrong CRS?)"
        raise FttxError(msg)
    return projected


def match_to_streets(
    streets: StreetGraph, layer: InfraLayer, tolerance_m: float = 8.0
) -> InfraMatch:
    """Measure the length of each street edge that runs along existing infrastructure.

    A part of an edge is covered when it lies within ``tolerance_m`` of a
    route of that kind and runs along it (within :data:`MAX_ANGLE_DEG` of
    its direction): a street that merely crosses a duct gains nothing.

    Parameters
    ----------
    streets
        The street graph (same CRS as ``layer``).
    layer
        The infrastructure layer.
    tolerance_m
        Largest distance between a street centreline and a route running
        along it (ducts lie under the pavement, poles beside the road).

    Returns
    -------
    InfraMatch
        Per-edge covered lengths (each at most the edge length) and capacities.

    Raises
    ------
    FttxError
        If ``tolerance_m`` is not positive.
    """
    if not tolerance_m > 0.0:
        msg = f"tolerance_m must be positive, got {tolerance_m}"
        raise FttxError(msg)
    covered = {}
    capacity = {}
    for kind in INFRA_KINDS:
        rows = np.flatnonzero(layer.kind == kind)
        covered[kind], capacity[kind] = _match_kind(
            streets, layer.geometry[rows], layer.free_capacity[rows], tolerance_m
        )
    return InfraMatch(
        duct_m=covered["duct"],
        aerial_m=covered["aerial"],
        duct_free_capacity=capacity["duct"],
        aerial_free_capacity=capacity["aerial"],
    )


def match_warnings(streets: StreetGraph, layer: InfraLayer, match: InfraMatch) -> list[str]:
    """Warn when a layer gives no reuse at all: it lies away from the district, or beside it.

    A layer in the wrong CRS (metres read as degrees, another zone) or of
    another area is read without error but covers no street: the plan would
    silently be the greenfield one.

    Returns
    -------
    list of str
        One warning, or none when some street length runs along the layer.
    """
    if match.total_duct_m + match.total_aerial_m > 0.0 or len(layer) == 0 or streets.n_edges == 0:
        return []
    where = layer.path or "the infrastructure layer"
    layer_box = shapely.box(*shapely.total_bounds(layer.geometry))
    street_box = shapely.box(*shapely.total_bounds(streets.edge_geometry))
    gap_km = float(shapely.distance(layer_box, street_box)) / 1000.0
    if gap_km > 0.0:
        return [
            f"{where}: its {len(layer)} routes lie {gap_km:,.1f} km from the district's streets "
            "(wrong CRS or another area?): 0 km of existing ducts or poles reused"
        ]
    return [
        f"{where}: none of its {len(layer)} routes runs along a street of the district: "
        "0 km of existing ducts or poles reused"
    ]


def _match_kind(
    streets: StreetGraph, lines: np.ndarray, free_capacity: np.ndarray, tolerance_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Covered length and largest capacity per edge, for the routes ``lines`` of one kind."""
    m = streets.n_edges
    covered_m = np.zeros(m)
    capacity = np.zeros(m, dtype=np.int64)
    if m == 0 or lines.size == 0:
        return covered_m, capacity
    # Disjoint corridor polygons, so overlapping routes are not counted twice.
    corridors = shapely.get_parts(shapely.union_all(shapely.buffer(lines, tolerance_m)))
    edges = streets.edge_geometry
    edge_index, corridor_index = shapely.STRtree(corridors).query(edges, predicate="intersects")
    if edge_index.size == 0:
        return covered_m, capacity
    inside = shapely.intersection(edges[edge_index], corridors[corridor_index])
    # Straight segments of the edge parts inside a corridor: each is kept if it
    # runs along its nearest route.
    parts, pair = shapely.get_parts(inside, return_index=True)
    is_line = shapely.get_type_id(parts) == shapely.GeometryType.LINESTRING
    coords, part = shapely.get_coordinates(parts[is_line], return_index=True)
    part_edge = edge_index[pair[is_line]]
    same = (part[1:] == part[:-1]) & (np.abs(coords[1:] - coords[:-1]).sum(axis=1) > 0.0)
    start, end = coords[:-1][same], coords[1:][same]
    segment_edge = part_edge[part[:-1][same]]
    if segment_edge.size == 0:
        return covered_m, capacity
    middle = shapely.points((start + end) / 2.0)
    segment, line = shapely.STRtree(lines).query_nearest(middle, all_matches=False)
    along = _runs_along(end[segment] - start[segment], lines[line], middle[segment])
    segment, line = segment[along], line[along]
    length_m = np.linalg.norm(end[segment] - start[segment], axis=1)
    along_m = np.bincount(segment_edge[segment], weights=length_m, minlength=m)
    np.maximum.at(capacity, segment_edge[segment], free_capacity[line])
    return np.minimum(along_m, streets.edge_length_m), capacity


def _runs_along(direction: np.ndarray, lines: np.ndarray, middle: np.ndarray) -> np.ndarray:
    """Mask of the street segments running along (not across) their nearest route."""
    line_length_m = shapely.length(lines)
    at = shapely.line_locate_point(lines, middle)
    before = np.clip(at - _DIRECTION_STEP_M, 0.0, line_length_m)
    after = np.clip(at + _DIRECTION_STEP_M, 0.0, line_length_m)
    route = shapely.get_coordinates(shapely.line_interpolate_point(lines, after))
    route -= shapely.get_coordinates(shapely.line_interpolate_point(lines, before))
    norm = np.linalg.norm(direction, axis=1) * np.linalg.norm(route, axis=1)
    dot = np.abs((direction * route).sum(axis=1))
    return (norm > 0.0) & (dot >= np.cos(np.radians(MAX_ANGLE_DEG)) * norm)
