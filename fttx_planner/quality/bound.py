"""A lower bound on the cost of any feasible design of a district.

Every feasible design of the same district, parameters and catalogue

* serves the same buildings, so drops, building entries, home connections
  and ONTs cost the same in every design (they are counted identically);
* opens a connected trench network reaching the OLT and every served tap,
  and every trench it opens carries at least one cable, or with
  distribution points drops where the reach and the street graph's bridges
  allow (:func:`~fttx_planner.quality.cable_floor.cable_floor_per_m`): its
  civil and cable cost is at least that of a minimum Steiner tree over the
  OLT and all taps with edge weights *civil cost + that cable floor per
  metre x length*;
* with distribution points, has at least ``ceil(small premises / ports)``
  of them, each with its housing (:func:`housing_eur`);
* needs at least ``ceil(homes / usable ports)`` last-stage splitters (and
  ``ceil`` of that over the first-stage ratio in a two-stage cascade), two
  splices per home and per splitter, a splice closure per two splitters or
  one street cabinet, and one OLT port per first-stage splitter.

The Steiner part is bounded from below by exact graph reductions followed by
Wong's dual ascent on the reduced graph (:func:`steiner_lower_bound`). Street
graphs reduce very well: paths through non-terminals are merged, chains of
buildings along a street collapse to at most two terminals, and the
nearest-vertex test contracts most of the rest, so the dual ascent runs on a
small residual graph; on regular grids the reductions alone solve the Steiner
problem exactly. The bound is the sum of these parts
(:func:`design_lower_bound`); :func:`lower_bound` computes it for a
:class:`~fttx_planner.plan.Plan`.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree

from fttx_planner.costing.access import connection_cost_eur, is_mdu
from fttx_planner.costing.bom import CABINET_MIN_SPLITTERS, CARDS_PER_CHASSIS, PORTS_PER_CARD
from fttx_planner.design.cables import CableSizer
from fttx_planner.design.trench import Reduction, reduce_graph
from fttx_planner.params import Deployment
from fttx_planner.quality.cable_floor import cable_floor_per_m

if TYPE_CHECKING:
    from fttx_planner.catalogue import Catalogue
    from fttx_planner.network.crossings import Crossings
    from fttx_planner.network.graph import Access, DesignGraph
    from fttx_planner.params import DesignParams
    from fttx_planner.plan import Plan


@dataclass(frozen=True)
class LowerBound:
    """A lower bound on a design's cost, by part (EUR).

    Attributes
    ----------
    fixed_eur
        Items the same in every design: drops, building entries, home
        connections, ONTs and their installation, two splices per home,
        crossings and drop trenches fixed by the taps, and (with joints)
        the fewest distribution points with their housings.
    trench_eur
        Steiner-tree bound on civil works plus the least cable (or drops)
        every trench carries.
    splitters_eur
        The fewest splitters, their splices, and the cheapest way to house
        them (closures or one cabinet).
    olt_eur
        The fewest OLT ports, line cards and chassis.
    """

    fixed_eur: float
    trench_eur: float
    splitters_eur: float
    olt_eur: float

    @property
    def total_eur(self) -> float:
        """The bound."""
        return self.fixed_eur + self.trench_eur + self.splitters_eur + self.olt_eur


def lower_bound(plan: Plan) -> float:
    """A lower bound on the cost of any feasible design of the plan's district.

    The bound holds for every design serving the same buildings with the same
    parameters and catalogue; when the OLT site was chosen by the planner
    (neither the district nor the parameters fix it), it holds for every OLT
    site too.

    Parameters
    ----------
    plan
        A plan (only its inputs, design graph and access are used).

    Returns
    -------
    float
        The bound in EUR; ``(plan.total_cost_eur - bound) / plan.total_cost_eur``
        is the plan's gap to it.
    """
    fixed_olt = plan.district.olt_xy is not None or plan.params.olt_x_m is not None
    return design_lower_bound(
        plan.graph,
        plan.access,
        plan.demand.homes,
        plan.params,
        plan.catalogue,
        include_olt=fixed_olt,
        crossings=plan.crossings,
    ).total_eur


def design_lower_bound(
    graph: DesignGraph,
    access: Access,
    homes: np.ndarray,
    params: DesignParams,
    catalogue: Catalogue,
    include_olt: bool = True,
    crossings: Crossings | None = None,
) -> LowerBound:
    """The decomposed lower bound of a district's design problem.

    Parameters
    ----------
    graph
        The design graph; ``edge_cost_eur`` holds each edge's civil cost.
    access
        How buildings reach the graph (``node < 0``: unserved).
    homes
        Homes per building.
    params, catalogue
        Design parameters and prices.
    include_olt
        Whether the OLT node is a terminal of the trench network (``False``
        when the OLT site is free: the bound then holds for any site).
    crossings
        The road crossings fixed by the taps (``None``: not counted).

    Returns
    -------
    LowerBound
        The bound by part.
    """
    served = access.node >= 0
    h = homes[served].astype(np.int64)
    n_homes = int(h.sum())
    cost = catalogue.cost
    # Drops from the tap (a distribution point upstream only lengthens them),
    # entries, in-building boxes, home connections: the same items the BOM counts.
    # Crossings are fixed once the taps are.
    barrier = access.barrier[served] if access.barrier is not None else None
    fixed = connection_cost_eur(
        h, access.drop_m[served], params, catalogue, CableSizer(catalogue), crossings, barrier
    )
    # Every small building's drop goes through a distribution point of at most
    # ``fdp_ports`` premises.
    if params.joints:
        small = h[~is_mdu(h, params)]
        # In greenfield every distribution point sits in a chamber; on reused
        # poles (where the graph has any) it may hang on one instead.
        housing = float(housing_eur(graph, np.arange(len(graph.edge_u)), params, catalogue).min())
        fixed += math.ceil(int(small.sum()) / params.fdp_ports) * (cost("fdp") + housing)
    if n_homes == 0:
        return LowerBound(fixed, 0.0, 0.0, 0.0)

    # Splitters: the fewest that hold every home.
    n_last = math.ceil(n_homes / params.homes_per_splitter)
    if params.two_stage:
        n_first = math.ceil(n_last / params.stage1_ratio)
        n_split = n_last + n_first
        split_eur = n_last * cost(catalogue.splitter_item(params.stage2_ratio)) + n_first * cost(
            catalogue.splitter_item(params.stage1_ratio)
        )
    else:
        n_first = n_split = n_last
        split_eur = n_last * cost(catalogue.splitter_item(params.split_ratio))
    # A site with fewer than CABINET_MIN_SPLITTERS splitters is a closure,
    # else a cabinet: closures hold at most CABINET_MIN_SPLITTERS - 1 each.
    per_closure = CABINET_MIN_SPLITTERS - 1
    site_eur = cost("splice_closure") * math.ceil(n_split / per_closure)
    if n_split >= CABINET_MIN_SPLITTERS:
        site_eur = min(site_eur, cost("street_cabinet"))
    split_eur += site_eur + cost("fibre_splice") * 2 * n_split

    cards = math.ceil(n_first / PORTS_PER_CARD)
    optic = "olt_optic_c_plus" if params.optical_class.value == "C+" else "olt_optic_b_plus"
    olt_eur = (
        n_first * cost(optic)
        + cards * cost("olt_card")
        + math.ceil(cards / CARDS_PER_CHASSIS) * cost("olt_chassis")
    )

    # Trenches: every served tap (and the OLT) on one connected network, each
    # trench carrying at least one cable, or with distribution points drops
    # where the reach and the street graph's bridges allow (cable_floor).
    root = int(graph.olt_node) if include_olt else None
    floor = cable_floor_per_m(graph, access, homes, params, catalogue, root)
    weight = graph.edge_cost_eur + floor * graph.edge_length_m
    terminals = np.unique(access.node[served])
    if include_olt:
        terminals = np.union1d(terminals, [graph.olt_node])
    trench = steiner_lower_bound(graph.n_nodes, graph.edge_u, graph.edge_v, weight, terminals)
    return LowerBound(fixed, trench, split_eur, olt_eur)


def housing_eur(
    graph: DesignGraph,
    edges: np.ndarray,
    params: DesignParams,
    catalogue: Catalogue,
) -> np.ndarray:
    """``(n,)`` the cheapest housing of a closure or distribution point at each node.

    A chamber (``handhole``); on a pole (``pole_mount``, where cheaper) only
    outside greenfield and at nodes with a pole-carried edge among
    ``edges`` (every node if the graph does not say where poles are). The
    bill of materials hangs one on a pole only where the edge above it is
    mostly aerial, so this is never dearer.
    """
    cost = catalogue.cost
    out = np.full(graph.n_nodes, cost("handhole"))
    if params.deployment == Deployment.GREENFIELD:
        return out
    pole_eur = min(cost("handhole"), cost("pole_mount"))
    if graph.edge_pole is None:
        out[:] = pole_eur
        return out
    # Edges added after the poles were known (a region's links to its
    # offices) carry none.
    edges = edges[edges < len(graph.edge_pole)]
    on_pole = edges[graph.edge_pole[edges]]
    out[graph.edge_u[on_pole]] = pole_eur
    out[graph.edge_v[on_pole]] = pole_eur
    return out


# -- Steiner tree lower bound --------------------------------------------------


def steiner_lower_bound(
    n_nodes: int,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    edge_w: np.ndarray,
    terminals: np.ndarray,
) -> float:
    """A lower bound on the minimum Steiner tree spanning ``terminals``.

    Exact reductions (path merging, terminal chains, degree tests, the
    nearest-vertex test) shrink the graph while keeping the optimum; Wong's
    dual ascent bounds what remains. When the reductions leave only
    terminals the residual is solved exactly by a minimum spanning tree.

    Parameters
    ----------
    n_nodes
        Number of nodes.
    edge_u, edge_v, edge_w
        Undirected edges and their non-negative weights.
    terminals
        Nodes to span; they must lie in one connected component.

    Returns
    -------
    float
        The bound.

    Examples
    --------
    A star with three terminal leaves around a Steiner node, and a costlier
    ring through the leaves: the tree is the star (3.0).

    >>> import numpy as np
    >>> u = np.array([0, 0, 0, 1, 2, 3]); v = np.array([1, 2, 3, 2, 3, 1])
    >>> w = np.array([1.0, 1.0, 1.0, 1.9, 1.9, 1.9])
    >>> round(steiner_lower_bound(4, u, v, w, np.array([1, 2, 3])), 6)
    3.0
    """
    terminals = np.unique(np.asarray(terminals, dtype=np.int64))
    if len(terminals) <= 1:
        return 0.0
    red = reduce_graph(n_nodes, edge_u, edge_v, edge_w, terminals)
    return red.fixed_cost + residual_bound(red)


def residual_bound(red: Reduction) -> float:
    """Lower bound of a reduced instance: its MST when only terminals remain
    (then exact), else Wong's dual ascent."""
    if len(red.terminals) <= 1:
        return 0.0
    n = red.n_nodes
    if len(red.terminals) == n:
        mat = coo_matrix((np.maximum(red.w, 1e-300), (red.u, red.v)), shape=(n, n))
        return float(minimum_spanning_tree(mat).sum())
    return dual_ascent(n, red.u, red.v, red.w, red.terminals)


