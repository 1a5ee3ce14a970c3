"""Click-to-trace on the map: a premise's fibre path, every premise behind a splitter or port.

:func:`build_trace_index` takes the plan shown and its :class:`~ui.map_scene.MapScene`
and builds the plan's detailed design (:func:`fttx_planner.detail.model.build_detail`,
the same tables as ``fttx-planner trace``) with what the map needs to draw a trace:
the trench tree (each drop node's way up to the OLT), the geometry of every
trench edge and the position of every site. It takes a fifth of a second on a
sample city and seconds on a large district, so the window builds it in a
worker thread after each plan.

:meth:`TraceIndex.trace_building` gives the trace of each premise unit of a
building (:class:`~fttx_planner.detail.trace.Trace`, element by element with
the loss at 1310 and 1490 nm) and a :class:`Highlight` of its path (OLT ->
feeder -> splitters -> closures -> FDP -> drop -> building);
:meth:`TraceIndex.behind_splitter` and :meth:`TraceIndex.behind_port` give every
premise unit behind a splitter or an OLT port with a highlight of their
buildings and the cables from there down. :class:`FeatureNames` puts the
detail's names (from the naming templates, through
:func:`fttx_planner.detail.names.object_names`) on the map's features.

No Qt here: plain values, built in a worker and read in the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from fttx_planner.detail.errors import DetailError
from fttx_planner.detail.model import Detail, build_detail
from fttx_planner.detail.names import object_names
from fttx_planner.detail.ports import drop_nodes
from fttx_planner.detail.trace import BEHIND_COLUMNS, Trace, Tracer
from fttx_planner.detail.tree import design_tree
from fttx_planner.plan import Plan


@dataclass
class Highlight:
    """What the map draws over the network for a trace (metric coordinates).

    Attributes
    ----------
    title
        What is highlighted, for the legend and the panel.
    lines
        The fibre path (trench edges and drops), or ``None``.
    areas
        Building footprints, or ``None``.
    points
        Sites on the path (``n x 2``), drawn as rings.
    labels
        A name per point (drawn when the map is zoomed in enough).
    """

    title: str
    lines: Any = None
    areas: Any = None
    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    labels: list[str] = field(default_factory=list)


@dataclass
class BuildingTrace:
    """The traces of a building's premise units and the highlight of their path."""

    building: int
    traces: list[Trace]
    highlight: Highlight


@dataclass
class Behind:
    """Every premise unit behind a splitter or OLT port, and the highlight of them."""

    name: str
    kind: str
    units: pd.DataFrame
    buildings: int
    highlight: Highlight


@dataclass
class FeatureNames:
    """Names from the naming templates for the map's features (keys: layer row index)."""

    co: str
    splitters: dict[int, str]
    joints: dict[int, str]
    cables: dict[str, dict[int, list[str]]]
    buildings: dict[int, tuple[str, str]]
    olt_ports: list[str]
    splitter_of_id: dict[int, str] = field(default_factory=dict)

    def rows(self, kind: str, index: int) -> list[tuple[str, str]]:
        """Rows to add to the details of feature ``index`` of layer ``kind``."""
        if kind == "olt":
            return [("Name", self.co), ("OLT ports", f"{len(self.olt_ports):,}")]
        if kind == "splitters" and index in self.splitters:
            return [("Name", self.splitters[index])]
        if kind == "joints" and index in self.joints:
            return [("Name", self.joints[index])]
        names = self.cables.get(kind, {}).get(index)
        if kind in ("feeder", "distribution") and names:
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            return [("Cable" if len(names) == 1 else "Cables", shown)]
        if kind == "buildings" and index in self.buildings:
            drop, site = self.buildings[index]
            return [("Drop cable", drop), ("Fed from", site)]
        return []


