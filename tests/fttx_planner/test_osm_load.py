"""Tests of the OSM loader on the real sample files and on small hand-made files."""

from __future__ import annotations

import bz2
import gzip
import itertools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import CRS

from fttx_planner._errors import OsmLoadError
from fttx_planner.district import DROP_ONLY_HIGHWAYS, TRENCH_HIGHWAYS, District
from fttx_planner.osm._geometry import build_buildings
from fttx_planner.osm._handlers import RawOsm
from fttx_planner.osm.links import LINK_HIGHWAYS, trench_links
from fttx_planner.osm.load import load_osm
from fttx_planner.samples import SAMPLES_DIR

#: Sample file and the approximate building count of /work/shared/osm/README.md.
SAMPLE_FILES = {
    "porto_centro_historico": ("porto_centro_historico.osm.bz2", 5900, "EPSG:32629"),
    "dreieich": ("dreieich.osm.gz", 3770, "EPSG:32632"),
    "liechtenstein_balzers": ("liechtenstein_balzers.osm.bz2", 1450, "EPSG:32632"),
    "kotka_karhula": ("kotka_karhula.osm.pbf", 2170, "EPSG:32635"),
}


def sample_path(slug: str) -> Path:
    return SAMPLES_DIR / slug / SAMPLE_FILES[slug][0]


@pytest.fixture(scope="module")
def districts() -> dict[str, District]:
    """Every sample loaded once for the module."""
    return {slug: load_osm(sample_path(slug)) for slug in SAMPLE_FILES}


# --- real samples ---------------------------------------------------------------


@pytest.mark.parametrize("slug", list(SAMPLE_FILES))
def test_sample_counts_are_plausible(districts: dict[str, District], slug: str) -> None:
    district = districts[slug]
    _, approx_buildings, crs = SAMPLE_FILES[slug]
    assert 0.7 * approx_buildings <= len(district.buildings) <= 1.3 * approx_buildings
    assert district.streets.n_edges > 100
    assert district.streets.total_length_m > 10_000.0
    assert (district.streets.edge_length_m > 0.0).all()
    assert district.crs == crs
    parsed = CRS.from_user_input(district.crs)
    assert parsed.is_projected
    assert parsed.axis_info[0].unit_name == "metre"
    assert "OpenStreetMap" in district.attribution
    assert district.source.endswith(SAMPLE_FILES[slug][0])


@pytest.mark.parametrize("slug", list(SAMPLE_FILES))
def test_sample_street_graph_is_consistent(districts: dict[str, District], slug: str) -> None:
    streets = districts[slug].streets
    streets.validate()
    assert (streets.edge_u != streets.edge_v).all()
    start = shapely.get_coordinates(shapely.get_point(streets.edge_geometry, 0))
    end = shapely.get_coordinates(shapely.get_point(streets.edge_geometry, -1))
    np.testing.assert_allclose(start, streets.node_xy[streets.edge_u])
    np.testing.assert_allclose(end, streets.node_xy[streets.edge_v])
    np.testing.assert_allclose(shapely.length(streets.edge_geometry), streets.edge_length_m)
    assert set(streets.edge_highway) <= TRENCH_HIGHWAYS | DROP_ONLY_HIGHWAYS
    # Street classes carry the trench, and so do the paths that link street
    # networks (never steps; fttx_planner.osm.links).
    expected_trench = np.isin(streets.edge_highway, list(TRENCH_HIGHWAYS))
    links = trench_links(
        streets.n_nodes, streets.edge_u, streets.edge_v, streets.edge_length_m,
        expected_trench, streets.edge_highway,
    )  # fmt: skip
    np.testing.assert_array_equal(streets.edge_trench, expected_trench | links)
    assert set(streets.edge_highway[links]) <= LINK_HIGHWAYS
    assert streets.edge_trench.any()
    # every node is an edge end: the graph is simplified, with no stray nodes
    used = np.unique(np.concatenate([streets.edge_u, streets.edge_v]))
    assert used.size == streets.n_nodes


