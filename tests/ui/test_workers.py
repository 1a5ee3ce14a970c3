"""TaskRunner: results, readable errors, bugs, cancelling, one task at a time."""

from __future__ import annotations

import threading
import time
from typing import Any

from fttx_planner import DesignError
from ui.workers import TaskCancelled, TaskRunner


def test_result_and_progress(qtbot: Any) -> None:
    runner = TaskRunner("t")
    seen: list[tuple[float, str]] = []
    runner.progress.connect(lambda f, s: seen.append((f, s)))

    def task(progress: Any, cancelled: Any) -> int:
        progress(0.5, "half")
        return 42

    with qtbot.waitSignal(runner.finished, timeout=5000) as blocker:
        runner.start("answer", task)
    assert blocker.args == [42]
    assert not runner.busy
    runner.wait()
    qtbot.waitUntil(lambda: seen == [(0.5, "half")], timeout=2000)
    assert not runner._threads  # ended threads are let go


def test_input_errors_become_messages(qtbot: Any) -> None:
    runner = TaskRunner("t")

    def task(progress: Any, cancelled: Any) -> None:
        raise DesignError("No home can be served within the optical loss budget.")

    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        runner.start("bad", task)
    assert "loss budget" in blocker.args[0]
    runner.wait()


def test_bugs_are_reported_with_their_traceback(qtbot: Any) -> None:
    runner = TaskRunner("t")

    def task(progress: Any, cancelled: Any) -> None:
        _ = [][1]

    with qtbot.waitSignal(runner.crashed, timeout=5000) as blocker:
        runner.start("bug", task)
    assert "IndexError" in blocker.args[0]
    runner.wait()


def test_cancel(qtbot: Any) -> None:
    runner = TaskRunner("t")
    started = threading.Event()

    def task(progress: Any, cancelled: Any) -> None:
        started.set()
        while not cancelled():
            time.sleep(0.01)
        raise TaskCancelled

    with qtbot.waitSignal(runner.busy_changed, timeout=5000):
        runner.start("long", task)
    assert runner.busy
    started.wait(5)
    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        runner.cancel()
    assert not runner.busy
    runner.wait()


def test_a_new_task_cancels_the_old_one(qtbot: Any) -> None:
    runner = TaskRunner("t")
    results: list[Any] = []
    runner.finished.connect(results.append)
    first_cancelled = threading.Event()

    def slow(progress: Any, cancelled: Any) -> str:
        for _ in range(500):
            if cancelled():
                first_cancelled.set()
                raise TaskCancelled
            time.sleep(0.01)
        return "old"

    def fast(progress: Any, cancelled: Any) -> str:
        return "new"

    runner.start("old", slow)
    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.start("new", fast)
    assert first_cancelled.wait(5)
    runner.wait()
    qtbot.wait(50)
    assert results == ["new"]


def test_shutdown_keeps_threads_that_cannot_stop_alive(qtbot: Any) -> None:
    from ui.workers import ORPHANS

    runner = TaskRunner("t")
    release = threading.Event()

    def stubborn(progress: Any, cancelled: Any) -> None:
        release.wait(10)  # ignores cancelling, like reading a large file

    runner.start("stubborn", stubborn)
    runner.shutdown(timeout_ms=50)
    assert not runner.busy
    assert not runner._threads
    orphan = ORPHANS[-1]
    assert orphan.isRunning()
    release.set()
    assert orphan.wait(5000)
    ORPHANS.remove(orphan)
