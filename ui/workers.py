"""Long work off the GUI thread: one task at a time per runner.

A task is a plain function ``fn(progress, cancelled) -> result`` (the same
shape as :func:`fttx_planner.design.plan_district`'s callbacks). A
:class:`TaskRunner` runs it in a :class:`QThread` of its own (which ends
with the task: no event loop) and reports back through signals queued to the
GUI thread. Starting a new task cancels the running one: its
cancel callback starts returning True and whatever it still reports is
ignored.

Known errors (bad input: :class:`~fttx_planner.FttxError`, the business
models' parameter errors, unreadable files) arrive as ``failed(message)``;
anything else is a bug and arrives as ``crashed(traceback)`` so the window can
say so and the bug can be reported, instead of pretending it was the user's
fault.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from fttx_planner import FttxError, PlanCancelled

#: Threads still running when their runner shut down (a task that cannot be
#: interrupted, such as reading a large OSM file): kept alive until they end,
#: since deleting a running QThread aborts the program.
ORPHANS: list[QThread] = []

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]
Task = Callable[[Progress, Cancelled], Any]


class TaskCancelled(Exception):
    """Raised by a task that noticed it was cancelled."""


def raise_if_cancelled(cancelled: Cancelled) -> None:
    """Stop a task (raise :class:`TaskCancelled`) when it was asked to."""
    if cancelled():
        raise TaskCancelled


def user_error_message(exc: BaseException) -> str | None:
    """The message to show for an error the user caused, or ``None`` for a bug."""
    if isinstance(exc, FttxError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    if isinstance(exc, ValueError) and type(exc).__module__.startswith("models"):
        return str(exc)
    return None


class _Worker(QObject):
    """Runs one task (in a :class:`_TaskThread`); every signal carries the task's token.

    The worker object lives in the GUI thread; its signals are emitted from
    the task's thread and so reach the runner queued, on the GUI thread.
    """

    progress = Signal(int, float, str)
    done = Signal(int, object)
    failed = Signal(int, str)
    crashed = Signal(int, str)
    stopped = Signal(int)

    def __init__(self, token: int, fn: Task) -> None:
        super().__init__()
        self.token = token
        self.fn = fn
        self.cancel_event = threading.Event()

    def is_cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def _progress(self, fraction: float, stage: str) -> None:
        if not self.cancel_event.is_set():
            self.progress.emit(self.token, float(fraction), str(stage))

    def run(self) -> None:
        try:
            result = self.fn(self._progress, self.is_cancelled)
        except (PlanCancelled, TaskCancelled):
            self.stopped.emit(self.token)
        except Exception as exc:
            message = user_error_message(exc)
            if self.cancel_event.is_set():
                self.stopped.emit(self.token)
            elif message is not None:
                self.failed.emit(self.token, message)
            else:
                self.crashed.emit(self.token, traceback.format_exc())
        else:
            if self.cancel_event.is_set():
                self.stopped.emit(self.token)
            else:
                self.done.emit(self.token, result)


class _TaskThread(QThread):
    """A thread that runs one worker's task and ends (no event loop to quit)."""

    def __init__(self, worker: _Worker) -> None:
        super().__init__()
        self.worker = worker

    def run(self) -> None:
        self.worker.run()


class TaskRunner(QObject):
    """Run tasks in a worker thread, one at a time; a new task cancels the old.

    Signals
    -------
    started(str)
        A task began; its label.
    progress(float, str)
        Fraction done and the current stage.
    finished(object)
        The task's result.
    failed(str)
        A readable message for an input error.
    crashed(str)
        The traceback of a bug.
    cancelled()
        The task stopped because it was cancelled (not when it was replaced).
    busy_changed(bool)
        Whether a task is running.
    """

    started = Signal(str)
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(str)
    crashed = Signal(str)
    cancelled = Signal()
    busy_changed = Signal(bool)

    def __init__(self, name: str = "task", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._token = 0
        self._current: _Worker | None = None
        self._label = ""
        self._threads: dict[int, tuple[_TaskThread, _Worker]] = {}

    # -- public API -----------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether a task is running (a replaced task finishing does not count)."""
        return self._current is not None

    @property
    def label(self) -> str:
        """The running task's label."""
        return self._label if self._current is not None else ""

    def start(self, label: str, fn: Task) -> int:
        """Run ``fn(progress, cancelled)`` in a worker thread, cancelling any running task.

        Returns
        -------
        int
            The task's token.
        """
        if self._current is not None:
            self._current.cancel_event.set()
        self._prune()
        self._token += 1
        token = self._token
        worker = _Worker(token, fn)
        thread = _TaskThread(worker)
        thread.setObjectName(f"{self.name}-{token}")
        queued = Qt.ConnectionType.QueuedConnection
        worker.progress.connect(self._on_progress, queued)
        worker.done.connect(self._on_done, queued)
        worker.failed.connect(self._on_failed, queued)
        worker.crashed.connect(self._on_crashed, queued)
        worker.stopped.connect(self._on_stopped, queued)
        thread.finished.connect(self._on_thread_finished, queued)
        self._threads[token] = (thread, worker)
        was_busy = self._current is not None
        self._current = worker
        self._label = label
        thread.start()
        self.started.emit(label)
        if not was_busy:
            self.busy_changed.emit(True)
        return token

    def cancel(self) -> None:
        """Ask the running task to stop; ``cancelled`` follows when it has."""
        if self._current is not None:
            self._current.cancel_event.set()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until every worker thread has ended (for shutdown and tests)."""
        ok = True
        for thread, _ in list(self._threads.values()):
            ok = thread.wait(timeout_ms) and ok
        self._prune()
        return ok

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel everything and wait for the threads to end.

        Threads still running after ``timeout_ms`` are kept in :data:`ORPHANS`.
        """
        for _, worker in self._threads.values():
            worker.cancel_event.set()
        self.wait(timeout_ms)
        for token, (thread, _worker) in list(self._threads.items()):
            if not thread.isFinished():
                ORPHANS.append(thread)
                del self._threads[token]
        if self._current is not None:
            self._current = None
            self.busy_changed.emit(False)

    # -- worker signals -----------------------------------------------------------
    def _is_current(self, token: int) -> bool:
        return self._current is not None and token == self._current.token

    def _finish(self) -> None:
        self._current = None
        self._label = ""
        self.busy_changed.emit(False)

    @Slot(int, float, str)
    def _on_progress(self, token: int, fraction: float, stage: str) -> None:
        if self._is_current(token):
            self.progress.emit(fraction, stage)

    @Slot(int, object)
    def _on_done(self, token: int, result: object) -> None:
        if self._is_current(token):
            self._finish()
            self.finished.emit(result)

    @Slot(int, str)
    def _on_failed(self, token: int, message: str) -> None:
        if self._is_current(token):
            self._finish()
            self.failed.emit(message)

    @Slot(int, str)
    def _on_crashed(self, token: int, text: str) -> None:
        if self._is_current(token):
            self._finish()
            self.crashed.emit(text)

    @Slot(int)
    def _on_stopped(self, token: int) -> None:
        if self._is_current(token):
            self._finish()
            self.cancelled.emit()

    @Slot()
    def _on_thread_finished(self) -> None:
        self._prune()

    def _prune(self) -> None:
        """Let go of threads that have ended.

        ``QThread.finished`` is emitted from the thread just before it ends, so
        only threads reporting ``isFinished()`` are dropped: deleting a QThread
        that still runs aborts the program.
        """
        for token, (thread, _worker) in list(self._threads.items()):
            if thread.isFinished():
                thread.wait()
                del self._threads[token]
