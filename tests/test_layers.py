"""The import-linter contracts of pyproject.toml hold: the three layers and the engine steps."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold() -> None:
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(exe), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with (ROOT / "pyproject.toml").open("rb") as f:
        n_contracts = len(tomllib.load(f)["tool"]["importlinter"]["contracts"])
    assert n_contracts >= 5  # three layers of the project, two inside the engine
    assert f"Contracts: {n_contracts} kept, 0 broken" in result.stdout


def test_models_runs_without_gis_or_engine() -> None:
    code = (
        "import sys\n"
        "import models\n"
        "bad = [m for m in ('fttx_planner', 'ui', 'PySide6', 'shapely', 'geopandas', "
        "'networkx', 'osmium') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_engine_runs_without_qt() -> None:
    code = (
        "import sys\n"
        "import fttx_planner.design.planner, fttx_planner.export, fttx_planner.cli\n"
        "assert 'PySide6' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
