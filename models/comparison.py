"""Run the business models and compare them, per model and per actor.

>>> import models
>>> comparison = models.compare(models.NetworkCapex.example())
>>> sorted(comparison.models)
['active_shared', 'passive_shared', 'separated', 'verticalized']
>>> row = comparison.table()[0]
>>> row["model"], row["actor"], row["npv_eur"] > 0
('verticalized', 'operator', True)
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models._errors import FinanceParameterError
from models.actors import Actor
from models.atomic import atomic_path
from models.capex import NetworkCapex
from models.cashflows import RECURRING_KINDS, FlowKind, Ledger, build_ledger
from models.drivers import Drivers, build_drivers, price_index
from models.finance import (
    discounted_payback_year,
    irr,
    irr_note,
    peak_funding_eur,
    timing_offset_years,
)
from models.ownership import MODELS, VALUE_CHAIN, ModelSpec, get_model
from models.params import FinanceParams
from models.valuation import Valuation, deflator, reporting_rate, value_actors, value_chain

#: Columns of :meth:`Comparison.table`.
TABLE_COLUMNS = (
    "model",
    "actor",
    "npv_eur",
    "irr",
    "payback_year",
    "peak_funding_eur",
    "revenue_share",
    "capex_eur",
    "reinvestment_eur",
    "discount_rate",
    "horizon_years",
    "terminal_value_eur",
    "equity_npv_eur",
    "equity_irr",
    "min_dscr",
    "irr_note",
)


@dataclass(frozen=True)
class ActorResult:
    """Cash flows and metrics of one actor in one model.

    Metrics are over the actor's own horizon at its own discount rate; the
    cash flows cover all analysis years. `revenue_share` is the share of
    end-user spend (retail revenue) the actor keeps after wholesale fees and
    concession fees, over the analysis years; `capex_eur` is the capex it
    pays within its horizon (undiscounted, before any grant) and
    `reinvestment_eur` its replacements of worn-out equipment.
    """

    model: str
    actor: Actor
    cashflow_eur: np.ndarray
    by_kind: dict[FlowKind, np.ndarray]
    npv_eur: float
    irr: float | None
    payback_year: int | None
    peak_funding_eur: float
    revenue_share: float
    capex_eur: float
    reinvestment_eur: float
    terminal_value_eur: float = 0.0
    """Terminal value added to the last year of the horizon (reporting basis)."""
    equity_npv_eur: float | None = None
    """NPV of the cash flow to equity; None when the actor has no debt (equal to the NPV)."""
    equity_irr: float | None = None
    min_dscr: float | None = None
    """Lowest debt service cover ratio; None without debt service."""
    irr_note: str = ""
    """A warning when the cash flow has several IRRs."""
    valuation: Valuation | None = None
    """Statements and flows behind the figures."""

    @property
    def name(self) -> str:
        """The actor's name."""
        return self.actor.name

    def row(self) -> dict[str, Any]:
        """One row of the comparison table."""
        return {
            "model": self.model,
            "actor": self.actor.name,
            "npv_eur": self.npv_eur,
            "irr": self.irr,
            "payback_year": self.payback_year,
            "peak_funding_eur": self.peak_funding_eur,
            "revenue_share": self.revenue_share,
            "capex_eur": self.capex_eur,
            "reinvestment_eur": self.reinvestment_eur,
            "discount_rate": self.actor.discount_rate,
            "horizon_years": self.actor.horizon_years,
            "terminal_value_eur": self.terminal_value_eur,
            "equity_npv_eur": self.equity_npv_eur,
            "equity_irr": self.equity_irr,
            "min_dscr": self.min_dscr,
            "irr_note": self.irr_note,
        }


