"""The appendices of the report: the splitter schedule, and notes on method and data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak

from fttx_planner.report.context import ReportContext
from fttx_planner.report.coordinates import lonlat_of
from fttx_planner.report.style import data_table, esc, fmt_int, para


def appendices(ctx: ReportContext) -> list[Flowable]:
    """Both appendices; subsections are no longer numbered from here on."""
    return appendix_splitters(ctx) + appendix_method(ctx)


def appendix_splitters(ctx: ReportContext) -> list[Flowable]:
    """Appendix A: every splitter with its ratio, homes, ports, parent, location and map sheet."""
    plan = ctx.plan
    sp = plan.splitters.sort_values(["stage", "splitter_id"])
    ctx.outline.in_appendix = True
    out: list[Flowable] = [
        PageBreak(),
        ctx.heading("Appendix A&nbsp;&nbsp;Splitter schedule", 0),
    ]
    out.append(
        para(
            "Every splitter of the design: its stage and ratio, the homes it serves, the ports "
            "in use, the splitter feeding it (two-stage designs), its location in WGS84"
            + (" and the detail map sheet it is on." if ctx.book.sheets else "."),
            "body",
        )
    )
    xy = sp[["x", "y"]].to_numpy(dtype=float)
    lonlat = lonlat_of(plan, xy)
    sheets = ctx.book.sheet_of(xy)
    labels = plan.splitters.set_index("splitter_id")["label"]
    named = ctx.layers["splitters"]
    if "name" in named.columns:  # the detailed design's names, as in the splice book
        labels = named.set_index("splitter_id")["name"]
    olt = str(ctx.layers["olt"]["name"].iloc[0]) if len(ctx.layers["olt"]) else "OLT"
    has_sheets = bool(ctx.book.sheets)
    rows: list[list[Any]] = [
        ["Splitter", "Stage", "Ratio", "Homes", "Ports used", "Fed by", "Latitude", "Longitude"]
        + (["Sheet"] if has_sheets else [])
    ]
    for i, r in enumerate(sp.itertuples(index=False)):
        parent = int(r.parent_id) if pd.notna(r.parent_id) else -1
        row = [
            str(labels.get(int(r.splitter_id), r.label)),
            str(r.stage),
            f"1:{r.ratio}",
            fmt_int(r.homes),
            fmt_int(r.ports_used),
            str(labels.get(parent, olt)) if parent >= 0 else olt,
            f"{lonlat[i, 1]:.5f}",
            f"{lonlat[i, 0]:.5f}",
        ]
        if has_sheets:
            row.append(str(sheets[i]) if sheets[i] else "–")
        rows.append(row)
    w = ctx.frame_w
    fr = (0.14, 0.08, 0.08, 0.09, 0.11, 0.14, 0.13, 0.13, 0.10)
    widths = [w * f for f in fr[: len(rows[0])]]
    widths[-1] += w - sum(widths)
    out.append(data_table(rows, widths, align_right=(3, 4, 6, 7), font_size=7.0, compact=True))
    return out


def appendix_method(ctx: ReportContext) -> list[Flowable]:
    """Appendix B: where the data comes from and how the design and the costs are made."""
    plan = ctx.plan
    d = plan.district
    dem = plan.demand.summary()
    out: list[Flowable] = [
        CondPageBreak(90 * mm),
        ctx.heading("Appendix B&nbsp;&nbsp;Method and data", 0),
    ]
    items = [
        f"<b>District data.</b> {esc(d.name)}, "
        + (
            f"from {esc(Path(d.source).name)}"
            if d.source and d.source != "synthetic"
            else "a synthetic district"
        )
        + f". Data {esc(d.attribution.replace('(c)', '©'))}. Coordinates in {esc(d.crs)}.",
        f"<b>Premises.</b> {fmt_int(dem['homes'])} premises in "
        f"{fmt_int(dem['buildings_with_homes'])} buildings: "
        f"{fmt_int(dem.get('residential_units', dem['homes']))} homes and "
        f"{fmt_int(dem.get('business_units', 0))} business units, each building's count from "
        "its flats tag, a premises register, its address points, a type rule or its floor "
        "area (table below; rules and sources in docs/demand.md)."
        + "".join(
            f" Calibrated to {fmt_int(rec['target'])} {esc(what)} (estimate "
            f"{fmt_int(rec['estimate_before'])}, factor {rec['factor']:.3f})."
            for what, rec in dem.get("calibration", {}).items()
        ),
        "<b>Design.</b> Buildings are connected to the nearest street that may carry fibre; "
        "splitters are placed so that each serves neighbouring homes up to its usable ports; "
        "feeder and distribution fibre share one trench tree along the streets, rooted at "
        "the OLT; cables are sized to standard sizes; the optical loss of every home is "
        "checked against the budget.",
        "<b>Costs.</b> Quantities from the design times the unit prices of the cost "
        "catalogue, whose every row names its source.",
    ]
    if ctx.finance is not None:
        items.append(ctx.finance.method_text())
    items.extend("<b>Premises warning.</b> " + esc(w) + "." for w in dem.get("warnings", []))
    if d.warnings:
        items.append("<b>Data warnings.</b> " + esc("; ".join(d.warnings)) + ".")
    out += [para(t, "body_just") for t in items]
    # The table is short: move it whole to the next page rather than split it.
    out += [CondPageBreak(70 * mm), _premises_table(ctx, dem)]
    return out


#: Plain words for the premises sources in the report's table.
SOURCE_WORDS = {
    "tag": "flats tag", "register": "premises register", "address": "address points",
    "rule": "type rule", "estimate": "floor area estimate", "calibrated": "calibrated estimate",
    "none": "no premises",
}  # fmt: skip


def _premises_table(ctx: ReportContext, dem: dict[str, Any]) -> Flowable:
    """Premises by source, then the building types that hold most of them."""
    rows: list[list[str]] = [["Premises by source / building type", "Buildings", "Homes",
                              "Business units"]]  # fmt: skip
    for name, row in dem.get("by_source", {}).items():
        rows.append([SOURCE_WORDS.get(name, name), fmt_int(row["buildings"]),
                     fmt_int(row["homes"]), fmt_int(row["business_units"])])  # fmt: skip
    for name, row in list(dem.get("by_type", {}).items())[:8]:
        rows.append([f"building={name}", fmt_int(row["buildings"]),
                     fmt_int(row["homes"]), fmt_int(row["business_units"])])  # fmt: skip
    w = ctx.frame_w
    widths = [w * 0.46, w * 0.18, w * 0.18, w * 0.18]
    return data_table(rows, widths, align_right=(1, 2, 3), font_size=7.5, compact=True)
