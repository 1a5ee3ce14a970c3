"""The splice schedule: what happens to every fibre at every site.

Three kinds of rows:

``splice``
    one fusion splice: fibre A (cable, tube, fibre) or device port to
    fibre B or device port, with the circuit it carries;
``pass``
    fibres of a cable that run through the site uncut: a whole tube left
    closed (express), or the uncut fibres of an opened tube;
``park``
    fibre ends cut at the site and left unspliced in a tray: the dark
    (spare) fibres where a cable starts or ends, and the dark side of a
    fibre cut mid-span for a drop or a splitter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from fttx_planner.detail.colours import ColourCode
from fttx_planner.detail.construction import fibres_per_tube
from fttx_planner.detail.fibres import Circuit, Fibres, Piece
from fttx_planner.detail.tree import DesignTree

COLUMNS = [
    "site",
    "action",
    "circuit",
    "a",
    "a_tube",
    "a_fibre",
    "a_colour",
    "b",
    "b_tube",
    "b_fibre",
    "b_colour",
    "fibres",
    "note",
]


def fibre_ranges(numbers: list[int]) -> str:
    """Compact text of fibre numbers.

    Examples
    --------
    >>> fibre_ranges([1, 2, 3, 5, 7, 8])
    '1-3, 5, 7-8'
    """
    out: list[str] = []
    start = prev = None
    for n in [*sorted(numbers), None]:
        if n is not None and prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            out.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    return ", ".join(out)


def splice_schedule(
    fib: Fibres,
    circuits: list[Circuit],
    tree: DesignTree,
    site_at: dict[int, str],
    cable_name: dict[tuple[int, int], str],
    device: Callable[[tuple[str, int, int]], str],
    codes: ColourCode,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The schedule (see the module docstring) and per-site counts.

    Returns
    -------
    schedule
        Rows of :data:`COLUMNS`.
    stats
        Per site: ``splices, passed_uncut, parked, tubes_opened, drops``.
    """
    rows: list[tuple[Any, ...]] = []
    stats: dict[str, list[int]] = {}
    splices_at: dict[str, int] = {}
    drops_at: dict[str, int] = {}

    def stat(site: str, i: int, n: int = 1) -> None:
        stats.setdefault(site, [0, 0, 0, 0, 0])[i] += n

    def fibre_end(p: Piece) -> tuple[str, int, int, str]:
        sec = fib.sections[p.section]
        k, f = sec.cable_of(p.fibre)
        per = fibres_per_tube(sec.sizes[k])
        t, fi = f // per + 1, f % per + 1
        return cable_name[(p.section, k)], t, fi, f"{codes.tube(t)} / {codes.fibre(fi)}"

    for ci, c in enumerate(circuits):
        mine = [fib.pieces[pi] for pi in fib.pieces_of[ci]]
        if not mine:
            joints = [(c.top, (device(c.src), 0, 0, ""), (device(c.dst), 0, 0, ""))]
        else:
            ends = [fibre_end(p) for p in mine]
            joints = [(c.top, (device(c.src), 0, 0, ""), ends[0])]
            for p, a, b in zip(mine, ends, ends[1:], strict=False):
                joints.append((fib.sections[p.section].nodes[p.i1], a, b))
            joints.append((c.bottom, ends[-1], (device(c.dst), 0, 0, "")))
        for node, a, b in joints:
            site = site_at[node]
            rows.append((site, "splice", ci, *a, *b, "", ""))
            splices_at[site] = splices_at.get(site, 0) + 1
        if c.dst[0] == "drop":
            site = site_at[c.bottom]
            drops_at[site] = drops_at.get(site, 0) + 1
    for site, k in splices_at.items():
        stat(site, 0, k)
    for site, k in drops_at.items():
        stat(site, 4, k)

    for si, sec in enumerate(fib.sections):
        n = len(sec.edges)
        occ = sec.occ
        # Inner nodes where a fibre changes (one test per section, not per node).
        changed = (occ[:, 1:] != occ[:, :-1]).any(axis=0) if n > 1 else np.zeros(0, bool)
        for i, v in enumerate(sec.nodes):
            at_site = site_at.get(v)
            if at_site is None:
                if 0 < i < n and changed[i - 1]:
                    msg = f"fibres cut at node {v} where no site is"  # pragma: no cover
                    raise AssertionError(msg)
                continue
            left = occ[:, i - 1] if i > 0 else None
            right = occ[:, i] if i < n else None
            site = at_site
            if left is None or right is None:
                side = right if left is None else left
                assert side is not None
                dark = np.asarray(side == 0)
                where = "start" if left is None else "end"
                _tube_rows(rows, stat, site, sec, si, cable_name, codes, dark, None, None, where)
                continue
            cut = left != right
            uncut_used = ~cut & (left > 0)
            parked = cut & ((left == 0) | (right == 0))
            _tube_rows(rows, stat, site, sec, si, cable_name, codes, parked, cut, uncut_used, "mid")
    schedule = pd.DataFrame(rows, columns=COLUMNS)
    st = pd.DataFrame(
        [(k, *v) for k, v in stats.items()],
        columns=["site", "splices", "passed_uncut", "parked", "tubes_opened", "drops"],
    )
    return schedule, st


