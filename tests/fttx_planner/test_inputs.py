"""Parameters, catalogue and demand rules: validation and defaults."""

from __future__ import annotations

import errno
import gzip
import json
import os
import re
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import shapely

from fttx_planner import CatalogueError, FttxError, OsmLoadError, ParameterError
from fttx_planner.catalogue import LAYERS, MAX_CATALOGUE_BYTES, MAX_ROWS, Catalogue
from fttx_planner.cli import main
from fttx_planner.demand.premises import demand_rules, estimate_demand
from fttx_planner.demand.register import load_register
from fttx_planner.design.planner import plan_district
from fttx_planner.district import Buildings, District
from fttx_planner.export import OUTPUT_FILES, write_all, write_text_atomic
from fttx_planner.export.atomic import OutputError, check_output_file, output_set
from fttx_planner.network.infra import load_infrastructure
from fttx_planner.osm import limits
from fttx_planner.osm.load import load_osm
from fttx_planner.params import MAX_PARAMS_BYTES, DesignParams, load_params, params_from_dict
from fttx_planner.pipeline import load_existing_infra, run_plan
from fttx_planner.plan import Plan
from fttx_planner.samples import SAMPLES_DIR, load_sample
from fttx_planner.synthetic import grid_district

from ._districts import hand_district
from .test_osm_load import HOUSE, HOUSE_NODES, node_grid, osm_xml


def test_every_default_price_has_a_source() -> None:
    cat = Catalogue.default()
    for item in cat.items.values():
        assert item.source.strip(), item.item
        assert item.layer in LAYERS
        assert item.unit_cost_eur >= 0


def test_negative_cost_is_refused_with_line_and_item() -> None:
    text = (
        Catalogue.default()
        .to_csv_text()
        .replace("trench_footway,civil,pass,m,49.0", "trench_footway,civil,pass,m,-49.0")
    )
    with pytest.raises(CatalogueError, match=r"line 3 \(trench_footway\): negative"):
        Catalogue.from_csv_text(text)


def test_catalogue_round_trip_and_unknown_item() -> None:
    cat = Catalogue.default()
    again = Catalogue.from_csv_text(cat.to_csv_text())
    assert again.cost("aerial") == cat.cost("aerial")
    with pytest.raises(CatalogueError, match="Known items"):
        cat.cost("unobtainium")
    with pytest.raises(CatalogueError, match="non-negative"):
        cat.with_cost("aerial", -1.0)


def test_catalogue_missing_item(tmp_path: Path) -> None:
    lines = Catalogue.default().to_csv_text().splitlines()
    f = tmp_path / "cat.csv"
    f.write_text("\n".join(x for x in lines if not x.startswith("ont,")) + "\n")
    with pytest.raises(CatalogueError, match="missing required items: ont"):
        Catalogue.from_csv(f)


def test_params_gather_all_problems() -> None:
    with pytest.raises(ParameterError) as info:
        params_from_dict({"spare_share": -0.1, "colour": "red", "max_drop_m": 0})
    text = str(info.value)
    assert "spare_share" in text and "colour" in text and "max_drop_m" in text


def test_params_ratio_rules() -> None:
    with pytest.raises(ParameterError, match="must divide"):
        params_from_dict({"split_ratio": 32, "stage1_ratio": 64})
    with pytest.raises(ParameterError, match="standard ratio"):
        params_from_dict({"split_ratio": 48})
    p = DesignParams(split_ratio=64, stage1_ratio=4, optical_class="C+", deployment="brownfield")
    assert p.describe() == "GPON 1:64, two stages 1:4 + 1:16, class C+, brownfield"
    assert p.homes_per_splitter == 14  # 16 ports less 10 % spare


