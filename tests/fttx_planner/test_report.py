"""The PDF report: pages, headline figures, fonts, vector maps and charts, rendering.

Text is read with ``pdftotext`` and pages rendered with ``pdftoppm`` (poppler)
when they are installed; without them the same checks run on pypdf's text
extraction and content-stream parser, so a machine with only Python still
tests something real.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

import models
from fttx_planner import grid_district, plan_district
from fttx_planner.cli import main
from fttx_planner.detail import build_detail, object_names
from fttx_planner.plan import Plan
from fttx_planner.report.builder import ReportError, headline_figures, write_report

DATE = dt.date(2026, 11, 22)
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


# -- reading PDFs, with or without poppler -------------------------------------------------
def page_texts(path: Path, use_poppler: bool = True) -> list[str]:
    """The text of every page (pdftotext if installed, else pypdf)."""
    if use_poppler and shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        pages = out.split("\f")
        return pages[:-1] if pages and not pages[-1].strip() else pages
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def fonts_of(resources: Any, seen: set[int]) -> list[Any]:
    """Fonts used by a resource dictionary and the form XObjects it holds."""
    fonts = []
    font_dict = resources.get("/Font")
    if font_dict is not None:
        fonts += [f.get_object() for f in font_dict.get_object().values()]
    xobjects = resources.get("/XObject")
    if xobjects is not None:
        for ref in xobjects.get_object().values():
            xo = ref.get_object()
            if id(xo) in seen or xo.get("/Subtype") != "/Form" or "/Resources" not in xo:
                continue
            seen.add(id(xo))
            fonts += fonts_of(xo["/Resources"].get_object(), seen)
    return fonts


def is_embedded(font: Any) -> bool:
    """Whether a font's program is inside the PDF."""
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    desc = font.get("/FontDescriptor")
    if desc is None:
        return font.get("/Subtype") == "/Type3"
    desc = desc.get_object()
    return any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def image_count(reader: PdfReader) -> int:
    """Raster images anywhere in the document."""
    count = 0
    for page in reader.pages:
        stack: list[Any] = [page.get("/Resources")]
        while stack:
            res = stack.pop()
            if res is None:
                continue
            res = res.get_object()
            xobjects: Any = (res.get("/XObject") or DictionaryObject()).get_object()
            for ref in xobjects.values():
                xo = ref.get_object()
                if xo.get("/Subtype") == "/Image":
                    count += 1
                elif xo.get("/Subtype") == "/Form":
                    stack.append(xo.get("/Resources"))
    return count


