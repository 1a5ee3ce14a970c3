"""Maps of the plan for the PDF report, drawn as PDF vector paths.

A :class:`MapBook` prepares the plan's layers once (coordinates as NumPy
arrays, one style class per geometry) and chooses the sheets: one overview
of the whole district and, when the district is too large to read at that
scale, detail sheets at a round scale (1:2,500 to 1:10,000), numbered from
the north-west (every tile with homes, splitters, closures or distribution
points gets a sheet). A :class:`MapSheet` flowable draws one sheet: every style
class is one PDF path of many sub-paths painted with a single operator, so a
district of 5,000 buildings is a few hundred kilobytes and draws in well
under a second. Each sheet carries a legend, a scale bar, a north arrow and
the data attribution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from fttx_planner.export import palette
from fttx_planner.plan import Plan
from fttx_planner.report.style import (
    FONT,
    FONT_BOLD,
    GREY,
    INK,
    NAVY,
    RULE,
    TEAL,
    WARN,
    is_draft,
)

#: Points per metre of paper.
PT_PER_M = 72.0 / 0.0254

#: Fill colours of building groups (one per last-stage splitter), chosen so
#: neighbouring groups differ; light enough for labels and lines on top.
GROUP_FILLS = (
    "#8dd3c7",
    "#ffe680",
    "#bebada",
    "#80b1d3",
    "#fdb462",
    "#b3de69",
    "#fccde5",
    "#c49bd1",
    "#a6dcc0",
    "#f2c38b",
)
OTHER_BUILDING = colors.HexColor("#e4e6e9")
OTHER_BUILDING_LINE = colors.HexColor("#c3c8ce")
UNSERVED_FILL = colors.HexColor("#f6c9c4")
STREET = colors.HexColor("#d3d8de")
STREET_CASING = colors.HexColor("#b9c0c8")
FEEDER = colors.HexColor("#17324d")
DISTRIBUTION = colors.HexColor("#e07b00")
DROP = colors.HexColor("#6f7782")
DUCT_REUSE = colors.HexColor("#b48fd9")
AERIAL = colors.HexColor("#4caf50")
#: Cable joint closures: small dark diamonds edged white, the app's and the
#: GeoPackage's symbol (:data:`fttx_planner.export.palette.CLOSURE_FILL`).
CLOSURE = colors.HexColor(palette.CLOSURE_FILL)
#: Half the diagonal of a closure's diamond, in pt (0.8 of it on sheets coarser than 1:10,000).
CLOSURE_R = 2.6
#: Half the side of a distribution point's square, in pt: white, edged in the
#: distribution cable's colour, as in the app.
FDP_HALF = 1.45

#: Cable sizes (fibres) and the line width (pt) each is drawn with.
CABLE_WIDTHS = {12: 0.55, 24: 0.8, 48: 1.1, 96: 1.45, 144: 1.8, 288: 2.3}
#: Extra width of the feeder casing drawn under the distribution cable.
FEEDER_CASING = 1.3

_MAJOR = {
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "motorway_link",
    "trunk_link",
    "primary_link",
    "secondary_link",
    "tertiary_link",
}
_PATHS = {"footway", "path", "cycleway", "steps", "bridleway", "pedestrian", "track", "corridor"}
_STREET_WIDTHS = {"major": 2.6, "minor": 1.5, "path": 0.5}
#: Base map from the OSM file, under the plan: land use, water, rivers, railways.
WATER = colors.HexColor("#d4e6f4")
WATERWAY = colors.HexColor("#9fc5e8")
RAILWAY = colors.HexColor("#8d939b")
LANDUSE_FILLS = {
    "residential": colors.HexColor("#f4f2ee"),
    "industrial": colors.HexColor("#eeecf3"),
    "commercial": colors.HexColor("#f3eeee"),
    "retail": colors.HexColor("#f3eeee"),
    "farmyard": colors.HexColor("#f1f3ea"),
    "allotments": colors.HexColor("#eef3ea"),
}

#: Round map scales (the N of 1:N) offered for the overview and the detail sheets.
_NICE = (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5)
DETAIL_SCALES = (2500, 4000, 5000, 7500, 10000)
#: The overview alone suffices when it is at least this detailed (N at most this).
OVERVIEW_ENOUGH = 6000


def nice_scale(n: float) -> int:
    """The smallest round scale denominator at least ``n`` (1:12,345 to 1:12,500).

    Examples
    --------
    >>> nice_scale(12345), nice_scale(4100), nice_scale(2500)
    (12500, 5000, 2500)
    """
    exp = 10 ** math.floor(math.log10(max(n, 1.0)))
    for f in (*_NICE, 10):
        if f * exp >= n - 1e-6:
            return round(f * exp)
    return round(10 * exp)  # pragma: no cover


# -- geometry arrays ------------------------------------------------------------
@dataclass
class GeomSet:
    """Geometries as flat coordinate arrays, ready to be written as PDF paths.

    Attributes
    ----------
    coords
        ``(n, 2)`` vertex coordinates in metres.
    vertex_ring
        ``(n,)`` index of the ring (or line part) of each vertex.
    ring_geom
        ``(r,)`` index of the geometry of each ring.
    bounds
        ``(g, 4)`` bounds of each geometry.
    """

    coords: np.ndarray
    vertex_ring: np.ndarray
    ring_geom: np.ndarray
    bounds: np.ndarray

    @classmethod
    def from_geoms(cls, geoms: Any, polygons: bool, tolerance_m: float = 0.0) -> GeomSet:
        """Flatten (multi)polygons (rings) or (multi)lines (parts)."""
        arr = np.asarray(geoms, dtype=object)
        if len(arr) == 0:
            return cls(np.zeros((0, 2)), np.zeros(0, int), np.zeros(0, int), np.zeros((0, 4)))
        if tolerance_m > 0:
            arr = shapely.simplify(arr, tolerance_m, preserve_topology=False)
        bounds = shapely.bounds(arr)
        parts, part_geom = shapely.get_parts(arr, return_index=True)
        if polygons:
            rings, ring_part = shapely.get_rings(parts, return_index=True)
            ring_geom = part_geom[ring_part]
        else:
            rings, ring_geom = parts, part_geom
        coords, vertex_ring = shapely.get_coordinates(rings, return_index=True)
        return cls(coords, vertex_ring, ring_geom, bounds)

    def select(self, geom_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Vertices and their ring index for the geometries in ``geom_mask``."""
        if not len(self.coords):
            return self.coords, self.vertex_ring
        keep = geom_mask[self.ring_geom][self.vertex_ring]
        return self.coords[keep], self.vertex_ring[keep]