def test_params_file(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text('[design]\nsplit_ratio = 64\noptical_class = "C+"\n')
    assert load_params(f).split_ratio == 64
    f.write_text("[design]\nsplit_ratio = \n")
    with pytest.raises(ParameterError, match="not valid TOML"):
        load_params(f)
    with pytest.raises(ParameterError, match="not found"):
        load_params(tmp_path / "missing.toml")


def test_every_field_declares_title_unit_and_description() -> None:
    for name, field in DesignParams.model_fields.items():
        assert field.title and field.description, name
        assert isinstance(field.json_schema_extra, dict) and "unit" in field.json_schema_extra


def _buildings(
    kinds: list[str], area_m2: float, levels: float = np.nan, flats: float = np.nan
) -> Buildings:
    side = area_m2**0.5
    n = len(kinds)
    return Buildings(
        osm_id=np.arange(n),
        footprint=np.array([shapely.box(0, 0, side, side)] * n),
        building=np.array(kinds, dtype=object),
        levels=np.full(n, levels),
        flats=np.full(n, flats),
        name=np.array([""] * n, dtype=object),
    )


def test_demand_rules_by_type() -> None:
    d = estimate_demand(_buildings(["house", "garage", "church", "shed", "yes", "office"], 150))
    # A church is one business connection (issue 10), never homes.
    assert d.homes.tolist() == [1, 0, 1, 0, 1, 1]
    assert d.residential.tolist() == [1, 0, 0, 0, 1, 0]
    big = estimate_demand(_buildings(["apartments", "yes"], 400, levels=5))
    assert big.homes.tolist() == [22, 11]  # 2000 m2 / 90 and / 180 (demand_rules.csv)
    tiny = estimate_demand(_buildings(["yes"], 20))
    assert tiny.homes.tolist() == [0]


def test_flats_tag_wins_and_is_counted() -> None:
    d = estimate_demand(_buildings(["apartments", "house"], 300, flats=7))
    assert d.homes.tolist() == [7, 7]
    s = d.summary()
    assert s["buildings_from_tag"] == 2 and s["buildings_estimated"] == 0


def test_demand_table_is_documented() -> None:
    rules = demand_rules()
    assert {"house", "apartments", "yes", "garage", "church"} <= set(rules)
    assert all(r.note for r in rules.values())


# --- hardened parameter files (issue 16) ----------------------------------------


def test_params_file_that_is_a_folder_or_fifo_is_refused_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "p.toml"
    folder.mkdir()
    with pytest.raises(ParameterError, match=r"p\.toml: is a folder, not a file"):
        load_params(folder)
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)  # opening it would block until a writer comes: never opened
    with pytest.raises(ParameterError, match=r"is a named pipe \(FIFO\), not a file"):
        load_params(fifo)
    with pytest.raises(ParameterError, match="is a device, not a file"):
        load_params("/dev/zero")


def test_params_file_size_and_nesting_are_bounded(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text("#" * (MAX_PARAMS_BYTES + 1))
    with pytest.raises(ParameterError, match="more than the 262,144 bytes"):
        load_params(f)
    # A dotted key 100,000 deep costs tomllib minutes and gigabytes: refused before parsing.
    f.write_text("a" + ".a" * 100_000 + " = 1\n")
    with pytest.raises(ParameterError, match="line 1: key nested more than 16 levels"):
        load_params(f)
    f.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ParameterError, match="nested too deeply"):
        load_params(f)
    f.write_bytes(b"[design]\nsplit_ratio = 64\n\xff\xfe\n")
    with pytest.raises(ParameterError, match="line 3: not UTF-8"):
        load_params(f)


