"""The detailed design of a plan: every fibre from OLT port to premise, named.

:func:`build_detail` turns a :class:`~fttx_planner.plan.Plan` into a
:class:`Detail`: tables of sites (CO, cabinets, closures, FDPs), OLT ports,
splitters, cables, premise units with their whole path, circuits, cable
pieces (which fibre of which tube of which cable), and the splice schedule
of every site (:mod:`fttx_planner.detail.splices`). The tables are what the
files, the splice book and the trace read, in memory or from a plan folder.

Sites are the nodes where something happens to a fibre: the OLT (CO), every
splitter site (a cabinet from three splitters on, as in the bill of
materials, else a closure), every joint where one cable's fibres are
spliced to another's (a closure), and every node where drops leave a cable
(an FDP). When the plan carries its own closure list (a ``closures`` table
with a ``node`` column and optionally ``kind`` and ``name``), those nodes
are sites too and keep the plan's kind and name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fttx_planner.costing.bom import CABINET_MIN_SPLITTERS
from fttx_planner.design.cables import CableSizer
from fttx_planner.detail.colours import colour_code
from fttx_planner.detail.construction import fibres_per_tube, tube_and_fibre, tubes
from fttx_planner.detail.endpoints import DetailInputs, detail_inputs
from fttx_planner.detail.fibres import Circuit, Fibres, lay_fibres
from fttx_planner.detail.naming import NamingTemplates, check_unique, district_code
from fttx_planner.detail.ports import assign_ports, drop_nodes, olt_position
from fttx_planner.detail.settings import DetailSettings
from fttx_planner.detail.tree import DesignTree, design_tree
from fttx_planner.params import SPLITTER_LOSS_DB, DesignParams
from fttx_planner.plan import Plan

#: Version of the detail files (``detail/detail.json``).
DETAIL_VERSION = 1
#: Sort key of point-to-point circuits at the CO: after every splitter's fibres.
P2P_KEY = 1 << 40
#: Site kinds, from the OLT outwards.
SITE_KINDS = ("co", "cabinet", "closure", "fdp")


@dataclass
class Detail:
    """The detailed design: tables, settings and the plan's optical figures.

    Attributes
    ----------
    meta
        District, CRS, attribution, settings, naming, the plan's loss
        parameters and counts (written as ``detail.json``).
    sites, olt_ports, splitters, cables, units, circuits, pieces, splices
        The tables (see docs/detail.md for their columns).
    """

    meta: dict[str, Any]
    sites: pd.DataFrame
    olt_ports: pd.DataFrame
    splitters: pd.DataFrame
    cables: pd.DataFrame
    units: pd.DataFrame
    circuits: pd.DataFrame
    pieces: pd.DataFrame
    splices: pd.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)

    TABLES = (
        "sites",
        "olt_ports",
        "splitters",
        "cables",
        "units",
        "circuits",
        "pieces",
        "splices",
    )


def build_detail(
    plan: Plan,
    settings: DetailSettings | None = None,
    naming: NamingTemplates | None = None,
) -> Detail:
    """The detailed design of ``plan`` (see the module docstring)."""
    from fttx_planner.detail.splices import splice_schedule

    settings = settings or DetailSettings()
    naming = naming or NamingTemplates()
    tree = design_tree(plan)
    inputs = detail_inputs(plan)
    ports = assign_ports(plan, tree, inputs.buildings)
    sp = plan.splitters
    node_of = dict(zip(sp["splitter_id"].tolist(), sp["node"].tolist(), strict=True))
    stage_of = dict(zip(sp["splitter_id"].tolist(), sp["stage"].tolist(), strict=True))
    ratio_of = dict(zip(sp["splitter_id"].tolist(), sp["ratio"].tolist(), strict=True))
    tap = drop_nodes(plan, inputs.buildings)
    for d in inputs.dedicated:  # a point-to-point drop leaves where the plan grouped it
        tap[d.building] = d.fdp_node if d.fdp_node >= 0 else int(plan.access.node[d.building])
    pre = tree.pre

    circuits: list[Circuit] = []
    feed_circuit: dict[int, int] = {}
    for s, (kind, ref, port) in sorted(ports.upstream.items(), key=lambda kv: kv[0]):
        if kind == "olt":
            circuits.append(
                Circuit(
                    "feeder",
                    tree.root,
                    node_of[s],
                    ("olt", ref, 0),
                    ("splitter_in", s, 0),
                    (0, ref, 0),
                )
            )
        else:
            circuits.append(
                Circuit(
                    "distribution",
                    node_of[ref],
                    node_of[s],
                    ("splitter_out", ref, port),
                    ("splitter_in", s, 0),
                    (int(pre[node_of[ref]]), ref, port),
                )
            )
        feed_circuit[s] = len(circuits) - 1
    unit_circuit: list[int] = []
    for bi, u, s, port in ports.units:
        circuits.append(
            Circuit(
                "distribution",
                node_of[s],
                int(tap[bi]),
                ("splitter_out", s, port),
                ("drop", bi, u),
                (int(pre[node_of[s]]), s, port),
            )
        )
        unit_circuit.append(len(circuits) - 1)
    # Point-to-point fibres of endpoints: from the CO to their drop, one CO port each.
    p2p: list[tuple[int, int, int, int]] = []  # (building, unit, CO port, circuit)
    for d in sorted(inputs.dedicated, key=lambda d: (int(pre[tap[d.building]]), d.building)):
        for u in range(1, d.fibres + 1):
            port = len(p2p) + 1
            circuits.append(
                Circuit(
                    "distribution",
                    tree.root,
                    int(tap[d.building]),
                    ("co_port", port, 0),
                    ("drop", d.building, u),
                    (0, P2P_KEY, port),
                )
            )
            p2p.append((d.building, u, port, len(circuits) - 1))

    sizer = CableSizer(plan.catalogue)
    fib = lay_fibres(circuits, tree, plan.cables, sizer, settings)

    sites = _sites(plan, tree, fib, node_of, naming)
    site_at = dict(zip(sites["node"].tolist(), sites["site"].tolist(), strict=True))
    co = str(sites.loc[sites["kind"] == "co", "site"].iloc[0])

    # Splitters: numbered within their site by stage and walking order.
    first_tap: dict[int, int] = {}
    for bi, _, s, _ in ports.units:
        first_tap[s] = min(first_tap.get(s, 1 << 62), int(pre[tap[bi]]))
    for s, (kind, ref, _) in ports.upstream.items():
        if kind == "splitter":
            first_tap[ref] = min(first_tap.get(ref, 1 << 62), first_tap.get(s, 1 << 62))
    order = sorted(node_of, key=lambda s: (pre[node_of[s]], stage_of[s], first_tap.get(s, 0), s))
    split_name: dict[int, str] = {}
    within: dict[int, int] = {}
    # Splitter sites (cabinets and splitter closures) numbered together in walking order.
    site_no = {v: i for i, v in enumerate(sorted(set(node_of.values()), key=lambda v: pre[v]), 1)}
    for n, s in enumerate(order, start=1):
        v = node_of[s]
        within[v] = within.get(v, 0) + 1
        split_name[s] = naming.name(
            "splitter",
            co=co,
            site=site_at[v],
            cabinet=site_no[v],
            stage=stage_of[s],
            ratio=ratio_of[s],
            splitter=within[v],
            n=n,
        )
    check_unique("splitter", split_name.values())

    olt_name: dict[int, str] = {}
    olt_rows = []
    first_of_pon = {p: s for s, p in ports.pon.items()}
    for pon in sorted(first_of_pon):
        chassis, card, port = olt_position(pon)
        olt_name[pon] = naming.name(
            "olt_port", co=co, chassis=chassis, card=card, port=port, pon=pon + 1
        )
        olt_rows.append(
            (olt_name[pon], pon + 1, chassis, card, port, split_name[first_of_pon[pon]])
        )
    check_unique("olt_port", olt_name.values())
    co_port_name = {port: naming.name("co_port", co=co, port=port) for _, _, port, _ in p2p}
    check_unique("co_port", [*co_port_name.values(), *olt_name.values()])
    olt_rows += [(co_port_name[port], 0, 0, 0, port, "") for _, _, port, _ in p2p]
    olt_ports = pd.DataFrame(
        olt_rows, columns=["olt_port", "pon", "chassis", "card", "port", "splitter"]
    )

    cables, cable_name = _cables(fib, tree, site_at, co, naming, settings)
    codes = colour_code(settings.colour_code)

    def device(end: tuple[str, int, int]) -> str:
        kind, ref, port = end
        if kind == "olt":
            return f"OLT port {olt_name[ref]}"
        if kind == "co_port":
            return f"CO port {co_port_name[ref]}"
        if kind == "splitter_out":
            return f"{split_name[ref]} out {port}"
        if kind == "splitter_in":
            return f"{split_name[ref]} in"
        return f"{drop_name[ref]} fibre {port}"

    drop_name, drop_site, drop_port = _drops(
        plan, ports.units + [(b, u, -1, p) for b, u, p, _ in p2p], tap, site_at, co, naming
    )

    # Pieces: which fibre of which tube of which cable each circuit takes.
    piece_rows = []
    along = [
        np.concatenate([[0.0], np.cumsum(tree.edge_length_m[sec.edges])]) for sec in fib.sections
    ]
    for ci, c in enumerate(circuits):
        for seq, pi in enumerate(fib.pieces_of[ci]):
            p = fib.pieces[pi]
            sec = fib.sections[p.section]
            k, f = sec.cable_of(p.fibre)
            size = sec.sizes[k]
            t, fi = tube_and_fibre(size, f)
            cum = along[p.section]
            piece_rows.append(
                (
                    ci,
                    seq,
                    c.layer,
                    cable_name[(p.section, k)],
                    t,
                    fi,
                    codes.tube(t),
                    codes.fibre(fi),
                    site_at[sec.nodes[p.i0]],
                    site_at[sec.nodes[p.i1]],
                    float(cum[p.i0]),
                    float(cum[p.i1]),
                    float(cum[p.i1] - cum[p.i0]),
                )
            )
    pieces = pd.DataFrame(
        piece_rows,
        columns=[
            "circuit",
            "seq",
            "layer",
            "cable",
            "tube",
            "fibre",
            "tube_colour",
            "fibre_colour",
            "from_site",
            "to_site",
            "start_m",
            "end_m",
            "length_m",
        ],
    )
    circ = pd.DataFrame(
        {
            "circuit": np.arange(len(circuits)),
            "layer": [c.layer for c in circuits],
            "source": [device(c.src) for c in circuits],
            "target": [device(c.dst) for c in circuits],
            "top_site": [site_at[c.top] for c in circuits],
            "bottom_site": [site_at[c.bottom] for c in circuits],
        }
    )

    units = _units(
        plan,
        inputs,
        p2p,
        co_port_name,
        ports,
        circuits,
        unit_circuit,
        feed_circuit,
        split_name,
        olt_name,
        drop_name,
        drop_site,
        drop_port,
    )
    spl = pd.DataFrame(
        {
            "splitter": [split_name[s] for s in order],
            "splitter_id": order,
            "stage": [stage_of[s] for s in order],
            "ratio": [ratio_of[s] for s in order],
            "site": [site_at[node_of[s]] for s in order],
            "input": [device(circuits[feed_circuit[s]].src) for s in order],
            "loss_db": [SPLITTER_LOSS_DB[ratio_of[s]] for s in order],
        }
    )
    used = units.groupby("splitter").size()
    if plan.params.two_stage:
        used = used.add(
            units.drop_duplicates("splitter")["stage1_splitter"].value_counts(), fill_value=0
        )
    spl["ports_used"] = spl["splitter"].map(used).fillna(0).astype(int).to_numpy()
    spl["ports_free"] = spl["ratio"] - spl["ports_used"]

    splices, site_stats = splice_schedule(fib, circuits, tree, site_at, cable_name, device, codes)
    sites = sites.merge(site_stats, on="site", how="left").fillna(
        {"splices": 0, "passed_uncut": 0, "parked": 0, "tubes_opened": 0, "drops": 0}
    )
    for col in ("splices", "passed_uncut", "parked", "tubes_opened", "drops"):
        sites[col] = sites[col].astype(int)
    sites["trays"] = [
        math.ceil(n / settings.splices_per_tray) + k
        for n, k in zip(sites["splices"], sites["splitters"], strict=True)
    ]
    sites["cables"] = sites["site"].map(_cables_at(cables)).fillna("")

    par = plan.params
    meta = {
        "format": "fttx-planner-detail",
        "version": DETAIL_VERSION,
        "district": plan.district.name,
        "crs": plan.district.crs,
        "attribution": plan.district.attribution,
        "architecture": par.describe(),
        "co": co,
        "settings": settings.model_dump(),
        "naming": naming.model_dump(),
        "optics": {
            "budget_db": par.budget_db,
            "fibre_loss_db_per_km": par.fibre_loss_db_per_km,
            "fibre_loss_db_per_km_1490": settings.fibre_loss_db_per_km_1490,
            "splice_loss_db": par.splice_loss_db,
            "splices_per_path": planned_splices(par),
            "connector_loss_db": par.connector_loss_db,
            "connectors_per_path": par.connectors_per_path,
            "safety_margin_db": par.safety_margin_db,
        },
        "counts": {
            "premise_units": len(units),
            "co_ports_point_to_point": len(p2p),
            "circuits": len(circuits),
            "cables": len(cables),
            "sites": {k: int((sites["kind"] == k).sum()) for k in SITE_KINDS},
            "splices": int(sites["splices"].sum()),
            "cable_sections_upsized_for_spare": fib.upsized_edges,
            "edges_with_cable_run_on": fib.run_on_edges,
            "cable_extra_eur_vs_plan": round(fib.cable_extra_eur, 2),
        },
    }
    return Detail(
        meta=meta,
        sites=sites,
        olt_ports=olt_ports,
        splitters=spl,
        cables=cables,
        units=units,
        circuits=circ,
        pieces=pieces,
        splices=splices,
    )


def planned_splices(p: DesignParams) -> int:
    """Splices the plan's loss counts on every path (its fixed loss less the rest).

    Examples
    --------
    >>> planned_splices(DesignParams(splices_per_path=5))
    5
    """
    if p.splice_loss_db <= 0:
        return int(p.splices_per_path)
    rest = (
        p.fixed_loss_db
        - p.splitter_loss_db
        - p.connectors_per_path * p.connector_loss_db
        - p.safety_margin_db
    )
    return round(rest / p.splice_loss_db)


def _sites(
    plan: Plan,
    tree: DesignTree,
    fib: Fibres,
    node_of: dict[int, int],
    naming: NamingTemplates,
) -> pd.DataFrame:
    """Every site with its kind, number and name, in walking order."""
    splitters_at: dict[int, int] = {}
    for v in node_of.values():
        splitters_at[v] = splitters_at.get(v, 0) + 1
    nodes = {tree.root, *splitters_at}
    joints: set[int] = set()
    for c in fib.circuits:
        nodes.add(c.top)
        nodes.add(c.bottom)
    for mine in fib.pieces_of:
        for a in mine[:-1]:
            pa = fib.pieces[a]
            joints.add(fib.sections[pa.section].nodes[pa.i1])
        for pi in mine:
            p = fib.pieces[pi]
            sec = fib.sections[p.section]
            nodes.add(sec.nodes[p.i0])
            nodes.add(sec.nodes[p.i1])
    given: dict[int, tuple[str, str]] = {}
    closures = getattr(plan, "closures", None)
    if isinstance(closures, pd.DataFrame) and "node" in closures.columns:
        for row in closures.to_dict("records"):
            v = int(row["node"])
            if v >= 0 and tree.pre[v] >= 0:
                kind = str(row.get("kind", "closure"))
                given[v] = (kind if kind in SITE_KINDS else "closure", str(row.get("name", "")))
                nodes.add(v)
    ordered = sorted(nodes, key=lambda v: tree.pre[v])
    kinds = []
    for v in ordered:
        k = splitters_at.get(v, 0)
        if v == tree.root:
            kind = "co"
        elif k >= CABINET_MIN_SPLITTERS:
            kind = "cabinet"
        elif k > 0 or v in joints:
            kind = "closure"
        elif v in given:
            kind = given[v][0]
        else:
            kind = "fdp"
        kinds.append(kind)
    district = plan.district.name
    co = naming.name("co", district=district, district_code=district_code(district))
    counters: dict[str, int] = {}
    names, numbers = [], []
    for v, kind in zip(ordered, kinds, strict=True):
        counters[kind] = counters.get(kind, 0) + 1
        n = counters[kind]
        numbers.append(n)
        if kind == "co":
            names.append(co)
        elif v in given and given[v][1]:
            names.append(given[v][1])
        else:
            names.append(naming.name(kind, co=co, **{kind: n}))
    check_unique("site (co, cabinet, closure, fdp)", names)
    xy = plan.graph.node_xy[np.array(ordered, dtype=np.int64)]
    lon, lat = _wgs84(plan.district.crs, xy)
    return pd.DataFrame(
        {
            "site": names,
            "kind": kinds,
            "number": numbers,
            "node": ordered,
            "x": xy[:, 0],
            "y": xy[:, 1],
            "lon": lon,
            "lat": lat,
            "splitters": [splitters_at.get(v, 0) for v in ordered],
        }
    )


def _wgs84(crs: str, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    t = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = t.transform(xy[:, 0], xy[:, 1])
    return np.asarray(lon), np.asarray(lat)


def _cables(
    fib: Fibres,
    tree: DesignTree,
    site_at: dict[int, str],
    co: str,
    naming: NamingTemplates,
    settings: DetailSettings,
) -> tuple[pd.DataFrame, dict[tuple[int, int], str]]:
    """One row per cable (a section holds one cable per planned size), named in walking order."""
    pre = tree.pre
    order = sorted(
        range(len(fib.sections)),
        key=lambda s: (
            fib.sections[s].layer != "feeder",
            pre[fib.sections[s].nodes[0]],
            pre[fib.sections[s].nodes[1]],
        ),
    )
    counters: dict[str, int] = {}
    names: dict[tuple[int, int], str] = {}
    rows = []
    for si in order:
        sec = fib.sections[si]
        length = float(tree.edge_length_m[sec.edges].sum())
        offset = 0
        for k, size in enumerate(sec.sizes):
            counters[sec.layer] = counters.get(sec.layer, 0) + 1
            start, end = site_at[sec.nodes[0]], site_at[sec.nodes[-1]]
            name = naming.name(
                "cable",
                co=co,
                layer=sec.layer,
                layer_code=sec.layer[0].upper(),
                cable=counters[sec.layer],
                fibres=size,
                start=start,
                end=end,
            )
            names[(si, k)] = name
            used = int((sec.occ[offset : offset + size] > 0).sum(axis=0).max())
            rows.append(
                (
                    name,
                    sec.layer,
                    size,
                    tubes(size),
                    fibres_per_tube(size),
                    start,
                    end,
                    length,
                    len(sec.edges),
                    used,
                    size - used,
                    settings.usable_fibres(size),
                    "+".join(str(s) for s in sec.planned_sizes),
                    si,
                    " ".join(str(e) for e in sec.edges),
                )
            )
            offset += size
    check_unique("cable", names.values())
    cables = pd.DataFrame(
        rows,
        columns=[
            "cable",
            "layer",
            "fibres",
            "tubes",
            "fibres_per_tube",
            "start_site",
            "end_site",
            "length_m",
            "edges",
            "fibres_used",
            "fibres_spare",
            "fibres_usable",
            "planned_sizes",
            "section",
            "edge_ids",
        ],
    )
    return cables, names


def _cables_at(cables: pd.DataFrame) -> dict[str, str]:
    """Cables starting or ending at each site, as text."""
    out: dict[str, list[str]] = {}
    for name, a, b in zip(cables["cable"], cables["start_site"], cables["end_site"], strict=True):
        out.setdefault(a, []).append(name)
        out.setdefault(b, []).append(name)
    return {k: ", ".join(v) for k, v in out.items()}


def _drops(
    plan: Plan,
    units: list[tuple[int, int, int, int]],
    tap: np.ndarray,
    site_at: dict[int, str],
    co: str,
    naming: NamingTemplates,
) -> tuple[dict[int, str], dict[int, str], dict[tuple[int, int], int]]:
    """Drop names per building, the site each leaves, and each unit's port at that site."""
    osm = plan.district.buildings.osm_id.tolist()  # Python ints: indexed once per unit
    site_of = {bi: site_at[int(tap[bi])] for bi in {bi for bi, _, _, _ in units}}
    served = sorted(site_of, key=lambda b: (site_of[b], osm[b]))
    name: dict[int, str] = {}
    site: dict[int, str] = {}
    count: dict[str, int] = {}
    for bi in served:
        s = site_of[bi]
        count[s] = count.get(s, 0) + 1
        site[bi] = s
        name[bi] = naming.name("drop", co=co, fdp=s, drop=count[s], building=osm[bi])
    check_unique("drop", name.values())
    port: dict[tuple[int, int], int] = {}
    next_port: dict[str, int] = {}
    for bi, u in sorted(
        ((bi, u) for bi, u, _, _ in units), key=lambda x: (site[x[0]], osm[x[0]], x[1])
    ):
        s = site[bi]
        next_port[s] = next_port.get(s, 0) + 1
        port[(bi, u)] = next_port[s]
    return name, site, port


