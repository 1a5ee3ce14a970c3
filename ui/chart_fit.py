"""Make the business models' figures readable in a window pane (display only).

:mod:`models.charts` draws its figures for a page; in a pane of the window a
legend inside the axes hides bars, and long model names under grouped bars
run into each other. :func:`readable` moves each legend beside its axes,
spells the actors' abbreviations out in it (the bars keep ``PIP``, ``SP1``...,
which the legend now explains) and wraps long category labels. The numbers
drawn are not touched. Plain Matplotlib: runs in the worker thread.
"""

from __future__ import annotations

import textwrap

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter

from ui.finance_names import actor_title

#: Category labels under bars are wrapped to lines of at most this many characters.
WRAP_CHARS = 12
#: Legend entries are wrapped to lines of at most this many characters (a narrow column).
LEGEND_CHARS = 24


def legend_label(text: str) -> str:
    """A legend entry with its leading actor name spelled out.

    Examples
    --------
    >>> print(legend_label("PIP (P(loss) 56%)"))
    Passive infrastructure
    provider (PIP)
    (P(loss) 56%)
    >>> legend_label("Network owner"), legend_label("SP1")
    ('Network owner', 'Service provider SP1')
    """
    head, sep, rest = text.partition(" (")
    full = actor_title(head)
    if full == head:
        return text
    name = textwrap.fill(full, LEGEND_CHARS, break_on_hyphens=False)
    return f"{name}\n({rest}" if sep else name


def readable(fig: Figure) -> Figure:
    """Legends beside the axes with actor names in full; category labels and notes wrapped."""
    suptitle = getattr(fig, "_suptitle", None)  # Matplotlib has no public getter of the Text
    titles = [suptitle] if isinstance(suptitle, Text) else []
    for text in [*fig.texts, *titles]:  # notes and titles: wrapped to the figure when drawn
        text.set_wrap(True)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    for ax in shown:
        ax.title.set_wrap(True)
        _wrap_categories(ax)
        legend = ax.get_legend()
        if legend is None:
            continue
        texts = legend.get_texts()
        handles = [h for h in legend.legend_handles if h is not None]
        if len(handles) != len(texts):
            continue  # an entry without a handle: leave this legend as drawn
        labels = [legend_label(t.get_text()) for t in texts]
        size = texts[0].get_fontsize() if texts else 8.0
        legend.remove()
        if len(shown) == 1:
            ax.legend(
                handles, labels, fontsize=size, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                borderaxespad=0.0, frameon=False,
            )  # fmt: skip
        else:  # small multiples: under each panel, so the panels keep their width
            ax.legend(
                handles, labels, fontsize=size, loc="upper center",
                bbox_to_anchor=(0.5, -0.28), ncols=2, frameon=False,
            )  # fmt: skip
    return fig


def _wrap_categories(ax: Axes) -> None:
    """Wrap category names under the x axis (never numbers: they carry no words to break)."""
    formatter = ax.xaxis.get_major_formatter()
    if isinstance(formatter, FixedFormatter):
        labels = [str(s) for s in formatter.seq]
    else:
        labels = [t.get_text() for t in ax.get_xticklabels()]
    if not labels or any(ch.isdigit() for label in labels for ch in label):
        return
    if any(" " in label for label in labels):
        ax.set_xticks(ax.get_xticks(), [textwrap.fill(label, WRAP_CHARS) for label in labels])
