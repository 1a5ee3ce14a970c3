"""Endpoints planned with the homes in one design: :func:`plan_city`.

Every endpoint becomes a point on the district (a 1 m square "building" of
its own), so it gets a tap, a drop and a place in the trench tree like a
home: the homes' and the endpoints' trenches are one tree, and their fibres
ride in the same cables. Then, by the rule of its class
(:mod:`~fttx_planner.endpoints.rules`):

* ``pon``: its ports are splitter ports like a home's;
* ``dedicated``: its fibres run from the OLT site with no splitter (home-run
  fibres, counted once, end to end, on every edge of its path) and end on a
  point-to-point port at the central office;
* ``shared_run``: the endpoints on one street between two junctions (a pole
  run) share one fibre from the OLT site: it runs to the run's far end,
  looped through each pole, and ends on one port.

Critical classes get a second, trench-disjoint path when ``diversity`` is
asked (:mod:`~fttx_planner.endpoints.diversity`). The endpoints' own items
are bill-of-materials lines by class (``endpoint_terminal:traffic_signal``);
the shared network is allocated to homes and endpoints pro rata of their
fibre-metres (the fibres they need times their path length), the OLT pro
rata of PON ports: that allocation plus their own lines is each endpoint's
cost share.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from fttx_planner.catalogue import PASSIVE_LAYERS, Catalogue
from fttx_planner.costing.bom import BOM_COLUMNS
from fttx_planner.demand.premises import Demand, estimate_demand
from fttx_planner.design.cables import CableSizer, depth_lengths
from fttx_planner.design.planner import Cancelled, Connections, Progress, plan_district
from fttx_planner.design.trench import root_tree
from fttx_planner.district import Buildings, District
from fttx_planner.endpoints.architectures import load_architectures
from fttx_planner.endpoints.diversity import diverse_path, main_path_edges
from fttx_planner.endpoints.points import Endpoints
from fttx_planner.endpoints.rules import EndpointRules
from fttx_planner.network.graph import ExistingInfra
from fttx_planner.params import DesignParams
from fttx_planner.plan import Plan
from fttx_planner.quality.bound import lower_bound

#: Half the side of the square standing for an endpoint (m): small, so that no
#: home's drop has to go round it.
ENDPOINT_HALF_SIDE_M = 0.05
#: Endpoints' OSM ids in the buildings table start below this (no OSM id is this negative).
ENDPOINT_ID_BASE = -(10**13)
#: The point-to-point optics dedicated fibres end on (``data/architectures.csv``).
P2P_ARCHITECTURE = "p2p_ethernet"

#: Columns of :meth:`CityPlan.endpoint_classes` (the ``by_class`` records of the summary).
CLASS_COLUMNS = [
    "class", "rule", "endpoints", "served", "fibres", "cost_share_eur", "fibre_km",
    "direct_passive_eur", "direct_active_eur",
]  # fmt: skip
#: Layers whose endpoint lines are active equipment (terminals, office ports).
ACTIVE_LAYERS = ("olt", "ont")

ENDPOINT_COLUMNS = [
    "endpoint", "class", "rule", "ref", "name", "x", "y", "fibres", "run", "served", "node",
    "fdp_node", "drop_m", "path_m", "loss_db", "budget_db", "splitter_id", "critical", "diverse_m",
    "diverse_new_trench_m", "diverse_shared_m", "direct_eur", "shared_eur", "cost_share_eur",
    "reason",
]  # fmt: skip


@dataclass
class CityPlan(Plan):
    """A plan of homes and public endpoints.

    Attributes
    ----------
    endpoints
        One row per endpoint: :data:`ENDPOINT_COLUMNS`.
    diverse_edges
        Design-graph edges of the second paths: ``endpoint, edge, new``.
    homes_only_eur
        Capex of the same district planned for the homes alone (``None``:
        not computed): the difference is what the endpoints add to the build.
    homes_only_by_layer
        The same capex by layer (the summary's ``capex_eur.by_layer`` of the
        homes-only plan), the network the business models value without the
        smart-city layer.
    """

    endpoints: pd.DataFrame | None = None
    diverse_edges: pd.DataFrame | None = None
    homes_only_eur: float | None = None
    homes_only_by_layer: dict[str, float] | None = None

    def endpoint_classes(self) -> pd.DataFrame:
        """Per class: endpoints, served, fibres, cost share, and what finance needs.

        ``fibre_km`` is the length of the class's own fibres (fibres times the
        path to the OLT, plus the second paths), what a dark-fibre lease is
        priced on; ``direct_passive_eur`` and ``direct_active_eur`` are its own
        bill-of-materials lines (drops, connection, second-path trench and
        cable; terminals and office ports), which the business models give
        to the passive and the active owner.
        """
        e = self.endpoints
        if e is None or len(e) == 0:
            return pd.DataFrame(columns=CLASS_COLUMNS)
        fibre_m = np.where(
            e["served"],
            np.maximum(e["fibres"], 0)
            * (np.nan_to_num(e["path_m"].astype(float)) + e["diverse_m"].astype(float)),
            0.0,
        )
        g = e.assign(fibre_km=fibre_m / 1000.0).groupby(["class", "rule"], sort=False)
        out = g.agg(
            endpoints=("endpoint", "size"),
            served=("served", "sum"),
            fibres=("fibres", "sum"),
            cost_share_eur=("cost_share_eur", "sum"),
            fibre_km=("fibre_km", "sum"),
        ).reset_index()
        items = self.bom["item"].astype(str)
        own = self.bom[items.str.match(r"(endpoint|diverse)_[a-z_]+:")]
        cls = own["item"].astype(str).str.split(":", n=1).str[1]
        active = own["layer"].isin(ACTIVE_LAYERS)
        by_cls_active = own["cost_eur"].where(active, 0.0).groupby(cls).sum()
        by_cls_passive = own["cost_eur"].where(~active, 0.0).groupby(cls).sum()
        out["direct_passive_eur"] = [float(by_cls_passive.get(c, 0.0)) for c in out["class"]]
        out["direct_active_eur"] = [float(by_cls_active.get(c, 0.0)) for c in out["class"]]
        return out[CLASS_COLUMNS]

    def own_lines_by_layer(self) -> dict[str, float]:
        """The endpoints' own bill-of-materials lines (EUR) by layer."""
        items = self.bom["item"].astype(str)
        own = self.bom[items.str.match(r"(endpoint|diverse)_[a-z_]+:")]
        return {str(k): float(v) for k, v in own.groupby("layer")["cost_eur"].sum().items()}

    def summary(self) -> dict[str, Any]:
        """The plan's summary with an ``endpoints`` block."""
        s = super().summary()
        e = self.endpoints
        if e is not None:
            total = self.total_cost_eur
            share = float(e["cost_share_eur"].sum())
            s["endpoints"] = {
                "count": len(e),
                "served": int(e["served"].sum()),
                "cost_share_eur": share,
                "share_of_capex": share / total if total > 0 else 0.0,
                "homes_only_eur": self.homes_only_eur,
                "homes_only_by_layer": self.homes_only_by_layer,
                "incremental_eur": (
                    total - self.homes_only_eur if self.homes_only_eur is not None else None
                ),
                "by_class": self.endpoint_classes().to_dict(orient="records"),
                "own_lines_by_layer": self.own_lines_by_layer(),
            }
        return s


