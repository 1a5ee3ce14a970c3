"""Public endpoints planned with the homes: rules, readers, one design, diversity, outputs."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from fttx_planner.cli import main
from fttx_planner.design.planner import plan_district
from fttx_planner.design.trench import root_tree
from fttx_planner.district import AddressPoints
from fttx_planner.endpoints.diversity import main_path_edges
from fttx_planner.endpoints.layer import read_endpoint_layer
from fttx_planner.endpoints.osm import read_osm_endpoints
from fttx_planner.endpoints.planning import CityPlan, plan_city
from fttx_planner.endpoints.points import Endpoints
from fttx_planner.endpoints.rules import RULES, EndpointError, EndpointRules
from fttx_planner.export import plan_layers
from fttx_planner.params import DesignParams
from fttx_planner.samples import get_scenario, load_sample
from tests.fttx_planner._districts import one_street


def points(*rows: tuple[float, float, str]) -> Endpoints:
    return Endpoints(
        xy=np.array([(x, y) for x, y, _ in rows], dtype=float),
        cls=np.array([c for _, _, c in rows], dtype=object),
        osm_id=np.array([f"test:{i}" for i in range(len(rows))], dtype=object),
        name=np.array(["" for _ in rows], dtype=object),
    )


def edge_fibres(plan) -> pd.Series:
    """Fibres of every layer on each trench edge."""
    return plan.cables.groupby("edge")["fibres"].sum()


# -- rules --------------------------------------------------------------------


def test_shipped_rules_cover_the_issue_classes_with_sources() -> None:
    rules = EndpointRules.default()
    tags = rules.osm_classes()
    for tag in [("highway", "traffic_signals"), ("man_made", "surveillance"),
                ("highway", "street_lamp"), ("amenity", "school"), ("amenity", "hospital"),
                ("amenity", "townhall"), ("amenity", "library"), ("man_made", "mast"),
                ("tower:type", "communication")]:  # fmt: skip
        assert tag in tags, tag
    assert {r.rule for r in rules.rules.values()} == set(RULES)
    for r in rules.rules.values():
        assert r.source and r.fibres >= 1 and r.terminal_eur >= 0


def test_bad_rules_name_every_bad_row() -> None:
    text = (
        "class,title,osm_tags,rule,fibres,merge_m,critical,terminal_eur,terminal,source\n"
        "a,A,highway=x,carrier_pigeon,1,0,no,1,t,s\n"
        "b,B,highway,pon,1,0,no,1,t,\n"
    )
    with pytest.raises(EndpointError) as err:
        EndpointRules.from_csv_text(text, "my rules")
    msg = str(err.value)
    assert "line 2 (a): rule must be" in msg
    assert "line 3 (b): source is empty" in msg
    assert "line 3 (b): OSM tag 'highway' is not key=value" in msg


# -- readers ------------------------------------------------------------------


def test_osm_signals_and_cameras_of_dreieich() -> None:
    sc = get_scenario("dreieich")
    d = load_sample("dreieich")
    e = read_osm_endpoints(sc.osm_path, d.crs)
    counts = e.counts()
    assert counts["traffic_signal"] >= 2 and counts["cctv_camera"] >= 1, counts
    # Every endpoint lies in the district (projected into its CRS).
    x0, y0, x1, y1 = d.bounds_xy
    assert ((e.xy[:, 0] > x0 - 500) & (e.xy[:, 0] < x1 + 500)).all()
    assert ((e.xy[:, 1] > y0 - 500) & (e.xy[:, 1] < y1 + 500)).all()
    assert all(ref[0] in "nwr" for ref in e.osm_id)


def test_user_layer_csv_and_geojson(tmp_path) -> None:
    csv_file = tmp_path / "ep.csv"
    csv_file.write_text("x,y,class,name\n95,3,traffic_signal,Main St\n60,-4,public_wifi,\n")
    e = read_endpoint_layer(csv_file, "EPSG:32632")
    assert e.cls.tolist() == ["traffic_signal", "public_wifi"]
    assert e.xy.tolist() == [[95.0, 3.0], [60.0, -4.0]]
    geo = tmp_path / "ep.geojson"
    geo.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"class": "cctv_camera"},
         "geometry": {"type": "Point", "coordinates": [9.0, 48.0]}}]}))  # fmt: skip
    g = read_endpoint_layer(geo, "EPSG:32632")
    assert g.cls.tolist() == ["cctv_camera"]
    assert 400_000 < g.xy[0, 0] < 600_000  # projected to UTM 32N


def test_user_layer_errors_are_one_line(tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,class\n1,2,dragon\n")
    with pytest.raises(EndpointError, match=r"row 1: unknown class 'dragon'"):
        read_endpoint_layer(bad, "EPSG:32632")
    nocls = tmp_path / "nocls.csv"
    nocls.write_text("x,y\n1,2\n")
    with pytest.raises(EndpointError, match="no 'class' column"):
        read_endpoint_layer(nocls, "EPSG:32632")
    with pytest.raises(EndpointError, match="not found"):
        read_endpoint_layer(tmp_path / "missing.csv", "EPSG:32632")


# -- one design on a hand-made street -----------------------------------------

NO_JOINTS = DesignParams(joints=False)


def test_no_endpoint_changes_nothing() -> None:
    base = plan_district(one_street(), NO_JOINTS)
    city = plan_city(one_street(), Endpoints.empty(), NO_JOINTS)
    assert city.total_cost_eur == pytest.approx(base.total_cost_eur)
    assert city.homes_passed == base.homes_passed
    assert edge_fibres(city).to_dict() == edge_fibres(base).to_dict()


def test_dedicated_fibre_counted_once_end_to_end() -> None:
    """A signal at the street's end: one fibre more on every edge from the OLT, no splitter port."""
    base = plan_district(one_street(), NO_JOINTS)
    city = plan_city(one_street(), points((95.0, 3.0, "traffic_signal")), NO_JOINTS)
    row = city.endpoints.iloc[0]
    assert row["served"] and row["splitter_id"] == -1 and row["fibres"] == 1
    before, after = edge_fibres(base), edge_fibres(city)
    g = city.graph
    _, parent, parent_edge = root_tree(g.n_nodes, g.edge_u, g.edge_v, city.trench_edges, g.olt_node)
    path = main_path_edges(parent, parent_edge, int(row["node"]))
    assert len(path) == 3  # 0-40, 40-80, 80-95
    for e in path:
        assert after[e] - before.get(e, 0) == 1, e
    assert set(after.index) == set(path.tolist())
    # The splitters serve only the homes; one point-to-point port at the office.
    assert city.splitters["ports_used"].sum() == base.splitters["ports_used"].sum()
    bom = city.bom.set_index("item")
    assert bom.loc["endpoint_co_port:traffic_signal", "quantity"] == 1
    assert bom.loc["endpoint_terminal:traffic_signal", "quantity"] == 1
    # The homes keep their own table and count.
    assert city.homes_passed == base.homes_passed
    assert row["path_m"] == pytest.approx(95.0 + row["drop_m"], abs=0.6)


