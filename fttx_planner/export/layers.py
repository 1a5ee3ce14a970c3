"""The plan's map layers as GeoDataFrames: what every export and map draws."""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from fttx_planner.export.cable_runs import cable_runs
from fttx_planner.export.crossings_layer import crossings_layer
from fttx_planner.export.drops import drop_lines
from fttx_planner.export.palette import splitter_colour_groups
from fttx_planner.plan import Plan

if TYPE_CHECKING:
    from fttx_planner.detail.model import Detail

WGS84 = "EPSG:4326"
#: Layers written by :func:`write_all`, in drawing order.
LAYER_NAMES = (
    "barriers",
    "streets",
    "trenches",
    "cables",
    "drops",
    "buildings",
    "splitters",
    "closures",
    "fdps",
    "crossings",
    "olt",
    "unserved",
)
#: Layers a detailed design adds (:mod:`fttx_planner.export.detail_layers`).
DETAIL_LAYER_NAMES = ("fibre_cables", "sites")


def plan_layers(
    plan: Plan, wgs84: bool = True, detail: Detail | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """The plan's map layers, in WGS84 (exports) or the district's metric CRS (drawing).

    Layers: ``barriers`` (railways, rivers, water, motorways: what drops do not
    cross), ``streets`` (with ``structure``: tunnel, covered, bridge),
    ``trenches`` (one row per street segment),
    ``cables`` (one row per cable run between two joints, see
    :func:`~fttx_planner.export.cable_runs.cable_runs`),
    ``drops``, ``buildings`` (with ``homes, served, splitter_id, splitter,
    loss_db, reason``), ``splitters``, ``closures`` (cable joints),
    ``fdps`` (distribution points), ``olt``, ``unserved``, ``crossings``
    (every road and barrier crossing of the bill of materials, and the
    far-side trenches, :mod:`~fttx_planner.export.crossings_layer`). Buildings and
    last-stage splitters carry ``colour_group``, the index of their splitter
    group's colour in :data:`~fttx_planner.export.palette.GROUP_FILLS`
    (``-1``: unserved or first stage), as the window colours them. A city
    plan (:mod:`fttx_planner.endpoints`) adds ``endpoints`` and, with route
    diversity, ``diverse_paths``.

    With the plan's ``detail`` (:func:`fttx_planner.detail.build_detail`)
    the layers carry its names (``name`` on splitters, closures, fdps,
    drops, cables and the OLT; ``splitter_name``, ``olt_port``, ``drop`` on
    buildings) and two layers are added, ``sites`` and ``fibre_cables``
    (:mod:`fttx_planner.export.detail_layers`).
    """
    d = plan.district
    g = plan.graph
    crs = d.crs
    s = d.streets
    layers: dict[str, gpd.GeoDataFrame] = {}
    layers["streets"] = gpd.GeoDataFrame(
        {"highway": s.edge_highway.astype(str), "carries_fibre": s.edge_trench,
         "structure": s.structure().astype(str), "length_m": s.edge_length_m},
        geometry=s.edge_geometry, crs=crs,
    )  # fmt: skip
    bar = d.barriers
    layers["barriers"] = gpd.GeoDataFrame(
        {"kind": np.asarray(bar.kind if bar is not None else [], dtype=str)},
        geometry=list(bar.geometry) if bar is not None else [], crs=crs,
    )  # fmt: skip

    tr = plan.trenches
    edge_geom = dict(
        zip(tr["edge"].tolist(), g.edge_geometry(d, tr["edge"].to_numpy()), strict=True)
    )
    layers["trenches"] = gpd.GeoDataFrame(
        tr[["edge", "method", "length_m", "trench_m", "duct_m", "aerial_m", "cost_eur"]],
        geometry=[edge_geom[e] for e in tr["edge"]], crs=crs,
    )  # fmt: skip
    runs = cable_runs(plan, edge_geom)
    layers["cables"] = gpd.GeoDataFrame(
        runs.drop(columns=["geometry", "edges"]), geometry=list(runs["geometry"]), crs=crs
    )

    b = plan.buildings
    idx = b["building"].to_numpy()
    labels = plan.splitters.set_index("splitter_id")["label"]
    split_label = [labels.get(int(x), "") if x >= 0 else "" for x in b["splitter_id"]]
    fp = d.buildings.footprint[idx]
    served = b["served"].to_numpy()
    drop_geom = np.empty(len(idx), dtype=object)
    if served.any():
        drop_geom[served] = drop_lines(plan, idx[served], edge_geom)
    layers["drops"] = gpd.GeoDataFrame(
        {
            "building_osm_id": d.buildings.osm_id[idx][served],
            "homes": b["homes"].to_numpy()[served],
            "layer": "drop",
            "length_m": b["drop_m"].to_numpy()[served],
            "fdp_id": b["fdp_id"].to_numpy()[served] if "fdp_id" in b else -1,
            "mdu": b["mdu"].to_numpy()[served] if "mdu" in b else False,
        },
        geometry=list(drop_geom[served]), crs=crs,
    )  # fmt: skip
    layers["buildings"] = gpd.GeoDataFrame(
        {
            "osm_id": d.buildings.osm_id[idx],
            "building": d.buildings.building[idx].astype(str),
            "name": d.buildings.name[idx].astype(str),
            "homes": b["homes"].to_numpy(),
            "homes_from_tag": plan.demand.from_tag[idx],
            "residential_units": plan.demand.residential_units[idx],
            "business_units": plan.demand.business_units[idx],
            "premises_source": plan.demand.sources[idx].astype(str),
            "served": served,
            "splitter_id": b["splitter_id"].to_numpy(),
            "splitter": split_label,
            "path_m": b["path_m"].to_numpy(),
            "drop_m": b["drop_m"].to_numpy(),
            "loss_db": b["loss_db"].to_numpy(),
            "reason": b["reason"].astype(str).to_numpy(),
            "phase": (b["phase"].to_numpy() + 1) if "phase" in b else np.zeros(len(b), int),
        },
        geometry=list(fp), crs=crs,
    )  # fmt: skip
    group = splitter_colour_groups(layers["buildings"])
    layers["buildings"]["colour_group"] = np.array(
        [group.get(int(s), -1) if ok else -1
         for s, ok in zip(b["splitter_id"], served, strict=True)], dtype=np.int64,
    )  # fmt: skip
    sp = plan.splitters
    layers["splitters"] = gpd.GeoDataFrame(
        sp[["splitter_id", "label", "stage", "ratio", "homes", "ports_used", "parent_id"]],
        geometry=shapely.points(sp[["x", "y"]].to_numpy()), crs=crs,
    )  # fmt: skip
    last = sp["stage"].to_numpy() == (sp["stage"].max() if len(sp) else 1)
    layers["splitters"]["colour_group"] = np.array(
        [group.get(int(i), 0) if is_last else -1
         for i, is_last in zip(sp["splitter_id"], last, strict=True)], dtype=np.int64,
    )  # fmt: skip
    nodes_of: dict[str, list[int]] = {}
    for name, table in (("closures", plan.closures), ("fdps", plan.fdps)):
        if table is None:  # a plan made before joints existed
            table = pd.DataFrame({"x": np.zeros(0), "y": np.zeros(0)})
        nodes_of[name] = table["node"].astype(int).tolist() if "node" in table else []
        cols = [c for c in table.columns if c not in ("x", "y", "node", "edge")]
        attrs = table[cols].reset_index(drop=True)
        if name == "closures" and "node" in table:
            # The name the cable runs give this joint (from_joint / to_joint).
            attrs.insert(0, "closure_id", [f"J{int(x)}" for x in table["node"]])
        layers[name] = gpd.GeoDataFrame(
            attrs,
            geometry=shapely.points(table[["x", "y"]].to_numpy(dtype=float).reshape(-1, 2)),
            crs=crs,
        )
    olt_xy = g.node_xy[g.olt_node]
    layers["olt"] = gpd.GeoDataFrame(
        {"name": ["OLT"], "ports": [int((sp["stage"] == 1).sum())]},
        geometry=[shapely.Point(olt_xy)], crs=crs,
    )  # fmt: skip
    uns = ~served
    layers["unserved"] = gpd.GeoDataFrame(
        {
            "osm_id": d.buildings.osm_id[idx][uns],
            "homes": b["homes"].to_numpy()[uns],
            "reason": b["reason"].astype(str).to_numpy()[uns],
        },
        geometry=list(shapely.point_on_surface(fp[uns])), crs=crs,
    )  # fmt: skip
    layers["crossings"] = crossings_layer(plan)
    layers.update(_endpoint_layers(plan))  # city plans only (fttx_planner.endpoints)
    if detail is not None:
        from fttx_planner.detail.names import object_names
        from fttx_planner.export.detail_layers import detail_layers, name_layers

        names = object_names(detail)
        name_layers(
            plan, layers, names, list(runs["edges"]), nodes_of["closures"], nodes_of["fdps"]
        )
        layers.update(detail_layers(plan, detail, edge_geom))
    if wgs84:
        layers = {k: v.to_crs(WGS84) for k, v in layers.items()}
    return layers


def _endpoint_layers(plan: Plan) -> dict[str, gpd.GeoDataFrame]:
    """``endpoints`` (points) and ``diverse_paths`` (their second paths) of a city plan."""
    table = getattr(plan, "endpoints", None)
    if table is None:
        return {}
    crs = plan.district.crs
    xy = table[["x", "y"]].to_numpy(dtype=float).reshape(-1, 2)
    attrs = table.drop(columns=["x", "y", "node", "fdp_node"], errors="ignore")
    attrs = attrs.reset_index(drop=True)
    out = {"endpoints": gpd.GeoDataFrame(attrs, geometry=shapely.points(xy), crs=crs)}
    div = getattr(plan, "diverse_edges", None)
    if div is not None and len(div):
        geom = plan.graph.edge_geometry(plan.district, div["edge"].to_numpy())
        ids = div["endpoint"].to_numpy()
        rows = sorted(set(ids.tolist()))
        out["diverse_paths"] = gpd.GeoDataFrame(
            {"endpoint": rows, "class": table.set_index("endpoint").loc[rows, "class"].to_numpy()},
            geometry=[shapely.multilinestrings(list(geom[ids == r])) for r in rows], crs=crs,
        )  # fmt: skip
    return out
