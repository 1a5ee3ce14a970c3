"""The design graph: trenchable streets split at every building's tap point.

Each served building connects to the street network at a *tap*: the point of
the nearest trenchable street edge (reachable from the OLT) closest to the
building's centroid. Street edges are split at the taps, so buildings are
nodes of the graph and routing is exact along streets. Each sub-edge keeps
the street edge it came from and its position along it, so its geometry can
be cut out for export, and its cost per metre (new trench by surface, or
reuse of existing ducts and poles in brownfield).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

from fttx_planner._errors import DesignError
from fttx_planner.catalogue import Catalogue
from fttx_planner.district import District
from fttx_planner.network.crossings import CROSSING_HIGHWAYS
from fttx_planner.network.footways import FootwayDrops, footway_drops
from fttx_planner.network.sparse import symmetric_matrix
from fttx_planner.network.spurs import DropPrices, SharedDrops, shared_drops
from fttx_planner.network.taps import BarrierIndex, Taps, choose_taps, entrances_of

#: Street classes whose trenches cut the carriageway (else footway or verge).
CARRIAGEWAY_HIGHWAYS = frozenset(
    {"primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link"}
)
#: Street classes without a paved surface.
UNPAVED_HIGHWAYS = frozenset({"track"})
#: Taps closer than this to each other on an edge share a node (m).
TAP_MERGE_M = 0.5
#: An OLT location farther than this from any trenchable street is refused (m).
MAX_OLT_OFFSET_M = 1000.0


@dataclass(frozen=True)
class ExistingInfra:
    """Existing ducts and pole routes along each street edge (brownfield).

    Parameters
    ----------
    duct_m, aerial_m
        ``(m,)`` metres of each street edge covered by existing ducts / by
        aerial routes on existing poles.
    duct_capacity, aerial_capacity
        ``(m,)`` free capacity in cables of those ducts / pole routes
        (``None``: unlimited).
    """

    duct_m: np.ndarray
    aerial_m: np.ndarray
    duct_capacity: np.ndarray | None = None
    aerial_capacity: np.ndarray | None = None


@dataclass(frozen=True)
class CivilCosts:
    """Per-street-edge civil cost per metre and the covered shares.

    Parameters
    ----------
    trench_item
        ``(m,)`` catalogue item of a new trench on each street edge.
    trench_cost_per_m
        ``(m,)`` cost per metre of that new trench.
    duct_share, aerial_share
        ``(m,)`` share of each street edge covered by existing ducts / poles
        that is worth using (cheaper than a trench).
    duct_capacity, aerial_capacity
        ``(m,)`` cables the existing ducts / poles can still take.
    duct_cost_per_m, aerial_cost_per_m
        Unit costs of reusing a duct and of an aerial route.
    cost_per_m
        ``(m,)`` cheapest civil cost per metre along each street edge.
    main_road
        ``(m,)`` bool: a main road, whose crossing by a trench at a junction
        is priced (:func:`fttx_planner.network.crossings.junction_crossings`;
        ``None``: none is).
    """

    trench_item: np.ndarray
    trench_cost_per_m: np.ndarray
    duct_share: np.ndarray
    aerial_share: np.ndarray
    duct_capacity: np.ndarray
    aerial_capacity: np.ndarray
    duct_cost_per_m: float
    aerial_cost_per_m: float
    cost_per_m: np.ndarray
    main_road: np.ndarray | None = None


def civil_costs(
    district: District,
    catalogue: Catalogue,
    infra: ExistingInfra | None = None,
    microtrench: bool = False,
    crossing_highways: frozenset[str] = CROSSING_HIGHWAYS,
) -> CivilCosts:
    """Civil cost per metre of every street edge.

    In brownfield, the part of an edge covered by an existing duct costs
    ``duct_reuse`` and the part on existing poles ``aerial`` when that is
    cheaper than a new trench; the rest is trenched. Streets of the
    ``crossing_highways`` classes are main roads: a trench crossing one at a
    junction is a ``road_crossing``.
    """
    streets = district.streets
    m = streets.n_edges
    hw = streets.edge_highway
    item = np.full(m, "trench_footway", dtype=object)
    item[np.isin(hw, list(CARRIAGEWAY_HIGHWAYS))] = "trench_carriageway"
    item[np.isin(hw, list(UNPAVED_HIGHWAYS))] = "trench_unpaved"
    if microtrench:
        item[item != "trench_unpaved"] = "microtrench"
    structure = streets.structure()
    item[np.isin(structure, ["tunnel", "covered"])] = "tunnel_duct"
    item[structure == "bridge"] = "bridge_attachment"
    trench_cost = np.array([catalogue.cost(str(i)) for i in item])
    length = np.maximum(streets.edge_length_m, 1e-9)
    unlimited = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
    if infra is None:
        duct_share = np.zeros(m)
        aerial_share = np.zeros(m)
        duct_cap = aerial_cap = unlimited
    else:
        duct_share = np.clip(infra.duct_m / length, 0, 1)
        aerial_share = np.clip(infra.aerial_m / length, 0, 1)
        duct_cap = unlimited if infra.duct_capacity is None else infra.duct_capacity
        aerial_cap = unlimited if infra.aerial_capacity is None else infra.aerial_capacity
    duct_cost = catalogue.cost("duct_reuse")
    aerial_cost = catalogue.cost("aerial")
    # Use each existing asset only where it is cheaper than a trench and has room.
    duct_share = np.where((duct_cost < trench_cost) & (duct_cap > 0), duct_share, 0.0)
    aerial_share = np.where((aerial_cost < trench_cost) & (aerial_cap > 0), aerial_share, 0.0)
    # Where ducts and poles overlap, prefer the cheaper one for the overlap.
    if duct_cost <= aerial_cost:
        aerial_share = np.minimum(aerial_share, 1.0 - duct_share)
    else:
        duct_share = np.minimum(duct_share, 1.0 - aerial_share)
    rest = 1.0 - duct_share - aerial_share
    cost = rest * trench_cost + duct_share * duct_cost + aerial_share * aerial_cost
    return CivilCosts(
        trench_item=item,
        trench_cost_per_m=trench_cost,
        duct_share=duct_share,
        aerial_share=aerial_share,
        duct_capacity=np.asarray(duct_cap),
        aerial_capacity=np.asarray(aerial_cap),
        duct_cost_per_m=duct_cost,
        aerial_cost_per_m=aerial_cost,
        cost_per_m=cost,
        main_road=np.isin(hw, list(crossing_highways)),
    )


@dataclass(frozen=True)
class Access:
    """How each building reaches the design graph.

    Parameters
    ----------
    node
        ``(k,)`` design-graph node of each building's tap, ``-1`` if unserved.
    drop_m
        ``(k,)`` straight drop length from the tap to the footprint (m).
    tap_xy
        ``(k, 2)`` tap point coordinates (NaN when unserved).
    reason
        ``(k,)`` why a building with homes is not served (``""`` if served
        or without homes).
    entry_xy
        ``(k, 2)`` building entry, where the drop ends (NaN when unserved;
        ``None``: the footprint point nearest the tap).
    buildings_crossed
        ``(k,)`` other buildings the drop runs through (``None``: not checked).
    barrier
        ``(k,)`` barrier kind the drop crosses, ``""`` for none (``None``: not checked).
    tap_street
        ``(k,)`` street edge of the tap, ``-1`` when unserved (``None``: unknown).
    drop_path
        ``(k,)`` the drop's route from the tap to the entry where it follows
        footways, steps or paths (:mod:`fttx_planner.network.footways`),
        ``None`` for a straight drop (``None``: all straight).
    drop_trench_m
        ``(k,)`` metres of each drop along drop paths, 0 for a straight drop
        (``None``: all straight). What is dug is the part of the whole drop
        beyond the lead-in allowance (:func:`~fttx_planner.network.footways.dug_drop_m`).
    shared_m
        ``(k,)`` metres of each drop, from its tap, that run in another
        building's drop trench (:mod:`fttx_planner.network.spurs`), 0 for a
        drop in its own trench from the street (``None``: all own); what is
        dug is what lies beyond both these and the lead-in allowance.
    """

    node: np.ndarray
    drop_m: np.ndarray
    tap_xy: np.ndarray
    reason: np.ndarray
    entry_xy: np.ndarray | None = None
    buildings_crossed: np.ndarray | None = None
    barrier: np.ndarray | None = None
    tap_street: np.ndarray | None = None
    drop_path: np.ndarray | None = None
    drop_trench_m: np.ndarray | None = None
    shared_m: np.ndarray | None = None


@dataclass(frozen=True)
class DesignGraph:
    """Trenchable streets reachable from the OLT, split at taps.

    Parameters
    ----------
    node_xy
        ``(n, 2)`` node coordinates.
    edge_u, edge_v
        ``(e,)`` end nodes of each sub-edge.
    edge_length_m
        ``(e,)`` sub-edge lengths.
    edge_street
        ``(e,)`` index of the street edge each sub-edge lies on.
    edge_start_m, edge_end_m
        ``(e,)`` position of the sub-edge along its street edge.
    edge_cost_eur
        ``(e,)`` civil cost of opening the sub-edge.
    olt_node
        The OLT's node.
    edge_pole
        ``(e,)`` bool: existing poles carry more than half of the sub-edge's
        street, so a closure or distribution point there may hang on a pole
        (``None``: unknown).
    """

    node_xy: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_length_m: np.ndarray
    edge_street: np.ndarray
    edge_start_m: np.ndarray
    edge_end_m: np.ndarray
    edge_cost_eur: np.ndarray
    olt_node: int
    edge_pole: np.ndarray | None = None

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.node_xy.shape[0])

    def matrix(self, weight: np.ndarray) -> csr_matrix:
        """Symmetric sparse adjacency matrix with the given edge weights."""
        # scipy treats explicit zeros as missing edges: keep weights positive.
        # Parallel edges keep the lightest weight (coo_matrix would add them up).
        w = np.maximum(weight, 1e-6)
        return symmetric_matrix(self.n_nodes, self.edge_u, self.edge_v, w)

    def edge_geometry(self, district: District, edges: np.ndarray) -> np.ndarray:
        """Geometries of the given sub-edges, cut from their street edges."""
        from shapely.ops import substring

        geoms = district.streets.edge_geometry
        out = np.empty(len(edges), dtype=object)
        for k, e in enumerate(edges):
            out[k] = substring(geoms[self.edge_street[e]], self.edge_start_m[e], self.edge_end_m[e])
        return out


def _trench_components(district: District) -> tuple[np.ndarray, np.ndarray]:
    """Component label of every node over trenchable edges, and the edge mask."""
    s = district.streets
    ok = s.edge_trench & (s.edge_length_m > 0) & (s.edge_u != s.edge_v)
    n = s.n_nodes
    mat = coo_matrix((np.ones(int(ok.sum())), (s.edge_u[ok], s.edge_v[ok])), shape=(n, n)).tocsr()
    _, labels = connected_components(mat, directed=False)
    return labels, ok


def build_design_graph(
    district: District,
    homes: np.ndarray,
    civil: CivilCosts,
    max_drop_m: float,
    olt_xy: tuple[float, float] | None,
    drop_prices: DropPrices | None = None,
) -> tuple[DesignGraph, Access]:
    """Attach buildings and the OLT to the streets and split edges at taps.

    Parameters
    ----------
    district
        The district.
    homes
        ``(k,)`` homes per building; buildings with none are not attached.
    civil
        Civil cost per metre of each street edge.
    max_drop_m
        Buildings farther from every reachable street are unserved.
    olt_xy
        OLT location, or ``None``: the OLT goes on the street component with
        the most homes within ``max_drop_m`` of it (its exact site is chosen
        later).
    drop_prices
        The lead-in allowance and drop prices: set-back drops then share
        their neighbours' drop trenches where cheaper
        (:func:`~fttx_planner.network.spurs.shared_drops`); ``None``: every
        drop is dug on its own.

    Raises
    ------
    DesignError
        No trenchable street, an OLT far from every street, or an OLT whose
        street network reaches less than half of the homes.
    """
    streets = district.streets
    labels, ok = _trench_components(district)
    if not ok.any():
        msg = f"District {district.name!r} has no street that can carry fibre trenches."
        raise DesignError(msg)
    # Taps only at street level: never in a tunnel, a covered way or on a bridge.
    tappable = ok & (streets.structure() == "")
    if not tappable.any():
        tappable = ok
    edge_ids = np.flatnonzero(tappable)
    edge_comp = labels[streets.edge_u[edge_ids]]
    tree = shapely.STRtree(streets.edge_geometry[edge_ids])

    k = len(homes)
    wanted = np.flatnonzero(homes > 0)
    near_idx = np.full(k, -1, dtype=np.int64)
    near_dist = np.full(k, np.inf)
    if len(wanted):
        # Within a drop's reach first (a bounded search is far quicker), then
        # the few left for their distance in the messages.
        footprint = district.buildings.footprint
        pairs, dist = tree.query_nearest(
            footprint[wanted], max_distance=max_drop_m, return_distance=True, all_matches=False
        )
        near_idx[wanted[pairs[0]]] = pairs[1]
        near_dist[wanted[pairs[0]]] = dist
        rest = wanted[near_idx[wanted] < 0]
        if len(rest):
            pairs, dist = tree.query_nearest(
                footprint[rest], return_distance=True, all_matches=False
            )
            near_idx[rest[pairs[0]]] = pairs[1]
            near_dist[rest[pairs[0]]] = dist

    # Which street component the OLT sits on.
    if olt_xy is not None:
        olt_pt = shapely.Point(olt_xy)
        olt_local = int(tree.nearest(olt_pt))
        olt_off = float(shapely.distance(olt_pt, streets.edge_geometry[edge_ids[olt_local]]))
        if olt_off > MAX_OLT_OFFSET_M:
            msg = (
                f"The OLT at ({olt_xy[0]:.0f}, {olt_xy[1]:.0f}) is {olt_off:.0f} m from the "
                f"nearest street that can carry fibre (limit {MAX_OLT_OFFSET_M:.0f} m): "
                "move it into the district or let the planner choose."
            )
            raise DesignError(msg)
        comp = int(edge_comp[olt_local])
    else:
        # The street component with the most homes within reach of a drop (homes
        # farther from every street count for none: no component can serve them).
        weight = np.zeros(labels.max() + 1)
        for reachable in (near_dist <= max_drop_m, near_idx >= 0):
            weight = np.bincount(
                edge_comp[near_idx[reachable]], weights=homes[reachable], minlength=weight.size
            )
            if weight.sum() > 0:
                break
        comp = int(np.argmax(weight)) if weight.sum() > 0 else int(np.bincount(edge_comp).argmax())

    comp_local = np.flatnonzero(edge_comp == comp)
    comp_tree = shapely.STRtree(streets.edge_geometry[edge_ids[comp_local]])
    # The design graph: every trenchable edge of the component, tunnels and bridges too.
    all_ids = np.flatnonzero(ok)
    graph_ids = all_ids[labels[streets.edge_u[all_ids]] == comp]
    barriers = district.barriers
    taps = choose_taps(
        district.buildings.footprint,
        wanted,
        streets.edge_geometry[edge_ids[comp_local]],
        max_drop_m,
        entrances=district.entrances,
        barrier_geometry=None if barriers is None else barriers.geometry,
        barrier_kind=None if barriers is None else barriers.kind,
    )
    street_of = np.where(taps.edge >= 0, edge_ids[comp_local[np.maximum(taps.edge, 0)]], -1)
    # What the routed and the shared drops avoid, indexed once for both.
    entry_of = entrances_of(
        shapely.STRtree(district.buildings.footprint),
        district.buildings.footprint,
        district.entrances,
    )
    barrier_index = BarrierIndex(
        None if barriers is None else barriers.geometry,
        None if barriers is None else barriers.kind,
    )
    taps, street_of, path, along_m = _along_footways(
        district, graph_ids, edge_ids[comp_local], taps, street_of, wanted, max_drop_m, entry_of,
        barrier_index,
    )  # fmt: skip
    shared = None
    if drop_prices is not None:
        taps, street_of, path, shared = _shared(
            district, taps, street_of, path, streets.edge_geometry[all_ids], drop_prices,
            max_drop_m, entry_of, barrier_index,
        )  # fmt: skip
        along_m = along_m.copy()
        along_m[shared.building] = 0.0  # no longer along a drop path
    reason = np.full(k, "", dtype=object)
    too_far = (homes > 0) & (street_of < 0)
    other_comp = too_far & (near_dist <= max_drop_m)
    reason[too_far] = [
        f"no fibre street within the maximum drop of {max_drop_m:.0f} m (nearest {d:.0f} m)"
        for d in near_dist[too_far]
    ]
    reason[other_comp] = "its street is not connected to the OLT's street network"
    served = street_of >= 0
    reachable_homes = int(homes[served].sum())
    if olt_xy is not None and reachable_homes < 0.5 * homes.sum():
        msg = (
            f"The OLT at ({olt_xy[0]:.0f}, {olt_xy[1]:.0f}) is unreachable from most of the "
            f"district: its street network reaches {reachable_homes} of {int(homes.sum())} "
            "homes. Move the OLT onto the main street network or let the planner choose."
        )
        raise DesignError(msg)
    if reachable_homes == 0:
        msg = f"No building of {district.name!r} is within {max_drop_m:.0f} m of a fibre street."
        raise DesignError(msg)

    # Tap positions along street edges: buildings, then the OLT.
    tap_street = street_of[served]
    tap_pos = shapely.line_locate_point(
        streets.edge_geometry[tap_street], shapely.points(taps.tap_xy[served])
    )
    if olt_xy is not None:
        olt_street = int(edge_ids[comp_local[comp_tree.nearest(shapely.Point(olt_xy))]])
        olt_pos = float(
            shapely.line_locate_point(streets.edge_geometry[olt_street], shapely.Point(olt_xy))
        )
    else:
        olt_street, olt_pos = int(edge_ids[comp_local[0]]), 0.0
    all_street = np.append(tap_street, olt_street)
    all_pos = np.append(tap_pos, olt_pos)

    graph, tap_node = _split_edges(district, graph_ids, civil, all_street, all_pos)
    node = np.full(k, -1, dtype=np.int64)
    node[served] = tap_node[:-1]
    if shared is not None and len(shared.building):
        # A shared drop starts where its host's tap node is (taps merge to TAP_MERGE_M).
        path = path.copy()
        path[shared.building] = _from_node(
            path[shared.building], graph.node_xy[node[shared.building]]
        )
    tap_xy = np.full((k, 2), np.nan)
    tap_xy[served] = graph.node_xy[tap_node[:-1]]
    entry_xy = np.where(served[:, None], taps.entry_xy, np.nan)
    drop_m = np.zeros(k)
    if served.any():
        # The tap node may sit up to TAP_MERGE_M from the exact tap point.
        drop_m[served] = np.maximum(
            np.hypot(*(tap_xy[served] - entry_xy[served]).T), taps.distance_m[served]
        )
    graph = DesignGraph(**{**graph.__dict__, "olt_node": int(tap_node[-1])})
    access = Access(
        node=node,
        drop_m=drop_m,
        tap_xy=tap_xy,
        reason=reason,
        entry_xy=entry_xy,
        buildings_crossed=np.where(served, taps.buildings_crossed, 0),
        barrier=np.where(served, taps.barrier, ""),
        tap_street=np.where(served, street_of, -1),
        drop_path=np.where(served, path, np.full(k, None, dtype=object)),
        drop_trench_m=np.where(served, along_m, 0.0),
        shared_m=None if shared is None else _shared_m(k, shared),
    )
    return graph, access


def _from_node(routes: np.ndarray, start_xy: np.ndarray) -> np.ndarray:
    """The routes led from their tap node along the street to where they were checked.

    The node lies up to half :data:`TAP_MERGE_M` along the street from the
    exact tap; the route from there on is the one checked against buildings,
    so it is kept as it is (moving its first point could clip a corner).
    """
    out = np.empty(len(routes), dtype=object)
    for i, (route, xy) in enumerate(zip(routes, start_xy, strict=True)):
        coords = np.asarray(shapely.get_coordinates(route))
        if np.hypot(*(coords[0] - xy)) > 1e-9:
            coords = np.vstack([xy, coords])
        out[i] = shapely.LineString(coords)
    return out


def _shared_m(k: int, shared: SharedDrops) -> np.ndarray:
    """``(k,)`` metres of each drop in another building's drop trench (0: none)."""
    out = np.zeros(k)
    out[shared.building] = shared.from_m
    return out


