"""Engagement models of seed 001 mapped onto the four business models."""

from __future__ import annotations

import pytest

from models import (
    ENGAGEMENT_MODELS,
    FinanceParameterError,
    FinanceParams,
    NetworkCapex,
    engagement_table,
    run_engagement_model,
)
from models.presets import get_preset


def test_mapping() -> None:
    assert {name: p.model for name, p in ENGAGEMENT_MODELS.items()} == {
        "private": "verticalized",
        "exclusive": "verticalized",
        "managed": "active_shared",
        "open": "verticalized",
    }
    for preset in ENGAGEMENT_MODELS.values():
        assert preset.quote and preset.mapping


def test_presets_change_what_they_say(example_capex: NetworkCapex) -> None:
    private = run_engagement_model(example_capex, "private")
    exclusive = run_engagement_model(example_capex, "exclusive")
    managed = run_engagement_model(example_capex, "managed")
    open_ = run_engagement_model(example_capex, "open")
    assert list(private.actors) == ["operator"]
    # The exclusive right is paid for: the city gets what the operator loses.
    assert exclusive.actors["city"].revenue_share == pytest.approx(0.05)
    assert exclusive.actors["operator"].npv_eur < private.actors["operator"].npv_eur
    assert exclusive.value_chain_npv_eur == pytest.approx(private.value_chain_npv_eur)
    assert list(managed.actors) == ["PIP+NP", "SP1", "SP2", "city"]
    # Two networks overbuild the district: half the lines, the same network cost.
    assert open_.lines.max() == pytest.approx(0.5 * private.lines.max())
    assert open_.actors["operator"].npv_eur < private.actors["operator"].npv_eur


def test_inputs_already_set_are_kept(example_capex: NetworkCapex) -> None:
    params = FinanceParams(concession_fee_share_of_revenue=0.2, vertical_market_share=0.3)
    _, exclusive = get_preset("exclusive").apply(params)
    assert exclusive.concession_fee_share_of_revenue == 0.2
    _, open_ = get_preset("Open").apply(params)
    assert open_.vertical_market_share == 0.3


def test_engagement_table(example_capex: NetworkCapex) -> None:
    rows = engagement_table(example_capex)
    assert [r["preset"] for r in rows if r["actor"] == "value chain"] == list(ENGAGEMENT_MODELS)
    assert all("npv_eur" in r for r in rows)


def test_unknown_preset() -> None:
    with pytest.raises(FinanceParameterError, match="known: private, exclusive, managed, open"):
        get_preset("municipal")
