"""Exact reference: the design problem as a mixed-integer program (HiGHS).

Not on the planning path: it measures how far the engine is from the best
possible design on small districts (up to a few hundred homes).

The formulation is the engine's design problem, priced with the same
catalogue and counted like :func:`fttx_planner.bom.build_bom`:

* **Trenches** form an arborescence rooted at the OLT on the design graph
  (bidirected): binary ``y[a]`` per arc, at most one arc into each node,
  and one unit of flow ``x[k, a] <= y[a]`` from the OLT to every served tap
  ``k`` (the strong, multi-commodity form of the directed Steiner tree).
* **Splitters**: integer last-stage splitters ``z[n]`` at any node, and
  first-stage splitters ``s[n]`` in a two-stage cascade; each home is served
  by one port (``homes_per_splitter`` usable ports per last-stage splitter,
  ``stage1_ratio`` per first-stage splitter).
* **Fibres** run away from the OLT along trench arcs, as in the engine:
  feeder fibres from the OLT to first-stage splitters, then (two stages)
  fibres to the second-stage splitters, and distribution fibres to the
  homes. Integer flows with conservation at every node; a splitter serves
  only homes below it.
* **Cables**: per edge and layer (feeder, distribution), integer numbers of
  cables of each standard size holding the layer's fibres: exactly the
  :class:`~fttx_planner.cables.CableSizer` rule.
* **Sites**: a node with splitters gets a splice closure, or a street
  cabinet from :data:`~fttx_planner.bom.CABINET_MIN_SPLITTERS` splitters on.
* **OLT**: one port per first-stage splitter, line cards and chassis.
* **Loss budget**: each home's fibre path (its path in the arborescence plus
  its drop) within ``params.max_fibre_m``; the constraints are left out when
  no path of the graph can be that long.
* Drops, entries, home connections and ONTs are the same in every design
  and are added as a constant.
* **Joints** (``params.joints``, the engine's default): distribution points
  for the drops of small buildings and closures where cables branch, as a
  relaxation of the engine's rules (:mod:`fttx_planner.quality.exact_joints`
  lists what is left out). Brownfield is the civil cost of each edge
  (ducts and poles priced in ``edge_cost_eur``).

The OLT site and the served buildings are those of the given design graph
and access (the engine's), so costs compare one to one with a plan's
``total_cost_eur``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix

from fttx_planner.costing.access import connection_cost_eur
from fttx_planner.costing.bom import CABINET_MIN_SPLITTERS, CARDS_PER_CHASSIS, PORTS_PER_CARD
from fttx_planner.design.cables import CableSizer
from fttx_planner.quality.bound import housing_eur
from fttx_planner.quality.exact_joints import (
    FdpCols,
    add_chambers,
    add_closures,
    add_fdps,
    chamber_start,
    closure_start,
    fdp_start,
)

if TYPE_CHECKING:
    from fttx_planner.catalogue import Catalogue
    from fttx_planner.network.crossings import Crossings
    from fttx_planner.network.graph import Access, CivilCosts, DesignGraph
    from fttx_planner.params import DesignParams
    from fttx_planner.plan import Plan


@dataclass
class ExactResult:
    """Outcome of an exact solve.

    Attributes
    ----------
    status
        ``"optimal"`` (proven within ``mip_rel_gap``), ``"time limit"`` (best
        design found and a proven bound), or ``"no solution"``.
    cost_eur
        Cost of the best design found (``inf`` if none).
    bound_eur
        Proven lower bound on the optimum.
    seconds
        Solver wall time.
    trench_edges
        Design-graph edges of the best design's trench tree.
    splitters
        ``(node, stage, count)`` of the best design's splitters.
    cost_by_part
        The best design's cost by part: ``civil, cables, splitters, olt, fixed``.
    size
        Rows, columns and integer columns of the model.
    start_eur
        Cost of the design the solver started from, as the model prices it.
    fdps
        With joints: ``(node, count)`` of the best design's distribution points.
    closures
        With joints: nodes of the best design's branch closures.
    fdp_of
        With joints: the distribution point's node of every served building
        (in building order; ``-1`` for a multi-dwelling building).
    """

    status: str
    cost_eur: float
    bound_eur: float
    seconds: float
    trench_edges: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    splitters: list[tuple[int, int, int]] = field(default_factory=list)
    cost_by_part: dict[str, float] = field(default_factory=dict)
    size: tuple[int, int, int] = (0, 0, 0)
    start_eur: float | None = None
    fdps: list[tuple[int, int]] = field(default_factory=list)
    closures: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    fdp_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def gap(self) -> float:
        """Relative gap between the best design and the bound."""
        if not math.isfinite(self.cost_eur) or self.cost_eur <= 0:
            return math.inf
        return max(self.cost_eur - self.bound_eur, 0.0) / self.cost_eur

    @property
    def optimal(self) -> bool:
        """Whether optimality was proven."""
        return self.status == "optimal"


# -- a small model builder -----------------------------------------------------


class _Model:
    """Columns and rows of a MILP, built from numpy blocks."""

    def __init__(self) -> None:
        self.cost: list[np.ndarray] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.n_col = 0
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.row_lo: list[np.ndarray] = []
        self.row_hi: list[np.ndarray] = []
        self.n_row = 0
        self.offset = 0.0

    def var(
        self,
        n: int,
        cost: float | np.ndarray = 0.0,
        lo: float | np.ndarray = 0.0,
        hi: float | np.ndarray = math.inf,
        integer: bool = False,
    ) -> np.ndarray:
        idx = np.arange(self.n_col, self.n_col + n, dtype=np.int64)
        self.n_col += n
        self.cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (n,)).copy())
        self.lo.append(np.broadcast_to(np.asarray(lo, dtype=float), (n,)).copy())
        self.hi.append(np.broadcast_to(np.asarray(hi, dtype=float), (n,)).copy())
        self.integer.append(np.full(n, integer))
        return idx

    def rows(
        self,
        n: int,
        r: np.ndarray,
        c: np.ndarray,
        v: np.ndarray | float,
        lo: float | np.ndarray,
        hi: float | np.ndarray,
    ) -> np.ndarray:
        """Add ``n`` rows ``lo <= sum v * col <= hi``; ``r`` indexes them from 0."""
        r = np.asarray(r, dtype=np.int64)
        self.r.append(r + self.n_row)
        self.c.append(np.asarray(c, dtype=np.int64))
        self.v.append(np.broadcast_to(np.asarray(v, dtype=float), r.shape).copy())
        self.row_lo.append(np.broadcast_to(np.asarray(lo, dtype=float), (n,)).copy())
        self.row_hi.append(np.broadcast_to(np.asarray(hi, dtype=float), (n,)).copy())
        idx = np.arange(self.n_row, self.n_row + n, dtype=np.int64)
        self.n_row += n
        return idx

    def solve(
        self, time_limit_s: float, threads: int, mip_rel_gap: float, start: np.ndarray | None
    ) -> tuple[str, np.ndarray | None, float, float, float]:
        import highspy

        cost = np.concatenate(self.cost)
        integer = np.concatenate(self.integer)
        mat = coo_matrix(
            (np.concatenate(self.v), (np.concatenate(self.r), np.concatenate(self.c))),
            shape=(self.n_row, self.n_col),
        ).tocsc()
        mat.sum_duplicates()
        lp = highspy.HighsLp()
        lp.num_col_ = self.n_col
        lp.num_row_ = self.n_row
        lp.col_cost_ = cost
        lp.col_lower_ = np.concatenate(self.lo)
        lp.col_upper_ = np.concatenate(self.hi)
        lp.row_lower_ = np.concatenate(self.row_lo)
        lp.row_upper_ = np.concatenate(self.row_hi)
        lp.offset_ = self.offset
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = mat.indptr.astype(np.int32)
        lp.a_matrix_.index_ = mat.indices.astype(np.int32)
        lp.a_matrix_.value_ = mat.data
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
            for i in integer.tolist()
        ]
        h = highspy.Highs()
        h.setOptionValue(
            "output_flag", bool(int(__import__("os").environ.get("FTTX_MILP_LOG", "0")))
        )
        h.setOptionValue("time_limit", float(time_limit_s))
        h.setOptionValue("threads", int(threads))
        h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
        h.setOptionValue("random_seed", 0)
        h.passModel(lp)
        if start is not None:
            sol = highspy.HighsSolution()
            sol.col_value = start.tolist()
            sol.value_valid = True
            h.setSolution(sol)
        t0 = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - t0
        info = h.getInfo()
        model_status = h.getModelStatus()
        has_sol = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
        x = np.asarray(h.getSolution().col_value) if has_sol else None
        obj = float(info.objective_function_value) if has_sol else math.inf
        bound = float(info.mip_dual_bound)
        if model_status == highspy.HighsModelStatus.kOptimal:
            status = "optimal"
        elif has_sol:
            status = "time limit"
        else:
            status = "no solution"
        if not math.isfinite(bound):
            bound = obj if status == "optimal" else 0.0
        return status, x, obj, bound, seconds


# -- graph preparation -----------------------------------------------------------


def _prune_dead_ends(
    n_nodes: int, u: np.ndarray, v: np.ndarray, keep_nodes: np.ndarray
) -> np.ndarray:
    """Edges left after repeatedly removing degree-1 nodes not in ``keep_nodes``."""
    alive = np.ones(len(u), dtype=bool)
    keep = np.zeros(n_nodes, dtype=bool)
    keep[keep_nodes] = True
    while True:
        deg = np.bincount(u[alive], minlength=n_nodes) + np.bincount(v[alive], minlength=n_nodes)
        leaf = (deg <= 1) & ~keep
        drop = alive & (leaf[u] | leaf[v])
        if not drop.any():
            return np.flatnonzero(alive)
        alive &= ~drop


# -- the trench part alone --------------------------------------------------------


def steiner_exact(
    n_nodes: int,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    edge_w: np.ndarray,
    terminals: np.ndarray,
    time_limit_s: float = 60.0,
    threads: int = 2,
    mip_rel_gap: float = 1e-6,
) -> ExactResult:
    """Minimum Steiner tree by the directed multi-commodity flow MILP.

    Parameters
    ----------
    n_nodes, edge_u, edge_v, edge_w
        The undirected graph and its non-negative edge weights.
    terminals
        Nodes to span (the first is the root).
    time_limit_s, threads, mip_rel_gap
        Solver settings.

    Returns
    -------
    ExactResult
        ``cost_eur`` is the tree's weight, ``trench_edges`` its edges.

    Examples
    --------
    >>> import numpy as np
    >>> r = steiner_exact(4, np.array([0, 0, 0, 1, 2, 3]), np.array([1, 2, 3, 2, 3, 1]),
    ...                   np.array([1.0, 1.0, 1.0, 1.9, 1.9, 1.9]), np.array([1, 2, 3]))
    >>> r.status, round(r.cost_eur, 6), r.trench_edges.tolist()
    ('optimal', 3.0, [0, 1, 2])
    """
    terminals = np.asarray(terminals, dtype=np.int64)
    root = int(terminals[0])
    others = np.unique(terminals[terminals != root])
    if len(others) == 0:
        return ExactResult("optimal", 0.0, 0.0, 0.0)
    u = np.asarray(edge_u, dtype=np.int64)
    v = np.asarray(edge_v, dtype=np.int64)
    w = np.asarray(edge_w, dtype=float)
    live = _prune_dead_ends(n_nodes, u, v, np.append(others, root))
    live = live[u[live] != v[live]]
    m = _Model()
    arcs = _Arcs(n_nodes, u[live], v[live])
    y = m.var(arcs.n, cost=np.concatenate([w[live], w[live]]), hi=1.0, integer=True)
    _arborescence(m, arcs, y, root, others)
    status, x, obj, bound, seconds = m.solve(time_limit_s, threads, mip_rel_gap, None)
    res = ExactResult(status, obj, bound, seconds, size=(m.n_row, m.n_col, int(arcs.n)))
    if x is not None:
        used = x[y] > 0.5
        res.trench_edges = np.unique(live[arcs.edge[used]])
    return res


@dataclass
class _Arcs:
    """Both directions of each edge: arc ``a < m`` runs u -> v, ``a + m`` v -> u."""

    n_nodes: int
    u: np.ndarray
    v: np.ndarray

    def __post_init__(self) -> None:
        self.m = len(self.u)
        self.n = 2 * self.m
        self.tail = np.concatenate([self.u, self.v])
        self.head = np.concatenate([self.v, self.u])
        self.edge = np.concatenate([np.arange(self.m), np.arange(self.m)])

    def conservation(
        self,
        model: _Model,
        flow: np.ndarray,
        net_in: np.ndarray | float,
        extra: list[tuple[np.ndarray, np.ndarray, float | np.ndarray]] | None = None,
    ) -> None:
        """Rows ``inflow - outflow (+ extra terms) = net_in`` at every node."""
        n = self.n_nodes
        r = [self.head, self.tail]
        c = [flow, flow]
        v = [np.ones(self.n), -np.ones(self.n)]
        for nodes, cols, coef in extra or []:
            r.append(nodes)
            c.append(cols)
            v.append(np.broadcast_to(np.asarray(coef, dtype=float), (len(cols),)))
        model.rows(n, np.concatenate(r), np.concatenate(c), np.concatenate(v), net_in, net_in)


def _arborescence(
    m: _Model,
    arcs: _Arcs,
    y: np.ndarray,
    root: int,
    sinks: np.ndarray,
    path_len: np.ndarray | None = None,
    max_len: np.ndarray | None = None,
) -> np.ndarray:
    """Add the Steiner arborescence rows; return the ``x[k, a]`` columns (k-major)."""
    n = arcs.n_nodes
    k = len(sinks)
    na = arcs.n
    x = m.var(k * na, hi=1.0)
    xk = x.reshape(k, na)
    # x[k, a] <= y[a]
    kk = np.arange(k * na)
    m.rows(
        k * na,
        np.concatenate([kk, kk]),
        np.concatenate([x, np.tile(y, k)]),
        np.concatenate([np.ones(k * na), -np.ones(k * na)]),
        -math.inf,
        0.0,
    )
    # Flow conservation: one unit from the root to each sink.
    rows_r, rows_c, rows_v = [], [], []
    net = np.zeros(k * n)
    for i in range(k):
        base = i * n
        rows_r += [base + arcs.head, base + arcs.tail]
        rows_c += [xk[i], xk[i]]
        rows_v += [np.ones(na), -np.ones(na)]
        net[base + sinks[i]] = 1.0
        net[base + root] = -1.0
    m.rows(k * n, np.concatenate(rows_r), np.concatenate(rows_c), np.concatenate(rows_v), net, net)
    # At most one arc into each node, none into the root, one into each sink.
    hi = np.ones(n)
    lo = np.zeros(n)
    hi[root] = 0.0
    lo[sinks] = 1.0
    m.rows(n, arcs.head, y, 1.0, lo, hi)
    # An arc leaves a node only if an arc enters it (root excepted).
    nonroot = arcs.tail != root
    a_idx = np.flatnonzero(nonroot)
    r = np.arange(len(a_idx))
    # y[a] <= sum of y into tail(a)
    into = [np.flatnonzero(arcs.head == t) for t in range(n)]
    rr, cc, vv = [r], [y[a_idx]], [np.ones(len(a_idx))]
    for j, a in enumerate(a_idx.tolist()):
        ins = into[arcs.tail[a]]
        rr.append(np.full(len(ins), j))
        cc.append(y[ins])
        vv.append(-np.ones(len(ins)))
    m.rows(len(a_idx), np.concatenate(rr), np.concatenate(cc), np.concatenate(vv), -math.inf, 0.0)
    # Both directions of an edge never together.
    e = np.arange(arcs.m)
    m.rows(
        arcs.m,
        np.concatenate([e, e]),
        np.concatenate([y[: arcs.m], y[arcs.m :]]),
        1.0,
        -math.inf,
        1.0,
    )
    if path_len is not None and max_len is not None:
        lens = np.concatenate([path_len, path_len])
        m.rows(k, np.repeat(np.arange(k), na), x, np.tile(lens, k), -math.inf, max_len)
    return xk


# -- the whole design -------------------------------------------------------------


def cable_classes(
    catalogue: Catalogue, max_fibres: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The steps of the cable cost per metre as a function of the fibre count.

    Returns the largest fibre count of each step, its cost per metre (the
    :class:`~fttx_planner.cables.CableSizer` cost) and its number of cables,
    up to ``max_fibres``.

    Examples
    --------
    >>> from fttx_planner.catalogue import Catalogue
    >>> caps, eur, n = cable_classes(Catalogue.default(), 30)
    >>> caps.tolist(), eur.tolist(), n.tolist()
    ([12, 24, 48], [2.7, 3.0, 3.7], [1, 1, 1])
    """
    from fttx_planner.design.cables import CableSizer

    sizer = CableSizer(catalogue)
    caps: list[int] = []
    eur: list[float] = []
    count: list[int] = []
    f = 1
    while True:
        sizes = sizer.sizes(f)
        # The largest count at this cost: the capacity of its cable set.
        cap = sum(sizes)
        caps.append(cap)
        eur.append(round(sizer.cost_per_metre(f), 9))
        count.append(len(sizes))
        if cap >= max_fibres:
            break
        f = cap + 1
    return np.array(caps, dtype=np.int64), np.array(eur), np.array(count, dtype=np.int64)


