"""The PDF report of a plan: for a board or a city council that will not open the application.

:func:`write_report` turns a :class:`~fttx_planner.plan.Plan` (and the
business models run on its capex) into one PDF:

1. a title page with the district, scenario, date, the architecture in one
   line and the three headline figures;
2. contents, with PDF bookmarks;
3. a summary of the design and the business case;
4. maps: an overview of the district and, when it is large, detail sheets at
   a round scale, as vector graphics with legend, scale bar, north arrow and
   attribution;
5. the design: parameters, splitters, optical loss of every home against the
   budget, unserved homes with their reasons, lengths;
6. the bill of materials and capex by layer and by pass/connect, each unit
   price with its source;
7. the business case: the four ownership models per actor (NPV, IRR,
   payback), revenue split, cumulative cash flows, tornado, Monte Carlo,
   and every assumption with its source;
8. appendices: the splitter schedule and notes on method and data.

Text is real text in embedded TrueType fonts (DejaVu), maps and charts are
vector graphics; A4 and US Letter. The report never imports Qt: the GUI
calls :func:`write_report` from a worker thread, passing the comparison it
already computed.

Examples
--------
>>> from fttx_planner import grid_district, plan_district
>>> import tempfile, pathlib
>>> plan = plan_district(grid_district(120))
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = write_report(plan, pathlib.Path(tmp) / "r.pdf", n_draws=200)
...     path.stat().st_size > 10_000
True
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from fttx_planner._errors import FttxError
from fttx_planner.plan import Plan, PlanCancelled
from fttx_planner.report.figures import (
    FigureFlowable,
    FigureRegistry,
    capex_layers_figure,
    loss_distribution_figure,
    stamp_figures,
)
from fttx_planner.report.maps import LEGEND_H, MapBook, MapSheet, content_extent
from fttx_planner.report.style import (
    FONT,
    FONT_BOLD,
    GREY,
    LIGHT,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    NAVY,
    RULE,
    TEAL,
    data_table,
    esc,
    fmt_eur,
    fmt_int,
    fmt_km,
    fmt_money,
    fmt_pct,
    fmt_qty,
    key_value_table,
    para,
    register_fonts,
    styles,
)

#: Paper sizes the report is laid out for.
PAPERS = {"A4": A4, "LETTER": LETTER}

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
_LAYER_NOTES = {
    "civil": "trenches, micro-trenches, duct reuse, aerial",
    "cables": "feeder and distribution cable, installed",
    "splitters": "splitters, splice closures, fusion splices",
    "cabinets": "street cabinets (FDH)",
    "drops": "drop cable, wall box, riser, for every home passed",
    "olt": "chassis, line cards, PON optics",
    "ont": "ONT and installation, for every home passed",
}

#: Called as ``progress(fraction, stage)`` while the report is written.
Progress = Callable[[float, str], None]


class ReportError(FttxError):
    """The report cannot be written (bad paper size, unwritable target)."""


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


def write_report(
    plan: Plan,
    target: str | Path,
    finance_params_file: str | Path | None = None,
    paper: str = "A4",
    *,
    comparison: Any = None,
    finance_params: Any = None,
    scenario: str | None = None,
    date: dt.date | None = None,
    n_draws: int = 2000,
    seed: int = 1,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write the PDF report of ``plan`` to ``target`` (atomically) and return its path.

    Parameters
    ----------
    plan
        The plan.
    target
        The PDF file to write; its folder is created if needed.
    finance_params_file
        Finance inputs (TOML, YAML or JSON) for the business case; the
        defaults, with their sources, otherwise.
    paper
        ``"A4"`` or ``"Letter"``.
    comparison
        A :class:`models.Comparison` already computed on this plan's capex
        (the GUI passes its own); computed here when None. Its inputs are
        then used for the sensitivity and Monte Carlo sections too.
    finance_params
        A :class:`models.FinanceParams` to use instead of a file.
    scenario
        Scenario name for the title page; derived from the district when None.
    date
        Date printed on the report; today when None.
    n_draws, seed
        Monte Carlo draws and random seed (tests use few draws).
    progress
        Called as ``progress(fraction, stage)``.
    cancelled
        Polled between stages; when it returns True the report is abandoned
        with :class:`~fttx_planner.plan.PlanCancelled` and nothing is written.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ReportError
        If the paper size is unknown or the file cannot be written.
    models.FinanceParameterError
        If the finance parameter file is invalid.
    """
    from fttx_planner.export.atomic import atomic_path

    target = Path(target)
    key = paper.strip().upper()
    if key not in PAPERS:
        msg = f"Unknown paper size {paper!r}; use one of: A4, Letter"
        raise ReportError(msg)

    def step(fraction: float, stage: str) -> None:
        if cancelled is not None and cancelled():
            raise PlanCancelled
        if progress is not None:
            progress(fraction, stage)

    step(0.0, "business case")
    from fttx_planner.report.finance import FinanceResults

    finance = (
        None
        if plan.homes_passed <= 0
        else FinanceResults.compute(
            plan,
            finance_params_file=finance_params_file,
            finance_params=finance_params,
            comparison=comparison,
            n_draws=n_draws,
            seed=seed,
        )
    )
    step(0.35, "report layout")
    pdf = build_report_pdf(
        plan,
        finance,
        paper=key,
        scenario=scenario,
        date=date or dt.date.today(),
        progress=lambda f, s: step(0.35 + 0.6 * f, s),
    )
    try:
        with atomic_path(target) as tmp:
            tmp.write_bytes(pdf)
    except OSError as exc:
        msg = f"Cannot write the report to {target}: {exc.strerror or exc}"
        raise ReportError(msg) from exc
    step(1.0, "done")
    return target


