"""Every command checks its outputs and small inputs before the work (issue 16)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fttx_planner.cli import main


def _error(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main([*args, "--quiet"]) == 2
    err = capsys.readouterr().err
    # One line, or a list of problems (at most ten and "and N more").
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 12, err
    return err.strip()


@pytest.mark.parametrize("command", ["plan", "compare", "city", "report"])
def test_a_folder_that_takes_no_files_is_refused_before_the_district(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # /proc refuses new entries even to root, whom os.access lets write anywhere.
    out = Path("/proc/fttx-planner-out")
    target = out / "r.pdf" if command == "report" else out
    err = _error([command, str(tmp_path / "missing.osm"), "--out", str(target)], capsys)
    assert str(out) in err and "missing.osm" not in err


@pytest.mark.parametrize("command", ["plan", "compare", "city", "report"])
def test_a_failed_run_leaves_no_empty_output_folder(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new" / "a" / "b"
    target = out / "r.pdf" if command == "report" else out
    err = _error([command, str(tmp_path / "missing.osm"), "--out", str(target)], capsys)
    assert "missing.osm" in err
    assert not (tmp_path / "new").exists()


def test_report_reads_the_finance_file_before_planning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["report", str(tmp_path / "missing.osm"), "--out", str(tmp_path / "r.pdf")]
    fifo = tmp_path / "fin.toml"
    os.mkfifo(fifo)  # the finance reader would block on it
    err = _error([*base, "--finance-params", str(fifo)], capsys)
    assert err == f"error: Finance parameter file {fifo}: is a named pipe (FIFO), not a file"
    err = _error([*base, "--finance-params", str(tmp_path)], capsys)
    assert err.endswith("is a folder, not a file")
    bad = tmp_path / "bad.toml"
    bad.write_text("arpu_eur_per_month = nan\n")
    assert main([*base, "--finance-params", str(bad), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "arpu_eur_per_month" in err and "missing.osm" not in err


@pytest.mark.parametrize(
    ("option", "message"),
    [("--premises", "Premises register not found"), ("--infra", "Infrastructure layer not found")],
)
def test_a_wrong_layer_path_is_reported_before_the_district(
    option: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["plan", str(tmp_path / "missing.osm"), "--out", str(tmp_path / "o")]
    err = _error([*args, option, str(tmp_path / "nope.geojson")], capsys)
    assert message in err and "missing.osm" not in err


def test_calibration_is_checked_before_the_district(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["plan", str(tmp_path / "missing.osm"), "--out", str(tmp_path / "o")]
    err = _error([*args, "--households", "99999999999"], capsys)
    assert "households = 99999999999" in err and "missing.osm" not in err


def test_a_count_argument_of_5000_digits_is_cut_in_the_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["plan", "x.osm", "--out", "o", "--households", "1" * 5000])
    err = capsys.readouterr().err
    assert "(5000 characters)" in err and len(err) < 600


def test_city_rules_that_are_a_fifo_or_device_are_refused_before_the_district(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "rules.csv"
    os.mkfifo(fifo)  # reading it would block
    args = ["city", str(tmp_path / "missing.osm"), "--out", str(tmp_path / "o")]
    err = _error([*args, "--rules", str(fifo)], capsys)
    assert err == f"error: Endpoint rules file {fifo}: is a named pipe (FIFO), not a file"
    err = _error([*args, "--rules", "/dev/zero"], capsys)
    assert err == "error: Endpoint rules file /dev/zero: is a device, not a file"
