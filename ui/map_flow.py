"""The map's tools in the main window: find a building, set the OLT site by clicking.

*Find a building* (above the map) looks a building up by address, name or
OSM id (:func:`ui.map_tools.find_buildings`), zooms to it and shows its
details. *Set on map* (under the OLT coordinates) takes the next click on
the map as the OLT site; both coordinates change in one undoable edit and
re-plan like any parameter. *Planner chooses* empties them again.
"""

from __future__ import annotations

from fttx_planner.params import DesignParams
from ui.map_tools import find_buildings, show_building
from ui.window_base import WindowBase


class MapFlow(WindowBase):
    """Wires the building search and the OLT picker to the map and the design parameters."""

    def _connect_map_tools(self) -> None:
        """Wire the search box, *Set on map* and *Planner chooses*."""
        self.find_box.returnPressed.connect(self._on_find)
        self.find_completer.activated.connect(self.find_building)
        self.olt_pick_button.toggled.connect(self._on_pick_toggled)
        self.olt_picker.armed_changed.connect(self._on_pick_armed)
        self.olt_picker.picked.connect(self.set_olt_site)
        self.olt_clear_button.clicked.connect(self.clear_olt_site)
        self.canvas.scene_changed.connect(self._refresh_find_names)

    def _on_find(self) -> None:
        self.find_building(self.find_box.text())

    def find_building(self, text: str) -> int | None:
        """Show the building that best matches ``text``; its index in the layer, or ``None``."""
        scene = self.canvas.scene  # the district's plan, or a region's area opened
        if scene is None:
            self.find_result.setText("Plan the district first.")
            return None
        if "buildings" not in scene.layers:
            self.find_result.setText("Open a service area first (double-click it).")
            return None
        matches = find_buildings(scene, text)
        if not matches:
            self.find_result.setText(f"No building matches {text.strip()!r}." if text else "")
            return None
        self.tabs.setCurrentIndex(0)
        show_building(self.canvas, matches[0].index)
        others = len(matches) - 1
        more = f" (and {others} more: type more of the name)" if others else ""
        self.find_result.setText(matches[0].label + more)
        return matches[0].index

    def _refresh_map_tools(self) -> None:
        """After a plan: the completer's building names, the planner's OLT site as a hint."""
        scene = self.session.scene
        self._refresh_find_names()
        self.olt_pick_button.setEnabled(scene is not None)
        given = self.session.design_params.olt_x_m is not None
        if scene is None:
            self.olt_info.setText("")
        else:
            x, y = (f"{v:,.0f}".replace(",", "\u2009") for v in scene.olt[:2])
            who = "Site given" if given else "The planner put it at"
            self.olt_info.setText(f"{who}: {x} m E, {y} m N (district coordinates).")

    def _refresh_find_names(self) -> None:
        """The search box's suggestions: the names of the buildings on the map."""
        scene = self.canvas.scene
        names: list[str] = []
        if scene is not None and "buildings" in scene.layers:
            col = scene.layers["buildings"]["name"].astype(str)
            names = sorted({n for n in col if n not in ("", "nan", "None")})
        model = self.find_completer.model()
        if hasattr(model, "setStringList"):
            model.setStringList(names)

    def _on_pick_toggled(self, on: bool) -> None:
        if on and self.canvas.scene is not self.session.scene:
            # A region plan is on the map: its coordinates are not the district's.
            self.olt_pick_button.setChecked(False)
            self.set_status("Close the region plan to set the district's OLT site on the map")
            return
        if on and not self.olt_picker.armed:
            self.tabs.setCurrentIndex(0)
            self.olt_picker.arm()
            if not self.olt_picker.armed:  # nothing on the map to click yet
                self.olt_pick_button.setChecked(False)
        elif not on:
            self.olt_picker.disarm()

    def _on_pick_armed(self, armed: bool) -> None:
        self.olt_pick_button.blockSignals(True)
        self.olt_pick_button.setChecked(armed)
        self.olt_pick_button.blockSignals(False)

    def set_olt_site(self, x_m: float, y_m: float) -> None:
        """Put the OLT at ``(x_m, y_m)`` (district metres): one undoable edit, then re-plan."""
        self._set_olt(round(x_m, 1), round(y_m, 1), "set the OLT site")

    def clear_olt_site(self) -> None:
        """Let the planner choose the OLT site again."""
        self._set_olt(None, None, "let the planner place the OLT")

    def _set_olt(self, x_m: float | None, y_m: float | None, text: str) -> None:
        s = self.session
        params = DesignParams.model_validate(
            {**s.design_params.model_dump(), "olt_x_m": x_m, "olt_y_m": y_m}
        )
        if params != s.design_params:
            self._push(s.set_design_params, s.design_params, params, text, None)
