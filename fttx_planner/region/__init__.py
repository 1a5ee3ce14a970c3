"""Regions: several central offices, their service areas, and planning on Dask.

Modules
-------
sites
    central offices: read from a point layer or chosen by the engine, and their cost.
areas
    every home to one central office within reach; one district per service area.
tasks
    planning one area (the task a Dask worker runs) and writing its outputs.
bound
    the regional lower bound and the partition bound.
merge
    the merged BOM and the region summary.
layers
    service-area, central-office and merged map layers; the region's GeoPackage.
manifest
    ``manifest.json``: what a viewer loads first, and each area's own files.
inputs
    the region to plan: an OSM file, a folder of them, or districts.
stitch
    the files of a folder that touch, joined at their borders into one part.
planner
    :func:`plan_region`: split, plan each area (on a ``distributed.Client``), merge.
command
    ``fttx-planner region``.
"""

from __future__ import annotations

from fttx_planner.region.areas import ServiceArea, assign_homes, split_region
from fttx_planner.region.planner import RegionError, RegionPlan, plan_region
from fttx_planner.region.sites import (
    CentralOffice,
    choose_central_offices,
    co_cost_eur,
    load_central_offices,
)
from fttx_planner.region.stitch import stitch_districts
from fttx_planner.region.tasks import AreaResult, plan_area

__all__ = [
    "AreaResult",
    "CentralOffice",
    "RegionError",
    "RegionPlan",
    "ServiceArea",
    "assign_homes",
    "choose_central_offices",
    "co_cost_eur",
    "load_central_offices",
    "plan_area",
    "plan_region",
    "split_region",
    "stitch_districts",
]
