"""Project files: round trip, atomic saves, clear messages for newer or corrupt files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fttx_planner import ProjectFileError
from fttx_planner.catalogue import Catalogue
from fttx_planner.params import DesignParams
from ui.project import (
    PROJECT_FORMAT,
    PROJECT_VERSION,
    DistrictRef,
    Project,
    ScenarioRecord,
    load_project,
    save_project,
)


def _project(tmp_path: Path) -> Project:
    osm = tmp_path / "data" / "town.osm"
    osm.parent.mkdir(exist_ok=True)
    osm.write_text("<osm/>", encoding="utf-8")
    catalogue = Catalogue.default().with_cost("trench_footway", 55.0)
    params = DesignParams(split_ratio=64, stage1_ratio=4)
    scenario = ScenarioRecord(
        "1:64", DistrictRef.sample("dreieich"), params, catalogue.to_csv_text(), {"homes": {}}
    )
    return Project(
        district=DistrictRef.osm(osm),
        design_params=params,
        catalogue_csv=catalogue.to_csv_text(),
        finance_params={"arpu_eur_per_month": 42.0},
        summary={"homes": {"passed": 10}, "capex_eur": {"total": 1.5}},
        scenarios=[scenario],
    )


def test_round_trip(tmp_path: Path) -> None:
    project = _project(tmp_path)
    path = save_project(project, tmp_path / "plan")
    assert path.suffix == ".fttx"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == PROJECT_FORMAT
    assert data["version"] == PROJECT_VERSION
    again = load_project(path)
    assert again.district == project.district
    assert again.design_params == project.design_params
    assert again.catalogue().cost("trench_footway") == 55.0
    assert again.finance_params == {"arpu_eur_per_month": 42.0}
    assert again.summary == project.summary
    assert [s.name for s in again.scenarios] == ["1:64"]
    assert again.scenarios[0].design_params.stage1_ratio == 4


def test_relative_path_wins_when_the_project_moves(tmp_path: Path) -> None:
    project = _project(tmp_path)
    path = save_project(project, tmp_path / "p.fttx")
    moved = tmp_path / "moved"
    moved.mkdir()
    (moved / "data").mkdir()
    (moved / "data" / "town.osm").write_text("<osm/>", encoding="utf-8")
    target = moved / "p.fttx"
    target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    again = load_project(target)
    assert again.district.path == (moved / "data" / "town.osm").resolve()


def test_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = save_project(_project(tmp_path), tmp_path / "p.fttx")
    before = path.read_text(encoding="utf-8")
    changed = _project(tmp_path)
    changed.design_params = DesignParams(split_ratio=16)

    def crash(self: Path, *args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", crash)
    with pytest.raises(ProjectFileError, match="No space left"):
        save_project(changed, path)
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".p.fttx")] == []


def test_newer_version_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = save_project(_project(tmp_path), tmp_path / "p.fttx")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["version"] = PROJECT_VERSION + 1
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ProjectFileError, match="newer version of fttx-planner"):
        load_project(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "fttx-planner-project", "version": 1, "dis', "not valid JSON"),
        ('{"format": "something-else", "version": 1}', "is not an fttx-planner project"),
        ("[1, 2, 3]", "is not an fttx-planner project"),
        ('{"format": "fttx-planner-project", "version": "x"}', "is corrupt"),
    ],
)
def test_corrupt_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.fttx"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProjectFileError, match=message):
        load_project(path)


def test_every_invalid_value_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "bad.fttx"
    data = {
        "format": PROJECT_FORMAT,
        "version": 1,
        "district": {"kind": "moon"},
        "design_params": {"split_ratio": 33, "colour": "red"},
        "catalogue_csv": "item,layer\nx,y\n",
        "finance_params": {"pip_discount_rate": 8},
        "scenarios": [{"name": ""}],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ProjectFileError) as info:
        load_project(path)
    text = str(info.value)
    expected = ("unknown district", "design_params", "colour", "missing columns", "percentage")
    for part in (*expected, "scenarios[0]"):
        assert part in text


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectFileError, match="not found"):
        load_project(tmp_path / "nothing.fttx")


def test_synthetic_reference_round_trip() -> None:
    ref = DistrictRef.synthetic(500, seed=7)
    assert DistrictRef.from_json(ref.to_json()) == ref
    assert "500" in ref.label()


def _write(path: Path, **fields: Any) -> Path:
    data = {"format": PROJECT_FORMAT, "version": 1, "district": {"kind": "sample",
            "slug": "dreieich"}, **fields}  # fmt: skip
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_absurd_projects_are_refused_in_one_message(tmp_path: Path) -> None:
    huge = _write(tmp_path / "a.fttx", district={"kind": "synthetic", "buildings": 10**9})
    with pytest.raises(ProjectFileError, match="1,000,000,000 buildings"):
        load_project(huge)
    scenario = {"name": "s", "district": {"kind": "sample", "slug": "dreieich"}}
    many = _write(tmp_path / "b.fttx", scenarios=[scenario] * 3000)
    with pytest.raises(ProjectFileError, match="3,000 scenarios"):
        load_project(many)
    deep = tmp_path / "c.fttx"
    deep.write_text('{"format": "' + PROJECT_FORMAT + '", "x": ' + "[" * 100_000, "utf-8")
    with pytest.raises(ProjectFileError, match=r"nested too deeply|not valid JSON"):
        load_project(deep)


def test_a_folder_or_fifo_is_not_a_project(tmp_path: Path) -> None:
    import os

    with pytest.raises(ProjectFileError, match="folder"):
        load_project(tmp_path)
    fifo = tmp_path / "pipe.fttx"
    os.mkfifo(fifo)
    with pytest.raises(ProjectFileError, match="not a file"):
        load_project(fifo)


def test_many_problems_are_listed_ten_at_most(tmp_path: Path) -> None:
    bad = [{"name": ""}] * 40
    path = _write(tmp_path / "d.fttx", scenarios=bad)
    with pytest.raises(ProjectFileError) as info:
        load_project(path)
    assert "and 30 more" in str(info.value)
    assert str(info.value).count("\n") <= 12
