"""The main window's actions, menus and toolbar, and the *Help* menu's dialogs.

Every command of the window is a :class:`QAction` with its shortcut and
tip (so *Keyboard shortcuts* can list them); the menus (*File*, *Edit*,
*Plan*, *View*, *Help*) and the toolbar are built from them. Export actions
are enabled only while there is a plan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMessageBox, QStyle, QToolBar, QToolButton

from ui.export_flow import report_available
from ui.map_scene import LAYERS
from ui.window_base import APP_NAME, TABS, WindowBase


class WindowActions(WindowBase):
    """Creates the actions, menus and toolbar; shows shortcuts and *About*."""

    trace_dock: QDockWidget  # ui.trace_flow

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
        # The menu says what will be undone; the tool bar keeps a short, steady label.
        self.act_undo.setIconText("Undo")
        self.act_redo.setIconText("Redo")
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
        for dock in (self.plan_dock, self.summary_dock, self.details_dock, self.trace_dock):
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
        # Short labels in the tool bar (the menus keep the full ones), so it fits 1366 px.
        for act, short in (
            (self.act_open, "Open"), (self.act_save, "Save"), (self.act_plan, "Plan"),
            (self.act_cancel, "Cancel"), (self.act_fit, "Fit"), (self.act_zoom_in, "Zoom in"),
            (self.act_zoom_out, "Zoom out"), (self.act_keep, "Keep scenario"),
            (self.act_export_all, "Export all"),
        ):  # fmt: skip
            act.setIconText(short)
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

    def _update_actions(self) -> None:
        has_plan = self.session.outcome is not None
        for act in (
            self.act_export_all, self.act_export_geojson, self.act_export_gpkg, self.act_export_bom,
            self.act_export_map, self.act_export_charts, self.act_keep,
        ):  # fmt: skip
            act.setEnabled(has_plan)
        self.act_export_pdf.setEnabled(has_plan and report_available())

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
