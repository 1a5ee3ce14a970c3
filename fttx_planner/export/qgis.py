"""QGIS styles (QML) and the QGIS project (``.qgz``) written beside the GeoPackage.

A QML document holds a layer's renderer (rule-based, one rule per
:class:`~fttx_planner.export.styles.Rule`) and its labels; it is stored in the
GeoPackage's ``layer_styles`` table, where QGIS finds it when the layer is
opened, and embedded in the project. The project lists the layers in drawing
order with paths relative to itself, so the folder can be moved. The format
is that of QGIS 3.22 LTR, which later releases read too.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pyproj

from fttx_planner.export import palette as pal
from fttx_planner.export.atomic import atomic_path
from fttx_planner.export.styles import LayerStyle, Symbol, draw_order, geometry_kind, layer_style

#: The QGIS version the files are written for (the oldest long-term release read).
QGIS_VERSION = "3.22.0-Białowieża"
_DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
_MARKER_SHAPES = {
    "circle": "circle", "square": "square", "diamond": "diamond", "cross": "cross2",
    "plus": "cross",
}  # fmt: skip
#: QGIS geometry names and WKB types of the three symbol kinds.
_GEOMETRY = {"line": ("Line", "MultiLineString"), "fill": ("Polygon", "MultiPolygon"),
             "marker": ("Point", "Point")}  # fmt: skip


#: Layers listed but switched off when the project opens: the detailed design's sites and
#: cables lie on the closures, distribution points and cable runs (names on both).
OFF_IN_PROJECT = frozenset({"sites", "fibre_cables"})
#: Joins of the detailed design's tables to the layers (and to each other):
#: ``(table, column, referenced layer, referenced column)``, written as QGIS
#: project relations and checked by the tests.
RELATIONS = (
    ("detail_units", "drop", "drops", "name"),
    ("detail_units", "osm_id", "buildings", "osm_id"),
    ("detail_units", "site", "sites", "site"),
    ("detail_units", "splitter", "splitters", "name"),
    ("detail_splices", "site", "sites", "site"),
    ("detail_pieces", "cable", "fibre_cables", "cable"),
    ("detail_pieces", "circuit", "detail_circuits", "circuit"),
    ("detail_circuits", "top_site", "sites", "site"),
    ("detail_splitters", "splitter", "splitters", "name"),
    ("detail_olt_ports", "splitter", "splitters", "name"),
)


def rgba(colour: str) -> str:
    """``#rrggbb`` as QGIS writes colours: ``"r,g,b,255"``.

    Examples
    --------
    >>> rgba("#c2185b")
    '194,24,91,255'
    """
    return ",".join(str(int(colour[i : i + 2], 16)) for i in (1, 3, 5)) + ",255"


def _options(parent: ET.Element, props: dict[str, str]) -> None:
    """Symbol-layer properties, in both forms QGIS 3.22 writes (``Option`` map and ``prop``)."""
    opt = ET.SubElement(parent, "Option", type="Map")
    for k, v in props.items():
        ET.SubElement(opt, "Option", name=k, type="QString", value=v)
    for k, v in props.items():
        ET.SubElement(parent, "prop", k=k, v=v)


def _data_defined(parent: ET.Element, tag: str, expressions: dict[str, str]) -> None:
    """Data-defined properties: QGIS expressions per property name."""
    dd = ET.SubElement(parent, tag)
    top = ET.SubElement(dd, "Option", type="Map")
    ET.SubElement(top, "Option", name="name", type="QString", value="")
    props = ET.SubElement(top, "Option", name="properties")
    if expressions:
        props.set("type", "Map")
    for name, expr in expressions.items():
        p = ET.SubElement(props, "Option", name=name, type="Map")
        ET.SubElement(p, "Option", name="active", type="bool", value="true")
        ET.SubElement(p, "Option", name="expression", type="QString", value=expr)
        ET.SubElement(p, "Option", name="type", type="int", value="3")
    ET.SubElement(top, "Option", name="type", type="QString", value="collection")


def _pick(column: str, values: Sequence[str | float]) -> str:
    """A QGIS expression taking item ``column`` of ``values`` (strings quoted)."""
    items = ", ".join(f"'{v}'" if isinstance(v, str) else f"{v:g}" for v in values)
    return f'array_get(array({items}), "{column}")'


def _width_expression(column: str) -> str:
    """Cable width in pixels by the fibres in ``column`` (the app's widths)."""
    whens = " ".join(f'WHEN "{column}" <= {size} THEN {w:g}' for size, w in pal.CABLE_WIDTHS_PX)
    return f"CASE {whens} ELSE {pal.CABLE_WIDTH_MAX_PX:g} END"


def symbol_element(name: str, sym: Symbol) -> ET.Element:
    """The ``<symbol>`` element of one symbol."""
    el = ET.Element("symbol", type=sym.kind, name=name, alpha="1", clip_to_extent="1",
                    force_rhr="0")  # fmt: skip
    _data_defined(el, "data_defined_properties", {})
    common = {"offset_unit": "MM", "joinstyle": "miter"}
    dd: dict[str, str] = {}
    if sym.kind == "line":
        cls = "SimpleLine"
        props = {"line_color": rgba(sym.colour), "line_width": f"{sym.width_px:g}",
                 "line_width_unit": "Pixel", "line_style": "dash" if sym.dashed else "solid",
                 "capstyle": "flat",
                 "offset": "0", **common}  # fmt: skip
        if sym.width_by:
            dd["outlineWidth"] = _width_expression(sym.width_by)
    elif sym.kind == "fill":
        cls = "SimpleFill"
        props = {"color": rgba(sym.colour), "outline_color": rgba(sym.outline),
                 "outline_width": f"{sym.width_px:g}", "outline_width_unit": "Pixel",
                 "outline_style": "solid", "style": "solid", "offset": "0,0", **common}  # fmt: skip
        if sym.fill_by:
            dd["fillColor"] = _pick(sym.fill_by, pal.GROUP_FILLS)
            dd["outlineColor"] = _pick(sym.fill_by, [pal.darker(c) for c in pal.GROUP_FILLS])
    else:
        cls = "SimpleMarker"
        props = {"name": _MARKER_SHAPES[sym.shape], "color": rgba(sym.colour),
                 "outline_color": rgba(sym.outline), "outline_width": f"{sym.width_px:g}",
                 "outline_width_unit": "Pixel", "outline_style": "solid",
                 "size": f"{sym.size_px:g}", "size_unit": "Pixel", "angle": "0",
                 "scale_method": "diameter", "offset": "0,0", "horizontal_anchor_point": "1",
                 "vertical_anchor_point": "1", **common}  # fmt: skip
        if sym.fill_by:
            dd["fillColor"] = _pick(sym.fill_by, pal.GROUP_FILLS)
    layer = ET.SubElement(el, "layer", {"class": cls, "enabled": "1", "locked": "0", "pass": "0"})
    _options(layer, dict(sorted(props.items())))
    _data_defined(layer, "data_defined_properties", dd)
    return el


def _filter(column: str | None, values: Sequence[str | int]) -> str:
    """A rule's QGIS filter expression (``ELSE`` when it takes every other feature)."""
    if column is None:
        return "ELSE"
    items = ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in values)
    return f'"{column}" IN ({items})'


