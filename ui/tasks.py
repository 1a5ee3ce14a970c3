"""The work the window hands to worker threads: plain functions of their inputs.

Each ``*_task`` returns a function ``fn(progress, cancelled)`` for a
:class:`~ui.workers.TaskRunner`. They call the engine (:mod:`fttx_planner`)
and the business models (:mod:`models`) and hold no planning or finance
logic of their own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fttx_planner import DesignError
from fttx_planner.catalogue import Catalogue
from fttx_planner.district import District
from fttx_planner.params import Deployment, DesignParams
from fttx_planner.pipeline import run_plan
from fttx_planner.plan import Plan
from fttx_planner.samples import Scenario
from ui.chart_fit import readable
from ui.map_scene import MapScene, build_scene
from ui.project import DistrictRef, Project, load_project
from ui.workers import Cancelled, Progress, raise_if_cancelled

Task = Callable[[Progress, Cancelled], Any]


def _scaled(progress: Progress, lo: float, hi: float) -> Progress:
    return lambda f, stage: progress(lo + (hi - lo) * max(0.0, min(1.0, f)), stage)


# -- districts ---------------------------------------------------------------------------------
def load_district(
    ref: DistrictRef, progress: Progress | None = None
) -> tuple[District, Scenario | None]:
    """Load the district a reference names (sample city, OSM file, synthetic grid)."""
    report = progress or (lambda f, s: None)
    if ref.kind == "sample":
        from fttx_planner.samples import get_scenario, load_sample

        scenario = get_scenario(ref.slug)
        return load_sample(ref.slug, progress=report), scenario
    if ref.kind == "osm":
        from fttx_planner.osm.load import load_osm

        assert ref.path is not None
        return load_osm(ref.path, progress=report), None
    from fttx_planner.synthetic import grid_district

    report(0.5, "synthetic grid")
    return grid_district(ref.buildings, irregular=True, seed=ref.seed), None


class DistrictCache:
    """The last loaded district, so a re-plan with new parameters skips loading."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._value: tuple[District, Scenario | None] | None = None

    def get(
        self, ref: DistrictRef, progress: Progress | None = None
    ) -> tuple[District, Scenario | None]:
        """The district of ``ref``, loaded once."""
        with self._lock:
            if self._key == ref.key and self._value is not None:
                return self._value
        value = load_district(ref, progress)
        with self._lock:
            self._key, self._value = ref.key, value
        return value

    def clear(self) -> None:
        """Forget the cached district."""
        with self._lock:
            self._key, self._value = None, None


def infrastructure_path(ref: DistrictRef, scenario: Scenario | None) -> Path | None:
    """The existing-infrastructure layer: the one chosen, else the sample city's own."""
    if ref.infrastructure is not None:
        return ref.infrastructure
    return scenario.infrastructure_path if scenario is not None else None


def brownfield_layer(district: District, ref: DistrictRef, scenario: Scenario | None) -> Path:
    """The existing-infrastructure layer a brownfield plan needs (:class:`DesignError` without)."""
    path = infrastructure_path(ref, scenario)
    if path is None:
        msg = (
            f"Brownfield planning of {district.name!r} needs an existing-infrastructure layer "
            "(ducts and pole routes): choose one under District ▸ Existing infrastructure, or "
            "switch Deployment to greenfield."
        )
        raise DesignError(msg)
    return path


# -- projects -------------------------------------------------------------------------------------
@dataclass
class OpenedProject:
    """A project file read and validated in a worker, ready to be shown."""

    path: Path
    project: Project
    seconds: float


def open_project_task(path: Path) -> Task:
    """Read and validate a project file (:func:`ui.project.load_project`) off the GUI thread."""

    def run(progress: Progress, cancelled: Cancelled) -> OpenedProject:
        t0 = time.perf_counter()

        def step(fraction: float, stage: str) -> None:
            raise_if_cancelled(cancelled)
            progress(fraction, stage)
            time.sleep(0)  # hand the interpreter to the GUI thread between scenarios

        project = load_project(path, progress=step)
        return OpenedProject(Path(path), project, time.perf_counter() - t0)

    return run


# -- planning -----------------------------------------------------------------------------------
@dataclass
class PlanOutcome:
    """A finished plan with what the window shows of it."""

    ref: DistrictRef
    plan: Plan
    scene: MapScene
    summary: dict[str, Any]
    scenario: Scenario | None
    seconds: float


def plan_once(
    ref: DistrictRef,
    params: DesignParams,
    catalogue: Catalogue,
    cache: DistrictCache,
    progress: Progress,
    cancelled: Cancelled,
) -> tuple[Plan, Scenario | None]:
    """Load (or reuse) the district and plan it."""
    district, scenario = cache.get(ref, _scaled(progress, 0.0, 0.3))
    raise_if_cancelled(cancelled)
    brownfield = params.deployment == Deployment.BROWNFIELD
    plan = run_plan(
        district,
        params=params,
        infra_file=brownfield_layer(district, ref, scenario) if brownfield else None,
        catalogue=catalogue,
        progress=_scaled(progress, 0.3, 0.85),
        cancelled=cancelled,
    )
    return plan, scenario


