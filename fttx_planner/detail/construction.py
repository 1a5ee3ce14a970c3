"""Cable construction: tubes per cable and fibres per tube (``data/cable_construction.csv``)."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources


@cache
def _constructions() -> dict[int, tuple[int, int]]:
    text = (
        resources.files("fttx_planner.data").joinpath("cable_construction.csv").read_text("utf-8")
    )
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        fibres, tubes, per_tube = int(row["fibres"]), int(row["tubes"]), int(row["fibres_per_tube"])
        if tubes * per_tube != fibres:  # pragma: no cover - checked by the tests on the file
            msg = f"cable_construction.csv: {tubes} tubes x {per_tube} fibres != {fibres}"
            raise ValueError(msg)
        out[fibres] = (tubes, per_tube)
    return out


def fibres_per_tube(size: int) -> int:
    """Fibres per tube of a standard cable of ``size`` fibres (12 for sizes not listed).

    Examples
    --------
    >>> fibres_per_tube(24), fibres_per_tube(96)
    (6, 12)
    """
    return _constructions().get(size, (max(1, -(-size // 12)), 12))[1]


def tubes(size: int) -> int:
    """Tubes of a standard cable of ``size`` fibres.

    Examples
    --------
    >>> tubes(288)
    24
    """
    c = _constructions().get(size)
    return c[0] if c else -(-size // fibres_per_tube(size))


def tube_and_fibre(size: int, index: int) -> tuple[int, int]:
    """1-based (tube, fibre in tube) of the 0-based fibre ``index`` of a cable.

    Examples
    --------
    >>> tube_and_fibre(24, 0), tube_and_fibre(24, 6), tube_and_fibre(96, 95)
    ((1, 1), (2, 1), (8, 12))
    """
    per = fibres_per_tube(size)
    return index // per + 1, index % per + 1


def constructions() -> dict[int, tuple[int, int]]:
    """Every listed size: ``{fibres: (tubes, fibres_per_tube)}``."""
    return dict(_constructions())
