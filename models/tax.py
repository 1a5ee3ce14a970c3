"""Depreciation and corporate tax with loss carry-forward.

Straight-line depreciation: each purchase is written off in equal parts over
its asset class's lifetime, starting in the year it is bought (a full year's
charge). Tax is ``rate`` times the year's taxable profit after the losses
carried forward are used, oldest first; a loss older than the carry-forward
limit (if any) expires unused. No tax is refunded on a loss.
"""

from __future__ import annotations

import numpy as np


def straight_line(purchases_eur: np.ndarray, lifetime_years: int) -> np.ndarray:
    """Yearly straight-line depreciation of the purchases of each year.

    Examples
    --------
    >>> straight_line(np.array([100.0, 0.0, 50.0, 0.0, 0.0]), 2).tolist()
    [50.0, 50.0, 25.0, 25.0, 0.0]
    """
    purchases = np.asarray(purchases_eur, dtype=float)
    total = np.cumsum(purchases, axis=-1)
    lagged = np.zeros_like(total)
    if lifetime_years < purchases.shape[-1]:
        lagged[..., lifetime_years:] = total[..., :-lifetime_years]
    return (total - lagged) / lifetime_years


def book_value(purchases_eur: np.ndarray, lifetime_years: int) -> np.ndarray:
    """Net book value at the end of each year: purchases less depreciation so far.

    Examples
    --------
    >>> book_value(np.array([100.0, 0.0, 0.0]), 4).tolist()
    [75.0, 50.0, 25.0]
    """
    purchases = np.asarray(purchases_eur, dtype=float)
    return np.cumsum(purchases - straight_line(purchases, lifetime_years), axis=-1)


def tax_with_losses(
    taxable_eur: np.ndarray, rate: float, carry_forward_years: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Tax paid each year and the tax losses carried forward at its end.

    Parameters
    ----------
    taxable_eur
        Taxable profit (negative: a loss) per year, ``(..., T)``.
    rate
        Tax rate, a fraction.
    carry_forward_years
        Years a loss may be used after the year it was made; 0 for no limit.

    Returns
    -------
    tuple of numpy.ndarray
        Tax paid and losses carried forward, each shaped like `taxable_eur`.

    Examples
    --------
    A loss of 100 in year 0, profits of 60, 60 and 60: the loss covers the
    first 60 and 40 of the second; tax at 25 % is 0, 5, 15.

    >>> tax, losses = tax_with_losses(np.array([-100.0, 60.0, 60.0, 60.0]), 0.25)
    >>> tax.tolist(), losses.tolist()
    ([0.0, 0.0, 5.0, 15.0], [100.0, 40.0, 0.0, 0.0])

    With a one-year limit the loss of year 0 expires after year 1:

    >>> tax_with_losses(np.array([-100.0, 0.0, 60.0]), 0.25, 1)[0].tolist()
    [0.0, 0.0, 15.0]
    """
    income = np.asarray(taxable_eur, dtype=float)
    n_years = income.shape[-1]
    if carry_forward_years == 0:
        return _unlimited(income, rate)
    vintages = np.zeros(income.shape)  # losses still usable, by the year made
    tax = np.zeros_like(income)
    pool = np.zeros_like(income)
    for t in range(n_years):
        if carry_forward_years > 0 and t - carry_forward_years - 1 >= 0:
            vintages[..., t - carry_forward_years - 1] = 0.0
        profit = income[..., t]
        left = np.maximum(profit, 0.0)
        for year in range(t):
            used = np.minimum(vintages[..., year], left)
            vintages[..., year] -= used
            left = left - used
        vintages[..., t] = np.maximum(-profit, 0.0)
        tax[..., t] = rate * left
        pool[..., t] = vintages[..., : t + 1].sum(axis=-1)
    return tax, pool


def _unlimited(income: np.ndarray, rate: float) -> tuple[np.ndarray, np.ndarray]:
    """Loss carry-forward without a time limit: one pool, one pass."""
    tax = np.zeros_like(income)
    pool = np.zeros_like(income)
    left = np.zeros(income.shape[:-1])
    for t in range(income.shape[-1]):
        profit = income[..., t]
        used = np.minimum(left, np.maximum(profit, 0.0))
        tax[..., t] = rate * (np.maximum(profit, 0.0) - used)
        left = left - used + np.maximum(-profit, 0.0)
        pool[..., t] = left
    return tax, pool
