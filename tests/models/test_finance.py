"""NPV, IRR, payback and peak funding, cross-checked with numpy-financial."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest

from models import (
    FinanceParameterError,
    annuity_factor,
    discounted_payback_year,
    irr,
    npv,
    peak_funding_eur,
)
from models.finance import discount_factors


@pytest.mark.parametrize("seed", range(5))
def test_npv_and_irr_agree_with_numpy_financial(seed: int) -> None:
    rng = np.random.default_rng(seed)
    flows = np.concatenate([[-rng.uniform(1e5, 1e6)], rng.uniform(-1e4, 2e5, size=19)])
    for rate in (0.0, 0.04, 0.08, 0.2):
        assert npv(rate, flows) == pytest.approx(npf.npv(rate, flows), rel=1e-12)
    assert irr(flows) == pytest.approx(npf.irr(flows), rel=1e-9)


def test_vectorised_npv_matches_row_by_row() -> None:
    rng = np.random.default_rng(3)
    flows = rng.normal(size=(50, 20)) * 1e5
    got = npv(0.07, flows)
    assert isinstance(got, np.ndarray)
    expected = [npf.npv(0.07, row) for row in flows]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_hand_worked_npv_irr_payback() -> None:
    flows = np.array([-1000.0, 500.0, 400.0, 300.0])
    # -1000 + 500/1.1 + 400/1.21 + 300/1.331 = -1000 + 454.55 + 330.58 + 225.39
    assert npv(0.1, flows) == pytest.approx(10.518407, abs=1e-6)
    # The IRR zeroes the NPV.
    rate = irr(flows)
    assert rate is not None
    assert npv(rate, flows) == pytest.approx(0.0, abs=1e-6)
    # Discounted balance: -1000, -545.45, -214.88, +10.52 -> pays back in year 3.
    assert discounted_payback_year(0.1, flows) == 3
    # Undiscounted: -1000, -500, -100, +200; at 20 % it never pays back.
    assert discounted_payback_year(0.0, flows) == 3
    assert discounted_payback_year(0.2, flows) is None
    assert discounted_payback_year(0.0, np.array([-10.0, 20.0, 0.0])) == 1
    assert peak_funding_eur(flows) == 1000.0


def test_irr_is_none_without_a_sign_change() -> None:
    assert irr(np.array([10.0, 20.0])) is None
    assert irr(np.array([-10.0, -20.0])) is None
    assert irr(np.zeros(5)) is None
    assert irr(np.array([-10.0])) is None


def test_payback_stays_positive_through_a_reinvestment_dip() -> None:
    flows = np.array([-100.0, 150.0, -200.0, 300.0])
    # Cumulative (rate 0): -100, 50, -150, 150: first reaches 0 in year 1, stays from year 3.
    assert discounted_payback_year(0.0, flows) == 3
    assert discounted_payback_year(0.0, np.array([-100.0, 50.0, 40.0])) is None


def test_peak_funding_vectorised() -> None:
    flows = np.array([[-5.0, -5.0, 20.0], [3.0, -1.0, 1.0]])
    np.testing.assert_array_equal(peak_funding_eur(flows), [10.0, 0.0])


def test_annuity_factor_special_cases() -> None:
    assert annuity_factor(0.0, 7) == 7.0
    assert annuity_factor(0.1, 0) == 0.0
    # PV of the annuity equals the NPV of its payments.
    payments = np.concatenate([[0.0], np.ones(20)])
    assert annuity_factor(0.05, 20) == pytest.approx(npv(0.05, payments))


@pytest.mark.parametrize("rate", [-1.0, -2.0, float("nan"), float("inf")])
def test_bad_rates_are_rejected(rate: float) -> None:
    with pytest.raises(FinanceParameterError, match="discount rate"):
        discount_factors(rate, 3)
    with pytest.raises(FinanceParameterError):
        npv(rate, np.array([1.0, 2.0]))


def test_annuity_factor_rejects_negative_years() -> None:
    with pytest.raises(FinanceParameterError, match="n_years"):
        annuity_factor(0.05, -1)