def _units(
    plan: Plan,
    inputs: DetailInputs,
    p2p: list[tuple[int, int, int, int]],
    co_port_name: dict[int, str],
    ports: Any,
    circuits: list[Circuit],
    unit_circuit: list[int],
    feed_circuit: dict[int, int],
    split_name: dict[int, str],
    olt_name: dict[int, str],
    drop_name: dict[int, str],
    drop_site: dict[int, str],
    drop_port: dict[tuple[int, int], int],
) -> pd.DataFrame:
    """One row per premise unit with its whole path (PON units, then point-to-point ones)."""
    b = inputs.buildings
    figures = {
        int(k): (float(pm), float(dm), float(ls))
        for k, pm, dm, ls in zip(b["building"], b["path_m"], b["drop_m"], b["loss_db"], strict=True)
    }
    osm = plan.district.buildings.osm_id.tolist()
    rows = []
    for (bi, u, s, port), ci in zip(ports.units, unit_circuit, strict=True):
        kind, ref, s_in_port = circuits[feed_circuit[s]].src
        if kind == "olt":
            first, first_out, mid, pon = s, 0, -1, ref
        else:
            first, first_out, mid = ref, s_in_port, feed_circuit[s]
            pon = circuits[feed_circuit[ref]].src[1]
        rows.append(
            (
                int(osm[bi]),
                bi,
                u,
                f"{int(osm[bi])}/{u}",
                olt_name[pon],
                split_name[first],
                first_out,
                split_name[s],
                port,
                drop_site[bi],
                drop_port[(bi, u)],
                drop_name[bi],
                u,
                *figures[bi],
                feed_circuit[first],
                mid,
                ci,
                plan.params.budget_db,
            )
        )
    ded = {d.building: d for d in inputs.dedicated}
    for bi, u, port, ci in p2p:
        d = ded[bi]
        rows.append(
            (
                int(osm[bi]),
                bi,
                u,
                f"{int(osm[bi])}/{u}",
                co_port_name[port],
                "",
                0,
                "",
                0,
                drop_site[bi],
                drop_port[(bi, u)],
                drop_name[bi],
                u,
                d.path_m,
                d.drop_m,
                d.loss_db,
                -1,
                -1,
                ci,
                d.budget_db,
            )
        )
    cols = [
        "osm_id",
        "building",
        "unit",
        "premise",
        "olt_port",
        "stage1_splitter",
        "stage1_port",
        "splitter",
        "splitter_port",
        "site",
        "site_port",
        "drop",
        "drop_fibre",
        "path_m",
        "drop_m",
        "plan_loss_db",
        "feeder_circuit",
        "link_circuit",
        "circuit",
        "budget_db",
    ]
    out = pd.DataFrame(rows, columns=cols)
    return out
