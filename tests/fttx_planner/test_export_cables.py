"""Cables exported as laid: one feature per cable run between two joints."""

from __future__ import annotations

from collections import Counter
from functools import cache

import numpy as np
import pandas as pd
import pytest
import shapely

from fttx_planner.export import plan_layers
from fttx_planner.params import DesignParams
from fttx_planner.pipeline import run_plan
from fttx_planner.plan import Plan
from fttx_planner.synthetic import grid_district


@cache
def _planned(stage1_ratio: int, joints: bool) -> tuple[Plan, pd.DataFrame]:
    district = grid_district(300, irregular=True, seed=5)
    params = DesignParams(split_ratio=64, stage1_ratio=stage1_ratio, joints=joints)
    plan = run_plan(district, params=params)
    return plan, plan_layers(plan, wgs84=False)["cables"]


@pytest.fixture(
    scope="module",
    params=[(1, True), (4, True), (4, False)],
    ids=["one-stage", "two-stage", "two-stage-no-joints"],
)
def planned(request: pytest.FixtureRequest) -> tuple[Plan, pd.DataFrame]:
    return _planned(*request.param)


@pytest.fixture
def plan(planned: tuple[Plan, pd.DataFrame]) -> Plan:
    return planned[0]


@pytest.fixture
def runs(planned: tuple[Plan, pd.DataFrame]) -> pd.DataFrame:
    return planned[1]


def test_runs_join_street_segments(plan: Plan, runs: pd.DataFrame) -> None:
    assert len(runs) < len(plan.cables) / 2
    assert (runs["segments"] > 1).any()
    for layer in ("feeder", "distribution"):
        sel = plan.cables["layer"] == layer
        mine = runs["layer"] == layer
        # Every segment is in exactly one run; no metre is lost or counted twice.
        assert runs.loc[mine, "segments"].sum() == sel.sum()
        assert runs.loc[mine, "length_m"].sum() == pytest.approx(
            plan.cables.loc[sel, "length_m"].sum()
        )
        assert runs.loc[mine, "cost_eur"].sum() == pytest.approx(
            plan.cables.loc[sel, "cost_eur"].sum()
        )


def test_each_run_is_one_unbroken_line(runs: pd.DataFrame) -> None:
    geoms = runs.geometry.to_numpy()
    assert (shapely.get_type_id(geoms) == 1).all()  # LineString, not MultiLineString
    np.testing.assert_allclose(shapely.length(geoms), runs["length_m"], rtol=1e-6, atol=1e-6)


def test_ids_sizes_and_joints(plan: Plan, runs: pd.DataFrame) -> None:
    assert runs["cable_id"].is_unique
    assert runs["cable_id"].str.fullmatch(r"[FD]-\d{4}").all()
    assert (runs["cable_id"].str[0] == runs["layer"].str[0].str.upper()).all()
    capacity = runs["cable_size"].map(lambda s: sum(int(x) for x in s.split("+")))
    assert (capacity == runs["capacity_fibres"]).all()
    assert (runs["fibres"] <= runs["capacity_fibres"]).all() and (runs["fibres"] > 0).all()
    labels = set(plan.splitters["label"])
    joints = pd.concat([runs["from_joint"], runs["to_joint"]])
    kinds = ("J", "FDP-", "end ")
    assert joints.map(lambda j: j == "OLT" or j in labels or j.startswith(kinds)).all()
    # A run starts at the OLT, a splitter or a closure, never at a loose end.
    assert runs["from_joint"].map(lambda j: j == "OLT" or j in labels or j[0] == "J").all()
    # Feeder leaves the OLT; distribution starts at splitters.
    assert "OLT" in set(runs.loc[runs["layer"] == "feeder", "from_joint"])
    assert runs.loc[runs["layer"] == "distribution", "from_joint"].map(lambda j: j in labels).any()
    # Runs start at the OLT end: the first feeder run's line begins at the OLT.
    olt = plan.graph.node_xy[plan.graph.olt_node]
    first = runs.loc[runs["from_joint"] == "OLT"].geometry.iloc[0]
    assert np.hypot(*(np.asarray(first.coords[0]) - olt)) < 1e-6


@pytest.mark.parametrize("stage1_ratio", [1, 4])
def test_runs_are_the_designs_cables(stage1_ratio: int) -> None:
    """With joints, each run is one cable of the design, ending at its closures."""
    plan, runs = _planned(stage1_ratio, True)
    assert len(runs) == plan.cables["cable_id"].nunique()
    closures = {f"J{int(n)}" for n in plan.closures["node"]}
    used = {j for j in pd.concat([runs["from_joint"], runs["to_joint"]]) if j.startswith("J")}
    assert used <= closures
    # Every branch closure starts at least one run (the branch cable).
    branch = plan.closures.loc[plan.closures["kind"].str.contains("branch"), "node"]
    assert {f"J{int(n)}" for n in branch} <= set(runs["from_joint"])


def test_without_joints_runs_break_only_at_branches_and_size_changes() -> None:
    """A closure ``J<node>`` is a branch of the layer or a change of cable size."""
    plan, runs = _planned(4, False)
    g = plan.graph
    for layer in ("feeder", "distribution"):
        c = plan.cables.loc[plan.cables["layer"] == layer]
        ends = np.concatenate([g.edge_u[c["edge"]], g.edge_v[c["edge"]]])
        degree = Counter(ends.tolist())
        sizes: dict[int, set[str]] = {}
        for e, s in zip(c["edge"], c["sizes"], strict=True):
            for node in (int(g.edge_u[e]), int(g.edge_v[e])):
                sizes.setdefault(node, set()).add(str(s))
        mine = runs.loc[runs["layer"] == layer]
        for joint in pd.concat([mine["from_joint"], mine["to_joint"]]):
            if joint.startswith("J"):
                node = int(joint[1:])
                assert degree[node] != 2 or len(sizes[node]) == 2, (layer, joint)
