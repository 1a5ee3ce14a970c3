"""The main window: map, planning panels, results, business models, scenarios.

It wires the :class:`~ui.session.Session` (the model) to its views and runs
every long job in a :class:`~ui.workers.TaskRunner`: planning, the business
models, scenario variants and exports. Parameter changes go through a
:class:`QUndoStack` and, with *Auto re-plan* on, re-plan after a short pause
(a new plan cancels the one running).

:class:`MainWindow` holds the state and composes one mixin per concern:

==========================  ==========================================================
:mod:`ui.window_layout`     tabs, banner, docks, status bar, saved layout, map details
:mod:`ui.window_actions`    actions, menus, toolbar, *Help*
:mod:`ui.window_messages`   status text, error banner and boxes, window title
:mod:`ui.planning_flow`     plan, re-plan, cancel, progress, the plan shown
:mod:`ui.edit_flow`         undoable edits of district, design parameters, catalogue
:mod:`ui.map_flow`          find a building, set the OLT site on the map
:mod:`ui.trace_flow`        click-to-trace: a premise's path, the premises behind a splitter
:mod:`ui.region_flow`       open a region plan: its service areas, one at a time in detail
:mod:`ui.finance_flow`      the business models
:mod:`ui.scenario_flow`     scenarios: keep, variants, open, NPV comparison
:mod:`ui.project_flow`      new, open, save, recent files
:mod:`ui.export_flow`       every export (GeoJSON, GeoPackage, BOM, map, charts, PDF)
==========================  ==========================================================
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import QMainWindow

from fttx_planner.samples import list_samples
from ui.edit_flow import EditFlow
from ui.export_flow import ExportFlow, report_available
from ui.finance_flow import FinanceFlow
from ui.finance_view import model_titles
from ui.map_flow import MapFlow
from ui.planning_flow import PlanningFlow
from ui.project_flow import ProjectFlow
from ui.region_flow import RegionFlow
from ui.scenario_flow import ScenarioFlow
from ui.session import PlanInputs, Session
from ui.tasks import DistrictCache, FinanceOutcome
from ui.trace_flow import TraceFlow
from ui.window_actions import WindowActions
from ui.window_base import APP_NAME, ORGANISATION, app_settings
from ui.window_layout import WindowLayout
from ui.window_messages import WindowMessages
from ui.workers import TaskRunner

__all__ = ["APP_NAME", "ORGANISATION", "MainWindow", "app_settings", "report_available"]

PLAN_DELAY_MS = 350
FINANCE_DELAY_MS = 200


class MainWindow(
    WindowLayout,
    WindowActions,
    WindowMessages,
    PlanningFlow,
    EditFlow,
    MapFlow,
    FinanceFlow,
    ScenarioFlow,
    ProjectFlow,
    ExportFlow,
    TraceFlow,
    RegionFlow,
    QMainWindow,
):
    """The application window.

    Parameters
    ----------
    settings
        Where layout and recent files are kept (tests pass a temporary INI).
    modal_dialogs
        Show message boxes; tests turn this off and read :attr:`last_error`.
    auto_replan
        Re-plan after every parameter change (overrides the saved setting).
    """

    def __init__(
        self,
        settings: QSettings | None = None,
        modal_dialogs: bool = True,
        auto_replan: bool | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings if settings is not None else app_settings()
        self.modal_dialogs = modal_dialogs
        self.confirm_close = modal_dialogs
        self.last_error = ""
        self.session = Session(self)
        self.cache = DistrictCache()
        self.undo_stack = QUndoStack(self)
        self.plan_runner = TaskRunner("plan", self)
        self.finance_runner = TaskRunner("finance", self)
        self.scenario_runner = TaskRunner("scenarios", self)
        self.variant_runner = TaskRunner("variants", self)
        self.export_runner = TaskRunner("export", self)
        self.project_runner = TaskRunner("project", self)
        self._pending_inputs: PlanInputs | None = None
        self._expected_summary: dict[str, Any] | None = None
        self.finance_outcome: FinanceOutcome | None = None
        self.scenario_npv: list[dict[str, float] | None] | None = None
        self.samples = list_samples()
        self._titles = model_titles()

        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(PLAN_DELAY_MS)
        self._plan_timer.timeout.connect(self.start_plan)
        self._finance_timer = QTimer(self)
        self._finance_timer.setSingleShot(True)
        self._finance_timer.setInterval(FINANCE_DELAY_MS)
        self._finance_timer.timeout.connect(self.start_finance)
        self._scenario_timer = QTimer(self)
        self._scenario_timer.setSingleShot(True)
        self._scenario_timer.setInterval(FINANCE_DELAY_MS)
        self._scenario_timer.timeout.connect(self.start_scenario_npv)

        self._build_views()
        self._build_trace_dock()
        self._build_region_dock()
        self._build_actions()
        self._build_menus_and_toolbar()
        self._build_region_action()
        self._build_status_bar()
        self._connect()
        self._restore_settings(auto_replan)
        self.region_dock.hide()  # no region is open at start, whatever the saved layout says
        self._refresh_all()

    def _connect(self) -> None:
        """Wire the session, the views and the workers, one part of the window at a time."""
        self._connect_edits()
        self._connect_finance()
        self._connect_planning()
        self._connect_scenarios()
        self._connect_messages()
        self._connect_exports()
        self._connect_map()
        self._connect_map_tools()
        self._connect_trace()
        self._connect_region()
        self._connect_projects()

    def _refresh_all(self) -> None:
        """Show the session's state in every view (once, after building them)."""
        s = self.session
        self.district_panel.set_district(s.district, s.district_label())
        self._show_budget(s.design_params)
        self._on_plan_changed()
        self._show_scenarios()
        self._on_busy_changed(False)
        self.act_export_pdf.setEnabled(False)

    def shutdown(self) -> None:
        """Stop every worker (cancelling) and wait for them."""
        self.undo_stack.blockSignals(True)
        for timer in (self._plan_timer, self._finance_timer, self._scenario_timer):
            timer.stop()
        for runner in (
            self.plan_runner, self.finance_runner, self.scenario_runner, self.variant_runner,
            self.export_runner, self.project_runner, self.comparison_view.runner,
            self.trace_runner, self.region_runner,
        ):  # fmt: skip
            runner.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about unsaved changes, then remember the layout and stop the workers."""
        if not self.maybe_discard():
            event.ignore()
            return
        self.save_settings()
        self.shutdown()
        event.accept()
