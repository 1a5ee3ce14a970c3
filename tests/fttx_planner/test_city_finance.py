"""The planner's outputs in the finance models: a city plan's endpoints, the architectures."""

from __future__ import annotations

import numpy as np
import pytest

from fttx_planner.endpoints.architectures import load_architectures
from fttx_planner.endpoints.compare import (
    architecture_finance_of,
    compare_architectures,
    design_architecture,
)
from fttx_planner.endpoints.planning import plan_city
from fttx_planner.endpoints.points import Endpoints
from fttx_planner.params import DesignParams
from fttx_planner.synthetic import grid_district
from models import FinanceParams, NetworkCapex, compare
from models.cityeffect import smart_city_rows
from tests.fttx_planner._districts import hand_district, one_street

NO_JOINTS = DesignParams(joints=False)


def _points(*rows: tuple[float, float, str]) -> Endpoints:
    return Endpoints(
        xy=np.array([(x, y) for x, y, _ in rows], dtype=float),
        cls=np.array([c for _, _, c in rows], dtype=object),
        osm_id=np.array([f"test:{i}" for i in range(len(rows))], dtype=object),
        name=np.array(["" for _ in rows], dtype=object),
    )


@pytest.fixture(scope="module")
def city():
    """One street with a signal at its end (dedicated) and a school (PON)."""
    pts = _points((95.0, 3.0, "traffic_signal"), (60.0, -14.0, "school"))
    return plan_city(one_street(), pts, NO_JOINTS, homes_only=True)


def test_city_summary_feeds_the_smart_city_layer(city) -> None:
    summary = city.summary()
    capex = NetworkCapex.from_summary(summary)
    layer = capex.smart_city
    assert layer is not None and layer.basis == "homes-only plan"
    # The homes' network is the homes-only plan; the layer is what the endpoints add.
    assert capex.total_eur == pytest.approx(city.homes_only_eur)
    assert capex.total_eur + layer.total_eur == pytest.approx(summary["capex_eur"]["total"])
    by_class = {c.name: c for c in layer.classes}
    assert set(by_class) == {"traffic_signal", "school"}
    e = city.endpoints.set_index("class")
    signal = by_class["traffic_signal"]
    assert signal.served == 1 and signal.fibres == 1
    assert signal.fibre_km == pytest.approx(e.loc["traffic_signal", "path_m"] / 1000)
    # Own lines: the signal's terminal and office port are active, its drop passive.
    own = city.bom[city.bom["item"].str.endswith(":traffic_signal")]
    active = own.loc[own["layer"].isin(["olt", "ont"]), "cost_eur"].sum()
    assert signal.active_eur == pytest.approx(active)


def test_city_plan_in_every_ownership_model(city) -> None:
    capex = NetworkCapex.from_summary(city.summary())
    rows = smart_city_rows(capex, FinanceParams())
    city_rows = [r for r in rows if r["actor"] == "city"]
    assert len(city_rows) == 4
    # 40 EUR a month for the signal, 150 for the school, over 20 years at the city's 4 %.
    for r in city_rows:
        assert r["npv_eur"] < -(40 + 150) * 12 * 10
    sellers = {r["model"]: r["actor"] for r in rows if "city endpoint fees" in r["receives"]}
    assert sellers == {"verticalized": "operator", "passive_shared": "SP1",
                       "active_shared": "PIP+NP", "separated": "NP"}  # fmt: skip


def test_p2p_fibre_count_by_hand_on_a_t_junction() -> None:
    """OLT at (0, 0); a street east to (100, 0) that forks north to (100, 100) and east to
    (200, 0); houses tapped at 40 and 80 m on the first street, at 40 and 80 m up the
    north branch and 50 m along the east one (no joints).

    Home-run fibres per cable section: 0-40 m all 5, 40-80 m 4, 80-100 m 3, north
    0-40 m 2 and 40-80 m 1, east 0-50 m 1:
    40*5 + 40*4 + 20*3 + 40*2 + 40*1 + 50*1 = 590 fibre-m = 0.59 fibre-km;
    5 switch ports, no splitter, every section a 12-fibre cable (230 m).
    """
    d = hand_district(
        [(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (200.0, 0.0)],
        [(0, 1), (1, 2), (1, 3)],
        [(40.0, 14.0), (80.0, 14.0), (114.0, 40.0), (114.0, 80.0), (150.0, 14.0)],
    )
    p2p = design_architecture(d, load_architectures()["p2p_ethernet"], NO_JOINTS)
    c = p2p.plan.cables
    assert sorted(zip(c["length_m"].round(1), c["fibres"], strict=True)) == [
        (20.0, 3), (40.0, 1), (40.0, 2), (40.0, 4), (40.0, 5), (50.0, 1)
    ]  # fmt: skip
    assert p2p.row["fibre_km"] == pytest.approx(0.59)
    assert p2p.row["co_ports"] == 5 and p2p.row["splitters"] == 0
    assert p2p.row["cable_m_by_size"] == {"12f": 230.0}
    # GPON on five homes: one splitter, one office port; its drop-side fibres follow
    # the same tree, so it carries no more fibre than point-to-point.
    gpon = design_architecture(d, load_architectures()["gpon_b_plus"], NO_JOINTS)
    assert gpon.row["co_ports"] == 1
    assert gpon.row["fibre_km"] <= p2p.row["fibre_km"]


def test_architectures_in_finance() -> None:
    designs = compare_architectures(grid_district(150), names=["gpon_b_plus", "p2p_ethernet"])
    result = architecture_finance_of(designs, FinanceParams(), "grid")
    rows = {(r["architecture"], r["model"], r["actor"]): r for r in result.table()}
    gpon = rows[("gpon_b_plus", "separated", "NP")]
    p2p = rows[("p2p_ethernet", "separated", "NP")]
    by_name = {d.architecture.name: d.row for d in designs}
    assert p2p["office_ports"] == by_name["p2p_ethernet"]["homes_passed"]
    assert gpon["per_premise_eur"] == pytest.approx(by_name["gpon_b_plus"]["per_premise_eur"])
    assert p2p["office_opex_eur_per_year"] > gpon["office_opex_eur_per_year"]
    assert p2p["npv_eur"] < gpon["npv_eur"]
    assert result.capex["p2p_ethernet"].label == "grid: p2p_ethernet"
    alone = compare(result.capex["gpon_b_plus"])
    assert gpon["npv_eur"] == pytest.approx(alone["separated"].npv_eur("NP"))


def test_finance_cli_on_a_city_plan(city, tmp_path, capsys) -> None:
    import argparse
    import csv
    import json

    from models.cli import add_finance_arguments, run_finance

    plan = tmp_path / "plan"
    plan.mkdir()
    (plan / "summary.json").write_text(json.dumps(city.summary()))
    parser = argparse.ArgumentParser()
    add_finance_arguments(parser)
    out = tmp_path / "fin"
    args = parser.parse_args(["--plan", str(plan), "--out", str(out), "--draws", "20",
                              "--no-charts"])  # fmt: skip
    assert run_finance(args) == 0
    assert "Smart-city layer: 2 endpoints served in 2 classes" in capsys.readouterr().out
    with (out / "smart_city.csv").open() as f:
        rows = list(csv.DictReader(f))
    city_rows = [r for r in rows if r["actor"] == "city"]
    assert len(city_rows) == 4
    assert all(float(r["npv_without_eur"]) == 0.0 for r in city_rows)
    for r in rows:
        assert float(r["effect_eur"]) == pytest.approx(
            float(r["npv_eur"]) - float(r["npv_without_eur"]), abs=1e-3
        )
