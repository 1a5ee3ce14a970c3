"""Finance per access architecture: the office's power and space, a compare folder read."""

from __future__ import annotations

import argparse
import csv
import json

import pytest

from models import FinanceParameterError, FinanceParams, NetworkCapex, compare
from models.architectures import architecture_finance, capex_from_row, read_comparison
from models.cashflows import build_ledger
from models.cli import add_finance_arguments, main, run_finance
from models.drivers import build_drivers
from models.office import CentralOffice, office_opex_eur_per_year, office_power_w
from models.ownership import MODELS


def _row(name: str, technology: str, ports: int, chassis: int, rack_units: int, **capex):
    layers = {"civil": 2e6, "cables": 1e5, "splitters": 1e5, "cabinets": 0.0,
              "drops": 9e5, "olt": 5e4, "ont": 3e5}  # fmt: skip
    layers.update(capex)
    return {
        "architecture": name,
        "technology": technology,
        "homes_passed": 2500,
        "co_ports": ports,
        "co_chassis": chassis,
        "co_rack_units": rack_units,
        "trench_km": 39.0,
        **{f"capex_{k}_eur": v for k, v in layers.items()},
    }


ROWS = [
    _row("gpon_b_plus", "GPON", 92, 1, 12),
    _row("xgspon_n1", "XGS-PON", 92, 1, 12, olt=1.1e5, ont=5e5),
    _row("p2p_ethernet", "P2P", 2500, 4, 108, cables=3.4e5, splitters=4.6e5, olt=3.3e5, ont=2.75e5),
]


def _write(tmp_path, rows=ROWS, **doc):
    folder = tmp_path / "cmp"
    folder.mkdir(exist_ok=True)
    body = {"format": "fttx-planner-comparison", "version": 1, "district": "Test",
            "architectures": rows, **doc}  # fmt: skip
    (folder / "comparison.json").write_text(json.dumps(body))
    return folder


def test_office_power_and_space_by_hand() -> None:
    """92 GPON ports at 3.4 W and a 400 W chassis, PUE 1.58, 0.20 EUR/kWh, 12 U at 300."""
    office = CentralOffice(technology="GPON", ports=92, chassis=1, rack_units=12)
    params = FinanceParams()
    assert office_power_w(office, params) == pytest.approx(92 * 3.4 + 400)
    expected = (92 * 3.4 + 400) * 1.58 * 8760 / 1000 * 0.20 + 12 * 300
    assert office_opex_eur_per_year(office, params) == pytest.approx(expected)
    p2p = CentralOffice(technology="P2P", ports=2500, chassis=4, rack_units=108)
    assert office_power_w(p2p, params) == pytest.approx(2500 * 1.5 + 4 * 400)
    unknown = CentralOffice(technology="token ring", ports=10, chassis=1)
    assert office_power_w(unknown, params) == pytest.approx(400)


def test_office_opex_is_paid_by_the_active_owner_as_the_network_is_built() -> None:
    office = CentralOffice(technology="P2P", ports=2500, chassis=4, rack_units=108)
    capex = NetworkCapex.example().model_copy(update={"central_office": office})
    params = FinanceParams(inflation_per_year=0.0, build_profile=[0.5, 0.5])
    yearly = office_opex_eur_per_year(office, params)
    drivers = build_drivers(capex, params)
    for name, spec in MODELS.items():
        ledger = build_ledger(spec, drivers, capex, params)
        flows = [f for f in ledger.flows if f.item == "central-office power and space"]
        total = sum(f.amount_eur for f in flows)
        assert total[0] == pytest.approx(0.5 * yearly * (1 + (len(flows) - 1) * 0.4)
                                         if name == "passive_shared" else 0.5 * yearly)  # fmt: skip
        payers = {f.payer for f in flows}
        assert payers == ({"SP1", "SP2"} if name == "passive_shared" else {spec.active})


def test_more_office_equipment_costs_the_active_owner_npv() -> None:
    base = NetworkCapex.example()
    small = base.model_copy(update={"central_office": CentralOffice(technology="GPON", ports=100)})
    large = base.model_copy(
        update={
            "central_office": CentralOffice(technology="P2P", ports=5000, chassis=8, rack_units=200)
        }
    )
    a, b, c = compare(base), compare(small), compare(large)
    for model, actor in (("separated", "NP"), ("verticalized", "operator")):
        assert a[model].npv_eur(actor) > b[model].npv_eur(actor) > c[model].npv_eur(actor)
    assert a["separated"].npv_eur("PIP") == pytest.approx(c["separated"].npv_eur("PIP"))


