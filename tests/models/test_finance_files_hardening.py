"""Finance parameter files (issue 16): huge integers, special files and long values end in
a short message naming the file, the line or key, never in a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models import FinanceParameterError, load_finance_params
from models.cli import main as models_main

DIGITS_5000 = "1" * 5000  # above the 4,300 digits Python turns into an int
DIGITS_4000 = "2" * 4000  # below it, but far beyond a float's range


@pytest.mark.parametrize(
    ("name", "content", "place"),
    [
        ("big.toml", f"currency = 'EUR'\narpu_eur_per_month = {DIGITS_5000}\n", "line 2"),
        ("big.json", f'{{"currency": "EUR",\n "arpu_eur_per_month": {DIGITS_5000}}}', "line 2"),
        ("big.yaml", f"currency: EUR\narpu_eur_per_month: {DIGITS_5000}\n", "line 2"),
    ],
)
def test_an_integer_of_5000_digits_is_one_line_naming_line_and_key(
    tmp_path: Path, name: str, content: str, place: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(FinanceParameterError) as info:
        load_finance_params(path)
    text = str(info.value)
    assert "\n" not in text
    assert f"{name} {place}: arpu_eur_per_month = 1111111111... (5000 digits)" in text
    assert len(text.replace(str(path), "")) < 200


def test_an_integer_beyond_a_float_names_its_key_in_a_table(tmp_path: Path) -> None:
    # A 4,000-digit market share made a validator overflow ("int too large to convert").
    path = tmp_path / "sp.toml"
    path.write_text(f"[[service_providers]]\nname = 'a'\nmarket_share = {DIGITS_4000}\n")
    with pytest.raises(FinanceParameterError) as info:
        load_finance_params(path)
    lines = str(info.value).splitlines()
    assert lines[-1] == (
        "  - service_providers[0].market_share = 2222222222... (4000 digits): "
        "more digits than any finance input may have"
    )
    assert len(lines) == 3


def test_long_values_and_many_problems_are_cut(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    unknown = "\n".join(f"k{i} = 1" for i in range(30))
    path.write_text(f"{'k' * 5000} = 1\ncurrency = '{'x' * 5000}'\n{unknown}\n")
    with pytest.raises(FinanceParameterError) as info:
        load_finance_params(path)
    lines = str(info.value).splitlines()
    assert lines[0] == f"{path}:"
    assert all(len(line) <= 250 for line in lines[1:])
    assert lines[-1] == "  and 22 more"  # 32 problems: ten listed
    assert sum(line.startswith("  - ") for line in lines) == 10


def test_a_fifo_is_not_a_regular_file_and_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "fin.fifo.toml"
    os.mkfifo(fifo)  # opening it for reading would block: it must not be opened
    with pytest.raises(FinanceParameterError) as info:
        load_finance_params(fifo)
    assert str(info.value) == f"parameter file {fifo}: is a named pipe (FIFO), not a regular file"


@pytest.mark.parametrize("command", ["fttx-planner", "python -m models"])
def test_both_finance_commands_print_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    big = tmp_path / "big.toml"
    big.write_text(f"arpu_eur_per_month = {DIGITS_5000}\n")
    fifo = tmp_path / "fin.fifo.toml"
    os.mkfifo(fifo)
    for path, expected in (
        (big, f"error: parameter file {big} line 1: arpu_eur_per_month = 1111111111... "),
        (fifo, f"error: parameter file {fifo}: is a named pipe (FIFO), not a regular file"),
    ):
        args = ["--params", str(path), "--out", str(tmp_path / "out"), "--draws", "0"]
        if command == "fttx-planner":
            from fttx_planner.cli import main as fttx_main  # the planner's 'finance' command

            assert fttx_main(["finance", *args]) == 2
        else:
            with pytest.raises(SystemExit) as info:
                models_main(args)
            assert info.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith(expected)
        assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()
