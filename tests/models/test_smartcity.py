"""The smart-city layer: who receives the city's payments and the leases, who pays the build."""

from __future__ import annotations

import numpy as np
import pytest

from models import FinanceParameterError, FinanceParams, NetworkCapex, compare
from models.cashflows import FlowKind, build_ledger
from models.cityeffect import smart_city_roles, smart_city_rows
from models.drivers import build_drivers
from models.ownership import MODELS
from models.smartcity import EndpointClass, SmartCityLayer

SIGNALS = EndpointClass(
    name="traffic_signal", rule="dedicated", served=20, fibres=20, fibre_km=30.0,
    passive_eur=40_000.0, active_eur=12_000.0,
)  # fmt: skip
MASTS = EndpointClass(
    name="mobile_mast", rule="dedicated", served=2, fibres=4, fibre_km=6.0,
    passive_eur=30_000.0, active_eur=1_000.0,
)  # fmt: skip
LAYER = SmartCityLayer(classes=(SIGNALS, MASTS), basis="homes-only plan")

#: A flat world: no inflation, the whole network built in year 0, no terminal value.
FLAT = {
    "inflation_per_year": 0.0,
    "build_profile": [1.0],
    "terminal_value": "none",
    "timing": "start_of_year",
}


def _capex(layer: SmartCityLayer | None = LAYER) -> NetworkCapex:
    return NetworkCapex.example().model_copy(update={"smart_city": layer})


def _ledger(model: str, params: FinanceParams, capex: NetworkCapex | None = None):
    capex = capex or _capex()
    return build_ledger(MODELS[model], build_drivers(capex, params), capex, params)


def _flows(ledger, item: str):
    return [f for f in ledger.flows if f.item == item]


@pytest.mark.parametrize(
    ("model", "seller", "passive"),
    [
        ("verticalized", "operator", "operator"),
        ("passive_shared", "SP1", "PIP"),  # the largest provider (60 %) sells the service
        ("active_shared", "PIP+NP", "PIP+NP"),
        ("separated", "NP", "PIP"),
    ],
)
def test_who_receives_and_who_builds_in_every_model(model, seller, passive) -> None:
    ledger = _ledger(model, FinanceParams(**FLAT))
    (fees,) = _flows(ledger, "city endpoint fees")
    assert (fees.payer, fees.payee) == ("city", seller)
    (lease,) = _flows(ledger, "small-cell fibre lease")
    assert (lease.payer, lease.payee) == (None, passive)  # the mobile operators, outside
    (build,) = _flows(ledger, "smart-city passive capex")
    assert build.payer == passive
    (terminals,) = _flows(ledger, "smart-city terminals and ports capex")
    assert terminals.payer == seller
    rent = _flows(ledger, "endpoint fibre rent")
    if seller == passive:
        assert rent == []
    else:
        assert (rent[0].payer, rent[0].payee) == (seller, passive)
    assert "city" in [a.name for a in ledger.actors]


def test_fees_leases_and_build_by_hand() -> None:
    """20 signals at 40 EUR a month, 2 masts at 3,000 EUR a year, built in year 0."""
    params = FinanceParams(**FLAT)
    ledger = _ledger("separated", params)
    (fees,) = _flows(ledger, "city endpoint fees")
    assert np.allclose(fees.amount_eur, 20 * 40.0 * 12)
    (lease,) = _flows(ledger, "small-cell fibre lease")
    assert np.allclose(lease.amount_eur, 2 * 3000.0)
    (rent,) = _flows(ledger, "endpoint fibre rent")
    assert np.allclose(rent.amount_eur, 20 * params.passive_fee_eur_per_month * 12)
    (build,) = _flows(ledger, "smart-city passive capex")
    # Every class's passive extra (the masts' too) falls on the PIP in year 0.
    assert build.amount_eur[0] == pytest.approx(70_000.0)
    assert np.allclose(build.amount_eur[1:], 0.0)
    (ports,) = _flows(ledger, "smart-city terminals and ports capex")
    assert ports.amount_eur[0] == pytest.approx(12_000.0)  # the masts' optics are theirs
    (upkeep,) = _flows(ledger, "smart-city passive opex (share of capex)")
    assert np.allclose(upkeep.amount_eur, params.passive_opex_share_of_capex * 70_000.0)


