"""Drop geometries as a crew lays them: from the distribution point, along the trench, in.

A small building's drop leaves its distribution point, runs down the trench
to the building's tap and from there to its entry
(:mod:`fttx_planner.design.fdp`); a multi-dwelling building's drop runs from
its tap. The geometry is those trench edges followed by the segment from the
tap to the entry (:mod:`fttx_planner.network.taps`), or the drop's route along
footways from the tap to the entry (:mod:`fttx_planner.network.footways`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from fttx_planner.design.trench import root_tree
from fttx_planner.plan import Plan


def drop_lines(
    plan: Plan, buildings: np.ndarray, edge_geom: dict[int, Any] | None = None
) -> np.ndarray:
    """LineStrings of the drops of the given served buildings (indices into the district).

    Parameters
    ----------
    plan
        The plan.
    buildings
        District building indices, all served.
    edge_geom
        Geometries of the trench edges by edge id, when the caller has them
        (drops down the trench follow them); otherwise cut from the streets.
    """
    g = plan.graph
    access = plan.access
    tap_node = access.node[buildings]
    tap = g.node_xy[tap_node]
    if access.entry_xy is not None:
        entry = access.entry_xy[buildings]
    else:
        fp = plan.district.buildings.footprint[buildings]
        entry = shapely.get_coordinates(shapely.shortest_line(fp, shapely.points(tap))).reshape(
            -1, 2, 2
        )[:, 1, :]
    out = np.asarray(shapely.linestrings(np.stack([tap, entry], axis=1)), dtype=object)
    if access.drop_path is not None:  # drops routed along footways, tap to entry
        routed = access.drop_path[buildings]
        has = shapely.is_geometry(routed)
        out[has] = routed[has]
    b = plan.buildings.set_index("building")
    if "fdp_node" not in b:
        return out
    fdp_node = b["fdp_node"].reindex(buildings).fillna(-1).to_numpy(dtype=np.int64)
    along = np.flatnonzero((fdp_node >= 0) & (fdp_node != tap_node))
    if len(along) == 0:
        return out
    _, parent, parent_edge = root_tree(g.n_nodes, g.edge_u, g.edge_v, plan.trench_edges, g.olt_node)
    edges_of = []
    for i in along.tolist():
        x, top, path = int(tap_node[i]), int(fdp_node[i]), []
        while x != top and parent[x] >= 0:
            path.append(int(parent_edge[x]))
            x = int(parent[x])
        edges_of.append(path)
    used = np.unique(np.concatenate([np.asarray(p, dtype=np.int64) for p in edges_of]))
    if edge_geom is not None and all(e in edge_geom for e in used.tolist()):
        geom = edge_geom
    else:
        geom = dict(zip(used.tolist(), g.edge_geometry(plan.district, used), strict=True))
    for i, path in zip(along.tolist(), edges_of, strict=True):
        # From the distribution point down the trench to the tap, then in.
        pieces = [geom[e] for e in reversed(path)] + [out[i]]
        out[i] = _chained(pieces, g.node_xy[fdp_node[i]])
    return out


def _chained(pieces: list[Any], start_xy: np.ndarray) -> shapely.LineString:
    """One line through the pieces in order, each turned to continue from the last.

    Unlike merging their union, this keeps a drop that runs back along its
    own trench (a route up another drop that follows the street) one line.
    """
    coords = [np.asarray(start_xy, dtype=float).reshape(1, 2)]
    for piece in pieces:
        xy = np.asarray(shapely.get_coordinates(piece))
        end = coords[-1][-1]
        if np.hypot(*(xy[-1] - end)) < np.hypot(*(xy[0] - end)):
            xy = xy[::-1]
        coords.append(xy)
    line = np.vstack(coords)
    keep = np.ones(len(line), dtype=bool)
    keep[1:] = (np.abs(np.diff(line, axis=0)) > 1e-9).any(axis=1)
    return shapely.LineString(line[keep])
