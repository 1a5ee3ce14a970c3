"""Design quality: engine against the exact optimum and the naive baselines."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from fttx_planner.design.planner import plan_district
from fttx_planner.params import DesignParams, OpticalClass
from fttx_planner.plan import Plan
from fttx_planner.quality.bound import lower_bound
from fttx_planner.quality.exact import exact_for_plan
from fttx_planner.quality.naive import naive_for_plan
from fttx_planner.synthetic import grid_district

from ._districts import ONE_STREET_EUR, one_street

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_quality.py"

#: The model the exact reference and the naive baselines share: no joints.
CORE = DesignParams(joints=False)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_district(grid_district(600, irregular=True, seed=2), DesignParams(joints=False))


def test_naive_baselines(plan: Plan) -> None:
    alone = naive_for_plan(plan)
    shared = naive_for_plan(plan, share_trenches=True)
    assert sum(alone.by_layer.values()) == pytest.approx(alone.total_eur)
    # Same splitters, homes and drops; sharing trenches only saves civil works and cables.
    assert alone.n_splitters == shared.n_splitters
    for layer in ("drops", "ont", "olt", "splitters"):
        assert alone.by_layer[layer] == pytest.approx(shared.by_layer[layer])
    assert shared.total_eur < alone.total_eur
    assert shared.trench_m < alone.trench_m
    # The engine beats both, the no-sharing baseline by far.
    assert plan.total_cost_eur < shared.total_eur
    assert plan.total_cost_eur < 0.5 * alone.total_eur


def test_naive_two_stage() -> None:
    p = plan_district(
        grid_district(300, seed=1),
        DesignParams(
            joints=False, split_ratio=64, stage1_ratio=4, optical_class=OpticalClass.C_PLUS
        ),
    )
    r = naive_for_plan(p, share_trenches=True)
    assert r.total_eur > p.total_cost_eur
    assert r.by_layer["olt"] <= p.capex_by_layer()["olt"] * 2


def test_naive_on_a_hand_case() -> None:
    p = plan_district(one_street(), CORE)
    # One cluster, its splitter at the node nearest the houses' centre (the
    # tap at 80 m, 20 m from the centre at 60 m... or the tap at 40 m): the
    # naive design is never cheaper than the optimum.
    assert naive_for_plan(p, share_trenches=True).total_eur >= ONE_STREET_EUR - 1e-6


@pytest.mark.parametrize(("n", "irregular", "seed"), [(40, False, 2), (40, True, 3)])
def test_engine_close_to_optimum(n: int, irregular: bool, seed: int) -> None:
    p = plan_district(
        grid_district(n, irregular=irregular, seed=seed, flats_share=0.0),
        DesignParams(joints=False, olt_x_m=0.0, olt_y_m=0.0),
    )
    r = exact_for_plan(p, time_limit_s=30)
    assert r.optimal
    assert p.total_cost_eur <= 1.01 * r.cost_eur
    assert lower_bound(p) <= r.cost_eur + 1e-6


def test_benchmark_smoke(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_quality", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # dataclasses look their module up
    spec.loader.exec_module(bench)
    d = grid_district(30, seed=1, flats_share=0.0)
    inst = bench.Instance(
        "tiny", "dense grid", d, DesignParams(joints=False, olt_x_m=0.0, olt_y_m=0.0)
    )
    res = bench.run(inst, time_limit=10)
    assert res["exact_status"] == "optimal"
    assert res["engine_eur"] <= res["before_eur"] + 1e-6
    assert res["bound_eur"] <= res["exact_eur"] + 1e-6
    out = tmp_path / "q.md"
    out.write_text("# Quality\n\ntext\n")
    bench.write_markdown(out, bench.tables([res], 10))
    bench.write_markdown(out, bench.tables([res], 10))
    text = out.read_text()
    assert text.count(bench.MARK_BEGIN) == 1 and "| tiny |" in text
    assert text.startswith("# Quality")
    # The trench tree alone: ours no worse than Mehlhorn.
    t = res["trench"]
    assert t["ours_eur"] <= t["mehlhorn_eur"] + 1e-6
    assert np.isfinite(t["bound_eur"])
