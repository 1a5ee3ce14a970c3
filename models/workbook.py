"""The business case as a spreadsheet for a finance team (``finance.xlsx``, openpyxl).

Sheets:

- **Inputs**: every finance input with its value, unit and source, and the
  capex by layer;
- **Comparison**: one row per model and actor (NPV, IRR, payback, peak
  funding, terminal value, equity NPV and IRR, lowest DSCR, IRR warning);
- one sheet per model with each actor's **P&L, cash flow and balance
  summary**, calendar years as columns, amounts in the reporting currency;
- **Break-even** (when given): cost-based fees and break-even take-up.

Each sheet states the price basis, the timing convention and the currency in
its first rows. The file is written atomically.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from models.atomic import atomic_path
from models.capex import NetworkCapex
from models.comparison import TABLE_COLUMNS, ActorResult, Comparison
from models.drivers import price_index
from models.labels import basis_text
from models.statements import Statements

_MONEY = "#,##0;[Red]-#,##0"
_PERCENT = "0.0%"
_RATIO = "0.00"

#: Lines of an actor's statements: (label, attribute of Statements); a heading has none.
_LINES: tuple[tuple[str, str], ...] = (
    ("P&L", ""),
    ("Revenue", "revenue_eur"),
    ("Operating costs", "operating_costs_eur"),
    ("EBITDA", "ebitda_eur"),
    ("Depreciation", "depreciation_eur"),
    ("Grants released", "grant_release_eur"),
    ("EBIT", "ebit_eur"),
    ("Interest", "interest_eur"),
    ("Profit before tax", "pre_tax_profit_eur"),
    ("Tax", "tax_eur"),
    ("Net income", "net_income_eur"),
    ("Cash flow", ""),
    ("Capex (initial and replacements)", "capex_eur"),
    ("Grants and subsidies received", "grants_eur"),
    ("PPP partner's share (signed)", "ppp_eur"),
    ("Tax without debt", "project_tax_eur"),
    ("Project cash flow", "project_cash_flow_eur"),
    ("Debt drawn", "debt.draws_eur"),
    ("Debt repaid", "debt.principal_eur"),
    ("Cash flow to equity", "equity_cash_flow_eur"),
    ("Balance at year end", ""),
    ("Fixed assets (book value)", "fixed_assets_eur"),
    ("Deferred grants", "deferred_grants_eur"),
    ("Debt", "debt_eur"),
    ("Equity", "equity_book_eur"),
    ("Tax losses carried forward", "tax_losses_eur"),
    ("DSCR", "dscr"),
)


def _value(st: Statements, attr: str) -> np.ndarray:
    obj: Any = st
    for part in attr.split("."):
        obj = getattr(obj, part)
    return np.asarray(obj, dtype=float)


def write_workbook(
    path: str | Path,
    comparison: Comparison,
    *,
    breakeven: Iterable[Mapping[str, Any]] = (),
    title: str = "",
) -> Path:
    """Write the business case to an ``.xlsx`` file.

    Parameters
    ----------
    path
        The file to write.
    comparison
        The four models run on one capex and set of inputs.
    breakeven
        Rows of the break-even table (``quantity, model, actor, value, unit``).
    title
        What the case is about (a district); defaults to the capex label.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    params, capex = comparison.params, comparison.capex
    currency = params.currency
    heading = title or capex.label or "business case"
    stated = basis_text(params)
    book = Workbook()
    bold = Font(bold=True)

    def head(sheet: Any, name: str) -> None:
        sheet.append([f"{name}: {heading}"])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([f"Amounts in {stated}; years are calendar years"])
        sheet.append([])

    inputs = book.active
    inputs.title = "Inputs"
    head(inputs, "Inputs")
    inputs.append(["input", "value", "unit", "source"])
    for cell in inputs[inputs.max_row]:
        cell.font = bold
    for name, info in type(params).model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        value = getattr(params, name)
        if isinstance(value, list | dict) or hasattr(value, "model_dump"):
            value = str(_dump(value))
        unit = str(extra.get("unit", "")).replace("EUR", currency)
        inputs.append([name, value, unit, str(extra.get("source", ""))])
    inputs.append([])
    inputs.append(["capex", "value", "unit", ""])
    inputs[inputs.max_row][0].font = bold
    for name, info in NetworkCapex.model_fields.items():
        unit = ""
        if isinstance(info.json_schema_extra, dict):
            unit = str(info.json_schema_extra.get("unit", ""))
        if name.endswith("_eur"):
            unit = params.capex_currency
        value = getattr(capex, name)
        if isinstance(value, tuple):
            value = f"{len(value)} phases" if value else "none (the build profile)"
        elif value is None:
            value = "none"
        elif hasattr(value, "model_dump"):
            value = _summary_text(value)
        inputs.append([name, value, unit, ""])
    _widths(inputs, [40, 18, 22, 100])

    table = book.create_sheet("Comparison")
    head(table, "Comparison")
    columns = [c.replace("_eur", f" ({currency})") for c in TABLE_COLUMNS]
    table.append(columns)
    for cell in table[table.max_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True)
    for row in comparison.table(include_value_chain=True):
        table.append([row[c] for c in TABLE_COLUMNS])
        for cell, column in zip(table[table.max_row], TABLE_COLUMNS, strict=True):
            if column.endswith("_eur"):
                cell.number_format = _MONEY
            elif column in ("irr", "equity_irr", "revenue_share", "discount_rate"):
                cell.number_format = _PERCENT
            elif column == "min_dscr":
                cell.number_format = _RATIO
    _widths(table, [16, 12] + [14] * (len(columns) - 2))

    for result in comparison.models.values():
        sheet = book.create_sheet(result.spec.title[:31])
        head(sheet, f"{result.spec.title} statements")
        years = [int(y) for y in result.calendar_years]
        for actor in result.actors.values():
            if actor.valuation is None:
                continue
            sheet.append([f"{actor.actor.title}", *years])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for label, values, is_ratio in statement_lines(comparison, actor, headings=True):
                if values is None:
                    sheet.append([label])
                    sheet[sheet.max_row][0].font = Font(italic=True, bold=True)
                    continue
                cells = [None if not np.isfinite(v) else float(v) for v in values]
                sheet.append([label, *cells])
                for cell in sheet[sheet.max_row][1:]:
                    cell.number_format = _RATIO if is_ratio else _MONEY
            sheet.append([])
        sheet.freeze_panes = "B4"
        _widths(sheet, [34] + [12] * len(years))

    rows = list(breakeven)
    if rows:
        be = book.create_sheet("Break-even")
        head(be, "Break-even")
        be.append(["quantity", "model", "actor", "value", "unit", "note"])
        for cell in be[be.max_row]:
            cell.font = bold
        for entry in rows:
            unit = str(entry.get("unit", "")).replace("EUR", currency)
            be.append(
                [
                    entry.get("quantity"),
                    entry.get("model"),
                    entry.get("actor"),
                    entry.get("value"),
                    unit,
                    entry.get("note", ""),
                ]
            )
        _widths(be, [28, 16, 12, 12, 26, 60])

    target = Path(path)
    with atomic_path(target) as tmp:
        book.save(tmp)
    return target


