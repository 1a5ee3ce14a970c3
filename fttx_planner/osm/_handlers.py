"""The pyosmium pass over an OSM file: highway ways, building and land-use areas, addresses.

One :class:`osmium.FileProcessor` with a node-location index and libosmium's
multipolygon assembler reads the file (two passes inside libosmium: relations
first, then everything). C++ filters hand only highway and building objects to
Python, which copies node ids and integer coordinates into flat lists; all
geometry work is done afterwards, vectorised, in :mod:`fttx_planner.osm._geometry`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import osmium
from osmium.filter import EntityFilter, KeyFilter

from fttx_planner.district import DROP_ONLY_HIGHWAYS, TRENCH_HIGHWAYS
from fttx_planner.osm.limits import check_counts

#: Integer coordinate libosmium gives a node reference whose node is not in the file.
UNDEFINED_COORDINATE = 2147483647

#: Highway classes kept in the street graph.
STREET_HIGHWAYS = TRENCH_HIGHWAYS | DROP_ONLY_HIGHWAYS

#: File name endings understood, and the libosmium format of each.
OSM_FORMATS = {
    ".osm": "osm",
    ".osm.gz": "osm.gz",
    ".osm.bz2": "osm.bz2",
    ".xml": "osm",
    ".xml.gz": "osm.gz",
    ".xml.bz2": "osm.bz2",
    ".osm.pbf": "pbf",
    ".pbf": "pbf",
}

#: Tags that make a building or an address node a business (their value says which).
BUSINESS_KEYS = ("shop", "amenity", "office", "craft", "tourism", "healthcare")

#: ``landuse=*`` values kept as context for untyped buildings.
LANDUSE_CONTEXT = frozenset(
    {"residential", "industrial", "commercial", "retail", "farmyard", "allotments",
     "military", "railway", "garages", "construction"}
)  # fmt: skip

#: ``railway=*`` values that are a barrier on the ground (trams run in streets).
RAILWAY_BARRIERS = frozenset(
    {"rail", "light_rail", "narrow_gauge", "subway", "monorail", "funicular", "preserved"}
)
#: ``waterway=*`` lines too wide to cross with a drop (streams and ditches are not).
WATERWAY_BARRIERS = frozenset({"river", "canal"})
#: Roads no crew digs along or across for a drop (kept out of the street graph too).
ROAD_BARRIERS = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})

#: Keys of the objects handed to Python by the read pass.
_READ_KEYS = (
    "highway", "building", "addr:housenumber", "entrance", "landuse", "railway", "waterway",
    "natural",
)  # fmt: skip

#: How often (in objects handed to Python) the read pass reports progress.
_PROGRESS_EVERY = 2000


@dataclass
class RawOsm:
    """What the read pass collects, before any geometry is built.

    Coordinates are libosmium's fixed-point integers (1e-7 degrees); a node
    missing from the file has both coordinates equal to
    :data:`UNDEFINED_COORDINATE`.
    """

    #: OSM id and highway class of each kept highway way.
    way_id: list[int] = field(default_factory=list)
    way_highway: list[str] = field(default_factory=list)
    #: Number of node references of each kept highway way.
    way_n_nodes: list[int] = field(default_factory=list)
    #: ``(ref, x, y)`` of every node reference of the kept highway ways, in order.
    way_nodes: list[tuple[int, int, int]] = field(default_factory=list)
    #: Structure of each kept highway way: ``""``, ``"tunnel"``, ``"covered"`` or ``"bridge"``.
    way_structure: list[str] = field(default_factory=list)
    #: Highway ways left out, by reason (``"motorway"``, ``"area=yes"``...).
    highways_excluded: Counter[str] = field(default_factory=Counter)

    #: Building areas: id (way id, or minus the relation id), WKB and tags.
    building_id: list[int] = field(default_factory=list)
    building_wkb: list[str] = field(default_factory=list)  # hex WKB
    building_value: list[str] = field(default_factory=list)
    building_levels: list[str] = field(default_factory=list)
    building_flats: list[str] = field(default_factory=list)
    building_name: list[str] = field(default_factory=list)
    building_height: list[str] = field(default_factory=list)
    building_roof_levels: list[str] = field(default_factory=list)
    building_addr_flats: list[str] = field(default_factory=list)
    building_housenumber: list[str] = field(default_factory=list)
    building_use: list[str] = field(default_factory=list)

    #: Address nodes: integer coordinates and whether a business tag is on them.
    address_x: list[int] = field(default_factory=list)
    address_y: list[int] = field(default_factory=list)
    address_business: list[bool] = field(default_factory=list)

    #: Entrance nodes (``entrance=*``): integer coordinates.
    entrance_x: list[int] = field(default_factory=list)
    entrance_y: list[int] = field(default_factory=list)

    #: Ground barriers: hex WKB (lines or areas) and kind
    #: (``"railway"``, ``"waterway"``, ``"water"``, ``"motorway"``).
    barrier_wkb: list[str] = field(default_factory=list)
    barrier_kind: list[str] = field(default_factory=list)

    #: Land-use areas of the kinds in :data:`LANDUSE_CONTEXT`: WKB and value.
    landuse_wkb: list[str] = field(default_factory=list)
    landuse_value: list[str] = field(default_factory=list)
    #: Building ways that reference nodes missing from the file.
    building_ways_missing_nodes: int = 0
    #: Building ways that are not closed rings.
    building_ways_not_closed: int = 0
    #: Building ways that are closed and have all their nodes.
    building_ways_complete: int = 0
    #: Building areas assembled from ways and from multipolygon relations.
    building_way_areas: int = 0
    building_relation_areas: int = 0
    #: Ids of building multipolygon relations in the file.
    building_relation_ids: set[int] = field(default_factory=set)
    #: Building areas libosmium assembled but could not turn into geometry.
    building_areas_broken: int = 0

    def highway_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(nodes, way_index)``: an ``(n, 3)`` int64 array of ``(ref, x, y)``
        and the ``(n,)`` index of the way each row belongs to."""
        nodes = np.asarray(self.way_nodes, dtype=np.int64).reshape(-1, 3)
        way_index = np.repeat(np.arange(len(self.way_n_nodes)), self.way_n_nodes)
        return nodes, way_index


