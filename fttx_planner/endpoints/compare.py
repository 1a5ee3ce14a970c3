"""The same district designed as GPON, XGS-PON and point-to-point, side by side.

Each architecture of ``data/architectures.csv`` is planned by the same
engine on the same district, OLT site and prices:

* GPON and XGS-PON: the PON design with the architecture's split ratios; its
  loss class is the budget every home must meet (an XGS-PON class is planned
  as the GPON class just above it with the difference added to the safety
  margin, which is the same constraint: fixed loss + fibre <= budget);
* point-to-point: every premise's fibre runs home from the central office
  (:class:`~fttx_planner.design.planner.Connections` with ``all_home_run``),
  no splitter; the reach is what the Ethernet optics' loss budget allows.

Then the active layers are priced per architecture (OLT or switch ports,
line cards, chassis; ONT or Ethernet CPE) and the passive design is kept as
the engine priced it. The table gives capex by layer, fibre-km, cable sizes,
central-office ports, chassis and rack space, loss margins and cost per
premise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fttx_planner.catalogue import LAYERS, Catalogue
from fttx_planner.design.planner import Connections, Progress, plan_district
from fttx_planner.district import District
from fttx_planner.endpoints.architectures import Architecture, load_architectures
from fttx_planner.endpoints.rules import EndpointError
from fttx_planner.network.graph import ExistingInfra
from fttx_planner.params import OPTICAL_CLASS_BUDGET_DB, DesignParams
from fttx_planner.plan import Plan

#: Fibres one rack unit of optical distribution frame terminates (assumed: a
#: 1 U high-density LC panel with 48 ports).
ODF_FIBRES_PER_U = 48


@dataclass(frozen=True)
class Designed:
    """One architecture's plan, its active equipment repriced, and its figures."""

    architecture: Architecture
    plan: Plan
    bom: pd.DataFrame
    row: dict[str, Any]


def architecture_params(base: DesignParams, arch: Architecture) -> tuple[DesignParams, float]:
    """Design parameters for an architecture, and the margin shift (dB) its class needs.

    Raises
    ------
    EndpointError
        When the class cannot be expressed with these parameters (a margin
        below zero, or no reach left after the fixed losses).
    """
    if arch.p2p:
        fixed = (
            base.splices_per_path * base.splice_loss_db
            + base.connectors_per_path * base.connector_loss_db
            + base.safety_margin_db
        )
        reach = min(arch.reach_m, (arch.budget_db - fixed) / base.fibre_loss_db_per_km * 1000)
        if reach <= 0:
            msg = (
                f"{arch.name}: splices, connectors and margin ({fixed:.1f} dB) use the whole "
                f"{arch.budget_db:g} dB budget of the point-to-point optics"
            )
            raise EndpointError(msg)
        return base.model_copy(update={"max_reach_m": reach}), 0.0
    cls = "B+" if arch.budget_db <= OPTICAL_CLASS_BUDGET_DB["B+"] else "C+"
    shift = OPTICAL_CLASS_BUDGET_DB[cls] - arch.budget_db
    margin = base.safety_margin_db + shift
    if margin < 0 or arch.budget_db > OPTICAL_CLASS_BUDGET_DB["C+"] + base.safety_margin_db:
        msg = f"{arch.name}: a {arch.budget_db:g} dB budget is beyond what the planner models"
        raise EndpointError(msg)
    update = {
        "split_ratio": arch.split_ratio,
        "stage1_ratio": arch.stage1_ratio,
        "optical_class": cls,
        "safety_margin_db": margin,
        "max_reach_m": arch.reach_m,
    }
    return DesignParams(**{**base.model_dump(), **update}), shift


def active_bom(plan: Plan, arch: Architecture, catalogue: Catalogue) -> pd.DataFrame:
    """The plan's BOM with its OLT and ONT lines replaced by the architecture's equipment."""
    from fttx_planner.costing.bom import BOM_COLUMNS

    homes = plan.homes_passed
    ports = homes if arch.p2p else int((plan.splitters["stage"] == 1).sum())
    cards = math.ceil(ports / arch.ports_per_card)
    chassis = math.ceil(cards / arch.slots_per_chassis)
    tech = arch.technology
    rows = [
        (f"{tech} port optic", "olt", "pass", "port", ports, arch.port_eur),
        (f"{tech} line card", "olt", "pass", "each", cards, arch.card_eur),
        (f"{tech} chassis", "olt", "pass", "each", chassis, arch.chassis_eur),
        (f"{tech} customer terminal", "ont", "connect", "home", homes, arch.cpe_eur),
        ("ont_install", "ont", "connect", "home", homes, catalogue.cost("ont_install")),
    ]
    extra = pd.DataFrame(
        [(*r, r[4] * r[5], f"{arch.name}: {arch.source}") for r in rows if r[4] > 0],
        columns=BOM_COLUMNS,
    )
    keep = plan.bom[~plan.bom["item"].isin(["olt_card", "olt_chassis", "ont", "ont_install"])]
    keep = keep[~keep["item"].str.startswith("olt_optic")]
    return pd.concat([keep, extra], ignore_index=True)


def design_architecture(
    district: District,
    arch: Architecture,
    params: DesignParams | None = None,
    catalogue: Catalogue | None = None,
    infra: ExistingInfra | None = None,
    progress: Progress | None = None,
) -> Designed:
    """Plan one architecture on the district and compute its comparison figures."""
    base = params or DesignParams()
    catalogue = catalogue or Catalogue.default()
    p, shift = architecture_params(base, arch)
    conn = None
    if arch.p2p:
        k = len(district.buildings)
        none = np.zeros(k, dtype=bool)
        conn = Connections(np.zeros(k, dtype=np.int64), none, none, none, all_home_run=True)
    plan = plan_district(district, p, catalogue, infra, progress, connections=conn)
    bom = active_bom(plan, arch, catalogue)
    return Designed(arch, plan, bom, _figures(plan, arch, bom, shift))


