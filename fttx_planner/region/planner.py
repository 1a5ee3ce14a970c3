"""Plan a region: central offices, service areas, one task per area, merged outputs.

:func:`plan_region` splits the region into service areas
(:mod:`~fttx_planner.region.sites`, :mod:`~fttx_planner.region.areas`),
plans each area as its own district with the OLT at its central office
(:func:`~fttx_planner.region.tasks.plan_area`), one task per area on a
``dask.distributed`` :class:`~distributed.Client` when one is given (else
one after the other in this process), and merges the outputs as the areas
finish: one GeoPackage, one BOM, one summary, a table of the areas and each
area's own folder. An area that fails is reported with its error; the others
still finish. A task carries its area's data, so when a worker dies the
scheduler reruns its tasks on another worker.
"""

from __future__ import annotations

import json
import operator
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fttx_planner._errors import FttxError
from fttx_planner.catalogue import Catalogue
from fttx_planner.demand.premises import estimate_demand
from fttx_planner.district import District
from fttx_planner.export.atomic import check_output_folder
from fttx_planner.network.graph import ExistingInfra
from fttx_planner.params import Deployment, DesignParams
from fttx_planner.pipeline import load_existing_infra
from fttx_planner.region.areas import ServiceArea, assign_homes, split_region
from fttx_planner.region.bound import co_fixed_eur, regional_lower_bound
from fttx_planner.region.inputs import load_region
from fttx_planner.region.layers import (
    central_office_layer,
    merged_geopackage,
    service_area_layer,
    street_layer,
)
from fttx_planner.region.merge import area_table, infra_block, merged_bom, region_summary
from fttx_planner.region.sites import (
    MAX_AREA_HOMES,
    CentralOffice,
    SitesError,
    choose_central_offices,
    load_central_offices,
)
from fttx_planner.region.tasks import AreaResult, plan_area

if TYPE_CHECKING:
    from distributed import Client

#: ``progress(areas_done, areas_total, text)``.
RegionProgress = Callable[[int, int, str], None]
#: Plans one area: ``planner(area, params, catalogue, out_dir) -> AreaResult``.
AreaPlanner = Callable[[ServiceArea, DesignParams, Catalogue, "Path | None"], AreaResult]
#: NumPy scalars in the summary are written as plain numbers.
_item = operator.methodcaller("item")
#: Files written into the region's output folder (``areas/`` holds one folder per area).
REGION_FILES = ("plan.gpkg", "bom.csv", "summary.json", "areas.csv", "areas/", "manifest.json")


class RegionError(FttxError):
    """The region cannot be planned with these inputs."""


@dataclass
class RegionPlan:
    """A planned region.

    Attributes
    ----------
    name
        The region's name (its parts' names).
    offices
        Central offices of every part (in each part's CRS).
    areas
        Result of every service area, in area order.
    bom
        The merged bill of materials.
    summary
        The region summary (``summary.json``).
    paths
        Files written (empty without an output folder).
    """

    name: str
    offices: list[CentralOffice]
    areas: list[AreaResult]
    bom: pd.DataFrame
    summary: dict[str, Any]
    paths: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> list[AreaResult]:
        """The areas that could not be planned."""
        return [a for a in self.areas if not a.ok]


@dataclass
class _Part:
    district: District
    offices: list[CentralOffice]
    areas: list[ServiceArea]
    unassigned_homes: int
    unassigned_buildings: int
    expected: np.ndarray
    infra: ExistingInfra | None = None
    warnings: list[str] = field(default_factory=list)

    def served_offices(self) -> list[CentralOffice]:
        """The offices that have a service area."""
        return [a.central_office for a in self.areas]


