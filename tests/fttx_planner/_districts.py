"""Tiny hand-made districts whose optimal designs are known by hand."""

from __future__ import annotations

import numpy as np
import shapely

from fttx_planner.district import Buildings, District, StreetGraph


def hand_district(
    nodes: list[tuple[float, float]],
    edges: list[tuple[int, int]],
    houses: list[tuple[float, float]],
    highway: str = "residential",
) -> District:
    """Straight streets between ``nodes`` and 10 m square houses centred at ``houses``."""
    xy = np.array(nodes, dtype=float)
    u = np.array([a for a, _ in edges], dtype=np.int64)
    v = np.array([b for _, b in edges], dtype=np.int64)
    geoms = shapely.linestrings(np.stack([xy[u], xy[v]], axis=1))
    m = len(edges)
    streets = StreetGraph(
        node_xy=xy,
        node_osm_id=-1 - np.arange(len(nodes), dtype=np.int64),
        edge_u=u,
        edge_v=v,
        edge_length_m=shapely.length(geoms),
        edge_highway=np.full(m, highway, dtype=object),
        edge_geometry=geoms,
        edge_trench=np.ones(m, dtype=bool),
    )
    c = np.array(houses, dtype=float)
    k = len(houses)
    buildings = Buildings(
        osm_id=np.arange(1, k + 1, dtype=np.int64),
        footprint=shapely.box(c[:, 0] - 5, c[:, 1] - 5, c[:, 0] + 5, c[:, 1] + 5),
        building=np.full(k, "house", dtype=object),
        levels=np.full(k, np.nan),
        flats=np.full(k, np.nan),
        name=np.array([f"house {i}" for i in range(k)], dtype=object),
    )
    return District(
        name="hand-made",
        crs="EPSG:32632",
        streets=streets,
        buildings=buildings,
        olt_xy=(nodes[0][0], nodes[0][1]),
        source="test",
    )


def one_street() -> District:
    """A 100 m street, OLT at its start, houses tapped at 40 m and 80 m (drops of 9 m)."""
    return hand_district([(0.0, 0.0), (100.0, 0.0)], [(0, 1)], [(40.0, 14.0), (80.0, 14.0)])


#: Optimal cost of :func:`one_street` without joints (``joints=False``, the model of
#: the exact reference) with the default catalogue, 1:32 class B+:
#: 80 m footway trench (49 EUR/m), one 12-fibre cable along it (1.2 + 1.5 EUR/m),
#: one 1:32 splitter (150) with two splices (24) in a closure (350), one OLT port
#: (optic 60, line card 4000, chassis 15000), and per building / home: drop cable
#: 9 m (1 EUR/m), drop installation 250, building entry 60, home connection 120,
#: ONT 80, ONT installation 40, two splices 24.
#: The same with distribution points and joints (the default): one distribution
#: point (180) in a chamber (450) at the splitter site serves both houses (their
#: taps 40 m and 80 m along the street, within its 100 m reach), so no
#: distribution cable is laid: the drops run 40 m and 80 m down the trench.
ONE_STREET_JOINTS_EUR = (
    80 * 49
    + 150
    + 24
    + 350
    + 60
    + 4000
    + 15000
    + 2 * (9 * 1 + 250 + 60 + 120 + 80 + 40 + 24)
    + (40 + 80) * 1
    + 180
    + 450
)
ONE_STREET_EUR = (
    80 * 49
    + 80 * 2.7
    + 150
    + 24
    + 350
    + 60
    + 4000
    + 15000
    + 2 * (9 * 1 + 250 + 60 + 120 + 80 + 40 + 24)
)
