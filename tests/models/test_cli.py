"""The finance command line: fttx-planner finance and python -m models."""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from models import FinanceParameterError
from models.cli import add_finance_arguments, main, run_finance

LAYERS = {
    "civil": 700_000.0,
    "cables": 150_000.0,
    "splitters": 40_000.0,
    "cabinets": 50_000.0,
    "drops": 500_000.0,
    "olt": 60_000.0,
    "ont": 200_000.0,
}


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    add_finance_arguments(sub.add_parser("finance"))
    return parser.parse_args(["finance", *argv])


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_out_is_required() -> None:
    with pytest.raises(SystemExit):
        _args()


def test_finance_from_a_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan"
    plan.mkdir()
    summary = {"homes": {"passed": 1500}, "capex_eur": {"by_layer": LAYERS}, "district": "Test"}
    (plan / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    out = tmp_path / "out"
    status = run_finance(
        _args("--plan", str(plan), "--out", str(out), "--draws", "200", "--no-charts")
    )
    assert status == 0
    printed = capsys.readouterr().out
    assert "capex from plan" in printed and "1,500 homes passed" in printed
    assert "passive_shared  PIP" in printed
    table = _rows(out / "comparison.csv")
    assert {r["model"] for r in table} == {
        "verticalized",
        "passive_shared",
        "active_shared",
        "separated",
    }
    assert set(table[0]) >= {
        "model",
        "actor",
        "npv_eur",
        "irr",
        "payback_year",
        "peak_funding_eur",
        "revenue_share",
    }
    flows = _rows(out / "cashflows.csv")
    assert len({(r["model"], r["actor"]) for r in flows}) == len(table)
    for name in ("engagement_models", "breakeven", "tornado", "montecarlo", "claims"):
        assert (out / f"{name}.csv").is_file(), name
    assert not list(out.glob("*.png"))


def test_finance_writes_charts_with_hand_typed_capex(tmp_path: Path) -> None:
    params = tmp_path / "p.toml"
    params.write_text(
        "arpu_eur_per_month = 45.0\n[capex]\nhomes_passed = 800\ncivil_eur = 4e5\n"
        "drops_eur = 2.4e5\nolt_eur = 3e4\nont_eur = 1.2e5\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert run_finance(_args("--params", str(params), "--out", str(out), "--draws", "0")) == 0
    for stem in (
        "npv_by_model",
        "revenue_split",
        "cumulative_cashflow_separated",
        "tornado_verticalized",
    ):
        assert (out / f"{stem}.png").is_file() and (out / f"{stem}.svg").is_file()
    assert not (out / "npv_distribution.png").exists()
    assert not (out / "montecarlo.csv").exists()


def test_missing_summary_and_bad_params_raise(tmp_path: Path) -> None:
    with pytest.raises(FinanceParameterError, match="no plan summary"):
        run_finance(_args("--plan", str(tmp_path), "--out", str(tmp_path / "o")))
    bad = tmp_path / "bad.toml"
    bad.write_text("pip_discount_rate = 8\n", encoding="utf-8")
    with pytest.raises(FinanceParameterError, match="looks like a percentage"):
        run_finance(_args("--params", str(bad), "--out", str(tmp_path / "o")))
    with pytest.raises(FinanceParameterError, match="--draws"):
        run_finance(_args("--out", str(tmp_path / "o"), "--draws", "-1"))


def test_module_main_writes_params_and_reports_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "finance.toml"
    assert main(["--write-params", str(template)]) == 0
    assert "source:" in template.read_text(encoding="utf-8")
    template.write_text("foo = 1\n" + template.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["--params", str(template), "--out", str(tmp_path / "o")])
    assert info.value.code == 2
    assert "unknown key 'foo'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([])


def test_python_dash_m_models(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "models", "--out", str(out), "--draws", "100", "--no-charts"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "example district" in done.stdout
    assert (out / "comparison.csv").is_file()


def test_workbook_statements_and_financing_are_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    params = tmp_path / "p.toml"
    params.write_text(
        'currency = "CHF"\ncapex_currency = "EUR"\ncapex_exchange_rate = 0.95\n'
        "corporate_tax_rate = 0.2\n"
        '[[debt]]\nname = "municipal loan"\nborrower = "passive owner"\nshare_of_capex = 0.8\n'
        "rate = 0.03\ntenor_years = 25\ngrace_years = 2\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert run_finance(_args("--params", str(params), "--out", str(out), "--draws", "50")) == 0
    printed = capsys.readouterr().out
    assert "CHF, nominal" in printed and "mid-year discounting" in printed
    assert "NPV (CHF)" in printed and "lowest DSCR" in printed
    assert (out / "basis.txt").read_text(encoding="utf-8").startswith("CHF, nominal")
    book = load_workbook(out / "finance.xlsx")
    assert book.sheetnames[:2] == ["Inputs", "Comparison"]
    assert {"Verticalized", "Separated", "Break-even"} <= set(book.sheetnames)
    sheet = book["Separated"]
    assert "CHF" in str(sheet["A2"].value)
    header = [c.value for c in sheet[4]]
    assert header[1] == 2027 and header[-1] == 2046  # calendar years as columns
    labels = [row[0].value for row in sheet.iter_rows(min_row=5, max_col=1)]
    for line in ("EBITDA", "Tax", "Cash flow to equity", "Debt", "DSCR"):
        assert line in labels, line
    statements = _rows(out / "statements.csv")
    pip_debt = [
        float(r["value"])
        for r in statements
        if r["model"] == "separated" and r["actor"] == "PIP" and r["line"] == "Debt drawn"
    ]
    assert sum(pip_debt) > 0
    comparison = _rows(out / "comparison.csv")
    pip = next(r for r in comparison if r["model"] == "separated" and r["actor"] == "PIP")
    assert pip["equity_npv_eur"] and pip["min_dscr"]


def test_a_break_even_without_root_is_reported_in_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nobody ever connects: no fee and no take-up scaling can make an NPV cross 0.
    params = tmp_path / "p.toml"
    params.write_text("takeup_by_year = [0.0]\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_finance(_args("--params", str(params), "--out", str(out), "--draws", "0")) == 0
    rows = _rows(out / "breakeven.csv")
    fee = next(r for r in rows if r["quantity"] == "cost-based passive fee")
    assert fee["value"] == "" and "no break-even" in fee["note"]
    takeup = next(r for r in rows if r["quantity"] == "break-even take-up")
    assert takeup["value"] == "" and takeup["note"]
    # The rest of the run still wrote its files.
    for name in ("tornado.csv", "claims.csv", "finance.xlsx"):
        assert (out / name).is_file(), name
    assert "none (" in capsys.readouterr().out
