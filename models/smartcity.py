"""The smart-city layer: the city as a customer and an actor, and small-cell leases.

A city plan (``fttx-planner city``) connects the city's own endpoints --
traffic signals, cameras, lamps, schools, town halls, hospitals, masts -- on
the homes' network. :class:`SmartCityLayer` holds what the business models
need of it, per endpoint class: endpoints served, fibres, fibre-km, and the
extra build (the class's own lines, passive and active, plus its part of the
trench the endpoints add beyond the homes' network). :func:`add_smart_city`
writes its flows into a model's ledger; who receives and who pays follows
from the model's ownership, as every other flow does:

- **lit service** (``city_services = "per_endpoint"``): the city pays a
  monthly fee per connected endpoint to the **service seller**, the owner of
  the active layer (the Verticalized operator, the Active Shared PIP+NP, the
  Separated NP; in Passive Shared, where each provider owns its own active
  layer, the largest provider, to which the city awards its service). The
  seller buys and runs the terminals and office ports and, when it does not
  own the passive layer, rents each endpoint fibre from the passive owner at
  the passive access fee;
- **dark fibre** (``"dark_fibre"``): the city leases its endpoints' fibres
  from the passive owner per fibre-km and year and buys and runs the
  terminals and office ports itself;
- **small cells**: mobile operators (outside the model) lease the fibre to
  their sites from the passive owner per site and year; the optics at both
  ends are theirs;
- the passive owner builds the endpoints' passive extra (drops, connection,
  second paths, the trench they add); with ``city_endpoint_build_paid_by =
  "city"`` the city pays the extra build of its own endpoints, passive and
  active, to whoever builds it, as a capital contribution.

Endpoints are connected as the network is built (the build profile or the
phases); fees and leases follow the wholesale price index; the extra build
is maintained at the passive and active opex shares of capex and replaced
after the passive and OLT lifetimes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models._errors import FinanceParameterError
from models.phases import PLAUSIBLE_CAPEX_EUR

#: Upper bound of endpoints of one class, and of fibre-km (issue 16).
PLAUSIBLE_ENDPOINTS = 10_000_000
PLAUSIBLE_FIBRE_KM = 1e8


class EndpointClass(BaseModel):
    """One class of a city plan's endpoints, as the business models see it.

    Examples
    --------
    >>> c = EndpointClass(name="school", served=3, fibres=3, fibre_km=2.5, passive_eur=3000.0)
    >>> c.total_eur
    3000.0
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=60, title="Class", json_schema_extra={"unit": ""})
    rule: str = Field(default="", max_length=20, title="Rule", json_schema_extra={"unit": ""})
    served: int = Field(
        ge=0,
        le=PLAUSIBLE_ENDPOINTS,
        title="Endpoints served",
        json_schema_extra={"unit": "endpoints"},
    )
    fibres: int = Field(
        default=0,
        ge=0,
        le=PLAUSIBLE_ENDPOINTS * 10,
        title="Fibres",
        description="Fibres of the class's own from the office (dedicated, a pole run's one) "
        "or PON ports it takes.",
        json_schema_extra={"unit": "fibres"},
    )
    fibre_km: float = Field(
        default=0.0,
        ge=0.0,
        le=PLAUSIBLE_FIBRE_KM,
        title="Fibre-km",
        description="Length of its fibres: fibres times the path to the office, second paths "
        "included.",
        json_schema_extra={"unit": "km"},
    )
    passive_eur: float = Field(
        default=0.0,
        ge=0.0,
        le=PLAUSIBLE_CAPEX_EUR,
        title="Passive extra build",
        description="Its drops, connections, second-path trench and cable, and its part of "
        "the trench the endpoints add to the homes' network.",
        json_schema_extra={"unit": "EUR"},
    )
    active_eur: float = Field(
        default=0.0,
        ge=0.0,
        le=PLAUSIBLE_CAPEX_EUR,
        title="Active extra build",
        description="Its terminals and office ports.",
        json_schema_extra={"unit": "EUR"},
    )

    @property
    def total_eur(self) -> float:
        """Passive and active extra build."""
        return self.passive_eur + self.active_eur


