"""A small case worked by hand, every euro traced.

100 homes passed, all in year 0; half of them connect from year 1 on. One
service provider. Capex: civil 10,000 EUR; drops 20,000 EUR for all homes
(200 EUR per connection); OLT 1,000 EUR; ONTs 5,000 EUR for all homes (50
EUR per connection). Prices per line and month: ARPU 40, passive fee 10,
bitstream 20. Passive opex 1 EUR per line and month; no other cost; three
years; every discount rate 10 %.

Lines: 0, 50, 50. First connections: 0, 50, 0.

Separated, per year:

- PIP: -10,000 (to pass); -10,000 drops + 10*12*50 fees - 1*12*50 opex =
  -4,600; 6,000 - 600 = 5,400.
- NP: -1,000 (OLT); -2,500 ONTs + (20 - 10)*12*50 = 3,500; 6,000.
- SP: 0; (40 - 20)*12*50 = 12,000; 12,000.

Verticalized: the sum, -11,000; 10,900; 23,400.
"""

from __future__ import annotations

import numpy as np
import pytest

from models import FinanceParams, NetworkCapex, compare, npv


def test_cash_flows_by_hand(hand_capex: NetworkCapex, hand_params: FinanceParams) -> None:
    flows = compare(hand_capex, hand_params).cashflows
    np.testing.assert_allclose(flows["separated"]["PIP"], [-10_000, -4_600, 5_400])
    np.testing.assert_allclose(flows["separated"]["NP"], [-1_000, 3_500, 6_000])
    np.testing.assert_allclose(flows["separated"]["SP"], [0, 12_000, 12_000])
    np.testing.assert_allclose(flows["verticalized"]["operator"], [-11_000, 10_900, 23_400])
    # Passive Shared: the SP owns the active layer and pays the passive fee.
    np.testing.assert_allclose(flows["passive_shared"]["PIP"], [-10_000, -4_600, 5_400])
    np.testing.assert_allclose(flows["passive_shared"]["SP"], [-1_000, 15_500, 18_000])
    # Active Shared: the owner has both layers and sells bitstream.
    np.testing.assert_allclose(flows["active_shared"]["PIP+NP"], [-11_000, -1_100, 11_400])
    np.testing.assert_allclose(flows["active_shared"]["SP"], [0, 12_000, 12_000])


def test_metrics_by_hand(hand_capex: NetworkCapex, hand_params: FinanceParams) -> None:
    result = compare(hand_capex, hand_params)
    pip = result["separated"].actors["PIP"]
    # -10,000 - 4,600/1.1 + 5,400/1.21 = -10,000 - 4,181.82 + 4,462.81
    assert pip.npv_eur == pytest.approx(-9_719.008, abs=1e-3)
    assert pip.payback_year is None
    assert pip.peak_funding_eur == pytest.approx(14_600.0)
    assert pip.capex_eur == pytest.approx(20_000.0)
    sp = result["separated"].actors["SP"]
    # 12,000/1.1 + 12,000/1.21
    assert sp.npv_eur == pytest.approx(20_826.446, abs=1e-3)
    assert sp.irr is None
    assert sp.payback_year == 0
    operator = result["verticalized"].actors["operator"]
    # -11,000 + 10,900/1.1 + 23,400/1.21 = -11,000 + 9,909.09 + 19,338.84
    assert operator.npv_eur == pytest.approx(18_247.934, abs=1e-3)
    assert operator.payback_year == 2
    assert result.value_chain_npv_eur["verticalized"] == pytest.approx(operator.npv_eur)


def test_revenue_split_by_hand(hand_capex: NetworkCapex, hand_params: FinanceParams) -> None:
    split = compare(hand_capex, hand_params).revenue_split()
    assert split["separated"] == pytest.approx({"PIP": 0.25, "NP": 0.25, "SP": 0.5})
    assert split["active_shared"] == pytest.approx({"PIP+NP": 0.5, "SP": 0.5})
    assert split["passive_shared"] == pytest.approx({"PIP": 0.25, "SP": 0.75})
    assert split["verticalized"] == pytest.approx({"operator": 1.0})


def test_value_chain_is_the_same_when_nothing_is_duplicated(
    hand_capex: NetworkCapex, hand_params: FinanceParams
) -> None:
    result = compare(hand_capex, hand_params)
    for model in result.models.values():
        np.testing.assert_allclose(model.value_chain_cashflow_eur, [-11_000, 10_900, 23_400])
        assert model.value_chain_npv_eur == pytest.approx(
            npv(0.1, np.array([-11_000.0, 10_900.0, 23_400.0]))
        )