def _shared(
    district: District,
    taps: Taps,
    street_of: np.ndarray,
    path: np.ndarray,
    streets: np.ndarray,
    prices: DropPrices,
    max_drop_m: float,
    entry_of: dict[int, np.ndarray],
    barriers: BarrierIndex,
) -> tuple[Taps, np.ndarray, np.ndarray, SharedDrops]:
    """Set-back drops run in their neighbours' drops where cheaper (:mod:`.spurs`).

    A building that shares a drop is tapped where its host is; returns the
    taps, the street of each tap and the drop routes updated, and the shared drops.
    """
    served = street_of >= 0
    straight = served & ~shapely.is_geometry(path)
    route = path.copy()
    route[straight] = shapely.linestrings(
        np.stack([taps.tap_xy[straight], taps.entry_xy[straight]], axis=1)
    )
    tap_streets = np.full(len(street_of), None, dtype=object)
    tap_streets[served] = district.streets.edge_geometry[street_of[served]]
    shared = shared_drops(
        district.buildings.footprint,
        route,
        served & (taps.buildings_crossed == 0) & (taps.barrier == ""),
        prices,
        max_drop_m,
        entry_of,
        barriers,
        streets,
        tap_streets,
    )
    b, h = shared.building, shared.root
    if len(b) == 0:
        return taps, street_of, path, shared
    street_of = street_of.copy()
    street_of[b] = street_of[h]
    path = path.copy()
    path[b] = shared.path
    return _retapped(taps, b, taps.tap_xy[h], shared), street_of, path, shared


