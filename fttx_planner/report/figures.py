"""Matplotlib figures in the PDF report, kept as vector graphics with real text.

reportlab cannot place a PDF page, so a chart goes in in two steps:

1. :class:`FigureFlowable` renders the figure once to a one-page PDF
   (TrueType fonts embedded, ``pdf.fonttype = 42``) at exactly the size it
   takes in the report, and during the layout records the page and position
   it was given, leaving that space empty;
2. :func:`stamp_figures` then merges each chart's page onto its report page
   with pypdf, at that position.

The chart keeps matplotlib's own vector output: paths, and text that can be
searched and copied.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from fttx_planner.report.style import (
    MPL_ACCENT,
    MPL_GREY,
    MPL_NAVY,
    MPL_TEAL,
    MPL_WARN,
)

#: matplotlib settings of every chart in the report.
CHART_RC: dict[Any, Any] = {
    "pdf.fonttype": 42,
    "pdf.compression": 9,
    "font.family": "DejaVu Sans",
    "font.size": 8.0,
    "axes.titlesize": 9.0,
    "axes.labelsize": 8.0,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#5b6470",
    "axes.titleweight": "bold",
    "svg.fonttype": "none",
}


@dataclass
class FigureRegistry:
    """The charts of a report and where each landed: ``{index: (page index, x, y, scale)}``."""

    figures: list[Figure] = field(default_factory=list)
    placed: dict[int, tuple[int, float, float, float]] = field(default_factory=dict)

    def add(self, fig: Figure) -> int:
        """Keep a chart until the report is stamped; return its index."""
        self.figures.append(fig)
        return len(self.figures) - 1

    def render(self) -> bytes:
        """All charts as one PDF, one page each, so their fonts are embedded once."""
        from matplotlib.backends.backend_pdf import PdfPages

        buf = io.BytesIO()
        meta: dict[str, Any] = {"Creator": None, "Producer": None, "CreationDate": None}
        with matplotlib.rc_context(CHART_RC), PdfPages(buf, metadata=meta) as pages:
            for fig in self.figures:
                pages.savefig(fig)
        return buf.getvalue()


class FigureFlowable(Flowable):
    """A matplotlib figure placed in the flow of the report.

    Parameters
    ----------
    fig
        The figure, rendered when the report is stamped.
    registry
        Collects the figure and, at layout, its position.
    width, height
        Size on the page in points. When both are given the figure is
        re-sized to them (its fonts keep their point sizes); otherwise it
        keeps its own size and proportions and is scaled to ``fit_width``
        and ``max_height``, as the GUI lays it out.
    fit_width, max_height
        Box a figure of its own size is scaled into (points).
    """

    def __init__(
        self,
        fig: Figure,
        registry: FigureRegistry,
        width: float | None = None,
        height: float | None = None,
        fit_width: float | None = None,
        max_height: float | None = None,
    ) -> None:
        super().__init__()
        self.registry = registry
        self.hAlign = "CENTER"
        if width is not None and height is not None:
            fig.set_size_inches(width / 72.0, height / 72.0)
            self.scale = 1.0
        else:
            w0, h0 = (float(v) * 72.0 for v in fig.get_size_inches())
            limits = [1.25]
            if fit_width:
                limits.append(fit_width / w0)
            if max_height:
                limits.append(max_height / h0)
            self.scale = min(limits)
            width, height = w0 * self.scale, h0 * self.scale
        self.width = width
        self.height = height
        self.index = registry.add(fig)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv: Canvas = self.canv
        x, y = canv.absolutePosition(0, 0)
        self.registry.placed[self.index] = (
            canv.getPageNumber() - 1,
            float(x),
            float(y),
            self.scale,
        )


def stamp_figures(pdf: bytes, registry: FigureRegistry) -> bytes:
    """Place every chart of ``registry`` on its page of ``pdf``; return the new PDF.

    Each chart page becomes a form XObject drawn at its recorded position, so
    the report's own content streams are not parsed or rewritten, and fonts
    shared by the charts are written once.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    if not registry.placed:
        return pdf
    charts = PdfReader(io.BytesIO(registry.render()))
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    for index, (page_index, x, y, scale) in sorted(registry.placed.items()):
        chart = charts.pages[index]
        form = DecodedStreamObject()
        contents = chart.get_contents()
        form.set_data(contents.get_data() if contents is not None else b"")
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject([FloatObject(v) for v in chart.mediabox]),
                NameObject("/Resources"): chart["/Resources"].clone(writer),
            }
        )
        ref = writer._add_object(form.flate_encode())
        page = writer.pages[page_index]
        resources = page.setdefault(NameObject("/Resources"), DictionaryObject())
        xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject())
        name = NameObject(f"/FttxChart{index}")
        xobjects[name] = ref
        stamp = DecodedStreamObject()
        matrix = f"{scale:.5f} 0 0 {scale:.5f} {x:.3f} {y:.3f} cm"
        stamp.set_data(f"q {matrix} {name} Do Q".encode("ascii"))
        content = page[NameObject("/Contents")]
        parts = content.get_object()
        array = ArrayObject(list(parts) if isinstance(parts, ArrayObject) else [content])
        array.append(writer._add_object(stamp.flate_encode()))
        page[NameObject("/Contents")] = array
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- the charts the report draws itself ------------------------------------------
def loss_distribution_figure(
    loss_db: np.ndarray, homes: np.ndarray, budget_db: float, margin_db: float
) -> Figure:
    """Histogram of homes by optical loss, with the budget and the safety margin.

    Parameters
    ----------
    loss_db
        Loss of each served building (dB).
    homes
        Homes in each building (the histogram's weights).
    budget_db
        Optical budget of the class.
    margin_db
        Safety margin already included in the losses (shown as a band).
    """
    with matplotlib.rc_context(CHART_RC):
        fig = Figure(figsize=(6.5, 2.6), layout="constrained")
        ax = fig.add_subplot()
        if len(loss_db):
            lo = float(np.floor(min(loss_db.min(), budget_db - 8)))
            bins = np.arange(lo, budget_db + 1.0 + 1e-9, 0.25).tolist()
            ax.hist(
                loss_db,
                bins=bins,
                weights=homes,
                color=MPL_TEAL,
                edgecolor="white",
                linewidth=0.3,
                label="homes",
            )
            ax.set_xlim(lo, budget_db + 1.0)
        ax.axvline(budget_db, color=MPL_WARN, linewidth=1.4)
        ax.text(
            budget_db,
            0.97,
            f"  budget {budget_db:.0f} dB",
            color=MPL_WARN,
            transform=ax.get_xaxis_transform(),
            va="top",
            ha="left",
            fontsize=7.5,
        )
        if len(loss_db):
            worst = float(loss_db.max())
            ax.axvline(worst, color=MPL_NAVY, linewidth=0.9, linestyle="--")
            ax.text(
                worst,
                0.97,
                f"  worst home {worst:.1f} dB",
                color=MPL_NAVY,
                transform=ax.get_xaxis_transform(),
                va="top",
                ha="left",
                fontsize=7.5,
            )
            ax.axvspan(worst, budget_db, color="#e8f3ea", zorder=0)
            ax.text(
                (worst + budget_db) / 2,
                0.55,
                f"margin {budget_db - worst:.1f} dB",
                color="#2e7d32",
                transform=ax.get_xaxis_transform(),
                ha="center",
                fontsize=7.5,
            )
        ax.set_xlabel(
            f"optical loss OLT to ONT (dB), including the safety margin of {margin_db:.1f} dB"
        )
        ax.set_ylabel("homes")
        ax.grid(axis="y", color="#dde3e8", linewidth=0.5)
        ax.set_axisbelow(True)
    return fig


