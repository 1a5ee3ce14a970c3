"""Monte Carlo: seeded, vectorised, consistent with the deterministic model."""

from __future__ import annotations

import time

import numpy as np
import pytest

import models.montecarlo as mc_module
from models import FinanceParameterError, FinanceParams, NetworkCapex, compare, monte_carlo

FIXED = {"kind": "fixed", "low": 1.0, "mode": 1.0, "high": 1.0}


def test_fixed_distributions_reproduce_the_deterministic_npv(
    example_capex: NetworkCapex, busy_params: FinanceParams
) -> None:
    params = busy_params.updated(
        mc_takeup=FIXED, mc_arpu=FIXED, mc_civil_cost=FIXED, mc_wholesale_prices=FIXED
    )
    mc = monte_carlo(example_capex, params, n_draws=5, seed=0)
    comparison = compare(example_capex, params)
    for model, result in comparison.models.items():
        for actor, actor_result in result.actors.items():
            np.testing.assert_allclose(mc.npv_eur[model][actor], actor_result.npv_eur, rtol=1e-12)
        np.testing.assert_allclose(mc.npv_eur[model]["value chain"], result.value_chain_npv_eur)


def test_each_draw_matches_a_deterministic_run(example_capex: NetworkCapex) -> None:
    params = FinanceParams()
    mc = monte_carlo(example_capex, params, n_draws=3, seed=11)
    for i in range(3):
        f = {k: float(v[i]) for k, v in mc.factors.items()}
        curve_scale = f["takeup"]
        changed = params.updated(
            takeup_saturation=min(1.0, params.takeup_saturation * curve_scale),
            arpu_eur_per_month=params.arpu_eur_per_month * f["arpu"],
            passive_fee_eur_per_month=params.passive_fee_eur_per_month * f["wholesale_prices"],
            bitstream_fee_eur_per_month=params.bitstream_fee_eur_per_month * f["wholesale_prices"],
        )
        capex = example_capex.scaled(civil_eur=f["civil_cost"])
        expected = compare(capex, changed)
        for model in ("separated", "verticalized"):
            for actor, result in expected[model].actors.items():
                assert mc.npv_eur[model][actor][i] == pytest.approx(result.npv_eur, rel=1e-9)


def test_seeded_runs_repeat(example_capex: NetworkCapex) -> None:
    a = monte_carlo(example_capex, n_draws=200, seed=5)
    b = monte_carlo(example_capex, n_draws=200, seed=5)
    c = monte_carlo(example_capex, n_draws=200, seed=6)
    np.testing.assert_array_equal(a.npv_eur["separated"]["PIP"], b.npv_eur["separated"]["PIP"])
    assert not np.array_equal(a.npv_eur["separated"]["PIP"], c.npv_eur["separated"]["PIP"])


def test_draws_follow_the_stated_distributions(example_capex: NetworkCapex) -> None:
    mc = monte_carlo(example_capex, n_draws=20_000, seed=2)
    p = FinanceParams()
    for name, dist in (("takeup", p.mc_takeup), ("civil_cost", p.mc_civil_cost)):
        draws = mc.factors[name]
        assert draws.min() >= dist.low and draws.max() <= dist.high
        assert draws.mean() == pytest.approx((dist.low + dist.mode + dist.high) / 3, rel=0.01)


def test_chunks_give_the_same_answer(
    example_capex: NetworkCapex, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = monte_carlo(example_capex, n_draws=250, seed=3, models=["passive_shared"])
    monkeypatch.setattr(mc_module, "_CHUNK", 100)
    chunked = monte_carlo(example_capex, n_draws=250, seed=3, models=["passive_shared"])
    for actor, values in whole.npv_eur["passive_shared"].items():
        np.testing.assert_allclose(chunked.npv_eur["passive_shared"][actor], values)
    assert list(chunked.npv_eur) == ["passive_shared"]


def test_summary(example_capex: NetworkCapex, tmp_path: object) -> None:
    mc = monte_carlo(example_capex, n_draws=1000, seed=1)
    rows = mc.summary()
    assert {r["model"] for r in rows} == {
        "verticalized",
        "passive_shared",
        "active_shared",
        "separated",
    }
    for row in rows:
        assert row["p10_eur"] <= row["p50_eur"] <= row["p90_eur"]
        values = mc.npv_eur[row["model"]][row["actor"]]
        assert row["prob_loss"] == pytest.approx(float(np.mean(values < 0)))
        assert row["n_draws"] == 1000
    path = mc.to_csv(tmp_path)  # type: ignore[arg-type]
    assert path.read_text(encoding="utf-8").startswith("model,actor,mean_eur,p10_eur")


def test_bad_draw_count(example_capex: NetworkCapex) -> None:
    with pytest.raises(FinanceParameterError, match="n_draws"):
        monte_carlo(example_capex, n_draws=0)


def test_ten_thousand_draws_are_fast(example_capex: NetworkCapex) -> None:
    # The benchmark (bench/bench_models.py) measures this properly; this guards
    # against a regression to per-draw Python loops.
    start = time.perf_counter()
    monte_carlo(example_capex, n_draws=10_000, seed=1)
    assert time.perf_counter() - start < 2.0


def test_base_case_is_marked_with_its_percentile(example_capex: NetworkCapex) -> None:
    from models import run_model

    mc = monte_carlo(example_capex, n_draws=3000, seed=3, models=["separated"])
    base = run_model(example_capex, FinanceParams(), "separated").actors["PIP"].npv_eur
    assert mc.base_npv_eur is not None
    assert mc.base_npv_eur["separated"]["PIP"] == pytest.approx(base)
    below = mc.base_percentile("separated", "PIP")
    assert below == pytest.approx(float((mc.npv_eur["separated"]["PIP"] < base).mean()))
    # The default civil-cost overrun skews the draws below the base case.
    assert below is not None and below > 0.5
    row = next(r for r in mc.summary() if r["actor"] == "PIP")
    assert row["base_percentile"] == below and row["base_npv_eur"] == pytest.approx(base)


def test_takeup_and_arpu_can_be_correlated(example_capex: NetworkCapex) -> None:
    params = FinanceParams(mc_correlation_takeup_arpu=-0.6)
    mc = monte_carlo(example_capex, params, n_draws=20_000, seed=5, models=["verticalized"])
    takeup, arpu = mc.factors["takeup"], mc.factors["arpu"]
    ranks = [np.argsort(np.argsort(x)) for x in (takeup, arpu)]
    rho = np.corrcoef(*ranks)[0, 1]
    # Spearman of a Gaussian copula: (6/pi) asin(r/2), about -0.58 for -0.6.
    assert rho == pytest.approx(6 / np.pi * np.arcsin(-0.3), abs=0.02)
    # Each factor keeps its own distribution.
    assert takeup.min() >= 0.6 and takeup.max() <= 1.4
    assert np.mean(arpu) == pytest.approx((0.85 + 1.0 + 1.1) / 3, abs=0.003)