class SmartCityLayer(BaseModel):
    """The endpoints of a city plan: per class, what is served and what it adds.

    ``basis`` says where the extra build comes from: ``"homes-only plan"``
    (the city plan minus the same district planned for its homes alone: every
    metre of trench the endpoints add is in it), or ``"own lines"`` (the
    endpoints' own bill-of-materials lines only; plan with ``--homes-only`` to
    count the trench they add too).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    classes: tuple[EndpointClass, ...] = Field(
        default=(), max_length=1000, title="Endpoint classes", json_schema_extra={"unit": ""}
    )
    basis: str = Field(
        default="own lines", max_length=40, title="Basis", json_schema_extra={"unit": ""}
    )

    @property
    def passive_eur(self) -> float:
        """Passive extra build of all classes."""
        return float(sum(c.passive_eur for c in self.classes))

    @property
    def active_eur(self) -> float:
        """Active extra build of all classes."""
        return float(sum(c.active_eur for c in self.classes))

    @property
    def total_eur(self) -> float:
        """Extra build of all classes."""
        return self.passive_eur + self.active_eur

    @classmethod
    def from_summary(
        cls, block: Any, city_layers: Mapping[str, float]
    ) -> tuple[SmartCityLayer, dict[str, float]]:
        """Read a city plan's ``endpoints`` block.

        Parameters
        ----------
        block
            ``summary["endpoints"]`` of a city plan (``by_class`` with
            ``fibre_km``, ``direct_passive_eur``, ``direct_active_eur``;
            ``homes_only_by_layer`` when planned with ``--homes-only``).
        city_layers
            The city plan's capex by layer (``capex_eur.by_layer``).

        Returns
        -------
        tuple
            The layer, and the capex by layer of the network without it (the
            homes-only plan's, or the city plan's less the endpoints' own
            lines).

        Raises
        ------
        FinanceParameterError
            On a block that is not a city plan's.

        Examples
        --------
        >>> block = {"by_class": [{"class": "school", "rule": "pon", "served": 2, "fibres": 2,
        ...          "fibre_km": 1.0, "direct_passive_eur": 900.0, "direct_active_eur": 300.0}],
        ...          "homes_only_by_layer": {"civil": 1000.0, "olt": 50.0}}
        >>> layer, homes = SmartCityLayer.from_summary(block, {"civil": 2500.0, "olt": 400.0})
        >>> layer.basis, layer.passive_eur, layer.active_eur, homes["civil"]
        ('homes-only plan', 1550.0, 300.0, 1000.0)
        """
        if not isinstance(block, Mapping) or not isinstance(block.get("by_class"), list):
            msg = "invalid plan summary: 'endpoints' must hold a 'by_class' list"
            raise FinanceParameterError(msg)
        rows = [r for r in block["by_class"] if isinstance(r, Mapping)]
        if len(rows) != len(block["by_class"]) or len(rows) > 1000:
            msg = "invalid plan summary: 'endpoints.by_class' must be at most 1000 objects"
            raise FinanceParameterError(msg)
        direct_p = [_amount(r, "direct_passive_eur") for r in rows]
        direct_a = [_amount(r, "direct_active_eur") for r in rows]
        homes_only = block.get("homes_only_by_layer")
        if isinstance(homes_only, Mapping) and all(
            _finite(homes_only.get(k, 0.0)) for k in city_layers
        ):
            base = {k: float(homes_only.get(k, 0.0)) for k in city_layers}
            added = sum(city_layers.values()) - sum(base.values())
            shared = max(added - sum(direct_p) - sum(direct_a), 0.0)
            basis = "homes-only plan"
        else:
            own = block.get("own_lines_by_layer")
            own = own if isinstance(own, Mapping) else {}
            base = {
                k: max(float(v) - (float(own[k]) if _finite(own.get(k)) else 0.0), 0.0)
                for k, v in city_layers.items()
            }
            shared, basis = 0.0, "own lines"
        weights = np.array(direct_p, dtype=float)
        weights = weights / weights.sum() if weights.sum() > 0 else np.zeros(len(rows))
        classes = []
        try:
            for r, p, a, w in zip(rows, direct_p, direct_a, weights, strict=True):
                classes.append(
                    EndpointClass(
                        name=str(r.get("class", "")),
                        rule=str(r.get("rule", ""))[:20],
                        served=r.get("served", 0),
                        fibres=r.get("fibres", 0),
                        fibre_km=r.get("fibre_km", 0.0),
                        passive_eur=p + shared * float(w),
                        active_eur=a,
                    )
                )
            layer = cls(classes=tuple(classes), basis=basis)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(x) for x in err["loc"])
            msg = f"invalid plan summary: endpoints.by_class[{len(classes)}].{where}: {err['msg']}"
            raise FinanceParameterError(msg) from None
        return layer, base


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)


def _amount(row: Mapping[str, Any], key: str) -> float:
    value = row.get(key, 0.0)
    if not _finite(value) or not 0.0 <= value <= PLAUSIBLE_CAPEX_EUR:
        msg = f"invalid plan summary: endpoints.by_class.{key} = {str(value)[:40]} is not an amount"
        raise FinanceParameterError(msg)
    return float(value)
