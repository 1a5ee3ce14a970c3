"""Network capex by layer: the input the business models take from a plan.

A :class:`NetworkCapex` holds the cost of building the network for one
district, split by layer the way the planner's ``summary.json`` reports it
(see ``docs/architecture.md``): the passive layer to pass homes (civil works,
cables, splitters, cabinets), the passive cost to connect them (drops), the
active cost to pass (OLT) and to connect (ONT). The "to connect" amounts are
for *every* home passed connecting; the business models scale them by
take-up. A finance user without a plan types these figures by hand or starts
from :meth:`NetworkCapex.example`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from models._data import default_source, default_value
from models._errors import FinanceParameterError
from models._files import read_bounded
from models.office import CentralOffice
from models.phases import PHASE_CAPEX_FIELDS, PLAUSIBLE_CAPEX_EUR, PLAUSIBLE_HOMES, Phase
from models.smartcity import SmartCityLayer

#: Keys of ``capex_eur.by_layer`` in the plan summary, in order.
SUMMARY_LAYERS = ("civil", "cables", "splitters", "cabinets", "drops", "olt", "ont")

#: Average span between poles of an aerial route, to count the poles of a plan's
#: aerial kilometres. Source: assumed, within the 30-50 m spans of low-voltage and
#: telecom pole lines in Europe.
POLE_SPAN_M = 40.0

#: Largest plan summary read (issue 16); a district's summary with phases is a few KiB.
MAX_SUMMARY_BYTES = 16 * 1024 * 1024

#: Formats of plan summary this module reads.
SUMMARY_FORMAT = "fttx-planner-summary"
SUMMARY_MAX_VERSION = 1


def _eur(title: str, description: str) -> Any:
    return Field(
        default=0.0,
        ge=0.0,
        le=PLAUSIBLE_CAPEX_EUR,
        title=title,
        description=description,
        json_schema_extra={"unit": "EUR"},
    )


class NetworkCapex(BaseModel):
    """Capex of one district's network, by layer.

    Examples
    --------
    >>> capex = NetworkCapex(homes_passed=100, civil_eur=50_000.0, drops_eur=40_000.0)
    >>> capex.passive_to_pass_eur, capex.drop_per_connection_eur
    (50000.0, 400.0)
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    homes_passed: int = Field(
        gt=0,
        le=PLAUSIBLE_HOMES,
        title="Homes passed",
        description="Homes the network serves, each of which can connect.",
        json_schema_extra={"unit": "homes"},
    )
    business_units_passed: int = Field(
        0,
        ge=0,
        le=PLAUSIBLE_HOMES,
        title="Business units passed",
        description="Of the homes passed, business premises. The business models give them "
        "the same ARPU and take-up as homes (there is no business product yet).",
        json_schema_extra={"unit": "units"},
    )
    civil_eur: float = _eur(
        "Civil works", "Trenches, micro-trenches, duct reuse, aerial (passive, to pass)."
    )
    cables_eur: float = _eur(
        "Cables", "Feeder and distribution cable and its installation (passive, to pass)."
    )
    splitters_eur: float = _eur("Splitters", "Splitters and closures (passive, to pass).")
    cabinets_eur: float = _eur("Cabinets", "Street cabinets / FDH (passive, to pass).")
    drops_eur: float = _eur(
        "Drops",
        "Drop cable, installation and wall box for ALL homes passed connecting "
        "(passive, to connect).",
    )
    olt_eur: float = _eur("OLT", "OLT chassis, line cards and ports (active, to pass).")
    ont_eur: float = _eur(
        "ONT", "ONTs and their installation for ALL homes passed connecting (active, to connect)."
    )
    route_length_km: float = Field(
        default=0.0,
        ge=0.0,
        le=1e6,
        title="Route length",
        description="Length of the trench/duct route, for passive opex per km (0 if unknown).",
        json_schema_extra={"unit": "km"},
    )
    poles: int = Field(
        default=0,
        ge=0,
        le=PLAUSIBLE_HOMES,
        title="Poles",
        description="Poles the aerial cable uses, for the passive opex per pole (0 if none).",
        json_schema_extra={"unit": "poles"},
    )
    phases: tuple[Phase, ...] = Field(
        default=(),
        title="Phases",
        description="Areas built year after year (models.phases); their homes add up to "
        "homes_passed. Each layer's capex above is spread over the phases in proportion to "
        "theirs. Empty: the inputs' build_profile.",
        json_schema_extra={"unit": ""},
    )
    smart_city: SmartCityLayer | None = Field(
        default=None,
        title="Smart-city layer",
        description="The city's endpoints on the network (a city plan's): served per class, "
        "fibre-km and extra build (models.smartcity). The capex above is then the homes' "
        "network without them.",
        json_schema_extra={"unit": ""},
    )
    central_office: CentralOffice | None = Field(
        default=None,
        title="Central office",
        description="Ports, chassis and rack units of the plan's architecture, for the "
        "office's power and space (models.office).",
        json_schema_extra={"unit": ""},
    )
    label: str = Field(
        default="",
        max_length=200,
        title="Label",
        description="Where these figures come from (a district name, 'example', ...).",
        json_schema_extra={"unit": ""},
    )

    @model_validator(mode="after")
    def _phases_add_up(self) -> NetworkCapex:
        if self.phases:
            homes = sum(p.homes_passed for p in self.phases)
            if homes != self.homes_passed:
                msg = f"the phases pass {homes} homes, not homes_passed = {self.homes_passed}"
                raise ValueError(msg)
        return self

    @classmethod
    def from_phases(
        cls, phases: list[Phase], *, route_length_km: float = 0.0, label: str = ""
    ) -> NetworkCapex:
        """The capex of a network built in phases: the phases' homes and capex added up.

        Examples
        --------
        >>> a = Phase(year=0, homes_passed=10, civil_eur=100.0)
        >>> b = Phase(year=1, homes_passed=30, civil_eur=150.0)
        >>> c = NetworkCapex.from_phases([a, b])
        >>> c.homes_passed, c.civil_eur, len(c.phases)
        (40, 250.0, 2)
        """
        values: dict[str, Any] = {
            f: float(sum(getattr(p, f) for p in phases)) for f in PHASE_CAPEX_FIELDS
        }
        values |= {
            "homes_passed": sum(p.homes_passed for p in phases),
            "route_length_km": route_length_km,
            "label": label,
            "phases": tuple(phases),
        }
        return cls.model_validate(values)

    @property
    def passive_to_pass_eur(self) -> float:
        """Civil works, cables, splitters and cabinets."""
        return self.civil_eur + self.cables_eur + self.splitters_eur + self.cabinets_eur

    @property
    def passive_to_connect_eur(self) -> float:
        """Drops for all homes passed."""
        return self.drops_eur

    @property
    def active_to_pass_eur(self) -> float:
        """OLT."""
        return self.olt_eur

    @property
    def active_to_connect_eur(self) -> float:
        """ONTs for all homes passed."""
        return self.ont_eur

    @property
    def total_eur(self) -> float:
        """Capex to pass and connect every home passed."""
        return (
            self.passive_to_pass_eur
            + self.passive_to_connect_eur
            + self.active_to_pass_eur
            + self.active_to_connect_eur
        )

    @property
    def drop_per_connection_eur(self) -> float:
        """Drop capex per connected home."""
        return self.drops_eur / self.homes_passed

    @property
    def ont_per_connection_eur(self) -> float:
        """ONT capex per connected home."""
        return self.ont_eur / self.homes_passed

    @property
    def per_home_passed_eur(self) -> float:
        """Capex to pass per home passed (passive and OLT)."""
        return (self.passive_to_pass_eur + self.active_to_pass_eur) / self.homes_passed

    def scaled(self, **factors: float) -> NetworkCapex:
        """Return a copy with some ``*_eur`` fields multiplied by a factor.

        Parameters
        ----------
        **factors
            ``field name -> factor``, e.g. ``civil_eur=1.2``.

        Returns
        -------
        NetworkCapex
            The scaled copy.

        Examples
        --------
        >>> NetworkCapex(homes_passed=10, civil_eur=100.0).scaled(civil_eur=1.5).civil_eur
        150.0
        """
        unknown = sorted(set(factors) - {n for n in type(self).model_fields if n.endswith("_eur")})
        if unknown:
            msg = f"cannot scale {', '.join(unknown)}: not a capex amount in EUR"
            raise FinanceParameterError(msg)
        update = {name: getattr(self, name) * factor for name, factor in factors.items()}
        return self.model_copy(update=update)

    @classmethod
    def example(cls) -> NetworkCapex:
        """Return an example urban EU district of 5,000 homes.

        The figures and their sources are in ``models/data/defaults.toml``
        (``example_capex``): 650 EUR per home to pass, 550 EUR per home to
        connect, civil works 70 % of the cost to pass.

        Examples
        --------
        >>> capex = NetworkCapex.example()
        >>> capex.homes_passed, round(capex.per_home_passed_eur)
        (5000, 650)
        """
        values = {name: default_value(f"example_capex.{name}") for name in _EXAMPLE_FIELDS}
        return cls(**values, label="example district (assumed figures)")

    @classmethod
    def example_sources(cls) -> dict[str, str]:
        """Return the source of each figure of :meth:`example`."""
        return {name: default_source(f"example_capex.{name}") for name in _EXAMPLE_FIELDS}

    @classmethod
    def from_summary(cls, summary: Mapping[str, Any]) -> NetworkCapex:
        """Read the ``homes`` and ``capex_eur`` blocks of a plan summary.

        Parameters
        ----------
        summary
            The parsed ``summary.json`` written by ``fttx-planner plan``.

        Returns
        -------
        NetworkCapex
            Capex by layer and homes passed of the plan.

        Raises
        ------
        FinanceParameterError
            With every problem found: a missing block or key, a value that is
            not a non-negative number, a format or version this module does not
            read, a total that disagrees with the layers.

        Examples
        --------
        >>> layers = dict(civil=7e5, cables=1e5, splitters=2e4, cabinets=3e4,
        ...               drops=2e5, olt=5e4, ont=8e4)
        >>> summary = {"homes": {"passed": 1000}, "capex_eur": {"by_layer": layers}}
        >>> NetworkCapex.from_summary(summary).passive_to_pass_eur
        850000.0
        """
        problems: list[str] = []
        if not isinstance(summary, Mapping):
            msg = f"plan summary must be a JSON object, got {type(summary).__name__}"
            raise FinanceParameterError(msg)
        fmt = summary.get("format", SUMMARY_FORMAT)
        if fmt != SUMMARY_FORMAT:
            problems.append(f"format is {fmt!r}, expected {SUMMARY_FORMAT!r}")
        version = summary.get("version", 1)
        if not isinstance(version, int) or version > SUMMARY_MAX_VERSION:
            problems.append(
                f"version {version!r} is newer than this module reads "
                f"(up to {SUMMARY_MAX_VERSION}); update fttx-planner"
            )
        homes = summary.get("homes")
        passed: Any = None
        if not isinstance(homes, Mapping):
            problems.append("missing block 'homes'")
        elif "passed" not in homes:
            problems.append("missing key 'homes.passed'")
        else:
            passed = homes["passed"]
            if not _is_number(passed) or not 0 < passed <= PLAUSIBLE_HOMES or passed != int(passed):
                problems.append(
                    f"homes.passed must be a positive whole number (at most "
                    f"{PLAUSIBLE_HOMES:,}), got {str(passed)[:40]}"
                )
        capex = summary.get("capex_eur")
        by_layer: Any = capex.get("by_layer") if isinstance(capex, Mapping) else None
        values: dict[str, float] = {}
        if not isinstance(capex, Mapping):
            problems.append("missing block 'capex_eur'")
        elif not isinstance(by_layer, Mapping):
            problems.append("missing block 'capex_eur.by_layer'")
        else:
            for layer in SUMMARY_LAYERS:
                if layer not in by_layer:
                    problems.append(f"missing key 'capex_eur.by_layer.{layer}'")
                    continue
                value = by_layer[layer]
                if not _is_number(value) or not 0 <= value <= PLAUSIBLE_CAPEX_EUR:
                    problems.append(
                        f"capex_eur.by_layer.{layer} must be a non-negative number (at most "
                        f"{PLAUSIBLE_CAPEX_EUR:,.0f}), got {str(value)[:40]}"
                    )
                    continue
                values[f"{layer}_eur"] = float(value)
            unknown = sorted(set(by_layer) - set(SUMMARY_LAYERS))
            if unknown:
                problems.append(
                    f"unknown layer(s) in capex_eur.by_layer: {', '.join(unknown)} "
                    f"(known: {', '.join(SUMMARY_LAYERS)})"
                )
            total: Any = capex.get("total")
            if len(values) == len(SUMMARY_LAYERS) and _is_number(total):
                layers_sum = sum(values.values())
                if abs(layers_sum - float(total)) > max(10.0, 1e-4 * abs(float(total))):
                    problems.append(
                        f"capex_eur.total = {total:,.2f} but its layers add up to {layers_sum:,.2f}"
                    )
        if problems:
            msg = "invalid plan summary:\n  - " + "\n  - ".join(problems)
            raise FinanceParameterError(msg)
        lengths = summary.get("lengths_km")
        route_km = 0.0
        if isinstance(lengths, Mapping) and _is_number(lengths.get("route_km")):
            route_km = float(lengths["route_km"])
        poles = 0
        if isinstance(lengths, Mapping) and _is_number(lengths.get("aerial_km")):
            poles = round(max(float(lengths["aerial_km"]), 0.0) * 1000.0 / POLE_SPAN_M)
        label = summary.get("district", "")
        business = homes.get("business_units", 0) if isinstance(homes, Mapping) else 0
        business = int(business) if _is_number(business) and 0 <= business <= passed else 0
        phases = _summary_phases(summary.get("phases"), int(passed))
        smart_city = None
        if summary.get("endpoints") is not None:
            layers = {k.removesuffix("_eur"): v for k, v in values.items()}
            smart_city, base = SmartCityLayer.from_summary(summary["endpoints"], layers)
            values = {f"{k}_eur": v for k, v in base.items()}
        return cls.from_mapping(
            {
                "homes_passed": int(passed),
                "business_units_passed": business,
                "route_length_km": max(route_km, 0.0),
                "poles": poles,
                "phases": phases,
                "label": str(label)[:200] if label else "plan",
                "smart_city": smart_city,
                **values,
            },
            what="plan summary",
        )

    @classmethod
    def from_summary_file(cls, path: str | Path) -> NetworkCapex:
        """Read a plan's ``summary.json``, or the one in a plan directory.

        Parameters
        ----------
        path
            The ``summary.json`` file, or the plan directory holding it.

        Returns
        -------
        NetworkCapex
            Capex by layer and homes passed of the plan.

        Raises
        ------
        FinanceParameterError
            If the file is missing, is not JSON, or is not a valid summary.
        """
        path = Path(path)
        if path.is_dir():
            path = path / "summary.json"
        if not path.exists():
            msg = f"no plan summary at {path} (run 'fttx-planner plan ... --out DIR' first)"
            raise FinanceParameterError(msg)
        text = read_bounded(path, "plan summary", MAX_SUMMARY_BYTES)
        try:
            summary = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            detail = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            msg = f"cannot read plan summary {path}: {detail[:120]}"
            raise FinanceParameterError(msg) from None
        try:
            return cls.from_summary(summary)
        except FinanceParameterError as exc:
            msg = f"{path}: {exc}"
            raise FinanceParameterError(msg) from exc

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], what: str = "capex") -> NetworkCapex:
        """Validate capex typed by hand (e.g. a ``[capex]`` table of a parameter file).

        Raises
        ------
        FinanceParameterError
            With every problem found.

        Examples
        --------
        >>> NetworkCapex.from_mapping({"homes_passed": 10, "civil_eur": -1.0})
        Traceback (most recent call last):
        ...
        models._errors.FinanceParameterError: invalid capex:
          - capex.civil_eur = -1.0: must not be negative
        """
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            lines = []
            for err in exc.errors():
                loc = "capex." + ".".join(str(p) for p in err["loc"])
                if err["type"] == "extra_forbidden":
                    known = ", ".join(cls.model_fields)
                    lines.append(f"unknown key '{loc}' (known: {known})")
                elif err["type"] == "greater_than_equal":
                    lines.append(f"{loc} = {str(err['input'])[:40]}: must not be negative")
                elif err["type"] in ("less_than_equal", "less_than"):
                    top = err.get("ctx", {}).get("le", err.get("ctx", {}).get("lt"))
                    lines.append(
                        f"{loc} = {str(err['input'])[:40]}: outside the plausible range "
                        f"0 to {top:,.0f}"
                    )
                else:
                    lines.append(f"{loc}: {err['msg']}")
            msg = f"invalid {what}:\n  - " + "\n  - ".join(lines)
            raise FinanceParameterError(msg) from exc


