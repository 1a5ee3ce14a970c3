"""Vectorised geometry for the OSM loader: street topology and building footprints.

Works on the flat arrays collected by :mod:`fttx_planner.osm._handlers`; no
Python loop runs per node or per edge.

Street topology
    Graph nodes are the end points of highway ways and the nodes shared by two
    or more ways (or met twice by one way). OSM nodes at exactly the same
    coordinates are one graph node (two unconnected nodes on top of each
    other are a mapping slip, and keeping them apart would leave a
    zero-length gap). Each edge runs between two consecutive graph nodes
    along one way and keeps the way's full geometry. Ways are cut at nodes
    missing from the file, keeping the parts between them. A closed way that
    touches the rest of the graph at one node only (a roundabout, a loop
    street) would be a self-loop: it is cut at its middle vertex into two
    parallel edges, so its geometry, and the buildings along it, stay
    reachable. A way mapped twice (two edges with the same end nodes and the
    same length to 1 cm) is kept once, preferring the trench class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from fttx_planner.district import (
    TRENCH_HIGHWAYS,
    AddressPoints,
    Barriers,
    Buildings,
    LandUse,
    StreetGraph,
)
from fttx_planner.osm._handlers import UNDEFINED_COORDINATE, RawOsm
from fttx_planner.osm.limits import unreadable_tag_warning
from fttx_planner.osm.links import trench_links
from fttx_planner.osm.projection import to_metric, transform_geometries, transform_xy

#: libosmium fixed-point coordinates per degree.
COORDINATE_PRECISION = 10_000_000

_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
_RANGE = re.compile(r"(\d+)\s*-\s*(\d+)")
#: Longest flat-number range taken as a count (beyond it, a typo or a code).
_MAX_RANGE = 1000
#: A number with a decimal point or comma and an exponent (``1e9`` is a billion, not 1).
_NUMBER_TEXT = r"\s*\+?(\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?)"
_NUMBER = re.compile(_NUMBER_TEXT)
_ONE_NUMBER = re.compile(_NUMBER_TEXT + r"\s*")


@dataclass(frozen=True)
class StreetNotes:
    """What building the street graph dropped or repaired, for the load warnings."""

    ways_missing_nodes: int
    ways_dropped: int
    duplicate_edges: int
    n_components: int
    share_outside_largest: float


@dataclass(frozen=True)
class BuildingNotes:
    """What building the footprints dropped or repaired, for the load warnings."""

    repaired: int
    dropped: int
    #: Warnings for tag values that are not one number (``building:levels=3;4``), ignored.
    unreadable: tuple[str, ...] = ()


def highway_lonlat(raw: RawOsm) -> np.ndarray:
    """Return the ``(n, 2)`` lon/lat of every highway node reference present in the file."""
    nodes, _ = raw.highway_arrays()
    nodes = nodes[nodes[:, 1] != UNDEFINED_COORDINATE]
    return nodes[:, 1:3] / COORDINATE_PRECISION


def build_street_graph(raw: RawOsm, crs: str) -> tuple[StreetGraph, StreetNotes]:
    """Build the simplified street graph of the kept highway ways, in ``crs``.

    Parameters
    ----------
    raw
        The read pass's output.
    crs
        The metric CRS to project to.

    Returns
    -------
    tuple of StreetGraph and StreetNotes
        The graph (possibly empty) and what was dropped on the way.
    """
    nodes, way = raw.highway_arrays()
    valid = nodes[:, 1] != UNDEFINED_COORDINATE
    missing_ways = np.unique(way[~valid])

    # Parts of ways between missing nodes; a part starts at a new way or after a hole.
    starts = np.ones(nodes.shape[0], dtype=bool)
    starts[1:] = (way[1:] != way[:-1]) | ~valid[:-1]
    nodes, way, starts = nodes[valid], way[valid], starts[valid]
    part = np.cumsum(starts) - 1
    key = (nodes[:, 1] << 32) | (nodes[:, 2] & 0xFFFFFFFF)  # one graph node per location

    repeated = np.zeros(key.shape[0], dtype=bool)
    repeated[1:] = (key[1:] == key[:-1]) & (part[1:] == part[:-1])
    nodes, way, part, key = nodes[~repeated], way[~repeated], part[~repeated], key[~repeated]
    long_enough = np.bincount(part, minlength=int(part.max(initial=-1)) + 1)[part] >= 2
    nodes, way, part, key = (
        nodes[long_enough],
        way[long_enough],
        part[long_enough],
        key[long_enough],
    )
    ways_dropped = int(np.setdiff1d(missing_ways, way).size)

    segment_start, segment_end = _segments(part, key)
    xy_m = transform_xy(to_metric(crs), nodes[:, 1:3] / COORDINATE_PRECISION)
    geometry, length_m = _linestrings(xy_m, segment_start, segment_end)

    highway = np.asarray(raw.way_highway, dtype=object)[way[segment_start]]
    structures = raw.way_structure if len(raw.way_structure) == len(raw.way_id) else []
    structure = np.asarray(_tags(structures, len(raw.way_id)), dtype=object)[way[segment_start]]
    trench = np.isin(highway, list(TRENCH_HIGHWAYS))
    ends = np.concatenate([segment_start, segment_end])
    _, first, inverse = np.unique(key[ends], return_index=True, return_inverse=True)
    n_segments = segment_start.shape[0]
    edge_u, edge_v = inverse[:n_segments], inverse[n_segments:]

    keep = _unique_edges(edge_u, edge_v, length_m, trench) & (length_m > 0.0) & (edge_u != edge_v)
    # Paths that join separate street networks carry the trench (osm.links).
    trench = trench.copy()
    kept = np.flatnonzero(keep)
    trench[kept] |= trench_links(
        len(first), edge_u[kept], edge_v[kept], length_m[kept], trench[kept], highway[kept]
    )
    graph = StreetGraph(
        node_xy=xy_m[ends[first]].reshape(-1, 2),
        node_osm_id=nodes[ends[first], 0].astype(np.int64),
        edge_u=edge_u[keep].astype(np.int64),
        edge_v=edge_v[keep].astype(np.int64),
        edge_length_m=length_m[keep],
        edge_highway=highway[keep],
        edge_geometry=geometry[keep],
        edge_trench=trench[keep],
        edge_structure=structure[keep],
    )
    graph.validate()
    n_components, share = _components(graph)
    notes = StreetNotes(
        ways_missing_nodes=int(missing_ways.size),
        ways_dropped=ways_dropped,
        duplicate_edges=int(n_segments - keep.sum()),
        n_components=n_components,
        share_outside_largest=share,
    )
    return graph, notes


def _segments(part: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the first and last row of each edge: rows between consecutive graph nodes."""
    n = key.shape[0]
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    split = np.zeros(n, dtype=bool)
    split[0] = split[-1] = True
    split[1:] |= part[1:] != part[:-1]
    split[:-1] |= part[1:] != part[:-1]
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    split |= counts[inverse] >= 2
    while True:  # at most twice: cutting a loop at its middle makes no new loop
        rows = np.flatnonzero(split)
        same = part[rows[:-1]] == part[rows[1:]]
        start, end = rows[:-1][same], rows[1:][same]
        loops = key[start] == key[end]
        if not loops.any():
            return start, end
        split[(start[loops] + end[loops]) // 2] = True


def _linestrings(
    xy_m: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the LineStrings over rows ``start..end`` (inclusive) and their lengths."""
    n_points = end - start + 1
    offset = np.cumsum(n_points) - n_points
    rows = np.arange(int(n_points.sum())) + np.repeat(start - offset, n_points)
    if rows.size == 0:
        return np.zeros(0, dtype=object), np.zeros(0)
    geometry = shapely.linestrings(xy_m[rows], indices=np.repeat(np.arange(start.size), n_points))
    return np.asarray(geometry, dtype=object), np.asarray(shapely.length(geometry), dtype=float)


def _unique_edges(
    edge_u: np.ndarray, edge_v: np.ndarray, length_m: np.ndarray, trench: np.ndarray
) -> np.ndarray:
    """Mask keeping one edge of each group with the same end nodes and length (to 1 cm)."""
    keep = np.zeros(edge_u.shape[0], dtype=bool)
    if edge_u.size == 0:
        return keep
    lo, hi = np.minimum(edge_u, edge_v), np.maximum(edge_u, edge_v)
    length_cm = np.round(length_m * 100.0).astype(np.int64)
    order = np.lexsort((~trench, length_cm, hi, lo))  # trench edges first within a group
    table = np.column_stack([lo, hi, length_cm])[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = (table[1:] != table[:-1]).any(axis=1)
    keep[order[first]] = True
    return keep


def _components(graph: StreetGraph) -> tuple[int, float]:
    """Return the number of connected parts and the share of length outside the longest."""
    if graph.n_edges == 0:
        return 0, 0.0
    n = graph.n_nodes
    ones = np.ones(graph.n_edges)
    adjacency = coo_matrix((ones, (graph.edge_u, graph.edge_v)), shape=(n, n))
    _, label = connected_components(adjacency, directed=False)
    used = np.unique(np.concatenate([label[graph.edge_u], label[graph.edge_v]]))
    length_by_part = np.bincount(label[graph.edge_u], weights=graph.edge_length_m, minlength=n)
    total = float(length_by_part.sum())
    share = 1.0 - float(length_by_part.max()) / total if total > 0.0 else 0.0
    return int(used.size), share


def build_buildings(raw: RawOsm, crs: str) -> tuple[Buildings, BuildingNotes]:
    """Build the building footprints in ``crs``, repairing invalid polygons.

    Parameters
    ----------
    raw
        The read pass's output.
    crs
        The metric CRS to project to.

    Returns
    -------
    tuple of Buildings and BuildingNotes
        The buildings (possibly empty) and how many were repaired or dropped.
    """
    geometry = np.asarray(shapely.from_wkb(raw.building_wkb), dtype=object).reshape(-1)
    n = geometry.shape[0]
    geometry = transform_geometries(to_metric(crs), geometry)
    single = shapely.get_num_geometries(geometry) == 1
    geometry[single] = shapely.get_geometry(geometry[single], 0)

    invalid = np.flatnonzero(~shapely.is_valid(geometry))
    for i in invalid:
        geometry[i] = _polygonal_part(shapely.make_valid(geometry[i]))
    keep = ~shapely.is_empty(geometry) & (shapely.area(geometry) > 0.0)
    osm_id = np.asarray(raw.building_id, dtype=np.int64)[keep]
    levels_text = np.asarray(raw.building_levels, dtype=object)[keep]
    roof_text = np.asarray(_tags(raw.building_roof_levels, n), dtype=object)[keep]
    levels = np.array([parse_levels(s) for s in levels_text], dtype=float)
    roof_levels = np.array([parse_levels(s) for s in roof_text], dtype=float)
    unreadable = tuple(
        warning
        for tag, text, values in (
            ("building:levels", levels_text, levels),
            ("roof:levels", roof_text, roof_levels),
        )
        if (warning := unreadable_tag_warning(tag, osm_id, text, values)) is not None
    )
    buildings = Buildings(
        osm_id=osm_id,
        footprint=geometry[keep],
        building=np.asarray(raw.building_value, dtype=object)[keep],
        levels=levels,
        flats=np.array([parse_number(s) for s in raw.building_flats], dtype=float)[keep],
        name=np.asarray(raw.building_name, dtype=object)[keep],
        height_m=np.array([parse_number(s) for s in _tags(raw.building_height, n)])[keep],
        roof_levels=roof_levels,
        addresses=np.array(
            [count_listed(s, ranges=False) for s in _tags(raw.building_housenumber, n)],
            dtype=np.int64,
        )[keep],
        use=np.asarray(_tags(raw.building_use, n), dtype=object)[keep],
    )
    flats = np.array([count_listed(s) for s in _tags(raw.building_addr_flats, n)], dtype=float)
    # addr:flats lists the flats (``1-12``): their count stands in for building:flats.
    use_addr = ~np.isfinite(buildings.flats) & (flats[keep] > 0)
    buildings.flats[use_addr] = flats[keep][use_addr]
    dropped = int((~keep).sum())
    notes = BuildingNotes(repaired=int(keep[invalid].sum()), dropped=dropped, unreadable=unreadable)
    return buildings, notes


def _tags(values: list[str], n: int) -> list[str]:
    """A tag column of ``n`` values (a reader that did not collect it leaves it short)."""
    return values if len(values) == n else [*values[:n], *[""] * (n - len(values))]


def build_context(raw: RawOsm, crs: str) -> tuple[AddressPoints, LandUse]:
    """Address nodes and land-use areas in ``crs``, the context of the demand estimate."""
    xy = np.column_stack([raw.address_x, raw.address_y]).astype(float).reshape(-1, 2)
    xy_m = transform_xy(to_metric(crs), xy / COORDINATE_PRECISION) if len(xy) else xy
    addresses = AddressPoints(
        xy=np.asarray(xy_m, dtype=float).reshape(-1, 2),
        business=np.asarray(raw.address_business, dtype=bool),
    )
    geometry = np.asarray(shapely.from_wkb(raw.landuse_wkb), dtype=object).reshape(-1)
    if geometry.size:
        geometry = transform_geometries(to_metric(crs), geometry)
        geometry = shapely.make_valid(geometry)
    keep = ~shapely.is_empty(geometry) & (shapely.area(geometry) > 0.0)
    landuse = LandUse(
        geometry=geometry[keep], value=np.asarray(raw.landuse_value, dtype=object)[keep]
    )
    return addresses, landuse


def build_ground(raw: RawOsm, crs: str) -> tuple[np.ndarray, Barriers]:
    """Entrance nodes and ground barriers (railways, rivers, water, motorways) in ``crs``."""
    xy = np.column_stack([raw.entrance_x, raw.entrance_y]).astype(float).reshape(-1, 2)
    entrances = transform_xy(to_metric(crs), xy / COORDINATE_PRECISION) if len(xy) else xy
    geometry = np.asarray(shapely.from_wkb(raw.barrier_wkb), dtype=object).reshape(-1)
    if geometry.size:
        geometry = transform_geometries(to_metric(crs), geometry)
        geometry = shapely.make_valid(geometry)
    keep = ~shapely.is_empty(geometry) if geometry.size else np.zeros(0, dtype=bool)
    barriers = Barriers(
        geometry=geometry[keep], kind=np.asarray(raw.barrier_kind, dtype=object)[keep]
    )
    return np.asarray(entrances, dtype=float).reshape(-1, 2), barriers


def count_listed(text: str, ranges: bool = True) -> int:
    """Count the items of an OSM list value (``;`` or ``,`` separated), ranges expanded.

    Parameters
    ----------
    text
        A value such as ``addr:flats=1-12`` or ``addr:housenumber=12;14``.
    ranges
        Count ``a-b`` as ``b - a + 1`` items (flat numbers); else as one
        (a house number such as ``12-14`` is often one building's number).

    Examples
    --------
    >>> count_listed("1-12"), count_listed("1;2;5"), count_listed("3"), count_listed("")
    (12, 3, 1, 0)
    >>> count_listed("12;14", ranges=False), count_listed("12-14", ranges=False)
    (2, 1)
    >>> count_listed("1-99999"), count_listed("b-a")
    (1, 1)
    """
    count = 0
    for part in re.split(r"[;,]", text):
        item = part.strip()
        if not item:
            continue
        bounds = _RANGE.fullmatch(item) if ranges else None
        if bounds is not None:
            low, high = int(bounds.group(1)), int(bounds.group(2))
            # Absurd ranges (typos, postcodes) count as one listed item.
            count += high - low + 1 if 0 <= high - low < _MAX_RANGE else 1
        else:
            count += 1
    return count


def _polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a (repaired) geometry as a Polygon or MultiPolygon, maybe empty."""
    parts = shapely.get_parts(geometry)  # members of a collection
    parts = shapely.get_parts(parts[np.isin(shapely.get_type_id(parts), _POLYGONAL)])
    parts = parts[shapely.area(parts) > 0.0]
    if parts.size == 1:
        return parts[0]
    return shapely.multipolygons(parts)


def parse_number(text: str) -> float:
    """Parse the first number of an OSM tag value, NaN when there is none.

    Parameters
    ----------
    text
        A tag value such as ``building:levels``.

    Returns
    -------
    float
        The number at the start of the value (a decimal comma counts as a
        point), or NaN for an empty or unreadable value.

    Examples
    --------
    >>> parse_number("3"), parse_number("2.5"), parse_number("3;4"), parse_number(" 2,5 ")
    (3.0, 2.5, 3.0, 2.5)
    >>> parse_number("1e9"), parse_number("12 m"), parse_number("12e")
    (1000000000.0, 12.0, 12.0)
    >>> parse_number(""), parse_number("many"), parse_number("-1")
    (nan, nan, nan)
    """
    match = _NUMBER.match(text)
    return float(match.group(1).replace(",", ".")) if match else float("nan")


def parse_levels(text: str) -> float:
    """Parse a ``building:levels`` or ``roof:levels`` value that must be one number.

    Unlike :func:`parse_number`, nothing may follow the number: ``3;4``
    (two values), ``12e`` (a broken exponent) or ``3 floors`` are no number
    of levels, and reading their first digits would be a guess.

    Parameters
    ----------
    text
        The tag value.

    Returns
    -------
    float
        The number (a decimal comma counts as a point, ``1e3`` is 1000), or
        NaN for an empty value or one that is not one number
        (:func:`~fttx_planner.osm.limits.unreadable_tag_warning` counts those).

    Examples
    --------
    >>> parse_levels("3"), parse_levels(" 2,5 "), parse_levels("1e9"), parse_levels("1E2")
    (3.0, 2.5, 1000000000.0, 100.0)
    >>> parse_levels(""), parse_levels("3;4"), parse_levels("12e"), parse_levels("-1")
    (nan, nan, nan, nan)
    """
    match = _ONE_NUMBER.fullmatch(text)
    return float(match.group(1).replace(",", ".")) if match else float("nan")
