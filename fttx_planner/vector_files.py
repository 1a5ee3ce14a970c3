"""Read a user's GeoJSON or GeoPackage layer through GDAL without letting the file steer GDAL.

GDAL picks a driver from a file's content: a file named ``ducts.geojson`` that
holds a VRT (``<OGRVRTDataSource>``) makes it open any other local file (a CSV
driver reads ``/etc/passwd`` line by line) and its lines end up in error
messages. :func:`read_vector_file` therefore

* takes the driver from the file name (``.geojson``/``.json``: GeoJSON,
  ``.gpkg``: GeoPackage) and forces it with GDAL's ``DRIVER:path`` syntax;
* checks the content before GDAL sees it (a JSON object, or an SQLite
  database header);
* keeps SQLite's access to other files off (``OGR_SQLITE_ALLOW_EXTERNAL_ACCESS``,
  GDAL's default, set explicitly);
* bounds the file size and the feature count;
* never puts GDAL's message (which may quote file content) in its error.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fttx_planner._errors import FttxError
from fttx_planner.input_files import check_input_file

if TYPE_CHECKING:
    import geopandas as gpd

#: GDAL driver of each accepted file name ending.
VECTOR_DRIVERS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG"}
#: Readable names of the drivers, for messages.
_FORMAT_NAMES = {"GeoJSON": "GeoJSON", "GPKG": "GeoPackage"}
#: First bytes of every SQLite 3 database, hence of every GeoPackage.
SQLITE_HEADER = b"SQLite format 3\x00"


def _content_matches(path: Path, driver: str) -> bool:
    """Whether the file starts like its format: a JSON object, or an SQLite database."""
    with path.open("rb") as f:
        head = f.read(4096)
    if driver == "GPKG":
        return head.startswith(SQLITE_HEADER)
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"{")


def read_vector_file(
    path: str | Path,
    what: str,
    error: type[FttxError],
    max_bytes: int,
    max_features: int,
) -> gpd.GeoDataFrame:
    """Read the first layer of a GeoJSON or GeoPackage file with the driver its name says.

    Parameters
    ----------
    path
        A ``.geojson``, ``.json`` or ``.gpkg`` file.
    what
        What the file is, for messages (``"infrastructure layer"``).
    error
        The :class:`FttxError` subclass raised.
    max_bytes, max_features
        Bounds on the file size and on the number of features.

    Returns
    -------
    geopandas.GeoDataFrame
        The features with their properties and CRS.

    Raises
    ------
    FttxError
        ``error``, one line naming the file and what is wrong; GDAL's own
        message is left out (it may quote the file's content).
    """
    import pyogrio

    path = Path(path)
    driver = VECTOR_DRIVERS.get(path.suffix.lower())
    check_input_file(path, what, max_bytes, error)
    if driver is None:
        msg = f"{path}: the {what} must be GeoJSON (.geojson, .json) or GeoPackage (.gpkg)"
        raise error(msg)
    name = _FORMAT_NAMES[driver]
    try:
        matches = _content_matches(path, driver)
    except OSError as exc:
        msg = f"{path}: cannot read the {what} ({exc.strerror or type(exc).__name__})"
        raise error(msg) from None
    if not matches:
        expected = "an SQLite database" if driver == "GPKG" else "a JSON object ('{' first)"
        msg = f"{path}: cannot read the {what}: not a {name} file (its content is not {expected})"
        raise error(msg)
    pyogrio.set_gdal_config_options({"OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO"})
    source = f"{driver}:{path}"
    try:
        info = pyogrio.read_info(source)
    except Exception:  # pyogrio's DataSourceError and friends; their text may quote the file
        msg = f"{path}: cannot read the {what}: not a readable {name} file"
        raise error(msg) from None
    if int(info.get("features", 0)) > max_features:
        msg = (
            f"{path}: the {what} has {int(info['features']):,} features, more than the "
            f"{max_features:,} a {what} may have"
        )
        raise error(msg)
    try:
        return pyogrio.read_dataframe(source)
    except Exception:
        msg = f"{path}: cannot read the {what}: a feature or property is broken"
        raise error(msg) from None