def test_read_comparison_and_run_every_architecture(tmp_path) -> None:
    district, capexes = read_comparison(_write(tmp_path))
    assert district == "Test"
    assert list(capexes) == ["gpon_b_plus", "xgspon_n1", "p2p_ethernet"]
    p2p = capexes["p2p_ethernet"]
    assert p2p.central_office is not None and p2p.central_office.ports == 2500
    assert p2p.cables_eur == 3.4e5 and p2p.route_length_km == 39.0
    result = architecture_finance(capexes)
    rows = {r["architecture"]: r for r in result.table() if r["model"] == "separated"
            and r["actor"] == "NP"}  # fmt: skip
    assert rows["p2p_ethernet"]["per_premise_eur"] > rows["gpon_b_plus"]["per_premise_eur"]
    assert rows["p2p_ethernet"]["office_opex_eur_per_year"] > rows["gpon_b_plus"][
        "office_opex_eur_per_year"]  # fmt: skip
    assert rows["p2p_ethernet"]["npv_eur"] < rows["xgspon_n1"]["npv_eur"] < rows["gpon_b_plus"][
        "npv_eur"]  # fmt: skip
    # Each architecture's figures are those of its own comparison.
    alone = compare(capexes["xgspon_n1"])
    assert rows["xgspon_n1"]["npv_eur"] == pytest.approx(alone["separated"].npv_eur("NP"))
    side = result.side_by_side()
    assert {"npv_eur:gpon_b_plus", "npv_eur:p2p_ethernet"} <= set(side[0])


@pytest.mark.parametrize(
    ("rows", "doc", "match"),
    [
        (ROWS, {"format": "other"}, "not an architecture comparison"),
        ([], {}, "1 to 100 rows"),
        ([_row("x", "GPON", 1, 1, 1, civil=1e300)], {}, "civil_eur = 1e\\+300: outside"),
        ([_row("x", "GPON", -5, 1, 1)], {}, "office counts"),
        ([{**_row("x", "GPON", 1, 1, 1), "homes_passed": "many"}], {}, "homes_passed"),
        (["not a row"], {}, "must be an object"),
    ],
)
def test_bad_comparisons_are_one_clear_error(tmp_path, rows, doc, match) -> None:
    with pytest.raises(FinanceParameterError, match=match) as info:
        read_comparison(_write(tmp_path, rows, **doc))
    assert "\n" not in str(info.value).split(":", 1)[1].strip().split("\n  - ")[0]


def test_unreadable_comparisons(tmp_path) -> None:
    with pytest.raises(FinanceParameterError, match="no architecture comparison"):
        read_comparison(tmp_path)
    bad = tmp_path / "comparison.json"
    bad.write_text("{not json")
    with pytest.raises(FinanceParameterError, match="cannot read"):
        read_comparison(bad)
    bad.write_text("[" * 100_000)
    with pytest.raises(FinanceParameterError, match="cannot read"):
        read_comparison(bad)


def test_capex_from_row_keeps_the_row_figures() -> None:
    c = capex_from_row(ROWS[2], "Test")
    assert c.label == "Test: p2p_ethernet"
    assert c.total_eur == pytest.approx(
        sum(v for k, v in ROWS[2].items() if k.startswith("capex_"))
    )


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_finance_arguments(parser)
    return parser.parse_args(list(argv))


def test_finance_cli_on_a_compare_folder(tmp_path, capsys) -> None:
    folder = _write(tmp_path)
    out = tmp_path / "fin"
    args = _args("--plan", str(folder), "--out", str(out), "--draws", "0", "--no-charts",
                 "--architecture", "p2p_ethernet")  # fmt: skip
    assert run_finance(args) == 0
    printed = capsys.readouterr().out
    assert "capex of architecture p2p_ethernet" in printed
    with (out / "architectures.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert {r["architecture"] for r in rows} == {"gpon_b_plus", "xgspon_n1", "p2p_ethernet"}
    # The full analysis ran on the chosen architecture: its operator NPV is the table's.
    with (out / "comparison.csv").open() as f:
        table = {(r["model"], r["actor"]): float(r["npv_eur"]) for r in csv.DictReader(f)}
    p2p = next(r for r in rows if r["architecture"] == "p2p_ethernet"
               and r["model"] == "verticalized" and r["actor"] == "operator")  # fmt: skip
    assert float(p2p["npv_eur"]) == pytest.approx(table[("verticalized", "operator")])


def test_finance_cli_architecture_errors_are_one_line(tmp_path, capsys) -> None:
    folder = _write(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(["--plan", str(folder), "--out", str(tmp_path / "o"), "--architecture", "isdn"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --architecture 'isdn' is not in") and "\n" not in err
    assert not (tmp_path / "o").exists()
    plan = tmp_path / "plan"
    plan.mkdir()
    (plan / "summary.json").write_text("{}")
    with pytest.raises(SystemExit):
        main(["--plan", str(plan), "--out", str(tmp_path / "o"), "--architecture", "x"])
    assert "needs a folder of 'fttx-planner compare'" in capsys.readouterr().err
