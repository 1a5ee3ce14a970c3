"""Bounds on what an OSM file may hold, and clear messages for what libosmium refuses.

A district file is a few megabytes; a crafted or broken one must end in one
line naming the file, the place and the problem, never in a traceback or in
memory exhaustion. This module holds:

* the size and count bounds (:data:`MAX_OSM_BYTES`, :data:`MAX_BUILDINGS`,
  :data:`MAX_HIGHWAY_NODE_REFS`, :data:`MAX_COLLECTED`), checked while the
  file streams (:func:`check_counts`);
* :func:`parse_error`: libosmium's parser errors (a coordinate ``nan``,
  ``999`` or ``47,06``, an id ``abc``, a tag value over 255 characters)
  turned into a message with the line, element and attribute, found by
  scanning the XML text for the first value libosmium cannot take;
* :func:`check_coordinates`: coordinates the parser takes but no place on
  Earth has (latitude 91), and districts wider than a UTM zone;
* :func:`bound_building_tags`: absurd tag values (``building:levels`` 1e9,
  ``building:flats`` 1e12) ignored with a warning, like untagged ones.
"""

from __future__ import annotations

import bz2
import gzip
import html
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

import numpy as np
import shapely

from fttx_planner._errors import OsmLoadError
from fttx_planner.input_files import clip, short

if TYPE_CHECKING:
    from fttx_planner.district import Buildings
    from fttx_planner.osm._handlers import RawOsm

#: Largest OSM file read (bytes): a district extract is a few MB, a whole
#: country's PBF (Germany: 4 GB) is no district.
MAX_OSM_BYTES = 1024**3
#: Most building areas in one file (the 100k-building benchmark is a large town).
MAX_BUILDINGS = 500_000
#: Most node references of kept highway ways (about 30 per street edge).
MAX_HIGHWAY_NODE_REFS = 5_000_000
#: Most other objects collected (address and entrance nodes, land use, barriers).
MAX_COLLECTED = 2_000_000
#: Widest district (km): a UTM zone is 6 degrees wide, about 500 km at 45 degrees
#: latitude; beyond it the projection distorts lengths.
MAX_EXTENT_KM = 500.0

#: Tag bounds: values beyond them are tagging errors and are ignored (as if untagged).
#: ``building:levels``: the tallest building has 163 floors (Burj Khalifa, 2010).
MAX_LEVELS = 200.0
#: ``roof:levels``: an attic or a roof storey, a handful at most.
MAX_ROOF_LEVELS = 20.0
#: ``height``: the tallest building is 828 m (Burj Khalifa).
MAX_HEIGHT_M = 1000.0
#: ``building:flats`` / ``addr:flats``: the largest residential buildings hold a
#: few thousand flats (Regent International, Hangzhou: about 20,000 residents).
MAX_FLATS = 10_000.0
#: Most flats tagged in one file: more households than the largest city has
#: (Tokyo: about 7 million); beyond it, a crafted file (every planning step
#: that weighs homes would then need memory in proportion).
MAX_TOTAL_FLATS = 20_000_000.0

