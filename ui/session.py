"""The window's model: what is being planned, with what, and the results.

A :class:`Session` holds the district reference, design parameters, cost
catalogue, finance parameters, the current plan and the saved scenarios. Views
wrap it: they read it and listen to its change signals; edits go through its
setters (usually by an undo command), which emit the signals. It holds no
planning or finance logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from fttx_planner.catalogue import Catalogue
from fttx_planner.params import DesignParams
from fttx_planner.samples import DEFAULT_SAMPLE, list_samples
from ui.map_scene import MapScene
from ui.project import DistrictRef, Project, ScenarioRecord
from ui.tasks import PlanOutcome


def default_sample() -> str:
    """The sample city a new session opens: Balzers, or the first sample."""
    slugs = [s.slug for s in list_samples()]
    if DEFAULT_SAMPLE in slugs or not slugs:
        return DEFAULT_SAMPLE
    return slugs[0]


def finance_defaults() -> Any:
    """The business models' default finance parameters (``None`` without :mod:`models`)."""
    try:
        from models import FinanceParams
    except ImportError:  # pragma: no cover - models is part of the distribution
        return None
    return FinanceParams()


def scenario_name(district_name: str, params: DesignParams) -> str:
    """A short scenario name: ``"Balzers 1:64 (4x16) brownfield"``."""
    place = district_name.split(",")[0].strip() or "District"
    arch = f"1:{params.split_ratio}"
    if params.two_stage:
        arch += f" ({params.stage1_ratio}x{params.stage2_ratio})"
    if params.optical_class.value != "B+":
        arch += f" {params.optical_class.value}"
    return f"{place} {arch} {params.deployment.value}"


@dataclass
class PlanInputs:
    """What a plan was made from, to tell whether it is out of date."""

    ref: DistrictRef
    params: DesignParams
    catalogue_csv: str


