"""Charts of the business models, as Matplotlib figures the GUI and the report share.

Every function returns a :class:`matplotlib.figure.Figure` built directly
(never through pyplot, so no global state and no figure leaks), with an Agg
canvas attached so it can be saved or drawn without a display; a Qt
canvas can adopt the same figure. Amounts are in the reporting currency,
labelled so; each figure states under its title the district, the discount
rates and horizon, the price basis, the timing convention and the terminal
value (:func:`context_text`), and years are calendar years.

>>> import models
>>> fig = npv_by_model_figure(models.compare(models.NetworkCapex.example()))
>>> fig.axes[0].get_ylabel()
'NPV (EUR)'
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from models.atomic import atomic_path
from models.comparison import Comparison
from models.labels import context_text
from models.montecarlo import MonteCarloResult
from models.ownership import CITY, MODELS, NETWORK_OWNER, NP, OPERATOR, PIP, VALUE_CHAIN, get_model
from models.sensitivity import TornadoResult

_ROLE_COLOURS = {
    OPERATOR: "#6a3d9a",
    PIP: "#8c564b",
    NP: "#1f77b4",
    NETWORK_OWNER: "#17becf",
    CITY: "#7f7f7f",
    VALUE_CHAIN: "#000000",
}
_SP_COLOURS = ("#2ca02c", "#ff7f0e", "#bcbd22", "#98df8a", "#ffbb78", "#dbdb8d")


def _colour(actor: str, sp_index: dict[str, int]) -> str:
    if actor in _ROLE_COLOURS:
        return _ROLE_COLOURS[actor]
    index = sp_index.setdefault(actor, len(sp_index))
    return _SP_COLOURS[index % len(_SP_COLOURS)]


def format_eur(value: float, _pos: object = None) -> str:
    """Short EUR tick label: ``1.2 M``, ``350 k``, ``-40 k``.

    Examples
    --------
    >>> format_eur(1_234_567), format_eur(-40_000), format_eur(12)
    ('1.2 M', '-40 k', '12')
    """
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:.1f} bn"
    if size >= 1e6:
        return f"{value / 1e6:.1f} M"
    if size >= 1e3:
        return f"{value / 1e3:.0f} k"
    return f"{value:.0f}"


def _figure(width: float = 8.0, height: float = 4.5) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


#: Characters of 6-point text per inch of figure width, to wrap the footnote.
_CHARS_PER_INCH = 21

#: What the short actor and model names stand for, under every figure.
GLOSSARY = (
    "PIP: infrastructure owner (passive layer) · NP: network operator (active layer) · "
    "PIP+NP: infrastructure and network owner · SP: service provider (retail) · "
    "Passive Shared = PLOM, Active Shared = ALOM, Separated = 3LOM"
)


def _context(fig: Figure, text: str) -> None:
    """State under the figure what it rests on, and what the short names mean."""
    if text:
        width = int(fig.get_figwidth() * _CHARS_PER_INCH)
        lines = "\n".join(textwrap.wrap(f"{text} · {GLOSSARY}", width))
        fig.supxlabel(lines, fontsize=6, color="#555555")


def _eur_axis(ax: Axes, which: str = "y") -> None:
    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_formatter(FuncFormatter(format_eur))


def npv_by_model_figure(comparison: Comparison, *, value_chain: bool = True) -> Figure:
    """NPV of each actor, grouped by model, with the value chain's as a marker.

    Parameters
    ----------
    comparison
        Result of :func:`models.compare`.
    value_chain
        Mark each model's value-chain NPV.

    Returns
    -------
    matplotlib.figure.Figure
        Bar chart in EUR.
    """
    fig = _figure(9.0, 4.8)
    ax = fig.add_subplot()
    sp_index: dict[str, int] = {}
    handles: dict[str, Patch] = {}
    for x, result in enumerate(comparison.models.values()):
        actors = list(result.actors.values())
        width = 0.8 / len(actors)
        for i, actor in enumerate(actors):
            pos = x - 0.4 + width * (i + 0.5)
            colour = _colour(actor.name, sp_index)
            ax.bar(pos, actor.npv_eur, width * 0.9, color=colour)
            offset = 3 if actor.npv_eur >= 0 else -3
            ax.annotate(
                actor.name,
                (pos, actor.npv_eur),
                xytext=(0, offset),
                textcoords="offset points",
                ha="center",
                va="bottom" if offset > 0 else "top",
                fontsize=7,
            )
            handles.setdefault(actor.name, Patch(color=colour))
        if value_chain:
            ax.plot(
                [x - 0.42, x + 0.42],
                [result.value_chain_npv_eur] * 2,
                color="black",
                linestyle="--",
                linewidth=1.2,
                label="value chain" if x == 0 else None,
            )
    ax.axhline(0.0, color="grey", linewidth=0.8)
    ax.set_xticks(range(len(comparison.models)))
    ax.set_xticklabels([r.spec.title for r in comparison.models.values()])
    params = comparison.params
    ax.set_ylabel(f"NPV ({params.currency})")
    _eur_axis(ax)
    ax.set_title("NPV by business model and actor")
    _context(fig, context_text(params, comparison.capex.label))
    legend: list[Artist] = list(handles.values())
    labels = list(handles)
    if value_chain:
        line_handles, line_labels = ax.get_legend_handles_labels()
        legend += line_handles
        labels += line_labels
    ax.legend(legend, labels, fontsize=8, loc="best")
    ax.margins(y=0.15)
    return fig


def revenue_split_figure(comparison: Comparison) -> Figure:
    """Share of end-user spend each actor keeps, one stacked bar per model.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal stacked bars in percent of retail revenue (EUR).
    """
    fig = _figure(8.0, 3.8)
    ax = fig.add_subplot()
    sp_index: dict[str, int] = {}
    titles = []
    for y, result in enumerate(comparison.models.values()):
        titles.append(result.spec.title)
        left = 0.0
        for actor in result.actors.values():
            share = actor.revenue_share
            if not np.isfinite(share) or share == 0:
                continue
            ax.barh(y, share, left=left, color=_colour(actor.name, sp_index), edgecolor="white")
            if abs(share) >= 0.06:
                ax.text(
                    left + share / 2,
                    y,
                    f"{actor.name}\n{share:.0%}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white",
                )
            left += share
    ax.set_yticks(range(len(titles)))
    ax.set_yticklabels(titles)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    currency = comparison.params.currency
    ax.set_xlabel(f"Share of end-user spend kept (% of retail revenue in {currency})")
    ax.set_title("Revenue split by business model")
    _context(fig, context_text(comparison.params, comparison.capex.label))
    return fig


def cumulative_cashflow_figure(
    comparison: Comparison, model: str = "separated", *, discounted: bool = False
) -> Figure:
    """Cumulative cash flow of each actor of one model, year by year.

    Parameters
    ----------
    comparison
        Result of :func:`models.compare`.
    model
        Which model.
    discounted
        Discount each actor's flows at its own rate.

    Returns
    -------
    matplotlib.figure.Figure
        Lines in EUR; the lowest point of each curve is its peak funding need.
    """
    result = comparison[model]
    fig = _figure()
    ax = fig.add_subplot()
    sp_index: dict[str, int] = {}
    years = result.calendar_years
    for actor in result.actors.values():
        flows = actor.cashflow_eur
        if discounted:
            rate = actor.valuation.discount_rate if actor.valuation else actor.actor.discount_rate
            exponent = np.arange(flows.size) + result.timing_offset_years
            flows = flows / (1.0 + rate) ** exponent
        cumulative = np.cumsum(flows)
        colour = _colour(actor.name, sp_index)
        ax.plot(
            years,
            cumulative,
            color=colour,
            marker="o",
            markersize=3,
            label=actor.name,
        )
        low = int(np.argmin(cumulative))
        if cumulative[low] < 0:
            ax.plot(years[low], cumulative[low], marker="v", color=colour, markersize=8)
    ax.axhline(0.0, color="grey", linewidth=0.8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Year (terminal values not included)")
    kind = "Discounted cumulative" if discounted else "Cumulative"
    ax.set_ylabel(f"{kind} cash flow ({comparison.params.currency})")
    _eur_axis(ax)
    ax.set_title(f"{kind} cash flow per actor: {result.spec.title} (triangle: peak funding)")
    _context(fig, context_text(comparison.params, comparison.capex.label))
    ax.legend(fontsize=8)
    return fig


def tornado_figure(tornado_result: TornadoResult, *, max_bars: int = 12) -> Figure:
    """Tornado: the NPV at the low and high end of each input's range.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal bars around the base NPV, in EUR.
    """
    bars = tornado_result.bars[:max_bars]
    fig = _figure(8.5, 0.9 + 0.38 * max(len(bars), 1))
    ax = fig.add_subplot()
    base = tornado_result.base_npv_eur
    for y, bar in enumerate(bars):
        ax.barh(y, bar.npv_low_eur - base, left=base, color="#d62728", height=0.6)
        ax.barh(y, bar.npv_high_eur - base, left=base, color="#2ca02c", height=0.6)
    labels = [
        f"{b.title} ({_short(b.low_value)} to {_short(b.high_value)} "
        f"{b.unit.replace('EUR', tornado_result.currency)}"
        f"{', absolute' if b.range_kind == 'absolute' else ''})"
        for b in bars
    ]
    ax.set_yticks(range(len(bars)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(base, color="black", linewidth=1)
    cur = tornado_result.currency
    ax.set_xlabel(f"NPV of {tornado_result.actor} ({cur}); base {format_eur(base)} {cur}")
    _eur_axis(ax, "x")
    spec = get_model(tornado_result.model)
    ax.set_title(f"Sensitivity: {spec.title}, {tornado_result.actor}")
    ax.legend(
        [Patch(color="#d62728"), Patch(color="#2ca02c")],
        ["input at low end", "input at high end"],
        fontsize=8,
        loc="lower right",
    )
    _context(fig, tornado_result.context)
    return fig


def _short(value: float) -> str:
    if abs(value) >= 1000:
        return format_eur(value)
    return f"{value:.3g}"


def npv_distribution_figure(
    mc_result: MonteCarloResult,
    model: str | None = None,
    actor: str | None = None,
    *,
    bins: int = 60,
) -> Figure:
    """Distribution of NPV over the Monte Carlo draws.

    Parameters
    ----------
    mc_result
        Result of :func:`models.monte_carlo`.
    model
        One model, or None for one panel per model.
    actor
        One actor of `model` (with P10/P50/P90 lines), or None for all.
    bins
        Histogram bins.

    Returns
    -------
    matplotlib.figure.Figure
        Histograms in EUR.
    """
    models = [get_model(model).name] if model else [m for m in MODELS if m in mc_result.npv_eur]
    ncols = 1 if len(models) == 1 else 2
    nrows = int(np.ceil(len(models) / ncols))
    fig = _figure(9.0 if ncols == 2 else 7.0, 3.2 * nrows + 0.4)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, name in zip(axes, models, strict=False):
        draws = mc_result.npv_eur[name]
        actors = [actor] if actor else list(draws)
        sp_index: dict[str, int] = {}
        for who in actors:
            values = draws[who]
            colour = _colour(who, sp_index)
            loss = float((values < 0).mean())
            ax.hist(
                values,
                bins=bins,
                histtype="step",
                color=colour,
                label=f"{who} (P(loss) {loss:.0%})",
            )
            below = mc_result.base_percentile(name, who)
            if below is not None and mc_result.base_npv_eur is not None:
                # The base case, marked with the share of draws below it.
                base = mc_result.base_npv_eur[name][who]
                ax.axvline(base, color=colour, linestyle="--", linewidth=0.9)
                ax.annotate(
                    f"base, {below:.0%} below",
                    (base, 1.0),
                    xycoords=("data", "axes fraction"),
                    rotation=90,
                    va="top",
                    ha="right",
                    fontsize=6,
                    color=colour,
                )
            if actor:
                for q, style in zip(
                    np.percentile(values, [10, 50, 90]), (":", "-", ":"), strict=True
                ):
                    ax.axvline(q, color=colour, linestyle=style, linewidth=1)
        ax.axvline(0.0, color="grey", linewidth=0.8)
        ax.set_title(get_model(name).title, fontsize=10)
        ax.set_xlabel(f"NPV ({mc_result.currency})")
        ax.set_ylabel("Draws")
        _eur_axis(ax, "x")
        ax.legend(fontsize=7)
    for ax in axes[len(models) :]:
        ax.set_visible(False)
    fig.suptitle(
        f"NPV distribution, {mc_result.n_draws:,} draws (seed {mc_result.seed}); "
        "dashed: the base case"
    )
    _context(fig, mc_result.context)
    return fig


def save_figure(fig: Figure, directory: str | Path, stem: str) -> list[Path]:
    """Save a figure as PNG and SVG, each atomically; return the two paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{stem}.png", directory / f"{stem}.svg"]
    with atomic_path(paths[0]) as tmp:
        fig.savefig(tmp, dpi=150, format="png")
    with atomic_path(paths[1]) as tmp:
        fig.savefig(tmp, format="svg")
    return paths