#: Work budget of the dual ascent, in node and arc visits per arc. The
#: ascent gains most of its value early (on a 100,000-building district
#: 99.95 % in the first tenth of its run); stopping early still leaves a
#: valid bound.
DUAL_ASCENT_WORK_PER_ARC = 60
#: Work the dual ascent may always do (small graphs run to the end).
DUAL_ASCENT_MIN_WORK = 200_000


def dual_ascent(
    n_nodes: int,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    edge_w: np.ndarray,
    terminals: np.ndarray,
    work_per_arc: float = DUAL_ASCENT_WORK_PER_ARC,
) -> float:
    """Wong's dual ascent lower bound for the Steiner tree problem.

    Works on the bidirected graph rooted at the first terminal: repeatedly
    takes a terminal not yet reachable from the root along saturated arcs,
    the set ``W`` of nodes reaching it along saturated arcs, and raises the
    dual of the cut into ``W`` by the least reduced cost on it. The sum of
    the raises is a feasible dual of the directed cut relaxation, so it
    bounds the Steiner tree from below. Terminals are taken smallest cut
    first (Polzin and Daneshmand's rule); the nodes reachable from the root
    are kept up to date, so finished terminals cost nothing. The ascent
    stops after ``work_per_arc`` node and arc visits per arc (any prefix of
    it is a valid bound).

    Examples
    --------
    >>> import numpy as np
    >>> dual_ascent(3, np.array([0, 1]), np.array([1, 2]), np.array([2.0, 3.0]),
    ...             np.array([0, 2]))
    5.0
    """
    terminals = np.asarray(terminals, dtype=np.int64)
    if len(terminals) <= 1:
        return 0.0
    m = len(edge_u)
    # Arc k < m runs u -> v, arc k + m runs v -> u.
    tail_a = np.concatenate([edge_u, edge_v])
    head_a = np.concatenate([edge_v, edge_u])
    tails = tail_a.tolist()
    heads = head_a.tolist()
    rc = np.concatenate([edge_w, edge_w]).astype(float).tolist()
    by_head = np.argsort(head_a, kind="stable")
    in_start = np.searchsorted(head_a[by_head], np.arange(n_nodes + 1)).tolist()
    in_arcs = by_head.tolist()
    by_tail = np.argsort(tail_a, kind="stable")
    out_start = np.searchsorted(tail_a[by_tail], np.arange(n_nodes + 1)).tolist()
    out_arcs = by_tail.tolist()
    eps = 1e-12 * max(float(np.max(edge_w)) if m else 1.0, 1.0)
    root = int(terminals[0])
    # Nodes the root reaches along saturated arcs.
    reach = [False] * n_nodes

    def spread(x: int) -> None:
        reach[x] = True
        todo = [x]
        while todo:
            y = todo.pop()
            for k in out_arcs[out_start[y] : out_start[y + 1]]:
                z = heads[k]
                if not reach[z] and rc[k] <= eps:
                    reach[z] = True
                    todo.append(z)

    spread(root)
    budget = work_per_arc * 2 * m + DUAL_ASCENT_MIN_WORK
    work = 0
    stamp = [0] * n_nodes
    mark = 0
    total = 0.0
    heap = [(0, int(t)) for t in terminals[1:]]
    heapq.heapify(heap)
    while heap and work < budget:
        key, t = heapq.heappop(heap)
        if reach[t]:
            continue
        mark += 1
        stamp[t] = mark
        stack = [t]
        members = [t]
        done = False
        while stack and not done:
            x = stack.pop()
            for k in in_arcs[in_start[x] : in_start[x + 1]]:
                if rc[k] <= eps:
                    y = tails[k]
                    if stamp[y] != mark:
                        if reach[y]:
                            done = True
                            break
                        stamp[y] = mark
                        stack.append(y)
                        members.append(y)
        if done:  # pragma: no cover - reach[] is kept complete
            continue
        cut = [
            k
            for x in members
            for k in in_arcs[in_start[x] : in_start[x + 1]]
            if stamp[tails[k]] != mark
        ]
        size = len(cut)
        work += len(members) + size
        if not size:  # pragma: no cover - terminals in another component
            continue
        if heap and size > key and size > heap[0][0]:
            heapq.heappush(heap, (size, t))
            continue
        delta = min(rc[k] for k in cut)
        if delta > eps:
            total += delta
        for k in cut:
            r = rc[k] - delta
            rc[k] = r if r > eps else 0.0
            if r <= eps and reach[tails[k]] and not reach[heads[k]]:
                spread(heads[k])
        heapq.heappush(heap, (size, t))
    return total