class Session(QObject):
    """The state of one planning session (one project).

    Signals
    -------
    district_changed, design_params_changed, catalogue_changed,
    finance_params_changed, plan_changed, scenarios_changed
        Emitted after the attribute changed.
    dirty_changed(bool)
        Whether there are unsaved changes.
    """

    district_changed = Signal()
    design_params_changed = Signal()
    catalogue_changed = Signal()
    finance_params_changed = Signal()
    plan_changed = Signal()
    scenarios_changed = Signal()
    dirty_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.district = DistrictRef.sample(default_sample())
        self.design_params = DesignParams()
        self.catalogue = Catalogue.default()
        self.finance_params: Any = finance_defaults()
        self.outcome: PlanOutcome | None = None
        self.plan_inputs: PlanInputs | None = None
        self.saved_summary: dict[str, Any] | None = None
        self.scenarios: list[ScenarioRecord] = []
        self.project_path: Path | None = None
        self._dirty = False

    # -- state ------------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        """Whether there are unsaved changes."""
        return self._dirty

    def set_dirty(self, dirty: bool) -> None:
        """Mark the session as changed or saved."""
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    @property
    def scene(self) -> MapScene | None:
        """The current plan's map."""
        return self.outcome.scene if self.outcome else None

    @property
    def summary(self) -> dict[str, Any] | None:
        """The current plan's summary, or the one saved in a reopened project."""
        if self.outcome is not None:
            return self.outcome.summary
        return self.saved_summary

    def plan_is_current(self) -> bool:
        """Whether the plan shown was made from the current inputs."""
        p = self.plan_inputs
        return (
            p is not None
            and p.ref == self.district
            and p.params == self.design_params
            and p.catalogue_csv == self.catalogue.to_csv_text()
        )

    # -- setters (emit) --------------------------------------------------------------------------
    def set_district(self, ref: DistrictRef) -> None:
        """Plan another district."""
        if ref != self.district:
            self.district = ref
            self.set_dirty(True)
            self.district_changed.emit()

    def set_design_params(self, params: DesignParams) -> None:
        """Change the design parameters."""
        if params != self.design_params:
            self.design_params = params
            self.set_dirty(True)
            self.design_params_changed.emit()

    def set_catalogue(self, catalogue: Catalogue) -> None:
        """Change the cost catalogue."""
        if catalogue.to_csv_text() != self.catalogue.to_csv_text():
            self.catalogue = catalogue
            self.set_dirty(True)
            self.catalogue_changed.emit()

    def set_finance_params(self, params: Any) -> None:
        """Change the finance parameters."""
        if params != self.finance_params:
            self.finance_params = params
            self.set_dirty(True)
            self.finance_params_changed.emit()

    def set_outcome(self, outcome: PlanOutcome | None, inputs: PlanInputs | None) -> None:
        """Show a finished plan."""
        self.outcome = outcome
        self.plan_inputs = inputs
        if outcome is not None:
            self.saved_summary = None
        self.plan_changed.emit()

    # -- scenarios -----------------------------------------------------------------------------
    def unique_name(self, name: str) -> str:
        """``name``, or ``name (2)`` ... if taken."""
        taken = {s.name for s in self.scenarios}
        if name not in taken:
            return name
        k = 2
        while f"{name} ({k})" in taken:
            k += 1
        return f"{name} ({k})"

    def add_scenario(self, record: ScenarioRecord) -> ScenarioRecord:
        """Keep a scenario (its name made unique)."""
        record.name = self.unique_name(record.name.strip() or "Scenario")
        self.scenarios.append(record)
        self.set_dirty(True)
        self.scenarios_changed.emit()
        return record

    def current_as_scenario(self, name: str = "") -> ScenarioRecord | None:
        """The current plan as a scenario record (``None`` without a current plan)."""
        if self.outcome is None or self.plan_inputs is None:
            return None
        label = name or scenario_name(self.outcome.plan.district.name, self.plan_inputs.params)
        return ScenarioRecord(
            name=label,
            district=self.plan_inputs.ref,
            design_params=self.plan_inputs.params,
            catalogue_csv=self.plan_inputs.catalogue_csv,
            summary=self.outcome.summary,
        )

    def remove_scenario(self, index: int) -> None:
        """Drop a scenario."""
        del self.scenarios[index]
        self.set_dirty(True)
        self.scenarios_changed.emit()

    def rename_scenario(self, index: int, name: str) -> None:
        """Rename a scenario (made unique)."""
        name = name.strip()
        if not name or name == self.scenarios[index].name:
            return
        self.scenarios[index].name = self.unique_name(name)
        self.set_dirty(True)
        self.scenarios_changed.emit()

    # -- projects ------------------------------------------------------------------------------
    def district_label(self) -> str:
        """The display name of the district chosen (not of the plan shown, which may be older)."""
        shown = self.plan_inputs
        if self.outcome is not None and shown is not None and shown.ref == self.district:
            return self.outcome.plan.district.name
        if self.district.kind == "sample":
            for s in list_samples():
                if s.slug == self.district.slug:
                    return s.name
        return self.district.label()

    def to_project(self) -> Project:
        """Everything to save."""
        finance = self.finance_params.model_dump(mode="json") if self.finance_params else None
        return Project(
            district=self.district,
            design_params=self.design_params,
            catalogue_csv=self.catalogue.to_csv_text(),
            finance_params=finance,
            summary=self.summary if self.plan_is_current() or self.outcome is None else None,
            scenarios=list(self.scenarios),
        )

    def load(self, project: Project, path: Path | None) -> None:
        """Replace the whole state by a project's (the plan is re-made by the caller)."""
        self.district = project.district
        self.design_params = project.design_params
        self.catalogue = project.catalogue()
        if project.finance_params is not None:
            from models import validate_finance_params

            self.finance_params = validate_finance_params(project.finance_params)
        else:
            self.finance_params = finance_defaults()
        self.scenarios = list(project.scenarios)
        self.outcome = None
        self.plan_inputs = None
        self.saved_summary = project.summary
        self.project_path = path
        self.district_changed.emit()
        self.design_params_changed.emit()
        self.catalogue_changed.emit()
        self.finance_params_changed.emit()
        self.scenarios_changed.emit()
        self.plan_changed.emit()
        self.set_dirty(False)
