"""The invariants of docs/models.md with financing, tax and every overlay switched on.

Whatever the debt, tax and funding, money only moves between the actors, the
lenders, the tax authority and the outside world: summed over all of them,
the flows are the ledger's flows with the outside world. Each actor's balance
sheet balances in every year.
"""

from __future__ import annotations

import numpy as np
import pytest

from models import MODELS, FinanceParams, NetworkCapex
from models.cashflows import build_ledger
from models.drivers import build_drivers
from models.params import DebtTranche
from models.valuation import value_actors


@pytest.fixture
def financed(busy_params: FinanceParams) -> FinanceParams:
    return busy_params.updated(
        debt=[
            DebtTranche(name="senior", borrower="passive owner", share_of_capex=0.7, grace_years=2),
            DebtTranche(
                name="equipment", borrower="active owner", share_of_capex=0.5, repayment="linear"
            ),
            DebtTranche(
                name="bond", borrower="A", amount_eur=100_000.0, kind="bond", repayment="bullet"
            ),
        ],
        corporate_tax_rate=0.25,
        tax_loss_carry_forward_years=5,
        subsidy_eur_per_home_passed=100.0,
        subscriber_connection_charge_eur=150.0,
        opex_eur_per_home_passed_year=4.0,
        backhaul_eur_per_step_year=20_000.0,
        opex_contingency_share=0.05,
        price_base_year=2025,
    )


@pytest.mark.parametrize("model", list(MODELS))
def test_money_moves_only_between_actors_lenders_and_tax(
    model: str, financed: FinanceParams
) -> None:
    capex = NetworkCapex.example().model_copy(update={"poles": 120})
    drivers = build_drivers(capex, financed)
    ledger = build_ledger(MODELS[model], drivers, capex, financed)
    values = value_actors(ledger, drivers, financed)
    statements = [v.statements for v in values.values()]
    to_equity = sum(st.equity_cash_flow_eur for st in statements)
    lenders = sum(-st.debt.net_to_borrower_eur for st in statements)
    tax = sum(st.tax_eur for st in statements)
    np.testing.assert_allclose(to_equity + lenders + tax, ledger.value_chain(), atol=1e-5)
    # Somebody borrows in every model, and pays tax.
    assert any(np.any(st.debt.draws_eur > 0) for st in statements)
    assert np.sum(tax) > 0


@pytest.mark.parametrize("model", list(MODELS))
def test_every_balance_sheet_balances(model: str, financed: FinanceParams) -> None:
    capex = NetworkCapex.example()
    drivers = build_drivers(capex, financed)
    ledger = build_ledger(MODELS[model], drivers, capex, financed)
    for value in value_actors(ledger, drivers, financed).values():
        st = value.statements
        # Equity = what shareholders put in less what they took out plus the profits
        # kept; the PPP partner's share counts as a distribution.
        paid_out = st.equity_cash_flow_eur - st.ppp_eur
        kept = np.cumsum(st.net_income_eur - paid_out)
        np.testing.assert_allclose(kept, st.equity_book_eur, atol=1e-4)
        assert np.all(st.fixed_assets_eur >= -1e-6)
        assert np.all(st.debt_eur >= -1e-6)


def test_debt_changes_equity_not_project_value(financed: FinanceParams) -> None:
    capex = NetworkCapex.example()
    no_debt = financed.updated(debt=[])
    drivers = build_drivers(capex, financed)
    for model in MODELS:
        with_loans = value_actors(
            build_ledger(MODELS[model], drivers, capex, financed), drivers, financed
        )
        without = value_actors(
            build_ledger(MODELS[model], drivers, capex, no_debt), drivers, no_debt
        )
        for name, value in with_loans.items():
            # The project cash flow is the same with or without loans.
            np.testing.assert_allclose(
                value.project_cash_flow_eur, without[name].project_cash_flow_eur, atol=1e-6
            )
