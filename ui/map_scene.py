"""What the map draws, prepared once per plan: batched paths, symbols and a spatial index.

:func:`build_scene` turns a :class:`~fttx_planner.plan.Plan` into a
:class:`MapScene`: the plan's layers (:func:`fttx_planner.export.plan_layers`
in the district's metric CRS) as a few :class:`QPainterPath` batches per
style, each cut into spatial tiles so a zoomed-in frame draws only the tiles
it sees, with a simplified copy of each tile for frames zoomed far out. Point
symbols (OLT, splitters, joints, road and barrier crossings, unserved homes)
stay NumPy arrays, transformed and culled per frame. Hit-testing uses
shapely STRtrees on the metric layers.

Everything here is a plain value (no widget), so the scene is built in the
worker thread that planned and the GUI thread only draws it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath, QPolygonF
from scipy.spatial import cKDTree

from fttx_planner.export import plan_layers
from fttx_planner.plan import Plan
from ui import map_crossings as mc
from ui import map_style as ms

#: Toggleable layers, in drawing order, with their labels.
LAYERS: dict[str, str] = {
    "areas": "Service areas (region plans)",
    "streets": "Streets",
    "trenches": "Trench routes (by method)",
    "buildings": "Buildings (by splitter group)",
    "drops": "Drop cables",
    "distribution": "Distribution cables",
    "feeder": "Feeder cables",
    "splitters": "Splitters",
    "joints": "Closures and distribution points",
    "crossings": "Road and barrier crossings",
    "olt": "OLT",
    "unserved": "Unserved homes",
    "offices": "Central offices (region plans)",
}
#: Layers shown when a plan opens.
DEFAULT_VISIBLE = frozenset(LAYERS) - {"trenches"}
#: Geometries per tile: small enough to cull well, big enough to batch well.
_PER_TILE = 400
#: Tolerance (m) of the simplified copy drawn when zoomed far out.
_COARSE_TOLERANCE_M = 2.0

Check = Callable[[], None]


@dataclass
class Tile:
    """A spatially compact chunk of a batch: its bounds and what to draw, full and simplified.

    ``full`` and ``coarse`` hold :class:`QPainterPath` objects (fills and
    hairlines) or :class:`QPolygonF` polylines (wide strokes: Qt strokes many
    small polylines far faster than one path holding them all).
    """

    rect: QRectF
    full: list[Any]
    coarse: list[Any]
    hairline: QPainterPath | None = None
    item_bounds: np.ndarray | None = None


@dataclass
class Batch:
    """Geometries of one layer drawn with one style.

    ``mode`` is ``"fill"`` (polygons), ``"hairline"`` (lines of at most one
    pixel, drawn as paths) or ``"stroke"`` (wider lines, drawn as polylines).
    """

    layer: str
    style: ms.LineStyle | ms.FillStyle
    mode: str
    tiles: list[Tile]
    count: int


@dataclass
class Feature:
    """Something picked on the map, with its details for display."""

    kind: str
    index: int
    title: str
    rows: list[tuple[str, str]]
    geometry: Any = None
    group_geometry: Any = None

    def text(self) -> str:
        """Plain-text details (tooltip)."""
        lines = [self.title] + [f"{k}: {v}" for k, v in self.rows]
        return "\n".join(lines)

    def html(self) -> str:
        """Details as a small HTML table."""
        rows = "".join(
            f"<tr><td style='color:#555;padding-right:10px'>{k}</td><td><b>{v}</b></td></tr>"
            for k, v in self.rows
        )
        return f"<p style='font-size:11pt'><b>{self.title}</b></p><table>{rows}</table>"


@dataclass
class Symbols:
    """Point symbols in metric coordinates with a colour/style class each."""

    xy: np.ndarray
    kind: np.ndarray
    labels: list[str] = field(default_factory=list)


@dataclass
class MapScene:
    """A plan ready to draw and query.

    Attributes
    ----------
    bounds
        Extent of the district in metres (``QRectF`` with y up).
    batches
        Path batches in drawing order.
    splitters
        Splitter symbols; ``kind`` is the colour group of a last-stage
        splitter, or -1 for a first-stage one.
    olt
        The OLT position.
    unserved
        Unserved building positions.
    attribution
        Data attribution to draw on the map.
    """

    bounds: QRectF
    batches: list[Batch]
    splitters: Symbols
    olt: np.ndarray
    unserved: np.ndarray
    attribution: str
    district_name: str
    layers: dict[str, gpd.GeoDataFrame]
    group_colour: dict[int, int]
    budget_db: float
    trench_methods: frozenset[str]
    _trees: dict[str, shapely.STRtree] = field(default_factory=dict, repr=False)
    #: Closures (``kind`` 0) and distribution points (``kind`` 1).
    joints: Symbols = field(
        default_factory=lambda: Symbols(np.zeros((0, 2)), np.zeros(0, dtype=np.int64))
    )
    #: Names from the naming templates, once the plan's detailed design is built
    #: (:class:`~ui.map_trace.FeatureNames`); they join the features' details.
    names: Any = None
    #: Central offices of a region plan (``kind``: index of the area's colour, -1 none).
    offices: Symbols = field(
        default_factory=lambda: Symbols(np.zeros((0, 2)), np.zeros(0, dtype=np.int64))
    )
    #: Road crossings and barrier bores (``kind``: index in :data:`ui.map_crossings.KINDS`),
    #: the first rows of ``layers["crossings"]`` (its far-side trench lines follow).
    crossings: Symbols = field(
        default_factory=lambda: Symbols(np.zeros((0, 2)), np.zeros(0, dtype=np.int64))
    )
    #: By layer (``joints``, ``splitters``), per crossing: a symbol of that layer shares its
    #: place (where it is drawn, the crossing's ``+`` opens in the middle, so it shows through).
    crossing_under: dict[str, np.ndarray] = field(default_factory=dict)

    # -- hit-testing ------------------------------------------------------------
    def pick(
        self, x: float, y: float, tolerance_m: float, visible: Iterable[str]
    ) -> Feature | None:
        """The feature under metric point ``(x, y)``, searching only visible layers.

        Points (OLT, crossings, splitters, unserved homes) within
        ``tolerance_m`` come first, then a building containing the point,
        then far-side trenches, cables and drops within the tolerance, then a
        building within it.
        """
        shown = set(visible) & set(self._trees) | ({"olt"} & set(visible))
        pt = shapely.Point(x, y)
        near_olt = (
            len(self.olt) and math.hypot(self.olt[0] - x, self.olt[1] - y) <= tolerance_m * 1.5
        )
        if "olt" in shown and near_olt:
            return self.feature("olt", 0)
        for layer in ("offices", "crossings", "splitters", "unserved", "joints"):
            if layer in shown:
                hit = self._nearest(layer, pt, tolerance_m)
                if hit is not None:
                    return self.feature(layer, hit)
        if "buildings" in shown:
            inside = self._trees["buildings"].query(pt, predicate="intersects")
            if len(inside):
                return self.feature("buildings", int(inside[0]))
        if "crossings" in shown:  # far-side trenches, drawn over the cables
            hit = self._nearest("crossing_lines", pt, tolerance_m)
            if hit is not None:
                return self.feature("crossings", len(self.crossings.xy) + hit)
        for layer in ("feeder", "distribution", "drops"):
            if layer in shown:
                hit = self._nearest(layer, pt, tolerance_m)
                if hit is not None:
                    return self.feature(layer, hit)
        if "buildings" in shown:
            hit = self._nearest("buildings", pt, tolerance_m)
            if hit is not None:
                return self.feature("buildings", hit)
        if "areas" in shown:
            inside = self._trees["areas"].query(pt, predicate="intersects")
            if len(inside):
                return self.feature("areas", int(inside[0]))
        return None

    def _nearest(self, layer: str, pt: shapely.Point, tolerance_m: float) -> int | None:
        tree = self._trees.get(layer)
        if tree is None or len(tree.geometries) == 0:
            return None
        hit = tree.query_nearest(pt, max_distance=tolerance_m, return_distance=False)
        # Of features equally near (a closure in its distribution point's
        # chamber), the first: closures come before distribution points.
        return int(hit.min()) if len(hit) else None

    def feature(self, kind: str, index: int) -> Feature:
        """Details of feature ``index`` of layer ``kind`` (with its name, once known)."""
        feature = self._feature(kind, index)
        if self.names is not None:
            named = self.names.rows(kind, index)
            if named:
                feature.rows = [*named, *feature.rows]
        return feature

    def _feature(self, kind: str, index: int) -> Feature:
        if kind in ("areas", "offices"):
            return self._region_feature(kind, index)
        if kind == "olt":
            row = self.layers["olt"].iloc[0]
            return Feature(
                "olt", 0, "OLT (central office)",
                [("PON ports used", f"{int(row['ports']):,}"),
                 ("Position", f"{self.olt[0]:,.0f} m E, {self.olt[1]:,.0f} m N")],
                geometry=row.geometry,
            )  # fmt: skip
        if kind == "splitters":
            return self._splitter_feature(index)
        if kind == "joints":
            return self._joint_feature(index)
        if kind == "crossings":
            row = self.layers["crossings"].iloc[index]
            title, rows = mc.crossing_details(row, is_line=index >= len(self.crossings.xy))
            return Feature("crossings", index, title, rows, geometry=row.geometry)
        if kind == "unserved":
            row = self.layers["unserved"].iloc[index]
            return Feature(
                "unserved", index, f"Unserved building (OSM {int(row['osm_id'])})",
                [("Homes", f"{int(row['homes']):,}"), ("Reason", str(row["reason"]))],
                geometry=row.geometry,
            )  # fmt: skip
        if kind == "buildings":
            return self._building_feature(index)
        if kind in ("feeder", "distribution"):
            return self._cable_feature(kind, index)
        if kind == "drops":
            row = self.layers["drops"].iloc[index]
            return Feature(
                "drops", index, "Drop cable",
                [("Building (OSM)", str(int(row["building_osm_id"]))),
                 ("Homes", f"{int(row['homes']):,}"), ("Length", f"{row['length_m']:,.0f} m")],
                geometry=row.geometry,
            )  # fmt: skip
        msg = f"unknown map layer {kind!r}"
        raise KeyError(msg)

    def _region_feature(self, kind: str, index: int) -> Feature:
        """A service area or a central office of a region plan."""
        if kind == "offices":
            row = self.layers["offices"].iloc[index]
            area = int(row["area_id"])
            return Feature(
                "offices", index, f"Central office {row['name']}",
                [("Placed by", "the engine" if row["chosen_by"] == "engine" else "the user"),
                 ("Service area", f"{area}" if area else "none (serves no home)")],
                geometry=row.geometry,
            )  # fmt: skip
        row = self.layers["areas"].iloc[index]
        rows = [("Central office", str(row["central_office"])), ("Status", str(row["status"]))]
        if str(row["status"]) == "planned":
            rows += [
                ("Homes passed", f"{int(row['homes_passed']):,}"),
                ("Homes unserved", f"{int(row['homes_unserved']):,}"),
                ("Capex", f"{float(row['capex_eur']):,.0f} EUR"),
            ]
            gap = row.get("gap_to_lower_bound")
            if gap is not None and np.isfinite(gap):
                rows.append(("Gap to its lower bound", f"{100 * float(gap):.1f} %"))
            rows.append(("Open", "double-click the area, or pick it in the Region list"))
        else:
            rows.append(("Error", str(row.get("error", ""))))
        return Feature(
            "areas", index, f"Service area {int(row['area_id'])}", rows, geometry=row.geometry
        )

    def _building_feature(self, index: int) -> Feature:
        row = self.layers["buildings"].iloc[index]
        name = str(row["name"]) if str(row["name"]) not in ("", "nan", "None") else ""
        title = f"Building {name}" if name else f"Building (OSM {int(row['osm_id'])})"
        kind = str(row["building"])
        rows = [("Type", "building (untyped)" if kind == "yes" else kind), *premises_rows(row)]
        if int(row.get("phase", 0)) > 0:
            rows.append(
                ("Roll-out phase", f"{int(row['phase'])} (roll-out year {int(row['phase'])})")
            )
        sid = int(row["splitter_id"])
        if bool(row["served"]):
            # The template's name once the detailed design is known (as in the trace).
            named = self.names.splitter_of_id.get(sid) if self.names is not None else None
            rows += [
                ("Splitter", named or str(row["splitter"])),
                ("Optical loss", f"{row['loss_db']:.1f} dB of {self.budget_db:.0f} dB budget"),
                ("Fibre path", f"{row['path_m']:,.0f} m"),
                ("Drop", f"{row['drop_m']:,.0f} m"),
            ]
        else:
            rows += [("Served", "no"), ("Reason", str(row["reason"]))]
        return Feature(
            "buildings", index, title, rows, geometry=row.geometry,
            group_geometry=self._group_geometry(sid) if sid >= 0 else None,
        )  # fmt: skip

    def _joint_feature(self, index: int) -> Feature:
        n_closures = int((self.joints.kind == 0).sum())
        if index < n_closures:
            row = self.layers["closures"].iloc[index]
            return Feature(
                "joints", index, f"Closure ({row['kind']})",
                [("Cables joined", str(row["layers"])),
                 ("Fibre splices", f"{int(row['splices'])}")],
                geometry=row.geometry,
            )  # fmt: skip
        row = self.layers["fdps"].iloc[index - n_closures]
        return Feature(
            "joints", index, "Distribution point",
            [("Drops", f"{int(row['buildings'])} buildings"),
             ("Ports used", f"{int(row['ports_used'])}")],
            geometry=row.geometry,
        )  # fmt: skip

    def _splitter_feature(self, index: int) -> Feature:
        sp = self.layers["splitters"]
        row = sp.iloc[index]
        sid = int(row["splitter_id"])
        rows = [
            ("Stage", f"{int(row['stage'])}"),
            ("Ratio", f"1:{int(row['ratio'])}"),
            ("Ports used", f"{int(row['ports_used'])} of {int(row['ratio'])}"),
            ("Homes served", f"{int(row['homes']):,}"),
        ]
        parent = int(row["parent_id"])
        if parent >= 0:
            labels = sp.set_index("splitter_id")["label"]
            rows.append(("Fed by", str(labels.get(parent, parent))))
        return Feature(
            "splitters", index, f"Splitter {row['label']}", rows, geometry=row.geometry,
            group_geometry=self._group_geometry(sid),
        )  # fmt: skip

    def _cable_feature(self, layer: str, index: int) -> Feature:
        sel = self.layers[layer]
        row = sel.iloc[index]
        rows = [
            ("Fibres", f"{int(row['fibres']):,}"),
            ("Cable size", " + ".join(f"{s} f" for s in str(row["cable_size"]).split("+"))),
            ("Cables", f"{int(row['cable_count'])}"),
            ("Length", f"{row['length_m']:,.0f} m"),
            ("Cable cost", f"{row['cost_eur']:,.0f} EUR"),
        ]
        tr = self.layers["trenches"]
        match = tr.loc[tr["edge"] == row["edge"]]
        if len(match):
            t = match.iloc[0]
            rows += [
                ("Civil works", str(t["method"]).replace("_", " ")),
                ("Civil cost", f"{t['cost_eur']:,.0f} EUR"),
            ]
        return Feature(layer, index, f"{layer.capitalize()} cable", rows, geometry=row.geometry)

    def _group_geometry(self, splitter_id: int) -> Any:
        """Footprints of the buildings a splitter serves (through its children too)."""
        sp = self.layers["splitters"]
        ids = {splitter_id}
        ids |= set(sp.loc[sp["parent_id"] == splitter_id, "splitter_id"].astype(int))
        b = self.layers["buildings"]
        members = b.loc[b["splitter_id"].isin(ids)]
        if not len(members):
            return None
        return shapely.GeometryCollection(list(members.geometry))


#: What each premises source means, for the details of a building.
PREMISES_SOURCES = {
    "tag": "flats tag (building:flats)",
    "register": "premises register",
    "address": "address points in the building",
    "rule": "building type rule",
    "estimate": "floor-area estimate",
    "calibrated": "estimate scaled to the known total",
    "none": "no premises (type or size)",
}


def premises_rows(row: Any) -> list[tuple[str, str]]:
    """Residential units, business units and where the count comes from, of a building row."""
    homes = int(row["homes"])
    if "residential_units" not in row:  # a plan layer without the premises split
        return [("Homes", f"{homes:,}" + ("" if row["homes_from_tag"] else " (estimated)"))]
    source = str(row["premises_source"])
    return [
        ("Residential units", f"{int(row['residential_units']):,}"),
        ("Business units", f"{int(row['business_units']):,}"),
        ("Premises from", PREMISES_SOURCES.get(source, source)),
    ]


def build_scene(
    plan: Plan,
    check: Check | None = None,
) -> MapScene:
    """Prepare a plan for drawing.

    Parameters
    ----------
    plan
        The plan.
    check
        Called between steps; may raise to cancel.
    """
    step = check or (lambda: None)
    layers = plan_layers(plan, wgs84=False)
    step()
    d = plan.district
    return scene_from_layers(
        layers, d.name, d.attribution, plan.params.budget_db, d.bounds_xy, check
    )


def scene_from_layers(
    layers: dict[str, gpd.GeoDataFrame],
    name: str,
    attribution: str,
    budget_db: float,
    fallback_bounds: tuple[float, float, float, float] | None = None,
    check: Check | None = None,
) -> MapScene:
    """Prepare a plan's map layers for drawing (a plan in memory or read from a GeoPackage).

    Parameters
    ----------
    layers
        The layers of :func:`fttx_planner.export.plan_layers` in a metric CRS
        (``closures``, ``fdps`` and ``unserved`` may be missing).
    name, attribution
        Drawn on the map.
    budget_db
        The loss budget the buildings' details compare with.
    fallback_bounds
        ``(minx, miny, maxx, maxy)`` when there are no buildings or trenches.
    check
        Called between steps; may raise to cancel.
    """
    step = check or (lambda: None)
    layers = dict(layers)
    # The planned area: buildings and the network (streets at the edge of the
    # extract may reach much farther; they are drawn, but fitting shows the plan).
    extent = [
        layers[layer].total_bounds
        for layer in ("buildings", "trenches")
        if len(layers[layer]) and np.isfinite(layers[layer].total_bounds).all()
    ]
    if extent:
        e = np.asarray(extent)
        minx, miny = float(e[:, 0].min()), float(e[:, 1].min())
        maxx, maxy = float(e[:, 2].max()), float(e[:, 3].max())
    else:
        minx, miny, maxx, maxy = fallback_bounds or (0.0, 0.0, 100.0, 100.0)
    pad = max(maxx - minx, maxy - miny, 50.0) * 0.04
    bounds = QRectF(minx - pad, miny - pad, (maxx - minx) + 2 * pad, (maxy - miny) + 2 * pad)
    batches: list[Batch] = []

    # Streets, by class.
    streets = layers["streets"]
    batches += street_batches(streets)
    step()

    # Trench routes by civil method (soft casing under the cables).
    tr = layers["trenches"]
    method = tr["method"].astype(str).to_numpy()
    kind = np.where(method == "duct_reuse", 1, np.where(method == "aerial", 2, 0))
    trench_styles = {
        0: ms.LineStyle(ms.TRENCH_NEW, 9.0),
        1: ms.LineStyle(ms.TRENCH_DUCT, 9.0),
        2: ms.LineStyle(ms.TRENCH_AERIAL, 9.0),
    }
    for k in (0, 1, 2):
        sel = kind == k
        if sel.any():
            batches.append(_line_batch("trenches", trench_styles[k], tr.geometry.values[sel]))
    step()

    # Buildings coloured by splitter group; unserved grey with a red edge.
    b = layers["buildings"]
    group_colour = _colour_groups(b)
    colour = np.array(
        [group_colour.get(int(s), -1) if served else -1
         for s, served in zip(b["splitter_id"], b["served"], strict=True)],
        dtype=np.int64,
    )  # fmt: skip
    geoms = b.geometry.values
    for c in sorted(set(colour.tolist())):
        sel = colour == c
        style = ms.UNSERVED_STYLE if c < 0 else ms.group_fill(c)
        batches.append(_polygon_batch("buildings", style, geoms[sel]))
        step()

    # Drops, then distribution and feeder cables by width.
    drops = layers["drops"]
    if len(drops):
        batches.append(_line_batch("drops", ms.LineStyle(ms.DROP, 0.9), drops.geometry.values))
    cables = layers["cables"]
    size = np.array([_largest_size(s) for s in cables["cable_size"].astype(str)], dtype=np.int64)
    width = np.array([ms.cable_width(int(s)) for s in size])
    width = np.where(
        cables["cable_count"].to_numpy() > 1, np.maximum(width, ms.CABLE_WIDTH_MAX), width
    )
    layers["distribution"] = cables.loc[cables["layer"] == "distribution"].reset_index(drop=True)
    layers["feeder"] = cables.loc[cables["layer"] == "feeder"].reset_index(drop=True)
    for layer_name, colour_name in (("distribution", ms.DISTRIBUTION), ("feeder", ms.FEEDER)):
        sel = (cables["layer"] == layer_name).to_numpy()
        for w in sorted(set(width[sel].tolist())):
            pick = sel & (width == w)
            batches.append(
                _line_batch(layer_name, ms.LineStyle(colour_name, w), cables.geometry.values[pick])
            )
        step()

    # Far-side trenches over the cables; the crossings' symbols are drawn per frame.
    crossings, n_points = mc.crossings_frame(layers)
    layers["crossings"] = crossings
    cross_geoms = np.asarray(crossings.geometry.values)
    if len(crossings) > n_points:
        batches.append(_line_batch("crossings", ms.FAR_SIDE_TRENCH, cross_geoms[n_points:]))
    cross_xy = shapely.get_coordinates(cross_geoms[:n_points]) if n_points else np.zeros((0, 2))

    sp = layers["splitters"]
    sp_xy = shapely.get_coordinates(sp.geometry.values) if len(sp) else np.zeros((0, 2))
    last = sp["stage"].to_numpy() == sp["stage"].max() if len(sp) else np.zeros(0, bool)
    two_stage = len(sp) and sp["stage"].nunique() > 1
    sp_kind = np.array(
        [group_colour.get(int(i), 0) if (is_last or not two_stage) else -1
         for i, is_last in zip(sp["splitter_id"], last, strict=True)],
        dtype=np.int64,
    )  # fmt: skip
    olt_xy = shapely.get_coordinates(layers["olt"].geometry.values)[0]
    un = layers["unserved"]
    un_xy = shapely.get_coordinates(un.geometry.values) if len(un) else np.zeros((0, 2))

    joint_frames = [layers.get(n) for n in ("closures", "fdps")]
    joint_geoms = np.concatenate(
        [f.geometry.values if f is not None else np.zeros(0, dtype=object) for f in joint_frames]
    )
    joint_xy = shapely.get_coordinates(joint_geoms) if len(joint_geoms) else np.zeros((0, 2))
    joint_kind = np.concatenate(
        [
            np.full(len(f) if f is not None else 0, k, dtype=np.int64)
            for k, f in enumerate(joint_frames)
        ]
    )
    trees = {
        "joints": shapely.STRtree(joint_geoms),
        "buildings": shapely.STRtree(b.geometry.values),
        "splitters": shapely.STRtree(sp.geometry.values),
        "unserved": shapely.STRtree(un.geometry.values),
        "drops": shapely.STRtree(drops.geometry.values),
        "distribution": shapely.STRtree(layers["distribution"].geometry.values),
        "feeder": shapely.STRtree(layers["feeder"].geometry.values),
        "crossings": shapely.STRtree(cross_geoms[:n_points]),
        "crossing_lines": shapely.STRtree(cross_geoms[n_points:]),
    }
    under = {layer: np.zeros(n_points, dtype=bool) for layer in ("joints", "splitters")}
    for layer, shared in under.items():
        shared[trees[layer].query(cross_geoms[:n_points], "dwithin", mc.SHARED_M)[0]] = True
    step()
    return MapScene(
        bounds=bounds,
        batches=batches,
        splitters=Symbols(sp_xy, sp_kind, site_labels(sp_xy, [str(x) for x in sp["label"]])),
        olt=np.asarray(olt_xy, dtype=float),
        unserved=un_xy,
        attribution=attribution,
        district_name=name,
        layers=layers,
        group_colour=group_colour,
        budget_db=budget_db,
        trench_methods=frozenset(str(m) for m in np.unique(method)),
        _trees=trees,
        joints=Symbols(joint_xy, joint_kind),
        crossings=Symbols(cross_xy, mc.symbol_kinds(crossings, n_points)),
        crossing_under=under,
    )


def street_batches(streets: gpd.GeoDataFrame) -> list[Batch]:
    """The streets by class (paths, minor, major: wider on top), a batch each."""
    hw = streets["highway"].astype(str).to_numpy()
    cls = np.where(
        np.isin(hw, list(ms.MAJOR_HIGHWAYS)), 0, np.where(np.isin(hw, list(ms.PATH_HIGHWAYS)), 2, 1)
    )
    street_styles = {
        2: ms.LineStyle(ms.STREET_PATH, 1.0),
        1: ms.LineStyle(ms.STREET_MINOR, 2.2),
        0: ms.LineStyle(ms.STREET_MAJOR, 3.4),
    }
    return [
        _line_batch("streets", street_styles[k], streets.geometry.values[cls == k])
        for k in (2, 1, 0)
        if (cls == k).any()
    ]


def site_labels(xy: np.ndarray, labels: list[str]) -> list[str]:
    """One label per site: splitters at the same place show ``"S1-0005 +1"`` once.

    The first label (sorted) of the splitters within 0.1 m of each other
    carries the count of the others, which get an empty label (as the PDF
    report's map does).

    Examples
    --------
    >>> site_labels(np.array([[0.0, 0.0], [0.0, 0.04], [5.0, 0.0]]), ["S2", "S1", "S3"])
    ['', 'S1 +1', 'S3']
    """
    groups: dict[tuple[float, float], list[int]] = {}
    for i, (x, y) in enumerate(np.round(np.asarray(xy, dtype=float), 1).tolist()):
        groups.setdefault((x, y), []).append(i)
    out = [""] * len(labels)
    for members in groups.values():
        first = min(members, key=lambda i: labels[i])
        more = len(members) - 1
        out[first] = labels[first] + (f" +{more}" if more else "")
    return out


def _largest_size(sizes: str) -> int:
    try:
        return max(int(s) for s in sizes.split("+") if s)
    except ValueError:
        return 12


def _colour_groups(buildings: pd.DataFrame) -> dict[int, int]:
    """Give each splitter group a colour different from its nearest neighbours'.

    A plan rolled out in phases (``phase`` 1, 2, ... in the buildings layer)
    colours each group by its phase instead, the phases in palette order.
    """
    phased = buildings.loc[buildings["served"] & (buildings.get("phase", 0) > 0)]
    if len(phased) and int(phased["phase"].max()) > 1:
        return {
            int(s): int(p) - 1 for s, p in zip(phased["splitter_id"], phased["phase"], strict=True)
        }
    served = buildings.loc[buildings["served"] & (buildings["splitter_id"] >= 0)]
    if not len(served):
        return {}
    xy = shapely.get_coordinates(shapely.centroid(served.geometry.values))
    ids = served["splitter_id"].to_numpy().astype(np.int64)
    uniq, inverse = np.unique(ids, return_inverse=True)
    cx = np.bincount(inverse, weights=xy[:, 0]) / np.bincount(inverse)
    cy = np.bincount(inverse, weights=xy[:, 1]) / np.bincount(inverse)
    centres = np.column_stack([cx, cy])
    n_colours = len(ms.GROUP_FILLS)
    k = min(8, len(uniq))
    _, near = cKDTree(centres).query(centres, k=k)
    near = np.atleast_2d(near)
    colours = np.full(len(uniq), -1, dtype=np.int64)
    used = np.zeros(n_colours, dtype=np.int64)
    for i in range(len(uniq)):
        taken = {int(colours[j]) for j in near[i].tolist() if j != i and colours[j] >= 0}
        free = [c for c in range(n_colours) if c not in taken]
        pool = free or list(range(n_colours))
        c = min(pool, key=lambda c: (used[c], c))
        colours[i] = c
        used[c] += 1
    return {int(u): int(c) for u, c in zip(uniq.tolist(), colours.tolist(), strict=True)}


#: Polygons per fill chunk, lines per hairline chunk, polylines per stroke chunk.
_CHUNK = {"fill": 40, "hairline": 400, "stroke": 120}


def _morton_order(xy: np.ndarray) -> np.ndarray:
    """Indices sorting points along a Z-order curve (keeps chunks compact)."""
    if not len(xy):
        return np.zeros(0, dtype=np.int64)
    lo = xy.min(axis=0)
    span = np.maximum(xy.max(axis=0) - lo, 1e-9)
    q = ((xy - lo) / span * 65535).astype(np.uint64)

    def spread(v: np.ndarray) -> np.ndarray:
        v = (v | (v << np.uint64(8))) & np.uint64(0x00FF00FF)
        v = (v | (v << np.uint64(4))) & np.uint64(0x0F0F0F0F)
        v = (v | (v << np.uint64(2))) & np.uint64(0x33333333)
        return (v | (v << np.uint64(1))) & np.uint64(0x55555555)

    code = spread(q[:, 0]) | (spread(q[:, 1]) << np.uint64(1))
    return np.argsort(code, kind="stable")


def _line_batch(layer: str, style: ms.LineStyle, geoms: np.ndarray) -> Batch:
    geoms = np.asarray(geoms)
    mode = "hairline" if style.width_px <= 1.0 else "stroke"
    if mode == "stroke" and len(geoms):
        # Qt pays a set-up cost per stroke: chain the segments into fewer,
        # longer polylines (each drawn at once), through street crossings.
        chains = _chains(geoms)
        if chains:
            index = np.repeat(np.arange(len(chains)), [len(c) for c in chains])
            geoms = shapely.linestrings(np.concatenate(chains), indices=index)
    coarse = shapely.simplify(geoms, _COARSE_TOLERANCE_M)
    return Batch(layer, style, mode, _tiles(geoms, coarse, mode), len(geoms))


#: Chains are cut at this many vertices, so culling still works when zoomed in.
_CHAIN_VERTICES = 48


def _chains(geoms: np.ndarray) -> list[np.ndarray]:
    """Join lines end to end into chains, going as straight as possible at each node.

    At every node the lines meeting there are paired off, straightest
    continuation first, and chains follow the pairs: a street grid becomes a
    few long polylines instead of one per block. Chains are cut every
    :data:`_CHAIN_VERTICES` vertices.
    """
    parts = shapely.get_parts(geoms)
    parts = parts[~shapely.is_empty(parts)]
    flat, index = shapely.get_coordinates(parts, return_index=True)
    cuts = np.flatnonzero(np.diff(index)) + 1
    lines = [c for c in np.split(flat, cuts) if len(c) >= 2]
    nodes: dict[tuple[int, int], list[tuple[int, int, np.ndarray]]] = {}
    for i, c in enumerate(lines):
        for end, (p, q) in ((0, (c[0], c[1])), (1, (c[-1], c[-2]))):
            d = q - p
            n = float(np.hypot(d[0], d[1])) or 1.0
            key = (round(float(p[0]) * 100), round(float(p[1]) * 100))
            nodes.setdefault(key, []).append((i, end, d / n))
    partner: dict[tuple[int, int], tuple[int, int]] = {}
    for incident in nodes.values():
        if len(incident) < 2:
            continue
        pairs = sorted(
            (float(a[2] @ b[2]), ai, bi)
            for ai, a in enumerate(incident)
            for bi, b in enumerate(incident)
            if ai < bi and a[0] != b[0]
        )
        used: set[int] = set()
        for _, ai, bi in pairs:
            if ai in used or bi in used:
                continue
            used.update((ai, bi))
            a, b = incident[ai], incident[bi]
            partner[(a[0], a[1])] = (b[0], b[1])
            partner[(b[0], b[1])] = (a[0], a[1])
    seen = np.zeros(len(lines), dtype=bool)
    out: list[np.ndarray] = []

    def walk(i: int, entry: int) -> None:
        pieces: list[np.ndarray] = []
        count = 0
        while True:
            seen[i] = True
            c = lines[i] if entry == 0 else lines[i][::-1]
            pieces.append(c if not pieces else c[1:])
            count += len(c)
            nxt = partner.get((i, 1 - entry))
            if nxt is None or seen[nxt[0]]:
                break
            if count >= _CHAIN_VERTICES:
                out.append(np.concatenate(pieces))
                pieces, count = [], 0
            i, entry = nxt
        if pieces:
            out.append(np.concatenate(pieces))

    for i in range(len(lines)):  # chains that start at a free end
        if not seen[i]:
            for end in (0, 1):
                if (i, end) not in partner:
                    walk(i, end)
                    break
    for i in range(len(lines)):  # closed loops
        if not seen[i]:
            walk(i, 0)
    return [c for c in out if len(c) >= 2]


def _polygon_batch(layer: str, style: ms.FillStyle, geoms: np.ndarray) -> Batch:
    # Exteriors counter-clockwise, holes clockwise: with the winding fill rule
    # holes stay open and overlapping footprints stay filled.
    geoms = shapely.orient_polygons(np.asarray(geoms))
    coarse = shapely.simplify(geoms, _COARSE_TOLERANCE_M)
    empty = shapely.is_empty(coarse)
    if empty.any():
        coarse[empty] = shapely.envelope(geoms[empty])
    return Batch(layer, style, "fill", _tiles(geoms, coarse, "fill"), len(geoms))


def _tiles(geoms: np.ndarray, coarse: np.ndarray, mode: str) -> list[Tile]:
    if len(geoms) == 0:
        return []
    bounds = shapely.bounds(geoms)
    centre = np.column_stack([(bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2])
    order = _morton_order(centre)
    size = _CHUNK[mode]
    out = []
    for start in range(0, len(order), size):
        sel = order[start : start + size]
        b = bounds[sel]
        rect = QRectF(
            QPointF(float(b[:, 0].min()), float(b[:, 1].min())),
            QPointF(float(b[:, 2].max()), float(b[:, 3].max())),
        )
        if mode == "stroke":
            # Polylines for wide strokes; a path for the thin strokes of far zooms.
            full, keep = _polylines(geoms[sel])
            rough, _ = _polylines(coarse[sel])
            if len(rough) != len(full):
                rough = full
            out.append(Tile(rect, full, rough, _path(coarse[sel], False), b[keep]))
        else:
            closed = mode == "fill"
            out.append(Tile(rect, [_path(geoms[sel], closed)], [_path(coarse[sel], closed)]))
    return out


def _polylines(geoms: np.ndarray) -> tuple[list[QPolygonF], np.ndarray]:
    """One polyline per line (LineStrings), and the indices of ``geoms`` kept."""
    lines: list[QPolygonF] = []
    keep: list[int] = []
    for i, geom in enumerate(geoms.tolist()):
        coords = shapely.get_coordinates(geom)
        if len(coords) >= 2:
            lines.append(QPolygonF([QPointF(x, y) for x, y in coords.tolist()]))
            keep.append(i)
    return lines, np.asarray(keep, dtype=np.int64)


def _path(geoms: np.ndarray, closed: bool) -> QPainterPath:
    """One path of every ring (polygons) or line (linestrings) of ``geoms``."""
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    if closed:
        parts = shapely.get_parts(geoms)
        parts = shapely.get_rings(parts)
    else:
        parts = shapely.get_parts(geoms)
    coords, index = shapely.get_coordinates(parts, return_index=True)
    if not len(coords):
        return path
    cuts = np.flatnonzero(np.diff(index)) + 1
    for ring in np.split(coords, cuts):
        if len(ring) < 2:
            continue
        path.addPolygon(QPolygonF([QPointF(x, y) for x, y in ring.tolist()]))
        if closed:
            path.closeSubpath()
    return path