def plan_region(
    source: str | Path | District | Sequence[District],
    out_dir: str | Path | None = None,
    client: Client | None = None,
    params: DesignParams | None = None,
    catalogue: Catalogue | None = None,
    central_offices: str | Path | Sequence[CentralOffice] | None = None,
    co_count: int | None = None,
    max_area_homes: int = MAX_AREA_HOMES,
    progress: RegionProgress | None = None,
    planner: AreaPlanner = plan_area,
    infra: str | Path | None = None,
) -> RegionPlan:
    """Plan a region as service areas around central offices.

    Parameters
    ----------
    source
        The region: an OSM file or sample city, a folder of OSM files (one
        part each), a district or a list of districts.
    out_dir
        Output folder (``None``: nothing written).
    client
        A ``dask.distributed`` client: one task per area on its cluster.
        ``None``: the areas are planned one after the other here.
    params, catalogue
        Design parameters and prices (defaults if ``None``), the same for
        every area; a brownfield region needs ``infra``.
    central_offices
        A point layer (GeoJSON, GeoPackage, CSV) or a list of sites in the
        part's CRS; ``None``: the engine chooses them.
    co_count
        The number of COs the engine places (``None``: it chooses).
    max_area_homes
        Largest service area in homes when the engine chooses the COs.
    progress
        Called after each area with ``(done, total, text)``.
    planner
        The function planning one area (default :func:`plan_area`).
    infra
        Brownfield: the existing-infrastructure layer (ducts and pole
        routes, GeoJSON or GeoPackage, see :mod:`fttx_planner.network.infra`),
        matched to each part's streets and clipped to each area.

    Returns
    -------
    RegionPlan
        The merged plan; failed areas carry their error.
    """
    t0 = time.perf_counter()
    params = params or DesignParams()
    catalogue = catalogue or Catalogue.default()
    brownfield = params.deployment == Deployment.BROWNFIELD
    if brownfield and infra is None:
        msg = (
            "A brownfield region needs an existing-infrastructure layer: pass --infra FILE "
            "(GeoJSON/GeoPackage of ducts and pole routes)."
        )
        raise RegionError(msg)
    if infra is not None and not brownfield:
        msg = "An existing-infrastructure layer is for a brownfield region: set the deployment."
        raise RegionError(msg)
    if central_offices is not None and co_count is not None:
        msg = "Give either central offices or a number of them to place, not both."
        raise RegionError(msg)
    if params.olt_x_m is not None:
        msg = "A region has one OLT per central office: give the sites as central offices."
        raise RegionError(msg)
    out = Path(out_dir) if out_dir is not None else None
    if out is not None:
        check_output_folder(out)  # before anything is planned
        (out / "manifest.json").unlink(missing_ok=True)  # a manifest marks complete outputs
    districts = load_region(source)
    timings: dict[str, float] = {"load": time.perf_counter() - t0}
    t = time.perf_counter()
    parts = _split(districts, params, catalogue, central_offices, co_count, max_area_homes, infra)
    areas = [a for p in parts for a in p.areas]
    timings["service areas"] = time.perf_counter() - t
    if not areas:
        msg = "No central office serves any home of the region (see the reach and the sites)."
        raise RegionError(msg)

    # The regional bound of the homes the areas are expected to serve runs
    # beside the areas (first, as the longest task); it is kept if the areas
    # serve exactly those homes, else recomputed after them.
    early = _submit_bounds(parts, params, catalogue, client) if client is not None else None
    t = time.perf_counter()
    results = _run(areas, params, catalogue, out, client, progress, planner, parts)
    timings["areas"] = time.perf_counter() - t
    t = time.perf_counter()
    regional, partition = _bounds(parts, results, params, catalogue, client, early)
    timings["regional bound after the areas"] = time.perf_counter() - t

    name = "; ".join(d.name for d in districts)
    n_open = sum(1 for r in results if r.ok)
    bom = merged_bom(results, catalogue, n_open)
    area_of = {(r.co_name, r.co_xy): r.area_id for r in results}
    offices_json = [
        {"name": o.name, "x_m": o.x_m, "y_m": o.y_m, "crs": p.district.crs,
         "chosen_by": "engine" if o.chosen else "user", "area_id": area_of.get((o.name, o.xy), 0)}
        for p in parts for o in p.offices
    ]  # fmt: skip
    failed_homes = sum(a.homes for a, r in zip(areas, results, strict=True) if not r.ok)
    unassigned = {
        "homes": sum(p.unassigned_homes for p in parts),
        "buildings": sum(p.unassigned_buildings for p in parts),
        "failed_homes": failed_homes,
    }
    warnings = _warnings(parts, results, regional, partition)
    timings["total"] = time.perf_counter() - t0
    summary = region_summary(
        name, results, bom, offices_json, unassigned, regional, partition,
        params.model_dump(mode="json"), params.describe(), districts[0].attribution,
        warnings, timings,
    )  # fmt: skip
    if infra is not None:
        along = [p.infra for p in parts if p.infra is not None]
        summary["existing_infrastructure"] = infra_block(
            infra, sum(float(i.duct_m.sum()) for i in along),
            sum(float(i.aerial_m.sum()) for i in along), results, bom,
        )  # fmt: skip
    plan = RegionPlan(name, [o for p in parts for o in p.offices], results, bom, summary)
    if out is not None:
        crs_of = {a.area_id: p.district.crs for p in parts for a in p.areas}
        plan.paths = _write_tables(plan, out, crs_of)
    return plan


