"""Finance per access architecture: GPON, XGS-PON and point-to-point side by side.

``fttx-planner compare`` designs one district as every architecture and
writes ``comparison.json``, one row per architecture with its capex by
layer and its central office (ports, chassis, rack units). Here each row
becomes a :class:`~models.capex.NetworkCapex` with its
:class:`~models.office.CentralOffice`, so the business models see what
differs: the passive network (P2P's larger cables and splices), the active
equipment (OLT ports and cards or switch ports, ONT or Ethernet CPE, both
replaced after their lifetimes and maintained at the active opex share) and
the office's power and space. :func:`architecture_finance` runs the four
models on each and gives one row per architecture with its cost per premise
and the NPV of every actor side by side.

The GUI's comparison view calls :func:`capex_from_row` on each row of
``fttx_planner.endpoints.compare.compare_architectures`` (its ``Designed.row``)
and :func:`architecture_finance` on the result; the CLI reads the same rows
from ``comparison.json`` (:func:`read_comparison`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models._errors import FinanceParameterError
from models._files import first_line, read_bounded
from models.capex import SUMMARY_LAYERS, NetworkCapex
from models.comparison import Comparison, compare
from models.office import CentralOffice, office_opex_eur_per_year
from models.params import FinanceParams

#: Format of the architecture comparison this module reads.
COMPARISON_FORMAT = "fttx-planner-comparison"
#: Largest comparison file read (issue 16: bounded size).
MAX_COMPARISON_BYTES = 16 * 1024 * 1024
#: Most architectures in one comparison.
MAX_ARCHITECTURES = 100


def capex_from_row(row: Mapping[str, Any], label: str = "") -> NetworkCapex:
    """The capex and central office of one architecture row of a comparison.

    Parameters
    ----------
    row
        A row of ``comparison.json`` (``architectures[i]``) or
        ``Designed.row``: ``architecture``, ``technology``, ``homes_passed``,
        ``capex_<layer>_eur``, ``co_ports``, ``co_chassis``,
        ``co_rack_units``, ``trench_km``.
    label
        The district's name, to label the capex.

    Raises
    ------
    FinanceParameterError
        With every problem of the row.

    Examples
    --------
    >>> row = {"architecture": "p2p_ethernet", "technology": "P2P", "homes_passed": 2,
    ...        "capex_civil_eur": 100.0, "capex_olt_eur": 20.0, "co_ports": 2,
    ...        "co_chassis": 1, "co_rack_units": 12, "trench_km": 0.1}
    >>> c = capex_from_row(row)
    >>> c.civil_eur, c.central_office.ports, c.label
    (100.0, 2, 'p2p_ethernet')
    """
    if not isinstance(row, Mapping):
        msg = f"an architecture row must be an object, got {type(row).__name__}"
        raise FinanceParameterError(msg)
    name = str(row.get("architecture", ""))[:60]
    where = f"architecture {name!r}" if name else "architecture row"
    try:
        office = CentralOffice(
            architecture=name,
            technology=str(row.get("technology", ""))[:20],
            ports=row.get("co_ports", 0),
            chassis=row.get("co_chassis", 0),
            rack_units=row.get("co_rack_units", 0),
        )
    except ValueError as exc:
        first = str(exc).splitlines()
        detail = first[1].strip() if len(first) > 1 else first[0]
        msg = f"{where}: office counts: {detail[:120]}"
        raise FinanceParameterError(msg) from None
    values: dict[str, Any] = {
        f"{layer}_eur": row.get(f"capex_{layer}_eur", 0.0) for layer in SUMMARY_LAYERS
    }
    trench = row.get("trench_km", 0.0)
    values |= {
        "homes_passed": row.get("homes_passed"),
        "route_length_km": trench if isinstance(trench, int | float) else 0.0,
        "central_office": office,
        "label": f"{label}: {name}" if label else name,
    }
    try:
        return NetworkCapex.from_mapping(values, what=where)
    except FinanceParameterError as exc:
        raise FinanceParameterError(str(exc).replace("capex.", "")) from None


def read_comparison(path: str | Path) -> tuple[str, dict[str, NetworkCapex]]:
    """Read ``comparison.json`` (a file or the folder holding it).

    Returns
    -------
    tuple
        The district's name and the capex of each architecture, in the
        file's order.

    Raises
    ------
    FinanceParameterError
        If the file is missing, too large, not JSON, not a comparison, or a
        row is invalid.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "comparison.json"
    if not path.is_file():
        msg = f"no architecture comparison at {path} (run 'fttx-planner compare ... --out DIR')"
        raise FinanceParameterError(msg)
    text = read_bounded(path, "architecture comparison", MAX_COMPARISON_BYTES)
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        msg = f"cannot read {path}: {first_line(exc)}"
        raise FinanceParameterError(msg) from None
    if not isinstance(doc, Mapping) or doc.get("format") != COMPARISON_FORMAT:
        msg = f"{path}: not an architecture comparison (format {COMPARISON_FORMAT!r})"
        raise FinanceParameterError(msg)
    rows = doc.get("architectures")
    if not isinstance(rows, list) or not 0 < len(rows) <= MAX_ARCHITECTURES:
        msg = f"{path}: 'architectures' must be a list of 1 to {MAX_ARCHITECTURES} rows"
        raise FinanceParameterError(msg)
    district = str(doc.get("district", ""))[:100]
    out: dict[str, NetworkCapex] = {}
    for i, row in enumerate(rows):
        try:
            capex = capex_from_row(row, district)
        except FinanceParameterError as exc:
            msg = f"{path}: architectures[{i}]: {exc}"
            raise FinanceParameterError(msg) from None
        assert capex.central_office is not None
        out[capex.central_office.architecture or str(i)] = capex
    return district, out


