"""The ``crossings`` map layer: where the bill of materials' crossings are dug or bored.

One point per ``road_crossing`` and ``barrier_crossing`` of the bill of
materials (:mod:`fttx_planner.costing.bom`), counted the same way, so a crew
finds on the map every crossing it is paid for:

``drop``
    A drop to a building on the far side of a main road
    (:attr:`Crossings.building_crossing <fttx_planner.network.crossings.Crossings>`):
    the point is the drop's tap, where the drop leaves the main road's
    centreline (a tap lies on it), so the crossing runs from there across
    the carriageway.
``far_side``
    A second trench along the far side of a main-road edge
    (``Crossings.side_street``): one point where it is joined across the
    road, at the start of its span on the centreline (its cost does not
    depend on where), and the trench itself as a line, the span of the far
    taps cut from the street and offset :data:`FAR_SIDE_OFFSET_M` to the far
    side (item ``trench_footway``, priced per metre; a span of zero length
    has no line).
``junction``
    A design's trench crossing a main road at a junction
    (:func:`~fttx_planner.network.crossings.junction_crossings`), counted
    only with joints (``params.joints``), as the bill of materials counts
    them: one point per crossing at the junction node.
``barrier``
    A drop across a barrier (railway, river, water, motorway) with no way
    round (a bore, ``barrier_crossing``): where the straight drop from the
    tap to the entry meets the barrier first (the segment's midpoint if it
    does not, e.g. a drop the design re-routed).

Each feature carries ``kind``, ``item`` (catalogue item), ``cost_eur``,
``building_osm_id`` (``-1``: none), ``highway`` (the main road's class, or
the classes meeting at a junction), ``barrier`` (its kind) and ``length_m``
(of a far-side trench; 0 for points). OSM street names are not kept by the
street graph, so none is given.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
import shapely.ops

from fttx_planner.network.crossings import junction_crossings, main_roads
from fttx_planner.plan import Plan

#: Distance of a far-side trench line from the street's centreline (m).
FAR_SIDE_OFFSET_M = 4.0
#: Columns of the layer (besides its geometry).
COLUMNS = ("kind", "item", "cost_eur", "building_osm_id", "highway", "barrier", "length_m")


def main_road_edges(plan: Plan) -> np.ndarray:
    """``(e,)`` bool per design-graph edge: it lies on a main road, as the BOM takes it.

    The classes the parameters make main roads
    (:func:`~fttx_planner.network.crossings.main_roads`), the mask
    :func:`~fttx_planner.network.graph.civil_costs` gives the bill of materials.
    """
    highway = plan.district.streets.edge_highway[plan.graph.edge_street]
    return np.isin(highway, list(main_roads(plan.params)))


def crossings_layer(plan: Plan) -> gpd.GeoDataFrame:
    """The ``crossings`` layer of a plan, in the district's CRS (see the module docstring)."""
    rows: list[dict[str, object]] = []
    geoms: list[object] = []
    for part in (_drop_rows, _far_side_rows, _junction_rows, _barrier_rows):
        r, g = part(plan)
        rows += r
        geoms += g
    data = {c: [row[c] for row in rows] for c in COLUMNS}
    gdf = gpd.GeoDataFrame(data, geometry=geoms, crs=plan.district.crs)
    return gdf.astype({"cost_eur": float, "building_osm_id": np.int64, "length_m": float})


def _row(
    plan: Plan,
    kind: str,
    item: str,
    osm_id: int = -1,
    highway: str = "",
    barrier: str = "",
    length_m: float = 0.0,
) -> dict[str, object]:
    """One feature's attributes: a crossing costs one item, a trench its metres of it."""
    quantity = length_m if plan.catalogue[item].unit == "m" else 1.0
    return {"kind": kind, "item": item, "cost_eur": plan.catalogue.cost(item) * quantity,
            "building_osm_id": osm_id, "highway": highway, "barrier": barrier,
            "length_m": float(length_m)}  # fmt: skip


_Rows = tuple[list[dict[str, object]], list[object]]


def _drop_rows(plan: Plan) -> _Rows:
    """A point at the tap of every drop that crosses its main road."""
    c, a = plan.crossings, plan.access
    if c is None or not c.building_crossing.any():
        return [], []
    b = np.flatnonzero(c.building_crossing)
    hw = plan.district.streets.edge_highway
    street = a.tap_street[b] if a.tap_street is not None else np.full(len(b), -1)
    osm = plan.district.buildings.osm_id[b]
    rows = [
        _row(plan, "drop", "road_crossing", int(o), str(hw[e]) if e >= 0 else "")
        for o, e in zip(osm.tolist(), street.tolist(), strict=True)
    ]
    return rows, list(shapely.points(a.tap_xy[b]))


