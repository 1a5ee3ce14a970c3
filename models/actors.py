"""The actors of a business model: role, layers, discount rate and horizon.

Roles (see docs/economics.md): the passive infrastructure provider (PIP),
the network provider (NP, active layer), the service providers (SP, retail,
with market shares), the verticalized operator owning all three, the
Active Shared network owner (PIP+NP), and the city when a funding overlay
(grant, concession, PPP) makes it a party.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.ownership import CITY, EACH_SP, NETWORK_OWNER, NP, OPERATOR, PIP, ModelSpec
from models.params import FinanceParams


@dataclass(frozen=True)
class Actor:
    """One party of a business model.

    Attributes
    ----------
    name
        Actor name used in tables and cash flows (``"PIP"``, ``"SP1"``).
    title
        Longer display name.
    layers
        Layers it owns: ``"passive"``, ``"active"``, ``"retail"``, or
        ``"funding"`` for the city.
    discount_rate
        Its cost of capital, a fraction.
    horizon_years
        Years over which its NPV, IRR and payback are computed.
    """

    name: str
    title: str
    layers: tuple[str, ...]
    discount_rate: float
    horizon_years: int


#: Each role's name in full, its short name kept (tables and cash flows use the short one).
ACTOR_TITLES = {
    OPERATOR: "Integrated operator (all layers)",
    PIP: "Infrastructure owner (PIP, passive layer)",
    NP: "Network operator (NP, active layer)",
    NETWORK_OWNER: "Infrastructure and network owner (PIP+NP)",
    CITY: "City (public funder)",
}
_TITLES = ACTOR_TITLES


def _rate_and_horizon(name: str, params: FinanceParams) -> tuple[float, int]:
    table = {
        OPERATOR: (params.operator_discount_rate, params.operator_horizon_years),
        PIP: (params.pip_discount_rate, params.pip_horizon_years),
        NP: (params.np_discount_rate, params.np_horizon_years),
        NETWORK_OWNER: (params.network_owner_discount_rate, params.network_owner_horizon_years),
        CITY: (params.city_discount_rate, params.city_horizon_years),
    }
    if name in table:
        return table[name]
    sp = next(sp for sp in params.service_providers if sp.name == name)
    return sp.discount_rate, sp.horizon_years


def model_actors(spec: ModelSpec, params: FinanceParams, city: bool = False) -> tuple[Actor, ...]:
    """Actors of a model, infrastructure first, then retail, then the city.

    The city is an actor when a funding overlay is set or `city` is true (it
    buys services for its endpoints, :mod:`models.smartcity`).

    Examples
    --------
    >>> from models.ownership import MODELS
    >>> [a.name for a in model_actors(MODELS["separated"], FinanceParams())]
    ['PIP', 'NP', 'SP1', 'SP2']
    >>> [a.layers for a in model_actors(MODELS["verticalized"], FinanceParams())]
    [('passive', 'active', 'retail')]
    """
    layers: dict[str, list[str]] = {}
    retail = [name for name, _ in spec.retail_entities(params)]
    for layer, owner in (
        ("passive", spec.passive),
        ("active", spec.active),
        ("retail", spec.retail),
    ):
        for name in retail if owner == EACH_SP else [owner]:
            layers.setdefault(name, []).append(layer)
    if params.has_city or city:
        layers[CITY] = ["funding"]
    actors = []
    for name, owned in layers.items():
        rate, horizon = _rate_and_horizon(name, params)
        if name in _TITLES:
            title = _TITLES[name]
        else:
            share = dict(spec.retail_entities(params))[name]
            title = (
                f"Service provider {name} ({'active + ' if 'active' in owned else ''}"
                f"retail, {share:.0%})"
            )
        actors.append(Actor(name, title, tuple(owned), rate, horizon))
    return tuple(actors)
