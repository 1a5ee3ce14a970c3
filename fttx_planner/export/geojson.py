"""GeoJSON per RFC 7946: one FeatureCollection per layer.

RFC 7946 fixes the CRS to WGS84 longitude/latitude and removed the ``crs``
member; exterior rings run counter-clockwise (the right-hand rule) and holes
clockwise. GDAL's ``RFC7946=YES`` writes exactly that. Coordinates keep 7
decimals (about 1 cm on the ground, :data:`COORDINATE_DECIMALS`) and
measured properties 2 (:data:`PROPERTY_DECIMALS`: a centimetre, a cent, a
hundredth of a dB), instead of the 15-17 digits of a double.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from fttx_planner.export.atomic import atomic_path
from fttx_planner.export.layers import WGS84

#: Decimals of longitude and latitude: 1e-7 degrees is at most 1.1 cm.
COORDINATE_DECIMALS = 7
#: Decimals of float properties (length_m, cost_eur, loss_db, ...).
PROPERTY_DECIMALS = 2


def rounded(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy with float properties rounded to :data:`PROPERTY_DECIMALS`."""
    out = gdf.copy()
    for col in out.columns:
        if col != out.geometry.name and pd.api.types.is_float_dtype(out[col].dtype):
            out[col] = out[col].round(PROPERTY_DECIMALS)
    return out


def write_geojson(layers: dict[str, gpd.GeoDataFrame], out_dir: Path) -> list[Path]:
    """One RFC 7946 GeoJSON file per layer (``<name>.geojson``), written atomically."""
    paths = []
    for name, gdf in layers.items():
        target = out_dir / f"{name}.geojson"
        data = rounded(gdf if gdf.crs is None or gdf.crs == WGS84 else gdf.to_crs(WGS84))
        with atomic_path(target) as tmp:
            pyogrio.write_dataframe(
                data, tmp, layer=name, driver="GeoJSON",
                layer_options={"RFC7946": "YES",
                               "COORDINATE_PRECISION": str(COORDINATE_DECIMALS)},
            )  # fmt: skip
        paths.append(target)
    return paths
