"""The architecture comparison: GPON, XGS-PON and point-to-point on the same district."""

from __future__ import annotations

import json

import numpy as np
import pytest

from fttx_planner.cli import main
from fttx_planner.endpoints.architectures import load_architectures
from fttx_planner.endpoints.compare import compare_architectures, design_architecture
from fttx_planner.params import DesignParams
from fttx_planner.synthetic import grid_district
from tests.fttx_planner._districts import one_street


@pytest.fixture(scope="module")
def designs() -> dict[str, object]:
    return {d.architecture.name: d for d in compare_architectures(grid_district(150))}


def test_every_architecture_serves_the_same_premises(designs: dict) -> None:
    passed = {n: d.row["homes_passed"] for n, d in designs.items()}
    assert len(set(passed.values())) == 1, passed
    assert set(passed) == set(load_architectures())


def test_p2p_has_no_splitter_and_one_co_port_per_premise(designs: dict) -> None:
    p2p = designs["p2p_ethernet"]
    assert len(p2p.plan.splitters) == 0
    assert p2p.row["splitters"] == 0
    assert p2p.row["co_ports"] == p2p.plan.homes_passed
    assert not p2p.bom["item"].str.startswith("splitter_").any()
    # Every premise's fibre reaches the OLT: the fibres on the OLT's edges and the
    # premises whose drops leave at the OLT's own node add up to the premises.
    plan = p2p.plan
    g = plan.graph
    c = plan.cables
    at_olt = (g.edge_u[c["edge"]] == g.olt_node) | (g.edge_v[c["edge"]] == g.olt_node)
    b = plan.buildings[plan.buildings["served"]]
    drop_node = np.where(b["fdp_node"] >= 0, b["fdp_node"], plan.access.node[b["building"]])
    local = int(b.loc[drop_node == g.olt_node, "homes"].sum())
    assert int(c.loc[at_olt, "fibres"].sum()) + local == plan.homes_passed


def test_p2p_needs_more_fibre_and_ports_than_any_pon(designs: dict) -> None:
    p2p = designs["p2p_ethernet"].row
    for name, d in designs.items():
        if name == "p2p_ethernet":
            continue
        assert p2p["fibre_km"] >= d.row["fibre_km"], name
        assert p2p["co_ports"] > d.row["co_ports"], name
        assert p2p["max_fibres_per_edge"] >= d.row["max_fibres_per_edge"], name
        assert p2p["co_rack_units"] >= d.row["co_rack_units"], name


def test_trench_metres_are_the_same_order_of_magnitude(designs: dict) -> None:
    km = np.array([d.row["trench_km"] for d in designs.values()])
    assert km.min() > 0
    assert km.max() / km.min() < 2.0, km


def test_pon_loss_classes_are_honoured(designs: dict) -> None:
    for d in designs.values():
        r = d.row
        assert r["max_loss_db"] <= r["budget_db"] + 1e-9, r["architecture"]
        assert r["margin_db"] >= 0
        if d.architecture.technology == "XGS-PON":
            assert r["min_loss_db_design"] >= r["min_loss_db"], r["architecture"]
            assert r["loss_class"] in ("N1", "N2", "E1")


def test_xgs_classes_reach_further_with_a_larger_budget() -> None:
    """A class with a larger budget leaves a larger margin on the same split."""
    archs = load_architectures()
    params = DesignParams()
    d = grid_district(60)
    n2 = design_architecture(d, archs["xgspon_n2"], params)
    assert n2.row["budget_db"] == 31.0
    # The planning constraint of N2 is fixed loss + fibre <= 31 dB: its loss with the
    # margin shift removed is within 31 dB and the shift is the class difference to C+.
    assert n2.row["margin_shift_db"] == pytest.approx(1.0)
    assert n2.plan.params.safety_margin_db == pytest.approx(params.safety_margin_db + 1.0)


def test_capex_layers_add_up(designs: dict) -> None:
    for d in designs.values():
        r = d.row
        layers = sum(v for k, v in r.items() if k.startswith("capex_") and k != "capex_total_eur")
        assert layers == pytest.approx(r["capex_total_eur"])
        assert r["per_premise_eur"] == pytest.approx(r["capex_total_eur"] / r["homes_passed"])


def test_p2p_fibre_counts_by_hand() -> None:
    """One street, OLT at 0 m, houses tapped at 40 m and 80 m, no joints.

    Point-to-point: the first 40 m carry both houses' fibres, the next 40 m one:
    0.04 km * 2 + 0.04 km * 1 = 0.12 fibre-km, two switch ports, no splitter.
    """
    arch = load_architectures()["p2p_ethernet"]
    d = design_architecture(one_street(), arch, DesignParams(joints=False))
    c = d.plan.cables.sort_values("length_m")
    assert sorted(c["fibres"].tolist()) == [1, 2]
    assert d.row["fibre_km"] == pytest.approx(0.12)
    assert d.row["co_ports"] == 2
    assert d.row["splitters"] == 0
    # Loss of the far house: 89 m of fibre, 6 splices, 4 connectors (no splitter).
    assert d.row["max_loss_db"] == pytest.approx(0.35 * 0.089 + 6 * 0.1 + 4 * 0.5)


def test_compare_cli_writes_csv_and_json(tmp_path, capsys) -> None:
    out = tmp_path / "cmp"
    code = main(
        ["compare", "liechtenstein_balzers", "--out", str(out), "--quiet",
         "--architectures", "gpon_b_plus", "p2p_ethernet"]
    )  # fmt: skip
    assert code == 0
    doc = json.loads((out / "comparison.json").read_text())
    names = [a["architecture"] for a in doc["architectures"]]
    assert names == ["gpon_b_plus", "p2p_ethernet"]
    gpon, p2p = doc["architectures"]
    assert p2p["fibre_km"] > gpon["fibre_km"]
    assert (out / "comparison.csv").read_text().count("\n") == 3
    assert "p2p_ethernet" in capsys.readouterr().out


def test_compare_cli_unknown_architecture_is_one_line(tmp_path, capsys) -> None:
    code = main(["compare", "liechtenstein_balzers", "--out", str(tmp_path), "--quiet",
                 "--architectures", "token_ring"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: Unknown architecture") and "\n" not in err


def test_compare_brownfield_needs_its_layer(tmp_path, capsys) -> None:
    code = main(["compare", "liechtenstein_balzers", "--out", str(tmp_path), "--quiet",
                 "--deployment", "brownfield"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert "--infra" in err and "\n" not in err
