"""What the main window tells the user: status bar text, the error banner, message boxes, title.

Known errors become a banner above the tabs (or a message box); a bug in a
worker becomes an *Internal error* box with the traceback to copy. The
title shows the district, the project file and whether it has unsaved
changes.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QMessageBox

from ui.window_base import APP_NAME, WindowBase


class WindowMessages(WindowBase):
    """Status text, error banner, error and crash boxes, and the window title."""

    def _connect_messages(self) -> None:
        """Keep the title in step with the project's unsaved changes."""
        self.session.dirty_changed.connect(lambda _d: self._update_title())
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    def set_status(self, text: str) -> None:
        """A message in the status bar."""
        self.status_text.setText(text)

    def show_banner(self, message: str) -> None:
        """An error shown above the tabs until closed or the next success."""
        self.last_error = message
        self.banner_text.setText(message)
        self.banner.setVisible(True)

    def hide_banner(self) -> None:
        """Hide the error banner."""
        self.banner.setVisible(False)

    def show_error(self, title: str, message: str, details: str = "") -> None:
        """A message box (or, without modal dialogs, the banner)."""
        self.last_error = message
        if not self.modal_dialogs:
            self.show_banner(message)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self
        )
        if details:
            box.setDetailedText(details)
        box.exec()

    def _on_crash(self, text: str) -> None:
        import sys

        print(text, file=sys.stderr)
        self.set_status("Internal error")
        self.show_error(
            "Internal error",
            "Something went wrong inside the planner (this is a bug, not your input). The "
            "details below help to report it; your project is unchanged.",
            text,
        )

    @Slot(bool)
    def _on_clean_changed(self, _clean: bool) -> None:
        self._update_title()

    def _update_title(self) -> None:
        if not shiboken6.isValid(self):  # signals of children while the window is destroyed
            return
        s = self.session
        name = s.project_path.name if s.project_path else "unsaved project"
        mark = " *" if s.dirty else ""
        self.setWindowTitle(f"{APP_NAME} — {s.district_label()} [{name}{mark}]")
