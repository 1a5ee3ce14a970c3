"""The main window: map, planning panels, results, business models, scenarios.

It wires the :class:`~ui.session.Session` (the model) to its views and runs
every long job in a :class:`~ui.workers.TaskRunner`: planning, the business
models, scenario variants and exports. Parameter changes go through a
:class:`QUndoStack` and, with *Auto re-plan* on, re-plan after a short pause
(a new plan cancels the one running).
"""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from pydantic import ValidationError
from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStyle,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fttx_planner import ProjectFileError
from fttx_planner.catalogue import Catalogue
from fttx_planner.params import Deployment, DesignParams
from fttx_planner.samples import list_samples
from ui import tasks
from ui.catalogue_view import CatalogueWidget
from ui.finance_view import FinanceView, model_titles
from ui.forms import ModelForm
from ui.map_canvas import MapCanvas
from ui.map_scene import LAYERS, Feature
from ui.panels import DetailsPanel, DistrictPanel, SummaryPanel
from ui.project import (
    PROJECT_SUFFIX,
    DistrictRef,
    Project,
    ScenarioRecord,
    load_project,
    save_project,
)
from ui.results_view import ResultsView
from ui.scenarios_view import ScenariosView
from ui.session import PlanInputs, Session, default_sample, scenario_name
from ui.tasks import DistrictCache, FinanceOutcome, PlanOutcome, VariantOutcome
from ui.undo import SetValueCommand
from ui.workers import TaskRunner

APP_NAME = "FTTx Planner"
ORGANISATION = "fttx-planner"
#: Sections of the design-parameter panel; fields not named go to "Other".
DESIGN_SECTIONS = {
    "Architecture": [
        "deployment", "split_ratio", "stage1_ratio", "spare_share",
        "max_drop_m",
    ],
    "Optical budget": [
        "optical_class", "fibre_loss_db_per_km", "splice_loss_db", "splices_per_path",
        "connector_loss_db", "connectors_per_path", "safety_margin_db",
    ],
    "OLT site (empty: the planner chooses)": ["olt_x_m", "olt_y_m"],
}  # fmt: skip
TABS = ("Map", "Results", "Cost catalogue", "Business models", "Scenarios")
MAX_RECENT = 8
PLAN_DELAY_MS = 350
FINANCE_DELAY_MS = 200
PROJECT_FILTER = f"fttx-planner projects (*{PROJECT_SUFFIX});;All files (*)"


def app_settings() -> QSettings:
    """The user's settings (window layout, recent files, map layers)."""
    return QSettings(ORGANISATION, APP_NAME)


def report_available() -> bool:
    """Whether the PDF report writer (``fttx_planner.report.builder``) is installed."""
    try:
        return importlib.util.find_spec("fttx_planner.report") is not None
    except (ImportError, ValueError):
        return False


