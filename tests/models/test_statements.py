"""Hand-worked cases of the finance a committee asks for: loans, tax, terminal value, timing.

The small case of test_hand_case.py (100 homes, three years, 10 %) again:
the PIP of Separated pays 10,000 to pass in year 0 and 10,000 of drops in
year 1 (passive lifetime 40 years), and earns 5,400 a year from year 1
(fees 6,000 less opex 600); its cash flow is -10,000, -4,600, 5,400.
"""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest

from models import FinanceParams, NetworkCapex, compare, run_model
from models.debt import schedule
from models.params import DebtTranche
from models.tax import straight_line, tax_with_losses

PIP_FLOWS = np.array([-10_000.0, -4_600.0, 5_400.0])
PIP_NPV_EUR = -10_000 - 4_600 / 1.1 + 5_400 / 1.21


def test_annuity_loan_by_hand() -> None:
    loan = DebtTranche(rate=0.1, tenor_years=3, repayment="annuity")
    s = schedule(loan, np.array([1_000.0, 0.0, 0.0, 0.0]))
    payment = 1_000 * 0.1 / (1 - 1.1**-3)  # 402.11
    assert payment == pytest.approx(-npf.pmt(0.1, 3, 1_000))
    np.testing.assert_allclose(s.service_eur, [0.0, payment, payment, payment])
    # Interest on the balance at the end of the year before: 100, 69.79, 36.56.
    np.testing.assert_allclose(s.interest_eur, [0.0, 100.0, 69.7885, 36.5559], atol=1e-4)
    assert s.balance_eur[-1] == pytest.approx(0.0, abs=1e-9)
    # Interest and principal of each payment as numpy-financial splits them.
    periods = np.arange(1, 4)
    np.testing.assert_allclose(s.interest_eur[1:], -npf.ipmt(0.1, periods, 3, 1_000))
    np.testing.assert_allclose(s.principal_eur[1:], -npf.ppmt(0.1, periods, 3, 1_000))
    # At its own rate the lender's cash flow is worth nothing.
    assert npf.npv(0.1, -s.net_to_borrower_eur) == pytest.approx(0.0, abs=1e-9)


def test_linear_bullet_and_grace_by_hand() -> None:
    draws = np.array([900.0, 0.0, 0.0, 0.0, 0.0])
    linear = schedule(DebtTranche(rate=0.1, tenor_years=3, repayment="linear"), draws)
    np.testing.assert_allclose(linear.principal_eur, [0, 300, 300, 300, 0])
    np.testing.assert_allclose(linear.interest_eur, [0, 90, 60, 30, 0])
    bullet = schedule(DebtTranche(rate=0.1, tenor_years=3, kind="bond", repayment="bullet"), draws)
    np.testing.assert_allclose(bullet.service_eur, [0, 90, 90, 990, 0])
    # One year of grace: interest only in year 1, then an annuity over two years.
    grace = schedule(DebtTranche(rate=0.1, tenor_years=3, grace_years=1), draws)
    two_year = 900 * 0.1 / (1 - 1.1**-2)
    np.testing.assert_allclose(grace.service_eur, [0, 90, two_year, two_year, 0], atol=1e-9)
    for s in (linear, bullet, grace):
        assert npf.npv(0.1, -s.net_to_borrower_eur) == pytest.approx(0.0, abs=1e-9)


def test_depreciation_and_tax_loss_carry_forward_by_hand() -> None:
    # 100 bought in year 0, written off over 4 years: 25 a year.
    depreciation = straight_line(np.array([100.0, 0.0, 0.0, 0.0, 0.0]), 4)
    np.testing.assert_allclose(depreciation, [25, 25, 25, 25, 0])
    # EBITDA -10, 40, 60, 60, 60 -> profit -35, 15, 35, 35, 60; the loss of 35
    # covers 15 in year 1 and 20 of year 2; tax at 25 %: 0, 0, 3.75, 8.75, 15.
    profit = np.array([-10.0, 40.0, 60.0, 60.0, 60.0]) - depreciation
    tax, losses = tax_with_losses(profit, 0.25)
    np.testing.assert_allclose(tax, [0, 0, 3.75, 8.75, 15])
    np.testing.assert_allclose(losses, [35, 20, 0, 0, 0])


def test_tax_in_the_hand_case(hand_capex: NetworkCapex, hand_params: FinanceParams) -> None:
    p = hand_params.updated(corporate_tax_rate=0.25)
    result = run_model(hand_capex, p, "separated")
    pip = result.actors["PIP"]
    st = pip.valuation.statements
    # Depreciation over 40 years: 250 in year 0, 250 + 250 from year 1.
    np.testing.assert_allclose(st.depreciation_eur, [250, 500, 500])
    np.testing.assert_allclose(st.ebitda_eur, [0, 5_400, 5_400])
    # Profit -250, 4,900, 4,900; the loss of year 0 lowers year 1's tax.
    np.testing.assert_allclose(st.tax_eur, [0, 0.25 * 4_650, 0.25 * 4_900])
    np.testing.assert_allclose(pip.cashflow_eur, PIP_FLOWS - st.tax_eur)
    # The service provider has no assets: 25 % of 12,000 from year 1.
    np.testing.assert_allclose(result.actors["SP"].cashflow_eur, [0, 9_000, 9_000])


