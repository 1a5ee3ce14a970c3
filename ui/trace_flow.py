"""Click-to-trace in the main window: the *Trace* dock and the map's highlight.

After each plan the window builds the plan's detailed design in a worker
(:func:`ui.map_trace.build_trace_index`; a fifth of a second on a sample
city); from then on the map's details carry the objects' names and a click
traces:

- a served building: its path from the OLT port is highlighted on the map
  and the *Trace* dock lists every element with its loss at 1310 and 1490 nm
  and the total against the budget (a building of several premise units
  offers each unit);
- a splitter: every premise unit behind it, highlighted and listed;
- the OLT: its ports to choose from, and the premises behind the port;
- a cable route: the premises whose fibre runs in its cables.

A click on empty map (or Esc) clears the trace.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from fttx_planner import FttxError
from ui.map_scene import Feature, MapScene
from ui.map_trace import TraceIndex, build_trace_index
from ui.trace_view import HINT, TracePanel
from ui.window_base import WindowBase
from ui.workers import Cancelled, Progress, TaskRunner, raise_if_cancelled


class TraceFlow(WindowBase):
    """Builds the detail after each plan and traces what is clicked on the map."""

    trace_runner: TaskRunner
    trace_panel: TracePanel
    trace_dock: QDockWidget
    trace_index: TraceIndex | None
    _trace_pending: Feature | None
    _trace_error: str

    def _build_trace_dock(self) -> None:
        """The *Trace* dock under the map (hidden until the first trace)."""
        self.trace_runner = TaskRunner("trace", self)
        self.trace_index = None
        self._trace_pending = None
        self._trace_error = ""
        self.trace_panel = TracePanel(self)
        dock = self._dock(
            "traceDock", "Trace", self.trace_panel, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        dock.hide()
        self.trace_dock = dock

    def _connect_trace(self) -> None:
        """Build the detail after each plan; trace what is clicked."""
        self.session.plan_changed.connect(self._start_trace_index)
        self.canvas.selected.connect(self._on_trace_select)
        self.canvas.scene_changed.connect(self._on_scene_changed)
        self.trace_panel.port_chosen.connect(self.trace_port)
        self.trace_runner.finished.connect(self._on_trace_index)
        self.trace_runner.failed.connect(self._on_trace_index_failed)
        self.trace_runner.crashed.connect(self._on_crash)

    def _start_trace_index(self) -> None:
        self.trace_index = None
        self._trace_error = ""
        outcome = self.session.outcome
        if outcome is None:
            self.trace_runner.cancel()
            self.trace_panel.show_message(HINT)
            return
        plan, scene = outcome.plan, outcome.scene

        def run(progress: Progress, cancelled: Cancelled) -> tuple[MapScene, TraceIndex]:
            progress(0.0, "detailed design")
            return scene, build_trace_index(
                plan, scene.layers, lambda: raise_if_cancelled(cancelled)
            )

        self.trace_runner.start("Detailed design", run)

    def _on_trace_index(self, result: tuple[MapScene, TraceIndex]) -> None:
        scene, index = result
        if self.session.scene is not scene:
            return  # a newer plan is shown: its own detail is on the way
        self.trace_index = index
        scene.names = index.names
        pending, self._trace_pending = self._trace_pending, None
        if pending is not None and self.canvas.selected_feature is pending:
            self._on_trace_select(pending)

    def _on_scene_changed(self) -> None:
        """Another map shown: the trace of the last one goes (and its dock with a region)."""
        self._trace_pending = None
        if self.canvas.scene is not self.session.scene:
            self.trace_dock.hide()
        if self.trace_panel.building is not None or self.trace_panel.behind is not None:
            self.trace_panel.show_message(HINT)

    def _on_trace_index_failed(self, message: str) -> None:
        self._trace_error = message
        self.trace_panel.show_message(f"<p>No trace for this plan: {message}</p>")

    # -- tracing ---------------------------------------------------------------------------
    def _on_trace_select(self, feature: Feature | None) -> None:
        traced = ("buildings", "splitters", "olt", "feeder", "distribution")
        if feature is None or feature.kind not in traced:
            self.clear_trace()
            return
        if self.canvas.scene is not self.session.scene:
            return  # another view (a region) is on the map
        index = self.trace_index
        if index is None:
            self._trace_pending = feature
            why = self._trace_error or "building the detailed design…"
            self.trace_panel.show_message(f"<p>Trace: {why}</p>")
            self._show_trace_dock()
            return
        try:
            if feature.kind == "buildings":
                self.trace_building(feature.index)
            elif feature.kind == "splitters":
                scene = self.canvas.scene
                assert scene is not None
                sid = int(scene.layers["splitters"]["splitter_id"].iloc[feature.index])
                behind = index.behind_splitter(sid)
                self.canvas.set_trace(behind.highlight)
                self.trace_panel.show_behind(behind)
                self._show_trace_dock()
            elif feature.kind == "olt":
                ports = index.names.olt_ports
                if ports:
                    self.trace_port(ports[0])
            else:
                cables = index.names.cables.get(feature.kind, {}).get(feature.index, [])
                behind = index.behind_cables(cables)
                self.canvas.set_trace(behind.highlight)
                self.trace_panel.show_behind(behind)
                self._show_trace_dock()
        except FttxError as exc:
            self.canvas.set_trace(None)
            self.trace_panel.show_message(f"<p>{exc}</p>")
            self._show_trace_dock()

    def trace_building(self, row: int) -> None:
        """Trace the building in row ``row`` of the map's buildings layer."""
        index = self.trace_index
        if index is None:
            return
        traced = index.trace_building(row)
        self.canvas.set_trace(traced.highlight)
        self.trace_panel.show_building(traced)
        self._show_trace_dock()

    def trace_port(self, port: str) -> None:
        """Every premise unit behind OLT port ``port``, highlighted and listed."""
        index = self.trace_index
        if index is None:
            return
        behind = index.behind_port(port)
        self.canvas.set_trace(behind.highlight)
        self.trace_panel.show_behind(behind, ports=index.names.olt_ports)
        self._show_trace_dock()

    def clear_trace(self) -> None:
        """Take the trace off the map (the panel keeps its hint)."""
        self._trace_pending = None
        if self.canvas.trace is not None:
            self.canvas.set_trace(None)
            self.trace_panel.show_message(HINT)

    def _show_trace_dock(self) -> None:
        if not self.trace_dock.isVisible():
            self.trace_dock.show()
            height = max(200, min(320, self.height() // 3))
            self.resizeDocks([self.trace_dock], [height], Qt.Orientation.Vertical)
