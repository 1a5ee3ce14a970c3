"""Take-up: how many homes passed connect, year by year.

Homes are passed in cohorts, one per build year (``build_profile``). Each
cohort's take-up follows the same curve of its age ``a`` (years since it was
passed, 0 in its build year): by default a logistic S-curve shifted to start
at zero,

.. math:: s(a) = S \\frac{L(a) - L(0)}{1 - L(0)}, \\quad L(a) = \\frac{1}{1 + e^{-k (a - m)}}

with saturation ``S``, speed ``k`` and midpoint ``m``; or an explicit curve
given by the user. Connected lines in year ``t`` are
``N(t) = H * sum_b f_b * s(t - b)``, read as the average lines in service in
that year.
"""

from __future__ import annotations

import numpy as np

from models.params import FinanceParams


def logistic_takeup(
    ages_years: np.ndarray, saturation: float, speed_per_year: float, midpoint_year: float
) -> np.ndarray:
    """Logistic take-up by age, zero at age 0 and tending to `saturation`.

    Parameters
    ----------
    ages_years
        Years since the area was passed (0 in its build year).
    saturation
        Long-run take-up, a fraction of homes passed.
    speed_per_year
        Steepness ``k`` of the S-curve.
    midpoint_year
        Age ``m`` at the curve's midpoint.

    Returns
    -------
    numpy.ndarray
        Take-up (fraction of homes passed) at each age.

    Examples
    --------
    >>> s = logistic_takeup(np.arange(4), 0.5, 1.0, 3.0)
    >>> [round(float(x), 3) for x in s]
    [0.0, 0.038, 0.116, 0.238]
    """
    ages = np.asarray(ages_years, dtype=float)
    start = 1.0 / (1.0 + np.exp(speed_per_year * midpoint_year))
    level = 1.0 / (1.0 + np.exp(-speed_per_year * (ages - midpoint_year)))
    return saturation * (level - start) / (1.0 - start)


def takeup_curve(params: FinanceParams, n_years: int) -> np.ndarray:
    """Take-up by age over `n_years`: the explicit curve if given, else the S-curve.

    An explicit ``takeup_by_year`` is cut or extended (its last value held) to
    `n_years`.

    Examples
    --------
    >>> p = FinanceParams(takeup_by_year=[0.0, 0.2, 0.4])
    >>> takeup_curve(p, 5).tolist()
    [0.0, 0.2, 0.4, 0.4, 0.4]
    """
    if params.takeup_by_year is not None:
        given = np.asarray(params.takeup_by_year, dtype=float)[:n_years]
        return np.concatenate([given, np.full(n_years - given.size, given[-1])])
    return logistic_takeup(
        np.arange(n_years),
        params.takeup_saturation,
        params.takeup_speed_per_year,
        params.takeup_midpoint_year,
    )


def build_shares(params: FinanceParams, n_years: int) -> np.ndarray:
    """Share of homes passed (and of capex to pass) built in each year.

    Examples
    --------
    >>> build_shares(FinanceParams(build_profile=[0.25, 0.75]), 4).tolist()
    [0.25, 0.75, 0.0, 0.0]
    """
    shares = np.zeros(n_years)
    profile = np.asarray(params.build_profile, dtype=float)[:n_years]
    shares[: profile.size] = profile
    return shares


def connected_share(curve: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Connected lines per home passed in each year: the cohorts' curves summed.

    Parameters
    ----------
    curve
        Take-up by age, shape ``(T,)``.
    shares
        Share of homes built in each year, shape ``(T,)``.

    Returns
    -------
    numpy.ndarray
        ``sum_b shares[b] * curve[t - b]``, shape ``(T,)``.

    Examples
    --------
    >>> connected_share(np.array([0.0, 0.5, 0.5]), np.array([0.5, 0.5, 0.0])).tolist()
    [0.0, 0.25, 0.5]
    """
    n_years = curve.size
    return np.convolve(shares, curve)[:n_years]


def new_and_gross(lines: np.ndarray, churn_per_year: float) -> tuple[np.ndarray, np.ndarray]:
    """First connections and gross adds (first connections plus churn) per year.

    A line lost (take-up falling) is not refunded; a home that connects
    again later is not a new first connection until the earlier peak is
    passed.

    Parameters
    ----------
    lines
        Connected lines per year, shape ``(..., T)``.
    churn_per_year
        Share of lines whose customer leaves and is replaced each year.

    Returns
    -------
    tuple of numpy.ndarray
        New first connections and gross adds, each shaped like `lines`.

    Examples
    --------
    >>> new, gross = new_and_gross(np.array([0.0, 100.0, 150.0]), 0.1)
    >>> new.tolist(), gross.tolist()
    ([0.0, 100.0, 50.0], [0.0, 110.0, 65.0])
    """
    peak = np.maximum.accumulate(lines, axis=-1)
    previous = np.concatenate([np.zeros_like(peak[..., :1]), peak[..., :-1]], axis=-1)
    new = peak - previous
    return new, new + churn_per_year * lines
