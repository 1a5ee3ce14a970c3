"""Colours, widths and symbols of the map, in one place (also drawn in the legend)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen

from fttx_planner.export import palette as pal

# The colours and widths are the engine's (fttx_planner.export.palette), so
# the exported QGIS, SLD and KML styles draw what the window draws.
BACKGROUND = QColor(pal.BACKGROUND)
GROUP_FILLS = pal.GROUP_FILLS
UNSERVED_FILL = pal.UNSERVED_FILL
UNSERVED_EDGE = pal.UNSERVED_EDGE
BUILDING_EDGE_DARKER = 145  # percent, QColor.darker
STREET_MAJOR = pal.STREET_MAJOR
STREET_MINOR = pal.STREET_MINOR
STREET_PATH = pal.STREET_PATH
FEEDER = pal.FEEDER
DISTRIBUTION = pal.DISTRIBUTION
DROP = pal.DROP
TRENCH_NEW = pal.TRENCH_NEW
TRENCH_DUCT = pal.TRENCH_DUCT
TRENCH_AERIAL = pal.TRENCH_AERIAL
OLT_FILL = pal.OLT_FILL
#: Closures: dark diamonds; distribution points: white squares edged like the cable.
CLOSURE_FILL = pal.CLOSURE_FILL
FDP_FILL = "#ffffff"
FDP_EDGE = pal.DISTRIBUTION
SPLITTER_EDGE = pal.SPLITTER_EDGE
SPLITTER_STAGE1 = pal.SPLITTER_STAGE1
#: Road crossings (red) and barrier bores (purple): ``+`` symbols, as the exported styles.
CROSSING = pal.CROSSING
BARRIER_CROSSING = pal.BARRIER_CROSSING
#: Half-length (px) of a crossing's ``+`` arms by kind: drop, far side, junction, barrier
#: (the exports' 11, 13, 16 and 16 px symbols, a little smaller for the window).
CROSSING_ARM_PX = (4.5, 5.0, 6.0, 6.0)
#: Stroke width (px) of a crossing's ``+`` (drawn over a white halo).
CROSSING_PEN_PX = 2.4
HIGHLIGHT = "#ffab00"
#: A traced path and the premises behind a splitter or port (click-to-trace).
#: Violet: apart from the red feeder, the blue distribution and the orange selection.
TRACE = "#8e24aa"
TRACE_FILL = "#e1bee7"

#: Street classes drawn wider.
MAJOR_HIGHWAYS = frozenset(pal.MAJOR_HIGHWAYS)
PATH_HIGHWAYS = frozenset(pal.PATH_HIGHWAYS)

#: Cable width in pixels by largest cable size (fibres) on the route.
CABLE_WIDTHS = pal.CABLE_WIDTHS_PX
#: Width for routes carrying more than the largest size (several cables).
CABLE_WIDTH_MAX = pal.CABLE_WIDTH_MAX_PX


def cable_width(fibres_per_cable: int) -> float:
    """Pixel width of a cable route by the size of its biggest cable."""
    return pal.cable_width_px(fibres_per_cable)


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

#: Outlines of a region's service areas, and its central offices.
AREA_EDGE = "#37474f"
OFFICE_FILL = pal.OLT_FILL


def area_fill(index: int) -> FillStyle:
    """A service area's fill: its colour of the group palette, lighter, so streets show."""
    fill = QColor(GROUP_FILLS[index % len(GROUP_FILLS)]).lighter(112)
    return FillStyle(fill.name(), AREA_EDGE)


#: A far-side trench (along the far side of a main road): dashed, in the road crossings' red.
FAR_SIDE_TRENCH = LineStyle(CROSSING, 2.0, dash=True)