def merge_close(endpoints: Endpoints, rules: EndpointRules) -> Endpoints:
    """One endpoint per cluster of points of a class closer than its ``merge_m``."""
    keep = np.ones(len(endpoints), dtype=bool)
    xy = endpoints.xy.copy()
    for name in np.unique(endpoints.cls.astype(str)):
        radius = rules[name].merge_m
        idx = np.flatnonzero(endpoints.cls == name)
        if radius <= 0 or len(idx) < 2:
            continue
        tree = shapely.STRtree(shapely.points(xy[idx]))
        a, b = tree.query(shapely.points(xy[idx]), predicate="dwithin", distance=radius)
        n = len(idx)
        _, label = connected_components(
            coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n)), directed=False
        )
        for lab in np.unique(label):
            members = idx[label == lab]
            xy[members[0]] = endpoints.xy[members].mean(axis=0)
            keep[members[1:]] = False
    merged = Endpoints(xy, endpoints.cls, endpoints.osm_id, endpoints.name)
    return merged.select(keep)


def pole_runs(district: District, endpoints: Endpoints, rules: EndpointRules) -> np.ndarray:
    """``(n,)`` run of each ``shared_run`` endpoint: its nearest fibre street edge, else -1."""
    run = np.full(len(endpoints), -1, dtype=np.int64)
    shared = np.array([rules[c].rule == "shared_run" for c in endpoints.cls], dtype=bool)
    s = district.streets
    ok = np.flatnonzero(s.edge_trench)
    if shared.any() and len(ok):
        tree = shapely.STRtree(s.edge_geometry[ok])
        near = tree.nearest(shapely.points(endpoints.xy[shared]))
        run[shared] = ok[near]
    return run


