"""Tests of online fetching, with a pre-filled cache or a mocked network only."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import geopandas
import osmnx
import pytest
import requests
import shapely

from fttx_planner._errors import FttxError
from fttx_planner.osm import online
from fttx_planner.osm.load import load_osm

#: A tiny district: one street and one house near Balzers.
SMALL_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
<node id="1" version="1" lat="47.060" lon="9.500"/>
<node id="2" version="1" lat="47.060" lon="9.501"/>
<node id="3" version="1" lat="47.0602" lon="9.5002"/>
<node id="4" version="1" lat="47.0602" lon="9.5004"/>
<node id="5" version="1" lat="47.0604" lon="9.5004"/>
<node id="6" version="1" lat="47.0604" lon="9.5002"/>
<way id="10" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
<way id="11" version="1"><nd ref="3"/><nd ref="4"/><nd ref="5"/><nd ref="6"/><nd ref="3"/>
<tag k="building" v="house"/></way>
</osm>
"""


def no_network(*args: Any, **kwargs: Any) -> NoReturn:
    msg = "network access in a test"
    raise AssertionError(msg)


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach the network fails the test."""
    monkeypatch.setattr(osmnx, "geocode_to_gdf", no_network)
    monkeypatch.setattr(osmnx, "geocode", no_network)
    monkeypatch.setattr(requests, "post", no_network)
    monkeypatch.setattr(requests, "get", no_network)


@pytest.fixture
def mocked_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Geocoding and Overpass answered locally; returns the Overpass queries made."""
    queries: list[str] = []

    def geocode_to_gdf(query: str) -> geopandas.GeoDataFrame:
        return geopandas.GeoDataFrame(
            geometry=[shapely.box(9.499, 47.059, 9.502, 47.061)], crs="EPSG:4326"
        )

    def post_to_file(url: str, query: str, path: Path, timeout_s: int) -> None:
        queries.append(query)
        path.write_text(SMALL_OSM, encoding="utf-8")

    monkeypatch.setattr(osmnx, "geocode_to_gdf", geocode_to_gdf)
    monkeypatch.setattr(online, "_post_to_file", post_to_file)
    return queries


def test_fetch_place_downloads_once_then_reads_the_cache(
    tmp_path: Path, mocked_network: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = online.fetch_place("Balzers, Liechtenstein", tmp_path)
    assert path.parent == tmp_path
    assert path.name.startswith("place_balzers_liechtenstein_")
    assert path.suffix == ".osm"
    assert len(mocked_network) == 1
    assert "(47.059,9.499,47.061,9.502)" in mocked_network[0]
    assert not list(tmp_path.glob("*.part"))

    # Cache hit: no geocoding, no download.
    monkeypatch.setattr(osmnx, "geocode_to_gdf", no_network)
    monkeypatch.setattr(online, "_post_to_file", no_network)
    assert online.fetch_place("Balzers, Liechtenstein", tmp_path) == path
    assert online.fetch_place("  balzers, LIECHTENSTEIN ", tmp_path) == path


def test_prefilled_cache_needs_no_network(tmp_path: Path) -> None:
    bbox = (9.499, 47.059, 9.502, 47.061)
    key = "9.49900,47.05900,9.50200,47.06100"
    cached = tmp_path / f"bbox_{online._digest(key)}.osm"
    cached.write_text(SMALL_OSM, encoding="utf-8")
    path = online.fetch_bbox(bbox, tmp_path)
    assert path == cached
    district = load_osm(path)
    assert district.streets.n_edges == 1
    assert len(district.buildings) == 1


def test_load_place_from_cache(tmp_path: Path, mocked_network: list[str]) -> None:
    district = online.load_place("Balzers, Liechtenstein", tmp_path)
    assert district.name == "Balzers, Liechtenstein"
    assert district.crs == "EPSG:32632"
    online.load_place("Balzers, Liechtenstein", tmp_path)
    assert len(mocked_network) == 1


def test_failed_download_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_post(url: str, query: str, path: Path, timeout_s: int) -> None:
        path.write_text("<osm>", encoding="utf-8")
        msg = "connection reset"
        raise requests.ConnectionError(msg)

    monkeypatch.setattr(online, "_post_to_file", failing_post)
    with pytest.raises(FttxError, match=r"Cannot download the bounding box .*connection reset"):
        online.fetch_bbox((9.499, 47.059, 9.502, 47.061), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_geocoding_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def not_found(query: str) -> NoReturn:
        msg = "Nominatim could not geocode query"
        raise ValueError(msg)

    monkeypatch.setattr(osmnx, "geocode_to_gdf", not_found)
    with pytest.raises(FttxError, match="Cannot geocode the place 'Atlantis'"):
        online.fetch_place("Atlantis", tmp_path)


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ((9.5, 47.0, 9.4, 47.1), "Invalid bounding box"),
        ((9.0, 47.0, 9.5, 47.5), "more than the 50 km²"),
    ],
)
def test_bad_bbox(tmp_path: Path, bbox: tuple[float, float, float, float], message: str) -> None:
    with pytest.raises(FttxError, match=message):
        online.fetch_bbox(bbox, tmp_path)


def test_default_cache_dir() -> None:
    assert online.default_cache_dir().parts[-2:] == ("fttx-planner", "osm")