def test_endpoint_takes_no_address_from_a_home() -> None:
    """A school node that carries the address of the house it stands in front of."""
    addresses = AddressPoints(
        xy=np.array([[40.0, 8.8], [41.0, 8.8], [42.0, 8.8]]), business=np.zeros(3, dtype=bool)
    )
    d = replace(one_street(), addresses=addresses)
    base = plan_district(d, NO_JOINTS)
    assert base.buildings["homes"].tolist() == [3, 1]
    city = plan_city(d, points((40.0, 8.8, "school")), NO_JOINTS)
    assert city.buildings["homes"].tolist() == [3, 1]
    assert city.endpoints["served"].all()


def test_pon_endpoint_takes_a_splitter_port() -> None:
    base = plan_district(one_street(), NO_JOINTS)
    city = plan_city(one_street(), points((60.0, -4.0, "cctv_camera")), NO_JOINTS)
    row = city.endpoints.iloc[0]
    assert row["served"] and row["splitter_id"] >= 0
    assert city.splitters["ports_used"].sum() == base.splitters["ports_used"].sum() + 1
    assert row["loss_db"] <= row["budget_db"] == NO_JOINTS.budget_db
    assert "endpoint_co_port:cctv_camera" not in set(city.bom["item"])


def test_diversity_reports_what_it_cannot_avoid() -> None:
    """On a single street there is no second route: the whole path is reported shared."""
    city = plan_city(one_street(), points((95.0, 3.0, "hospital")), NO_JOINTS, diversity=True)
    row = city.endpoints.iloc[0]
    assert row["critical"]
    assert row["diverse_m"] == pytest.approx(95.0, abs=0.6)
    assert row["diverse_shared_m"] == pytest.approx(row["diverse_m"] + row["drop_m"])
    assert row["diverse_new_trench_m"] == 0.0
    assert city.bom.set_index("item").loc["diverse_co_port:hospital", "quantity"] == 2


# -- a real district ----------------------------------------------------------


@pytest.fixture(scope="module")
def dreieich() -> tuple[CityPlan, object]:
    d = load_sample("dreieich")
    e = read_osm_endpoints(get_scenario("dreieich").osm_path, d.crs)
    return plan_city(d, e, diversity=True), d


def test_every_endpoint_served_under_its_rule(dreieich) -> None:
    city, _ = dreieich
    t = city.endpoints
    assert t["served"].all(), t.loc[~t["served"], "reason"].tolist()
    pon = t["rule"] == "pon"
    assert (t.loc[pon, "splitter_id"] >= 0).all()
    assert (t.loc[~pon, "splitter_id"] == -1).all()
    assert (t["loss_db"] <= t["budget_db"]).all()
    bom = city.bom.set_index("item")
    for cls, n in t.groupby("class").size().items():
        assert bom.loc[f"endpoint_terminal:{cls}", "quantity"] == n
    ded = t[t["rule"] == "dedicated"]
    ports = sum(bom.loc[f"endpoint_co_port:{c}", "quantity"] for c in ded["class"].unique())
    assert ports == ded["fibres"].sum()


