"""The entry point: display detection, the headless job, command-line arguments."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fttx_planner.params import DesignParams
from ui.app import build_parser, display_available, display_problem, main
from ui.project import DistrictRef, Project, save_project


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", False),
        ({"QT_QPA_PLATFORM": "minimal:fontengine=freetype"}, "linux", True),
        ({}, "win32", True),
        ({}, "darwin", True),
    ],
)
def test_display_detection(env: dict[str, str], platform: str, expected: bool) -> None:
    assert display_available(env, platform) is expected


def _no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")


def test_without_a_display_the_headless_job_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    _no_display(monkeypatch)
    monkeypatch.chdir(tmp_path)
    assert main([]) == 0
    captured = capsys.readouterr()
    assert "no display available" in captured.err
    assert "headless" in captured.err
    out = tmp_path / "out" / "liechtenstein_balzers"
    assert str(out.resolve()) in captured.out
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["homes"]["passed"] > 0
    assert (out / "plan.gpkg").is_file()
    assert (out / "geojson" / "buildings.geojson").is_file()


def test_headless_plans_a_project(tmp_path: Path, capsys: Any) -> None:
    project = Project(
        district=DistrictRef.synthetic(200, seed=1), design_params=DesignParams(split_ratio=64)
    )
    path = save_project(project, tmp_path / "small.fttx")
    assert main(["--headless", str(path), "--out", str(tmp_path / "o")]) == 0
    summary = json.loads((tmp_path / "o" / "small" / "summary.json").read_text(encoding="utf-8"))
    assert summary["architecture"].startswith("GPON 1:64")
    assert "Wrote" in capsys.readouterr().out


def test_headless_bad_district_is_an_error(tmp_path: Path, capsys: Any) -> None:
    assert main(["--headless", "atlantis", "--out", str(tmp_path)]) == 2
    assert "neither an OSM file nor a sample city" in capsys.readouterr().err


def test_arguments() -> None:
    args = build_parser().parse_args(["dreieich", "--screenshot", "x.png", "--size", "800x600"])
    assert args.district == "dreieich"
    assert args.screenshot == Path("x.png")
    assert args.size == "800x600"


def _unreachable_display(monkeypatch: pytest.MonkeyPatch) -> str:
    """A DISPLAY with no X server behind it (no socket of that number)."""
    n = next(n for n in range(71, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    for name in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", f":{n}")
    monkeypatch.setattr("sys.platform", "linux")
    return f":{n}"


def _small_project(tmp_path: Path) -> Path:
    project = Project(district=DistrictRef.synthetic(150, seed=2))
    return save_project(project, tmp_path / "small.fttx")


def test_a_display_that_cannot_be_opened_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    display = _unreachable_display(monkeypatch)
    problem = display_problem()
    assert problem is not None and display in problem
    assert display_problem({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": display}, "linux") is None


def test_unreachable_display_falls_back_to_the_headless_job(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    # Qt itself would abort the process (exit 134) on such a display.
    display = _unreachable_display(monkeypatch)
    assert main([str(_small_project(tmp_path)), "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err  # one line that says what happened
    assert f"cannot open the display {display}" in err[0] and "headless" in err[0]
    assert (tmp_path / "o" / "small" / "plan.gpkg").is_file()


def test_the_headless_job_imports_no_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from ui.app import main\n"
        f"status = main(['--headless', {str(_small_project(tmp_path))!r}, '--out', "
        f"{str(tmp_path / 'o')!r}])\n"
        "qt = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert status == 0 and not qt, (status, qt)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "o" / "small" / "summary.json").is_file()
