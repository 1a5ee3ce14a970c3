"""The PDF report of a plan, one module per concern.

Modules
-------
builder
    :func:`write_report`, :func:`build_report_pdf`: the order of the sections.
context, document, headings
    the state shared by the sections (:class:`~fttx_planner.report.context.ReportContext`),
    the page templates, and the numbered headings and bookmarks.
title, contents, summary, map_section, design_section, coverage, bom_section, appendix
    one section each: title page, contents, summary, maps, network design (with
    optical loss and unserved homes in ``coverage``), bill of materials and capex,
    appendices; the business case section is laid out by ``finance``.
style, figures, maps, finance, coordinates
    fonts and tables, charts, vector map sheets, the business-case results and
    tables, WGS84 coordinates and OSM references.
"""

from __future__ import annotations

from fttx_planner.report.builder import (
    ReportError,
    build_report_pdf,
    headline_figures,
    write_report,
)

__all__ = ["ReportError", "build_report_pdf", "headline_figures", "write_report"]