def path_ops(xy: np.ndarray, ring: np.ndarray, close: bool) -> str:
    """PDF path operators (``m``, ``l``, ``h``) for vertices already in page points."""
    n = len(xy)
    if n == 0:
        return ""
    start = np.ones(n, dtype=bool)
    start[1:] = ring[1:] != ring[:-1]
    ops = np.where(start, "m", "l").astype(object)
    if close:
        end = np.ones(n, dtype=bool)
        end[:-1] = start[1:]
        ops[end] = ops[end] + " h"
    xs = np.round(xy[:, 0], 1).tolist()
    ys = np.round(xy[:, 1], 1).tolist()
    return " ".join(f"{x:g} {y:g} {o}" for x, y, o in zip(xs, ys, ops.tolist(), strict=True))


# -- the prepared plan --------------------------------------------------------------
@dataclass
class Sheet:
    """One map sheet: the ground rectangle it shows and at what scale."""

    number: int
    bbox: tuple[float, float, float, float]
    scale: int
    row: int = 0
    col: int = 0

    def contains(self, xy: np.ndarray) -> np.ndarray:
        """Whether each point lies on this sheet."""
        x0, y0, x1, y1 = self.bbox
        return (xy[:, 0] >= x0) & (xy[:, 0] < x1) & (xy[:, 1] >= y0) & (xy[:, 1] < y1)


