"""Flows of the smart-city layer and of the central office, written into a model's ledger.

Called by :func:`models.cashflows.build_ledger` when the capex carries a
:class:`~models.smartcity.SmartCityLayer` or a
:class:`~models.office.CentralOffice`; the rules of who pays whom are in
:mod:`models.smartcity` and ``docs/models.md``.
"""

from __future__ import annotations

import numpy as np

from models.cashflows import FlowKind, Ledger, Retail
from models.drivers import MONTHS_PER_YEAR, Drivers
from models.office import CentralOffice, office_opex_eur_per_year
from models.ownership import CITY, EACH_SP, ModelSpec
from models.params import FinanceParams
from models.smartcity import EndpointClass, SmartCityLayer


def service_seller(spec: ModelSpec, retail: Retail) -> str:
    """Who sells the city its lit service: the active owner, or the largest provider.

    Examples
    --------
    >>> from models.ownership import MODELS
    >>> service_seller(MODELS["separated"], [("SP1", 0.6), ("SP2", 0.4)])
    'NP'
    >>> service_seller(MODELS["passive_shared"], [("SP1", 0.4), ("SP2", 0.6)])
    'SP2'
    """
    if spec.active != EACH_SP:
        return spec.active
    return max(retail, key=lambda item: item[1])[0]


def city_is_party(layer: SmartCityLayer | None, params: FinanceParams) -> bool:
    """Whether the smart-city layer makes the city an actor (it pays for endpoints)."""
    if layer is None or params.city_services == "none":
        return False
    cells = params.small_cell_class_set
    return any(c.served > 0 and c.name not in cells for c in layer.classes)


def add_smart_city(
    ledger: Ledger, retail: Retail, d: Drivers, layer: SmartCityLayer, params: FinanceParams
) -> None:
    """Write the endpoints' extra build, its upkeep, the city's payments and the leases."""
    if params.city_services == "none":
        return
    spec, idx = ledger.model, d.cost_index
    passive_owner = spec.passive
    rate = params.capex_exchange_rate
    built = np.asarray(d.build_share, dtype=float)
    connected = np.minimum(np.cumsum(built), 1.0)
    years = np.arange(d.n_years)
    wholesale = d.price_index * (1.0 + params.wholesale_price_growth_per_year) ** years
    cells = params.small_cell_class_set
    city = [c for c in layer.classes if c.name not in cells]
    sites = [c for c in layer.classes if c.name in cells]

    passive = layer.passive_eur * rate * built
    ledger.add_capex("smart-city passive", passive_owner, passive, params.passive_lifetime_years)
    ledger.add(
        "smart-city passive opex (share of capex)",
        FlowKind.OPEX,
        passive_owner,
        None,
        params.passive_opex_share_of_capex * np.cumsum(passive) * idx,
    )

    if sites and params.small_cell_lease_eur_per_site_year > 0:
        n_sites = sum(c.served for c in sites)
        ledger.add(
            "small-cell fibre lease",
            FlowKind.LEASES,
            None,
            passive_owner,
            params.small_cell_lease_eur_per_site_year * n_sites * wholesale * connected,
        )
    if not city:
        return

    dark = params.city_services == "dark_fibre"
    active_owner = CITY if dark else service_seller(spec, retail)
    active = sum(c.active_eur for c in city) * rate * built
    ledger.add_capex(
        "smart-city terminals and ports", active_owner, active, params.olt_lifetime_years
    )
    ledger.add(
        "smart-city active opex (share of capex)",
        FlowKind.OPEX,
        active_owner,
        None,
        params.active_opex_share_of_capex * np.cumsum(active) * idx,
    )
    if dark:
        fibre_km = sum(c.fibre_km for c in city)
        ledger.add(
            "city dark-fibre lease",
            FlowKind.CITY_SERVICES,
            CITY,
            passive_owner,
            params.dark_fibre_lease_eur_per_fibre_km_year * fibre_km * wholesale * connected,
        )
    else:
        monthly = sum(c.served * _fee(c, params) for c in city)
        ledger.add(
            "city endpoint fees",
            FlowKind.CITY_SERVICES,
            CITY,
            active_owner,
            monthly * MONTHS_PER_YEAR * wholesale * connected,
        )
        if active_owner != passive_owner:
            fibres = sum(c.fibres for c in city)
            ledger.add(
                "endpoint fibre rent",
                FlowKind.WHOLESALE_FEES,
                active_owner,
                passive_owner,
                params.passive_fee_eur_per_month * MONTHS_PER_YEAR * fibres * wholesale * connected,
            )
    if params.city_endpoint_build_paid_by == "city":
        own_passive = sum(c.passive_eur for c in city) * rate * built * d.capex_index
        ledger.add(
            "city contribution to its endpoints' passive build",
            FlowKind.GRANT,
            CITY,
            passive_owner,
            own_passive,
        )
        if active_owner != CITY:
            ledger.add(
                "city contribution to its endpoints' terminals and ports",
                FlowKind.GRANT,
                CITY,
                active_owner,
                active * d.capex_index,
            )


def _fee(c: EndpointClass, params: FinanceParams) -> float:
    return params.city_fee_eur_per_month(c.name)


def add_central_office(
    ledger: Ledger, retail: Retail, d: Drivers, office: CentralOffice, params: FinanceParams
) -> None:
    """Power and space of the architecture's office equipment, paid by the active owner(s).

    The equipment is installed as the network is built; a provider owning its
    own active layer (Passive Shared) pays the fixed share in full plus its
    market share of the rest, as for the OLT.
    """
    spec = ledger.model
    installed = np.minimum(np.cumsum(d.build_share), 1.0)
    yearly = office_opex_eur_per_year(office, params) * params.capex_exchange_rate
    if spec.active == EACH_SP:
        f = params.olt_fixed_share
        owners = [(name, f + (1.0 - f) * share) for name, share in retail]
    else:
        owners = [(spec.active, 1.0)]
    for owner, part in owners:
        ledger.add(
            "central-office power and space",
            FlowKind.OPEX,
            owner,
            None,
            part * yearly * installed * d.cost_index,
        )
