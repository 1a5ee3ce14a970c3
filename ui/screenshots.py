"""Pictures of the window at a laptop's and a desktop's size, for docs/gui.md.

``python -m ui.screenshots docs`` opens the window on the default sample
city at 1366 x 768 and 1920 x 1080 (fresh settings, the application's
theme), waits for the plan and the business models, and saves for each size
the map with a building's details (``screenshot_<size>.png``) and the
Business models tab (``screenshot_<size>_business_models.png``). Under
``xvfb-run`` the fonts are those of a desktop; offscreen works too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

SIZES = ((1366, 768), (1920, 1080))


def main(argv: Sequence[str] | None = None) -> int:
    """Save the pictures; 0 when every one was saved."""
    parser = argparse.ArgumentParser(prog="python -m ui.screenshots", description=__doc__)
    parser.add_argument("folder", type=Path, help="where the PNG files go (e.g. docs)")
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from ui.app import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    saved = [path for size in SIZES for path in _shoot(app, size, args.folder)]
    for path in saved:
        print(f"saved {path}")
    return 0 if len(saved) == 2 * len(SIZES) else 1


def _shoot(app: object, size: tuple[int, int], folder: Path) -> list[Path]:
    from PySide6.QtCore import QEventLoop, QSettings
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="fttx-shots-") as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, modal_dialogs=False, auto_replan=True)
        window.resize(*size)
        window.show()
        window.start()

        def wait(done: object, seconds: float = 180.0) -> bool:
            import time

            end = time.monotonic() + seconds
            while not done() and time.monotonic() < end:  # type: ignore[operator]
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            return bool(done())  # type: ignore[operator]

        ok = wait(lambda: window.session.outcome is not None) and wait(
            lambda: window.finance_outcome is not None and not window.finance_runner.busy
        )
        paths: list[Path] = []
        if ok:
            folder.mkdir(parents=True, exist_ok=True)
            name = f"screenshot_{size[0]}x{size[1]}"
            _select_building_near_olt(window)
            wait(lambda: False, 0.8)  # let the map and the docks settle
            paths.append(_save(window, folder / f"{name}.png"))
            window.tabs.setCurrentWidget(window.finance_view)
            window.plan_dock.raise_()
            window.finance_view.tabs.setCurrentIndex(1)  # NPV by actor
            wait(lambda: False, 0.8)
            paths.append(_save(window, folder / f"{name}_business_models.png"))
        window.confirm_close = False
        window.shutdown()
        window.close()
        return [p for p in paths if p.exists()]


def _select_building_near_olt(window: object) -> None:
    """Pin the details of a served building a few hundred metres from the OLT."""
    import numpy as np

    from ui.main_window import MainWindow
    from ui.map_tools import show_building

    assert isinstance(window, MainWindow)
    scene = window.session.scene
    if scene is None:
        return
    b = scene.layers["buildings"]
    served = np.flatnonzero(b["served"].to_numpy() & (b["homes"].to_numpy() > 1))
    if not len(served):
        return
    c = b.geometry.values[served].centroid
    d = np.hypot(np.asarray(c.x) - scene.olt[0], np.asarray(c.y) - scene.olt[1])
    index = int(served[np.argmin(np.abs(d - 250.0))])
    show_building(window.canvas, index)
    window.canvas.zoom_by(1 / 5)  # the neighbourhood around it, not the building alone


def _save(window: object, path: Path) -> Path:
    from fttx_planner.export import atomic_path
    from ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    with atomic_path(path) as tmp:
        window.grab().save(str(tmp), "PNG")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
