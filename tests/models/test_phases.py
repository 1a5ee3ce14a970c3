"""Phased roll-out: areas built year after year, each with its capex and take-up."""

from __future__ import annotations

import numpy as np
import pytest

from models import MODELS, FinanceParameterError, FinanceParams, NetworkCapex, compare
from models.cashflows import build_ledger
from models.drivers import build_drivers
from models.params import DebtTranche
from models.phases import Phase, phases_by_choice, phases_by_cost
from models.valuation import value_actors


def _halves(capex: NetworkCapex) -> list[Phase]:
    fields = ("civil_eur", "cables_eur", "splitters_eur", "cabinets_eur")
    fields += ("drops_eur", "olt_eur", "ont_eur")
    half = {f: getattr(capex, f) / 2 for f in fields}
    homes = capex.homes_passed // 2
    return [
        Phase(name="1", year=0, homes_passed=homes, **half),
        Phase(year=1, homes_passed=homes, **half),
    ]


def test_even_phases_equal_the_build_profile(example_capex: NetworkCapex) -> None:
    # The default build profile passes half the homes in each of two years: two
    # phases of half the homes and half of every layer are the same network.
    params = FinanceParams()
    assert params.build_profile == [0.5, 0.5]
    phased = NetworkCapex.from_phases(_halves(example_capex), route_length_km=25.0)
    a, b = compare(example_capex, params), compare(phased, params)
    for model in MODELS:
        for name, actor in a[model].actors.items():
            np.testing.assert_allclose(b[model].actors[name].cashflow_eur, actor.cashflow_eur)
            assert b[model].actors[name].npv_eur == pytest.approx(actor.npv_eur)


def test_each_phase_is_built_in_its_year_and_takes_up_on_its_own() -> None:
    phases = [
        Phase(year=0, homes_passed=100, civil_eur=100_000.0, drops_eur=50_000.0),
        Phase(year=3, homes_passed=300, civil_eur=600_000.0, drops_eur=90_000.0),
    ]
    capex = NetworkCapex.from_phases(phases)
    params = FinanceParams(takeup_by_year=[0.0, 0.5], build_profile=[1.0], inflation_per_year=0.0)
    d = build_drivers(capex, params)
    np.testing.assert_allclose(d.passive_build_eur[:5], [100_000, 0, 0, 600_000, 0])
    # Lines: half of phase 1 from year 1, half of phase 2 from year 4.
    np.testing.assert_allclose(d.lines[:6], [0, 50, 50, 50, 200, 200])
    # Drops per connection differ: 500 in phase 1, 300 in phase 2.
    np.testing.assert_allclose(d.drop_capex_eur[:6], [0, 25_000, 0, 0, 45_000, 0])
    assert d.build_years == 4
    # A phase of its own take-up: the second one never connects.
    quiet = NetworkCapex.from_phases(
        [phases[0], phases[1].model_copy(update={"takeup_saturation": 0.0})]
    )
    np.testing.assert_allclose(build_drivers(quiet, params).lines[:6], [0, 50, 50, 50, 50, 50])


def test_phases_ranked_by_cost_per_home() -> None:
    areas = [
        {"homes_passed": 100, "civil": 90_000.0, "olt": 1_000.0},
        {"homes_passed": 120, "civil": 30_000.0, "olt": 1_000.0},
        {"homes_passed": 80, "civil": 40_000.0, "olt": 1_000.0},
        {"homes_passed": 100, "civil": 200_000.0, "olt": 1_000.0},
    ]
    phases = phases_by_cost(areas, 2)
    assert [p.year for p in phases] == [0, 1]
    # The two cheapest per home (250 and 500 EUR of civil works) come first.
    assert phases[0].homes_passed == 200 and phases[0].civil_eur == 70_000.0
    assert phases[0].cost_per_home_passed_eur < phases[1].cost_per_home_passed_eur
    assert sum(p.homes_passed for p in phases) == 400
    chosen = phases_by_choice(areas, [2, 0, 0, 1])
    assert [(p.year, p.homes_passed) for p in chosen] == [(0, 200), (1, 100), (2, 100)]
    with pytest.raises(FinanceParameterError, match="positive"):
        phases_by_cost([{"homes_passed": 0}], 1)


def test_phases_from_a_plan_summary() -> None:
    layers = {"civil": 7e5, "cables": 1e5, "splitters": 2e4, "cabinets": 3e4}
    layers |= {"drops": 2e5, "olt": 5e4, "ont": 8e4}
    summary = {
        "homes": {"passed": 1000},
        "capex_eur": {"by_layer": layers},
        "phases": [
            {"year": 0, "homes_passed": 600, "capex_eur": {k: v * 0.5 for k, v in layers.items()}},
            {"year": 2, "homes_passed": 400, "capex_eur": {k: v * 0.5 for k, v in layers.items()}},
        ],
    }
    capex = NetworkCapex.from_summary(summary)
    assert [p.year for p in capex.phases] == [0, 2]
    summary["phases"][1]["homes_passed"] = 300  # type: ignore[index]
    with pytest.raises(FinanceParameterError, match="phases pass 900 homes"):
        NetworkCapex.from_summary(summary)


def test_a_phase_beyond_the_analysis_is_refused() -> None:
    capex = NetworkCapex.from_phases([Phase(year=25, homes_passed=10, civil_eur=1.0)])
    with pytest.raises(FinanceParameterError, match="year 25"):
        compare(capex, FinanceParams())


@pytest.mark.parametrize("model", list(MODELS))
def test_invariants_hold_with_phases_debt_and_tax(model: str, example_capex: NetworkCapex) -> None:
    areas = [
        {"homes_passed": 1000 + 500 * i, "civil": 300_000.0 + 150_000 * i, "drops": 400_000.0}
        for i in range(3)
    ]
    capex = NetworkCapex.from_phases(phases_by_cost(areas, 3), route_length_km=20.0)
    params = FinanceParams(
        debt=[DebtTranche(share_of_capex=0.6, tenor_years=15, grace_years=3)],
        corporate_tax_rate=0.3,
        grant_share_of_passive_capex=0.2,
    )
    drivers = build_drivers(capex, params)
    ledger = build_ledger(MODELS[model], drivers, capex, params)
    values = value_actors(ledger, drivers, params)
    statements = [v.statements for v in values.values()]
    to_equity = sum(st.equity_cash_flow_eur for st in statements)
    lenders = sum(-st.debt.net_to_borrower_eur for st in statements)
    tax = sum(st.tax_eur for st in statements)
    np.testing.assert_allclose(to_equity + lenders + tax, ledger.value_chain(), atol=1e-5)
    # The debt is drawn over the three build years, as the phases spend.
    owner = values[MODELS[model].passive].statements
    assert np.all(owner.debt.draws_eur[:3] > 0) and np.all(owner.debt.draws_eur[3:] == 0)
