"""A region plan in the main window: *File ▸ Open region plan…*, the *Region* dock.

Opening the ``--out`` folder of ``fttx-planner region`` reads its overview in
a worker (:func:`ui.region_scene.read_region`: service areas, central
offices, streets; not the merged drops) and shows it on the map; the
*Region* dock lists the areas with their figures. Double-clicking an area
(on the map or in the list) reads that area's own GeoPackage in a worker and
shows it in full detail (buildings, cables, drops, splitters, closures);
*All areas* goes back to the overview and *Close region* to the district plan.
Opening a region cancels a plan running; a new plan shows the district again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog

from ui.map_scene import Feature
from ui.region_scene import AreaView, RegionView, read_area, read_region
from ui.region_view import RegionPanel
from ui.window_base import WindowBase
from ui.workers import Cancelled, Progress, TaskRunner, raise_if_cancelled


class RegionFlow(WindowBase):
    """Opens region plans and shows their areas, one at a time in detail."""

    region_runner: TaskRunner
    region_panel: RegionPanel
    region_dock: QDockWidget
    region: RegionView | None
    region_area: AreaView | None
    act_open_region: QAction

    def _build_region_dock(self) -> None:
        """The *Region* dock (hidden until a region plan is opened)."""
        self.region_runner = TaskRunner("region", self)
        self.region = None
        self.region_area = None
        self.region_panel = RegionPanel(self)
        dock = self._dock(
            "regionDock", "Region", self.region_panel, Qt.DockWidgetArea.RightDockWidgetArea
        )
        dock.hide()
        self.region_dock = dock

    def _build_region_action(self) -> None:
        """*File ▸ Open region plan…*, after *Open OSM file…*."""
        act = QAction("Open &region plan…", self)
        tip = (
            "Open the output folder of `fttx-planner region`: its service areas on the map, "
            "one area at a time in full detail"
        )
        act.setToolTip(tip)
        act.setStatusTip(tip)
        act.triggered.connect(lambda _checked=False: self.open_region_dialog())
        self.addAction(act)
        menu = self.act_open_osm.associatedObjects()
        for owner in menu:
            if hasattr(owner, "insertAction") and owner is not self:
                owner.insertAction(self.act_open_infra, act)
                break
        self.act_open_region = act

    def _connect_region(self) -> None:
        """Wire the runner, the dock's buttons and double-clicks on the map."""
        r = self.region_runner
        r.finished.connect(self._on_region_loaded)
        r.failed.connect(self._on_region_failed)
        r.crashed.connect(self._on_crash)
        r.busy_changed.connect(lambda busy: None if busy else self.canvas.set_busy(""))
        p = self.region_panel
        p.area_chosen.connect(self.open_area)
        p.overview_requested.connect(self.show_region_overview)
        p.close_requested.connect(self.close_region)
        self.canvas.activated.connect(self._on_map_activated)

    def open_region_dialog(self) -> None:
        """Choose a region plan folder and open it."""
        if not self.modal_dialogs:
            return
        folder = QFileDialog.getExistingDirectory(
            self, "Open region plan (the --out folder of fttx-planner region)", self._last_dir()
        )
        if folder:
            self.open_region(Path(folder))

    def open_region(self, folder: Path) -> None:
        """Read a region plan folder's overview in a worker and show it."""
        self.cancel_plan()  # the region replaces the district on the map

        def run(progress: Progress, cancelled: Cancelled) -> RegionView:
            return read_region(folder, check=lambda: raise_if_cancelled(cancelled))

        self._region_busy(f"Opening region plan {folder.name}")
        self.region_runner.start(f"Opening {folder}", run)

    def open_area(self, area_id: int) -> None:
        """Read one service area in a worker and show it in full detail."""
        region = self.region
        if region is None:
            return

        def run(progress: Progress, cancelled: Cancelled) -> AreaView:
            return read_area(region, area_id, check=lambda: raise_if_cancelled(cancelled))

        self.region_panel.set_area_info(f"Loading service area {area_id}…")
        self._region_busy(f"Loading service area {area_id}")
        self.region_runner.start(f"Loading area {area_id}", run)

    def show_region_overview(self) -> None:
        """Every service area of the open region on the map."""
        if self.region is None:
            return
        self.region_area = None
        self.canvas.set_scene(self.region.scene, keep_view=True)
        self.tabs.setCurrentIndex(0)
        self.region_panel.set_area_info("")
        self.set_status(f"Region {self.region.name}: {len(self.region.areas)} service areas")

    def close_region(self) -> None:
        """Leave the region: the district plan on the map again."""
        self.region_runner.cancel()
        self.region = None
        self.region_area = None
        self.region_dock.hide()
        scene = self.session.scene
        self.canvas.set_scene(scene)
        if scene is None:
            self.canvas.set_message("No plan yet. Press F5 to plan.")

    def _region_busy(self, text: str) -> None:
        self.set_status(text + "…")
        self.canvas.set_busy(text + "…")
        if self.canvas.scene is None:
            self.canvas.set_message(text + "…")

    def _on_region_loaded(self, result: RegionView | AreaView) -> None:
        self.hide_banner()
        self.tabs.setCurrentIndex(0)
        if isinstance(result, RegionView):
            self.region = result
            self.region_area = None
            self.region_panel.set_region(result)
            if not self.region_dock.isVisible():
                self.region_dock.show()
                width = max(320, min(460, self.width() // 4))
                self.resizeDocks([self.region_dock], [width], Qt.Orientation.Horizontal)
            self.region_dock.raise_()
            # Layers saved hidden before region plans existed would hide the whole overview.
            for layer in ("areas", "offices"):
                self.canvas.set_layer_visible(layer, True)
            self.canvas.set_scene(result.scene, keep_view=False)
            self.details.show_feature(None)
            self.set_status(
                f"Region {result.name}: {len(result.areas)} service areas "
                "(double-click one to open it)"
            )
            return
        self.region_area = result
        self.canvas.set_scene(result.scene, keep_view=False)
        self.details.show_feature(None)
        s = result.summary
        homes = s.get("homes", {}).get("passed")
        capex = s.get("capex_eur", {}).get("total")
        figures = (
            f": {int(homes):,} homes passed, {float(capex):,.0f} EUR"
            if homes is not None and capex is not None
            else ""
        )
        self.region_panel.set_area_info(
            f"<b>Service area {result.area_id}</b> on the map{figures} "
            f"({result.buildings:,} buildings)."
        )
        self.set_status(f"Service area {result.area_id}{figures}")

    def _on_region_failed(self, message: str) -> None:
        self.set_status("Could not open the region plan: see the message above the map")
        self.show_banner(message)
        self.region_panel.set_area_info("")

    def _on_map_activated(self, feature: Feature | None) -> None:
        region = self.region
        if region is None or feature is None or self.canvas.scene is not region.scene:
            return
        layer = (
            "areas" if feature.kind == "areas" else "offices" if feature.kind == "offices" else ""
        )
        if not layer:
            return
        area = int(region.scene.layers[layer]["area_id"].iloc[feature.index])
        if area > 0:
            self.open_area(area)
