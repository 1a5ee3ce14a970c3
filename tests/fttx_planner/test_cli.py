"""The command line: the main job, its outputs, and clear errors on bad input."""

from __future__ import annotations

import bz2
import io
import json
import sys
from pathlib import Path

import pyogrio
import pytest

from fttx_planner import __version__
from fttx_planner.cli import _Bar, main
from fttx_planner.samples import get_scenario

SLUG = "liechtenstein_balzers"


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    assert main(["plan", SLUG, "--out", str(out), "--quiet"]) == 0
    return out


def test_plan_writes_every_output(planned: Path) -> None:
    for name in ("plan.gpkg", "plan.qgz", "plan.kmz", "bom.csv", "summary.json", "splitters.csv"):
        assert (planned / name).stat().st_size > 0, name
    layers = {name for name, _ in pyogrio.list_layers(planned / "plan.gpkg")}
    assert {"buildings", "cables", "trenches", "splitters", "olt", "drops"} <= layers
    cables = json.loads((planned / "geojson" / "cables.geojson").read_text())
    assert cables["type"] == "FeatureCollection" and cables["features"]
    props = cables["features"][0]["properties"]
    assert {"cable_id", "layer", "fibres", "cable_size", "length_m"} <= set(props)
    assert "crs" not in cables  # RFC 7946
    lon, lat = cables["features"][0]["geometry"]["coordinates"][0]
    assert 9.4 < lon < 9.6 and 47.0 < lat < 47.1  # WGS84, Balzers


def test_plan_writes_the_fibre_level_detail(planned: Path) -> None:
    units = pyogrio.read_dataframe(planned / "detail" / "units.csv")
    summary = json.loads((planned / "summary.json").read_text())
    # One row per premise unit served, each on its own OLT port path.
    assert len(units) == summary["homes"]["passed"]
    assert units["premise"].is_unique


def test_plan_without_detail(tmp_path: Path) -> None:
    assert main(["plan", "liechtenstein_balzers", "--out", str(tmp_path), "--quiet",
                 "--no-detail"]) == 0  # fmt: skip
    assert (tmp_path / "bom.csv").exists() and not (tmp_path / "detail").exists()


def test_summary_matches_bom(planned: Path) -> None:
    summary = json.loads((planned / "summary.json").read_text())
    bom = pyogrio.read_dataframe(planned / "bom.csv")
    assert float(bom["cost_eur"].astype(float).sum()) == pytest.approx(
        summary["capex_eur"]["total"]
    )
    assert summary["homes"]["passed"] > 0
    assert "OpenStreetMap" in summary["attribution"]


def test_plan_prints_where_outputs_are(planned: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = planned / "again"
    assert main(["plan", SLUG, "--out", str(out), "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "homes passed" in text and str(out.resolve()) in text
    assert "OpenStreetMap contributors" in text


def _error(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_truncated_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = get_scenario(SLUG).osm_path.read_bytes()
    bad = tmp_path / "cut.osm.bz2"
    bad.write_bytes(src[: len(src) // 2])
    err = _error(["plan", str(bad), "--out", str(tmp_path / "o"), "--quiet"], capsys)
    assert "cut.osm.bz2" in err


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "empty.osm"
    bad.write_text("")
    err = _error(["plan", str(bad), "--out", str(tmp_path / "o"), "--quiet"], capsys)
    assert "empty.osm" in err


def test_no_buildings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "streets_only.osm.bz2"
    f.write_bytes(bz2.compress(
        b"<?xml version='1.0'?><osm version='0.6'>"
        b"<node id='1' lat='47.0' lon='9.5'/><node id='2' lat='47.001' lon='9.5'/>"
        b"<way id='1'><nd ref='1'/><nd ref='2'/><tag k='highway' v='residential'/></way>"
        b"</osm>"
    ))  # fmt: skip
    err = _error(["plan", str(f), "--out", str(tmp_path / "o"), "--quiet"], capsys)
    assert "building" in err.lower()


def test_unknown_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(["plan", "atlantis", "--out", str(tmp_path / "o"), "--quiet"], capsys)
    assert "atlantis" in err


def test_unreachable_olt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "p.toml"
    p.write_text("[design]\nolt_x_m = 0.0\nolt_y_m = 0.0\n")
    err = _error(["plan", SLUG, "--params", str(p), "--out", str(tmp_path / "o"), "--quiet"],
                 capsys)  # fmt: skip
    assert "OLT" in err


def test_negative_cost(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fttx_planner.catalogue import Catalogue

    text = (
        Catalogue.default()
        .to_csv_text()
        .replace("aerial,civil,pass,m,19.6", "aerial,civil,pass,m,-19.6")
    )
    cat = tmp_path / "cat.csv"
    cat.write_text(text)
    err = _error(["plan", SLUG, "--catalogue", str(cat), "--out", str(tmp_path / "o"),
                  "--quiet"], capsys)  # fmt: skip
    assert "aerial" in err and "negative" in err


def test_impossible_budget(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "p.toml"
    p.write_text('[design]\nsplit_ratio = 64\noptical_class = "B+"\nsafety_margin_db = 6\n')
    err = _error(["plan", SLUG, "--params", str(p), "--out", str(tmp_path / "o"), "--quiet"],
                 capsys)  # fmt: skip
    assert "Impossible loss budget" in err


def test_bad_params_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "p.toml"
    p.write_text("[design]\nsplit_ratio = 32\nsplit_raito = 64\n")
    err = _error(["plan", SLUG, "--params", str(p), "--out", str(tmp_path / "o"), "--quiet"],
                 capsys)  # fmt: skip
    assert "split_raito" in err


def test_help_speaks_planner(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["plan", "--help"])
    text = capsys.readouterr().out
    assert "sample city" in text and "loss" in text and "GeoPackage" in text


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"fttx-planner {__version__}"


def _drive(bar: _Bar) -> None:
    for fraction, stage in [(0.0, "demand"), (0.1, "demand"), (0.4, "trench tree"),
                            (0.45, "trench tree"), (1.0, "done")]:  # fmt: skip
        bar(fraction, stage)
    bar.close()


def test_progress_is_plain_lines_without_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    _drive(_Bar(quiet=False))  # pytest's captured stderr is no terminal
    err = capsys.readouterr().err
    assert "\r" not in err and "\x1b" not in err
    assert err.splitlines() == [
        "fttx-planner:   0 % demand",
        "fttx-planner:  40 % trench tree",
        "fttx-planner: 100 % done",
    ]
    _drive(_Bar(quiet=True))
    assert capsys.readouterr().err == ""


def test_progress_is_a_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    _drive(_Bar(quiet=False))
    assert "\r" in term.getvalue() and "trench tree" in term.getvalue()