def osm_file(path: Path) -> osmium.io.File:
    """Return the :class:`osmium.io.File` for ``path``, format from its name ending.

    Raises ``KeyError`` when the ending is not one of :data:`OSM_FORMATS`.
    """
    name = path.name.lower()
    for ending in sorted(OSM_FORMATS, key=len, reverse=True):
        if name.endswith(ending):
            return osmium.io.File(str(path), OSM_FORMATS[ending])
    raise KeyError(name)


def read_osm(path: Path, progress: Callable[[float, str], None] | None = None) -> RawOsm:
    """Read highway ways and building areas from an OSM file.

    Parameters
    ----------
    path
        The OSM file (format from its name ending, see :data:`OSM_FORMATS`).
    progress
        Called as ``progress(fraction, stage)`` with ``fraction`` in 0..1 of
        this pass (a rough estimate: the file is streamed, its length in
        objects is unknown).

    Returns
    -------
    RawOsm
        The raw data.

    Raises
    ------
    OsmParseError
        When libosmium refuses the file (truncated, corrupt, a value it cannot parse).
    OsmLoadError
        When the file holds more than the bounds of :mod:`fttx_planner.osm.limits`.
    """
    raw = RawOsm()
    wkb_factory = osmium.geom.WKBFactory()
    processor = (
        osmium.FileProcessor(osm_file(path))
        .with_locations()
        .with_areas(KeyFilter("building", "landuse", "natural", "waterway"))
        .with_filter(
            EntityFilter(osmium.osm.NODE | osmium.osm.WAY | osmium.osm.RELATION | osmium.osm.AREA)
        )
        .with_filter(KeyFilter(*_READ_KEYS))
    )
    fraction = 0.0
    for count, obj in enumerate(_objects(processor)):
        if count % _PROGRESS_EVERY == 0:
            check_counts(raw, path)
        if progress is not None and count % _PROGRESS_EVERY == 0:
            # Ways come before relations and areas trickle in with the ways:
            # creep towards 0.95, the exact figure is unknowable while streaming.
            fraction += (0.95 - fraction) * 0.1
            progress(fraction, "Reading streets and buildings")
        if isinstance(obj, osmium.osm.Node):
            _add_node(raw, obj)
        elif isinstance(obj, osmium.osm.Area):
            _add_area(raw, obj, wkb_factory)
        elif isinstance(obj, osmium.osm.Way):
            _add_way(raw, obj)
            _add_barrier_line(raw, obj, wkb_factory)
        elif isinstance(obj, osmium.osm.Relation):
            tags = obj.tags
            if tags.get("type") == "multipolygon" and tags.get("building", "no") != "no":
                raw.building_relation_ids.add(obj.id)
    check_counts(raw, path)
    if progress is not None:
        progress(1.0, "Read streets and buildings")
    return raw


