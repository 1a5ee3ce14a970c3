"""Look of the PDF report: embedded fonts, colours, paragraph and table styles, number formats.

The report embeds the DejaVu fonts that ship with matplotlib, so every
glyph (``€``, ``±``, ``≤``, accented place names) prints on any machine and
the charts, drawn by matplotlib in the same family, match the text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, Table, TableStyle

#: Font names registered with reportlab.
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
FONT_MONO = "DejaVuSansMono"

_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    FONT_MONO: "DejaVuSansMono.ttf",
}

# -- colours -----------------------------------------------------------------
NAVY = colors.HexColor("#17324d")
TEAL = colors.HexColor("#1b7f8c")
ACCENT = colors.HexColor("#e07b00")
INK = colors.HexColor("#1f2328")
GREY = colors.HexColor("#5b6470")
LIGHT = colors.HexColor("#eef2f5")
RULE = colors.HexColor("#c5ccd3")
WARN = colors.HexColor("#b3261e")

# Matplotlib equivalents, for the charts the report draws itself.
MPL_NAVY = "#17324d"
MPL_TEAL = "#1b7f8c"
MPL_ACCENT = "#e07b00"
MPL_WARN = "#b3261e"
MPL_GREY = "#5b6470"


@cache
def register_fonts() -> str:
    """Register the DejaVu family with reportlab (once) and return the font folder.

    Returns
    -------
    str
        The folder the TrueType files were read from.
    """
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, filename in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )
    return str(folder)


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of the report, by name."""
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.2, leading=13.2, textColor=INK)
    out: dict[str, ParagraphStyle] = {"body": base}

    def add(name: str, **kw: Any) -> None:
        out[name] = ParagraphStyle(name, parent=out.get(kw.pop("parent", "body"), base), **kw)

    add("body_just", alignment=4, spaceAfter=5)
    add("small", fontSize=7.6, leading=10.0, textColor=GREY)
    add("note", fontSize=8.0, leading=11.0, textColor=GREY, spaceBefore=3)
    add(
        "caption",
        fontName=FONT_ITALIC,
        fontSize=7.8,
        leading=10.2,
        textColor=GREY,
        spaceBefore=2,
        spaceAfter=8,
    )
    add(
        "h1",
        fontName=FONT_BOLD,
        fontSize=17,
        leading=21,
        textColor=NAVY,
        spaceBefore=16,
        spaceAfter=10,
        keepWithNext=1,
    )
    add(
        "h2",
        fontName=FONT_BOLD,
        fontSize=11.8,
        leading=15,
        textColor=NAVY,
        spaceBefore=12,
        spaceAfter=5,
        keepWithNext=1,
    )
    add(
        "h3",
        fontName=FONT_BOLD,
        fontSize=9.6,
        leading=12.5,
        textColor=INK,
        spaceBefore=8,
        spaceAfter=3,
        keepWithNext=1,
    )
    add("bullet", leftIndent=11, bulletIndent=2, spaceBefore=1)
    add("cell", fontSize=7.8, leading=9.6)
    add("cell_r", parent="cell", alignment=TA_RIGHT)
    add("cell_c", parent="cell", alignment=TA_CENTER)
    add("cell_b", parent="cell", fontName=FONT_BOLD)
    add("cell_small", fontSize=6.6, leading=8.0, textColor=GREY)
    add("head", fontName=FONT_BOLD, fontSize=7.6, leading=9.4, textColor=colors.white)
    add("head_r", parent="head", alignment=TA_RIGHT)
    add(
        "toc1",
        fontName=FONT_BOLD,
        fontSize=10.5,
        leading=15,
        leftIndent=0,
        firstLineIndent=0,
        spaceBefore=5,
        textColor=NAVY,
    )
    add("toc2", fontSize=9.2, leading=12.5, leftIndent=16, firstLineIndent=0)
    add(
        "title_kicker",
        fontName=FONT_BOLD,
        fontSize=10,
        leading=13,
        textColor=TEAL,
        alignment=TA_LEFT,
    )
    add("title", fontName=FONT_BOLD, fontSize=27, leading=32, textColor=NAVY, spaceAfter=4)
    add("subtitle", fontSize=12.5, leading=17, textColor=INK)
    add("title_meta", fontSize=9.2, leading=13.5, textColor=GREY)
    add(
        "figure_big",
        fontName=FONT_BOLD,
        fontSize=19,
        leading=23,
        textColor=NAVY,
        alignment=TA_CENTER,
    )
    add("figure_label", fontSize=8.2, leading=10.5, textColor=GREY, alignment=TA_CENTER)
    add("figure_sub", fontSize=7.4, leading=9.5, textColor=GREY, alignment=TA_CENTER)
    return out


def is_draft(canv: Any) -> bool:
    """Whether ``canv`` draws a layout pass whose output is thrown away.

    Maps and long tables skip drawing then: only their size matters.
    """
    return bool(getattr(getattr(canv, "_doctemplate", None), "draft", False))


