"""The region's merged tables: one BOM and one summary over all service areas.

The merged BOM adds the areas' BOMs item by item and the central offices'
site and power (their OLT chassis are in the areas' BOMs). The summary has
the ``homes`` and ``capex_eur`` blocks of a district summary (so the finance
models read a region plan like a district plan), both lower bounds with the
scope each holds for, the per-area figures, and the areas that failed with
their error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from fttx_planner.catalogue import Catalogue
from fttx_planner.costing.bom import capex_block
from fttx_planner.region.tasks import AreaResult

#: The region summary is a plan summary (``format``/``version`` of
#: ``Plan.summary``, the finance contract) with ``scope: region`` and more blocks.
SUMMARY_FORMAT = "fttx-planner-summary"
SUMMARY_VERSION = 1
#: BOM columns that identify an item (the rest are added up).
_KEY = ["item", "layer", "phase", "unit", "unit_cost_eur", "source"]
#: What each bound holds for (written into the summary).
REGIONAL_SCOPE = (
    "any design serving the same homes from the same central offices, each home from any of "
    "them (the partition into service areas is free)"
)
PARTITION_SCOPE = (
    "only designs with this partition: each home served from the central office of its "
    "service area, each area's network inside the area's streets (sum of the areas' bounds "
    "plus the central offices)"
)


def merged_bom(results: list[AreaResult], catalogue: Catalogue, n_offices: int) -> pd.DataFrame:
    """The region's BOM: the planned areas' items added up, plus the COs' site and power."""
    boms = [r.bom for r in results if r.ok and len(r.bom)]
    rows = []
    for item in ("co_site", "co_power"):
        it = catalogue[item]
        rows.append(
            {"item": item, "layer": it.layer, "phase": it.phase, "unit": it.unit,
             "quantity": float(n_offices), "unit_cost_eur": it.unit_cost_eur,
             "cost_eur": n_offices * it.unit_cost_eur, "source": it.source}
        )  # fmt: skip
    bom = pd.concat([*boms, pd.DataFrame(rows)], ignore_index=True)
    merged = bom.groupby(_KEY, sort=False, dropna=False)[["quantity", "cost_eur"]].sum()
    cols = ["item", "layer", "phase", "unit", "quantity", "unit_cost_eur", "cost_eur", "source"]
    return merged.reset_index()[cols]


def infra_block(
    file: str | Path,
    duct_along_m: float,
    aerial_along_m: float,
    results: list[AreaResult],
    bom: pd.DataFrame,
) -> dict[str, Any]:
    """The summary's ``existing_infrastructure`` block: what the layer offers and what is reused.

    Parameters
    ----------
    file
        The layer.
    duct_along_m, aerial_along_m
        Street metres the layer's ducts and pole routes run along (matched
        to the region's streets).
    results
        The areas; their plans say what they reuse.
    bom
        The merged BOM (its ``duct_reuse`` and ``aerial`` items).
    """
    ok = [r for r in results if r.ok]
    used = {
        key: sum(float(r.summary["lengths_km"].get(key, 0.0)) for r in ok)
        for key in ("duct_reuse_km", "aerial_km")
    }
    reuse_eur = float(bom.loc[bom["item"].isin(["duct_reuse", "aerial"]), "cost_eur"].sum())
    reusing = [r for r in ok if r.summary["lengths_km"].get("duct_reuse_km", 0.0) > 0
               or r.summary["lengths_km"].get("aerial_km", 0.0) > 0]  # fmt: skip
    return {
        "file": str(file),
        "duct_along_streets_km": duct_along_m / 1000,
        "aerial_along_streets_km": aerial_along_m / 1000,
        "duct_reuse_km": used["duct_reuse_km"],
        "aerial_km": used["aerial_km"],
        "reuse_cost_eur": reuse_eur,
        "areas_reusing": len(reusing),
    }


