"""A region folder of adjacent OSM extracts, stitched at their borders.

A small town is written as OSM XML: a street grid (rows as ways with inner
vertices every 25 m, some rows cut into two ways of different classes, cross
streets every other column), houses and blocks of flats along the rows, and
address nodes. Two extracts of it overlap by a 120 m strip, cut the way
``osmium extract --strategy simple`` does: the nodes inside the box, the
ways and buildings with a node inside, listing all their node references
(the loader cuts streets at the missing nodes and drops incomplete
buildings). The folder of the two extracts must give the same district and
the same plan as the whole file.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from fttx_planner.cli import main
from fttx_planner.district import District
from fttx_planner.osm.load import load_osm
from fttx_planner.region import plan_region
from fttx_planner.region.inputs import load_region

#: The town: node columns and rows 100 m apart, inner vertices every 25 m.
COLUMNS, ROWS, BLOCK_M, STEP_M = 12, 5, 100.0, 25.0
#: Columns with a cross street (a row way split at column 5 joins end to end there).
CROSS = (0, 2, 4, 6, 8, 10, 11)
SPLIT_COLUMN = 5
#: The border between the extracts (x, m) and half the overlap strip.
BORDER_M, HALF_OVERLAP_M = 600.0, 60.0


class _Town:
    """OSM objects of the synthetic town, in metres around a reference point."""

    def __init__(self, lon0: float, lat0: float) -> None:
        self.lon0, self.lat0 = lon0, lat0
        self.nodes: dict[int, tuple[float, float, dict[str, str]]] = {}
        self.ways: dict[int, tuple[list[int], dict[str, str]]] = {}
        self._at: dict[tuple[float, float], int] = {}
        self._build()

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        lon = self.lon0 + x / (111_320.0 * math.cos(math.radians(self.lat0)))
        return round(lon, 7), round(self.lat0 + y / 110_574.0, 7)

    def node(self, x: float, y: float, tags: dict[str, str] | None = None) -> int:
        key = (round(x, 3), round(y, 3))
        if tags is None and key in self._at:
            return self._at[key]
        nid = 1000 + len(self.nodes)
        self.nodes[nid] = (x, y, tags or {})
        if tags is None:
            self._at[key] = nid
        return nid

    def way(self, refs: list[int], tags: dict[str, str]) -> None:
        self.ways[5000 + len(self.ways)] = (refs, tags)

    def _build(self) -> None:
        width = (COLUMNS - 1) * BLOCK_M
        steps = int(width / STEP_M)
        for r in range(ROWS):
            y = r * BLOCK_M
            refs = [self.node(i * STEP_M, y) for i in range(steps + 1)]
            cut = int(SPLIT_COLUMN * BLOCK_M / STEP_M)
            if r % 2:
                self.way(refs[: cut + 1], {"highway": "residential", "name": f"Row {r} west"})
                self.way(refs[cut:], {"highway": "unclassified", "name": f"Row {r} east"})
            else:
                self.way(refs, {"highway": "residential", "name": f"Row {r}"})
        for c in CROSS:
            x = c * BLOCK_M
            refs = [self.node(x, j * BLOCK_M / 2) for j in range(2 * (ROWS - 1) + 1)]
            self.way(refs, {"highway": "residential", "name": f"Cross {c}"})
        house = 0
        for r in range(ROWS):
            for side in (-1, 1):
                y = r * BLOCK_M + side * 15.0
                for i in range(steps):
                    x = STEP_M / 2 + i * STEP_M
                    house += 1
                    tags = {"building": "house"}
                    if house % 7 == 0:
                        tags = {"building": "apartments", "building:flats": "10"}
                    h = 5.0
                    ring = [(x - h, y - h), (x + h, y - h), (x + h, y + h), (x - h, y + h)]
                    refs = [self.node(px, py, {}) for px, py in ring]
                    self.way([*refs, refs[0]], tags)
                    if house % 5 == 0:
                        self.node(x + 1.0, y, {"addr:housenumber": str(house)})

    def write(self, path: Path, x_range: tuple[float, float] = (-1e9, 1e9)) -> Path:
        """Write the town, or the extract of the nodes within ``x_range`` (simple strategy)."""
        inside = {n for n, (x, _, _) in self.nodes.items() if x_range[0] <= x <= x_range[1]}
        ways = {w: v for w, v in self.ways.items() if inside.intersection(v[0])}
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">']
        for n in sorted(inside):
            x, y, tags = self.nodes[n]
            lon, lat = self.lonlat(x, y)
            body = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
            lines.append(f'<node id="{n}" version="1" lat="{lat}" lon="{lon}">{body}</node>')
        for w in sorted(ways):
            refs, tags = ways[w]
            body = "".join(f'<nd ref="{r}"/>' for r in refs)
            body += "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
            lines.append(f'<way id="{w}" version="1">{body}</way>')
        lines.append("</osm>")
        path.write_text("\n".join(lines), encoding="utf-8")
        return path


def _folder(tmp: Path, town: _Town) -> tuple[Path, Path]:
    """The whole town's file, and a folder of its two overlapping extracts."""
    whole = town.write(tmp / "whole.osm")
    folder = tmp / "tiles"
    folder.mkdir()
    town.write(folder / "a_west.osm", (-1e9, BORDER_M + HALF_OVERLAP_M))
    town.write(folder / "b_east.osm", (BORDER_M - HALF_OVERLAP_M, 1e9))
    return whole, folder


