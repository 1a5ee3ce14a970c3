"""The result of planning a district: a :class:`Plan`.

A plan holds the design (trench tree, splitters, cables, per-building
results), its bill of materials and capex summary, and references to the
inputs it was made from. Tables are pandas DataFrames so exports, the GUI
and the report read them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fttx_planner.catalogue import Catalogue
from fttx_planner.demand.premises import Demand
from fttx_planner.district import District
from fttx_planner.network.crossings import Crossings
from fttx_planner.network.graph import Access, DesignGraph
from fttx_planner.params import DesignParams

#: Version of the summary JSON format written by :meth:`Plan.summary`.
SUMMARY_VERSION = 1


class PlanCancelled(Exception):
    """Raised inside :func:`plan_district` when the caller cancelled it."""


@dataclass
class Plan:
    """A costed GPON design of a district.

    Attributes
    ----------
    district, params, catalogue
        The inputs.
    demand
        Homes per building.
    graph, access
        The design graph and how buildings reach it.
    trench_edges
        Design-graph edges of the trench network (a tree rooted at the OLT).
    splitters
        One row per splitter: ``splitter_id, label, stage, ratio, node, x, y,
        homes, ports_used, parent_id``.
    buildings
        One row per building with homes: ``building, osm_id, homes, served,
        splitter_id, path_m, drop_m, loss_db, reason``.
    cables
        One row per (trench edge, layer): ``edge, layer, fibres, sizes,
        cable_count, length_m, cost_eur``.
    trenches
        One row per trench edge: ``edge, length_m, trench_m, duct_m,
        aerial_m, method, cost_eur``.
    bom
        Bill of materials: ``item, layer, phase, unit, quantity,
        unit_cost_eur, cost_eur, source``.
    timings_s
        Seconds per stage.
    warnings
        Things the planner wants the user to know.
    lower_bound_eur
        A lower bound on the cost of any feasible design (``None`` if not computed).
    closures
        Cable joints (:mod:`fttx_planner.design.joints`): node, x, y, kind,
        layers, splices.
    fdps
        Distribution points (:mod:`fttx_planner.design.fdp`).
    crossings
        Road crossings and far-side trenches (:mod:`fttx_planner.network.crossings`).
    phases
        The roll-out phases (:func:`fttx_planner.design.areas.design_phases`) when the
        parameters ask for more than one.
    """

    district: District
    params: DesignParams
    catalogue: Catalogue
    demand: Demand
    graph: DesignGraph
    access: Access
    trench_edges: np.ndarray
    splitters: pd.DataFrame
    buildings: pd.DataFrame
    cables: pd.DataFrame
    trenches: pd.DataFrame
    bom: pd.DataFrame
    timings_s: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    lower_bound_eur: float | None = None
    closures: pd.DataFrame | None = None
    fdps: pd.DataFrame | None = None
    crossings: Crossings | None = None
    phases: list[dict[str, Any]] | None = None

    # -- headline figures -------------------------------------------------
    @property
    def homes_passed(self) -> int:
        """Homes the design serves."""
        b = self.buildings
        return int(b.loc[b["served"], "homes"].sum())

    @property
    def homes_unserved(self) -> int:
        """Homes reported unserved (with a reason)."""
        b = self.buildings
        return int(b.loc[~b["served"], "homes"].sum())

    @property
    def total_cost_eur(self) -> float:
        """Total capex, to pass and to connect every home passed."""
        return float(self.bom["cost_eur"].sum())

    def capex_by_layer(self) -> dict[str, float]:
        """Capex per layer (civil, cables, splitters, cabinets, drops, olt, ont)."""
        from fttx_planner.catalogue import LAYERS

        by = self.bom.groupby("layer")["cost_eur"].sum()
        return {layer: float(by.get(layer, 0.0)) for layer in LAYERS}

    def capex_block(self) -> dict[str, Any]:
        """The ``capex_eur`` block of the summary (see docs/architecture.md)."""
        from fttx_planner.costing.bom import capex_block

        return capex_block(self.bom, self.homes_passed)

    def lengths_km(self) -> dict[str, float]:
        """Trench and fibre cable lengths in km."""
        c = self.cables
        t = self.trenches
        out = {
            "trench_new_km": float(t["trench_m"].sum()) / 1000,
            "duct_reuse_km": float(t["duct_m"].sum()) / 1000,
            "aerial_km": float(t["aerial_m"].sum()) / 1000,
            "route_km": float(t["length_m"].sum()) / 1000,
        }
        for layer in ("feeder", "distribution"):
            sel = c["layer"] == layer
            out[f"{layer}_cable_km"] = (
                float((c.loc[sel, "length_m"] * c.loc[sel, "cable_count"]).sum()) / 1000
            )
        out["drop_km"] = float(self.buildings.loc[self.buildings["served"], "drop_m"].sum()) / 1000
        return out

    def summary(self) -> dict[str, Any]:
        """Plain-data summary (the ``summary.json`` contract)."""
        b = self.buildings
        loss = b.loc[b["served"], "loss_db"]
        lb = self.lower_bound_eur
        total = self.total_cost_eur
        return {
            "format": "fttx-planner-summary",
            "version": SUMMARY_VERSION,
            "district": self.district.name,
            "source": self.district.source,
            "crs": self.district.crs,
            "attribution": self.district.attribution,
            "architecture": self.params.describe(),
            "params": self.params.model_dump(mode="json"),
            "demand": self.demand.summary(),
            "homes": {
                "demand": int(b["homes"].sum()),
                "residential_units": int(self.demand.residential_units.sum()),
                "business_units": int(self.demand.business_units.sum()),
                "passed": self.homes_passed,
                "unserved": self.homes_unserved,
                "buildings_served": int(b["served"].sum()),
                "buildings_unserved": int((~b["served"]).sum()),
            },
            "splitters": {
                "count": len(self.splitters),
                "by_stage": {
                    str(k): int(v) for k, v in self.splitters.groupby("stage").size().items()
                },
                "olt_ports": int((self.splitters["stage"] == 1).sum()),
            },
            "loss_db": {
                "budget": self.params.budget_db,
                "max": float(loss.max()) if len(loss) else 0.0,
                "mean": float(loss.mean()) if len(loss) else 0.0,
            },
            "lengths_km": self.lengths_km(),
            "capex_eur": self.capex_block(),
            "lower_bound_eur": lb,
            "gap_to_lower_bound": (total - lb) / total if lb and total > 0 else None,
            "timings_s": self.timings_s,
            "warnings": self.warnings,
            **({"phases": self.phases} if self.phases else {}),
        }
