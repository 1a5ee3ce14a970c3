"""Who the design serves and how well: the optical loss of every home, and the unserved homes.

Subsections of section 3 (:mod:`fttx_planner.report.design_section`).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from fttx_planner.district import osm_ref
from fttx_planner.report.context import ReportContext
from fttx_planner.report.coordinates import lonlat_of
from fttx_planner.report.figures import loss_distribution_figure
from fttx_planner.report.style import data_table, esc, fmt_int, para


def optical_loss(ctx: ReportContext) -> list[Flowable]:
    """The loss of every home served against the budget: a histogram and its key values."""
    plan = ctx.plan
    p = plan.params
    out: list[Flowable] = [ctx.heading("Optical loss of every home", 1)]
    b = plan.buildings
    served = b[b["served"]]
    loss = served["loss_db"].to_numpy(dtype=float)
    homes = served["homes"].to_numpy(dtype=float)
    budget = p.budget_db
    fig = loss_distribution_figure(loss, homes, budget, p.safety_margin_db)
    out.append(ctx.figure(fig, 62 * mm))
    out.append(
        para(
            f"Homes by optical loss from the OLT to their ONT, against the class "
            f"{p.optical_class.value} budget of {budget:g} dB.",
            "caption",
        )
    )
    if len(loss):
        order = np.argsort(loss)
        cum = np.cumsum(homes[order]) / homes.sum()
        p95 = float(loss[order][np.searchsorted(cum, 0.95)])
        margin = budget - float(loss.max())
        rows = [
            ["Measure", "Value"],
            ["Homes checked (all homes passed)", fmt_int(homes.sum())],
            ["Worst home", f"{loss.max():.2f} dB"],
            ["95 % of homes at or below", f"{p95:.2f} dB"],
            ["Mean over homes", f"{np.average(loss, weights=homes):.2f} dB"],
            ["Smallest margin left in the budget", f"{margin:.2f} dB"],
            ["Homes over the budget", fmt_int(homes[loss > budget + 1e-9].sum())],
        ]
        table: list[Flowable] = [data_table(rows, [80 * mm, 36 * mm], align_right=(1,))]
    else:
        table = []
    out.append(
        KeepTogether(
            [
                *table,
                para(
                    "Loss = splitter insertion loss + fibre attenuation over the path "
                    "length + splices + "
                    f"connectors + a safety margin of {p.safety_margin_db:g} dB. The "
                    "budget is a hard "
                    "design constraint: a home that cannot meet it is reported unserved, "
                    "never built "
                    "over budget.",
                    "note",
                ),
            ]
        )
    )
    return out


def unserved_homes(ctx: ReportContext) -> list[Flowable]:
    """The homes not served: counts by reason, then every unserved building."""
    plan = ctx.plan
    b = plan.buildings
    out: list[Flowable] = [ctx.heading("Unserved homes", 1)]
    uns = b[~b["served"]]
    if uns.empty:
        out.append(para("Every building with homes in the district is served.", "body"))
    else:
        out.append(
            para(
                f"{fmt_int(uns['homes'].sum())} homes in {fmt_int(len(uns))} buildings are not "
                "served. They are drawn in red on the maps.",
                "body",
            )
        )
        reasons = uns.assign(cause=uns["reason"].map(reason_group))
        rows: list[list[Any]] = [["Reason", "Buildings", "Homes"]]
        for cause, g in reasons.groupby("cause"):
            rows.append([para(esc(cause), "cell"), fmt_int(len(g)), fmt_int(g["homes"].sum())])
        out.append(data_table(rows, [ctx.frame_w - 50 * mm, 25 * mm, 25 * mm], align_right=(1, 2)))
        out.append(Spacer(1, 3 * mm))
        out.append(para("<b>Unserved buildings</b>", "h3"))
        out.append(_unserved_buildings(ctx, uns))
    return out


def _unserved_buildings(ctx: ReportContext, uns: pd.DataFrame) -> Flowable:
    """One row per unserved building: OSM reference, homes, location, map sheet, reason."""
    plan = ctx.plan
    d = plan.district.buildings
    idx = uns["building"].to_numpy()
    xy = d.centroid_xy[idx] if len(idx) else np.zeros((0, 2))
    sheets = ctx.book.sheet_of(xy) if len(xy) else np.zeros(0, int)
    lonlat = lonlat_of(plan, xy)
    has_sheets = bool(ctx.book.sheets)
    rows: list[list[Any]] = [
        ["OSM building", "Homes", "Location (lat, lon)"]
        + (["Sheet"] if has_sheets else [])
        + ["Reason"]
    ]
    for i, (_, r) in enumerate(uns.iterrows()):
        osm = int(d.osm_id[int(r["building"])])
        row = [
            osm_ref(osm),
            fmt_int(r["homes"]),
            f"{lonlat[i, 1]:.5f}, {lonlat[i, 0]:.5f}",
        ]
        if has_sheets:
            row.append(str(sheets[i]) if sheets[i] else "–")
        rows.append([*row, para(esc(r["reason"]), "cell")])
    widths = [28 * mm, 14 * mm, 36 * mm] + ([13 * mm] if has_sheets else [])
    widths.append(ctx.frame_w - sum(widths))
    return data_table(rows, widths, align_right=(1,))


def reason_group(reason: str) -> str:
    """A reason without its per-building numbers, to count buildings per reason.

    Examples
    --------
    >>> reason_group("too far from a street (nearest 140 m)")
    'too far from a street'
    """
    return re.sub(r"\s*\(nearest [^)]*\)", "", str(reason)) or "unknown"
