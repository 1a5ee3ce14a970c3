"""The effect of the smart-city layer on each actor: NPV with and without, who gets what.

:func:`smart_city_rows` runs the four models on a city plan's capex twice --
with the city's endpoints (its payments, the small-cell leases, the extra
build and its upkeep) and without them (``city_services = "none"``: the same
network for its homes alone) -- and lists per model and actor both NPVs, the
difference, and the smart-city flows the actor receives and pays. The CLI
writes it as ``smart_city.csv``; the GUI can show the same rows.
"""

from __future__ import annotations

from typing import Any

from models.capex import NetworkCapex
from models.cashflows import FlowKind, build_ledger
from models.comparison import Comparison, compare
from models.drivers import build_drivers
from models.ownership import MODELS
from models.params import FinanceParams

#: Columns of :func:`smart_city_rows` (``smart_city.csv``).
SMART_CITY_COLUMNS = (
    "model",
    "actor",
    "npv_eur",
    "npv_without_eur",
    "effect_eur",
    "receives",
    "pays",
)

#: Items of the ledger written by the smart-city layer (models.extraflows).
_SMART_ITEMS = ("smart-city", "city contribution", "city endpoint", "city dark-fibre",
                "endpoint fibre", "small-cell")  # fmt: skip


def smart_city_roles(
    capex: NetworkCapex, params: FinanceParams
) -> dict[tuple[str, str], dict[str, list[str]]]:
    """Per (model, actor): the smart-city flows it receives and pays (item names).

    Examples
    --------
    >>> from models.smartcity import EndpointClass, SmartCityLayer
    >>> layer = SmartCityLayer(classes=(EndpointClass(name="school", served=1, fibres=1,
    ...                                               passive_eur=500.0, active_eur=150.0),))
    >>> capex = NetworkCapex.example().model_copy(update={"smart_city": layer})
    >>> roles = smart_city_roles(capex, FinanceParams())
    >>> roles[("separated", "city")]["pays"]
    ['city endpoint fees']
    >>> roles[("separated", "NP")]["receives"]
    ['city endpoint fees']
    """
    drivers = build_drivers(capex, params)
    out: dict[tuple[str, str], dict[str, list[str]]] = {}
    for name, spec in MODELS.items():
        ledger = build_ledger(spec, drivers, capex, params)
        for flow in ledger.flows:
            if not flow.item.startswith(_SMART_ITEMS):
                continue
            if flow.kind == FlowKind.REINVESTMENT and not _any(flow.amount_eur):
                continue
            item = flow.item.removesuffix(" capex").removesuffix(" replacement")
            for actor, role in ((flow.payee, "receives"), (flow.payer, "pays")):
                if actor is None:
                    continue
                entry = out.setdefault((name, actor), {"receives": [], "pays": []})
                if item not in entry[role]:
                    entry[role].append(item)
    return out


def _any(amount: Any) -> bool:
    import numpy as np

    return bool(np.any(np.asarray(amount) != 0))


def smart_city_rows(
    capex: NetworkCapex, params: FinanceParams, with_layer: Comparison | None = None
) -> list[dict[str, Any]]:
    """Each actor's NPV with and without the smart-city layer, and what it receives and pays.

    Parameters
    ----------
    capex
        A city plan's capex (:attr:`NetworkCapex.smart_city` set).
    params
        Finance inputs.
    with_layer
        The comparison with the layer if already run.

    Returns
    -------
    list of dict
        :data:`SMART_CITY_COLUMNS`, one row per model and actor and the value
        chain; an actor present in only one run (the city) counts 0 in the
        other.
    """
    with_layer = with_layer or compare(capex, params)
    without = compare(capex, params.updated(city_services="none"))
    base = {(r["model"], r["actor"]): r["npv_eur"] for r in without.table(include_value_chain=True)}
    roles = smart_city_roles(capex, params)
    rows = []
    for r in with_layer.table(include_value_chain=True):
        key = (r["model"], r["actor"])
        role = roles.get(key, {"receives": [], "pays": []})
        rows.append(
            {
                "model": r["model"],
                "actor": r["actor"],
                "npv_eur": r["npv_eur"],
                "npv_without_eur": base.get(key, 0.0),
                "effect_eur": r["npv_eur"] - base.get(key, 0.0),
                "receives": "; ".join(role["receives"]),
                "pays": "; ".join(role["pays"]),
            }
        )
    return rows
