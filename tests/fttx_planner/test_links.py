"""Footways that join separate street networks carry the trench (fttx_planner.osm.links)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from fttx_planner.design.planner import plan_district
from fttx_planner.osm.load import load_osm
from fttx_planner.params import DesignParams


def _house(way_id: int, first_node: int, x: float, y: float) -> tuple[str, str]:
    """Nodes and way of a 10 x 10 house with its lower left corner at (x, y)."""
    corners = [(x, y), (x + 10, y), (x + 10, y + 10), (x, y + 10)]
    nodes = "".join(
        f'<node id="{first_node + k}" lat="{47.0 + cy * 1e-5:.7f}" lon="{9.0 + cx * 1e-5:.7f}"/>'
        for k, (cx, cy) in enumerate(corners)
    )
    refs = "".join(f'<nd ref="{first_node + k}"/>' for k in (0, 1, 2, 3, 0))
    return nodes, f'<way id="{way_id}">{refs}<tag k="building" v="house"/></way>'


def test_a_cycleway_between_two_street_networks_carries_the_trench(tmp_path: Path) -> None:
    # Street A (0-200) and street B (400-600) along y = 0, joined only by a
    # cycleway 200-300-400 with a footway spur up from 300; street C (y = 400)
    # joined to A only by steps. Houses along B and C.
    coords = {1: (0, 0), 2: (200, 0), 3: (300, 0), 4: (400, 0), 5: (600, 0), 6: (300, 80),
              7: (0, 400), 8: (200, 400)}  # fmt: skip
    nodes = "".join(
        f'<node id="{i}" lat="{47.0 + y * 1e-5:.7f}" lon="{9.0 + x * 1e-5:.7f}"/>'
        for i, (x, y) in coords.items()
    )
    ways = (
        '<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>'
        '<way id="2"><nd ref="2"/><nd ref="3"/><nd ref="4"/><tag k="highway" v="cycleway"/></way>'
        '<way id="3"><nd ref="4"/><nd ref="5"/><tag k="highway" v="residential"/></way>'
        '<way id="4"><nd ref="3"/><nd ref="6"/><tag k="highway" v="footway"/></way>'
        '<way id="5"><nd ref="7"/><nd ref="8"/><tag k="highway" v="residential"/></way>'
        '<way id="6"><nd ref="1"/><nd ref="7"/><tag k="highway" v="steps"/></way>'
    )
    for k, x in enumerate((430, 480, 530)):
        n, w = _house(100 + k, 1000 + 10 * k, x, 8)
        nodes, ways = nodes + n, ways + w
    for k, x in enumerate((30, 90)):
        n, w = _house(200 + k, 2000 + 10 * k, x, 408)
        nodes, ways = nodes + n, ways + w
    path = tmp_path / "links.osm"
    path.write_text(f'<?xml version="1.0"?><osm version="0.6">{nodes}{ways}</osm>', "utf-8")
    d = load_osm(path)
    s = d.streets
    trench_by_class = {
        hw: sorted(set(s.edge_trench[s.edge_highway == hw].tolist()))
        for hw in ("residential", "cycleway", "footway", "steps")
    }
    # The cycleway link carries the trench; the spur and the steps do not.
    assert trench_by_class == {
        "residential": [True], "cycleway": [True], "footway": [False], "steps": [False]
    }  # fmt: skip
    a0, b0 = d.streets.node_xy[np.argmin(d.streets.node_xy[:, 0] + d.streets.node_xy[:, 1])]
    plan = plan_district(d, DesignParams(olt_x_m=float(a0), olt_y_m=float(b0)))
    served = plan.access.node >= 0
    # B's houses are reached along the cycleway, with short drops; C's are not
    # (steps carry no trench).
    b_houses = d.buildings.osm_id < 200
    assert served[b_houses].all()
    assert (plan.access.drop_m[b_houses] < 20).all()
    assert not served[~b_houses].any()
    assert set(plan.access.reason[~b_houses]) == {
        "its street is not connected to the OLT's street network"
    }
