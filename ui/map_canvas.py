"""The map: a widget that draws a :class:`~ui.map_scene.MapScene` itself (no tile server).

Drawing is a world transform (metres to pixels, y up) over a few pre-built
:class:`QPainterPath` batches per style; only the tiles that intersect the
view are drawn, and a simplified copy of each tile is drawn when zoomed far
out. Pens are cosmetic, so line widths stay in pixels at every zoom. The
drawn layers are cached in an image, so hover highlights and overlays
(legend, scale bar, attribution) repaint without redrawing the network.

Mouse: drag to pan, wheel to zoom at the cursor, double-click to zoom in,
hover or click a feature for its details. Keys: ``+``/``-`` zoom, arrows pan,
``Home`` fits the district.
"""

from __future__ import annotations

import math
import time
from collections import deque
from typing import Any

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ui import map_crossings as mc
from ui import map_style as ms
from ui.map_scene import DEFAULT_VISIBLE, LAYERS, Feature, MapScene, _path
from ui.map_trace import Highlight

#: Metres per pixel above which the simplified tiles are drawn.
COARSE_M_PER_PX = 1.5
#: Line widths are multiplied by this when zoomed far out ...
COARSE_WIDTH = 0.55
#: ... and lines this thin or thinner are then drawn as one-pixel hairlines.
HAIRLINE_PX = 1.25
#: Pixels per metre above which closures and distribution points are drawn.
JOINTS_SCALE = 1.0
#: Pick tolerance in pixels.
PICK_PX = 6.0
#: Zoom limits in pixels per metre.
MIN_SCALE, MAX_SCALE = 0.005, 40.0