def renderer_element(style: LayerStyle) -> ET.Element:
    """A rule-based ``<renderer-v2>`` drawing a layer as its style says."""
    r = ET.Element("renderer-v2", type="RuleRenderer", symbollevels="0", enableorderby="0",
                   forceraster="0", referencescale="-1")  # fmt: skip
    rules = ET.SubElement(r, "rules", key=f"{{{uuid.uuid4()}}}")
    symbols = ET.SubElement(r, "symbols")
    for i, rule in enumerate(style.rules):
        ET.SubElement(rules, "rule", key=f"{{{uuid.uuid4()}}}", symbol=str(i), label=rule.label,
                      filter=_filter(rule.column, rule.values))  # fmt: skip
        symbols.append(symbol_element(str(i), rule.symbol))
    return r


def labeling_element(style: LayerStyle, kind: str) -> ET.Element | None:
    """Labels from the style's label column, shown from 1:5,000 closer (``None``: no labels)."""
    if style.label_column is None:
        return None
    lab = ET.Element("labeling", type="simple")
    s = ET.SubElement(lab, "settings", calloutType="simple")
    text = ET.SubElement(s, "text-style", fieldName=style.label_column, isExpression="0",
                         fontSize="8", fontSizeUnit="Point", textColor=rgba("#263238"),
                         textOpacity="1", fontWeight="50")  # fmt: skip
    ET.SubElement(text, "text-buffer", bufferDraw="1", bufferSize="0.8", bufferSizeUnits="MM",
                  bufferColor="255,255,255,255", bufferOpacity="1")  # fmt: skip
    # 2: along lines; 6: around points at ordered positions; 1: polygon point.
    placement = {"line": "2", "marker": "6", "fill": "1"}[kind]
    ET.SubElement(s, "placement", placement=placement, dist="1", distUnits="MM",
                  placementFlags="10", priority="5")  # fmt: skip
    ET.SubElement(s, "rendering", scaleVisibility="1", scaleMin="1", scaleMax="5000",
                  drawLabels="1", obstacle="1")  # fmt: skip
    return lab


