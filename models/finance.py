"""Investment metrics: NPV, IRR, discounted payback, peak funding, annuity.

Conventions: ``cash_flows_eur[t]`` is the cash flow of year ``t``, year 0
(the first build year) undiscounted, as in numpy-financial:

.. math:: NPV = \\sum_{t=0}^{h-1} \\frac{CF_t}{(1 + r)^t}

NPV and IRR use numpy-financial for a single series; :func:`npv` also takes
a 2-D array (Monte Carlo draws by year) and is checked against
numpy-financial in the tests.
"""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf

from models._errors import FinanceParameterError


def _check_rate(rate: float) -> None:
    if not math.isfinite(rate) or rate <= -1.0:
        msg = f"discount rate must be a finite fraction above -1, got {rate!r}"
        raise FinanceParameterError(msg)


def discount_factors(rate: float, n_years: int) -> np.ndarray:
    """``1 / (1 + rate) ** t`` for ``t = 0 .. n_years - 1``.

    Examples
    --------
    >>> discount_factors(0.1, 3).round(4).tolist()
    [1.0, 0.9091, 0.8264]
    >>> discount_factors(0.0, 2).tolist()
    [1.0, 1.0]
    """
    _check_rate(rate)
    return (1.0 + rate) ** -np.arange(n_years, dtype=float)


def npv(rate: float, cash_flows_eur: np.ndarray) -> float | np.ndarray:
    """Net present value of yearly cash flows, year 0 undiscounted.

    Parameters
    ----------
    rate
        Discount rate, a fraction (0.08 for 8 %).
    cash_flows_eur
        Shape ``(T,)``, or ``(n, T)`` for ``n`` series at once.

    Returns
    -------
    float or numpy.ndarray
        The NPV (EUR), one per series for 2-D input.

    Examples
    --------
    >>> round(npv(0.1, np.array([-100.0, 60.0, 60.0])), 2)
    4.13
    >>> npv(0.0, np.array([-100.0, 60.0, 60.0]))
    20.0
    >>> (npv(0.1, np.array([[-100.0, 110.0], [0.0, 11.0]])).round(6) + 0.0).tolist()
    [0.0, 10.0]
    """
    values = np.asarray(cash_flows_eur, dtype=float)
    if values.ndim == 1:
        _check_rate(rate)
        return float(npf.npv(rate, values))
    return values @ discount_factors(rate, values.shape[-1])


def irr(cash_flows_eur: np.ndarray) -> float | None:
    """Internal rate of return, or None when there is none (no sign change).

    Examples
    --------
    >>> round(irr(np.array([-100.0, 60.0, 60.0])), 4)
    0.1307
    >>> irr(np.array([100.0, 60.0])) is None
    True
    """
    values = np.asarray(cash_flows_eur, dtype=float)
    if values.size < 2 or not (np.any(values < 0) and np.any(values > 0)):
        return None
    result = float(npf.irr(values))
    return result if math.isfinite(result) else None


def discounted_payback_year(rate: float, cash_flows_eur: np.ndarray) -> int | None:
    """First year from which the cumulative discounted cash flow stays >= 0.

    Years count from 0 (the first build year). A series that is never
    negative pays back in year 0; one that ends negative never does (None).
    Using "stays" rather than "first reaches" keeps a later reinvestment
    that pushes the balance negative again from hiding a loss.

    Examples
    --------
    >>> discounted_payback_year(0.0, np.array([-100.0, 60.0, 60.0]))
    2
    >>> discounted_payback_year(0.1, np.array([-100.0, 60.0, 50.0])) is None
    True
    >>> discounted_payback_year(0.1, np.array([0.0, 5.0]))
    0
    """
    values = np.asarray(cash_flows_eur, dtype=float)
    balance = np.cumsum(values * discount_factors(rate, values.size))
    negative = np.flatnonzero(balance < -1e-9 * max(1.0, float(np.abs(values).max(initial=0.0))))
    if negative.size == 0:
        return 0
    last = int(negative[-1])
    return last + 1 if last + 1 < values.size else None


def peak_funding_eur(cash_flows_eur: np.ndarray) -> float | np.ndarray:
    """Largest cumulative (undiscounted) shortfall: the money to raise.

    Examples
    --------
    >>> peak_funding_eur(np.array([-100.0, -50.0, 80.0, 90.0]))
    150.0
    >>> peak_funding_eur(np.array([10.0, 5.0]))
    0.0
    """
    values = np.asarray(cash_flows_eur, dtype=float)
    worst = np.maximum(-np.cumsum(values, axis=-1).min(axis=-1), 0.0)
    return float(worst) if values.ndim == 1 else worst


def annuity_factor(rate: float, n_years: int) -> float:
    """Present value of 1 EUR paid at the end of each of `n_years` years.

    ``(1 - (1 + r)^-n) / r``, and ``n`` when ``r = 0``. An annuity-style
    (cost-based) price is ``capex / annuity_factor + opex``.

    Examples
    --------
    >>> round(annuity_factor(0.05, 20), 4)
    12.4622
    >>> annuity_factor(0.0, 20)
    20.0
    """
    _check_rate(rate)
    if n_years < 0:
        msg = f"n_years must not be negative, got {n_years}"
        raise FinanceParameterError(msg)
    if rate == 0:
        return float(n_years)
    return float((1.0 - (1.0 + rate) ** -n_years) / rate)