# -- document template ------------------------------------------------------------------
class _Heading(Paragraph):
    """A heading that goes into the table of contents and the PDF outline."""

    def __init__(self, text: str, style: str, level: int, key: str, toc: bool = True):
        super().__init__(text, styles()[style])
        self.toc_level = level
        self.bookmark_key = key
        self.in_toc = toc


class _Bookmark(Flowable):
    """An invisible PDF outline entry, and contents entry if ``toc`` (map pages)."""

    def __init__(self, title: str, key: str, level: int, toc: bool = False) -> None:
        super().__init__()
        self.title = title
        self.key = key
        self.level = level
        self.toc = toc
        self.width = self.height = 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=True)


@dataclass
class _PageInfo:
    district: str
    scenario: str
    date_text: str
    version: str


class _ReportDoc(BaseDocTemplate):
    """Portrait body pages, a title page, and portrait or landscape map pages."""

    def __init__(
        self,
        buf: io.BytesIO,
        pagesize: tuple[float, float],
        info: _PageInfo,
        title: str,
        subject: str,
    ) -> None:
        super().__init__(
            buf,
            pagesize=pagesize,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=title,
            author="fttx-planner",
            subject=subject,
            creator="fttx-planner (reportlab)",
            invariant=1,
            initialFontName=FONT,
            initialFontSize=9,
        )
        self.info = info
        w, h = pagesize
        lw, lh = landscape(pagesize)

        def frame(fid: str, pw: float, ph: float, top: float = MARGIN_TOP) -> Frame:
            return Frame(
                MARGIN_X,
                MARGIN_BOTTOM,
                pw - 2 * MARGIN_X,
                ph - top - MARGIN_BOTTOM,
                id=fid,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )

        self.addPageTemplates(
            [
                PageTemplate(
                    "title",
                    [frame("t", w, h, top=16 * mm)],
                    onPage=self._title_page,
                    pagesize=pagesize,
                ),
                PageTemplate("body", [frame("b", w, h)], onPage=self._body_page, pagesize=pagesize),
                PageTemplate(
                    "landscape", [frame("l", lw, lh)], onPage=self._body_page, pagesize=(lw, lh)
                ),
            ]
        )
        self._buf = buf
        #: Layout passes run so far; the first pass only lays out (see :func:`is_draft`).
        self.passes = 0
        #: Page count used in the footers of this pass (that of the previous pass).
        self.total_pages: int | None = None
        self._last_total: int | None = None

    def build(self, flowables: list[Flowable], **kw: Any) -> None:
        """One layout pass; the output of earlier passes is discarded.

        Footers print "Page n of N" with N from the previous pass;
        :meth:`_allSatisfied` asks for one more pass until N holds.
        """
        self.passes += 1
        self.total_pages = self._last_total
        self._buf.seek(0)
        self._buf.truncate()
        super().build(flowables, **kw)
        self._last_total = self.page

    def _allSatisfied(self) -> bool:
        return bool(super()._allSatisfied()) and self.total_pages == self._last_total

    @property
    def draft(self) -> bool:
        """Whether this is the first pass, whose output is never kept.

        The table of contents is empty during the first pass, so
        :meth:`multiBuild` always makes a second one: heavy flowables (maps,
        long tables) skip drawing in the first.
        """
        return self.passes <= 1

    @staticmethod
    def frame_size(pagesize: tuple[float, float]) -> tuple[float, float]:
        """Width and height of the body frame of a page of this size."""
        return pagesize[0] - 2 * MARGIN_X, pagesize[1] - MARGIN_TOP - MARGIN_BOTTOM

    def _title_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        w, h = canv._pagesize
        canv.saveState()
        canv.setFillColor(NAVY)
        canv.rect(0, h - 9 * mm, w, 9 * mm, stroke=0, fill=1)
        canv.setFillColor(TEAL)
        canv.rect(0, h - 10.2 * mm, w, 1.2 * mm, stroke=0, fill=1)
        canv.setFont(FONT, 7.2)
        canv.setFillColor(GREY)
        canv.drawString(
            MARGIN_X,
            10 * mm,
            f"fttx-planner {self.info.version} · open source · {self.info.date_text}",
        )
        canv.restoreState()

    def _body_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        w, h = canv._pagesize
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        y = h - MARGIN_TOP + 6 * mm
        canv.line(MARGIN_X, y, w - MARGIN_X, y)
        canv.setFont(FONT_BOLD, 7.6)
        canv.setFillColor(NAVY)
        canv.drawString(MARGIN_X, y + 2.2 * mm, self.info.district)
        canv.setFont(FONT, 7.6)
        canv.setFillColor(GREY)
        canv.drawRightString(
            w - MARGIN_X, y + 2.2 * mm, f"FTTx network plan · {self.info.scenario}"
        )
        yb = MARGIN_BOTTOM - 5 * mm
        canv.line(MARGIN_X, yb, w - MARGIN_X, yb)
        canv.setFont(FONT, 7.2)
        canv.drawString(
            MARGIN_X,
            MARGIN_BOTTOM - 24,
            f"fttx-planner {self.info.version} · {self.info.date_text}",
        )
        total = self.total_pages or "?"
        canv.drawRightString(w - MARGIN_X, MARGIN_BOTTOM - 24, f"Page {self.page} of {total}")
        canv.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            text = flowable.getPlainText()
            key = flowable.bookmark_key
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=flowable.toc_level, closed=False)
            if flowable.in_toc:
                self.notify("TOCEntry", (flowable.toc_level, text, self.page, key))
        elif isinstance(flowable, _Bookmark) and flowable.toc:
            self.notify("TOCEntry", (flowable.level, flowable.title, self.page, flowable.key))