@dataclass(frozen=True)
class ModelResult:
    """One business model: its actors' results and the whole value chain's."""

    spec: ModelSpec
    actors: dict[str, ActorResult]
    value_chain_cashflow_eur: np.ndarray
    value_chain_npv_eur: float
    value_chain_irr: float | None
    value_chain_discount_rate: float
    retail_revenue_eur: np.ndarray
    lines: np.ndarray
    """Connected lines on this model's network per year."""
    value_chain_terminal_value_eur: float = 0.0
    start_year: int = 0
    """Calendar year of year 0."""
    timing_offset_years: float = 0.0
    """Discounting offset of the timing convention (0 start, 0.5 mid-year, 1 end)."""

    @property
    def calendar_years(self) -> np.ndarray:
        """Calendar year of each year of the cash flows."""
        return self.start_year + np.arange(self.value_chain_cashflow_eur.size)

    @property
    def name(self) -> str:
        """The model's name."""
        return self.spec.name

    def npv_eur(self, actor: str | None = None) -> float:
        """NPV of `actor`, or of the value chain if None."""
        if actor is None or actor == VALUE_CHAIN:
            return self.value_chain_npv_eur
        return self.actors[_check_actor(self, actor)].npv_eur

    def value_chain_row(self) -> dict[str, Any]:
        """The value chain as a row of the comparison table."""
        values = self.value_chain_cashflow_eur
        window = values.copy()
        window[-1] += self.value_chain_terminal_value_eur
        return {
            "model": self.name,
            "actor": VALUE_CHAIN,
            "npv_eur": self.value_chain_npv_eur,
            "irr": self.value_chain_irr,
            "payback_year": discounted_payback_year(
                self.value_chain_discount_rate, values, self.timing_offset_years
            ),
            "peak_funding_eur": peak_funding_eur(values),
            "revenue_share": float(sum(a.revenue_share for a in self.actors.values())),
            "capex_eur": float(sum(a.capex_eur for a in self.actors.values())),
            "reinvestment_eur": float(sum(a.reinvestment_eur for a in self.actors.values())),
            "discount_rate": self.value_chain_discount_rate,
            "horizon_years": int(values.size),
            "terminal_value_eur": self.value_chain_terminal_value_eur,
            "equity_npv_eur": None,
            "equity_irr": None,
            "min_dscr": None,
            "irr_note": irr_note(window),
        }


def _check_actor(result: ModelResult, actor: str) -> str:
    if actor not in result.actors:
        known = ", ".join([*result.actors, VALUE_CHAIN])
        msg = f"no actor {actor!r} in model {result.name}; known: {known}"
        raise FinanceParameterError(msg)
    return actor


def _actor_result(
    ledger: Ledger,
    value: Valuation,
    revenue_total: float,
    basis: np.ndarray,
    offset_years: float,
) -> ActorResult:
    actor = value.actor
    h = actor.horizon_years
    flows = value.project_cash_flow_eur
    window = value.window()
    by_kind = {kind: v * basis for kind, v in ledger.by_kind(actor.name).items()}
    kept = sum((by_kind[k] for k in RECURRING_KINDS if k in by_kind), np.zeros(ledger.n_years))
    zero = np.zeros(ledger.n_years)
    capex = -by_kind.get(FlowKind.CAPEX, zero)[:h].sum()
    reinvestment = -by_kind.get(FlowKind.REINVESTMENT, zero)[:h].sum()
    st = value.statements
    has_debt = bool(np.any(st.debt.draws_eur[:h] > 0))
    dscr = st.dscr[:h]
    return ActorResult(
        model=ledger.model.name,
        actor=actor,
        cashflow_eur=flows,
        by_kind=by_kind,
        npv_eur=float(value.npv_eur),
        irr=irr(window),
        payback_year=discounted_payback_year(value.discount_rate, flows[:h], offset_years),
        peak_funding_eur=float(peak_funding_eur(flows[:h])),
        revenue_share=float(kept.sum() / revenue_total) if revenue_total > 0 else math.nan,
        capex_eur=float(capex),
        reinvestment_eur=float(reinvestment),
        terminal_value_eur=float(value.terminal_value_eur),
        equity_npv_eur=float(value.equity_npv_eur) if has_debt else None,
        equity_irr=irr(value.window(equity=True)) if has_debt else None,
        min_dscr=float(np.nanmin(dscr)) if np.any(np.isfinite(dscr)) else None,
        irr_note=irr_note(window),
        valuation=value,
    )


def run_model(
    capex: NetworkCapex,
    params: FinanceParams | None = None,
    model: str | ModelSpec = "verticalized",
    *,
    drivers: Drivers | None = None,
) -> ModelResult:
    """Cash flows and metrics of one business model.

    Parameters
    ----------
    capex
        Network capex by layer and homes passed.
    params
        Finance inputs; the defaults if None.
    model
        ``"verticalized"``, ``"passive_shared"``, ``"active_shared"`` or
        ``"separated"``.
    drivers
        Precomputed yearly drivers (for speed when running several models).

    Returns
    -------
    ModelResult
        Per-actor cash flows and metrics, and the value chain's.

    Examples
    --------
    >>> result = run_model(NetworkCapex.example(), model="separated")
    >>> list(result.actors)
    ['PIP', 'NP', 'SP1', 'SP2']
    >>> round(sum(a.revenue_share for a in result.actors.values()), 9)
    1.0
    """
    params = params or FinanceParams()
    spec = get_model(model)
    drivers = drivers or build_drivers(capex, params)
    ledger = build_ledger(spec, drivers, capex, params)
    basis = deflator(drivers, params)
    offset = timing_offset_years(params.timing)
    revenue = ledger.retail_revenue_eur() * basis
    total_revenue = float(revenue.sum())
    values = value_actors(ledger, drivers, params)
    actors = {
        name: _actor_result(ledger, v, total_revenue, basis, offset) for name, v in values.items()
    }
    chain, chain_tv, chain_npv = value_chain(ledger, drivers, params, values)
    chain_window = chain.copy()
    chain_window[-1] += chain_tv
    network_share = sum(s for _, s in spec.retail_entities(params))
    return ModelResult(
        spec=spec,
        actors=actors,
        value_chain_cashflow_eur=chain,
        value_chain_npv_eur=float(chain_npv),
        value_chain_irr=irr(chain_window),
        value_chain_discount_rate=reporting_rate(params.value_chain_discount_rate, params),
        retail_revenue_eur=revenue,
        lines=network_share * drivers.lines,
        value_chain_terminal_value_eur=float(chain_tv),
        start_year=params.start_year,
        timing_offset_years=offset,
    )