@dataclass
class MapBook:
    """The plan's map layers prepared for drawing, and the sheets that show them.

    Parameters
    ----------
    plan
        The plan.
    map_w, map_h
        Size of the map rectangle of every sheet, in points.
    max_sheets
        Most detail sheets to draw; the scale is coarsened until they fit.
    """

    plan: Plan
    map_w: float
    map_h: float
    max_sheets: int = 16
    layers: dict[str, Any] | None = None
    overview: Sheet = field(init=False)
    sheets: list[Sheet] = field(init=False)
    _cache: dict[tuple[str, float], GeomSet] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        from fttx_planner.export.layers import plan_layers

        if self.layers is None:
            self.layers = plan_layers(self.plan, wgs84=False)
        self._prepare()
        self._choose_sheets()

    # -- data -------------------------------------------------------------------
    def _prepare(self) -> None:
        plan = self.plan
        d = plan.district
        lay = self.layers
        assert lay is not None
        streets = lay["streets"]
        hw = streets["highway"].astype(str).to_numpy()
        self.street_class = np.where(
            np.isin(hw, list(_MAJOR)), "major", np.where(np.isin(hw, list(_PATHS)), "path", "minor")
        )
        self.street_geoms = streets.geometry.to_numpy()
        bar = lay.get("barriers")
        kinds = bar["kind"].astype(str).to_numpy() if bar is not None else np.zeros(0, str)
        bgeoms = bar.geometry.to_numpy() if bar is not None else np.zeros(0, object)
        self.ground = {
            "water": bgeoms[kinds == "water"],
            "waterways": bgeoms[kinds == "waterway"],
            "railways": bgeoms[kinds == "railway"],
        }
        lu = d.landuse
        self.landuse_geoms = lu.geometry if lu is not None else np.zeros(0, object)
        self.landuse_value = np.asarray(lu.value, dtype=str) if lu is not None else np.zeros(0, str)

        b = lay["buildings"]
        self.bld_geoms = b.geometry.to_numpy()
        self.bld_served = b["served"].to_numpy(dtype=bool)
        self.bld_group = self._group_colours(b)
        self.unserved_xy = shapely.get_coordinates(lay["unserved"].geometry.to_numpy())
        in_plan = np.zeros(len(d.buildings), dtype=bool)
        in_plan[plan.buildings["building"].to_numpy()] = True
        self.other_geoms = d.buildings.footprint[~in_plan]

        self.drop_geoms = lay["drops"].geometry.to_numpy()
        cab = lay["cables"]
        self.cable_geoms = cab.geometry.to_numpy()
        self.cable_layer = cab["layer"].astype(str).to_numpy()
        self.cable_size = np.array([_largest_size(s) for s in cab["cable_size"]], dtype=int)
        self.cable_multi = cab["cable_count"].to_numpy() > 1
        tr = lay["trenches"]
        method = tr["method"].astype(str).to_numpy()
        self.route_geoms = tr.geometry.to_numpy()
        self.route_kind = np.where(
            method == "duct_reuse", "duct", np.where(method == "aerial", "aerial", "trench")
        )
        # Routes partly in duct or on poles, by their metres.
        duct = tr["duct_m"].to_numpy() > 0.5 * tr["length_m"].to_numpy()
        aerial = tr["aerial_m"].to_numpy() > 0.5 * tr["length_m"].to_numpy()
        self.route_kind = np.where(duct, "duct", np.where(aerial, "aerial", self.route_kind))

        sp = plan.splitters
        self.sp_xy = sp[["x", "y"]].to_numpy(dtype=float)
        self.sp_stage = sp["stage"].to_numpy()
        self.sp_label = sp["label"].astype(str).to_numpy()
        named = lay["splitters"]
        if "name" in named.columns and len(named) == len(sp):  # the detailed design's names
            self.sp_label = named["name"].astype(str).to_numpy()
        self.last_stage = int(sp["stage"].max()) if len(sp) else 1
        self.olt_xy = np.asarray(plan.graph.node_xy[plan.graph.olt_node], dtype=float)

        # Cable joint closures and distribution points (none when joints are off).
        self.closure_xy = _points_xy(plan.closures)
        self.fdp_xy = _points_xy(plan.fdps)

        # Extent: the routes and every building with homes.
        self.extent = content_extent(lay) or d.bounds_xy
        # What makes a detail sheet worth printing: homes, splitters, closures,
        # distribution points, the OLT.
        centres = [shapely.get_coordinates(shapely.point_on_surface(self.bld_geoms))]
        centres += [self.sp_xy, self.closure_xy, self.fdp_xy, self.olt_xy[None, :]]
        self.content_xy = np.vstack(centres)

    def _group_colours(self, b: pd.DataFrame) -> np.ndarray:
        """Colour index per building: neighbouring splitter groups get different colours."""
        from scipy.spatial import cKDTree

        group = b["splitter_id"].to_numpy()
        served = b["served"].to_numpy(dtype=bool)
        out = np.full(len(b), -1, dtype=int)
        if not served.any():
            return out
        xy = shapely.get_coordinates(shapely.point_on_surface(b.geometry.to_numpy()))
        ids, inv = np.unique(group[served], return_inverse=True)
        cx = np.bincount(inv, weights=xy[served, 0]) / np.bincount(inv)
        cy = np.bincount(inv, weights=xy[served, 1]) / np.bincount(inv)
        centres = np.column_stack([cx, cy])
        k = min(9, len(ids))
        _, nbr = cKDTree(centres).query(centres, k=k)
        nbr = np.atleast_2d(nbr)
        colour = np.full(len(ids), -1, dtype=int)
        n_col = len(GROUP_FILLS)
        usage = np.zeros(n_col, dtype=int)
        for g in np.argsort(-np.bincount(inv)):
            taken = {int(colour[j]) for j in nbr[g] if j != g and colour[j] >= 0}
            free = [c for c in range(n_col) if c not in taken]
            pool = free or list(range(n_col))
            c = min(pool, key=lambda c: usage[c])
            colour[g] = c
            usage[c] += 1
        out[served] = colour[inv]
        return out

    def geomset(self, name: str, tolerance_m: float) -> GeomSet:
        """A layer's geometries flattened (and simplified for small scales), cached."""
        key = (name, round(tolerance_m, 3))
        if key not in self._cache:
            geoms, polygons = {
                "streets": (self.street_geoms, False),
                "buildings": (self.bld_geoms, True),
                "other": (self.other_geoms, True),
                "drops": (self.drop_geoms, False),
                "cables": (self.cable_geoms, False),
                "routes": (self.route_geoms, False),
                "water": (self.ground["water"], True),
                "waterways": (self.ground["waterways"], False),
                "railways": (self.ground["railways"], False),
                "landuse": (self.landuse_geoms, True),
            }[name]
            self._cache[key] = GeomSet.from_geoms(geoms, polygons, tolerance_m)
        return self._cache[key]

    # -- sheets -----------------------------------------------------------------
    def _fit(self, bbox: tuple[float, float, float, float], pad: float) -> Sheet:
        """A sheet showing ``bbox`` whole, at the next round scale."""
        x0, y0, x1, y1 = bbox
        w = max(x1 - x0, 50.0)
        h = max(y1 - y0, 50.0)
        m_per_pt = max(w * pad / self.map_w, h * pad / self.map_h)
        scale = nice_scale(m_per_pt * PT_PER_M)
        return self._sheet_at(0, scale, ((x0 + x1) / 2, (y0 + y1) / 2))

    def _choose_sheets(self) -> None:
        self.overview = self._fit(self.extent, 1.06)
        self.sheets = []
        scale = self.overview.scale
        if scale <= OVERVIEW_ENOUGH or self.max_sheets <= 0:
            return
        for detail in (*DETAIL_SCALES, 15000, 20000, 25000):
            if detail * 1.6 > scale:
                return
            tiles = self._tiles(detail)
            if len(tiles) <= self.max_sheets or detail >= DETAIL_SCALES[-1]:
                self.sheets = tiles
                break
        # The overview shows every detail sheet whole.
        boxes = np.array([t.bbox for t in self.sheets], dtype=float)
        union = (
            float(boxes[:, 0].min()),
            float(boxes[:, 1].min()),
            float(boxes[:, 2].max()),
            float(boxes[:, 3].max()),
        )
        self.overview = self._fit(union, 1.02)

    def _sheet_at(self, number: int, scale: int, centre: tuple[float, float]) -> Sheet:
        half_w = self.map_w * scale / PT_PER_M / 2
        half_h = self.map_h * scale / PT_PER_M / 2
        cx, cy = centre
        return Sheet(number, (cx - half_w, cy - half_h, cx + half_w, cy + half_h), scale)

    def _tiles(self, scale: int) -> list[Sheet]:
        x0, y0, x1, y1 = self.extent
        tw = self.map_w * scale / PT_PER_M
        th = self.map_h * scale / PT_PER_M
        cols = max(1, math.ceil((x1 - x0) / tw))
        rows = max(1, math.ceil((y1 - y0) / th))
        gx = (x0 + x1) / 2 - cols * tw / 2
        gy = (y0 + y1) / 2 + rows * th / 2
        xy = self.content_xy
        ci = np.floor((xy[:, 0] - gx) / tw).astype(int)
        ri = np.floor((gy - xy[:, 1]) / th).astype(int)
        ok = (ci >= 0) & (ci < cols) & (ri >= 0) & (ri < rows)
        used = set(zip(ri[ok].tolist(), ci[ok].tolist(), strict=True))
        sheets: list[Sheet] = []
        for r in range(rows):
            for c in range(cols):
                if (r, c) in used:
                    bbox = (gx + c * tw, gy - (r + 1) * th, gx + (c + 1) * tw, gy - r * th)
                    sheets.append(Sheet(len(sheets) + 1, bbox, scale, r, c))
        return sheets

    def sheet_of(self, xy: np.ndarray) -> np.ndarray:
        """The detail sheet number of each point (0 when on none or no detail sheets)."""
        out = np.zeros(len(xy), dtype=int)
        for s in self.sheets:
            out[(out == 0) & s.contains(xy)] = s.number
        return out

    def shows_fdps(self, sheet: Sheet) -> bool:
        """Whether ``sheet`` draws distribution points: all but an overview with detail sheets.

        Like drops, they would clutter an overview at 1:10,000 or coarser; the
        detail sheets show every one of them.
        """
        return sheet is not self.overview or not self.sheets

    def joints_on(self, sheet: Sheet) -> tuple[np.ndarray, np.ndarray]:
        """Ground ``(n, 2)`` coordinates of the closures and distribution points ``sheet`` draws.

        A point on the edge between two detail sheets belongs to one of them
        (:meth:`Sheet.contains`), so the sheets together draw each point once.
        """
        fdps = (
            self.fdp_xy[sheet.contains(self.fdp_xy)] if self.shows_fdps(sheet) else np.zeros((0, 2))
        )
        return self.closure_xy[sheet.contains(self.closure_xy)], fdps

    def neighbours(self, sheet: Sheet) -> dict[str, int]:
        """Numbers of the sheets north, south, east and west of ``sheet``."""
        at = {(s.row, s.col): s.number for s in self.sheets}
        out = {}
        for side, (dr, dc) in {"N": (-1, 0), "S": (1, 0), "E": (0, 1), "W": (0, -1)}.items():
            n = at.get((sheet.row + dr, sheet.col + dc))
            if n:
                out[side] = n
        return out


