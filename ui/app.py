"""Start the desktop application: ``fttx-planner-gui [DISTRICT|PROJECT]``.

The window opens on the default sample city (Balzers) and plans it at once in
a worker thread, so a network is on the map within seconds. A sample slug, an
OSM file or a project file (``.fttx``) may be given instead.

Without a display (Linux with neither ``DISPLAY`` nor ``WAYLAND_DISPLAY``
set, and ``QT_QPA_PLATFORM`` not set to a display-less platform such as
``offscreen``), or with one Qt cannot open (a ``DISPLAY`` with no server
behind it, no authorisation, a missing platform library), it says so in one
line on stderr and runs the headless job instead (:mod:`ui.headless`, which
imports no Qt): it plans the same district and writes every output with
:func:`fttx_planner.export.write_all` to ``./out/<slug>/``. Whether Qt can
open the display is tried in a child process first
(:func:`display_problem`), because Qt aborts the process when it cannot.

``--screenshot PATH`` opens the window, waits for the plan and the business
models, saves a picture of the window and quits (used for ``docs/``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ui.headless import run_headless

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.map_scene import Feature, MapScene

#: Qt platforms that need no display server.
DISPLAYLESS_PLATFORMS = frozenset(
    {"offscreen", "minimal", "vnc", "eglfs", "linuxfb", "vkkhrdisplay"}
)


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``fttx-planner-gui``."""
    parser = argparse.ArgumentParser(
        prog="fttx-planner-gui",
        description="Plan FTTH/GPON networks on OpenStreetMap districts and compare who "
        "should own them (desktop application).",
    )
    parser.add_argument(
        "district",
        nargs="?",
        help="sample city name, OSM file or project file (.fttx); default: the default sample city",
    )
    parser.add_argument("--headless", action="store_true", help="plan and write outputs, no window")
    parser.add_argument(
        "--out", type=Path, default=Path("out"), help="headless output folder (default: ./out)"
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="PATH",
        help="open the window, wait for the plan, save a PNG of the window to PATH and quit",
    )
    parser.add_argument(
        "--size",
        default="1600x1000",
        help="window size for --screenshot (default 1600x1000)",
    )
    return parser


