"""Invariants of a detailed design, checked on its tables (as written to a plan folder)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fttx_planner.detail.construction import fibres_per_tube, tubes
from fttx_planner.detail.model import Detail
from fttx_planner.detail.trace import Tracer
from fttx_planner.plan import Plan


def check_detail(detail: Detail, plan: Plan, traces: int | None = None) -> None:
    """Every invariant of issue 13 that the tables can show."""
    u, p, sp, cab = detail.units, detail.pieces, detail.splices, detail.cables

    # Every served premise unit once, on exactly one OLT port; units per building = homes.
    assert len(u) == plan.homes_passed
    assert not u.duplicated(["osm_id", "unit"]).any()
    served = plan.buildings[plan.buildings["served"]]
    homes = dict(
        zip(plan.district.buildings.osm_id[served["building"]], served["homes"], strict=True)
    )
    assert u.groupby("osm_id").size().to_dict() == {int(k): int(v) for k, v in homes.items()}
    assert (u["olt_port"] != "").all()
    assert set(u["olt_port"]) <= set(detail.olt_ports["olt_port"])
    port_of_first = dict(
        zip(detail.olt_ports["splitter"], detail.olt_ports["olt_port"], strict=True)
    )
    assert (u["stage1_splitter"].map(port_of_first) == u["olt_port"]).all()
    assert detail.olt_ports["splitter"].is_unique

    # Splitter ports: unique, within the ratio, counts as planned.
    ratio = dict(zip(detail.splitters["splitter"], detail.splitters["ratio"], strict=True))
    assert not u.duplicated(["splitter", "splitter_port"]).any()
    assert (u["splitter_port"] >= 1).all()
    assert (u["splitter_port"] <= u["splitter"].map(ratio)).all()
    assert (detail.splitters["ports_used"] <= detail.splitters["ratio"]).all()
    planned = plan.splitters.set_index("splitter_id")["ports_used"]
    for row in detail.splitters.itertuples(index=False):
        assert row.ports_used == planned[row.splitter_id]
    if plan.params.two_stage:
        links = u.drop_duplicates("splitter")
        assert not links.duplicated(["stage1_splitter", "stage1_port"]).any()
        assert (links["stage1_port"] <= links["stage1_splitter"].map(ratio)).all()

    # Fibres within each cable's construction, the spare kept, no fibre used twice.
    size = p["cable"].map(cab.set_index("cable")["fibres"])
    assert (p["tube"] <= size.map(tubes)).all()
    assert (p["fibre"] <= size.map(fibres_per_tube)).all()
    assert (p["tube"] >= 1).all() and (p["fibre"] >= 1).all()
    assert (cab["fibres_used"] <= cab["fibres_usable"]).all()
    usable = np.floor(cab["fibres"] * (1 - detail.meta["settings"]["spare_share"]) + 1e-9)
    assert (cab["fibres_usable"] == usable).all()
    for _, g in p.groupby(["cable", "tube", "fibre"]):
        if len(g) > 1:
            g = g.sort_values("start_m")
            assert (g["start_m"].to_numpy()[1:] >= g["end_m"].to_numpy()[:-1] - 1e-6).all()

    # Splices join fibres of cables that meet at the site.
    pieces = {
        (int(c), int(s)): r
        for c, s, r in zip(p["circuit"], p["seq"], p.itertuples(index=False), strict=True)
    }
    del pieces
    by_circuit = {int(c): g.sort_values("seq") for c, g in p.groupby("circuit")}
    fibre_splices = sp[(sp["action"] == "splice") & (sp["a_tube"] > 0) & (sp["b_tube"] > 0)]
    for row in fibre_splices.itertuples(index=False):
        g = by_circuit[int(row.circuit)]
        into = g[(g["cable"] == row.a) & (g["to_site"] == row.site)]
        out = g[(g["cable"] == row.b) & (g["from_site"] == row.site)]
        assert len(into) == 1 and len(out) == 1, row
    # Splices per site add up; every site has a unique name.
    assert (
        detail.sites.set_index("site")["splices"]
        == sp[sp["action"] == "splice"]
        .groupby("site")
        .size()
        .reindex(detail.sites["site"], fill_value=0)
    ).all()
    for table, col in (
        ("sites", "site"),
        ("splitters", "splitter"),
        ("cables", "cable"),
        ("olt_ports", "olt_port"),
    ):
        assert getattr(detail, table)[col].is_unique, table
    drops = u.drop_duplicates("osm_id")
    assert drops["drop"].is_unique

    # The trace's fibre length and loss are the plan's for that home.
    tracer = Tracer(detail)
    sample = u if traces is None else u.iloc[np.linspace(0, len(u) - 1, traces).astype(int)]
    per_splice = detail.meta["optics"]["splice_loss_db"]
    for row in sample.itertuples(index=False):
        t = tracer.trace(str(row.premise))
        assert abs(t.length_m - row.path_m) < 1e-6 * max(1.0, row.path_m)
        extra = max(0, t.splices - t.splices_planned)
        assert abs(t.loss_db - (row.plan_loss_db + extra * per_splice)) < 1e-9


def same_tables(a: Detail, b: Detail) -> None:
    """Two details have identical tables."""
    for name in Detail.TABLES:
        pd.testing.assert_frame_equal(
            getattr(a, name).reset_index(drop=True),
            getattr(b, name).reset_index(drop=True),
            check_dtype=False,
        )
