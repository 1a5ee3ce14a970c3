"""Tests of the existing-infrastructure layer and its matching to streets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pytest
import shapely

from fttx_planner._errors import FttxError
from fttx_planner.district import District, StreetGraph
from fttx_planner.network.infra import InfraLayer, load_infrastructure, match_to_streets
from fttx_planner.osm.projection import to_wgs84, transform_geometries
from fttx_planner.samples import get_scenario, load_sample

CRS = "EPSG:32632"


@pytest.fixture(scope="module")
def kotka() -> District:
    return load_sample("kotka_karhula")


@pytest.fixture(scope="module")
def kotka_layer(kotka: District) -> InfraLayer:
    path = get_scenario("kotka_karhula").infrastructure_path
    assert path is not None
    return load_infrastructure(path, kotka.crs)


def street_graph(lines: list[shapely.LineString]) -> StreetGraph:
    """A graph of separate edges, one per line (metric coordinates)."""
    n = len(lines)
    ends = np.array([[line.coords[0], line.coords[-1]] for line in lines]).reshape(-1, 2)
    return StreetGraph(
        node_xy=ends,
        node_osm_id=-1 - np.arange(2 * n),
        edge_u=np.arange(0, 2 * n, 2),
        edge_v=np.arange(1, 2 * n, 2),
        edge_length_m=np.array([line.length for line in lines]),
        edge_highway=np.array(["residential"] * n, dtype=object),
        edge_geometry=np.array(lines, dtype=object),
        edge_trench=np.ones(n, dtype=bool),
    )


def layer(lines: list[shapely.LineString], kinds: list[str], capacity: list[int]) -> InfraLayer:
    n = len(lines)
    return InfraLayer(
        geometry=np.array(lines, dtype=object),
        kind=np.array(kinds),
        free_capacity=np.array(capacity),
        source=np.array([""] * n),
        feature_index=np.arange(n),
        crs=CRS,
    )


def write_geojson(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def feature(props: dict[str, Any], geometry: dict[str, Any] | None = None) -> dict[str, Any]:
    geometry = geometry or {"type": "LineString", "coordinates": [[9.5, 47.06], [9.501, 47.06]]}
    return {"type": "Feature", "properties": props, "geometry": geometry}


# --- the Kotka sample layer -----------------------------------------------------


def test_kotka_layer_loads(kotka_layer: InfraLayer, kotka: District) -> None:
    assert kotka_layer.crs == kotka.crs
    assert set(kotka_layer.kind) == {"duct", "aerial"}
    assert kotka_layer.length_m("duct") == pytest.approx(9000.0, rel=0.1)
    assert kotka_layer.length_m("aerial") == pytest.approx(1790.0, rel=0.05)
    assert (kotka_layer.free_capacity >= 0).all()
    assert all("ILLUSTRATIVE" in s for s in kotka_layer.source[kotka_layer.kind == "duct"])
    assert all("way 94055681" in s for s in kotka_layer.source[kotka_layer.kind == "aerial"])
    # projected to metres, inside the district
    minx, miny, maxx, maxy = kotka.bounds_xy
    x_lo, y_lo, x_hi, y_hi = shapely.total_bounds(kotka_layer.geometry)
    assert minx - 500 < x_lo < x_hi < maxx + 500
    assert miny - 500 < y_lo < y_hi < maxy + 500


def test_kotka_layer_matches_main_streets(kotka_layer: InfraLayer, kotka: District) -> None:
    streets = kotka.streets
    match = match_to_streets(streets, kotka_layer)
    assert (match.duct_m <= streets.edge_length_m).all()
    assert (match.aerial_m <= streets.edge_length_m).all()
    assert (match.duct_m >= 0.0).all()
    assert (match.duct_m > 0.0).sum() > 50
    assert match.total_duct_m == pytest.approx(kotka_layer.length_m("duct"), rel=0.3)
    assert match.total_aerial_m > 0.0
    main = np.isin(streets.edge_highway, ["secondary", "tertiary"])
    assert match.duct_m[main].sum() > 0.6 * match.total_duct_m
    assert (match.duct_free_capacity[match.duct_m > 0] == 2).all()
    assert (match.duct_free_capacity[match.duct_m == 0] == 0).all()


# --- matching geometry ----------------------------------------------------------


def test_parallel_duct_covers_its_overlap_and_a_crossing_covers_nothing() -> None:
    streets = street_graph(
        [
            shapely.LineString([(0, 0), (100, 0)]),  # the duct runs along its first half
            shapely.LineString([(200, -50), (200, 50)]),  # the duct crosses it
            shapely.LineString([(0, 40), (100, 40)]),  # too far away
        ]
    )
    infra = layer(
        [shapely.LineString([(-20, 4), (50, 4)]), shapely.LineString([(150, 0), (250, 0)])],
        ["duct", "duct"],
        [3, 1],
    )
    match = match_to_streets(streets, infra)
    # to x = 50 plus the round end of the 8 m corridor at 4 m from the street
    assert match.duct_m == pytest.approx([50.0 + np.sqrt(8.0**2 - 4.0**2), 0.0, 0.0], abs=0.1)
    assert match.aerial_m.tolist() == [0.0, 0.0, 0.0]
    assert match.duct_free_capacity.tolist() == [3, 0, 0]


def test_overlapping_routes_are_not_counted_twice() -> None:
    streets = street_graph([shapely.LineString([(0, 0), (100, 0)])])
    infra = layer(
        [
            shapely.LineString([(-10, 3), (110, 3)]),
            shapely.LineString([(-10, -3), (110, -3)]),
            shapely.LineString([(-10, 2), (110, 2)]),
        ],
        ["duct", "duct", "aerial"],
        [1, 4, 2],
    )
    match = match_to_streets(streets, infra, tolerance_m=5.0)
    assert match.duct_m == pytest.approx([100.0])
    assert match.aerial_m == pytest.approx([100.0])
    assert match.duct_free_capacity.tolist() == [4]
    assert match.aerial_free_capacity.tolist() == [2]


def test_curved_street_along_a_curved_duct() -> None:
    arc = shapely.Point(0, 0).buffer(100.0, quad_segs=32).exterior
    half = shapely.LineString(list(arc.coords)[:65])
    streets = street_graph([half])
    infra = layer([shapely.Point(0, 0).buffer(104.0, quad_segs=32).exterior], ["aerial"], [1])
    match = match_to_streets(streets, infra)
    assert match.aerial_m[0] == pytest.approx(half.length, rel=0.01)


def test_empty_layer_and_bad_tolerance() -> None:
    streets = street_graph([shapely.LineString([(0, 0), (100, 0)])])
    empty = layer([], [], [])
    assert match_to_streets(streets, empty).duct_m.tolist() == [0.0]
    with pytest.raises(FttxError, match="tolerance_m must be positive"):
        match_to_streets(streets, empty, tolerance_m=0.0)


# --- files ----------------------------------------------------------------------


def test_geopackage_in_a_projected_crs(tmp_path: Path) -> None:
    lines = [shapely.LineString([(537000, 5212000), (537100, 5212000)])]
    frame = pyogrio.read_dataframe(
        write_geojson(tmp_path / "a.geojson", [feature({"kind": "duct", "free_capacity": 2})])
    )
    frame = frame.set_geometry(lines, crs="EPSG:32632")
    frame.to_file(tmp_path / "infra.gpkg", driver="GPKG", engine="pyogrio")
    loaded = load_infrastructure(tmp_path / "infra.gpkg", "EPSG:32632")
    assert loaded.length_m("duct") == pytest.approx(100.0)
    assert loaded.source.tolist() == [""]
    wgs84 = transform_geometries(to_wgs84("EPSG:32632"), loaded.geometry)
    assert shapely.get_coordinates(wgs84)[0] == pytest.approx([9.49, 47.06], abs=0.01)


def test_multilinestrings_are_split_into_parts(tmp_path: Path) -> None:
    geometry = {
        "type": "MultiLineString",
        "coordinates": [[[9.5, 47.06], [9.501, 47.06]], [[9.5, 47.061], [9.501, 47.061]]],
    }
    path = write_geojson(
        tmp_path / "m.geojson",
        [feature({"kind": "aerial", "free_capacity": 1, "source": "test"}, geometry)],
    )
    loaded = load_infrastructure(path, CRS)
    assert len(loaded) == 2
    assert loaded.feature_index.tolist() == [0, 0]
    assert loaded.source.tolist() == ["test", "test"]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FttxError, match=r"Infrastructure file not found: .*nope\.geojson"):
        load_infrastructure(tmp_path / "nope.geojson", CRS)


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(FttxError, match=r"broken\.geojson: cannot read the infrastructure layer"):
        load_infrastructure(path, CRS)


def test_missing_properties(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "p.geojson", [feature({"name": "x"})])
    with pytest.raises(FttxError, match=r"p\.geojson: no 'kind' property; no 'free_capacity'"):
        load_infrastructure(path, CRS)


def test_bad_features_are_listed_by_index(tmp_path: Path) -> None:
    point = {"type": "Point", "coordinates": [9.5, 47.06]}
    features = [
        feature({"kind": "duct", "free_capacity": 2}),
        feature({"kind": "fibre", "free_capacity": 2}),
        feature({"kind": "aerial", "free_capacity": -1}),
        feature({"kind": "duct", "free_capacity": 1}, point),
        feature({"kind": "duct", "free_capacity": "lots"}),
    ]
    path = write_geojson(tmp_path / "bad.geojson", features)
    with pytest.raises(FttxError) as info:
        load_infrastructure(path, CRS)
    message = str(info.value)
    assert message.startswith(f"Invalid infrastructure layer {path}: ")
    assert "feature 0" not in message
    assert "feature 1: kind 'fibre' is not one of duct, aerial" in message
    assert re.search(r"feature 2: free_capacity '?-1'? is negative", message)
    assert "feature 3: geometry is a Point, expected LineString or MultiLineString" in message
    assert "feature 4: free_capacity 'lots' is not an integer" in message


def test_empty_layer_file(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "none.geojson", [])
    with pytest.raises(FttxError, match=r"none\.geojson: it holds no features"):
        load_infrastructure(path, CRS)
