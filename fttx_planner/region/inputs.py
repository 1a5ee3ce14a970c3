"""The region to plan: one OSM file (or sample city), a folder of OSM files, or districts.

The files of a folder are adjacent extracts (tiles, municipalities), which
may overlap: the files that touch are stitched into one part at their
borders (:mod:`fttx_planner.region.stitch`: streets join, each building
counted once, a service area may span files); files that touch no other
stay parts of their own. A list of districts is taken as the parts, as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fttx_planner._errors import FttxError
from fttx_planner.district import District

#: File names read from a region folder.
OSM_SUFFIXES = (".osm", ".osm.gz", ".osm.bz2", ".osm.pbf")


class RegionInputError(FttxError):
    """The region to plan cannot be found or read."""


def region_files(folder: Path) -> list[Path]:
    """The OSM files of a region folder, sorted by name."""
    files = sorted(
        p for p in folder.iterdir() if p.is_file() and p.name.lower().endswith(OSM_SUFFIXES)
    )
    if not files:
        msg = f"Region folder {folder} holds no OSM file ({', '.join(OSM_SUFFIXES)})."
        raise RegionInputError(msg)
    return files


def load_region(source: str | Path | District | Sequence[District]) -> list[District]:
    """The parts of a region as districts.

    Parameters
    ----------
    source
        A district, a list of them, a sample city name, an OSM file, or a
        folder of OSM files.
    """
    if isinstance(source, District):
        return [source]
    if isinstance(source, Sequence) and not isinstance(source, str):
        parts = list(source)
        if not parts or not all(isinstance(d, District) for d in parts):
            msg = "A region given as a list needs at least one district, and only districts."
            raise RegionInputError(msg)
        return parts
    from fttx_planner.samples import resolve_district

    path = Path(source)
    if path.is_dir():
        return stitched_parts(path, [resolve_district(str(p))[0] for p in region_files(path)])
    return [resolve_district(str(source))[0]]


def stitched_parts(folder: Path, districts: list[District]) -> list[District]:
    """The districts of a folder's files, those that touch stitched into one.

    Raises
    ------
    RegionInputError
        Touching files that together span more than one UTM zone allows.
    """
    from fttx_planner.region.stitch import check_extent, stitch_districts, touching_groups

    parts = []
    for group in touching_groups(districts):
        members = [districts[i] for i in group]
        if len(members) == 1:
            parts.append(members[0])
            continue
        files = [Path(d.source).name for d in members]
        if len(group) == len(districts):
            name = f"{folder.name} ({len(members)} files)"
        else:
            listed = (
                ", ".join(files) if len(files) <= 3 else f"{files[0]} and {len(files) - 1} more"
            )
            name = f"{folder.name}: {listed}"
        stitched, report = stitch_districts(members, name, str(folder))
        problem = check_extent(stitched, files)
        if problem is not None:
            raise RegionInputError(f"Region folder {folder}: {problem}.")
        stitched.warnings.insert(0, report.text())
        parts.append(stitched)
    return parts
