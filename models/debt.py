"""Loans and bonds: drawdown, interest and repayment, year by year.

A :class:`~models.params.DebtTranche` finances a share of its borrower's
initial capex in the build years (plus an optional fixed amount), drawn in
the year the capex is spent. Conventions (years from 0, the first build
year):

- interest of year ``t`` is ``rate`` times the balance at the end of year
  ``t - 1``: a draw pays its first interest the year after, so at the loan's
  own rate the lender's cash flow has an NPV of exactly 0 under any timing
  convention;
- years ``1 .. grace_years`` pay interest only; the principal is repaid in
  years ``grace_years + 1 .. tenor_years``: in equal yearly debt service
  (annuity), equal principal (linear) or all in the last year (bullet);
  the schedule is recomputed each year on the balance, so a late draw is
  spread over the years left;
- a balance still open at the end of an actor's horizon is repaid from its
  terminal value (:mod:`models.statements`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.params import DebtTranche


@dataclass(frozen=True)
class DebtSchedule:
    """Yearly flows of one or more tranches; arrays shaped like the capex, ``(..., T)``."""

    draws_eur: np.ndarray
    interest_eur: np.ndarray
    principal_eur: np.ndarray
    balance_eur: np.ndarray
    """Outstanding balance at the end of each year."""

    @property
    def service_eur(self) -> np.ndarray:
        """Debt service: interest plus principal."""
        return self.interest_eur + self.principal_eur

    @property
    def net_to_borrower_eur(self) -> np.ndarray:
        """Draws less debt service: what the debt adds to the equity cash flow."""
        return self.draws_eur - self.service_eur

    def __add__(self, other: DebtSchedule) -> DebtSchedule:
        return DebtSchedule(
            self.draws_eur + other.draws_eur,
            self.interest_eur + other.interest_eur,
            self.principal_eur + other.principal_eur,
            self.balance_eur + other.balance_eur,
        )


def no_debt(shape: tuple[int, ...]) -> DebtSchedule:
    """An empty schedule."""
    zero = np.zeros(shape)
    return DebtSchedule(zero, zero.copy(), zero.copy(), zero.copy())


def draws_for(tranche: DebtTranche, capex_eur: np.ndarray, build_years: int) -> np.ndarray:
    """Yearly draws of a tranche on its borrower's initial capex.

    Parameters
    ----------
    tranche
        The loan or bond.
    capex_eur
        The borrower's initial capex per year, ``(..., T)``, positive.
    build_years
        Years in which the tranche is drawn (the build profile's years).

    Examples
    --------
    >>> t = DebtTranche(share_of_capex=0.5, amount_eur=100.0)
    >>> draws_for(t, np.array([300.0, 100.0, 50.0]), 2).tolist()
    [225.0, 75.0, 0.0]
    """
    capex = np.asarray(capex_eur, dtype=float)
    window = np.zeros(capex.shape[-1])
    window[: max(build_years, 1)] = 1.0
    spent = capex * window
    total = spent.sum(axis=-1, keepdims=True)
    first = np.zeros_like(spent)
    first[..., 0] = 1.0
    profile = np.where(total > 0, spent / np.where(total > 0, total, 1.0), first)
    return tranche.share_of_capex * spent + tranche.amount_eur * profile


def schedule(tranche: DebtTranche, draws_eur: np.ndarray) -> DebtSchedule:
    """Interest, repayment and balance of a tranche with the given draws.

    Examples
    --------
    A 1,000 loan at 10 % over 3 years, annuity: 402.11 a year.

    >>> s = schedule(DebtTranche(rate=0.1, tenor_years=3), np.array([1000.0, 0, 0, 0, 0]))
    >>> (s.service_eur.round(2) + 0.0).tolist()
    [0.0, 402.11, 402.11, 402.11, 0.0]
    >>> s.balance_eur.round(2).tolist()
    [1000.0, 697.89, 365.56, 0.0, 0.0]
    """
    draws = np.asarray(draws_eur, dtype=float)
    n_years = draws.shape[-1]
    rate, tenor, grace = tranche.rate, tranche.tenor_years, tranche.grace_years
    interest = np.zeros_like(draws)
    principal = np.zeros_like(draws)
    balance = np.zeros_like(draws)
    opening = np.zeros(draws.shape[:-1])
    for t in range(n_years):
        interest[..., t] = rate * opening
        if grace < t <= tenor:
            left = tenor - t + 1
            if tranche.repayment == "bullet":
                repaid = opening if t == tenor else np.zeros_like(opening)
            elif tranche.repayment == "linear" or rate == 0:
                repaid = opening / left
            else:
                payment = opening * rate / (1.0 - (1.0 + rate) ** -left)
                repaid = payment - rate * opening
            principal[..., t] = repaid
        opening = opening - principal[..., t] + draws[..., t]
        balance[..., t] = opening
    return DebtSchedule(draws, interest, principal, balance)
