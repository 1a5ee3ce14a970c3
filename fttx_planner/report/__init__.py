"""The PDF report of a plan, one module per concern.

Modules
-------
builder
    :func:`write_report`: the document, its page template and the order of the sections.
style, figures, maps, finance
    fonts and tables, charts, vector map sheets, the business-case tables.
"""

from __future__ import annotations

from fttx_planner.report.builder import (
    ReportError,
    build_report_pdf,
    headline_figures,
    write_report,
)

__all__ = ["ReportError", "build_report_pdf", "headline_figures", "write_report"]
