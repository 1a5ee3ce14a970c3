"""Value each actor: price basis, timing, terminal value, project and equity NPV.

One function for the deterministic run (:mod:`models.comparison`) and the
Monte Carlo (:mod:`models.montecarlo`), so both value a draw the same way:

- **price basis**: the ledger is in nominal money. On the ``"real"`` basis
  every flow is divided by the general price index (money of the price base
  year) and discounted at the matching real rate ``(1 + r) / (1 + i) - 1``;
  the NPV is then the nominal NPV times ``(1 + i) ** (offset - lag)``, ``lag``
  the years from the price base year to the first build year (equal with
  start-of-year timing and no lag);
- **timing**: flows of year ``t`` are discounted ``t + offset`` years
  (0 start of year, 0.5 mid-year, 1 end of year);
- **terminal value**: added to the last year of the actor's horizon
  (:func:`models.statements.terminal_value_eur`); a PPP partner (the city)
  gets its share of the passive owner's;
- **project and equity**: the project cash flow (after the tax the actor
  would pay without debt) at the actor's discount rate, and the cash flow
  to equity (with its loans, after its actual tax; the debt still open at
  the horizon repaid from the terminal value) at the same rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.actors import Actor
from models.cashflows import Ledger
from models.drivers import Drivers
from models.finance import npv, timing_offset_years
from models.ownership import CITY
from models.params import FinanceParams
from models.statements import Statements, build_statements, terminal_value_eur


@dataclass(frozen=True)
class Valuation:
    """One actor's flows on the reporting basis and their values."""

    actor: Actor
    statements: Statements
    project_cash_flow_eur: np.ndarray
    """All years, reporting basis, without the terminal value."""
    equity_cash_flow_eur: np.ndarray
    terminal_value_eur: float | np.ndarray
    """Project terminal value at the end of the horizon, reporting basis."""
    equity_terminal_value_eur: float | np.ndarray
    discount_rate: float
    """The rate used on the reporting basis (real when the basis is real)."""
    npv_eur: float | np.ndarray
    equity_npv_eur: float | np.ndarray

    def window(self, equity: bool = False) -> np.ndarray:
        """Flows over the horizon with the terminal value in its last year."""
        h = self.actor.horizon_years
        flows = self.equity_cash_flow_eur if equity else self.project_cash_flow_eur
        tv = self.equity_terminal_value_eur if equity else self.terminal_value_eur
        out = np.array(flows[..., :h], dtype=float)
        out[..., h - 1] += tv
        return out


def fast_npvs(
    ledger: Ledger, drivers: Drivers, params: FinanceParams
) -> dict[str, float | np.ndarray] | None:
    """Each actor's NPV without building its statements, when nothing needs them.

    With no tax, no PPP partner and no terminal value other than the book
    value, an actor's NPV is that of its ledger flows plus the book value of
    its assets at the horizon: what the Monte Carlo needs, at a fraction of
    the cost. Returns None when the full statements are needed.
    """
    if (
        params.corporate_tax_rate > 0
        or params.ppp_public_equity_share > 0
        or params.terminal_value not in ("none", "book_value")
    ):
        return None
    basis = deflator(drivers, params)
    offset = timing_offset_years(params.timing)
    out: dict[str, float | np.ndarray] = {}
    for actor in ledger.actors:
        h = actor.horizon_years
        window = np.array(ledger.net(actor.name)[..., :h] * basis[:h], dtype=float)
        if params.terminal_value == "book_value":
            age = h - np.arange(h)  # years of write-off by the end of year h - 1
            for asset in ledger.assets_of(actor.name):
                left = np.clip(1.0 - age / asset.lifetime_years, 0.0, None)
                window[..., h - 1] += (asset.purchases_eur[..., :h] @ left) * basis[h - 1]
        out[actor.name] = npv(reporting_rate(actor.discount_rate, params), window, offset)
    return out


def deflator(drivers: Drivers, params: FinanceParams) -> np.ndarray:
    """Factor from nominal money to the reporting basis, per year."""
    if params.price_basis == "real":
        return 1.0 / drivers.price_index
    return np.ones(drivers.n_years)


def reporting_rate(rate: float, params: FinanceParams) -> float:
    """The discount rate on the reporting basis (Fisher: real from nominal).

    Examples
    --------
    >>> round(reporting_rate(0.071, FinanceParams(price_basis="real", inflation_per_year=0.02)), 6)
    0.05
    """
    if params.price_basis == "real":
        return (1.0 + rate) / (1.0 + params.inflation_per_year) - 1.0
    return rate