class FastTable(Table):
    """A :class:`Table` that does not draw itself in a draft layout pass."""

    def draw(self) -> None:
        if not is_draft(self.canv):
            super().draw()


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph in one of the :func:`styles` (``text`` is reportlab mini-markup)."""
    return Paragraph(text, styles()[style])


def esc(text: object) -> str:
    """Escape ``&``, ``<`` and ``>`` so arbitrary text is safe in a :class:`Paragraph`."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- numbers -------------------------------------------------------------------
def fmt_int(value: float) -> str:
    """A whole number with thousands separators: ``5,113``."""
    return f"{round(value):,}"


def fmt_eur(value: float) -> str:
    """Euros, whole: ``€4,157,546`` (``−€12,000`` when negative)."""
    sign = "−" if value < 0 else ""
    return f"{sign}€{abs(round(value)):,}"


def fmt_eur_short(value: float) -> str:
    """Euros, compact: ``€4.16 M``, ``€860 k``, ``€735``."""
    sign = "−" if value < 0 else ""
    v = abs(value)
    if v >= 1e6:
        return f"{sign}€{v / 1e6:,.2f} M"
    if v >= 1e4:
        return f"{sign}€{v / 1e3:,.0f} k"
    return f"{sign}€{v:,.0f}"


def fmt_money(value: float, decimals: int = 2) -> str:
    """A unit price: ``€49.00``, ``€15,000``."""
    if abs(value) >= 1000:
        return fmt_eur(value)
    return f"€{value:,.{decimals}f}"


def fmt_pct(share: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: ``0.125`` to ``12.5 %``; ``–`` for None or NaN."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{100 * share:.{decimals}f} %"


def fmt_qty(value: float) -> str:
    """A quantity: whole when it is one, else one decimal (metres of cable)."""
    if abs(value - round(value)) < 1e-9:
        return fmt_int(value)
    return f"{value:,.1f}"


def fmt_km(value: float) -> str:
    """Kilometres with two decimals: ``12.34 km``."""
    return f"{value:,.2f} km"


# -- tables ----------------------------------------------------------------------
def data_table(
    rows: Sequence[Sequence[Any]],
    col_widths: Sequence[float],
    *,
    align_right: Sequence[int] = (),
    total_rows: int = 0,
    repeat_header: bool = True,
    font_size: float = 7.8,
    zebra: bool = True,
    extra: Sequence[tuple[Any, ...]] = (),
    compact: bool = False,
) -> Table:
    """A data table: navy header row, light zebra stripes, right-aligned number columns.

    Parameters
    ----------
    rows
        The header row then the data rows; cells are strings or flowables.
    col_widths
        Column widths in points.
    align_right
        Indices of columns to right-align (numbers).
    total_rows
        How many rows at the bottom are totals (bold, ruled above).
    repeat_header
        Repeat the header row on every page the table spans.
    font_size
        Font size of plain-string cells.
    zebra
        Stripe every other row.
    extra
        More table style commands.
    compact
        Tighter rows, for long schedules.
    """
    register_fonts()
    n = len(rows)
    rows = [
        [
            para(esc(cell), "head_r" if c in align_right else "head")
            if isinstance(cell, str)
            else cell
            for c, cell in enumerate(rows[0])
        ],
        *rows[1:],
    ]
    cmds: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, font_size, font_size * 1.25),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, font_size * 0.97, font_size * 1.22),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.0 if compact else 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6 if compact else 2.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, NAVY),
    ]
    cmds += [("ALIGN", (c, 0), (c, -1), "RIGHT") for c in align_right]
    if zebra:
        cmds += [("BACKGROUND", (0, r), (-1, r), LIGHT) for r in range(2, n - total_rows, 2)]
    if total_rows:
        first = n - total_rows
        cmds += [
            ("FONT", (0, first), (-1, -1), FONT_BOLD, font_size, font_size * 1.25),
            ("LINEABOVE", (0, first), (-1, first), 0.8, NAVY),
        ]
    cmds += list(extra)
    table = FastTable(
        [list(r) for r in rows],
        colWidths=list(col_widths),
        repeatRows=1 if repeat_header else 0,
        hAlign="LEFT",
    )
    table.setStyle(TableStyle(cmds))
    return table


def key_value_table(
    rows: Sequence[tuple[str, str]], col_widths: Sequence[float], font_size: float = 8.6
) -> Table:
    """Two columns of label and value, ruled lightly, for key figures and parameters."""
    register_fonts()
    table = Table([list(r) for r in rows], colWidths=list(col_widths), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, font_size, font_size * 1.3),
                ("FONT", (1, 0), (1, -1), FONT_BOLD, font_size, font_size * 1.3),
                ("TEXTCOLOR", (0, 0), (0, -1), GREY),
                ("TEXTCOLOR", (1, 0), (1, -1), INK),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2.4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.8),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


#: Page margins in points (left/right, top, bottom).
MARGIN_X = 18 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 17 * mm
