"""The checks of economics.md on every model: payments cancel, shares match prices."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest

from models import MODELS, FinanceParams, FlowKind, NetworkCapex, compare, run_model
from models.drivers import build_drivers

MODEL_NAMES = list(MODELS)


def _reinvest(initial: np.ndarray, lifetime: int) -> np.ndarray:
    out = initial.astype(float).copy()
    for start in range(lifetime, initial.size, lifetime):
        out[start:] += initial[: initial.size - start]
    return out


def expected_value_chain(model: str, capex: NetworkCapex, p: FinanceParams) -> np.ndarray:
    """Single-owner cash flow minus duplicated costs and open-access costs.

    Written from the formulas of economics.md, independently of the ledger.
    """
    d = build_drivers(capex, p)
    idx = d.cost_index
    cidx = d.capex_index
    share = p.vertical_market_share if model == "verticalized" else 1.0
    lines, new, gross = share * d.lines, share * d.new_lines, share * d.gross_adds
    months = 12.0
    revenue = (
        p.arpu_eur_per_month
        * months
        * d.price_index
        * (1 + p.arpu_growth_per_year) ** d.years
        * lines
    )
    to_pass = np.asarray(d.passive_to_pass_eur) * d.build_share
    drops = capex.drops_eur / capex.homes_passed * new
    passive = cidx * (
        _reinvest(to_pass, p.passive_lifetime_years) + _reinvest(drops, p.passive_lifetime_years)
    )
    passive += (
        p.passive_opex_share_of_capex * np.cumsum(to_pass + drops) * idx
        + p.passive_opex_eur_per_line_month * months * lines * idx
        + p.passive_opex_eur_per_km_year * capex.route_length_km * idx
    )
    olt = capex.olt_eur * d.build_share
    ont = capex.ont_eur / capex.homes_passed * new
    active = cidx * (_reinvest(olt, p.olt_lifetime_years) + _reinvest(ont, p.ont_lifetime_years))
    active += (
        p.active_opex_share_of_capex * np.cumsum(olt + ont) * idx
        + p.active_opex_eur_per_line_month * months * lines * idx
        + p.active_opex_fixed_eur_per_year * idx
    )
    retail = (
        p.retail_opex_eur_per_line_month * months * lines * idx
        + p.acquisition_cost_eur_per_gross_add * gross * idx
        + p.retail_opex_fixed_eur_per_year * idx
    )
    single_owner = revenue - passive - active - retail
    if model == "verticalized":
        return single_owner
    n = len(p.service_providers)
    first_year = np.zeros(d.n_years)
    first_year[0] = 1.0
    open_access = (
        p.onboarding_cost_eur_per_operator * (n - 1) * first_year * idx
        + p.transaction_cost_eur_per_gross_add * gross * idx
    )
    duplicated = (n - 1) * p.retail_opex_fixed_eur_per_year * idx
    if model == "passive_shared":
        extra_olt = (n - 1) * p.olt_fixed_share * olt
        duplicated = duplicated + (
            cidx * _reinvest(extra_olt, p.olt_lifetime_years)
            + p.active_opex_share_of_capex * np.cumsum(extra_olt) * idx
            + (n - 1) * p.active_opex_fixed_eur_per_year * idx
        )
    else:
        duplicated = duplicated + n * p.handover_opex_eur_per_year * idx
    return single_owner - duplicated - open_access


@pytest.mark.parametrize("model", MODEL_NAMES)
@pytest.mark.parametrize("inputs", ["default_params", "busy_params"])
def test_wholesale_payments_cancel(
    model: str, inputs: str, example_capex: NetworkCapex, request: pytest.FixtureRequest
) -> None:
    params: FinanceParams = request.getfixturevalue(inputs)
    capex = example_capex.model_copy(update={"route_length_km": 31.0})
    result = run_model(capex, params, model)
    total = sum(a.cashflow_eur for a in result.actors.values())
    expected = expected_value_chain(model, capex, params)
    np.testing.assert_allclose(total, expected, rtol=1e-10, atol=1e-6)
    np.testing.assert_allclose(result.value_chain_cashflow_eur, expected, rtol=1e-10, atol=1e-6)


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_transfers_cancel_kind_by_kind(model: str, busy_params: FinanceParams) -> None:
    result = run_model(NetworkCapex.example(), busy_params, model)
    for kind in ("wholesale_fees", "connection_fees", "grant", "concession", "ppp"):
        flows = [a.by_kind[k] for a in result.actors.values() for k in a.by_kind if k == kind]
        zero = np.zeros(result.value_chain_cashflow_eur.size)
        np.testing.assert_allclose(sum(flows, zero), 0.0, atol=1e-6)


def test_revenue_shares_match_price_ratios(default_params: FinanceParams) -> None:
    p = default_params
    arpu, pas, bs = (
        p.arpu_eur_per_month,
        p.passive_fee_eur_per_month,
        p.bitstream_fee_eur_per_month,
    )
    split = compare(NetworkCapex.example(), p).revenue_split()
    sp_shares = {sp.name: sp.market_share for sp in p.service_providers}
    assert split["verticalized"] == pytest.approx({"operator": 1.0})
    assert split["passive_shared"] == pytest.approx(
        {"PIP": pas / arpu, **{n: m * (1 - pas / arpu) for n, m in sp_shares.items()}}
    )
    assert split["active_shared"] == pytest.approx(
        {"PIP+NP": bs / arpu, **{n: m * (1 - bs / arpu) for n, m in sp_shares.items()}}
    )
    assert split["separated"] == pytest.approx(
        {
            "PIP": pas / arpu,
            "NP": (bs - pas) / arpu,
            **{n: m * (1 - bs / arpu) for n, m in sp_shares.items()},
        }
    )


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_revenue_shares_add_up_to_one(model: str, busy_params: FinanceParams) -> None:
    result = run_model(NetworkCapex.example(), busy_params, model)
    assert sum(a.revenue_share for a in result.actors.values()) == pytest.approx(1.0)


def test_concession_gives_the_city_its_share(default_params: FinanceParams) -> None:
    p = default_params.updated(concession_fee_share_of_revenue=0.1, passive_connection_fee_eur=0.0)
    split = compare(NetworkCapex.example(), p).revenue_split()
    pas = p.passive_fee_eur_per_month / p.arpu_eur_per_month
    bs = p.bitstream_fee_eur_per_month / p.arpu_eur_per_month
    assert split["verticalized"] == pytest.approx({"operator": 0.9, "city": 0.1})
    # The passive owner pays the fee on its revenue: the passive fees.
    assert split["separated"]["city"] == pytest.approx(0.1 * pas)
    assert split["separated"]["PIP"] == pytest.approx(0.9 * pas)
    assert split["separated"]["NP"] == pytest.approx(bs - pas)


@pytest.mark.parametrize("inputs", ["default_params", "busy_params"])
def test_metrics_agree_with_numpy_financial(inputs: str, request: pytest.FixtureRequest) -> None:
    params: FinanceParams = request.getfixturevalue(inputs)
    assert params.timing == "mid_year"
    comparison = compare(NetworkCapex.example(), params)
    for model in comparison.models.values():
        for actor in model.actors.values():
            h = actor.actor.horizon_years
            # The terminal value is added to the last year of the horizon.
            window = actor.cashflow_eur[:h].copy()
            window[-1] += actor.terminal_value_eur
            rate = actor.actor.discount_rate
            # Mid-year: numpy-financial's start-of-year NPV moved half a year on.
            expected = npf.npv(rate, window) / (1 + rate) ** 0.5
            assert actor.npv_eur == pytest.approx(expected)
            expected_irr = npf.irr(window)
            if np.isnan(expected_irr):
                assert actor.irr is None
            else:
                assert actor.irr == pytest.approx(expected_irr)
        chain = model.value_chain_cashflow_eur.copy()
        chain[-1] += model.value_chain_terminal_value_eur
        rate = params.value_chain_discount_rate
        assert model.value_chain_npv_eur == pytest.approx(npf.npv(rate, chain) / (1 + rate) ** 0.5)


def test_each_provider_pays_the_fixed_olt_in_passive_shared(default_params: FinanceParams) -> None:
    capex = NetworkCapex.example()
    default_params = default_params.updated(inflation_per_year=0.0)
    result = run_model(capex, default_params, "passive_shared")
    f = default_params.olt_fixed_share
    for sp in default_params.service_providers:
        olt_paid = -result.actors[sp.name].by_kind[FlowKind.CAPEX][:2].sum()
        ont_paid = sp.market_share * capex.ont_per_connection_eur * result.lines[:2].max()
        expected = capex.olt_eur * (f + (1 - f) * sp.market_share) + ont_paid
        assert olt_paid == pytest.approx(expected)


def test_actor_horizons_and_rates(busy_params: FinanceParams) -> None:
    result = run_model(NetworkCapex.example(), busy_params, "separated")
    assert result.actors["A"].actor.horizon_years == 15
    assert result.actors["A"].actor.discount_rate == 0.1
    assert result.actors["PIP"].actor.horizon_years == 30
    # Cash flows cover the longest horizon; the NPV only the actor's own.
    assert result.actors["A"].cashflow_eur.size == 30
    window = result.actors["A"].cashflow_eur[:15].copy()
    window[-1] += result.actors["A"].terminal_value_eur
    assert result.actors["A"].npv_eur == pytest.approx(npf.npv(0.1, window) / 1.1**0.5)


def test_infrastructure_competition_scales_lines_not_network(default_params: FinanceParams) -> None:
    capex = NetworkCapex.example()
    full = run_model(capex, default_params, "verticalized")
    half = run_model(capex, default_params.updated(vertical_market_share=0.5), "verticalized")
    np.testing.assert_allclose(half.lines, 0.5 * full.lines)
    np.testing.assert_allclose(half.retail_revenue_eur, 0.5 * full.retail_revenue_eur)
    # The whole network is still built.
    to_pass = capex.passive_to_pass_eur + capex.olt_eur
    for result in (full, half):
        first_years = -result.actors["operator"].by_kind[FlowKind.CAPEX][:2].sum()
        assert first_years > to_pass
    assert half.actors["operator"].npv_eur < full.actors["operator"].npv_eur
