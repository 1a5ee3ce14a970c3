"""``manifest.json``: what a viewer needs to open a region plan without loading every drop.

A region's merged GeoPackage holds every area's drops, cables and
buildings: at a million premises, far more than a map should load at once.
The manifest lists, with paths relative to the output folder, the light
overview layers of the merged GeoPackage (service areas, central offices,
streets), the heavy detail layers (every area's rows, tagged ``area_id``),
and each area's own files (GeoPackage, summary, BOM, splitters) with its
layers and its bounds, so a viewer shows the areas as one layer and loads
one area's GeoPackage when the user opens it. It is written last: when it
exists, every other output is complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyogrio
import shapely

from fttx_planner.osm.projection import to_wgs84, transform_xy
from fttx_planner.region.merge import area_paths

if TYPE_CHECKING:
    from fttx_planner.region.planner import RegionPlan

#: ``format`` and ``version`` of the manifest.
MANIFEST_FORMAT = "fttx-planner-region-manifest"
MANIFEST_VERSION = 1
#: Layers of the merged GeoPackage that hold one row per area, office or street edge.
OVERVIEW_LAYERS = ("service_areas", "central_offices", "streets")


def region_manifest(plan: RegionPlan, out: Path, crs_of: Mapping[int, str]) -> dict[str, Any]:
    """The manifest of a region plan written into ``out``.

    Parameters
    ----------
    plan
        The region plan, its outputs written.
    out
        The output folder.
    crs_of
        The metric CRS of each area's outline (its part's CRS), by area id.
    """
    merged = [str(name) for name, _ in pyogrio.list_layers(out / "plan.gpkg")]
    areas = []
    boxes = []
    for r in sorted(plan.areas, key=lambda r: r.area_id):
        paths = area_paths(r)
        box = _bounds_wgs84(r.outline_wkb, crs_of[r.area_id])
        if box is not None:
            boxes.append(box)
        layers: list[str] = []
        if paths["geopackage"] and (out / paths["geopackage"]).exists():
            layers = [str(name) for name, _ in pyogrio.list_layers(out / paths["geopackage"])]
        folder = paths["folder"]
        areas.append(
            {
                "area_id": r.area_id,
                "central_office": r.co_name,
                "status": "planned" if r.ok else "failed",
                "homes_passed": int(r.summary["homes"]["passed"]) if r.ok else 0,
                "capex_eur": float(r.summary["capex_eur"]["total"]) if r.ok else None,
                "bounds_wgs84": box,
                **paths,
                "bom": f"{folder}/bom.csv" if folder else "",
                "splitters": f"{folder}/splitters.csv" if folder else "",
                "layers": layers,
                "error": r.error,
            }
        )
    total = (
        [min(b[0] for b in boxes), min(b[1] for b in boxes),
         max(b[2] for b in boxes), max(b[3] for b in boxes)]
        if boxes else None
    )  # fmt: skip
    return {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "name": plan.name,
        "attribution": plan.summary.get("attribution", ""),
        "crs": "EPSG:4326",
        "bounds_wgs84": total,
        "summary": "summary.json",
        "bom": "bom.csv",
        "areas_table": "areas.csv",
        "geopackage": "plan.gpkg",
        "overview_layers": [name for name in OVERVIEW_LAYERS if name in merged],
        "detail_layers": [name for name in merged if name not in OVERVIEW_LAYERS],
        "areas": areas,
    }


def _bounds_wgs84(outline_wkb: bytes, crs: str) -> list[float] | None:
    """``[west, south, east, north]`` of an outline in degrees (``None``: no outline)."""
    if not outline_wkb:
        return None
    geometry = shapely.from_wkb(outline_wkb)
    xy = transform_xy(to_wgs84(crs), shapely.get_coordinates(geometry))
    lo, hi = np.min(xy, axis=0), np.max(xy, axis=0)
    return [float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])]
