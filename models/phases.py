"""Phased roll-out: areas of the design built year after year, each with its own take-up.

A plan's areas (splitter groups or service areas, each with its homes and
capex by layer) are grouped into phases, one build year each, either ranked
by cost per home passed (the cheapest areas first, as a network builder
would) or as the user assigns them. A :class:`Phase` carries its build year,
homes, capex by layer and optionally its own take-up saturation; given to
:class:`~models.capex.NetworkCapex` (``phases``), it replaces the uniform
build profile: each phase's capex to pass falls in its year, its homes start
taking up service from then on their own curve, and its connection capex
follows its own take-up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from models._errors import FinanceParameterError

#: Capex fields of a phase (and of an area), as in the plan summary's layers.
PHASE_CAPEX_FIELDS = (
    "civil_eur",
    "cables_eur",
    "splitters_eur",
    "cabinets_eur",
    "drops_eur",
    "olt_eur",
    "ont_eur",
)


#: Upper bound of any capex amount (issue 16): a trillion, far beyond a city's network.
PLAUSIBLE_CAPEX_EUR = 1e12
#: Upper bound of homes passed by one network.
PLAUSIBLE_HOMES = 100_000_000


def _amount(title: str) -> Any:
    return Field(
        default=0.0, ge=0.0, le=PLAUSIBLE_CAPEX_EUR, title=title, json_schema_extra={"unit": "EUR"}
    )


class Phase(BaseModel):
    """Areas built in one year: their homes, capex by layer and take-up.

    ``drops_eur`` and ``ont_eur`` are for all the phase's homes connecting;
    the business models scale them by the phase's take-up.

    Examples
    --------
    >>> Phase(name="1", year=0, homes_passed=100, civil_eur=5e4).to_pass_eur
    50000.0
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(default="", title="Name", json_schema_extra={"unit": ""})
    year: int = Field(ge=0, le=59, title="Build year", json_schema_extra={"unit": "year"})
    homes_passed: int = Field(
        gt=0, le=PLAUSIBLE_HOMES, title="Homes passed", json_schema_extra={"unit": "homes"}
    )
    civil_eur: float = _amount("Civil works")
    cables_eur: float = _amount("Cables")
    splitters_eur: float = _amount("Splitters")
    cabinets_eur: float = _amount("Cabinets")
    drops_eur: float = _amount("Drops")
    olt_eur: float = _amount("OLT")
    ont_eur: float = _amount("ONT")
    takeup_saturation: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        title="Take-up saturation",
        description="This phase's long-run take-up; the inputs' curve scaled to it (None: as is).",
        json_schema_extra={"unit": "fraction"},
    )

    @property
    def to_pass_eur(self) -> float:
        """Passive capex to pass the phase's homes."""
        return self.civil_eur + self.cables_eur + self.splitters_eur + self.cabinets_eur

    @property
    def cost_per_home_passed_eur(self) -> float:
        """Capex to pass (passive and OLT) per home passed."""
        return (self.to_pass_eur + self.olt_eur) / self.homes_passed


def _area(entry: Mapping[str, Any], index: int) -> dict[str, Any]:
    homes = entry.get("homes_passed", entry.get("homes"))
    if not isinstance(homes, int | float) or homes <= 0:
        msg = f"area {index}: homes_passed must be a positive number, got {homes!r}"
        raise FinanceParameterError(msg)
    out: dict[str, Any] = {"homes_passed": int(homes)}
    for name in PHASE_CAPEX_FIELDS:
        value = entry.get(name, entry.get(name.removesuffix("_eur"), 0.0))
        if not isinstance(value, int | float) or value < 0:
            msg = f"area {index}: {name} must be a non-negative number, got {value!r}"
            raise FinanceParameterError(msg)
        out[name] = float(value)
    return out


def _merge(name: str, year: int, areas: Sequence[dict[str, Any]]) -> Phase:
    total: dict[str, Any] = {"homes_passed": sum(a["homes_passed"] for a in areas)}
    for field in PHASE_CAPEX_FIELDS:
        total[field] = sum(a[field] for a in areas)
    return Phase(name=name, year=year, **total)


def phases_by_cost(
    areas: Sequence[Mapping[str, Any]], n_phases: int, *, years_between: int = 1
) -> list[Phase]:
    """Group areas into phases, the cheapest per home passed first.

    Areas are sorted by capex to pass (passive and OLT) per home and cut into
    `n_phases` groups of about the same number of homes; phase ``k`` is built
    in year ``k * years_between``.

    Parameters
    ----------
    areas
        One mapping per area: ``homes_passed`` and the capex fields of
        :data:`PHASE_CAPEX_FIELDS` (``civil_eur`` or ``civil``, ...).
    n_phases
        Number of phases (at most the number of areas).
    years_between
        Years from one phase to the next.

    Examples
    --------
    >>> areas = [{"homes_passed": 100, "civil_eur": 9e4}, {"homes_passed": 100, "civil_eur": 3e4},
    ...          {"homes_passed": 200, "civil_eur": 1e5}]
    >>> [(p.year, p.homes_passed, p.civil_eur) for p in phases_by_cost(areas, 2)]
    [(0, 100, 30000.0), (1, 300, 190000.0)]
    """
    if n_phases < 1:
        msg = f"n_phases must be at least 1, got {n_phases}"
        raise FinanceParameterError(msg)
    rows = [_area(a, i) for i, a in enumerate(areas)]
    if not rows:
        msg = "no areas to phase"
        raise FinanceParameterError(msg)
    n_phases = min(n_phases, len(rows))

    def cost(row: dict[str, Any]) -> float:
        to_pass = sum(row[f] for f in ("civil_eur", "cables_eur", "splitters_eur", "cabinets_eur"))
        return (to_pass + row["olt_eur"]) / row["homes_passed"]

    rows.sort(key=cost)
    total = sum(r["homes_passed"] for r in rows)
    groups: list[list[dict[str, Any]]] = [[] for _ in range(n_phases)]
    done = 0
    for row in rows:
        # The phase whose share of the homes this area's middle falls in.
        middle = (done + row["homes_passed"] / 2) / total
        groups[min(int(middle * n_phases), n_phases - 1)].append(row)
        done += row["homes_passed"]
    groups = [g for g in groups if g]
    return [_merge(str(k + 1), k * years_between, g) for k, g in enumerate(groups)]


def phases_by_choice(
    areas: Sequence[Mapping[str, Any]], phase_of_area: Sequence[int]
) -> list[Phase]:
    """Group areas into the phases the user chose (phase ``k`` built in year ``k``).

    Examples
    --------
    >>> areas = [{"homes_passed": 10, "civil": 1.0}, {"homes_passed": 20, "civil": 2.0}]
    >>> [(p.year, p.homes_passed) for p in phases_by_choice(areas, [1, 0])]
    [(0, 20), (1, 10)]
    """
    if len(phase_of_area) != len(areas):
        msg = f"{len(phase_of_area)} phase numbers for {len(areas)} areas"
        raise FinanceParameterError(msg)
    rows = [_area(a, i) for i, a in enumerate(areas)]
    by_phase: dict[int, list[dict[str, Any]]] = {}
    for row, phase in zip(rows, phase_of_area, strict=True):
        if phase < 0:
            msg = f"phase numbers start at 0, got {phase}"
            raise FinanceParameterError(msg)
        by_phase.setdefault(int(phase), []).append(row)
    return [_merge(str(k + 1), k, by_phase[k]) for k in sorted(by_phase)]