class OsmParseError(Exception):
    """libosmium refused the file (parser, decompression or I/O error); ``args[0]`` says why."""


def _objects(processor: osmium.FileProcessor) -> Iterator[Any]:
    """The processor's objects; libosmium's own errors become :class:`OsmParseError`.

    Only the iteration is guarded: an error raised while handling an object
    (a cancellation from the progress callback, a bug) passes through as it is.
    """
    try:
        iterator = iter(processor)
    except (RuntimeError, ValueError, osmium.InvalidLocationError) as exc:
        raise OsmParseError(str(exc)) from exc
    while True:
        try:
            obj = next(iterator)
        except StopIteration:
            return
        except (RuntimeError, ValueError, osmium.InvalidLocationError) as exc:
            raise OsmParseError(str(exc)) from exc
        yield obj


def _add_way(raw: RawOsm, way: osmium.osm.Way) -> None:
    """Collect a highway way's nodes; count broken building ways."""
    tags = way.tags
    highway = tags.get("highway")
    if highway is not None:
        if highway not in STREET_HIGHWAYS:
            raw.highways_excluded[highway] += 1
        elif tags.get("area") == "yes":
            raw.highways_excluded["area=yes"] += 1
        else:
            nodes = [(n.ref, n.x, n.y) for n in way.nodes]
            raw.way_id.append(way.id)
            raw.way_highway.append(highway)
            raw.way_n_nodes.append(len(nodes))
            raw.way_nodes.extend(nodes)
            raw.way_structure.append(way_structure(tags))
    if tags.get("building", "no") != "no":
        way_nodes = way.nodes
        if any(n.x == UNDEFINED_COORDINATE for n in way_nodes):
            raw.building_ways_missing_nodes += 1
        elif len(way_nodes) < 4 or way_nodes[0].ref != way_nodes[len(way_nodes) - 1].ref:
            raw.building_ways_not_closed += 1
        else:
            raw.building_ways_complete += 1


def way_structure(tags: osmium.osm.TagList | dict[str, str]) -> str:
    """``"tunnel"``, ``"bridge"``, ``"covered"`` or ``""`` for a way's tags.

    Examples
    --------
    >>> way_structure({"tunnel": "building_passage"}), way_structure({"bridge": "no"})
    ('tunnel', '')
    """
    if tags.get("tunnel", "no") != "no":
        return "tunnel"
    if tags.get("bridge", "no") != "no":
        return "bridge"
    if tags.get("covered", "no") != "no":
        return "covered"
    return ""


