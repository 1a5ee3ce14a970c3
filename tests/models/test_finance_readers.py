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
