"""Endpoint classes and their connection rules, read from ``data/endpoint_rules.csv``.

Each class has one rule:

``pon``
    a PON port like a home: a last-stage splitter port, a drop, a terminal;
``dedicated``
    its own fibres (``fibres`` of them) from the central office, no splitter;
``shared_run``
    the endpoints of one pole run (one street between two junctions) share
    one fibre from the central office, looped through each of them.

``critical`` classes may get a second, trench-disjoint path to the OLT
(route diversity, priced). Every row carries its source.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from fttx_planner._errors import FttxError

#: The connection rules.
RULES = ("pon", "dedicated", "shared_run")
_COLUMNS = (
    "class", "title", "osm_tags", "rule", "fibres", "merge_m", "critical", "terminal_eur",
    "terminal", "source",
)  # fmt: skip


class EndpointError(FttxError):
    """Endpoint rules or an endpoint layer that cannot be used."""


@dataclass(frozen=True)
class EndpointRule:
    """How one endpoint class is connected.

    Parameters
    ----------
    name
        Class name (``traffic_signal``).
    title
        Human-readable name.
    osm_tags
        ``(key, value)`` pairs that make an OSM object this class (any of them).
    rule
        ``pon``, ``dedicated`` or ``shared_run``.
    fibres
        PON ports (``pon``) or dedicated fibres (``dedicated``); 1 per run for ``shared_run``.
    merge_m
        Points of this class closer than this are one endpoint (signals mapped
        per stop line are one junction controller); 0: no merging.
    critical
        Whether route diversity applies when requested.
    terminal_eur
        Terminal equipment at the endpoint, installed.
    terminal
        What that equipment is.
    source
        Where the rule and the price come from.
    """

    name: str
    title: str
    osm_tags: tuple[tuple[str, str], ...]
    rule: str
    fibres: int
    merge_m: float
    critical: bool
    terminal_eur: float
    terminal: str
    source: str


@dataclass(frozen=True)
class EndpointRules:
    """All classes, by name, in file order."""

    rules: dict[str, EndpointRule]
    where: str = "endpoint rules"

    def __getitem__(self, name: str) -> EndpointRule:
        try:
            return self.rules[name]
        except KeyError:
            known = ", ".join(self.rules)
            msg = f"Unknown endpoint class {name!r} in {self.where}. Known classes: {known}"
            raise EndpointError(msg) from None

    def __contains__(self, name: object) -> bool:
        return name in self.rules

    def osm_classes(self) -> dict[tuple[str, str], str]:
        """``(key, value)`` -> class, for the OSM reader (first class listing a tag wins)."""
        out: dict[tuple[str, str], str] = {}
        for r in self.rules.values():
            for tag in r.osm_tags:
                out.setdefault(tag, r.name)
        return out

    @classmethod
    def default(cls) -> EndpointRules:
        """The shipped rules (``fttx_planner/data/endpoint_rules.csv``)."""
        text = resources.files("fttx_planner.data").joinpath("endpoint_rules.csv").read_text()
        return cls.from_csv_text(text, "default endpoint rules")

    @classmethod
    def from_csv(cls, path: str | Path) -> EndpointRules:
        """Read rules from a CSV file with the shipped file's columns."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"Cannot read endpoint rules {path}: {exc}"
            raise EndpointError(msg) from None
        return cls.from_csv_text(text, str(path))

    @classmethod
    def from_csv_text(cls, text: str, where: str = "endpoint rules") -> EndpointRules:
        """Parse and validate rules, reporting every bad row."""
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            msg = f"{where}: missing columns: {', '.join(missing)}"
            raise EndpointError(msg)
        rules: dict[str, EndpointRule] = {}
        problems: list[str] = []
        for line, row in enumerate(reader, start=2):
            rule, bad = _parse_row(row, line)
            if rule is not None and rule.name in rules:
                bad.append(f"line {line}: duplicate class {rule.name!r}")
            problems += bad
            if rule is not None and not bad:
                rules[rule.name] = rule
        if problems:
            msg = f"{where}: invalid rows:\n" + "\n".join(f"  {p}" for p in problems)
            raise EndpointError(msg)
        if not rules:
            msg = f"{where}: no endpoint class"
            raise EndpointError(msg)
        return cls(rules, where)


def _number(row: dict[str, str], key: str, empty: str) -> float:
    """A finite number from a row, NaN when absent or unreadable (``empty`` when blank)."""
    try:
        value = float((row.get(key) or "").strip() or empty)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def _parse_row(row: dict[str, str], line: int) -> tuple[EndpointRule | None, list[str]]:
    problems = []
    name = (row.get("class") or "").strip()
    if not name:
        return None, [f"line {line}: empty class name"]
    rule = (row.get("rule") or "").strip()
    if rule not in RULES:
        problems.append(f"line {line} ({name}): rule must be one of {', '.join(RULES)}")
    fibres = _number(row, "fibres", "")
    if not (1 <= fibres <= 48 and fibres == int(fibres)):
        problems.append(f"line {line} ({name}): fibres must be a whole number from 1 to 48")
    merge_m = _number(row, "merge_m", "0")
    if not 0 <= merge_m <= 500:
        problems.append(f"line {line} ({name}): merge_m must be a distance from 0 to 500 m")
    terminal_eur = _number(row, "terminal_eur", "")
    if not terminal_eur >= 0:
        problems.append(f"line {line} ({name}): terminal_eur must be a non-negative number")
    critical = (row.get("critical") or "").strip().lower()
    if critical not in ("yes", "no"):
        problems.append(f"line {line} ({name}): critical must be yes or no")
    if not (row.get("source") or "").strip():
        problems.append(f"line {line} ({name}): source is empty (write 'assumed' if unknown)")
    tags = []
    for part in (row.get("osm_tags") or "").split(";"):
        part = part.strip()
        if not part:
            continue
        key, eq, value = part.partition("=")
        if not eq or not key.strip() or not value.strip():
            problems.append(f"line {line} ({name}): OSM tag {part!r} is not key=value")
            continue
        tags.append((key.strip(), value.strip()))
    if problems:
        return None, problems
    return (
        EndpointRule(
            name=name,
            title=(row.get("title") or name).strip(),
            osm_tags=tuple(tags),
            rule=rule,
            fibres=int(fibres),
            merge_m=merge_m,
            critical=critical == "yes",
            terminal_eur=terminal_eur,
            terminal=(row.get("terminal") or "").strip(),
            source=row["source"].strip(),
        ),
        [],
    )
