"""Fixtures of the GUI tests: offscreen Qt, throw-away settings, small plans."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import ui  # noqa: F401 - applies the PySide6 workaround before any Qt use
from fttx_planner.catalogue import Catalogue
from fttx_planner.params import DesignParams
from ui.project import DistrictRef

#: A small synthetic district: plans in a fraction of a second.
SMALL = DistrictRef.synthetic(300, seed=3)


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads or writes the user's settings."""
    from PySide6.QtCore import QCoreApplication, QSettings

    folder = tmp_path_factory.mktemp("qsettings")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, str(folder))
    QCoreApplication.setOrganizationName("fttx-planner-tests")
    QCoreApplication.setApplicationName("FTTx Planner tests")
    yield


@pytest.fixture(scope="session")
def small_outcome() -> Any:
    """A planned small synthetic district with its map scene."""
    from ui.tasks import DistrictCache, plan_task

    task = plan_task(SMALL, DesignParams(), Catalogue.default(), DistrictCache())
    return task(lambda f, s: None, lambda: False)


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    """A settings file of the test's own."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot: Any, settings: Any) -> Iterator[Callable[..., Any]]:
    """Build main windows on throw-away settings, without modal dialogs."""
    from ui.main_window import MainWindow

    made: list[MainWindow] = []

    def make(district: DistrictRef | None = SMALL, **kwargs: Any) -> MainWindow:
        kwargs.setdefault("settings", settings)
        kwargs.setdefault("modal_dialogs", False)
        kwargs.setdefault("auto_replan", True)
        window = MainWindow(**kwargs)
        qtbot.addWidget(window)
        if district is not None:
            window.session.district = district
            window.district_panel.set_district(district)
        window.resize(1400, 900)
        made.append(window)
        return window

    yield make
    for window in made:
        window.confirm_close = False
        window.shutdown()


@pytest.fixture
def plan_now(qtbot: Any) -> Callable[..., Any]:
    """``plan_now(window)``: plan and wait for the outcome."""

    def run(window: Any, timeout: int = 60_000) -> Any:
        with qtbot.waitSignal(window.plan_runner.finished, timeout=timeout) as blocker:
            window.start_plan()
        return blocker.args[0]

    return run
