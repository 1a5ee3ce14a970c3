"""Projects in the main window: new, open, save, save as, recent files, unsaved changes.

A project (:mod:`ui.project`) is read and validated in the window's
``project_runner`` (a worker thread, with progress in the status bar and
*Cancel*), so a large one (500 scenarios, a synthetic district of two
million buildings) never freezes the window; a bad one is a message. Once
read, it shows its saved results at once and is then re-planned; saving is
atomic. *Open recent* lists projects and OSM
files (kept in the settings, newest first); the last folder used is the
starting point of every file dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox

from fttx_planner import ProjectFileError
from ui import tasks
from ui.project import PROJECT_SUFFIX, DistrictRef, Project, save_project
from ui.session import default_sample
from ui.window_base import WindowBase

MAX_RECENT = 8
PROJECT_FILTER = f"fttx-planner projects (*{PROJECT_SUFFIX});;All files (*)"


class ProjectFlow(WindowBase):
    """Opens and saves projects and keeps the recent-files list."""

    def maybe_discard(self) -> bool:
        """Whether unsaved changes may be dropped (asks the user)."""
        if not self.session.dirty or not self.confirm_close:
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            "The project has unsaved changes. Save them first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save_project()
        return answer == QMessageBox.StandardButton.Discard

    def new_project(self) -> None:
        """Start again on the default sample city."""
        if not self.maybe_discard():
            return
        self.session.load(Project(district=DistrictRef.sample(default_sample())), None)
        self.undo_stack.clear()
        self.start_plan()

    def open_project_dialog(self) -> None:
        """Ask for a project file and open it."""
        if not self.maybe_discard():
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Open project", self._last_dir(), PROJECT_FILTER
        )
        if path:
            self.open_project(Path(path), confirm=False)

    def _connect_projects(self) -> None:
        """Wire the project runner to the status bar and the window."""
        r = self.project_runner
        r.started.connect(self._on_open_started)
        r.progress.connect(self._on_open_progress)
        r.finished.connect(self._on_project_read)
        r.failed.connect(self._on_open_failed)
        r.cancelled.connect(lambda: self.set_status("Opening the project cancelled"))
        r.crashed.connect(self._on_crash)
        r.busy_changed.connect(self._on_open_busy)
        self.status_cancel.clicked.connect(r.cancel)

    def open_project(self, path: Path, confirm: bool = True) -> bool:
        """Start opening a project: read in a worker, then shown and re-planned.

        Returns
        -------
        bool
            Whether the opening started (``False`` when the user kept the
            unsaved changes); a file that cannot be opened is reported when
            the worker has read it.
        """
        if confirm and not self.maybe_discard():
            return False
        path = Path(path)
        self.project_runner.start(f"Opening {path.name}", tasks.open_project_task(path))
        return True

    @Slot(str)
    def _on_open_started(self, label: str) -> None:
        self.set_status(label + "…")
        self.progress.setValue(0)
        self.progress.setFormat("%p %")

    @Slot(float, str)
    def _on_open_progress(self, fraction: float, stage: str) -> None:
        self.progress.setValue(round(1000 * fraction))
        self.progress.setFormat(f"{stage} %p %")
        self.set_status(f"{self.project_runner.label}… {100 * fraction:.0f} % ({stage})")

    @Slot(bool)
    def _on_open_busy(self, busy: bool) -> None:
        shown = busy or self.plan_runner.busy
        self.progress.setVisible(shown)
        self.status_cancel.setVisible(shown)

    @Slot(object)
    def _on_project_read(self, opened: tasks.OpenedProject) -> None:
        """Show a project read by the worker, then re-plan it."""
        path = opened.path
        try:
            self.session.load(opened.project, path)
        except ValueError as exc:  # finance inputs the business models refuse
            self._on_open_failed(str(exc))
            return
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.add_recent(path)
        self._remember_dir(path)
        self._expected_summary = opened.project.summary
        self.set_status(f"Opened {path.name} in {opened.seconds:.1f} s; re-planning…")
        self.start_plan()

    @Slot(str)
    def _on_open_failed(self, message: str) -> None:
        self.set_status("The project was not opened")
        self.show_error("Cannot open project", message)
        if self.session.summary is None and not self.plan_runner.busy:
            self.start_plan()  # nothing shown yet (a bad project on the command line)

    def save_project(self) -> bool:
        """Save to the project's file (asks for one the first time)."""
        if self.session.project_path is None:
            return self.save_project_as()
        return self.save_project_to(self.session.project_path)

    def save_project_as(self) -> bool:
        """Ask for a file and save the project there."""
        default = str(Path(self._last_dir()) / f"{self.session.district.label()}{PROJECT_SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self, "Save project", default, PROJECT_FILTER)
        if not path:
            return False
        return self.save_project_to(Path(path))

    def save_project_to(self, path: Path) -> bool:
        """Save the project atomically to ``path``."""
        try:
            written = save_project(self.session.to_project(), path)
        except (ProjectFileError, OSError) as exc:
            self.show_error("Project not saved", str(exc))
            return False
        self.session.project_path = written
        self.session.set_dirty(False)
        self.undo_stack.setClean()
        self.add_recent(written)
        self._remember_dir(written)
        self.set_status(f"Saved {written}")
        self._update_title()
        return True

    def _last_dir(self) -> str:
        value = self.settings.value("recent/dir", "")
        return str(value) if value else str(Path.cwd())

    def _remember_dir(self, path: Path) -> None:
        self.settings.setValue("recent/dir", str(Path(path).resolve().parent))

    # ======================================================================== recent files
    def recent_files(self) -> list[str]:
        """Recent projects and OSM files, newest first."""
        value = self.settings.value("recent/files", [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def add_recent(self, path: Path) -> None:
        """Put a file at the top of the recent list."""
        text = str(Path(path).resolve())
        items = [text] + [p for p in self.recent_files() if p != text]
        self.settings.setValue("recent/files", items[:MAX_RECENT])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        if not files:
            none = self.recent_menu.addAction("(none yet)")
            none.setEnabled(False)
            return
        for i, path in enumerate(files):
            act = self.recent_menu.addAction(f"&{i + 1} {Path(path).name}")
            act.setToolTip(path)
            act.triggered.connect(lambda _c=False, p=path: self.open_recent(p))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear list", lambda: self.settings.setValue("recent/files", []))

    def open_recent(self, path: str) -> None:
        """Open a recent project or OSM file."""
        p = Path(path)
        if not p.exists():
            self.show_error("File not found", f"{path} no longer exists.")
            self.settings.setValue("recent/files", [f for f in self.recent_files() if f != path])
            return
        if p.suffix == PROJECT_SUFFIX:
            self.open_project(p)
        else:
            self.choose_district(DistrictRef.osm(p))
