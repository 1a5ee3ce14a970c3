"""The plan's files as other tools read them: GeoPackage 1.2 with QGIS styles, the QGIS
project, RFC 7946 GeoJSON, KMZ. Read back with sqlite3, pyogrio, zipfile and XML only."""

from __future__ import annotations

import json
import re
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from fttx_planner.detail.model import build_detail
from fttx_planner.export import OUTPUT_FILES, plan_layers, write_all, write_geopackage
from fttx_planner.export.palette import GROUP_FILLS
from fttx_planner.export.styles import DRAW_ORDER, draw_order, layer_style
from fttx_planner.params import DesignParams
from fttx_planner.pipeline import run_plan
from fttx_planner.plan import Plan
from fttx_planner.synthetic import grid_district

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"


@pytest.fixture(scope="module")
def plan() -> Plan:
    district = grid_district(400, irregular=True, seed=3)
    return run_plan(district, params=DesignParams(split_ratio=64, stage1_ratio=4))


@pytest.fixture(scope="module")
def out(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    write_all(plan, folder)
    return folder


def _sql(path: Path, query: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        return con.execute(query).fetchall()


def test_write_all_writes_every_named_output(out: Path) -> None:
    for name in OUTPUT_FILES:
        path = out / name
        assert path.is_dir() if name.endswith("/") else path.stat().st_size > 0, name
    assert {p.name for p in (out / "geojson").iterdir()} >= {f"{n}.geojson" for n in DRAW_ORDER}


def test_geopackage_is_version_1_2(out: Path) -> None:
    # QGIS 3.22 LTR warns that GeoPackage 1.4 "may only be partially supported".
    [(app_id,)] = _sql(out / "plan.gpkg", "PRAGMA application_id")
    [(user_version,)] = _sql(out / "plan.gpkg", "PRAGMA user_version")
    assert app_id == GPKG_APPLICATION_ID
    assert user_version == 10200


def test_every_layer_has_a_default_qgis_style(out: Path) -> None:
    gpkg = out / "plan.gpkg"
    layers = {name for name, geom in pyogrio.list_layers(gpkg) if geom is not None}
    geometry_column = dict(_sql(gpkg, "SELECT table_name, column_name FROM gpkg_geometry_columns"))
    contents = dict(_sql(gpkg, "SELECT table_name, data_type FROM gpkg_contents"))
    assert contents["layer_styles"] == "attributes"  # registered, as QGIS creates it
    rows = _sql(
        gpkg,
        "SELECT f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault "
        "FROM layer_styles",
    )
    assert {r[0] for r in rows} == layers
    for table, geom_col, style_name, qml, sld, default in rows:
        assert geom_col == geometry_column[table] and default == 1 and style_name == table
        root = ET.fromstring(str(qml).split("\n", 1)[1])  # after the DOCTYPE line
        assert root.tag == "qgis" and root.get("version", "").startswith("3.22")
        renderer = root.find("renderer-v2")
        assert renderer is not None and renderer.get("type") == "RuleRenderer"
        rules = renderer.findall("rules/rule")
        symbols = {s.get("name") for s in renderer.findall("symbols/symbol")}
        assert rules and {r.get("symbol") for r in rules} == symbols
        # Every column a rule filters on exists in the layer.
        fields = set(pyogrio.read_info(gpkg, layer=table)["fields"])
        for r in rules:
            used = set(re.findall(r'"(\w+)"', r.get("filter", "")))
            assert used <= fields, (table, used - fields)
        sld_root = ET.fromstring(str(sld).split("\n", 1)[1])
        assert sld_root.tag.endswith("StyledLayerDescriptor")
        assert sld_root.find(".//{http://www.opengis.net/se}Name").text == table  # type: ignore[union-attr]


def _qml(gpkg: Path, table: str) -> ET.Element:
    [(qml,)] = _sql(gpkg, f"SELECT styleQML FROM layer_styles WHERE f_table_name = '{table}'")
    return ET.fromstring(str(qml).split("\n", 1)[1])


def test_styles_draw_like_the_app(out: Path, plan: Plan) -> None:
    gpkg = out / "plan.gpkg"
    cables = _qml(gpkg, "cables")
    rules = {r.get("label"): r for r in cables.iter("rule")}
    assert rules["Feeder cable"].get("filter") == "\"layer\" IN ('feeder')"
    colours = {
        s.get("name"): s.find("layer/Option/Option[@name='line_color']").get("value")  # type: ignore[union-attr]
        for s in cables.iter("symbol")
    }
    assert colours[rules["Feeder cable"].get("symbol")] == "194,24,91,255"  # #c2185b
    assert colours[rules["Distribution cable"].get("symbol")] == "21,101,192,255"  # #1565c0
    # Buildings take their splitter group's colour from the colour_group column.
    buildings = _qml(gpkg, "buildings")
    fill = [
        o.get("value", "")
        for o in buildings.iter("Option")
        if o.get("name") == "expression" and "colour_group" in o.get("value", "")
    ]
    assert fill and all(c in fill[0] for c in GROUP_FILLS)
    layer = pyogrio.read_dataframe(gpkg, layer="buildings")
    served = layer["served"].astype(bool)
    assert (layer.loc[~served, "colour_group"] == -1).all()
    by_group = layer.loc[served].groupby("splitter_id")["colour_group"].nunique()
    assert (by_group == 1).all()  # one colour per splitter group
    assert layer.loc[served, "colour_group"].between(0, len(GROUP_FILLS) - 1).all()
    # Splitters: first stage white squares, the last stage in its group's colour.
    sp = pyogrio.read_dataframe(gpkg, layer="splitters")
    first = sp["stage"] == 1
    assert (sp.loc[first, "colour_group"] == -1).all() and (
        sp.loc[~first, "colour_group"] >= 0
    ).all()


def test_neighbouring_splitter_groups_get_different_colours(plan: Plan) -> None:
    b = plan_layers(plan, wgs84=False)["buildings"]
    served = b.loc[b["served"]]
    centres = served.dissolve("splitter_id").centroid
    colour = served.groupby("splitter_id")["colour_group"].first()
    xy = np.column_stack([centres.x, centres.y])
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    np.fill_diagonal(d, np.inf)
    nearest = d.argmin(axis=1)
    same = colour.to_numpy() == colour.to_numpy()[nearest]
    assert same.mean() < 0.05


def test_qgis_project_lists_the_layers_in_drawing_order(out: Path, plan: Plan) -> None:
    with zipfile.ZipFile(out / "plan.qgz") as z:
        assert z.namelist() == ["plan.qgs"]
        text = z.read("plan.qgs").decode("utf-8")
    root = ET.fromstring(text.split("\n", 1)[1])
    # The detailed design's tables sit in a group of their own (test_handover.py).
    spatial = [
        e for e in root.iter("layer-tree-layer") if "layername=detail_" not in e.get("source", "")
    ]
    tree = [e.get("source") for e in spatial]
    layers = plan_layers(plan, wgs84=True, detail=build_detail(plan))
    expected = [n for n in reversed(draw_order(list(layers), layers)) if len(layers[n])]
    assert "unserved" not in expected  # none here: empty layers are left out
    assert tree == [f"./plan.gpkg|layername={n}" for n in expected]
    known = [n for n in expected if n in DRAW_ORDER]
    assert known == [n for n in reversed(DRAW_ORDER) if n in known]
    order = [e.get("id") for e in root.find("layerorder")]  # type: ignore[union-attr]
    assert order == [e.get("id") for e in spatial]
    for ml in root.iter("maplayer"):
        assert ml.findtext("provider") == "ogr"
        assert ml.find("renderer-v2") is not None or ml.get("geometry") == "No geometry"
    assert root.findtext("projectCrs/spatialrefsys/authid") == "EPSG:32632"  # UTM 32N
    assert root.findtext("properties/Paths/Absolute") == "false"  # the folder can move
    assert plan.district.name in root.get("projectname", "")


def test_a_layer_without_a_style_gets_a_plain_one(tmp_path: Path, plan: Plan) -> None:
    layers = plan_layers(plan, wgs84=True)
    # A layer a later version may add (splice closures): styled by geometry type.
    closures = gpd.GeoDataFrame(
        {"closure_id": ["C-1", "C-2"]},
        geometry=list(layers["splitters"].geometry[:2]),
        crs=layers["splitters"].crs,
    )
    layers["closures"] = closures
    assert layer_style("closures", closures).rules[0].symbol.kind == "marker"
    gpkg = write_geopackage(layers, tmp_path / "p.gpkg")
    marker = _qml(gpkg, "closures").find("renderer-v2/symbols/symbol/layer")
    assert marker is not None and marker.get("class") == "SimpleMarker"
    with zipfile.ZipFile(tmp_path / "p.qgz") as z:
        root = ET.fromstring(z.read("p.qgs").decode("utf-8").split("\n", 1)[1])
    names = [e.get("source", "").rsplit("=", 1)[1] for e in root.iter("layer-tree-layer")]
    # Points go just below the OLT, with the splitters.
    assert names.index("olt") < names.index("closures") < names.index("cables")


def test_geojson_follows_rfc_7946(out: Path) -> None:
    for path in sorted((out / "geojson").glob("*.geojson")):
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text)
        assert doc["type"] == "FeatureCollection" and "crs" not in doc, path.name
        coords = re.findall(r"\[ (-?\d+\.?\d*), (-?\d+\.?\d*) \]", text)
        decimals = [len(x.partition(".")[2]) for pair in coords for x in pair]
        assert max(decimals, default=0) <= 7, path.name
        for feature in doc["features"]:
            lon, lat = shapely.get_coordinates(shapely.geometry.shape(feature["geometry"]))[0]
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            for value in feature["properties"].values():
                if isinstance(value, float):
                    assert round(value, 2) == value, (path.name, value)


def test_geojson_polygons_follow_the_right_hand_rule(out: Path) -> None:
    doc = json.loads((out / "geojson" / "buildings.geojson").read_text(encoding="utf-8"))
    polygons = [shapely.geometry.shape(f["geometry"]) for f in doc["features"]]
    parts = [p for g in polygons for p in shapely.get_parts(g)]
    assert parts
    assert all(p.exterior.is_ccw for p in parts)
    assert all(not r.is_ccw for p in parts for r in p.interiors)


def test_kmz_has_a_styled_folder_per_layer(out: Path, plan: Plan) -> None:
    with zipfile.ZipFile(out / "plan.kmz") as z:
        assert z.namelist() == ["doc.kml"]
        root = ET.fromstring(z.read("doc.kml"))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    doc = root.find("k:Document", ns)
    assert doc is not None
    styles = {s.get("id"): s for s in doc.findall("k:Style", ns)}
    layers = plan_layers(plan, wgs84=True, detail=build_detail(plan))
    folders = {f.findtext("k:name", namespaces=ns): f for f in doc.findall("k:Folder", ns)}
    order = reversed(draw_order(list(layers), layers))
    titles = [layer_style(n, layers[n]).title for n in order if len(layers[n])]
    assert list(folders) == titles  # the top layer first
    cables = folders["Cables"].findall("k:Placemark", ns)
    assert len(cables) == len(layers["cables"])
    for pm in cables:
        style = styles[pm.findtext("k:styleUrl", namespaces=ns).lstrip("#")]  # type: ignore[union-attr]
        layer = pm.find("k:ExtendedData/k:Data[@name='layer']/k:value", ns).text  # type: ignore[union-attr]
        colour = style.findtext("k:LineStyle/k:color", namespaces=ns)
        assert colour == {"feeder": "ff5b18c2", "distribution": "ffc06515"}[str(layer)]
    # Coordinates are lon,lat with 7 decimals.
    first = cables[0].findtext(".//k:coordinates", namespaces=ns)
    lon, lat = (float(v) for v in str(first).split()[0].split(","))
    assert re.fullmatch(r"-?\d+\.\d{7}", str(first).split()[0].split(",")[0])
    x, y = layers["cables"].geometry.iloc[0].coords[0]
    assert (lon, lat) == pytest.approx((x, y), abs=1e-7)


def test_a_layer_of_mixed_geometry_becomes_one_table_per_kind(tmp_path: Path) -> None:
    # Barriers hold water areas and river lines; a GeoPackage table has one geometry type.
    barriers = gpd.GeoDataFrame(
        {"kind": ["water", "waterway", "railway"]},
        geometry=[
            shapely.box(9.50, 47.00, 9.51, 47.01),
            shapely.LineString([(9.50, 47.02), (9.52, 47.03)]),
            shapely.LineString([(9.49, 47.00), (9.49, 47.03)]),
        ],
        crs="EPSG:4326",
    )
    gpkg = write_geopackage({"barriers": barriers}, tmp_path / "b.gpkg")
    types = dict(_sql(gpkg, "SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
    assert types == {"barriers_areas": "POLYGON", "barriers_lines": "LINESTRING"}
    areas = _qml(gpkg, "barriers_areas").findall("renderer-v2/rules/rule")
    lines = _qml(gpkg, "barriers_lines").findall("renderer-v2/rules/rule")
    assert [r.get("filter") for r in areas] == ["\"kind\" IN ('water')"]
    assert "\"kind\" IN ('railway')" in [r.get("filter") for r in lines]
    with zipfile.ZipFile(tmp_path / "b.qgz") as z:
        root = ET.fromstring(z.read("b.qgs").decode("utf-8").split("\n", 1)[1])
    geometry = {ml.findtext("datasource"): ml.get("geometry") for ml in root.iter("maplayer")}
    assert geometry == {
        "./b.gpkg|layername=barriers_areas": "Polygon",
        "./b.gpkg|layername=barriers_lines": "Line",
    }
