"""The public endpoints of a city plan (:mod:`fttx_planner.endpoints`): rules, counts, cost shares.

Empty for a plan of homes only, so the report of such a plan is unchanged.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from fttx_planner.report.context import ReportContext
from fttx_planner.report.style import data_table, esc, fmt_eur, fmt_int, fmt_pct, para

#: What each connection rule means, as the section explains it.
RULE_TITLES = {
    "pon": "PON port like a home",
    "dedicated": "dedicated fibres to the central office",
    "shared_run": "one fibre per pole run",
}
#: Endpoints listed one by one at most (the rest are in endpoints.csv and the map layers).
MAX_LISTED = 60


def endpoints_section(ctx: ReportContext) -> list[Flowable]:
    """Endpoints by class with their cost share, then the costliest endpoints one by one."""
    table = getattr(ctx.plan, "endpoints", None)
    if table is None or len(table) == 0:
        return []
    total = max(ctx.summary["capex_eur"]["total"], 1e-9)
    share = float(table["cost_share_eur"].sum())
    out: list[Flowable] = [PageBreak(), ctx.heading("Public endpoints", 0)]
    out.append(
        para(
            f"{fmt_int(len(table))} public endpoints (traffic signals, cameras, lamps, public "
            f"buildings, masts) are planned with the homes in one design: the same trenches, "
            f"their fibres in the same cables. {fmt_int(int(table['served'].sum()))} are served; "
            f"their cost share is {fmt_eur(share)}, {fmt_pct(share / total)} of the capex. "
            "A cost share is the endpoint's own items (terminal, drop, central-office ports, "
            "second path) plus its part of the shared network, pro rata of fibre-metres (its "
            "fibres times its path length, like every home), and of the OLT pro rata of PON "
            "ports.",
            "body",
        )
    )
    rows: list[list[Any]] = [["Class", "Rule", "Endpoints", "Served", "Fibres", "Cost share"]]
    rows += [
        [
            esc(str(r["class"]).replace("_", " ")),
            para(esc(RULE_TITLES.get(str(r["rule"]), str(r["rule"]))), "cell_small"),
            fmt_int(int(r["endpoints"])),
            fmt_int(int(r["served"])),
            fmt_int(int(r["fibres"])),
            fmt_eur(float(r["cost_share_eur"])),
        ]
        for r in ctx.summary["endpoints"]["by_class"]  # CityPlan.summary()
    ]
    rows.append(["Total", "", fmt_int(len(table)), fmt_int(int(table["served"].sum())),
                 fmt_int(int(table["fibres"].sum())), fmt_eur(share)])  # fmt: skip
    widths = [34 * mm, 52 * mm, 20 * mm, 18 * mm, 16 * mm, ctx.frame_w - 140 * mm]
    out.append(data_table(rows, widths, align_right=(2, 3, 4, 5), total_rows=1))
    added = ctx.summary["endpoints"].get("incremental_eur")
    if added is not None:
        out.append(
            para(
                f"Planned for the homes alone, the district costs "
                f"{fmt_eur(ctx.summary['endpoints']['homes_only_eur'])}: connecting the endpoints "
                f"on the same build adds {fmt_eur(added)} (the trenches they need beyond the "
                "homes' network included).",
                "body",
            )
        )
    out += _diversity(ctx, table)
    out += _listing(ctx, table)
    return out


def _diversity(ctx: ReportContext, table: pd.DataFrame) -> list[Flowable]:
    div = table[table["diverse_m"] > 0]
    if len(div) == 0:
        return []
    shared = div["diverse_shared_m"] - div["drop_m"]
    return [
        ctx.heading("Route diversity", 1),
        para(
            f"{fmt_int(len(div))} critical endpoints have a second path to the OLT "
            f"({div['diverse_m'].sum() / 1000:,.1f} km, of which "
            f"{div['diverse_new_trench_m'].sum() / 1000:,.2f} km of new trench). "
            f"{fmt_int(int((shared > 0.5).sum()))} of them share trench with their main path "
            "where no other street exists; every one shares its drop (one building entry).",
            "body",
        ),
    ]


def _listing(ctx: ReportContext, table: pd.DataFrame) -> list[Flowable]:
    listed = table.sort_values("cost_share_eur", ascending=False).head(MAX_LISTED)
    rows: list[list[Any]] = [["Class", "Name / reference", "Path", "Loss / budget", "Cost share"]]
    for _, r in listed.iterrows():
        name = str(r["name"]) or str(r["ref"])
        rows.append(
            [
                esc(str(r["class"]).replace("_", " ")),
                para(esc(name), "cell_small"),
                f"{r['path_m']:,.0f} m" if r["served"] else "unserved",
                f"{r['loss_db']:.1f} / {r['budget_db']:.1f} dB" if r["served"] else "–",
                fmt_eur(float(r["cost_share_eur"])),
            ]
        )
    more = len(table) - len(listed)
    note = f" ({fmt_int(more)} more in endpoints.csv)" if more > 0 else ""
    return [
        ctx.heading("Endpoints by cost share", 1),
        para(f"The costliest endpoints first{note}.", "body"),
        data_table(
            rows,
            [30 * mm, 60 * mm, 22 * mm, 30 * mm, ctx.frame_w - 142 * mm],
            align_right=(2, 3, 4),
        ),
    ]