@dataclass(frozen=True)
class Comparison:
    """The four business models run on the same capex and inputs."""

    capex: NetworkCapex
    params: FinanceParams
    models: dict[str, ModelResult]

    def table(self, *, include_value_chain: bool = False) -> list[dict[str, Any]]:
        """One row per model and actor (see :data:`TABLE_COLUMNS`).

        ``irr`` and ``payback_year`` are None when there is none. With
        `include_value_chain`, each model ends with a ``"value chain"`` row.
        """
        rows: list[dict[str, Any]] = []
        for result in self.models.values():
            rows += [a.row() for a in result.actors.values()]
            if include_value_chain:
                rows.append(result.value_chain_row())
        return rows

    @property
    def cashflows(self) -> dict[str, dict[str, np.ndarray]]:
        """Yearly net cash flow (EUR) per model and actor: ``cashflows[model][actor]``."""
        return {
            name: {a: r.cashflow_eur for a, r in result.actors.items()}
            for name, result in self.models.items()
        }

    @property
    def value_chain_npv_eur(self) -> dict[str, float]:
        """NPV of the whole value chain per model."""
        return {name: r.value_chain_npv_eur for name, r in self.models.items()}

    def revenue_split(self) -> dict[str, dict[str, float]]:
        """Share of end-user spend each actor keeps, per model."""
        return {
            name: {a: r.revenue_share for a, r in result.actors.items()}
            for name, result in self.models.items()
        }

    def __getitem__(self, model: str) -> ModelResult:
        """The result of one model, by name or title (``"Passive Shared"``)."""
        return self.models[get_model(model).name]

    def format_table(self) -> str:
        """The comparison as aligned text, for printing."""
        return format_rows(self.table(include_value_chain=True), self.params.currency)

    def to_csv(self, directory: str | Path) -> list[Path]:
        """Write ``comparison.csv`` and ``cashflows.csv`` into `directory`.

        Returns
        -------
        list of pathlib.Path
            The files written.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        table_path = directory / "comparison.csv"
        write_csv(table_path, self.table(include_value_chain=True), TABLE_COLUMNS)
        flows_path = directory / "cashflows.csv"
        write_csv(flows_path, self.cashflow_rows(), CASHFLOW_COLUMNS)
        return [table_path, flows_path]

    def cashflow_rows(self) -> list[dict[str, Any]]:
        """Yearly cash flows per model and actor, by kind, as table rows."""
        rows: list[dict[str, Any]] = []
        for result in self.models.values():
            n_years = result.value_chain_cashflow_eur.size
            basis = np.ones(n_years)
            if self.params.price_basis == "real":
                basis = 1.0 / price_index(self.params, n_years)
            extras = {name: _extra_columns(a, basis) for name, a in result.actors.items()}
            extras[VALUE_CHAIN] = {
                key: sum((e[key] for e in extras.values()), np.zeros(n_years))
                for key in EXTRA_CASHFLOW_COLUMNS
            }
            extras[VALUE_CHAIN]["terminal_value_eur"] = np.zeros(n_years)
            extras[VALUE_CHAIN]["terminal_value_eur"][-1] = result.value_chain_terminal_value_eur
            items = [
                (a.actor.name, a.actor.discount_rate, a.by_kind, a.cashflow_eur)
                for a in result.actors.values()
            ]
            chain_kinds: dict[FlowKind, np.ndarray] = {}
            for actor in result.actors.values():
                for kind, values in actor.by_kind.items():
                    chain_kinds[kind] = chain_kinds.get(kind, 0.0) + values
            items.append(
                (
                    VALUE_CHAIN,
                    result.value_chain_discount_rate,
                    chain_kinds,
                    result.value_chain_cashflow_eur,
                )
            )
            for who, rate, kinds, flows in items:
                cumulative = np.cumsum(flows)
                if who == VALUE_CHAIN:
                    reported_rate = rate
                else:
                    valuation = result.actors[who].valuation
                    reported_rate = valuation.discount_rate if valuation else rate
                exponent = np.arange(flows.size) + result.timing_offset_years
                discounted = np.cumsum(flows / (1.0 + reported_rate) ** exponent)
                for year in range(flows.size):
                    row: dict[str, Any] = {
                        "model": result.name,
                        "actor": who,
                        "year": year,
                        "calendar_year": result.start_year + year,
                    }
                    for kind in FlowKind:
                        row[f"{kind.value}_eur"] = (
                            float(kinds[kind][year]) if kind in kinds else 0.0
                        )
                    row["net_cash_flow_eur"] = float(flows[year])
                    row["cumulative_eur"] = float(cumulative[year])
                    row["discounted_cumulative_eur"] = float(discounted[year])
                    for key, values in extras[who].items():
                        row[key] = float(values[year])
                    rows.append(row)
        return rows


#: Columns of ``cashflows.csv`` beyond the kinds of flow: the tax in the net
#: cash flow, the terminal value (not in it), and the financing.
EXTRA_CASHFLOW_COLUMNS = (
    "tax_eur",
    "terminal_value_eur",
    "debt_drawn_eur",
    "debt_service_eur",
    "equity_cash_flow_eur",
)


def _extra_columns(actor: ActorResult, basis: np.ndarray) -> dict[str, np.ndarray]:
    zero = np.zeros(basis.size)
    value = actor.valuation
    if value is None:
        return {key: zero.copy() for key in EXTRA_CASHFLOW_COLUMNS}
    st = value.statements
    tv = zero.copy()
    tv[actor.actor.horizon_years - 1] = value.terminal_value_eur
    return {
        "tax_eur": -st.project_tax_eur * basis,
        "terminal_value_eur": tv,
        "debt_drawn_eur": st.debt.draws_eur * basis,
        "debt_service_eur": -st.debt.service_eur * basis,
        "equity_cash_flow_eur": value.equity_cash_flow_eur,
    }


#: Columns of ``cashflows.csv``.
CASHFLOW_COLUMNS = (
    "model",
    "actor",
    "year",
    "calendar_year",
    *(f"{k.value}_eur" for k in FlowKind),
    "net_cash_flow_eur",
    "cumulative_eur",
    "discounted_cumulative_eur",
    *EXTRA_CASHFLOW_COLUMNS,
)


def compare(capex: NetworkCapex, params: FinanceParams | None = None) -> Comparison:
    """Run the four business models on the same network and inputs.

    Parameters
    ----------
    capex
        Network capex by layer and homes passed (from a plan with
        :meth:`NetworkCapex.from_summary`, typed by hand, or
        :meth:`NetworkCapex.example`).
    params
        Finance inputs; the defaults (with their sources) if None.

    Returns
    -------
    Comparison
        Per-model, per-actor cash flows and metrics.

    Examples
    --------
    >>> c = compare(NetworkCapex.example())
    >>> round(c["separated"].actors["PIP"].revenue_share, 6)
    0.325
    >>> c.cashflows["separated"]["NP"].shape
    (20,)
    """
    params = params or FinanceParams()
    drivers = build_drivers(capex, params)
    results = {
        name: run_model(capex, params, spec, drivers=drivers) for name, spec in MODELS.items()
    }
    return Comparison(capex=capex, params=params, models=results)


def write_csv(path: Path, rows: Iterable[dict[str, Any]], columns: Iterable[str]) -> None:
    """Write rows to a CSV file atomically, None as an empty cell."""
    with atomic_path(Path(path)) as tmp, tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})


def format_rows(rows: list[dict[str, Any]], currency: str = "EUR") -> str:
    """Format comparison-table rows as aligned text, amounts in `currency`."""
    header = (
        "model",
        "actor",
        f"NPV ({currency})",
        "IRR",
        "payback year",
        f"peak funding ({currency})",
        "revenue share",
    )
    lines = [header]
    lines.extend(
        (
            row["model"],
            row["actor"],
            f"{row['npv_eur']:,.0f}",
            "-" if row["irr"] is None else f"{row['irr']:.1%}",
            "never" if row["payback_year"] is None else str(row["payback_year"]),
            f"{row['peak_funding_eur']:,.0f}",
            "-" if math.isnan(row["revenue_share"]) else f"{row['revenue_share']:.1%}",
        )
        for row in rows
    )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        cells = [
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
