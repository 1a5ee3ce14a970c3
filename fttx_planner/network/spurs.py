"""Shared drop trenches: a set-back building's drop dug off a neighbour's drop.

Where houses stand behind one another (rear lots, rows set back from the
street, farmsteads), a crew does not dig a trench from the street to every
house: the drop of the house behind leaves the street in the trench of a
drop already laid and branches off where it is nearest to that house. The
lead-in allowance (:attr:`~fttx_planner.params.DesignParams.drop_free_m`,
the first metres of every drop from the street, in the drop installation)
stays per building, counted from the street along its route.

:func:`shared_drops` decides, for every building whose drop is dug beyond
the allowance, whether to run it in another building's drop (its *host*)
up to a point and dig only its own branch from there to its entry. It is
kept when

* digging plus drop cable costs less than the building's own drop;
* its whole route runs through no other building (nor inside one), and the
  branch crosses no barrier (railway, water, motorway) and no street that
  carries trenches;
* the whole route is within the longest drop;
* the host's drop itself crosses no building and no barrier.

The building is then tapped where its host is, its drop cable runs the whole
route, and what is dug is the route beyond both the allowance and ``a``,
where along the host's route (from the street) the branch leaves: the
host's trench up to there exists, whether dug or in the host's lead-in
(:func:`~fttx_planner.network.footways.dug_drop_m`).
A host is never re-routed afterwards. Three passes let a row of houses
chain, each off the drop of the one before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from fttx_planner.network.footways import dug_drop_m
from fttx_planner.network.taps import MIN_DROP_M, BarrierIndex, nearest_entry

#: Rounds of attaching (a house may attach to one attached in an earlier round).
PASSES = 3
#: Branches tried per building and round when the best one is not buildable.
_TRIES = 3
#: A branch leaving its host's drop this near the street leaves at the tap (m).
AT_TAP_M = 1.0
#: A shared drop is kept only when it saves at least this much (EUR).
MIN_SAVING_EUR = 1.0


@dataclass(frozen=True)
class DropPrices:
    """What a drop's route costs: digging beyond the lead-in, and the drop cable.

    Attributes
    ----------
    free_m
        Lead-in allowance from the street (m), in the drop installation.
    dig_cost_per_m
        Drop trench beyond the allowance (EUR/m).
    cable_cost_per_m
        Drop cable (EUR/m).
    """

    free_m: float
    dig_cost_per_m: float
    cable_cost_per_m: float


@dataclass(frozen=True)
class SharedDrops:
    """The drops that leave the street in another building's drop, one row each.

    Attributes
    ----------
    building, host
        ``(n,)`` the building and the building whose drop it shares.
    root
        ``(n,)`` the building whose drop, in its own trench, leaves the street
        where this one is tapped (the host, or the host's root in a chain).
    length_m
        ``(n,)`` the drop cable's route length from the tap to the entry (m).
    from_m
        ``(n,)`` where its branch leaves the host's route, in metres from the
        tap: so far it runs in the host's trench.
    dug_m
        ``(n,)`` metres of its own branch dug beyond its lead-in allowance.
    entry_xy
        ``(n, 2)`` its entry.
    path
        ``(n,)`` LineStrings from the tap (the host's) to the entry.
    """

    building: np.ndarray
    host: np.ndarray
    root: np.ndarray
    length_m: np.ndarray
    from_m: np.ndarray
    dug_m: np.ndarray
    entry_xy: np.ndarray
    path: np.ndarray


def shared_drops(
    footprints: np.ndarray,
    route: np.ndarray,
    clean: np.ndarray,
    prices: DropPrices,
    max_drop_m: float,
    entry_of: dict[int, np.ndarray],
    barriers: BarrierIndex,
    streets: np.ndarray,
    tap_streets: np.ndarray,
) -> SharedDrops:
    """Run set-back drops in their neighbours' drops where that is cheaper.

    Parameters
    ----------
    footprints
        ``(k,)`` building footprints.
    route
        ``(k,)`` each served building's drop, a LineString from its tap to
        its entry (``None``: not served).
    clean
        ``(k,)`` bool: the drop crosses no other building and no barrier
        (only such drops host others).
    prices
        The lead-in allowance and the prices that decide.
    max_drop_m
        Longest drop.
    entry_of
        Entrance points on each building's outline, by building index.
    barriers
        The ground barriers a drop must not cross.
    streets
        Geometries of the streets that carry trenches (a branch crosses none).
    tap_streets
        ``(k,)`` the street geometry each served building is tapped on: a
        branch leaving at its host's tap stays on the host's side of it (a
        crossing to the far side is priced apart, by the road's class).

    Returns
    -------
    SharedDrops
        One row per building that shares a drop.
    """
    k = len(footprints)
    route = np.asarray(route, dtype=object).copy()
    served = shapely.is_geometry(route)
    length = np.zeros(k)
    length[served] = shapely.length(route[served])
    own_cost = _cost(prices, length, dug_drop_m(length, prices.free_m))
    host_of = np.full(k, -1, dtype=np.int64)
    dug = dug_drop_m(length, prices.free_m)
    entry = np.full((k, 2), np.nan)
    from_m = np.zeros(k)
    root_of = np.arange(k)  # whose tap a drop leaves the street at
    frozen = np.zeros(k, dtype=bool)  # a host keeps its route
    clean = np.asarray(clean, dtype=bool).copy()
    building_tree = shapely.STRtree(footprints)
    street_tree = shapely.STRtree(streets) if len(streets) else None
    for _ in range(PASSES):
        hosts = np.flatnonzero(served & clean)
        want = np.flatnonzero(served & (host_of < 0) & ~frozen & (dug > 0))
        if len(hosts) == 0 or len(want) == 0:
            break
        pairs = _pairs(footprints, route, hosts, want, length, entry_of, prices, max_drop_m)
        if pairs is None:
            break
        b, h, a, ent, foot, new_len, new_dug = pairs
        saving = own_cost[b] - _cost(prices, new_len, new_dug)
        ok = saving >= MIN_SAVING_EUR
        routes = np.empty(len(b), dtype=object)  # the joined routes, as checked
        ok &= _same_side(route[h], a, ent, tap_streets[root_of[h]])
        chosen = _buildable(
            b, route[h], a, ent, foot, saving, ok, routes, building_tree, footprints, barriers,
            street_tree,
        )  # fmt: skip
        moved = np.zeros(k, dtype=bool)
        for i in chosen[np.argsort(length[b[chosen]], kind="stable")].tolist():
            bi, hi = int(b[i]), int(h[i])
            if moved[hi] or frozen[bi] or moved[bi]:
                continue  # the host was re-routed this round, or b hosts others
            route[bi], length[bi], dug[bi] = routes[i], float(new_len[i]), float(new_dug[i])
            host_of[bi], entry[bi], from_m[bi] = hi, ent[i], float(a[i])
            root_of[bi] = root_of[hi]
            moved[bi] = frozen[hi] = clean[bi] = True
        if not moved.any():
            break
    rows = np.flatnonzero(host_of >= 0)
    return SharedDrops(
        building=rows,
        host=host_of[rows],
        root=root_of[rows],
        length_m=length[rows],
        from_m=from_m[rows],
        dug_m=dug[rows],
        entry_xy=entry[rows],
        path=route[rows],
    )


def _cost(prices: DropPrices, length_m: np.ndarray, dug_m: np.ndarray) -> np.ndarray:
    """Digging and drop cable of drops (EUR)."""
    return dug_m * prices.dig_cost_per_m + length_m * prices.cable_cost_per_m


def _pairs(
    footprints: np.ndarray,
    route: np.ndarray,
    hosts: np.ndarray,
    want: np.ndarray,
    length: np.ndarray,
    entry_of: dict[int, np.ndarray],
    prices: DropPrices,
    max_drop_m: float,
) -> tuple[np.ndarray, ...] | None:
    """Every (building, host) pair within reach, with where and what the branch would be.

    Returns ``(building, host, a, entry, foot, length, dug)``: where along
    the host's route the branch leaves (m from the street), the branch's
    ends, the new route's length and its dug metres; ``None`` when no pair.
    """
    geoms = route[hosts]
    bi, hj = shapely.STRtree(geoms).query(
        footprints[want], predicate="dwithin", distance=length[want]
    )
    b, h = want[bi], hosts[hj]
    keep = b != h
    b, h = b[keep], h[keep]
    if len(b) == 0:
        return None
    ent, foot = nearest_entry(footprints[b], route[h], b, entry_of)
    a = shapely.line_locate_point(route[h], shapely.points(foot))
    branch = np.hypot(*(foot - ent).T)
    new_len = a + branch
    new_dug = dug_drop_m(new_len, prices.free_m, a)
    ok = (new_len <= max_drop_m) & (new_len >= MIN_DROP_M)
    return b[ok], h[ok], a[ok], ent[ok], foot[ok], new_len[ok], new_dug[ok]


def _buildable(
    b: np.ndarray,
    host_route: np.ndarray,
    a: np.ndarray,
    ent: np.ndarray,
    foot: np.ndarray,
    saving: np.ndarray,
    ok: np.ndarray,
    routes: np.ndarray,
    building_tree: shapely.STRtree,
    footprints: np.ndarray,
    barriers: BarrierIndex,
    street_tree: shapely.STRtree | None,
) -> np.ndarray:
    """Row of each building's best buildable shared drop (the biggest saving).

    The whole route (up the host's drop, then the branch) may run through
    no other building; the branch crosses no barrier and no street. Fills
    ``routes`` at the rows checked.
    """
    ok = ok.copy()
    chosen: dict[int, int] = {}
    for _ in range(_TRIES):
        rows = np.flatnonzero(ok)
        rows = rows[~np.isin(b[rows], list(chosen))]
        if len(rows) == 0:
            break
        rows = rows[np.lexsort((-saving[rows], b[rows]))]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = b[rows][1:] != b[rows][:-1]
        best = rows[first]
        for i in best.tolist():
            routes[i] = _joined(host_route[i], float(a[i]), foot[i], ent[i])
        bad = _through_other(routes[best], b[best], footprints, building_tree)
        seg = shapely.linestrings(np.stack([ent[best], foot[best]], axis=1))
        bad |= barriers.crossed(seg) != ""
        if street_tree is not None:
            s, _ = street_tree.query(seg, predicate="crosses")
            bad[s] = True
        ok[best[bad]] = False
        chosen.update(zip(b[best[~bad]].tolist(), best[~bad].tolist(), strict=True))
        if not bad.any():
            break
    return np.fromiter(chosen.values(), dtype=np.int64, count=len(chosen))


def _same_side(
    host_route: np.ndarray, a_m: np.ndarray, entry: np.ndarray, tap_street: np.ndarray
) -> np.ndarray:
    """``(n,)`` bool: a branch leaving within :data:`AT_TAP_M` of the street keeps to its side.

    A branch from the host's tap itself would otherwise cross the street to
    the far side unpriced. Farther up the host's drop it is off the street.
    """
    out = np.ones(len(a_m), dtype=bool)
    near = np.flatnonzero(a_m < AT_TAP_M)
    if len(near) == 0:
        return out
    route, street = host_route[near], tap_street[near]
    tap = shapely.get_point(route, 0)
    at = shapely.line_locate_point(street, tap)
    ahead = shapely.get_coordinates(shapely.line_interpolate_point(street, at + 0.5))
    behind = shapely.get_coordinates(shapely.line_interpolate_point(street, at - 0.5))
    along = ahead - behind
    tap_xy = shapely.get_coordinates(tap)
    host_xy = shapely.get_coordinates(
        shapely.line_interpolate_point(route, np.minimum(AT_TAP_M, shapely.length(route)))
    )

    def side(xy: np.ndarray) -> np.ndarray:
        d = xy - tap_xy
        return np.sign(along[:, 0] * d[:, 1] - along[:, 1] * d[:, 0])

    out[near] = side(host_xy) * side(entry[near]) >= 0
    return out


def _through_other(
    lines: np.ndarray, own: np.ndarray, footprints: np.ndarray, tree: shapely.STRtree
) -> np.ndarray:
    """``(n,)`` bool: the line runs inside a building other than its own.

    Also a line wholly inside one (a footprint drawn over another), which
    ``crosses`` misses.
    """
    s, g = tree.query(lines, predicate="intersects")
    keep = g != own[s]
    s, g = s[keep], g[keep]
    inside = shapely.relate_pattern(lines[s], footprints[g], "1********")
    out = np.zeros(len(lines), dtype=bool)
    out[s[inside]] = True
    return out


def _joined(host: shapely.LineString, a_m: float, foot: np.ndarray, entry: np.ndarray) -> object:
    """The host's route from its tap up to ``a_m`` (where ``foot`` lies), then on to the entry."""
    coords = np.asarray(shapely.get_coordinates(host))
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
    coords = np.vstack([coords[along < a_m], foot, entry])
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = (np.abs(np.diff(coords, axis=0)) > 1e-9).any(axis=1)
    coords = coords[keep]
    if len(coords) < 2:
        coords = np.vstack([coords, coords])
    return shapely.LineString(coords)
