"""The cost catalogue: one row per item with unit, unit cost and source.

Prices are data, not code: ``data/catalogue.csv`` ships the defaults, each
with the public source it came from or ``assumed``; a user may pass a
catalogue of their own. Items are looked up by name; an unknown name is an
error listing the known names.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from fttx_planner._errors import CatalogueError
from fttx_planner.input_files import clip, listed, read_bounded_text, short

#: Capex layers of the business models, in report order.
LAYERS = ("civil", "cables", "splitters", "cabinets", "drops", "olt", "ont")
#: Passive layers (owned by the infrastructure provider).
PASSIVE_LAYERS = ("civil", "cables", "splitters", "cabinets", "drops")
#: Phases: paid to pass a home, or when a home connects.
PHASES = ("pass", "connect")
_COLUMNS = ("item", "layer", "phase", "unit", "unit_cost_eur", "source")
#: Largest catalogue file read (bytes): the shipped one is 5 kB.
MAX_CATALOGUE_BYTES = 1024 * 1024
#: Most rows of a catalogue (the shipped one has about 50).
MAX_ROWS = 5000
#: Dearest unit price accepted (EUR): far above the dearest shipped item (a
#: central office site, 60,000 EUR); a larger one is a typo or a unit mix-up,
#: and prices near the float limit turn sums into infinity.
MAX_UNIT_COST_EUR = 10_000_000.0
#: At most this many bad rows are listed in an error.
_MAX_PROBLEMS = 10
#: Items every design needs.
REQUIRED_ITEMS = (
    "trench_carriageway", "trench_footway", "trench_unpaved", "microtrench", "duct_reuse",
    "aerial", "cable_12f", "cable_24f", "cable_48f", "cable_96f", "cable_144f", "cable_288f",
    "cable_install", "splice_closure", "fibre_splice", "street_cabinet", "drop_cable",
    "drop_install", "building_entry", "home_connect", "ont", "ont_install", "olt_chassis",
    "olt_card", "olt_optic_b_plus", "olt_optic_c_plus",
)  # fmt: skip
#: Items of the ground model (tunnels, bridges, chambers, crossings, distribution
#: points, MDU boxes): a catalogue written before them takes the shipped prices.
GROUND_ITEMS = (
    "tunnel_duct", "bridge_attachment", "handhole", "pole_mount", "road_crossing",
    "barrier_crossing", "fdp", "mdu_box", "mdu_box_large", "drop_trench",
)  # fmt: skip


@dataclass(frozen=True)
class CatalogueItem:
    """One priced item."""

    item: str
    layer: str
    phase: str
    unit: str
    unit_cost_eur: float
    source: str


class Catalogue:
    """A validated cost catalogue.

    Examples
    --------
    >>> cat = Catalogue.default()
    >>> cat.cost("trench_footway") > 0
    True
    >>> cat.cost("gold_plated_duct")
    Traceback (most recent call last):
    ...
    fttx_planner._errors.CatalogueError: Unknown catalogue item 'gold_plated_duct'. ...
    """

    def __init__(self, items: list[CatalogueItem], where: str = "catalogue") -> None:
        self.where = where
        self.items = {it.item: it for it in items}
        missing = [name for name in REQUIRED_ITEMS if name not in self.items]
        if missing:
            msg = f"{where}: missing required items: {listed(missing, most=8)}"
            raise CatalogueError(msg)

    def __getitem__(self, name: str) -> CatalogueItem:
        try:
            return self.items[name]
        except KeyError:
            msg = f"Unknown catalogue item {name!r}. Known items: " + ", ".join(sorted(self.items))
            raise CatalogueError(msg) from None

    def cost(self, name: str) -> float:
        """Unit cost of an item in EUR."""
        return self[name].unit_cost_eur

    def splitter_item(self, ratio: int) -> str:
        """Catalogue name of a 1:ratio splitter (``splitter_1x32``)."""
        name = f"splitter_1x{ratio}"
        self[name]
        return name

    @classmethod
    def default(cls) -> Catalogue:
        """The shipped catalogue with sourced default prices."""
        text = resources.files("fttx_planner.data").joinpath("catalogue.csv").read_text("utf-8")
        return cls.from_csv_text(text, where="default catalogue")

    @classmethod
    def from_csv(cls, path: str | Path) -> Catalogue:
        """Read a catalogue CSV file (columns: item, layer, phase, unit, unit_cost_eur, source)."""
        path = Path(path)
        text = read_bounded_text(path, "catalogue", MAX_CATALOGUE_BYTES, CatalogueError)
        return cls.from_csv_text(text, where=str(path))

    @classmethod
    def from_csv_text(cls, text: str, where: str = "catalogue") -> Catalogue:
        """Parse and validate catalogue CSV text, reporting every bad row (the first ten)."""
        if len(text) > MAX_CATALOGUE_BYTES:
            msg = f"{where}: more than the {MAX_CATALOGUE_BYTES:,} characters a catalogue may have"
            raise CatalogueError(msg)
        reader = csv.DictReader(io.StringIO(text))
        try:
            fieldnames = reader.fieldnames or []
        except csv.Error as exc:
            msg = f"{where} line 1: not a readable CSV header ({exc})"
            raise CatalogueError(msg) from None
        missing_cols = [c for c in _COLUMNS if c not in fieldnames]
        if missing_cols:
            msg = f"{where}: missing columns: {', '.join(missing_cols)}"
            raise CatalogueError(msg)
        items: list[CatalogueItem] = []
        problems: list[str] = []
        seen: set[str] = set()
        for line, row in _rows(reader, where):
            problems.extend(_check_row(row, line, seen))
            if not problems:
                items.append(
                    CatalogueItem(
                        item=row["item"].strip(),
                        layer=row["layer"].strip(),
                        phase=row["phase"].strip(),
                        unit=row["unit"].strip(),
                        unit_cost_eur=float(row["unit_cost_eur"]),
                        source=row["source"].strip(),
                    )
                )
        if problems:
            more = len(problems) - _MAX_PROBLEMS
            shown = problems[:_MAX_PROBLEMS] + ([f"and {more} more"] if more > 0 else [])
            msg = f"{where}: invalid rows:\n" + "\n".join(f"  {p}" for p in shown)
            raise CatalogueError(msg)
        absent = [name for name in GROUND_ITEMS if name not in seen]
        if absent and where != "default catalogue":
            shipped = cls.default().items
            items.extend(shipped[name] for name in absent)
        return cls(items, where=where)

    def to_csv_text(self) -> str:
        """The catalogue as CSV text (round-trips through :meth:`from_csv_text`)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(_COLUMNS)
        for it in self.items.values():
            writer.writerow([it.item, it.layer, it.phase, it.unit, it.unit_cost_eur, it.source])
        return out.getvalue()

    def with_cost(self, name: str, unit_cost_eur: float) -> Catalogue:
        """A copy with one unit cost changed (validated)."""
        old = self[name]
        if not math.isfinite(unit_cost_eur) or not 0 <= unit_cost_eur <= MAX_UNIT_COST_EUR:
            msg = (
                f"{self.where}: unit cost of {name!r} must be a non-negative number "
                f"of at most {MAX_UNIT_COST_EUR:,.0f} EUR"
            )
            raise CatalogueError(msg)
        new = CatalogueItem(old.item, old.layer, old.phase, old.unit, unit_cost_eur, old.source)
        items = [new if it.item == name else it for it in self.items.values()]
        return Catalogue(items, where=self.where)


