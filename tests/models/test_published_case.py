"""A published FTTH business case sheet, reproduced from its disclosed inputs.

Source (docs/models.md, "A published business case"): a public FTTH
business case spreadsheet (Google Sheets,
docs.google.com/spreadsheets/d/1shoFrDwd8KMUiAm3C11csPqtSrauCEWm). Inputs:
9,000 homes; passing cost 1,300 $ per home, all in year 0; install cost 700 $
per new connection; ARPU 70 $ per month; variable costs 10 % of revenue;
penetration 10 % in years 1-2, 35 % in years 3-4, 60 % in years 5-6, 90 % in
years 7-20; discount rate 10 %. Published: the yearly net cash flow column
(-11,700,000; 50,400; 680,400; 806,400; 2,381,400; 2,507,400; 4,082,400;
4,233,600; then 6,123,600 a year) and an IRR of 22 %.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy_financial as npf
import pytest

from models import FinanceParams, NetworkCapex, run_model

PUBLISHED_CASH_FLOW = np.array(
    [-11_700_000, 50_400, 680_400, 806_400, 2_381_400, 2_507_400, 4_082_400, 4_233_600]
    + [6_123_600] * 13,
    dtype=float,
)
PUBLISHED_IRR = 0.22


def test_published_business_case_is_reproduced(zero_costs: dict[str, Any]) -> None:
    penetration = [0.0, 0.1, 0.1, 0.35, 0.35, 0.6, 0.6] + [0.9] * 14
    capex = NetworkCapex(homes_passed=9_000, civil_eur=9_000 * 1_300.0, drops_eur=9_000 * 700.0)
    # Variable costs of 10 % of revenue at a flat ARPU: 7 $ per line and month.
    inputs = {**zero_costs, "retail_opex_eur_per_line_month": 7.0}
    params = FinanceParams(
        **inputs,
        currency="USD",
        capex_currency="USD",
        build_profile=[1.0],
        takeup_by_year=penetration,
        arpu_eur_per_month=70.0,
        operator_discount_rate=0.10,
        operator_horizon_years=21,
    )
    operator = run_model(capex, params, "verticalized").actors["operator"]
    np.testing.assert_allclose(operator.cashflow_eur, PUBLISHED_CASH_FLOW, rtol=1e-12)
    # The published IRR, rounded to a whole percent, within 0.5 points.
    assert operator.irr is not None
    assert abs(operator.irr - PUBLISHED_IRR) < 0.005
    # The sheet states no NPV; its cash flows at its 10 % give this one to 0.5 %.
    published_npv = npf.npv(0.10, PUBLISHED_CASH_FLOW)
    assert operator.npv_eur == pytest.approx(published_npv, rel=0.005)
    assert published_npv == pytest.approx(19_495_742.76, abs=0.01)
