"""Statements per actor: P&L, cash flow, balance summary, debt and terminal value.

From an actor's flows in the ledger (:mod:`models.cashflows`), its debt
tranches (:mod:`models.debt`) and the tax rules (:mod:`models.tax`):

- **P&L**: revenue (what it receives from operating flows) less operating
  costs (what it pays) is EBITDA; less straight-line depreciation of its
  assets (gross of grants), plus the release of grants over the passive
  lifetime, is EBIT; less interest, profit before tax; less tax with loss
  carry-forward, net income.
- **Cash flow**: the project cash flow is the ledger's net flow (EBITDA,
  capex, grants and the PPP partner's share) less the tax the actor would
  pay with no debt; the cash flow to equity adds the draws and takes off
  interest, repayments and the tax it pays with its debt.
- **Balance summary** at each year's end: fixed assets at book value,
  deferred grants, debt, and equity (fixed assets less the two), which is
  also what its shareholders put in less what they took out plus the
  profits kept.
- **DSCR**: cash available for debt service (EBITDA less tax paid and
  replacement capex) over interest plus repayments, in years with debt
  service.
- **Terminal value** at the end of the actor's horizon
  (``terminal_value``): the book value of its assets; a growing perpetuity
  of its last EBITDA less the yearly replacement its assets need (in that
  year's prices) and the tax on that; or its last EBITDA times an exit
  multiple. The equity's terminal value is that less the debt still open.

Every array may carry a leading Monte Carlo draw axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models._errors import FinanceParameterError
from models.cashflows import NON_OPERATING_KINDS, FlowKind, Ledger
from models.debt import DebtSchedule, draws_for, no_debt, schedule
from models.ownership import CITY, EACH_SP
from models.params import DebtTranche, FinanceParams
from models.tax import book_value, straight_line, tax_with_losses

_OPERATING_KINDS = tuple(k for k in FlowKind if k not in NON_OPERATING_KINDS)


@dataclass(frozen=True)
class Statements:
    """Yearly statements of one actor in nominal money (arrays ``(..., T)``)."""

    actor: str
    revenue_eur: np.ndarray
    operating_costs_eur: np.ndarray
    ebitda_eur: np.ndarray
    depreciation_eur: np.ndarray
    grant_release_eur: np.ndarray
    interest_eur: np.ndarray
    tax_eur: np.ndarray
    capex_eur: np.ndarray
    """Initial and replacement capex paid (positive)."""
    replacement_capex_eur: np.ndarray
    grants_eur: np.ndarray
    """Grants and subsidies received."""
    ppp_eur: np.ndarray
    """Signed flow with the PPP partner (negative: paid to it)."""
    project_tax_eur: np.ndarray
    """Tax the actor would pay without debt (no interest deduction)."""
    project_cash_flow_eur: np.ndarray
    """After the tax without debt; equals the ledger's net flow when there is no tax."""
    debt: DebtSchedule
    fixed_assets_eur: np.ndarray
    deferred_grants_eur: np.ndarray
    tax_losses_eur: np.ndarray
    maintenance_capex_eur: np.ndarray
    """Yearly replacement the assets installed so far need, in each year's prices."""

    @property
    def ebit_eur(self) -> np.ndarray:
        """EBITDA less depreciation plus the grants released."""
        return self.ebitda_eur - self.depreciation_eur + self.grant_release_eur

    @property
    def pre_tax_profit_eur(self) -> np.ndarray:
        """EBIT less interest."""
        return self.ebit_eur - self.interest_eur

    @property
    def net_income_eur(self) -> np.ndarray:
        """Profit after tax."""
        return self.pre_tax_profit_eur - self.tax_eur

    @property
    def equity_cash_flow_eur(self) -> np.ndarray:
        """Cash flow to the actor's shareholders: project flow with the debt's flows and tax."""
        return (
            self.project_cash_flow_eur
            + self.project_tax_eur
            - self.tax_eur
            + self.debt.net_to_borrower_eur
        )

    @property
    def debt_eur(self) -> np.ndarray:
        """Debt outstanding at each year's end."""
        return self.debt.balance_eur

    @property
    def equity_book_eur(self) -> np.ndarray:
        """Fixed assets less deferred grants and debt (the balance sheet's equity)."""
        return self.fixed_assets_eur - self.deferred_grants_eur - self.debt_eur

    @property
    def dscr(self) -> np.ndarray:
        """Debt service cover ratio per year; NaN in years without debt service."""
        service = self.debt.service_eur
        available = self.ebitda_eur - self.tax_eur - self.replacement_capex_eur
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(service > 1e-9, available / np.where(service > 0, service, 1.0), np.nan)


