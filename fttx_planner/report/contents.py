"""The contents page of the report.

Its entries are filled in by the document template from the headings and
bookmarks of the story (see :meth:`~fttx_planner.report.document.ReportDoc.afterFlowable`).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from fttx_planner.report.style import FONT, para, styles


def contents_page() -> list[Flowable]:
    """A page break, the "Contents" title and the table of contents, then a page break."""
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
    return [PageBreak(), para("Contents", "h1"), Spacer(1, 2 * mm), toc, PageBreak()]