def _tube_rows(
    rows: list[tuple[Any, ...]],
    stat: Callable[[str, int, int], None],
    site: str,
    sec: Any,
    si: int,
    cable_name: dict[tuple[int, int], str],
    codes: ColourCode,
    parked: np.ndarray,
    cut: np.ndarray | None,
    uncut_used: np.ndarray | None,
    where: str,
) -> None:
    """Pass and park rows of one section at one site, per cable and tube.

    Counts per tube are summed for a whole cable at once (``np.add.reduceat``
    over the tubes' first fibres); fibre lists are made only for the tubes
    that have such fibres.
    """
    note = {
        "start": "dark fibres where the cable starts",
        "end": "dark fibres where the cable ends",
        "mid": "dark side of fibres cut here",
    }[where]
    offset = 0
    for k, size in enumerate(sec.sizes):
        name = cable_name[(si, k)]
        per = fibres_per_tube(size)
        starts = np.arange(0, size, per)
        seg_park = parked[offset : offset + size]
        park_n = np.add.reduceat(seg_park.astype(np.int64), starts).tolist()
        if cut is not None and uncut_used is not None:
            seg_cut = cut[offset : offset + size]
            cut_n = np.add.reduceat(seg_cut.astype(np.int64), starts).tolist()
            used_n = np.add.reduceat(
                uncut_used[offset : offset + size].astype(np.int64), starts
            ).tolist()
        for j, lo in enumerate(starts.tolist()):
            hi = min(lo + per, size)
            t = j + 1
            colour = codes.tube(t)
            if cut is not None:
                used = used_n[j]
                if not cut_n[j]:
                    rows.append(
                        (
                            site,
                            "pass",
                            -1,
                            name,
                            t,
                            0,
                            colour,
                            name,
                            t,
                            0,
                            colour,
                            f"1-{hi - lo}",
                            f"tube passed unopened, {used} fibres in use",
                        )
                    )
                    stat(site, 1, used)
                    continue
                stat(site, 3, 1)
                if cut_n[j] < hi - lo:
                    uncut = (np.flatnonzero(~seg_cut[lo:hi]) + 1).tolist()
                    rows.append(
                        (
                            site,
                            "pass",
                            -1,
                            name,
                            t,
                            0,
                            colour,
                            name,
                            t,
                            0,
                            colour,
                            fibre_ranges(uncut),
                            f"uncut in an opened tube, {used} in use",
                        )
                    )
                    stat(site, 1, used)
            if park_n[j]:
                park = (np.flatnonzero(seg_park[lo:hi]) + 1).tolist()
                rows.append(
                    (site, "park", -1, name, t, 0, colour, "", 0, 0, "", fibre_ranges(park), note)
                )
                stat(site, 2, len(park))
        offset += size