def _split(
    districts: list[District],
    params: DesignParams,
    catalogue: Catalogue,
    central_offices: str | Path | Sequence[CentralOffice] | None,
    co_count: int | None,
    max_area_homes: int,
    infra_file: str | Path | None = None,
) -> list[_Part]:
    parts: list[_Part] = []
    for d in districts:
        infra: ExistingInfra | None = None
        infra_warnings: list[str] = []
        if infra_file is not None:
            infra, infra_warnings = load_existing_infra(d, infra_file)
        homes = estimate_demand(d.buildings, params, d.addresses, d.landuse, d.register).homes
        if central_offices is None:
            offices = choose_central_offices(d, homes, params, catalogue, co_count, max_area_homes)
        else:
            if isinstance(central_offices, str | Path):
                given = load_central_offices(central_offices, d.crs)
            else:
                given = list(central_offices)
            offices = given if len(districts) == 1 else _inside(given, d)
            if not offices:
                msg = f"No central office lies in {d.name}."
                raise SitesError(msg)
        assignment = assign_homes(d, homes, offices, params)
        first = 1 + sum(len(q.areas) for q in parts)
        areas = split_region(d, homes, offices, assignment, first_id=first, infra=infra)
        out = (homes > 0) & (assignment.co < 0)
        expected = np.where(assignment.co >= 0, homes, 0).astype(np.int64)
        parts.append(
            _Part(d, offices, areas, int(homes[out].sum()), int(out.sum()), expected, infra,
                  [f"{d.name}: {w}" for w in infra_warnings])
        )  # fmt: skip
    return parts


def _inside(offices: list[CentralOffice], district: District) -> list[CentralOffice]:
    """The offices within a part's bounds (1 km margin)."""
    x0, y0, x1, y1 = district.bounds_xy
    m = 1000.0
    return [o for o in offices if x0 - m <= o.x_m <= x1 + m and y0 - m <= o.y_m <= y1 + m]


def _run(
    areas: list[ServiceArea],
    params: DesignParams,
    catalogue: Catalogue,
    out: Path | None,
    client: Client | None,
    progress: RegionProgress | None,
    planner: AreaPlanner,
    parts: list[_Part],
) -> list[AreaResult]:
    """Plan every area (on the cluster when there is a client); merge as they finish."""
    by_id: dict[int, AreaResult] = {}
    total = len(areas)
    gpkg = None
    stack = None
    if out is not None:
        import contextlib

        stack = contextlib.ExitStack()
        gpkg = stack.enter_context(merged_geopackage(out / "plan.gpkg"))

    def done(r: AreaResult) -> None:
        by_id[r.area_id] = r
        if gpkg is not None and r.ok and r.folder is not None:
            gpkg.add_area(r.area_id, r.folder / "plan.gpkg")
        if progress is not None:
            state = "planned" if r.ok else f"failed: {r.error}"
            progress(len(by_id), total, f"area {r.area_id} ({r.co_name}) {state}")

    try:
        if client is None:
            for area in areas:
                try:
                    done(planner(area, params, catalogue, out))
                except Exception as exc:  # an area's bug must not stop the others
                    done(_failed(area, exc))
        else:
            _run_on_cluster(areas, params, catalogue, out, client, planner, done)
        if gpkg is not None:
            results = [by_id[a.area_id] for a in areas]
            for p in parts:
                mine = [by_id[a.area_id] for a in p.areas]
                gpkg.add("service_areas", service_area_layer(mine, p.district.crs))
                area_of = {r.co_name: r.area_id for r in mine}
                gpkg.add(
                    "central_offices", central_office_layer(p.offices, area_of, p.district.crs)
                )
                gpkg.add("streets", street_layer(p.district))
    finally:
        if stack is not None:
            stack.close()
    results = [by_id[a.area_id] for a in areas]
    return results


def _run_on_cluster(
    areas: list[ServiceArea],
    params: DesignParams,
    catalogue: Catalogue,
    out: Path | None,
    client: Client,
    planner: AreaPlanner,
    done: Callable[[AreaResult], None],
) -> None:
    import dask
    from distributed import as_completed

    # Each task carries its area (not a scattered copy on one worker), so the
    # scheduler can rerun it elsewhere when its worker dies. Areas are a few MB.
    with dask.config.set({"distributed.admin.large-graph-warning-threshold": "4GB"}):
        futures = {
            client.submit(planner, area, params, catalogue, out, pure=False,
                          key=f"fttx-area-{area.area_id}-{time.time_ns()}"): area
            for area in areas
        }  # fmt: skip
    for fut in as_completed(futures):
        area = futures[fut]
        try:
            result = fut.result()
        except Exception as exc:  # reported as the area's error
            result = _failed(area, exc)
        done(result)
        fut.release()


