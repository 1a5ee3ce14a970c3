"""The splice book: one page per site (more for a large one) with its location and cables.

Each page shows the site's name, kind and location (WGS84 and the plan's
CRS, with an OpenStreetMap link), a sketch of the cables that end, start or
pass there and the drops that leave it, its splitters, every splice with the
tube and fibre colours of both sides and what the fibre serves, and the
fibres passed uncut or parked, with the trays needed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from fttx_planner.detail.colours import colour_code
from fttx_planner.detail.model import Detail
from fttx_planner.export.atomic import atomic_path
from fttx_planner.report.style import FONT, FONT_BOLD, GREY, LIGHT, NAVY, RULE, register_fonts

_KIND = {
    "co": "central office (OLT, ODF)",
    "cabinet": "street cabinet",
    "closure": "closure",
    "fdp": "fibre distribution point",
}


def write_splice_book(
    detail: Detail,
    target: str | Path,
    kinds: list[str] | None = None,
    paper: str = "A4",
) -> tuple[Path, int]:
    """Write the splice book PDF; return its path and page count.

    Parameters
    ----------
    detail
        The detailed design.
    target
        PDF file to write (atomically).
    kinds
        Site kinds that get a page (default: all).
    paper
        ``"A4"`` or ``"Letter"``.
    """
    register_fonts()
    target = Path(target)
    sites = detail.sites
    if kinds:
        sites = sites[sites["kind"].isin(kinds)]
    styles = _styles()
    codes = colour_code(detail.meta["settings"]["colour_code"])
    by_site = dict(list(detail.splices.groupby("site", sort=False)))
    target_of = dict(zip(detail.circuits["circuit"], detail.circuits["target"], strict=True))
    for col in ("circuit", "feeder_circuit", "link_circuit"):
        served = detail.units.groupby(col)["premise"]
        first, count = served.first(), served.size()
        for c, prem in first.items():
            if int(c) >= 0:
                n = int(count[c])
                target_of[int(c)] = str(prem) if n == 1 else f"{n} premises"
    cables = detail.cables.set_index("cable")
    splitters = dict(list(detail.splitters.groupby("site", sort=False)))
    story: list = []
    for i, site in enumerate(sites.itertuples(index=False)):
        if i:
            story.append(PageBreak())
        rows = by_site.get(site.site, pd.DataFrame(columns=detail.splices.columns))
        story.extend(
            _site_page(
                detail, site, rows, cables, splitters.get(site.site), target_of, codes, styles
            )
        )
    if not story:
        story.append(Paragraph("No site of the kinds asked for.", styles["body"]))
    pages = [0]
    meta = detail.meta

    def footer(canv, doc) -> None:  # type: ignore[no-untyped-def]
        pages[0] = doc.page
        canv.saveState()
        canv.setFont(FONT, 7)
        canv.setFillColor(GREY)
        w, _ = doc.pagesize
        canv.drawString(
            15 * mm, 10 * mm, f"Splice book - {meta['district']} - {meta['architecture']}"
        )
        canv.drawRightString(w - 15 * mm, 10 * mm, f"page {doc.page}")
        canv.drawString(
            15 * mm,
            6 * mm,
            f"Map data {meta.get('attribution') or '(c) OpenStreetMap contributors'}; "
            f"colour code {codes.name}",
        )
        canv.restoreState()

    size = A4 if paper == "A4" else letter
    with atomic_path(target) as tmp:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=size,
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            topMargin=14 * mm,
            bottomMargin=16 * mm,
            title=f"Splice book {meta['district']}",
        )
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return target, pages[0]


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("t", fontName=FONT_BOLD, fontSize=15, leading=18, textColor=NAVY),
        "h": ParagraphStyle(
            "h",
            fontName=FONT_BOLD,
            fontSize=9.5,
            leading=12,
            textColor=NAVY,
            spaceBefore=5,
            spaceAfter=2,
        ),
        "body": ParagraphStyle("b", fontName=FONT, fontSize=8, leading=10),
        "cell": ParagraphStyle("c", fontName=FONT, fontSize=6.8, leading=8),
    }


def _site_page(detail, site, rows, cables, splitters, target_of, codes, st):  # type: ignore[no-untyped-def]
    out: list = []
    osm = f"https://www.openstreetmap.org/?mlat={site.lat:.6f}&mlon={site.lon:.6f}#map=19/{site.lat:.6f}/{site.lon:.6f}"
    out.append(Paragraph(f"{site.site}", st["title"]))
    out.append(
        Paragraph(
            f"{_KIND.get(site.kind, site.kind)} - {site.lat:.6f} N, {site.lon:.6f} E "
            f"(x {site.x:,.1f} m, y {site.y:,.1f} m in {detail.meta['crs']}) - "
            f'<link href="{osm}" color="#1b7f8c">OpenStreetMap</link>',
            st["body"],
        )
    )
    out.append(
        Paragraph(
            f"<b>{site.splices}</b> splices, <b>{site.trays}</b> trays "
            f"({site.splitters} splitters), "
            f"{site.passed_uncut} fibres in use passed uncut, {site.parked} fibre ends parked, "
            f"{site.tubes_opened} tubes opened, {site.drops} drop fibres",
            st["body"],
        )
    )

    at = rows
    names = set(at["a"]).union(at["b"]) & set(cables.index)
    ending = [c for c in names if cables.at[c, "end_site"] == site.site]
    starting = [c for c in names if cables.at[c, "start_site"] == site.site]
    passing = sorted(names - set(ending) - set(starting))
    drops = sorted({str(b).split(" fibre ")[0] for b in at["b"] if " fibre " in str(b)})
    out.append(_sketch(site.site, sorted(ending), sorted(starting), passing, drops, cables))

    out.append(Paragraph("Cables", st["h"]))
    crow: list[list[object]] = [
        ["cable", "layer", "fibres", "tubes x fibres", "in use", "from", "to", "m", "here"]
    ]
    for c, role in (
        [(c, "ends") for c in sorted(ending)]
        + [(c, "starts") for c in sorted(starting)]
        + [(c, "passes") for c in passing]
    ):
        r = cables.loc[c]
        crow.append(
            [
                c,
                r["layer"],
                int(r["fibres"]),
                f"{int(r['tubes'])} x {int(r['fibres_per_tube'])}",
                int(r["fibres_used"]),
                r["start_site"],
                r["end_site"],
                f"{float(r['length_m']):,.0f}",
                role,
            ]
        )
    out.append(_table(crow, [28, 20, 11, 20, 11, 30, 30, 14, 12], st))
    if splitters is not None and len(splitters):
        out.append(Paragraph("Splitters", st["h"]))
        srow: list[list[object]] = [["splitter", "ratio", "input", "ports used", "free", "loss dB"]]
        srow.extend(
            [
                r.splitter,
                f"1:{r.ratio}",
                r.input,
                int(r.ports_used),
                int(r.ports_free),
                f"{float(r.loss_db):.1f}",
            ]
            for r in splitters.itertuples(index=False)
        )
        out.append(_table(srow, [45, 12, 70, 18, 12, 14], st))
    sp = at[at["action"] == "splice"]
    sp = sp.iloc[sorted(range(len(sp)), key=lambda i: _natural(sp.iloc[i]))]
    if len(sp):
        out.append(Paragraph(f"Splices ({len(sp)})", st["h"]))
        rows_: list[list[object]] = [
            [
                "#",
                "A: cable / device",
                "tube",
                "fibre",
                "",
                "B: cable / device",
                "tube",
                "fibre",
                "",
                "serves",
            ]
        ]
        marks: list[tuple[int, int, str, str]] = []
        for k, r in enumerate(sp.itertuples(index=False), start=1):
            rows_.append(
                [
                    k,
                    r.a,
                    _tf(r.a_tube, r.a_colour, 0),
                    _tf(r.a_fibre, r.a_colour, 1),
                    "",
                    r.b,
                    _tf(r.b_tube, r.b_colour, 0),
                    _tf(r.b_fibre, r.b_colour, 1),
                    "",
                    str(target_of.get(int(r.circuit), "")),
                ]
            )
            for col, tube, fibre in (
                (4, int(r.a_tube), int(r.a_fibre)),
                (8, int(r.b_tube), int(r.b_fibre)),
            ):
                if tube > 0:
                    marks.append((col, k, codes.tube_hex(tube), codes.fibre_hex(fibre)))
        t = _table(rows_, [7, 36, 14, 18, 4, 34, 14, 18, 4, 31], st)
        style: list[tuple[object, ...]] = []
        for col, k, th, fh in marks:
            style.append(("BACKGROUND", (col, k), (col, k), colors.HexColor(fh)))
            style.append(("BOX", (col, k), (col, k), 1.2, colors.HexColor(th)))
        t.setStyle(TableStyle(style))
        out.append(t)
    pp = at[at["action"] != "splice"]
    if len(pp):
        out.append(Paragraph("Passed uncut and parked", st["h"]))
        prow: list[list[object]] = [["cable", "tube", "fibres", "", "note"]]
        prow.extend(
            [r.a, f"{int(r.a_tube)} ({r.a_colour})", r.fibres, r.action, r.note]
            for r in pp.itertuples(index=False)
        )
        out.append(_table(prow, [32, 25, 35, 10, 76], st))
    return out


def _natural(row: pd.Series) -> tuple[object, ...]:
    """Sort key: side A's name with its numbers as numbers, then tube and fibre."""
    parts = re.split(r"(\d+)", str(row["a"]))
    name = tuple(int(p) if p.isdigit() else p for p in parts)
    return (name, int(row["a_tube"]), int(row["a_fibre"]), str(row["b"]))