def test_endpoint_cost_shares_add_up(dreieich) -> None:
    city, _ = dreieich
    t = city.endpoints
    assert (t["cost_share_eur"] > 0).all()
    own = city.bom[city.bom["item"].str.contains(":")]["cost_eur"].sum()
    assert t["direct_eur"].sum() == pytest.approx(own)
    s = city.summary()["endpoints"]
    assert s["cost_share_eur"] == pytest.approx(t["cost_share_eur"].sum())
    assert 0 < s["share_of_capex"] < 0.5
    assert city.lower_bound_eur is not None and city.lower_bound_eur <= city.total_cost_eur


def test_homes_unchanged_by_endpoints(dreieich) -> None:
    city, district = dreieich
    base = plan_district(district)
    assert city.homes_passed == base.homes_passed
    assert len(city.buildings) == len(base.buildings)
    assert city.total_cost_eur > base.total_cost_eur


def test_diverse_paths_share_no_trench_with_the_main_path(dreieich) -> None:
    city, _ = dreieich
    g = city.graph
    _, parent, parent_edge = root_tree(g.n_nodes, g.edge_u, g.edge_v, city.trench_edges, g.olt_node)
    t = city.endpoints.set_index("endpoint")
    div = city.diverse_edges
    assert len(div) and set(div["endpoint"]) == set(t.index[t["diverse_m"] > 0])
    assert t.loc[t["critical"], "diverse_m"].gt(0).all()
    for ep, edges in div.groupby("endpoint")["edge"]:
        main = set(main_path_edges(parent, parent_edge, int(t.loc[ep, "node"])).tolist())
        shared = sum(float(g.edge_length_m[e]) for e in edges if e in main)
        # Whatever it shares with the main path is what it reports (besides the drop).
        assert shared == pytest.approx(t.loc[ep, "diverse_shared_m"] - t.loc[ep, "drop_m"])
        assert t.loc[ep, "diverse_m"] == pytest.approx(float(g.edge_length_m[edges].sum()))


def test_city_plan_layers(dreieich) -> None:
    city, _ = dreieich
    layers = plan_layers(city, wgs84=False)
    assert len(layers["endpoints"]) == len(city.endpoints)
    assert set(layers["endpoints"]["class"]) == set(city.endpoints["class"])
    assert len(layers["diverse_paths"]) == int((city.endpoints["diverse_m"] > 0).sum())


def test_pole_runs_share_one_fibre() -> None:
    d = load_sample("liechtenstein_balzers")
    e = read_osm_endpoints(get_scenario("liechtenstein_balzers").osm_path, d.crs)
    lamps = e.select(e.cls == "street_lamp")
    assert len(lamps) >= 2
    city = plan_city(d, lamps)
    t = city.endpoints
    runs = t.loc[t["served"], "run"].unique()
    assert (t["run"] >= 0).all()
    # One fibre and one office port per run, whatever its number of lamps.
    assert t.groupby("run")["fibres"].sum().eq(1).all()
    port = city.bom.set_index("item").loc["endpoint_co_port:street_lamp", "quantity"]
    assert port == len(runs) < len(t) + 1
    assert (t["cost_share_eur"] > 0).all()


def test_city_cli(tmp_path, capsys) -> None:
    layer = tmp_path / "extra.csv"
    sc = get_scenario("liechtenstein_balzers")
    lon, lat = sc.olt_lonlat
    layer.write_text(f"lon,lat,class\n{lon + 0.002},{lat},public_wifi\n")
    out = tmp_path / "out"
    code = main(["city", "liechtenstein_balzers", "--out", str(out), "--endpoints", str(layer),
                 "--homes-only", "--pdf", "--quiet"])  # fmt: skip
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    e = summary["endpoints"]
    classes = {r["class"] for r in e["by_class"]}
    assert "public_wifi" in classes and "street_lamp" in classes
    total = summary["capex_eur"]["total"]
    assert e["incremental_eur"] == pytest.approx(total - e["homes_only_eur"])
    assert e["incremental_eur"] > 0
    table = pd.read_csv(out / "endpoints.csv")
    assert len(table) == e["count"]
    assert (out / "geojson" / "endpoints.geojson").is_file()
    text = " ".join(page.extract_text() or "" for page in PdfReader(out / "report.pdf").pages)
    assert "Public endpoints" in text and "Endpoints by cost share" in text
    assert "public_wifi" in capsys.readouterr().out


def test_city_cli_bad_layer_is_one_line(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("lon,lat,kind\n9.5,47.0,x\n")
    code = main(["city", "liechtenstein_balzers", "--out", str(tmp_path / "o"),
                 "--endpoints", str(bad), "--quiet"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert "no 'class' column" in err and "\n" not in err
