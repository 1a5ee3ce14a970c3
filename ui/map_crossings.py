"""The map's road and barrier crossings: the plan's ``crossings`` layer as symbols and details.

The layer (:mod:`fttx_planner.export.crossings_layer`) holds a point per
road crossing (``kind`` ``drop``, ``far_side``, ``junction``) and per
barrier bore (``barrier``), and the far-side trenches as lines. The map
draws the points as ``+`` symbols (red for a road, purple for a bore, as the
exported styles) over the cables and joints, and the trenches as a dashed
red line; clicking one gives its item, cost and what it crosses.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from ui import map_style as ms

#: Crossing kinds, in the order of their symbol codes (``Symbols.kind``).
KINDS = ("drop", "far_side", "junction", "barrier")
#: Titles of a crossing's details, by kind.
TITLES = {
    "drop": "Road crossing (drop)",
    "far_side": "Road crossing (far side)",
    "junction": "Road crossing (junction)",
    "barrier": "Barrier crossing (bore)",
}
#: What each kind of crossing is, for its details.
WHAT = {
    "drop": "a drop to a building across the main road",
    "far_side": "joins a trench on the far side of the main road",
    "junction": "a trench across the main road at a junction",
    "barrier": "a drop bored under a barrier with no way round",
}
#: A joint or splitter this near a crossing (m) shares its place: the ``+`` opens round it.
SHARED_M = 1.0
#: Radius (px) left open in a ``+`` over a joint or splitter, and how far its arms reach past it.
HOLE_PX, OPEN_ARM_PX = 5.5, 4.0
#: Tables a GeoPackage splits the layer into (one geometry type each).
_SPLIT = ("crossings_points", "crossings_lines")


def crossings_frame(layers: dict[str, gpd.GeoDataFrame]) -> tuple[gpd.GeoDataFrame, int]:
    """The crossings, points first then lines, and the number of points.

    Parameters
    ----------
    layers
        Map layers: a plan's ``crossings``, or the ``crossings_points`` and
        ``crossings_lines`` tables of a GeoPackage; none of them is an
        empty layer (a region's area, a plan from before the layer).
    """
    parts = [layers[n] for n in ("crossings", *_SPLIT) if n in layers and len(layers[n])]
    if not parts:
        return gpd.GeoDataFrame({"kind": []}, geometry=[]), 0
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    is_point = shapely.get_type_id(np.asarray(frame.geometry.values)) == 0
    order = np.concatenate([np.flatnonzero(is_point), np.flatnonzero(~is_point)])
    out = gpd.GeoDataFrame(frame.iloc[order].reset_index(drop=True))
    return out, int(is_point.sum())


def symbol_kinds(frame: gpd.GeoDataFrame, n_points: int) -> np.ndarray:
    """``(n_points,)`` symbol code of each point: its index in :data:`KINDS` (0: unknown)."""
    code = {k: i for i, k in enumerate(KINDS)}
    kinds = frame["kind"].astype(str).to_numpy()[:n_points]
    return np.array([code.get(k, 0) for k in kinds.tolist()], dtype=np.int64)


def crossing_details(row: Any, is_line: bool) -> tuple[str, list[tuple[str, str]]]:
    """Title and detail rows of a crossing (or of a far-side trench, ``is_line``)."""
    kind = str(row.get("kind", ""))
    item = str(row.get("item", ""))
    title = "Far-side trench" if is_line else TITLES.get(kind, f"Crossing ({kind})")
    rows: list[tuple[str, str]] = []
    if not is_line and kind in WHAT:
        rows.append(("Crossing", WHAT[kind]))
    rows.append(("Item", item.replace("_", " ")))
    if is_line:
        rows.append(("Length", f"{float(row.get('length_m', 0.0)):,.0f} m"))
    rows.append(("Cost", f"{float(row.get('cost_eur', 0.0)):,.0f} EUR"))
    osm = row.get("building_osm_id", -1)
    if osm is not None and pd.notna(osm) and int(osm) >= 0:
        rows.append(("Building (OSM)", str(int(osm))))
    for key, label in (("highway", "Main road"), ("barrier", "Barrier")):
        value = row.get(key, "")
        if value is not None and pd.notna(value) and str(value):
            rows.append((label, str(value).replace("/", " / ")))
    return title, rows


def arm_px(kind: int, shared: bool) -> tuple[float, float]:
    """Where a ``+``'s arms start and end (px from its centre), by symbol code.

    A solid ``+`` runs through its centre; one over a joint or splitter
    (``shared``) leaves a hole of :data:`HOLE_PX` and reaches further.

    Examples
    --------
    >>> arm_px(KINDS.index("drop"), False), arm_px(KINDS.index("drop"), True)
    ((0.0, 4.5), (5.5, 9.5))
    """
    r = ms.CROSSING_ARM_PX[kind]
    return (HOLE_PX, max(r, HOLE_PX) + OPEN_ARM_PX) if shared else (0.0, r)


def plus_lines(pts: np.ndarray, kinds: np.ndarray, shared: np.ndarray) -> list[QPointF]:
    """Endpoints of the strokes of a ``+`` at each screen point, sized by :func:`arm_px`."""
    out: list[QPointF] = []
    for (x, y), k, is_open in zip(pts.tolist(), kinds.tolist(), shared.tolist(), strict=True):
        a, b = arm_px(int(k), bool(is_open))
        if not is_open:
            out += [QPointF(x - b, y), QPointF(x + b, y), QPointF(x, y - b), QPointF(x, y + b)]
            continue
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            out += [QPointF(x + a * dx, y + a * dy), QPointF(x + b * dx, y + b * dy)]
    return out


def paint_crossings(
    painter: QPainter, pts: np.ndarray, kinds: np.ndarray, shared: np.ndarray | None = None
) -> None:
    """Draw ``+`` symbols at screen points: white halos first, then road red or bore purple.

    Parameters
    ----------
    painter
        Paints in widget pixels.
    pts
        ``(n, 2)`` screen positions.
    kinds
        ``(n,)`` symbol codes (:func:`symbol_kinds`).
    shared
        ``(n,)`` bool: a joint or splitter is drawn there (the ``+`` opens round it).
    """
    if not len(pts):
        return
    shared = np.zeros(len(pts), dtype=bool) if shared is None else np.asarray(shared, dtype=bool)
    halo = QPen(QColor("#ffffff"), ms.CROSSING_PEN_PX + 2.6)
    halo.setCapStyle(Qt.PenCapStyle.SquareCap)
    painter.setPen(halo)
    painter.drawLines(plus_lines(pts, kinds, shared))
    bore = kinds == KINDS.index("barrier")
    for colour, sel in ((ms.CROSSING, ~bore), (ms.BARRIER_CROSSING, bore)):
        if sel.any():
            pen = QPen(QColor(colour), ms.CROSSING_PEN_PX)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            painter.drawLines(plus_lines(pts[sel], kinds[sel], shared[sel]))


def legend_rows(frame: gpd.GeoDataFrame, n_points: int) -> list[tuple[str, str, Any]]:
    """Legend rows of what the layer holds: road crossings, bores, far-side trenches."""
    kinds = set(frame["kind"].astype(str).iloc[:n_points].tolist())
    rows: list[tuple[str, str, Any]] = []
    if kinds - {"barrier"}:
        rows.append(("road_crossing", "Road crossing", None))
    if "barrier" in kinds:
        rows.append(("barrier_crossing", "Barrier crossing (bore)", None))
    if len(frame) > n_points:
        rows.append(("line", "Far-side trench", ms.FAR_SIDE_TRENCH))
    return rows


def paint_legend_symbol(painter: QPainter, kind: str, mid: QPointF) -> bool:
    """Draw a legend row's ``+`` at ``mid``; ``False`` if ``kind`` is not a crossing's."""
    if kind not in ("road_crossing", "barrier_crossing"):
        return False
    code = KINDS.index("barrier" if kind == "barrier_crossing" else "junction")
    paint_crossings(painter, np.array([[mid.x(), mid.y()]]), np.array([code]))
    return True
