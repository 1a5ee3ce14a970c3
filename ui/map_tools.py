"""Tools over the map: pick a point (the OLT site) by clicking, find a building.

Both work through the :class:`~ui.map_canvas.MapCanvas`'s public view
(``to_map``, ``centre``, ``scale``, ``zoom_by``, ``set_selected``) and an event
filter, so the canvas itself stays a drawing widget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent

from ui.map_canvas import MapCanvas
from ui.map_scene import Feature, MapScene

#: Width of the view (m) around a building found by the search, at least.
FIND_VIEW_M = 180.0


class PointPicker(QObject):
    """While armed, the next left click on the map is a point instead of a selection.

    The map still zooms (wheel) while armed; a left drag does not pan.

    Signals
    -------
    picked(float, float)
        The point clicked, in the district's metric coordinates.
    armed_changed(bool)
        Picking started or ended (clicked, Esc, or :meth:`disarm`).
    """

    picked = Signal(float, float)
    armed_changed = Signal(bool)

    def __init__(self, canvas: MapCanvas, hint: str) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.hint = hint
        self.armed = False
        self._press: QPointF | None = None
        canvas.installEventFilter(self)

    def arm(self) -> None:
        """Take the next click on the map as the point (Esc cancels)."""
        if self.canvas.scene is None:
            return
        self.armed = True
        self.canvas.setCursor(Qt.CursorShape.CrossCursor)
        self.canvas.set_busy(self.hint)
        self.canvas.setFocus()
        self.armed_changed.emit(True)

    def disarm(self) -> None:
        """Stop picking."""
        if not self.armed:
            return
        self.armed = False
        self._press = None
        self.canvas.unsetCursor()
        if self.canvas.busy_text == self.hint:
            self.canvas.set_busy("")
        self.armed_changed.emit(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Turn a click into a point while armed; a drag still pans."""
        if not self.armed or watched is not self.canvas:
            return False
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Escape:
                self.disarm()
                return True
            return False
        if not isinstance(event, QMouseEvent) or event.button() != Qt.MouseButton.LeftButton:
            return False
        if kind == QEvent.Type.MouseButtonPress:
            self._press = event.position()
            return True
        if kind == QEvent.Type.MouseButtonRelease and self._press is not None:
            moved = (event.position() - self._press).manhattanLength() > 3
            self._press = None
            if not moved:
                p = self.canvas.to_map(event.position())
                self.disarm()
                self.picked.emit(float(p.x()), float(p.y()))
            return True
        return False


@dataclass(frozen=True)
class Match:
    """A building found by :func:`find_buildings`: its index in the buildings layer and label."""

    index: int
    label: str


def find_buildings(scene: MapScene, query: str, limit: int = 20) -> list[Match]:
    """Buildings whose OSM id is ``query`` or whose name/address contains it.

    An exact OSM id (digits, optionally ``w``/``way``/``r`` before them; a
    relation's id may be stored negative) comes first; then names and
    addresses that equal the query, then those that start with it, then those
    that contain it. Case and repeated spaces do not matter; accents do.
    """
    text = " ".join(query.split())
    if not text:
        return []
    b = scene.layers["buildings"]
    out: list[int] = []
    digits = re.fullmatch(r"(?:w|way|r|relation)?\s*/?\s*(-?\d+)", text, flags=re.IGNORECASE)
    if digits:
        ids = b["osm_id"].to_numpy()
        wanted = int(digits.group(1))
        out += [int(i) for i in np.flatnonzero((ids == wanted) | (ids == -wanted))]
    names = b["name"].astype(str).str.replace(r"\s+", " ", regex=True).str.strip()
    valid = ~names.isin(["", "nan", "None"])
    lowered = names.str.casefold()
    needle = text.casefold()
    for mask in (
        lowered == needle,
        lowered.str.startswith(needle),
        lowered.str.contains(needle, regex=False),
    ):
        for i in np.flatnonzero((mask & valid).to_numpy()):
            if int(i) not in out:
                out.append(int(i))
        if len(out) >= limit:
            break
    return [Match(i, _label(b, i)) for i in out[:limit]]


def _label(buildings: pd.DataFrame, index: int) -> str:
    row = buildings.iloc[index]
    name = str(row["name"])
    ident = f"OSM {int(row['osm_id'])}"
    return f"{name} ({ident})" if name not in ("", "nan", "None") else ident


def show_building(canvas: MapCanvas, index: int) -> Feature | None:
    """Centre the map on building ``index``, zoom to it and select it."""
    scene = canvas.scene
    if scene is None:
        return None
    feature = scene.feature("buildings", index)
    minx, miny, maxx, maxy = feature.geometry.bounds
    size = max(maxx - minx, maxy - miny, FIND_VIEW_M / 3) * 3
    canvas.centre = QPointF((minx + maxx) / 2, (miny + maxy) / 2)
    canvas.scale = min(max(canvas.width(), 50), max(canvas.height(), 50)) / size
    canvas.zoom_by(1.0)  # clamps the zoom, redraws at the new view and says it moved
    canvas.set_selected(feature)
    return feature
