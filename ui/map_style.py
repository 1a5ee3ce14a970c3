"""Colours, widths and symbols of the map, in one place (also drawn in the legend)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen

BACKGROUND = QColor("#f6f5f1")
#: Building fills by splitter group: light, distinct, colour-blind friendly
#: pastels (after ColorBrewer Set3 and Okabe-Ito), neighbours kept apart.
GROUP_FILLS = (
    "#8dd3c7", "#fdb462", "#bebada", "#fb8072", "#80b1d3",
    "#b3de69", "#fccde5", "#ffd92f", "#bc80bd", "#ccebc5",
)  # fmt: skip
UNSERVED_FILL = "#d9d9d9"
UNSERVED_EDGE = "#d7191c"
BUILDING_EDGE_DARKER = 145  # percent, QColor.darker
STREET_MAJOR = "#c9c6bd"
STREET_MINOR = "#d8d5cc"
STREET_PATH = "#dedbd3"
FEEDER = "#c2185b"
DISTRIBUTION = "#1565c0"
DROP = "#5f6b73"
TRENCH_NEW = "#f3d9a4"
TRENCH_DUCT = "#a5d6a7"
TRENCH_AERIAL = "#b39ddb"
OLT_FILL = "#212121"
SPLITTER_EDGE = "#263238"
SPLITTER_STAGE1 = "#ffffff"
HIGHLIGHT = "#ffab00"

#: Street classes drawn wider.
MAJOR_HIGHWAYS = frozenset(
    {"primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link",
     "trunk", "trunk_link", "motorway", "motorway_link"}
)  # fmt: skip
PATH_HIGHWAYS = frozenset({"footway", "path", "cycleway", "steps", "bridleway", "track"})

#: Cable width in pixels by largest cable size (fibres) on the route.
CABLE_WIDTHS = ((12, 1.6), (24, 2.0), (48, 2.6), (96, 3.4), (144, 4.2), (288, 5.2))
#: Width for routes carrying more than the largest size (several cables).
CABLE_WIDTH_MAX = 6.4


def cable_width(fibres_per_cable: int) -> float:
    """Pixel width of a cable route by the size of its biggest cable."""
    for size, width in CABLE_WIDTHS:
        if fibres_per_cable <= size:
            return width
    return CABLE_WIDTH_MAX


@dataclass(frozen=True)
class LineStyle:
    """A stroke: colour, width in pixels, optional dash."""

    color: str
    width_px: float
    dash: bool = False

    def pen(self) -> QPen:
        """A cosmetic pen (width in pixels whatever the zoom).

        Flat caps and mitre joins: a quarter cheaper to stroke than round
        ones, and the same at a few pixels' width.
        """
        pen = QPen(QColor(self.color), self.width_px)
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        pen.setMiterLimit(2.0)
        if self.dash:
            pen.setStyle(Qt.PenStyle.DashLine)
        return pen


@dataclass(frozen=True)
class FillStyle:
    """A filled polygon: fill and outline colours."""

    fill: str
    edge: str
    edge_px: float = 0.8

    def pen(self) -> QPen:
        """The outline pen (cosmetic)."""
        pen = QPen(QColor(self.edge), self.edge_px)
        pen.setCosmetic(True)
        return pen

    def brush(self) -> QBrush:
        """The fill brush."""
        return QBrush(QColor(self.fill))


def group_fill(index: int) -> FillStyle:
    """The fill of splitter-group colour ``index``."""
    fill = QColor(GROUP_FILLS[index % len(GROUP_FILLS)])
    return FillStyle(fill.name(), fill.darker(BUILDING_EDGE_DARKER).name())


UNSERVED_STYLE = FillStyle(UNSERVED_FILL, UNSERVED_EDGE, 1.2)