def _figures(plan: Plan, arch: Architecture, bom: pd.DataFrame, shift: float) -> dict[str, Any]:
    b = plan.buildings[plan.buildings["served"]]
    p = plan.params
    homes = max(plan.homes_passed, 1)
    if arch.p2p:
        loss = (
            p.fibre_loss_db_per_km * b["path_m"] / 1000
            + p.splices_per_path * p.splice_loss_db
            + p.connectors_per_path * p.connector_loss_db
        )
    else:  # the design's loss without the safety margin and the class shift
        loss = b["loss_db"] - p.safety_margin_db
    by_layer = bom.groupby("layer")["cost_eur"].sum()
    total = float(bom["cost_eur"].sum())
    to_pass = float(bom.loc[bom["phase"] == "pass", "cost_eur"].sum())
    c = plan.cables
    fibre_km = float((c["fibres"] * c["length_m"]).sum()) / 1000
    cable_km = float((c["cable_count"] * c["length_m"]).sum()) / 1000
    sizes = bom[bom["item"].str.fullmatch(r"cable_\d+f")]
    ports = int(bom.loc[bom["item"].str.endswith("port optic"), "quantity"].sum())
    chassis = int(bom.loc[bom["item"].str.endswith(" chassis"), "quantity"].sum())
    co_fibres = ports  # one feeder fibre per PON port, one fibre per premise in P2P
    rack_u = chassis * arch.rack_units_per_chassis + math.ceil(co_fibres / ODF_FIBRES_PER_U)
    row: dict[str, Any] = {
        "architecture": arch.name,
        "description": arch.describe(),
        "technology": arch.technology,
        "loss_class": arch.loss_class,
        "budget_db": arch.budget_db,
        "min_loss_db": arch.min_loss_db,
        "homes_passed": plan.homes_passed,
        "homes_unserved": plan.homes_unserved,
        "splitters": len(plan.splitters),
        "co_ports": ports,
        "co_chassis": chassis,
        "co_rack_units": rack_u,
        "trench_km": plan.lengths_km()["route_km"],
        "fibre_km": fibre_km,
        "cable_km": cable_km,
        "max_fibres_per_edge": int(c.groupby("edge")["fibres"].sum().max()) if len(c) else 0,
        "cable_m_by_size": {
            str(i).removeprefix("cable_"): round(float(q), 1)
            for i, q in zip(sizes["item"], sizes["quantity"], strict=True)
        },
        "max_loss_db": float(loss.max()) if len(loss) else 0.0,
        "min_loss_db_design": float(loss.min()) if len(loss) else 0.0,
        "margin_db": arch.budget_db - float(loss.max()) if len(loss) else arch.budget_db,
        "margin_shift_db": shift,
    }
    for layer in LAYERS:
        row[f"capex_{layer}_eur"] = float(by_layer.get(layer, 0.0))
    row["capex_total_eur"] = total
    row["per_premise_eur"] = total / homes
    row["per_premise_passed_eur"] = to_pass / homes
    return row


def compare_architectures(
    district: District,
    params: DesignParams | None = None,
    catalogue: Catalogue | None = None,
    infra: ExistingInfra | None = None,
    names: list[str] | None = None,
    progress: Progress | None = None,
) -> list[Designed]:
    """Design every architecture (or the ``names`` given) on the district."""
    archs = load_architectures()
    chosen = names or list(archs)
    unknown = [n for n in chosen if n not in archs]
    if unknown:
        msg = f"Unknown architecture(s) {', '.join(unknown)}; known: {', '.join(archs)}"
        raise EndpointError(msg)
    out = []
    for i, name in enumerate(chosen):
        step = _scaled(progress, i / len(chosen), (i + 1) / len(chosen), f"{name}: ")
        out.append(design_architecture(district, archs[name], params, catalogue, infra, step))
    return out


def _scaled(progress: Progress | None, lo: float, hi: float, prefix: str) -> Progress | None:
    """``progress`` reporting ``0..1`` as ``lo..hi``, stages prefixed."""
    if progress is None:
        return None
    p = progress
    return lambda f, s: p(lo + (hi - lo) * f, prefix + s)


def comparison_table(designs: list[Designed]) -> pd.DataFrame:
    """One row per architecture (cable sizes as ``size:metres`` text)."""
    rows = []
    for d in designs:
        r = dict(d.row)
        r["cable_m_by_size"] = " ".join(f"{k}:{v:.0f}" for k, v in r["cable_m_by_size"].items())
        rows.append(r)
    return pd.DataFrame(rows)


def architecture_finance_of(designs: list[Designed], params: Any = None, label: str = "") -> Any:
    """The business models run on each designed architecture (for the GUI's comparison view).

    Parameters
    ----------
    designs
        :func:`compare_architectures`' result.
    params
        ``models.FinanceParams`` (the defaults if ``None``).
    label
        The district's name, for the capex labels.

    Returns
    -------
    models.architectures.ArchitectureFinance
        ``table()`` (one row per architecture, model and actor: cost per
        premise, office power and space, NPV, IRR) and ``side_by_side()``
        (one row per model and actor, an NPV column per architecture).
    """
    from models.architectures import architecture_finance, capex_from_row

    capex = {d.architecture.name: capex_from_row(d.row, label) for d in designs}
    return architecture_finance(capex, params)