def with_endpoints(district: District, endpoints: Endpoints, rules: EndpointRules) -> District:
    """The district with one small square "building" per endpoint, after its buildings."""
    b = district.buildings
    n = len(endpoints)
    x, y = endpoints.xy[:, 0], endpoints.xy[:, 1]
    h = ENDPOINT_HALF_SIDE_M
    titles = [rules[c].title for c in endpoints.cls]
    names = [f"{t}: {nm}" if nm else t for t, nm in zip(titles, endpoints.name, strict=True)]

    def ext(values: np.ndarray | None, fill: Any) -> np.ndarray | None:
        if values is None:
            return None
        return np.concatenate([values, np.full(n, fill, dtype=np.asarray(values).dtype)])

    buildings = Buildings(
        osm_id=np.concatenate([b.osm_id, ENDPOINT_ID_BASE - np.arange(n, dtype=np.int64)]),
        footprint=np.concatenate([b.footprint, shapely.box(x - h, y - h, x + h, y + h)]),
        building=np.concatenate([b.building, np.full(n, "endpoint", dtype=object)]),
        levels=np.concatenate([b.levels, np.full(n, np.nan)]),
        flats=np.concatenate([b.flats, np.full(n, np.nan)]),
        name=np.concatenate([b.name, np.array(names, dtype=object)]),
        height_m=ext(b.height_m, np.nan),
        roof_levels=ext(b.roof_levels, np.nan),
        addresses=ext(b.addresses, 0),
        use=ext(b.use, ""),
    )
    return replace(district, buildings=buildings, warnings=list(district.warnings))


def padded(demand: Demand, n: int) -> Demand:
    """The demand with ``n`` rows of no premises appended (the endpoints' rows)."""
    update: dict[str, Any] = {}
    for f in fields(demand):
        value = getattr(demand, f.name)
        if not isinstance(value, np.ndarray) or value.ndim != 1:
            continue
        kind = value.dtype.kind
        fill: Any = "" if kind in "OUS" else (np.nan if kind == "f" else 0)
        update[f.name] = np.concatenate([value, np.full(n, fill, dtype=value.dtype)])
    return replace(demand, **update)


