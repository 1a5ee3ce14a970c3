"""Labels every output shares: the price basis, timing, currency and context of the figures.

Kept apart from the charts and the workbook so that tables, the Monte Carlo
and the tornado can state their basis without importing Matplotlib or
openpyxl.
"""

from __future__ import annotations

from models.finance import TIMING_TEXT
from models.params import FinanceParams


def basis_text(params: FinanceParams) -> str:
    """One line that states the price basis, timing and currency of every figure.

    Examples
    --------
    >>> basis_text(FinanceParams())
    'EUR, nominal (2.0 % inflation a year, prices of 2027), mid-year discounting'
    """
    return (
        (
            f"{params.currency}, {params.price_basis} ({params.inflation_per_year:.1%} inflation a "
            f"year, prices of {params.price_base_year}), {TIMING_TEXT[params.timing]}"
        )
        .replace("%", " %")
        .replace("  %", " %")
    )


def context_text(params: FinanceParams, label: str = "") -> str:
    """One line stating what every figure of the business case rests on.

    Examples
    --------
    >>> context_text(FinanceParams(), "Balzers")  # doctest: +NORMALIZE_WHITESPACE
    'Balzers · rates: integrated operator 8 %, infrastructure owner 5 %, network operator 7 %,
    both layers 6 %, providers 9 %, value chain 7 % · 20-year horizon · EUR, nominal (2.0 %
    inflation a year, prices of 2027), mid-year discounting · terminal value: book value'
    """
    sps = sorted({f"{sp.discount_rate:.0%}" for sp in params.service_providers})
    rates = (
        f"rates: integrated operator {params.operator_discount_rate:.0%}, infrastructure owner "
        f"{params.pip_discount_rate:.0%}, network operator {params.np_discount_rate:.0%}, both "
        f"layers {params.network_owner_discount_rate:.0%}, providers {'/'.join(sps)}, value "
        f"chain {params.value_chain_discount_rate:.0%}"
    ).replace("%", " %")
    horizons = sorted(
        {
            params.operator_horizon_years,
            params.pip_horizon_years,
            params.np_horizon_years,
            params.network_owner_horizon_years,
            *(sp.horizon_years for sp in params.service_providers),
        }
    )
    horizon = "/".join(str(h) for h in horizons) + "-year horizon"
    tv = f"terminal value: {params.terminal_value.replace('_', ' ')}"
    parts = [label, rates, horizon, basis_text(params), tv]
    return " · ".join(p for p in parts if p)
