"""Plan outputs for other tools: GeoJSON, GeoPackage + QGIS project, KMZ, CSV and JSON.

Every file is written atomically.

Modules
-------
layers
    the plan's map layers as GeoDataFrames (also what the GUI and the report draw).
cable_runs
    cables as laid: one run per cable between two joints.
palette, styles
    the app's map colours; each layer's look, keyed by layer name, format-neutral.
geojson
    RFC 7946 GeoJSON, one file per layer.
geopackage, qgis, sld
    GeoPackage 1.2 with QML/SLD styles in ``layer_styles``; the ``.qgz`` project.
kml
    KML/KMZ for Google Earth, a styled folder per layer.
files
    the tables (BOM, splitters, summary) and :func:`write_all`.
atomic
    write to a temporary file beside the target, then rename.
"""

from __future__ import annotations

from fttx_planner.export.atomic import atomic_path, write_text_atomic
from fttx_planner.export.files import OUTPUT_FILES, write_all, write_bom_csv, write_summary
from fttx_planner.export.geojson import write_geojson
from fttx_planner.export.geopackage import write_geopackage
from fttx_planner.export.kml import write_kml
from fttx_planner.export.layers import LAYER_NAMES, WGS84, plan_layers
from fttx_planner.export.qgis import write_qgis_project

__all__ = [
    "LAYER_NAMES",
    "OUTPUT_FILES",
    "WGS84",
    "atomic_path",
    "plan_layers",
    "write_all",
    "write_bom_csv",
    "write_geojson",
    "write_geopackage",
    "write_kml",
    "write_qgis_project",
    "write_summary",
    "write_text_atomic",
]
