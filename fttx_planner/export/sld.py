"""OGC Styled Layer Descriptor (SLD 1.1) of a layer, for tools other than QGIS.

Stored beside the QML in the GeoPackage's ``layer_styles`` table. SLD has no
expressions, so a symbol coloured per splitter group becomes one rule per
colour, and cables keep one width per layer.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

import geopandas as gpd

from fttx_planner.export import palette as pal
from fttx_planner.export.styles import Symbol, layer_style

_NS = {
    "": "http://www.opengis.net/sld",
    "se": "http://www.opengis.net/se",
    "ogc": "http://www.opengis.net/ogc",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
_SE = "{http://www.opengis.net/se}"
_OGC = "{http://www.opengis.net/ogc}"
#: SLD has no diamond: a square stands in.
_WELL_KNOWN = {
    "circle": "circle", "square": "square", "diamond": "square", "cross": "x", "plus": "cross",
}  # fmt: skip
#: Dash pattern of a dashed line (pixels on, off).
DASH_PX = "6 3"


def _param(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, f"{_SE}SvgParameter", name=name).text = value


def _equals(parent: ET.Element, column: str, value: str | int) -> None:
    eq = ET.SubElement(parent, f"{_OGC}PropertyIsEqualTo")
    ET.SubElement(eq, f"{_OGC}PropertyName").text = column
    ET.SubElement(eq, f"{_OGC}Literal").text = str(value)


def _filter(rule_el: ET.Element, column: str | None, values: Sequence[str | int]) -> None:
    if column is None:
        ET.SubElement(rule_el, f"{_SE}ElseFilter")
        return
    f = ET.SubElement(rule_el, f"{_OGC}Filter")
    parent = ET.SubElement(f, f"{_OGC}Or") if len(values) > 1 else f
    for v in values:
        _equals(parent, column, v)


def _symbolizer(rule_el: ET.Element, sym: Symbol, fill: str, edge: str) -> None:
    if sym.kind == "line":
        stroke = ET.SubElement(ET.SubElement(rule_el, f"{_SE}LineSymbolizer"), f"{_SE}Stroke")
        _param(stroke, "stroke", sym.colour)
        _param(stroke, "stroke-width", f"{sym.width_px:g}")
        if sym.dashed:
            _param(stroke, "stroke-dasharray", DASH_PX)
        return
    if sym.kind == "fill":
        poly = ET.SubElement(rule_el, f"{_SE}PolygonSymbolizer")
        _param(ET.SubElement(poly, f"{_SE}Fill"), "fill", fill)
        stroke = ET.SubElement(poly, f"{_SE}Stroke")
        _param(stroke, "stroke", edge)
        _param(stroke, "stroke-width", f"{sym.width_px:g}")
        return
    graphic = ET.SubElement(ET.SubElement(rule_el, f"{_SE}PointSymbolizer"), f"{_SE}Graphic")
    mark = ET.SubElement(graphic, f"{_SE}Mark")
    ET.SubElement(mark, f"{_SE}WellKnownName").text = _WELL_KNOWN[sym.shape]
    _param(ET.SubElement(mark, f"{_SE}Fill"), "fill", fill)
    stroke = ET.SubElement(mark, f"{_SE}Stroke")
    _param(stroke, "stroke", edge)
    _param(stroke, "stroke-width", f"{sym.width_px:g}")
    ET.SubElement(graphic, f"{_SE}Size").text = f"{sym.size_px:g}"


def _rule(fts: ET.Element, label: str) -> ET.Element:
    rule_el = ET.SubElement(fts, f"{_SE}Rule")
    ET.SubElement(rule_el, f"{_SE}Name").text = label
    ET.SubElement(ET.SubElement(rule_el, f"{_SE}Description"), f"{_SE}Title").text = label
    return rule_el


def style_sld(name: str, gdf: gpd.GeoDataFrame) -> str:
    """The SLD 1.1 document of layer ``name``."""
    for prefix, uri in _NS.items():
        ET.register_namespace(prefix, uri)
    style = layer_style(name, gdf)
    root = ET.Element(f"{{{_NS['']}}}StyledLayerDescriptor", version="1.1.0")
    layer = ET.SubElement(root, f"{{{_NS['']}}}NamedLayer")
    ET.SubElement(layer, f"{_SE}Name").text = name
    user = ET.SubElement(layer, f"{{{_NS['']}}}UserStyle")
    ET.SubElement(user, f"{_SE}Name").text = name
    fts = ET.SubElement(user, f"{_SE}FeatureTypeStyle")
    for rule in style.rules:
        sym = rule.symbol
        if sym.fill_by:
            # One rule per group colour (the index is in the fill_by column).
            for k, colour in enumerate(pal.GROUP_FILLS):
                el = _rule(fts, f"{rule.label} ({k + 1})")
                _filter(el, sym.fill_by, (k,))
                edge = pal.darker(colour) if sym.kind == "fill" else sym.outline
                _symbolizer(el, sym, colour, edge)
            continue
        el = _rule(fts, rule.label)
        _filter(el, rule.column, rule.values)
        _symbolizer(el, sym, sym.colour, sym.outline)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
