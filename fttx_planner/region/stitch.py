"""Stitching the OSM files of a region folder at their borders.

A region folder holds adjacent extracts (tiles, municipalities) that
usually overlap by a strip: a street crossing from one file to the next is
cut at each file's edge, and a building or address near the border is in
both files. :func:`stitch_districts` joins loaded districts into one, so
streets join, each building and address counts once and a service area may
span files; :func:`touching_groups` says which files touch (files that do
not touch stay separate parts of the region, each in its own UTM zone).

Streets are joined where their vertices coincide. Every vertex is keyed by
its OSM position (libosmium's integer coordinates, 1e-7 degree, recovered
exactly from the metric coordinates), so the same OSM node gets the same key
in every file, whatever the file's UTM zone. The parts' edges are cut into
their segments, the segments present in several files kept once, and the
graph simplified again: a vertex is a graph node where the streets branch
or end, where the street class changes, or where every file that has the
vertex makes it a node (a way's end or a junction); a vertex some file has
inside a street (a file's cut end is another file's inner vertex) joins the
two pieces. Buildings are deduplicated by OSM id (a copy at the same place,
within 1 m), address and entrance points by position, land use and barriers
by geometry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from fttx_planner.district import Buildings, District, StreetGraph
from fttx_planner.osm.limits import MAX_EXTENT_KM
from fttx_planner.osm.projection import (
    to_wgs84,
    transform_geometries,
    transform_xy,
    utm_crs_for,
)

#: OSM stores coordinates as integers of 1e-7 degree (libosmium's fixed point).
OSM_COORDINATE_SCALE = 10_000_000
#: Two copies of a building (same OSM id) are one when their centres are this close (m).
SAME_BUILDING_M = 1.0
#: Files whose extents come this close are stitched (m): tiles cut without overlap
#: leave a gap between their last nodes; files farther apart stay separate parts.
TOUCH_MARGIN_M = 1000.0
#: Coordinates of land-use and barrier geometries are compared to this grid (m).
_GEOMETRY_GRID_M = 0.01


def osm_position_keys(crs: str, xy: np.ndarray) -> np.ndarray:
    """One int64 key per point: its OSM position (1e-7 degree integers), as the loader keys nodes.

    Examples
    --------
    >>> from fttx_planner.osm.projection import to_metric
    >>> xy = transform_xy(to_metric("EPSG:32632"), np.array([[9.0, 48.0], [9.0000001, 48.0]]))
    >>> k = osm_position_keys("EPSG:32632", xy)
    >>> int(k[0] >> 32), int(k[1] >> 32), bool(k[0] != k[1])
    (90000000, 90000001, True)
    """
    if len(xy) == 0:
        return np.zeros(0, dtype=np.int64)
    q = np.round(transform_xy(to_wgs84(crs), xy) * OSM_COORDINATE_SCALE).astype(np.int64)
    return (q[:, 0] << 32) | (q[:, 1] & 0xFFFFFFFF)


@dataclasses.dataclass(frozen=True)
class StitchReport:
    """What stitching merged.

    Attributes
    ----------
    files
        Number of districts stitched.
    shared_segments
        Street segments present in more than one file, kept once.
    duplicate_buildings, duplicate_points
        Buildings and address/entrance points dropped as copies.
    """

    files: int
    shared_segments: int
    duplicate_buildings: int
    duplicate_points: int

    def text(self) -> str:
        """One line for the summary."""
        return (
            f"{self.files} files stitched at their borders: {self.shared_segments:,} street "
            f"segments and {self.duplicate_buildings:,} buildings in more than one file kept "
            f"once ({self.duplicate_points:,} duplicate address/entrance points dropped)"
        )


def touching_groups(districts: Sequence[District]) -> list[list[int]]:
    """Indices of the districts whose extents (lon/lat boxes) overlap or touch, grouped.

    Extents within :data:`TOUCH_MARGIN_M` of each other touch.

    Returns
    -------
    list of list of int
        Groups in order of their first district, each sorted.
    """
    boxes = [_lonlat_box(d) for d in districts]
    parent = list(range(len(districts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(boxes):
        for j in range(i):
            b = boxes[j]
            if a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(districts)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _lonlat_box(d: District) -> tuple[float, float, float, float]:
    """The district's extent in degrees, grown by half the touch margin on each side."""
    x0, y0, x1, y1 = d.bounds_xy
    m = TOUCH_MARGIN_M / 2
    corners = np.array([[x0 - m, y0 - m], [x0 - m, y1 + m], [x1 + m, y0 - m], [x1 + m, y1 + m]])
    ll = transform_xy(to_wgs84(d.crs), corners)
    lo, hi = ll.min(axis=0), ll.max(axis=0)
    return (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))


