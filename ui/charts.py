"""Matplotlib figures in the window, and their export as PNG or SVG.

Figures are plain :class:`matplotlib.figure.Figure` objects (never pyplot),
built by :mod:`models.charts` or here for the planning results, so they can
be made in a worker thread and adopted by a Qt canvas on the GUI thread.
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fttx_planner.export import atomic_path

#: Colours of the capex layers (passive in earth tones, active in blues).
LAYER_COLOURS = {
    "civil": "#a1887f",
    "cables": "#c2185b",
    "splitters": "#7cb342",
    "cabinets": "#9e9d24",
    "drops": "#ffb300",
    "olt": "#1565c0",
    "ont": "#64b5f6",
}
LAYER_TITLES = {
    "civil": "Civil works",
    "cables": "Cables",
    "splitters": "Splitters & closures",
    "cabinets": "Cabinets",
    "drops": "Drops",
    "olt": "OLT",
    "ont": "ONT",
}


def format_eur(value: float, _pos: object = None) -> str:
    """Short EUR label: ``1.2 M``, ``350 k``."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:.1f} bn"
    if size >= 1e6:
        return f"{value / 1e6:.1f} M"
    if size >= 1e3:
        return f"{value / 1e3:.0f} k"
    return f"{value:.0f}"


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def capex_by_layer_figure(
    by_layer: Mapping[str, float], homes_passed: int, title: str = ""
) -> Figure:
    """Horizontal bars of capex per layer, with the share of the total and EUR per home."""
    fig = _figure(6.5, 3.6)
    ax = fig.add_subplot()
    layers = [k for k in LAYER_COLOURS if k in by_layer]
    values = [float(by_layer[k]) for k in layers]
    total = sum(values) or 1.0
    y = list(range(len(layers)))
    ax.barh(y, values, color=[LAYER_COLOURS[k] for k in layers], height=0.65)
    ax.set_yticks(y)
    ax.set_yticklabels([LAYER_TITLES.get(k, k) for k in layers])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(format_eur))
    ax.set_xlabel("Capex (EUR)")
    top = max(values) if values else 1.0
    for yi, v in zip(y, values, strict=True):
        per_home = v / max(homes_passed, 1)
        ax.text(
            v + top * 0.01, yi, f"{100 * v / total:.0f} %  ·  {per_home:,.0f} EUR/home",
            va="center", fontsize=8, color="#37474f",
        )  # fmt: skip
    ax.set_xlim(0, top * 1.45)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(title or f"Capex by layer: {format_eur(total)} EUR in total", fontsize=10)
    return fig


def _wrap(names: Sequence[str], width: int = 16) -> list[str]:
    return [textwrap.fill(n, width) for n in names]


#: Scenarios drawn in a scenario chart at most: more bars are unreadable at any window size,
#: and Matplotlib builds each one (500 scenarios held the window for seconds).
MAX_CHART_SCENARIOS = 40


def _first(names: Sequence[str]) -> tuple[list[str], str]:
    """The scenarios a chart draws, and a note on the title when some are left out."""
    if len(names) <= MAX_CHART_SCENARIOS:
        return list(names), ""
    return list(names[:MAX_CHART_SCENARIOS]), (
        f" (the first {MAX_CHART_SCENARIOS} of {len(names):,}; the table has them all)"
    )


def scenario_capex_figure(names: Sequence[str], by_layer: Sequence[Mapping[str, float]]) -> Figure:
    """Stacked capex per layer, one bar per scenario (the first :data:`MAX_CHART_SCENARIOS`)."""
    fig = _figure(7.0, 3.8)
    ax = fig.add_subplot()
    names, note = _first(names)
    by_layer = by_layer[: len(names)]
    x = list(range(len(names)))
    bottom = [0.0] * len(names)
    for layer, colour in LAYER_COLOURS.items():
        values = [float(b.get(layer, 0.0)) for b in by_layer]
        if not any(values):
            continue
        ax.bar(x, values, bottom=bottom, color=colour, label=LAYER_TITLES[layer], width=0.6)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(x)
    ax.set_xticklabels(_wrap(names), fontsize=7.5)
    ax.yaxis.set_major_formatter(FuncFormatter(format_eur))
    ax.set_ylabel("Capex (EUR)")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(fontsize=7, ncols=4, frameon=False, loc="outside lower center")
    ax.set_title(textwrap.fill(f"Capex by layer per scenario{note}", 70), fontsize=10)
    return fig