def style_qml(name: str, gdf: gpd.GeoDataFrame) -> str:
    """The QML style document of layer ``name`` (what QGIS saves as a ``.qml`` file)."""
    style = layer_style(name, gdf)
    kind = geometry_kind(gdf)
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology|Labeling",
                      labelsEnabled="1" if style.label_column else "0")  # fmt: skip
    root.append(renderer_element(style))
    lab = labeling_element(style, kind)
    if lab is not None:
        root.append(lab)
    ET.indent(root)
    return _DOCTYPE + ET.tostring(root, encoding="unicode")


def _srs(parent: ET.Element, authid: str) -> None:
    """A ``<spatialrefsys>``: QGIS reads its WKT, and shows the authority id."""
    crs = pyproj.CRS.from_user_input(authid)
    srs = ET.SubElement(parent, "spatialrefsys")
    ET.SubElement(srs, "wkt").text = crs.to_wkt()
    ET.SubElement(srs, "authid").text = authid
    ET.SubElement(srs, "description").text = crs.name


def project_xml(
    layers: dict[str, gpd.GeoDataFrame],
    gpkg_name: str,
    title: str,
    crs: str,
    tables: Sequence[str] = (),
) -> str:
    """The ``.qgs`` document: every layer of the GeoPackage, styled, in drawing order.

    Parameters
    ----------
    layers
        The layers written to the GeoPackage (empty ones are left out).
    gpkg_name
        The GeoPackage's file name, relative to the project.
    title
        The project title (the district).
    crs
        The map's CRS (``EPSG:...``): the district's metric CRS.
    tables
        Non-spatial tables of the GeoPackage, added to the project without
        geometry, with the joins of :data:`RELATIONS` as project relations.
    """
    names = [n for n in draw_order(list(layers), layers) if len(layers[n])]
    ids = {n: f"{n}_{uuid.uuid5(uuid.NAMESPACE_URL, gpkg_name + n).hex}" for n in names}
    root = ET.Element("qgis", version=QGIS_VERSION, projectname=title)
    ET.SubElement(root, "title").text = title
    ET.SubElement(ET.SubElement(root, "projectMetadata"), "title").text = title
    ET.SubElement(root, "homePath", path="")
    _srs(ET.SubElement(root, "projectCrs"), crs)
    tree = ET.SubElement(root, "layer-tree-group")
    for n in reversed(names):  # the legend lists the top layer first
        shown = "Qt::Unchecked" if n in OFF_IN_PROJECT else "Qt::Checked"
        ET.SubElement(tree, "layer-tree-layer", id=ids[n], name=layer_style(n, layers[n]).title,
                      source=f"./{gpkg_name}|layername={n}", providerKey="ogr",
                      checked=shown, expanded="1")  # fmt: skip
    maplayers = ET.SubElement(root, "projectlayers")
    for n in names:
        gdf = layers[n]
        kind = geometry_kind(gdf)
        geometry, wkb = _GEOMETRY[kind]
        style = layer_style(n, gdf)
        ml = ET.SubElement(maplayers, "maplayer", type="vector", geometry=geometry, wkbType=wkb,
                           labelsEnabled="1" if style.label_column else "0")  # fmt: skip
        ET.SubElement(ml, "id").text = ids[n]
        ET.SubElement(ml, "datasource").text = f"./{gpkg_name}|layername={n}"
        ET.SubElement(ml, "layername").text = style.title
        _srs(ET.SubElement(ml, "srs"), str(gdf.crs.to_string()) if gdf.crs else "EPSG:4326")
        ET.SubElement(ml, "provider", encoding="UTF-8").text = "ogr"
        ml.append(renderer_element(style))
        lab = labeling_element(style, kind)
        if lab is not None:
            ml.append(lab)
    tids = {t: f"{t}_{uuid.uuid5(uuid.NAMESPACE_URL, gpkg_name + t).hex}" for t in tables}
    if tables:
        group = ET.SubElement(tree, "layer-tree-group", name="Detailed design tables",
                              checked="Qt::Checked", expanded="0")  # fmt: skip
        for t in tables:
            ET.SubElement(group, "layer-tree-layer", id=tids[t], name=t,
                          source=f"./{gpkg_name}|layername={t}", providerKey="ogr",
                          checked="Qt::Checked", expanded="0")  # fmt: skip
            ml = ET.SubElement(maplayers, "maplayer", type="vector", geometry="No geometry",
                               wkbType="NoGeometry")  # fmt: skip
            ET.SubElement(ml, "id").text = tids[t]
            ET.SubElement(ml, "datasource").text = f"./{gpkg_name}|layername={t}"
            ET.SubElement(ml, "layername").text = t
            ET.SubElement(ml, "provider", encoding="UTF-8").text = "ogr"
    rel = ET.SubElement(root, "relations")
    every = {**ids, **tids}
    for child, child_field, parent, parent_field in RELATIONS:
        if child in every and parent in every:
            r = ET.SubElement(rel, "relation", id=f"{child}_{child_field}_{parent}",
                              name=f"{child}.{child_field} = {parent}.{parent_field}",
                              referencingLayer=every[child], referencedLayer=every[parent],
                              strength="Association")  # fmt: skip
            ET.SubElement(r, "fieldRef", referencingField=child_field, referencedField=parent_field)
    order = ET.SubElement(root, "layerorder")
    for n in reversed(names):
        ET.SubElement(order, "layer", id=ids[n])
    props = ET.SubElement(root, "properties")
    srs = ET.SubElement(props, "SpatialRefSys")  # QGIS reads projectCrs only with this set
    ET.SubElement(srs, "ProjectionsEnabled", type="int").text = "1"
    paths = ET.SubElement(props, "Paths")
    ET.SubElement(paths, "Absolute", type="bool").text = "false"
    gui = ET.SubElement(props, "Gui")
    for part, value in zip(
        ("Red", "Green", "Blue"), rgba(pal.BACKGROUND).split(",")[:3], strict=True
    ):
        ET.SubElement(gui, f"CanvasColor{part}Part", type="int").text = value
    ET.indent(root)
    return _DOCTYPE + ET.tostring(root, encoding="unicode")


def write_qgis_project(
    layers: dict[str, gpd.GeoDataFrame],
    gpkg: Path,
    target: Path,
    title: str,
    crs: str,
    tables: Sequence[str] = (),
) -> Path:
    """Write the QGIS project ``target`` (``.qgz``: the ``.qgs`` zipped) for ``gpkg`` beside it."""
    text = project_xml(layers, gpkg.name, title, crs, tables)
    with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(target.with_suffix(".qgs").name, text)
    return target
