"""models stands alone: no planner, no GUI, no Qt, no GIS library, no pyplot."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = (
    "fttx_planner",
    "ui",
    "PySide6",
    "shapely",
    "geopandas",
    "pyproj",
    "networkx",
    "osmium",
    "osmnx",
    "pyogrio",
)


def test_models_imports_nothing_forbidden() -> None:
    code = (
        "import sys\n"
        "import models, models.cli, models.__main__\n"
        "assert 'matplotlib' not in sys.modules, 'charts load Matplotlib only on demand'\n"
        "from models import charts\n"
        "c = models.compare(models.NetworkCapex.example())\n"
        "charts.npv_by_model_figure(c).canvas.draw()\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
        f"bad = [m for m in {FORBIDDEN!r} if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
