"""Plan outputs for other tools: GeoJSON, GeoPackage, CSV and JSON, always written atomically.

Modules
-------
layers
    the plan's map layers as GeoDataFrames (also what the GUI and the report draw).
files
    one writer per file format and :func:`write_all`.
atomic
    write to a temporary file beside the target, then rename.
"""

from __future__ import annotations

from fttx_planner.export.atomic import atomic_path, write_text_atomic
from fttx_planner.export.files import (
    write_all,
    write_bom_csv,
    write_geojson,
    write_geopackage,
    write_summary,
)
from fttx_planner.export.layers import LAYER_NAMES, WGS84, plan_layers

__all__ = [
    "LAYER_NAMES",
    "WGS84",
    "atomic_path",
    "plan_layers",
    "write_all",
    "write_bom_csv",
    "write_geojson",
    "write_geopackage",
    "write_summary",
    "write_text_atomic",
]