def capex_layers_figure(by_layer: dict[str, float], titles: dict[str, str]) -> Figure:
    """Horizontal bars of capex by layer, passive layers in teal, active in orange."""
    from fttx_planner.catalogue import PASSIVE_LAYERS

    names = [k for k in by_layer if by_layer[k] > 0][::-1]
    values = np.array([by_layer[k] for k in names]) / 1e3
    with matplotlib.rc_context(CHART_RC):
        fig = Figure(figsize=(6.5, 2.2), layout="constrained")
        ax = fig.add_subplot()
        bar_colors = [MPL_TEAL if k in PASSIVE_LAYERS else MPL_ACCENT for k in names]
        ax.barh([titles.get(k, k) for k in names], values, color=bar_colors, height=0.62)
        total = float(sum(by_layer.values())) / 1e3 or 1.0
        for i, v in enumerate(values):
            ax.text(
                v,
                i,
                f"  €{v:,.0f} k ({100 * v / total:.0f} %)",
                va="center",
                fontsize=7.2,
                color=MPL_GREY,
            )
        ax.set_xlim(0, float(values.max()) * 1.28 if len(values) else 1)
        ax.set_xlabel("capex (thousand €)")
        ax.grid(axis="x", color="#dde3e8", linewidth=0.5)
        ax.set_axisbelow(True)
        ax.tick_params(axis="y", length=0)
    return fig
