"""Section 3 of the report, the network design: parameters, splitters, coverage, lengths.

The optical loss and unserved-homes subsections are in
:mod:`fttx_planner.report.coverage`.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from fttx_planner.report.context import ReportContext
from fttx_planner.report.coverage import optical_loss, unserved_homes
from fttx_planner.report.style import data_table, esc, fmt_int, fmt_pct, para


def design_section(ctx: ReportContext) -> list[Flowable]:
    """The network design, subsection by subsection."""
    out: list[Flowable] = [ctx.heading("Network design", 0)]
    out += architecture(ctx)
    out += splitters(ctx)
    out += optical_loss(ctx)
    out += unserved_homes(ctx)
    out += routes(ctx)
    return out


def architecture(ctx: ReportContext) -> list[Flowable]:
    """The architecture in words and every design parameter with its meaning."""
    p = ctx.plan.params
    out: list[Flowable] = [ctx.heading("Architecture and parameters", 1)]
    two = p.two_stage
    out.append(
        para(
            f"A passive optical network (GPON): each OLT port in the central office feeds "
            f"{p.split_ratio} homes through "
            + (
                f"a 1:{p.stage1_ratio} splitter and then 1:{p.stage2_ratio} splitters near the "
                "homes"
                if two
                else f"one 1:{p.split_ratio} splitter near the homes"
            )
            + f"; {fmt_pct(p.spare_share, 0)} of the splitter ports are kept free for growth. "
            "Feeder cables run from the OLT to the splitters and distribution cables from the "
            "splitters along the streets; a drop cable links each building to its street. "
            + (
                "Existing ducts and pole routes are reused where they follow the route "
                "(brownfield)."
                if p.deployment.value == "brownfield"
                else "Every trench is new (greenfield)."
            ),
            "body_just",
        )
    )
    out.append(_parameter_table(ctx))
    return out


def _parameter_table(ctx: ReportContext) -> Flowable:
    """Every design parameter with its value, unit and meaning, then the derived budget."""
    p = ctx.plan.params
    rows: list[list[Any]] = [["Parameter", "Value", "Unit", "Meaning"]]
    for name, field in type(p).model_fields.items():
        value = getattr(p, name)
        if value is None:
            value_text = "chosen by the planner"
        elif hasattr(value, "value"):
            value_text = str(value.value)
        elif isinstance(value, float):
            value_text = f"{value:g}"
        else:
            value_text = str(value)
        unit = (field.json_schema_extra or {}).get("unit", "")  # type: ignore[union-attr]
        rows.append(
            [
                esc(field.title or name),
                value_text,
                esc(unit),
                para(esc(field.description or ""), "cell_small"),
            ]
        )
    rows.append(
        [
            "Optical budget",
            f"{p.budget_db:g}",
            "dB",
            para(f"class {p.optical_class.value}", "cell_small"),
        ]
    )
    rows.append(
        [
            "Fixed loss",
            f"{p.fixed_loss_db:.2f}",
            "dB",
            para("splitters, splices, connectors and safety margin", "cell_small"),
        ]
    )
    rows.append(
        [
            "Longest fibre path",
            f"{p.max_fibre_m / 1000:.1f}",
            "km",
            para("allowed by the budget after the fixed loss", "cell_small"),
        ]
    )
    return data_table(rows, [44 * mm, 26 * mm, 18 * mm, ctx.frame_w - 88 * mm], align_right=(1,))


def splitters(ctx: ReportContext) -> list[Flowable]:
    """Splitters by stage and ratio: how many, homes served, port fill."""
    plan = ctx.plan
    two = plan.params.two_stage
    out: list[Flowable] = [ctx.heading("Splitters", 1)]
    sp = plan.splitters
    rows = [["Stage", "Ratio", "Splitters", "Homes served", "Ports used", "Port fill"]]
    for (stage, ratio), g in sp.groupby(["stage", "ratio"]):
        ports = int(g["ports_used"].sum())
        rows.append(
            [
                str(stage),
                f"1:{ratio}",
                fmt_int(len(g)),
                fmt_int(g["homes"].sum()),
                fmt_int(ports),
                fmt_pct(ports / max(len(g) * int(ratio), 1), 0),
            ]
        )
    out.append(
        data_table(
            rows,
            [22 * mm, 22 * mm, 26 * mm, 30 * mm, 26 * mm, 24 * mm],
            align_right=(2, 3, 4, 5),
        )
    )
    out.append(
        para(
            f"{fmt_int(len(sp))} splitters in all; appendix A lists each one with its location "
            "and the homes it serves."
            + (
                " On the maps, first-stage splitters are teal squares, last-stage "
                "splitters white "
                "circles."
                if two
                else ""
            ),
            "note",
        )
    )
    return out


def routes(ctx: ReportContext) -> list[Flowable]:
    """Route and cable lengths, and the route by construction method."""
    plan = ctx.plan
    out: list[Flowable] = [ctx.heading("Routes and cables", 1)]
    km = ctx.summary["lengths_km"]
    rows = [
        ["Length", "km"],
        ["Route (trench, duct and aerial)", f"{km['route_km']:,.2f}"],
        ["  new trench", f"{km['trench_new_km']:,.2f}"],
        ["  existing duct reused", f"{km['duct_reuse_km']:,.2f}"],
        ["  aerial on existing poles", f"{km['aerial_km']:,.2f}"],
        ["Feeder cable", f"{km['feeder_cable_km']:,.2f}"],
        ["Distribution cable", f"{km['distribution_cable_km']:,.2f}"],
        ["Drop cable", f"{km['drop_km']:,.2f}"],
    ]
    out.append(data_table(rows, [80 * mm, 30 * mm], align_right=(1,)))
    methods = plan.trenches.groupby("method")["length_m"].sum().sort_values(ascending=False)
    if len(methods):
        out.append(
            para(
                "Route by method: "
                + "; ".join(
                    f"{esc(str(m).replace('_', ' '))} {v / 1000:,.2f} km"
                    for m, v in methods.items()
                )
                + ".",
                "note",
            )
        )
    return out
