"""Edits of the planning inputs in the main window: district, design parameters, catalogue.

Every edit is an undoable command on the window's :class:`QUndoStack`
(successive edits of one field merge); the session's change signals then
update the panels and re-plan (a new district always, other changes when
*Re-plan on every change* is on).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fttx_planner.catalogue import Catalogue
from fttx_planner.params import Deployment, DesignParams
from ui.project import DistrictRef
from ui.undo import SetValueCommand
from ui.window_base import WindowBase


class EditFlow(WindowBase):
    """Turns edits into undoable commands and re-plans when the inputs change."""

    def _connect_edits(self) -> None:
        """Wire the district, parameter and catalogue panels to the session."""
        s = self.session
        s.district_changed.connect(self._on_district_changed)
        s.design_params_changed.connect(self._on_design_changed)
        s.catalogue_changed.connect(self._on_catalogue_changed)
        self.design_form.changed.connect(self._on_design_edited)
        self.district_panel.district_chosen.connect(self.choose_district)
        self.catalogue_view.catalogue_edited.connect(self._on_catalogue_edited)

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
