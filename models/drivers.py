"""Yearly drivers shared by every model: lines, prices, capex timing.

:func:`build_drivers` turns a capex and finance inputs into arrays over the
analysis years. Monte Carlo passes factors drawn per draw (shape ``(n,)``);
the drivers then have a leading draw axis (shape ``(n, T)``) and every cash
flow computed from them follows by broadcasting, so thousands of draws cost
one pass of the model code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models._errors import FinanceParameterError
from models.capex import NetworkCapex
from models.params import FinanceParams
from models.takeup import build_shares, connected_share, new_and_gross, takeup_curve

#: Months per year, to turn monthly prices into yearly amounts.
MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class Factors:
    """Multiplicative factors on base inputs: floats, or arrays of shape ``(n,)``."""

    takeup: float | np.ndarray = 1.0
    arpu: float | np.ndarray = 1.0
    civil_cost: float | np.ndarray = 1.0
    wholesale_prices: float | np.ndarray = 1.0


@dataclass(frozen=True)
class Drivers:
    """Yearly drivers of one scenario (or of ``n`` Monte Carlo draws).

    Arrays with a trailing axis of length ``n_years`` may have a leading
    draw axis; scalars-per-draw have shape ``(n, 1)`` or are floats.
    """

    n_years: int
    homes_passed: int
    lines: np.ndarray
    """Connected lines of all providers together, average over each year."""
    new_lines: np.ndarray
    """Homes connected for the first time in each year."""
    gross_adds: np.ndarray
    """Customers who connect or switch in each year (new lines plus churn)."""
    build_share: np.ndarray
    """Share of the capex to pass spent in each year, shape ``(T,)``."""
    cost_index: np.ndarray
    """Opex index: general inflation times opex real growth times (1 + contingency),
    shape ``(T,)``."""
    arpu_eur_per_line_year: np.ndarray
    passive_fee_eur_per_line_year: np.ndarray
    bitstream_fee_eur_per_line_year: np.ndarray
    passive_to_pass_eur: float | np.ndarray
    """Civil (times its factor), cables, splitters, cabinets, in base-year money."""
    price_index: np.ndarray = field(default_factory=lambda: np.ones(1))
    """General inflation index: money of year ``t`` per unit of base-year money, ``(T,)``."""
    capex_index: np.ndarray = field(default_factory=lambda: np.ones(1))
    """Capex price index (inflation times capex real growth), ``(T,)``."""
    start_year: int = 0
    """Calendar year of year 0."""
    passive_build_eur: np.ndarray = field(default_factory=lambda: np.zeros(1))
    """Passive capex to pass spent in each year (base-year money, civil factor applied)."""
    olt_build_eur: np.ndarray = field(default_factory=lambda: np.zeros(1))
    """OLT capex spent in each year (base-year money)."""
    drop_capex_eur: np.ndarray = field(default_factory=lambda: np.zeros(1))
    """Drop capex of each year's first connections, all lines (base-year money)."""
    ont_capex_eur: np.ndarray = field(default_factory=lambda: np.zeros(1))
    """ONT capex of each year's first connections, all lines (base-year money)."""
    build_years: int = 1
    """Years in which the network is built (debt is drawn in them)."""

    @property
    def years(self) -> np.ndarray:
        """Year numbers, 0 for the first build year."""
        return np.arange(self.n_years)

    @property
    def calendar_years(self) -> np.ndarray:
        """Calendar year of each year of the cash flows."""
        return self.start_year + np.arange(self.n_years)

    @property
    def first_year(self) -> np.ndarray:
        """1 in year 0, else 0: when one-off set-up costs fall."""
        out = np.zeros(self.n_years)
        out[0] = 1.0
        return out


def _column(value: float | np.ndarray) -> float | np.ndarray:
    if isinstance(value, np.ndarray):
        return value.reshape(-1, 1)
    return float(value)


