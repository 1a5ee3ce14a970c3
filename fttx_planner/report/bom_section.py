"""Section 4 of the report: capex by layer, by pass and connect, and the bill of materials."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from fttx_planner.report.context import ReportContext
from fttx_planner.report.figures import capex_layers_figure
from fttx_planner.report.style import (
    data_table,
    esc,
    fmt_eur,
    fmt_money,
    fmt_pct,
    fmt_qty,
    para,
)

#: Titles of the capex layers.
LAYER_TITLES = {
    "civil": "Civil works",
    "cables": "Cables",
    "splitters": "Splitters and closures",
    "cabinets": "Street cabinets",
    "drops": "Drops and in-building",
    "olt": "OLT",
    "ont": "ONT",
}
#: What each capex layer includes, as the capex table says.
_LAYER_NOTES = {
    "civil": "trenches, micro-trenches, duct reuse, aerial",
    "cables": "feeder and distribution cable, installed",
    "splitters": "splitters, splice closures, fusion splices",
    "cabinets": "street cabinets (FDH)",
    "drops": "drop cable, wall box, riser, for every home passed",
    "olt": "chassis, line cards, PON optics",
    "ont": "ONT and installation, for every home passed",
}


def bom_section(ctx: ReportContext) -> list[Flowable]:
    """The bill of materials and capex section, subsection by subsection."""
    out: list[Flowable] = [PageBreak(), ctx.heading("Bill of materials and capex", 0)]
    out += capex_by_layer(ctx)
    out += capex_to_pass_and_connect(ctx)
    out += bill_of_materials(ctx)
    return out


def capex_by_layer(ctx: ReportContext) -> list[Flowable]:
    """Capex by layer: a bar chart, and a table with owner, phase, share and cost per home."""
    from fttx_planner.catalogue import PASSIVE_LAYERS

    c = ctx.summary["capex_eur"]
    homes = max(ctx.summary["homes"]["passed"], 1)
    total = max(c["total"], 1e-9)
    out: list[Flowable] = [ctx.heading("Capex by layer", 1)]
    by_layer = c["by_layer"]
    fig = capex_layers_figure(by_layer, LAYER_TITLES)
    out.append(ctx.figure(fig, 52 * mm))
    out.append(
        para("Capex by layer; teal: passive infrastructure, orange: active equipment.", "caption")
    )
    rows: list[list[Any]] = [
        ["Layer", "Includes", "Owner", "Phase", "Capex", "Share", "Per home passed"]
    ]
    for layer, value in by_layer.items():
        phase = "connect" if layer in ("drops", "ont") else "pass"
        rows.append(
            [
                LAYER_TITLES[layer],
                para(_LAYER_NOTES[layer], "cell_small"),
                "passive" if layer in PASSIVE_LAYERS else "active",
                f"to {phase}",
                fmt_eur(value),
                fmt_pct(value / total),
                fmt_eur(value / homes),
            ]
        )
    rows.append(["Total", "", "", "", fmt_eur(c["total"]), "100.0 %", fmt_eur(c["total"] / homes)])
    out.append(
        data_table(
            rows,
            [33 * mm, 46 * mm, 15 * mm, 19 * mm, 23 * mm, 16 * mm, ctx.frame_w - 152 * mm],
            align_right=(4, 5, 6),
            total_rows=1,
        )
    )
    return out


def capex_to_pass_and_connect(ctx: ReportContext) -> list[Flowable]:
    """Capex split into passive and active, to pass and to connect; the lower bound if known."""
    c = ctx.summary["capex_eur"]
    homes = max(ctx.summary["homes"]["passed"], 1)
    out: list[Flowable] = [ctx.heading("Capex to pass and to connect", 1)]
    rows: list[list[Any]] = [
        ["", "To pass", "To connect (all homes passed)", "Total"],
        [
            "Passive infrastructure",
            fmt_eur(c["passive_to_pass"]),
            fmt_eur(c["passive_to_connect"]),
            fmt_eur(c["passive_to_pass"] + c["passive_to_connect"]),
        ],
        [
            "Active equipment",
            fmt_eur(c["active_to_pass"]),
            fmt_eur(c["active_to_connect"]),
            fmt_eur(c["active_to_pass"] + c["active_to_connect"]),
        ],
        [
            "Total",
            fmt_eur(c["passive_to_pass"] + c["active_to_pass"]),
            fmt_eur(c["passive_to_connect"] + c["active_to_connect"]),
            fmt_eur(c["total"]),
        ],
        [
            "Per home passed",
            fmt_eur(c["per_home_passed"]),
            fmt_eur((c["passive_to_connect"] + c["active_to_connect"]) / homes),
            fmt_eur(c["per_home_connected"]),
        ],
    ]
    out.append(
        data_table(rows, [44 * mm, 36 * mm, 50 * mm, 36 * mm], align_right=(1, 2, 3), total_rows=2)
    )
    out.append(
        para(
            "“To pass” is spent to build the network past every home; “to connect” is spent "
            "when a home takes service (drop, wall box, in-building cabling, ONT). The amounts "
            "to connect are for every home passed; the business case scales them with take-up.",
            "note",
        )
    )
    lb = ctx.summary.get("lower_bound_eur")
    if lb:
        out.append(
            para(
                "<b>Lower bound / gap.</b> No feasible design can cost less than "
                f"{fmt_eur(lb)}; "
                f"this design is within {fmt_pct(ctx.summary['gap_to_lower_bound'])} of that "
                "bound.",
                "body",
            )
        )
    return out


def bill_of_materials(ctx: ReportContext) -> list[Flowable]:
    """Every item of the bill of materials, layer by layer, with the source of its price."""
    plan = ctx.plan
    out: list[Flowable] = [ctx.heading("Bill of materials", 1)]
    out.append(
        para(
            f"Quantities of the design priced with the cost catalogue "
            f"({esc(plan.catalogue.where)}); the source of every unit price is given. "
            "“assumed” marks a price for which no public source was found: replace it with "
            "your own tender prices.",
            "body",
        )
    )
    bom = plan.bom
    rows: list[list[Any]] = [
        ["Item", "Layer", "Quantity", "Unit", "Unit price", "Cost", "Source of the price"]
    ]
    for layer in LAYER_TITLES:
        for _, r in bom[bom["layer"] == layer].iterrows():
            rows.append(
                [
                    para(esc(str(r["item"]).replace("_", " ")), "cell"),
                    esc(r["layer"]),
                    fmt_qty(float(r["quantity"])),
                    esc(r["unit"]),
                    fmt_money(float(r["unit_cost_eur"])),
                    fmt_eur(float(r["cost_eur"])),
                    para(esc(r["source"]), "cell_small"),
                ]
            )
    rows.append(["Total", "", "", "", "", fmt_eur(float(bom["cost_eur"].sum())), ""])
    out.append(
        data_table(
            rows,
            [30 * mm, 15 * mm, 18 * mm, 13 * mm, 17 * mm, 21 * mm, ctx.frame_w - 114 * mm],
            align_right=(2, 4, 5),
            total_rows=1,
            font_size=7.4,
        )
    )
    return out
