"""The premises model: rules, addresses, context, levels, calibration, register."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from fttx_planner._errors import FttxError, ParameterError
from fttx_planner.demand.premises import estimate_demand
from fttx_planner.demand.register import load_register
from fttx_planner.district import AddressPoints, Buildings, LandUse
from fttx_planner.osm.load import load_osm
from fttx_planner.params import DesignParams
from fttx_planner.pipeline import run_plan
from fttx_planner.synthetic import grid_district

NAN = np.nan


def _row(
    kinds: list[str],
    side_m: float = 10.0,
    levels: float = NAN,
    flats: float = NAN,
    use: str = "",
    gap_m: float = 100.0,
) -> Buildings:
    """Square buildings of ``side_m`` in a row, ``gap_m`` apart."""
    n = len(kinds)
    return Buildings(
        osm_id=np.arange(1, n + 1),
        footprint=np.array(
            [shapely.box(i * gap_m, 0, i * gap_m + side_m, side_m) for i in range(n)]
        ),
        building=np.array(kinds, dtype=object),
        levels=np.full(n, levels),
        flats=np.full(n, flats),
        name=np.array([""] * n, dtype=object),
        use=np.array([use] * n, dtype=object),
    )


def test_houses_are_one_home_and_outbuildings_none() -> None:
    kinds = ["house", "detached", "semidetached_house", "farm", "garage", "shed", "barn", "ruins"]
    d = estimate_demand(_row(kinds, side_m=12))
    assert d.residential.tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    assert d.business.tolist() == [0] * 8
    assert d.source.tolist()[:4] == ["rule"] * 4 and set(d.source.tolist()[4:]) == {"none"}


def test_non_residential_types_get_few_business_units_never_homes() -> None:
    kinds = ["palace", "factory", "industrial", "supermarket", "stadium", "church", "school",
             "train_station", "hospital", "castle"]  # fmt: skip
    # Huge footprints and many levels: the old area rule gave hundreds of homes.
    d = estimate_demand(_row(kinds, side_m=150, levels=6, gap_m=300))
    assert d.residential.tolist() == [0] * len(kinds) or kinds[1] == "factory"
    assert d.residential[[0, 2, 3, 4, 5, 6, 7, 8, 9]].sum() == 0
    assert (d.business[[0, 2, 3, 4, 5, 6, 7, 8, 9]] >= 1).all()
    assert d.business.max() <= 5


def test_apartments_by_floor_area_and_levels() -> None:
    d = estimate_demand(_row(["apartments"], side_m=20, levels=5))
    assert d.residential.tolist() == [round(400 * 5 / 90)]
    assert d.source.tolist() == ["estimate"] and d.levels_source.tolist() == ["tag"]


def test_height_gives_levels_when_levels_missing() -> None:
    b = _row(["apartments"], side_m=20)
    b = Buildings(**{**b.__dict__, "height_m": np.array([30.0])})
    d = estimate_demand(b)
    assert d.levels.tolist() == [10.0] and d.levels_source.tolist() == ["height"]
    assert d.residential.tolist() == [round(400 * 10 / 90)]


def test_levels_from_tagged_neighbours_not_a_global_constant() -> None:
    # Ten towers 40 m apart; four tagged with 12 levels, the rest untagged.
    b = _row(["apartments"] * 10, side_m=20, gap_m=40)
    levels = np.array([12.0, NAN, 12.0, NAN, 12.0, NAN, 12.0, NAN, NAN, NAN])
    b = Buildings(**{**b.__dict__, "levels": levels})
    d = estimate_demand(b)
    untagged = np.isnan(levels)
    assert (d.levels[untagged] == 12.0).all()
    assert set(d.levels_source[untagged].tolist()) == {"neighbours"}
    assert (d.residential[untagged] == round(400 * 12 / 90)).all()


def test_address_count_beats_the_rule() -> None:
    # A terrace row and an untyped house-sized building with three address points each.
    b = _row(["terrace", "yes", "house"], side_m=14)
    pts = np.array([[x + 2.0 + 4 * j, 5.0] for x in (0.0, 100.0, 200.0) for j in range(3)])
    d = estimate_demand(b, addresses=AddressPoints(pts, np.zeros(len(pts), dtype=bool)))
    assert d.residential.tolist() == [3, 3, 3]
    assert d.source.tolist() == ["address"] * 3


def test_business_address_and_tag_make_business_units() -> None:
    b = _row(["yes", "yes"], side_m=12, use="")
    b = Buildings(**{**b.__dict__, "use": np.array(["shop=bakery", ""], dtype=object)})
    pts = np.array([[105.0, 5.0]])
    d = estimate_demand(b, addresses=AddressPoints(pts, np.array([True])))
    assert d.residential.tolist() == [0, 1]  # the shop; a house with a shop in it
    assert d.business.tolist() == [1, 1]


def test_context_of_untyped_buildings() -> None:
    b = _row(["yes"] * 4, side_m=20)
    land = LandUse(
        np.array(
            [
                shapely.box(-5, -5, 30, 30),
                shapely.box(95, -5, 130, 30),
                shapely.box(195, -5, 230, 30),
            ]
        ),
        np.array(["industrial", "allotments", "farmyard"], dtype=object),
    )
    d = estimate_demand(b, landuse=land)
    assert d.business.tolist() == [1, 0, 0, 0]
    # A 400 m2 untyped building in a farmyard is a barn; elsewhere a small block.
    assert d.residential.tolist() == [0, 0, 0, round(400 * 2 / 180)]
    assert d.category.tolist() == ["business", "none", "farmyard", "residential"]


def test_tiny_footprints_have_no_premises_unless_counted() -> None:
    b = _row(["yes", "house", "yes"], side_m=5)
    b = Buildings(**{**b.__dict__, "flats": np.array([NAN, NAN, 2.0])})
    d = estimate_demand(b, DesignParams(min_building_area_m2=30))
    assert d.residential.tolist() == [0, 0, 2]
    assert d.source.tolist() == ["none", "none", "tag"]


def test_flats_tag_wins() -> None:
    d = estimate_demand(_row(["apartments", "house", "yes"], side_m=20, flats=7))
    assert d.residential.tolist() == [7, 7, 7]
    assert d.summary()["buildings_from_tag"] == 3


def test_calibration_hits_totals_and_keeps_counted_buildings() -> None:
    b = _row(["apartments", "apartments", "house", "apartments", "office"], side_m=20, levels=4)
    b = Buildings(**{**b.__dict__, "flats": np.array([NAN, NAN, NAN, 9.0, NAN])})
    base = estimate_demand(b)
    assert base.residential.tolist() == [18, 18, 1, 9, 0]
    d = estimate_demand(b, DesignParams(households=30, businesses=4))
    assert int(d.residential.sum()) == 30 and int(d.business.sum()) == 4
    assert d.residential[3] == 9 and d.source[3] == "tag"  # the tagged block is kept
    assert d.residential[2] == 1  # one-home rule kept while the estimates can absorb it
    assert d.calibration["households"]["target"] == 30
    with pytest.raises(ParameterError, match="already count 9"):
        estimate_demand(b, DesignParams(households=5))


def test_plausibility_warning_for_huge_untagged_building() -> None:
    d = estimate_demand(_row(["apartments"], side_m=60, levels=20))
    assert d.residential[0] > 150
    assert any("above 150 homes without a flats tag" in w for w in d.warnings)


def test_unknown_building_values_are_untyped() -> None:
    d = estimate_demand(_row(["some_new_value"], side_m=10))
    assert d.residential.tolist() == [1] and d.category.tolist() == ["residential"]


def _register_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "register.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_register_overrides_matched_buildings(tmp_path: Path) -> None:
    district = grid_district(16)
    xy = district.buildings.centroid_xy
    lines = ["x,y,homes,businesses"] + [f"{x},{y},7,1" for x, y in xy[:3]] + ["1e6,1e6,5,0"]
    path = _register_csv(tmp_path, "\n".join(lines))
    plan = run_plan(district, premises_file=path)
    d = plan.demand
    assert d.residential[:3].tolist() == [7, 7, 7] and d.business[:3].tolist() == [1, 1, 1]
    assert set(d.source[:3].tolist()) == {"register"}
    assert d.register is not None
    assert d.register["points_matched"] == 3 and d.register["points_unmatched"] == 1
    summary = plan.summary()
    assert (
        summary["homes"]["residential_units"] + summary["homes"]["business_units"]
        == (summary["homes"]["demand"])
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x,y\n1,2\n", "missing column"),
        ("lat,lon,homes\n47.1,9.5,abc\n", "not a number"),
        ("lat,lon,homes\n147.1,9.5,2\n", "out of range"),
        ("x,y,homes\n1e7,1e7,2\n", "wrong coordinates, CRS or area"),
        ("x,y,homes\n0,0,-2\n", "whole number"),
        ("", "no rows"),
    ],
)
def test_register_errors_are_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    path = _register_csv(tmp_path, text)
    with pytest.raises(FttxError, match=message) as info:
        load_register(path, grid_district(4))
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_osm_loader_reads_addresses_landuse_and_building_tags(tmp_path: Path) -> None:
    osm = tmp_path / "tiny.osm"
    osm.write_text(
        """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6">
 <node id="1" lat="47.0500" lon="9.5000"/><node id="2" lat="47.0500" lon="9.5020"/>
 <node id="11" lat="47.0502" lon="9.5005"/><node id="12" lat="47.0502" lon="9.5007"/>
 <node id="13" lat="47.0504" lon="9.5007"/><node id="14" lat="47.0504" lon="9.5005"/>
 <node id="21" lat="47.0501" lon="9.5000"/><node id="22" lat="47.0501" lon="9.5020"/>
 <node id="23" lat="47.0510" lon="9.5020"/><node id="24" lat="47.0510" lon="9.5000"/>
 <node id="31" lat="47.0503" lon="9.5006"><tag k="addr:housenumber" v="3"/></node>
 <node id="32" lat="47.05031" lon="9.50061"><tag k="addr:housenumber" v="5"/>
  <tag k="shop" v="bakery"/></node>
 <way id="100"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
 <way id="200"><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="14"/><nd ref="11"/>
  <tag k="building" v="yes"/><tag k="height" v="9"/><tag k="roof:levels" v="1"/>
  <tag k="addr:flats" v="1-4"/><tag k="addr:housenumber" v="1;1a"/></way>
 <way id="300"><nd ref="21"/><nd ref="22"/><nd ref="23"/><nd ref="24"/><nd ref="21"/>
  <tag k="landuse" v="residential"/></way>
</osm>
""",
        encoding="utf-8",
    )
    district = load_osm(osm)
    b = district.buildings
    assert b.height_m is not None and b.height_m.tolist() == [9.0]
    assert b.column("roof_levels").tolist() == [1.0]
    assert b.column("addresses").tolist() == [2] and b.flats.tolist() == [4.0]
    assert district.addresses is not None and len(district.addresses) == 2
    assert district.addresses.business.tolist() == [False, True]
    assert district.landuse is not None and district.landuse.value.tolist() == ["residential"]
    d = estimate_demand(b, None, district.addresses, district.landuse)
    assert d.residential.tolist() == [4] and d.source.tolist() == ["tag"]
    assert d.business.tolist() == [1]
