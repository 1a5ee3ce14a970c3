"""Cable runs: the plan's cables as laid, one feature per cable between two joints.

The design sizes cable per trench edge and layer (:mod:`fttx_planner.design.cables`).
On the ground a cable runs unbroken from one joint to the next: the OLT, a
splitter, a splice closure (at a branch, or where a smaller cable pays for
the cut), or its end at the last distribution point. Along a run the fibre
count falls (homes are taken off at mid-span access points) but the cable
stays the same.

A plan designed with joints (``DesignParams.joints``, the default) says which
edges form each cable: its ``cables.cable_id`` and ``closures``
(:mod:`fttx_planner.design.joints`); :func:`cable_runs` draws those. A plan
without them gets runs by a simpler rule: two edges of a layer belong to one
run when they meet at a node that is not the OLT, holds no splitter, has no
other edge of that layer, and where both carry the same cable sizes (a
closure is then wherever that rule breaks a run).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from fttx_planner.design.trench import root_tree
from fttx_planner.plan import Plan

#: Letter of each layer's cable ids (``F-0001`` feeder, ``D-0001`` distribution).
ID_PREFIX = {"feeder": "F", "distribution": "D"}

#: Columns of :func:`cable_runs`, in order (``geometry`` aside).
RUN_COLUMNS = (
    "cable_id", "layer", "cable_size", "cable_count", "capacity_fibres", "fibres",
    "length_m", "cost_eur", "segments", "from_joint", "to_joint", "edge",
)  # fmt: skip


def cable_runs(plan: Plan, edge_geom: dict[int, shapely.LineString]) -> pd.DataFrame:
    """One row per cable run, ordered from the OLT outwards, with its line.

    Parameters
    ----------
    plan
        The plan; its ``cables`` table holds one row per (trench edge, layer).
    edge_geom
        The line of every trench edge (design-graph edge id to geometry).

    Returns
    -------
    pandas.DataFrame
        ``cable_id`` (``F-0001``, ``D-0001``, ...), ``layer``, ``cable_size``
        (standard sizes of the run, e.g. ``"48"`` or ``"288+12"``),
        ``cable_count`` (cables laid side by side, usually 1),
        ``capacity_fibres`` (fibres the cables hold), ``fibres`` (fibres in
        use where the run starts, its most loaded end), ``length_m``,
        ``cost_eur`` (cable and installation), ``segments`` (street segments
        joined), ``from_joint``/``to_joint`` (``OLT``, a splitter label,
        ``J<node>`` a closure at that design-graph node, ``FDP-<id>`` the
        distribution point where a cable ends, or ``end <node>``), ``edge`` (the
        run's first street segment, a design-graph edge, as in the
        ``trenches`` layer), ``edges`` (all its segments, from the OLT side;
        not a layer attribute) and ``geometry`` (a line drawn from the OLT side).
    """
    c = plan.cables
    g = plan.graph
    n = g.n_nodes
    order, _, _ = root_tree(n, g.edge_u, g.edge_v, plan.trench_edges, g.olt_node)
    # Breadth-first rank from the OLT: a parent always ranks before its child.
    depth = np.full(n, n, dtype=np.int64)
    depth[order] = np.arange(len(order))
    sites = {int(g.olt_node): "OLT"}
    for node, label in zip(plan.splitters["node"], plan.splitters["label"], strict=True):
        sites.setdefault(int(node), str(label))
    designed = bool(getattr(plan.params, "joints", False)) and "cable_id" in c.columns
    closures: set[int] = set()
    if designed and plan.closures is not None and len(plan.closures):
        closures = set(plan.closures["node"].astype(int).tolist())
    fdps = plan.fdps if getattr(plan, "fdps", None) is not None else None
    ends_at: dict[int, str] = {}
    if fdps is not None and len(fdps):
        for node, fid in zip(fdps["node"], fdps["fdp_id"], strict=True):
            ends_at.setdefault(int(node), f"FDP-{int(fid)}")

    def name(node: int) -> str:
        if node in sites:
            return sites[node]
        if node in closures:
            return f"J{node}"
        return ends_at.get(node, f"end {node}")

    frames = []
    for layer in ("feeder", "distribution"):
        rows = c.loc[c["layer"] == layer].reset_index(drop=True)
        if not len(rows):
            continue
        edges = rows["edge"].to_numpy(dtype=np.int64)
        u, v = g.edge_u[edges], g.edge_v[edges]
        if designed:
            _, run_of = np.unique(rows["cable_id"].to_numpy(), return_inverse=True)
            n_runs = int(run_of.max()) + 1
        else:
            n_runs, run_of, joints = _runs_by_rule(n, u, v, rows, sites)
            closures.update(joints)
        frames.append(
            _layer_runs(layer, rows, u, v, run_of, n_runs, depth, name, edge_geom, g.node_xy)
        )
    if not frames:
        return pd.DataFrame({col: [] for col in (*RUN_COLUMNS, "edges", "geometry")})
    return pd.concat(frames, ignore_index=True)


def _runs_by_rule(
    n: int, u: np.ndarray, v: np.ndarray, rows: pd.DataFrame, sites: dict[int, str]
) -> tuple[int, np.ndarray, set[int]]:
    """Runs of one layer without the design's cable ids: ``(count, run of each row, joints)``."""
    sizes = rows["sizes"].astype(str).to_numpy()
    ends = np.concatenate([u, v])
    degree = np.bincount(ends, minlength=n)
    joint = degree != 2
    joint[list(sites)] = True
    # Where the two edges at a node carry different sizes: a splice closure.
    first_size: dict[int, str] = {}
    for node, size in zip(ends.tolist(), np.concatenate([sizes, sizes]).tolist(), strict=True):
        if first_size.setdefault(node, size) != size:
            joint[node] = True
    # Edges sharing a non-joint node form one run: components of the
    # edge-adjacency graph through such nodes.
    k = len(rows)
    idx = np.concatenate([np.arange(k), np.arange(k)])
    keep = ~joint[ends]
    by_node = np.argsort(ends[keep], kind="stable")
    paired = idx[keep][by_node].reshape(-1, 2)  # each free node has exactly two edges
    adj = coo_matrix((np.ones(len(paired)), (paired[:, 0], paired[:, 1])), shape=(k, k))
    n_runs, run_of = connected_components(adj, directed=False)
    inner = set(np.flatnonzero(joint & (degree >= 2)).tolist()) - set(sites)
    return int(n_runs), run_of, inner