def test_dark_fibre_lease_goes_to_the_passive_owner_and_the_city_runs_its_ports() -> None:
    params = FinanceParams(**FLAT, city_services="dark_fibre")
    for model in MODELS:
        ledger = _ledger(model, params)
        (lease,) = _flows(ledger, "city dark-fibre lease")
        assert (lease.payer, lease.payee) == ("city", MODELS[model].passive)
        assert np.allclose(lease.amount_eur, 200.0 * 30.0)  # EUR/fibre-km/year * fibre-km
        (ports,) = _flows(ledger, "smart-city terminals and ports capex")
        assert ports.payer == "city"
        assert _flows(ledger, "city endpoint fees") == []


def test_city_fees_are_transfers_the_value_chain_does_not_see() -> None:
    low = compare(_capex(), FinanceParams())
    high = compare(_capex(), FinanceParams(city_fee_traffic_signal_eur_per_endpoint_month=400.0))
    for model in MODELS:
        assert high[model].value_chain_npv_eur == pytest.approx(low[model].value_chain_npv_eur)
        assert high[model].npv_eur("city") < low[model].npv_eur("city")


def test_the_value_chain_gains_the_leases_and_pays_the_build() -> None:
    """With every transfer cancelled, the layer's effect on the value chain is its leases
    less its build and upkeep: with no lease and no build it is nothing."""
    rates = {f"{a}_discount_rate": 0.05 for a in ("city", "pip", "np", "value_chain")}
    params = FinanceParams(**FLAT, **rates)
    empty = SmartCityLayer(classes=(SIGNALS.model_copy(update={"passive_eur": 0.0,
                                                               "active_eur": 0.0}),))  # fmt: skip
    rows = smart_city_rows(_capex(empty), params)
    chain = [r for r in rows if r["actor"] == "value chain"]
    assert len(chain) == 4
    assert all(r["effect_eur"] == pytest.approx(0.0, abs=1e-6) for r in chain)
    # The city pays what the seller receives (and the seller pays the PIP its fibre rent).
    sep = {r["actor"]: r for r in rows if r["model"] == "separated"}
    assert sep["city"]["effect_eur"] < 0
    assert sep["NP"]["effect_eur"] + sep["PIP"]["effect_eur"] == pytest.approx(
        -sep["city"]["effect_eur"], rel=1e-9
    )


def test_the_city_paying_the_build_moves_npv_from_city_to_owners_only() -> None:
    network = compare(_capex(), FinanceParams())
    city = compare(_capex(), FinanceParams(city_endpoint_build_paid_by="city"))
    for model in MODELS:
        assert city[model].npv_eur("city") < network[model].npv_eur("city")
        owner = MODELS[model].passive
        assert city[model].npv_eur(owner) > network[model].npv_eur(owner)
        assert city[model].value_chain_npv_eur == pytest.approx(network[model].value_chain_npv_eur)
    roles = smart_city_roles(_capex(), FinanceParams(city_endpoint_build_paid_by="city"))
    assert (
        "city contribution to its endpoints' passive build"
        in roles[("separated", "PIP")]["receives"]
    )
    assert (
        "city contribution to its endpoints' terminals and ports"
        in roles[("separated", "NP")]["receives"]
    )


def test_only_masts_make_no_city_actor() -> None:
    capex = _capex(SmartCityLayer(classes=(MASTS,)))
    result = compare(capex, FinanceParams())
    assert "city" not in result["separated"].actors
    rows = smart_city_rows(capex, FinanceParams())
    pip = next(r for r in rows if r["model"] == "separated" and r["actor"] == "PIP")
    assert pip["receives"] == "small-cell fibre lease"
    assert pip["npv_without_eur"] == pytest.approx(compare(NetworkCapex.example())[
        "separated"].npv_eur("PIP"))  # fmt: skip


def test_none_leaves_the_endpoints_out() -> None:
    plain = compare(NetworkCapex.example(), FinanceParams())
    none = compare(_capex(), FinanceParams(city_services="none"))
    assert none.table() == plain.table()


def test_effect_rows_add_up() -> None:
    rows = smart_city_rows(_capex(), FinanceParams())
    for r in rows:
        assert r["effect_eur"] == pytest.approx(r["npv_eur"] - r["npv_without_eur"])
    city = [r for r in rows if r["actor"] == "city"]
    assert len(city) == 4 and all(r["npv_without_eur"] == 0.0 for r in city)
    assert all("city endpoint fees" in r["pays"] for r in city)