#: libosmium keeps tag keys and values to this many characters.
MAX_TAG_CHARS = 255
#: Integer id range of libosmium (signed 64 bit).
_MAX_ID = 2**63 - 1
#: Integer attributes of OSM elements.
_INTEGER_ATTRIBUTES = ("id", "ref", "version", "changeset", "uid")
_ELEMENT = re.compile(r"<(node|way|relation|nd|member|tag)\b([^>]*)")
_ATTRIBUTE = re.compile(r"\b([a-z:_]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_HINT = re.compile(r": '(.*)'$")
#: Most text lines scanned for the place of a parse error.
_MAX_SCAN_LINES = 50_000_000


def check_counts(raw: RawOsm, path: Path) -> None:
    """Raise :class:`OsmLoadError` when the read pass has collected too much.

    Called every few thousand objects while the file streams, so a huge or
    crafted file stops long before it fills the memory.
    """
    problems = []
    if len(raw.building_wkb) > MAX_BUILDINGS:
        problems.append(f"more than {MAX_BUILDINGS:,} buildings")
    if len(raw.way_nodes) > MAX_HIGHWAY_NODE_REFS:
        problems.append(f"more than {MAX_HIGHWAY_NODE_REFS:,} street nodes")
    collected = (
        len(raw.address_x) + len(raw.entrance_x) + len(raw.landuse_wkb) + len(raw.barrier_wkb)
    )
    if collected > MAX_COLLECTED:
        problems.append(f"more than {MAX_COLLECTED:,} addresses, entrances and areas")
    if problems:
        msg = (
            f"{path}: {' and '.join(problems)}: too large for one district; cut it into districts "
            "(e.g. osmium extract --bbox) or plan it as a region"
        )
        raise OsmLoadError(msg)


def parse_error(path: Path, message: str) -> OsmLoadError:
    """The error for a file libosmium refused with ``message``, naming the place if found.

    Parameters
    ----------
    path
        The OSM file.
    message
        libosmium's message (``wrong format for coordinate: 'nan'``).

    Returns
    -------
    OsmLoadError
        ``"<file> line 7: node 42: lat="nan" is not a coordinate"`` when the
        XML text shows the place, else the file and libosmium's message cut
        to one line.
    """
    first = (message.splitlines() or [""])[0]
    hint = _HINT.search(first)
    where = None
    # Only a refused value (quoted by libosmium) or an over-long tag has a place to look for;
    # a truncated or corrupt stream has none.
    if not path.name.lower().endswith("pbf") and (hint is not None or "too long" in first):
        try:
            where = _first_bad_value(path, hint.group(1) if hint else None)
        except (OSError, EOFError, ValueError):  # a broken compressed stream: no place
            where = None
    if where is not None:
        return OsmLoadError(f"{path} {where}")
    reason = clip(first, 160) if first else "unknown error"
    return OsmLoadError(f"{path}: cannot read the file, it is truncated or corrupt ({reason})")


def _open_text(path: Path) -> IO[str]:
    """The file as text lines, decompressed by its name ending."""
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    if name.endswith(".bz2"):
        return bz2.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with _open_text(path) as f:
        for number, line in enumerate(f, start=1):
            if number > _MAX_SCAN_LINES:
                return
            yield number, line


def _first_bad_value(path: Path, hint: str | None) -> str | None:
    """``"line N: <element> <id>: <attribute>=<value> <why>"`` for the first bad value.

    ``hint`` is the value libosmium quoted (the whole value or its refused
    tail): only values ending in it count, when given.
    """
    element, element_id = "", ""
    for number, line in _lines(path):
        for tag in _ELEMENT.finditer(line):
            attributes = [
                (m.group(1), m.group(2) if m.group(2) is not None else m.group(3))
                for m in _ATTRIBUTE.finditer(tag.group(2))
            ]
            if tag.group(1) in ("node", "way", "relation"):
                element = tag.group(1)
                element_id = next((v for k, v in attributes if k == "id"), "")
            for name, value in attributes:
                why = _why_bad(name, value)
                if not why and value == hint and name in ("lat", "lon", *_INTEGER_ATTRIBUTES):
                    why = "is not in a form the OSM parser reads"
                if why and (hint is None or value.endswith(hint)):
                    shown_id = f" {element_id}" if _INTEGER.fullmatch(element_id) else ""
                    owner = f"{element}{shown_id}: " if element else ""
                    return f"line {number}: {owner}{name}={short(value, 40)} {why}"
    return None


def _why_bad(name: str, value: str) -> str:
    """Why libosmium refuses the attribute ``name=value`` (``""``: it takes it)."""
    if name in ("lat", "lon"):
        if not _NUMBER.fullmatch(value) or not math.isfinite(float(value)):
            return "is not a coordinate (decimal degrees with a point, e.g. 47.06)"
        limit = 90.0 if name == "lat" else 180.0
        if abs(float(value)) > limit:
            return f"is outside -{limit:.0f}..{limit:.0f} degrees"
        return ""
    if name in _INTEGER_ATTRIBUTES:
        if not _INTEGER.fullmatch(value) or abs(int(value)) > _MAX_ID:
            return "is not a whole number (64 bit)"
        return ""
    if name in ("k", "v") and len(html.unescape(value)) > MAX_TAG_CHARS:
        return f"is longer than the {MAX_TAG_CHARS} characters of an OSM tag"
    return ""


def check_coordinates(path: Path, raw: RawOsm, undefined: int) -> None:
    """Refuse coordinates outside the Earth's range and districts wider than a UTM zone.

    Parameters
    ----------
    path
        The OSM file, for the message.
    raw
        The read pass's output (libosmium's fixed-point coordinates, 1e-7 degrees).
    undefined
        The coordinate libosmium gives a node missing from the file.
    """
    nodes, way = raw.highway_arrays()
    known = nodes[:, 1] != undefined
    outside = known & ((np.abs(nodes[:, 1]) > 1_800_000_000) | (np.abs(nodes[:, 2]) > 900_000_000))
    if outside.any():
        row = int(np.flatnonzero(outside)[0])
        msg = (
            f"{path}: node {nodes[row, 0]} of highway way {raw.way_id[way[row]]} lies outside "
            f"the Earth's coordinates (lon {nodes[row, 1] / 1e7:g}, lat {nodes[row, 2] / 1e7:g})"
        )
        raise OsmLoadError(msg)
    footprints = shapely.from_wkb(raw.building_wkb) if raw.building_wkb else np.zeros(0)
    bounds = shapely.bounds(footprints).reshape(-1, 4)
    bad = (np.abs(bounds[:, [0, 2]]) > 180.0).any(axis=1) | (np.abs(bounds[:, [1, 3]]) > 90.0).any(
        axis=1
    )
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        where = _osm_ref(raw.building_id[i])
        msg = f"{path}: building {where} lies outside the Earth's coordinates"
        raise OsmLoadError(msg)
    lonlat = nodes[known][:, 1:3] / 1e7
    if lonlat.shape[0]:
        _check_extent(path, lonlat, nodes[known][:, 0])


def _check_extent(path: Path, lonlat: np.ndarray, node_id: np.ndarray) -> None:
    """Refuse streets spanning more than :data:`MAX_EXTENT_KM`, naming the farthest node."""
    centre = np.median(lonlat, axis=0)
    km_per_degree = 111.32
    dx = (lonlat[:, 0] - centre[0]) * km_per_degree * np.cos(np.radians(centre[1]))
    dy = (lonlat[:, 1] - centre[1]) * km_per_degree
    distance_km = np.hypot(dx, dy)
    far = int(np.argmax(distance_km))
    if 2.0 * distance_km[far] > MAX_EXTENT_KM:
        msg = (
            f"{path}: street node {node_id[far]} lies {distance_km[far]:,.0f} km from the "
            f"district's centre (lon {lonlat[far, 0]:g}, lat {lonlat[far, 1]:g}); a district "
            f"spans at most {MAX_EXTENT_KM:.0f} km: wrong coordinates?"
        )
        raise OsmLoadError(msg)


def _osm_ref(building_id: int) -> str:
    """``way 12`` or ``relation 34`` (relations are stored with a minus sign)."""
    return f"relation {-building_id}" if building_id < 0 else f"way {building_id}"


def unreadable_tag_warning(
    tag: str, osm_id: np.ndarray, text: np.ndarray, values: np.ndarray
) -> str | None:
    """One warning for the buildings whose ``tag`` is set but is not one number.

    Such values (``building:levels=3;4``, ``12e``) are ignored as if
    untagged, like absurd ones (:func:`bound_building_tags`).

    Parameters
    ----------
    tag
        The tag's name.
    osm_id
        ``(k,)`` building ids (relations negative).
    text, values
        ``(k,)`` the tag's raw values and the numbers read from them (NaN: none).

    Returns
    -------
    str or None
        The warning, or None when every set value is a number.

    Examples
    --------
    >>> print(unreadable_tag_warning("building:levels", np.array([7, -8]),
    ...     np.array(["3;4", "12e"], dtype=object), np.array([np.nan, np.nan])))
    2 buildings tagged building:levels with a value that is not one number (e.g. way 7: '3;4'): \
ignored
    """
    unreadable = np.isnan(values) & (np.asarray([bool(str(t).strip()) for t in text], dtype=bool))
    if not unreadable.any():
        return None
    first = int(np.flatnonzero(unreadable)[0])
    return (
        f"{int(unreadable.sum())} buildings tagged {tag} with a value that is not one number "
        f"(e.g. {_osm_ref(int(osm_id[first]))}: {short(str(text[first]), 40)}): ignored"
    )


def bound_building_tags(buildings: Buildings) -> list[str]:
    """Ignore (set to NaN, in place) tag values beyond the plausible bounds; one warning per tag.

    Raises :class:`OsmLoadError` (without the file name: the caller adds it)
    when the flats left add up to more than :data:`MAX_TOTAL_FLATS`.

    Examples
    --------
    >>> from fttx_planner.district import Buildings
    >>> b = Buildings(osm_id=np.array([7, 8]), footprint=np.array([shapely.box(0, 0, 9, 9)] * 2),
    ...     building=np.array(["yes", "yes"], dtype=object), levels=np.array([3.0, 1e9]),
    ...     flats=np.array([1e12, 4.0]), name=np.array(["", ""], dtype=object))
    >>> for warning in bound_building_tags(b): print(warning)
    1 buildings tagged building:levels above 200 (e.g. way 8: 1e+09): ignored
    1 buildings tagged flats above 10000 (e.g. way 7: 1e+12): ignored
    >>> b.levels.tolist(), b.flats.tolist()
    ([3.0, nan], [nan, 4.0])
    """
    warnings = []
    for column, tag, limit in (
        ("levels", "building:levels", MAX_LEVELS),
        ("roof_levels", "roof:levels", MAX_ROOF_LEVELS),
        ("height_m", "height", MAX_HEIGHT_M),
        ("flats", "flats", MAX_FLATS),
    ):
        values = getattr(buildings, column, None)
        if values is None or values.dtype.kind != "f":
            continue
        absurd = ~(values <= limit) & ~np.isnan(values)
        if absurd.any():
            first = int(np.flatnonzero(absurd)[0])
            warnings.append(
                f"{int(absurd.sum())} buildings tagged {tag} above {limit:g} (e.g. "
                f"{_osm_ref(int(buildings.osm_id[first]))}: {values[first]:g}): ignored"
            )
            values[absurd] = np.nan  # in place: the footprints' tag arrays are their own
    total = float(np.nansum(buildings.flats))
    if total > MAX_TOTAL_FLATS:
        msg = (
            f"its buildings are tagged with {total:,.0f} flats in all, more than the "
            f"{MAX_TOTAL_FLATS:,.0f} of any city: not a district"
        )
        raise OsmLoadError(msg)
    return warnings