def barrier_kind(tags: osmium.osm.TagList | dict[str, str]) -> str:
    """The ground-barrier kind of a way (``""`` if it is none).

    A railway or road on a bridge or in a tunnel is no barrier at street level.

    Examples
    --------
    >>> barrier_kind({"railway": "rail"}), barrier_kind({"railway": "rail", "bridge": "yes"})
    ('railway', '')
    >>> barrier_kind({"highway": "motorway"}), barrier_kind({"waterway": "stream"})
    ('motorway', '')
    """
    if way_structure(tags) in ("tunnel", "bridge"):
        return ""
    if tags.get("railway") in RAILWAY_BARRIERS:
        return "railway"
    if tags.get("waterway") in WATERWAY_BARRIERS:
        return "waterway"
    if tags.get("highway") in ROAD_BARRIERS:
        return "motorway"
    return ""


def _add_barrier_line(
    raw: RawOsm, way: osmium.osm.Way, wkb_factory: osmium.geom.WKBFactory
) -> None:
    """Collect a railway, river, canal or motorway line as a ground barrier."""
    kind = barrier_kind(way.tags)
    if not kind:
        return
    try:
        raw.barrier_wkb.append(wkb_factory.create_linestring(way))
    except (RuntimeError, osmium.InvalidLocationError):  # missing nodes, a single point
        return
    raw.barrier_kind.append(kind)


def _add_node(raw: RawOsm, node: osmium.osm.Node) -> None:
    """Collect an address or entrance node; other nodes are not needed."""
    tags = node.tags
    if not node.location.valid():
        return
    if tags.get("entrance", "no") != "no":
        raw.entrance_x.append(node.location.x)
        raw.entrance_y.append(node.location.y)
    if "addr:housenumber" not in tags:
        return
    raw.address_x.append(node.location.x)
    raw.address_y.append(node.location.y)
    raw.address_business.append(any(k in tags for k in BUSINESS_KEYS))


def _add_area(raw: RawOsm, area: osmium.osm.Area, wkb_factory: osmium.geom.WKBFactory) -> None:
    """Collect a building area's geometry (WKB) and demand tags, or a land-use area."""
    tags = area.tags
    value = tags.get("building")
    if value is None or value == "no":
        if _is_water(tags):
            try:
                raw.barrier_wkb.append(wkb_factory.create_multipolygon(area))
            except (RuntimeError, osmium.InvalidLocationError):
                return
            raw.barrier_kind.append("water")
            return
        landuse = tags.get("landuse")
        if landuse in LANDUSE_CONTEXT:
            try:
                raw.landuse_wkb.append(wkb_factory.create_multipolygon(area))
            except RuntimeError:
                return
            raw.landuse_value.append(str(landuse))
        return
    try:
        wkb = wkb_factory.create_multipolygon(area)
    except RuntimeError:  # libosmium could not build rings (invalid area)
        raw.building_areas_broken += 1
        return
    if area.from_way():
        raw.building_way_areas += 1
        raw.building_id.append(area.orig_id())
    else:
        raw.building_relation_areas += 1
        raw.building_id.append(-area.orig_id())
    raw.building_wkb.append(wkb)
    raw.building_value.append(value)
    raw.building_levels.append(tags.get("building:levels") or "")
    raw.building_flats.append(tags.get("building:flats") or "")
    raw.building_name.append(_display_name(tags))
    raw.building_height.append(tags.get("height") or "")
    raw.building_roof_levels.append(tags.get("roof:levels") or "")
    raw.building_addr_flats.append(tags.get("addr:flats") or "")
    raw.building_housenumber.append(tags.get("addr:housenumber") or "")
    raw.building_use.append(next((f"{k}={tags.get(k)}" for k in BUSINESS_KEYS if k in tags), ""))


def _is_water(tags: osmium.osm.TagList) -> bool:
    """A water area (lake, river area, reservoir) that drops and trenches go around."""
    return (
        tags.get("natural") == "water"
        or tags.get("waterway") == "riverbank"
        or tags.get("landuse") in ("reservoir", "basin")
    )


def _display_name(tags: osmium.osm.TagList) -> str:
    """Name, else street and house number, else ``""``."""
    name = tags.get("name")
    if name:
        return str(name)
    street = tags.get("addr:street") or ""
    number = tags.get("addr:housenumber") or ""
    return f"{street} {number}".strip()