def test_terminal_values_by_hand(hand_capex: NetworkCapex, hand_params: FinanceParams) -> None:
    def pip(**changes: object) -> float:
        return run_model(hand_capex, hand_params.updated(**changes), "separated").actors["PIP"]

    # Book value at the end of year 2: 10,000 * (1 - 3/40) + 10,000 * (1 - 2/40).
    book = pip(terminal_value="book_value")
    assert book.terminal_value_eur == pytest.approx(9_250 + 9_500)
    assert book.npv_eur == pytest.approx(PIP_NPV_EUR + 18_750 / 1.21)
    # Perpetuity: last EBITDA 5,400 less the yearly replacement 20,000 / 40,
    # no growth (no inflation), at 10 %: 4,900 / 0.1.
    perpetuity = pip(terminal_value="perpetuity")
    assert perpetuity.terminal_value_eur == pytest.approx(49_000)
    assert perpetuity.npv_eur == pytest.approx(PIP_NPV_EUR + 49_000 / 1.21)
    exit_multiple = pip(terminal_value="exit_multiple", exit_ebitda_multiple=8.0)
    assert exit_multiple.terminal_value_eur == pytest.approx(8 * 5_400)


def test_perpetuity_needs_growth_below_the_rate(
    hand_capex: NetworkCapex, hand_params: FinanceParams
) -> None:
    from models import FinanceParameterError

    p = hand_params.updated(terminal_value="perpetuity", inflation_per_year=0.12)
    with pytest.raises(FinanceParameterError, match="below the discount rate"):
        run_model(hand_capex, p, "separated")


def test_mid_year_and_end_of_year_discounting(
    hand_capex: NetworkCapex, hand_params: FinanceParams
) -> None:
    npvs = {
        timing: run_model(hand_capex, hand_params.updated(timing=timing), "separated")
        .actors["PIP"]
        .npv_eur
        for timing in ("start_of_year", "mid_year", "end_of_year")
    }
    assert npvs["start_of_year"] == pytest.approx(PIP_NPV_EUR)
    # -10,000/1.1^0.5 - 4,600/1.1^1.5 + 5,400/1.1^2.5
    assert npvs["mid_year"] == pytest.approx(
        -10_000 / 1.1**0.5 - 4_600 / 1.1**1.5 + 5_400 / 1.1**2.5
    )
    assert npvs["end_of_year"] == pytest.approx(PIP_NPV_EUR / 1.1)


def test_one_price_basis_real_equals_nominal() -> None:
    capex = NetworkCapex.example()
    base = FinanceParams(timing="start_of_year")
    nominal = compare(capex, base)
    real = compare(capex, base.updated(price_basis="real"))
    for model, result in nominal.models.items():
        for name, actor in result.actors.items():
            other = real[model].actors[name]
            assert other.npv_eur == pytest.approx(actor.npv_eur, rel=1e-9, abs=1e-6)
            if actor.irr is not None:
                # Fisher: (1 + nominal) = (1 + real) (1 + inflation).
                assert other.irr == pytest.approx((1 + actor.irr) / 1.02 - 1, rel=1e-9)
    # In real terms, prices are constant: the retail revenue per line is the ARPU.
    result = real["verticalized"]
    per_line = result.retail_revenue_eur[5:] / result.lines[5:]
    np.testing.assert_allclose(per_line, base.arpu_eur_per_month * 12)


def test_inflation_applies_to_prices_opex_and_capex_alike() -> None:
    # With no real change anywhere, inflating everything by 2 % and discounting at
    # (1.08)(1.02) - 1 gives the NPV of no inflation at 8 %.
    capex = NetworkCapex.example()
    flat = FinanceParams(inflation_per_year=0.0, timing="start_of_year", terminal_value="none")
    rate = 1.08 * 1.02 - 1
    inflated = flat.updated(inflation_per_year=0.02, operator_discount_rate=rate)
    a = run_model(capex, flat, "verticalized").actors["operator"]
    b = run_model(capex, inflated, "verticalized").actors["operator"]
    assert b.npv_eur == pytest.approx(a.npv_eur, rel=1e-9)


def test_several_irrs_are_reported() -> None:
    from models.finance import irr_roots

    # A cash flow with two sign changes and two IRRs, 10 % and 20 %.
    flows = np.array([-100.0, 230.0, -132.0])
    roots = irr_roots(flows)
    assert roots == pytest.approx([0.1, 0.2])
    for r in roots:
        assert npf.npv(r, flows) == pytest.approx(0.0, abs=1e-9)


def test_currency_and_exchange_rate(hand_capex: NetworkCapex, hand_params: FinanceParams) -> None:
    # The catalogue in EUR, the business case in CHF at 0.95 CHF per EUR.
    p = hand_params.updated(currency="CHF", capex_currency="EUR", capex_exchange_rate=0.95)
    pip = run_model(hand_capex, p, "separated").actors["PIP"]
    np.testing.assert_allclose(pip.cashflow_eur, [-9_500, -9_500 + 5_400, 5_400])