def plan_city(
    district: District,
    endpoints: Endpoints,
    params: DesignParams | None = None,
    catalogue: Catalogue | None = None,
    rules: EndpointRules | None = None,
    infra: ExistingInfra | None = None,
    diversity: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    homes_only: bool = False,
) -> CityPlan:
    """Plan homes and public endpoints in one design.

    Parameters
    ----------
    district
        The district (without the endpoints).
    endpoints
        The endpoints (from :func:`~fttx_planner.endpoints.osm.read_osm_endpoints`
        and / or :func:`~fttx_planner.endpoints.layer.read_endpoint_layer`).
    params, catalogue, infra, progress, cancelled
        As for :func:`~fttx_planner.design.planner.plan_district`.
    rules
        Endpoint classes (the shipped rules if ``None``).
    diversity
        Give critical classes a second, trench-disjoint path to the OLT.
    homes_only
        Also plan the homes alone, so the plan tells what the endpoints add
        (:attr:`CityPlan.homes_only_eur`); twice the time.
    """
    params = params or DesignParams()
    catalogue = catalogue or Catalogue.default()
    rules = rules or EndpointRules.default()
    for c in np.unique(endpoints.cls.astype(str)):
        rules[c]  # unknown classes are an error here, before planning
    ep = merge_close(endpoints, rules)
    k0 = len(district.buildings)
    rule = np.array([rules[c].rule for c in ep.cls], dtype=object)
    fibres = np.array([rules[c].fibres for c in ep.cls], dtype=np.int64)
    run = pole_runs(district, ep, rules)
    # The run's fibre goes to its far end (from the OLT), looped through the others.
    ref_xy = np.asarray(
        (params.olt_x_m, params.olt_y_m)
        if params.olt_x_m is not None and params.olt_y_m is not None
        else district.olt_xy or np.mean(np.reshape(district.bounds_xy, (2, 2)), axis=0),
        dtype=float,
    )
    head = rule != "shared_run"
    for r in np.unique(run[run >= 0]):
        members = np.flatnonzero(run == r)
        far = members[np.argmax(np.hypot(*(ep.xy[members] - ref_xy).T))]
        head[far] = True
    fibres = np.where(head, fibres, 0)

    city = with_endpoints(district, ep, rules)
    k = len(city.buildings)
    is_ep = np.zeros(k, dtype=bool)
    is_ep[k0:] = True

    def rows(values: np.ndarray, fill: Any) -> np.ndarray:
        return np.concatenate([np.full(k0, fill, dtype=values.dtype), values])

    demand = estimate_demand(
        district.buildings, params, district.addresses, district.landuse, district.register
    )
    conn = Connections(
        fibres=rows(fibres, 0),
        endpoint=is_ep,
        home_run=rows(rule != "pon", False),
        attach_only=rows(~head, False),
        demand=padded(demand, len(ep)),
    )
    plan = plan_district(city, params, catalogue, infra, progress, cancelled, connections=conn)
    out = _finish(plan, ep, rules, k0, rule, fibres, run, head, diversity)
    if homes_only:
        alone = plan_district(district, params, catalogue, infra)
        out.homes_only_eur = alone.total_cost_eur
        out.homes_only_by_layer = dict(alone.capex_block()["by_layer"])
    return out


