"""Section 1 of the report, the summary: the design and the business case in a page."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from fttx_planner.report.context import ReportContext
from fttx_planner.report.style import (
    FONT,
    esc,
    fmt_eur,
    fmt_int,
    fmt_km,
    fmt_pct,
    key_value_table,
    para,
)


def summary_section(ctx: ReportContext) -> list[Flowable]:
    """The summary: what the design does and costs, its key figures, the business case."""
    out: list[Flowable] = [ctx.heading("Summary", 0)]
    out += [para(p, "body_just") for p in _overview(ctx)]
    if ctx.finance is not None:
        out.append(para(ctx.finance.summary_text(), "body_just"))
    out.append(Spacer(1, 3 * mm))
    out.append(_figures_and_notes(ctx))
    if ctx.finance is not None:
        out += ctx.finance.summary_flowables(ctx)
    return out


def _overview(ctx: ReportContext) -> list[str]:
    """The paragraphs of the summary: homes, network, capex, and the lower bound if known."""
    s = ctx.summary
    h = s["homes"]
    c = s["capex_eur"]
    km = s["lengths_km"]
    loss = s["loss_db"]
    d = ctx.plan.demand.summary()
    parts = [
        f"This report presents a costed GPON fibre-to-the-home design for "
        f"<b>{esc(s['district'])}</b> ({esc(s['architecture'])}). "
        f"Of the {fmt_int(h['demand'])} homes estimated in {fmt_int(d['buildings_with_homes'])}"
        f" buildings, the design passes <b>{fmt_int(h['passed'])}</b>"
        + (
            f"; {fmt_int(h['unserved'])} homes in {h['buildings_unserved']} buildings cannot "
            "be served and are listed with their reasons in section 3."
            if h["unserved"]
            else ", every home in the district."
        )
        + f" The network needs {fmt_km(km['route_km'])} of route "
        f"({fmt_km(km['trench_new_km'])} of new trench"
        + (f", {fmt_km(km['duct_reuse_km'])} in existing ducts" if km["duct_reuse_km"] else "")
        + (f", {fmt_km(km['aerial_km'])} aerial" if km["aerial_km"] else "")
        + f"), {fmt_int(s['splitters']['count'])} splitters and "
        f"{fmt_int(s['splitters']['olt_ports'])} OLT ports. Every home passed stays within the"
        f" optical budget of {loss['budget']:.0f} dB (worst home {loss['max']:.1f} dB).",
        f"The capex to pass and connect every home passed is <b>{fmt_eur(c['total'])}</b>: "
        f"<b>{fmt_eur(c['per_home_passed'])}</b> per home passed to build the network, and "
        f"{fmt_eur(c['per_home_connected'])} per home once it is connected. Civil works are "
        f"{fmt_pct(c['by_layer']['civil'] / max(c['total'], 1), 0)} of the total.",
    ]
    lb = s.get("lower_bound_eur")
    if lb:
        parts.append(
            f"No feasible design of this district can cost less than {fmt_eur(lb)} (a lower "
            f"bound): this design is within {fmt_pct(s['gap_to_lower_bound'])} of the best "
            "possible."
        )
    return parts


def _figures_and_notes(ctx: ReportContext) -> Table:
    """Key figures on the left; what they mean and the planner's notes on the right."""
    s = ctx.summary
    h = s["homes"]
    c = s["capex_eur"]
    km = s["lengths_km"]
    loss = s["loss_db"]
    lb = s.get("lower_bound_eur")
    rows = [
        ("Homes in the district (estimated)", fmt_int(h["demand"])),
        ("Homes passed", fmt_int(h["passed"])),
        ("Homes unserved", fmt_int(h["unserved"])),
        (
            "Buildings served / unserved",
            f"{fmt_int(h['buildings_served'])} / {fmt_int(h['buildings_unserved'])}",
        ),
        (
            "Splitters / OLT ports",
            f"{fmt_int(s['splitters']['count'])} / {fmt_int(s['splitters']['olt_ports'])}",
        ),
        (
            "Route length (new trench)",
            f"{fmt_km(km['route_km'])} ({fmt_km(km['trench_new_km'])})",
        ),
        (
            "Worst / mean optical loss",
            f"{loss['max']:.1f} / {loss['mean']:.1f} dB of {loss['budget']:.0f} dB",
        ),
        ("Capex, total", fmt_eur(c["total"])),
        ("  to pass (passive + OLT)", fmt_eur(c["passive_to_pass"] + c["active_to_pass"])),
        (
            "  to connect (drops + ONT)",
            fmt_eur(c["passive_to_connect"] + c["active_to_connect"]),
        ),
        ("Capex per home passed", fmt_eur(c["per_home_passed"])),
        ("Capex per home connected", fmt_eur(c["per_home_connected"])),
    ]
    if lb:
        rows += [
            ("Lower bound on capex", fmt_eur(lb)),
            ("Gap to the lower bound", fmt_pct(s["gap_to_lower_bound"])),
        ]
    kv = key_value_table(rows, [62 * mm, 44 * mm])
    side: list[Flowable] = [para("<b>Key figures</b>", "h3"), kv]
    notes = list(dict.fromkeys(ctx.plan.warnings))
    right: list[Flowable] = [para("<b>What the figures mean</b>", "h3")]
    right += [
        para(
            "<b>Homes passed</b>: homes the network reaches; each can be connected on request.",
            "small",
        ),
        para(
            "<b>Capex</b>: cost to build the network and connect every home passed; the "
            "business case scales the connection cost with take-up.",
            "small",
        ),
        para(
            "<b>Cost per home passed</b>: cost to pass (civil works, cables, splitters, "
            "cabinets, OLT) divided by homes passed.",
            "small",
        ),
    ]
    if notes:
        right.append(para("<b>Notes from the planner</b>", "h3"))
        right += [para("• " + esc(n), "small") for n in notes[:8]]
    gap = 8 * mm
    wl = 106 * mm
    t = Table([[side, right]], colWidths=[wl + gap, ctx.frame_w - wl - gap])
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, -1), FONT, 9),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), gap),
            ]
        )
    )
    return t