# -- the builder -------------------------------------------------------------------------
class _Builder:
    """Builds the story (the flowables) of the report, section by section."""

    def __init__(
        self, plan: Plan, finance: Any, paper: str, scenario: str | None, date: dt.date
    ) -> None:
        from fttx_planner import __version__

        register_fonts()
        self.plan = plan
        self.finance = finance
        self.paper = paper
        self.paper_name = "Letter" if paper == "LETTER" else "A4"
        self.pagesize = PAPERS[paper]
        self.summary = plan.summary()
        self.registry = FigureRegistry()
        self.scenario = scenario or _default_scenario(plan)
        self.date = date
        self.info = _PageInfo(plan.district.name, self.scenario, _date_text(date), __version__)
        self.frame_w, self.frame_h = _ReportDoc.frame_size(self.pagesize)
        from fttx_planner.export.layers import plan_layers

        self.layers = plan_layers(plan, wgs84=False)
        self._keys = 0
        self.section = 0
        self.sub = 0

    # helpers
    def heading(self, text: str, level: int, toc: bool = True) -> _Heading:
        self._keys += 1
        style = {0: "h1", 1: "h2", 2: "h3"}[level]
        if level == 0 and toc and not text.startswith("Appendix"):
            self.section += 1
            self.sub = 0
            text = f"{self.section}&nbsp;&nbsp;{text}"
        elif level == 1 and toc and self.section and not self.in_appendix:
            self.sub += 1
            text = f"{self.section}.{self.sub}&nbsp;&nbsp;{text}"
        return _Heading(text, style, level, f"h{self._keys}", toc)

    in_appendix = False

    def mark(self, text: str) -> _Bookmark:
        """A numbered contents entry of the current section without a visible heading."""
        self._keys += 1
        self.sub += 1
        return _Bookmark(
            f"{self.section}.{self.sub}\u00a0\u00a0{text}", f"m{self._keys}", 1, toc=True
        )

    def figure(self, fig: Any, height: float, width: float | None = None) -> FigureFlowable:
        """One of the report's own charts, drawn at exactly this size."""
        return FigureFlowable(fig, self.registry, width or self.frame_w, height)

    def chart(self, fig: Any, max_height: float | None = None) -> FigureFlowable:
        """A chart of :mod:`models.charts`, in its own proportions, scaled to the page."""
        return FigureFlowable(
            fig, self.registry, fit_width=self.frame_w, max_height=max_height or 0.55 * self.frame_h
        )

    # -- title page ---------------------------------------------------------------------
    def title_page(self) -> list[Flowable]:
        s = self.summary
        heads = headline_figures(self.plan)
        capex = s["capex_eur"]
        out: list[Flowable] = [
            Spacer(1, 14 * mm),
            para("FTTX / GPON NETWORK PLAN AND BUSINESS CASE", "title_kicker"),
            Spacer(1, 4 * mm),
            para(esc(self.plan.district.name), "title"),
            para(f"Scenario: {esc(self.scenario)}", "subtitle"),
            Spacer(1, 2.5 * mm),
            para(esc(s["architecture"]), "subtitle"),
            Spacer(1, 3 * mm),
            para(f"{_date_text(self.date)}", "title_meta"),
            Spacer(1, 10 * mm),
        ]
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
        cw = self.frame_w / 3
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
        out += [t, Spacer(1, 9 * mm)]
        # A small map of the whole district.
        thumb_h = self.frame_h - 128 * mm
        if thumb_h > 60 * mm:
            book = MapBook(self.plan, self.frame_w, thumb_h, max_sheets=0, layers=self.layers)
            out.append(MapSheet(book, book.overview, 0.0, self.paper_name, thumbnail=True))
        return out

    # -- summary ------------------------------------------------------------------------
    def summary_section(self) -> list[Flowable]:
        s = self.summary
        h = s["homes"]
        c = s["capex_eur"]
        km = s["lengths_km"]
        loss = s["loss_db"]
        out: list[Flowable] = [self.heading("Summary", 0)]
        d = self.plan.demand.summary()
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
        out += [para(p, "body_just") for p in parts]
        if self.finance is not None:
            out.append(para(self.finance.summary_text(), "body_just"))
        out.append(Spacer(1, 3 * mm))

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
        notes = list(dict.fromkeys(self.plan.warnings))
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
        t = Table([[side, right]], colWidths=[wl + gap, self.frame_w - wl - gap])
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
        out.append(t)
        if self.finance is not None:
            out += self.finance.summary_flowables(self)
        return out

    # -- maps -------------------------------------------------------------------------------
    def map_section(self) -> list[Flowable]:
        x0, y0, x1, y1 = content_extent(self.layers) or self.plan.district.bounds_xy

        def map_box(size: tuple[float, float]) -> tuple[float, float]:
            fw, fh = _ReportDoc.frame_size(size)
            return fw, fh - LEGEND_H - _MAP_HEAD_H - 1.0

        def metres_per_point(size: tuple[float, float]) -> float:
            w, h = map_box(size)
            return max((x1 - x0) / w, (y1 - y0) / h)

        # Landscape map pages when they show the district larger.
        wide = metres_per_point(landscape(self.pagesize)) < 0.95 * metres_per_point(self.pagesize)
        fw, map_h = map_box(landscape(self.pagesize) if wide else self.pagesize)
        book = MapBook(self.plan, fw, map_h, layers=self.layers)
        self.book = book
        template = "landscape" if wide else "body"
        out: list[Flowable] = [NextPageTemplate(template), PageBreak()]
        n = len(book.sheets)
        out.append(self.heading("Maps", 0))
        out.append(self.mark(f"The whole district, 1:{book.overview.scale:,}"))
        out.append(MapSheet(book, book.overview, LEGEND_H, self.paper_name))
        for sheet in book.sheets:
            out.append(PageBreak())
            if sheet.number == 1:
                out.append(self.mark(f"Detail sheets 1–{n}, 1:{sheet.scale:,}"))
            self._keys += 1
            out.append(_Bookmark(f"Map sheet {sheet.number}", f"s{self._keys}", 2))
            out.append(
                _MapHeading(
                    f"Map sheet {sheet.number} of {n}",
                    f"1:{sheet.scale:,} · splitter labels as in the schedule of appendix A",
                )
            )
            out.append(MapSheet(book, sheet, LEGEND_H, self.paper_name))
        out += [NextPageTemplate("body"), PageBreak()]
        return out

    # -- design -------------------------------------------------------------------------------
    def design_section(self) -> list[Flowable]:
        plan = self.plan
        p = plan.params
        s = self.summary
        out: list[Flowable] = [self.heading("Network design", 0)]
        out.append(self.heading("Architecture and parameters", 1))
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
        out.append(
            data_table(rows, [44 * mm, 26 * mm, 18 * mm, self.frame_w - 88 * mm], align_right=(1,))
        )

        # Splitters.
        out.append(self.heading("Splitters", 1))
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

        # Optical loss.
        out.append(self.heading("Optical loss of every home", 1))
        b = plan.buildings
        served = b[b["served"]]
        loss = served["loss_db"].to_numpy(dtype=float)
        homes = served["homes"].to_numpy(dtype=float)
        budget = p.budget_db
        fig = loss_distribution_figure(loss, homes, budget, p.safety_margin_db)
        out.append(self.figure(fig, 62 * mm))
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

        # Unserved.
        out.append(self.heading("Unserved homes", 1))
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
            reasons = uns.assign(cause=uns["reason"].map(_reason_group))
            rows = [["Reason", "Buildings", "Homes"]]
            for cause, g in reasons.groupby("cause"):
                rows.append([para(esc(cause), "cell"), fmt_int(len(g)), fmt_int(g["homes"].sum())])
            out.append(
                data_table(rows, [self.frame_w - 50 * mm, 25 * mm, 25 * mm], align_right=(1, 2))
            )
            out.append(Spacer(1, 3 * mm))
            out.append(para("<b>Unserved buildings</b>", "h3"))
            d = plan.district.buildings
            idx = uns["building"].to_numpy()
            xy = d.centroid_xy[idx] if len(idx) else np.zeros((0, 2))
            sheets = self.book.sheet_of(xy) if len(xy) else np.zeros(0, int)
            lonlat = _lonlat(plan, xy)
            has_sheets = bool(self.book.sheets)
            rows = [
                ["OSM building", "Homes", "Location (lat, lon)"]
                + (["Sheet"] if has_sheets else [])
                + ["Reason"]
            ]
            for i, (_, r) in enumerate(uns.iterrows()):
                osm = int(d.osm_id[int(r["building"])])
                row = [
                    _osm_ref(osm),
                    fmt_int(r["homes"]),
                    f"{lonlat[i, 1]:.5f}, {lonlat[i, 0]:.5f}",
                ]
                if has_sheets:
                    row.append(str(sheets[i]) if sheets[i] else "–")
                rows.append([*row, para(esc(r["reason"]), "cell")])
            widths = [28 * mm, 14 * mm, 36 * mm] + ([13 * mm] if has_sheets else [])
            widths.append(self.frame_w - sum(widths))
            out.append(data_table(rows, widths, align_right=(1,)))

        # Lengths.
        out.append(self.heading("Routes and cables", 1))
        km = s["lengths_km"]
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

    # -- bill of materials ------------------------------------------------------------------
    def bom_section(self) -> list[Flowable]:
        plan = self.plan
        c = self.summary["capex_eur"]
        homes = max(self.summary["homes"]["passed"], 1)
        total = max(c["total"], 1e-9)
        out: list[Flowable] = [PageBreak(), self.heading("Bill of materials and capex", 0)]
        out.append(self.heading("Capex by layer", 1))
        from fttx_planner.catalogue import PASSIVE_LAYERS

        by_layer = c["by_layer"]
        fig = capex_layers_figure(by_layer, LAYER_TITLES)
        out.append(self.figure(fig, 52 * mm))
        out.append(
            para(
                "Capex by layer; teal: passive infrastructure, orange: active equipment.", "caption"
            )
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
        rows.append(
            ["Total", "", "", "", fmt_eur(c["total"]), "100.0 %", fmt_eur(c["total"] / homes)]
        )
        out.append(
            data_table(
                rows,
                [33 * mm, 46 * mm, 15 * mm, 19 * mm, 23 * mm, 16 * mm, self.frame_w - 152 * mm],
                align_right=(4, 5, 6),
                total_rows=1,
            )
        )

        out.append(self.heading("Capex to pass and to connect", 1))
        rows = [
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
            data_table(
                rows, [44 * mm, 36 * mm, 50 * mm, 36 * mm], align_right=(1, 2, 3), total_rows=2
            )
        )
        out.append(
            para(
                "“To pass” is spent to build the network past every home; “to connect” is spent "
                "when a home takes service (drop, wall box, in-building cabling, ONT). The amounts "
                "to connect are for every home passed; the business case scales them with take-up.",
                "note",
            )
        )
        lb = self.summary.get("lower_bound_eur")
        if lb:
            out.append(
                para(
                    "<b>Lower bound / gap.</b> No feasible design can cost less than "
                    f"{fmt_eur(lb)}; "
                    f"this design is within {fmt_pct(self.summary['gap_to_lower_bound'])} of that "
                    "bound.",
                    "body",
                )
            )

        out.append(self.heading("Bill of materials", 1))
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
        rows = [["Item", "Layer", "Quantity", "Unit", "Unit price", "Cost", "Source of the price"]]
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
                [30 * mm, 15 * mm, 18 * mm, 13 * mm, 17 * mm, 21 * mm, self.frame_w - 114 * mm],
                align_right=(2, 4, 5),
                total_rows=1,
                font_size=7.4,
            )
        )
        return out

    # -- appendices -----------------------------------------------------------------------------
    def appendix_splitters(self) -> list[Flowable]:
        plan = self.plan
        sp = plan.splitters.sort_values(["stage", "splitter_id"])
        self.in_appendix = True
        out: list[Flowable] = [
            PageBreak(),
            self.heading("Appendix A&nbsp;&nbsp;Splitter schedule", 0),
        ]
        out.append(
            para(
                "Every splitter of the design: its stage and ratio, the homes it serves, the ports "
                "in use, the splitter feeding it (two-stage designs), its location in WGS84"
                + (" and the detail map sheet it is on." if self.book.sheets else "."),
                "body",
            )
        )
        xy = sp[["x", "y"]].to_numpy(dtype=float)
        lonlat = _lonlat(plan, xy)
        sheets = self.book.sheet_of(xy)
        labels = plan.splitters.set_index("splitter_id")["label"]
        has_sheets = bool(self.book.sheets)
        rows: list[list[Any]] = [
            ["Splitter", "Stage", "Ratio", "Homes", "Ports used", "Fed by", "Latitude", "Longitude"]
            + (["Sheet"] if has_sheets else [])
        ]
        for i, r in enumerate(sp.itertuples(index=False)):
            parent = int(r.parent_id) if pd.notna(r.parent_id) else -1
            row = [
                str(r.label),
                str(r.stage),
                f"1:{r.ratio}",
                fmt_int(r.homes),
                fmt_int(r.ports_used),
                str(labels.get(parent, "OLT")) if parent >= 0 else "OLT",
                f"{lonlat[i, 1]:.5f}",
                f"{lonlat[i, 0]:.5f}",
            ]
            if has_sheets:
                row.append(str(sheets[i]) if sheets[i] else "–")
            rows.append(row)
        w = self.frame_w
        fr = (0.14, 0.08, 0.08, 0.09, 0.11, 0.14, 0.13, 0.13, 0.10)
        widths = [w * f for f in fr[: len(rows[0])]]
        widths[-1] += w - sum(widths)
        out.append(data_table(rows, widths, align_right=(3, 4, 6, 7), font_size=7.0, compact=True))
        return out

    def appendix_method(self) -> list[Flowable]:
        plan = self.plan
        d = plan.district
        dem = plan.demand.summary()
        out: list[Flowable] = [
            CondPageBreak(90 * mm),
            self.heading("Appendix B&nbsp;&nbsp;Method and data", 0),
        ]
        items = [
            f"<b>District data.</b> {esc(d.name)}, "
            + (
                f"from {esc(Path(d.source).name)}"
                if d.source and d.source != "synthetic"
                else "a synthetic district"
            )
            + f". Data {esc(d.attribution.replace('(c)', '©'))}. Coordinates in {esc(d.crs)}.",
            f"<b>Homes.</b> {fmt_int(dem['homes'])} homes in {fmt_int(dem['buildings_with_homes'])}"
            f" buildings: {fmt_int(dem['buildings_from_tag'])} buildings counted from their OSM "
            f"tags (flats), {fmt_int(dem['buildings_estimated'])} estimated from building type, "
            "levels and footprint.",
            "<b>Design.</b> Buildings are connected to the nearest street that may carry fibre; "
            "splitters are placed so that each serves neighbouring homes up to its usable ports; "
            "feeder and distribution fibre share one trench tree along the streets, rooted at "
            "the OLT; cables are sized to standard sizes; the optical loss of every home is "
            "checked against the budget.",
            "<b>Costs.</b> Quantities from the design times the unit prices of the cost "
            "catalogue, whose every row names its source.",
        ]
        if self.finance is not None:
            items.append(self.finance.method_text())
        if d.warnings:
            items.append("<b>Data warnings.</b> " + esc("; ".join(d.warnings)) + ".")
        out += [para(t, "body_just") for t in items]
        return out

    # -- the whole story ----------------------------------------------------------------------
    def story(self, progress: Progress) -> list[Flowable]:
        toc = TableOfContents(
            dotsMinLevel=0,
            tableStyle=TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT, 9),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
        )
        toc.levelStyles = [styles()["toc1"], styles()["toc2"]]
        story: list[Flowable] = [NextPageTemplate("body")]
        progress(0.0, "title page")
        story += self.title_page()
        story += [PageBreak(), para("Contents", "h1"), Spacer(1, 2 * mm), toc, PageBreak()]
        story += self.summary_section()
        progress(0.1, "maps")
        story += self.map_section()
        progress(0.35, "design")
        story += self.design_section()
        story += self.bom_section()
        if self.finance is not None:
            progress(0.45, "business case")
            story += self.finance.section(self)
        progress(0.55, "appendices")
        story += self.appendix_splitters()
        story += self.appendix_method()
        return story