@dataclass
class _Design:
    """A design to start the solver from: trench edges and splitters table."""

    trench_edges: np.ndarray
    splitters: pd.DataFrame


def solve_exact(
    graph: DesignGraph,
    access: Access,
    homes: np.ndarray,
    params: DesignParams,
    catalogue: Catalogue,
    time_limit_s: float = 60.0,
    threads: int = 2,
    mip_rel_gap: float = 1e-4,
    start: Plan | None = None,
    civil: CivilCosts | None = None,
    crossings: Crossings | None = None,
) -> ExactResult:
    """Solve the design problem of a (small) district exactly.

    With ``params.joints=False`` the engine's core model, exactly. With
    ``params.joints`` (the default) distribution points and branch closures
    are added as a relaxation of the engine's rules
    (:mod:`fttx_planner.quality.exact_joints`): closures to cut a run to a
    smaller cable, the splices in closures and the trench's main-road
    crossings at junctions are left out and a point's drop is priced along
    the shortest path to its tap, so the optimum and the bound are lower
    bounds on the engine's model and may sit below its best design.

    Parameters
    ----------
    graph, access
        The design graph and how buildings reach it (as in a plan); the
        OLT is ``graph.olt_node``.
    homes
        Homes per building.
    params, catalogue
        Design parameters and prices.
    time_limit_s, threads, mip_rel_gap
        Solver settings; ``optimal`` means proven within ``mip_rel_gap``.
    start
        A plan of the same inputs to start from (its design becomes the
        first incumbent).
    civil
        Brownfield: the civil costs the graph was priced with. Existing
        ducts and pole routes with a limited free capacity are then reused
        on an edge only if they take all its cables, as in the bill of
        materials; without it every edge costs ``graph.edge_cost_eur``.

    Returns
    -------
    ExactResult
        The best design's cost, the proven bound and the solve status.
    """
    served = access.node >= 0
    b_node = access.node[served]
    b_homes = homes[served].astype(np.int64)
    root = int(graph.olt_node)
    n = graph.n_nodes
    h_at = np.bincount(b_node, weights=b_homes, minlength=n).astype(np.int64)
    total_h = int(h_at.sum())
    cost = catalogue.cost
    fixed = connection_cost_eur(
        b_homes, access.drop_m[served], params, catalogue, CableSizer(catalogue), crossings,
        access.barrier[served] if access.barrier is not None else None,
    )  # fmt: skip
    sinks = np.unique(b_node[b_node != root])
    live = _prune_dead_ends(n, graph.edge_u, graph.edge_v, np.append(sinks, root))
    live = live[graph.edge_u[live] != graph.edge_v[live]]
    arcs = _Arcs(n, graph.edge_u[live], graph.edge_v[live])
    length = graph.edge_length_m[live]
    edge_eur = graph.edge_cost_eur[live]
    na, ne = arcs.n, arcs.m
    rn = np.arange(n)
    ra = np.arange(na)
    re = np.arange(ne)

    m = _Model()
    m.offset = fixed
    y = m.var(na, cost=np.concatenate([edge_eur, edge_eur]), hi=1.0, integer=True)
    path_len = max_len = None
    drop_at = np.zeros(n)
    np.maximum.at(drop_at, b_node, access.drop_m[served])
    if float(length.sum()) + float(drop_at.max(initial=0.0)) > params.max_fibre_m:
        path_len = length
        max_len = params.max_fibre_m - drop_at[sinks]
    xk = _arborescence(m, arcs, y, root, sinks, path_len, max_len)

    # Joints: distribution points take the small buildings' fibres (exact_joints).
    fdp = None
    h_end = h_at  # premises whose fibres end at each node whatever the design
    if params.joints:
        housing = housing_eur(graph, live, params, catalogue)
        fdp = add_fdps(
            m, n, root, arcs.tail, arcs.head, np.concatenate([length, length]), xk, sinks,
            b_node, b_homes, params, catalogue, housing,
        )  # fmt: skip
        big = ~fdp.small
        h_end = np.bincount(b_node[big], weights=b_homes[big], minlength=n).astype(np.int64)

    # Splitters. Splitters at one node never need to exceed what the homes
    # below it fill (merging them never adds a fibre), hence the per-node caps.
    cap = params.homes_per_splitter
    two = params.two_stage
    r1 = params.stage1_ratio if two else 1
    n_last_min = math.ceil(total_h / cap)
    n_first_min = math.ceil(n_last_min / r1)
    z_max = n_last_min
    s_max = math.ceil(total_h / r1)
    optic = cost("olt_optic_c_plus" if params.optical_class.value == "C+" else "olt_optic_b_plus")
    splice2 = 2 * cost("fibre_splice")
    last_eur = cost(catalogue.splitter_item(params.stage2_ratio)) + splice2
    # A first-stage splitter also takes an OLT port (and its optic).
    z = m.var(n, cost=last_eur + (0.0 if two else optic), hi=z_max, integer=True)
    m.rows(1, np.zeros(n, dtype=np.int64), z, 1.0, n_last_min, math.inf)
    if two:
        s = m.var(
            n, cost=cost(catalogue.splitter_item(r1)) + splice2 + optic, hi=s_max, integer=True
        )
        m.rows(1, np.zeros(n, dtype=np.int64), s, 1.0, n_first_min, math.inf)
        firsts = s
    else:
        s = z
        firsts = z
    cards_min = math.ceil(n_first_min / PORTS_PER_CARD)
    cards = m.var(1, cost=cost("olt_card"), lo=cards_min, integer=True)
    chassis = m.var(
        1, cost=cost("olt_chassis"), lo=math.ceil(cards_min / CARDS_PER_CHASSIS), integer=True
    )
    m.rows(
        1,
        np.zeros(n + 1, dtype=np.int64),
        np.append(firsts, cards),
        np.append(np.ones(n), -PORTS_PER_CARD),
        -math.inf,
        0.0,
    )
    m.rows(
        1,
        np.zeros(2, dtype=np.int64),
        np.append(cards, chassis),
        np.array([1.0, -CARDS_PER_CHASSIS]),
        -math.inf,
        0.0,
    )

    # Sites: a closure below CABINET_MIN_SPLITTERS splitters, else a cabinet.
    closure = m.var(n, cost=cost("splice_closure"), hi=1.0, integer=True)
    cabinet = m.var(n, cost=cost("street_cabinet"), hi=1.0, integer=True)
    site_max = z_max + (s_max if two else 0)
    cols = [z, closure, cabinet] + ([s] if two else [])
    vals = [1.0, -(CABINET_MIN_SPLITTERS - 1.0), -float(site_max)] + ([1.0] if two else [])
    m.rows(
        n,
        np.tile(rn, len(cols)),
        np.concatenate(cols),
        np.repeat(np.array(vals), n),
        -math.inf,
        0.0,
    )
    m.rows(n, np.concatenate([rn, rn]), np.concatenate([closure, cabinet]), 1.0, -math.inf, 1.0)

    # Fibre flows, away from the OLT along trench arcs.
    dist = m.var(na)
    p = m.var(n)  # homes' fibres leaving last-stage splitters at each node
    at_fdp = [] if fdp is None else [(fdp.pair_node, fdp.assign, -b_homes[fdp.pair_b])]
    arcs.conservation(m, dist, h_end, [(rn, p, 1.0), *at_fdp])
    m.rows(
        n,
        np.concatenate([rn, rn]),
        np.concatenate([p, z]),
        np.concatenate([np.ones(n), -cap * np.ones(n)]),
        -math.inf,
        0.0,
    )
    if two:
        mid = m.var(na)
        q = m.var(n)  # fibres from first-stage to second-stage splitters
        arcs.conservation(m, mid, 0.0, [(rn, q, 1.0), (rn, z, -1.0)])
        m.rows(
            n,
            np.concatenate([rn, rn]),
            np.concatenate([q, s]),
            np.concatenate([np.ones(n), -r1 * np.ones(n)]),
            -math.inf,
            0.0,
        )
        dist_flows = [dist, mid]
    else:
        q = mid = np.zeros(0, dtype=np.int64)
        dist_flows = [dist]
    feeder = m.var(na)
    arcs.conservation(m, feeder, 0.0, [(rn, firsts, -1.0), (np.full(n, root), firsts, 1.0)])
    k = len(sinks)
    b_homes_at = h_at[sinks].astype(float)
    for flow in [feeder, *dist_flows]:
        # On trench arcs only, and no more than the homes below.
        m.rows(
            na,
            np.concatenate([ra, ra]),
            np.concatenate([flow, y]),
            np.concatenate([np.ones(na), -float(total_h) * np.ones(na)]),
            -math.inf,
            0.0,
        )
        m.rows(
            na,
            np.concatenate([ra, np.tile(ra, k)]),
            np.concatenate([flow, xk.ravel()]),
            np.concatenate([np.ones(na), -np.repeat(b_homes_at, na)]),
            -math.inf,
            0.0,
        )

    # Cables: per edge and layer one cable set, chosen among the cost steps.
    layer_max = {"feeder": total_h, "distribution": total_h * (2 if two else 1)}
    layer_flows = {"feeder": [feeder], "distribution": dist_flows}
    cable_vars = {}
    cable_count: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for layer, flows in layer_flows.items():
        caps, eur, n_cab = cable_classes(catalogue, layer_max[layer])
        nc = len(caps)
        d = m.var(ne * nc, cost=np.outer(length, eur).ravel(), hi=1.0, integer=True)
        d2 = d.reshape(ne, nc)
        cable_vars[layer] = (d2, caps)
        cable_count[layer] = (d2, n_cab)
        rows_r = [np.repeat(re, nc)]
        rows_c = [d]
        rows_v = [-np.tile(caps.astype(float), ne)]
        for f in flows:
            rows_r += [re, re]
            rows_c += [f[:ne], f[ne:]]
            rows_v += [np.ones(ne), np.ones(ne)]
        m.rows(
            ne,
            np.concatenate(rows_r),
            np.concatenate(rows_c),
            np.concatenate(rows_v),
            -math.inf,
            0.0,
        )
        m.rows(
            ne,
            np.concatenate([np.repeat(re, nc), re, re]),
            np.concatenate([d, y[:ne], y[ne:]]),
            np.concatenate([np.ones(ne * nc), -np.ones(2 * ne)]),
            -math.inf,
            0.0,
        )
    # Every trench carries at least one cable.
    all_d = [cable_vars[lay][0] for lay in cable_vars]
    ok_cols = _capacity_rows(m, graph, live, civil, y, cable_count) if civil is not None else []
    _tap_cuts(m, arcs, sinks, h_end, dist, closure, cabinet, cable_vars, two, params.joints)
    # With distribution points a trench may carry only drops (shorter than the reach).
    cable_lo = 0.0 if fdp is None else np.where(length > params.fdp_reach_m, 0.0, -math.inf)
    m.rows(
        ne,
        np.concatenate([np.repeat(re, dd.shape[1]) for dd in all_d] + [re, re]),
        np.concatenate([dd.ravel() for dd in all_d] + [y[:ne], y[ne:]]),
        np.concatenate([np.ones(dd.size) for dd in all_d] + [-np.ones(2 * ne)]),
        cable_lo,
        math.inf,
    )
    joint = chamber = np.zeros(0, dtype=np.int64)
    layer_d = [cable_vars["feeder"][0], cable_vars["distribution"][0]]
    if fdp is not None:
        joint = add_closures(
            m, n, root, arcs.u, arcs.v, layer_d, [closure, cabinet], [z, s] if two else [z],
            cost("splice_closure"),
        )  # fmt: skip
        chamber = add_chambers(m, root, [joint, closure], fdp.count, housing)

    x0 = None
    if start is not None:
        x0 = _start_vector(
            m,
            start,
            arcs,
            live,
            root,
            sinks,
            h_at,
            two,
            {
                "y": y,
                "x": xk,
                "z": z,
                "s": s,
                "p": p,
                "q": q,
                "dist": dist,
                "mid": mid,
                "feeder": feeder,
                "closure": closure,
                "cabinet": cabinet,
                "cards": cards,
                "chassis": chassis,
            },
            cable_vars,
            (served, fdp) if fdp is not None else None,
        )
        if x0 is not None and fdp is not None:
            site_at = (x0[closure] + x0[cabinet]) > 0.5
            closure_start(x0, joint, arcs.u, arcs.v, layer_d, site_at, root)
            chamber_start(x0, chamber, [joint, closure], fdp.count, root)
        if x0 is not None:
            for ok, limited, room in ok_cols:
                n_cab = sum(x0[d2[limited]] @ cnt.astype(float) for d2, cnt in cable_count.values())
                used = (x0[y[limited]] + x0[y[limited + arcs.m]]) > 0.5
                x0[ok] = used & (n_cab <= room)
    status, x, obj, bound, seconds = m.solve(time_limit_s, threads, mip_rel_gap, x0)
    n_int = int(np.concatenate(m.integer).sum())
    res = ExactResult(status, obj, min(bound, obj), seconds, size=(m.n_row, m.n_col, n_int))
    if x0 is not None:
        res.start_eur = float(np.concatenate(m.cost) @ x0 + m.offset)
    if x is None:
        return res
    res.trench_edges = np.unique(live[arcs.edge[x[y] > 0.5]])
    last_stage = 2 if two else 1
    zs = np.round(x[z]).astype(np.int64)
    res.splitters = [(int(i), last_stage, int(zs[i])) for i in np.flatnonzero(zs)]
    if two:
        ss = np.round(x[s]).astype(np.int64)
        res.splitters += [(int(i), 1, int(ss[i])) for i in np.flatnonzero(ss)]
    col_cost = np.concatenate(m.cost)
    civil_eur = float(x[y] @ col_cost[y]) + sum(float(x[ok] @ col_cost[ok]) for ok, _, _ in ok_cols)
    cable_eur = float(sum(x[dd.ravel()] @ col_cost[dd.ravel()] for dd in all_d))
    res.cost_by_part = {"civil": civil_eur, "cables": cable_eur}
    if fdp is not None:
        fdps = np.round(x[fdp.count]).astype(np.int64)
        res.fdps = [(int(i), int(fdps[i])) for i in np.flatnonzero(fdps)]
        res.closures = np.flatnonzero(x[joint] > 0.5)
        chosen = x[fdp.assign] > 0.5
        res.fdp_of = np.full(len(b_node), -1, dtype=np.int64)
        res.fdp_of[fdp.pair_b[chosen]] = fdp.pair_node[chosen]
        res.cost_by_part["joints"] = float(
            sum(x[c] @ col_cost[c] for c in (fdp.count, joint, chamber))
        )
        res.cost_by_part["drops_along"] = float(x[fdp.assign] @ col_cost[fdp.assign])
    res.cost_by_part["splitters_sites_olt"] = obj - sum(res.cost_by_part.values()) - fixed
    res.cost_by_part["fixed"] = fixed
    return res