def _layer_runs(
    layer: str,
    rows: pd.DataFrame,
    u: np.ndarray,
    v: np.ndarray,
    run_of: np.ndarray,
    n_runs: int,
    depth: np.ndarray,
    joint_name: Callable[[int], str],
    edge_geom: dict[int, shapely.LineString],
    node_xy: np.ndarray,
) -> pd.DataFrame:
    """The runs of one layer, each walked from its end nearer the OLT."""
    # The upstream node of each edge is the one nearer the OLT along the tree.
    up = np.where(depth[u] <= depth[v], u, v)
    down = np.where(depth[u] <= depth[v], v, u)
    members = np.argsort(run_of, kind="stable")
    bounds = np.searchsorted(run_of[members], np.arange(n_runs + 1))
    out = []
    for r in range(n_runs):
        sel = members[bounds[r] : bounds[r + 1]]
        # Along a run, edges follow each other downstream: sort by depth.
        sel = sel[np.argsort(depth[up[sel]], kind="stable")]
        coords: list[np.ndarray] = []
        for i in sel.tolist():
            line = np.asarray(edge_geom[int(rows.at[i, "edge"])].coords)
            start = node_xy[up[i]]
            if np.hypot(*(line[-1] - start)) < np.hypot(*(line[0] - start)):
                line = line[::-1]
            coords.append(line if not coords else line[1:])
        head, tail = int(up[sel[0]]), int(down[sel[-1]])
        out.append(
            {
                "layer": layer,
                "cable_size": str(rows.at[int(sel[0]), "sizes"]),
                "cable_count": int(rows.at[int(sel[0]), "cable_count"]),
                "fibres": int(rows.loc[sel, "fibres"].max()),
                "length_m": float(rows.loc[sel, "length_m"].sum()),
                "cost_eur": float(rows.loc[sel, "cost_eur"].sum()),
                "segments": len(sel),
                "from_joint": joint_name(head),
                "to_joint": joint_name(tail),
                "edge": int(rows.at[int(sel[0]), "edge"]),
                "edges": [int(rows.at[i, "edge"]) for i in sel.tolist()],
                "_depth": float(depth[head]),
                "geometry": shapely.LineString(np.concatenate(coords)),
            }
        )
    runs = pd.DataFrame(out).sort_values(["_depth", "length_m"], ascending=[True, False])
    runs = runs.drop(columns="_depth").reset_index(drop=True)
    runs["capacity_fibres"] = [sum(int(s) for s in x.split("+")) for x in runs["cable_size"]]
    runs["cable_id"] = [f"{ID_PREFIX[layer]}-{i + 1:04d}" for i in range(len(runs))]
    return runs[[*RUN_COLUMNS, "edges", "geometry"]]