def content_extent(layers: dict[str, Any]) -> tuple[float, float, float, float] | None:
    """Bounds of what the maps must show: buildings with homes and the trench routes."""
    parts = [
        np.asarray(shapely.bounds(layers[name].geometry.to_numpy()))
        for name in ("buildings", "trenches")
        if len(layers[name])
    ]
    if not parts:
        return None
    b = np.vstack(parts)
    return (float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max()))


def _points_xy(table: pd.DataFrame | None) -> np.ndarray:
    """The ``x``, ``y`` columns of a point table as ``(n, 2)`` metres; none for a missing table."""
    if table is None or not {"x", "y"} <= set(table.columns):
        return np.zeros((0, 2))
    return table[["x", "y"]].to_numpy(dtype=float).reshape(-1, 2)


def _largest_size(sizes: object) -> int:
    """The largest cable of a size string such as ``"288+96"``."""
    try:
        return max(int(s) for s in str(sizes).split("+") if s.strip())
    except ValueError:
        return 12


# -- drawing ------------------------------------------------------------------------
#: Where a splitter's label goes, relative to the symbol (pt), in order of preference.
_LABEL_OFFSETS = ((3.0, 1.0), (3.0, -6.0), (-3.0, 1.0), (-3.0, -6.0), (0, 4.0), (0, -9.5))


