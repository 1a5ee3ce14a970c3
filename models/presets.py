"""The city's engagement models (seed 001), mapped onto the four business models.

Seed 001 ("Complication: the smart city landscape") frames the choice from
the developer's or city's side:

- **Private**: "a developer independently builds a network to deliver
  services and undertakes network operations and maintenance" ->
  Verticalized, the developer as the operator, no competing network.
- **Exclusive**: "a developer chooses a provider to construct an ICT network
  and provide services. Only the chosen provider has the right to operate
  within the designated area" -> Verticalized with the whole market, paying
  the developer a concession (franchise) fee for the exclusive right.
- **Managed**: "a developer appoints a provider to construct the only
  network in a specified area and this provider has exclusive rights for
  network operation and maintenance. All qualified providers can deliver
  services through this network" -> Active Shared, the appointed provider
  as the network owner, with a concession fee.
- **Open**: "all qualified providers can construct a network and provide
  services in the area, and subscribers can choose any network and service"
  -> Verticalized with infrastructure competition: two networks overbuild
  the district and each wins half of the take-up.

The concession fee (5 % of the holder's revenue) and the 50 % share under
competition are assumed; a concession or market share already set in the
inputs is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models._errors import FinanceParameterError
from models.capex import NetworkCapex
from models.comparison import ModelResult, run_model
from models.ownership import ModelSpec, get_model
from models.params import FinanceParams

#: Concession fee of the Exclusive and Managed presets when none is set (assumed).
PRESET_CONCESSION_SHARE = 0.05
#: Market share of each of the overbuilding networks in the Open preset (assumed).
OPEN_MARKET_SHARE = 0.5


def _with_concession(params: FinanceParams) -> dict[str, Any]:
    if params.concession_fee_share_of_revenue > 0 or params.concession_fee_min_eur_per_year > 0:
        return {}
    return {"concession_fee_share_of_revenue": PRESET_CONCESSION_SHARE}


@dataclass(frozen=True)
class EngagementPreset:
    """An engagement model of seed 001 and how it maps onto a business model."""

    name: str
    title: str
    model: str
    quote: str
    mapping: str
    changes: Callable[[FinanceParams], dict[str, Any]]

    def apply(self, params: FinanceParams | None = None) -> tuple[ModelSpec, FinanceParams]:
        """Return the business model and the inputs of this preset."""
        params = params or FinanceParams()
        return get_model(self.model), params.updated(**self.changes(params))


#: The four engagement models of seed 001, by name.
ENGAGEMENT_MODELS: dict[str, EngagementPreset] = {
    p.name: p
    for p in (
        EngagementPreset(
            "private",
            "Private",
            "verticalized",
            "a developer independently builds a network to deliver services and undertakes "
            "network operations and maintenance",
            "Verticalized; the developer is the operator and has the whole market.",
            lambda p: {"vertical_market_share": 1.0},
        ),
        EngagementPreset(
            "exclusive",
            "Exclusive",
            "verticalized",
            "a developer chooses a provider to construct an ICT network and provide services. "
            "Only the chosen provider has the right to operate within the designated area",
            "Verticalized with the whole market; the provider pays the developer a "
            "concession fee (5 % of revenue, assumed).",
            lambda p: {"vertical_market_share": 1.0, **_with_concession(p)},
        ),
        EngagementPreset(
            "managed",
            "Managed",
            "active_shared",
            "a developer appoints a provider to construct the only network in a specified "
            "area and this provider has exclusive rights for network operation and "
            "maintenance. All qualified providers can deliver services through this network",
            "Active Shared; the appointed provider owns passive and active layers and pays a "
            "concession fee (5 % of revenue, assumed).",
            _with_concession,
        ),
        EngagementPreset(
            "open",
            "Open",
            "verticalized",
            "all qualified providers can construct a network and provide services in the "
            "area, and subscribers can choose any network and service",
            "Verticalized with infrastructure competition: two networks, each with 50 % of "
            "the take-up (assumed).",
            lambda p: {"vertical_market_share": min(p.vertical_market_share, OPEN_MARKET_SHARE)},
        ),
    )
}


def get_preset(name: str) -> EngagementPreset:
    """Return the engagement preset called `name`.

    Raises
    ------
    FinanceParameterError
        If there is none; the message lists the known names.
    """
    key = name.strip().lower()
    if key not in ENGAGEMENT_MODELS:
        msg = f"unknown engagement model {name!r}; known: {', '.join(ENGAGEMENT_MODELS)}"
        raise FinanceParameterError(msg)
    return ENGAGEMENT_MODELS[key]


def run_engagement_model(
    capex: NetworkCapex, name: str, params: FinanceParams | None = None
) -> ModelResult:
    """Run one engagement model of seed 001.

    Examples
    --------
    >>> result = run_engagement_model(NetworkCapex.example(), "exclusive")
    >>> result.name, list(result.actors)
    ('verticalized', ['operator', 'city'])
    """
    spec, preset_params = get_preset(name).apply(params)
    return run_model(capex, preset_params, spec)


def engagement_table(
    capex: NetworkCapex, params: FinanceParams | None = None
) -> list[dict[str, Any]]:
    """Comparison rows of the four engagement models, with a ``preset`` column.

    Examples
    --------
    >>> rows = engagement_table(NetworkCapex.example())
    >>> sorted({r["preset"] for r in rows})
    ['exclusive', 'managed', 'open', 'private']
    """
    rows: list[dict[str, Any]] = []
    for name in ENGAGEMENT_MODELS:
        result = run_engagement_model(capex, name, params)
        actor_rows = [*(a.row() for a in result.actors.values()), result.value_chain_row()]
        rows.extend({"preset": name, **row} for row in actor_rows)
    return rows