def build_drivers(
    capex: NetworkCapex, params: FinanceParams, factors: Factors | None = None
) -> Drivers:
    """Compute the yearly drivers of a scenario.

    Parameters
    ----------
    capex
        Network capex by layer and homes passed.
    params
        Finance inputs.
    factors
        Factors on take-up, ARPU, civil cost and wholesale prices; arrays of
        shape ``(n,)`` give ``n`` scenarios at once.

    Returns
    -------
    Drivers
        Arrays over ``params.analysis_years`` years.

    Examples
    --------
    >>> p = FinanceParams(takeup_by_year=[0.0, 0.5], build_profile=[1.0])
    >>> d = build_drivers(NetworkCapex(homes_passed=100), p)
    >>> d.lines[:3].tolist(), d.new_lines[:3].tolist()
    ([0.0, 50.0, 50.0], [0.0, 50.0, 0.0])
    >>> d = build_drivers(NetworkCapex(homes_passed=100), p, Factors(takeup=np.array([1.0, 3.0])))
    >>> d.lines[:, 1].tolist()
    [50.0, 100.0]
    """
    factors = factors or Factors()
    n_years = params.analysis_years
    years = np.arange(n_years)
    capex = reporting_capex(capex, params)
    if capex.phases:
        timing = _phased(capex, params, factors, n_years)
    else:
        timing = _profiled(capex, params, factors, n_years)
    prices = price_index(params, n_years)
    arpu_growth = prices * (1.0 + params.arpu_growth_per_year) ** years
    wholesale_growth = prices * (1.0 + params.wholesale_price_growth_per_year) ** years
    wholesale = _column(factors.wholesale_prices) * wholesale_growth * MONTHS_PER_YEAR
    civil_factor = _column(factors.civil_cost)
    passive_to_pass = (
        capex.civil_eur * civil_factor + capex.cables_eur + capex.splitters_eur + capex.cabinets_eur
    )
    opex_index = (
        prices
        * (1.0 + params.opex_growth_per_year) ** years
        * (1.0 + params.opex_contingency_share)
    )
    return Drivers(
        n_years=n_years,
        homes_passed=capex.homes_passed,
        lines=timing.lines,
        new_lines=timing.new,
        gross_adds=timing.gross,
        build_share=timing.shares,
        cost_index=opex_index,
        arpu_eur_per_line_year=(
            params.arpu_eur_per_month * MONTHS_PER_YEAR * _column(factors.arpu) * arpu_growth
        ),
        passive_fee_eur_per_line_year=params.passive_fee_eur_per_month * wholesale,
        bitstream_fee_eur_per_line_year=params.bitstream_fee_eur_per_month * wholesale,
        passive_to_pass_eur=passive_to_pass,
        price_index=prices,
        capex_index=prices * (1.0 + params.capex_price_growth_per_year) ** years,
        start_year=params.start_year,
        passive_build_eur=timing.civil * civil_factor + timing.other_to_pass,
        olt_build_eur=timing.olt,
        drop_capex_eur=timing.drops,
        ont_capex_eur=timing.onts,
        build_years=timing.build_years,
    )


@dataclass(frozen=True)
class _Timing:
    """When homes are passed and connected, and when each layer's capex is spent."""

    shares: np.ndarray
    lines: np.ndarray
    new: np.ndarray
    gross: np.ndarray
    civil: np.ndarray
    other_to_pass: np.ndarray
    olt: np.ndarray
    drops: np.ndarray
    onts: np.ndarray
    build_years: int


def _profiled(
    capex: NetworkCapex, params: FinanceParams, factors: Factors, n_years: int
) -> _Timing:
    """One take-up curve for every cohort; capex to pass on the build profile."""
    shares = build_shares(params, n_years)
    base = connected_share(takeup_curve(params, n_years), shares)
    passed = np.cumsum(shares)
    lines = capex.homes_passed * np.minimum(_column(factors.takeup) * base, passed)
    new, gross = new_and_gross(lines, params.churn_per_year)
    other = capex.cables_eur + capex.splitters_eur + capex.cabinets_eur
    return _Timing(
        shares=shares,
        lines=lines,
        new=new,
        gross=gross,
        civil=capex.civil_eur * shares,
        other_to_pass=other * shares,
        olt=capex.olt_eur * shares,
        drops=capex.drop_per_connection_eur * new,
        onts=capex.ont_per_connection_eur * new,
        build_years=len(params.build_profile),
    )


