"""The detailed design in the Open Fibre Data Standard (OFDS 0.3): nodes and spans.

:func:`ofds_package` gives an OFDS network package (JSON publication
format): one network whose *nodes* are the detail's sites (CO, cabinets,
closures, FDPs) and whose *spans* are its cables from site to site, with
their routes, fibre counts and lengths, all ``planned``. :func:`write_ofds`
writes it as ``ofds/network.json`` and, by the standard's GeoJSON
transformation (separate feature collections, each feature's properties
those of the node or span with ``featureType`` and the ``network``, a span's
``start``/``end`` the node objects), as ``ofds/nodes.geojson`` and
``ofds/spans.geojson``.

Identifiers: the network's is a UUID derived from the district and the CO
name (the same design gets the same id); nodes and spans use the detail's
names, which are unique. Codes: a node's ``type`` is from the open nodeType
codelist (``pop`` for the CO, ``cabinet``; ``spliceClosure`` and
``distributionPoint`` are our own codes, which an open codelist allows); a
span's ``deployment`` is ``aboveGround`` where its route uses poles, else
``belowGround``. Schema: ``network-schema.json`` of OFDS 0.3.0
(:data:`SCHEMA_URL`), against which ``tests/fttx_planner/test_handover.py``
checks the required fields and references and ``bench/check_ofds.py``
validates in full where ``jsonschema`` and a copy of the schema are at hand.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import shapely

from fttx_planner.export.atomic import write_text_atomic
from fttx_planner.export.geojson import COORDINATE_DECIMALS
from fttx_planner.plan import Plan

if TYPE_CHECKING:
    from fttx_planner.detail.model import Detail

#: The OFDS version written and its schema (the network's first link must name it).
OFDS_VERSION = "0.3.0"
SCHEMA_URL = (
    "https://raw.githubusercontent.com/Open-Telecoms-Data/open-fibre-data-standard/"
    "0__3__0/schema/network-schema.json"
)
#: OFDS coordinate reference system: WGS84 longitude, latitude (the only one allowed).
CRS84 = {
    "name": "urn:ogc:def:crs:OGC::CRS84",
    "uri": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
}
#: Node ``type`` per site kind (open nodeType codelist; the last two are our own codes).
NODE_TYPES = {
    "co": ["pop"],
    "cabinet": ["cabinet"],
    "closure": ["spliceClosure"],
    "fdp": ["distributionPoint"],
}
#: Files :func:`write_ofds` writes into its folder.
OFDS_FILES = ("network.json", "nodes.geojson", "spans.geojson")


def _point(geom: Any) -> dict[str, Any]:
    x, y = shapely.get_coordinates(geom)[0]
    return {"type": "Point", "coordinates": [round(float(x), COORDINATE_DECIMALS),
                                             round(float(y), COORDINATE_DECIMALS)]}  # fmt: skip


def _line(geom: Any) -> dict[str, Any]:
    xy = np.round(shapely.get_coordinates(geom), COORDINATE_DECIMALS)
    return {"type": "LineString", "coordinates": xy.tolist()}


def _aerial_edges(plan: Plan) -> set[int]:
    tr = plan.trenches
    if "method" not in tr.columns:
        return set()
    return set(tr.loc[tr["method"].astype(str) == "aerial", "edge"].astype(int).tolist())


def ofds_package(plan: Plan, detail: Detail, layers: dict[str, gpd.GeoDataFrame]) -> dict[str, Any]:
    """The OFDS network package of a detailed design.

    ``layers`` are the plan's layers in WGS84 with the detail
    (:func:`~fttx_planner.export.layers.plan_layers` with ``detail``): the
    ``sites`` give the nodes' locations, ``fibre_cables`` the spans' routes.
    """
    co = str(detail.meta.get("co", ""))
    district = plan.district.name
    network_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"fttx-planner:{district}:{co}"))
    sites = layers["sites"]
    nodes = [
        {
            "id": str(r.site),
            "name": str(r.site),
            "status": "planned",
            "location": _point(r.geometry),
            "type": NODE_TYPES.get(str(r.kind), [str(r.kind)]),
            "accessPoint": str(r.kind) != "closure",
        }
        for r in sites.itertuples(index=False)
    ]
    aerial = _aerial_edges(plan)
    cab = layers["fibre_cables"]
    edges = dict(zip(detail.cables["cable"].astype(str), detail.cables["edge_ids"], strict=True))
    spans = []
    for r in cab.itertuples(index=False):
        on_poles = any(int(e) in aerial for e in str(edges.get(str(r.cable), "")).split())
        spans.append(
            {
                "id": str(r.cable),
                "name": str(r.cable),
                "status": "planned",
                "start": str(r.start_site),
                "end": str(r.end_site),
                "directed": True,
                "route": _line(r.geometry),
                "transmissionMedium": ["fibre"],
                "deployment": ["aboveGround" if on_poles else "belowGround"],
                "deploymentDetails": {
                    "description": f"{r.layer} cable, {r.tubes} tubes of {r.fibres_per_tube} "
                    f"fibres, {r.fibres_used} fibres used"
                },
                "fibreCount": int(r.fibres),
                "fibreLength": round(float(r.length_m) / 1000, 4),
            }
        )
    network = {
        "id": network_id,
        "name": f"{district}: FTTH plan ({co})",
        "links": [{"href": SCHEMA_URL, "rel": "describedby"}],
        "crs": CRS84,
        "language": "en",
        "nodes": nodes,
        "spans": spans,
    }
    return {"networks": [network]}


def geojson_collections(package: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Nodes and spans feature collections by the OFDS GeoJSON transformation."""
    nodes_fc: list[dict[str, Any]] = []
    spans_fc: list[dict[str, Any]] = []
    for net in package["networks"]:
        about = {k: v for k, v in net.items() if k not in ("nodes", "spans", "phases",
                                                          "organisations")}  # fmt: skip
        by_id = {n["id"]: n for n in net["nodes"]}
        for n in net["nodes"]:
            props = {k: v for k, v in n.items() if k != "location"}
            props = {**props, "featureType": "node", "network": about}
            nodes_fc.append({"type": "Feature", "geometry": n.get("location"), "properties": props})
        for s in net["spans"]:
            props = {k: v for k, v in s.items() if k != "route"}
            props["start"] = by_id[s["start"]]
            props["end"] = by_id[s["end"]]
            props = {**props, "featureType": "span", "network": about}
            spans_fc.append({"type": "Feature", "geometry": s.get("route"), "properties": props})
    return (
        {"type": "FeatureCollection", "features": nodes_fc},
        {"type": "FeatureCollection", "features": spans_fc},
    )


def write_ofds(
    plan: Plan, detail: Detail, layers: dict[str, gpd.GeoDataFrame], folder: Path
) -> list[Path]:
    """Write ``network.json``, ``nodes.geojson`` and ``spans.geojson`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    package = ofds_package(plan, detail, layers)
    nodes, spans = geojson_collections(package)
    paths = []
    for name, doc in zip(OFDS_FILES, (package, nodes, spans), strict=True):
        target = folder / name
        write_text_atomic(target, json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
        paths.append(target)
    return paths