@dataclass
class TraceIndex:
    """A plan's detailed design with what the map needs to draw traces."""

    detail: Detail
    tracer: Tracer
    names: FeatureNames
    seconds: float
    _parent: np.ndarray
    _parent_edge: np.ndarray
    _root: int
    _tap: np.ndarray
    _edge_geom: dict[int, Any]
    _drop_geom: dict[int, Any]
    _footprint: dict[int, Any]
    _building_of_row: np.ndarray
    _splitter_node: dict[str, int]
    _site_xy: dict[str, tuple[float, float]]
    _splitter_site: dict[str, str]
    _site_node: dict[str, int]
    _cable_start: dict[str, str]

    # -- traces -----------------------------------------------------------------------
    def trace_building(self, row: int) -> BuildingTrace:
        """Traces of the premise units of the building in row ``row`` of the buildings layer.

        Raises
        ------
        fttx_planner.detail.errors.DetailError
            When the building has no served premise.
        """
        bi = int(self._building_of_row[row])
        units = self.detail.units
        mine = units.loc[units["building"] == bi]
        if mine.empty:
            msg = "this building has no served premise: nothing to trace"
            raise DetailError(msg)
        traces = [self.tracer.trace(str(p)) for p in mine["premise"]]
        edges = self._path_edges([int(self._tap[bi])], self._root)
        sites = [
            str(self.detail.meta["co"]),
            *self._path_sites(traces[0]),
            str(mine["site"].iloc[0]),
        ]
        pts, labels = self._site_points(list(dict.fromkeys(sites)))
        title = f"Path of {traces[0].premise.split('/')[0]}"
        highlight = Highlight(title, self._lines(edges, [bi]), self._footprint.get(bi), pts, labels)
        return BuildingTrace(bi, traces, highlight)

    def behind_splitter(self, splitter_id: int) -> Behind:
        """Every premise unit behind splitter ``splitter_id`` (the plan's id)."""
        name = self.names.splitter_of_id.get(splitter_id)
        if name is None:
            msg = f"splitter {splitter_id} is not in the detailed design"
            raise DetailError(msg)
        site = self._splitter_site.get(name, "")
        return self._behind(
            name, "splitter", self.tracer.behind(name), self._splitter_node[name], site
        )

    def behind_port(self, port: str) -> Behind:
        """Every premise unit behind OLT port ``port`` (its name)."""
        return self._behind(port, "OLT port", self.tracer.behind(port), self._root, "")

    def behind_cables(self, cables: list[str]) -> Behind:
        """Every premise unit whose fibre runs in one of ``cables`` (the cables of a route)."""
        if not cables:
            msg = "no cable of the detailed design runs here"
            raise DetailError(msg)
        units = pd.concat([self.tracer.behind(c) for c in cables]).drop_duplicates("premise")
        start = self._cable_start.get(cables[0], "")
        stop = self._site_node.get(start, self._root)
        name = cables[0] if len(cables) == 1 else f"{cables[0]} and {len(cables) - 1} more"
        kind = "cable" if len(cables) == 1 else "cables"
        return self._behind(name, kind, units, stop, start)

    def _behind(self, name: str, kind: str, units: pd.DataFrame, stop: int, site: str) -> Behind:
        buildings = sorted(set(units["building"].astype(int).tolist()))
        edges = self._path_edges([int(self._tap[b]) for b in buildings], stop)
        if kind == "OLT port" and len(units):
            # The feeder from the OLT to the port's first splitter.
            first = str(units["stage1_splitter"].iloc[0])
            edges += self._path_edges([self._splitter_node[first]], self._root)
        areas = [self._footprint[b] for b in buildings if b in self._footprint]
        pts, labels = self._site_points([site] if site else [])
        highlight = Highlight(
            f"Behind {name}",
            self._lines(edges, buildings),
            shapely.union_all(areas) if areas else None,
            pts,
            [name if kind == "splitter" else label for label in labels],
        )
        cols = [c for c in BEHIND_COLUMNS if c in units.columns]
        return Behind(name, kind, units[cols].reset_index(drop=True), len(buildings), highlight)

    # -- geometry -----------------------------------------------------------------------
    def _path_edges(self, starts: Iterable[int], stop: int) -> list[int]:
        """Tree edges from each start node up to ``stop`` (or the root), each edge once."""
        seen: set[int] = set()
        edges: list[int] = []
        parent, parent_edge = self._parent, self._parent_edge
        for v in starts:
            while v >= 0 and v != stop and v not in seen:
                seen.add(v)
                e = int(parent_edge[v])
                if e < 0:
                    break
                edges.append(e)
                v = int(parent[v])
        return edges

    def _lines(self, edges: list[int], buildings: list[int]) -> Any:
        parts = [self._edge_geom[e] for e in edges if e in self._edge_geom]
        parts += [self._drop_geom[b] for b in buildings if b in self._drop_geom]
        parts = [p for p in parts if p is not None and not shapely.is_empty(p)]
        if not parts:
            return None
        return shapely.multilinestrings(list(shapely.get_parts(np.asarray(parts, dtype=object))))

    def _path_sites(self, trace: Trace) -> list[str]:
        """The sites a trace passes, in order (splices and splitters), each once."""
        out: list[str] = []
        for e in trace.elements:
            site = e.name if e.kind == "splice" else self._splitter_site.get(e.name, "")
            if e.kind in ("splice", "splitter") and site and site not in out:
                out.append(site)
        return out

    def _site_points(self, sites: list[str]) -> tuple[np.ndarray, list[str]]:
        known = [s for s in sites if s in self._site_xy]
        if not known:
            return np.zeros((0, 2)), []
        return np.array([self._site_xy[s] for s in known], dtype=float), known