def _retapped(
    taps: Taps, b: np.ndarray, tap_xy: np.ndarray, route: FootwayDrops | SharedDrops
) -> Taps:
    """The taps with buildings ``b`` tapped at ``tap_xy`` by a clean routed drop."""
    arrays = {f: getattr(taps, f).copy() for f in Taps.__dataclass_fields__}
    arrays["edge"][b] = 0  # any edge index: the caller's ``street_of`` says which
    arrays["distance_m"][b] = route.length_m
    arrays["tap_xy"][b] = tap_xy
    arrays["entry_xy"][b] = route.entry_xy
    arrays["buildings_crossed"][b] = 0
    arrays["barrier"][b] = ""
    return Taps(**arrays)


def _along_footways(
    district: District,
    fibre_edges: np.ndarray,
    tap_edges: np.ndarray,
    taps: Taps,
    street_of: np.ndarray,
    wanted: np.ndarray,
    max_drop_m: float,
    entry_of: dict[int, np.ndarray],
    barriers: BarrierIndex,
) -> tuple[Taps, np.ndarray, np.ndarray, np.ndarray]:
    """Drops routed along footways, steps and paths where that is better than straight.

    A building takes the route along the drop-path network
    (:mod:`fttx_planner.network.footways`) when its straight drop crosses
    another building or a barrier, when no street is within a straight
    drop's reach, or when the route is the shorter. Returns the taps
    updated, the street edge of each tap, each drop's routed geometry from
    the tap to the entry (``None``: straight) and its metres along drop paths.
    """
    streets = district.streets
    k = len(street_of)
    path = np.full(k, None, dtype=object)
    along_m = np.zeros(k)
    # A tap node is an end of a street edge that takes taps, with that edge and its end.
    ends = np.concatenate([streets.edge_u[tap_edges], streets.edge_v[tap_edges]])
    nodes, first = np.unique(ends, return_index=True)
    node_edge = np.concatenate([tap_edges, tap_edges])[first]
    # Where the straight drop crosses nothing, a route must be shorter to replace it.
    clean = (taps.edge >= 0) & (taps.buildings_crossed == 0) & (taps.barrier == "")
    routed = footway_drops(
        streets,
        fibre_edges,
        nodes,
        district.buildings.footprint,
        wanted,
        np.where(clean, taps.distance_m, np.inf),
        max_drop_m,
        entry_of,
        barriers,
    )
    b = routed.building
    if len(b) == 0:
        return taps, street_of, path, along_m
    tap_node = routed.tap_node
    street_of = street_of.copy()
    street_of[b] = node_edge[np.searchsorted(nodes, tap_node)]
    path[b] = routed.path
    along_m[b] = routed.along_m
    return _retapped(taps, b, streets.node_xy[tap_node], routed), street_of, path, along_m


