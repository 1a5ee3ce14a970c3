"""The main window's layout: tabs, error banner, docks, status bar, map panels, saved layout.

:class:`WindowLayout` builds the widgets (the planning dock on the left, the
plan summary and details on the right, the tabs in the middle, progress and
*Cancel* in the status bar), puts the docks back on *Reset window layout*,
restores and saves what is remembered between runs (``QSettings``) and shows
the map feature under the mouse in the details panel.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDockWidget,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fttx_planner.params import DesignParams
from ui import tasks
from ui.catalogue_view import CatalogueWidget
from ui.comparison_view import ComparisonView
from ui.finance_view import FinanceView
from ui.forms import ModelForm
from ui.map_canvas import MapCanvas
from ui.map_scene import DEFAULT_VISIBLE, LAYERS, Feature
from ui.map_tools import PointPicker
from ui.panels import DetailsPanel, DistrictPanel, SummaryPanel
from ui.results_view import ResultsView
from ui.scenarios_view import ScenariosView
from ui.window_base import TABS, WindowBase

#: Map layers added after settings began to list the layers they knew
#: (``map/known_layers``): settings without that list have not seen them.
LAYERS_NEWER_THAN_OLD_SETTINGS = frozenset({"crossings"})

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
    "Premises (known totals calibrate the estimate)": [
        "households", "businesses", "min_building_area_m2", "max_units_without_tag",
    ],
}  # fmt: skip
#: The section that holds the OLT site, where *Set on map* goes.
OLT_SECTION = "OLT site (empty: the planner chooses)"
#: Below this window width the docks share the left side as tabs (a 1366 px laptop,
#: a 1600 px window), so the tabs in the middle keep at least 1,000 px; the docks on
#: both sides take about 720 px.
COMPACT_WIDTH_PX = 1720


class WindowLayout(WindowBase):
    """Builds the window's widgets and docks, and remembers their layout."""

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
        self.map_page = self._build_map_page()
        for widget, title in zip(
            (
                self.map_page,
                self.results,
                self.catalogue_view,
                self.finance_view,
                self.scenarios_view,
            ),
            TABS,
            strict=True,
        ):
            self.tabs.addTab(widget, title)
        self.comparison_view = ComparisonView(self._comparison_task, self._titles, self)
        self.tabs.addTab(self.comparison_view, "Architectures")
        self.comparison_view.runner.crashed.connect(self._on_crash)
        for changed in (
            s.district_changed, s.design_params_changed, s.catalogue_changed,
            s.finance_params_changed,
        ):  # fmt: skip
            changed.connect(self.comparison_view.mark_stale)
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
            DesignParams, s.design_params, sections=DESIGN_SECTIONS, parent=self,
            together=[("olt_x_m", "olt_y_m")], toolbox=False,
        )  # fmt: skip
        self.design_form.setObjectName("designForm")
        self._build_olt_row()
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
        scroll.setMinimumWidth(330)
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
        self._layout_pending = True

    def _comparison_task(self) -> tuple[str, tasks.Task]:
        """The architecture comparison of the current district and inputs (Architectures tab)."""
        s = self.session
        task = tasks.comparison_task(
            s.district, s.design_params, s.catalogue, self.cache, s.finance_params
        )
        return f"Comparing architectures on {s.district_label()}", task

    def _build_map_page(self) -> QWidget:
        """The Map tab: a search box for a building above the map."""
        page = QWidget(self)
        page.setObjectName("mapPage")
        self.find_box = QLineEdit(page)
        self.find_box.setObjectName("findBuilding")
        self.find_box.setPlaceholderText("Find a building: address, name or OSM id")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.setToolTip(
            "Type a street and house number, a building name or an OSM way id and press Enter"
        )
        self.find_box.setMaximumWidth(420)
        self.find_result = QLabel("", page)
        self.find_result.setObjectName("findResult")
        self.find_result.setStyleSheet("color: #607d8b;")
        self.find_completer = QCompleter([], self.find_box)
        self.find_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.find_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.find_completer.setMaxVisibleItems(12)
        self.find_box.setCompleter(self.find_completer)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(self.find_box, 1)
        bar.addWidget(self.find_result, 1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        self.olt_picker = PointPicker(self.canvas, "Click the OLT site on the map (Esc cancels)")
        return page

    def _build_olt_row(self) -> None:
        """*Set on map* and *Planner chooses* under the OLT coordinates."""
        self.olt_pick_button = QPushButton("Set on map", self)
        self.olt_pick_button.setObjectName("oltPick")
        self.olt_pick_button.setCheckable(True)
        self.olt_pick_button.setToolTip("Click the map where the OLT (central office) stands")
        self.olt_clear_button = QPushButton("Planner chooses", self)
        self.olt_clear_button.setObjectName("oltClear")
        self.olt_clear_button.setToolTip("Forget the OLT site given: the planner places it")
        self.olt_info = QLabel("", self)
        self.olt_info.setObjectName("oltInfo")
        self.olt_info.setWordWrap(True)
        self.olt_info.setStyleSheet("color: #607d8b; font-size: 8.5pt;")
        grid = self.design_form.section_grids[OLT_SECTION]
        row = QHBoxLayout()
        row.addWidget(self.olt_pick_button)
        row.addWidget(self.olt_clear_button)
        row.addStretch(1)
        grid.addLayout(row, grid.rowCount(), 0, 1, 3)
        grid.addWidget(self.olt_info, grid.rowCount(), 0, 1, 3)

    def setVisible(self, visible: bool) -> None:
        """Arrange the docks for the window's width before it is first shown.

        Before, not in ``showEvent``: showing with the wide arrangement would
        first grow a small window to that arrangement's minimum width.
        """
        if visible and self._layout_pending:
            self._layout_pending = False
            self.arrange_docks()
        super().setVisible(visible)

    def arrange_docks(self, width: int | None = None) -> None:
        """Put the docks where they start, for a window ``width`` pixels wide.

        Narrower than :data:`COMPACT_WIDTH_PX`, the plan summary and details
        share the left side with the planning panel as tabs; wider, they stand
        on the right.
        """
        compact = (width if width is not None else self.width()) < COMPACT_WIDTH_PX
        docks = (self.plan_dock, self.summary_dock, self.details_dock)
        for dock in docks:
            dock.setFloating(False)
            dock.show()
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.addDockWidget(left, self.plan_dock)
        if compact:
            self.addDockWidget(left, self.summary_dock)
            self.addDockWidget(left, self.details_dock)
            self.tabifyDockWidget(self.plan_dock, self.summary_dock)
            self.tabifyDockWidget(self.summary_dock, self.details_dock)
            self.plan_dock.raise_()
            self.resizeDocks([self.plan_dock], [350], Qt.Orientation.Horizontal)
        else:
            self.addDockWidget(right, self.summary_dock)
            self.addDockWidget(right, self.details_dock)
            self.splitDockWidget(self.summary_dock, self.details_dock, Qt.Orientation.Vertical)
            self.resizeDocks(
                [self.plan_dock, self.summary_dock], [380, 330], Qt.Orientation.Horizontal
            )
        self.compact_layout = compact

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

    # ======================================================================== settings
    def _restore_settings(self, auto_replan: bool | None) -> None:
        st = self.settings
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            # Most of the screen: a 1920 x 1080 desktop gets the wide arrangement of the docks.
            area = screen.availableGeometry()
            self.resize(min(1800, int(area.width() * 0.92)), min(1050, int(area.height() * 0.92)))
        else:
            self.resize(1440, 900)
        geometry = st.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        state = st.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))
            self._layout_pending = False  # the user's own arrangement
        saved_layers = st.value("map/layers")
        # Layers the app gained since the settings were saved open as by default.
        known = st.value("map/known_layers")
        known_names = (
            set([known] if isinstance(known, str) else known)
            if isinstance(known, list | str)
            else set(LAYERS) - LAYERS_NEWER_THAN_OLD_SETTINGS
        )
        new = {n for n in DEFAULT_VISIBLE if n not in known_names}
        if isinstance(saved_layers, list | str):
            names = [saved_layers] if isinstance(saved_layers, str) else saved_layers
            self.canvas.visible_layers = {n for n in names if n in LAYERS} | new
        elif saved_layers is not None and not saved_layers:
            self.canvas.visible_layers = new
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
        st.setValue("map/known_layers", sorted(LAYERS))
        st.setValue("map/legend", self.canvas.show_legend)
        st.setValue("plan/auto", self.act_auto.isChecked())
        st.sync()

    def reset_layout(self) -> None:
        """Put the docks back where they start (for the window's width)."""
        self.arrange_docks()

    # ======================================================================== map
    def _connect_map(self) -> None:
        """Show the feature under the mouse (or clicked) in the details panel."""
        self.canvas.hovered.connect(self._on_hover)
        self.canvas.selected.connect(self._on_select)
        self.canvas.layers_changed.connect(self._sync_layer_actions)

    def _on_hover(self, feature: Feature | None) -> None:
        if self.canvas.selected_feature is None:
            self.details.show_feature(feature)

    def _on_select(self, feature: Feature | None) -> None:
        self.details.show_feature(feature, pinned=feature is not None)
        if feature is not None and self.tabifiedDockWidgets(self.details_dock):
            self.details_dock.raise_()  # it shares the side with other docks: show it

    def _sync_layer_actions(self) -> None:
        for name, act in self.layer_actions.items():
            act.blockSignals(True)
            act.setChecked(name in self.canvas.visible_layers)
            act.blockSignals(False)