#: Height kept above every map for its heading (the "Maps" heading is 31 pt).
_MAP_HEAD_H = 33.0


class _MapHeading(Flowable):
    """The title line of a detail map sheet, of fixed height so the map below fits."""

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.title = title
        self.note = note
        self.height = _MAP_HEAD_H

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFont(FONT_BOLD, 15)
        c.setFillColor(NAVY)
        c.drawString(0, 12, self.title)
        c.setFont(FONT, 8)
        c.setFillColor(GREY)
        c.drawRightString(self.width, 12, self.note)


def build_report_pdf(
    plan: Plan,
    finance: Any,
    paper: str = "A4",
    scenario: str | None = None,
    date: dt.date | None = None,
    progress: Progress | None = None,
) -> bytes:
    """Lay out the report and return the PDF as bytes (see :func:`write_report`)."""
    step = progress or (lambda f, s: None)
    builder = _Builder(plan, finance, paper, scenario, date or dt.date.today())
    story = builder.story(step)
    buf = io.BytesIO()
    doc = _ReportDoc(
        buf,
        builder.pagesize,
        builder.info,
        title=f"FTTx network plan: {plan.district.name}",
        subject=plan.params.describe(),
    )
    step(0.6, "page layout")
    from reportlab import rl_config

    use_a85 = rl_config.useA85
    rl_config.useA85 = 0  # binary streams: smaller, and much faster than ASCII85 in Python
    try:
        doc.multiBuild(story)
    finally:
        rl_config.useA85 = use_a85
    step(0.9, "charts")
    return stamp_figures(buf.getvalue(), builder.registry)


# -- small helpers ---------------------------------------------------------------------------
def _default_scenario(plan: Plan) -> str:
    from fttx_planner.samples import SAMPLES_DIR

    src = Path(plan.district.source) if plan.district.source else None
    if src is not None and src.parent.parent == SAMPLES_DIR:
        return f"sample city “{src.parent.name}”"
    return "base case"


def _date_text(date: dt.date) -> str:
    return f"{date.day} {date.strftime('%B %Y')}"


def _lonlat(plan: Plan, xy: np.ndarray) -> np.ndarray:
    from fttx_planner.osm.projection import to_wgs84, transform_xy

    if not len(xy):
        return np.zeros((0, 2))
    try:
        return np.asarray(transform_xy(to_wgs84(plan.district.crs), xy), dtype=float)
    except FttxError:
        return np.full_like(xy, np.nan)


def _osm_ref(osm_id: int) -> str:
    if osm_id < 0:
        return f"relation {-osm_id}"
    return f"way {osm_id}"


def _reason_group(reason: str) -> str:
    """A reason without its per-building numbers, to count buildings per reason."""
    return re.sub(r"\s*\(nearest [^)]*\)", "", str(reason)) or "unknown"
