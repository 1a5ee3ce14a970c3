"""Tornado sensitivity."""

from __future__ import annotations

import pytest

from models import FinanceParameterError, FinanceParams, NetworkCapex, run_model, tornado


def test_default_tornado_is_sorted_and_consistent(example_capex: NetworkCapex) -> None:
    result = tornado(example_capex, FinanceParams(), model="verticalized", actor="operator")
    swings = [b.swing_eur for b in result.bars]
    assert swings == sorted(swings, reverse=True)
    assert result.base_npv_eur == pytest.approx(
        run_model(example_capex, FinanceParams(), "verticalized").npv_eur("operator")
    )
    names = [b.name for b in result.bars]
    # Wholesale prices play no part in the verticalized model.
    assert "passive_fee_eur_per_month" in result.unaffected
    assert "bitstream_fee_eur_per_month" in result.unaffected
    # Take-up matters more than most inputs (Yankee Group 2009).
    assert names.index("takeup_saturation") < names.index("olt_eur")
    for bar in result.bars:
        assert bar.low_value <= bar.base_value <= bar.high_value


def test_each_bar_is_a_one_at_a_time_run(example_capex: NetworkCapex) -> None:
    p = FinanceParams()
    result = tornado(
        example_capex, p, "separated", "PIP", inputs=["passive_fee_eur_per_month", "civil_eur"]
    )
    fee = next(b for b in result.bars if b.name == "passive_fee_eur_per_month")
    low = run_model(example_capex, p.updated(passive_fee_eur_per_month=fee.low_value), "separated")
    assert fee.npv_low_eur == pytest.approx(low.npv_eur("PIP"))
    civil = next(b for b in result.bars if b.name == "civil_eur")
    high = run_model(example_capex.scaled(civil_eur=1.2), p, "separated")
    assert civil.npv_high_eur == pytest.approx(high.npv_eur("PIP"))
    assert civil.npv_high_eur < civil.npv_low_eur


def test_stated_ranges_and_bounds(example_capex: NetworkCapex) -> None:
    p = FinanceParams(takeup_saturation=0.9)
    result = tornado(
        example_capex,
        p,
        inputs=["takeup_saturation", "arpu_eur_per_month"],
        ranges={"arpu_eur_per_month": (30.0, 45.0)},
        relative_range=0.3,
    )
    bars = {b.name: b for b in result.bars}
    assert (bars["arpu_eur_per_month"].low_value, bars["arpu_eur_per_month"].high_value) == (
        30.0,
        45.0,
    )
    # 0.9 * 1.3 is clipped to 100 % take-up.
    assert bars["takeup_saturation"].high_value == 1.0
    assert bars["takeup_saturation"].low_value == pytest.approx(0.63)
    assert result.relative_range == 0.3


def test_discount_rate_of_the_evaluated_actor(example_capex: NetworkCapex) -> None:
    p = FinanceParams()
    sp = tornado(example_capex, p, "active_shared", "SP1", inputs=["discount_rate"])
    assert sp.bars[0].title == "Discount rate (SP1)"
    assert sp.bars[0].base_value == p.service_providers[0].discount_rate
    chain = tornado(example_capex, p, "separated", inputs=["discount_rate"])
    assert chain.actor == "value chain"
    assert chain.bars[0].base_value == p.value_chain_discount_rate
    # A higher rate lowers the NPV of an investment with late returns.
    assert chain.bars[0].npv_high_eur < chain.bars[0].npv_low_eur


def test_integer_inputs_and_explicit_curves(example_capex: NetworkCapex) -> None:
    p = FinanceParams(takeup_by_year=[0.0, 0.2, 0.4])
    result = tornado(
        example_capex, p, inputs=["olt_lifetime_years", "takeup_saturation"], relative_range=0.25
    )
    bars = {b.name: b for b in result.bars}
    assert bars["olt_lifetime_years"].low_value == 8.0
    assert bars["takeup_saturation"].base_value == 0.4
    assert bars["takeup_saturation"].high_value == pytest.approx(0.5)
    assert len(result.rows()) == 2 and result.rows()[0]["model"] == "verticalized"


def test_tornado_errors(example_capex: NetworkCapex) -> None:
    with pytest.raises(FinanceParameterError, match="unknown tornado input 'price'"):
        tornado(example_capex, inputs=["price"])
    with pytest.raises(FinanceParameterError, match="not a number"):
        tornado(example_capex, inputs=["mc_arpu"])
    with pytest.raises(FinanceParameterError, match="relative_range"):
        tornado(example_capex, relative_range=1.5)
    with pytest.raises(FinanceParameterError, match="ranges given for inputs not in"):
        tornado(example_capex, inputs=["civil_eur"], ranges={"olt_eur": (1.0, 2.0)})


def test_zero_based_inputs_swing_by_an_absolute_step(example_capex: NetworkCapex) -> None:
    # ARPU growth is 0 at the defaults: it moves by -+2 points, not "unaffected".
    t = tornado(
        example_capex,
        FinanceParams(),
        model="verticalized",
        actor="operator",
        inputs=["arpu_growth_per_year", "grant_share_of_passive_capex"],
    )
    bars = {b.name: b for b in t.bars}
    growth = bars["arpu_growth_per_year"]
    assert (growth.low_value, growth.high_value, growth.range_kind) == (-0.02, 0.02, "absolute")
    assert growth.npv_low_eur < t.base_npv_eur < growth.npv_high_eur
    # A grant share cannot go below 0: its range is 0 to 10 points.
    grant = bars["grant_share_of_passive_capex"]
    assert (grant.low_value, grant.high_value) == (0.0, 0.1)
    assert grant.npv_high_eur > grant.npv_low_eur
    assert t.unaffected == ()