class MainWindow(QMainWindow):
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
        self._build_actions()
        self._build_menus_and_toolbar()
        self._build_status_bar()
        self._connect()
        self._restore_settings(auto_replan)
        self._refresh_all()

    # ======================================================================== building
    def _build_views(self) -> None:
        s = self.session
        self.canvas = MapCanvas(self)
        self.results = ResultsView(self)
        self.catalogue_view = CatalogueWidget(s.catalogue, self)
        self.finance_view = FinanceView(s.finance_params, self)
        self.scenarios_view = ScenariosView(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        for widget, title in zip(
            (
                self.canvas,
                self.results,
                self.catalogue_view,
                self.finance_view,
                self.scenarios_view,
            ),
            TABS,
            strict=True,
        ):
            self.tabs.addTab(widget, title)
        self.banner = QFrame(self)
        self.banner.setObjectName("errorBanner")
        self.banner.setStyleSheet(
            "#errorBanner { background: #ffebee; border: 1px solid #ef9a9a; border-radius: 3px; }"
        )
        self.banner_text = QLabel("", self.banner)
        self.banner_text.setObjectName("bannerText")
        self.banner_text.setWordWrap(True)
        self.banner_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner_text.setStyleSheet("color: #b71c1c;")
        close = QToolButton(self.banner)
        close.setText("✕")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide_banner)
        bl = QHBoxLayout(self.banner)
        bl.setContentsMargins(8, 4, 4, 4)
        bl.addWidget(self.banner_text, 1)
        bl.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.banner.setVisible(False)
        central = QWidget(self)
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(2)
        cl.addWidget(self.banner)
        cl.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        # Left: district and design parameters.
        self.district_panel = DistrictPanel(self.samples, self)
        self.design_form = ModelForm(
            DesignParams, s.design_params, sections=DESIGN_SECTIONS, parent=self
        )
        self.design_form.setObjectName("designForm")
        self.budget_label = QLabel("", self)
        self.budget_label.setObjectName("budgetLabel")
        self.budget_label.setWordWrap(True)
        self.budget_label.setStyleSheet("color: #455a64; font-size: 8.5pt;")
        self.plan_button = QPushButton("Plan", self)
        self.plan_button.setObjectName("planButton")
        self.plan_button.setToolTip("Plan the district with these parameters (F5)")
        self.plan_button.setStyleSheet("font-weight: 600; padding: 4px 14px;")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancelButton")
        self.auto_box = QCheckBox("Re-plan on every change", self)
        self.auto_box.setObjectName("autoReplan")
        district_box = QGroupBox("District", self)
        QVBoxLayout(district_box).addWidget(self.district_panel)
        design_box = QGroupBox("Design parameters", self)
        dl = QVBoxLayout(design_box)
        dl.addWidget(self.design_form)
        dl.addWidget(self.budget_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.plan_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        panel = QWidget(self)
        pl = QVBoxLayout(panel)
        pl.setContentsMargins(4, 4, 4, 4)
        pl.addWidget(district_box)
        pl.addWidget(design_box)
        pl.addLayout(buttons)
        pl.addWidget(self.auto_box)
        pl.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(panel)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(350)
        self.plan_dock = self._dock(
            "planDock", "Planning", scroll, Qt.DockWidgetArea.LeftDockWidgetArea
        )

        # Right: headline figures and details of the feature under the mouse.
        self.summary_panel = SummaryPanel(self)
        self.summary_dock = self._dock(
            "summaryDock", "Plan summary", self.summary_panel, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.details = DetailsPanel(self)
        details_scroll = QScrollArea(self)
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        details_scroll.setWidget(self.details)
        self.details_dock = self._dock(
            "detailsDock", "Details", details_scroll, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.splitDockWidget(self.summary_dock, self.details_dock, Qt.Orientation.Vertical)
        self.resizeDocks([self.plan_dock], [380], Qt.Orientation.Horizontal)
        self.resizeDocks([self.summary_dock], [330], Qt.Orientation.Horizontal)

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def _action(
        self,
        text: str,
        slot: Callable[..., Any] | None = None,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, str):
                action.setShortcut(QKeySequence(shortcut))
            else:
                action.setShortcut(shortcut)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.setCheckable(checkable)
        if slot is not None:
            if checkable:
                action.toggled.connect(slot)
            else:
                action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        std = QKeySequence.StandardKey
        self.act_new = a(
            "&New project", self.new_project, std.New, "Start again on the default sample city"
        )
        self.act_open = a(
            "&Open project…", self.open_project_dialog, std.Open, "Open a saved project"
        )
        self.act_open_osm = a(
            "Open OSM &file…", self.district_panel.choose_osm_file, "Ctrl+Shift+O",
            "Plan a district from an OpenStreetMap file (.osm, .osm.gz, .osm.bz2, .pbf)",
        )  # fmt: skip
        self.act_open_infra = a(
            "Existing &infrastructure…", self.district_panel.choose_infrastructure, None,
            "Existing ducts and pole routes for brownfield planning",
        )  # fmt: skip
        self.act_save = a("&Save project", self.save_project, std.Save, "Save the project")
        self.act_save_as = a("Save project &as…", self.save_project_as, "Ctrl+Shift+S")
        self.act_export_all = a(
            "&All outputs to a folder…", self.export_all_dialog, "Ctrl+E",
            "GeoJSON layers, GeoPackage, BOM, splitters and summary",
        )  # fmt: skip
        self.act_export_geojson = a("&GeoJSON layers…", self.export_geojson_dialog)
        self.act_export_gpkg = a("Geo&Package…", self.export_gpkg_dialog)
        self.act_export_bom = a("&Bill of materials (CSV)…", self.export_bom_dialog)
        self.act_export_map = a("&Map image (PNG)…", self.export_map_dialog)
        self.act_export_charts = a("&Charts (PNG and SVG)…", self.export_charts_dialog)
        self.act_export_pdf = a("&PDF report…", self.export_pdf_dialog, "Ctrl+P")
        if not report_available():
            self.act_export_pdf.setToolTip(
                "The PDF report writer (fttx_planner.report) is not installed in this version"
            )
        self.act_quit = a("&Quit", self.close, std.Quit)
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(std.Undo)
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence(std.Redo), QKeySequence("Ctrl+Y")])
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)
        self.act_reset_design = a("Reset design parameters", self.reset_design_params)
        self.act_reset_finance = a(
            "Reset finance parameters",
            lambda: self._push_finance(self.finance_view.form.model_cls(), "all inputs"),
        )
        self.act_plan = a(
            "&Plan now", self.start_plan, "F5", "Plan the district with the current parameters"
        )
        self.act_plan.setShortcuts([QKeySequence("F5"), QKeySequence("Ctrl+R")])
        self.act_cancel = a("&Cancel planning", self.cancel_plan, "Esc", "Stop the plan running")
        self.act_auto = a(
            "&Re-plan on every change", self._set_auto, None,
            "Re-plan automatically after each parameter change", checkable=True,
        )  # fmt: skip
        self.act_keep = a(
            "&Keep as scenario", self.keep_scenario, "Ctrl+K", "Keep the current plan as a scenario"
        )
        self.act_variants = a(
            "Plan &variants…", self.plan_variants, None, "Plan 1:32/1:64 and green/brownfield"
        )
        self.act_fit = a(
            "&Fit district", self.canvas.fit_to_district, "Ctrl+0", "Show the whole district"
        )
        self.act_zoom_in = a("Zoom &in", lambda: self.canvas.zoom_by(1.5), std.ZoomIn)
        self.act_zoom_out = a("Zoom &out", lambda: self.canvas.zoom_by(1 / 1.5), std.ZoomOut)
        self.act_legend = a("&Legend", self.canvas.set_legend_visible, "Ctrl+L", checkable=True)
        self.layer_actions: dict[str, QAction] = {}
        for name, label in LAYERS.items():
            act = a(label, lambda on, n=name: self.canvas.set_layer_visible(n, on), checkable=True)
            self.layer_actions[name] = act
        self.tab_actions = []
        for i, title in enumerate(TABS):
            self.tab_actions.append(
                a(title, lambda i=i: self.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}")
            )
        self.act_reset_layout = a("Reset window layout", self.reset_layout)
        self.act_shortcuts = a("&Keyboard shortcuts", self.show_shortcuts, std.HelpContents)
        self.act_about = a("&About", self.show_about)

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.act_new, self.act_open])
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.act_open_osm, self.act_open_infra])
        file_menu.addSeparator()
        file_menu.addActions([self.act_save, self.act_save_as])
        export_menu = file_menu.addMenu("&Export")
        export_menu.addActions([
            self.act_export_all, self.act_export_geojson, self.act_export_gpkg, self.act_export_bom,
        ])  # fmt: skip
        export_menu.addSeparator()
        export_menu.addActions([self.act_export_map, self.act_export_charts, self.act_export_pdf])
        export_menu.setToolTipsVisible(True)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.act_undo, self.act_redo])
        edit_menu.addSeparator()
        edit_menu.addActions([self.act_reset_design, self.act_reset_finance])
        plan_menu = bar.addMenu("&Plan")
        plan_menu.addActions([self.act_plan, self.act_cancel, self.act_auto])
        plan_menu.addSeparator()
        plan_menu.addActions([self.act_keep, self.act_variants])
        view_menu = bar.addMenu("&View")
        layers_menu = view_menu.addMenu("Map &layers")
        layers_menu.addActions(list(self.layer_actions.values()))
        view_menu.addActions([self.act_legend, self.act_fit, self.act_zoom_in, self.act_zoom_out])
        view_menu.addSeparator()
        view_menu.addActions(self.tab_actions)
        view_menu.addSeparator()
        for dock in (self.plan_dock, self.summary_dock, self.details_dock):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addAction(self.act_reset_layout)
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.act_shortcuts, self.act_about])

        tb = QToolBar("Main", self)
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        icons = {
            self.act_open: QStyle.StandardPixmap.SP_DialogOpenButton,
            self.act_save: QStyle.StandardPixmap.SP_DialogSaveButton,
            self.act_plan: QStyle.StandardPixmap.SP_MediaPlay,
            self.act_cancel: QStyle.StandardPixmap.SP_MediaStop,
            self.act_undo: QStyle.StandardPixmap.SP_ArrowBack,
            self.act_redo: QStyle.StandardPixmap.SP_ArrowForward,
            self.act_keep: QStyle.StandardPixmap.SP_FileDialogNewFolder,
            self.act_export_all: QStyle.StandardPixmap.SP_DriveHDIcon,
        }
        for act, pixmap in icons.items():
            act.setIcon(self.style().standardIcon(pixmap))
        tb.addActions([self.act_open, self.act_save])
        tb.addSeparator()
        tb.addActions([self.act_plan, self.act_cancel])
        tb.addSeparator()
        tb.addActions([self.act_undo, self.act_redo])
        tb.addSeparator()
        tb.addActions([self.act_fit, self.act_zoom_in, self.act_zoom_out])
        layers_button = QToolButton(self)
        layers_button.setText("Layers")
        layers_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        layers_button.setMenu(layers_menu)
        tb.addWidget(layers_button)
        tb.addAction(self.act_legend)
        tb.addSeparator()
        tb.addActions([self.act_keep, self.act_export_all])
        self.addToolBar(tb)
        self.toolbar = tb

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.status_text = QLabel("", self)
        self.status_text.setObjectName("statusText")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("planProgress")
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.setVisible(False)
        self.status_cancel = QPushButton("Cancel", self)
        self.status_cancel.setObjectName("statusCancel")
        self.status_cancel.setVisible(False)
        self.status_cancel.clicked.connect(self.cancel_plan)
        sb.addWidget(self.status_text, 1)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.status_cancel)

    def _connect(self) -> None:
        s = self.session
        s.district_changed.connect(self._on_district_changed)
        s.design_params_changed.connect(self._on_design_changed)
        s.catalogue_changed.connect(self._on_catalogue_changed)
        s.finance_params_changed.connect(self._on_finance_changed)
        s.plan_changed.connect(self._on_plan_changed)
        s.scenarios_changed.connect(self._on_scenarios_changed)
        s.dirty_changed.connect(lambda _d: self._update_title())
        self.design_form.changed.connect(self._on_design_edited)
        self.district_panel.district_chosen.connect(self.choose_district)
        self.catalogue_view.catalogue_edited.connect(self._on_catalogue_edited)
        self.finance_view.params_edited.connect(self._push_finance)
        self.finance_view.choices_changed.connect(self._finance_timer.start)
        self.scenarios_view.add_requested.connect(self.keep_scenario)
        self.scenarios_view.variants_requested.connect(self.plan_variants)
        self.scenarios_view.open_requested.connect(self.open_scenario)
        self.scenarios_view.remove_requested.connect(self.session.remove_scenario)
        self.scenarios_view.rename_requested.connect(self.session.rename_scenario)
        self.results.export_bom_requested.connect(self.export_bom_dialog)
        self.plan_button.clicked.connect(self.start_plan)
        self.cancel_button.clicked.connect(self.cancel_plan)
        self.auto_box.toggled.connect(self.act_auto.setChecked)
        self.canvas.hovered.connect(self._on_hover)
        self.canvas.selected.connect(self._on_select)
        self.canvas.layers_changed.connect(self._sync_layer_actions)

        r = self.plan_runner
        r.started.connect(self._on_plan_started)
        r.progress.connect(self._on_plan_progress)
        r.finished.connect(self._on_plan_finished)
        r.failed.connect(self._on_plan_failed)
        r.cancelled.connect(self._on_plan_cancelled)
        r.crashed.connect(self._on_crash)
        r.busy_changed.connect(self._on_busy_changed)
        f = self.finance_runner
        f.started.connect(lambda _l: self.finance_view.set_busy("Computing…"))
        f.finished.connect(self._on_finance_finished)
        f.failed.connect(self._on_finance_failed)
        f.crashed.connect(self._on_crash)
        sc = self.scenario_runner
        sc.finished.connect(self._on_scenario_npv)
        sc.failed.connect(lambda m: self.show_banner(f"Scenario comparison: {m}"))
        sc.crashed.connect(self._on_crash)
        v = self.variant_runner
        v.started.connect(lambda label: self.set_status(label + "…"))
        v.progress.connect(lambda f_, st: self.set_status(f"Planning variants… {100 * f_:.0f} %"))
        v.finished.connect(self._on_variants_finished)
        v.failed.connect(self.show_banner)
        v.crashed.connect(self._on_crash)
        e = self.export_runner
        e.started.connect(lambda label: self.set_status(label + "…"))
        e.finished.connect(lambda message: self.set_status(str(message)))
        e.failed.connect(lambda m: self.show_error("Export failed", m))
        e.crashed.connect(self._on_crash)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    # ======================================================================== settings
    def _restore_settings(self, auto_replan: bool | None) -> None:
        st = self.settings
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.resize(min(1500, int(area.width() * 0.92)), min(940, int(area.height() * 0.92)))
        else:
            self.resize(1440, 900)
        geometry = st.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        state = st.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))
        saved_layers = st.value("map/layers")
        if isinstance(saved_layers, list | str):
            names = [saved_layers] if isinstance(saved_layers, str) else saved_layers
            self.canvas.visible_layers = {n for n in names if n in LAYERS}
        elif saved_layers is not None and not saved_layers:
            self.canvas.visible_layers = set()
        legend = st.value("map/legend", True)
        self.canvas.show_legend = legend not in (False, "false", 0, "0")
        auto = st.value("plan/auto", True) if auto_replan is None else auto_replan
        self.act_auto.setChecked(auto not in (False, "false", 0, "0"))
        self._set_auto(self.act_auto.isChecked())
        self.act_legend.setChecked(self.canvas.show_legend)
        self._sync_layer_actions()
        tab = st.value("window/tab", 0)
        try:
            self.tabs.setCurrentIndex(int(tab))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            self.tabs.setCurrentIndex(0)

    def save_settings(self) -> None:
        """Remember the window layout, map layers and choices."""
        st = self.settings
        st.setValue("window/geometry", self.saveGeometry())
        st.setValue("window/state", self.saveState())
        st.setValue("window/tab", self.tabs.currentIndex())
        st.setValue("map/layers", sorted(self.canvas.visible_layers) or [])
        st.setValue("map/legend", self.canvas.show_legend)
        st.setValue("plan/auto", self.act_auto.isChecked())
        st.sync()

    def reset_layout(self) -> None:
        """Put the docks back where they start."""
        for dock, area in (
            (self.plan_dock, Qt.DockWidgetArea.LeftDockWidgetArea),
            (self.summary_dock, Qt.DockWidgetArea.RightDockWidgetArea),
            (self.details_dock, Qt.DockWidgetArea.RightDockWidgetArea),
        ):
            dock.setFloating(False)
            dock.show()
            self.addDockWidget(area, dock)
        self.splitDockWidget(self.summary_dock, self.details_dock, Qt.Orientation.Vertical)
        self.resizeDocks([self.plan_dock, self.summary_dock], [360, 330], Qt.Orientation.Horizontal)

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

    # ======================================================================== messages
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

    # ======================================================================== planning
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
        self.progress.setVisible(busy)
        self.status_cancel.setVisible(busy)
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

    def _update_actions(self) -> None:
        has_plan = self.session.outcome is not None
        for act in (
            self.act_export_all, self.act_export_geojson, self.act_export_gpkg, self.act_export_bom,
            self.act_export_map, self.act_export_charts, self.act_keep,
        ):  # fmt: skip
            act.setEnabled(has_plan)
        self.act_export_pdf.setEnabled(has_plan and report_available())

    # ======================================================================== edits
    def _push(
        self, setter: Callable[[Any], None], old: Any, new: Any, text: str, key: str | None
    ) -> None:
        self.undo_stack.push(SetValueCommand(setter, old, new, text, key))

    def _on_design_edited(self, params: DesignParams, name: str) -> None:
        title = DesignParams.model_fields[name].title or name
        self._push(
            self.session.set_design_params, self.session.design_params, params,
            f"change {title.lower()}", f"design:{name}",
        )  # fmt: skip

    def set_design_param(self, name: str, value: Any) -> None:
        """Change one design parameter (as an undoable edit); raises if the model refuses it."""
        params = DesignParams.model_validate(
            {**self.session.design_params.model_dump(), name: value}
        )
        self._on_design_edited(params, name)

    def reset_design_params(self) -> None:
        """Every design parameter back to its default (keeping the sample's deployment)."""
        params = DesignParams(deployment=self.session.design_params.deployment)
        self._push(
            self.session.set_design_params, self.session.design_params, params,
            "reset design parameters", None,
        )  # fmt: skip

    def _on_catalogue_edited(self, catalogue: Catalogue, what: str) -> None:
        self._push(self.session.set_catalogue, self.session.catalogue, catalogue, what, None)

    def _push_finance(self, params: Any, name: str) -> None:
        fields = self.finance_view.form.model_cls.model_fields
        title = fields[name].title if name in fields else name
        self._push(
            self.session.set_finance_params, self.session.finance_params, params,
            f"change {str(title).lower()}", f"finance:{name}",
        )  # fmt: skip

    def choose_district(self, ref: DistrictRef) -> None:
        """Plan another district (undoable); a sample city brings its deployment."""
        s = self.session
        if ref == s.district:
            return
        self.undo_stack.beginMacro(f"open {ref.label()}")
        self._push(s.set_district, s.district, ref, f"open {ref.label()}", None)
        if ref.kind == "sample":
            scenario = next((x for x in self.samples if x.slug == ref.slug), None)
            if scenario is not None and scenario.deployment != s.design_params.deployment:
                params = s.design_params.model_copy(
                    update={"deployment": Deployment(scenario.deployment)}
                )
                self._push(s.set_design_params, s.design_params, params, "deployment", None)
        self.undo_stack.endMacro()
        if ref.kind == "osm" and ref.path is not None:
            self.add_recent(ref.path)

    def _on_district_changed(self) -> None:
        self.district_panel.set_district(self.session.district, self.session.district_label())
        self._update_title()
        # A new district is always planned (after the edits of the same step).
        self._plan_timer.start()

    def _on_design_changed(self) -> None:
        params = self.session.design_params
        if params != self.design_form.value():
            self.design_form.set_value(params)
        self._show_budget(params)
        self.schedule_plan()

    def _show_budget(self, p: DesignParams) -> None:
        spare = p.budget_db - p.fixed_loss_db
        reach = "unlimited" if p.max_fibre_m == float("inf") else f"{p.max_fibre_m / 1000:,.1f} km"
        self.budget_label.setText(
            f"Loss budget {p.budget_db:.0f} dB (class {p.optical_class.value}): splitters "
            f"{p.splitter_loss_db:.1f} + splices {p.splices_per_path * p.splice_loss_db:.1f} + "
            f"connectors {p.connectors_per_path * p.connector_loss_db:.1f} + margin "
            f"{p.safety_margin_db:.1f} dB; {spare:.1f} dB left for fibre: {reach} reach. "
            f"Last-stage splitters 1:{p.stage2_ratio}, {p.homes_per_splitter} homes each."
        )

    def _on_catalogue_changed(self) -> None:
        self.catalogue_view.set_catalogue(self.session.catalogue)
        self.schedule_plan()

    def _on_finance_changed(self) -> None:
        self.finance_view.set_params(self.session.finance_params)
        self._finance_timer.start()
        self._scenario_timer.start()

    # ======================================================================== business models
    def start_finance(self) -> None:
        """Recompute the business models on the current capex (cancels a running run)."""
        self._finance_timer.stop()
        if self.session.finance_params is None:
            return
        request = self.finance_view.request(self.session.summary)
        self.finance_runner.start("Business models", tasks.finance_task(request))

    @Slot(object)
    def _on_finance_finished(self, outcome: FinanceOutcome) -> None:
        self.finance_outcome = outcome
        self.finance_view.set_outcome(outcome)

    def _on_finance_failed(self, message: str) -> None:
        self.finance_view.set_error(message)
        self.show_banner(f"Business models: {message}")

    # ======================================================================== scenarios
    def keep_scenario(self, name: str = "") -> ScenarioRecord | None:
        """Keep the current plan as a scenario."""
        record = self.session.current_as_scenario(name)
        if record is None:
            self.set_status("Plan the district first, then keep it as a scenario")
            return None
        if not self.session.plan_is_current():
            self.set_status("Kept the plan shown (the inputs changed since; it is not re-planned)")
        added = self.session.add_scenario(record)
        self.set_status(f"Kept scenario {added.name!r}")
        return added

    def plan_variants(self) -> None:
        """Plan split 1:32 and 1:64, greenfield and (if possible) brownfield, as scenarios."""
        s = self.session
        base = s.design_params
        scenario = next(
            (x for x in self.samples if s.district.kind == "sample" and x.slug == s.district.slug),
            None,
        )
        has_infra = tasks.infrastructure_path(s.district, scenario) is not None
        deployments = [Deployment.GREENFIELD] + ([Deployment.BROWNFIELD] if has_infra else [])
        variants: list[tuple[str, DesignParams]] = []
        for ratio in (32, 64):
            for dep in deployments:
                data = base.model_dump()
                data.update(split_ratio=ratio, deployment=dep)
                if base.stage1_ratio > 1 and (
                    ratio % base.stage1_ratio or ratio == base.stage1_ratio
                ):
                    data["stage1_ratio"] = 1
                try:
                    params = DesignParams.model_validate(data)
                except ValidationError:
                    continue
                variants.append((scenario_name(s.district_label(), params), params))
        self.variant_runner.start(
            "Planning variants", tasks.variants_task(s.district, variants, s.catalogue, self.cache)
        )

    @Slot(object)
    def _on_variants_finished(self, outcome: VariantOutcome) -> None:
        for name, params, summary in outcome.variants:
            self.session.add_scenario(
                ScenarioRecord(name, outcome.ref, params, outcome.catalogue_csv, summary)
            )
        message = f"Planned {len(outcome.variants)} variants"
        if outcome.failed:
            message += "; not possible: " + "; ".join(f"{n} ({m})" for n, m in outcome.failed)
        self.set_status(message)
        self.tabs.setCurrentWidget(self.scenarios_view)

    def open_scenario(self, index: int) -> None:
        """Make a scenario's district, parameters and catalogue current, and re-plan."""
        r = self.session.scenarios[index]
        s = self.session
        self.undo_stack.beginMacro(f"open scenario {r.name}")
        if r.district != s.district:
            self._push(s.set_district, s.district, r.district, "district", None)
        if r.design_params != s.design_params:
            self._push(s.set_design_params, s.design_params, r.design_params, "parameters", None)
        if r.catalogue_csv and r.catalogue_csv != s.catalogue.to_csv_text():
            cat = Catalogue.from_csv_text(r.catalogue_csv, where=f"scenario {r.name}")
            self._push(s.set_catalogue, s.catalogue, cat, "catalogue", None)
        self.undo_stack.endMacro()
        self.start_plan()
        self.tabs.setCurrentWidget(self.canvas)

    def _on_scenarios_changed(self) -> None:
        self.scenario_npv = None
        self._show_scenarios()
        self._scenario_timer.start()

    def _show_scenarios(self) -> None:
        self.scenarios_view.set_scenarios(self.session.scenarios, self.scenario_npv, self._titles)

    def start_scenario_npv(self) -> None:
        """Recompute the NPV of every business model for each scenario."""
        self._scenario_timer.stop()
        s = self.session
        if not s.scenarios or s.finance_params is None:
            return
        self.scenario_npv = None
        self._show_scenarios()
        summaries = [r.summary for r in s.scenarios]
        self.scenario_runner.start(
            "Scenario NPVs", tasks.scenario_npv_task(summaries, s.finance_params)
        )

    @Slot(object)
    def _on_scenario_npv(self, npv: list[dict[str, float] | None]) -> None:
        if len(npv) == len(self.session.scenarios):
            self.scenario_npv = npv
            self._show_scenarios()

    # ======================================================================== map
    def _on_hover(self, feature: Feature | None) -> None:
        if self.canvas.selected_feature is None:
            self.details.show_feature(feature)

    def _on_select(self, feature: Feature | None) -> None:
        self.details.show_feature(feature, pinned=feature is not None)

    def _sync_layer_actions(self) -> None:
        for name, act in self.layer_actions.items():
            act.blockSignals(True)
            act.setChecked(name in self.canvas.visible_layers)
            act.blockSignals(False)

    # ======================================================================== projects
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

    def open_project(self, path: Path, confirm: bool = True) -> bool:
        """Open a project: show its saved results at once, then re-plan it."""
        if confirm and not self.maybe_discard():
            return False
        try:
            project = load_project(path)
        except ProjectFileError as exc:
            self.show_error("Cannot open project", str(exc))
            return False
        try:
            self.session.load(project, Path(path))
        except ValueError as exc:
            self.show_error("Cannot open project", str(exc))
            return False
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.add_recent(Path(path))
        self._remember_dir(Path(path))
        self._expected_summary = project.summary
        self.set_status(f"Opened {Path(path).name}; re-planning…")
        self.start_plan()
        return True

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

    # ======================================================================== export
    def _plan_or_warn(self) -> Any:
        if self.session.outcome is None:
            self.show_error("Nothing to export", "Plan a district first.")
            return None
        return self.session.outcome.plan

    def _ask_dir(self, title: str) -> Path | None:
        path = QFileDialog.getExistingDirectory(self, title, self._last_dir())
        return Path(path) if path else None

    def _ask_file(self, title: str, name: str, kind: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(self._last_dir()) / name), kind)
        return Path(path) if path else None

    def export_all(self, folder: Path) -> None:
        """Write every output of the plan to ``folder`` (in a worker)."""
        plan = self._plan_or_warn()
        if plan is None:
            return

        def run(progress: Any, cancelled: Any) -> str:
            from fttx_planner.export import write_all

            paths = write_all(plan, folder, progress)
            return f"Wrote {len(paths)} files to {folder}"

        self.export_runner.start("Exporting all outputs", run)

    def export_geojson(self, folder: Path) -> None:
        """One GeoJSON file per layer (WGS84)."""
        plan = self._plan_or_warn()
        if plan is None:
            return

        def run(progress: Any, cancelled: Any) -> str:
            from fttx_planner.export import plan_layers, write_geojson

            paths = write_geojson(plan_layers(plan, wgs84=True), folder)
            return f"Wrote {len(paths)} GeoJSON layers to {folder}"

        self.export_runner.start("Exporting GeoJSON", run)

    def export_gpkg(self, path: Path) -> None:
        """All layers in one GeoPackage."""
        plan = self._plan_or_warn()
        if plan is None:
            return

        def run(progress: Any, cancelled: Any) -> str:
            from fttx_planner.export import plan_layers, write_geopackage

            return f"Wrote {write_geopackage(plan_layers(plan, wgs84=True), path)}"

        self.export_runner.start("Exporting GeoPackage", run)

    def export_bom(self, path: Path) -> None:
        """The bill of materials as CSV."""
        plan = self._plan_or_warn()
        if plan is None:
            return

        def run(progress: Any, cancelled: Any) -> str:
            from fttx_planner.export import write_bom_csv

            return f"Wrote {write_bom_csv(plan, path)}"

        self.export_runner.start("Exporting the bill of materials", run)

    def export_map(self, path: Path) -> Path:
        """The map as drawn, with legend, scale bar and attribution, as PNG."""
        from fttx_planner.export import atomic_path

        image = self.canvas.render_image(2.0)
        with atomic_path(path) as tmp:
            if not image.save(str(tmp)):
                msg = f"Cannot write {path}"
                raise OSError(msg)
        self.set_status(f"Wrote {path}")
        return path

    def export_charts(self, folder: Path) -> None:
        """Every chart as PNG and SVG; figures are re-drawn from the results in a worker."""
        summary = self.session.summary
        finance = self.finance_outcome
        records = list(self.session.scenarios)
        npv = self.scenario_npv
        titles = dict(self._titles)

        def run(progress: Any, cancelled: Any) -> str:
            from models import charts as mc
            from ui.charts import (
                capex_by_layer_figure,
                save_figure,
                scenario_capex_figure,
                scenario_npv_figure,
            )

            figures: dict[str, Any] = {}
            if summary is not None:
                figures["capex_by_layer"] = capex_by_layer_figure(
                    summary["capex_eur"]["by_layer"], summary["homes"]["passed"]
                )
            if finance is not None:
                figures["npv_by_model"] = mc.npv_by_model_figure(finance.comparison)
                figures["revenue_split"] = mc.revenue_split_figure(finance.comparison)
                for model in finance.comparison.models:
                    figures[f"cash_flow_{model}"] = mc.cumulative_cashflow_figure(
                        finance.comparison, model=model
                    )
                figures["tornado"] = mc.tornado_figure(finance.tornado)
                figures["monte_carlo"] = mc.npv_distribution_figure(finance.monte_carlo)
            planned = [r for r in records if r.summary]
            if planned:
                names = [r.name for r in planned]
                figures["scenario_capex"] = scenario_capex_figure(
                    names, [r.summary["capex_eur"]["by_layer"] for r in planned if r.summary]
                )
                if npv is not None:
                    values = {
                        t: [
                            v.get(m) if v else None
                            for v, r in zip(npv, records, strict=True)
                            if r.summary
                        ]
                        for m, t in titles.items()
                    }
                    figures["scenario_npv"] = scenario_npv_figure(names, values)
            n = 0
            for i, (name, fig) in enumerate(figures.items()):
                for suffix in (".png", ".svg"):
                    save_figure(fig, folder / f"{name}{suffix}")
                    n += 1
                progress((i + 1) / max(len(figures), 1), name)
            return f"Wrote {n} chart files to {folder}"

        self.export_runner.start("Exporting charts", run)

    def export_pdf(self, path: Path) -> None:
        """The PDF report (when ``fttx_planner.report.builder`` is installed)."""
        plan = self._plan_or_warn()
        if plan is None:
            return
        if not report_available():
            self.show_error(
                "No PDF report", "The PDF report writer is not installed in this version."
            )
            return
        finance = self.finance_outcome
        params = self.session.finance_params
        scenario = self.session.district_label()

        def run(progress: Any, cancelled: Any) -> str:
            from fttx_planner.report.builder import write_report

            accepted = inspect.signature(write_report).parameters
            kwargs: dict[str, Any] = {}
            if "finance_params" in accepted and params is not None:
                kwargs["finance_params"] = params
            if "comparison" in accepted and finance is not None:
                kwargs["comparison"] = finance.comparison
            if "progress" in accepted:
                kwargs["progress"] = progress
            if "scenario" in accepted:
                kwargs["scenario"] = scenario
            return f"Wrote {write_report(plan, path, **kwargs)}"

        self.export_runner.start("Writing the PDF report", run)

    def export_all_dialog(self) -> None:
        if self._plan_or_warn() is not None and (folder := self._ask_dir("Export all outputs to")):
            self.export_all(folder)

    def export_geojson_dialog(self) -> None:
        if self._plan_or_warn() is not None and (
            folder := self._ask_dir("Export GeoJSON layers to")
        ):
            self.export_geojson(folder)

    def export_gpkg_dialog(self) -> None:
        if self._plan_or_warn() is not None and (
            path := self._ask_file("Export GeoPackage", "plan.gpkg", "GeoPackage (*.gpkg)")
        ):
            self.export_gpkg(path)

    def export_bom_dialog(self) -> None:
        if self._plan_or_warn() is not None and (
            path := self._ask_file("Export bill of materials", "bom.csv", "CSV (*.csv)")
        ):
            self.export_bom(path)

    def export_map_dialog(self) -> None:
        if self._plan_or_warn() is not None and (
            path := self._ask_file("Export map image", "map.png", "PNG image (*.png)")
        ):
            try:
                self.export_map(path)
            except OSError as exc:
                self.show_error("Map not saved", str(exc))

    def export_charts_dialog(self) -> None:
        if folder := self._ask_dir("Export charts (PNG and SVG) to"):
            self.export_charts(folder)

    def export_pdf_dialog(self) -> None:
        if self._plan_or_warn() is not None and (
            path := self._ask_file("Write PDF report", "report.pdf", "PDF (*.pdf)")
        ):
            self.export_pdf(path)

    # ======================================================================== help
    def show_shortcuts(self) -> None:
        """List the keyboard shortcuts."""
        rows = []
        for act in self.actions():
            seq = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if seq:
                rows.append(f"<tr><td><b>{seq}</b></td><td>{act.text().replace('&', '')}</td></tr>")
        rows += [
            "<tr><td><b>Drag / wheel</b></td><td>Pan / zoom the map at the cursor</td></tr>",
            "<tr><td><b>Double-click</b></td><td>Zoom in</td></tr>",
            "<tr><td><b>Arrows, +, -, Home</b></td><td>Pan, zoom, fit (map focused)</td></tr>",
        ]
        text = "<table cellspacing=4>" + "".join(rows) + "</table>"
        if self.modal_dialogs:
            QMessageBox.information(self, "Keyboard shortcuts", text)

    def show_about(self) -> None:
        """About the application."""
        from fttx_planner import __version__

        if self.modal_dialogs:
            QMessageBox.about(
                self,
                f"About {APP_NAME}",
                f"<b>{APP_NAME}</b> {__version__}<br>Plans FTTH/GPON access networks on "
                "OpenStreetMap districts and compares who should own them.<br><br>Map data "
                "© OpenStreetMap contributors, ODbL 1.0.",
            )

    # ======================================================================== lifecycle
    def _refresh_all(self) -> None:
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
            self.export_runner,
        ):  # fmt: skip
            runner.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_discard():
            event.ignore()
            return
        self.save_settings()
        self.shutdown()
        event.accept()


def _same_results(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two plan summaries agree on homes and capex."""
    try:
        same_homes = a["homes"] == b["homes"]
        ca, cb = a["capex_eur"]["total"], b["capex_eur"]["total"]
    except (KeyError, TypeError):
        return False
    return same_homes and abs(ca - cb) <= max(0.01, 1e-9 * abs(ca))
