"""A region's output folder: checked before planning, and a manifest for viewers.

The manifest must let a viewer open the region as its service areas and load
one area at a time: every area's own GeoPackage and summary, relative to the
output folder, with its layers and bounds.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from fttx_planner.catalogue import Catalogue
from fttx_planner.cli import main
from fttx_planner.district import District
from fttx_planner.export.atomic import OutputError
from fttx_planner.osm.projection import to_wgs84, transform_xy
from fttx_planner.params import DesignParams
from fttx_planner.region import plan_area, plan_region
from fttx_planner.region.areas import ServiceArea
from fttx_planner.region.layers import write_layers
from fttx_planner.region.tasks import AreaResult
from fttx_planner.synthetic import grid_district


@pytest.fixture(scope="module")
def region() -> District:
    return grid_district(900, irregular=True, seed=7, name="Manifest region")


def test_out_that_is_a_file_is_refused_before_anything_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    missing = tmp_path / "missing.osm"  # would fail to load: the folder is checked first
    for out in (taken, taken / "sub"):
        assert main(["region", str(missing), "--out", str(out), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
        assert err.startswith(f"error: output folder {out}: ") and "is a file" in err
    assert taken.read_text() == "not a folder"


def test_api_refuses_an_out_that_is_a_file(region: District, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("")
    calls: list[int] = []

    def planner(a: ServiceArea, p: DesignParams, c: Catalogue, o: Path | None) -> AreaResult:
        calls.append(a.area_id)
        return plan_area(a, p, c, o)

    with pytest.raises(OutputError, match="is a file, not a folder"):
        plan_region(region, taken, co_count=2, planner=planner)
    assert calls == []


@pytest.fixture(scope="module")
def written(region: District, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("region") / "out"
    out.mkdir()
    (out / "manifest.json").write_text("{}")  # a stale one, from an earlier run
    seen: list[bool] = []

    def planner(a: ServiceArea, p: DesignParams, c: Catalogue, o: Path | None) -> AreaResult:
        seen.append((out / "manifest.json").exists())
        return plan_area(a, p, c, o)

    plan = plan_region(region, out, co_count=2, planner=planner)
    # No manifest while the areas are planned: it marks complete outputs.
    assert seen == [False, False]
    return out, plan


def test_manifest_lists_each_area_s_own_files(written: tuple[Path, object]) -> None:
    out, plan = written
    m = json.loads((out / "manifest.json").read_text())
    assert m["format"] == "fttx-planner-region-manifest" and m["crs"] == "EPSG:4326"
    for key in ("summary", "bom", "areas_table", "geopackage"):
        assert (out / m[key]).is_file()
    assert [a["area_id"] for a in m["areas"]] == [a.area_id for a in plan.areas]  # type: ignore[attr-defined]
    for entry, result in zip(m["areas"], plan.areas, strict=True):  # type: ignore[attr-defined]
        assert entry["status"] == "planned"
        for key in ("geopackage", "summary", "bom", "splitters"):
            assert not Path(entry[key]).is_absolute() and (out / entry[key]).is_file()
        one = json.loads((out / entry["summary"]).read_text())
        assert one["homes"]["passed"] == entry["homes_passed"] == result.summary["homes"]["passed"]
        gpkg = out / entry["geopackage"]
        assert entry["layers"] == [str(n) for n, _ in pyogrio.list_layers(gpkg)]
        # The area's GeoPackage holds that area only: its buildings, nothing of the others.
        buildings = pyogrio.read_dataframe(gpkg, layer="buildings")
        assert len(buildings) == len(result.buildings)


def test_manifest_bounds_and_layers_serve_an_overview(
    written: tuple[Path, object], region: District
) -> None:
    out, plan = written
    m = json.loads((out / "manifest.json").read_text())
    merged = {str(n) for n, _ in pyogrio.list_layers(out / "plan.gpkg")}
    assert set(m["overview_layers"]) == {"service_areas", "central_offices", "streets"}
    assert set(m["overview_layers"]) | set(m["detail_layers"]) == merged
    for name in m["detail_layers"]:
        assert "area_id" in pyogrio.read_info(out / "plan.gpkg", layer=name)["fields"]
    # Each area's box holds its buildings, the region's box holds every area's.
    lonlat = transform_xy(to_wgs84(region.crs), region.buildings.centroid_xy)
    for entry, result in zip(m["areas"], plan.areas, strict=True):  # type: ignore[attr-defined]
        w, s, e, n = entry["bounds_wgs84"]
        ll = lonlat[result.buildings]
        assert (ll[:, 0] >= w - 1e-4).all() and (ll[:, 0] <= e + 1e-4).all()
        assert (ll[:, 1] >= s - 1e-4).all() and (ll[:, 1] <= n + 1e-4).all()
    box = np.array(m["bounds_wgs84"])
    assert (box[:2] <= lonlat.min(axis=0) + 1e-4).all() and (
        box[2:] >= lonlat.max(axis=0) - 1e-4
    ).all()
    # The table and the service-area layer carry the same relative paths.
    table = pd.read_csv(out / "areas.csv")
    assert table["geopackage"].tolist() == [a["geopackage"] for a in m["areas"]]
    assert table["summary"].tolist() == [a["summary"] for a in m["areas"]]
    sa = gpd.read_file(out / "plan.gpkg", layer="service_areas")
    assert sa["geopackage"].tolist() == table["geopackage"].tolist()


def test_an_area_layer_of_points_and_lines_is_written_as_one_table_per_kind(
    tmp_path: Path,
) -> None:
    """Crossings (points) and far-side trenches (lines) share a layer; a table has one type."""
    crossings = gpd.GeoDataFrame(
        {"kind": ["junction", "far_side"]},
        geometry=[shapely.Point(0, 0), shapely.LineString([(0, 0), (10, 0)])],
        crs="EPSG:32632",
    )
    path = write_layers({"crossings": crossings}, tmp_path / "plan.gpkg")
    tables = {str(name): str(kind) for name, kind in pyogrio.list_layers(path)}
    assert tables == {"crossings_points": "Point", "crossings_lines": "LineString"}
    # An area with crossing points only writes the same table name (the region
    # merges its areas' tables by name).
    path = write_layers({"crossings": crossings.iloc[:1]}, tmp_path / "points.gpkg")
    assert [str(name) for name, _ in pyogrio.list_layers(path)] == ["crossings_points"]
