"""Fibre and tube colour codes (``data/colour_codes.csv``): TIA-598, IEC 60304, DIN VDE 0888.

A code lists the colours of positions 1-12 for fibres in a tube and for
tubes in a cable. Positions past the list repeat it with a marker (a black
ring or stripe; the black element gets a yellow one in TIA-598); a shorter
list (the DIN tube scheme: counting tube, direction tube, then white tubes)
repeats its last colour.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from fttx_planner.detail.errors import NamingError

#: How each code marks positions 13-24, 25-36, ...: (marker, marker on the black element).
_MARKERS = {
    "tia598": ("black stripe", "yellow stripe"),
    "iec60304": ("black ring", "black ring"),
    "din_vde0888": ("black ring", "black ring"),
}


@dataclass(frozen=True)
class ColourCode:
    """One colour code: colour names and RGB hex values per position.

    Examples
    --------
    >>> c = colour_code("tia598")
    >>> c.fibre(1), c.fibre(12), c.fibre(13), c.fibre(20)
    ('blue', 'aqua', 'blue + black stripe', 'black + yellow stripe')
    >>> colour_code("din_vde0888").tube(5)
    'white'
    """

    name: str
    fibres: tuple[tuple[str, str], ...]
    tubes: tuple[tuple[str, str], ...]

    #: Names already worked out, per (tube?, position): the schedule asks millions of times.
    _names: dict[tuple[bool, int], str] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def fibre(self, position: int) -> str:
        """Colour of fibre ``position`` (1-based) in its tube."""
        name = self._names.get((False, position))
        if name is None:
            name = self._names[(False, position)] = self._colour(self.fibres, position)
        return name

    def tube(self, position: int) -> str:
        """Colour of tube ``position`` (1-based) in its cable."""
        name = self._names.get((True, position))
        if name is None:
            name = self._names[(True, position)] = self._colour(self.tubes, position)
        return name

    def fibre_hex(self, position: int) -> str:
        """RGB hex of fibre ``position`` (the base colour, without its marker)."""
        return self.fibres[(position - 1) % len(self.fibres)][1]

    def tube_hex(self, position: int) -> str:
        """RGB hex of tube ``position`` (the base colour)."""
        seq = self.tubes
        return seq[min(position, len(seq)) - 1][1] if len(seq) < 12 else seq[(position - 1) % 12][1]

    def _colour(self, seq: tuple[tuple[str, str], ...], position: int) -> str:
        if position < 1:
            msg = f"colour positions start at 1, got {position}"
            raise ValueError(msg)
        if len(seq) < 12:
            return seq[min(position, len(seq)) - 1][0]
        base = seq[(position - 1) % len(seq)][0]
        rounds = (position - 1) // len(seq)
        if rounds == 0:
            return base
        marker, on_black = _MARKERS.get(self.name, ("black ring", "black ring"))
        mark = on_black if base == "black" else marker
        return f"{base} + {mark}" if rounds == 1 else f"{base} + {rounds} x {mark}"


@cache
def _table() -> dict[str, dict[str, list[tuple[int, str, str]]]]:
    text = resources.files("fttx_planner.data").joinpath("colour_codes.csv").read_text("utf-8")
    out: dict[str, dict[str, list[tuple[int, str, str]]]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        out.setdefault(row["code"], {}).setdefault(row["element"], []).append(
            (int(row["position"]), row["colour"], row["hex"])
        )
    return out


def colour_codes() -> list[str]:
    """Names of the shipped colour codes.

    Examples
    --------
    >>> colour_codes()
    ['din_vde0888', 'iec60304', 'tia598']
    """
    return sorted(_table())


def colour_code(name: str) -> ColourCode:
    """The colour code ``name`` (see :func:`colour_codes`).

    Raises
    ------
    NamingError
        For an unknown code, listing the known ones.
    """
    table = _table()
    if name not in table:
        msg = f"unknown colour code {name!r}; known codes: {', '.join(colour_codes())}"
        raise NamingError(msg)
    rows = table[name]

    def seq(element: str) -> tuple[tuple[str, str], ...]:
        return tuple((c, h) for _, c, h in sorted(rows[element]))

    return ColourCode(name=name, fibres=seq("fibre"), tubes=seq("tube"))
