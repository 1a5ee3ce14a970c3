"""KML and KMZ for Google Earth: one folder per layer, styled like the window's map.

GDAL's KML drivers (through pyogrio) write no per-feature styles, so the
document is built with the standard library: a shared ``<Style>`` per symbol
(by layer, rule, group colour and cable width), one ``<Folder>`` per layer
with the top layer first, a ``<Placemark>`` per feature with its attributes
as ``<ExtendedData>``. KML colours are ``aabbggrr``; widths are pixels. A
``.kmz`` is the same document zipped as ``doc.kml``.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from fttx_planner.export import palette as pal
from fttx_planner.export.atomic import atomic_path
from fttx_planner.export.geojson import COORDINATE_DECIMALS, rounded
from fttx_planner.export.layers import WGS84
from fttx_planner.export.styles import LayerStyle, Symbol, draw_order, layer_style

_KML_NS = "http://www.opengis.net/kml/2.2"
#: Google Earth's own icons, tinted by the style colour.
_ICONS = {
    "circle": "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png",
    "square": "https://maps.google.com/mapfiles/kml/shapes/placemark_square.png",
    "diamond": "https://maps.google.com/mapfiles/kml/shapes/open-diamond.png",
    "cross": "https://maps.google.com/mapfiles/kml/shapes/forbidden.png",
    "plus": "https://maps.google.com/mapfiles/kml/shapes/cross-hairs.png",
}
#: A layer column written as the placemark's ``<description>`` (HTML), not as data.
DESCRIPTION = "description"
#: Layers listed but switched off when the file opens (Google Earth has its own streets).
HIDDEN = frozenset({"streets", "trenches", "barriers"})


def kml_colour(colour: str, alpha: int = 255) -> str:
    """``#rrggbb`` as KML's ``aabbggrr``.

    Examples
    --------
    >>> kml_colour("#c2185b")
    'ff5b18c2'
    """
    return f"{alpha:02x}{colour[5:7]}{colour[3:5]}{colour[1:3]}"


def _coords(xy: np.ndarray) -> str:
    return " ".join(f"{x:.{COORDINATE_DECIMALS}f},{y:.{COORDINATE_DECIMALS}f}" for x, y in xy)


def _geometry(parent: ET.Element, geom: Any) -> None:
    """A shapely geometry as KML geometry elements under ``parent``."""
    kind = geom.geom_type
    if kind.startswith("Multi") or kind == "GeometryCollection":
        multi = ET.SubElement(parent, "MultiGeometry")
        for part in shapely.get_parts(geom):
            _geometry(multi, part)
    elif kind == "Point":
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = _coords(
            shapely.get_coordinates(geom)
        )
    elif kind == "LineString":
        line = ET.SubElement(parent, "LineString")
        ET.SubElement(line, "tessellate").text = "1"
        ET.SubElement(line, "coordinates").text = _coords(shapely.get_coordinates(geom))
    elif kind == "Polygon":
        poly = ET.SubElement(parent, "Polygon")
        rings = [("outerBoundaryIs", geom.exterior)]
        rings += [("innerBoundaryIs", r) for r in geom.interiors]
        for tag, ring in rings:
            lr = ET.SubElement(ET.SubElement(poly, tag), "LinearRing")
            ET.SubElement(lr, "coordinates").text = _coords(np.asarray(ring.coords))


class _Styles:
    """Shared ``<Style>`` elements, one per distinct look, created on first use."""

    def __init__(self, document: ET.Element) -> None:
        self.document = document
        self.ids: dict[tuple[str, int, str, float], str] = {}

    def style_id(self, layer: str, rule: int, sym: Symbol, row: dict[str, Any], label: bool) -> str:
        fill = sym.colour
        if sym.fill_by is not None:
            k = row.get(sym.fill_by)
            if isinstance(k, int | np.integer) and 0 <= k < len(pal.GROUP_FILLS):
                fill = pal.GROUP_FILLS[int(k)]
        width = sym.width_px
        if sym.width_by is not None:
            fibres = row.get(sym.width_by)
            if isinstance(fibres, int | np.integer | float) and not math.isnan(float(fibres)):
                width = pal.cable_width_px(int(fibres))
        key = (layer, rule, fill, width)
        if key not in self.ids:
            self.ids[key] = sid = f"{layer}-{len(self.ids)}"
            self._add(sid, sym, fill, width, label)
        return self.ids[key]

    def _add(self, sid: str, sym: Symbol, fill: str, width: float, label: bool) -> None:
        st = ET.SubElement(self.document, "Style", id=sid)
        if sym.kind == "marker":
            icon = ET.SubElement(st, "IconStyle")
            ET.SubElement(icon, "color").text = kml_colour(
                sym.outline if sym.shape in ("cross", "plus") else fill
            )
            ET.SubElement(icon, "scale").text = f"{sym.size_px / 16:.2f}"
            ET.SubElement(ET.SubElement(icon, "Icon"), "href").text = _ICONS[sym.shape]
        else:
            line = ET.SubElement(st, "LineStyle")
            edge = (
                sym.colour
                if sym.kind == "line"
                else (pal.darker(fill) if sym.fill_by else sym.outline)
            )
            ET.SubElement(line, "color").text = kml_colour(edge)
            ET.SubElement(line, "width").text = f"{width:g}"
        if sym.kind == "fill":
            poly = ET.SubElement(st, "PolyStyle")
            ET.SubElement(poly, "color").text = kml_colour(fill, alpha=0xE6)
        if not label:
            ET.SubElement(ET.SubElement(st, "LabelStyle"), "scale").text = "0"


def _folder(document: ET.Element, styles: _Styles, name: str, gdf: gpd.GeoDataFrame) -> None:
    style: LayerStyle = layer_style(name, gdf)
    folder = ET.SubElement(document, "Folder")
    ET.SubElement(folder, "name").text = style.title
    ET.SubElement(folder, "visibility").text = "0" if name in HIDDEN else "1"
    geom_name = gdf.geometry.name
    data = rounded(gdf)
    records = data.drop(columns=geom_name).to_dict("records")
    for row, geom in zip(records, data.geometry.to_numpy(), strict=True):
        if geom is None or geom.is_empty:
            continue
        i = style.rule_for(row)
        rule = style.rules[i]
        pm = ET.SubElement(folder, "Placemark")
        if name in HIDDEN:
            ET.SubElement(pm, "visibility").text = "0"
        if style.label_column is not None:
            ET.SubElement(pm, "name").text = str(row.get(style.label_column, ""))
        elif row.get("name"):
            ET.SubElement(pm, "name").text = str(row["name"])
        text = row.pop(DESCRIPTION, None)
        if text:
            ET.SubElement(pm, "description").text = str(text)
        label = style.label_column is not None and rule.symbol.kind == "marker"
        ET.SubElement(pm, "styleUrl").text = "#" + styles.style_id(name, i, rule.symbol, row, label)
        ext = ET.SubElement(pm, "ExtendedData")
        for key, value in row.items():
            d = ET.SubElement(ext, "Data", name=str(key))
            ET.SubElement(d, "value").text = "" if value is None else str(value)
        _geometry(pm, geom)


def kml_document(layers: dict[str, gpd.GeoDataFrame], title: str, attribution: str = "") -> str:
    """The KML document of the layers: one folder each, the top layer first."""
    root = ET.Element("kml", xmlns=_KML_NS)
    doc = ET.SubElement(root, "Document")
    ET.SubElement(doc, "name").text = title
    ET.SubElement(doc, "description").text = attribution
    styles = _Styles(doc)
    folders = ET.Element("folders")
    for name in reversed(draw_order(list(layers), layers)):
        gdf = layers[name]
        if len(gdf):
            data = gdf if gdf.crs is None or gdf.crs == WGS84 else gdf.to_crs(WGS84)
            _folder(folders, styles, name, data)
    doc.extend(list(folders))  # styles first, then the folders
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def write_kml(
    layers: dict[str, gpd.GeoDataFrame], target: Path, title: str, attribution: str = ""
) -> Path:
    """Write ``target`` as KML, or KMZ (zipped ``doc.kml``) if it ends in ``.kmz``."""
    text = kml_document(layers, title, attribution)
    with atomic_path(target) as tmp:
        if target.suffix.lower() == ".kmz":
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("doc.kml", text)
        else:
            tmp.write_text(text, encoding="utf-8")
    return target
