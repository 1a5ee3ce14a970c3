"""Shared fixtures of the business-model tests."""

from __future__ import annotations

from typing import Any

import pytest

from models import FinanceParams, NetworkCapex, ServiceProvider

_ZERO_COSTS: dict[str, Any] = {
    "churn_per_year": 0.0,
    "passive_connection_fee_eur": 0.0,
    "bitstream_connection_fee_eur": 0.0,
    "passive_opex_share_of_capex": 0.0,
    "passive_opex_eur_per_line_month": 0.0,
    "passive_opex_eur_per_km_year": 0.0,
    "active_opex_share_of_capex": 0.0,
    "active_opex_eur_per_line_month": 0.0,
    "active_opex_fixed_eur_per_year": 0.0,
    "retail_opex_eur_per_line_month": 0.0,
    "acquisition_cost_eur_per_gross_add": 0.0,
    "retail_opex_fixed_eur_per_year": 0.0,
    "handover_opex_eur_per_year": 0.0,
    "onboarding_cost_eur_per_operator": 0.0,
    "transaction_cost_eur_per_gross_add": 0.0,
    "opex_growth_per_year": 0.0,
    # The hand-worked cases count in one money, value the years from their start
    # and stop at the horizon; the tests of those conventions switch them on.
    "inflation_per_year": 0.0,
    "terminal_value": "none",
    "timing": "start_of_year",
}


@pytest.fixture
def zero_costs() -> dict[str, Any]:
    """Inputs that switch off every cost and fee except those a test sets."""
    return dict(_ZERO_COSTS)


@pytest.fixture
def hand_params() -> FinanceParams:
    """The small case of test_hand_case.py (see its docstring)."""
    rates = {
        f"{who}_discount_rate": 0.1
        for who in ("operator", "pip", "np", "network_owner", "city", "value_chain")
    }
    horizons = {
        f"{who}_horizon_years": 3 for who in ("operator", "pip", "np", "network_owner", "city")
    }
    inputs = {
        **_ZERO_COSTS,
        **rates,
        **horizons,
        "passive_opex_eur_per_line_month": 1.0,
    }
    return FinanceParams(
        **inputs,
        service_providers=[
            ServiceProvider(name="SP", market_share=1.0, discount_rate=0.1, horizon_years=3)
        ],
        build_profile=[1.0],
        takeup_by_year=[0.0, 0.5],
        arpu_eur_per_month=40.0,
        passive_fee_eur_per_month=10.0,
        bitstream_fee_eur_per_month=20.0,
    )


@pytest.fixture
def hand_capex() -> NetworkCapex:
    """The small case of test_hand_case.py."""
    return NetworkCapex(
        homes_passed=100, civil_eur=10_000.0, drops_eur=20_000.0, olt_eur=1_000.0, ont_eur=5_000.0
    )


@pytest.fixture
def example_capex() -> NetworkCapex:
    return NetworkCapex.example()


@pytest.fixture
def default_params() -> FinanceParams:
    return FinanceParams()


@pytest.fixture
def busy_params() -> FinanceParams:
    """Every mechanism switched on: three providers, growth, churn, overlays."""
    return FinanceParams(
        service_providers=[
            ServiceProvider(name="A", market_share=0.5, discount_rate=0.1, horizon_years=15),
            ServiceProvider(name="B", market_share=0.3),
            ServiceProvider(name="C", market_share=0.2, horizon_years=25),
        ],
        build_profile=[0.3, 0.4, 0.3],
        arpu_growth_per_year=0.01,
        wholesale_price_growth_per_year=-0.01,
        opex_growth_per_year=0.03,
        churn_per_year=0.15,
        vertical_market_share=0.7,
        olt_lifetime_years=6,
        ont_lifetime_years=5,
        passive_lifetime_years=12,
        grant_share_of_passive_capex=0.3,
        concession_fee_share_of_revenue=0.05,
        concession_fee_min_eur_per_year=40_000.0,
        ppp_public_equity_share=0.25,
        pip_horizon_years=30,
    )
