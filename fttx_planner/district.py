"""The district: a street graph and buildings in one local metric CRS.

A :class:`District` is what every loader produces (OSM file, online fetch,
synthetic generator) and what the design engine consumes. Everything is held
in a projected metric CRS (UTM zone of the district), as NumPy arrays and
shapely geometries, so the engine never projects again; exports transform
back to WGS84 once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from fttx_planner._errors import OsmLoadError

#: ODbL attribution, shown wherever OSM data or a map of it is shown.
OSM_ATTRIBUTION = "(c) OpenStreetMap contributors, ODbL 1.0"

#: Highway classes that carry feeder/distribution fibre (trenchable streets).
#: Motorways, trunks and their links are excluded: no operator digs there.
TRENCH_HIGHWAYS = frozenset(
    {
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
        "road",
        "pedestrian",
        "track",
    }
)
#: Highway classes that may carry drops only (short final links to a building).
DROP_ONLY_HIGHWAYS = frozenset({"footway", "path", "cycleway", "steps", "bridleway"})


def osm_ref(osm_id: int) -> str:
    """The OSM object of a building id: ``"way 123"``, or ``"relation 45"`` for a negative id.

    Examples
    --------
    >>> osm_ref(123), osm_ref(-45)
    ('way 123', 'relation 45')
    """
    if osm_id < 0:
        return f"relation {-osm_id}"
    return f"way {osm_id}"


@dataclass(frozen=True)
class StreetGraph:
    """An undirected street graph in metric coordinates.

    Parameters
    ----------
    node_xy
        ``(n, 2)`` float array of node coordinates in metres.
    node_osm_id
        ``(n,)`` int64 OSM node ids (synthetic graphs use ``-1 - index``).
    edge_u, edge_v
        ``(m,)`` int arrays of edge end nodes (indices into ``node_xy``).
    edge_length_m
        ``(m,)`` float array of edge lengths along their geometry.
    edge_highway
        ``(m,)`` array of OSM highway classes (``str``).
    edge_geometry
        ``(m,)`` array of shapely LineStrings from ``u`` to ``v``.
    edge_trench
        ``(m,)`` bool array: the edge may carry trenches for feeder and
        distribution cables (else it may carry drops only).
    edge_structure
        ``(m,)`` array: ``""`` at street level, ``"tunnel"``, ``"covered"``
        or ``"bridge"`` (``None``: all at street level). No building is fed
        from a tunnel, a covered way or a bridge; cable passes them only in
        a tunnel duct or as a bridge attachment.
    """

    node_xy: np.ndarray
    node_osm_id: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_length_m: np.ndarray
    edge_highway: np.ndarray
    edge_geometry: np.ndarray
    edge_trench: np.ndarray
    edge_structure: np.ndarray | None = None

    def structure(self) -> np.ndarray:
        """``(m,)`` structure of every edge (``""`` where none was given)."""
        if self.edge_structure is None:
            return np.full(self.n_edges, "", dtype=object)
        return self.edge_structure

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.node_xy.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return int(self.edge_u.shape[0])

    @property
    def total_length_m(self) -> float:
        """Total length of all edges in metres."""
        return float(self.edge_length_m.sum())

    def validate(self) -> None:
        """Raise :class:`OsmLoadError` if the arrays are inconsistent."""
        m = self.n_edges
        columns = ("edge_v", "edge_length_m", "edge_highway", "edge_geometry", "edge_trench")
        problems = [
            f"{name} has {getattr(self, name).shape[0]} rows, expected {m}"
            for name in columns
            if getattr(self, name).shape[0] != m
        ]
        if m and (self.edge_u.max() >= self.n_nodes or self.edge_v.max() >= self.n_nodes):
            problems.append("an edge references a node index out of range")
        if m and (self.edge_length_m < 0).any():
            problems.append("an edge has a negative length")
        if problems:
            msg = "Invalid street graph: " + "; ".join(problems)
            raise OsmLoadError(msg)


@dataclass(frozen=True)
class Buildings:
    """Building footprints with the OSM tags that matter for demand.

    Parameters
    ----------
    osm_id
        ``(k,)`` int64 OSM ids (ways positive, relations negative by
        convention ``-relation_id``; synthetic buildings count from 1).
    footprint
        ``(k,)`` array of shapely Polygons/MultiPolygons in metres.
    building
        ``(k,)`` array of ``building=*`` values (``"yes"`` when untyped).
    levels
        ``(k,)`` float array of ``building:levels`` (NaN when untagged).
    flats
        ``(k,)`` float array of ``building:flats`` (NaN when untagged).
    name
        ``(k,)`` array of names or addresses (``""`` when none), for display.
    height_m
        ``(k,)`` float array of ``height`` in metres (NaN when untagged).
    roof_levels
        ``(k,)`` float array of ``roof:levels`` (NaN when untagged).
    addresses
        ``(k,)`` int array: house numbers tagged on the building outline
        itself (``addr:housenumber``, ``"12;14"`` counts two).
    use
        ``(k,)`` array: a business tag on the building (``"shop=bakery"``,
        ``"amenity=bank"``...), ``""`` when none.

    The last four are optional (synthetic districts leave them out); read
    them through :meth:`column`, which fills the missing ones.
    """

    osm_id: np.ndarray
    footprint: np.ndarray
    building: np.ndarray
    levels: np.ndarray
    flats: np.ndarray
    name: np.ndarray
    height_m: np.ndarray | None = None
    roof_levels: np.ndarray | None = None
    addresses: np.ndarray | None = None
    use: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.osm_id.shape[0])

    def column(self, name: str) -> np.ndarray:
        """An optional column, filled when absent (NaN, 0 or ``""``).

        Examples
        --------
        >>> b = Buildings(np.array([1]), np.array([shapely.box(0, 0, 9, 9)]), np.array(["yes"]),
        ...               np.array([np.nan]), np.array([np.nan]), np.array([""]))
        >>> b.column("height_m").tolist(), b.column("addresses").tolist(), b.column("use").tolist()
        ([nan], [0], [''])
        """
        value = getattr(self, name)
        if value is not None:
            return np.asarray(value)
        n = len(self)
        if name == "addresses":
            return np.zeros(n, dtype=np.int64)
        if name == "use":
            return np.full(n, "", dtype=object)
        return np.full(n, np.nan)

    @property
    def area_m2(self) -> np.ndarray:
        """Footprint areas in square metres."""
        return np.asarray(shapely.area(self.footprint), dtype=float)

    @property
    def centroid_xy(self) -> np.ndarray:
        """``(k, 2)`` array of footprint centroids (point on surface)."""
        if len(self) == 0:
            return np.zeros((0, 2))
        pts = shapely.point_on_surface(self.footprint)
        return np.asarray(shapely.get_coordinates(pts), dtype=float)


@dataclass(frozen=True)
class AddressPoints:
    """Address nodes (``addr:housenumber``) of the district, each a premise.

    Parameters
    ----------
    xy
        ``(n, 2)`` coordinates in metres.
    business
        ``(n,)`` bool: the node carries a business tag (shop, amenity,
        office, craft, tourism, healthcare), so it is a business unit.
    """

    xy: np.ndarray
    business: np.ndarray

    def __len__(self) -> int:
        return int(self.xy.shape[0])


@dataclass(frozen=True)
class Barriers:
    """What a drop may not cross except along a street: railways, rivers, water, motorways.

    Parameters
    ----------
    geometry
        ``(n,)`` shapely lines (railways, rivers, canals, motorways) and
        polygons (water areas) in metres.
    kind
        ``(n,)`` ``"railway"``, ``"waterway"``, ``"water"`` or ``"motorway"``.
    """

    geometry: np.ndarray
    kind: np.ndarray

    def __len__(self) -> int:
        return int(self.geometry.shape[0])


@dataclass(frozen=True)
class LandUse:
    """``landuse=*`` areas, the context of untyped buildings.

    Parameters
    ----------
    geometry
        ``(n,)`` shapely polygons in metres.
    value
        ``(n,)`` ``landuse=*`` values (``"residential"``, ``"industrial"``...).
    """

    geometry: np.ndarray
    value: np.ndarray

    def __len__(self) -> int:
        return int(self.geometry.shape[0])


@dataclass(frozen=True)
class PremisesRegister:
    """Premises points from an address register (read by :mod:`fttx_planner.demand.register`).

    Parameters
    ----------
    xy
        ``(n, 2)`` coordinates in metres, in the district's CRS.
    residential, business
        ``(n,)`` int arrays: homes and business units at each point.
    source
        The file the points came from.
    """

    xy: np.ndarray
    residential: np.ndarray
    business: np.ndarray
    source: str = ""

    def __len__(self) -> int:
        return int(self.xy.shape[0])


@dataclass
class District:
    """A district ready for planning.

    Parameters
    ----------
    name
        Human-readable name (``"Porto, Centro Histórico"``).
    crs
        The metric CRS of all coordinates, e.g. ``"EPSG:32629"``.
    streets
        The street graph.
    buildings
        The buildings.
    olt_xy
        Suggested OLT / central-office location in metres, or ``None`` to let
        the planner choose.
    source
        Where the data came from (file path or ``"synthetic"``).
    attribution
        Data attribution to show with any map or export.
    warnings
        Problems met while loading (dropped ways, broken relations...).
    addresses, landuse
        Address nodes and land-use areas from the OSM file (``None`` when
        the source has none, e.g. a synthetic district).
    entrances
        ``(n, 2)`` entrance nodes (``entrance=*``) in metres, the building
        entries where mapped (``None`` when the source has none).
    barriers
        Railways, rivers, water areas and motorways (``None``: none known).
    register
        A premises register given by the user (points with unit counts,
        :mod:`fttx_planner.demand.register`); it overrides the estimate of
        the buildings it matches.
    """

    name: str
    crs: str
    streets: StreetGraph
    buildings: Buildings
    olt_xy: tuple[float, float] | None = None
    source: str = ""
    attribution: str = OSM_ATTRIBUTION
    warnings: list[str] = field(default_factory=list)
    addresses: AddressPoints | None = None
    landuse: LandUse | None = None
    register: PremisesRegister | None = None
    entrances: np.ndarray | None = None
    barriers: Barriers | None = None

    @property
    def bounds_xy(self) -> tuple[float, float, float, float]:
        """``(minx, miny, maxx, maxy)`` of streets and buildings in metres."""
        xy = self.streets.node_xy
        if len(self.buildings):
            xy = np.vstack([xy, self.buildings.centroid_xy])
        if xy.shape[0] == 0:
            return (0.0, 0.0, 0.0, 0.0)
        lo = xy.min(axis=0)
        hi = xy.max(axis=0)
        return (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))