class MapSheet(Flowable):
    """One map page: the map rectangle, its furniture and the legend below it.

    Parameters
    ----------
    book
        The prepared plan and its sheets.
    sheet
        The sheet to draw (``book.overview`` or one of ``book.sheets``).
    legend_h
        Height of the legend band below the map, in points.
    paper
        Paper name, printed with the scale (``"A4"``).
    thumbnail
        Draw only the map, with a light frame and the attribution (title page).
    """

    def __init__(
        self, book: MapBook, sheet: Sheet, legend_h: float, paper: str, thumbnail: bool = False
    ) -> None:
        super().__init__()
        self.book = book
        self.sheet = sheet
        self.legend_h = 0.0 if thumbnail else legend_h
        self.paper = paper
        self.thumbnail = thumbnail
        self.width = book.map_w
        self.height = book.map_h + self.legend_h

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    # Page coordinates of ground coordinates, inside this flowable.
    def _to_page(self, xy: np.ndarray) -> np.ndarray:
        x0, y0, _, _ = self.sheet.bbox
        k = PT_PER_M / self.sheet.scale
        return np.column_stack([(xy[:, 0] - x0) * k, self.legend_h + (xy[:, 1] - y0) * k])

    def _visible(self, bounds: np.ndarray, margin_m: float = 0.0) -> np.ndarray:
        x0, y0, x1, y1 = self.sheet.bbox
        if not len(bounds):
            return np.zeros(0, dtype=bool)
        return (
            (bounds[:, 2] >= x0 - margin_m)
            & (bounds[:, 0] <= x1 + margin_m)
            & (bounds[:, 3] >= y0 - margin_m)
            & (bounds[:, 1] <= y1 + margin_m)
        )

    def _paths(self, gs: GeomSet, mask: np.ndarray, close: bool) -> str:
        xy, ring = gs.select(mask & self._visible(gs.bounds))
        return path_ops(self._to_page(xy), ring, close) if len(xy) else ""

    def draw(self) -> None:
        if is_draft(self.canv):
            return
        c: Canvas = self.canv
        book = self.book
        is_overview = self.sheet is book.overview
        tol_m = 0.15 * self.sheet.scale / PT_PER_M  # 0.15 pt on paper
        zoom = 0.75 if self.sheet.scale > 10000 else 1.0

        c.saveState()
        clip = c.beginPath()
        clip.rect(0, self.legend_h, self.width, book.map_h)
        c.clipPath(clip, stroke=0, fill=0)
        c.setLineJoin(1)
        c.setLineCap(1)

        self._draw_ground(c, tol_m, zoom)

        # Streets: a light casing then the fill, by class.
        streets = book.geomset("streets", tol_m)
        for cls in ("path", "minor", "major"):
            ops = self._paths(streets, np.asarray(book.street_class == cls), False)
            if not ops:
                continue
            width = _STREET_WIDTHS[cls] * zoom
            if cls == "path":
                c.setStrokeColor(STREET_CASING)
                c.setDash(1.2, 1.0)
                c.setLineWidth(width)
                c.addLiteral(ops + " S")
                c.setDash()
            else:
                c.setStrokeColor(STREET_CASING)
                c.setLineWidth(width + 0.5)
                c.addLiteral(ops + " S")
                c.setStrokeColor(STREET)
                c.setLineWidth(width)
                c.addLiteral(ops + " S")

        # Buildings without homes, then served buildings by group, then unserved.
        c.setLineWidth(0.15)
        other = book.geomset("other", tol_m)
        ops = self._paths(other, np.ones(len(other.bounds), dtype=bool), True)
        if ops:
            c.setFillColor(OTHER_BUILDING)
            c.setStrokeColor(OTHER_BUILDING_LINE)
            c.addLiteral(ops + " B")
        blds = book.geomset("buildings", tol_m)
        for g, fill in enumerate(GROUP_FILLS):
            ops = self._paths(blds, book.bld_group == g, True)
            if ops:
                col = colors.HexColor(fill)
                c.setFillColor(col)
                c.setStrokeColor(_darker(col, 0.62))
                c.addLiteral(ops + " B")
        ops = self._paths(blds, ~book.bld_served, True)
        if ops:
            c.setFillColor(UNSERVED_FILL)
            c.setStrokeColor(WARN)
            c.setLineWidth(0.5)
            c.addLiteral(ops + " B")

        # Routes reusing ducts or poles, as a wide light band under the cables.
        routes = book.geomset("routes", tol_m)
        for kind, col in (("duct", DUCT_REUSE), ("aerial", AERIAL)):
            ops = self._paths(routes, np.asarray(book.route_kind == kind), False)
            if ops:
                c.setStrokeColor(col)
                c.setLineWidth(4.2 * zoom)
                if kind == "aerial":
                    c.setDash(2.5, 1.5)
                c.addLiteral(ops + " S")
                c.setDash()

        # Drops.
        if not self.thumbnail and (not is_overview or not book.sheets):
            drops = book.geomset("drops", tol_m)
            ops = self._paths(drops, np.ones(len(drops.bounds), dtype=bool), False)
            if ops:
                c.setStrokeColor(DROP)
                c.setLineWidth(0.3)
                c.addLiteral(ops + " S")

        # Cables: feeder as a dark casing, distribution on top, width by size.
        cables = book.geomset("cables", tol_m)
        for layer, col, extra in (
            ("feeder", FEEDER, FEEDER_CASING),
            ("distribution", DISTRIBUTION, 0.0),
        ):
            for size, width in CABLE_WIDTHS.items():
                mask = (book.cable_layer == layer) & (book.cable_size == size)
                ops = self._paths(cables, mask, False)
                if ops:
                    c.setStrokeColor(col)
                    c.setLineWidth((width + extra) * zoom)
                    c.addLiteral(ops + " S")

        if self.thumbnail:
            self._draw_olt(c, [])
            c.restoreState()
            self._draw_thumbnail_frame(c)
            return
        self._draw_points(c, is_overview)
        if is_overview and book.sheets:
            self._draw_sheet_grid(c)
        c.restoreState()

        self._draw_frame_furniture(c, is_overview)
        self._draw_legend(c, is_overview)

    def _draw_ground(self, c: Canvas, tol_m: float, zoom: float) -> None:
        """The base map from the OSM file: land use, water, rivers and railways."""
        book = self.book
        landuse = book.geomset("landuse", tol_m)
        for value, fill in LANDUSE_FILLS.items():
            ops = self._paths(landuse, np.asarray(book.landuse_value == value), True)
            if ops:
                c.setFillColor(fill)
                c.addLiteral(ops + " f*")
        water = book.geomset("water", tol_m)
        ops = self._paths(water, np.ones(len(water.bounds), dtype=bool), True)
        if ops:
            c.setFillColor(WATER)
            c.addLiteral(ops + " f*")
        rivers = book.geomset("waterways", tol_m)
        ops = self._paths(rivers, np.ones(len(rivers.bounds), dtype=bool), False)
        if ops:
            c.setStrokeColor(WATERWAY)
            c.setLineWidth(1.6 * zoom)
            c.addLiteral(ops + " S")
        rails = book.geomset("railways", tol_m)
        ops = self._paths(rails, np.ones(len(rails.bounds), dtype=bool), False)
        if ops:
            c.setStrokeColor(RAILWAY)
            c.setLineWidth(1.4 * zoom)
            c.addLiteral(ops + " S")
            c.setStrokeColor(colors.white)
            c.setLineWidth(0.7 * zoom)
            c.setDash(3, 3)
            c.addLiteral(ops + " S")
            c.setDash()

    def _draw_thumbnail_frame(self, c: Canvas) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        text = map_credit(self.book.plan.district.attribution)
        w = stringWidth(text, FONT, 6.0)
        c.setFillColor(colors.white)
        c.setFillAlpha(0.85)
        c.rect(self.width - w - 6, 0.8, w + 5.2, 8.5, stroke=0, fill=1)
        c.setFillAlpha(1)
        c.setFillColor(GREY)
        c.setFont(FONT, 6.0)
        c.drawRightString(self.width - 3, 3.2, text)

    # -- symbols and labels ---------------------------------------------------------
    def _draw_points(self, c: Canvas, is_overview: bool) -> None:
        book = self.book
        x0, y0, x1, y1 = self.sheet.bbox
        zoom = 0.8 if self.sheet.scale > 10000 else 1.0
        # Unserved buildings: a red cross.
        uxy = book.unserved_xy
        if len(uxy):
            inside = (uxy[:, 0] >= x0) & (uxy[:, 0] <= x1) & (uxy[:, 1] >= y0) & (uxy[:, 1] <= y1)
            pts = self._to_page(uxy[inside])
            if len(pts):
                r = 2.6 * zoom
                c.setStrokeColor(WARN)
                c.setLineWidth(1.0)
                ops = " ".join(
                    f"{x - r:.1f} {y - r:.1f} m {x + r:.1f} {y + r:.1f} l "
                    f"{x - r:.1f} {y + r:.1f} m {x + r:.1f} {y - r:.1f} l"
                    for x, y in pts.tolist()
                )
                c.addLiteral(ops + " S")

        # Distribution points and closures: above the cables, below the splitters.
        symbols = self._draw_joints(c, zoom)

        # Splitters: first stage squares (two-stage designs), last stage circles.
        sp_in = (book.sp_xy[:, 0] >= x0) & (book.sp_xy[:, 0] <= x1)
        sp_in &= (book.sp_xy[:, 1] >= y0) & (book.sp_xy[:, 1] <= y1)
        pts = self._to_page(book.sp_xy[sp_in])
        stage = book.sp_stage[sp_in]
        last = stage == book.last_stage
        c.setLineWidth(0.7)
        if (~last).any():
            s = 2.6 * zoom
            c.setFillColor(TEAL)
            c.setStrokeColor(colors.white)
            for x, y in pts[~last].tolist():
                c.rect(x - s, y - s, 2 * s, 2 * s, stroke=1, fill=1)
        c.setFillColor(colors.white)
        c.setStrokeColor(NAVY)
        r = 1.9 * zoom
        for x, y in pts[last].tolist():
            c.circle(x, y, r, stroke=1, fill=1)

        placed: list[tuple[float, float, float, float]] = []
        self._draw_olt(c, placed)

        # Splitter labels, where they fit (not on an overview with detail sheets).
        if is_overview and book.sheets:
            return
        groups: dict[tuple[float, float], list[str]] = {}
        stage_of: dict[tuple[float, float], int] = {}
        for (x, y), lab, st in zip(
            pts.tolist(), book.sp_label[sp_in].tolist(), stage.tolist(), strict=True
        ):
            key = (round(x, 1), round(y, 1))
            groups.setdefault(key, []).append(lab)
            stage_of[key] = min(stage_of.get(key, st), st)
        for (x, y), labs in sorted(groups.items(), key=lambda kv: stage_of[kv[0]]):
            labs = sorted(labs)
            text = labs[0] if len(labs) == 1 else f"{labs[0]} +{len(labs) - 1}"
            col = TEAL if stage_of[(x, y)] < book.last_stage else NAVY
            # Beside the closures and distribution points if it can, over them if it must.
            for avoid in (symbols, None):
                if any(
                    self._label(
                        c,
                        x + dx,
                        y + dy,
                        text,
                        FONT,
                        5.6,
                        col,
                        placed,
                        anchor="end" if dx < 0 else ("middle" if dx == 0 else "start"),
                        avoid=avoid,
                    )
                    for dx, dy in _LABEL_OFFSETS
                ):
                    break

    def _draw_joints(self, c: Canvas, zoom: float) -> np.ndarray:
        """Distribution points (white squares) then closures (dark diamonds) on this sheet.

        Returns
        -------
        numpy.ndarray
            ``(n, 4)`` page boxes of the symbols drawn, for the labels to avoid.
        """
        closures, fdps = (self._to_page(xy) for xy in self.book.joints_on(self.sheet))
        _paint_fdps(c, fdps, FDP_HALF * zoom)
        _paint_closures(c, closures, CLOSURE_R * zoom)
        r = max(CLOSURE_R, FDP_HALF) * zoom
        pts = np.vstack([closures, fdps])
        return np.column_stack([pts - r, pts + r])

    def _draw_olt(self, c: Canvas, placed: list[tuple[float, float, float, float]]) -> None:
        ox, oy = self._to_page(self.book.olt_xy[None, :])[0]
        s = 4.2
        c.setFillColor(INK)
        c.setStrokeColor(colors.white)
        c.setLineWidth(1.0)
        c.rect(ox - s, oy - s, 2 * s, 2 * s, stroke=1, fill=1)
        self._label(c, ox + s + 1.5, oy - 3.0, "OLT", FONT_BOLD, 8.0, INK, placed, force=True)

    def _label(
        self,
        c: Canvas,
        x: float,
        y: float,
        text: str,
        font: str,
        size: float,
        col: colors.Color,
        placed: list[tuple[float, float, float, float]],
        anchor: str = "start",
        force: bool = False,
        avoid: np.ndarray | None = None,
    ) -> bool:
        """Draw ``text`` on a white halo unless it would leave the map or cover
        a placed label, or a box of ``avoid`` (``(n, 4)`` page boxes); ``force``
        draws it anyway. Returns whether it was drawn."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        w = stringWidth(text, font, size)
        left = x - w if anchor == "end" else (x - w / 2 if anchor == "middle" else x)
        box = (left - 0.6, y - 0.25 * size, left + w + 0.6, y + 0.8 * size)
        outside = box[0] < 0 or box[2] > self.width or box[1] < self.legend_h
        if not force and (outside or box[3] > self.height):
            return False
        if not force and avoid is not None and len(avoid):
            hit = (avoid[:, 0] < box[2]) & (box[0] < avoid[:, 2])
            if (hit & (avoid[:, 1] < box[3]) & (box[1] < avoid[:, 3])).any():
                return False
        if not force and any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed
        ):
            return False
        placed.append(box)
        c.saveState()
        c.setFillColor(colors.white)
        c.setFillAlpha(0.78)
        c.rect(box[0], box[1], box[2] - box[0], box[3] - box[1], stroke=0, fill=1)
        c.restoreState()
        c.setFillColor(col)
        c.setFont(font, size)
        c.drawString(left, y, text)
        return True

    def _draw_sheet_grid(self, c: Canvas) -> None:
        c.setStrokeColor(NAVY)
        c.setLineWidth(0.9)
        c.setDash(4, 2)
        for s in self.book.sheets:
            x0, y0, x1, y1 = s.bbox
            (px0, py0), (px1, py1) = self._to_page(np.array([[x0, y0], [x1, y1]]))
            c.rect(px0, py0, px1 - px0, py1 - py0, stroke=1, fill=0)
        c.setDash()
        for s in self.book.sheets:
            x0, y0, x1, y1 = s.bbox
            (px0, py0), (px1, py1) = self._to_page(np.array([[x0, y0], [x1, y1]]))
            text = str(s.number)
            c.setFont(FONT_BOLD, 10)
            from reportlab.pdfbase.pdfmetrics import stringWidth

            w = stringWidth(text, FONT_BOLD, 10)
            c.setFillColor(NAVY)
            c.roundRect(px0 + 3, py1 - 16, w + 8, 13, 2, stroke=0, fill=1)
            c.setFillColor(colors.white)
            c.drawString(px0 + 7, py1 - 12.6, text)

    # -- frame, scale bar, north arrow, attribution -----------------------------------
    def _draw_frame_furniture(self, c: Canvas, is_overview: bool) -> None:
        book = self.book
        top = self.height
        bottom = self.legend_h
        c.setStrokeColor(INK)
        c.setLineWidth(0.8)
        c.rect(0, bottom, self.width, book.map_h, stroke=1, fill=0)

        # Scale bar, lower left.
        m_per_pt = self.sheet.scale / PT_PER_M
        target_m = 0.2 * self.width * m_per_pt
        length_m = _round_length(target_m)
        bar_pt = length_m / m_per_pt
        bx, by = 10.0, bottom + 10.0
        c.setFillColor(colors.white)
        c.setFillAlpha(0.85)
        c.rect(bx - 6, by - 4, bar_pt + 22, 17.5, stroke=0, fill=1)
        c.setFillAlpha(1)
        seg = bar_pt / 4
        for i in range(4):
            c.setFillColor(INK if i % 2 == 0 else colors.white)
            c.setStrokeColor(INK)
            c.setLineWidth(0.5)
            c.rect(bx + i * seg, by, seg, 3.2, stroke=1, fill=1)
        c.setFillColor(INK)
        c.setFont(FONT, 6.5)
        c.drawCentredString(bx, by + 5.5, "0")
        c.drawCentredString(bx + 2 * seg, by + 5.5, _length_text(length_m / 2))
        c.drawCentredString(bx + bar_pt, by + 5.5, _length_text(length_m))

        # North arrow, upper right (UTM grid north).
        nx, ny = self.width - 16.0, top - 30.0
        c.setFillColor(colors.white)
        c.setFillAlpha(0.85)
        c.circle(nx, ny + 6, 12, stroke=0, fill=1)
        c.setFillAlpha(1)
        p = c.beginPath()
        p.moveTo(nx, ny + 14)
        p.lineTo(nx - 5, ny - 1)
        p.lineTo(nx, ny + 3)
        p.close()
        c.setFillColor(INK)
        c.drawPath(p, stroke=0, fill=1)
        p = c.beginPath()
        p.moveTo(nx, ny + 14)
        p.lineTo(nx + 5, ny - 1)
        p.lineTo(nx, ny + 3)
        p.close()
        c.setStrokeColor(INK)
        c.setFillColor(colors.white)
        c.setLineWidth(0.6)
        c.drawPath(p, stroke=1, fill=1)
        c.setFillColor(INK)
        c.setFont(FONT_BOLD, 8)
        c.drawCentredString(nx, ny + 15.5, "N")

        # Attribution, lower right.
        text = map_credit(book.plan.district.attribution)
        c.setFont(FONT, 6.3)
        from reportlab.pdfbase.pdfmetrics import stringWidth

        w = stringWidth(text, FONT, 6.3)
        c.setFillColor(colors.white)
        c.setFillAlpha(0.85)
        c.rect(self.width - w - 6, bottom + 0.8, w + 5.2, 9, stroke=0, fill=1)
        c.setFillAlpha(1)
        c.setFillColor(GREY)
        c.drawRightString(self.width - 3, bottom + 3.3, text)

        # Neighbouring sheets at the edges of a detail sheet.
        if not is_overview:
            c.setFont(FONT_BOLD, 7)
            for side, n in book.neighbours(self.sheet).items():
                label = f"sheet {n}"
                w = stringWidth(label + " →", FONT_BOLD, 7) + 6
                x, y = {
                    "N": (self.width / 2, top - 11),
                    "S": (self.width / 2, bottom + 3),
                    "E": (self.width - w / 2 - 2, bottom + book.map_h / 2),
                    "W": (w / 2 + 2, bottom + book.map_h / 2),
                }[side]
                c.setFillColor(NAVY)
                c.roundRect(x - w / 2, y - 2.5, w, 10, 2, stroke=0, fill=1)
                c.setFillColor(colors.white)
                text = {"N": f"↑ {label}", "S": f"↓ {label}", "E": f"{label} →", "W": f"← {label}"}[
                    side
                ]
                c.drawCentredString(x, y + 0.2, text)

    # -- legend ------------------------------------------------------------------------
    def _draw_legend(self, c: Canvas, is_overview: bool) -> None:
        book = self.book
        top = self.legend_h - 10.0
        col_w = self.width / 4.0
        row = 9.4

        def title(x: float, text: str) -> None:
            c.setFillColor(NAVY)
            c.setFont(FONT_BOLD, 7.2)
            c.drawString(x, top, text)

        def text(x: float, y: float, s: str, size: float = 6.8, col: Any = INK) -> None:
            c.setFillColor(col)
            c.setFont(FONT, size)
            c.drawString(x, y, s)

        def line_sample(
            x: float,
            y: float,
            col: colors.Color,
            width: float,
            dash: tuple[float, float] | None = None,
            length: float = 16,
        ) -> None:
            c.setStrokeColor(col)
            c.setLineWidth(width)
            c.setLineCap(1)
            if dash:
                c.setDash(*dash)
            c.line(x + 1, y + 2.3, x + length, y + 2.3)
            c.setDash()

        # Column 1: network elements, closer together when there are many.
        x = 0.0
        title(x, "Network")
        entries = self._network_legend(is_overview)
        y = top - row - 1
        step = min(row, (y - 2.5) / max(len(entries) - 1, 1))
        for symbol, label in entries:
            symbol(x, y)
            text(x + 22, y, label)
            y -= step

        # Column 2: cable sizes.
        x = col_w
        title(x, "Cable size (fibres)")
        y = top - row - 1
        has_feeder = bool((book.cable_layer == "feeder").any())
        text(x + 22, y, "distribution" + ("  ·  feeder" if has_feeder else ""), 5.8, GREY)
        y -= row * 0.9
        present = sorted(set(book.cable_size.tolist())) or [12]
        step = min(row * 0.86, (y - 3) / max(len(present), 1))
        for size in present:
            width = CABLE_WIDTHS.get(size, 1.0)
            text(x, y, f"{size}")
            if (book.cable_layer[book.cable_size == size] == "distribution").any():
                line_sample(x + 20, y, DISTRIBUTION, width, length=18)
            if (book.cable_layer[book.cable_size == size] == "feeder").any():
                line_sample(x + 46, y, FEEDER, width + FEEDER_CASING, length=18)
            y -= step

        # Column 3: buildings, streets, routes.
        x = 2 * col_w
        title(x, "Buildings and streets")
        y = top - row - 1
        for i, fill in enumerate(GROUP_FILLS[:4]):
            col = colors.HexColor(fill)
            c.setFillColor(col)
            c.setStrokeColor(_darker(col, 0.62))
            c.setLineWidth(0.3)
            c.rect(x + 1 + i * 4.0, y - 0.5, 3.6, 6, stroke=1, fill=1)
        text(x + 22, y, "homes, colour per splitter")
        y -= row
        if (~book.bld_served).any():
            c.setFillColor(UNSERVED_FILL)
            c.setStrokeColor(WARN)
            c.setLineWidth(0.6)
            c.rect(x + 2, y - 0.5, 13, 6, stroke=1, fill=1)
            text(x + 22, y, "homes not served")
            y -= row
        c.setFillColor(OTHER_BUILDING)
        c.setStrokeColor(OTHER_BUILDING_LINE)
        c.setLineWidth(0.3)
        c.rect(x + 2, y - 0.5, 13, 6, stroke=1, fill=1)
        text(x + 22, y, "building without homes")
        y -= row
        line_sample(x, y, STREET_CASING, 2.3)
        line_sample(x, y, STREET, 1.7)
        text(x + 22, y, "street")
        y -= row
        line_sample(x, y, STREET_CASING, 0.5, (1.2, 1.0))
        text(x + 22, y, "footway, path, steps")
        y -= row
        if (book.route_kind == "duct").any():
            line_sample(x, y, DUCT_REUSE, 4.0)
            text(x + 22, y, "existing duct reused")
            y -= row
        if (book.route_kind == "aerial").any():
            line_sample(x, y, AERIAL, 4.0, (2.5, 1.5))
            text(x + 22, y, "aerial, existing poles")
            y -= row

        # Column 4: scale and key map.
        x = 3 * col_w
        if is_overview:
            title(x, "Whole district")
        else:
            title(x, f"Sheet {self.sheet.number} of {len(book.sheets)}")
        y = top - row - 1
        text(x, y, f"Scale 1:{self.sheet.scale:,} on {self.paper} paper")
        y -= row * 0.9
        text(x, y, f"{book.plan.district.crs}, grid north up", 6.2, GREY)
        if is_overview and book.sheets:
            y -= row * 0.9
            text(x, y, f"Dashed boxes: detail sheets 1–{len(book.sheets)}", 6.2, GREY)
            y -= row * 0.8
            text(x, y, f"at 1:{book.sheets[0].scale:,}, on the pages that follow", 6.2, GREY)
            y -= row * 0.8
            fdps = " and FDPs" if len(book.fdp_xy) else ""
            text(x, y, f"Drops{fdps}: detail sheets only", 6.2, GREY)
        if not is_overview:
            self._draw_key_map(c, x, 2.0, col_w - 4.0, y - 8.0)

    def _network_legend(self, is_overview: bool) -> list[tuple[Any, str]]:
        """The network column's rows: a function drawing the symbol at ``(x, y)``, and its text."""
        book = self.book
        c = self.canv

        def olt(x: float, y: float) -> None:
            c.setFillColor(INK)
            c.rect(x + 5, y - 1.1, 7, 7, stroke=0, fill=1)

        def first_stage(x: float, y: float) -> None:
            c.setFillColor(TEAL)
            c.rect(x + 6, y - 0.1, 5, 5, stroke=0, fill=1)

        def splitter(x: float, y: float) -> None:
            c.setFillColor(colors.white)
            c.setStrokeColor(NAVY)
            c.setLineWidth(0.7)
            c.circle(x + 8.5, y + 2.4, 1.9, stroke=1, fill=1)

        def closure(x: float, y: float) -> None:
            _paint_closures(c, np.array([[x + 8.5, y + 2.4]]), CLOSURE_R + 0.2)

        def fdp(x: float, y: float) -> None:
            _paint_fdps(c, np.array([[x + 8.5, y + 2.4]]), FDP_HALF + 0.2)

        def line(col: colors.Color, width: float) -> Any:
            def draw(x: float, y: float) -> None:
                c.setStrokeColor(col)
                c.setLineWidth(width)
                c.setLineCap(1)
                c.line(x + 1, y + 2.3, x + 16, y + 2.3)

            return draw

        def unserved(x: float, y: float) -> None:
            c.setStrokeColor(WARN)
            c.setLineWidth(1.0)
            c.line(x + 6, y - 0.2, x + 11, y + 4.8)
            c.line(x + 6, y + 4.8, x + 11, y - 0.2)

        two_stage = book.last_stage > 1
        rows: list[tuple[Any, str]] = [(olt, "OLT (central office)")]
        if two_stage:
            rows.append((first_stage, "splitter, first stage"))
        rows.append((splitter, "splitter" + (", last stage" if two_stage else "")))
        if len(book.closure_xy):
            rows.append((closure, "joint closure"))
        if len(book.fdp_xy) and book.shows_fdps(self.sheet):
            rows.append((fdp, "distribution point (FDP)"))
        if (book.cable_layer == "feeder").any():
            rows.append((line(FEEDER, CABLE_WIDTHS[24] + FEEDER_CASING), "feeder cable"))
        rows.append((line(DISTRIBUTION, CABLE_WIDTHS[24]), "distribution cable"))
        if not is_overview or not book.sheets:
            rows.append((line(DROP, 0.4), "drop cable"))
        if len(book.unserved_xy):
            rows.append((unserved, "unserved building"))
        return rows

    def _draw_key_map(self, c: Canvas, x: float, y: float, w: float, h: float) -> None:
        """The sheet grid in miniature, this sheet filled."""
        book = self.book
        sheets = book.sheets
        bx0 = min(s.bbox[0] for s in sheets)
        by0 = min(s.bbox[1] for s in sheets)
        bx1 = max(s.bbox[2] for s in sheets)
        by1 = max(s.bbox[3] for s in sheets)
        k = min(w / (bx1 - bx0), h / (by1 - by0))
        ox = x + (w - (bx1 - bx0) * k) / 2
        c.setLineWidth(0.4)
        for s in sheets:
            sx0, sy0, sx1, sy1 = s.bbox
            current = s.number == self.sheet.number
            c.setFillColor(NAVY if current else colors.white)
            c.setStrokeColor(GREY)
            c.rect(
                ox + (sx0 - bx0) * k,
                y + (sy0 - by0) * k,
                (sx1 - sx0) * k,
                (sy1 - sy0) * k,
                stroke=1,
                fill=1,
            )
        ox_, oy_ = book.olt_xy
        c.setFillColor(DISTRIBUTION)
        c.circle(ox + (ox_ - bx0) * k, y + (oy_ - by0) * k, 1.3, stroke=0, fill=1)