def tranches_of(ledger: Ledger, actor: str, params: FinanceParams) -> list[DebtTranche]:
    """The debt tranches `actor` borrows in this model (by name or layer role)."""
    spec = ledger.model
    roles = {"passive owner": spec.passive, "active owner": spec.active}
    out = []
    for tranche in params.debt:
        who = roles.get(tranche.borrower, tranche.borrower)
        if who == actor or (who == EACH_SP and actor not in (spec.passive, CITY)):
            if who == EACH_SP and "active" not in _layers(ledger, actor):
                continue
            out.append(tranche)
    return out


def _layers(ledger: Ledger, actor: str) -> tuple[str, ...]:
    return next((a.layers for a in ledger.actors if a.name == actor), ())


def build_statements(
    ledger: Ledger, actor: str, params: FinanceParams, build_years: int
) -> Statements:
    """Statements of one actor over all the ledger's years.

    Parameters
    ----------
    ledger
        The model's flows.
    actor
        The actor's name.
    params
        Finance inputs (tax, debt, lifetimes).
    build_years
        Years of the build profile, in which debt is drawn.
    """
    zero = np.zeros(ledger.shape)
    revenue = ledger.income(actor, _OPERATING_KINDS)
    costs = ledger.payments(actor, _OPERATING_KINDS) + ledger.payments(actor, [FlowKind.GRANT])
    ebitda = revenue - costs
    capex = ledger.payments(actor, [FlowKind.CAPEX])
    replacements = ledger.payments(actor, [FlowKind.REINVESTMENT])
    grants = ledger.income(actor, [FlowKind.GRANT])
    ppp = ledger.income(actor, [FlowKind.PPP]) - ledger.payments(actor, [FlowKind.PPP])
    depreciation, fixed, maintenance = zero.copy(), zero.copy(), zero.copy()
    index = np.ones(ledger.n_years) if ledger.capex_index is None else ledger.capex_index
    for asset in ledger.assets_of(actor):
        depreciation = depreciation + straight_line(asset.purchases_eur, asset.lifetime_years)
        fixed = fixed + book_value(asset.purchases_eur, asset.lifetime_years)
        base = straight_line(asset.purchases_eur / index, asset.lifetime_years)
        maintenance = maintenance + base * index
    release = straight_line(grants, params.passive_lifetime_years)
    deferred = np.cumsum(grants - release, axis=-1)
    debt = no_debt(ledger.shape)
    for tranche in tranches_of(ledger, actor, params):
        debt = debt + schedule(tranche, draws_for(tranche, capex, build_years))
    rate = 0.0 if actor == CITY else params.corporate_tax_rate
    limit = params.tax_loss_carry_forward_years
    if rate > 0:
        ebit = ebitda - depreciation + release
        tax, losses = tax_with_losses(ebit - debt.interest_eur, rate, limit)
        project_tax = tax_with_losses(ebit, rate, limit)[0]
    else:
        tax, losses, project_tax = zero.copy(), zero.copy(), zero.copy()
    return Statements(
        actor=actor,
        revenue_eur=revenue,
        operating_costs_eur=costs,
        ebitda_eur=ebitda,
        depreciation_eur=depreciation,
        grant_release_eur=release,
        interest_eur=debt.interest_eur,
        tax_eur=tax,
        capex_eur=capex + replacements,
        replacement_capex_eur=replacements,
        grants_eur=grants,
        ppp_eur=ppp,
        project_tax_eur=project_tax,
        project_cash_flow_eur=ledger.net(actor) - project_tax,
        debt=debt,
        fixed_assets_eur=fixed,
        deferred_grants_eur=deferred,
        tax_losses_eur=losses,
        maintenance_capex_eur=maintenance,
    )


def terminal_value_eur(
    st: Statements,
    horizon_years: int,
    params: FinanceParams,
    discount_rate: float,
) -> np.ndarray | float:
    """Project terminal value at the end of year ``horizon_years - 1`` (nominal money).

    Raises
    ------
    FinanceParameterError
        If the perpetuity's growth is not below the discount rate.

    Examples
    --------
    See ``tests/models/test_statements.py`` for hand-worked cases.
    """
    last = horizon_years - 1
    method = params.terminal_value
    if method == "none":
        return 0.0
    if method == "book_value":
        return st.fixed_assets_eur[..., last]
    ebitda = st.ebitda_eur[..., last]
    if method == "exit_multiple":
        return params.exit_ebitda_multiple * ebitda
    growth = (1.0 + params.inflation_per_year) * (1.0 + params.terminal_growth_per_year) - 1.0
    if growth >= discount_rate:
        msg = (
            f"terminal_value = 'perpetuity' needs growth ({growth:.2%}) below the discount "
            f"rate ({discount_rate:.2%}); lower terminal_growth_per_year or use book_value"
        )
        raise FinanceParameterError(msg)
    maintenance = st.maintenance_capex_eur[..., last]
    taxed = 0.0 if st.actor == CITY else params.corporate_tax_rate
    free = ebitda - maintenance - taxed * np.maximum(ebitda - maintenance, 0.0)
    return free * (1.0 + growth) / (discount_rate - growth)
