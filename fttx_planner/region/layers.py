"""Map layers of a region: service areas, central offices, and the areas' layers merged.

Every area writes its plan's layers (:func:`fttx_planner.export.plan_layers`)
into its own GeoPackage; :class:`MergedGeoPackage` appends them, tagged with
their ``area``, into the region's one GeoPackage as the areas finish, beside
the ``service_areas`` (outline of each area with its figures),
``central_offices`` and region ``streets`` layers. All in WGS84, like the
district exports.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from fttx_planner.district import District

if TYPE_CHECKING:
    from fttx_planner.region.areas import ServiceArea
    from fttx_planner.region.sites import CentralOffice
    from fttx_planner.region.tasks import AreaResult

WGS84 = "EPSG:4326"
#: Concave-hull ratio of area outlines (0: tightest, 1: convex hull).
OUTLINE_RATIO = 0.3
#: Layers of the areas' GeoPackages not merged (the region writes its own streets once).
NOT_MERGED = ("streets",)


def area_outline(area: ServiceArea) -> shapely.Geometry:
    """The area's outline: a concave hull of its buildings' centroids and its CO."""
    xy = np.vstack([area.district.buildings.centroid_xy, [area.central_office.xy]])
    hull = shapely.concave_hull(shapely.multipoints(xy), ratio=OUTLINE_RATIO)
    return shapely.buffer(hull, 15.0) if hull.area < 1.0 else hull


@contextlib.contextmanager
def unsynced_sqlite() -> Iterator[None]:
    """GDAL writes GeoPackages without an fsync per transaction (5x faster for
    many small layers). Safe here: every file is written to a temporary path
    and moved into place only when complete (``atomic_path``)."""
    key = "OGR_SQLITE_SYNCHRONOUS"
    before = pyogrio.get_gdal_config_option(key)
    pyogrio.set_gdal_config_options({key: "OFF"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({key: before})


def write_layers(layers: dict[str, gpd.GeoDataFrame], target: Path) -> Path:
    """Non-empty layers into one GeoPackage, written atomically.

    A layer mixing points and lines (``crossings``: crossing points and
    far-side trenches) becomes one table per geometry kind, as in a plan's
    GeoPackage, so the region's merged tables keep one type each.
    """
    from fttx_planner.export import atomic_path
    from fttx_planner.export.styles import split_by_geometry

    with atomic_path(target) as tmp, unsynced_sqlite():
        for name, gdf in split_by_geometry(layers).items():
            if len(gdf):
                pyogrio.write_dataframe(gdf, tmp, layer=name, driver="GPKG")
    return target


def service_area_layer(results: list[AreaResult], crs: str) -> gpd.GeoDataFrame:
    """One polygon per area with its CO, status, homes, capex, bound and error."""
    from fttx_planner.region.merge import area_table

    ordered = sorted(results, key=lambda r: r.area_id)
    table = area_table(ordered).drop(columns=["co_x_m", "co_y_m", "folder"])
    geoms = [shapely.from_wkb(r.outline_wkb) if r.outline_wkb else None for r in ordered]
    return gpd.GeoDataFrame(table, geometry=geoms, crs=crs).to_crs(WGS84)


def central_office_layer(
    offices: list[CentralOffice], area_of: dict[str, int], crs: str
) -> gpd.GeoDataFrame:
    """One point per central office: name, who chose it, its area (0: serves no home)."""
    gdf = gpd.GeoDataFrame(
        {
            "name": [o.name for o in offices],
            "chosen_by": ["engine" if o.chosen else "user" for o in offices],
            "area_id": [area_of.get(o.name, 0) for o in offices],
        },
        geometry=shapely.points([o.xy for o in offices]) if offices else [],
        crs=crs,
    )
    return gdf.to_crs(WGS84)


def street_layer(district: District) -> gpd.GeoDataFrame:
    """The region's streets (the areas' own street layers overlap at their borders)."""
    s = district.streets
    gdf = gpd.GeoDataFrame(
        {"highway": s.edge_highway.astype(str), "carries_fibre": s.edge_trench,
         "length_m": s.edge_length_m},
        geometry=s.edge_geometry, crs=district.crs,
    )  # fmt: skip
    return gdf.to_crs(WGS84)


class MergedGeoPackage:
    """The region's GeoPackage, filled area by area, moved into place when closed."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.layers: set[str] = set()

    def add(self, name: str, gdf: gpd.GeoDataFrame) -> None:
        """Append rows to a layer (created on first use)."""
        if not len(gdf):
            return
        pyogrio.write_dataframe(
            gdf, self.tmp, layer=name, driver="GPKG", append=name in self.layers
        )
        self.layers.add(name)

    def add_area(self, area_id: int, gpkg: Path) -> None:
        """Append every layer of an area's GeoPackage, tagged with the area."""
        for name, _ in pyogrio.list_layers(gpkg):
            if name in NOT_MERGED:
                continue
            gdf = pyogrio.read_dataframe(gpkg, layer=name)
            gdf.insert(0, "area_id", area_id)
            self.add(str(name), gdf)


@contextlib.contextmanager
def merged_geopackage(target: Path) -> Iterator[MergedGeoPackage]:
    """A :class:`MergedGeoPackage` written atomically to ``target``."""
    from fttx_planner.export import atomic_path

    with atomic_path(target) as tmp, unsynced_sqlite():
        yield MergedGeoPackage(tmp)