#: Columns of :meth:`ArchitectureFinance.table`.
ARCHITECTURE_COLUMNS = (
    "architecture",
    "technology",
    "homes_passed",
    "capex_eur",
    "per_premise_eur",
    "active_capex_eur",
    "office_ports",
    "office_opex_eur_per_year",
    "model",
    "actor",
    "npv_eur",
    "irr",
)


@dataclass(frozen=True)
class ArchitectureFinance:
    """The four business models run on each architecture of a comparison."""

    capex: dict[str, NetworkCapex]
    comparisons: dict[str, Comparison]
    params: FinanceParams

    def table(self, *, include_value_chain: bool = True) -> list[dict[str, Any]]:
        """One row per architecture, model and actor (:data:`ARCHITECTURE_COLUMNS`)."""
        rows: list[dict[str, Any]] = []
        for name, comparison in self.comparisons.items():
            head = self.architecture_row(name)
            rows.extend(
                {
                    **head,
                    "model": r["model"],
                    "actor": r["actor"],
                    "npv_eur": r["npv_eur"],
                    "irr": r["irr"],
                }
                for r in comparison.table(include_value_chain=include_value_chain)
            )
        return rows

    def architecture_row(self, name: str) -> dict[str, Any]:
        """Cost figures of one architecture."""
        c = self.capex[name]
        office = c.central_office
        return {
            "architecture": name,
            "technology": office.technology if office else "",
            "homes_passed": c.homes_passed,
            "capex_eur": c.total_eur,
            "per_premise_eur": c.total_eur / c.homes_passed,
            "active_capex_eur": c.olt_eur + c.ont_eur,
            "office_ports": office.ports if office else 0,
            "office_opex_eur_per_year": (
                office_opex_eur_per_year(office, self.params) * self.params.capex_exchange_rate
                if office
                else 0.0
            ),
        }

    def npv_eur(self, name: str, model: str, actor: str) -> float:
        """NPV of one actor of one model on one architecture."""
        return self.comparisons[name][model].npv_eur(actor)

    def side_by_side(self) -> list[dict[str, Any]]:
        """One row per model and actor, a column of NPV per architecture.

        Examples
        --------
        >>> import models
        >>> rows = architecture_finance({"a": models.NetworkCapex.example()}).side_by_side()
        >>> rows[0]["model"], rows[0]["actor"], "npv_eur:a" in rows[0]
        ('verticalized', 'operator', True)
        """
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for r in self.table():
            key = (r["model"], r["actor"])
            out.setdefault(key, {"model": r["model"], "actor": r["actor"]})
            out[key][f"npv_eur:{r['architecture']}"] = r["npv_eur"]
        return list(out.values())


def architecture_finance(
    capex: Mapping[str, NetworkCapex], params: FinanceParams | None = None
) -> ArchitectureFinance:
    """Run the four business models on the capex of each architecture.

    Parameters
    ----------
    capex
        Capex by architecture name (:func:`read_comparison`, or
        :func:`capex_from_row` on each row of a comparison).
    params
        Finance inputs, the same for every architecture (the office's power
        per port is chosen by each architecture's technology).

    Raises
    ------
    FinanceParameterError
        When `capex` is empty.
    """
    params = params or FinanceParams()
    if not capex:
        msg = "no architecture to compare"
        raise FinanceParameterError(msg)
    comparisons = {name: compare(c, params) for name, c in capex.items()}
    return ArchitectureFinance(dict(capex), comparisons, params)


#: Short model names for the printed table's header.
_SHORT = {"verticalized": "Vertical.", "passive_shared": "Passive Sh.",
          "active_shared": "Active Sh.", "separated": "Separated"}  # fmt: skip


def format_architectures(result: ArchitectureFinance, actors: Iterable[tuple[str, str]]) -> str:
    """A printable table: cost per premise, office opex and chosen NPVs per architecture."""
    actors = list(actors)
    head = f"  {'architecture':<20} {'capex':>12} {'per premise':>11} {'office/yr':>10}"
    head += "".join(f" {f'{_SHORT.get(m, m)} {a}':>22}" for m, a in actors)
    lines = [head]
    for name in result.capex:
        r = result.architecture_row(name)
        line = (
            f"  {name:<20} {r['capex_eur']:>12,.0f} {r['per_premise_eur']:>11,.0f} "
            f"{r['office_opex_eur_per_year']:>10,.0f}"
        )
        line += "".join(f" {result.npv_eur(name, m, a):>22,.0f}" for m, a in actors)
        lines.append(line)
    return "\n".join(lines)