def _paint_closures(c: Canvas, pts: np.ndarray, r: float) -> None:
    """Closure diamonds at page points ``pts``, ``r`` from centre to corner, as one path."""
    if not len(pts):
        return
    c.setFillColor(CLOSURE)
    c.setStrokeColor(colors.white)
    c.setLineWidth(0.5)
    x, y = np.round(pts[:, 0], 1), np.round(pts[:, 1], 1)
    corners = np.column_stack([x, y - r, x + r, y, x, y + r, x - r, y]).round(1).tolist()
    c.addLiteral(
        " ".join("{:g} {:g} m {:g} {:g} l {:g} {:g} l {:g} {:g} l h".format(*k) for k in corners)
        + " B"
    )


def _paint_fdps(c: Canvas, pts: np.ndarray, half: float) -> None:
    """Distribution point squares at page points ``pts``, ``half`` their side, as one path."""
    if not len(pts):
        return
    c.setFillColor(colors.white)
    c.setStrokeColor(DISTRIBUTION)
    c.setLineWidth(0.7)
    side = round(2 * half, 1)
    corners = (pts - half).round(1).tolist()
    c.addLiteral(" ".join(f"{x:g} {y:g} {side:g} {side:g} re" for x, y in corners) + " B")


def _darker(col: colors.Color, f: float) -> colors.Color:
    return colors.Color(col.red * f, col.green * f, col.blue * f)


def _round_length(target_m: float) -> float:
    """A round length near ``target_m`` for a scale bar (1, 2 or 5 × 10^k)."""
    exp = 10 ** math.floor(math.log10(target_m))
    for f in (5, 2, 1):
        if f * exp <= target_m:
            return float(f * exp)
    return float(exp)


def _length_text(m: float) -> str:
    return f"{m / 1000:g} km" if m >= 1000 else f"{m:g} m"


def map_credit(attribution: str) -> str:
    """The credit line of a map: ``Map data © OpenStreetMap contributors, ODbL 1.0``."""
    text = attribution.replace("(c)", "©").strip()
    if "openstreetmap" in text.lower():
        return f"Map data {text}"
    return f"Data: {text}" if text else ""


#: Space the legend band takes below every map, in points.
LEGEND_H = 33 * mm
