"""Trace one premise unit from its OLT port, element by element, with its loss.

The elements are the OLT port and its patch to the ODF, every splice, every
cable piece (cable, tube and fibre with colours, length), the splitters, the
drop and the connector at the premise. Loss is given at 1310 nm (the plan's
attenuation) and 1490 nm. The plan budgets a fixed number of splices and
connectors per path; those the path does not have are listed as the plan's
reserve, so the total equals the plan's loss for the home, unless the path
has more splices than the plan counted, which the trace reports.

The reverse: every premise unit behind an OLT port, a splitter or a cable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fttx_planner.detail.errors import DetailError
from fttx_planner.detail.model import Detail
from fttx_planner.params import SPLITTER_LOSS_DB

#: Mated connector pairs on every path: OLT port to ODF patch, ONT at the premise.
PATH_CONNECTORS = 2
#: Columns listing the premise units behind a splitter or OLT port (``trace --from``).
BEHIND_COLUMNS = (
    "premise",
    "olt_port",
    "stage1_splitter",
    "splitter",
    "splitter_port",
    "site",
    "drop",
    "plan_loss_db",
)


@dataclass
class Element:
    """One element of a trace."""

    kind: str
    name: str
    what: str
    length_m: float = 0.0
    loss_db: float = 0.0
    loss_1490_db: float = 0.0


@dataclass
class Trace:
    """The path of one premise unit and its loss against the plan."""

    premise: str
    elements: list[Element]
    plan_loss_db: float
    budget_db: float
    splices: int
    splices_planned: int
    notes: list[str] = field(default_factory=list)

    @property
    def loss_db(self) -> float:
        """Total loss at 1310 nm."""
        return sum(e.loss_db for e in self.elements)

    @property
    def loss_1490_db(self) -> float:
        """Total loss at 1490 nm."""
        return sum(e.loss_1490_db for e in self.elements)

    @property
    def length_m(self) -> float:
        """Fibre length from OLT to premise."""
        return sum(e.length_m for e in self.elements)

    def table(self) -> str:
        """The trace as an aligned text table with cumulative loss."""
        head = (
            f"{'#':>3} {'element':<10} {'name':<28} {'detail':<44} {'m':>8} "
            f"{'dB 1310':>8} {'cum':>7} {'dB 1490':>8} {'cum':>7}"
        )
        lines = [f"Premise {self.premise}", head, "-" * len(head)]
        cum = cum2 = 0.0
        for i, e in enumerate(self.elements, start=1):
            cum += e.loss_db
            cum2 += e.loss_1490_db
            length = f"{e.length_m:8.1f}" if e.length_m else " " * 8
            lines.append(
                f"{i:>3} {e.kind:<10} {e.name[:28]:<28} {e.what[:44]:<44} {length} "
                f"{e.loss_db:8.2f} {cum:7.2f} {e.loss_1490_db:8.2f} {cum2:7.2f}"
            )
        lines.append("-" * len(head))
        lines.append(
            f"    total {self.length_m:,.1f} m of fibre; loss {self.loss_db:.2f} dB at 1310 nm, "
            f"{self.loss_1490_db:.2f} dB at 1490 nm; budget {self.budget_db:.1f} dB "
            f"(margin {self.budget_db - self.loss_db:.2f} dB); plan's loss for this home "
            f"{self.plan_loss_db:.2f} dB"
        )
        lines.append(
            f"    splices on the path {self.splices} (the plan counts {self.splices_planned})"
        )
        lines.extend(f"    note: {n}" for n in self.notes)
        return "\n".join(lines)


class Tracer:
    """Traces on a detailed design (in memory or read from a plan folder)."""

    def __init__(self, detail: Detail) -> None:
        self.detail = detail
        self.optics = detail.meta["optics"]
        # One pass over each table: the rows of every circuit, in order.
        self._pieces: dict[int, list[Any]] = {}
        for r in detail.pieces.sort_values(["circuit", "seq"]).itertuples(index=False):
            self._pieces.setdefault(int(r.circuit), []).append(r)
        self._splices: dict[int, list[Any]] = {}
        for r in detail.splices.itertuples(index=False):
            if r.action == "splice":
                self._splices.setdefault(int(r.circuit), []).append(r)
        self._units = list(detail.units.itertuples(index=False))
        self._row = {str(p): i for i, p in enumerate(detail.units["premise"])}
        self._ratio = dict(
            zip(detail.splitters["splitter"], detail.splitters["ratio"], strict=True)
        )

    def units_of(self, building: str | int) -> pd.DataFrame:
        """The premise units of a building (OSM id)."""
        u = self.detail.units
        try:
            osm = int(building)
        except ValueError:
            osm = None
        rows = u[u["osm_id"] == osm]
        if rows.empty:
            msg = f"no served premise in building {building!r} (give its OSM id)"
            raise DetailError(msg)
        return rows

    def trace(self, premise: str) -> Trace:
        """The trace of a premise unit ``"OSMID/UNIT"``."""
        i = self._row.get(premise)
        if i is None:
            msg = f"no served premise unit {premise!r} (units are written OSM_ID/UNIT, e.g. 123/1)"
            raise DetailError(msg)
        row = self._units[i]._asdict()
        o = self.optics
        per_m = o["fibre_loss_db_per_km"] / 1000
        per_m2 = o["fibre_loss_db_per_km_1490"] / 1000
        splice = o["splice_loss_db"]
        conn = o["connector_loss_db"]
        # A point-to-point fibre (a city plan's endpoint) has no feeder and no splitter.
        p2p = int(row["feeder_circuit"]) < 0
        what = "CO point-to-point port" if p2p else "OLT port"
        els = [Element("olt", str(row["olt_port"]), f"{what}, patch cord to ODF", 0, conn, conn)]
        n_splices = 0
        chain = [] if p2p else [int(row["feeder_circuit"])]
        if int(row["link_circuit"]) >= 0:
            chain.append(int(row["link_circuit"]))
        chain.append(int(row["circuit"]))
        for k, ci in enumerate(chain):
            joints = self._splices.get(ci, [])
            runs = self._pieces.get(ci, [])
            for j, joint in enumerate(joints):
                n_splices += 1
                els.append(
                    Element("splice", str(joint.site), f"{joint.a} > {joint.b}", 0, splice, splice)
                )
                if j < len(runs):
                    r = runs[j]
                    length = float(r.length_m)
                    els.append(
                        Element(
                            "fibre",
                            str(r.cable),
                            f"tube {r.tube} ({r.tube_colour}) fibre {r.fibre} "
                            f"({r.fibre_colour}) {r.from_site} > {r.to_site}",
                            length,
                            length * per_m,
                            length * per_m2,
                        )
                    )
            if k < len(chain) - 1:
                # After the feeder: the first-stage splitter (the only one of a
                # single stage); after the link of a cascade: the second stage.
                name = str(row["stage1_splitter"] if k == 0 else row["splitter"])
                loss = SPLITTER_LOSS_DB[int(self._ratio[name])]
                els.append(
                    Element("splitter", name, f"1:{self._ratio[name]} splitter", 0, loss, loss)
                )
        drop = float(row["drop_m"])
        els.append(
            Element(
                "drop",
                str(row["drop"]),
                f"drop fibre {row['drop_fibre']}",
                drop,
                drop * per_m,
                drop * per_m2,
            )
        )
        els.append(Element("premise", premise, "wall outlet, ONT connector", 0, conn, conn))
        notes = []
        reserve = int(o["splices_per_path"]) - n_splices
        if reserve > 0:
            els.append(
                Element(
                    "reserve",
                    "splices",
                    f"{reserve} more splices the plan counts",
                    0,
                    reserve * splice,
                    reserve * splice,
                )
            )
        elif reserve < 0:
            notes.append(
                f"the path has {-reserve} splice(s) more than the plan's {o['splices_per_path']}: "
                f"{-reserve * splice:.2f} dB over the plan's loss"
            )
        extra = int(o["connectors_per_path"]) - PATH_CONNECTORS
        if extra > 0:
            els.append(
                Element(
                    "reserve",
                    "connectors",
                    f"{extra} more connectors the plan counts",
                    0,
                    extra * conn,
                    extra * conn,
                )
            )
        m = float(o["safety_margin_db"])
        els.append(Element("margin", "safety margin", "kept free for ageing and repairs", 0, m, m))
        return Trace(
            premise=premise,
            elements=els,
            plan_loss_db=float(row["plan_loss_db"]),
            budget_db=float(row.get("budget_db", o["budget_db"])),
            splices=n_splices,
            splices_planned=int(o["splices_per_path"]),
            notes=notes,
        )

    def behind(self, name: str) -> pd.DataFrame:
        """Every premise unit behind an OLT port, a splitter or a cable."""
        u = self.detail.units
        for col in ("olt_port", "stage1_splitter", "splitter"):
            hit = u[u[col] == name]
            if not hit.empty:
                return hit
        p = self.detail.pieces
        circuits = set(p.loc[p["cable"] == name, "circuit"].tolist())
        if circuits:
            mask = (
                u["circuit"].isin(circuits)
                | u["feeder_circuit"].isin(circuits)
                | u["link_circuit"].isin(circuits)
            )
            return u[mask]
        msg = f"{name!r} is no OLT port, splitter or cable of this design"
        raise DetailError(msg)
