"""NetworkCapex: from a plan summary, by hand, and the example district."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from models import FinanceParameterError, NetworkCapex

LAYERS = {
    "civil": 2_000_000.0,
    "cables": 400_000.0,
    "splitters": 100_000.0,
    "cabinets": 150_000.0,
    "drops": 1_790_000.0,
    "olt": 180_000.0,
    "ont": 716_000.0,
}


def summary(**changes: Any) -> dict[str, Any]:
    """A summary.json as docs/architecture.md documents it."""
    passive_to_pass = sum(LAYERS[k] for k in ("civil", "cables", "splitters", "cabinets"))
    data: dict[str, Any] = {
        "format": "fttx-planner-summary",
        "version": 1,
        "district": "Porto, Centro Histórico",
        "architecture": "GPON 1:32, one stage, class B+, greenfield",
        "homes": {
            "demand": 9000,
            "passed": 8950,
            "unserved": 50,
            "buildings_served": 5000,
            "buildings_unserved": 20,
        },
        "capex_eur": {
            "by_layer": dict(LAYERS),
            "passive_to_pass": passive_to_pass,
            "passive_to_connect": LAYERS["drops"],
            "active_to_pass": LAYERS["olt"],
            "active_to_connect": LAYERS["ont"],
            "total": sum(LAYERS.values()),
            "per_home_passed": sum(LAYERS.values()) / 8950,
            "per_home_connected": sum(LAYERS.values()) / 8950,
        },
    }
    data.update(changes)
    return data


def test_from_summary_reads_layers_and_homes() -> None:
    capex = NetworkCapex.from_summary(summary())
    assert capex.homes_passed == 8950
    assert capex.civil_eur == 2_000_000.0 and capex.ont_eur == 716_000.0
    assert capex.passive_to_pass_eur == pytest.approx(2_650_000.0)
    assert capex.passive_to_connect_eur == 1_790_000.0
    assert capex.active_to_pass_eur == 180_000.0
    assert capex.active_to_connect_eur == 716_000.0
    assert capex.total_eur == pytest.approx(sum(LAYERS.values()))
    assert capex.drop_per_connection_eur == pytest.approx(200.0)
    assert capex.ont_per_connection_eur == pytest.approx(80.0)
    assert capex.label == "Porto, Centro Histórico"
    assert capex.route_length_km == 0.0


def test_optional_trench_length_gives_route_km() -> None:
    capex = NetworkCapex.from_summary(summary(lengths_km={"route_km": 12.5}))
    assert capex.route_length_km == 12.5


def test_minimal_summary_is_enough() -> None:
    data = {"homes": {"passed": 10}, "capex_eur": {"by_layer": dict(LAYERS)}}
    assert NetworkCapex.from_summary(data).homes_passed == 10


def test_every_problem_of_a_summary_is_listed() -> None:
    data = summary(version=3, format="other")
    del data["capex_eur"]["by_layer"]["olt"]
    data["capex_eur"]["by_layer"]["civil"] = -1
    data["capex_eur"]["by_layer"]["ducts"] = 5.0
    data["homes"]["passed"] = 0
    with pytest.raises(FinanceParameterError) as info:
        NetworkCapex.from_summary(data)
    message = str(info.value)
    for expected in (
        "format is 'other'",
        "version 3 is newer",
        "homes.passed must be a positive whole number",
        "missing key 'capex_eur.by_layer.olt'",
        "capex_eur.by_layer.civil must be a non-negative number",
        "unknown layer(s) in capex_eur.by_layer: ducts",
    ):
        assert expected in message


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({}, "missing block 'homes'"),
        ({"homes": {}, "capex_eur": {}}, "missing key 'homes.passed'"),
        ({"homes": {"passed": 5}, "capex_eur": {}}, "missing block 'capex_eur.by_layer'"),
        ({"homes": {"passed": 5}}, "missing block 'capex_eur'"),
        ({"homes": {"passed": 2.5}, "capex_eur": {"by_layer": LAYERS}}, "whole number"),
        ({"homes": {"passed": True}, "capex_eur": {"by_layer": LAYERS}}, "whole number"),
    ],
)
def test_broken_summaries(data: dict[str, Any], match: str) -> None:
    with pytest.raises(FinanceParameterError, match=match):
        NetworkCapex.from_summary(data)


def test_total_must_match_layers() -> None:
    data = summary()
    data["capex_eur"]["total"] = 1.0
    with pytest.raises(FinanceParameterError, match="layers add up to"):
        NetworkCapex.from_summary(data)


def test_summary_must_be_an_object() -> None:
    with pytest.raises(FinanceParameterError, match="JSON object"):
        NetworkCapex.from_summary([1, 2])  # type: ignore[arg-type]


def test_from_summary_file_takes_a_file_or_its_directory(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text(json.dumps(summary()), encoding="utf-8")
    assert NetworkCapex.from_summary_file(tmp_path).homes_passed == 8950
    assert NetworkCapex.from_summary_file(tmp_path / "summary.json").homes_passed == 8950


def test_from_summary_file_errors(tmp_path: Path) -> None:
    with pytest.raises(FinanceParameterError, match="no plan summary"):
        NetworkCapex.from_summary_file(tmp_path)
    (tmp_path / "summary.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(FinanceParameterError, match="cannot read plan summary"):
        NetworkCapex.from_summary_file(tmp_path)
    (tmp_path / "summary.json").write_text("{}", encoding="utf-8")
    with pytest.raises(FinanceParameterError, match=r"summary\.json: invalid plan summary"):
        NetworkCapex.from_summary_file(tmp_path)


def test_example_is_a_plausible_eu_district() -> None:
    capex = NetworkCapex.example()
    assert capex.homes_passed == 5000
    # Civil works are 70-80 % of the cost to pass (FTTH Council Europe).
    assert 0.7 <= capex.civil_eur / (capex.passive_to_pass_eur + capex.olt_eur) <= 0.8
    assert 400 <= capex.per_home_passed_eur <= 1000
    assert set(NetworkCapex.example_sources()) >= {"civil_eur", "olt_eur", "homes_passed"}


def test_scaled_and_hand_typed() -> None:
    capex = NetworkCapex.example().scaled(civil_eur=2.0, ont_eur=0.5)
    assert capex.civil_eur == 2 * NetworkCapex.example().civil_eur
    with pytest.raises(FinanceParameterError, match="not a capex amount"):
        NetworkCapex.example().scaled(homes_passed=2.0)
    with pytest.raises(FinanceParameterError, match=r"unknown key 'capex\.trench_eur'"):
        NetworkCapex.from_mapping({"homes_passed": 1, "trench_eur": 1.0})
    with pytest.raises(FinanceParameterError, match=r"capex\.homes_passed: Field required"):
        NetworkCapex.from_mapping({"civil_eur": 1.0})


def test_capex_is_immutable() -> None:
    capex = NetworkCapex.example()
    with pytest.raises(ValueError, match="frozen"):
        capex.civil_eur = 1.0
