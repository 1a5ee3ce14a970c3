"""Finance inputs: defaults with sources, validation messages, parameter files."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from models import (
    DEFAULT_SOURCES,
    FinanceParameterError,
    FinanceParams,
    NetworkCapex,
    finance_params_template,
    load_finance_file,
    load_finance_params,
    validate_finance_params,
)
from models.params import Distribution, ServiceProvider


def _message(data: dict[str, object]) -> str:
    with pytest.raises(FinanceParameterError) as info:
        validate_finance_params(data)
    return str(info.value)


def test_every_input_declares_title_unit_and_source() -> None:
    for name, field in FinanceParams.model_fields.items():
        extra = field.json_schema_extra
        assert isinstance(extra, dict), name
        assert field.title, name
        assert "unit" in extra, name
        assert extra.get("source"), name
        assert extra.get("group"), name
    schema = FinanceParams.model_json_schema()
    assert schema["properties"]["arpu_eur_per_month"]["unit"] == "EUR/line/month"
    assert schema["properties"]["pip_discount_rate"]["maximum"] == 0.5


def test_default_sources_cover_the_defaults() -> None:
    for name in FinanceParams.model_fields:
        if name.endswith("_horizon_years"):
            assert "horizon_years" in DEFAULT_SOURCES
        elif name != "takeup_by_year":
            assert name in DEFAULT_SOURCES, name
    for name in NetworkCapex.example_sources():
        assert f"example_capex.{name}" in DEFAULT_SOURCES
    # Figures without a source say so.
    assert DEFAULT_SOURCES["arpu_eur_per_month"].startswith("assumed")
    assert "Point Topic" in DEFAULT_SOURCES["takeup_saturation"]


def test_defaults_are_fractions_and_consistent() -> None:
    p = FinanceParams()
    assert 0 < p.pip_discount_rate < 1
    assert sum(sp.market_share for sp in p.service_providers) == pytest.approx(1.0)
    assert sum(p.build_profile) == pytest.approx(1.0)
    assert p.passive_fee_eur_per_month < p.bitstream_fee_eur_per_month < p.arpu_eur_per_month
    assert not p.has_city


def test_unknown_key_suggests_the_known_one() -> None:
    message = _message({"churn_rate": 0.1})
    assert "unknown key 'churn_rate'; did you mean 'churn_per_year'?" in message
    message = _message({"service_providers": [{"name": "X", "market_share": 1.0, "share": 1}]})
    assert "unknown key 'service_providers[0].share'" in message


def test_negative_price_is_named() -> None:
    message = _message({"bitstream_fee_eur_per_month": -3.0})
    assert "bitstream_fee_eur_per_month = -3.0: a price or cost must not be negative" in message


def test_share_over_100_percent_is_named() -> None:
    message = _message({"takeup_saturation": 55})
    assert "takeup_saturation = 55: 55 is over 100 %; give a fraction (0.6 for 60 %)" in message
    message = _message({"grant_share_of_passive_capex": 1.5})
    assert "over 100 %" in message
    message = _message({"opex_growth_per_year": 2})
    assert "2 looks like a percentage; give a fraction (0.02 for 2 %)" in message


def test_discount_rate_as_percentage_is_named() -> None:
    message = _message({"np_discount_rate": 8})
    assert (
        "np_discount_rate = 8: 8 looks like a percentage; give a fraction (0.08 for 8 %)" in message
    )
    message = _message(
        {"service_providers": [{"name": "X", "market_share": 1, "discount_rate": 9}]}
    )
    assert "service_providers[0].discount_rate = 9: 9 looks like a percentage" in message
    # A plausible but high rate gets the bound, not the percentage hint.
    assert "outside the plausible range 0 to 0.5" in _message({"np_discount_rate": 0.8})


def test_all_problems_are_reported_together() -> None:
    message = _message(
        {
            "churn_rate": 0.1,
            "arpu_eur_per_month": -1,
            "pip_discount_rate": 8,
            "takeup_saturation": 50,
            "service_providers": [
                {"name": "A", "market_share": 0.7},
                {"name": "A", "market_share": 0.7},
            ],
            "build_profile": [0.5, 0.6],
        }
    )
    for expected in (
        "unknown key 'churn_rate'",
        "arpu_eur_per_month = -1",
        "pip_discount_rate = 8",
        "takeup_saturation = 50",
        "market shares add up to 1.4, not 1",
        "names repeat: A",
        "build_profile adds up to 1.1, not 1",
    ):
        assert expected in message
    assert message.count("\n  - ") == 7


def test_cross_field_problems_alone() -> None:
    message = _message(
        {
            "service_providers": [{"name": "PIP", "market_share": 1.0}],
            "build_profile": [0.1] * 10,
            "pip_horizon_years": 5,
            "operator_horizon_years": 5,
            "np_horizon_years": 5,
            "network_owner_horizon_years": 5,
            "city_horizon_years": 5,
            "takeup_by_year": [],
        }
    )
    assert "taken by other actors" in message
    assert "longer than the longest horizon" in message
    assert "takeup_by_year is empty" in message


def test_wrong_type_and_distribution_order() -> None:
    message = _message(
        {"arpu_eur_per_month": "forty", "mc_arpu": {"kind": "triangular", "low": 1.2, "high": 1.0}}
    )
    assert "arpu_eur_per_month = 'forty'" in message
    assert "need low <= mode <= high" in message


def test_not_a_table() -> None:
    with pytest.raises(FinanceParameterError, match="table of name = value"):
        validate_finance_params([1, 2])  # type: ignore[arg-type]


def test_assignment_is_validated() -> None:
    p = FinanceParams()
    with pytest.raises(ValueError, match="looks like a percentage"):
        p.pip_discount_rate = 5
    p.pip_discount_rate = 0.06
    assert p.pip_discount_rate == 0.06


def test_updated_returns_a_validated_copy() -> None:
    p = FinanceParams()
    q = p.updated(arpu_eur_per_month=30.0)
    assert q.arpu_eur_per_month == 30.0 and p.arpu_eur_per_month == 40.0
    with pytest.raises(FinanceParameterError):
        p.updated(arpu_eur_per_month=-1.0)


def test_distribution_draws() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    assert Distribution(kind="fixed", mode=1.3).draw(rng, 3).tolist() == [1.3] * 3
    u = Distribution(kind="uniform", low=0.5, high=1.5).draw(rng, 10_000)
    assert u.min() >= 0.5 and u.max() <= 1.5
    n = Distribution(kind="normal", low=0.8, mode=1.0, high=1.2).draw(rng, 50_000)
    assert np.percentile(n, 5) == pytest.approx(0.8, abs=0.01)
    assert np.percentile(n, 95) == pytest.approx(1.2, abs=0.01)
    with pytest.raises(ValueError, match="low"):
        Distribution(kind="uniform", low=2.0, high=1.0)


def test_service_provider_defaults() -> None:
    sp = ServiceProvider(name="X", market_share=1.0)
    assert sp.discount_rate == FinanceParams().service_providers[0].discount_rate
    with pytest.raises(ValueError, match="over 100 %"):
        ServiceProvider(name="X", market_share=60)


# --- files ---------------------------------------------------------------------


def test_toml_file_with_capex(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        "arpu_eur_per_month = 35.0\n"
        "build_profile = [1.0]\n"
        "[[service_providers]]\nname = 'Only'\nmarket_share = 1.0\n"
        "[capex]\nhomes_passed = 200\ncivil_eur = 1e5\ndrops_eur = 4e4\n",
        encoding="utf-8",
    )
    params, capex = load_finance_file(path)
    assert params.arpu_eur_per_month == 35.0
    assert [sp.name for sp in params.service_providers] == ["Only"]
    assert capex is not None and capex.homes_passed == 200 and capex.civil_eur == 1e5
    assert load_finance_params(path) == params


def test_yaml_and_json_files(tmp_path: Path) -> None:
    yaml_path = tmp_path / "p.yaml"
    yaml_path.write_text("arpu_eur_per_month: 33\nchurn_per_year: 0.05\n", encoding="utf-8")
    assert load_finance_params(yaml_path).arpu_eur_per_month == 33
    empty = tmp_path / "empty.yml"
    empty.write_text("", encoding="utf-8")
    assert load_finance_params(empty) == FinanceParams()
    json_path = tmp_path / "p.json"
    json_path.write_text(json.dumps({"passive_fee_eur_per_month": 11.5}), encoding="utf-8")
    assert load_finance_params(json_path).passive_fee_eur_per_month == 11.5


def test_file_errors_name_the_file_and_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        "pip_discount_rate = 8\nfoo = 1\n[capex]\nhomes_passed = 10\ncivil_eur = -5.0\nbar = 2\n",
        encoding="utf-8",
    )
    with pytest.raises(FinanceParameterError) as info:
        load_finance_file(path)
    message = str(info.value)
    assert str(path) in message
    for expected in (
        "pip_discount_rate = 8",
        "unknown key 'foo'",
        "capex.civil_eur = -5.0",
        "capex.bar",
    ):
        assert expected in message


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("p.toml", "a = [", "not valid TOML"),
        ("p.yaml", "a: [1, 2", "not valid YAML"),
        ("p.json", "{", "not valid JSON"),
        ("p.ini", "a=1", "unknown parameter file kind"),
        ("p.yaml", "- 1\n- 2\n", "table of name = value"),
        ("p.toml", "capex = 3\n", "capex must be a table"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, text: str, match: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FinanceParameterError, match=match):
        load_finance_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FinanceParameterError, match="not found"):
        load_finance_params(tmp_path / "nope.toml")


def test_template_round_trips_and_documents_sources() -> None:
    p = FinanceParams(
        arpu_eur_per_month=42.5,
        takeup_by_year=[0.0, 0.3, 0.6],
        service_providers=[ServiceProvider(name="Über SP", market_share=1.0)],
    )
    text = finance_params_template(p)
    assert validate_finance_params(tomllib.loads(text)) == p
    assert "source: Point Topic" in text
    assert "# [capex]" in text
    assert validate_finance_params(tomllib.loads(finance_params_template())) == FinanceParams()


def test_debt_tranches_round_trip_and_bad_borrowers_are_named(tmp_path: Path) -> None:
    from models import load_finance_params
    from models.paramfile import finance_params_template
    from models.params import DebtTranche

    params = FinanceParams(
        debt=[
            DebtTranche(name="bond", borrower="NP", kind="bond", repayment="bullet", amount_eur=1e5)
        ]
    )
    path = tmp_path / "f.toml"
    path.write_text(finance_params_template(params), encoding="utf-8")
    assert load_finance_params(path) == params
    default = tmp_path / "d.toml"
    default.write_text(finance_params_template(), encoding="utf-8")
    assert load_finance_params(default).debt == []
    message = _message({"debt": [{"borrower": "PIPP", "share_of_capex": 0.5}]})
    assert "debt[0].borrower = 'PIPP': not an actor" in message
    message = _message({"debt": [{"tenor_years": 5, "grace_years": 5}]})
    assert "grace period (5 years) must be shorter than the tenor" in message
    message = _message({"debt": [{"share_of_capex": 70}]})
    assert "70 is over 100 %" in message


def test_non_finite_values_are_refused() -> None:
    import math

    from pydantic import ValidationError

    from models.params import FinanceParams

    for bad in (math.inf, -math.inf, math.nan):
        with pytest.raises(ValidationError, match="finite"):
            FinanceParams(arpu_eur_per_month=bad)
