"""Section 2 of the report, the maps: the whole district, then detail sheets.

The vector map sheets themselves are drawn by :mod:`fttx_planner.report.maps`;
this module chooses portrait or landscape pages, adds the headings, contents
entries and bookmarks, and keeps the :class:`~fttx_planner.report.maps.MapBook`
in the context for the tables that refer to its sheets.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import landscape
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak

from fttx_planner.report.context import ReportContext
from fttx_planner.report.document import ReportDoc
from fttx_planner.report.maps import LEGEND_H, MapBook, MapSheet, content_extent
from fttx_planner.report.style import FONT, FONT_BOLD, GREY, NAVY

#: Height kept above every map for its heading (the "Maps" heading is 31 pt).
MAP_HEAD_H = 33.0


class MapHeading(Flowable):
    """The title line of a detail map sheet, of fixed height so the map below fits.

    Parameters
    ----------
    title
        Left, in large bold type ("Map sheet 2 of 5").
    note
        Right, in small grey type (the scale).
    """

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.title = title
        self.note = note
        self.height = MAP_HEAD_H

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Take the full width and the fixed height."""
        self.width = availWidth
        return availWidth, self.height

    def draw(self) -> None:
        """Draw the title and the note on one line."""
        c = self.canv
        c.setFont(FONT_BOLD, 15)
        c.setFillColor(NAVY)
        c.drawString(0, 12, self.title)
        c.setFont(FONT, 8)
        c.setFillColor(GREY)
        c.drawRightString(self.width, 12, self.note)


def map_section(ctx: ReportContext) -> list[Flowable]:
    """The map pages; sets ``ctx.book``.

    Map pages are landscape when that shows the district larger. The
    overview is listed in the contents, and so is the run of detail sheets;
    each detail sheet has its own PDF bookmark.
    """
    wide = _landscape_is_larger(ctx)
    fw, map_h = _map_box(landscape(ctx.pagesize) if wide else ctx.pagesize)
    book = MapBook(ctx.plan, fw, map_h, layers=ctx.layers)
    ctx.book = book
    template = "landscape" if wide else "body"
    out: list[Flowable] = [NextPageTemplate(template), PageBreak()]
    n = len(book.sheets)
    out.append(ctx.heading("Maps", 0))
    out.append(ctx.mark(f"The whole district, 1:{book.overview.scale:,}"))
    out.append(MapSheet(book, book.overview, LEGEND_H, ctx.paper_name))
    for sheet in book.sheets:
        out.append(PageBreak())
        if sheet.number == 1:
            out.append(ctx.mark(f"Detail sheets 1–{n}, 1:{sheet.scale:,}"))
        out.append(ctx.outline.bookmark(f"Map sheet {sheet.number}", 2))
        out.append(
            MapHeading(
                f"Map sheet {sheet.number} of {n}",
                f"1:{sheet.scale:,} · splitter labels as in the schedule of appendix A",
            )
        )
        out.append(MapSheet(book, sheet, LEGEND_H, ctx.paper_name))
    out += [NextPageTemplate("body"), PageBreak()]
    return out


def _map_box(size: tuple[float, float]) -> tuple[float, float]:
    """Width and height left for the map on a page of this size, below heading and above legend."""
    fw, fh = ReportDoc.frame_size(size)
    return fw, fh - LEGEND_H - MAP_HEAD_H - 1.0


def _landscape_is_larger(ctx: ReportContext) -> bool:
    """Whether landscape pages show the drawn extent of the district clearly larger."""
    x0, y0, x1, y1 = content_extent(ctx.layers) or ctx.plan.district.bounds_xy

    def metres_per_point(size: tuple[float, float]) -> float:
        w, h = _map_box(size)
        return max((x1 - x0) / w, (y1 - y0) / h)

    return metres_per_point(landscape(ctx.pagesize)) < 0.95 * metres_per_point(ctx.pagesize)
