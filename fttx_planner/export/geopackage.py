"""The plan as one GeoPackage that QGIS opens styled, with a QGIS project beside it.

The file is a GeoPackage 1.2 (``application_id`` ``GPKG``, ``user_version``
10200): QGIS 3.22 LTR and GDAL before 3.7 warn that 1.4, the default of newer
GDAL, "may only be partially supported". Each layer's style (QML for QGIS,
SLD for other tools) is stored in the ``layer_styles`` table QGIS reads and
writes, marked as the default, so a layer opened from the file is drawn like
the window's map.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from fttx_planner.export.atomic import atomic_path
from fttx_planner.export.qgis import style_qml, write_qgis_project
from fttx_planner.export.sld import style_sld
from fttx_planner.export.styles import layer_style, split_by_geometry

#: GeoPackage version written: the newest QGIS 3.22 LTR reads without a warning.
GPKG_VERSION = "1.2"
#: ``PRAGMA user_version`` of a GeoPackage 1.2 file (major * 10000 + minor * 100).
GPKG_USER_VERSION = 10200
#: ``PRAGMA application_id`` of a GeoPackage: the bytes "GPKG".
GPKG_APPLICATION_ID = int.from_bytes(b"GPKG", "big")
#: Name of the styles table, as QGIS creates it.
STYLES_TABLE = "layer_styles"
#: Geometry column name of every layer (GDAL's default for GeoPackage).
GEOMETRY_COLUMN = "geom"


def styles_table(layers: dict[str, gpd.GeoDataFrame], attribution: str = "") -> pd.DataFrame:
    """The ``layer_styles`` rows: one default style (QML and SLD) per non-empty layer."""
    rows = []
    now = pd.Timestamp.now(tz="UTC").floor("s")
    for name, gdf in layers.items():
        if not len(gdf):
            continue
        rows.append(
            {
                "f_table_catalog": "",
                "f_table_schema": "",
                "f_table_name": name,
                "f_geometry_column": GEOMETRY_COLUMN,
                "styleName": name,
                "styleQML": style_qml(name, gdf),
                "styleSLD": style_sld(name, gdf),
                "useAsDefault": True,
                "description": f"{layer_style(name, gdf).title}, as drawn by fttx-planner. "
                + attribution,
                "owner": "",
                "ui": "",
                "update_time": now,
            }
        )
    return pd.DataFrame(rows)


def write_geopackage(
    layers: dict[str, gpd.GeoDataFrame],
    target: Path,
    attribution: str = "",
    title: str | None = None,
    project: bool = True,
    crs: str | None = None,
    tables: dict[str, pd.DataFrame] | None = None,
) -> Path:
    """All non-empty layers in one GeoPackage 1.2 with their QGIS styles, and a project.

    Parameters
    ----------
    layers
        Map layers by name (:func:`~fttx_planner.export.layers.plan_layers`);
        a layer mixing points, lines and polygons is written as one table
        per kind (:func:`~fttx_planner.export.styles.split_by_geometry`).
    target
        The ``.gpkg`` file, written atomically.
    attribution
        Data attribution stored in each layer's description.
    title
        The QGIS project's title (default: the file name).
    project
        Also write the QGIS project ``target`` with suffix ``.qgz`` beside it.
    crs
        The project's map CRS (the district's metric CRS); by default the
        UTM zone of the data.
    tables
        Non-spatial tables by name (the detailed design's connectivity and
        splice schedule, :func:`detail_tables`), each registered in
        ``gpkg_contents`` with ``data_type`` ``attributes``; they join the
        layers by name (docs/exports.md).

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    layers = split_by_geometry(layers)  # one geometry type per table
    with atomic_path(target) as tmp:
        first = True
        for name, gdf in layers.items():
            if not len(gdf):
                continue
            layer_title = layer_style(name, gdf).title
            pyogrio.write_dataframe(
                gdf, tmp, layer=name, driver="GPKG",
                dataset_options={"VERSION": GPKG_VERSION} if first else None,
                layer_options={"GEOMETRY_NAME": GEOMETRY_COLUMN,
                               "DESCRIPTION": f"{layer_title}. {attribution}".strip()},
                append=False,
            )  # fmt: skip
            first = False
        for name, table in (tables or {}).items():
            pyogrio.write_dataframe(
                table.reset_index(drop=True), tmp, layer=name, driver="GPKG",
                dataset_options={"VERSION": GPKG_VERSION} if first else None,
                layer_options={"DESCRIPTION": TABLE_DESCRIPTIONS.get(name, name)},
            )  # fmt: skip
            first = False
        styles = styles_table(layers, attribution)
        if len(styles):
            pyogrio.write_dataframe(
                styles, tmp, layer=STYLES_TABLE, driver="GPKG",
                dataset_options=None if not first else {"VERSION": GPKG_VERSION},
                layer_options={"FID": "id"},
            )  # fmt: skip
    if project:
        shown = [g for g in layers.values() if len(g)]
        if crs is None:
            crs = shown[0].estimate_utm_crs().to_string() if shown else "EPSG:3857"
        write_qgis_project(
            layers, target, target.with_suffix(".qgz"), title or target.stem, crs,
            tables=list(tables or {}),
        )  # fmt: skip
    return target


#: The detailed design's tables written to the GeoPackage: ``detail_<table>``.
DETAIL_TABLES = ("units", "splices", "pieces", "circuits", "splitters", "olt_ports")
#: What each non-spatial table holds (its ``gpkg_contents`` description).
TABLE_DESCRIPTIONS = {
    "detail_units": "Connectivity: one row per premise unit, its OLT port, splitters, site, "
    "drop and circuits (join: drop = drops.name, osm_id = buildings.osm_id)",
    "detail_splices": "Splice schedule: every splice, tube passed and fibre parked per site "
    "(join: site = sites.site)",
    "detail_pieces": "Which fibre of which tube of which cable each circuit takes "
    "(join: cable = fibre_cables.cable, circuit = detail_circuits.circuit)",
    "detail_circuits": "Fibre paths between two devices (join: top_site, bottom_site = sites.site)",
    "detail_splitters": "Splitters with input and ports (join: splitter = splitters.name)",
    "detail_olt_ports": "Used OLT PON ports (join: splitter = splitters.name)",
}


def detail_tables(detail: Any) -> dict[str, pd.DataFrame]:
    """The detail's non-spatial tables for :func:`write_geopackage`, named ``detail_<table>``."""
    return {f"detail_{name}": getattr(detail, name) for name in DETAIL_TABLES}
