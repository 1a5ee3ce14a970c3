"""The detail's names per plan object, for the map layers, the report and the GUI.

The detail names every object from the ``[naming]`` templates
(:mod:`fttx_planner.detail.naming`); the splice book and the trace use those
names. :func:`object_names` gives them keyed by what the plan and its map
layers carry (splitter id, design-graph node, OSM id, edge), so that an
export, the report or the window shows the same name for the same object.
The names come from the detail's stable walk of the design, so they do not
change when the same design is planned again.

Examples
--------
::

    from fttx_planner.detail import build_detail, object_names

    names = object_names(build_detail(plan))
    names.splitter[12]          # 'BAL1-J0007-S1.01': the splitter with splitter_id 12
    names.site_at_node[1375]    # 'BAL1-FDP0042': the site at design-graph node 1375
    names.drop[165294942]       # 'BAL1-FDP0042-D03': the drop of that OSM building
    names.olt_ports[165294942]  # 'BAL1-OLT1-01-02': its OLT port(s)
    names.cables_on(1541, "distribution")  # ['BAL1-D0001']
    names.splitter_olt_port[12]  # 'BAL1-OLT1-01-02': the PON port feeding splitter 12
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fttx_planner.detail.model import Detail


@dataclass
class ObjectNames:
    """Names of a detailed design's objects, keyed by the plan's own ids.

    Attributes
    ----------
    co
        The central office's name (the OLT site).
    splitter
        ``{splitter_id: name}`` (``plan.splitters.splitter_id``).
    site_at_node
        ``{design-graph node: site name}`` for every site (CO, cabinets,
        closures, FDPs).
    site_kind
        ``{site name: kind}`` (``co``, ``cabinet``, ``closure``, ``fdp``).
    drop
        ``{OSM id: drop name}`` of every served building (or endpoint).
    drop_site
        ``{OSM id: site name}``: the site its drop leaves.
    olt_ports
        ``{OSM id: port names}``: the OLT PON port(s) (or point-to-point
        ports) its premise units hang on, space-separated.
    splitters_of
        ``{OSM id: splitter names}``: the last-stage splitter(s) of its units.
    cable_edges
        ``{(layer, edge): [cable names]}``: the cables laid on each trench
        edge of each layer (several when cables run side by side).
    splitter_olt_port
        ``{splitter_id: OLT port name}``: the PON port feeding each splitter
        (a second-stage splitter's through its first stage).
    """

    co: str
    splitter: dict[int, str] = field(default_factory=dict)
    site_at_node: dict[int, str] = field(default_factory=dict)
    site_kind: dict[str, str] = field(default_factory=dict)
    drop: dict[int, str] = field(default_factory=dict)
    drop_site: dict[int, str] = field(default_factory=dict)
    olt_ports: dict[int, str] = field(default_factory=dict)
    splitters_of: dict[int, str] = field(default_factory=dict)
    cable_edges: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    splitter_olt_port: dict[int, str] = field(default_factory=dict)

    def cables_on(self, edge: int, layer: str) -> list[str]:
        """The cable names laid on a trench edge in a layer (empty when none)."""
        return self.cable_edges.get((layer, int(edge)), [])

    def cables_along(self, edges: list[int], layer: str) -> list[str]:
        """The cable names along several edges of a layer, first met first, each once."""
        out: dict[str, None] = {}
        for e in edges:
            for name in self.cable_edges.get((layer, int(e)), []):
                out.setdefault(name)
        return list(out)


def object_names(detail: Detail) -> ObjectNames:
    """The names of ``detail``'s objects keyed by the plan's ids (see :class:`ObjectNames`).

    Works on a detail built in memory (:func:`~fttx_planner.detail.model.build_detail`)
    or read from a plan folder (:func:`~fttx_planner.detail.files.read_detail`);
    a detail written before cables recorded their edges gives no cable names.
    """
    sites = detail.sites
    out = ObjectNames(co=str(detail.meta.get("co", "")))
    out.splitter = dict(
        zip(
            detail.splitters["splitter_id"].astype(int).tolist(),
            detail.splitters["splitter"].astype(str).tolist(),
            strict=True,
        )
    )
    out.site_at_node = dict(
        zip(sites["node"].astype(int).tolist(), sites["site"].astype(str).tolist(), strict=True)
    )
    out.site_kind = dict(
        zip(sites["site"].astype(str).tolist(), sites["kind"].astype(str).tolist(), strict=True)
    )
    u = detail.units
    first = u.drop_duplicates("osm_id")
    osm = first["osm_id"].astype("int64").tolist()
    out.drop = dict(zip(osm, first["drop"].astype(str).tolist(), strict=True))
    out.drop_site = dict(zip(osm, first["site"].astype(str).tolist(), strict=True))
    for col, target in (("olt_port", out.olt_ports), ("splitter", out.splitters_of)):
        pairs = u[["osm_id", col]].astype({col: str}).drop_duplicates()
        pairs = pairs[pairs[col] != ""]
        for k, names in pairs.groupby("osm_id", sort=False)[col]:
            target[int(k)] = " ".join(names.tolist())
    id_of = {name: sid for sid, name in out.splitter.items()}
    for col in ("stage1_splitter", "splitter"):
        for name, port in zip(u[col].astype(str), u["olt_port"].astype(str), strict=True):
            if name in id_of:
                out.splitter_olt_port.setdefault(id_of[name], port)
    c = detail.cables
    if "edge_ids" in c.columns:
        for name, layer, edges in zip(
            c["cable"].astype(str), c["layer"].astype(str), c["edge_ids"].astype(str), strict=True
        ):
            for e in edges.split():
                out.cable_edges.setdefault((layer, int(e)), []).append(name)
    return out
