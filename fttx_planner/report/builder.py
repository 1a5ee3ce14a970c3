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

This module only orders the work: each section is a function of a
:class:`~fttx_planner.report.context.ReportContext` in its own module
(:mod:`~fttx_planner.report.title`, :mod:`~fttx_planner.report.contents`,
:mod:`~fttx_planner.report.summary`, :mod:`~fttx_planner.report.map_section`,
:mod:`~fttx_planner.report.design_section`, :mod:`~fttx_planner.report.bom_section`,
:mod:`~fttx_planner.report.finance`, :mod:`~fttx_planner.report.appendix`), and
:class:`~fttx_planner.report.document.ReportDoc` lays them out.

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, NextPageTemplate

from fttx_planner._errors import FttxError
from fttx_planner.plan import Plan, PlanCancelled
from fttx_planner.report.appendix import appendices
from fttx_planner.report.bom_section import bom_section
from fttx_planner.report.contents import contents_page
from fttx_planner.report.context import ReportContext
from fttx_planner.report.design_section import design_section
from fttx_planner.report.document import PAPERS, ReportDoc
from fttx_planner.report.endpoints_section import endpoints_section
from fttx_planner.report.figures import stamp_figures
from fttx_planner.report.map_section import map_section
from fttx_planner.report.summary import summary_section
from fttx_planner.report.title import headline_figures, title_page

__all__ = ["Progress", "ReportError", "build_report_pdf", "headline_figures", "write_report"]

#: Called as ``progress(fraction, stage)`` while the report is written.
Progress = Callable[[float, str], None]


class ReportError(FttxError):
    """The report cannot be written (bad paper size, unwritable target)."""


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
    detail: Any = None,
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
    detail
        The plan's detailed design (:func:`fttx_planner.detail.build_detail`),
        whose names the report uses (splitters, the OLT); when None, the one
        written beside ``target`` if it is this plan's, else one made with
        the default ``[naming]`` (:func:`~fttx_planner.report.names.report_detail`).

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
    step(0.3, "names")
    if detail is None:
        from fttx_planner.report.names import report_detail

        detail = report_detail(plan, target.parent)
    step(0.35, "report layout")
    pdf = build_report_pdf(
        plan,
        finance,
        paper=key,
        scenario=scenario,
        date=date or dt.date.today(),
        progress=lambda f, s: step(0.35 + 0.6 * f, s),
        detail=detail,
    )
    try:
        with atomic_path(target) as tmp:
            tmp.write_bytes(pdf)
    except OSError as exc:
        msg = f"Cannot write the report to {target}: {exc.strerror or exc}"
        raise ReportError(msg) from exc
    step(1.0, "done")
    return target


def build_report_pdf(
    plan: Plan,
    finance: Any,
    paper: str = "A4",
    scenario: str | None = None,
    date: dt.date | None = None,
    progress: Progress | None = None,
    detail: Any = None,
) -> bytes:
    """Lay out the report and return the PDF as bytes (see :func:`write_report`)."""
    step = progress or (lambda f, s: None)
    ctx = ReportContext.create(plan, finance, paper, scenario, date or dt.date.today(), detail)
    story = report_story(ctx, step)
    buf = io.BytesIO()
    doc = ReportDoc(
        buf,
        ctx.pagesize,
        ctx.info,
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
    return stamp_figures(buf.getvalue(), ctx.registry)


def report_story(ctx: ReportContext, progress: Progress) -> list[Flowable]:
    """The flowables of the whole report, section by section, in reading order.

    Parameters
    ----------
    ctx
        The report's shared state; sections number their headings through it,
        so they must be built in this order.
    progress
        Called as ``progress(fraction, stage)`` between sections.

    Returns
    -------
    list of Flowable
        The story for :meth:`ReportDoc.multiBuild`.
    """
    story: list[Flowable] = [NextPageTemplate("body")]
    progress(0.0, "title page")
    story += title_page(ctx)
    story += contents_page()
    story += summary_section(ctx)
    progress(0.1, "maps")
    story += map_section(ctx)
    progress(0.35, "design")
    story += design_section(ctx)
    story += bom_section(ctx)
    story += endpoints_section(ctx)  # city plans only (fttx_planner.endpoints)
    if ctx.finance is not None:
        progress(0.45, "business case")
        story += ctx.finance.section(ctx)
    progress(0.55, "appendices")
    story += appendices(ctx)
    return story