@pytest.fixture(scope="module")
def town_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _folder(tmp_path_factory.mktemp("town"), _Town(9.0, 48.0))


def _parts(d: District) -> int:
    s = d.streets
    adj = coo_matrix((np.ones(s.n_edges), (s.edge_u, s.edge_v)), shape=(s.n_nodes, s.n_nodes))
    return int(connected_components(adj, directed=False)[0])


def _edges(d: District) -> list[tuple[int, int, float]]:
    s = d.streets
    ids = s.node_osm_id
    return sorted(
        (int(min(ids[u], ids[v])), int(max(ids[u], ids[v])), round(float(length), 3))
        for u, v, length in zip(s.edge_u, s.edge_v, s.edge_length_m, strict=True)
    )


def test_each_extract_alone_is_cut_at_the_border(town_files: tuple[Path, Path]) -> None:
    whole_file, folder = town_files
    whole = load_osm(whole_file)
    west = load_osm(folder / "a_west.osm")
    east = load_osm(folder / "b_east.osm")
    # The premise of the test: each file is missing part of the town.
    assert len(west.buildings) < len(whole.buildings) > len(east.buildings)
    assert len(west.buildings) + len(east.buildings) > len(whole.buildings)  # the strip
    assert west.streets.total_length_m + east.streets.total_length_m > whole.streets.total_length_m
    assert _parts(whole) == 1


def test_stitched_folder_is_the_whole_file(town_files: tuple[Path, Path]) -> None:
    whole_file, folder = town_files
    whole = load_osm(whole_file)
    (stitched,) = load_region(folder)
    assert stitched.crs == whole.crs
    # One connected street network across the border, node for node and edge for edge.
    assert _parts(stitched) == 1
    assert stitched.streets.node_osm_id.tolist() == whole.streets.node_osm_id.tolist()
    np.testing.assert_allclose(stitched.streets.node_xy, whole.streets.node_xy)
    assert _edges(stitched) == _edges(whole)
    s, w = stitched.streets, whole.streets
    by_class = {(str(h), bool(t)) for h, t in zip(s.edge_highway, s.edge_trench, strict=True)}
    assert by_class == {
        (str(h), bool(t)) for h, t in zip(w.edge_highway, w.edge_trench, strict=True)
    }
    # No building or address twice.
    ids = stitched.buildings.osm_id
    assert len(np.unique(ids)) == len(ids)
    assert ids.tolist() == whole.buildings.osm_id.tolist()
    assert stitched.addresses is not None and whole.addresses is not None
    assert len(stitched.addresses) == len(whole.addresses)
    assert "2 files stitched" in stitched.warnings[0]


def test_folder_plans_like_the_whole_file(town_files: tuple[Path, Path]) -> None:
    whole_file, folder = town_files
    by_file = plan_region(whole_file, co_count=2)
    by_folder = plan_region(folder, co_count=2)
    a, b = by_folder.summary, by_file.summary
    assert a["homes"] == b["homes"]
    assert a["homes"]["unserved"] == 0 and a["homes"]["no_central_office"] == 0
    assert a["capex_eur"]["total"] == pytest.approx(b["capex_eur"]["total"], rel=1e-9)
    assert a["lower_bound_eur"] == pytest.approx(b["lower_bound_eur"], rel=1e-9)
    assert [r.summary["homes"]["passed"] for r in by_folder.areas] == [
        r.summary["homes"]["passed"] for r in by_file.areas
    ]


