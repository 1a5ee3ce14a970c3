"""Service areas: every home to one central office, and one district per area.

Each building with homes goes to the central office nearest along the
trenchable streets (network distance from the CO's tap to the building's
tap, plus the drop), if that fibre path is within the reach the loss budget
and the logical reach allow (:attr:`DesignParams.max_fibre_m`); the others
are reported unserved with the reason. A service area is then a district of
its own: its buildings, every street edge that touches a street node the CO
is nearest to (so the shortest routes from the CO to its homes stay inside
the area), and its CO as the fixed OLT site. Areas are planned
independently and meet only at their COs' feeders.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra

from fttx_planner.district import Buildings, District, StreetGraph
from fttx_planner.network.graph import MAX_OLT_OFFSET_M, ExistingInfra
from fttx_planner.network.sparse import symmetric_matrix
from fttx_planner.params import DesignParams
from fttx_planner.region.sites import CentralOffice, SitesError

#: Context layers (address points, land use...) kept around an area, beyond its bounds (m).
CONTEXT_MARGIN_M = 500.0


@dataclass(frozen=True)
class Assignment:
    """Which central office serves each building.

    Attributes
    ----------
    co
        ``(k,)`` index of the CO of each building, ``-1`` when none (no
        homes, or out of reach).
    fibre_m
        ``(k,)`` network distance from the CO plus the drop (NaN: none).
    reason
        ``(k,)`` why a building with homes has no CO (``""`` otherwise).
    node_co
        ``(n,)`` CO nearest to each street node (``-1``: none reaches it).
    building_edge
        ``(k,)`` trenchable street edge each building taps (``-1``: none).
    co_edge
        ``(c,)`` street edge each CO taps.
    """

    co: np.ndarray
    fibre_m: np.ndarray
    reason: np.ndarray
    node_co: np.ndarray
    building_edge: np.ndarray
    co_edge: np.ndarray


@dataclass(frozen=True)
class ServiceArea:
    """One service area, ready to plan.

    Attributes
    ----------
    area_id
        Number of the area (``1, 2, ...`` in CO order within the region).
    central_office
        Its CO, the fixed OLT site of its plan.
    district
        The area as a district (its buildings and streets, ``olt_xy`` at the CO).
    buildings
        Index of each of the area's buildings in the region's buildings.
    homes
        Homes of the area by the region's estimate.
    infra
        Brownfield: the existing ducts and pole routes along each of the
        area's street edges (the region's layer clipped to the area);
        ``None`` in greenfield.
    """

    area_id: int
    central_office: CentralOffice
    district: District
    buildings: np.ndarray
    homes: int
    infra: ExistingInfra | None = None


def assign_homes(
    district: District,
    homes: np.ndarray,
    offices: list[CentralOffice],
    params: DesignParams,
) -> Assignment:
    """Assign every building with homes to its nearest central office within reach.

    Raises
    ------
    SitesError
        A CO farther than the OLT limit (1 km) from every trenchable street.
    """
    s = district.streets
    k = len(homes)
    ok = np.flatnonzero(s.edge_trench & (s.edge_length_m > 0) & (s.edge_u != s.edge_v))
    if len(ok) == 0 or not offices:
        empty = np.full(k, -1, dtype=np.int64)
        reason = np.where(homes > 0, "no central office and trenchable street", "").astype(object)
        return Assignment(
            empty, np.full(k, np.nan), reason, np.full(s.n_nodes, -1), empty,
            np.full(len(offices), -1, dtype=np.int64),
        )  # fmt: skip
    tree = shapely.STRtree(s.edge_geometry[ok])
    length = s.edge_length_m
    # COs: split their street edge at their tap, one extra node per CO.
    co_xy = np.array([o.xy for o in offices], dtype=float)
    co_pts = shapely.points(co_xy)
    pairs, off = tree.query_nearest(co_pts, return_distance=True, all_matches=False)
    co_edge = np.empty(len(offices), dtype=np.int64)
    co_edge[pairs[0]] = ok[pairs[1]]
    co_off = np.empty(len(offices))
    co_off[pairs[0]] = off
    far = np.flatnonzero(co_off > MAX_OLT_OFFSET_M)
    if len(far):
        o = offices[int(far[0])]
        msg = (
            f"Central office {o.name!r} at ({o.x_m:.0f}, {o.y_m:.0f}) is {co_off[far[0]]:.0f} m "
            f"from the nearest street that can carry fibre (limit {MAX_OLT_OFFSET_M:.0f} m) in "
            f"{district.name}."
        )
        raise SitesError(msg)
    co_pos = shapely.line_locate_point(s.edge_geometry[co_edge], co_pts)
    n = s.n_nodes
    co_node = n + np.arange(len(offices))
    eu = np.concatenate([s.edge_u[ok], s.edge_u[co_edge], co_node])
    ev = np.concatenate([s.edge_v[ok], co_node, s.edge_v[co_edge]])
    ew = np.concatenate([length[ok], co_pos, length[co_edge] - co_pos])
    mat = symmetric_matrix(n + len(offices), eu, ev, np.maximum(ew, 1e-6))
    dist, _, src = dijkstra(
        mat, directed=False, indices=co_node, min_only=True, return_predecessors=True
    )
    lab = np.full(n + len(offices), -1, dtype=np.int64)
    lab[co_node] = np.arange(len(offices))
    node_co = np.where(src >= 0, lab[np.maximum(src, 0)], -1)

    # Buildings: nearest trenchable edge, then through either end (or the CO on it).
    wanted = np.flatnonzero(homes > 0)
    b_edge = np.full(k, -1, dtype=np.int64)
    co = np.full(k, -1, dtype=np.int64)
    fibre = np.full(k, np.nan)
    reason = np.full(k, "", dtype=object)
    if len(wanted):
        pts = shapely.points(district.buildings.centroid_xy[wanted])
        bp, drop = tree.query_nearest(pts, return_distance=True, all_matches=False)
        b = wanted[bp[0]]
        e = ok[bp[1]]
        b_edge[b] = e
        pos = shapely.line_locate_point(s.edge_geometry[e], pts[bp[0]])
        via_u = dist[s.edge_u[e]] + pos
        via_v = dist[s.edge_v[e]] + length[e] - pos
        best = np.minimum(via_u, via_v)
        who = np.where(via_u <= via_v, node_co[s.edge_u[e]], node_co[s.edge_v[e]])
        for j, (ce, cp) in enumerate(zip(co_edge.tolist(), co_pos.tolist(), strict=True)):
            same = np.flatnonzero(e == ce)
            direct = np.abs(pos[same] - cp)
            better = direct < best[same]
            best[same[better]] = direct[better]
            who[same[better]] = j
        path = best + drop
        co[b] = np.where(np.isfinite(best), who, -1)
        fibre[b] = np.where(np.isfinite(best), path, np.nan)
        out = np.isfinite(best) & (path > params.max_fibre_m)
        for i, p in zip(b[out].tolist(), path[out].tolist(), strict=True):
            reason[i] = (
                f"{p:.0f} m of fibre from the nearest central office, over the "
                f"{params.max_fibre_m:.0f} m the loss budget and the logical reach allow"
            )
        co[b[out]] = -1
        for i in b[~np.isfinite(best)].tolist():
            reason[i] = "its street is not connected to any central office"
    for i in np.flatnonzero((homes > 0) & (b_edge < 0)).tolist():
        reason[i] = "no street that can carry fibre"
    return Assignment(co, fibre, reason, node_co[:n], b_edge, co_edge)


def split_region(
    district: District,
    homes: np.ndarray,
    offices: list[CentralOffice],
    assignment: Assignment,
    first_id: int = 1,
    infra: ExistingInfra | None = None,
) -> list[ServiceArea]:
    """One :class:`ServiceArea` per central office that serves homes.

    ``infra`` (brownfield) holds the existing ducts and pole routes along
    every street edge of the region; each area gets its own edges' share.
    """
    s = district.streets
    areas: list[ServiceArea] = []
    for j, office in enumerate(offices):
        b = np.flatnonzero(assignment.co == j)
        if len(b) == 0:
            continue
        in_cell = assignment.node_co == j
        edges = np.flatnonzero(in_cell[s.edge_u] | in_cell[s.edge_v])
        # The CO's own street edge too: its ends may be nearer to another CO.
        edges = np.union1d(edges, np.append(assignment.building_edge[b], assignment.co_edge[j]))
        area_id = first_id + len(areas)
        sub = sub_district(district, b, edges, f"{district.name}, area {area_id} ({office.name})",
                           office.xy)  # fmt: skip
        mine = None if infra is None else clip_infra(infra, edges)
        areas.append(ServiceArea(area_id, office, sub, b, int(homes[b].sum()), mine))
    return areas


def clip_infra(infra: ExistingInfra, edges: np.ndarray) -> ExistingInfra:
    """The existing infrastructure along some street edges, in their order."""
    return ExistingInfra(
        duct_m=infra.duct_m[edges],
        aerial_m=infra.aerial_m[edges],
        duct_capacity=None if infra.duct_capacity is None else infra.duct_capacity[edges],
        aerial_capacity=None if infra.aerial_capacity is None else infra.aerial_capacity[edges],
    )


def sub_district(
    district: District,
    buildings: np.ndarray,
    edges: np.ndarray,
    name: str,
    olt_xy: tuple[float, float] | None,
) -> District:
    """The district cut to some buildings and street edges (nodes renumbered).

    Context layers (address points, land use, register points and any other
    row-wise layer of the district) keep their rows within the area's bounds
    plus :data:`CONTEXT_MARGIN_M`.
    """
    s = district.streets
    nodes = np.unique(np.concatenate([s.edge_u[edges], s.edge_v[edges]]))
    renum = np.full(s.n_nodes, -1, dtype=np.int64)
    renum[nodes] = np.arange(len(nodes))
    street_fields: dict[str, object] = {}
    for f in dataclasses.fields(s):
        value = getattr(s, f.name)
        if value is None:
            street_fields[f.name] = None
        elif f.name in ("edge_u", "edge_v"):
            street_fields[f.name] = renum[value[edges]]
        elif f.name.startswith("edge_"):
            street_fields[f.name] = value[edges]
        elif f.name.startswith("node_"):
            street_fields[f.name] = value[nodes]
        else:
            street_fields[f.name] = value
    streets = StreetGraph(**street_fields)  # type: ignore[arg-type]
    bld = _rows(district.buildings, buildings, len(district.buildings))
    assert isinstance(bld, Buildings)
    xy = np.vstack([streets.node_xy, bld.centroid_xy]) if len(bld) else streets.node_xy
    lo = xy.min(axis=0) - CONTEXT_MARGIN_M
    hi = xy.max(axis=0) + CONTEXT_MARGIN_M
    box = shapely.box(lo[0], lo[1], hi[0], hi[1])
    changes: dict[str, object] = {
        "name": name, "streets": streets, "buildings": bld, "olt_xy": olt_xy, "warnings": [],
    }  # fmt: skip
    skip = {"name", "streets", "buildings", "olt_xy", "warnings"}
    for f in dataclasses.fields(district):
        if f.name not in skip:
            changes[f.name] = _clip(getattr(district, f.name), box)
    return dataclasses.replace(district, **changes)  # type: ignore[arg-type]


def _rows(obj: object, rows: np.ndarray, n: int) -> object:
    """A row-wise dataclass (every array of length ``n`` cut to ``rows``)."""
    assert dataclasses.is_dataclass(obj) and not isinstance(obj, type)
    changes = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray) and value.shape[:1] == (n,):
            changes[f.name] = value[rows]
    return dataclasses.replace(obj, **changes)


def _clip(value: object, box: shapely.Polygon) -> object:
    """A context layer cut to the rows that lie in ``box`` (others unchanged)."""
    if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[1] == 2:
        return value[shapely.contains_xy(box, value[:, 0], value[:, 1])]
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    xy = getattr(value, "xy", None)
    geometry = getattr(value, "geometry", None)
    if isinstance(xy, np.ndarray) and xy.ndim == 2:
        keep = np.flatnonzero(shapely.contains_xy(box, xy[:, 0], xy[:, 1]))
        return _rows(value, keep, len(xy))
    if isinstance(geometry, np.ndarray):
        keep = np.flatnonzero(shapely.intersects(geometry, box))
        return _rows(value, keep, len(geometry))
    return value