def stitch_districts(
    parts: Sequence[District], name: str, source: str
) -> tuple[District, StitchReport]:
    """Join adjacent districts into one at their borders.

    Parameters
    ----------
    parts
        Districts loaded from adjacent (possibly overlapping) OSM extracts.
    name, source
        Name and source of the joined district.

    Returns
    -------
    tuple of District and StitchReport
        The joined district (in the parts' common CRS, or the UTM zone of
        their streets' median when they differ) and what was merged.

    Raises
    ------
    ValueError
        No parts.
    """
    if not parts:
        msg = "nothing to stitch"
        raise ValueError(msg)
    crs = _common_crs(parts)
    exact = all(p.crs == crs for p in parts)
    parts = [_to_crs(p, crs) for p in parts]
    streets, shared = _stitch_streets([p.streets for p in parts], crs)
    buildings, dup_b = _stitch_buildings([p.buildings for p in parts])
    report_points = [0]
    changes: dict[str, Any] = {
        "name": name, "crs": crs, "streets": streets, "buildings": buildings, "olt_xy": None,
        "source": source, "attribution": parts[0].attribution,
        "warnings": [f"{p.name}: {w}" for p in parts for w in p.warnings],
    }  # fmt: skip
    for f in dataclasses.fields(District):
        if f.name not in changes:
            layers = [getattr(p, f.name) for p in parts]
            changes[f.name] = _merge_layer(layers, crs, report_points, exact)
    district = District(**changes)
    return district, StitchReport(len(parts), shared, dup_b, report_points[0])


def check_extent(district: District, files: Sequence[str]) -> str | None:
    """The problem when a stitched region is wider than one UTM zone allows, else ``None``."""
    x0, y0, x1, y1 = district.bounds_xy
    km = max(x1 - x0, y1 - y0) / 1000
    if km <= MAX_EXTENT_KM:
        return None
    return (
        f"the touching files {', '.join(files)} form a region {km:,.0f} km wide, more than the "
        f"{MAX_EXTENT_KM:.0f} km one metric projection (UTM zone) allows: put distant parts in "
        "files that do not touch, or plan them as separate regions"
    )


def _common_crs(parts: Sequence[District]) -> str:
    crss = {p.crs for p in parts}
    if len(crss) == 1:
        return parts[0].crs
    lonlat = np.vstack([transform_xy(to_wgs84(p.crs), p.streets.node_xy) for p in parts])
    lon, lat = np.median(lonlat, axis=0)
    return utm_crs_for(float(lon), float(lat))


def _to_crs(district: District, crs: str) -> District:
    """The district in another metric CRS (every coordinate array and geometry)."""
    if district.crs == crs:
        return district
    tf = Transformer.from_crs(district.crs, crs, always_xy=True)
    streets = _reprojected(district.streets, tf)
    assert isinstance(streets, StreetGraph)
    streets = dataclasses.replace(
        streets, edge_length_m=np.asarray(shapely.length(streets.edge_geometry), dtype=float)
    )
    changes: dict[str, Any] = {"crs": crs, "streets": streets}
    for f in dataclasses.fields(district):
        if f.name not in changes:
            changes[f.name] = _reprojected(getattr(district, f.name), tf)
    if district.olt_xy is not None:
        changes["olt_xy"] = tuple(transform_xy(tf, np.array([district.olt_xy]))[0])
    return dataclasses.replace(district, **changes)