def test_params_messages_stay_short(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text("[design]\n" + "k" * 100_000 + " = 1\n")
    with pytest.raises(ParameterError) as info:
        load_params(f)
    assert len(str(info.value)) < 300 and "100000 characters" in str(info.value)
    f.write_text("[design]\n" + "".join(f"k{i} = 1\n" for i in range(500)))
    with pytest.raises(ParameterError) as info:
        load_params(f)
    assert "and 490 more" in str(info.value) and len(str(info.value).splitlines()) == 12


@pytest.mark.parametrize(
    ("line", "key"),
    [("max_drop_m = nan", "max_drop_m"), ("olt_x_m = inf\nolt_y_m = 5.0", "olt_x_m")],
)
def test_params_non_finite_numbers_are_refused(tmp_path: Path, line: str, key: str) -> None:
    f = tmp_path / "p.toml"
    f.write_text(f"[design]\n{line}\n")
    with pytest.raises(ParameterError, match=f"{key}': (nan|inf) is not a finite number"):
        load_params(f)
    with pytest.raises(ParameterError, match="not a finite number"):
        params_from_dict({"olt_x_m": float("-inf"), "olt_y_m": 0.0})


def test_params_top_level_keys_beside_design_are_reported(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text("split_ratio = 64\n[design]\nmax_drop_m = 100\n")
    with pytest.raises(ParameterError, match="'split_ratio' beside the \\[design\\] section"):
        load_params(f)
    # The sections other readers use may sit beside [design].
    f.write_text("[design]\nsplit_ratio = 64\n[demand]\nhouseholds = 10\n[detail]\nx = 1\n")
    params = load_params(f)
    assert params.split_ratio == 64 and params.households == 10


# --- hardened OSM reader (issue 16) ---------------------------------------------

#: A street and a house: nodes 100-102 and the house's corners.
_STREET = (1, [100, 101, 102], {"highway": "residential"})


def _osm(tmp_path: Path, text: str, name: str = "d.osm") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _district_xml(house_tags: dict[str, str] | None = None) -> str:
    house = (HOUSE[0], HOUSE[1], {**HOUSE[2], **(house_tags or {})})
    return osm_xml(node_grid([100, 101, 102]) | HOUSE_NODES, [_STREET, house])


@pytest.mark.parametrize(
    ("attribute", "value", "message"),
    [
        ("lat", "nan", r"line 3: node 100: lat='nan' is not a coordinate"),
        ("lat", "47,06", r"line 3: node 100: lat='47,06' is not a coordinate"),
        ("lon", "inf", r"line 3: node 100: lon='inf' is not a coordinate"),
        ("lat", "999", r"line 3: node 100: lat='999' is outside -90..90 degrees"),
        ("lat", "", r"line 3: node 100: lat='' is not a coordinate"),
        ("id", "abc", r"line 3: node: id='abc' is not a whole number"),
        ("ref", "abc", r"line 10: way 1: ref='abc' is not a whole number"),
        ("id", "9" * 25, r"line 3: node 9+: id='9+' is not a whole number \(64 bit\)"),
        ("lon", "+5", r"line 3: node 100: lon='\+5' is not a coordinate"),
    ],
)
def test_osm_values_the_parser_refuses_name_line_and_element(
    tmp_path: Path, attribute: str, value: str, message: str
) -> None:
    text = re.sub(rf'\b{attribute}="[^"]*"', f'{attribute}="{value}"', _district_xml(), count=1)
    for name, data in (("d.osm", text.encode()), ("d.osm.gz", gzip.compress(text.encode()))):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(OsmLoadError, match=rf"{re.escape(name)} {message}") as info:
            load_osm(path)
        assert "\n" not in str(info.value)


def test_osm_entity_expansion_is_refused(tmp_path: Path) -> None:
    laughs = '<!DOCTYPE osm [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<osm version'
    text = _district_xml().replace("<osm version", laughs, 1).replace('v="house"', 'v="&b;"')
    with pytest.raises(OsmLoadError, match=r"d\.osm: cannot read .*\(XML entities are not"):
        load_osm(_osm(tmp_path, text))


def test_osm_tag_longer_than_libosmium_takes_is_cut_in_the_message(tmp_path: Path) -> None:
    path = _osm(tmp_path, _district_xml({"addr:flats": ";".join(["1"] * 50_000)}))
    with pytest.raises(OsmLoadError, match=r"way 900: v='1;1;.*longer than the 255") as info:
        load_osm(path)
    assert len(str(info.value)) < 250


@pytest.mark.parametrize(
    ("lat", "message"),
    [
        ("91", r"node 100 of highway way 1 lies outside the Earth's coordinates"),
        ("1e400", r"street node 100 lies 5,2\d\d km from the district's centre"),
        ("-33.9", r"street node 100 lies 9,\d{3} km .* spans at most 500 km"),
    ],
)
def test_osm_coordinates_off_the_earth_or_the_district(
    tmp_path: Path, lat: str, message: str
) -> None:
    text = re.sub(r'\blat="[^"]*"', f'lat="{lat}"', _district_xml(), count=1)
    with pytest.raises(OsmLoadError, match=message):
        load_osm(_osm(tmp_path, text))


def test_osm_absurd_tag_values_are_ignored_with_a_warning(tmp_path: Path) -> None:
    tags = {"building:levels": "1000000000", "building:flats": "1" + "0" * 12, "height": "99999999"}
    house = (HOUSE[0], HOUSE[1], {**tags, "building": "apartments"})
    street = (1, [4900, 4901, 4902], {"highway": "residential"})  # 11 m south of the house
    text = osm_xml(node_grid([4900, 4901, 4902]) | HOUSE_NODES, [street, house])
    district = load_osm(_osm(tmp_path, text))
    assert np.isnan(district.buildings.levels).all() and np.isnan(district.buildings.flats).all()
    assert np.isnan(district.buildings.column("height_m")).all()
    text = " | ".join(district.warnings)
    assert "building:levels above 200 (e.g. way 900: 1e+09): ignored" in text
    assert "flats above 10000 (e.g. way 900: 1e+12): ignored" in text
    assert "height above 1000" in text
    # the plan is the one of an untagged apartment block: a few homes, not a billion
    plan = plan_district(district)
    assert 1 <= plan.homes_passed <= 20


def test_osm_counts_are_bounded_while_streaming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_BUILDINGS", 0)
    with pytest.raises(OsmLoadError, match="more than 0 buildings: too large for one district"):
        load_osm(_osm(tmp_path, _district_xml()))
    monkeypatch.setattr(limits, "MAX_OSM_BYTES", 100)
    with pytest.raises(OsmLoadError, match=r"OSM file .*d\.osm: \d+ bytes, more than the 100"):
        load_osm(_osm(tmp_path, _district_xml()))


def test_osm_fifo_and_device_are_refused_without_opening(tmp_path: Path) -> None:
    fifo = tmp_path / "d.osm"
    os.mkfifo(fifo)
    with pytest.raises(OsmLoadError, match=r"d\.osm: is a named pipe \(FIFO\), not a file"):
        load_osm(fifo)
    link = tmp_path / "zero.osm"
    link.symlink_to("/dev/zero")
    with pytest.raises(OsmLoadError, match="is a device, not a file"):
        load_osm(link)


# --- hardened catalogue (issue 16) ----------------------------------------------


def _catalogue_with(tmp_path: Path, old: str, new: str, extra: str = "") -> Path:
    text = Catalogue.default().to_csv_text()
    assert old in text
    f = tmp_path / "cat.csv"
    f.write_text(text.replace(old, new) + extra)
    return f


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        ("1e308", r"line 3 \(trench_footway\): unit cost 1e\+308 EUR is above the 10,000,000"),
        ("inf", r"line 3 \(trench_footway\): unit_cost_eur 'inf' is not a finite number"),
        ("9" * 1000 + "x", r"unit_cost_eur '9{30,}\.\.\. \(1001 characters\) is not a number"),
    ],
)
def test_catalogue_prices_are_finite_and_bounded(tmp_path: Path, cost: str, message: str) -> None:
    f = _catalogue_with(
        tmp_path, "trench_footway,civil,pass,m,49.0", f"trench_footway,civil,pass,m,{cost}"
    )
    with pytest.raises(CatalogueError, match=message) as info:
        Catalogue.from_csv(f)
    assert max(len(line) for line in str(info.value).splitlines()) < 200
    with pytest.raises(CatalogueError, match="at most 10,000,000 EUR"):
        Catalogue.default().with_cost("aerial", 1e300)


