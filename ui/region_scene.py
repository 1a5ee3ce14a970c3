"""A region plan on the map: its service areas as one layer, one area at a time in detail.

``fttx-planner region SOURCE --out DIR`` writes a merged GeoPackage
(``plan.gpkg``: every area's layers plus ``service_areas``,
``central_offices`` and ``streets``), ``summary.json``, ``areas.csv`` and a
folder per area with its own ``plan.gpkg`` and ``summary.json``
(docs/region.md). :func:`read_region` reads only the light part (the areas'
outlines, the offices and, up to :data:`MAX_OVERVIEW_STREETS`, the streets)
into an overview :class:`~ui.map_scene.MapScene`; :func:`read_area` reads one
area's own GeoPackage into a full scene (buildings, cables, drops, splitters,
closures) when the user opens it. The merged GeoPackage's detail layers
(every drop of the region) are never read.

Everything is drawn in one metric CRS, the central offices' (so the view
stays put between the overview and an area). Reading runs in a worker
thread; nothing here touches a widget.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from PySide6.QtCore import QRectF

from fttx_planner import FttxError
from ui import map_style as ms
from ui.map_scene import (
    Batch,
    Check,
    MapScene,
    Symbols,
    _line_batch,
    _polygon_batch,
    scene_from_layers,
    street_batches,
)

#: Region streets drawn on the overview at most (a county's are many more: then none).
MAX_OVERVIEW_STREETS = 150_000
#: The files a region plan folder must hold.
REGION_FILES = ("plan.gpkg", "summary.json", "areas.csv")


class RegionFileError(FttxError):
    """A folder that is not (or no longer) a readable region plan."""


@dataclass
class RegionView:
    """A region plan opened for viewing.

    Attributes
    ----------
    folder
        The region's output folder.
    name, attribution
        The region's name and data attribution.
    crs
        The metric CRS every scene of the region is drawn in.
    summary
        ``summary.json`` (scope ``region``).
    areas
        ``areas.csv``: one row per service area.
    scene
        The overview: service areas, central offices, streets.
    streets_shown
        Whether the overview has the streets (a large region's are left out).
    """

    folder: Path
    name: str
    attribution: str
    crs: str
    summary: dict[str, Any]
    areas: pd.DataFrame
    scene: MapScene
    streets_shown: bool


@dataclass
class AreaView:
    """One service area read from its own folder, ready to draw."""

    area_id: int
    scene: MapScene
    summary: dict[str, Any]
    buildings: int


def read_region(folder: str | Path, check: Check | None = None) -> RegionView:
    """Read a region plan folder's overview (see the module docstring).

    Raises
    ------
    RegionFileError
        When the folder is no region plan, or a file in it cannot be read.
    """
    step = check or (lambda: None)
    folder = Path(folder)
    if not folder.is_dir():
        msg = f"{folder} is not a folder (choose the --out folder of `fttx-planner region`)"
        raise RegionFileError(msg)
    missing = [f for f in REGION_FILES if not (folder / f).is_file()]
    if missing:
        msg = (
            f"{folder} is not a region plan: {', '.join(missing)} missing (choose the --out "
            "folder of `fttx-planner region`)"
        )
        raise RegionFileError(msg)
    summary = _read_json(folder / "summary.json")
    if summary.get("scope") != "region":
        msg = f"{folder / 'summary.json'} is not a region summary (open a district plan as usual)"
        raise RegionFileError(msg)
    try:
        areas = pd.read_csv(folder / "areas.csv", keep_default_na=False)
    except (OSError, ValueError) as exc:
        msg = f"{folder / 'areas.csv'} cannot be read: {exc}"
        raise RegionFileError(msg) from None
    need = {"area_id", "central_office", "status", "homes_passed", "capex_eur", "folder"}
    if not need <= set(areas.columns):
        msg = f"{folder / 'areas.csv'} lacks {', '.join(sorted(need - set(areas.columns)))}"
        raise RegionFileError(msg)
    step()
    gpkg = folder / "plan.gpkg"
    outlines = _read_layer(gpkg, "service_areas")
    offices = _read_layer(gpkg, "central_offices")
    crs = _metric_crs(summary, outlines)
    outlines = outlines.to_crs(crs)
    offices = offices.to_crs(crs)
    step()
    streets = None
    listed = {str(n) for n, _ in pyogrio.list_layers(gpkg)}
    if "streets" in listed:
        n_streets = int(pyogrio.read_info(gpkg, layer="streets")["features"])
        if n_streets <= MAX_OVERVIEW_STREETS:
            streets = _read_layer(gpkg, "streets").to_crs(crs)
    step()
    name = str(summary.get("district", folder.name))
    attribution = str(summary.get("attribution", "(c) OpenStreetMap contributors, ODbL 1.0"))
    scene = overview_scene(outlines, offices, streets, name, attribution)
    return RegionView(folder, name, attribution, crs, summary, areas, scene, streets is not None)


def read_area(region: RegionView, area_id: int, check: Check | None = None) -> AreaView:
    """Read one service area's own GeoPackage into a full map scene.

    Raises
    ------
    RegionFileError
        When the area failed, or its files are missing or unreadable.
    """
    step = check or (lambda: None)
    rows = region.areas.loc[region.areas["area_id"].astype(int) == int(area_id)]
    if rows.empty:
        msg = f"the region has no service area {area_id}"
        raise RegionFileError(msg)
    row = rows.iloc[0]
    if str(row["status"]) != "planned" or not str(row["folder"]):
        msg = f"service area {area_id} was not planned: {row.get('error', '') or 'no outputs'}"
        raise RegionFileError(msg)
    area_dir = region.folder / str(row["folder"])
    gpkg = area_dir / "plan.gpkg"
    if not gpkg.is_file():
        msg = f"service area {area_id}: {gpkg} is missing"
        raise RegionFileError(msg)
    summary = _read_json(area_dir / "summary.json") if (area_dir / "summary.json").is_file() else {}
    layers: dict[str, gpd.GeoDataFrame] = {}
    for name, _ in pyogrio.list_layers(gpkg):
        if str(name) == "barriers":
            continue
        layers[str(name)] = _read_layer(gpkg, str(name)).to_crs(region.crs)
        step()
    required = ("streets", "trenches", "cables", "drops", "buildings", "splitters", "olt")
    missing = [n for n in required if n not in layers]
    if missing:
        msg = f"service area {area_id}: {gpkg} lacks the layers {', '.join(missing)}"
        raise RegionFileError(msg)
    b = layers["buildings"]
    layers["buildings"] = b.reset_index(drop=True)
    if "unserved" not in layers:
        # The area's GeoPackage leaves empty layers out: the unserved are its buildings not served.
        off = b.loc[~b["served"].astype(bool)]
        layers["unserved"] = gpd.GeoDataFrame(
            {"osm_id": off["osm_id"].to_numpy(), "homes": off["homes"].to_numpy(),
             "reason": off["reason"].astype(str).to_numpy()},
            geometry=list(shapely.point_on_surface(off.geometry.values)), crs=region.crs,
        )  # fmt: skip
    budget = float(summary.get("loss_db", {}).get("budget", 0.0))
    title = f"{region.name}: area {int(area_id)} ({row['central_office']})"
    scene = scene_from_layers(layers, title, region.attribution, budget, check=check)
    return AreaView(int(area_id), scene, summary, len(b))


def overview_scene(
    outlines: gpd.GeoDataFrame,
    offices: gpd.GeoDataFrame,
    streets: gpd.GeoDataFrame | None,
    name: str,
    attribution: str,
) -> MapScene:
    """The region's overview: each service area in a colour of its own, its office, the streets."""
    outlines = outlines.reset_index(drop=True)
    offices = offices.reset_index(drop=True)
    ids = outlines["area_id"].astype(int).to_numpy()
    colour = {int(a): i for i, a in enumerate(ids.tolist())}
    batches: list[Batch] = []
    geoms = outlines.geometry.values
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    failed = (outlines["status"].astype(str) != "planned").to_numpy()
    for i in range(len(outlines)):
        if valid[i]:
            style = ms.UNSERVED_STYLE if failed[i] else ms.area_fill(colour[int(ids[i])])
            batches.append(_polygon_batch("areas", style, geoms[i : i + 1]))
    if streets is not None and len(streets):
        batches += street_batches(streets)
    edges = shapely.boundary(geoms[valid])
    if len(edges):
        batches.append(_line_batch("areas", ms.LineStyle(ms.AREA_EDGE, 1.6), edges))
    xy = shapely.get_coordinates(offices.geometry.values) if len(offices) else np.zeros((0, 2))
    kind = np.array([colour.get(int(a), -1) for a in offices["area_id"]], dtype=np.int64)
    boxes = [g.bounds for g in geoms[valid]] + [(x, y, x, y) for x, y in xy.tolist()]
    if boxes:
        e = np.asarray(boxes)
        minx, miny, maxx, maxy = e[:, 0].min(), e[:, 1].min(), e[:, 2].max(), e[:, 3].max()
    else:
        minx, miny, maxx, maxy = 0.0, 0.0, 100.0, 100.0
    pad = max(maxx - minx, maxy - miny, 50.0) * 0.04
    bounds = QRectF(minx - pad, miny - pad, (maxx - minx) + 2 * pad, (maxy - miny) + 2 * pad)
    empty = Symbols(np.zeros((0, 2)), np.zeros(0, dtype=np.int64))
    outlines_valid = outlines.loc[valid].reset_index(drop=True)
    return MapScene(
        bounds=bounds,
        batches=batches,
        splitters=empty,
        olt=np.zeros(0),
        unserved=np.zeros((0, 2)),
        attribution=attribution,
        district_name=f"{name}: {len(outlines)} service areas",
        layers={"areas": outlines_valid, "offices": offices},
        group_colour={},
        budget_db=0.0,
        trench_methods=frozenset(),
        _trees={
            "areas": shapely.STRtree(outlines_valid.geometry.values),
            "offices": shapely.STRtree(offices.geometry.values),
        },
        offices=Symbols(xy, kind, [str(n) for n in offices["name"]]),
    )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        msg = f"{path} cannot be read: {exc}"
        raise RegionFileError(msg) from None
    if not isinstance(data, dict):
        msg = f"{path} is not a summary (a JSON object)"
        raise RegionFileError(msg)
    return data


def _read_layer(gpkg: Path, layer: str) -> gpd.GeoDataFrame:
    try:
        frame = pyogrio.read_dataframe(gpkg, layer=layer)
    except Exception as exc:  # pyogrio raises its own errors for a missing layer or a bad file
        msg = f"{gpkg}: layer {layer!r} cannot be read ({exc})"
        raise RegionFileError(msg) from None
    if not isinstance(frame, gpd.GeoDataFrame) or frame.crs is None:
        msg = f"{gpkg}: layer {layer!r} has no geometry or no CRS"
        raise RegionFileError(msg)
    return frame


def _metric_crs(summary: dict[str, Any], outlines: gpd.GeoDataFrame) -> str:
    """The central offices' CRS from the summary, else the UTM zone of the areas."""
    for office in summary.get("central_offices", []) or []:
        crs = office.get("crs") if isinstance(office, dict) else None
        if crs:
            return str(crs)
    if len(outlines):
        return str(outlines.estimate_utm_crs())
    return "EPSG:3857"