def statement_lines(
    comparison: Comparison, actor: ActorResult, *, headings: bool = False
) -> list[tuple[str, Any, bool]]:
    """An actor's statement lines on the reporting basis: ``(label, values, is_ratio)``.

    With `headings`, the section headings come as ``(label, None, False)``.

    Examples
    --------
    >>> import models
    >>> c = models.compare(models.NetworkCapex.example())
    >>> lines = statement_lines(c, c["separated"].actors["PIP"])
    >>> [label for label, _, _ in lines][:3]
    ['Revenue', 'Operating costs', 'EBITDA']
    """
    if actor.valuation is None:
        return []
    st = actor.valuation.statements
    basis = _basis(comparison, st)
    out: list[tuple[str, Any, bool]] = []
    for label, attr in _LINES:
        if not attr:
            if headings:
                out.append((label, None, False))
            continue
        values = _value(st, attr)
        is_ratio = attr == "dscr"
        out.append((label, values if is_ratio else values * basis, is_ratio))
    return out


def _basis(comparison: Comparison, st: Statements) -> np.ndarray:
    """Nominal to reporting basis, per year."""
    params = comparison.params
    n_years = np.shape(st.ebitda_eur)[-1]
    if params.price_basis != "real":
        return np.ones(n_years)
    return 1.0 / price_index(params, n_years)


def _dump(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


def _widths(sheet: Any, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def _summary_text(value: Any) -> str:
    """One line for a nested capex block (the smart-city layer, the central office)."""
    classes = getattr(value, "classes", None)
    if classes is not None:
        served = sum(c.served for c in classes)
        return (
            f"{served} endpoints in {len(classes)} classes, extra build "
            f"{value.total_eur:,.0f} ({value.basis})"
        )
    return ", ".join(f"{k} {v}" for k, v in value.model_dump().items())