def value_actors(ledger: Ledger, drivers: Drivers, params: FinanceParams) -> dict[str, Valuation]:
    """Statements and values of every actor of a model.

    Examples
    --------
    >>> from models.capex import NetworkCapex
    >>> from models.cashflows import build_ledger
    >>> from models.drivers import build_drivers
    >>> from models.ownership import MODELS
    >>> capex, params = NetworkCapex.example(), FinanceParams(terminal_value="none")
    >>> d = build_drivers(capex, params)
    >>> values = value_actors(build_ledger(MODELS["separated"], d, capex, params), d, params)
    >>> list(values)
    ['PIP', 'NP', 'SP1', 'SP2']
    """
    basis = deflator(drivers, params)
    offset = timing_offset_years(params.timing)
    build_years = drivers.build_years
    out: dict[str, Valuation] = {}
    ppp_tv: dict[int, float | np.ndarray] = {}
    passive_owner = ledger.model.passive
    share = params.ppp_public_equity_share
    for actor in ledger.actors:
        st = build_statements(ledger, actor.name, params, build_years)
        h = actor.horizon_years
        tv = terminal_value_eur(st, h, params, actor.discount_rate)
        debt_left = st.debt_eur[..., h - 1]
        equity_tv = tv - debt_left
        if actor.name == passive_owner and share > 0:
            ppp_tv[h] = share * tv
            tv = (1.0 - share) * tv
            equity_tv = tv - debt_left
        rate = reporting_rate(actor.discount_rate, params)
        project = st.project_cash_flow_eur * basis
        if actor.name == CITY:
            # The city's PPP share of the owner's terminal value, when the owner's
            # horizon ends within the city's: in its last year, or as a value
            # received in the owner's last year.
            for owner_h, value in ppp_tv.items():
                if owner_h == h:
                    tv = tv + value
                elif owner_h < h:
                    project = project.copy()
                    project[..., owner_h - 1] += value * basis[owner_h - 1]
            equity_tv = tv
        equity = st.equity_cash_flow_eur * basis + (project - st.project_cash_flow_eur * basis)
        tv_b = tv * basis[h - 1]
        equity_tv_b = equity_tv * basis[h - 1]
        window = np.array(project[..., :h], dtype=float)
        window[..., h - 1] += tv_b
        equity_window = np.array(equity[..., :h], dtype=float)
        equity_window[..., h - 1] += equity_tv_b
        out[actor.name] = Valuation(
            actor=actor,
            statements=st,
            project_cash_flow_eur=project,
            equity_cash_flow_eur=equity,
            terminal_value_eur=tv_b,
            equity_terminal_value_eur=equity_tv_b,
            discount_rate=rate,
            npv_eur=npv(rate, window, offset),
            equity_npv_eur=npv(rate, equity_window, offset),
        )
    return out


def value_chain(
    ledger: Ledger,
    drivers: Drivers,
    params: FinanceParams,
    values: dict[str, Valuation],
) -> tuple[np.ndarray, float | np.ndarray, float | np.ndarray]:
    """The value chain's flows (reporting basis), terminal value and NPV.

    The flows are the sum of the actors' project flows (the ledger's flows
    with the outside world less the tax); the terminal value is the sum of
    every actor's at the end of all the years, valued at the value chain's
    rate.
    """
    basis = deflator(drivers, params)
    n_years = ledger.n_years
    flows = sum(
        (v.statements.project_cash_flow_eur for v in values.values()), np.zeros(ledger.shape)
    )
    tv = sum(
        terminal_value_eur(v.statements, n_years, params, params.value_chain_discount_rate)
        for v in values.values()
    )
    reported = flows * basis
    tv_b = tv * basis[n_years - 1]
    window = np.array(reported, dtype=float)
    window[..., n_years - 1] += tv_b
    rate = reporting_rate(params.value_chain_discount_rate, params)
    return reported, tv_b, npv(rate, window, timing_offset_years(params.timing))


def fast_value_chain_npv(
    ledger: Ledger, drivers: Drivers, params: FinanceParams
) -> float | np.ndarray:
    """The value chain's NPV on the fast path of :func:`fast_npvs` (same conditions)."""
    basis = deflator(drivers, params)
    n_years = ledger.n_years
    window = np.array(ledger.value_chain() * basis, dtype=float)
    if params.terminal_value == "book_value":
        age = n_years - np.arange(n_years)
        for asset in ledger.assets:
            left = np.clip(1.0 - age / asset.lifetime_years, 0.0, None)
            window[..., n_years - 1] += (asset.purchases_eur @ left) * basis[n_years - 1]
    rate = reporting_rate(params.value_chain_discount_rate, params)
    return npv(rate, window, timing_offset_years(params.timing))