def _summary_block(**extra):
    block = {
        "by_class": [
            {"class": "school", "rule": "pon", "endpoints": 2, "served": 2, "fibres": 2,
             "cost_share_eur": 3000.0, "fibre_km": 1.5, "direct_passive_eur": 1000.0,
             "direct_active_eur": 300.0},
            {"class": "mobile_mast", "rule": "dedicated", "endpoints": 1, "served": 1,
             "fibres": 2, "cost_share_eur": 9000.0, "fibre_km": 3.0,
             "direct_passive_eur": 3000.0, "direct_active_eur": 700.0},
        ],
    }  # fmt: skip
    block.update(extra)
    return block


CITY_LAYERS = {"civil": 100_000.0, "cables": 10_000.0, "splitters": 0.0, "cabinets": 0.0,
               "drops": 20_000.0, "olt": 5_000.0, "ont": 8_000.0}  # fmt: skip


def test_summary_with_a_homes_only_plan_splits_the_extra_build() -> None:
    homes = {**CITY_LAYERS, "civil": 94_000.0, "drops": 17_000.0, "olt": 4_500.0, "ont": 7_500.0}
    layer, base = SmartCityLayer.from_summary(
        _summary_block(homes_only_by_layer=homes), CITY_LAYERS
    )
    assert base == homes
    assert layer.basis == "homes-only plan"
    # What the endpoints add (10,000) is their own lines (5,000) and 5,000 of trench,
    # spread over the classes by their own passive lines (1:3).
    assert layer.total_eur == pytest.approx(sum(CITY_LAYERS.values()) - sum(homes.values()))
    school, mast = layer.classes
    assert school.passive_eur == pytest.approx(1000.0 + 5000.0 * 0.25)
    assert mast.passive_eur == pytest.approx(3000.0 + 5000.0 * 0.75)
    assert (school.active_eur, mast.active_eur) == (300.0, 700.0)


def test_summary_without_a_homes_only_plan_takes_off_the_own_lines() -> None:
    own = {"drops": 4000.0, "olt": 500.0, "ont": 500.0}
    layer, base = SmartCityLayer.from_summary(_summary_block(own_lines_by_layer=own), CITY_LAYERS)
    assert layer.basis == "own lines"
    assert base["drops"] == 16_000.0 and base["olt"] == 4_500.0 and base["civil"] == 100_000.0
    assert layer.total_eur == pytest.approx(5000.0)


def test_city_plan_summary_to_capex() -> None:
    summary = {
        "homes": {"passed": 100},
        "capex_eur": {"by_layer": {k.removesuffix("_eur"): v for k, v in CITY_LAYERS.items()}},
        "endpoints": _summary_block(own_lines_by_layer={"drops": 4000.0, "olt": 1000.0}),
    }
    capex = NetworkCapex.from_summary(summary)
    assert capex.smart_city is not None and len(capex.smart_city.classes) == 2
    assert capex.total_eur + capex.smart_city.total_eur == pytest.approx(sum(CITY_LAYERS.values()))


@pytest.mark.parametrize(
    ("block", "match"),
    [
        ({"by_class": "x"}, "by_class"),
        ([], "by_class"),
        ({"by_class": [{"class": "a", "served": 1, "direct_passive_eur": 1e300}]}, "not an amount"),
        ({"by_class": [{"class": "a", "served": -1}]}, r"by_class\[0\]\.served"),
        ({"by_class": [{"class": "", "served": 1}]}, r"by_class\[0\]\.name"),
    ],
)
def test_bad_endpoint_blocks_are_one_clear_error(block, match) -> None:
    with pytest.raises(FinanceParameterError, match=match) as info:
        SmartCityLayer.from_summary(block, CITY_LAYERS)
    assert len(str(info.value)) < 200


def test_flow_kinds_of_the_layer_are_revenue_for_a_concession() -> None:
    params = FinanceParams(**FLAT, concession_fee_share_of_revenue=0.1)
    with_layer = _ledger("separated", params)
    plain = _ledger("separated", params, NetworkCapex.example())
    (fee,) = _flows(with_layer, "concession fee")
    (base,) = _flows(plain, "concession fee")
    leases = with_layer.income("PIP", [FlowKind.LEASES, FlowKind.CITY_SERVICES])
    rent = _flows(with_layer, "endpoint fibre rent")[0].amount_eur
    assert np.allclose(fee.amount_eur - base.amount_eur, 0.1 * (leases + rent))