def _phased(capex: NetworkCapex, params: FinanceParams, factors: Factors, n_years: int) -> _Timing:
    """Each phase in its year, on its own take-up curve; each layer spread as the phases'."""
    phases = capex.phases
    late = [p.year for p in phases if p.year >= n_years]
    if late:
        msg = f"a phase is built in year {max(late)}, beyond the {n_years} years of the analysis"
        raise FinanceParameterError(msg)
    homes = np.array([p.homes_passed for p in phases], dtype=float)
    built = np.zeros((len(phases), n_years))
    built[np.arange(len(phases)), [p.year for p in phases]] = 1.0
    curve = takeup_curve(params, n_years)
    level = float(curve.max()) if curve.max() > 0 else 1.0
    rows = []
    for phase, start in zip(phases, built, strict=True):
        scale = 1.0 if phase.takeup_saturation is None else phase.takeup_saturation / level
        rows.append(np.convolve(start, curve * scale)[:n_years])
    base = np.array(rows)  # (P, T): connected share of each phase's homes
    passed = np.cumsum(built, axis=-1)
    takeup = _column(factors.takeup)
    if isinstance(takeup, np.ndarray):
        takeup = takeup[..., np.newaxis]
    per_phase = homes[:, np.newaxis] * np.minimum(takeup * base, passed)
    new_p, gross_p = new_and_gross(per_phase, params.churn_per_year)

    def spread(field: str) -> np.ndarray:
        weights = np.array([getattr(p, field) for p in phases], dtype=float)
        if weights.sum() <= 0:
            weights = homes
        return weights / weights.sum()

    def by_year(field: str) -> np.ndarray:
        return float(getattr(capex, field)) * (spread(field) @ built)

    def per_connection(field: str) -> np.ndarray:
        unit = float(getattr(capex, field)) * spread(field) / homes
        return np.einsum("p,...pt->...t", unit, new_p)

    other = by_year("cables_eur") + by_year("splitters_eur") + by_year("cabinets_eur")
    return _Timing(
        shares=homes @ built / homes.sum(),
        lines=per_phase.sum(axis=-2),
        new=new_p.sum(axis=-2),
        gross=gross_p.sum(axis=-2),
        civil=by_year("civil_eur"),
        other_to_pass=other,
        olt=by_year("olt_eur"),
        drops=per_connection("drops_eur"),
        onts=per_connection("ont_eur"),
        build_years=max(p.year for p in phases) + 1,
    )


def price_index(params: FinanceParams, n_years: int) -> np.ndarray:
    """General inflation index of each year: ``(1 + i) ** (start_year - price_base_year + t)``.

    Examples
    --------
    >>> p = FinanceParams(inflation_per_year=0.1, start_year=2027, price_base_year=2026)
    >>> price_index(p, 2).round(4).tolist()
    [1.1, 1.21]
    """
    lag = params.start_year - params.price_base_year
    return (1.0 + params.inflation_per_year) ** (lag + np.arange(n_years, dtype=float))


def reporting_capex(capex: NetworkCapex, params: FinanceParams) -> NetworkCapex:
    """The capex converted to the reporting currency (``capex_exchange_rate``).

    Examples
    --------
    >>> c = NetworkCapex(homes_passed=10, civil_eur=100.0)
    >>> reporting_capex(c, FinanceParams(capex_currency="USD", capex_exchange_rate=0.9)).civil_eur
    90.0
    """
    rate = params.capex_exchange_rate
    if rate == 1.0:
        return capex
    amounts = [n for n in type(capex).model_fields if n.endswith("_eur")]
    return capex.scaled(**dict.fromkeys(amounts, rate))


def with_reinvestment(initial_eur: np.ndarray, lifetime_years: int) -> np.ndarray:
    """Add the replacement of each year's purchases after `lifetime_years`.

    Equipment bought in year ``y`` is bought again in ``y + L``, ``y + 2L``,
    ... within the analysis years, at the same cost in the money the amounts
    are given in (the ledger gives base-year money, then applies the capex
    index of the year of purchase).

    Examples
    --------
    >>> with_reinvestment(np.array([10.0, 5.0, 0.0, 0.0, 0.0]), 2).tolist()
    [10.0, 5.0, 10.0, 5.0, 10.0]
    """
    initial = np.asarray(initial_eur, dtype=float)
    out = initial.copy()
    n_years = initial.shape[-1]
    shift = lifetime_years
    while shift < n_years:
        out[..., shift:] += initial[..., : n_years - shift]
        shift += lifetime_years
    return out
