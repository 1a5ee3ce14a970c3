"""Scenarios in the main window: keep plans, plan variants, open one, compare their NPVs.

Variants (split 1:32 and 1:64, greenfield and, with an infrastructure
layer, brownfield) are planned in the window's ``variant_runner``; the
business models' NPV of every scenario is recomputed in the
``scenario_runner`` whenever the scenarios or the finance inputs change.
"""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import Slot

from fttx_planner.catalogue import Catalogue
from fttx_planner.params import Deployment, DesignParams
from ui import tasks
from ui.project import ScenarioRecord
from ui.session import scenario_name
from ui.tasks import VariantOutcome
from ui.window_base import WindowBase


class ScenarioFlow(WindowBase):
    """Keeps, plans, opens and compares scenarios."""

    def _connect_scenarios(self) -> None:
        """Wire the scenarios tab and the variant and scenario-NPV runners."""
        self.session.scenarios_changed.connect(self._on_scenarios_changed)
        sv = self.scenarios_view
        sv.add_requested.connect(self.keep_scenario)
        sv.variants_requested.connect(self.plan_variants)
        sv.open_requested.connect(self.open_scenario)
        sv.remove_requested.connect(self.session.remove_scenario)
        sv.rename_requested.connect(self.session.rename_scenario)
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
        if self.scenario_npv is not None:  # else the table already says "…" (500 took seconds)
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
