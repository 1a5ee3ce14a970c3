"""Pictures of click-to-trace and of a region plan, for docs/gui.md.

``python -m ui.screenshot_trace docs`` opens the window on the default
sample city at 1600 x 900 (fresh settings, the application's theme), waits
for the plan and its detailed design, traces a home some way from the OLT
and saves ``screenshot_trace.png``. With ``--region DIR`` (the ``--out``
folder of ``fttx-planner region``) it also saves the region's areas
(``screenshot_region.png``) and its first area opened
(``screenshot_region_area.png``). Under ``xvfb-run`` the fonts are those of
a desktop; offscreen works too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def main(argv: Sequence[str] | None = None) -> int:
    """Save the pictures; 0 when every one was saved."""
    parser = argparse.ArgumentParser(prog="python -m ui.screenshot_trace", description=__doc__)
    parser.add_argument("folder", type=Path, help="where the PNG files go (e.g. docs)")
    parser.add_argument("--region", type=Path, help="a region plan folder to show too")
    parser.add_argument("--distance-m", type=float, default=700.0, help="home's distance to OLT")
    parser.add_argument("--size", default="1600x900", help="window size, WIDTHxHEIGHT")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ui.app import apply_theme
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="fttx-shots-") as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, modal_dialogs=False, auto_replan=True)
        width, height = (int(v) for v in args.size.lower().split("x"))
        window.resize(width, height)
        window.show()
        window.start()
        wait = _waiter(app)
        if wait(lambda: window.trace_index is not None):
            args.folder.mkdir(parents=True, exist_ok=True)
            _trace_home(window, args.distance_m)
            wait(lambda: False, 0.8)
            saved.append(_save(window, args.folder / "screenshot_trace.png"))
        if args.region is not None:
            window.open_region(args.region)
            if wait(lambda: window.region is not None):
                assert window.region is not None
                wait(lambda: False, 0.8)
                saved.append(_save(window, args.folder / "screenshot_region.png"))
                first = int(window.region.areas["area_id"].iloc[0])
                window.open_area(first)
                if wait(lambda: window.region_area is not None):
                    wait(lambda: False, 0.8)
                    saved.append(_save(window, args.folder / "screenshot_region_area.png"))
        window.confirm_close = False
        window.shutdown()
        window.close()
    for path in saved:
        print(f"saved {path}")
    expected = 1 + (2 if args.region is not None else 0)
    return 0 if len(saved) == expected else 1


def _waiter(app: Any) -> Callable[..., bool]:
    from PySide6.QtCore import QEventLoop

    def wait(done: Callable[[], bool], seconds: float = 180.0) -> bool:
        end = time.monotonic() + seconds
        while not done() and time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        return bool(done())

    return wait


def _trace_home(window: Any, distance_m: float) -> None:
    """Trace a served home about ``distance_m`` from the OLT and frame its path."""
    import numpy as np
    from PySide6.QtCore import QPointF

    scene = window.canvas.scene
    b = scene.layers["buildings"]
    served = np.flatnonzero(b["served"].to_numpy() & (b["homes"].to_numpy() > 1))
    c = b.geometry.values[served].centroid
    d = np.hypot(np.asarray(c.x) - scene.olt[0], np.asarray(c.y) - scene.olt[1])
    row = int(served[np.argmin(np.abs(d - distance_m))])
    window.canvas.set_selected(scene.feature("buildings", row))
    lines = window.canvas.trace.lines
    minx, miny, maxx, maxy = lines.bounds
    window.canvas.centre = QPointF((minx + maxx) / 2, (miny + maxy) / 2)
    span = max(maxx - minx, maxy - miny, 200.0) * 1.25
    window.canvas.scale = min(window.canvas.width(), window.canvas.height()) / span
    window.canvas.zoom_by(1.0)


def _save(window: Any, path: Path) -> Path:
    from fttx_planner.export import atomic_path

    with atomic_path(path) as tmp:
        window.grab().save(str(tmp), "PNG")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