def _rows(reader: csv.DictReader[str], where: str) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, row)`` of each data row; a CSV syntax error or too many rows is one line."""
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if line > MAX_ROWS + 1:
                msg = f"{where}: more than the {MAX_ROWS:,} rows a catalogue may have"
                raise CatalogueError(msg)
            yield line, row
    except csv.Error as exc:
        msg = f"{where} line {reader.line_num}: not readable CSV ({str(exc)[:100]})"
        raise CatalogueError(msg) from None


def _check_row(row: dict[str, str], line: int, seen: set[str]) -> list[str]:
    problems = []
    name = (row.get("item") or "").strip()
    if not name:
        problems.append(f"line {line}: empty item name")
    elif name in seen:
        problems.append(f"line {line}: duplicate item {short(name, 40)}")
    seen.add(name)
    name = clip(name, 40)
    if (row.get("layer") or "").strip() not in LAYERS:
        problems.append(f"line {line} ({name}): layer must be one of {', '.join(LAYERS)}")
    if (row.get("phase") or "").strip() not in PHASES:
        problems.append(f"line {line} ({name}): phase must be 'pass' or 'connect'")
    try:
        cost = float(row.get("unit_cost_eur") or "")
    except ValueError:
        problems.append(
            f"line {line} ({name}): unit_cost_eur {short(row.get('unit_cost_eur'), 40)} "
            "is not a number"
        )
    else:
        if not math.isfinite(cost):  # nan, inf, or digits beyond a float ("1e400")
            problems.append(
                f"line {line} ({name}): unit_cost_eur {short(row.get('unit_cost_eur'), 40)} "
                "is not a finite number"
            )
        elif cost < 0:
            problems.append(f"line {line} ({name}): negative cost {cost:g}")
        elif cost > MAX_UNIT_COST_EUR:
            problems.append(
                f"line {line} ({name}): unit cost {cost:g} EUR is above the "
                f"{MAX_UNIT_COST_EUR:,.0f} EUR any item may cost"
            )
    if not (row.get("source") or "").strip():
        problems.append(f"line {line} ({name}): source is empty (write 'assumed' if unknown)")
    return problems