def scenario_npv_figure(names: Sequence[str], npv: Mapping[str, Sequence[float | None]]) -> Figure:
    """Grouped bars: value-chain NPV of each business model, per scenario (the first 40)."""
    fig = _figure(7.0, 3.8)
    ax = fig.add_subplot()
    names, note = _first(names)
    npv = {model: list(values[: len(names)]) for model, values in npv.items()}
    n_models = max(len(npv), 1)
    width = 0.8 / n_models
    colours = ("#6a3d9a", "#8c564b", "#17becf", "#1f77b4", "#2ca02c")
    for i, (model, values) in enumerate(npv.items()):
        xs = [k + (i - (n_models - 1) / 2) * width for k in range(len(names))]
        ax.bar(
            xs,
            [v or 0.0 for v in values],
            width=width,
            label=model,
            color=colours[i % len(colours)],
        )
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xticks(list(range(len(names))))
    ax.set_xticklabels(_wrap(names), fontsize=7.5)
    ax.yaxis.set_major_formatter(FuncFormatter(format_eur))
    ax.set_ylabel("Value-chain NPV (EUR)")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(fontsize=7, ncols=2, frameon=False, loc="outside lower center")
    ax.set_title(textwrap.fill(f"NPV per business model and scenario{note}", 70), fontsize=10)
    return fig


def architecture_figure(rows: Sequence[Mapping[str, Any]], district: str = "") -> Figure:
    """The architectures side by side: stacked capex by layer, and fibre-km with office ports.

    ``rows`` are :func:`fttx_planner.endpoints.compare.compare_architectures`
    figures (``capex_<layer>_eur``, ``per_premise_eur``, ``fibre_km``,
    ``co_ports``, ``co_rack_units``) with a short ``label`` each.
    """
    fig = _figure(9.0, 3.8)
    capex_ax, fibre_ax = fig.subplots(1, 2, width_ratios=(2.2, 1))
    names = [str(r["label"]) for r in rows]
    x = list(range(len(rows)))
    bottom = [0.0] * len(rows)
    for layer, colour in LAYER_COLOURS.items():
        values = [float(r.get(f"capex_{layer}_eur", 0.0)) for r in rows]
        if not any(values):
            continue
        capex_ax.bar(x, values, bottom=bottom, color=colour, label=LAYER_TITLES[layer], width=0.62)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    top = max(bottom, default=1.0) or 1.0
    for xi, total, r in zip(x, bottom, rows, strict=True):
        capex_ax.text(
            xi, total + top * 0.015, f"{format_eur(total)}\n{r['per_premise_eur']:,.0f}/premise",
            ha="center", va="bottom", fontsize=7, color="#37474f",
        )  # fmt: skip
    capex_ax.set_ylim(0, top * 1.22)
    capex_ax.set_xticks(x)
    capex_ax.set_xticklabels(_wrap(names, 11), fontsize=7.5)
    capex_ax.yaxis.set_major_formatter(FuncFormatter(format_eur))
    capex_ax.set_ylabel("Capex (EUR)")
    where = f" of {district}" if district else ""
    capex_ax.set_title(f"Capex by layer{where}, EUR per premise", fontsize=9.5)
    fibre = [float(r["fibre_km"]) for r in rows]
    colours = ["#6a1b9a" if r["technology"] == "P2P" else "#8e99a4" for r in rows]
    fibre_ax.barh(x, fibre, color=colours)
    fibre_ax.set_yticks(x)
    fibre_ax.set_yticklabels(names, fontsize=7.5)
    fibre_ax.invert_yaxis()
    widest = max(fibre, default=1.0) or 1.0
    for xi, v, r in zip(x, fibre, rows, strict=True):
        fibre_ax.text(
            v + widest * 0.02, xi, f"{v:,.0f} km · {int(r['co_ports']):,} ports",
            va="center", fontsize=7, color="#37474f",
        )  # fmt: skip
    fibre_ax.set_xlim(0, widest * 1.9)
    fibre_ax.set_xlabel("Fibre (km)")
    fibre_ax.set_title("Fibre-km and office ports", fontsize=9.5)
    for ax in (capex_ax, fibre_ax):
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.legend(fontsize=7, ncols=7, frameon=False, loc="outside lower center")
    return fig


