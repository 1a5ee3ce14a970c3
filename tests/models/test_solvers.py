"""Break-even solvers: cost-based wholesale fees and break-even take-up."""

from __future__ import annotations

import numpy as np
import pytest

from models import (
    FinanceParameterError,
    FinanceParams,
    NetworkCapex,
    annuity_factor,
    breakeven_bitstream_fee,
    breakeven_passive_fee,
    breakeven_takeup,
    run_model,
)
from models.finance import discount_factors


def test_cost_based_passive_fee_in_closed_form(
    hand_capex: NetworkCapex, hand_params: FinanceParams
) -> None:
    # PIP costs: 10,000 in year 0, 10,000 drops + 600 opex in year 1, 600 in year 2.
    # Fee income: 12 * 50 * P in years 1 and 2.
    # P* = PV(costs) / PV(12 * lines) at 10 %.
    df = discount_factors(0.1, 3)
    costs = np.array([10_000.0, 10_600.0, 600.0]) @ df
    lines = np.array([0.0, 600.0, 600.0]) @ df
    fee = breakeven_passive_fee(hand_capex, hand_params)
    assert fee == pytest.approx(costs / lines, rel=1e-9)


def test_annuity_price_when_take_up_is_flat() -> None:
    # All homes connect in year 1 and stay: the cost-based fee is an annuity.
    capex = NetworkCapex(homes_passed=1000, civil_eur=1_000_000.0)
    zero_opex = {
        "passive_opex_share_of_capex": 0.0,
        "passive_opex_eur_per_line_month": 0.0,
        "passive_connection_fee_eur": 0.0,
        "transaction_cost_eur_per_gross_add": 0.0,
        "onboarding_cost_eur_per_operator": 0.0,
    }
    params = FinanceParams().updated(
        build_profile=[1.0],
        takeup_by_year=[0.0, 1.0],
        inflation_per_year=0.0,
        terminal_value="none",
        **zero_opex,
    )
    fee = breakeven_passive_fee(capex, params)
    years = params.pip_horizon_years - 1
    expected = 1_000_000.0 / annuity_factor(params.pip_discount_rate, years) / 12 / 1000
    assert fee == pytest.approx(expected, rel=1e-9)


def test_breakeven_fees_zero_the_npv(example_capex: NetworkCapex) -> None:
    p = FinanceParams()
    for model in ("separated", "passive_shared"):
        fee = breakeven_passive_fee(example_capex, p, model=model)
        changed = p.updated(passive_fee_eur_per_month=fee)
        assert run_model(example_capex, changed, model).npv_eur("PIP") == pytest.approx(0, abs=1e-3)
    fee = breakeven_bitstream_fee(example_capex, p)
    changed = p.updated(bitstream_fee_eur_per_month=fee)
    assert run_model(example_capex, changed, "active_shared").npv_eur("PIP+NP") == pytest.approx(
        0, abs=1e-3
    )
    # In Separated the NP's cost-based fee sits on top of the passive fee.
    np_fee = breakeven_bitstream_fee(example_capex, p, model="separated")
    assert np_fee > p.passive_fee_eur_per_month


def test_highest_affordable_fee_for_a_buyer(example_capex: NetworkCapex) -> None:
    p = FinanceParams()
    fee = breakeven_bitstream_fee(example_capex, p, actor="SP2")
    changed = p.updated(bitstream_fee_eur_per_month=fee)
    assert run_model(example_capex, changed, "active_shared").npv_eur("SP2") == pytest.approx(
        0, abs=1e-3
    )
    assert fee > p.bitstream_fee_eur_per_month  # SP2 is profitable at the default fee


def test_breakeven_with_a_minimum_concession(example_capex: NetworkCapex) -> None:
    p = FinanceParams(
        concession_fee_min_eur_per_year=150_000.0, concession_fee_share_of_revenue=0.1
    )
    fee = breakeven_passive_fee(example_capex, p)
    changed = p.model_copy(update={"passive_fee_eur_per_month": fee})
    assert run_model(example_capex, changed, "separated").npv_eur("PIP") == pytest.approx(
        0, abs=1e-3
    )


def test_breakeven_takeup(example_capex: NetworkCapex) -> None:
    p = FinanceParams()
    s = breakeven_takeup(example_capex, p, model="verticalized", actor="operator")
    assert s is not None and 0.3 < s < p.takeup_saturation  # profitable at the default
    changed = p.updated(takeup_saturation=s)
    assert run_model(example_capex, changed, "verticalized").npv_eur("operator") == pytest.approx(
        0, abs=1e-2
    )
    # Value chain by default when actor is None.
    assert breakeven_takeup(example_capex, p, model="separated", actor=None) is not None


def test_breakeven_takeup_with_an_explicit_curve(example_capex: NetworkCapex) -> None:
    p = FinanceParams(takeup_by_year=[0.0, 0.2, 0.4, 0.5])
    s = breakeven_takeup(example_capex, p)
    assert s is not None
    scaled = p.updated(takeup_by_year=[x * s / 0.5 for x in p.takeup_by_year or []])
    assert run_model(example_capex, scaled, "verticalized").npv_eur("operator") == pytest.approx(
        0, abs=1e-2
    )


def test_breakeven_takeup_out_of_reach_and_always_met(example_capex: NetworkCapex) -> None:
    p = FinanceParams(arpu_eur_per_month=5.0)
    assert breakeven_takeup(example_capex, p) is None
    free = NetworkCapex(homes_passed=100)
    cheap = FinanceParams(retail_opex_fixed_eur_per_year=0.0, active_opex_fixed_eur_per_year=0.0)
    assert breakeven_takeup(free, cheap) == 0.0
    with pytest.raises(FinanceParameterError, match="zero everywhere"):
        breakeven_takeup(free, FinanceParams(takeup_by_year=[0.0]))


def test_solver_errors(example_capex: NetworkCapex) -> None:
    with pytest.raises(FinanceParameterError, match="passive fee plays no part in active_shared"):
        breakeven_passive_fee(example_capex, model="active_shared")
    with pytest.raises(FinanceParameterError, match="bitstream fee plays no part"):
        breakeven_bitstream_fee(example_capex, model="passive_shared")
    with pytest.raises(FinanceParameterError, match="does not cross zero"):
        breakeven_passive_fee(example_capex, actor="SP1")
    with pytest.raises(FinanceParameterError, match="unknown business model"):
        breakeven_takeup(example_capex, model="mixed")
    with pytest.raises(FinanceParameterError, match="no actor 'NP' in model active_shared"):
        breakeven_takeup(example_capex, model="active_shared", actor="NP")


def test_cost_based_fee_over_the_asset_life(example_capex: NetworkCapex) -> None:
    # The figures of issue 14 on the old basis (only opex inflating, no terminal
    # value, start-of-year): 16.3 EUR over 20 years against 11.9 over the 40-year life.
    old = FinanceParams(
        inflation_per_year=0.0,
        opex_growth_per_year=0.02,
        terminal_value="none",
        timing="start_of_year",
    )
    assert breakeven_passive_fee(example_capex, old) == pytest.approx(16.32, abs=0.01)
    life = breakeven_passive_fee(example_capex, old, over="asset_life")
    assert life == pytest.approx(11.90, abs=0.01)
    # The same as a 40-year horizon with no terminal value.
    forty = old.updated(pip_horizon_years=40)
    assert life == pytest.approx(breakeven_passive_fee(example_capex, forty), rel=1e-9)