def _finish(
    plan: Plan,
    ep: Endpoints,
    rules: EndpointRules,
    k0: int,
    rule: np.ndarray,
    fibres: np.ndarray,
    run: np.ndarray,
    head: np.ndarray,
    diversity: bool,
) -> CityPlan:
    """Endpoint table, second paths, BOM lines by class and cost shares."""
    params, catalogue, graph = plan.params, plan.catalogue, plan.graph
    n = len(ep)
    rows = k0 + np.arange(n)
    node = plan.access.node[rows]
    served = node >= 0
    order, parent, parent_edge = root_tree(
        graph.n_nodes, graph.edge_u, graph.edge_v, plan.trench_edges, graph.olt_node
    )
    depth = depth_lengths(order, parent, graph.edge_length_m, parent_edge, graph.n_nodes)
    b = plan.buildings.set_index("building")
    in_table = np.isin(rows, b.index.to_numpy())
    drop_m = np.where(served, plan.access.drop_m[rows], np.nan)
    splitter = np.full(n, -1, dtype=np.int64)
    fdp_node = np.full(n, -1, dtype=np.int64)  # where its drop leaves the cable (the detail)
    loss = np.full(n, np.nan)
    if in_table.any():
        sel = rows[in_table]
        drop_m[in_table] = b.loc[sel, "drop_m"].to_numpy()
        splitter[in_table] = b.loc[sel, "splitter_id"].to_numpy()
        if "fdp_node" in b.columns:
            fdp_node[in_table] = b.loc[sel, "fdp_node"].to_numpy()
        loss[in_table] = b.loc[sel, "loss_db"].to_numpy()
    path_m = np.where(served, depth[np.maximum(node, 0)] + np.nan_to_num(drop_m), np.nan)
    p2p = load_architectures()[P2P_ARCHITECTURE]
    home_run = rule != "pon"
    # A dedicated fibre's loss: fibre, splices, connectors and margin, no splitter.
    p2p_loss = (
        params.fibre_loss_db_per_km * path_m / 1000
        + params.splices_per_path * params.splice_loss_db
        + params.connectors_per_path * params.connector_loss_db
        + params.safety_margin_db
    )
    loss = np.where(home_run, p2p_loss, loss)
    budget = np.where(home_run, p2p.budget_db, params.budget_db)
    critical = np.array([rules[c].critical for c in ep.cls], dtype=bool)

    # Second paths, one after the other: a street dug for one is trenched for the next.
    in_tree = np.zeros(len(graph.edge_u), dtype=bool)
    in_tree[plan.trench_edges] = True
    sizer = CableSizer(catalogue)
    cable_eur_m = sizer.cost_per_metre(12)
    div_m = np.zeros(n)
    div_new_m = np.zeros(n)
    div_new_eur = np.zeros(n)
    div_shared = np.zeros(n)
    div_rows: list[tuple[int, int, bool]] = []
    if diversity:
        for i in np.flatnonzero(critical & served):
            main = main_path_edges(parent, parent_edge, int(node[i]))
            path = diverse_path(graph, in_tree, main, int(node[i]), cable_eur_m)
            if path is None:  # pragma: no cover - a served tap is connected to the OLT
                continue
            div_m[i] = path.length_m
            div_new_m[i] = path.new_trench_m
            div_new_eur[i] = path.new_trench_eur
            div_shared[i] = path.shared_m + float(drop_m[i])
            div_rows += [(int(i), int(e), not in_tree[e]) for e in path.edges]
            in_tree[path.edges] = True

    # Bill of materials lines by class.
    cost = catalogue.cost
    connect_eur = cost("drop_install") + cost("building_entry") + 2 * cost("fibre_splice")
    co_ports = np.where(home_run & head & served, np.maximum(fibres, 1), 0)
    direct = np.zeros(n)
    lines: list[tuple[Any, ...]] = []

    def line(item: str, layer: str, unit: str, qty: float, unit_eur: float, source: str) -> None:
        if qty > 0:
            lines.append((item, layer, "pass", unit, qty, unit_eur, qty * unit_eur, source))

    for name in dict.fromkeys(ep.cls.tolist()):
        r = rules[name]
        m = (ep.cls == name) & served
        if not m.any():
            continue
        line(f"endpoint_terminal:{name}", "ont", "endpoint", int(m.sum()), r.terminal_eur,
             r.source)  # fmt: skip
        line(f"endpoint_drop:{name}", "drops", "m", float(drop_m[m].sum()), cost("drop_cable"),
             catalogue["drop_cable"].source)  # fmt: skip
        line(f"endpoint_connect:{name}", "drops", "endpoint", int(m.sum()), connect_eur,
             "catalogue: drop_install + building_entry + two fibre_splice")  # fmt: skip
        line(f"endpoint_co_port:{name}", "olt", "port", int(co_ports[m].sum()),
             p2p.port_share_eur, f"{P2P_ARCHITECTURE}: {p2p.source}")  # fmt: skip
        if diversity and div_m[m].any():
            line(f"diverse_trench:{name}", "civil", "m", float(div_new_m[m].sum()),
                 float(div_new_eur[m].sum() / max(div_new_m[m].sum(), 1e-9)),
                 "the civil cost of the streets it opens (catalogue trench items)")  # fmt: skip
            line(f"diverse_cable:{name}", "cables", "m", float(div_m[m].sum()), cable_eur_m,
                 "catalogue: cable_12f + cable_install")  # fmt: skip
            line(f"diverse_co_port:{name}", "olt", "port",
                 int(np.where(div_m > 0, np.maximum(fibres, 1), 0)[m].sum()),
                 p2p.port_share_eur, f"{P2P_ARCHITECTURE}: second port")  # fmt: skip
        direct[m] = (
            r.terminal_eur
            + np.nan_to_num(drop_m[m]) * cost("drop_cable")
            + connect_eur
            + co_ports[m] * p2p.port_share_eur
            + div_new_eur[m]
            + div_m[m] * cable_eur_m
            + np.where(div_m[m] > 0, np.maximum(fibres[m], 1), 0) * p2p.port_share_eur
        )
    extra = pd.DataFrame(lines, columns=BOM_COLUMNS)
    bom = pd.concat([plan.bom, extra], ignore_index=True) if len(extra) else plan.bom

    # Shared network pro rata of fibre-metres; the OLT pro rata of PON ports.
    homes = plan.buildings[~plan.buildings["building"].isin(rows) & plan.buildings["served"]]
    home_fm = float((homes["homes"] * homes["path_m"]).sum())
    ep_fm = np.where(served, np.maximum(fibres, 0) * np.nan_to_num(path_m), 0.0)
    for r in np.unique(run[run >= 0]):  # the run's fibre-metres shared by its poles
        members = np.flatnonzero((run == r) & served)
        if len(members):
            ep_fm[members] = ep_fm[members].sum() / len(members)
    base = plan.bom
    passive = float(
        base.loc[base["layer"].isin(PASSIVE_LAYERS) & (base["phase"] == "pass"), "cost_eur"].sum()
    )
    olt = float(base.loc[(base["layer"] == "olt") & (base["phase"] == "pass"), "cost_eur"].sum())
    pon_ports = np.where(served & ~home_run, fibres, 0)
    total_ports = float(homes["homes"].sum() + pon_ports.sum())
    shared_eur = passive * ep_fm / max(home_fm + ep_fm.sum(), 1e-9) + olt * pon_ports / max(
        total_ports, 1.0
    )
    table = pd.DataFrame(
        {
            "endpoint": np.arange(n),
            "class": ep.cls.astype(str),
            "rule": rule.astype(str),
            "ref": ep.osm_id.astype(str),
            "name": ep.name.astype(str),
            "x": ep.xy[:, 0],
            "y": ep.xy[:, 1],
            "fibres": fibres,
            "run": run,
            "served": served,
            "node": node,
            "fdp_node": fdp_node,
            "drop_m": drop_m,
            "path_m": path_m,
            "loss_db": loss,
            "budget_db": budget,
            "splitter_id": splitter,
            "critical": critical,
            "diverse_m": div_m,
            "diverse_new_trench_m": div_new_m,
            "diverse_shared_m": div_shared,
            "direct_eur": np.where(served, direct, 0.0),
            "shared_eur": np.where(served, shared_eur, 0.0),
            "cost_share_eur": np.where(served, direct + shared_eur, 0.0),
            "reason": plan.access.reason[rows].astype(str),
        }
    )[ENDPOINT_COLUMNS]
    over = table["served"] & (table["loss_db"] > table["budget_db"])
    warnings = list(plan.warnings)
    if over.any():
        warnings.append(
            f"{int(over.sum())} endpoints' dedicated fibres exceed the point-to-point optics' "
            f"{p2p.budget_db:g} dB budget ({p2p.loss_class}); they need longer-reach optics."
        )
    orphan = [int(r) for r in np.unique(run[run >= 0]) if not served[head & (run == r)].any()]
    orphan = [r for r in orphan if served[run == r].any()]
    if orphan:
        warnings.append(
            f"{len(orphan)} pole runs have their far lamp unserved, so their other lamps get "
            "no fibre of the run: serve that lamp or give the run's lamps another class."
        )
    if (~table["served"]).any():
        warnings.append(f"{int((~table['served']).sum())} endpoints cannot be served; see reasons.")
    base_fields = {f.name: getattr(plan, f.name) for f in fields(Plan)}
    city = CityPlan(
        **{
            **base_fields,
            "bom": bom,
            "buildings": plan.buildings[~plan.buildings["building"].isin(rows)].reset_index(
                drop=True
            ),
            "warnings": warnings,
        },
        endpoints=table,
        diverse_edges=pd.DataFrame(div_rows, columns=["endpoint", "edge", "new"]),
    )
    city.lower_bound_eur = lower_bound(city)
    return city