def _capacity_rows(
    m: _Model,
    graph: DesignGraph,
    live: np.ndarray,
    civil: CivilCosts,
    y: np.ndarray,
    cable_count: dict[str, tuple[np.ndarray, np.ndarray]],
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Existing ducts / poles with limited room: reused only if they take every cable.

    For each such edge a binary ``ok`` (reuse) earns back the saving over a
    new trench, and forces the edge's cables within the free capacity. The
    trench arcs' cost is raised to the no-reuse cost for these edges.
    """
    ne = len(live)
    street = graph.edge_street[live]
    length = graph.edge_length_m[live]
    trench = civil.trench_cost_per_m[street]
    max_cables = sum(int(n_cab.max()) for _, n_cab in cable_count.values())
    out = []
    y_cost = m.cost[0]  # the trench arcs are the model's first columns
    for share, unit, cap in (
        (civil.duct_share, civil.duct_cost_per_m, civil.duct_capacity),
        (civil.aerial_share, civil.aerial_cost_per_m, civil.aerial_capacity),
    ):
        save = length * share[street] * (trench - unit)
        room = cap[street]
        limited = np.flatnonzero((save > 0) & (room < max_cables))
        if len(limited) == 0:
            continue
        y_cost[limited] += save[limited]
        y_cost[limited + ne] += save[limited]
        ok = m.var(len(limited), cost=-save[limited], hi=1.0, integer=True)
        k = np.arange(len(limited))
        # ok <= y(u->v) + y(v->u)
        m.rows(
            len(limited),
            np.concatenate([k, k, k]),
            np.concatenate([ok, y[limited], y[limited + ne]]),
            np.concatenate([np.ones(len(k)), -np.ones(2 * len(k))]),
            -math.inf,
            0.0,
        )
        # cables(e) <= room + max_cables * (1 - ok)
        rr, cc, vv = [k], [ok], [np.full(len(k), float(max_cables))]
        for d2, n_cab in cable_count.values():
            nc = d2.shape[1]
            rr.append(np.repeat(k, nc))
            cc.append(d2[limited].ravel())
            vv.append(np.tile(n_cab.astype(float), len(k)))
        m.rows(
            len(limited),
            np.concatenate(rr),
            np.concatenate(cc),
            np.concatenate(vv),
            -math.inf,
            room[limited].astype(float) + max_cables,
        )
        out.append((ok, limited, room[limited]))
    return out


def _tap_cuts(
    m: _Model,
    arcs: _Arcs,
    sinks: np.ndarray,
    h_at: np.ndarray,
    dist: np.ndarray,
    closure: np.ndarray,
    cabinet: np.ndarray,
    cable_vars: dict[str, tuple[np.ndarray, np.ndarray]],
    two: bool,
    joints: bool = False,
) -> None:
    """Valid inequalities tying each tap's splitter site to the cables reaching it.

    A tap without a splitter site receives all its homes' fibres over its
    one incoming arc, so a distribution cable reaches it; a tap with a site
    (one stage) receives a feeder fibre, so a feeder cable reaches it. With
    ``joints`` the homes are those whose fibres must end at the tap (of
    multi-dwelling buildings), and a tap with none may get drops only.
    """
    k = len(sinks)
    if k == 0:
        return
    ne = arcs.m
    pos = {int(t): i for i, t in enumerate(sinks.tolist())}
    # Incident edges of each sink.
    inc_r, inc_e = [], []
    for end in (arcs.u, arcs.v):
        sel = np.isin(end, sinks)
        inc_r.append(np.array([pos[int(t)] for t in end[sel]], dtype=np.int64))
        inc_e.append(np.flatnonzero(sel))
    r_inc = np.concatenate(inc_r)
    e_inc = np.concatenate(inc_e)
    rk = np.arange(k)
    # homes in over the arcs into t >= h_t (1 - site_t)
    into = np.isin(arcs.head, sinks)
    a_in = np.flatnonzero(into)
    r_in = np.array([pos[int(t)] for t in arcs.head[a_in]], dtype=np.int64)
    h = h_at[sinks].astype(float)
    m.rows(
        k,
        np.concatenate([r_in, rk, rk]),
        np.concatenate([dist[a_in], closure[sinks], cabinet[sinks]]),
        np.concatenate([np.ones(len(a_in)), h, h]),
        h,
        math.inf,
    )
    # a distribution cable on an edge at t unless t is a site
    d2, _ = cable_vars["distribution"]
    nc = d2.shape[1]
    m.rows(
        k,
        np.concatenate([np.repeat(r_inc, nc), rk, rk]),
        np.concatenate([d2[e_inc].ravel(), closure[sinks], cabinet[sinks]]),
        1.0,
        np.where(h > 0, 1.0, 0.0) if joints else 1.0,
        math.inf,
    )
    if not two:
        # a feeder cable on an edge at t if t is a site
        f2, _ = cable_vars["feeder"]
        nf = f2.shape[1]
        m.rows(
            k,
            np.concatenate([np.repeat(r_inc, nf), rk, rk]),
            np.concatenate([f2[e_inc].ravel(), closure[sinks], cabinet[sinks]]),
            np.concatenate([np.ones(len(e_inc) * nf), -np.ones(2 * k)]),
            0.0,
            math.inf,
        )
    del ne


def _start_vector(
    m: _Model,
    plan: Plan,
    arcs: _Arcs,
    live: np.ndarray,
    root: int,
    sinks: np.ndarray,
    h_at: np.ndarray,
    two: bool,
    v: dict[str, np.ndarray],
    cable_vars: dict[str, tuple[np.ndarray, np.ndarray]],
    joints: tuple[np.ndarray, FdpCols] | None = None,
) -> np.ndarray | None:
    """The MILP columns of a plan's design (``None`` if it does not fit the model).

    ``joints``: the served mask and the distribution-point columns; the
    plan's points are set and its fibres end there.
    """
    from fttx_planner.design.cables import subtree_sums
    from fttx_planner.design.trench import root_tree

    g = plan.graph
    n = g.n_nodes
    x0 = np.zeros(m.n_col)
    if joints is not None:
        ends = fdp_start(plan, joints[0], joints[1], x0, n)
        if ends is None:
            return None
        h_at = ends
    local = np.full(len(g.edge_u), -1, dtype=np.int64)
    local[live] = np.arange(len(live))
    tree = np.asarray(plan.trench_edges, dtype=np.int64)
    if (local[tree] < 0).any():
        return None
    order, parent, parent_edge = root_tree(n, g.edge_u, g.edge_v, tree, root)
    child = order[1:]
    le = local[parent_edge[child]]
    arc_of_child = np.where(arcs.u[le] == parent[child], le, le + arcs.m)
    arc_into = np.full(n, -1, dtype=np.int64)
    arc_into[child] = arc_of_child
    x0[v["y"][arc_of_child]] = 1.0
    xk = v["x"]
    for i, t in enumerate(sinks.tolist()):
        node = t
        while node != root:
            a = arc_into[node]
            if a < 0:
                return None
            x0[xk[i, a]] = 1.0
            node = int(parent[node])
    sp = plan.splitters
    last = 2 if two else 1
    is_last = (sp["stage"] == last).to_numpy()
    nodes = sp["node"].to_numpy()
    ports = sp["ports_used"].to_numpy()
    z_at = np.bincount(nodes[is_last], minlength=n)
    p_at = np.bincount(nodes[is_last], weights=ports[is_last], minlength=n)
    x0[v["z"]] = z_at
    x0[v["p"]] = p_at
    if two:
        s_at = np.bincount(nodes[~is_last], minlength=n)
        q_at = np.bincount(nodes[~is_last], weights=ports[~is_last], minlength=n)
        x0[v["s"]] = s_at
        x0[v["q"]] = q_at
        firsts_at = s_at
        mid_sub = subtree_sums(order, parent, (z_at - q_at).astype(np.int64))
        x0[v["mid"][arc_of_child]] = mid_sub[child]
    else:
        firsts_at = z_at
    dist_sub = subtree_sums(order, parent, np.round(h_at - p_at).astype(np.int64))
    feed_sub = subtree_sums(order, parent, firsts_at.astype(np.int64))
    x0[v["dist"][arc_of_child]] = dist_sub[child]
    x0[v["feeder"][arc_of_child]] = feed_sub[child]
    site = z_at + (s_at if two else 0)
    cab = site >= CABINET_MIN_SPLITTERS
    x0[v["cabinet"]] = cab
    x0[v["closure"]] = (site > 0) & ~cab
    n_first = int(firsts_at.sum())
    n_cards = math.ceil(n_first / PORTS_PER_CARD)
    x0[v["cards"]] = n_cards
    x0[v["chassis"]] = math.ceil(n_cards / CARDS_PER_CHASSIS)
    layer_fibres = {
        "feeder": feed_sub[child],
        "distribution": dist_sub[child] + (mid_sub[child] if two else 0),
    }
    for layer, (d2, caps) in cable_vars.items():
        f = layer_fibres[layer]
        use = f > 0
        cls = np.searchsorted(caps, f[use])
        if (cls >= len(caps)).any():
            return None
        x0[d2[le[use], cls]] = 1.0
    return x0


def exact_for_plan(
    plan: Plan,
    time_limit_s: float = 60.0,
    threads: int = 2,
    mip_rel_gap: float = 1e-4,
    warm_start: bool = True,
    civil: CivilCosts | None = None,
) -> ExactResult:
    """:func:`solve_exact` on a plan's inputs, started from the plan's design.

    In brownfield with limited duct or pole capacity, pass the plan's civil
    costs (:func:`fttx_planner.network.civil_costs` of its district and
    existing infrastructure) so that the capacity rule is modelled.
    """
    return solve_exact(
        plan.graph,
        plan.access,
        plan.demand.homes,
        plan.params,
        plan.catalogue,
        time_limit_s=time_limit_s,
        threads=threads,
        mip_rel_gap=mip_rel_gap,
        start=plan if warm_start else None,
        civil=civil,
        crossings=plan.crossings,
    )
