"""Planning one service area: the task each Dask worker runs.

:func:`plan_area` plans the area as a district of its own with the OLT
fixed at its central office, writes the area's outputs (GeoPackage, BOM,
splitters, summary) into its own folder, and returns an :class:`AreaResult`
small enough to send back to the client: the summary, the BOM, the area's
outline and which region buildings it served. An input error in the area
(:class:`~fttx_planner._errors.FttxError`) is returned as the area's error,
so the other areas still finish.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from fttx_planner._errors import FttxError
from fttx_planner.catalogue import Catalogue
from fttx_planner.design.planner import plan_district
from fttx_planner.params import DesignParams
from fttx_planner.plan import Plan
from fttx_planner.region.areas import ServiceArea
from fttx_planner.region.layers import area_outline, write_layers

#: Files of one area, in ``<out>/areas/<area folder>/``.
AREA_FILES = ("plan.gpkg", "bom.csv", "splitters.csv", "summary.json")


@dataclass
class AreaResult:
    """What planning one area returns to the client.

    Attributes
    ----------
    area_id, co_name, co_xy
        The area and its central office.
    folder
        The area's output folder (``None`` if it failed before writing).
    summary
        The area plan's summary (``Plan.summary()``), ``{}`` on error.
    bom
        The area's bill of materials (empty on error).
    outline_wkb
        The area's outline (WKB, district CRS): a concave hull of its
        buildings and CO.
    buildings, homes, served
        Region index, homes and served flag of each of the area's buildings
        with homes, as planned.
    error
        ``""``, or why the area could not be planned.
    seconds
        Wall time of the task.
    """

    area_id: int
    co_name: str
    co_xy: tuple[float, float]
    folder: Path | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    bom: pd.DataFrame = field(default_factory=pd.DataFrame)
    outline_wkb: bytes = b""
    buildings: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    homes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    served: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    error: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the area was planned."""
        return not self.error


def area_folder(out_dir: Path, area: ServiceArea) -> Path:
    """``<out>/areas/area_<id>``: where an area's outputs go."""
    return Path(out_dir) / "areas" / f"area_{area.area_id:04d}"


def plan_area(
    area: ServiceArea,
    params: DesignParams,
    catalogue: Catalogue,
    out_dir: Path | None,
) -> AreaResult:
    """Plan one service area and write its outputs (when ``out_dir`` is given).

    Parameters
    ----------
    area
        The area (its district has the OLT at the CO).
    params, catalogue
        Design parameters and prices, the same for every area.
    out_dir
        The region's output folder; the area writes into
        :func:`area_folder`. ``None``: nothing written.

    Returns
    -------
    AreaResult
        The area's figures, or its error.
    """
    t0 = time.perf_counter()
    office = area.central_office
    result = AreaResult(area.area_id, office.name, office.xy)
    result.outline_wkb = shapely.to_wkb(area_outline(area))
    try:
        plan = plan_district(area.district, params, catalogue, area.infra)
        if out_dir is not None:
            result.folder = area_folder(out_dir, area)
            write_area(plan, result.folder)
    except FttxError as exc:
        result.error = str(exc)
        result.seconds = time.perf_counter() - t0
        return result
    b = plan.buildings
    result.summary = plan.summary()
    result.bom = plan.bom.copy()
    result.buildings = area.buildings[b["building"].to_numpy()]
    result.homes = b["homes"].to_numpy(dtype=np.int64)
    result.served = b["served"].to_numpy(dtype=bool)
    result.seconds = time.perf_counter() - t0
    return result


def write_area(plan: Plan, folder: Path) -> list[Path]:
    """An area's own outputs: GeoPackage of its layers, BOM, splitters and summary."""
    from fttx_planner.export import plan_layers, write_bom_csv, write_summary, write_text_atomic

    folder.mkdir(parents=True, exist_ok=True)
    paths = [write_layers(plan_layers(plan, wgs84=True), folder / "plan.gpkg")]
    paths.append(write_bom_csv(plan, folder / "bom.csv"))
    sp = plan.splitters.drop(columns=["node"])
    write_text_atomic(folder / "splitters.csv", sp.to_csv(index=False))
    paths.append(folder / "splitters.csv")
    paths.append(write_summary(plan, folder / "summary.json"))
    return paths