def display_available(environ: dict[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether a window can be shown.

    On Linux and other X11/Wayland systems a display needs ``DISPLAY`` or
    ``WAYLAND_DISPLAY``, unless ``QT_QPA_PLATFORM`` names a platform that
    needs none (``offscreen``...). Windows and macOS always have one.
    """
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if plat.startswith(("win", "darwin", "cygwin")):
        return True
    qpa = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    if qpa in DISPLAYLESS_PLATFORMS:
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def apply_theme(app: object) -> None:
    """A calm light theme on the Fusion style, the same on every platform."""
    from PySide6.QtGui import QColor, QFont, QPalette
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#eceff1",
        QPalette.ColorRole.WindowText: "#263238",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f5f7f8",
        QPalette.ColorRole.ToolTipBase: "#fffde7",
        QPalette.ColorRole.ToolTipText: "#263238",
        QPalette.ColorRole.Text: "#263238",
        QPalette.ColorRole.Button: "#f5f7f8",
        QPalette.ColorRole.ButtonText: "#263238",
        QPalette.ColorRole.Highlight: "#1565c0",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#90a4ae",
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    app.setPalette(pal)
    font = QFont(app.font())
    font.setPointSizeF(9.5)
    app.setFont(font)
    app.setStyleSheet(
        """
        QGroupBox { font-weight: 600; border: 1px solid #cfd8dc; border-radius: 4px;
                    margin-top: 10px; padding-top: 6px; background: #fafbfb; }
        QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; color: #37474f; }
        QDockWidget::title { background: #dfe5e8; padding: 4px 6px; font-weight: 600; }
        QTabBar::tab { padding: 6px 14px; }
        QTabBar::tab:selected { font-weight: 600; }
        QToolBar { spacing: 4px; border-bottom: 1px solid #cfd8dc; }
        QStatusBar { border-top: 1px solid #cfd8dc; }
        QHeaderView::section { background: #eceff1; padding: 3px 6px; border: none;
                               border-right: 1px solid #cfd8dc; border-bottom: 1px solid #cfd8dc; }
        """
    )


#: Run in a child process: can Qt open its platform (the display)?
_PROBE = (
    "import sys\n"
    "from PySide6.QtGui import QGuiApplication\n"
    "app = QGuiApplication(sys.argv[:1])\n"
    "print(app.platformName())\n"
)


def display_problem(
    environ: dict[str, str] | None = None, platform: str | None = None, timeout_s: float = 30.0
) -> str | None:
    """Why no window can open, in a few words; ``None`` if one can.

    Without ``DISPLAY``/``WAYLAND_DISPLAY`` (see :func:`display_available`)
    the answer is immediate. Otherwise a child process creates a Qt
    application on the display: Qt aborts a process whose display cannot be
    opened, so the test must not run in this one. Its message (``could not
    connect to display :99``) is the reason.
    """
    env = dict(os.environ if environ is None else environ)
    plat = sys.platform if platform is None else platform
    if not display_available(env, plat):
        return "no display available (DISPLAY and WAYLAND_DISPLAY are not set)"
    qpa = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    if plat.startswith(("win", "darwin", "cygwin")) or qpa in DISPLAYLESS_PLATFORMS:
        return None
    try:
        probe = subprocess.run(
            [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True,
            timeout=timeout_s, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"the display did not answer within {timeout_s:.0f} s"
    if probe.returncode == 0:
        return None
    lines = [ln.strip() for ln in probe.stderr.splitlines() if ln.strip()]
    qt = [ln.split(": ", 1)[-1] for ln in lines if ln.startswith("qt.qpa.")]
    reason = qt[0] if qt else (lines[-1] if lines else f"Qt exited with status {probe.returncode}")
    where = env.get("WAYLAND_DISPLAY") or env.get("DISPLAY", "")
    return f"cannot open the display {where}: {reason}"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``fttx-planner-gui``; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.headless:
        return run_headless(args.district, args.out)
    problem = display_problem()
    if problem is not None:
        print(
            f"fttx-planner-gui: {problem}, so no window can open; running the headless job "
            "instead: planning the district and writing its outputs.",
            file=sys.stderr,
        )
        return run_headless(args.district, args.out)
    return _run_gui(args)


def _run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.main_window import APP_NAME, ORGANISATION, MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    apply_theme(app)
    settings = None
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if args.screenshot:
        # A fresh layout, not the user's: the picture is reproducible.
        tmp = tempfile.TemporaryDirectory(prefix="fttx-screenshot-")
        settings = QSettings(str(Path(tmp.name) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, modal_dialogs=not args.screenshot)
    opened = _open_argument(window, args.district)
    if args.screenshot:
        w, _, h = args.size.partition("x")
        window.resize(int(w), int(h))
    window.show()
    if not opened:
        window.start()
    status = 0
    if args.screenshot:
        status_box = [1]
        _arm_screenshot(window, args.screenshot, status_box)
        QTimer.singleShot(
            180_000, lambda: (print("screenshot: timed out", file=sys.stderr), app.quit())
        )
        app.exec()
        status = status_box[0]
    else:
        status = app.exec()
    window.shutdown()
    if tmp is not None:
        tmp.cleanup()
    from ui.workers import ORPHANS

    if any(t.isRunning() for t in ORPHANS):
        # A task that cannot be interrupted is still running; everything is
        # saved, so leave without tearing it down (that would abort).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(status))
    return int(status)


def _open_argument(window: MainWindow, arg: str | None) -> bool:
    """Open the district or project named on the command line; whether it started a plan."""
    from ui.project import DistrictRef

    if not arg:
        return False
    path = Path(arg)
    if path.suffix == ".fttx" and path.is_file():
        return window.open_project(path, confirm=False)
    if path.is_file():
        window.session.set_district(DistrictRef.osm(path))
        return False
    window.choose_district(DistrictRef.sample(arg))
    return False


def _arm_screenshot(window: MainWindow, target: Path, status: list[int]) -> None:
    """Save a picture of the window once the plan and the business models are shown."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    state = {"plan": False, "finance": False, "shot": False}

    def maybe_shoot() -> None:
        if state["plan"] and state["finance"] and not state["shot"]:
            state["shot"] = True
            QTimer.singleShot(1200, shoot)

    def shoot() -> None:
        canvas = window.canvas
        # Hover a building near the OLT so the details panel shows what hovering does.
        scene = window.session.scene
        if scene is not None:
            feature = _feature_near_olt(scene)
            if feature is not None:
                canvas.selected_feature = feature
                window.details.show_feature(feature, pinned=True)
                canvas.update()
        QApplication.processEvents()
        QTimer.singleShot(400, save)

    def save() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        ok = window.grab().save(str(target), "PNG")
        print(f"screenshot: {'saved' if ok else 'FAILED to save'} {target}")
        status[0] = 0 if ok else 1
        QApplication.quit()

    def on_plan(_outcome: object) -> None:
        state["plan"] = True
        maybe_shoot()

    def on_finance(_outcome: object) -> None:
        state["finance"] = True
        maybe_shoot()

    def on_failed(message: str) -> None:
        print(f"screenshot: planning failed: {message}", file=sys.stderr)
        status[0] = 1
        QApplication.quit()

    window.plan_runner.finished.connect(on_plan)
    window.plan_runner.failed.connect(on_failed)
    window.finance_runner.finished.connect(on_finance)


def _feature_near_olt(scene: MapScene) -> Feature | None:
    """A splitter near the OLT (its group is highlighted), for the screenshot."""
    import numpy as np

    xy = scene.splitters.xy
    if not len(xy):
        return None
    d = np.hypot(xy[:, 0] - scene.olt[0], xy[:, 1] - scene.olt[1])
    order = np.argsort(d)
    return scene.feature("splitters", int(order[min(8, len(order) - 1)]))


if __name__ == "__main__":
    raise SystemExit(main())