def check_pages_render(path: Path, tmp_path: Path, n_pages: int) -> None:
    """Every page renders (pdftoppm) or at least parses into drawing operations (pypdf)."""
    reader = PdfReader(path)
    for page in reader.pages:
        # The content stream parses into operators, forms included.
        assert len(page.get_contents().operations) > 10  # type: ignore[union-attr]
    if shutil.which("pdftoppm"):
        proc = subprocess.run(
            ["pdftoppm", "-r", "18", "-png", str(path), str(tmp_path / "page")],
            capture_output=True, text=True,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert "Error" not in proc.stderr, proc.stderr
        pngs = sorted(tmp_path.glob("page-*.png"))
        assert len(pngs) == n_pages
        assert all(p.stat().st_size > 200 for p in pngs)


# -- fixtures ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_plan() -> Plan:
    return plan_district(grid_district(400, seed=3))


@pytest.fixture(scope="module")
def small_report(small_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("report") / "sub" / "report.pdf"
    path = write_report(small_plan, target, date=DATE, n_draws=200)
    assert path == target
    return path


@pytest.fixture(scope="module")
def large_plan() -> Plan:
    """A district too large for one map page: detail sheets, with a lower bound set."""
    plan = plan_district(grid_district(1800, block_m=160.0, irregular=True, seed=5))
    return dataclasses.replace(plan, lower_bound_eur=round(0.9 * plan.total_cost_eur))


@pytest.fixture(scope="module")
def custom_comparison(large_plan: Plan) -> models.Comparison:
    capex = models.NetworkCapex.from_summary(large_plan.summary())
    params = models.FinanceParams().updated(arpu_eur_per_month=47.5)
    return models.compare(capex, params)


@pytest.fixture(scope="module")
def letter_report(
    large_plan: Plan, custom_comparison: models.Comparison,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:  # fmt: skip
    target = tmp_path_factory.mktemp("letter") / "letter.pdf"
    return write_report(
        large_plan, target, paper="Letter", date=DATE, n_draws=150,
        comparison=custom_comparison, scenario="Council review, option B",
    )  # fmt: skip


# -- the small report -----------------------------------------------------------------------
def test_headline_figures_equal_the_plan(small_plan: Plan, small_report: Path) -> None:
    title = page_texts(small_report)[0]
    homes = f"{small_plan.homes_passed:,}"
    capex = f"€{round(small_plan.bom['cost_eur'].sum()):,}"
    to_pass = small_plan.bom.loc[small_plan.bom["phase"] == "pass", "cost_eur"].sum()
    per_home = f"€{round(to_pass / small_plan.homes_passed):,}"
    assert headline_figures(small_plan) == {
        "homes_passed": homes, "capex": capex, "cost_per_home_passed": per_home,
    }  # fmt: skip
    for figure in (homes, capex, per_home):
        assert figure in title
    assert small_plan.district.name in title
    assert small_plan.params.describe() in title
    assert "22 November 2026" in title


def test_headline_figures_without_poppler(small_plan: Plan, small_report: Path) -> None:
    title = page_texts(small_report, use_poppler=False)[0]
    for figure in headline_figures(small_plan).values():
        assert figure in title


def test_page_count_and_numbering(small_report: Path) -> None:
    reader = PdfReader(small_report)
    n = len(reader.pages)
    # Title, contents, summary, one map (no detail sheets for 400 buildings), design (2),
    # BOM (2), business case (about 7), appendices: 15 to 20 pages.
    assert 15 <= n <= 20
    texts = page_texts(small_report)
    assert len(texts) == n
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {n}" in text
    assert "Page 1 of" not in texts[0]
    assert all(size == pytest.approx(A4, abs=0.5) for size in _page_sizes(reader))


def test_contents_point_to_the_right_pages(small_report: Path) -> None:
    reader = PdfReader(small_report)
    texts = page_texts(small_report)
    contents = texts[1]
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [str(item.title) for item in top]
    for wanted in ("Summary", "Maps", "Network design", "Bill of materials and capex",
                   "Business case", "Splitter schedule", "Method and data"):  # fmt: skip
        assert any(wanted in t for t in titles), titles
    for item in top:
        title = re.sub(r"\s+", " ", str(item.title)).strip()
        index = reader.get_destination_page_number(item)
        assert index is not None, title
        page = index + 1
        name = title.split(" ", 1)[1] if title[0].isdigit() else title
        # The bookmark lands on the page of the heading; the contents list it with that page.
        assert name.split()[-1] in texts[page - 1], (title, page)
        assert name.split()[-1] in contents
        assert re.search(rf"\.\s*{page}\s*$", contents, re.M), (title, page)


def test_sections_show_design_bom_and_business_case(small_plan: Plan,
                                                    small_report: Path) -> None:  # fmt: skip
    text = "\n".join(page_texts(small_report))
    # Splitter schedule: every splitter by its detailed-design name, as in the splice book.
    names = object_names(build_detail(small_plan))
    for sid in small_plan.splitters["splitter_id"]:
        assert names.splitter[int(sid)] in text
    # Bill of materials with the source of each price.
    assert "Source of the price" in text
    assert "Fibre Options (UK)" in text
    # Capex by pass/connect and by layer.
    assert "To pass" in text and "To connect" in text and "Civil works" in text
    # Optical budget and the loss chart's text (vector, searchable).
    assert f"budget {small_plan.params.budget_db:.0f} dB" in text
    # Business case: the four models, NPV/IRR/payback, charts, assumptions with sources.
    for title in ("Verticalized", "Passive Shared", "Active Shared", "Separated"):
        assert title in text
    assert "Payback" in text and "IRR" in text
    assert "Revenue split by business model" in text  # a chart's title: real text
    assert "NPV distribution, 200 draws" in text
    assert "Sensitivity" in text and "Assumptions and their sources" in text
    assert "Point Topic" in text  # the source of the take-up default
    assert "No homes are unserved" not in text
    assert "Every building with homes in the district is served." in text


def test_fonts_embedded_and_graphics_vector(small_report: Path) -> None:
    reader = PdfReader(small_report)
    fonts: list[Any] = []
    seen: set[int] = set()
    for page in reader.pages:
        fonts += fonts_of(page["/Resources"].get_object(), seen)
    assert fonts
    missing = {str(f.get("/BaseFont")) for f in fonts if not is_embedded(f)}
    assert not missing, f"fonts not embedded: {missing}"
    assert all("DejaVu" in str(f.get("/BaseFont")) for f in fonts)
    assert image_count(reader) == 0  # maps and charts are vector graphics
    # Charts are placed as form XObjects on the business case pages.
    forms = 0
    for page in reader.pages:
        resources: Any = page["/Resources"]
        xobjects: Any = resources.get("/XObject") or {}
        forms += sum(1 for ref in xobjects.values() if ref.get_object()["/Subtype"] == "/Form")
    assert forms >= 10


def test_every_page_renders(small_report: Path, tmp_path: Path) -> None:
    check_pages_render(small_report, tmp_path, len(PdfReader(small_report).pages))


def test_write_is_atomic_and_leaves_nothing_behind(small_report: Path) -> None:
    assert sorted(p.name for p in small_report.parent.iterdir()) == ["report.pdf"]
    assert small_report.read_bytes().startswith(b"%PDF-")


# -- the large report: Letter, detail sheets, comparison from the GUI, lower bound -------------
def test_letter_report_with_detail_sheets(large_plan: Plan, letter_report: Path,
                                          tmp_path: Path) -> None:  # fmt: skip
    reader = PdfReader(letter_report)
    sizes = _page_sizes(reader)
    assert all(s == pytest.approx(LETTER, abs=0.5) or s == pytest.approx(LETTER[::-1], abs=0.5)
               for s in sizes)  # fmt: skip
    texts = page_texts(letter_report)
    sheets = [t for t in texts if re.search(r"Map sheet \d+ of \d+", t)]
    assert len(sheets) >= 2
    n_sheets = int(re.search(r"Map sheet \d+ of (\d+)", sheets[0]).group(1))  # type: ignore[union-attr]
    assert len(sheets) == n_sheets
    assert "on Letter paper" in "\n".join(texts)
    # Headline figures and the scenario name on the title page.
    for figure in headline_figures(large_plan).values():
        assert figure in texts[0]
    assert "Council review, option B" in texts[0]
    check_pages_render(letter_report, tmp_path, len(reader.pages))


def test_report_uses_the_comparison_it_is_given(letter_report: Path) -> None:
    text = "\n".join(page_texts(letter_report))
    assert "€47.50 per month" in text  # the ARPU of the comparison passed in
    assert "● 47.50" in text  # marked as differing from the default
    assert "the inputs set in the application" in text


def test_lower_bound_and_gap_shown_when_present(
    large_plan: Plan, letter_report: Path, small_plan: Plan, tmp_path: Path
) -> None:
    text = "\n".join(page_texts(letter_report))
    assert large_plan.lower_bound_eur is not None
    assert "Lower bound / gap" in text
    assert f"€{large_plan.lower_bound_eur:,.0f}" in text
    bare = dataclasses.replace(small_plan, lower_bound_eur=None)
    path = write_report(bare, tmp_path / "bare.pdf", date=DATE, n_draws=200)
    assert "Lower bound" not in "\n".join(page_texts(path))


def test_every_building_with_content_is_on_a_detail_sheet(large_plan: Plan) -> None:
    from fttx_planner.report.maps import MapBook

    book = MapBook(large_plan, 500.0, 600.0)
    assert book.sheets
    xy = large_plan.district.buildings.centroid_xy[large_plan.buildings["building"]]
    assert (book.sheet_of(xy) > 0).all()
    assert book.overview.scale > book.sheets[0].scale
    x0, y0, x1, y1 = book.overview.bbox
    for s in book.sheets:  # the overview shows every detail sheet whole
        assert x0 <= s.bbox[0] and s.bbox[2] <= x1 and y0 <= s.bbox[1] and s.bbox[3] <= y1


# -- errors and the command line ---------------------------------------------------------------
def test_unknown_paper_is_refused(small_plan: Plan, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="A4, Letter"):
        write_report(small_plan, tmp_path / "r.pdf", paper="A3")
    assert not (tmp_path / "r.pdf").exists()


def test_progress_and_cancel(small_plan: Plan, tmp_path: Path) -> None:
    from fttx_planner.plan import PlanCancelled

    stages: list[tuple[float, str]] = []
    with pytest.raises(PlanCancelled):
        write_report(
            small_plan, tmp_path / "r.pdf", n_draws=50,
            progress=lambda f, s: stages.append((f, s)),
            cancelled=lambda: len(stages) >= 3,
        )  # fmt: skip
    assert len(stages) == 3 and stages[0] == (0.0, "business case")
    assert [f for f, _ in stages] == sorted(f for f, _ in stages)
    assert not (tmp_path / "r.pdf").exists()


def test_unwritable_target_is_a_clear_error(small_plan: Plan, tmp_path: Path) -> None:
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ReportError, match="Cannot write the report"):
        write_report(small_plan, blocker / "r.pdf", n_draws=50)


def test_bad_finance_file_is_a_clear_error(small_plan: Plan, tmp_path: Path) -> None:
    bad = tmp_path / "finance.toml"
    bad.write_text("arpu_eur_per_month = -3\n", encoding="utf-8")
    with pytest.raises(models.FinanceParameterError):
        write_report(small_plan, tmp_path / "r.pdf", finance_params_file=bad)
    assert not (tmp_path / "r.pdf").exists()


def test_cli_report_of_a_sample_city(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    finance = tmp_path / "finance.toml"
    finance.write_text("arpu_eur_per_month = 44.0\n", encoding="utf-8")
    # Drops of at most 120 m leave Kotka's set-back buildings unserved.
    design = tmp_path / "design.toml"
    design.write_text("max_drop_m = 120.0\n", encoding="utf-8")
    assert main(["report", "kotka_karhula", "--out", str(tmp_path), "--quiet",
                 "--params", str(design), "--finance-params", str(finance)]) == 0  # fmt: skip
    path = tmp_path / "report.pdf"
    assert "Report written to" in capsys.readouterr().out
    texts = page_texts(path)
    text = "\n".join(texts)
    assert "Karhula, Kotka, Finland" in texts[0]
    assert "brownfield" in texts[0]
    # Buildings no drop reaches are listed with their reason.
    assert "Unserved buildings" in text and "no fibre street within the maximum drop" in text
    assert "existing duct reused" in text  # the brownfield map legend
    assert "OpenStreetMap contributors" in text
    assert "parameter file finance.toml" in text


def _page_sizes(reader: PdfReader) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def test_loss_statistics_match_the_plan(small_plan: Plan, small_report: Path) -> None:
    text = "\n".join(page_texts(small_report))
    served = small_plan.buildings[small_plan.buildings["served"]]
    assert f"{served['loss_db'].max():.2f} dB" in text
    mean = np.average(served["loss_db"], weights=served["homes"])
    assert f"{mean:.2f} dB" in text
