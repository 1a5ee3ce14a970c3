"""Load an OpenStreetMap file into a :class:`~fttx_planner.district.District`.

Reads OSM XML (``.osm``, ``.osm.gz``, ``.osm.bz2``) and PBF (``.osm.pbf``)
offline with pyosmium, then builds all geometry with vectorised shapely and
projects it once to the UTM zone of the district (:mod:`fttx_planner.osm.projection`).

What is kept
------------
Streets
    ``highway=*`` ways only (a real extract holds far more: landuse, rivers,
    power lines). Classes in :data:`~fttx_planner.district.TRENCH_HIGHWAYS`
    become trench edges (``edge_trench=True``), classes in
    :data:`~fttx_planner.district.DROP_ONLY_HIGHWAYS` drop-only edges, except
    the footways, cycleways and paths that link separate street networks,
    which carry the trench too (:mod:`fttx_planner.osm.links`); every
    other class (motorway, trunk and their links, construction, proposed,
    platform, corridor, elevator, raceway...) is left out, and so are
    ``area=yes`` highways (squares mapped as outlines: their outline is no
    street). ``access=private`` and ``access=no`` ways are **kept** with their
    class: private service roads and driveways are how buildings in an
    estate are reached, and the wayleave needed on them is the one the drop
    needs anyway. The graph is simplified: nodes are way end points and
    nodes shared by two or more ways; see :mod:`fttx_planner.osm._geometry`
    for how loops, duplicates and cut ways are handled. Disconnected parts
    are kept, with a warning giving their number and the share of length
    outside the longest part; the design engine decides what it can reach.
Buildings
    Closed ways and multipolygon relations tagged ``building=*`` (except
    ``building=no``), assembled by libosmium. Invalid polygons are repaired
    with :func:`shapely.make_valid` (polygonal parts kept), degenerate ones
    dropped. Tags: ``building``, ``building:levels`` and ``building:flats``
    (first number of the value, NaN when untagged or unreadable), ``name``
    or ``addr:street`` + ``addr:housenumber`` for display.
Broken data
    Ways and multipolygons referencing nodes or members missing from the file
    (cut at the extract's edge) never stop the load: highway ways are cut at
    the missing nodes, building areas dropped, and every case is counted in
    ``District.warnings``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from os import PathLike
from pathlib import Path

import numpy as np

from fttx_planner._errors import OsmLoadError
from fttx_planner.district import OSM_ATTRIBUTION, District
from fttx_planner.input_files import check_input_file, listed
from fttx_planner.osm import limits
from fttx_planner.osm._geometry import (
    BuildingNotes,
    StreetNotes,
    build_buildings,
    build_context,
    build_ground,
    build_street_graph,
    highway_lonlat,
)
from fttx_planner.osm._handlers import (
    OSM_FORMATS,
    STREET_HIGHWAYS,
    UNDEFINED_COORDINATE,
    OsmParseError,
    RawOsm,
    osm_file,
    read_osm,
)
from fttx_planner.osm.limits import bound_building_tags, check_coordinates, parse_error
from fttx_planner.osm.projection import utm_crs_for

logger = logging.getLogger(__name__)

#: Callback receiving ``(fraction done in 0..1, stage description)``.
ProgressCallback = Callable[[float, str], None]

#: Share of the progress bar the read pass fills.
_READ_SHARE = 0.7


def load_osm(
    path: str | PathLike[str],
    name: str | None = None,
    progress: ProgressCallback | None = None,
) -> District:
    """Load streets and buildings of an OSM file, projected to the local UTM zone.

    Parameters
    ----------
    path
        An ``.osm``, ``.osm.gz``, ``.osm.bz2`` or ``.osm.pbf`` file.
    name
        Name of the district; by default made from the file name.
    progress
        Called as ``progress(fraction, stage)``, ``fraction`` rising from 0 to 1.

    Returns
    -------
    District
        Streets and buildings in metres, ``olt_xy`` unset, ``warnings``
        listing whatever was dropped or repaired.

    Raises
    ------
    OsmLoadError
        If the file is missing, empty, of an unknown format, truncated or
        corrupt, or holds no usable streets or no buildings.
    """
    path = Path(path)
    report = progress if progress is not None else _no_progress
    _check_file(path)
    report(0.0, f"Reading {path.name}")
    raw = _read(path, lambda fraction, stage: report(_READ_SHARE * fraction, stage))
    _check_content(path, raw)
    check_coordinates(path, raw, UNDEFINED_COORDINATE)

    lonlat = highway_lonlat(raw)
    if lonlat.shape[0] == 0:
        msg = f"{path}: no streets: every highway way references nodes missing from the file"
        raise OsmLoadError(msg)
    lon, lat = np.median(lonlat, axis=0)
    crs = utm_crs_for(float(lon), float(lat))

    report(_READ_SHARE, "Building the street graph")
    streets, street_notes = build_street_graph(raw, crs)
    if streets.n_edges == 0:
        msg = f"{path}: no streets: the highway ways form no edge of positive length"
        raise OsmLoadError(msg)
    report(0.85, "Building footprints")
    buildings, building_notes = build_buildings(raw, crs)
    if len(buildings) == 0:
        msg = f"{path}: no buildings: every building footprint is broken or degenerate"
        raise OsmLoadError(msg)
    try:
        tag_warnings = bound_building_tags(buildings)
    except OsmLoadError as exc:
        raise OsmLoadError(f"{path}: {exc}") from None

    addresses, landuse = build_context(raw, crs)
    entrances, barriers = build_ground(raw, crs)
    district = District(
        name=name if name is not None else district_name(path),
        crs=crs,
        streets=streets,
        buildings=buildings,
        source=str(path),
        attribution=OSM_ATTRIBUTION,
        warnings=_warnings(raw, street_notes, building_notes) + tag_warnings,
        addresses=addresses,
        landuse=landuse,
        entrances=entrances,
        barriers=barriers,
    )
    for warning in district.warnings:
        logger.warning("%s: %s", path.name, warning)
    report(1.0, "Loaded")
    return district


def district_name(path: Path) -> str:
    """A readable district name made from an OSM file name.

    Examples
    --------
    >>> district_name(Path("maps/porto_centro-historico.osm.bz2"))
    'Porto Centro Historico'
    """
    stem = path.name
    for ending in sorted(OSM_FORMATS, key=len, reverse=True):
        if stem.lower().endswith(ending):
            stem = stem[: -len(ending)]
            break
    words = re.split(r"[_\-\s]+", stem)
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or path.name


def _no_progress(fraction: float, stage: str) -> None:
    """Progress callback that ignores its arguments."""


def _check_file(path: Path) -> None:
    """Raise :class:`OsmLoadError` unless ``path`` is a non-empty file of a known format.

    The file must be a regular file (a folder, FIFO or device is refused
    before anything opens it) of at most :data:`fttx_planner.osm.limits.MAX_OSM_BYTES`.
    """
    if not path.exists() and not path.is_symlink():
        msg = f"OSM file not found: {path}"
        raise OsmLoadError(msg)
    size = check_input_file(path, "OSM file", limits.MAX_OSM_BYTES, OsmLoadError)
    try:
        osm_file(path)
    except KeyError:
        known = ", ".join(OSM_FORMATS)
        msg = f"{path}: unknown OSM file format (the name must end in one of {known})"
        raise OsmLoadError(msg) from None
    if size == 0:
        msg = f"{path}: the file is empty"
        raise OsmLoadError(msg)


def _read(path: Path, progress: ProgressCallback) -> RawOsm:
    """Run the read pass, translating libosmium's errors into :class:`OsmLoadError`."""
    try:
        return read_osm(path, progress)
    except OsmParseError as exc:
        # libosmium's I/O, decompression and parser errors: name the place when the text shows it
        raise parse_error(path, str(exc)) from None


