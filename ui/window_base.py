"""What the parts of the main window share: its names and, for the type checker, its anatomy.

:class:`~ui.main_window.MainWindow` is composed of mixins, one per concern
(:mod:`ui.window_layout`, :mod:`ui.window_actions`, :mod:`ui.window_messages`,
:mod:`ui.planning_flow`, :mod:`ui.edit_flow`, :mod:`ui.map_flow`, :mod:`ui.finance_flow`,
:mod:`ui.scenario_flow`, :mod:`ui.project_flow`, :mod:`ui.export_flow`).
Each mixin derives from :class:`WindowBase`: at run time that is ``object``
(the window itself is the one ``QMainWindow``); for the type checker it is a
``QMainWindow`` declaring the widgets, state and cross-part methods every
mixin may use, so each part is checked on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QAction, QUndoStack
    from PySide6.QtWidgets import (
        QCheckBox,
        QCompleter,
        QDockWidget,
        QFrame,
        QLabel,
        QLineEdit,
        QMainWindow,
        QMenu,
        QProgressBar,
        QPushButton,
        QTabWidget,
        QToolBar,
        QWidget,
    )

    from fttx_planner.samples import Scenario
    from ui.catalogue_view import CatalogueWidget
    from ui.comparison_view import ComparisonView
    from ui.finance_view import FinanceView
    from ui.forms import ModelForm
    from ui.map_canvas import MapCanvas
    from ui.map_tools import PointPicker
    from ui.panels import DetailsPanel, DistrictPanel, SummaryPanel
    from ui.project import DistrictRef, ScenarioRecord
    from ui.results_view import ResultsView
    from ui.scenarios_view import ScenariosView
    from ui.session import PlanInputs, Session
    from ui.tasks import DistrictCache, FinanceOutcome
    from ui.workers import TaskRunner

APP_NAME = "FTTx Planner"
ORGANISATION = "fttx-planner"
TABS = ("Map", "Results", "Cost catalogue", "Business models", "Scenarios")


def app_settings() -> QSettings:
    """The user's settings (window layout, recent files, map layers)."""
    return QSettings(ORGANISATION, APP_NAME)


if TYPE_CHECKING:

    class WindowBase(QMainWindow):
        """The main window as every part sees it (type checking only)."""

        # Set up by MainWindow.__init__.
        settings: QSettings
        modal_dialogs: bool
        confirm_close: bool
        last_error: str
        session: Session
        cache: DistrictCache
        undo_stack: QUndoStack
        plan_runner: TaskRunner
        finance_runner: TaskRunner
        scenario_runner: TaskRunner
        variant_runner: TaskRunner
        export_runner: TaskRunner
        project_runner: TaskRunner
        _pending_inputs: PlanInputs | None
        _expected_summary: dict[str, Any] | None
        finance_outcome: FinanceOutcome | None
        scenario_npv: list[dict[str, float] | None] | None
        samples: list[Scenario]
        _titles: dict[str, str]
        _plan_timer: QTimer
        _finance_timer: QTimer
        _scenario_timer: QTimer

        # Views, docks and status bar (ui.window_layout).
        canvas: MapCanvas
        results: ResultsView
        catalogue_view: CatalogueWidget
        finance_view: FinanceView
        scenarios_view: ScenariosView
        comparison_view: ComparisonView
        tabs: QTabWidget
        banner: QFrame
        banner_text: QLabel
        district_panel: DistrictPanel
        design_form: ModelForm
        budget_label: QLabel
        plan_button: QPushButton
        cancel_button: QPushButton
        auto_box: QCheckBox
        plan_dock: QDockWidget
        summary_panel: SummaryPanel
        summary_dock: QDockWidget
        details: DetailsPanel
        details_dock: QDockWidget
        status_text: QLabel
        progress: QProgressBar
        status_cancel: QPushButton
        map_page: QWidget
        find_box: QLineEdit
        find_result: QLabel
        find_completer: QCompleter
        olt_picker: PointPicker
        olt_pick_button: QPushButton
        olt_clear_button: QPushButton
        olt_info: QLabel
        compact_layout: bool
        _layout_pending: bool

        # Actions, menus and toolbar (ui.window_actions).
        act_new: QAction
        act_open: QAction
        act_open_osm: QAction
        act_open_infra: QAction
        act_save: QAction
        act_save_as: QAction
        act_export_all: QAction
        act_export_geojson: QAction
        act_export_gpkg: QAction
        act_export_bom: QAction
        act_export_map: QAction
        act_export_charts: QAction
        act_export_pdf: QAction
        act_quit: QAction
        act_undo: QAction
        act_redo: QAction
        act_reset_design: QAction
        act_reset_finance: QAction
        act_plan: QAction
        act_cancel: QAction
        act_auto: QAction
        act_keep: QAction
        act_variants: QAction
        act_fit: QAction
        act_zoom_in: QAction
        act_zoom_out: QAction
        act_legend: QAction
        layer_actions: dict[str, QAction]
        tab_actions: list[QAction]
        act_reset_layout: QAction
        act_shortcuts: QAction
        act_about: QAction
        recent_menu: QMenu
        toolbar: QToolBar

        # Methods one part calls in another.
        def _update_actions(self) -> None: ...
        def _sync_layer_actions(self) -> None: ...
        def set_status(self, text: str) -> None: ...
        def show_banner(self, message: str) -> None: ...
        def hide_banner(self) -> None: ...
        def show_error(self, title: str, message: str, details: str = "") -> None: ...
        def _on_crash(self, text: str) -> None: ...
        def _update_title(self) -> None: ...
        def start_plan(self) -> None: ...
        def schedule_plan(self) -> None: ...
        def cancel_plan(self) -> None: ...
        def _set_auto(self, on: bool) -> None: ...
        def _push(
            self, setter: Callable[[Any], None], old: Any, new: Any, text: str, key: str | None
        ) -> None: ...
        def choose_district(self, ref: DistrictRef) -> None: ...
        def reset_design_params(self) -> None: ...
        def _push_finance(self, params: Any, name: str) -> None: ...
        def keep_scenario(self, name: str = "") -> ScenarioRecord | None: ...
        def plan_variants(self) -> None: ...
        def new_project(self) -> None: ...
        def open_project_dialog(self) -> None: ...
        def save_project(self) -> bool: ...
        def save_project_as(self) -> bool: ...
        def add_recent(self, path: Path) -> None: ...
        def _fill_recent_menu(self) -> None: ...
        def _last_dir(self) -> str: ...
        def _dock(
            self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea
        ) -> QDockWidget: ...
        def export_all_dialog(self) -> None: ...
        def export_geojson_dialog(self) -> None: ...
        def export_gpkg_dialog(self) -> None: ...
        def export_bom_dialog(self) -> None: ...
        def export_map_dialog(self) -> None: ...
        def export_charts_dialog(self) -> None: ...
        def export_pdf_dialog(self) -> None: ...
        def reset_layout(self) -> None: ...
        def arrange_docks(self, width: int | None = None) -> None: ...
        def _refresh_map_tools(self) -> None: ...

else:
    WindowBase = object
