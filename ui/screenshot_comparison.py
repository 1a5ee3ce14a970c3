"""A picture of the Architectures tab at a laptop's size, for docs/gui.md.

``xvfb-run -a python -m ui.screenshot_comparison docs`` opens the window on
the default sample city at 1366 x 768 (fresh settings, the application's
theme), compares the architectures and saves
``screenshot_1366x768_architectures.png``. Under ``xvfb-run`` the fonts are
those of a desktop; offscreen works too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

SIZE = (1366, 768)


def main(argv: Sequence[str] | None = None) -> int:
    """Save the picture; 0 when it was saved."""
    parser = argparse.ArgumentParser(prog="python -m ui.screenshot_comparison", description=__doc__)
    parser.add_argument("folder", type=Path, help="where the PNG file goes (e.g. docs)")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QEventLoop, QSettings
    from PySide6.QtWidgets import QApplication

    from ui.app import apply_theme
    from ui.main_window import MainWindow
    from ui.screenshots import _save

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)

    def wait(done: Callable[[], bool], seconds: float = 300.0) -> bool:
        end = time.monotonic() + seconds
        while not done() and time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        return done()

    with tempfile.TemporaryDirectory(prefix="fttx-shots-") as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, modal_dialogs=False, auto_replan=True)
        window.resize(*SIZE)
        window.show()
        window.start()
        view = window.comparison_view
        saved = None
        if wait(lambda: window.session.outcome is not None):
            window.tabs.setCurrentWidget(view)
            window.plan_dock.raise_()
            view.start()
            if wait(lambda: view.outcome is not None and not view.runner.busy):
                _show_totals(view)
                wait(lambda: False, 1.0)  # let the table and the chart settle
                args.folder.mkdir(parents=True, exist_ok=True)
                name = f"screenshot_{SIZE[0]}x{SIZE[1]}_architectures.png"
                saved = _save(window, args.folder / name)
        window.confirm_close = False
        window.shutdown()
        window.close()
    if saved is None:
        print("screenshot_comparison: the plan or the comparison did not finish", file=sys.stderr)
        return 1
    print(f"saved {saved}")
    return 0


def _show_totals(view: object) -> None:
    """Scroll the table to the total capex, the cost per premise and the NPVs."""
    from PySide6.QtWidgets import QAbstractItemView

    from ui.comparison_view import BOLD_FIGURES, ComparisonView

    assert isinstance(view, ComparisonView)
    figures = list(view.table.source.frame["figure"])
    index = view.table.model().index(figures.index(BOLD_FIGURES[0]), 0)
    view.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)


if __name__ == "__main__":
    raise SystemExit(main())
