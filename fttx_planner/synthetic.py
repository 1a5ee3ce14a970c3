"""Synthetic districts: street grids with houses along them.

Used by tests (cases whose optimum is known or easy to reason about) and by
benchmarks (1k to 100k buildings). Deterministic for a given seed.
"""

from __future__ import annotations

import numpy as np
import shapely

from fttx_planner.district import Buildings, District, StreetGraph

#: A metric CRS for synthetic districts (UTM 32N; coordinates are arbitrary).
SYNTHETIC_CRS = "EPSG:32632"


def grid_district(
    n_buildings: int,
    block_m: float = 100.0,
    houses_per_side: int = 5,
    irregular: bool = False,
    flats_share: float = 0.1,
    seed: int = 0,
    name: str | None = None,
) -> District:
    """A square street grid with houses on both sides of every street.

    Parameters
    ----------
    n_buildings
        Approximate number of buildings wanted.
    block_m
        Street spacing in metres.
    houses_per_side
        Houses along each side of each street segment.
    irregular
        Jitter the nodes and remove about 15 % of the streets (keeping the
        grid connected) so the network is not a perfect grid.
    flats_share
        Share of buildings that are apartment blocks (8-24 flats, tagged).
    seed
        Random seed.
    name
        District name.

    Examples
    --------
    >>> d = grid_district(200, seed=1)
    >>> len(d.buildings) >= 200, d.streets.n_edges > 0
    (True, True)
    """
    rng = np.random.default_rng(seed)
    per_edge = 2 * houses_per_side
    # A k x k node grid has 2k(k-1) edges.
    k = 2
    while 2 * k * (k - 1) * per_edge < n_buildings:
        k += 1
    ii, jj = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    node_xy = np.column_stack([jj.ravel(), ii.ravel()]).astype(float) * block_m
    if irregular:
        node_xy += rng.uniform(-0.2, 0.2, node_xy.shape) * block_m
    idx = np.arange(k * k).reshape(k, k)
    horizontal = np.column_stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()])
    vertical = np.column_stack([idx[:-1, :].ravel(), idx[1:, :].ravel()])
    edges = np.vstack([horizontal, vertical])
    if irregular:
        edges = _drop_edges_keep_connected(edges, k * k, 0.15, rng)
    u, v = edges[:, 0], edges[:, 1]
    geoms = shapely.linestrings(np.stack([node_xy[u], node_xy[v]], axis=1))
    length = shapely.length(geoms)
    m = len(u)
    streets = StreetGraph(
        node_xy=node_xy,
        node_osm_id=-1 - np.arange(k * k, dtype=np.int64),
        edge_u=u.astype(np.int64),
        edge_v=v.astype(np.int64),
        edge_length_m=length,
        edge_highway=np.full(m, "residential", dtype=object),
        edge_geometry=geoms,
        edge_trench=np.ones(m, dtype=bool),
    )
    buildings = _houses_along(node_xy, u, v, houses_per_side, n_buildings, flats_share, rng)
    return District(
        name=name or f"Synthetic {'irregular' if irregular else 'grid'} {len(buildings)} buildings",
        crs=SYNTHETIC_CRS,
        streets=streets,
        buildings=buildings,
        olt_xy=None,
        source="synthetic",
        attribution="synthetic data",
    )


def _drop_edges_keep_connected(
    edges: np.ndarray, n_nodes: int, share: float, rng: np.random.Generator
) -> np.ndarray:
    """Remove about ``share`` of the edges while keeping the graph connected."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import minimum_spanning_tree

    weights = rng.uniform(1.0, 2.0, len(edges))
    mat = coo_matrix((weights, (edges[:, 0], edges[:, 1])), shape=(n_nodes, n_nodes)).tocsr()
    tree = minimum_spanning_tree(mat).tocoo()
    in_tree = {(min(a, b), max(a, b)) for a, b in zip(tree.row, tree.col, strict=True)}
    keep = np.array([(min(a, b), max(a, b)) in in_tree or rng.random() > share for a, b in edges])
    return edges[keep]


def _houses_along(
    node_xy: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    per_side: int,
    n_wanted: int,
    flats_share: float,
    rng: np.random.Generator,
) -> Buildings:
    """Square houses set back 12 m from each street, ``per_side`` per side."""
    a, b = node_xy[u], node_xy[v]
    d = b - a
    length = np.hypot(d[:, 0], d[:, 1])
    t_hat = d / length[:, None]
    n_hat = np.column_stack([-t_hat[:, 1], t_hat[:, 0]])
    frac = (np.arange(per_side) + 0.5) / per_side
    centres = []
    for side in (1.0, -1.0):
        c = a[:, None, :] + frac[None, :, None] * d[:, None, :]
        c = c + side * 14.0 * n_hat[:, None, :]
        centres.append(c.reshape(-1, 2))
    xy = np.vstack(centres)
    # Keep houses clear of crossing streets near the nodes.
    order = rng.permutation(len(xy))[: max(n_wanted, 1)]
    order.sort()
    xy = xy[order]
    half = 5.0
    footprint = shapely.box(xy[:, 0] - half, xy[:, 1] - half, xy[:, 0] + half, xy[:, 1] + half)
    n = len(xy)
    is_block = rng.random(n) < flats_share
    flats = np.where(is_block, rng.integers(8, 25, n), np.nan).astype(float)
    kind = np.where(is_block, "apartments", "house").astype(object)
    return Buildings(
        osm_id=np.arange(1, n + 1, dtype=np.int64),
        footprint=footprint,
        building=kind,
        levels=np.where(is_block, 4.0, np.nan),
        flats=flats,
        name=np.array([f"house {i + 1}" for i in range(n)], dtype=object),
    )
