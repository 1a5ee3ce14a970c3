"""KMZ for field crews: every site with its splice list, the cables and the drops, by name.

``field.kmz`` (:func:`write_field_kmz`) holds three folders from the
detailed design: *Sites* (CO, cabinets, closures, FDPs; each placemark's
description lists its cables, trays and every splice, pass and park of the
splice schedule), *Cables* (each detail cable with its construction and
ends) and *Drops* (each drop, named, with its building, premise units and
their OLT ports). The names are those of the splice book and the trace.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from fttx_planner.export.kml import DESCRIPTION, write_kml

if TYPE_CHECKING:
    from fttx_planner.detail.model import Detail

#: Splice rows listed in one site's description; the rest are in ``detail/splices.csv``.
MAX_ROWS_PER_SITE = 400


class _Html:
    """HTML table cells, each distinct value escaped once (the schedule repeats many)."""

    def __init__(self) -> None:
        self.cells: dict[object, str] = {}

    def cell(self, value: object) -> str:
        out = self.cells.get(value)
        if out is None:
            out = self.cells[value] = f"<td>{html.escape(str(value))}</td>"
        return out

    def table(self, rows: list[tuple[object, ...]], columns: list[str]) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        body = "".join("<tr>" + "".join(map(self.cell, r)) + "</tr>" for r in rows)
        return f"<table border='1' cellspacing='0'><tr>{head}</tr>{body}</table>"


def _side(sp: pd.DataFrame, end: str) -> list[str]:
    """``cable tube/fibre`` (or a device) of one end of every schedule row."""
    return (
        sp[end].astype(str)
        + " "
        + sp[f"{end}_tube"].astype(str)
        + "/"
        + sp[f"{end}_fibre"].astype(str)
    ).tolist()


#: Columns of a site's splice list.
SPLICE_COLUMNS = ["action", "a_side", "a_colour", "b_side", "b_colour", "fibres", "note"]


def site_descriptions(detail: Detail) -> dict[str, str]:
    """Per site name, an HTML description: kind, cables, trays and its splice list."""
    sp = detail.splices
    cells = _Html()
    by_site: dict[str, list[tuple[object, ...]]] = {}
    for site, *row in zip(
        sp["site"].tolist(),
        sp["action"].tolist(),
        _side(sp, "a"),
        sp["a_colour"].tolist(),
        _side(sp, "b"),
        sp["b_colour"].tolist(),
        sp["fibres"].astype(str).tolist(),
        sp["note"].tolist(),
        strict=True,
    ):
        by_site.setdefault(site, []).append(tuple(row))
    out: dict[str, str] = {}
    for r in detail.sites.itertuples(index=False):
        rows = by_site.get(str(r.site), [])
        parts = [
            f"<b>{html.escape(str(r.site))}</b> ({html.escape(str(r.kind))})<br/>",
            f"Cables: {html.escape(str(r.cables))}<br/>",
            f"Splices: {r.splices}, trays: {r.trays}, splitters: {r.splitters}, "
            f"drops: {r.drops}<br/>",
        ]
        if rows:
            parts.append(cells.table(rows[:MAX_ROWS_PER_SITE], SPLICE_COLUMNS))
            if len(rows) > MAX_ROWS_PER_SITE:
                parts.append(
                    f"<br/>... {len(rows) - MAX_ROWS_PER_SITE} more rows in detail/splices.csv"
                )
        out[str(r.site)] = "".join(parts)
    return out


def field_layers(
    layers: dict[str, gpd.GeoDataFrame], detail: Detail
) -> dict[str, gpd.GeoDataFrame]:
    """The field crews' layers (``sites``, ``fibre_cables``, ``drops``) with descriptions.

    ``layers`` are the plan's layers with the detail
    (:func:`~fttx_planner.export.layers.plan_layers` with ``detail``).
    """
    sites = layers["sites"].copy()
    text = site_descriptions(detail)
    sites[DESCRIPTION] = [text.get(str(s), "") for s in sites["site"]]
    cables = layers["fibre_cables"].copy()
    cables[DESCRIPTION] = [
        f"<b>{html.escape(str(r.cable))}</b> ({r.layer}): {r.fibres} fibres in {r.tubes} tubes "
        f"of {r.fibres_per_tube}, {r.fibres_used} used; from {html.escape(str(r.start_site))} "
        f"to {html.escape(str(r.end_site))}, {r.length_m:.0f} m"
        for r in cables.itertuples(index=False)
    ]
    drops = layers["drops"].copy()
    u = detail.units
    cols = ["premise", "olt_port", "splitter", "splitter_port"]
    units: dict[int, list[tuple[object, ...]]] = {}
    for osm, *row in zip(u["osm_id"].tolist(), *(u[c].tolist() for c in cols), strict=True):
        units.setdefault(int(osm), []).append(tuple(row))
    cells = _Html()
    descr = []
    for r in drops.itertuples(index=False):
        mine = units.get(int(r.building_osm_id))
        head = (
            f"<b>{html.escape(str(r.name))}</b> from {html.escape(str(r.site))}, "
            f"building {r.building_osm_id}, {r.length_m:.0f} m<br/>"
        )
        descr.append(head + (cells.table(mine, cols) if mine else ""))
    drops[DESCRIPTION] = descr
    return {"sites": sites, "fibre_cables": cables, "drops": drops}


def write_field_kmz(
    layers: dict[str, gpd.GeoDataFrame],
    detail: Detail,
    target: Path,
    title: str,
    attribution: str = "",
) -> Path:
    """Write ``field.kmz``: sites with their splice lists, cables and drops, by name."""
    return write_kml(field_layers(layers, detail), target, f"{title}: field crews", attribution)
