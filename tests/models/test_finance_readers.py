"""The finance readers (issue 16): bounded size, regular files only, no alias expansion,
bounded depth, one-line errors."""

from __future__ import annotations

import os

import pytest

from models import FinanceParameterError, NetworkCapex, load_finance_params
from models.architectures import read_comparison
from models.paramfile import MAX_PARAMS_BYTES


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("laughs.yaml", "a: &a [1, 1, 1]\nb: [*a, *a, *a]\n", "aliases are not allowed"),
        ("deep.json", "[" * 100_000, "nested too deeply"),
        ("deep.toml", "a = " + "[" * 100_000, "nested too deeply"),
        ("big.toml", "# padding\n" * (MAX_PARAMS_BYTES // 10 + 1), "larger than 256 KiB"),
        ("latin1.toml", b"currency = '\xe9'\n", "cannot read parameter file"),
    ],
)
def test_bad_parameter_files_are_one_line(tmp_path, name, content, match) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(FinanceParameterError, match=match) as info:
        load_finance_params(path)
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


def test_a_fifo_or_a_folder_is_refused_without_blocking(tmp_path) -> None:
    fifo = tmp_path / "p.toml"
    os.mkfifo(fifo)
    with pytest.raises(FinanceParameterError, match="not a regular file"):
        load_finance_params(fifo)
    folder = tmp_path / "d.toml"
    folder.mkdir()
    with pytest.raises(FinanceParameterError, match="not a regular file"):
        load_finance_params(folder)


def test_plan_summary_and_comparison_readers_are_bounded(tmp_path) -> None:
    (tmp_path / "summary.json").write_text("[" * 100_000)
    with pytest.raises(FinanceParameterError, match="nested too deeply"):
        NetworkCapex.from_summary_file(tmp_path)
    (tmp_path / "comparison.json").write_text("[" * 100_000)
    with pytest.raises(FinanceParameterError, match="nested too deeply"):
        read_comparison(tmp_path / "comparison.json")
    os.mkfifo(tmp_path / "fifo.json")
    with pytest.raises(FinanceParameterError, match="not a regular file"):
        NetworkCapex.from_summary_file(tmp_path / "fifo.json")


def test_a_failure_half_way_leaves_the_previous_outputs(tmp_path, monkeypatch, capsys) -> None:
    import models.cli as cli

    out = tmp_path / "out"
    assert cli.main(["--out", str(out), "--draws", "0", "--no-charts"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert "comparison.csv" in before and "claims.csv" in before

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli, "check_claims", broken)
    params = tmp_path / "p.toml"
    params.write_text("arpu_eur_per_month = 55.0\n")
    with pytest.raises(SystemExit) as info:
        cli.main(["--params", str(params), "--out", str(out), "--draws", "0", "--no-charts"])
    assert info.value.code == 2
    assert "cannot write the finance outputs" in capsys.readouterr().err
    # comparison.csv was recomputed with another ARPU before the failure, yet the
    # folder holds the previous set, whole, and no staging folder.
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_out_that_is_a_file_is_one_line(tmp_path, capsys) -> None:
    import models.cli as cli

    target = tmp_path / "taken"
    target.write_text("mine")
    with pytest.raises(SystemExit):
        cli.main(["--out", str(target), "--draws", "0"])
    err = capsys.readouterr().err.strip()
    assert err == f"error: --out {target} is a file, not a folder"
    assert target.read_text() == "mine"
