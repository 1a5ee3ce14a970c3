"""Funding overlays: public grant, concession fee, PPP equity split."""

from __future__ import annotations

import numpy as np
import pytest

from models import FinanceParams, NetworkCapex, run_model


def test_grant_is_paid_by_the_city_to_the_passive_owner(
    hand_capex: NetworkCapex, hand_params: FinanceParams
) -> None:
    base = run_model(hand_capex, hand_params, "separated")
    granted = run_model(
        hand_capex, hand_params.updated(grant_share_of_passive_capex=0.5), "separated"
    )
    # Passive capex: 10,000 to pass in year 0, 10,000 of drops in year 1.
    np.testing.assert_allclose(granted.actors["city"].cashflow_eur, [-5_000, -5_000, 0])
    np.testing.assert_allclose(
        granted.actors["PIP"].cashflow_eur - base.actors["PIP"].cashflow_eur, [5_000, 5_000, 0]
    )
    np.testing.assert_allclose(granted.actors["NP"].cashflow_eur, base.actors["NP"].cashflow_eur)
    np.testing.assert_allclose(granted.value_chain_cashflow_eur, base.value_chain_cashflow_eur)


def test_concession_is_the_larger_of_minimum_and_share(
    hand_capex: NetworkCapex, hand_params: FinanceParams
) -> None:
    p = hand_params.updated(
        concession_fee_share_of_revenue=0.5, concession_fee_min_eur_per_year=1_000.0
    )
    result = run_model(hand_capex, p, "verticalized")
    # Operator revenue 0, 24,000, 24,000: fee max(1,000, 0), then 12,000.
    np.testing.assert_allclose(result.actors["city"].cashflow_eur, [1_000, 12_000, 12_000])
    np.testing.assert_allclose(result.actors["operator"].cashflow_eur, [-12_000, -1_100, 11_400])


def test_ppp_splits_the_owner_cash_flow(
    hand_capex: NetworkCapex, hand_params: FinanceParams
) -> None:
    base = run_model(hand_capex, hand_params, "active_shared")
    p = hand_params.updated(ppp_public_equity_share=0.25)
    result = run_model(hand_capex, p, "active_shared")
    owner = base.actors["PIP+NP"].cashflow_eur
    np.testing.assert_allclose(result.actors["PIP+NP"].cashflow_eur, 0.75 * owner)
    np.testing.assert_allclose(result.actors["city"].cashflow_eur, 0.25 * owner)
    assert result.actors["city"].npv_eur == pytest.approx(0.25 * base.actors["PIP+NP"].npv_eur)


def test_overlays_together(hand_capex: NetworkCapex, hand_params: FinanceParams) -> None:
    p = hand_params.updated(
        grant_share_of_passive_capex=0.4,
        concession_fee_share_of_revenue=0.1,
        ppp_public_equity_share=0.5,
    )
    result = run_model(hand_capex, p, "separated")
    # PIP before PPP: grant +4,000 / +4,000; concession 10 % of 6,000 fee income.
    before = np.array([-10_000 + 4_000, -4_600 + 4_000 - 600, 5_400 - 600])
    np.testing.assert_allclose(result.actors["PIP"].cashflow_eur, 0.5 * before)
    city = np.array([-4_000, -4_000 + 600, 600]) + 0.5 * before
    np.testing.assert_allclose(result.actors["city"].cashflow_eur, city)
    assert result.actors["city"].actor.discount_rate == p.city_discount_rate
