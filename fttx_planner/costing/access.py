"""What connecting the buildings costs: drops, entries, in-building boxes, crossings.

One function counts these items for the bill of materials and for the lower
bound alike, so the two can never price them differently.

* A building with fewer than :attr:`~DesignParams.mdu_min_units` premises
  (and no more than a distribution point's ports) gets a house drop:
  ``drop_cable`` from its distribution point to its entry, a wall box
  (``building_entry``) and the drop installation.
* A larger building (an MDU) gets an entry point, an in-building
  distribution box (``mdu_box``, or ``mdu_box_large`` beyond
  :data:`MDU_BOX_PREMISES` premises) and a drop cable sized by its fibres,
  one per premise (standard loose-tube cable sizes, priced like any cable).
* Every premise gets its home connection (in-building riser and patching),
  ONT and its installation, and two splices.
* Drops that cross a main road or a barrier add their crossing items
  (:mod:`fttx_planner.network.crossings`).
* A drop (straight, or along footways) is dug as a drop trench where it
  runs beyond the lead-in the drop installation covers
  (:attr:`~DesignParams.drop_free_m`):
  :func:`~fttx_planner.network.footways.dug_drop_m` gives each drop's metres
  of drop trench, and :func:`drop_trench_total_m` their sum, which the
  crossings record carries (``Crossings.drop_trench_m``) to the bill of
  materials and the bound.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

import numpy as np

from fttx_planner.catalogue import Catalogue
from fttx_planner.network.crossings import Crossings
from fttx_planner.network.footways import dug_drop_m
from fttx_planner.network.graph import Access
from fttx_planner.params import DesignParams

#: Premises an in-building box takes; larger buildings get a distribution frame.
MDU_BOX_PREMISES = 24


class Sizer(Protocol):
    """Standard cable sizes for a fibre count (:class:`fttx_planner.design.cables.CableSizer`)."""

    def sizes(self, fibres: int) -> tuple[int, ...]:
        """Cable sizes, largest first."""
        ...


def is_mdu(homes: np.ndarray, params: DesignParams) -> np.ndarray:
    """``(k,)`` bool: the building gets an in-building box and a sized drop cable."""
    return (homes >= params.mdu_min_units) | (homes > params.fdp_ports)


def drop_trench_total_m(access: Access, params: DesignParams) -> float:
    """Metres of drop trench of the served drops: :func:`dug_drop_m` summed.

    What the crossings record carries as ``drop_trench_m`` (fixed once the
    taps are, so the bill of materials and the lower bound both count it).
    """
    served = access.node >= 0
    shared = access.shared_m if access.shared_m is not None else 0.0
    dug = dug_drop_m(access.drop_m, params.drop_free_m, shared)
    return float(dug[served].sum())


def access_quantities(
    homes: np.ndarray,
    drop_m: np.ndarray,
    params: DesignParams,
    sizer: Sizer,
    crossings: Crossings | None = None,
    barrier: np.ndarray | None = None,
) -> dict[str, float]:
    """Catalogue quantities for connecting the given (served) buildings.

    Parameters
    ----------
    homes
        ``(k,)`` premises of each served building.
    drop_m
        ``(k,)`` drop cable length of each.
    params
        Design parameters (MDU threshold).
    sizer
        Cable sizes, for the drop cables of MDUs.
    crossings
        The road crossings, far-side trenches and metres of drop trench the
        taps fix (``None``: not counted).
    barrier
        ``(k,)`` the barrier kind each drop crosses with no way round it,
        ``""`` for none (``None``: not counted); each is a priced crossing.
    """
    qty: dict[str, float] = defaultdict(float)
    homes = np.asarray(homes, dtype=np.int64)
    drop_m = np.asarray(drop_m, dtype=float)
    mdu = is_mdu(homes, params)
    qty["drop_cable"] += float(drop_m[~mdu].sum())
    for h, length in zip(homes[mdu].tolist(), drop_m[mdu].tolist(), strict=True):
        for s in sizer.sizes(h):
            qty[f"cable_{s}f"] += length
            qty["cable_install"] += length
    qty["drop_install"] += len(homes)
    qty["building_entry"] += len(homes)
    large = mdu & (homes > MDU_BOX_PREMISES)
    qty["mdu_box"] += int((mdu & ~large).sum())
    qty["mdu_box_large"] += int(large.sum())
    n_homes = int(homes.sum())
    qty["home_connect"] += n_homes
    qty["ont"] += n_homes
    qty["ont_install"] += n_homes
    qty["fibre_splice"] += 2 * n_homes
    if crossings is not None:
        qty["road_crossing"] += crossings.count
        qty["trench_footway"] += float(crossings.side_m.sum())
        qty["drop_trench"] += crossings.drop_trench_m
    if barrier is not None:
        qty["barrier_crossing"] += int((np.asarray(barrier) != "").sum())
    return qty


def connection_cost_eur(
    homes: np.ndarray,
    drop_m: np.ndarray,
    params: DesignParams,
    catalogue: Catalogue,
    sizer: Sizer,
    crossings: Crossings | None = None,
    barrier: np.ndarray | None = None,
) -> float:
    """What connecting the served buildings costs in every design with these taps:
    the :func:`access_quantities` (crossings and barrier crossings included) priced."""
    cost = catalogue.cost
    qty = access_quantities(homes, drop_m, params, sizer, crossings, barrier)
    return float(sum(cost(name) * q for name, q in qty.items()))
