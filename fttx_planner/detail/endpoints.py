"""Public endpoints of a city plan in the detail (``fttx-planner city``, issue 17).

A city plan's buildings table leaves its endpoints out (their items are
priced apart); its ``endpoints`` table says how each is connected:

* ``pon``: its ports are last-stage splitter outputs like a home's, so it
  joins the homes as a "building" with that many premise units;
* ``dedicated``, and the far pole of a ``shared_run``: its fibres run from
  the CO with no splitter (home-run fibres in the distribution cables, as
  the plan counts them) and end on point-to-point ports at the CO, one
  per fibre;
* the other poles of a ``shared_run`` ride the run's fibre, looped through
  them: they have no fibre of their own.

An endpoint's premise units are written like a home's, ``OSMID/UNIT``, its
OSM id being the negative id the city plan gives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fttx_planner.plan import Plan


@dataclass
class Dedicated:
    """A served endpoint whose fibres run point to point from the CO."""

    building: int
    fibres: int
    path_m: float
    drop_m: float
    loss_db: float
    budget_db: float
    fdp_node: int = -1


@dataclass
class DetailInputs:
    """What the detail reads of a plan's premises.

    Attributes
    ----------
    buildings
        The plan's buildings table with the PON endpoints appended as
        buildings (``homes`` their ports).
    dedicated
        Endpoints on point-to-point fibres from the CO.
    endpoint_of
        District building index -> endpoint row (city plans).
    budget_db
        District building index -> its loss budget where it is not the
        plan's (point-to-point optics).
    """

    buildings: pd.DataFrame
    dedicated: list[Dedicated] = field(default_factory=list)
    endpoint_of: dict[int, int] = field(default_factory=dict)
    budget_db: dict[int, float] = field(default_factory=dict)


def detail_inputs(plan: Plan) -> DetailInputs:
    """The buildings and endpoints the detail connects (see the module docstring)."""
    ep = getattr(plan, "endpoints", None)
    if not isinstance(ep, pd.DataFrame) or not len(ep):
        return DetailInputs(buildings=plan.buildings)
    n_all = len(plan.district.buildings.osm_id)
    rows = n_all - len(ep) + np.arange(len(ep))
    ep = ep.reset_index(drop=True)
    fdp = ep["fdp_node"] if "fdp_node" in ep.columns else pd.Series(-1, index=ep.index)
    live = ep["served"].astype(bool) & (ep["fibres"] > 0)
    pon = live & (ep["rule"].astype(str) == "pon")
    add = pd.DataFrame(
        {
            "building": rows[pon.to_numpy()],
            "homes": ep.loc[pon, "fibres"].astype(int).to_numpy(),
            "served": True,
            "splitter_id": ep.loc[pon, "splitter_id"].astype(int).to_numpy(),
            "fdp_node": fdp[pon].astype(int).to_numpy(),
            "path_m": ep.loc[pon, "path_m"].to_numpy(dtype=float),
            "drop_m": ep.loc[pon, "drop_m"].to_numpy(dtype=float),
            "loss_db": ep.loc[pon, "loss_db"].to_numpy(dtype=float),
        }
    )
    b = plan.buildings
    if "fdp_node" not in b.columns:
        add = add.drop(columns="fdp_node")
    buildings = pd.concat([b, add], ignore_index=True) if len(add) else b
    dedicated = [
        Dedicated(
            building=int(rows[i]),
            fibres=int(ep.at[i, "fibres"]),
            path_m=float(ep.at[i, "path_m"]),
            drop_m=float(ep.at[i, "drop_m"]),
            loss_db=float(ep.at[i, "loss_db"]),
            budget_db=float(ep.at[i, "budget_db"]),
            fdp_node=int(fdp[i]),
        )
        for i in np.flatnonzero((live & ~pon).to_numpy()).tolist()
    ]
    return DetailInputs(
        buildings=buildings,
        dedicated=dedicated,
        endpoint_of={int(r): i for i, r in enumerate(rows.tolist())},
        budget_db={d.building: d.budget_db for d in dedicated},
    )