def _tf(n: int, colour: str, part: int) -> str:
    if int(n) <= 0:
        return ""
    names = str(colour).split(" / ")
    name = names[part] if part < len(names) else ""
    return f"{int(n)} {name}"


def _table(
    rows: list[list[object]], widths_mm: list[float], st: dict[str, ParagraphStyle]
) -> LongTable:
    data = [
        [Paragraph(str(c), st["cell"]) if isinstance(c, str) and len(c) > 18 else c for c in r]
        for r in rows
    ]
    t = LongTable(data, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 6.8),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, 6.8),
                ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return t


def _sketch(name, ending, starting, passing, drops, cables) -> KeepTogether:  # type: ignore[no-untyped-def]
    """The site as a box: cables in on the left, out on the right, through it, drops below."""
    w, h = 180 * mm, 42 * mm
    d = Drawing(w, h)
    bx, by, bw, bh = 70 * mm, 12 * mm, 40 * mm, 22 * mm
    d.add(
        Rect(bx, by, bw, bh, strokeColor=NAVY, fillColor=colors.HexColor("#f6f8fa"), strokeWidth=1)
    )
    d.add(
        String(
            bx + bw / 2,
            by + bh / 2 - 3,
            name,
            fontName=FONT_BOLD,
            fontSize=7,
            textAnchor="middle",
            fillColor=NAVY,
        )
    )
    left = [(c, "in") for c in ending] + [(c, "through") for c in passing]
    right = [(c, "out") for c in starting] + [(c, "through") for c in passing]

    def side(items: list[tuple[str, str]], x0: float, x1: float, anchor: str, tx: float) -> None:
        shown = items[:6]
        for k, (c, role) in enumerate(shown):
            y = by + bh - (k + 0.7) * bh / max(len(shown), 1)
            col = NAVY if cables.at[c, "layer"] == "feeder" else colors.HexColor("#1b7f8c")
            d.add(
                Line(x0, y, x1, y, strokeColor=col, strokeWidth=1.6 if role == "through" else 1.1)
            )
            label = f"{c} ({int(cables.at[c, 'fibres'])} f)"
            d.add(
                String(
                    tx,
                    y + 1.5,
                    label,
                    fontName=FONT,
                    fontSize=6,
                    textAnchor=anchor,
                    fillColor=colors.black,
                )
            )
        if len(items) > 6:
            d.add(
                String(
                    tx,
                    by - 2,
                    f"+{len(items) - 6} more",
                    fontName=FONT,
                    fontSize=6,
                    textAnchor=anchor,
                )
            )

    side(left, 20 * mm, bx, "start", 20 * mm)
    side(right, bx + bw, w - 20 * mm, "end", w - 20 * mm)
    for k in range(len(drops[:8])):
        x = bx + (k + 0.5) * bw / max(min(len(drops), 8), 1)
        d.add(Line(x, by, x, 3 * mm, strokeColor=colors.HexColor("#e07b00"), strokeWidth=0.8))
    if drops:
        more = f" (+{len(drops) - 8})" if len(drops) > 8 else ""
        d.add(
            String(
                bx + bw + 2 * mm,
                4 * mm,
                f"drops: {', '.join(drops[:3])}{'...' if len(drops) > 3 else ''}{more}",
                fontName=FONT,
                fontSize=6,
                fillColor=colors.HexColor("#e07b00"),
            )
        )
    return KeepTogether([Spacer(1, 2 * mm), d])