def test_catalogue_size_rows_and_fields_are_bounded(tmp_path: Path) -> None:
    row = "trench_footway,civil,pass,m,49.0"
    rows = "".join(f"r{i},civil,pass,m,1,s\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(CatalogueError, match="more than the 5,000 rows"):
        Catalogue.from_csv(_catalogue_with(tmp_path, row, row, rows))
    big = 'big,civil,pass,m,1,"' + "x" * 200_000 + '"\n'
    with pytest.raises(CatalogueError, match=r"line \d+: not readable CSV \(field larger"):
        Catalogue.from_csv(_catalogue_with(tmp_path, row, row, big))
    bad = "".join(f"bad{i},nope,pass,m,1,s\n" for i in range(100))
    with pytest.raises(CatalogueError, match=r"and 90 more$"):
        Catalogue.from_csv(_catalogue_with(tmp_path, row, row, bad))
    f = tmp_path / "huge.csv"
    f.write_text("x" * (MAX_CATALOGUE_BYTES + 1))
    with pytest.raises(CatalogueError, match="more than the 1,048,576 bytes"):
        Catalogue.from_csv(f)
    with pytest.raises(CatalogueError, match="is a folder, not a file"):
        Catalogue.from_csv(tmp_path)


# --- hardened infrastructure layer and premises register (issue 16) --------------

#: A VRT that makes GDAL's CSV driver read a local file: a crafted "GeoJSON".
_VRT = """<OGRVRTDataSource>
  <OGRVRTLayer name="passwd"><SrcDataSource>CSV:/etc/passwd</SrcDataSource></OGRVRTLayer>
</OGRVRTDataSource>
"""


@pytest.fixture(scope="module")
def kotka() -> District:
    return load_sample("kotka_karhula")


@pytest.mark.parametrize("name", ["ducts.geojson", "ducts.json", "ducts.gpkg"])
def test_crafted_layer_cannot_make_gdal_read_other_files(
    tmp_path: Path, kotka: District, name: str
) -> None:
    path = tmp_path / name
    path.write_text(_VRT)
    for read in (
        lambda: load_infrastructure(path, kotka.crs),
        lambda: load_register(path, kotka),
    ):
        with pytest.raises(FttxError, match=r"not a (GeoJSON|GeoPackage) file \(its content") as e:
            read()
        text = str(e.value).replace(str(path), "")
        assert "root" not in text and "passwd" not in text
    # Even a JSON object holding the VRT text is read by the GeoJSON driver only.
    path.write_text(json.dumps({"type": "FeatureCollection", "features": _VRT}))
    if name != "ducts.gpkg":
        with pytest.raises(FttxError, match=r"not a readable GeoJSON file$") as e:
            load_infrastructure(path, kotka.crs)
        assert "root" not in str(e.value).replace(str(path), "")


def test_layer_of_another_format_or_not_a_file_is_refused(tmp_path: Path, kotka: District) -> None:
    vrt = tmp_path / "ducts.vrt"
    vrt.write_text(_VRT)
    with pytest.raises(FttxError, match=r"must be GeoJSON \(\.geojson, \.json\) or GeoPackage"):
        load_infrastructure(vrt, kotka.crs)
    fifo = tmp_path / "ducts.geojson"
    os.mkfifo(fifo)
    with pytest.raises(FttxError, match=r"is a named pipe \(FIFO\), not a file"):
        load_infrastructure(fifo, kotka.crs)
    with pytest.raises(FttxError, match=r"is a named pipe \(FIFO\), not a file"):
        load_register(fifo, kotka)


def _shifted_layer(tmp_path: Path, d_lon: float, capacity: object = None) -> Path:
    data = json.loads((SAMPLES_DIR / "kotka_karhula" / "infrastructure.geojson").read_text())
    for feature in data["features"]:
        coords = feature["geometry"]["coordinates"]
        feature["geometry"]["coordinates"] = [[x + d_lon, y] for x, y in coords]
        if capacity is not None:
            feature["properties"]["free_capacity"] = capacity
    path = tmp_path / "infra.geojson"
    path.write_text(json.dumps(data))
    return path


def test_layer_that_misses_the_district_is_warned_about(tmp_path: Path, kotka: District) -> None:
    infra, warnings = load_existing_infra(kotka, _shifted_layer(tmp_path, 0.0))
    assert infra.duct_m.sum() > 1000.0 and warnings == []
    infra, warnings = load_existing_infra(kotka, _shifted_layer(tmp_path, 0.5))
    assert infra.duct_m.sum() == 0.0 and infra.aerial_m.sum() == 0.0
    assert len(warnings) == 1
    assert re.search(r"routes lie 2\d\.\d km from the district's streets \(wrong CRS", warnings[0])
    assert "0 km of existing ducts or poles reused" in warnings[0]


def test_layer_capacities_are_bounded(tmp_path: Path, kotka: District) -> None:
    with pytest.raises(FttxError, match="free_capacity 1e\\+30 is more than 10000 cables"):
        load_infrastructure(_shifted_layer(tmp_path, 0.0, 1e30), kotka.crs)
    with pytest.raises(FttxError, match=r"free_capacity 'x{30,}\.\.\. \(5000 characters\)"):
        load_infrastructure(_shifted_layer(tmp_path, 0.0, "x" * 5000), kotka.crs)


def test_register_messages_stay_short(tmp_path: Path, kotka: District) -> None:
    path = tmp_path / "premises.csv"
    path.write_text(",".join("c" * 1000 + str(i) for i in range(40)) + "\n" + "1," * 39 + "1\n")
    with pytest.raises(FttxError, match=r"missing column\(s\) lon,lat .* and 34 more$") as info:
        load_register(path, kotka)
    assert len(str(info.value).replace(str(path), "")) < 400
    path.write_text('lon,lat,homes\n26.95,60.53,"' + "9" * 200_000 + '"\n')
    with pytest.raises(FttxError, match=r"line \d: not a readable CSV file \(field larger"):
        load_register(path, kotka)
    path.write_text("lon,lat,homes\n26.95,60.53," + "x" * 5000 + "\n")
    with pytest.raises(FttxError, match=r"line 2: column 'homes' is not a number: 'x+\.\.\."):
        load_register(path, kotka)


# --- implausible but valid districts (issue 16) ---------------------------------


def _islands(flats: list[float]) -> District:
    """A 400 m street with six houses, and one 100 m street per entry of ``flats``
    (2 km apart), each with one block of that many flats; the OLT left to the planner."""
    nodes = [(0.0, 0.0), (400.0, 0.0)]
    edges = [(0, 1)]
    houses = [(x, 14.0) for x in (50.0, 110.0, 170.0, 230.0, 290.0, 350.0)]
    for k in range(len(flats)):
        x0 = 2000.0 * (k + 1)
        nodes += [(x0, 0.0), (x0 + 100.0, 0.0)]
        edges.append((len(nodes) - 2, len(nodes) - 1))
        houses.append((x0 + 50.0, 14.0))
    district = hand_district(nodes, edges, houses)
    b = district.buildings
    counts = np.concatenate([np.full(6, np.nan), np.asarray(flats, dtype=float)])
    buildings = replace(b, flats=counts, building=np.where(np.isnan(counts), "house", "apartments"))
    return replace(district, buildings=buildings, olt_xy=None)


def test_automatic_olt_goes_to_the_island_with_most_premises_not_most_street() -> None:
    plan = plan_district(_islands([40.0]))
    assert plan.homes_passed == 40  # the block's island, though the houses' one is longer
    assert plan_district(_islands([3.0])).homes_passed == 6  # the houses' island wins


def test_automatic_olt_reaching_under_half_of_the_premises_is_warned_about() -> None:
    plan = run_plan(_islands([5.0, 5.0]))
    assert plan.homes_passed == 6
    text = " | ".join(plan.warnings)
    assert "the automatic OLT site reaches only 6 of 16 premises (38%)" in text
    assert not any("automatic OLT" in w for w in run_plan(_islands([1.0, 1.0])).warnings)


def test_automatic_olt_ignores_homes_no_street_can_reach() -> None:
    """Twenty houses 600 m from any street lie nearest the block's short street: they
    must not draw the OLT there (they are unservable), the six reachable houses win."""
    district = _islands([4.0])
    far = [(2050.0 + 20.0 * i, 600.0) for i in range(20)]
    centres = shapely.get_coordinates(shapely.centroid(district.buildings.footprint))
    houses = [tuple(c) for c in centres] + far
    nodes = district.streets.node_xy
    edges = list(
        zip(district.streets.edge_u.tolist(), district.streets.edge_v.tolist(), strict=True)
    )
    moved = hand_district([tuple(n) for n in nodes], edges, houses)
    flats = np.concatenate([district.buildings.flats, np.full(20, np.nan)])
    buildings = replace(moved.buildings, flats=flats)
    plan = plan_district(replace(moved, buildings=buildings, olt_xy=None))
    assert plan.homes_passed == 6


# --- outputs (issue 16) ---------------------------------------------------------


@pytest.fixture(scope="module")
def small_plan() -> Plan:
    return plan_district(grid_district(40, seed=3))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_out_that_is_a_file_fails_in_one_line_before_planning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_plan(*args: object, **kwargs: object) -> None:
        raise AssertionError("the plan ran before the output was checked")

    monkeypatch.setattr("fttx_planner.pipeline.run_plan", no_plan)
    blocker = tmp_path / "taken"
    blocker.write_text("a file")
    for out, message in (
        (blocker, r"output folder .*taken: .*taken is a file, not a folder"),
        (blocker / "sub", r"output folder .*sub: .*taken is a file, not a folder"),
    ):
        assert main(["plan", "liechtenstein_balzers", "--out", str(out), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert re.fullmatch(rf"error: {message}\n", err), err
    folder_pdf = tmp_path / "r.pdf"
    folder_pdf.mkdir()
    assert main(["report", "liechtenstein_balzers", "--out", str(folder_pdf), "--quiet"]) == 2
    assert "is a folder or not a regular file" in capsys.readouterr().err
    with pytest.raises(OutputError, match=r"report\.pdf: is a folder"):
        check_output_file(_mkdir(tmp_path / "x" / "report.pdf"))


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def test_failed_export_leaves_the_previous_set_intact(
    tmp_path: Path, small_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    paths = write_all(small_plan, out)
    assert {p.relative_to(out).parts[0] for p in paths} == {n.rstrip("/") for n in OUTPUT_FILES}
    assert all(p.is_file() for p in paths)
    (out / "notes.txt").write_text("mine")  # not part of the set: kept
    before = _snapshot(out)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "plan.kmz")

    monkeypatch.setattr("fttx_planner.export.files.write_kml", disk_full)
    other = plan_district(grid_district(60, seed=4))
    with pytest.raises(OutputError, match=r"out: No space left on device \(plan\.kmz\)$"):
        write_all(other, out)
    assert _snapshot(out) == before  # geojson and GeoPackage were rewritten, then dropped
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*(n.rstrip("/") for n in OUTPUT_FILES), "notes.txt"]
    )
    monkeypatch.undo()
    write_all(other, out)
    after = _snapshot(out)
    assert after["notes.txt"] == b"mine" and after["summary.json"] != before["summary.json"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_temporary_folders_of_a_killed_writer_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(dead.stdout)
    stale = [tmp_path / f".fttx-out{pid}.x1", tmp_path / f".p.json.tmp{pid}.x2"]
    for folder in stale:
        folder.mkdir()
        (folder / "half-written").write_text("x")
    write_text_atomic(tmp_path / "p.json", "{}")
    assert not stale[1].exists() and stale[0].exists()
    with output_set(tmp_path, ["p.json"]) as stage:
        (stage / "p.json").write_text("{}")
    assert not stale[0].exists()


def test_atomic_write_keeps_permissions_and_symlinks(tmp_path: Path) -> None:
    private = tmp_path / "project.json"
    private.write_text("old")
    private.chmod(0o600)
    write_text_atomic(private, "new")
    assert private.read_text() == "new" and stat.S_IMODE(private.stat().st_mode) == 0o600
    link = tmp_path / "link.json"
    link.symlink_to(private)
    write_text_atomic(link, "through the link")
    assert link.is_symlink() and private.read_text() == "through the link"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_an_output_set_keeps_the_permissions_of_the_files_it_replaces(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    summary.write_text("old")
    summary.chmod(0o600)
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("not ours")
    (tmp_path / "bom.csv").symlink_to(elsewhere)
    with output_set(tmp_path, ["summary.json", "bom.csv"]) as stage:
        (stage / "summary.json").write_text("new")
        (stage / "bom.csv").write_text("new bom")
    assert summary.read_text() == "new" and stat.S_IMODE(summary.stat().st_mode) == 0o600
    # The set is written into its folder, never through a link to elsewhere.
    assert not (tmp_path / "bom.csv").is_symlink() and elsewhere.read_text() == "not ours"


def test_total_flats_of_a_file_and_units_of_a_register_are_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kotka: District
) -> None:
    monkeypatch.setattr(limits, "MAX_TOTAL_FLATS", 100.0)
    path = _osm(tmp_path, _district_xml({"building:flats": "500"}))
    with pytest.raises(OsmLoadError, match=r"d\.osm: its buildings are tagged with 500 flats"):
        load_osm(path)
    register = tmp_path / "premises.csv"
    register.write_text("lon,lat,homes\n" + "26.95,60.53,100000\n" * 201)
    with pytest.raises(FttxError, match="counts 20,100,000 units in all, more than the 20,000,000"):
        load_register(register, kotka)
