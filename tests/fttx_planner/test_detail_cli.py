"""``fttx-planner splices`` and ``fttx-planner trace`` on a planned sample city."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from fttx_planner.cli import main
from fttx_planner.detail.files import read_detail

SAMPLE = "liechtenstein_balzers"


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    assert main(["plan", SAMPLE, "--out", str(out), "--quiet"]) == 0
    return out


def test_splice_book_has_one_page_per_site_at_least(plan_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    pdf = plan_dir / "book.pdf"
    assert main(["splices", str(plan_dir), "--out", str(pdf), "--kinds", "co,cabinet"]) == 0
    out = capsys.readouterr().out
    assert "Splice book written" in out
    detail = read_detail(plan_dir)
    reader = PdfReader(str(pdf))
    sites = detail.sites[detail.sites["kind"].isin(["co", "cabinet"])]
    assert len(reader.pages) >= len(sites)
    text = reader.pages[0].extract_text()
    co = sites.iloc[0]
    assert co["site"] in text and "OpenStreetMap" in text
    assert f"{co['lat']:.6f}" in text
    assert (plan_dir / "detail" / "splices.csv").is_file()


def test_trace_of_a_unit_and_a_building(plan_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    detail = read_detail(plan_dir)
    unit = detail.units.iloc[0]
    assert main(["trace", str(plan_dir), "--unit", str(unit["premise"])]) == 0
    out = capsys.readouterr().out
    assert str(unit["olt_port"]) in out and "dB 1490" in out
    assert f"plan's loss for this home {unit['plan_loss_db']:.2f} dB" in out
    assert main(["trace", str(plan_dir), "--building", str(unit["osm_id"])]) == 0
    out = capsys.readouterr().out
    n = int((detail.units["osm_id"] == unit["osm_id"]).sum())
    assert out.count("Premise ") == n
    assert main(["trace", str(plan_dir), "--from", str(unit["splitter"])]) == 0
    assert str(unit["premise"]) in capsys.readouterr().out


def test_bad_input_is_one_line_on_stderr(plan_dir: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["trace", str(plan_dir), "--building", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert main(["trace", str(tmp_path / "nowhere"), "--unit", "1/1"]) == 2
    assert "does not exist" in capsys.readouterr().err
    params = tmp_path / "p.toml"
    params.write_text('[design]\nsplit_ratio = 32\n[naming]\ncable = "{co}-{colour}"\n')
    assert main(["trace", str(plan_dir), "--unit", "1/1", "--params", str(params)]) == 2
    err = capsys.readouterr().err
    # Read like every parameter file: the file, then one line per problem.
    assert err.startswith(f"error: Invalid parameters in {params}:")
    assert "[naming] cable: unknown field {colour}" in err and err.count("\n") == 2


def test_other_naming_rewrites_the_detail(plan_dir: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    params = tmp_path / "p.toml"
    params.write_text('[detail]\ncolour_code = "tia598"\n[naming]\nco = "ZZ9"\n')
    first = read_detail(plan_dir).units.iloc[0]
    assert (
        main(["trace", str(plan_dir), "--unit", str(first["premise"]), "--params", str(params)])
        == 0
    )
    assert "ZZ9-OLT" in capsys.readouterr().out
    again = read_detail(plan_dir)
    assert again.meta["co"] == "ZZ9" and again.meta["settings"]["colour_code"] == "tia598"


def test_detail_inputs_and_outputs_are_checked_first(
    plan_dir: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    import os

    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)  # read, it would hang
    big = tmp_path / "big.toml"
    big.write_text("[detail]\nspare_share = " + "1" * 5000 + "\n")
    bad_key = tmp_path / "self.toml"
    bad_key.write_text("[detail]\nself = 1\n")
    unit = read_detail(plan_dir).units.iloc[0]["premise"]
    for params, says in (
        (fifo, "named pipe"),
        (big, "more digits"),
        (bad_key, "[detail] self: unknown parameter"),
    ):
        assert main(["trace", str(plan_dir), "--unit", str(unit), "--params", str(params)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and says in err and len(err) < 400
    # The splice book's target: a folder is refused before any work.
    assert main(["splices", str(plan_dir), "--out", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
