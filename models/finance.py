"""Investment metrics: NPV, IRR, discounted payback, peak funding, annuity.

Conventions: ``cash_flows_eur[t]`` is the cash flow of year ``t``, valued at
the start of year 0 (the first build year). The timing convention says when
in its year a flow arrives: at the start (``offset_years = 0``, year 0
undiscounted, as in numpy-financial), mid-year (0.5) or at the end (1):

.. math:: NPV = \\sum_{t=0}^{h-1} \\frac{CF_t}{(1 + r)^{t + o}}

The offset scales every NPV by ``(1 + r)^{-o}``; it changes neither the IRR
nor the sign of an NPV.

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


#: Discounting offset of each timing convention, in years.
TIMING_OFFSETS_YEARS = {"start_of_year": 0.0, "mid_year": 0.5, "end_of_year": 1.0}

#: How each timing convention is stated on outputs.
TIMING_TEXT = {
    "start_of_year": "cash flows at the start of each year",
    "mid_year": "mid-year discounting",
    "end_of_year": "cash flows at the end of each year",
}


def timing_offset_years(timing: str) -> float:
    """Discounting offset of a timing convention.

    Examples
    --------
    >>> timing_offset_years("mid_year")
    0.5
    """
    if timing not in TIMING_OFFSETS_YEARS:
        msg = f"unknown timing {timing!r}; known: {', '.join(TIMING_OFFSETS_YEARS)}"
        raise FinanceParameterError(msg)
    return TIMING_OFFSETS_YEARS[timing]


def discount_factors(rate: float, n_years: int, offset_years: float = 0.0) -> np.ndarray:
    """``1 / (1 + rate) ** (t + offset_years)`` for ``t = 0 .. n_years - 1``.

    Examples
    --------
    >>> discount_factors(0.1, 3).round(4).tolist()
    [1.0, 0.9091, 0.8264]
    >>> discount_factors(0.0, 2).tolist()
    [1.0, 1.0]
    >>> discount_factors(0.21, 2, 0.5).round(4).tolist()
    [0.9091, 0.7513]
    """
    _check_rate(rate)
    return (1.0 + rate) ** -(np.arange(n_years, dtype=float) + offset_years)


def npv(rate: float, cash_flows_eur: np.ndarray, offset_years: float = 0.0) -> float | np.ndarray:
    """Net present value of yearly cash flows, year 0 undiscounted by default.

    Parameters
    ----------
    rate
        Discount rate, a fraction (0.08 for 8 %).
    cash_flows_eur
        Shape ``(T,)``, or ``(n, T)`` for ``n`` series at once.
    offset_years
        When in its year each flow arrives (0 start, 0.5 mid-year, 1 end).

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
        return float(npf.npv(rate, values)) * (1.0 + rate) ** -offset_years
    return values @ discount_factors(rate, values.shape[-1], offset_years)


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


def irr_roots(cash_flows_eur: np.ndarray) -> list[float]:
    """Every internal rate of return: the real roots above -100 % of the NPV polynomial.

    A series whose cash flow changes sign more than once (a reinvestment, a
    terminal value after losses) may have several IRRs, or none; then the IRR
    alone does not rank the investment and the NPV must decide.

    Examples
    --------
    >>> [round(r, 4) for r in irr_roots(np.array([-100.0, 230.0, -132.0]))]
    [0.1, 0.2]
    >>> irr_roots(np.array([-100.0, 110.0]))
    [0.1]
    """
    values = np.trim_zeros(np.asarray(cash_flows_eur, dtype=float), "b")
    if values.size < 2 or not (np.any(values < 0) and np.any(values > 0)):
        return []
    # NPV(r) = sum CF_t x^t with x = 1 / (1 + r); np.roots wants the highest power first.
    scale = float(np.abs(values).max())
    roots = np.roots((values / scale)[::-1])
    found = []
    for x in roots:
        if abs(x.imag) > 1e-9 * max(1.0, abs(x.real)) or x.real <= 0:
            continue
        rate = 1.0 / float(x.real) - 1.0
        if rate > -1.0 and math.isfinite(rate):
            found.append(round(rate, 12))
    return sorted(set(found))


def irr_note(cash_flows_eur: np.ndarray) -> str:
    """A warning when a cash flow has several IRRs, else ``""``.

    Examples
    --------
    >>> irr_note(np.array([-100.0, 230.0, -132.0]))
    'several IRRs: 10.0 %, 20.0 %; use the NPV'
    """
    values = np.asarray(cash_flows_eur, dtype=float)
    signs = np.sign(values[values != 0])
    if np.count_nonzero(np.diff(signs)) < 2:
        return ""  # Descartes: one sign change, at most one IRR
    roots = irr_roots(values)
    if len(roots) < 2:
        return ""
    return f"several IRRs: {', '.join(f'{r:.1%}'.replace('%', ' %') for r in roots)}; use the NPV"


def discounted_payback_year(
    rate: float, cash_flows_eur: np.ndarray, offset_years: float = 0.0
) -> int | None:
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
    balance = np.cumsum(values * discount_factors(rate, values.size, offset_years))
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
