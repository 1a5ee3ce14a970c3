"""docs/models.md documents every input and keeps its benchmark section."""

from __future__ import annotations

from pathlib import Path

from models import FinanceParams

DOC = Path(__file__).resolve().parents[2] / "docs" / "models.md"


def test_every_input_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in FinanceParams.model_fields:
        if name.endswith("_horizon_years"):
            assert "`*_horizon_years`" in text
        else:
            assert f"`{name}`" in text, name


def test_benchmark_section_is_present() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- bench:models:start -->")
    assert text.index("<!-- bench:models:end -->") > start