def build_trace_index(
    plan: Plan, layers: dict[str, Any], check: Callable[[], None] | None = None
) -> TraceIndex:
    """The detailed design of ``plan`` and the map's view of it.

    Parameters
    ----------
    plan
        The plan shown.
    layers
        The map's layers of that plan (``MapScene.layers``: metric CRS).
    check
        Called between steps; may raise to cancel.
    """
    import time

    step = check or (lambda: None)
    t0 = time.perf_counter()
    detail = build_detail(plan)
    step()
    tracer = Tracer(detail)
    tree = design_tree(plan)
    tap = drop_nodes(plan)
    step()
    tr = layers["trenches"]
    edge_geom = dict(zip(tr["edge"].astype(int).tolist(), tr.geometry.values, strict=True))
    b = layers["buildings"]
    building_of_row = plan.buildings["building"].to_numpy().astype(np.int64)
    footprint = {
        int(bi): g for bi, g in zip(building_of_row.tolist(), b.geometry.values, strict=True)
    }
    drops = layers["drops"]
    osm_to_bi: dict[int, int] = {}
    for bi, osm in zip(building_of_row.tolist(), b["osm_id"].tolist(), strict=True):
        osm_to_bi.setdefault(int(osm), int(bi))
    drop_geom = {
        osm_to_bi[int(o)]: g
        for o, g in zip(drops["building_osm_id"].tolist(), drops.geometry.values, strict=True)
        if int(o) in osm_to_bi
    }
    sites = detail.sites
    site_xy = {
        str(s): (float(x), float(y))
        for s, x, y in zip(sites["site"], sites["x"], sites["y"], strict=True)
    }
    node_site = dict(
        zip(sites["node"].astype(int).tolist(), sites["site"].astype(str).tolist(), strict=True)
    )
    spl = detail.splitters
    name_of_id = dict(
        zip(spl["splitter_id"].astype(int).tolist(), spl["splitter"].astype(str), strict=True)
    )
    node_of_id = dict(
        zip(plan.splitters["splitter_id"].astype(int), plan.splitters["node"], strict=True)
    )
    splitter_node = {name_of_id[i]: int(node_of_id[i]) for i in name_of_id if i in node_of_id}
    step()
    names = _feature_names(plan, layers, detail)
    index = TraceIndex(
        detail=detail,
        tracer=tracer,
        names=names,
        seconds=0.0,
        _parent=np.asarray(tree.parent, dtype=np.int64),
        _parent_edge=np.asarray(tree.parent_edge, dtype=np.int64),
        _root=tree.root,
        _tap=np.asarray(tap, dtype=np.int64),
        _edge_geom=edge_geom,
        _drop_geom=drop_geom,
        _footprint=footprint,
        _building_of_row=building_of_row,
        _splitter_node=splitter_node,
        _site_xy=site_xy,
        _splitter_site=dict(zip(spl["splitter"].astype(str), spl["site"].astype(str), strict=True)),
        _site_node={site: node for node, site in node_site.items()},
        _cable_start=dict(
            zip(
                detail.cables["cable"].astype(str),
                detail.cables["start_site"].astype(str),
                strict=True,
            )
        ),
    )
    index.seconds = time.perf_counter() - t0
    return index


def _feature_names(plan: Plan, layers: dict[str, Any], detail: Detail) -> FeatureNames:
    """The detail's names (:func:`fttx_planner.detail.names.object_names`) keyed by map rows."""
    names = object_names(detail)
    sp = layers["splitters"]
    splitters = {
        i: names.splitter[int(s)]
        for i, s in enumerate(sp["splitter_id"].tolist())
        if int(s) in names.splitter
    }
    joints: dict[int, str] = {}
    offset = 0
    for table in (plan.closures, plan.fdps):  # the map's joints: closures, then FDPs
        if table is None:
            continue
        if "node" in table.columns:
            for i, v in enumerate(table["node"].astype(int).tolist()):
                if v in names.site_at_node:
                    joints[offset + i] = names.site_at_node[v]
        offset += len(table)
    cables: dict[str, dict[int, list[str]]] = {}
    for layer in ("feeder", "distribution"):
        frame = layers.get(layer)
        if frame is None or "edge" not in frame.columns:
            continue
        on = (names.cables_on(int(e), layer) for e in frame["edge"].tolist())
        cables[layer] = {i: c for i, c in enumerate(on) if c}
    buildings = {
        i: (names.drop[int(o)], names.drop_site[int(o)])
        for i, o in enumerate(layers["buildings"]["osm_id"].tolist())
        if int(o) in names.drop
    }
    return FeatureNames(
        co=names.co,
        splitters=splitters,
        joints=joints,
        cables=cables,
        buildings=buildings,
        olt_ports=detail.olt_ports["olt_port"].astype(str).tolist(),
        splitter_of_id=names.splitter,
    )