def area_paths(result: AreaResult) -> dict[str, str]:
    """An area's folder, GeoPackage and summary, relative to the region's output folder.

    Empty strings when the area wrote nothing (it failed, or no output folder).
    """
    if result.folder is None:
        return {"folder": "", "geopackage": "", "summary": ""}
    folder = Path("areas", result.folder.name)
    return {
        "folder": folder.as_posix(),
        "geopackage": (folder / "plan.gpkg").as_posix(),
        "summary": (folder / "summary.json").as_posix(),
    }


def area_table(results: list[AreaResult]) -> pd.DataFrame:
    """One row per area: CO, status, homes, capex, bound, gap, seconds, error."""
    rows = []
    for r in sorted(results, key=lambda r: r.area_id):
        s = r.summary
        rows.append(
            {
                "area_id": r.area_id,
                "central_office": r.co_name,
                "co_x_m": r.co_xy[0],
                "co_y_m": r.co_xy[1],
                "status": "planned" if r.ok else "failed",
                "homes_passed": s["homes"]["passed"] if r.ok else 0,
                "homes_unserved": s["homes"]["unserved"] if r.ok else 0,
                "capex_eur": s["capex_eur"]["total"] if r.ok else None,
                "duct_reuse_km": s["lengths_km"]["duct_reuse_km"] if r.ok else None,
                "aerial_km": s["lengths_km"]["aerial_km"] if r.ok else None,
                "lower_bound_eur": s.get("lower_bound_eur") if r.ok else None,
                "gap_to_lower_bound": s.get("gap_to_lower_bound") if r.ok else None,
                "seconds": round(r.seconds, 2),
                **area_paths(r),
                "error": r.error,
            }
        )
    return pd.DataFrame(rows)


def region_summary(
    name: str,
    results: list[AreaResult],
    bom: pd.DataFrame,
    offices: list[dict[str, Any]],
    unassigned: dict[str, int],
    regional_bound_eur: float | None,
    partition_bound_eur: float | None,
    params_json: dict[str, Any],
    architecture: str,
    attribution: str,
    warnings: list[str],
    timings_s: dict[str, float],
) -> dict[str, Any]:
    """The region's summary JSON: a plan summary with ``scope: region``."""
    ok = [r for r in results if r.ok]
    homes = {
        key: int(sum(r.summary["homes"][key] for r in ok))
        for key in ("demand", "residential_units", "business_units", "passed", "unserved",
                    "buildings_served", "buildings_unserved")
    }  # fmt: skip
    homes["no_central_office"] = int(unassigned.get("homes", 0))
    homes["buildings_no_central_office"] = int(unassigned.get("buildings", 0))
    homes["in_failed_areas"] = int(unassigned.get("failed_homes", 0))
    lengths: dict[str, float] = {}
    for r in ok:
        for key, value in r.summary["lengths_km"].items():
            lengths[key] = lengths.get(key, 0.0) + float(value)
    capex = capex_block(bom, homes["passed"])
    total = capex["total"]

    def gap(bound: float | None) -> float | None:
        return (total - bound) / total if bound and total > 0 else None

    return {
        "format": SUMMARY_FORMAT,
        "version": SUMMARY_VERSION,
        "scope": "region",
        "district": name,
        "attribution": attribution,
        "architecture": architecture,
        "params": params_json,
        "central_offices": offices,
        "areas": {
            "count": len(results),
            "planned": len(ok),
            "failed": len(results) - len(ok),
            "failures": [
                {"area_id": r.area_id, "central_office": r.co_name, "error": r.error}
                for r in sorted(results, key=lambda r: r.area_id)
                if not r.ok
            ],
        },
        "homes": homes,
        "capex_eur": capex,
        "lengths_km": lengths,
        "lower_bound_eur": regional_bound_eur,
        "lower_bound_scope": REGIONAL_SCOPE,
        "gap_to_lower_bound": gap(regional_bound_eur),
        "partition_lower_bound_eur": partition_bound_eur,
        "partition_lower_bound_scope": PARTITION_SCOPE,
        "gap_to_partition_lower_bound": gap(partition_bound_eur),
        "timings_s": timings_s,
        "warnings": warnings,
    }
