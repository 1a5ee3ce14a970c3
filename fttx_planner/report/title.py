"""The title page of the report, and the headline figures it shows."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from fttx_planner.plan import Plan
from fttx_planner.report.context import ReportContext, date_text
from fttx_planner.report.maps import MapBook, MapSheet
from fttx_planner.report.style import FONT, LIGHT, TEAL, esc, fmt_eur, fmt_int, para


def headline_figures(plan: Plan) -> dict[str, str]:
    """The three headline figures as the report prints them.

    Returns
    -------
    dict
        ``homes_passed``, ``capex`` and ``cost_per_home_passed`` as text,
        e.g. ``{"homes_passed": "5,113", "capex": "€4,157,546",
        "cost_per_home_passed": "€813"}``. Tests search the PDF's text for
        these strings.

    Examples
    --------
    >>> from fttx_planner import grid_district, plan_district
    >>> sorted(headline_figures(plan_district(grid_district(50))))
    ['capex', 'cost_per_home_passed', 'homes_passed']
    """
    capex = plan.capex_block()
    return {
        "homes_passed": fmt_int(plan.homes_passed),
        "capex": fmt_eur(plan.total_cost_eur),
        "cost_per_home_passed": fmt_eur(capex["per_home_passed"]),
    }


def title_page(ctx: ReportContext) -> list[Flowable]:
    """The title page: district, scenario, architecture, date, headline figures, a small map."""
    s = ctx.summary
    out: list[Flowable] = [
        Spacer(1, 14 * mm),
        para("FTTX / GPON NETWORK PLAN AND BUSINESS CASE", "title_kicker"),
        Spacer(1, 4 * mm),
        para(esc(ctx.plan.district.name), "title"),
        para(f"Scenario: {esc(ctx.scenario)}", "subtitle"),
        Spacer(1, 2.5 * mm),
        para(esc(s["architecture"]), "subtitle"),
        Spacer(1, 3 * mm),
        para(f"{date_text(ctx.date)}", "title_meta"),
        Spacer(1, 10 * mm),
    ]
    out += [_headline_cards(ctx), Spacer(1, 9 * mm)]
    # A small map of the whole district.
    thumb_h = ctx.frame_h - 128 * mm
    if thumb_h > 60 * mm:
        book = MapBook(ctx.plan, ctx.frame_w, thumb_h, max_sheets=0, layers=ctx.layers)
        out.append(MapSheet(book, book.overview, 0.0, ctx.paper_name, thumbnail=True))
    return out


def _headline_cards(ctx: ReportContext) -> Table:
    """The three headline figures side by side, each with a label and a line under it."""
    s = ctx.summary
    heads = headline_figures(ctx.plan)
    capex = s["capex_eur"]
    cards = [
        (
            heads["homes_passed"],
            "homes passed",
            f"of {fmt_int(s['homes']['demand'])} homes in the district",
        ),
        (heads["capex"], "capex", "to pass and connect every home passed"),
        (
            heads["cost_per_home_passed"],
            "cost per home passed",
            f"{fmt_eur(capex['per_home_connected'])} per home connected",
        ),
    ]
    cw = ctx.frame_w / 3
    cells = [
        [para(v, "figure_big") for v, _, _ in cards],
        [para(label, "figure_label") for _, label, _ in cards],
        [para(sub, "figure_sub") for _, _, sub in cards],
    ]
    t = Table(cells, colWidths=[cw] * 3, rowHeights=[30, 14, 14])
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9),
                ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                ("LINEBEFORE", (1, 0), (-1, -1), 2.5, colors.white),
                ("LINEABOVE", (0, 0), (-1, 0), 2.0, TEAL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, 0), 9),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
            ]
        )
    )
    return t
