"""Cable joint closures and distribution points (FDPs) on the report's map sheets.

The sheets are drawn onto an uncompressed PDF and the symbols counted in its
content stream: a closure is a diamond sub-path filled with the closure colour,
a distribution point a square filled white and edged in the distribution
cable's colour; the legend draws one more of each where it explains them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from fttx_planner import grid_district, plan_district
from fttx_planner.params import DesignParams
from fttx_planner.plan import Plan
from fttx_planner.report.maps import CLOSURE, DISTRIBUTION, LEGEND_H, MapBook, MapSheet
from fttx_planner.report.style import register_fonts

#: Map size of the test sheets (pt): small enough for a 1,800-building grid to need detail sheets.
MAP_W, MAP_H = 500.0, 600.0
PAINT_OPS = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"n"}


def _district() -> object:
    return grid_district(1800, block_m=160.0, irregular=True, seed=5)


@pytest.fixture(scope="module")
def joints_plan() -> Plan:
    return plan_district(_district())  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def plain_plan() -> Plan:
    return plan_district(_district(), DesignParams(joints=False))  # type: ignore[arg-type]


def _rgb(col: colors.Color) -> tuple[float, float, float]:
    return (col.red, col.green, col.blue)


def _same(a: tuple[float, ...] | None, b: tuple[float, float, float]) -> bool:
    return a is not None and len(a) == 3 and np.allclose(a, b, atol=2e-3)


def symbol_counts(path: Path) -> list[dict[str, int]]:
    """Closure diamonds and FDP squares filled and stroked on each page."""
    out = []
    for page in PdfReader(path).pages:
        fill: tuple[float, ...] | None = None
        stroke: tuple[float, ...] | None = None
        pending: Counter[bytes] = Counter()
        counts = {"closures": 0, "fdps": 0}
        for operands, op in page.get_contents().operations:  # type: ignore[union-attr]
            if op == b"rg":
                fill = tuple(float(v) for v in operands)
            elif op == b"RG":
                stroke = tuple(float(v) for v in operands)
            elif op in (b"m", b"re"):
                pending[op] += 1
            elif op in PAINT_OPS:
                filled_and_stroked = op in (b"B", b"B*")
                if filled_and_stroked and _same(fill, _rgb(CLOSURE)):
                    counts["closures"] += pending[b"m"]
                white = _same(fill, (1.0, 1.0, 1.0))
                if filled_and_stroked and white and _same(stroke, _rgb(DISTRIBUTION)):
                    counts["fdps"] += pending[b"re"]
                pending.clear()
        out.append(counts)
    return out


def draw_book(book: MapBook, path: Path) -> list[str]:
    """The overview then every detail sheet, one per page; returns each page's text."""
    register_fonts()
    c = Canvas(str(path), pagesize=(MAP_W, MAP_H + LEGEND_H), pageCompression=0)
    for sheet in [book.overview, *book.sheets]:
        MapSheet(book, sheet, LEGEND_H, "A4").drawOn(c, 0, 0)
        c.showPage()
    c.save()
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def test_book_holds_every_closure_and_distribution_point(joints_plan: Plan) -> None:
    closures, fdps = joints_plan.closures, joints_plan.fdps
    assert closures is not None and fdps is not None
    assert len(closures) > 0 and len(fdps) > 0
    book = MapBook(joints_plan, MAP_W, MAP_H)
    assert len(book.sheets) >= 2
    np.testing.assert_array_equal(book.closure_xy, closures[["x", "y"]].to_numpy(dtype=float))
    np.testing.assert_array_equal(book.fdp_xy, fdps[["x", "y"]].to_numpy(dtype=float))
    # Every one is on a detail sheet, and the detail sheets draw each exactly once.
    assert (book.sheet_of(book.closure_xy) > 0).all()
    assert (book.sheet_of(book.fdp_xy) > 0).all()
    on_sheets = [book.joints_on(s) for s in book.sheets]
    assert sum(len(c) for c, _ in on_sheets) == len(closures)
    assert sum(len(f) for _, f in on_sheets) == len(fdps)
    # The overview with detail sheets shows the closures but leaves the FDPs to the sheets.
    over_closures, over_fdps = book.joints_on(book.overview)
    assert len(over_closures) == len(closures) and len(over_fdps) == 0


def test_sheets_draw_the_symbols_and_the_legend_explains_them(
    joints_plan: Plan, tmp_path: Path
) -> None:
    book = MapBook(joints_plan, MAP_W, MAP_H)
    texts = draw_book(book, tmp_path / "maps.pdf")
    counts = symbol_counts(tmp_path / "maps.pdf")
    assert len(counts) == 1 + len(book.sheets)
    # Overview: every closure plus the legend's; no FDP, and a note saying where they are.
    assert counts[0] == {"closures": len(book.closure_xy) + 1, "fdps": 0}
    assert "joint closure" in texts[0]
    assert "distribution point" not in texts[0]
    assert "Drops and FDPs: detail sheets only" in texts[0]
    # Detail sheets: the symbols of their own points, one more of each in the legend.
    for sheet, page, text in zip(book.sheets, counts[1:], texts[1:], strict=True):
        closures, fdps = book.joints_on(sheet)
        assert page == {"closures": len(closures) + 1, "fdps": len(fdps) + 1}
        assert "joint closure" in text and "distribution point (FDP)" in text
    assert sum(p["fdps"] - 1 for p in counts[1:]) == len(book.fdp_xy)


def test_plan_without_joints_has_no_joint_symbols(plain_plan: Plan, tmp_path: Path) -> None:
    assert plain_plan.closures is None or len(plain_plan.closures) == 0
    assert plain_plan.fdps is None or len(plain_plan.fdps) == 0
    book = MapBook(plain_plan, MAP_W, MAP_H)
    assert len(book.closure_xy) == 0 and len(book.fdp_xy) == 0
    texts = draw_book(book, tmp_path / "plain.pdf")
    assert symbol_counts(tmp_path / "plain.pdf") == [{"closures": 0, "fdps": 0}] * len(texts)
    text = "\n".join(texts)
    assert "closure" not in text and "FDP" not in text and "distribution point" not in text
    assert "splitter" in text  # the legend is there, without the joint rows


def test_plan_made_before_joints_existed_draws(joints_plan: Plan, tmp_path: Path) -> None:
    import dataclasses

    old = dataclasses.replace(joints_plan, closures=None, fdps=None)
    book = MapBook(old, MAP_W, MAP_H)
    assert book.closure_xy.shape == (0, 2) and book.fdp_xy.shape == (0, 2)
    texts = draw_book(book, tmp_path / "old.pdf")
    assert "joint closure" not in "\n".join(texts)