def test_one_service_area_spans_both_files(
    town_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, folder = town_files
    out = tmp_path / "out"
    assert main(["region", str(folder), "--out", str(out), "--co-count", "1", "--quiet"]) == 0
    assert "tiles (2 files): 2 files stitched at their borders" in capsys.readouterr().out
    plan = plan_region(folder, co_count=1)
    (area,) = plan.areas
    (district,) = load_region(folder)
    x = district.buildings.centroid_xy[area.buildings, 0]
    west_only = x < x.min() + BORDER_M - HALF_OVERLAP_M - 50
    east_only = x > x.min() + BORDER_M + HALF_OVERLAP_M + 50
    assert west_only.any() and east_only.any()
    assert area.served.all()
    assert plan.summary["homes"]["passed"] == plan.summary["homes"]["demand"] > 200


def test_tiles_with_a_gap_are_stitched_and_distant_files_stay_apart(tmp_path: Path) -> None:
    town = _Town(9.0, 48.0)
    folder = tmp_path / "apart"
    folder.mkdir()
    # Tiles cut without overlap, 300 m between their data: one part.
    town.write(folder / "a.osm", (-1e9, 400.0))
    town.write(folder / "b.osm", (700.0, 1e9))
    # Another town 7 km east: a part of its own.
    _Town(9.1, 48.0).write(folder / "c.osm")
    parts = load_region(folder)
    assert [p.name for p in parts] == ["apart: a.osm, b.osm", "C"]
    assert len(parts[0].buildings) == len(load_osm(folder / "a.osm").buildings) + len(
        load_osm(folder / "b.osm").buildings
    )


def test_files_in_two_utm_zones_are_stitched_in_one(tmp_path: Path) -> None:
    # The border of UTM zones 32 and 33 (12 degrees east) runs through the town.
    town = _Town(11.9955, 48.0)
    whole_file, folder = _folder(tmp_path, town)
    west, east = (load_osm(p) for p in sorted(folder.iterdir()))
    assert west.crs != east.crs
    whole = load_osm(whole_file)
    (stitched,) = load_region(folder)
    assert _parts(stitched) == 1
    assert stitched.streets.node_osm_id.tolist() == whole.streets.node_osm_id.tolist()
    assert stitched.buildings.osm_id.tolist() == whole.buildings.osm_id.tolist()
    # Lengths agree to the projection's scale difference.
    assert stitched.streets.total_length_m == pytest.approx(whole.streets.total_length_m, rel=1e-3)


def _osmium_extract(src: Path, target: Path, lon_range: tuple[float, float]) -> Path:
    """The ``complete_ways`` extract of ``src`` between two longitudes, as osmium writes it.

    The nodes inside, the ways with a node inside and all their nodes, and the
    relations with such a member.
    """
    import osmium

    inside = {
        o.id
        for o in osmium.FileProcessor(str(src), osmium.osm.NODE)
        if o.location.valid() and lon_range[0] <= o.location.lon <= lon_range[1]
    }
    ways: set[int] = set()
    nodes = set(inside)
    for o in osmium.FileProcessor(str(src), osmium.osm.WAY):
        refs = [n.ref for n in o.nodes]
        if inside.intersection(refs):
            ways.add(o.id)
            nodes.update(refs)
    writer = osmium.SimpleWriter(str(target))
    try:
        for o in osmium.FileProcessor(str(src)):
            if o.is_node() and o.id in nodes:
                writer.add_node(o)
            elif o.is_way() and o.id in ways:
                writer.add_way(o)
            elif o.is_relation() and any(
                (m.type == "n" and m.ref in inside) or (m.type == "w" and m.ref in ways)
                for m in o.members
            ):
                writer.add_relation(o)
    finally:
        writer.close()
    return target


def test_real_extract_cut_in_two_stitches_back(tmp_path: Path) -> None:
    # Balzers (Liechtenstein), cut at 9.50 degrees east with a 120 m overlap.
    src = Path(__file__).parents[2] / "sample_cities" / "liechtenstein_balzers"
    src = next(src.glob("*.osm*"))
    folder = tmp_path / "balzers"
    folder.mkdir()
    _osmium_extract(src, folder / "west.osm.pbf", (-180.0, 9.5008))
    _osmium_extract(src, folder / "east.osm.pbf", (9.4992, 180.0))
    whole = load_osm(src)
    (stitched,) = load_region(folder)
    assert _parts(stitched) == _parts(whole)
    assert stitched.streets.node_osm_id.tolist() == whole.streets.node_osm_id.tolist()
    assert _edges(stitched) == _edges(whole)
    # Each street drawn in its way's direction, as the loader draws it.
    s, w = stitched.streets, whole.streets
    ids = s.node_osm_id
    drawn = {(int(ids[u]), int(ids[v])) for u, v in zip(s.edge_u, s.edge_v, strict=True)}
    assert drawn == {(int(ids[u]), int(ids[v])) for u, v in zip(w.edge_u, w.edge_v, strict=True)}
    assert sorted(stitched.buildings.osm_id) == sorted(whole.buildings.osm_id)
    assert stitched.addresses is not None and whole.addresses is not None
    assert len(stitched.addresses) == len(whole.addresses)
