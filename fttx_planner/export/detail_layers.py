"""The detailed design on the map: its names on the plan's layers, its sites and cables as layers.

With a detailed design (:mod:`fttx_planner.detail`), :func:`name_layers`
adds the names the splice book and the trace use to the plan's layers
(``name`` on splitters, closures, distribution points, drops, the OLT and
cable runs; ``drop``, ``olt_port`` and ``splitter_name`` on buildings), and
:func:`detail_layers` adds two layers of its own:

``sites``
    every site of the detail (CO, cabinets, closures, FDPs) with its splice
    counts, trays and cables: the points the splice schedule refers to;
``fibre_cables``
    every cable of the detail (a section of one size from site to site),
    named, with its construction and fibres used: what ``pieces`` refer to.

A cable run of the ``cables`` layer (the design's joints) and a detail cable
need not coincide (the detail runs a cable on through a joint where it
saves splices, see docs/detail.md): a run's ``name`` lists every detail
cable laid along it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from fttx_planner.plan import Plan

if TYPE_CHECKING:
    from fttx_planner.detail.model import Detail
    from fttx_planner.detail.names import ObjectNames

#: Columns of the ``sites`` layer (from the detail's ``sites`` table).
SITE_COLUMNS = (
    "site", "kind", "number", "splitters", "splices", "passed_uncut", "parked",
    "tubes_opened", "drops", "trays", "cables",
)  # fmt: skip
#: Columns of the ``fibre_cables`` layer (from the detail's ``cables`` table).
CABLE_COLUMNS = (
    "cable", "layer", "fibres", "tubes", "fibres_per_tube", "start_site", "end_site",
    "length_m", "fibres_used", "fibres_spare", "planned_sizes",
)  # fmt: skip


def name_layers(
    plan: Plan,
    layers: dict[str, gpd.GeoDataFrame],
    names: ObjectNames,
    run_edges: list[list[int]],
    closure_nodes: list[int],
    fdp_nodes: list[int],
) -> None:
    """Add the detail's names to the plan's layers, in place (see the module docstring).

    ``run_edges`` are the edges of each row of the ``cables`` layer;
    ``closure_nodes`` and ``fdp_nodes`` the design-graph node of each row of
    the ``closures`` and ``fdps`` layers.
    """
    sp = layers["splitters"]
    sp.insert(0, "name", [names.splitter.get(int(s), "") for s in sp["splitter_id"]])
    for layer, nodes in (("closures", closure_nodes), ("fdps", fdp_nodes)):
        gdf = layers[layer]
        gdf.insert(0, "name", [names.site_at_node.get(int(v), "") for v in nodes])
    olt = layers["olt"]
    olt["name"] = [names.co or "OLT"]
    cab = layers["cables"]
    cab.insert(
        0,
        "name",
        [
            " ".join(names.cables_along(edges, str(layer)))
            for edges, layer in zip(run_edges, cab["layer"], strict=True)
        ],
    )
    drops = layers["drops"]
    osm = drops["building_osm_id"].astype("int64").tolist()
    drops.insert(0, "name", [names.drop.get(k, "") for k in osm])
    drops.insert(1, "site", [names.drop_site.get(k, "") for k in osm])
    drops.insert(2, "olt_port", [names.olt_ports.get(k, "") for k in osm])
    b = layers["buildings"]
    osm = b["osm_id"].astype("int64").tolist()
    at = b.columns.get_loc("splitter") + 1
    b.insert(at, "splitter_name", [names.splitters_of.get(k, "") for k in osm])
    b.insert(at + 1, "olt_port", [names.olt_ports.get(k, "") for k in osm])
    b.insert(at + 2, "drop", [names.drop.get(k, "") for k in osm])
    if "endpoints" in layers:
        ep = layers["endpoints"]
        ids = [int(x) for x in plan.district.buildings.osm_id[-len(ep) :]] if len(ep) else []
        ports = [names.olt_ports.get(k, "") for k in ids]
        if "run" in ep.columns:  # a pole run's other lamps ride its far lamp's fibre
            of_run = {r: p for r, p in zip(ep["run"], ports, strict=True) if r >= 0 and p}
            ports = [p or of_run.get(r, "") for r, p in zip(ep["run"], ports, strict=True)]
        ep.insert(1, "osm_id", ids)  # as the detail's units.osm_id (a negative id)
        ep.insert(2, "drop", [names.drop.get(k, "") for k in ids])
        ep.insert(3, "co_port", ports)


def detail_layers(
    plan: Plan, detail: Detail, edge_geom: dict[int, shapely.LineString]
) -> dict[str, gpd.GeoDataFrame]:
    """The ``sites`` and ``fibre_cables`` layers of a detail, in the plan's CRS."""
    crs = plan.district.crs
    s = detail.sites
    sites = gpd.GeoDataFrame(
        s[list(SITE_COLUMNS)].reset_index(drop=True),
        geometry=shapely.points(s[["x", "y"]].to_numpy(dtype=float).reshape(-1, 2)),
        crs=crs,
    )
    c = detail.cables
    missing = [e for x in c["edge_ids"].astype(str) for e in map(int, x.split())]
    missing = [e for e in missing if e not in edge_geom]
    if missing:
        more = plan.graph.edge_geometry(plan.district, np.unique(np.asarray(missing)))
        edge_geom = {**edge_geom, **dict(zip(np.unique(missing).tolist(), more, strict=True))}
    lines = []
    node_xy = plan.graph.node_xy
    site_xy = dict(zip(s["site"], s[["x", "y"]].to_numpy(dtype=float), strict=True))
    for edges, start in zip(c["edge_ids"].astype(str), c["start_site"], strict=True):
        coords: list[np.ndarray] = []
        cur = site_xy.get(start, node_xy[0])
        for e in map(int, edges.split()):
            line = np.asarray(edge_geom[e].coords)
            if np.hypot(*(line[-1] - cur)) < np.hypot(*(line[0] - cur)):
                line = line[::-1]
            coords.append(line if not coords else line[1:])
            cur = line[-1]
        lines.append(shapely.LineString(np.concatenate(coords)))
    cables = gpd.GeoDataFrame(
        c[list(CABLE_COLUMNS)].reset_index(drop=True), geometry=lines, crs=crs
    )
    return {"sites": sites, "fibre_cables": cables}
