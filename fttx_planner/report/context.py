"""What every section of the report shares: the plan, the page and the numbering.

:class:`ReportContext` replaces the attributes of one big builder class: each
section is a function ``section(ctx) -> list[Flowable]`` that reads the plan,
its summary and the finance results from the context, and asks it for
numbered headings and for charts sized to the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fttx_planner.plan import Plan
from fttx_planner.report.document import PAPERS, PageInfo, ReportDoc
from fttx_planner.report.figures import FigureFlowable, FigureRegistry
from fttx_planner.report.headings import Bookmark, Heading, Outline
from fttx_planner.report.style import register_fonts

if TYPE_CHECKING:
    from fttx_planner.report.finance import FinanceResults
    from fttx_planner.report.maps import MapBook


@dataclass
class ReportContext:
    """The shared state of one report while its story is built.

    Attributes
    ----------
    plan
        The plan reported on.
    finance
        The business case, or None when the plan passes no home.
    paper_name
        ``"A4"`` or ``"Letter"``, as printed on the maps.
    pagesize
        Portrait page size in points.
    summary
        ``plan.summary()``.
    scenario
        Scenario name of the title page and the running header.
    date
        Date of the report.
    info
        Running header and footer text.
    layers
        The plan's map layers in metres (``export.layers.plan_layers``).
    registry
        The charts drawn in the report, stamped into the PDF at the end.
    outline
        Section numbering and PDF destinations.
    """

    plan: Plan
    finance: FinanceResults | None
    paper_name: str
    pagesize: tuple[float, float]
    summary: dict[str, Any]
    scenario: str
    date: dt.date
    info: PageInfo
    layers: dict[str, Any]
    registry: FigureRegistry = field(default_factory=FigureRegistry)
    outline: Outline = field(default_factory=Outline)
    _book: MapBook | None = None

    @classmethod
    def create(
        cls,
        plan: Plan,
        finance: FinanceResults | None,
        paper: str,
        scenario: str | None,
        date: dt.date,
        detail: Any = None,
    ) -> ReportContext:
        """The context of a report on ``plan``, on ``paper`` (a key of :data:`PAPERS`).

        With the plan's ``detail``, the layers carry its names (splitters, OLT).
        """
        from fttx_planner import __version__
        from fttx_planner.export.layers import plan_layers

        register_fonts()
        scenario = scenario or default_scenario(plan)
        return cls(
            plan=plan,
            finance=finance,
            paper_name="Letter" if paper == "LETTER" else "A4",
            pagesize=PAPERS[paper],
            summary=plan.summary(),
            scenario=scenario,
            date=date,
            info=PageInfo(plan.district.name, scenario, date_text(date), __version__),
            layers=plan_layers(plan, wgs84=False, detail=detail),
        )

    # -- page ---------------------------------------------------------------------------
    @property
    def frame_w(self) -> float:
        """Width of the body frame of a portrait page, in points."""
        return ReportDoc.frame_size(self.pagesize)[0]

    @property
    def frame_h(self) -> float:
        """Height of the body frame of a portrait page, in points."""
        return ReportDoc.frame_size(self.pagesize)[1]

    @property
    def book(self) -> MapBook:
        """The map book of the map section, whose sheets later sections refer to.

        Raises
        ------
        RuntimeError
            If the map section has not been built yet.
        """
        if self._book is None:
            msg = "the map section must be built before the sections that refer to its sheets"
            raise RuntimeError(msg)
        return self._book

    @book.setter
    def book(self, book: MapBook) -> None:
        self._book = book

    # -- headings -----------------------------------------------------------------------
    def heading(self, text: str, level: int, toc: bool = True) -> Heading:
        """A numbered section (``level`` 0) or subsection (1) heading; see :class:`Outline`."""
        return self.outline.heading(text, level, toc)

    def mark(self, text: str) -> Bookmark:
        """A numbered contents entry of the current section without a visible heading."""
        return self.outline.mark(text)

    # -- charts -------------------------------------------------------------------------
    def figure(self, fig: Any, height: float, width: float | None = None) -> FigureFlowable:
        """One of the report's own charts, drawn at exactly this size."""
        return FigureFlowable(fig, self.registry, width or self.frame_w, height)

    def chart(self, fig: Any, max_height: float | None = None) -> FigureFlowable:
        """A chart of :mod:`models.charts`, in its own proportions, scaled to the page."""
        return FigureFlowable(
            fig, self.registry, fit_width=self.frame_w, max_height=max_height or 0.55 * self.frame_h
        )


def default_scenario(plan: Plan) -> str:
    """The scenario name when none is given: the sample city's name, or "base case"."""
    from fttx_planner.samples import SAMPLES_DIR

    src = Path(plan.district.source) if plan.district.source else None
    if src is not None and src.parent.parent == SAMPLES_DIR:
        return f"sample city “{src.parent.name}”"
    return "base case"


def date_text(date: dt.date) -> str:
    """The date as the report prints it, e.g. "3 March 2025"."""
    return f"{date.day} {date.strftime('%B %Y')}"
