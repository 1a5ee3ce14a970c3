"""Projects opened in a worker (issue 16): the window keeps running, errors are messages, saves
keep permissions and symbolic links and leave no temporary files."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from fttx_planner.catalogue import Catalogue
from fttx_planner.params import DesignParams
from tests.ui.conftest import SMALL
from ui import tasks
from ui.project import (
    MAX_SCENARIOS,
    MAX_SYNTHETIC_BUILDINGS,
    DistrictRef,
    Project,
    ScenarioRecord,
    load_project,
    save_project,
)


@pytest.fixture(scope="module")
def large_project(tmp_path_factory: pytest.TempPathFactory, small_outcome: Any) -> Path:
    """A project at the bounds: 500 scenarios, each of a two-million-building synthetic grid."""
    csv = Catalogue.default().to_csv_text()
    scenarios = [
        ScenarioRecord(
            f"grid {i}",
            DistrictRef.synthetic(MAX_SYNTHETIC_BUILDINGS, seed=i),
            DesignParams(split_ratio=64 if i % 2 else 32),
            csv,
            small_outcome.summary,
        )
        for i in range(MAX_SCENARIOS)
    ]
    project = Project(district=SMALL, summary=small_outcome.summary, scenarios=scenarios)
    return save_project(project, tmp_path_factory.mktemp("large") / "large.fttx")


def test_large_project_opens_while_the_event_loop_runs(
    qtbot: Any, make_window: Any, large_project: Path
) -> None:
    window = make_window(district=None)
    ticks = {"while_reading": 0}

    def tick() -> None:
        if window.project_runner.busy:
            ticks["while_reading"] += 1

    timer = QTimer(window)
    timer.setInterval(2)
    timer.timeout.connect(tick)
    timer.start()
    stages: list[tuple[float, str]] = []
    window.project_runner.progress.connect(lambda f, s: stages.append((f, s)))
    with qtbot.waitSignal(window.plan_runner.finished, timeout=120_000):
        with qtbot.waitSignal(window.project_runner.finished, timeout=120_000):
            assert window.open_project(large_project, confirm=False)
            # Nothing is read on the GUI thread: the old session is still there.
            assert window.project_runner.busy and window.session.scenarios == []
            assert window.progress.isVisibleTo(window) and window.status_cancel.isVisibleTo(window)
        timer.stop()
        # The timer fired while the worker read and validated the file.
        assert ticks["while_reading"] > 0
        fractions = [f for f, _ in stages]
        assert fractions == sorted(fractions)
        assert any(s.startswith(f"scenario {MAX_SCENARIOS} of") for _, s in stages)
        assert len(window.session.scenarios) == MAX_SCENARIOS
        assert window.session.scenarios[7].district.buildings == MAX_SYNTHETIC_BUILDINGS
        assert window.session.district == SMALL
        assert large_project.name in window.windowTitle()
    # The project's own district was re-planned; the scenarios' grids were not built.
    assert window.session.outcome is not None
    assert window.session.outcome.summary["homes"] == window.session.summary["homes"]
    assert window.banner.isHidden()


def test_opening_can_be_cancelled(
    qtbot: Any, make_window: Any, large_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    clicked = threading.Event()
    real_load = tasks.load_project

    def load_waiting_for_the_click(path: Path, progress: Any) -> Any:
        # The worker waits at its first step until the click (a warm worker can
        # otherwise read the whole file before the window sees its first progress).
        def step(fraction: float, stage: str) -> None:
            progress(fraction, stage)
            clicked.wait(30)

        return real_load(path, progress=step)

    monkeypatch.setattr(tasks, "load_project", load_waiting_for_the_click)

    def cancel_at_first_progress(_f: float, _s: str) -> None:
        window.status_cancel.click()  # the status bar's Cancel button
        clicked.set()

    window.project_runner.progress.connect(cancel_at_first_progress)
    with qtbot.waitSignal(window.project_runner.cancelled, timeout=60_000):
        window.open_project(large_project, confirm=False)
    assert window.session.scenarios == [] and window.session.project_path is None
    assert window.status_text.text() == "Opening the project cancelled"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"district": {"kind": "synthetic", "buildings": MAX_SYNTHETIC_BUILDINGS + 1}},
         "more than the 2,000,000 the planner takes"),
        ({"scenarios": [{}] * (MAX_SCENARIOS + 1)}, "more than the 500 a project may hold"),
        ({"design_params": {"split_ratio": 33}}, "split_ratio"),
    ],
)  # fmt: skip
def test_bad_project_is_a_message_not_a_traceback(
    qtbot: Any, make_window: Any, tmp_path: Path, change: dict[str, Any], expected: str
) -> None:
    data = Project(district=SMALL).to_json(tmp_path)
    data.update(change)
    path = tmp_path / "bad.fttx"
    path.write_text(json.dumps(data), encoding="utf-8")
    window = make_window()
    with qtbot.waitSignal(window.project_runner.failed, timeout=60_000):
        window.open_project(path, confirm=False)
    assert expected in window.last_error
    assert window.last_error.startswith("bad.fttx: ")  # one problem: one line naming the file
    assert "\n" not in window.last_error and "Traceback" not in window.last_error
    assert len(window.last_error) < 320
    assert window.banner.isVisible() or window.banner_text.text() == window.last_error
    assert window.session.project_path is None and window.session.district == SMALL
    assert window.plan_runner.busy  # nothing was shown yet: the current district is planned


def test_deeply_nested_project_is_one_line(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    path = tmp_path / "deep.fttx"
    path.write_text('{"format": "fttx-planner-project", "x": ' + "[" * 100_000, encoding="utf-8")
    window = make_window()
    with qtbot.waitSignal(window.project_runner.failed, timeout=60_000):
        window.open_project(path, confirm=False)
    assert "\n" not in window.last_error and "deep.fttx" in window.last_error


def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".tmp" in p.name]


def test_save_keeps_permissions_and_symlinks_and_cleans_up(
    make_window: Any, tmp_path: Path
) -> None:
    window = make_window()
    private = tmp_path / "data" / "private.fttx"
    private.parent.mkdir()
    private.write_text("{}", encoding="utf-8")
    private.chmod(0o600)
    link = tmp_path / "link.fttx"
    link.symlink_to(private)
    # A temporary folder left by a saving process that was killed (its pid is gone).
    dead = 4_194_304 + 12_345  # above the largest Linux pid: no such process
    stale = private.parent / f".private.fttx.tmp{dead}.x1y2"
    stale.mkdir()
    (stale / "private.fttx").write_text("half-written", encoding="utf-8")
    assert window.save_project_to(link)
    assert link.is_symlink() and link.resolve() == private.resolve()
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert load_project(link).district == SMALL
    assert _temporaries(private.parent) == [] and _temporaries(tmp_path) == []
    # Saved again through the path itself: still private, still no leftovers.
    assert window.save_project_to(private)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert _temporaries(private.parent) == []


def test_failed_save_keeps_the_old_file_and_no_temporary(
    make_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    path = tmp_path / "p.fttx"
    assert window.save_project_to(path)
    before = path.read_bytes()

    def refuse(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    window.session.set_design_params(DesignParams(split_ratio=64))
    assert not window.save_project_to(path)
    assert "No space left on device" in window.last_error and "\n" not in window.last_error
    assert path.read_bytes() == before
    assert _temporaries(tmp_path) == []
    assert window.session.dirty
