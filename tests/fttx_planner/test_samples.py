"""Tests of the sample cities and their scenario files."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from fttx_planner import samples
from fttx_planner._errors import FttxError
from fttx_planner.district import District
from fttx_planner.params import Deployment
from fttx_planner.samples import (
    DEFAULT_SAMPLE,
    SAMPLES_DIR,
    get_scenario,
    list_samples,
    load_sample,
    read_scenario,
    resolve_district,
)

SLUGS = ["dreieich", "kotka_karhula", "liechtenstein_balzers", "porto_centro_historico"]


@pytest.fixture(scope="module")
def balzers() -> District:
    return load_sample(DEFAULT_SAMPLE)


def test_samples_dir_is_the_repository_folder() -> None:
    assert SAMPLES_DIR.is_dir()
    assert (SAMPLES_DIR / "README.md").is_file()
    assert "ODbL" in (SAMPLES_DIR / "README.md").read_text(encoding="utf-8")


def test_list_samples() -> None:
    scenarios = list_samples()
    assert [s.slug for s in scenarios] == SLUGS
    for scenario in scenarios:
        assert scenario.osm_path.is_file()
        assert scenario.name
        assert scenario.description
        assert scenario.attribution == "(c) OpenStreetMap contributors, ODbL 1.0"
        assert isinstance(scenario.deployment, Deployment)
        if scenario.olt_lonlat is not None:
            lon, lat = scenario.olt_lonlat
            assert -180.0 <= lon <= 180.0
            assert -90.0 <= lat <= 90.0


def test_default_sample_exists() -> None:
    assert DEFAULT_SAMPLE in SLUGS


def test_one_sample_is_brownfield_with_infrastructure() -> None:
    brownfield = [s for s in list_samples() if s.deployment is Deployment.BROWNFIELD]
    assert [s.slug for s in brownfield] == ["kotka_karhula"]
    assert brownfield[0].infrastructure_path is not None
    assert brownfield[0].infrastructure_path.is_file()


def test_dreieich_lets_the_planner_choose_the_olt() -> None:
    assert get_scenario("dreieich").olt_lonlat is None


def test_unknown_slug_lists_the_known_ones() -> None:
    with pytest.raises(FttxError, match=r"Unknown sample city 'atlantis'.*dreieich, kotka_karhula"):
        get_scenario("atlantis")
    with pytest.raises(FttxError, match="Unknown sample city"):
        get_scenario("../sample_cities/dreieich")


def test_load_sample_sets_name_and_olt(balzers: District) -> None:
    assert balzers.name == "Balzers, Liechtenstein"
    assert balzers.olt_xy is not None
    minx, miny, maxx, maxy = balzers.bounds_xy
    x_m, y_m = balzers.olt_xy
    assert minx < x_m < maxx
    assert miny < y_m < maxy
    # the OLT sits on a street node of the village centre
    distance_m = np.linalg.norm(balzers.streets.node_xy - np.array(balzers.olt_xy), axis=1)
    assert distance_m.min() < 1.0


def test_resolve_district_by_slug_and_by_path() -> None:
    district, scenario = resolve_district("kotka_karhula")
    assert scenario is not None
    assert scenario.slug == "kotka_karhula"
    assert district.olt_xy is not None
    path = str(scenario.osm_path)
    district, scenario = resolve_district(path)
    assert scenario is None
    assert district.olt_xy is None
    assert district.source == path


def test_resolve_district_unknown() -> None:
    with pytest.raises(FttxError, match=r"'nowhere\.osm' is neither an OSM file nor a sample"):
        resolve_district("nowhere.osm")


def test_samples_dir_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(samples, "SAMPLES_DIR", tmp_path / "missing")
    with pytest.raises(FttxError, match="Sample cities not found"):
        list_samples()


def test_invalid_scenario_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "town" / "scenario.toml"
    path.parent.mkdir()
    path.write_text(
        'name = "Town"\nosm = "town.osm"\nolt = "here"\ndeployment = "bluefield"\ncolour = 3\n',
        encoding="utf-8",
    )
    with pytest.raises(FttxError) as info:
        read_scenario(path)
    message = str(info.value)
    assert str(path) in message
    for problem in (
        "missing key 'description'",
        "unknown key 'colour'",
        "OSM file 'town.osm' not found",
        'olt must be "choose"',
        "deployment 'bluefield' is not one of greenfield, brownfield",
    ):
        assert problem in message


def test_scenario_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "scenario.toml"
    path.write_text("name = [unclosed", encoding="utf-8")
    with pytest.raises(FttxError, match="Cannot read scenario file"):
        read_scenario(path)


def test_scenario_in_another_directory(tmp_path: Path) -> None:
    source = SAMPLES_DIR / "kotka_karhula"
    target = tmp_path / "karhula_copy"
    shutil.copytree(source, target)
    scenario = read_scenario(target / "scenario.toml")
    assert scenario.slug == "karhula_copy"
    assert scenario.osm_path == target / "kotka_karhula.osm.pbf"
    assert scenario.olt_xy("EPSG:32635") is not None