def _split_edges(
    district: District,
    street_ids: np.ndarray,
    civil: CivilCosts,
    tap_street: np.ndarray,
    tap_pos: np.ndarray,
) -> tuple[DesignGraph, np.ndarray]:
    """Split the given street edges at tap positions; return graph and tap nodes."""
    streets = district.streets
    length = streets.edge_length_m
    # Street nodes used by these edges keep their own node, renumbered.
    used_nodes = np.unique(np.concatenate([streets.edge_u[street_ids], streets.edge_v[street_ids]]))
    renum = np.full(streets.n_nodes, -1, dtype=np.int64)
    renum[used_nodes] = np.arange(len(used_nodes))
    n_base = len(used_nodes)

    pos = np.round(np.clip(tap_pos, 0.0, length[tap_street]) / TAP_MERGE_M) * TAP_MERGE_M
    at_start = pos < TAP_MERGE_M
    at_end = pos > length[tap_street] - TAP_MERGE_M
    inner = ~(at_start | at_end)
    tap_node = np.empty(len(tap_street), dtype=np.int64)
    tap_node[at_start] = renum[streets.edge_u[tap_street[at_start]]]
    tap_node[at_end & ~at_start] = renum[streets.edge_v[tap_street[at_end & ~at_start]]]
    keys = np.column_stack([tap_street[inner], pos[inner]])
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    tap_node[inner] = n_base + inverse
    new_street = uniq[:, 0].astype(np.int64)
    new_pos = uniq[:, 1]
    new_xy = shapely.get_coordinates(
        shapely.line_interpolate_point(streets.edge_geometry[new_street], new_pos)
    ).reshape(-1, 2)
    node_xy = np.vstack([streets.node_xy[used_nodes], new_xy])

    # Break points per street edge: start, inner taps (sorted), end.
    bp_street = np.concatenate([street_ids, street_ids, new_street])
    bp_pos = np.concatenate([np.zeros(len(street_ids)), length[street_ids], new_pos])
    bp_node = np.concatenate(
        [
            renum[streets.edge_u[street_ids]],
            renum[streets.edge_v[street_ids]],
            n_base + np.arange(len(new_street)),
        ]
    )
    order = np.lexsort((bp_pos, bp_street))
    bp_street, bp_pos, bp_node = bp_street[order], bp_pos[order], bp_node[order]
    same = bp_street[1:] == bp_street[:-1]
    e_street = bp_street[:-1][same]
    e_start = bp_pos[:-1][same]
    e_end = bp_pos[1:][same]
    e_u = bp_node[:-1][same]
    e_v = bp_node[1:][same]
    e_len = e_end - e_start
    graph = DesignGraph(
        node_xy=node_xy,
        edge_u=e_u,
        edge_v=e_v,
        edge_length_m=e_len,
        edge_street=e_street,
        edge_start_m=e_start,
        edge_end_m=e_end,
        edge_cost_eur=e_len * civil.cost_per_m[e_street],
        edge_pole=civil.aerial_share[e_street] > 0.5,
        olt_node=-1,
    )
    return graph, tap_node
