"""Opening a region plan: the service areas as a layer, one area at a time in full detail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from fttx_planner.region import plan_region
from fttx_planner.synthetic import grid_district
from ui.region_scene import RegionFileError, read_area, read_region


@pytest.fixture(scope="module")
def region_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic region of three service areas, planned one area after the other."""
    out = tmp_path_factory.mktemp("region") / "out"
    district = grid_district(900, irregular=True, seed=5, name="Test region")
    plan = plan_region(district, out, co_count=3)
    assert len(plan.areas) == 3 and not plan.failed
    return out


def test_overview_reads_only_the_light_layers(region_dir: Path) -> None:
    view = read_region(region_dir)
    areas = pd.read_csv(region_dir / "areas.csv")
    scene = view.scene
    assert list(scene.layers) == ["areas", "offices"]
    assert len(scene.layers["areas"]) == len(areas) == 3
    assert len(scene.offices.xy) == 3
    assert scene.offices.labels == [str(n) for n in scene.layers["offices"]["name"]]
    drawn = {b.layer for b in scene.batches}
    assert drawn == {"areas", "streets"}
    # Every central office lies in (or on the edge of) its own area's outline.
    outline = scene.layers["areas"].set_index("area_id").geometry
    for (x, y), area in zip(scene.offices.xy, scene.layers["offices"]["area_id"], strict=True):
        assert outline[int(area)].distance(shapely.Point(x, y)) < 1.0
    # Picking inside an area gives its figures from areas.csv.
    first = areas.iloc[0]
    p = shapely.point_on_surface(outline[int(first["area_id"])])
    f = scene.pick(p.x, p.y, 1.0, ["areas", "offices"])
    assert f is not None and f.kind == "areas"
    rows = dict(f.rows)
    assert rows["Homes passed"] == f"{int(first['homes_passed']):,}"
    assert rows["Central office"] == str(first["central_office"])


def test_one_area_in_full_detail(region_dir: Path) -> None:
    view = read_region(region_dir)
    areas = pd.read_csv(region_dir / "areas.csv")
    for area_id in areas["area_id"].tolist():
        area = read_area(view, int(area_id))
        gpkg = region_dir / "areas" / f"area_{int(area_id):04d}" / "plan.gpkg"
        buildings = pyogrio.read_dataframe(gpkg, layer="buildings")
        assert area.buildings == len(buildings)
        scene = area.scene
        assert {"buildings", "drops", "distribution", "feeder"} <= {b.layer for b in scene.batches}
        assert len(scene.splitters.xy) == len(pyogrio.read_dataframe(gpkg, layer="splitters"))
        summary = json.loads((gpkg.parent / "summary.json").read_text())
        assert scene.budget_db == summary["loss_db"]["budget"]
        served = scene.layers["buildings"]["served"].to_numpy()
        assert int(scene.layers["buildings"]["homes"].to_numpy()[served].sum()) == int(
            areas.set_index("area_id").loc[area_id, "homes_passed"]
        )
        # Drawn in the region's CRS: the area's OLT is its central office.
        office = view.scene.layers["offices"].set_index("area_id").geometry[int(area_id)]
        assert np.hypot(*(scene.olt - np.array([office.x, office.y]))) < 1.0
        i = int(np.flatnonzero(served)[0])
        assert "Optical loss" in dict(scene.feature("buildings", i).rows)


def test_bad_folders_are_refused_in_one_line(region_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(RegionFileError, match=r"not a region plan: plan\.gpkg, summary\.json"):
        read_region(tmp_path)
    with pytest.raises(RegionFileError, match="is not a folder"):
        read_region(tmp_path / "nowhere")
    view = read_region(region_dir)
    with pytest.raises(RegionFileError, match="no service area 99"):
        read_area(view, 99)


def test_open_region_in_the_window(qtbot: Any, make_window: Any, region_dir: Path) -> None:
    window = make_window()
    window.show()
    # Settings saved before region plans existed list neither of their layers as shown.
    window.canvas.set_layer_visible("areas", False)
    window.canvas.set_layer_visible("offices", False)
    with qtbot.waitSignal(window.region_runner.finished, timeout=60_000):
        window.open_region(region_dir)
    assert {"areas", "offices"} <= window.canvas.visible_layers
    assert window.region is not None
    assert window.canvas.scene is window.region.scene
    assert window.region_dock.isVisible()
    assert window.find_building("1") is None
    assert "Open a service area first" in window.find_result.text()
    window.olt_pick_button.setChecked(True)  # not on a region's map
    assert not window.olt_picker.armed and not window.olt_pick_button.isChecked()
    assert not window.trace_dock.isVisible()  # a region has no trace
    panel = window.region_panel
    assert panel.table.source.rowCount() == 3
    labels = [label for _, label, _ in window.canvas.legend_entries()]
    assert "Service area (one colour each)" in labels
    assert "Central office (OLT site)" in labels
    assert "File" in [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert window.act_open_region in window.menuBar().actions()[0].menu().actions()

    # Double-click an area on the map: it opens in full detail.
    outline = window.region.scene.layers["areas"]
    area_id = int(outline["area_id"].iloc[1])
    p = shapely.point_on_surface(outline.geometry.iloc[1])
    pos = window.canvas.to_screen(p.x, p.y).toPoint()
    from PySide6.QtCore import Qt

    with qtbot.waitSignal(window.region_runner.finished, timeout=60_000):
        qtbot.mouseDClick(window.canvas, Qt.MouseButton.LeftButton, pos=pos)
    assert window.region_area is not None and window.region_area.area_id == area_id
    assert window.canvas.scene is window.region_area.scene
    assert f"Service area {area_id}" in panel.area_info.text()
    # Find a building searches the area shown.
    b = window.region_area.scene.layers["buildings"]
    assert window.find_building(str(int(b["osm_id"].iloc[5]))) == 5

    # A row of the list opens another; "All areas" and "Close region" go back.
    with qtbot.waitSignal(window.region_runner.finished, timeout=60_000):
        panel.area_chosen.emit(int(outline["area_id"].iloc[0]))
    assert window.region_area.area_id == int(outline["area_id"].iloc[0])
    panel.overview_button.click()
    assert window.canvas.scene is window.region.scene
    panel.close_button.click()
    assert window.region is None and not window.region_dock.isVisible()
    assert window.canvas.scene is window.session.scene

    # A folder that is no region plan: a message above the map, nothing changes.
    with qtbot.waitSignal(window.region_runner.failed, timeout=60_000):
        window.open_region(region_dir / "areas")
    assert window.banner.isVisible() or not window.banner.isHidden()
    assert "not a region plan" in window.banner_text.text()
