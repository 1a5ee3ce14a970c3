"""Chambers: one per distribution point; a closure shares one at its node, else gets its own."""

from __future__ import annotations

import numpy as np
import pytest

from fttx_planner.costing.bom import CABINET_MIN_SPLITTERS
from fttx_planner.design.planner import plan_district
from fttx_planner.params import DesignParams
from fttx_planner.synthetic import grid_district


@pytest.mark.parametrize("seed", [1, 4])
def test_every_closure_and_distribution_point_is_housed_once(seed: int) -> None:
    plan = plan_district(grid_district(600, irregular=True, seed=seed), DesignParams())
    qty = plan.bom.set_index("item")["quantity"]
    chambers = int(qty.get("handhole", 0)) + int(qty.get("pole_mount", 0))
    fdp_nodes = set(plan.fdps["node"].tolist())
    per_site = plan.splitters.groupby("node").size()
    olt = plan.graph.olt_node
    street_sites = {int(x) for x, n in per_site.items() if n < CABINET_MIN_SPLITTERS and x != olt}
    closure_nodes = set(plan.closures["node"].tolist()) | street_sites
    assert len(plan.closures) and street_sites  # the case is exercised
    shared = closure_nodes & fdp_nodes
    assert shared  # some closures sit where a distribution point is
    assert chambers == len(plan.fdps) + len(closure_nodes - fdp_nodes)
    # Without joints there are no chambers at all (the exact reference's model).
    core = plan_district(grid_district(600, irregular=True, seed=seed), DesignParams(joints=False))
    assert "handhole" not in set(core.bom["item"])
    assert np.isclose(
        plan.bom.set_index("item").loc["handhole", "cost_eur"],
        chambers * plan.catalogue.cost("handhole"),
    )