def _failed(area: ServiceArea, exc: BaseException) -> AreaResult:
    o = area.central_office
    text = str(exc) if isinstance(exc, FttxError) else f"{type(exc).__name__}: {exc}"
    return AreaResult(area.area_id, o.name, o.xy, error=text)


def _submit_bounds(
    parts: list[_Part], params: DesignParams, catalogue: Catalogue, client: Client
) -> list[Any]:
    """Futures of each part's regional bound over its expected homes."""
    import dask

    with dask.config.set({"distributed.admin.large-graph-warning-threshold": "4GB"}):
        return [
            client.submit(regional_lower_bound, p.district, p.served_offices(), p.expected,
                          params, catalogue, p.infra, pure=False, priority=10)
            for p in parts
        ]  # fmt: skip


def _submit_bound(
    client: Client,
    district: District,
    offices: list[CentralOffice],
    served: np.ndarray,
    params: DesignParams,
    catalogue: Catalogue,
    infra: ExistingInfra | None,
) -> Any:
    import dask

    with dask.config.set({"distributed.admin.large-graph-warning-threshold": "4GB"}):
        return client.submit(
            regional_lower_bound, district, offices, served, params, catalogue, infra, pure=False
        )


def _bounds(
    parts: list[_Part],
    results: list[AreaResult],
    params: DesignParams,
    catalogue: Catalogue,
    client: Client | None,
    early: list[Any] | None,
) -> tuple[float | None, float | None]:
    """The regional bound and the partition bound (``None`` if an area has none)."""
    ok = [r for r in results if r.ok]
    if not ok:
        return None, None
    area_bounds = [r.summary.get("lower_bound_eur") for r in ok]
    partition = None
    if all(b is not None for b in area_bounds):
        partition = float(sum(area_bounds)) + len(ok) * co_fixed_eur(catalogue)  # type: ignore[arg-type]
    by_id = {r.area_id: r for r in ok}
    values: list[Any] = []
    for i, p in enumerate(parts):
        served = np.zeros(len(p.district.buildings), dtype=np.int64)
        offices = []
        for a in p.areas:
            r = by_id.get(a.area_id)
            if r is None:
                continue
            served[r.buildings] = np.where(r.served, r.homes, 0)
            offices.append(a.central_office)
        if early is not None and np.array_equal(served, p.expected):
            values.append(early[i])
        elif early is not None and client is not None:
            early[i].cancel()
            values.append(
                _submit_bound(client, p.district, offices, served, params, catalogue, p.infra)
            )
        else:
            values.append(
                regional_lower_bound(p.district, offices, served, params, catalogue, p.infra)
            )
    if client is not None:
        values = client.gather(values)
    return float(sum(values)), partition


def _warnings(
    parts: list[_Part],
    results: list[AreaResult],
    regional: float | None,
    partition: float | None,
) -> list[str]:
    out = [w for p in parts for w in p.warnings]
    out += [
        f"{p.district.name}: {p.unassigned_homes:,} homes in {p.unassigned_buildings:,} "
        "buildings have no central office within reach (see their reasons)."
        for p in parts
        if p.unassigned_homes
    ]
    out += [f"area {r.area_id} ({r.co_name}) failed: {r.error}" for r in results if not r.ok]
    if regional is not None and partition is not None and partition - regional > 1e-6:
        out.append(
            f"The regional lower bound ({regional:,.0f} EUR, any assignment of homes to these "
            f"central offices) is below the sum of the areas' bounds ({partition:,.0f} EUR, "
            "valid only for this partition into service areas)."
        )
    return out


def _write_tables(plan: RegionPlan, out: Path, crs_of: dict[int, str]) -> list[Path]:
    from fttx_planner.export import write_text_atomic
    from fttx_planner.region.manifest import region_manifest

    paths = [out / "plan.gpkg"]
    write_text_atomic(out / "bom.csv", plan.bom.to_csv(index=False))
    paths.append(out / "bom.csv")
    write_text_atomic(out / "areas.csv", area_table(plan.areas).to_csv(index=False))
    paths.append(out / "areas.csv")
    write_text_atomic(out / "summary.json", json.dumps(plan.summary, indent=2, default=_item))
    paths.append(out / "summary.json")
    paths.append(out / "areas")
    # Last: a manifest means every other output is complete.
    manifest = region_manifest(plan, out, crs_of)
    write_text_atomic(out / "manifest.json", json.dumps(manifest, indent=2, default=_item))
    paths.append(out / "manifest.json")
    return paths