@pytest.mark.parametrize("slug", list(SAMPLE_FILES))
def test_sample_buildings_are_valid_polygons(districts: dict[str, District], slug: str) -> None:
    buildings = districts[slug].buildings
    assert shapely.is_valid(buildings.footprint).all()
    types = set(shapely.get_type_id(buildings.footprint))
    assert types <= {shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON}
    assert (buildings.area_m2 > 0.0).all()
    assert np.median(buildings.area_m2) == pytest.approx(125.0, rel=0.5)
    assert len(np.unique(buildings.osm_id)) == len(buildings)
    assert not (buildings.building == "no").any()
    assert (np.isnan(buildings.levels) | (buildings.levels >= 0)).all()


def test_sample_levels_and_names_are_read(districts: dict[str, District]) -> None:
    porto = districts["porto_centro_historico"].buildings
    assert np.isfinite(porto.levels).sum() > 100
    assert (porto.name != "").sum() > 100


def test_excluded_highways_are_not_in_the_graph(districts: dict[str, District]) -> None:
    # The Kotka extract holds motorways and motorway links, Dreieich platforms.
    for district in districts.values():
        assert not np.isin(district.streets.edge_highway, ["motorway", "platform"]).any()


def test_kotka_warns_about_missing_nodes(districts: dict[str, District]) -> None:
    warnings = districts["kotka_karhula"].warnings
    assert any(re.match(r"\d+ highway ways reference nodes missing", w) for w in warnings)
    assert any(re.match(r"48 building areas reference nodes missing", w) for w in warnings)


def test_disconnected_parts_are_kept_with_a_warning(districts: dict[str, District]) -> None:
    warnings = districts["porto_centro_historico"].warnings
    assert any("disconnected parts" in w and "outside the longest part" in w for w in warnings)


def test_progress_rises_from_zero_to_one() -> None:
    calls: list[tuple[float, str]] = []
    load_osm(sample_path("kotka_karhula"), progress=lambda f, s: calls.append((f, s)))
    fractions = [f for f, _ in calls]
    assert fractions[0] == 0.0
    assert fractions[-1] == 1.0
    assert all(b >= a for a, b in itertools.pairwise(fractions))
    assert all(isinstance(stage, str) and stage for _, stage in calls)


def test_name_defaults_to_the_file_name_and_can_be_given() -> None:
    path = sample_path("kotka_karhula")
    assert load_osm(path).name == "Kotka Karhula"
    assert load_osm(path, name="Karhula").name == "Karhula"


