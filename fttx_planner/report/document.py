"""The document template of the report: page templates, running headers and footers.

:class:`ReportDoc` lays the story out on three page templates (``title``,
``body`` and ``landscape`` for wide map pages), prints the running header and
the "Page n of N" footer, and turns every :class:`~fttx_planner.report.headings.Heading`
and :class:`~fttx_planner.report.headings.Bookmark` into PDF outline and
contents entries.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from fttx_planner.report.headings import Bookmark, Heading
from fttx_planner.report.style import (
    FONT,
    FONT_BOLD,
    GREY,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    NAVY,
    RULE,
    TEAL,
)

#: Paper sizes the report is laid out for.
PAPERS = {"A4": A4, "LETTER": LETTER}


@dataclass
class PageInfo:
    """What the running header and footer of every page print.

    Attributes
    ----------
    district
        District name, top left of body pages.
    scenario
        Scenario name, top right of body pages.
    date_text
        Date of the report as printed ("3 March 2025").
    version
        Version of fttx-planner, in the footer.
    """

    district: str
    scenario: str
    date_text: str
    version: str


class ReportDoc(BaseDocTemplate):
    """Portrait body pages, a title page, and portrait or landscape map pages.

    Parameters
    ----------
    buf
        Where the PDF is written; emptied at the start of every layout pass.
    pagesize
        Portrait paper size in points.
    info
        Running header and footer text.
    title, subject
        PDF metadata.
    """

    def __init__(
        self,
        buf: io.BytesIO,
        pagesize: tuple[float, float],
        info: PageInfo,
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
        """Add headings and bookmarks to the PDF outline and the table of contents."""
        if isinstance(flowable, Heading):
            text = flowable.getPlainText()
            key = flowable.bookmark_key
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=flowable.toc_level, closed=False)
            if flowable.in_toc:
                self.notify("TOCEntry", (flowable.toc_level, text, self.page, key))
        elif isinstance(flowable, Bookmark) and flowable.toc:
            self.notify("TOCEntry", (flowable.level, flowable.title, self.page, flowable.key))
