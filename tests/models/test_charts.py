"""Charts: figures built without pyplot, labelled in EUR, saved as PNG and SVG."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.figure import Figure

from models import Comparison, NetworkCapex, charts, compare, monte_carlo, tornado


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return compare(NetworkCapex.example())


def _labels(fig: Figure) -> str:
    return " ".join(ax.get_xlabel() + " " + ax.get_ylabel() for ax in fig.axes)


def test_every_chart_is_a_figure_in_eur(comparison: Comparison, tmp_path: Path) -> None:
    mc = monte_carlo(comparison.capex, n_draws=300, seed=1)
    figures = {
        "npv": charts.npv_by_model_figure(comparison),
        "split": charts.revenue_split_figure(comparison),
        "cumulative": charts.cumulative_cashflow_figure(comparison, model="passive_shared"),
        "discounted": charts.cumulative_cashflow_figure(
            comparison, model="Active Shared", discounted=True
        ),
        "tornado": charts.tornado_figure(tornado(comparison.capex, model="separated", actor="NP")),
        "mc": charts.npv_distribution_figure(mc),
        "mc_one": charts.npv_distribution_figure(mc, model="separated", actor="PIP"),
        "mc_model": charts.npv_distribution_figure(mc, model="verticalized"),
    }
    for name, fig in figures.items():
        assert isinstance(fig, Figure)
        assert "EUR" in _labels(fig), name
    # Saving is slow; one figure of each kind of layout is enough here (the CLI
    # test saves them all).
    for name in ("tornado", "mc_one"):
        paths = charts.save_figure(figures[name], tmp_path, name)
        assert [p.suffix for p in paths] == [".png", ".svg"]
        assert all(p.stat().st_size > 1000 for p in paths)
    assert len(figures["mc"].axes) == 4
    assert "Passive Shared" in figures["cumulative"].axes[0].get_title()


def test_npv_chart_marks_value_chain(comparison: Comparison) -> None:
    fig = charts.npv_by_model_figure(comparison)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Verticalized",
        "Passive Shared",
        "Active Shared",
        "Separated",
    ]
    legend = ax.get_legend()
    assert legend is not None
    assert "value chain" in [t.get_text() for t in legend.get_texts()]


def test_format_eur() -> None:
    assert charts.format_eur(2.5e9) == "2.5 bn"
    assert charts.format_eur(-1_500_000) == "-1.5 M"
