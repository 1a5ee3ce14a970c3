"""Directional checks of Table 5 (seed 000) with the default figures.

docs/models.md reports these results and says under which inputs each
claim holds or fails; the tests keep the documentation honest.
"""

from __future__ import annotations

import pytest

from models import FinanceParams, NetworkCapex, check_claims
from models.claims import (
    active_shared_extra_margin,
    more_providers_share_badly,
    passive_owner_half_of_revenue,
)


def test_claims_at_the_defaults() -> None:
    results = {c.name: c for c in check_claims()}
    assert not results["passive_owner_half_of_revenue"].holds
    # With prices, opex and capex on one price basis, owning the active layer too
    # pays, narrowly (it did not when only opex followed inflation).
    assert results["active_shared_extra_margin"].holds
    assert results["more_providers_share_badly"].holds
    for claim in results.values():
        assert "Table 5" in claim.source
        assert claim.measure and claim.condition
        assert set(claim.row()) == {"claim", "holds", "measure", "condition", "source"}


def test_passive_owner_keeps_about_half_only_at_a_high_passive_fee(
    example_capex: NetworkCapex,
) -> None:
    p = FinanceParams()
    default = passive_owner_half_of_revenue(example_capex, p)
    assert default.values["pip_revenue_share"] == pytest.approx(13 / 40)
    # Even the cost-based fee leaves the PIP well below half of the revenue.
    cost_based = default.values["cost_based_passive_fee_eur_per_month"]
    assert 0.2 * 40 < cost_based < 0.4 * 40
    # The stated condition: a passive fee of 40-60 % of ARPU.
    assert passive_owner_half_of_revenue(
        example_capex, p.updated(passive_fee_eur_per_month=20.0)
    ).holds
    assert not passive_owner_half_of_revenue(
        example_capex, p.updated(passive_fee_eur_per_month=15.0)
    ).holds


def test_active_shared_margin_holds_above_the_stated_bitstream_fee(
    example_capex: NetworkCapex,
) -> None:
    p = FinanceParams()
    default = active_shared_extra_margin(example_capex, p)
    threshold = default.values["breakeven_bitstream_fee_eur_per_month"]
    # The default fee is less than 2 EUR above the threshold.
    assert p.bitstream_fee_eur_per_month - 2.0 < threshold < p.bitstream_fee_eur_per_month
    assert default.values["incremental_capex_share"] <= 0.25
    above = active_shared_extra_margin(
        example_capex, p.updated(bitstream_fee_eur_per_month=threshold + 0.5)
    )
    below = active_shared_extra_margin(
        example_capex, p.updated(bitstream_fee_eur_per_month=threshold - 0.5)
    )
    assert above.holds and not below.holds
    assert above.values["incremental_npv_eur"] > 0 > below.values["incremental_npv_eur"]


def test_more_providers_cost_more_in_passive_shared(example_capex: NetworkCapex) -> None:
    result = more_providers_share_badly(example_capex, FinanceParams())
    v = result.values
    npvs = [v[f"value_chain_npv_passive_shared_{n}_sp_eur"] for n in (1, 2, 3, 4)]
    assert npvs == sorted(npvs, reverse=True)
    assert (
        v["value_chain_loss_per_provider_passive_shared_eur"]
        > v["value_chain_loss_per_provider_active_shared_eur"]
    )


def test_more_providers_claim_fails_without_duplicated_active_costs(
    example_capex: NetworkCapex,
) -> None:
    # No fixed OLT part and no fixed active opex: nothing is duplicated, while
    # bitstream buyers still pay hand-over costs.
    p = FinanceParams(olt_fixed_share=0.0, active_opex_fixed_eur_per_year=0.0)
    assert not more_providers_share_badly(example_capex, p).holds
