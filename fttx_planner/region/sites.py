"""Central offices (OLT sites): read from a layer the user gives, or chosen by the engine.

A central office (CO, or POP) houses the OLT of one service area. The user
may give the sites (a point layer: GeoJSON, GeoPackage or CSV, or
coordinates); otherwise :func:`choose_central_offices` chooses how many and
where, on the street network:

* the count is the smallest that keeps every service area within the
  largest area size (``max_area_homes``) and every home within the fibre
  reach the loss budget and the logical reach allow, then grows while one
  more CO costs less (:func:`co_cost_eur`: building or cabinet, power, OLT
  chassis, from the catalogue) than the feeder fibre it saves;
* the places are weighted k-medians on the street graph: sites seeded by
  k-means++ on the homes, then moved to the street node nearest the homes'
  centre of their network service area until they settle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from scipy.sparse.csgraph import connected_components, dijkstra

from fttx_planner._errors import FttxError
from fttx_planner.catalogue import Catalogue
from fttx_planner.district import District
from fttx_planner.network.sparse import symmetric_matrix
from fttx_planner.params import CABLE_SIZES, DesignParams

#: Items priced for each central office (catalogue names): the building or
#: outdoor cabinet, its power supply, and the OLT chassis it needs at least.
CO_ITEMS = ("co_site", "co_power", "olt_chassis")
#: Largest service area in homes when the engine chooses the sites: one OLT
#: chassis of 16 cards x 16 PON ports at 1:64 serves 16,384 homes; two
#: chassis per site is a common CO size (and an area of this size plans in
#: well under a minute on one core).
MAX_AREA_HOMES = 30_000
#: A street network part with fewer homes gets no CO of its own (its homes
#: are reported unserved): a CO costs as much as several hundred drops.
MIN_CO_HOMES = 200
#: Lloyd iterations of the k-medians placement at most.
PLACEMENT_ROUNDS = 8


class SitesError(FttxError):
    """A central-office layer or site is invalid."""


@dataclass(frozen=True)
class CentralOffice:
    """One central office (OLT site) in the district's metric CRS.

    Attributes
    ----------
    name
        Display name (``"CO 1"`` when the engine chose it).
    x_m, y_m
        Position in metres.
    chosen
        ``True`` when the engine chose the site, ``False`` when the user gave it.
    """

    name: str
    x_m: float
    y_m: float
    chosen: bool = False

    @property
    def xy(self) -> tuple[float, float]:
        """``(x_m, y_m)``."""
        return (self.x_m, self.y_m)


def co_cost_eur(catalogue: Catalogue) -> float:
    """Cost of opening one central office: the :data:`CO_ITEMS` once each.

    Examples
    --------
    >>> co_cost_eur(Catalogue.default()) > Catalogue.default().cost("olt_chassis")
    True
    """
    return float(sum(catalogue.cost(item) for item in CO_ITEMS))


def load_central_offices(path: str | Path, crs: str) -> list[CentralOffice]:
    """Central offices from a point layer, in the metric CRS ``crs``.

    GeoJSON and GeoPackage layers are transformed from their own CRS; a CSV
    needs ``lon,lat`` (WGS84) or ``x,y`` (metres in ``crs``) columns. A
    ``name`` column names the sites.

    Raises
    ------
    SitesError
        Missing file, no points, or a CSV without coordinate columns.
    """
    p = Path(path)
    if not p.is_file():
        msg = f"Central-office layer {p} does not exist."
        raise SitesError(msg)
    if p.suffix.lower() == ".csv":
        xy, names = _csv_points(p, crs)
    else:
        import geopandas as gpd

        try:
            gdf = gpd.read_file(p)
        except Exception as exc:  # pyogrio raises its own error types
            msg = f"Central-office layer {p}: cannot read it ({exc})."
            raise SitesError(msg) from None
        if gdf.crs is None:
            msg = f"Central-office layer {p} has no CRS."
            raise SitesError(msg)
        gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
        gdf = gdf.to_crs(crs)
        pts = shapely.point_on_surface(np.asarray(gdf.geometry.values))
        xy = shapely.get_coordinates(pts)
        names = [str(v) for v in gdf["name"]] if "name" in gdf.columns else []
    if len(xy) == 0:
        msg = f"Central-office layer {p} holds no point."
        raise SitesError(msg)
    if not names:
        names = [f"CO {i + 1}" for i in range(len(xy))]
    return [
        CentralOffice(name=n, x_m=float(x), y_m=float(y))
        for n, (x, y) in zip(names, xy, strict=True)
    ]


def _csv_points(path: Path, crs: str) -> tuple[np.ndarray, list[str]]:
    import pandas as pd
    from pyproj import Transformer

    try:
        df = pd.read_csv(path)
    except (ValueError, OSError) as exc:
        msg = f"Central-office layer {path}: cannot read it as CSV ({exc})."
        raise SitesError(msg) from None
    cols = {c.lower().strip(): c for c in df.columns}
    names = [str(v) for v in df[cols["name"]]] if "name" in cols else []
    for a, b in (("lon", "lat"), ("x", "y")):
        if a in cols and b in cols:
            vals = df[[cols[a], cols[b]]].apply(pd.to_numeric, errors="coerce")
            bad = vals.isna().any(axis=1)
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
                msg = f"Central-office layer {path}, line {row}: {a}/{b} is not a number."
                raise SitesError(msg)
            xy = vals.to_numpy(dtype=float)
            if a == "lon":
                t = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
                xy = np.column_stack(t.transform(xy[:, 0], xy[:, 1]))
            return xy, names
    msg = f"Central-office layer {path} needs lon,lat (WGS84) or x,y (metres) columns."
    raise SitesError(msg)


# -- engine's choice ---------------------------------------------------------------


@dataclass(frozen=True)
class _StreetNodes:
    """Trenchable street graph with homes gathered on its nodes."""

    matrix: object
    xy: np.ndarray
    weight: np.ndarray
    component: np.ndarray


def _street_nodes(district: District, homes: np.ndarray) -> _StreetNodes:
    s = district.streets
    ok = s.edge_trench & (s.edge_length_m > 0) & (s.edge_u != s.edge_v)
    mat = symmetric_matrix(
        s.n_nodes, s.edge_u[ok], s.edge_v[ok], np.maximum(s.edge_length_m[ok], 1e-6)
    )
    _, comp = connected_components(mat, directed=False)
    weight = np.zeros(s.n_nodes)
    has = np.flatnonzero(homes > 0)
    if len(has) and ok.any():
        edges = np.flatnonzero(ok)
        tree = shapely.STRtree(s.edge_geometry[edges])
        pts = shapely.points(district.buildings.centroid_xy[has])
        pairs = tree.query_nearest(pts, all_matches=False)
        e = edges[pairs[1]]
        b = has[pairs[0]]
        du = np.hypot(*(s.node_xy[s.edge_u[e]] - district.buildings.centroid_xy[b]).T)
        dv = np.hypot(*(s.node_xy[s.edge_v[e]] - district.buildings.centroid_xy[b]).T)
        node = np.where(du <= dv, s.edge_u[e], s.edge_v[e])
        np.add.at(weight, node, homes[b])
    return _StreetNodes(matrix=mat, xy=s.node_xy, weight=weight, component=comp)


def choose_central_offices(
    district: District,
    homes: np.ndarray,
    params: DesignParams,
    catalogue: Catalogue,
    count: int | None = None,
    max_area_homes: int = MAX_AREA_HOMES,
    seed: int = 0,
) -> list[CentralOffice]:
    """Choose the number and the places of the central offices.

    Parameters
    ----------
    district
        The region (or one part of it).
    homes
        Homes per building.
    params
        Design parameters: the fibre reach (:attr:`DesignParams.max_fibre_m`)
        bounds the network distance from a CO to its homes.
    catalogue
        Prices of a CO (:func:`co_cost_eur`) and of feeder fibre.
    count
        A fixed number of COs; ``None`` lets the engine choose it.
    max_area_homes
        Largest service area in homes when the engine chooses the count.
    seed
        Seed of the k-means++ start (the result is deterministic for a seed).

    Returns
    -------
    list of CentralOffice
        At least one site on every street network part with
        :data:`MIN_CO_HOMES` homes or more.
    """
    if count is not None and count < 1:
        msg = f"The number of central offices must be at least 1, got {count}."
        raise SitesError(msg)
    net = _street_nodes(district, homes)
    total = float(net.weight.sum())
    if total <= 0:
        msg = f"{district.name}: no building with homes near a street that can carry fibre."
        raise SitesError(msg)
    comp_w = np.bincount(net.component, weights=net.weight)
    parts = [int(c) for c in np.argsort(-comp_w) if comp_w[c] >= MIN_CO_HOMES]
    if not parts:
        parts = [int(np.argmax(comp_w))]
    rng = np.random.default_rng(seed)
    per_m = _feeder_eur_per_home_m(params, catalogue)
    co_eur = co_cost_eur(catalogue)
    sites: list[int] = []
    if count is not None:
        shares = _apportion(count, comp_w[parts]) if count >= len(parts) else [1] * count
        for c, k in zip(parts, shares, strict=False):
            sites += _place(net, c, k, rng)[0]
    else:
        for c in parts:
            sites += _choose_in_part(net, c, params, max_area_homes, per_m, co_eur, rng)
    return [
        CentralOffice(name=f"CO {i + 1}", x_m=float(net.xy[n, 0]), y_m=float(net.xy[n, 1]),
                      chosen=True)
        for i, n in enumerate(sites)
    ]  # fmt: skip


def _apportion(count: int, weights: np.ndarray) -> list[int]:
    """``count`` split over parts in proportion to ``weights``, each at least 1."""
    k = np.ones(len(weights), dtype=np.int64)
    for _ in range(count - len(weights)):
        k[int(np.argmax(weights / k))] += 1
    return k.tolist()


def _feeder_eur_per_home_m(params: DesignParams, catalogue: Catalogue) -> float:
    """Feeder cost per home and metre from the CO: one fibre per OLT port's
    splitter tree, in the largest standard cable, shared by its homes."""
    big = max(CABLE_SIZES)
    per_fibre_m = (catalogue.cost(f"cable_{big}f") + catalogue.cost("cable_install")) / big
    homes_per_port = params.split_ratio
    return per_fibre_m / homes_per_port


def _choose_in_part(
    net: _StreetNodes,
    comp: int,
    params: DesignParams,
    max_area_homes: int,
    per_m: float,
    co_eur: float,
    rng: np.random.Generator,
) -> list[int]:
    """Sites of one street network part: the feasible count, grown while it pays."""
    in_part = net.component == comp
    homes = float(net.weight[in_part].sum())
    k = max(1, math.ceil(homes / max_area_homes))
    n_part = int((in_part & (net.weight > 0)).sum())
    best: list[int] | None = None
    best_eur = math.inf
    while k <= max(n_part, 1):
        sites, dist, load = _place(net, comp, k, rng)
        feasible = dist.max() <= params.max_fibre_m and load.max() <= max_area_homes
        if not feasible:
            if best is not None:
                break
            # Grow by a tenth at least: a sprawling part may need many sites.
            k = max(k + 1, math.ceil(k * 1.1))
            continue
        eur = k * co_eur + per_m * float((net.weight[in_part & (net.weight > 0)] * dist).sum())
        if eur >= best_eur:
            break
        best, best_eur = sites, eur
        k += 1
    if best is None:
        # Not every home is within reach even with a CO per home node: keep
        # the last placement; the homes out of reach are reported unserved.
        best = sites
    return best


def _place(
    net: _StreetNodes, comp: int, k: int, rng: np.random.Generator
) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Weighted k-medians of one part on the street graph.

    Returns the site nodes, each weighted node's network distance to its
    site, and the homes of each site's area.
    """
    nodes = np.flatnonzero((net.component == comp) & (net.weight > 0))
    if len(nodes) == 0:
        nodes = np.flatnonzero(net.component == comp)[:1]
    w = net.weight[nodes]
    xy = net.xy[nodes]
    k = min(k, len(nodes))
    # k-means++ seeding on coordinates, weighted by homes.
    centres = [int(rng.choice(len(nodes), p=w / w.sum()))] if w.sum() > 0 else [0]
    d2 = np.sum((xy - xy[centres[0]]) ** 2, axis=1)
    while len(centres) < k:
        p = w * d2
        c = int(rng.choice(len(nodes), p=p / p.sum())) if p.sum() > 0 else len(centres)
        centres.append(c)
        d2 = np.minimum(d2, np.sum((xy - xy[c]) ** 2, axis=1))
    sites = [int(nodes[c]) for c in centres]
    lab_of = np.full(len(net.xy), -1, dtype=np.int64)
    for _ in range(PLACEMENT_ROUNDS):
        label = _labels(net, sites, nodes, lab_of)
        new = []
        for j in range(len(sites)):
            cell = label == j
            if not cell.any() or w[cell].sum() <= 0:
                new.append(sites[j])
                continue
            centre = (w[cell, None] * xy[cell]).sum(axis=0) / w[cell].sum()
            members = nodes[cell]
            new.append(int(members[np.argmin(np.hypot(*(net.xy[members] - centre).T))]))
        if new == sites or len(set(new)) < len(new):
            break
        sites = new
    dist = dijkstra(net.matrix, directed=False, indices=sites, min_only=True)
    label = _labels(net, sites, nodes, lab_of)
    load = np.bincount(label[label >= 0], weights=w[label >= 0], minlength=len(sites))
    return sites, dist[nodes], load


def _labels(
    net: _StreetNodes, sites: list[int], nodes: np.ndarray, lab_of: np.ndarray
) -> np.ndarray:
    """Index (into ``sites``) of the nearest site of each node (-1: none reaches it)."""
    _, _, src = dijkstra(net.matrix, directed=False, indices=sites, min_only=True,
                         return_predecessors=True)  # fmt: skip
    lab_of[:] = -1
    lab_of[sites] = np.arange(len(sites))
    s = src[nodes]
    return np.where(s >= 0, lab_of[np.maximum(s, 0)], -1)