def _far_side_rows(plan: Plan) -> _Rows:
    """A crossing point and the trench line of every far-side trench."""
    c = plan.crossings
    if c is None or len(c.side_street) == 0:
        return [], []
    s = plan.district.streets
    rows: list[dict[str, object]] = []
    geoms: list[object] = []
    start = c.side_from_m if c.side_from_m is not None else np.zeros(len(c.side_street))
    end = c.side_to_m if c.side_to_m is not None else start + c.side_m
    left = c.side_left if c.side_left is not None else np.ones(len(c.side_street), dtype=bool)
    for e, a_m, b_m, on_left, span_m in zip(
        c.side_street.tolist(), start.tolist(), end.tolist(), left.tolist(), c.side_m.tolist(),
        strict=True,
    ):  # fmt: skip
        street = s.edge_geometry[e]
        hw = str(s.edge_highway[e])
        rows.append(_row(plan, "far_side", "road_crossing", highway=hw))
        geoms.append(shapely.line_interpolate_point(street, a_m))
        span = shapely.ops.substring(street, a_m, b_m)
        if span.geom_type != "LineString" or span.length <= 0:
            continue
        offset_m = FAR_SIDE_OFFSET_M if on_left else -FAR_SIDE_OFFSET_M
        rows.append(_row(plan, "far_side", "trench_footway", highway=hw, length_m=span_m))
        geoms.append(shapely.offset_curve(span, offset_m))
    return rows, geoms


def _junction_rows(plan: Plan) -> _Rows:
    """A point per trench crossing of a main road at a junction (with joints, as the BOM)."""
    g, tr = plan.graph, plan.trenches
    if not plan.params.joints or not len(tr):
        return [], []
    main = main_road_edges(plan)
    nodes = junction_crossings(g.node_xy, g.edge_u, g.edge_v, main, tr["edge"].to_numpy())
    hw = plan.district.streets.edge_highway
    rows = []
    for x in nodes.tolist():
        at = main & ((g.edge_u == x) | (g.edge_v == x))
        classes = sorted({str(h) for h in hw[g.edge_street[at]]})
        rows.append(_row(plan, "junction", "road_crossing", highway="/".join(classes)))
    return rows, list(shapely.points(g.node_xy[nodes]))


def _barrier_rows(plan: Plan) -> _Rows:
    """A point where every served drop with a barrier crossing meets the barrier."""
    b = plan.buildings
    if "barrier" not in b:
        return [], []
    d, a = plan.district, plan.access
    kind = b["barrier"].astype(str).to_numpy()
    idx = b["building"].to_numpy()
    pick = b["served"].to_numpy(dtype=bool) & (kind != "") & ~_endpoint(plan, idx)
    idx, kind = idx[pick], kind[pick]
    if len(idx) == 0:
        return [], []
    entry = a.entry_xy if a.entry_xy is not None else a.tap_xy
    segments = shapely.linestrings(np.stack([a.tap_xy[idx], entry[idx]], axis=1))
    where = shapely.line_interpolate_point(segments, 0.5, normalized=True)
    bar = d.barriers
    for k in np.unique(kind).tolist():
        on = kind == k
        geoms = bar.geometry[bar.kind == k] if bar is not None else np.zeros(0, dtype=object)
        outline = shapely.union_all(
            np.where(shapely.get_dimensions(geoms) == 2, shapely.boundary(geoms), geoms)
        )
        where[on] = [
            _first_meeting(seg, outline, mid)
            for seg, mid in zip(segments[on], where[on], strict=True)
        ]
    osm = d.buildings.osm_id[idx].tolist()
    rows = [
        _row(plan, "barrier", "barrier_crossing", int(o), barrier=k)
        for o, k in zip(osm, kind.tolist(), strict=True)
    ]
    return rows, list(where)


def _first_meeting(
    segment: shapely.LineString, outline: shapely.Geometry, default: shapely.Point
) -> shapely.Point:
    """Where ``segment`` first meets ``outline`` from its start (``default`` if it does not)."""
    hits = shapely.get_coordinates(shapely.intersection(segment, outline))
    if not len(hits):
        return default
    start = np.asarray(segment.coords[0])
    return shapely.Point(hits[np.argmin(np.hypot(*(hits - start).T))])


def _endpoint(plan: Plan, buildings: np.ndarray) -> np.ndarray:
    """``(k,)`` bool: the building is a city plan's endpoint, priced apart from the BOM's drops."""
    table = getattr(plan, "endpoints", None)
    n = len(table) if table is not None else 0
    return buildings >= len(plan.district.buildings) - n if n else np.zeros(len(buildings), bool)