def plan_task(
    ref: DistrictRef, params: DesignParams, catalogue: Catalogue, cache: DistrictCache
) -> Task:
    """Plan a district and prepare its map."""

    def run(progress: Progress, cancelled: Cancelled) -> PlanOutcome:
        t0 = time.perf_counter()
        plan, scenario = plan_once(ref, params, catalogue, cache, progress, cancelled)
        progress(0.88, "map")
        scene = build_scene(plan, check=lambda: raise_if_cancelled(cancelled))
        progress(1.0, "done")
        return PlanOutcome(ref, plan, scene, plan.summary(), scenario, time.perf_counter() - t0)

    return run


@dataclass
class VariantOutcome:
    """Plans of several parameter variants: ``(name, params, summary)`` each."""

    ref: DistrictRef
    catalogue_csv: str
    variants: list[tuple[str, DesignParams, dict[str, Any]]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def variants_task(
    ref: DistrictRef,
    variants: Sequence[tuple[str, DesignParams]],
    catalogue: Catalogue,
    cache: DistrictCache,
) -> Task:
    """Plan several parameter variants of one district (for scenario comparison)."""

    def run(progress: Progress, cancelled: Cancelled) -> VariantOutcome:
        out = VariantOutcome(ref, catalogue.to_csv_text())
        n = max(len(variants), 1)
        for i, (name, params) in enumerate(variants):
            raise_if_cancelled(cancelled)
            step = _scaled(progress, i / n, (i + 1) / n)
            try:
                plan, _ = plan_once(ref, params, catalogue, cache, step, cancelled)
            except DesignError as exc:
                out.failed.append((name, str(exc)))
                continue
            out.variants.append((name, params, plan.summary()))
        progress(1.0, "done")
        return out

    return run


# -- business models ------------------------------------------------------------------------------
@dataclass
class FinanceOutcome:
    """The business models run on one capex, with their charts."""

    capex: Any
    comparison: Any
    rows: list[dict[str, Any]]
    figures: dict[str, Any]
    tornado: Any
    monte_carlo: Any
    seconds: float


@dataclass(frozen=True)
class FinanceRequest:
    """What to compute: inputs and the chart choices."""

    summary: dict[str, Any] | None
    params: Any
    cashflow_model: str = "separated"
    tornado_model: str = "separated"
    tornado_actor: str = "PIP"
    mc_draws: int = 2000
    mc_seed: int = 1
    mc_model: str | None = "separated"  # None: one panel per model


def capex_of(summary: dict[str, Any] | None) -> Any:
    """The business models' capex of a plan summary (the example district without one)."""
    import models

    if summary is None:
        return models.NetworkCapex.example()
    return models.NetworkCapex.from_summary(summary)


def finance_task(request: FinanceRequest) -> Task:
    """Compare the four business models and draw their charts."""

    def run(progress: Progress, cancelled: Cancelled) -> FinanceOutcome:
        import models
        from models import charts

        t0 = time.perf_counter()
        capex = capex_of(request.summary)
        comparison = models.compare(capex, request.params)
        rows = comparison.table(include_value_chain=True)
        progress(0.2, "comparison")
        raise_if_cancelled(cancelled)
        figures: dict[str, Any] = {
            "npv_by_model": charts.npv_by_model_figure(comparison),
            "revenue_split": charts.revenue_split_figure(comparison),
            "cash_flow": charts.cumulative_cashflow_figure(
                comparison, model=request.cashflow_model
            ),
        }
        progress(0.4, "charts")
        raise_if_cancelled(cancelled)
        actor = request.tornado_actor
        known = set(comparison[request.tornado_model].actors)
        if actor not in known and actor != "value chain":
            actor = sorted(known)[0]
        tornado = models.tornado(
            capex,
            request.params,
            model=request.tornado_model,
            actor=None if actor == "value chain" else actor,
        )
        figures["tornado"] = charts.tornado_figure(tornado)
        progress(0.6, "sensitivity")
        raise_if_cancelled(cancelled)
        mc = models.monte_carlo(
            capex, request.params, n_draws=request.mc_draws, seed=request.mc_seed
        )
        figures["monte_carlo"] = charts.npv_distribution_figure(mc, model=request.mc_model)
        for fig in figures.values():
            readable(fig)
        progress(1.0, "done")
        return FinanceOutcome(
            capex, comparison, rows, figures, tornado, mc, time.perf_counter() - t0
        )

    return run


def scenario_npv_task(summaries: Sequence[dict[str, Any] | None], params: Any) -> Task:
    """Value-chain NPV of every business model for each scenario's capex."""

    def run(progress: Progress, cancelled: Cancelled) -> list[dict[str, float] | None]:
        import models

        out: list[dict[str, float] | None] = []
        n = max(len(summaries), 1)
        for i, summary in enumerate(summaries):
            raise_if_cancelled(cancelled)
            if summary is None:
                out.append(None)
                continue
            comparison = models.compare(models.NetworkCapex.from_summary(summary), params)
            out.append({name: float(v) for name, v in comparison.value_chain_npv_eur.items()})
            progress((i + 1) / n, "business models")
        return out

    return run


# -- architecture comparison ----------------------------------------------------------------------
@dataclass
class ComparisonOutcome:
    """The district designed once per architecture (GPON, XGS-PON, point-to-point).

    ``rows`` are :func:`fttx_planner.endpoints.compare.compare_architectures`'
    figures, one dict per architecture, each with a short ``label`` added
    (and, with the business models, ``office_opex_eur_per_year``); ``npv``
    is the value-chain NPV of each business model per architecture
    (:func:`models.architectures.architecture_finance` with the window's
    finance inputs), or ``None`` with the reason in ``npv_note``.
    """

    ref: DistrictRef
    district_name: str
    params: DesignParams
    rows: list[dict[str, Any]]
    figure: Any
    npv: list[dict[str, float]] | None
    seconds: float
    npv_note: str = ""


def architecture_label(arch: Any) -> str:
    """A column title: ``GPON 1:32 B+``, ``XGS-PON 1:4+1:16 E1``, ``P2P Ethernet``."""
    if arch.p2p:
        return "P2P Ethernet"
    if arch.stage1_ratio > 1:
        split = f"1:{arch.stage1_ratio}+1:{arch.split_ratio // arch.stage1_ratio}"
    else:
        split = f"1:{arch.split_ratio}"
    return f"{arch.technology} {split} {arch.loss_class}"


def architecture_npv(
    designs: Sequence[Any], rows: Sequence[dict[str, Any]], district: str, finance_params: Any
) -> tuple[list[dict[str, float]] | None, str]:
    """Value-chain NPV of each business model per architecture, or ``None`` and why.

    ``designs`` are :func:`~fttx_planner.endpoints.compare.compare_architectures`'
    result and ``rows`` the figures shown for them (in the same order); each
    row gets its architecture's office power and space per year.
    """
    if finance_params is None:
        return None, "NPV per architecture needs the business models (models/)."
    from fttx_planner.endpoints.compare import architecture_finance_of

    try:
        finance = architecture_finance_of(list(designs), finance_params, district)
    except ImportError:
        return None, "NPV per architecture needs a newer business-model package (models/)."
    except ValueError as exc:  # what the models refuse: the design figures still show
        reason = " ".join(line.strip() for line in str(exc).splitlines())
        return None, f"NPV per architecture not computed: {reason}"
    for r in rows:
        name = str(r["architecture"])
        r["office_opex_eur_per_year"] = finance.architecture_row(name)["office_opex_eur_per_year"]
    npv = [dict(finance.comparisons[str(r["architecture"])].value_chain_npv_eur) for r in rows]
    return npv, ""


def comparison_task(
    ref: DistrictRef,
    params: DesignParams,
    catalogue: Catalogue,
    cache: DistrictCache,
    finance_params: Any = None,
) -> Task:
    """Design the district as every architecture of the data file, chart them, price them.

    With ``finance_params`` the four business models run on each
    architecture's capex and central office (:func:`architecture_npv`).
    """

    def run(progress: Progress, cancelled: Cancelled) -> ComparisonOutcome:
        from fttx_planner.endpoints.compare import compare_architectures
        from fttx_planner.pipeline import load_existing_infra
        from ui.charts import architecture_figure

        t0 = time.perf_counter()
        district, scenario = cache.get(ref, _scaled(progress, 0.0, 0.1))
        raise_if_cancelled(cancelled)
        infra = None
        if params.deployment == Deployment.BROWNFIELD:
            infra = load_existing_infra(district, brownfield_layer(district, ref, scenario))[0]

        def step(fraction: float, stage: str) -> None:
            raise_if_cancelled(cancelled)  # the engine reports between its stages: stop there
            progress(0.1 + 0.84 * max(0.0, min(1.0, fraction)), stage)

        designs = compare_architectures(district, params, catalogue, infra, progress=step)
        rows = [{**d.row, "label": architecture_label(d.architecture)} for d in designs]
        raise_if_cancelled(cancelled)
        progress(0.95, "business models")
        npv, note = architecture_npv(designs, rows, district.name, finance_params)
        raise_if_cancelled(cancelled)
        progress(0.98, "chart")
        figure = architecture_figure(rows, district.name)
        progress(1.0, "done")
        seconds = time.perf_counter() - t0
        return ComparisonOutcome(ref, district.name, params, rows, figure, npv, seconds, note)

    return run