class _Canvas(FigureCanvasQTAgg):
    """A Qt canvas that skips drawing while too small to lay the figure out."""

    def draw(self) -> None:
        if self.width() < 60 or self.height() < 60:
            return
        with warnings.catch_warnings():
            # Harmless while a splitter or dock is being resized to a sliver.
            warnings.filterwarnings("ignore", message="constrained_layout not applied")
            warnings.filterwarnings("ignore", message="Tight layout not applied")
            super().draw()


def save_figure(fig: Figure, path: str | Path, dpi: int = 150) -> Path:
    """Save a figure as PNG or SVG (by suffix) atomically."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".png", ".svg"):
        msg = f"Charts are saved as .png or .svg, not {suffix or 'no suffix'!r}"
        raise ValueError(msg)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, dpi=dpi, format=suffix[1:])
    return target


class ChartView(QWidget):
    """A figure with Save PNG / Save SVG buttons; a placeholder text until there is one."""

    def __init__(self, name: str, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.figure: Figure | None = None
        self.canvas: _Canvas | None = None
        self.placeholder = QLabel(placeholder or "No chart yet", self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #78909c;")
        self.placeholder.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.save_png = QToolButton(self)
        self.save_png.setText("PNG…")
        self.save_png.setToolTip("Save this chart as a PNG image")
        self.save_svg = QToolButton(self)
        self.save_svg.setText("SVG…")
        self.save_svg.setToolTip("Save this chart as an SVG drawing")
        self.save_png.clicked.connect(lambda: self._save_dialog(".png"))
        self.save_svg.clicked.connect(lambda: self._save_dialog(".svg"))
        self.tools = QHBoxLayout()
        self.tools.setContentsMargins(0, 0, 0, 0)
        self.tools.addStretch(1)
        self.tools.addWidget(self.save_png)
        self.tools.addWidget(self.save_svg)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addLayout(self.tools)
        self._layout.addWidget(self.placeholder, 1)
        self._set_buttons()

    def _set_buttons(self) -> None:
        for b in (self.save_png, self.save_svg):
            b.setEnabled(self.figure is not None)

    def set_figure(self, figure: Figure | None, placeholder: str = "") -> None:
        """Show ``figure`` (adopting it into a Qt canvas), or the placeholder."""
        if self.canvas is not None:
            self._layout.removeWidget(self.canvas)
            self.canvas.setParent(None)
            self.canvas.deleteLater()
            self.canvas = None
        self.figure = figure
        if figure is None:
            if placeholder:
                self.placeholder.setText(placeholder)
            self.placeholder.setVisible(True)
        else:
            self.placeholder.setVisible(False)
            self.canvas = _Canvas(figure)
            self.canvas.setParent(self)
            self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            self.canvas.setMinimumSize(200, 160)
            self._layout.addWidget(self.canvas, 1)
        self._set_buttons()

    def save(self, path: str | Path) -> Path:
        """Save the figure (PNG or SVG by suffix)."""
        if self.figure is None:
            msg = f"There is no {self.name} chart to save yet."
            raise ValueError(msg)
        return save_figure(self.figure, path)

    def _save_dialog(self, suffix: str) -> None:
        kind = "PNG image (*.png)" if suffix == ".png" else "SVG drawing (*.svg)"
        path, _ = QFileDialog.getSaveFileName(
            self, f"Save {self.name} chart", f"{self.name}{suffix}", kind
        )
        if not path:
            return
        if not path.lower().endswith(suffix):
            path += suffix
        try:
            self.save(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Chart not saved", str(exc))
