"""Brownfield regions: an existing-infrastructure layer clipped to each service area.

A synthetic region of about 1,200 buildings in two service areas, with
existing ducts along every third street and a pole route along every fifth
(a GeoPackage in the region's metric CRS). Each area must reuse what runs
along its own streets, exactly as if the area were planned alone with the
layer, and the merged summary must report the reuse.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from fttx_planner.cli import main
from fttx_planner.design.planner import plan_district
from fttx_planner.district import District
from fttx_planner.params import Deployment, DesignParams
from fttx_planner.pipeline import load_existing_infra
from fttx_planner.region import RegionError, plan_region
from fttx_planner.synthetic import grid_district

BROWN = DesignParams(deployment=Deployment.BROWNFIELD)


@pytest.fixture(scope="module")
def region() -> District:
    return grid_district(1200, irregular=True, seed=5, name="Brownfield region")


@pytest.fixture(scope="module")
def layer(region: District, tmp_path_factory: pytest.TempPathFactory) -> Path:
    s = region.streets
    duct = np.arange(s.n_edges) % 3 == 0
    aerial = (np.arange(s.n_edges) % 5 == 1) & ~duct
    rows = np.flatnonzero(duct | aerial)
    frame = gpd.GeoDataFrame(
        {
            "kind": np.where(duct[rows], "duct", "aerial"),
            "free_capacity": np.full(len(rows), 6),
            "source": "test",
        },
        geometry=list(s.edge_geometry[rows]),
        crs=region.crs,
    )
    path = tmp_path_factory.mktemp("infra") / "infra.gpkg"
    frame.to_file(path, driver="GPKG", engine="pyogrio")
    return path


@pytest.fixture(scope="module")
def plans(region: District, layer: Path) -> tuple[object, object]:
    green = plan_region(region, co_count=2)
    brown = plan_region(region, params=BROWN, central_offices=green.offices, infra=layer)
    return green, brown


def test_each_area_reuses_its_own_ducts_and_poles(plans: tuple, region: District) -> None:
    green, brown = plans
    assert len(brown.areas) == 2 and not brown.failed
    for area in brown.areas:
        lengths = area.summary["lengths_km"]
        assert lengths["duct_reuse_km"] > 0.5
        assert lengths["aerial_km"] > 0
    # Same homes, cheaper: the areas reuse instead of digging.
    assert brown.summary["homes"] == green.summary["homes"]
    assert brown.summary["capex_eur"]["total"] < green.summary["capex_eur"]["total"]
    # Every plan still carries a bound below its cost, the regional one too.
    assert brown.summary["lower_bound_eur"] <= brown.summary["capex_eur"]["total"]
    assert brown.summary["lower_bound_eur"] < green.summary["lower_bound_eur"]


def test_area_layer_is_the_layer_matched_to_the_area_alone(
    region: District, layer: Path, plans: tuple
) -> None:
    from fttx_planner.demand.premises import estimate_demand
    from fttx_planner.region import assign_homes, split_region

    _, brown = plans
    homes = estimate_demand(region.buildings, BROWN).homes
    offices = brown.offices
    whole, _ = load_existing_infra(region, layer)
    areas = split_region(
        region, homes, offices, assign_homes(region, homes, offices, BROWN), infra=whole
    )
    for area in areas:
        alone, _ = load_existing_infra(area.district, layer)
        assert area.infra is not None
        np.testing.assert_allclose(area.infra.duct_m, alone.duct_m, atol=1e-6)
        np.testing.assert_allclose(area.infra.aerial_m, alone.aerial_m, atol=1e-6)
        np.testing.assert_array_equal(area.infra.duct_capacity, alone.duct_capacity)
    # Planned alone with its own match, the first area costs what the region's plan says.
    first = areas[0]
    alone_plan = plan_district(
        first.district, BROWN, infra=load_existing_infra(first.district, layer)[0]
    )
    by_region = next(a for a in brown.areas if a.area_id == first.area_id)
    assert alone_plan.total_cost_eur == pytest.approx(by_region.summary["capex_eur"]["total"])


def test_merged_summary_reports_the_reuse(plans: tuple) -> None:
    _, brown = plans
    block = brown.summary["existing_infrastructure"]
    assert block["duct_reuse_km"] == pytest.approx(
        sum(a.summary["lengths_km"]["duct_reuse_km"] for a in brown.areas)
    )
    assert block["areas_reusing"] == 2
    assert 0 < block["duct_reuse_km"] <= block["duct_along_streets_km"]
    assert 0 < block["aerial_km"] <= block["aerial_along_streets_km"]
    bom = brown.bom.set_index("item")
    assert bom.loc["duct_reuse", "quantity"] == pytest.approx(1000 * block["duct_reuse_km"])
    assert block["reuse_cost_eur"] == pytest.approx(
        bom.loc["duct_reuse", "cost_eur"] + bom.loc["aerial", "cost_eur"]
    )


def test_brownfield_needs_the_layer_and_the_layer_needs_brownfield(
    region: District, layer: Path
) -> None:
    with pytest.raises(RegionError, match="brownfield region needs an existing-infrastructure"):
        plan_region(region, params=BROWN, co_count=1)
    with pytest.raises(RegionError, match="is for a brownfield region"):
        plan_region(region, co_count=1, infra=layer)


def test_cli_infra_makes_a_brownfield_region(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Kotka ships the layer of its brownfield scenario (ducts and pole routes).
    layer = Path(__file__).parents[2] / "sample_cities" / "kotka_karhula" / "infrastructure.geojson"
    out = tmp_path / "out"
    code = main(["region", "kotka_karhula", "--out", str(out), "--infra", str(layer),
                 "--co-count", "2", "--workers", "1", "--quiet"])  # fmt: skip
    assert code == 0
    text = capsys.readouterr().out
    assert "existing infrastructure reused" in text
    summary = json.loads((out / "summary.json").read_text())
    assert summary["params"]["deployment"] == "brownfield"
    block = summary["existing_infrastructure"]
    assert block["file"] == str(layer)
    assert block["duct_reuse_km"] + block["aerial_km"] > 0
    areas = pd.read_csv(out / "areas.csv")
    assert areas["duct_reuse_km"].sum() == pytest.approx(block["duct_reuse_km"])
    assert areas["aerial_km"].sum() == pytest.approx(block["aerial_km"])


def test_cli_refuses_a_bad_layer_before_planning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": []}')
    code = main(["region", "kotka_karhula", "--out", str(out), "--infra", str(bad), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith("error: ") and "bad.geojson" in err and "\n" not in err
    assert not (out / "summary.json").exists()


def test_cli_brownfield_params_without_a_layer_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "brown.toml"
    params.write_text('deployment = "brownfield"\n')
    out = tmp_path / "out"
    code = main(["region", "kotka_karhula", "--out", str(out), "--params", str(params), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert (
        err == f"error: {params} asks for a brownfield region: pass --infra FILE (ducts, poles).\n"
    )
    assert not out.exists()
