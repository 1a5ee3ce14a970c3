"""Values beyond what Python's number types take are one-line errors (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fttx_planner._errors import CatalogueError, ParameterError
from fttx_planner.catalogue import Catalogue
from fttx_planner.params import load_params

#: More digits than ``int()`` converts (4,300) or a float holds.
DIGITS = "1" * 5000


def test_a_parameter_of_5000_digits_is_one_line(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text(f"[design]\nsplit_ratio = {DIGITS}\n")
    with pytest.raises(ParameterError, match="a number with more digits than any parameter"):
        load_params(f)


@pytest.mark.parametrize("cost", ["inf", "nan", "1e400", DIGITS])
def test_a_price_beyond_a_float_is_not_a_finite_number(tmp_path: Path, cost: str) -> None:
    text = Catalogue.default().to_csv_text()
    row = next(line for line in text.splitlines() if line.startswith("aerial,"))
    f = tmp_path / "cat.csv"
    f.write_text(text.replace(row, ",".join([*row.split(",")[:4], cost, '"assumed"'])))
    with pytest.raises(CatalogueError) as info:
        Catalogue.from_csv(f)
    line = str(info.value).splitlines()[1]
    assert "(aerial): unit_cost_eur" in line and line.endswith("is not a finite number")
    assert len(line) < 150


def test_a_catalogue_of_only_its_header_lists_a_few_missing_items(tmp_path: Path) -> None:
    f = tmp_path / "cat.csv"
    f.write_text(Catalogue.default().to_csv_text().splitlines()[0] + "\n")
    with pytest.raises(CatalogueError, match=r"missing required items: trench_carriageway, .* and "
                                             r"\d+ more$") as info:  # fmt: skip
        Catalogue.from_csv(f)
    assert len(str(info.value)) < 300
