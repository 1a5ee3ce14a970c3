"""Handover exports checked from the files alone: the detail's names on the map layers, the
connectivity and splice schedule as GeoPackage tables, the Open Fibre Data Standard export and
the field crews' KMZ, for a sample city and a city plan with public endpoints (issue 13)."""

from __future__ import annotations

import json
import re
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest

from fttx_planner.detail.files import read_detail
from fttx_planner.detail.names import object_names
from fttx_planner.endpoints.osm import read_osm_endpoints
from fttx_planner.endpoints.planning import plan_city
from fttx_planner.endpoints.rules import EndpointRules
from fttx_planner.export import write_all
from fttx_planner.export.geopackage import DETAIL_TABLES
from fttx_planner.export.ofds import SCHEMA_URL
from fttx_planner.export.qgis import RELATIONS
from fttx_planner.params import DesignParams
from fttx_planner.pipeline import run_plan
from fttx_planner.plan import Plan
from fttx_planner.samples import list_samples, resolve_district

SLUG = "liechtenstein_balzers"
_KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return run_plan(SLUG, deployment="greenfield")


@pytest.fixture(scope="module")
def out(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("handover")
    write_all(plan, folder)
    return folder


@pytest.fixture(scope="module")
def city_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    district, scenario = resolve_district(SLUG)
    assert scenario is not None
    rules = EndpointRules.default()
    points = read_osm_endpoints(scenario.osm_path, district.crs, rules)
    city = plan_city(district, points, DesignParams(), rules=rules, diversity=True)
    folder = tmp_path_factory.mktemp("city")
    write_all(city, folder)
    return folder


def _layer(folder: Path, name: str) -> pd.DataFrame:
    return pyogrio.read_dataframe(folder / "plan.gpkg", layer=name, read_geometry=False)


def _has(folder: Path, layer: str) -> bool:
    return layer in pyogrio.list_layers(folder / "plan.gpkg")[:, 0]


def _sql(path: Path, query: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        return con.execute(query).fetchall()


def _check_connectivity(folder: Path) -> None:
    """Every served premise on exactly one OLT (or CO) port; no fibre twice; names unique."""
    units = pd.read_csv(folder / "detail" / "units.csv", keep_default_na=False)
    olt = pd.read_csv(folder / "detail" / "olt_ports.csv", keep_default_na=False)
    b = _layer(folder, "buildings")
    served = b[b["served"].astype(bool)]
    homes = dict(zip(served["osm_id"].astype("int64"), served["homes"], strict=True))
    per_building = units.groupby("osm_id").size()
    for osm, n in homes.items():
        assert per_building[osm] == n, osm
    assert not units.duplicated(["osm_id", "unit"]).any()
    # Exactly one port per premise unit, a used port of the CO, and the one of its splitter.
    assert (units["olt_port"] != "").all()
    assert set(units["olt_port"]) <= set(olt["olt_port"])
    pon = olt[olt["splitter"] != ""]
    port_of = dict(zip(pon["splitter"], pon["olt_port"], strict=True))
    on_pon = units[units["stage1_splitter"] != ""]
    assert (on_pon["stage1_splitter"].map(port_of) == on_pon["olt_port"]).all()
    p2p = units[units["stage1_splitter"] == ""]
    assert p2p["olt_port"].is_unique  # a point-to-point port serves one fibre
    assert not set(p2p["olt_port"]) & set(pon["olt_port"])
    # No fibre carries two circuits on any stretch of its cable.
    pieces = pd.read_csv(folder / "detail" / "pieces.csv", keep_default_na=False)
    for _, g in pieces.groupby(["cable", "tube", "fibre"]):
        if len(g) > 1:
            g = g.sort_values("start_m")
            assert (g["start_m"].to_numpy()[1:] >= g["end_m"].to_numpy()[:-1] - 1e-6).all()
    # Names unique in every named layer, and the same names as the detail's tables.
    for layer, col in (("sites", "site"), ("fibre_cables", "cable"), ("splitters", "name"),
                       ("drops", "name")):  # fmt: skip
        names = _layer(folder, layer)[col]
        assert (names != "").all() and names.is_unique, layer
    spl = pd.read_csv(folder / "detail" / "splitters.csv", keep_default_na=False)
    assert set(_layer(folder, "splitters")["name"]) == set(spl["splitter"])
    drops = set(_layer(folder, "drops")["name"])
    if _has(folder, "endpoints"):  # a city plan's
        drops |= set(_layer(folder, "endpoints")["drop"]) - {""}
    assert drops == set(units["drop"])
    cab = pd.read_csv(folder / "detail" / "cables.csv", keep_default_na=False)
    run_names = {n for x in _layer(folder, "cables")["name"] for n in x.split()}
    assert run_names == set(cab["cable"])  # every detail cable lies along some cable run


def _check_tables(folder: Path) -> None:
    """The detail's tables are GeoPackage attribute tables that join their layers."""
    gpkg = folder / "plan.gpkg"
    kinds = dict(_sql(gpkg, "SELECT table_name, data_type FROM gpkg_contents"))
    for name in DETAIL_TABLES:
        assert kinds[f"detail_{name}"] == "attributes"
    for layer in ("sites", "fibre_cables"):
        assert kinds[layer] == "features"
    for child, col, parent, parent_col in RELATIONS:
        values = set(_layer(folder, child)[col].astype(str)) - {""}
        targets = set(_layer(folder, parent)[parent_col].astype(str))
        if child == "detail_units" and col in ("drop", "osm_id") and _has(folder, "endpoints"):
            targets |= set(_layer(folder, "endpoints")[col].astype(str))  # a city's endpoints
        assert values and values <= targets, (child, col, parent)
    units = _layer(folder, "detail_units")
    csv = pd.read_csv(folder / "detail" / "units.csv", keep_default_na=False)
    assert len(units) == len(csv) and list(units.columns) == list(csv.columns)
    with zipfile.ZipFile(folder / "plan.qgz") as z:
        qgs = ET.fromstring(z.read("plan.qgs"))
    relations = {r.get("name") for r in qgs.iter("relation")}
    assert "detail_units.drop = drops.name" in relations
    assert len(relations) == len(RELATIONS)


def _check_ofds(folder: Path) -> None:
    """OFDS 0.3: ids unique, spans between existing nodes, GeoJSON by the transformation."""
    package = json.loads((folder / "ofds" / "network.json").read_text(encoding="utf-8"))
    [net] = package["networks"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        net["id"])  # fmt: skip
    assert net["links"][0] == {"href": SCHEMA_URL, "rel": "describedby"}
    assert net["crs"]["name"] == "urn:ogc:def:crs:OGC::CRS84"
    ids = [n["id"] for n in net["nodes"]]
    assert len(ids) == len(set(ids)) == len(_layer(folder, "sites"))
    span_ids = [s["id"] for s in net["spans"]]
    assert len(span_ids) == len(set(span_ids)) == len(_layer(folder, "fibre_cables"))
    node_xy = {n["id"]: n["location"]["coordinates"] for n in net["nodes"]}
    for s in net["spans"]:
        assert s["start"] in node_xy and s["end"] in node_xy and s["start"] != s["end"]
        route = np.asarray(s["route"]["coordinates"])
        # The route runs from its start node to its end node (within a centimetre).
        assert np.abs(route[0] - node_xy[s["start"]]).max() < 2e-7
        assert np.abs(route[-1] - node_xy[s["end"]]).max() < 2e-7
        assert s["fibreCount"] > 0 and s["fibreLength"] > 0
        assert s["status"] in {"planned"} and s["transmissionMedium"] == ["fibre"]
    for n in net["nodes"]:
        lon, lat = n["location"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90 and n["type"]
    nodes = json.loads((folder / "ofds" / "nodes.geojson").read_text(encoding="utf-8"))
    spans = json.loads((folder / "ofds" / "spans.geojson").read_text(encoding="utf-8"))
    assert len(nodes["features"]) == len(ids) and len(spans["features"]) == len(span_ids)
    f = spans["features"][0]["properties"]
    assert f["featureType"] == "span" and f["start"]["id"] in node_xy
    assert "nodes" not in f["network"] and f["network"]["id"] == net["id"]


def _check_field_kmz(folder: Path) -> None:
    """Sites carry their splice lists, drops their names."""
    with zipfile.ZipFile(folder / "field.kmz") as z:
        doc = ET.fromstring(z.read("doc.kml"))
    folders = {f.findtext(f"{_KML}name"): f for f in doc.iter(f"{_KML}Folder")}
    sites = pd.read_csv(folder / "detail" / "sites.csv", keep_default_na=False)
    [site_folder] = [f for n, f in folders.items() if n and n.startswith("Sites")]
    marks = site_folder.findall(f"{_KML}Placemark")
    assert len(marks) == len(sites)
    busiest = sites.sort_values("splices").iloc[-1]
    [mark] = [m for m in marks if m.findtext(f"{_KML}name") == busiest["site"]]
    descr = mark.findtext(f"{_KML}description") or ""
    assert descr.count("<td>splice</td>") == min(int(busiest["splices"]), 400)
    units = pd.read_csv(folder / "detail" / "units.csv", keep_default_na=False)
    drop_names = {m.findtext(f"{_KML}name") for m in folders["Drops"].findall(f"{_KML}Placemark")}
    assert drop_names == set(units["drop"])


def test_sample_city_connectivity_from_files(out: Path) -> None:
    _check_connectivity(out)


def test_sample_city_gpkg_tables_join_layers(out: Path) -> None:
    _check_tables(out)


def test_sample_city_ofds(out: Path) -> None:
    _check_ofds(out)


def test_sample_city_field_kmz(out: Path) -> None:
    _check_field_kmz(out)


def test_names_stable_between_replans(out: Path, tmp_path: Path) -> None:
    again = run_plan(SLUG, deployment="greenfield")
    write_all(again, tmp_path)
    for layer, col in (("sites", "site"), ("splitters", "name"), ("cables", "name"),
                       ("drops", "name"), ("buildings", "olt_port")):  # fmt: skip
        assert _layer(tmp_path, layer)[col].tolist() == _layer(out, layer)[col].tolist(), layer


def test_city_plan_endpoints_in_the_detail(city_out: Path) -> None:
    _check_connectivity(city_out)
    _check_tables(city_out)
    _check_ofds(city_out)
    units = pd.read_csv(city_out / "detail" / "units.csv", keep_default_na=False)
    layer = _layer(city_out, "endpoints")
    live = layer[layer["served"].astype(bool) & (layer["fibres"] > 0)]
    # Every endpoint with fibres has as many premise units as fibres, each with its port.
    detail = read_detail(city_out)
    ep_units = detail.units[detail.units["osm_id"] <= -(10**13)]
    assert len(ep_units) == int(live["fibres"].sum()) > 0
    pon = live[live["rule"] == "pon"]
    on_splitter = ep_units[ep_units["splitter"] != ""]
    assert len(on_splitter) == int(pon["fibres"].sum()) > 0
    p2p = ep_units[ep_units["splitter"] == ""]
    assert len(p2p) == int(live.loc[live["rule"] != "pon", "fibres"].sum()) > 0
    assert p2p["olt_port"].str.contains("-P2P-").all()
    # The endpoints layer names each served endpoint's drop and port(s).
    assert (live["drop"] != "").all() and (live["co_port"] != "").all()
    assert set(units["drop"]) >= set(live["drop"])


def test_plan_without_detail_leaves_no_stale_detail(plan: Plan, tmp_path: Path) -> None:
    write_all(plan, tmp_path)
    assert (tmp_path / "detail" / "units.csv").is_file()
    write_all(plan, tmp_path, with_detail=False)
    for name in ("detail", "ofds", "field.kmz"):
        assert not (tmp_path / name).exists(), name
    assert "name" not in _layer(tmp_path, "splitters").columns


def test_failed_write_keeps_the_previous_set(
    plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_all(plan, tmp_path)
    before = (tmp_path / "detail" / "units.csv").read_bytes()
    gpkg_before = (tmp_path / "plan.gpkg").read_bytes()

    def broken(*args: object, **kwargs: object) -> list[Path]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("fttx_planner.export.files.write_ofds", broken)
    from fttx_planner._errors import FttxError

    with pytest.raises(FttxError, match="No space left"):
        write_all(plan, tmp_path)
    assert (tmp_path / "detail" / "units.csv").read_bytes() == before
    assert (tmp_path / "plan.gpkg").read_bytes() == gpkg_before
    assert (tmp_path / "ofds" / "network.json").is_file()


def test_object_names_match_the_exported_layers(plan: Plan, out: Path) -> None:
    # What the window asks object_names for is what the files say.
    names = object_names(read_detail(out))
    sp = _layer(out, "splitters")
    assert [names.splitter[int(i)] for i in sp["splitter_id"]] == sp["name"].tolist()
    drops = _layer(out, "drops")
    osm = drops["building_osm_id"].astype("int64").tolist()
    assert [names.drop[k] for k in osm] == drops["name"].tolist()
    assert [names.olt_ports[k] for k in osm] == drops["olt_port"].tolist()
    olt = pd.read_csv(out / "detail" / "olt_ports.csv", keep_default_na=False)
    id_of = {v: k for k, v in names.splitter.items()}
    for s, port in zip(olt["splitter"], olt["olt_port"], strict=True):
        assert names.splitter_olt_port[id_of[s]] == port
    sites = _layer(out, "sites")
    kinds = dict(zip(sites["site"], sites["kind"], strict=True))
    assert names.site_kind == kinds and kinds[names.co] == "co"
    closures = plan.closures
    assert closures is not None
    by_node = [names.site_at_node[int(v)] for v in closures["node"]]
    assert by_node == _layer(out, "closures")["name"].tolist()
    e = int(plan.cables["edge"].iloc[0])
    layer = str(plan.cables["layer"].iloc[0])
    assert names.cables_on(e, layer) and set(names.cables_on(e, layer)) <= set(
        _layer(out, "fibre_cables")["cable"]
    )


@pytest.mark.parametrize("slug", [s.slug for s in list_samples() if s.slug != SLUG])
def test_every_sample_city_from_exported_files(slug: str, tmp_path: Path) -> None:
    write_all(run_plan(slug, deployment="greenfield"), tmp_path)
    _check_connectivity(tmp_path)
    _check_tables(tmp_path)
    _check_ofds(tmp_path)