def _reprojected(value: object, tf: Transformer) -> object:
    if isinstance(value, np.ndarray):
        if value.ndim == 2 and value.shape[1] == 2 and value.dtype.kind == "f":
            return transform_xy(tf, value)
        if value.dtype == object and len(value) and isinstance(value[0], shapely.Geometry):
            return transform_geometries(tf, value)
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _reprojected(getattr(value, f.name), tf) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


# --- streets -------------------------------------------------------------------------------

#: Street graph fields rebuilt by the stitching (the other ``edge_*`` fields are carried).
_STREET_BUILT = ("node_xy", "node_osm_id", "edge_u", "edge_v", "edge_length_m", "edge_geometry")


def _stitch_streets(graphs: Sequence[StreetGraph], crs: str) -> tuple[StreetGraph, int]:
    """One street graph from the parts' graphs; and the number of segments shared."""
    # Every coordinate row of every edge, with its edge (numbered across the parts).
    xy_parts, edge_parts, osm_first, osm_last = [], [], [], []
    offset = 0
    for g in graphs:
        xy, idx = shapely.get_coordinates(g.edge_geometry, return_index=True)
        xy_parts.append(xy)
        edge_parts.append(idx + offset)
        osm_first.append(g.node_osm_id[g.edge_u])
        osm_last.append(g.node_osm_id[g.edge_v])
        offset += g.n_edges
    xy = np.vstack(xy_parts) if xy_parts else np.zeros((0, 2))
    edge = np.concatenate(edge_parts)
    edge_part = np.repeat(np.arange(len(graphs)), [g.n_edges for g in graphs])
    attrs = _edge_attributes(graphs)
    first = np.ones(len(edge), dtype=bool)
    first[1:] = edge[1:] != edge[:-1]
    last = np.ones(len(edge), dtype=bool)
    last[:-1] = edge[1:] != edge[:-1]

    # Vertices: one per OSM position, in the loader's node order (by position key).
    keys, row_first, vertex = np.unique(
        osm_position_keys(crs, xy), return_index=True, return_inverse=True
    )
    n_v = len(keys)
    vertex_xy = xy[row_first]
    interior = np.zeros(n_v, dtype=bool)
    interior[vertex[~first & ~last]] = True
    vertex_osm = np.full(n_v, 0, dtype=np.int64)
    has_osm = np.zeros(n_v, dtype=bool)
    for rows, ids in ((first, np.concatenate(osm_first)), (last, np.concatenate(osm_last))):
        vertex_osm[vertex[rows]] = ids
        has_osm[vertex[rows]] = True

    # Segments, each kept once (a trench-carrying copy first, as the loader does).
    r = np.flatnonzero(~last)
    a, b, seg_edge = vertex[r], vertex[r + 1], edge[r]
    keep = a != b
    a, b, seg_edge = a[keep], b[keep], seg_edge[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    whole_view = _ends_with_both_sides(edge_part[seg_edge], lo, hi, n_v, edge_part[edge], vertex,
                                       first | last)  # fmt: skip
    trench = np.asarray(attrs["edge_trench"], dtype=bool)[seg_edge]
    order = np.lexsort((~trench, hi, lo))
    uniq = np.ones(len(order), dtype=bool)
    uniq[1:] = (lo[order][1:] != lo[order][:-1]) | (hi[order][1:] != hi[order][:-1])
    shared = int((~uniq).sum())
    kept = np.sort(order[uniq])  # in the parts' order
    a, b, seg_edge = a[kept], b[kept], seg_edge[kept]

    # Graph nodes: branches and ends, class changes, and the ends of streets a file holds
    # on both sides of the vertex; a vertex some file has inside a street, or that
    # files hold only as the cut end of one side, joins its two pieces.
    ends = np.concatenate([a, b])
    degree = np.bincount(ends, minlength=n_v)
    signature = _signature(attrs)[np.concatenate([seg_edge, seg_edge])]
    s_min = np.full(n_v, np.iinfo(np.int64).max)
    s_max = np.full(n_v, -1)
    np.minimum.at(s_min, ends, signature)
    np.maximum.at(s_max, ends, signature)
    is_node = (degree != 2) | (s_min != s_max) | (~interior & whole_view)

    chains, chain_seg = _chains(a, b, degree, is_node)
    rank = np.argsort(chain_seg, kind="stable").tolist()
    chains = [chains[i] for i in rank]
    chain_seg = [chain_seg[i] for i in rank]
    # A closed street with one node is cut at its middle vertex, as the loader does.
    closed = [i for i, c in enumerate(chains) if c[0] == c[-1]]
    for i in reversed(closed):
        c = chains[i]
        mid = (len(c) - 1) // 2
        chains[i : i + 1] = [c[: mid + 1], c[mid:]]
        chain_seg[i : i + 1] = [chain_seg[i], chain_seg[i]]
    lengths = np.array([len(c) for c in chains], dtype=np.int64)
    flat = np.fromiter((v for c in chains for v in c), dtype=np.int64, count=int(lengths.sum()))
    geometry = np.asarray(
        shapely.linestrings(vertex_xy[flat], indices=np.repeat(np.arange(len(chains)), lengths)),
        dtype=object,
    ) if len(chains) else np.zeros(0, dtype=object)  # fmt: skip
    length_m = np.asarray(shapely.length(geometry), dtype=float)
    starts = np.cumsum(lengths) - lengths
    u_v, v_v = flat[starts], flat[starts + lengths - 1]
    ok = (length_m > 0) & (u_v != v_v)
    u_v, v_v, geometry, length_m = u_v[ok], v_v[ok], geometry[ok], length_m[ok]
    src = seg_edge[np.asarray(chain_seg, dtype=np.int64)][ok]

    nodes = np.unique(np.concatenate([u_v, v_v]))
    renum = np.full(n_v, -1, dtype=np.int64)
    renum[nodes] = np.arange(len(nodes))
    fields: dict[str, Any] = {
        "node_xy": vertex_xy[nodes].reshape(-1, 2),
        "node_osm_id": np.where(has_osm[nodes], vertex_osm[nodes], -1 - np.arange(len(nodes))),
        "edge_u": renum[u_v], "edge_v": renum[v_v], "edge_length_m": length_m,
        "edge_geometry": geometry,
    }  # fmt: skip
    for name, value in attrs.items():
        fields[name] = None if value is None else value[src]
    graph = StreetGraph(**fields)
    graph.validate()
    return graph, shared


def _ends_with_both_sides(
    seg_part: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    n_v: int,
    row_part: np.ndarray,
    row_vertex: np.ndarray,
    end_rows: np.ndarray,
) -> np.ndarray:
    """``(n_v,)``: the vertex ends an edge in a file that holds two or more segments at it.

    A file's edge ending at a vertex with a single segment there may be cut
    at the file's edge; with both sides present the end is the data's own
    (a way's end or a junction).
    """
    per_part = np.unique(np.column_stack([seg_part, lo, hi]), axis=0)
    at = np.concatenate(
        [per_part[:, 0] * n_v + per_part[:, 1], per_part[:, 0] * n_v + per_part[:, 2]]
    )
    keys, count = np.unique(at, return_counts=True)
    ends = np.unique(row_part[end_rows] * n_v + row_vertex[end_rows])
    out = np.zeros(n_v, dtype=bool)
    out[np.intersect1d(ends, keys[count >= 2]) % n_v] = True
    return out


def _edge_attributes(graphs: Sequence[StreetGraph]) -> dict[str, np.ndarray | None]:
    """Every carried ``edge_*`` field of the parts, concatenated (``None`` if no part has it)."""
    out: dict[str, np.ndarray | None] = {}
    for f in dataclasses.fields(StreetGraph):
        if not f.name.startswith("edge_") or f.name in _STREET_BUILT:
            continue
        values = [getattr(g, f.name) for g in graphs]
        if all(v is None for v in values):
            out[f.name] = None
        elif f.name == "edge_structure":
            out[f.name] = np.concatenate([g.structure() for g in graphs])
        else:
            out[f.name] = np.concatenate(values)
    return out


def _signature(attrs: dict[str, np.ndarray | None]) -> np.ndarray:
    """One integer per edge: edges with equal carried attributes get the same one."""
    columns = [np.asarray(v).astype(str) for v in attrs.values() if v is not None]
    if not columns:
        return np.zeros(0, dtype=np.int64)
    joined = columns[0].astype(object)
    for c in columns[1:]:
        joined = joined + "\x1f" + c.astype(object)
    return np.unique(joined.astype(str), return_inverse=True)[1].astype(np.int64)


def _chains(
    a: np.ndarray, b: np.ndarray, degree: np.ndarray, is_node: np.ndarray
) -> tuple[list[list[int]], list[int]]:
    """Walk the segments from node to node.

    Returns the vertices of each edge, in the direction of its first segment
    (its way's direction, as the loader draws it), and the earliest segment
    of each (edges are ordered by it, so each file's edges keep their order).
    """
    ends = np.concatenate([a, b])
    order = np.argsort(ends, kind="stable")
    seg_of = (order % len(a)).tolist()
    ptr = np.concatenate([[0], np.cumsum(degree)]).tolist()
    al, bl = a.tolist(), b.tolist()
    node = is_node.tolist()
    used = bytearray(len(a))
    chains: list[list[int]] = []
    first_seg: list[int] = []

    def walk(start: int, s: int) -> None:
        chain = [start]
        cur = start
        forward = al[s] == start
        earliest = s
        while True:
            used[s] = 1
            earliest = min(earliest, s)
            cur = bl[s] if al[s] == cur else al[s]
            chain.append(cur)
            if node[cur]:
                break
            p = ptr[cur]
            s = seg_of[p] if seg_of[p] != s else seg_of[p + 1]
            if used[s]:  # a ring without a node, closed
                break
        chains.append(chain if forward else chain[::-1])
        first_seg.append(earliest)

    for v in np.flatnonzero(is_node & (degree > 0)).tolist():
        for p in range(ptr[v], ptr[v + 1]):
            if not used[seg_of[p]]:
                walk(v, seg_of[p])
    for s in range(len(a)):  # rings with no node: start at their first vertex
        if not used[s]:
            node[al[s]] = True
            walk(al[s], s)
    return chains, first_seg


# --- buildings and context layers -------------------------------------------------------------


def _stitch_buildings(parts: Sequence[Buildings]) -> tuple[Buildings, int]:
    """The parts' buildings, each OSM building once; and the number of copies dropped."""
    n = sum(len(b) for b in parts)
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(Buildings):
        values = [getattr(b, f.name) for b in parts]
        if all(v is None for v in values):
            changes[f.name] = None
        else:
            changes[f.name] = np.concatenate([b.column(f.name) for b in parts])
    if n == 0:
        return Buildings(**changes), 0
    merged = Buildings(**changes)
    ids = merged.osm_id
    xy = merged.centroid_xy
    # The loader's order: ways by id, then relations (negative ids) by relation id.
    order = np.lexsort((np.abs(ids), ids < 0))
    sid = ids[order]
    group_start = np.ones(n, dtype=bool)
    group_start[1:] = sid[1:] != sid[:-1]
    head = order[np.maximum.accumulate(np.where(group_start, np.arange(n), 0))]
    close = np.hypot(*(xy[order] - xy[head]).T) <= SAME_BUILDING_M
    same = ~group_start & close
    keep = order[~same]
    rows = {
        name: (value[keep] if isinstance(value, np.ndarray) and value.shape[:1] == (n,) else value)
        for name, value in changes.items()
    }
    return Buildings(**rows), int(same.sum())


def _merge_layer(values: list[Any], crs: str, dropped: list[int], exact: bool) -> Any:
    """A context layer of every part, concatenated, each object once."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    head = present[0]
    if isinstance(head, np.ndarray) and head.ndim == 2 and head.shape[1] == 2:
        xy = np.vstack(present)
        keep = _first_of(osm_position_keys(crs, xy), _part_of([len(v) for v in present]))
        dropped[0] += len(xy) - len(keep)
        return xy[keep]
    if not dataclasses.is_dataclass(head) or isinstance(head, type):
        return head
    n_rows = [_n_rows(v) for v in present]
    changes: dict[str, Any] = {}
    row_fields = []
    for f in dataclasses.fields(head):
        vals = [getattr(v, f.name) for v in present]
        if all(
            isinstance(x, np.ndarray) and x.shape[:1] == (n,)
            for x, n in zip(vals, n_rows, strict=True)
        ):
            changes[f.name] = np.concatenate(vals)
            row_fields.append(f.name)
        elif all(isinstance(x, str) for x in vals):
            changes[f.name] = "; ".join(dict.fromkeys(x for x in vals if x))
        else:
            changes[f.name] = vals[0]
    key = _row_keys(changes, row_fields, crs, exact)
    keep = _first_of(key, _part_of(n_rows))
    if "xy" in changes:
        dropped[0] += len(key) - len(keep)
    for name in row_fields:
        changes[name] = changes[name][keep]
    return dataclasses.replace(head, **changes)


def _n_rows(layer: object) -> int:
    for name in ("xy", "geometry"):
        value = getattr(layer, name, None)
        if isinstance(value, np.ndarray):
            return int(value.shape[0])
    return len(layer)  # type: ignore[arg-type]


def _row_keys(columns: dict[str, Any], row_fields: list[str], crs: str, exact: bool) -> np.ndarray:
    """A 64-bit hash per row of its position or geometry and its other values.

    ``exact``: the parts were in one CRS, so copies of an object have the same
    coordinates; else geometries are compared on a 1 cm grid.
    """
    frame = pd.DataFrame(index=np.arange(len(columns[row_fields[0]])) if row_fields else None)
    for name in row_fields:
        value = columns[name]
        if name == "xy":
            frame[name] = osm_position_keys(crs, value)
        elif value.dtype == object and len(value) and isinstance(value[0], shapely.Geometry):
            geometry = shapely.normalize(value)
            if not exact:
                geometry = shapely.set_precision(geometry, _GEOMETRY_GRID_M)
            frame[name] = shapely.to_wkb(geometry)
        elif value.ndim == 1:
            frame[name] = value
    if frame.shape[1] == 0:
        return np.arange(len(frame), dtype=np.uint64)
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def _part_of(n_rows: list[int]) -> np.ndarray:
    """The part of each row of concatenated layers."""
    return np.repeat(np.arange(len(n_rows)), n_rows)


def _first_of(key: np.ndarray, part: np.ndarray) -> np.ndarray:
    """Rows whose key no earlier part has (copies within one part are distinct objects).

    Examples
    --------
    >>> _first_of(np.array([5, 5, 7, 5, 8]), np.array([0, 0, 1, 1, 1])).tolist()
    [0, 1, 2, 4]
    """
    if len(key) == 0:
        return np.zeros(0, dtype=np.int64)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return np.flatnonzero(part == part[first][inverse])
