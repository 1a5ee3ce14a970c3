"""The region to plan: one OSM file (or sample city), a folder of OSM files, or districts.

Each file of a folder is one part of the region (a municipality, a county
extract) and gets its own central offices and service areas; parts are not
stitched across their borders, so files should not overlap.
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
        return [resolve_district(str(p))[0] for p in region_files(path)]
    return [resolve_district(str(source))[0]]
