"""Plan files: GeoJSON per layer, one GeoPackage, BOM and splitter CSVs, the summary JSON.

All files are written atomically (:mod:`fttx_planner.export.atomic`): to a
temporary file beside the target, then renamed over it, so a crash never
leaves a half-written file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from fttx_planner.export.atomic import atomic_path, write_text_atomic
from fttx_planner.export.layers import plan_layers
from fttx_planner.plan import Plan


def write_geojson(layers: dict[str, gpd.GeoDataFrame], out_dir: Path) -> list[Path]:
    """One GeoJSON FeatureCollection per layer (WGS84)."""
    paths = []
    for name, gdf in layers.items():
        target = out_dir / f"{name}.geojson"
        with atomic_path(target) as tmp:
            gdf.to_file(tmp, driver="GeoJSON", engine="pyogrio")
        paths.append(target)
    return paths


def write_geopackage(layers: dict[str, gpd.GeoDataFrame], target: Path) -> Path:
    """All layers in one GeoPackage (opens in QGIS)."""
    with atomic_path(target) as tmp:
        for name, gdf in layers.items():
            if len(gdf):
                gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
    return target


def write_summary(plan: Plan, target: Path) -> Path:
    """The summary JSON (see docs/architecture.md)."""
    write_text_atomic(target, json.dumps(plan.summary(), indent=2, default=_json_default))
    return target


def write_bom_csv(plan: Plan, target: Path) -> Path:
    """The bill of materials as CSV."""
    write_text_atomic(target, plan.bom.to_csv(index=False))
    return target


def write_all(
    plan: Plan, out_dir: str | Path, progress: Callable[[float, str], None] | None = None
) -> list[Path]:
    """Write every output of a plan into ``out_dir``; return the files written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    step = progress or (lambda f, s: None)
    step(0.0, "layers")
    layers = plan_layers(plan, wgs84=True)
    step(0.3, "GeoJSON")
    paths = write_geojson(layers, out / "geojson")
    step(0.6, "GeoPackage")
    paths.append(write_geopackage(layers, out / "plan.gpkg"))
    paths.append(write_bom_csv(plan, out / "bom.csv"))
    paths.append(write_summary(plan, out / "summary.json"))
    sp = plan.splitters.drop(columns=["node"])
    write_text_atomic(out / "splitters.csv", sp.to_csv(index=False))
    paths.append(out / "splitters.csv")
    step(1.0, "done")
    return paths


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    msg = f"Not JSON serialisable: {type(obj).__name__}"
    raise TypeError(msg)
