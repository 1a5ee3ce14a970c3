"""How each map layer looks, independent of the file format (QGIS, SLD, KML).

A layer's style is a list of :class:`Rule` s: the first rule whose filter a
feature matches draws it (a rule without a column takes every feature no
earlier rule took). Styles are keyed by layer name (:data:`STYLES`); a layer
without one (a new layer a later version adds) gets a plain style for its
geometry type (:func:`default_style`), so every layer still opens readable.
Widths and sizes are screen pixels, as in the window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import shapely

from fttx_planner.export import palette as pal


@dataclass(frozen=True)
class Symbol:
    """A symbol: a line, a filled polygon or a point marker.

    Attributes
    ----------
    kind
        ``"line"``, ``"fill"`` or ``"marker"``.
    colour
        Line colour, polygon fill or marker fill (``#rrggbb``).
    width_px
        Line width, or the outline width of a polygon or marker.
    outline
        Outline colour of a polygon or marker.
    size_px
        Marker size.
    shape
        Marker shape: ``"circle"``, ``"square"``, ``"diamond"``, ``"cross"`` (an X)
        or ``"plus"`` (a +); the two crosses are drawn in the outline colour.
    fill_by
        Column holding an index into :data:`palette.GROUP_FILLS`: the fill
        (and a darker outline) per feature instead of ``colour``.
    width_by
        Column holding a fibre count: line width per feature by
        :func:`palette.cable_width_px` instead of ``width_px``.
    dashed
        A dashed line (KML draws it solid: it has no dashes).
    """

    kind: str
    colour: str
    width_px: float = 1.0
    outline: str = "#000000"
    size_px: float = 8.0
    shape: str = "circle"
    fill_by: str | None = None
    width_by: str | None = None
    dashed: bool = False


@dataclass(frozen=True)
class Rule:
    """Features whose ``column`` holds one of ``values`` (all others if ``column`` is None)."""

    label: str
    symbol: Symbol
    column: str | None = None
    values: tuple[str | int, ...] = ()

    def matches(self, value: object) -> bool:
        """Whether a feature with ``value`` in :attr:`column` is drawn by this rule."""
        return self.column is None or value in self.values


@dataclass(frozen=True)
class LayerStyle:
    """A layer's title in legends, its rules, and an optional label column."""

    title: str
    rules: tuple[Rule, ...]
    label_column: str | None = None

    def rule_for(self, row: dict[str, object]) -> int:
        """Index of the rule drawing a feature (its attributes as a mapping)."""
        for i, rule in enumerate(self.rules):
            if rule.column is None or rule.matches(row.get(rule.column)):
                return i
        return len(self.rules) - 1


def _line(colour: str, width_px: float) -> Symbol:
    return Symbol("line", colour, width_px)


def _streets() -> LayerStyle:
    return LayerStyle("Streets", (
        Rule("Main road", _line(pal.STREET_MAJOR, 3.4), "highway", pal.MAJOR_HIGHWAYS),
        Rule("Path or track", _line(pal.STREET_PATH, 1.0), "highway", pal.PATH_HIGHWAYS),
        Rule("Street", _line(pal.STREET_MINOR, 2.2)),
    ))  # fmt: skip


def _trenches() -> LayerStyle:
    return LayerStyle("Routes (civil works)", (
        Rule("Existing duct reused", _line(pal.TRENCH_DUCT, 9.0), "method", ("duct_reuse",)),
        Rule("Aerial (poles)", _line(pal.TRENCH_AERIAL, 9.0), "method", ("aerial",)),
        Rule("New trench", _line(pal.TRENCH_NEW, 9.0)),
    ))  # fmt: skip


def _cable_style(title: str, width_by: str, label: str) -> LayerStyle:
    feeder = Symbol("line", pal.FEEDER, 3.4, width_by=width_by)
    dist = Symbol("line", pal.DISTRIBUTION, 2.0, width_by=width_by)
    return LayerStyle(title, (
        Rule("Feeder cable", feeder, "layer", ("feeder",)),
        Rule("Distribution cable", dist, "layer", ("distribution",)),
        Rule("Other cable", _line(pal.DEFAULT_LINE, 1.6)),
    ), label_column=label)  # fmt: skip


def _cables() -> LayerStyle:
    return _cable_style("Cables", "capacity_fibres", "cable_id")


def _drops() -> LayerStyle:
    return LayerStyle("Drops", (Rule("Drop cable", _line(pal.DROP, 0.9)),))


def _buildings() -> LayerStyle:
    unserved = Symbol("fill", pal.UNSERVED_FILL, 1.2, outline=pal.UNSERVED_EDGE)
    served = Symbol("fill", pal.GROUP_FILLS[0], 0.8, fill_by="colour_group")
    return LayerStyle("Buildings", (
        Rule("Building not served", unserved, "colour_group", (-1,)),
        Rule("Building, colour of its splitter group", served),
    ))  # fmt: skip


def _splitters() -> LayerStyle:
    first = Symbol("marker", pal.SPLITTER_STAGE1, 1.8, pal.SPLITTER_EDGE, 10.0, "square")
    last = Symbol(
        "marker", pal.GROUP_FILLS[0], 1.4, pal.SPLITTER_EDGE, 10.0, fill_by="colour_group"
    )
    return LayerStyle("Splitters", (
        Rule("Splitter, first stage", first, "colour_group", (-1,)),
        Rule("Splitter (colour of its group)", last),
    ), label_column="label")  # fmt: skip


def _barriers() -> LayerStyle:
    water = Symbol("fill", pal.WATER_FILL, 0.6, outline=pal.WATERWAY)
    return LayerStyle("Barriers (water, rail, motorway)", (
        Rule("Water", water, "kind", ("water",)),
        Rule("River or stream", _line(pal.WATERWAY, 1.6), "kind", ("waterway",)),
        Rule("Railway", _line(pal.RAILWAY, 1.6), "kind", ("railway",)),
        Rule("Motorway", _line(pal.MOTORWAY, 2.0), "kind", ("motorway",)),
        Rule("Other barrier", _line(pal.DEFAULT_LINE, 1.2)),
    ))  # fmt: skip


def _closures() -> LayerStyle:
    joint = Symbol("marker", pal.CLOSURE_FILL, 1.0, "#ffffff", 8.0, "diamond")
    return LayerStyle("Closures (joints)", (Rule("Splice closure", joint),),
                      label_column="closure_id")  # fmt: skip


def _fdps() -> LayerStyle:
    fdp = Symbol("marker", "#ffffff", 1.4, pal.DISTRIBUTION, 6.0)
    return LayerStyle("Distribution points", (Rule("Distribution point", fdp),))


def _olt() -> LayerStyle:
    olt = Symbol("marker", pal.OLT_FILL, 2.0, "#ffffff", 18.0, "square")
    return LayerStyle("OLT", (Rule("OLT (central office)", olt),), label_column="name")


def _unserved() -> LayerStyle:
    cross = Symbol("marker", pal.UNSERVED_EDGE, 2.0, pal.UNSERVED_EDGE, 10.0, "cross")
    return LayerStyle("Unserved homes", (Rule("Home not served", cross),))


def _crossings() -> LayerStyle:
    def plus(colour: str, size_px: float) -> Symbol:
        return Symbol("marker", colour, 3.0, colour, size_px, "plus")

    far_trench = Symbol("line", pal.CROSSING, 1.8, dashed=True)
    return LayerStyle("Road and barrier crossings", (
        Rule("Far-side trench", far_trench, "item", ("trench_footway",)),
        Rule("Barrier crossing (bore)", plus(pal.BARRIER_CROSSING, 16.0), "kind", ("barrier",)),
        Rule("Road crossing at a junction", plus(pal.CROSSING, 16.0), "kind", ("junction",)),
        Rule("Road crossing to a far-side trench", plus(pal.CROSSING, 13.0), "kind",
             ("far_side",)),
        Rule("Road crossing of a drop", plus(pal.CROSSING, 11.0)),
    ))  # fmt: skip


def _sites() -> LayerStyle:
    co = Symbol("marker", pal.OLT_FILL, 2.0, "#ffffff", 14.0, "square")
    cabinet = Symbol("marker", pal.SPLITTER_STAGE1, 1.8, pal.SPLITTER_EDGE, 10.0, "square")
    closure = Symbol("marker", pal.CLOSURE_FILL, 1.0, "#ffffff", 8.0, "diamond")
    fdp = Symbol("marker", "#ffffff", 1.4, pal.DISTRIBUTION, 6.0)
    return LayerStyle("Sites of the detailed design", (
        Rule("Central office", co, "kind", ("co",)),
        Rule("Cabinet", cabinet, "kind", ("cabinet",)),
        Rule("Splice closure", closure, "kind", ("closure",)),
        Rule("Distribution point (FDP)", fdp),
    ), label_column="site")  # fmt: skip


def _fibre_cables() -> LayerStyle:
    return _cable_style("Cables of the detailed design", "fibres", "cable")


#: Label columns replaced by the detailed design's ``name`` when a layer has one.
NAMED_LABELS = frozenset({"label", "closure_id", "cable_id"})

#: Styles by layer name.
STYLES: dict[str, Callable[[], LayerStyle]] = {
    "barriers": _barriers,
    "streets": _streets,
    "trenches": _trenches,
    "cables": _cables,
    "drops": _drops,
    "buildings": _buildings,
    "fdps": _fdps,
    "closures": _closures,
    "splitters": _splitters,
    "olt": _olt,
    "unserved": _unserved,
    "sites": _sites,
    "fibre_cables": _fibre_cables,
    "crossings": _crossings,
}

#: Layers in drawing order, bottom first; unknown layers go by geometry type.
DRAW_ORDER = (
    "barriers", "streets", "trenches", "buildings", "drops", "cables", "fibre_cables", "fdps",
    "closures", "sites", "crossings", "splitters", "olt", "unserved",
)  # fmt: skip
#: Table name suffixes of a layer split by geometry (:func:`split_by_geometry`).
KIND_SUFFIX = {"fill": "areas", "line": "lines", "marker": "points"}


def geometry_kind(gdf: gpd.GeoDataFrame) -> str:
    """``"line"``, ``"fill"`` or ``"marker"`` from a layer's first geometry type."""
    types = gdf.geom_type.dropna()
    first = str(types.iloc[0]) if len(types) else "Point"
    if "Polygon" in first:
        return "fill"
    if "Line" in first:
        return "line"
    return "marker"


def default_style(name: str, gdf: gpd.GeoDataFrame) -> LayerStyle:
    """A plain style for a layer without one: grey lines, fills or points."""
    kind = geometry_kind(gdf)
    symbol = {
        "line": Symbol("line", pal.DEFAULT_LINE, 1.6),
        "fill": Symbol("fill", pal.DEFAULT_FILL, 0.8, outline=pal.DEFAULT_LINE),
        "marker": Symbol("marker", pal.DEFAULT_FILL, 1.2, pal.DEFAULT_LINE, 8.0),
    }[kind]
    title = name.replace("_", " ").capitalize()
    return LayerStyle(title, (Rule(title, symbol),))


def layer_style(name: str, gdf: gpd.GeoDataFrame) -> LayerStyle:
    """The style of layer ``name``: its own, or :func:`default_style`.

    A table split off a layer by geometry (``barriers_areas``) takes the
    rules of its layer that draw that geometry. A style whose rules read a
    column the layer lacks falls back as well. A layer carrying the
    detailed design's ``name`` is labelled by it.
    """
    make = STYLES.get(name)
    base, _, suffix = name.rpartition("_")
    split = make is None and base in STYLES and suffix in KIND_SUFFIX.values()
    if split:
        make = STYLES[base]
    if make is not None:
        style = make()
        if split:
            kind = geometry_kind(gdf)
            rules = tuple(r for r in style.rules if r.symbol.kind == kind)
            style = replace(style, title=f"{style.title}, {suffix}", rules=rules)
        needed = {r.column for r in style.rules} | {r.symbol.fill_by for r in style.rules}
        needed |= {r.symbol.width_by for r in style.rules}
        if style.rules and (needed - {None}) <= set(gdf.columns):
            if style.label_column in NAMED_LABELS and "name" in gdf.columns:
                style = replace(style, label_column="name")  # the detailed design's names
            return style
    return default_style(name, gdf)


#: Layers that may mix geometry kinds in a plan (crossing points, far-side trench lines).
MIXED_LAYERS = frozenset({"crossings"})


def split_by_geometry(layers: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """Layers whose features mix points, lines and polygons, as one table per kind.

    A GeoPackage table (and a QGIS layer) has one geometry type, so such a
    layer becomes ``<name>_areas``, ``<name>_lines`` and ``<name>_points``;
    other layers keep their name. A layer of :data:`MIXED_LAYERS` is split
    even when a plan has one kind only, so its tables have the same names in
    every plan (a region merges its areas' tables by name).
    """
    out: dict[str, gpd.GeoDataFrame] = {}
    for name, gdf in layers.items():
        dims = shapely.get_dimensions(np.asarray(gdf.geometry.values))
        present = sorted(set(dims[dims >= 0].tolist()), reverse=True)
        if len(present) == 0 or (len(present) == 1 and name not in MIXED_LAYERS):
            out[name] = gdf
            continue
        for dim, kind in zip((2, 1, 0), ("fill", "line", "marker"), strict=True):
            if dim in present:
                out[f"{name}_{KIND_SUFFIX[kind]}"] = gdf.loc[dims == dim].reset_index(drop=True)
    return out


def draw_order(names: Sequence[str], layers: dict[str, gpd.GeoDataFrame]) -> list[str]:
    """Layer names bottom first: known layers in :data:`DRAW_ORDER`, others by geometry.

    A layer the styles do not know goes with its kind: polygons above the
    buildings, lines above the cables, points below the OLT.
    """
    slot = {"fill": "buildings", "line": "cables", "marker": "splitters"}
    rank = {n: float(i) for i, n in enumerate(DRAW_ORDER)}

    def key(name: str) -> float:
        if name in rank:
            return rank[name]
        base, _, suffix = name.rpartition("_")
        if base in rank and suffix in KIND_SUFFIX.values():
            # Split tables of one layer: areas under lines under points.
            return rank[base] + 0.1 * (1 + list(KIND_SUFFIX.values()).index(suffix)) - 0.5
        return rank[slot[geometry_kind(layers[name])]] + 0.5

    return sorted(names, key=key)
