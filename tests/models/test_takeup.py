"""Take-up curves, cohorts, first connections and gross adds."""

from __future__ import annotations

import numpy as np
import pytest

from models import FinanceParams, NetworkCapex
from models.drivers import Factors, build_drivers, with_reinvestment
from models.takeup import connected_share, logistic_takeup, new_and_gross, takeup_curve


def test_logistic_starts_at_zero_and_saturates() -> None:
    s = logistic_takeup(np.arange(60), 0.6, 1.2, 4.0)
    assert s[0] == 0.0
    assert np.all(np.diff(s) >= 0) and np.all(np.diff(s[:20]) > 0)
    assert s[-1] == pytest.approx(0.6, rel=1e-9)
    # Faster speed reaches more by the same age.
    assert logistic_takeup(np.array([6]), 0.6, 2.0, 4.0)[0] > s[6]


def test_explicit_curve_overrides_and_holds_its_last_value() -> None:
    p = FinanceParams(takeup_by_year=[0.0, 0.1, 0.3], takeup_saturation=0.9)
    np.testing.assert_allclose(takeup_curve(p, 5), [0.0, 0.1, 0.3, 0.3, 0.3])
    np.testing.assert_allclose(takeup_curve(p, 2), [0.0, 0.1])


def test_cohorts_add_up() -> None:
    curve = np.array([0.0, 0.2, 0.4, 0.4])
    shares = np.array([0.5, 0.25, 0.25, 0.0])
    # year 2: 0.5*0.4 + 0.25*0.2 + 0.25*0.0
    np.testing.assert_allclose(connected_share(curve, shares), [0.0, 0.1, 0.25, 0.35])


def test_new_lines_and_gross_adds_with_a_dip() -> None:
    new, gross = new_and_gross(np.array([[0.0, 10.0, 8.0, 12.0]]), 0.5)
    # The dip to 8 refunds nothing; 12 is 2 above the earlier peak of 10.
    np.testing.assert_allclose(new, [[0.0, 10.0, 0.0, 2.0]])
    np.testing.assert_allclose(gross, [[0.0, 15.0, 4.0, 8.0]])


def test_drivers_with_factors_per_draw() -> None:
    p = FinanceParams(
        takeup_by_year=[0.0, 0.5],
        build_profile=[1.0],
        arpu_growth_per_year=0.1,
        inflation_per_year=0.0,
    )
    capex = NetworkCapex(homes_passed=100, civil_eur=1000.0, cables_eur=10.0)
    d = build_drivers(
        capex,
        p,
        Factors(
            takeup=np.array([1.0, 4.0]),
            arpu=np.array([1.0, 0.5]),
            civil_cost=np.array([1.0, 2.0]),
            wholesale_prices=np.array([1.0, 1.5]),
        ),
    )
    assert d.lines.shape == (2, p.analysis_years)
    # Take-up is capped at all homes passed.
    np.testing.assert_allclose(d.lines[:, 1], [50.0, 100.0])
    np.testing.assert_allclose(d.arpu_eur_per_line_year[:, 1], [40 * 12 * 1.1, 20 * 12 * 1.1])
    np.testing.assert_allclose(np.ravel(d.passive_to_pass_eur), [1010.0, 2010.0])
    np.testing.assert_allclose(d.bitstream_fee_eur_per_line_year[:, 0], [240.0, 360.0])


def test_reinvestment_repeats_within_the_horizon() -> None:
    initial = np.array([[5.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]])
    np.testing.assert_allclose(with_reinvestment(initial, 3), [[5, 1, 0, 5, 1, 0, 5]])
    np.testing.assert_allclose(with_reinvestment(initial, 40), initial)
