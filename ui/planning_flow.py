"""Planning in the main window: start, re-plan, cancel, progress, and the plan shown.

A plan runs in the window's ``plan_runner`` (a worker thread); starting one
cancels the one running. With *Re-plan on every change* on, a change
re-plans after a short pause; otherwise the summary says the plan is out of
date. Progress shows in the status bar and on the map; a failure is a
banner above the map and the last good plan stays.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot

from ui import tasks
from ui.session import PlanInputs
from ui.tasks import PlanOutcome
from ui.window_base import WindowBase


class PlanningFlow(WindowBase):
    """Runs the plan in a worker and shows it (map, summary, results) when it arrives."""

    def _connect_planning(self) -> None:
        """Wire the *Plan* / *Cancel* buttons, *Re-plan on every change* and the plan runner."""
        self.session.plan_changed.connect(self._on_plan_changed)
        self.plan_button.clicked.connect(self.start_plan)
        self.cancel_button.clicked.connect(self.cancel_plan)
        self.auto_box.toggled.connect(self.act_auto.setChecked)
        r = self.plan_runner
        r.started.connect(self._on_plan_started)
        r.progress.connect(self._on_plan_progress)
        r.finished.connect(self._on_plan_finished)
        r.failed.connect(self._on_plan_failed)
        r.cancelled.connect(self._on_plan_cancelled)
        r.crashed.connect(self._on_crash)
        r.busy_changed.connect(self._on_busy_changed)

    def start(self) -> None:
        """Plan the district now (the window was just shown)."""
        self.start_plan()

    def schedule_plan(self) -> None:
        """Re-plan after a short pause, if auto re-plan is on."""
        if self.act_auto.isChecked():
            self._plan_timer.start()
        else:
            self._update_stale()

    def start_plan(self) -> None:
        """Plan the current district with the current parameters (cancels a running plan)."""
        self._plan_timer.stop()
        s = self.session
        inputs = PlanInputs(s.district, s.design_params, s.catalogue.to_csv_text())
        self._pending_inputs = inputs
        task = tasks.plan_task(inputs.ref, inputs.params, s.catalogue, self.cache)
        self.plan_runner.start(f"Planning {s.district_label()}", task)

    def cancel_plan(self) -> None:
        """Stop the plan running."""
        self._plan_timer.stop()
        self.plan_runner.cancel()

    def _set_auto(self, on: bool) -> None:
        self.auto_box.blockSignals(True)
        self.auto_box.setChecked(on)
        self.auto_box.blockSignals(False)
        if self.act_auto.isChecked() != on:
            self.act_auto.setChecked(on)
        if on and not self.session.plan_is_current() and self.session.outcome is not None:
            self.schedule_plan()
        self._update_stale()

    @Slot(str)
    def _on_plan_started(self, label: str) -> None:
        self.set_status(label + "…")
        self.progress.setValue(0)
        self.progress.setFormat("%p %")
        self.canvas.set_busy(label + "…")
        if self.canvas.scene is None:
            self.canvas.set_message(label + "…")

    @Slot(float, str)
    def _on_plan_progress(self, fraction: float, stage: str) -> None:
        self.progress.setValue(round(1000 * fraction))
        self.progress.setFormat(f"{stage} %p %")
        label = self.plan_runner.label
        self.canvas.set_busy(f"{label}… {100 * fraction:.0f} % ({stage})")

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        # The status bar's progress and Cancel serve the project reader too.
        shown = busy or self.project_runner.busy
        self.progress.setVisible(shown)
        self.status_cancel.setVisible(shown)
        self.cancel_button.setEnabled(busy)
        self.act_cancel.setEnabled(busy)
        if not busy:
            self.canvas.set_busy("")

    @Slot(object)
    def _on_plan_finished(self, outcome: PlanOutcome) -> None:
        self.hide_banner()
        inputs = self._pending_inputs
        self.session.set_outcome(outcome, inputs)
        n = outcome.summary["homes"]["passed"]
        self.set_status(
            f"Planned {outcome.plan.district.name} in {outcome.seconds:.1f} s: {n:,} homes passed, "
            f"{outcome.summary['capex_eur']['total']:,.0f} EUR"
        )
        expected = self._expected_summary
        self._expected_summary = None
        if expected is not None and not _same_results(expected, outcome.summary):
            self.show_banner(
                "The re-made plan differs from the results saved in the project (the engine, "
                "the sample data or the catalogue changed since it was saved). The new results "
                "are shown."
            )

    @Slot(str)
    def _on_plan_failed(self, message: str) -> None:
        self.set_status("Planning failed: see the message above the map")
        self.show_banner(f"Could not plan: {message}")
        shown = self.session.plan_inputs
        if shown is not None and shown.ref.key != self.session.district.key:
            # Do not leave another district's network on the map.
            self.session.set_outcome(None, None)
        if self.session.summary is None:
            self._finance_timer.start()  # the example district's capex, meanwhile
        if self.canvas.scene is None:
            self.canvas.set_message("Could not plan this district: see the message above.")
        self._update_stale()

    @Slot()
    def _on_plan_cancelled(self) -> None:
        self.set_status("Planning cancelled")
        if self.canvas.scene is None:
            self.canvas.set_message("Planning cancelled. Press F5 to plan.")
        self._update_stale()

    def _on_plan_changed(self) -> None:
        s = self.session
        outcome = s.outcome
        self.canvas.set_scene(outcome.scene if outcome else None)
        if outcome is None:
            self.canvas.set_message(
                "Planning…" if self.plan_runner.busy else "No plan yet. Press F5 to plan."
            )
        summary = s.summary
        note = "" if outcome is not None or summary is None else "(saved results; re-planning)"
        self.summary_panel.set_summary(summary, note)
        self.results.set_results(summary, outcome.plan.bom if outcome else None)
        self.finance_view.set_capex_source(summary)
        self.details.show_feature(None)
        self._update_stale()
        self._update_actions()
        self._update_title()
        self._refresh_map_tools()
        if summary is not None:
            self._finance_timer.start()

    def _update_stale(self) -> None:
        s = self.session
        if s.outcome is None or s.plan_is_current():
            self.summary_panel.set_stale("")
        else:
            key = "F5" if not self.act_auto.isChecked() else "a moment"
            self.summary_panel.set_stale(
                "The inputs changed since this plan: "
                + ("re-planning…" if self.plan_runner.busy or self._plan_timer.isActive()
                   else f"press {key} to re-plan.")
            )  # fmt: skip


def _same_results(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two plan summaries agree on homes and capex."""
    try:
        same_homes = a["homes"] == b["homes"]
        ca, cb = a["capex_eur"]["total"], b["capex_eur"]["total"]
    except (KeyError, TypeError):
        return False
    return same_homes and abs(ca - cb) <= max(0.01, 1e-9 * abs(ca))