_EXAMPLE_FIELDS = ("homes_passed", *PHASE_CAPEX_FIELDS, "route_length_km")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _summary_phases(block: Any, homes_passed: int) -> tuple[Phase, ...]:
    """The optional ``phases`` list of a plan summary: year, homes and capex by layer each."""
    if block is None:
        return ()
    if not isinstance(block, list) or not all(isinstance(p, Mapping) for p in block):
        msg = "invalid plan summary: 'phases' must be a list of objects"
        raise FinanceParameterError(msg)
    phases = []
    for i, entry in enumerate(block):
        layers = entry.get("capex_eur", entry.get("by_layer", {}))
        if not isinstance(layers, Mapping):
            layers = {}
        values = {f"{k}_eur": layers.get(k, 0.0) for k in SUMMARY_LAYERS}
        try:
            phases.append(
                Phase(
                    name=str(entry.get("name", i + 1)),
                    year=entry.get("year", i),
                    homes_passed=entry.get("homes_passed", 0),
                    **values,
                )
            )
        except ValidationError as exc:
            msg = f"invalid plan summary: phases[{i}]: {exc.errors()[0]['msg']}"
            raise FinanceParameterError(msg) from exc
    homes = sum(p.homes_passed for p in phases)
    if homes != homes_passed:
        msg = (
            f"invalid plan summary: the phases pass {homes} homes, "
            f"not homes.passed = {homes_passed}"
        )
        raise FinanceParameterError(msg)
    return tuple(phases)