# --- bad files ------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(OsmLoadError, match=r"not found: .*nowhere\.osm"):
        load_osm(tmp_path / "nowhere.osm")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(OsmLoadError, match="is a folder, not a file"):
        load_osm(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.osm.pbf"
    path.write_bytes(b"")
    with pytest.raises(OsmLoadError, match=r"empty\.osm\.pbf: the file is empty"):
        load_osm(path)


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "district.shp"
    path.write_bytes(b"not osm")
    with pytest.raises(OsmLoadError, match=r"district\.shp: unknown OSM file format"):
        load_osm(path)


@pytest.mark.parametrize("slug", ["porto_centro_historico", "dreieich", "kotka_karhula"])
def test_truncated_file(tmp_path: Path, slug: str) -> None:
    source = sample_path(slug)
    data = source.read_bytes()
    path = tmp_path / source.name
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(OsmLoadError, match=rf"{re.escape(source.name)}: .*truncated or corrupt"):
        load_osm(path)


def test_truncated_plain_xml(tmp_path: Path) -> None:
    text = bz2.decompress(sample_path("liechtenstein_balzers").read_bytes())
    path = tmp_path / "balzers.osm"
    path.write_bytes(text[: len(text) // 2])
    with pytest.raises(OsmLoadError, match=r"balzers\.osm: .*truncated or corrupt"):
        load_osm(path)


def test_garbage_file(tmp_path: Path) -> None:
    path = tmp_path / "garbage.osm.gz"
    path.write_bytes(gzip.compress(b"this is not xml at all"))
    with pytest.raises(OsmLoadError, match="truncated or corrupt"):
        load_osm(path)


# --- hand-made files ------------------------------------------------------------

#: A small grid of nodes near Balzers: id -> (lon, lat); 1e-4 degrees is about 10 m.
BASE_LON, BASE_LAT, STEP = 9.5, 47.06, 1e-4


def node_grid(ids: Iterable[int]) -> dict[int, tuple[float, float]]:
    """Node ``i`` sits at column ``i % 100``, row ``i // 100`` of a 10 m grid."""
    return {i: (BASE_LON + STEP * (i % 100), BASE_LAT + STEP * (i // 100)) for i in ids}


def osm_xml(
    nodes: Mapping[int, tuple[float, float]],
    ways: Iterable[tuple[int, list[int], dict[str, str]]] = (),
    relations: Iterable[tuple[int, list[tuple[int, str]], dict[str, str]]] = (),
) -> str:
    """An OSM XML document of the given nodes, ways and relations."""

    def tags(t: dict[str, str]) -> str:
        return "".join(f'<tag k="{k}" v="{v}"/>' for k, v in t.items())

    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    out += [
        f'<node id="{i}" version="1" lat="{lat}" lon="{lon}"/>' for i, (lon, lat) in nodes.items()
    ]
    for way_id, refs, way_tags in ways:
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        out.append(f'<way id="{way_id}" version="1">{nds}{tags(way_tags)}</way>')
    for rel_id, members, rel_tags in relations:
        mem = "".join(f'<member type="way" ref="{r}" role="{role}"/>' for r, role in members)
        out.append(f'<relation id="{rel_id}" version="1">{mem}{tags(rel_tags)}</relation>')
    out.append("</osm>")
    return "\n".join(out)


#: A building 20 m x 20 m with its corners at grid nodes 5000, 5002, 5202, 5200.
HOUSE_NODES = node_grid([5000, 5002, 5202, 5200])
HOUSE = (900, [5000, 5002, 5202, 5200, 5000], {"building": "house"})


def write(tmp_path: Path, text: str, name: str = "test.osm") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_crossing_streets_make_four_edges(tmp_path: Path) -> None:
    nodes = node_grid([100, 101, 102, 1, 201]) | HOUSE_NODES
    ways = [
        (1, [100, 101, 102], {"highway": "residential"}),
        (2, [1, 101, 201], {"highway": "footway"}),
        HOUSE,
    ]
    district = load_osm(write(tmp_path, osm_xml(nodes, ways)))
    streets = district.streets
    assert streets.n_nodes == 5
    assert streets.n_edges == 4
    assert sorted(streets.edge_trench.tolist()) == [False, False, True, True]
    # 1e-4 degrees of longitude at 47.06 N is 7.6 m, of latitude 11.1 m
    assert np.sort(streets.edge_length_m) == pytest.approx([7.6, 7.6, 11.1, 11.1], abs=0.1)
    assert district.warnings == []


def test_way_nodes_between_intersections_stay_in_the_geometry(tmp_path: Path) -> None:
    nodes = node_grid([100, 101, 102, 103, 104]) | HOUSE_NODES
    ways = [(1, [100, 101, 102, 103, 104], {"highway": "residential"}), HOUSE]
    streets = load_osm(write(tmp_path, osm_xml(nodes, ways))).streets
    assert streets.n_nodes == 2
    assert streets.n_edges == 1
    assert shapely.get_num_coordinates(streets.edge_geometry[0]) == 5


def test_way_cut_at_missing_node_is_counted(tmp_path: Path) -> None:
    nodes = node_grid([100, 101, 103, 104]) | HOUSE_NODES
    ways = [
        (1, [100, 101, 102, 103, 104], {"highway": "residential"}),  # node 102 is missing
        (2, [100, 999], {"highway": "residential"}),  # only one node left: dropped
        HOUSE,
    ]
    district = load_osm(write(tmp_path, osm_xml(nodes, ways)))
    assert district.streets.n_edges == 2
    assert district.streets.n_nodes == 4
    assert any(
        w.startswith("2 highway ways reference nodes missing from the file")
        and "1 of them dropped entirely" in w
        for w in district.warnings
    )
    assert any("2 disconnected parts" in w for w in district.warnings)


def test_loop_street_is_split_not_dropped(tmp_path: Path) -> None:
    # A residential loop touching the main street at node 100 only.
    nodes = node_grid([99, 100, 101, 200, 201, 300]) | HOUSE_NODES
    ways = [
        (1, [99, 100, 101], {"highway": "secondary"}),
        (2, [100, 200, 300, 201, 100], {"highway": "residential"}),
        HOUSE,
    ]
    streets = load_osm(write(tmp_path, osm_xml(nodes, ways))).streets
    assert (streets.edge_u != streets.edge_v).all()
    loop = streets.edge_highway == "residential"
    assert loop.sum() == 2
    ring = shapely.LineString([nodes[i] for i in (100, 200, 300, 201, 100)])
    assert streets.edge_length_m[loop].sum() > 0.0
    assert shapely.get_num_coordinates(streets.edge_geometry[loop]).sum() == len(ring.coords) + 1


def test_duplicate_way_is_kept_once_preferring_trench(tmp_path: Path) -> None:
    nodes = node_grid([100, 101, 102]) | HOUSE_NODES
    ways = [
        (1, [100, 101, 102], {"highway": "footway"}),
        (2, [102, 101, 100], {"highway": "residential"}),
        HOUSE,
    ]
    streets = load_osm(write(tmp_path, osm_xml(nodes, ways))).streets
    # node 101 is shared by the two ways, so it is a graph node
    assert streets.n_edges == 2
    assert streets.edge_highway.tolist() == ["residential", "residential"]


def test_coincident_nodes_are_one_graph_node(tmp_path: Path) -> None:
    nodes = node_grid([100, 101, 102, 103]) | HOUSE_NODES
    nodes[7] = nodes[101]  # a second node at the same place, unconnected in OSM
    ways = [(1, [100, 101], {"highway": "residential"}), (2, [7, 102], {"highway": "residential"})]
    streets = load_osm(write(tmp_path, osm_xml(nodes, [*ways, HOUSE]))).streets
    assert streets.n_nodes == 3
    assert streets.n_edges == 2


def test_excluded_highways_and_areas(tmp_path: Path) -> None:
    nodes = node_grid([100, 101, 200, 201, 300, 301, 400, 401]) | HOUSE_NODES
    ways = [
        (1, [100, 101], {"highway": "motorway"}),
        (2, [200, 201], {"highway": "construction"}),
        (3, [300, 301, 401, 400, 300], {"highway": "pedestrian", "area": "yes"}),
        (4, [400, 401], {"highway": "service", "access": "private"}),
        HOUSE,
    ]
    streets = load_osm(write(tmp_path, osm_xml(nodes, ways))).streets
    assert streets.edge_highway.tolist() == ["service"]


def test_no_streets(tmp_path: Path) -> None:
    nodes = node_grid([100, 101]) | HOUSE_NODES
    ways = [(1, [100, 101], {"highway": "motorway"}), HOUSE]
    with pytest.raises(OsmLoadError, match=r"test\.osm: no streets: .*motorway"):
        load_osm(write(tmp_path, osm_xml(nodes, ways)))


def test_no_buildings(tmp_path: Path) -> None:
    nodes = node_grid([100, 101])
    ways = [(1, [100, 101], {"highway": "residential"})]
    with pytest.raises(OsmLoadError, match=r"test\.osm: no buildings"):
        load_osm(write(tmp_path, osm_xml(nodes, ways)))


def test_nothing_at_all(tmp_path: Path) -> None:
    with pytest.raises(OsmLoadError, match=r"no streets: it holds no highway ways.*no buildings"):
        load_osm(write(tmp_path, osm_xml({})))


def test_building_tags(tmp_path: Path) -> None:
    nodes = node_grid([100, 101, 5003, 5004, 5104, 5103]) | HOUSE_NODES
    ways = [
        (1, [100, 101], {"highway": "residential"}),
        (
            900,
            [5000, 5002, 5202, 5200, 5000],
            {
                "building": "apartments",
                "building:levels": "3;4",
                "building:flats": "12",
                "addr:street": "Landstrasse",
                "addr:housenumber": "7",
            },
        ),
        (901, [5003, 5004, 5104, 5103, 5003], {"building": "yes", "building:levels": "many"}),
        (902, [5003, 5004, 5104, 5003], {"building": "no"}),
    ]
    buildings = load_osm(write(tmp_path, osm_xml(nodes, ways))).buildings
    order = np.argsort(buildings.osm_id)
    assert buildings.osm_id[order].tolist() == [900, 901]
    assert buildings.building[order].tolist() == ["apartments", "yes"]
    # "3;4" is two values, not 3 levels: ignored with a warning (test_levels_tags.py)
    np.testing.assert_array_equal(buildings.levels[order], [np.nan, np.nan])
    np.testing.assert_array_equal(buildings.flats[order], [12.0, np.nan])
    assert buildings.name[order].tolist() == ["Landstrasse 7", ""]
    # 2 x 1e-4 deg of lat (22.2 m) by 2 x 1e-4 deg of lon at 47.06 N (15.2 m)
    assert buildings.area_m2[order][0] == pytest.approx(22.24 * 15.22, rel=0.01)


def test_multipolygon_building_with_hole_and_broken_ones(tmp_path: Path) -> None:
    outer = [5000, 5004, 5404, 5400, 5000]
    inner = [5101, 5103, 5303, 5301, 5101]
    nodes = node_grid([100, 101, *outer, *inner, 6000, 6002, 6202])
    ways = [
        (1, [100, 101], {"highway": "residential"}),
        (10, outer, {}),
        (11, inner, {}),
        (12, [6000, 6002, 6202, 6200, 6000], {}),  # node 6200 is missing
        (13, [6000, 6202, 6002], {"building": "yes"}),  # not closed
    ]
    relations = [
        (50, [(10, "outer"), (11, "inner")], {"type": "multipolygon", "building": "school"}),
        (51, [(12, "outer")], {"type": "multipolygon", "building": "yes"}),
        (52, [(777, "outer")], {"type": "multipolygon", "building": "yes"}),  # no such way
    ]
    district = load_osm(write(tmp_path, osm_xml(nodes, ways, relations)))
    buildings = district.buildings
    assert buildings.osm_id.tolist() == [-50]
    assert len(buildings.footprint[0].interiors) == 1
    assert "1 building ways are not closed: dropped" in district.warnings
    assert any(w.startswith("2 building areas could not be assembled") for w in district.warnings)


def test_invalid_footprint_is_repaired() -> None:
    raw = RawOsm()
    bowtie = shapely.Polygon([(9.5, 47.0), (9.5002, 47.0002), (9.5002, 47.0), (9.5, 47.0002)])
    square = shapely.box(9.501, 47.0, 9.5012, 47.0002)
    for osm_id, polygon in ((1, bowtie), (2, square)):
        raw.building_id.append(osm_id)
        raw.building_wkb.append(shapely.to_wkb(shapely.multipolygons([polygon]), hex=True))
        raw.building_value.append("yes")
        raw.building_levels.append("")
        raw.building_flats.append("")
        raw.building_name.append("")
    buildings, notes = build_buildings(raw, "EPSG:32632")
    assert notes.repaired == 1
    assert notes.dropped == 0
    assert shapely.is_valid(buildings.footprint).all()
    assert shapely.get_type_id(buildings.footprint[0]) == shapely.GeometryType.MULTIPOLYGON
    assert shapely.get_type_id(buildings.footprint[1]) == shapely.GeometryType.POLYGON


def test_compressed_xml_is_read(tmp_path: Path) -> None:
    nodes = node_grid([100, 101]) | HOUSE_NODES
    text = osm_xml(nodes, [(1, [100, 101], {"highway": "residential"}), HOUSE]).encode()
    (tmp_path / "a.osm.gz").write_bytes(gzip.compress(text))
    (tmp_path / "a.osm.bz2").write_bytes(bz2.compress(text))
    for name in ("a.osm.gz", "a.osm.bz2"):
        district = load_osm(tmp_path / name)
        assert district.streets.n_edges == 1
        assert len(district.buildings) == 1


def test_errors_of_the_progress_callback_are_not_translated() -> None:
    class Cancelled(RuntimeError):
        pass

    def cancel(fraction: float, stage: str) -> None:
        if fraction > 0.0:
            raise Cancelled

    with pytest.raises(Cancelled):
        load_osm(sample_path("kotka_karhula"), progress=cancel)


def test_only_broken_buildings(tmp_path: Path) -> None:
    nodes = node_grid([100, 101, 5000, 5002, 5202])
    ways = [(1, [100, 101], {"highway": "residential"}), HOUSE]  # node 5200 is missing
    with pytest.raises(OsmLoadError, match=r"no buildings: its 1 building outlines are all broken"):
        load_osm(write(tmp_path, osm_xml(nodes, ways)))