def _check_content(path: Path, raw: RawOsm) -> None:
    """Raise :class:`OsmLoadError` when there are no usable streets or no buildings."""
    problems = []
    if not raw.way_id:
        excluded = sum(raw.highways_excluded.values())
        detail = (
            f"its {excluded} highway ways are all of classes left out "
            f"({listed(sorted(raw.highways_excluded))})"
            if excluded
            else "it holds no highway ways"
        )
        problems.append(
            f"no streets: {detail}; usable classes are {', '.join(sorted(STREET_HIGHWAYS))}"
        )
    if not raw.building_wkb:
        tagged = (
            raw.building_ways_complete
            + raw.building_ways_missing_nodes
            + raw.building_ways_not_closed
            + len(raw.building_relation_ids)
        )
        problems.append(
            f"no buildings: its {tagged} building outlines are all broken or reference "
            "nodes missing from the file"
            if tagged
            else "no buildings: it holds no way or multipolygon tagged building=*"
        )
    if problems:
        msg = f"{path}: " + "; ".join(problems)
        raise OsmLoadError(msg)


def _warnings(raw: RawOsm, streets: StreetNotes, buildings: BuildingNotes) -> list[str]:
    """The load warnings: every dropped or repaired object, counted."""
    warnings = []
    if streets.ways_missing_nodes:
        warnings.append(
            f"{streets.ways_missing_nodes} highway ways reference nodes missing from the file: "
            f"cut at the missing nodes ({streets.ways_dropped} of them dropped entirely)"
        )
    if raw.building_ways_missing_nodes:
        warnings.append(
            f"{raw.building_ways_missing_nodes} building areas reference nodes missing "
            "from the file: dropped"
        )
    if raw.building_ways_not_closed:
        warnings.append(f"{raw.building_ways_not_closed} building ways are not closed: dropped")
    unassembled = max(0, len(raw.building_relation_ids) - raw.building_relation_areas)
    unassembled += max(0, raw.building_ways_complete - raw.building_way_areas)
    if unassembled > 0:
        warnings.append(
            f"{unassembled} building areas could not be assembled (members missing from the "
            "file or broken rings): dropped"
        )
    if buildings.repaired:
        warnings.append(f"{buildings.repaired} invalid building footprints repaired")
    if buildings.dropped:
        warnings.append(f"{buildings.dropped} degenerate building footprints dropped")
    warnings.extend(buildings.unreadable)
    if streets.n_components > 1:
        warnings.append(
            f"the street graph has {streets.n_components} disconnected parts; "
            f"{streets.share_outside_largest:.1%} of its length lies outside the longest part"
        )
    return warnings
