"""Plan files: GeoJSON per layer, a styled GeoPackage with a QGIS project, KMZ, CSVs, JSON.

All files are written atomically (:mod:`fttx_planner.export.atomic`): to a
temporary file beside the target, then renamed over it, so a crash never
leaves a half-written file; :func:`write_all` writes the whole set into a
staging folder and swaps it in at the end, so it never leaves a mixed set.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from fttx_planner.export.atomic import output_set, write_text_atomic
from fttx_planner.export.geojson import write_geojson
from fttx_planner.export.geopackage import write_geopackage
from fttx_planner.export.kml import write_kml
from fttx_planner.export.layers import plan_layers
from fttx_planner.plan import Plan


def write_summary(plan: Plan, target: Path) -> Path:
    """The summary JSON (see docs/architecture.md)."""
    write_text_atomic(target, json.dumps(plan.summary(), indent=2, default=_json_default))
    return target


def write_bom_csv(plan: Plan, target: Path) -> Path:
    """The bill of materials as CSV."""
    write_text_atomic(target, plan.bom.to_csv(index=False))
    return target


#: Files :func:`write_all` writes in its folder (``geojson/`` holds one file per layer).
OUTPUT_FILES = (
    "geojson/", "plan.gpkg", "plan.qgz", "plan.kmz", "bom.csv", "splitters.csv", "summary.json",
)  # fmt: skip


def write_all(
    plan: Plan, out_dir: str | Path, progress: Callable[[float, str], None] | None = None
) -> list[Path]:
    """Write every output of a plan into ``out_dir``; return the files written.

    ``geojson/<layer>.geojson`` (RFC 7946), ``plan.gpkg`` (GeoPackage 1.2
    with QGIS styles) and ``plan.qgz`` (QGIS project), ``plan.kmz`` (Google
    Earth), ``bom.csv``, ``splitters.csv`` and ``summary.json``. The set is
    written into a hidden staging folder and swapped in whole
    (:func:`~fttx_planner.export.atomic.output_set`): a failure half-way
    leaves the previous set as it was; other files in ``out_dir`` are kept.

    Raises
    ------
    OutputError
        ``out_dir`` is a file or cannot be written, or an OS error (disk
        full...) occurred; nothing of the previous set has changed then.
    """
    out = Path(out_dir)
    step = progress or (lambda f, s: None)
    title = f"{plan.district.name}: FTTH plan"
    credit = plan.district.attribution
    with output_set(out, OUTPUT_FILES) as stage:
        step(0.0, "layers")
        layers = plan_layers(plan, wgs84=True)
        step(0.3, "GeoJSON")
        paths = write_geojson(layers, stage / "geojson")
        step(0.5, "GeoPackage")
        gpkg = write_geopackage(layers, stage / "plan.gpkg", credit, title, crs=plan.district.crs)
        paths += [gpkg, stage / "plan.qgz"]
        step(0.75, "KMZ")
        paths.append(write_kml(layers, stage / "plan.kmz", title, credit))
        step(0.9, "tables")
        paths.append(write_bom_csv(plan, stage / "bom.csv"))
        paths.append(write_summary(plan, stage / "summary.json"))
        sp = plan.splitters.drop(columns=["node"])
        write_text_atomic(stage / "splitters.csv", sp.to_csv(index=False))
        paths.append(stage / "splitters.csv")
    step(1.0, "done")
    return [out / p.relative_to(stage) for p in paths]


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    msg = f"Not JSON serialisable: {type(obj).__name__}"
    raise TypeError(msg)
