"""How long the window's event loop pauses while a project at the bounds opens.

Builds a project of 500 scenarios, each a synthetic district of two million
buildings with a real plan summary (a 300-building grid's), saves it, opens
it in a :class:`ui.main_window.MainWindow` (offscreen, 1366 x 768) and runs a
2 ms ``QTimer`` meanwhile. It reports the time the worker took to read and
validate the file, how often the timer fired while it did, the longest pause
between two ticks while reading (the GUI thread waiting for Python's global
interpreter lock, e.g. while ``json.loads`` parses), and the longest pause
overall (showing the read project: mostly the Scenarios tab filling 500
columns). The project's own district, the 300-building grid, is then planned.

Usage::

    python bench/bench_project_open.py
    python bench/bench_project_open.py --scenarios 100 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

import ui  # noqa: F401 - applies the PySide6 workaround first


def _project(folder: Path, scenarios: int) -> Path:
    from fttx_planner.catalogue import Catalogue
    from fttx_planner.params import DesignParams
    from ui.project import (
        MAX_SYNTHETIC_BUILDINGS,
        DistrictRef,
        Project,
        ScenarioRecord,
        save_project,
    )
    from ui.tasks import DistrictCache, plan_task

    small = DistrictRef.synthetic(300, seed=3)
    planned = plan_task(small, DesignParams(), Catalogue.default(), DistrictCache())
    summary = planned(lambda _f, _s: None, lambda: False).summary
    csv = Catalogue.default().to_csv_text()
    records = [
        ScenarioRecord(
            f"grid {i}",
            DistrictRef.synthetic(MAX_SYNTHETIC_BUILDINGS, seed=i),
            DesignParams(split_ratio=64 if i % 2 else 32),
            csv,
            summary,
        )
        for i in range(scenarios)
    ]
    return save_project(Project(small, summary=summary, scenarios=records), folder / "p.fttx")


def _open_once(app: object, path: Path, folder: Path) -> dict[str, float]:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    assert isinstance(app, QApplication)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, modal_dialogs=False, auto_replan=False)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    last = [time.perf_counter()]
    gaps: list[tuple[float, bool]] = []

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0], window.project_runner.busy))
        last[0] = now

    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(tick)
    read: list[float] = []
    planned: list[bool] = []
    window.project_runner.finished.connect(lambda _o: read.append(time.perf_counter()))
    window.plan_runner.finished.connect(lambda _o: planned.append(True))
    timer.start()
    t0 = time.perf_counter()
    window.open_project(path, confirm=False)
    while not planned:
        app.processEvents()
    timer.stop()
    window.confirm_close = False
    window.shutdown()
    window.close()
    reading = [g for g, busy in gaps if busy]
    return {
        "read_s": read[0] - t0,
        "ticks_while_reading": len(reading),
        "longest_pause_reading_ms": 1000 * max(reading, default=0.0),
        "median_pause_reading_ms": 1000 * float(np.median(reading)) if reading else 0.0,
        "longest_pause_ms": 1000 * max((g for g, _ in gaps), default=0.0),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="fttx-bench-open-") as tmp:
        folder = Path(tmp)
        path = _project(folder, args.scenarios)
        size_mb = path.stat().st_size / 1e6
        load = os.getloadavg()[0]
        print(f"project: {args.scenarios} scenarios, {size_mb:.1f} MB; load average {load:.1f}")
        for _ in range(args.repeat):
            r = _open_once(app, path, folder)
            print(
                f"read in the worker {r['read_s']:.2f} s, "
                f"timer fired {r['ticks_while_reading']:.0f} times meanwhile, "
                f"longest pause while reading {r['longest_pause_reading_ms']:.0f} ms, "
                f"median pause while reading {r['median_pause_reading_ms']:.0f} ms, "
                f"longest pause overall {r['longest_pause_ms']:.0f} ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
