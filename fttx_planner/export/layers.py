"""The plan's map layers as GeoDataFrames: what every export and map draws."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from fttx_planner.plan import Plan

WGS84 = "EPSG:4326"
#: Layers written by :func:`write_all`, in drawing order.
LAYER_NAMES = (
    "streets",
    "trenches",
    "cables",
    "drops",
    "buildings",
    "splitters",
    "olt",
    "unserved",
)


def plan_layers(plan: Plan, wgs84: bool = True) -> dict[str, gpd.GeoDataFrame]:
    """The plan's map layers, in WGS84 (exports) or the district's metric CRS (drawing).

    Layers: ``streets``, ``trenches``, ``cables`` (one row per trench edge
    and layer, with ``layer, fibres, cable_size, cable_count, length_m``),
    ``drops``, ``buildings`` (with ``homes, served, splitter_id, splitter,
    loss_db, reason``), ``splitters``, ``olt``, ``unserved``.
    """
    d = plan.district
    g = plan.graph
    crs = d.crs
    s = d.streets
    layers: dict[str, gpd.GeoDataFrame] = {}
    layers["streets"] = gpd.GeoDataFrame(
        {"highway": s.edge_highway.astype(str), "carries_fibre": s.edge_trench,
         "length_m": s.edge_length_m},
        geometry=s.edge_geometry, crs=crs,
    )  # fmt: skip

    tr = plan.trenches
    edge_geom = dict(
        zip(tr["edge"].tolist(), g.edge_geometry(d, tr["edge"].to_numpy()), strict=True)
    )
    layers["trenches"] = gpd.GeoDataFrame(
        tr[["edge", "method", "length_m", "trench_m", "duct_m", "aerial_m", "cost_eur"]],
        geometry=[edge_geom[e] for e in tr["edge"]], crs=crs,
    )  # fmt: skip
    c = plan.cables
    cables = pd.DataFrame(
        {
            "edge": c["edge"], "layer": c["layer"], "fibres": c["fibres"],
            "cable_size": c["sizes"], "cable_count": c["cable_count"],
            "length_m": c["length_m"], "cost_eur": c["cost_eur"],
        }
    )  # fmt: skip
    layers["cables"] = gpd.GeoDataFrame(cables, geometry=[edge_geom[e] for e in c["edge"]], crs=crs)

    b = plan.buildings
    idx = b["building"].to_numpy()
    labels = plan.splitters.set_index("splitter_id")["label"]
    split_label = [labels.get(int(x), "") if x >= 0 else "" for x in b["splitter_id"]]
    fp = d.buildings.footprint[idx]
    served = b["served"].to_numpy()
    tap = plan.access.tap_xy[idx]
    drop_geom = np.empty(len(idx), dtype=object)
    if served.any():
        tap_pts = shapely.points(tap[served])
        drop_geom[served] = shapely.shortest_line(tap_pts, fp[served])
    layers["drops"] = gpd.GeoDataFrame(
        {
            "building_osm_id": d.buildings.osm_id[idx][served],
            "homes": b["homes"].to_numpy()[served],
            "layer": "drop",
            "length_m": b["drop_m"].to_numpy()[served],
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
        },
        geometry=list(fp), crs=crs,
    )  # fmt: skip
    sp = plan.splitters
    layers["splitters"] = gpd.GeoDataFrame(
        sp[["splitter_id", "label", "stage", "ratio", "homes", "ports_used", "parent_id"]],
        geometry=shapely.points(sp[["x", "y"]].to_numpy()), crs=crs,
    )  # fmt: skip
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
    if wgs84:
        layers = {k: v.to_crs(WGS84) for k, v in layers.items()}
    return layers