class MapCanvas(QWidget):
    """Draws a plan's network and answers hover and click with feature details.

    Signals
    -------
    hovered(object)
        The :class:`~ui.map_scene.Feature` under the mouse, or ``None``.
    selected(object)
        The feature clicked, or ``None`` when clicking empty map.
    scene_changed()
        Another scene is shown (a new plan, a region, an area of it).
    activated(object)
        The feature double-clicked (the map also zooms in), or ``None``.
    layers_changed()
        A layer was shown or hidden.
    view_changed()
        The view was panned or zoomed.
    """

    hovered = Signal(object)
    selected = Signal(object)
    activated = Signal(object)
    scene_changed = Signal()
    layers_changed = Signal()
    view_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapCanvas")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.scene: MapScene | None = None
        self.visible_layers: set[str] = set(DEFAULT_VISIBLE)
        self.show_legend = True
        self.centre = QPointF(0.0, 0.0)
        self.scale = 1.0
        self.hover_feature: Feature | None = None
        self.selected_feature: Feature | None = None
        self.message = "No plan yet"
        self.busy_text = ""
        self.frame_times_ms: deque[float] = deque(maxlen=240)
        self._cache: QImage | None = None
        self._cache_key: tuple[Any, ...] | None = None
        self._drag_start: QPointF | None = None
        self._drag_moved = False
        self._last_mouse = QPointF()
        self._hover_timer = QTimer(self)
        self._hover_timer.setSingleShot(True)
        self._hover_timer.setInterval(30)
        self._hover_timer.timeout.connect(self._update_hover)
        self._highlight_cache: dict[int, tuple[QPainterPath | None, QPainterPath | None]] = {}
        self.trace: Highlight | None = None
        self._trace_paths: tuple[QPainterPath | None, QPainterPath | None] = (None, None)

    # -- scene and layers ---------------------------------------------------------
    def set_scene(self, scene: MapScene | None, keep_view: bool | None = None) -> None:
        """Show a scene; keep the view if it is the same district (a re-plan)."""
        old = self.scene
        self.scene = scene
        self.hover_feature = None
        self.selected_feature = None
        self._highlight_cache.clear()
        self.set_trace(None)
        self._invalidate()
        if scene is not None:
            same = (
                old is not None
                and old.district_name == scene.district_name
                and (old.bounds == scene.bounds)
            )
            if not (keep_view if keep_view is not None else same):
                self.fit_to_district()
        self.update()
        if scene is not old:
            self.scene_changed.emit()

    def set_message(self, text: str) -> None:
        """Text shown when there is no scene."""
        self.message = text
        self.update()

    def set_busy(self, text: str) -> None:
        """A badge shown over the map while planning ('' hides it)."""
        if text != self.busy_text:
            self.busy_text = text
            self.update()

    def set_layer_visible(self, layer: str, visible: bool) -> None:
        """Show or hide a layer (see :data:`~ui.map_scene.LAYERS`)."""
        if layer not in LAYERS:
            msg = f"unknown map layer {layer!r}; known: {', '.join(LAYERS)}"
            raise KeyError(msg)
        if (layer in self.visible_layers) == visible:
            return
        if visible:
            self.visible_layers.add(layer)
        else:
            self.visible_layers.discard(layer)
        self._invalidate()
        self.update()
        self.layers_changed.emit()

    def set_trace(self, highlight: Highlight | None) -> None:
        """Draw a traced path or the premises behind a splitter over the map (``None`` clears)."""
        self.trace = highlight
        self._trace_paths = (
            (_geometry_path(highlight.lines), _geometry_path(highlight.areas))
            if highlight is not None
            else (None, None)
        )
        self.update()

    def set_legend_visible(self, visible: bool) -> None:
        """Show or hide the legend."""
        self.show_legend = visible
        self.update()

    # -- view -----------------------------------------------------------------------
    def fit_to_district(self) -> None:
        """Zoom so the whole district fits the window."""
        if self.scene is None:
            return
        b = self.scene.bounds
        w, h = max(self.width(), 50), max(self.height(), 50)
        self.centre = b.center()
        self.scale = _clamp(min(w / max(b.width(), 1.0), h / max(b.height(), 1.0)))
        self._view_moved()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping ``anchor`` (widget pixels) fixed."""
        new_scale = _clamp(self.scale * factor)
        if anchor is None:
            anchor = QPointF(self.width() / 2, self.height() / 2)
        before = self.to_map(anchor)
        self.scale = new_scale
        after = self.to_map(anchor)
        self.centre = QPointF(
            self.centre.x() + before.x() - after.x(), self.centre.y() + before.y() - after.y()
        )
        self._view_moved()

    def pan_by(self, dx_px: float, dy_px: float) -> None:
        """Move the map by pixels (positive dx moves the content right)."""
        self.centre = QPointF(
            self.centre.x() - dx_px / self.scale, self.centre.y() + dy_px / self.scale
        )
        self._view_moved()

    def transform(self) -> QTransform:
        """Metres to widget pixels."""
        t = QTransform()
        t.translate(self.width() / 2, self.height() / 2)
        t.scale(self.scale, -self.scale)
        t.translate(-self.centre.x(), -self.centre.y())
        return t

    def to_map(self, p: QPointF) -> QPointF:
        """Widget pixels to metres."""
        return QPointF(
            self.centre.x() + (p.x() - self.width() / 2) / self.scale,
            self.centre.y() - (p.y() - self.height() / 2) / self.scale,
        )

    def to_screen(self, x: float, y: float) -> QPointF:
        """Metres to widget pixels."""
        return QPointF(
            (x - self.centre.x()) * self.scale + self.width() / 2,
            (self.centre.y() - y) * self.scale + self.height() / 2,
        )

    def view_rect(self) -> QRectF:
        """The visible area in metres."""
        a = self.to_map(QPointF(0, self.height()))
        b = self.to_map(QPointF(self.width(), 0))
        return QRectF(a, b).normalized()

    def _view_moved(self) -> None:
        self._invalidate()
        self.update()
        self.view_changed.emit()

    def _invalidate(self) -> None:
        self._cache_key = None

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._ensure_cache()
            if self._cache is not None:
                painter.drawImage(0, 0, self._cache)
            else:
                painter.fillRect(self.rect(), ms.BACKGROUND)
            self._paint_overlays(painter, interactive=True)
        finally:
            painter.end()

    def _ensure_cache(self) -> None:
        dpr = self.devicePixelRatioF()
        key = (
            id(self.scene), self.width(), self.height(), dpr, self.centre.x(), self.centre.y(),
            self.scale, frozenset(self.visible_layers),
        )  # fmt: skip
        if key == self._cache_key and self._cache is not None:
            return
        size = QSize(max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr)))
        if self._cache is None or self._cache.size() != size:
            self._cache = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        self._cache.setDevicePixelRatio(dpr)
        t0 = time.perf_counter()
        painter = QPainter(self._cache)
        try:
            self.paint_map(painter)
        finally:
            painter.end()
        self.frame_times_ms.append((time.perf_counter() - t0) * 1000)
        self._cache_key = key

    def paint_map(self, painter: QPainter) -> None:
        """Draw the network layers (no overlays) for the current view and size."""
        painter.fillRect(QRectF(0, 0, self.width(), self.height()), ms.BACKGROUND)
        scene = self.scene
        if scene is None:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        view = self.view_rect()
        coarse = (1.0 / self.scale) > COARSE_M_PER_PX
        painter.save()
        painter.setTransform(self.transform())
        no_brush = QBrush(Qt.BrushStyle.NoBrush)
        no_pen = QPen(Qt.PenStyle.NoPen)
        outlines = self.scale > 0.6
        vx0, vy0, vx1, vy1 = view.left(), view.top(), view.right(), view.bottom()
        for batch in scene.batches:
            if batch.layer not in self.visible_layers:
                continue
            tiles = [
                t for t in batch.tiles
                if t.rect.intersects(view) or (t.rect.isEmpty() and view.contains(t.rect.topLeft()))
            ]  # fmt: skip
            if not tiles:
                continue
            style = batch.style
            if isinstance(style, ms.FillStyle):
                # Fills without antialiasing, then antialiased hairline outlines
                # over them: twice as fast as both at once, and as smooth.
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                painter.setPen(no_pen)
                painter.setBrush(style.brush())
                for t in tiles:
                    painter.drawPath(t.coarse[0] if coarse else t.full[0])
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                if outlines:
                    painter.setPen(style.pen())
                    painter.setBrush(no_brush)
                    for t in tiles:
                        painter.drawPath(t.full[0])
                continue
            pen = style.pen()
            thin = False
            if coarse:
                width = style.width_px * COARSE_WIDTH
                thin = batch.mode == "hairline" or width <= HAIRLINE_PX
                pen.setWidthF(1.0 if thin else width)
            painter.setPen(pen)
            painter.setBrush(no_brush)
            for t in tiles:
                if batch.mode == "hairline":
                    painter.drawPath(t.coarse[0] if coarse else t.full[0])
                elif thin:
                    if t.hairline is not None:
                        painter.drawPath(t.hairline)
                else:
                    lines = t.coarse if coarse else t.full
                    inside = view.contains(t.rect)
                    if inside or t.item_bounds is None:
                        for line in lines:
                            painter.drawPolyline(line)
                    else:
                        b = t.item_bounds
                        hit = (
                            (b[:, 2] >= vx0)
                            & (b[:, 0] <= vx1)
                            & (b[:, 3] >= vy0)
                            & (b[:, 1] <= vy1)
                        )
                        for i in np.flatnonzero(hit).tolist():
                            painter.drawPolyline(lines[i])
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.restore()
        self._paint_symbols(painter, scene, view)

    def _screen_xy(self, xy: np.ndarray) -> np.ndarray:
        sx = (xy[:, 0] - self.centre.x()) * self.scale + self.width() / 2
        sy = (self.centre.y() - xy[:, 1]) * self.scale + self.height() / 2
        return np.column_stack([sx, sy])

    def _visible_points(self, xy: np.ndarray, margin: float = 12.0) -> np.ndarray:
        if not len(xy):
            return np.zeros(0, dtype=bool)
        s = self._screen_xy(xy)
        return (
            (s[:, 0] > -margin) & (s[:, 0] < self.width() + margin)
            & (s[:, 1] > -margin) & (s[:, 1] < self.height() + margin)
        )  # fmt: skip

    def _paint_symbols(self, painter: QPainter, scene: MapScene, view: QRectF) -> None:
        size = round(min(max(4.0 + 5.0 * self.scale, 5.0), 9.0))
        if "unserved" in self.visible_layers and len(scene.unserved):
            vis = self._visible_points(scene.unserved)
            pts = self._screen_xy(scene.unserved[vis])
            r = size * 0.45
            lines = []
            for x, y in pts.tolist():
                lines += [QPointF(x - r, y - r), QPointF(x + r, y + r)]
                lines += [QPointF(x - r, y + r), QPointF(x + r, y - r)]
            pen = QPen(QColor("#ffffff"), 4.0)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawLines(lines)
            pen = QPen(QColor(ms.UNSERVED_EDGE), 2.0)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawLines(lines)
        if "splitters" in self.visible_layers and len(scene.splitters.xy):
            sp = scene.splitters
            vis = self._visible_points(sp.xy)
            pts = self._screen_xy(sp.xy[vis])
            kinds = sp.kind[vis]
            dpr = painter.device().devicePixelRatioF()
            for k in np.unique(kinds).tolist():
                sprite = _splitter_sprite(int(k), size, dpr)
                half = sprite.width() / dpr / 2
                for x, y in pts[kinds == k].tolist():
                    painter.drawImage(QPointF(x - half, y - half), sprite)
            if self.scale > 2.5 and vis.sum() <= 400:
                painter.setFont(_font(8))
                painter.setPen(QColor("#263238"))
                labels = np.asarray(sp.labels, dtype=object)[vis]
                for (x, y), text in zip(pts.tolist(), labels.tolist(), strict=True):
                    if text:  # splitters sharing a site carry one label ("S1-0005 +1")
                        painter.drawText(QPointF(x + size * 0.7, y - size * 0.6), str(text))
        if "joints" in self.visible_layers and len(scene.joints.xy) and self.scale > JOINTS_SCALE:
            self._paint_joints(painter, scene)
        if "crossings" in self.visible_layers and len(scene.crossings.xy):
            self._paint_crossings(painter, scene)
        if "offices" in self.visible_layers and len(scene.offices.xy):
            self._paint_offices(painter, scene)
        if "olt" in self.visible_layers and len(scene.olt):
            p = self._screen_xy(scene.olt[None, :])[0]
            rect = QRectF(p[0] - 9, p[1] - 9, 18, 18)
            painter.setPen(QPen(QColor("#ffffff"), 2.0))
            painter.setBrush(QColor(ms.OLT_FILL))
            painter.drawRoundedRect(rect, 3, 3)
            painter.setFont(_font(9, bold=True))
            _halo_text(painter, QPointF(p[0] + 13, p[1] + 5), "OLT", QColor(ms.OLT_FILL))

    def _paint_offices(self, painter: QPainter, scene: MapScene) -> None:
        """A region's central offices: the OLT's square, with their names."""
        vis = self._visible_points(scene.offices.xy)
        pts = self._screen_xy(scene.offices.xy[vis])
        labels = np.asarray(scene.offices.labels, dtype=object)[vis]
        painter.setPen(QPen(QColor("#ffffff"), 2.0))
        painter.setBrush(QColor(ms.OFFICE_FILL))
        for x, y in pts.tolist():
            painter.drawRoundedRect(QRectF(x - 8, y - 8, 16, 16), 3, 3)
        if len(pts) <= 200:
            painter.setFont(_font(9, bold=True))
            for (x, y), text in zip(pts.tolist(), labels.tolist(), strict=True):
                _halo_text(painter, QPointF(x + 12, y + 5), str(text), QColor(ms.OFFICE_FILL))

    def _paint_crossings(self, painter: QPainter, scene: MapScene) -> None:
        """Road crossings and bores as ``+`` over the cables and joints, at every zoom.

        A town has a few dozen. Over a splitter or joint drawn at its place
        the ``+`` opens in the middle, so both show.
        """
        vis = self._visible_points(scene.crossings.xy)
        pts = self._screen_xy(scene.crossings.xy[vis])
        drawn = {"splitters": True, "joints": self.scale > JOINTS_SCALE}
        shared = np.zeros(len(vis), dtype=bool)
        for layer, under in scene.crossing_under.items():
            if layer in self.visible_layers and drawn[layer]:
                shared |= under
        mc.paint_crossings(painter, pts, scene.crossings.kind[vis], shared[vis])

    def _paint_joints(self, painter: QPainter, scene: MapScene) -> None:
        """Distribution points as white squares, closures as small dark diamonds on top.

        A closure sharing its distribution point's chamber shows as a diamond
        in the square (as on the report's maps); the pick finds it first.
        """
        vis = self._visible_points(scene.joints.xy)
        pts = self._screen_xy(scene.joints.xy[vis])
        kinds = scene.joints.kind[vis]
        r = 3.5
        painter.setPen(QPen(QColor(ms.FDP_EDGE), 1.4))
        painter.setBrush(QColor(ms.FDP_FILL))
        for x, y in pts[kinds == 1].tolist():
            painter.drawRect(QRectF(x - r * 0.8, y - r * 0.8, 1.6 * r, 1.6 * r))
        painter.setPen(QPen(QColor("#ffffff"), 1.0))
        painter.setBrush(QColor(ms.CLOSURE_FILL))
        for x, y in pts[kinds == 0].tolist():
            painter.drawPolygon(
                [QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y)]
            )

    def _paint_overlays(self, painter: QPainter, interactive: bool) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        if self.scene is None:
            painter.setPen(QColor("#5f6b73"))
            painter.setFont(_font(13))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message)
            if interactive and self.busy_text:
                self._paint_busy(painter)
            return
        if self.trace is not None:
            self._paint_trace(painter, self.trace)
        if interactive:
            for feature, colour, width in (
                (self.selected_feature, "#e65100", 3.0),
                (self.hover_feature, ms.HIGHLIGHT, 2.5),
            ):
                if feature is not None:
                    self._paint_highlight(painter, feature, colour, width)
        self._paint_title(painter)
        self._paint_scale_bar(painter)
        self._paint_attribution(painter)
        if self.show_legend:
            self._paint_legend(painter)
        if interactive and self.busy_text:
            self._paint_busy(painter)

    def _paint_highlight(
        self, painter: QPainter, feature: Feature, colour: str, width: float
    ) -> None:
        key = id(feature)
        if key not in self._highlight_cache:
            self._highlight_cache[key] = (
                _geometry_path(feature.geometry),
                _geometry_path(feature.group_geometry),
            )
        main, group = self._highlight_cache[key]
        painter.save()
        painter.setTransform(self.transform())
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if group is not None:
            pen = QPen(QColor(colour), 1.6)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawPath(group)
        if main is not None:
            halo = QPen(QColor("#ffffff"), width + 3)
            halo.setCosmetic(True)
            painter.setPen(halo)
            painter.drawPath(main)
            pen = QPen(QColor(colour), width)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawPath(main)
        painter.restore()
        if feature.geometry is not None and shapely.get_type_id(feature.geometry) == 0:
            x, y = shapely.get_coordinates(feature.geometry)[0]
            p = self.to_screen(float(x), float(y))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(colour), width))
            painter.drawEllipse(p, 10, 10)

    def _paint_trace(self, painter: QPainter, trace: Highlight) -> None:
        """The traced path (a wide line with a white halo), the buildings and the sites on it."""
        lines, areas = self._trace_paths
        painter.save()
        painter.setTransform(self.transform())
        if areas is not None:
            fill = QColor(ms.TRACE_FILL)
            fill.setAlpha(170)
            pen = QPen(QColor(ms.TRACE), 1.6)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(fill)
            painter.drawPath(areas)
        if lines is not None:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for colour, width in (("#ffffff", 7.5), (ms.TRACE, 4.0)):
                pen = QPen(QColor(colour), width)
                pen.setCosmetic(True)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                painter.drawPath(lines)
        painter.restore()
        if not len(trace.points):
            return
        pts = self._screen_xy(trace.points)
        painter.setPen(QPen(QColor(ms.TRACE), 2.5))
        painter.setBrush(QColor("#ffffff"))
        for x, y in pts.tolist():
            painter.drawEllipse(QPointF(x, y), 6.0, 6.0)
        if self.scale > 0.4 and len(pts) <= 40:
            painter.setFont(_font(8.5, bold=True))
            for (x, y), text in zip(pts.tolist(), trace.labels, strict=False):
                _halo_text(painter, QPointF(x + 9, y + 14), text, QColor(ms.TRACE))

    def _paint_title(self, painter: QPainter) -> None:
        assert self.scene is not None
        painter.setFont(_font(11, bold=True))
        _halo_text(painter, QPointF(12, 22), self.scene.district_name, QColor("#263238"))

    def _paint_scale_bar(self, painter: QPainter) -> None:
        metres = _nice_length(110 / self.scale)
        px = metres * self.scale
        x0, y0 = 14.0, self.height() - 18.0
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 200))
        painter.drawRoundedRect(QRectF(x0 - 6, y0 - 22, px + 12, 30), 4, 4)
        pen = QPen(QColor("#263238"), 2.0)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        painter.drawLine(QPointF(x0, y0), QPointF(x0 + px, y0))
        for x in (x0, x0 + px / 2, x0 + px):
            painter.drawLine(QPointF(x, y0), QPointF(x, y0 - (6 if x != x0 + px / 2 else 4)))
        painter.setFont(_font(8))
        label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
        painter.drawText(QPointF(x0, y0 - 9), label)

    def _paint_attribution(self, painter: QPainter) -> None:
        assert self.scene is not None
        text = self.scene.attribution.replace("(c)", "©")
        painter.setFont(_font(8))
        fm = QFontMetricsF(painter.font())
        w = fm.horizontalAdvance(text) + 10
        rect = QRectF(self.width() - w - 4, self.height() - fm.height() - 6, w, fm.height() + 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 210))
        painter.drawRect(rect)
        painter.setPen(QColor("#37474f"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_busy(self, painter: QPainter) -> None:
        painter.setFont(_font(10, bold=True))
        fm = QFontMetricsF(painter.font())
        w = fm.horizontalAdvance(self.busy_text) + 28
        rect = QRectF((self.width() - w) / 2, 12, w, fm.height() + 12)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(38, 50, 56, 215))
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.busy_text)

    def legend_entries(self) -> list[tuple[str, str, Any]]:
        """``(kind, label, style)`` rows of the legend for the visible layers."""
        scene = self.scene
        rows: list[tuple[str, str, Any]] = []
        if scene is None:
            return rows
        # Only what the scene has (a region's overview has areas and offices, no network).
        present = {b.layer for b in scene.batches} | set(scene.layers) | {"joints", "offices"}
        vis = self.visible_layers & present
        if self.trace is not None:
            rows.append(("line", self.trace.title, ms.LineStyle(ms.TRACE, 4.0)))
        if "offices" in vis and len(scene.offices.xy):
            rows.append(("olt", "Central office (OLT site)", None))
        if "areas" in vis:
            rows.append(("groups", "Service area (one colour each)", None))
        if "olt" in vis and len(scene.olt):
            rows.append(("olt", "OLT", None))
        if "splitters" in vis and len(scene.splitters.xy):
            if (scene.splitters.kind < 0).any():
                rows.append(("splitter1", "Splitter, first stage", None))
            rows.append(("splitter", "Splitter (group colour)", None))
        if "joints" in vis and len(scene.joints.xy):
            kinds = set(scene.joints.kind.tolist())
            if 0 in kinds:
                rows.append(("closure", "Closure (cable joint)", None))
            if 1 in kinds:
                rows.append(("fdp", "Distribution point (drops)", None))
        if "crossings" in vis:
            rows += mc.legend_rows(scene.layers["crossings"], len(scene.crossings.xy))
        if "feeder" in vis:
            rows.append(("line", "Feeder cable", ms.LineStyle(ms.FEEDER, 3.0)))
        if "distribution" in vis:
            rows.append(("line", "Distribution cable", ms.LineStyle(ms.DISTRIBUTION, 2.2)))
        if "drops" in vis:
            rows.append(("line", "Drop cable", ms.LineStyle(ms.DROP, 1.0)))
        if "feeder" in vis or "distribution" in vis:
            rows.append(("widths", "Cable size 12 · 48 · 144 · 288 f", None))
        if "trenches" in vis:
            methods = scene.trench_methods
            rows.append(("line", "New trench", ms.LineStyle(ms.TRENCH_NEW, 7.0)))
            if "duct_reuse" in methods:
                rows.append(("line", "Existing duct reused", ms.LineStyle(ms.TRENCH_DUCT, 7.0)))
            if "aerial" in methods:
                rows.append(("line", "Aerial (poles)", ms.LineStyle(ms.TRENCH_AERIAL, 7.0)))
        if "streets" in vis:
            rows.append(("line", "Street", ms.LineStyle(ms.STREET_MAJOR, 3.0)))
        if "buildings" in vis:
            b = scene.layers["buildings"]
            n_phases = int(b["phase"].max()) if "phase" in b and len(b) else 0
            by = f"by roll-out phase 1-{n_phases}" if n_phases > 1 else "by splitter group"
            rows.append(("groups", f"Building, {by}", None))
            if len(scene.unserved):
                rows.append(("fill", "Building not served", ms.UNSERVED_STYLE))
        if "unserved" in vis and len(scene.unserved):
            rows.append(("cross", "Unserved homes", None))
        return rows

    def _paint_legend(self, painter: QPainter) -> None:
        rows = self.legend_entries()
        if not rows:
            return
        painter.setFont(_font(8.5))
        fm = QFontMetricsF(painter.font())
        line_h = max(fm.height(), 14) + 5
        sym_w = 34.0
        text_w = max(fm.horizontalAdvance(label) for _, label, _ in rows)
        w = 12 + sym_w + 8 + text_w + 12
        h = 10 + line_h * len(rows) + 24
        x0 = self.width() - w - 12
        y0 = 12.0
        painter.setPen(QPen(QColor(0, 0, 0, 40), 1))
        painter.setBrush(QColor(255, 255, 255, 232))
        painter.drawRoundedRect(QRectF(x0, y0, w, h), 6, 6)
        painter.setFont(_font(9, bold=True))
        painter.setPen(QColor("#263238"))
        painter.drawText(QPointF(x0 + 12, y0 + 18), "Legend")
        painter.setFont(_font(8.5))
        y = y0 + 24
        for kind, label, style in rows:
            cy = y + line_h / 2
            sx0, sx1 = x0 + 12, x0 + 12 + sym_w
            _legend_symbol(painter, kind, style, sx0, sx1, cy)
            painter.setPen(QColor("#263238"))
            painter.drawText(
                QRectF(sx1 + 8, y, text_w + 4, line_h),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label,
            )  # fmt: skip
            y += line_h

    # -- export ---------------------------------------------------------------------------
    def render_image(self, scale: float = 2.0) -> QImage:
        """The map as drawn now (layers, legend, scale bar, attribution) at ``scale`` x."""
        size = QSize(round(self.width() * scale), round(self.height() * scale))
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(scale)
        painter = QPainter(image)
        try:
            self.paint_map(painter)
            self._paint_overlays(painter, interactive=False)
        finally:
            painter.end()
        return image

    # -- interaction --------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() in (
            Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton, Qt.MouseButton.RightButton
        ):  # fmt: skip
            self._drag_start = event.position()
            self._last_mouse = event.position()
            self._drag_moved = False
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag_start is not None:
            delta = pos - self._last_mouse
            if self._drag_moved or (pos - self._drag_start).manhattanLength() > 3:
                self._drag_moved = True
                self.pan_by(delta.x(), delta.y())
            self._last_mouse = pos
            return
        self._last_mouse = pos
        self._hover_timer.start()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_start is not None:
            clicked = not self._drag_moved and event.button() == Qt.MouseButton.LeftButton
            self._drag_start = None
            self.unsetCursor()
            if clicked:
                self.select_at(event.position())
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            feature = self.feature_at(event.position())
            self.zoom_by(2.0, event.position())
            self.activated.emit(feature)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps == 0:
            steps = event.pixelDelta().y() / 60.0
        if steps:
            self.zoom_by(1.25**steps, event.position())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        step = 80.0
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.5)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(1 / 1.5)
        elif key == Qt.Key.Key_Left:
            self.pan_by(step, 0)
        elif key == Qt.Key.Key_Right:
            self.pan_by(-step, 0)
        elif key == Qt.Key.Key_Up:
            self.pan_by(0, step)
        elif key == Qt.Key.Key_Down:
            self.pan_by(0, -step)
        elif key == Qt.Key.Key_Home:
            self.fit_to_district()
        elif key == Qt.Key.Key_Escape:
            self.set_selected(None)
        else:
            super().keyPressEvent(event)

    def leaveEvent(self, event: Any) -> None:
        self._hover_timer.stop()
        if self.hover_feature is not None:
            self.hover_feature = None
            self.hovered.emit(None)
            self.update()
        super().leaveEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        old = event.oldSize()
        if self.scene is not None and old.width() > 0 and old.height() > 0:
            # Keep what was visible: scale with the smaller relative change.
            fx = event.size().width() / old.width()
            fy = event.size().height() / old.height()
            self.scale = _clamp(self.scale * min(fx, fy))
        self._invalidate()
        super().resizeEvent(event)

    def feature_at(self, pos: QPointF) -> Feature | None:
        """The feature under widget position ``pos``."""
        if self.scene is None:
            return None
        p = self.to_map(pos)
        return self.scene.pick(p.x(), p.y(), PICK_PX / self.scale, self.visible_layers)

    def select_at(self, pos: QPointF) -> Feature | None:
        """Select the feature under ``pos`` (or clear the selection)."""
        feature = self.feature_at(pos)
        self.set_selected(feature)
        return feature

    def set_selected(self, feature: Feature | None) -> None:
        """Select a feature (``None`` clears)."""
        self.selected_feature = feature
        self.selected.emit(feature)
        self.update()

    def _update_hover(self) -> None:
        feature = self.feature_at(self._last_mouse)
        old = self.hover_feature
        same = (
            feature is not None and old is not None
            and (feature.kind, feature.index) == (old.kind, old.index)
        )  # fmt: skip
        if same or (feature is None and old is None):
            return
        self.hover_feature = feature
        self._highlight_cache = {
            k: v for k, v in self._highlight_cache.items()
            if k in (id(self.selected_feature), id(feature))
        }  # fmt: skip
        self.hovered.emit(feature)
        if feature is not None and self.isVisible():
            QToolTip.showText(self.mapToGlobal(self._last_mouse.toPoint()), feature.text(), self)
        else:
            QToolTip.hideText()
        self.update()


def visible_layer_list(canvas: MapCanvas) -> list[str]:
    """The canvas's visible layers in drawing order."""
    return [name for name in LAYERS if name in canvas.visible_layers]


# -- drawing helpers --------------------------------------------------------------------------
def _clamp(scale: float) -> float:
    return min(max(scale, MIN_SCALE), MAX_SCALE)


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


_SPRITES: dict[tuple[int, float, float], QImage] = {}


def _splitter_sprite(kind: int, size: float, dpr: float) -> QImage:
    """A pre-drawn splitter symbol: a circle in its group colour, or a white square
    for a first-stage splitter (``kind`` -1). Blitting beats stroking wide points."""
    key = (kind, size, dpr)
    sprite = _SPRITES.get(key)
    if sprite is None:
        side = math.ceil(size + 6)
        sprite = QImage(
            round(side * dpr), round(side * dpr), QImage.Format.Format_ARGB32_Premultiplied
        )
        sprite.setDevicePixelRatio(dpr)
        sprite.fill(Qt.GlobalColor.transparent)
        p = QPainter(sprite)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        c = side / 2
        if kind < 0:
            p.setPen(QPen(QColor(ms.SPLITTER_EDGE), 1.8))
            p.setBrush(QColor(ms.SPLITTER_STAGE1))
            r = size / 2 + 0.5
            p.drawRect(QRectF(c - r, c - r, 2 * r, 2 * r))
        else:
            fill = QColor(ms.GROUP_FILLS[kind % len(ms.GROUP_FILLS)]).darker(125)
            p.setPen(QPen(QColor(ms.SPLITTER_EDGE), 1.4))
            p.setBrush(fill)
            p.drawEllipse(QPointF(c, c), size / 2, size / 2)
        p.end()
        _SPRITES[key] = sprite
    return sprite


def _halo_text(painter: QPainter, at: QPointF, text: str, colour: QColor) -> None:
    path = QPainterPath()
    path.addText(at, painter.font(), text)
    painter.setPen(QPen(QColor(255, 255, 255, 230), 3.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPath(path)


def _nice_length(metres: float) -> float:
    """The largest 1-2-5 length not above ``metres``."""
    if metres <= 0 or not math.isfinite(metres):
        return 1.0
    exp = math.floor(math.log10(metres))
    for m in (5, 2, 1):
        value = m * 10.0**exp
        if value <= metres:
            return value
    return 10.0**exp


def _geometry_path(geom: Any) -> QPainterPath | None:
    if geom is None or shapely.is_empty(geom):
        return None
    parts = shapely.get_parts(np.asarray([geom]))
    if isinstance(geom, shapely.GeometryCollection):
        parts = shapely.get_parts(parts)
    polys = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
    lines = parts[np.isin(shapely.get_type_id(parts), (1, 2, 5))]
    if not len(polys) and not len(lines):
        return None
    path = QPainterPath()
    if len(polys):
        path.addPath(_path(polys, closed=True))
    if len(lines):
        path.addPath(_path(lines, closed=False))
    return path


def _legend_symbol(
    painter: QPainter, kind: str, style: Any, x0: float, x1: float, cy: float
) -> None:
    mid = QPointF((x0 + x1) / 2, cy)
    if mc.paint_legend_symbol(painter, kind, mid):
        return
    if kind == "line":
        pen = style.pen()
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.drawLine(QPointF(x0 + 2, cy), QPointF(x1 - 2, cy))
    elif kind == "widths":
        painter.setPen(Qt.PenStyle.NoPen)
        for i, size in enumerate((12, 48, 144, 288)):
            w = ms.cable_width(size)
            x = x0 + 3 + i * 8.5
            painter.setBrush(QColor("#546e7a"))
            painter.drawRect(QRectF(x, cy - w / 2, 5.5, w))
    elif kind == "fill":
        painter.setPen(style.pen())
        painter.setBrush(style.brush())
        painter.drawRect(QRectF(mid.x() - 7, cy - 5, 14, 10))
    elif kind == "groups":
        for i in range(4):
            s = ms.group_fill(i)
            painter.setPen(s.pen())
            painter.setBrush(s.brush())
            painter.drawRect(QRectF(x0 + 2 + i * 8, cy - 5, 7, 10))
    elif kind == "cross":
        r = 4.0
        painter.setPen(QPen(QColor(ms.UNSERVED_EDGE), 2.0))
        painter.drawLine(QPointF(mid.x() - r, cy - r), QPointF(mid.x() + r, cy + r))
        painter.drawLine(QPointF(mid.x() - r, cy + r), QPointF(mid.x() + r, cy - r))
    elif kind == "olt":
        painter.setPen(QPen(QColor("#ffffff"), 1.5))
        painter.setBrush(QColor(ms.OLT_FILL))
        painter.drawRoundedRect(QRectF(mid.x() - 7, cy - 7, 14, 14), 2, 2)
    elif kind == "splitter1":
        painter.setPen(QPen(QColor(ms.SPLITTER_EDGE), 2.0))
        painter.setBrush(QColor(ms.SPLITTER_STAGE1))
        painter.drawRect(QRectF(mid.x() - 5, cy - 5, 10, 10))
    elif kind == "closure":
        r = 5.0
        painter.setPen(QPen(QColor("#ffffff"), 1.0))
        painter.setBrush(QColor(ms.CLOSURE_FILL))
        painter.drawPolygon(
            [QPointF(mid.x(), cy - r), QPointF(mid.x() + r, cy), QPointF(mid.x(), cy + r),
             QPointF(mid.x() - r, cy)]
        )  # fmt: skip
    elif kind == "fdp":
        painter.setPen(QPen(QColor(ms.FDP_EDGE), 1.4))
        painter.setBrush(QColor(ms.FDP_FILL))
        painter.drawRect(QRectF(mid.x() - 3.5, cy - 3.5, 7, 7))
    elif kind == "splitter":
        painter.setPen(QPen(QColor(ms.SPLITTER_EDGE), 1.5))
        painter.setBrush(QColor(ms.GROUP_FILLS[0]).darker(125))
        painter.drawEllipse(mid, 4.5, 4.5)
