"""A parameter file is checked whole, before any district is loaded (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fttx_planner._errors import ParameterError
from fttx_planner.cli import main
from fttx_planner.params import load_params
from fttx_planner.pipeline import load_params_file, run_plan

#: Problems in every section of one file, one line expected for each.
_BAD = """\
[design]
max_reach_m = nan
fdp_ports = 0
split_ratio = 48
[demand]
households = -3
[detail]
spare_share = 9
colour_code = "zz"
[naming]
cable = "{nope}"
"""


def _error(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_every_problem_of_every_section_is_listed(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text(_BAD)
    with pytest.raises(ParameterError) as info:
        load_params_file(f)
    lines = str(info.value).splitlines()
    assert lines[0] == f"Invalid parameters in {f}:"
    expected = [
        "[design] 'max_reach_m': nan is not a finite number",
        "[design] fdp_ports = 0: Input should be greater than or equal to 1",
        "[design] split_ratio: 48 is not a standard ratio",
        "[demand] households = -3: Input should be greater than or equal to 0",
        "[detail] spare_share: Input should be less than or equal to 0.5",
        "[detail] colour_code: unknown colour code 'zz'",
        "[naming] cable: unknown field {nope}",
    ]
    for text in expected:
        assert sum(line.strip().startswith(text) for line in lines) == 1, text
    assert len(lines) == 1 + len(expected)


def test_design_problems_alone_are_all_listed_too(tmp_path: Path) -> None:
    # load_params (the design reader other commands use) lists every design problem.
    f = tmp_path / "p.toml"
    f.write_text("[design]\nmax_reach_m = nan\nfdp_ports = 0\nstray = 1\n")
    with pytest.raises(ParameterError) as info:
        load_params(f)
    text = str(info.value)
    assert "max_reach_m" in text and "fdp_ports = 0" in text and "stray: unknown parameter" in text


def test_rules_between_keys_are_one_line_each(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text("split_ratio = 32\nstage1_ratio = 64\nolt_x_m = 3.0\n")
    with pytest.raises(ParameterError) as info:
        load_params_file(f)
    assert str(info.value).splitlines()[1:] == [
        "  stage1_ratio 64 must divide split_ratio 32 and be smaller",
        "  give both olt_x_m and olt_y_m, or neither",
    ]


def test_top_level_design_keys_beside_detail_sections(tmp_path: Path) -> None:
    # Without [design], the top-level keys are the design's; [detail] stays the detail's.
    f = tmp_path / "p.toml"
    f.write_text('split_ratio = 64\n[detail]\nspare_share = 0.2\n[naming]\nco = "X1"\n')
    assert load_params_file(f).split_ratio == 64
    assert load_params(f).split_ratio == 64
    f.write_text("split_ratio = 64\ndetail = 3\n")
    with pytest.raises(ParameterError, match="detail must be a \\[detail\\] section"):
        load_params_file(f)


def test_parameters_are_checked_before_the_district_is_read(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text(_BAD)
    # The district does not exist: the parameter file's problems come first.
    with pytest.raises(ParameterError, match="Invalid parameters"):
        run_plan(str(tmp_path / "missing.osm"), params_file=f)


@pytest.mark.parametrize("command", ["plan", "report", "compare", "city"])
def test_every_command_reports_the_whole_file_first(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "p.toml"
    f.write_text(_BAD)
    out = tmp_path / ("r.pdf" if command == "report" else "out")
    err = _error([command, str(tmp_path / "missing.osm"), "--params", str(f), "--out", str(out),
                  "--quiet"], capsys)  # fmt: skip
    assert "max_reach_m" in err and "fdp_ports" in err and "colour_code" in err
    assert not out.exists()  # nothing written


@pytest.mark.parametrize("command", ["compare", "city"])
def test_out_that_is_a_file_is_refused_before_work(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("keep me")
    # The district does not exist: the output folder is checked before it is read.
    err = _error([command, str(tmp_path / "missing.osm"), "--out", str(taken), "--quiet"], capsys)
    assert err.strip() == f"error: output folder {taken}: {taken} is a file, not a folder"
    assert taken.read_text() == "keep me"


def test_odd_keys_in_every_section_are_one_line_each(tmp_path: Path) -> None:
    # "self" clashed with the detail models' keyword arguments (a TypeError traceback).
    f = tmp_path / "p.toml"
    f.write_text('[design]\nself = 1\n[detail]\nself = 1\n"a\\nb" = 2\n[naming]\nself = "x"\n')
    with pytest.raises(ParameterError) as info:
        load_params_file(f)
    lines = str(info.value).splitlines()[1:]
    assert lines[0] == "  [design] self: unknown parameter"
    assert lines[1].startswith("  [detail] self: unknown parameter; known: colour_code, spare")
    assert lines[2].startswith("  [detail] 'a\\nb': unknown parameter")
    assert lines[3].startswith("  [naming] self: unknown parameter; known: co, olt_port")
    assert len(lines) == 4
