"""Design-quality benchmark: the engine against the exact optimum, naive baselines and the bound.

One command::

    python bench/bench_quality.py                 # everything (about 25 minutes)
    python bench/bench_quality.py --quick         # a few small instances
    python bench/bench_quality.py --time-limit 120 --out docs/quality.md
    python bench/bench_quality.py --joints        # default plans against the MILP with joints

For every instance it plans with the engine, computes the plan's lower bound
(:func:`fttx_planner.bound.lower_bound`), prices the naive baselines
(:mod:`fttx_planner.quality.naive`) and, on small instances, solves the exact MILP
(:mod:`fttx_planner.quality.exact`, HiGHS, started from the engine's plan) within the
time limit. It also re-plans with the engine as it was before this work
(Mehlhorn trench tree on civil costs, greedy bottom-up splitter partition)
and compares the trench trees alone (Mehlhorn, the engine's method, and the
optimum or its bound). Results go to a JSON file and to the tables between
the markers of the output Markdown file.

``--joints`` instead plans the real clips with the default joints model
(distribution points, closures) and measures them against the MILP with
joints (:mod:`fttx_planner.quality.exact_joints`, a relaxation of the
engine's rules, so its bound is a lower bound on the engine's model); its
table goes between the joints markers.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

import fttx_planner.design.planner as design_mod
from fttx_planner.catalogue import Catalogue
from fttx_planner.demand.premises import estimate_demand
from fttx_planner.design.planner import plan_district
from fttx_planner.design.splitters import Group, Item, partition_tree
from fttx_planner.design.trench import mehlhorn_tree, steiner_tree, trench_weight
from fttx_planner.district import Buildings, District, StreetGraph
from fttx_planner.network.graph import ExistingInfra, civil_costs
from fttx_planner.params import Deployment, DesignParams, OpticalClass
from fttx_planner.plan import Plan
from fttx_planner.quality.bound import lower_bound, steiner_lower_bound
from fttx_planner.quality.exact import exact_for_plan, steiner_exact
from fttx_planner.quality.naive import naive_for_plan
from fttx_planner.synthetic import grid_district

ROOT = Path(__file__).resolve().parents[1]
B32 = DesignParams(joints=False)
C64 = DesignParams(joints=False, split_ratio=64, optical_class=OpticalClass.C_PLUS)
TWO = DesignParams(joints=False, split_ratio=64, stage1_ratio=4, optical_class=OpticalClass.C_PLUS)
MARK_BEGIN = "<!-- bench_quality:begin -->"
MARK_END = "<!-- bench_quality:end -->"
JOINTS_BEGIN = "<!-- bench_quality_joints:begin -->"
JOINTS_END = "<!-- bench_quality_joints:end -->"


@dataclass
class Instance:
    """A district, its parameters and (brownfield) existing infrastructure."""

    name: str
    kind: str
    district: District
    params: DesignParams
    infra: ExistingInfra | None = None
    exact: bool = True


# -- instances ---------------------------------------------------------------------


def _with_olt(params: DesignParams, xy: tuple[float, float], **update: Any) -> DesignParams:
    return params.model_copy(update={"olt_x_m": float(xy[0]), "olt_y_m": float(xy[1]), **update})


def synthetic_ducts(
    district: District, share: float, capacity: int | None, seed: int
) -> ExistingInfra:
    """Existing ducts along a random share of the streets (brownfield test data)."""
    rng = np.random.default_rng(seed)
    s = district.streets
    duct = np.where(rng.random(s.n_edges) < share, s.edge_length_m, 0.0)
    cap = None if capacity is None else np.full(s.n_edges, capacity, dtype=np.int64)
    return ExistingInfra(duct_m=duct, aerial_m=np.zeros(s.n_edges), duct_capacity=cap)


def clip(
    district: District, centre: tuple[float, float], half_m: float
) -> tuple[District, np.ndarray]:
    """Streets with both ends and buildings with their centre in a square box.

    Returns the clipped district and the kept street edges.
    """
    s = district.streets
    lo = np.array(centre) - half_m
    hi = np.array(centre) + half_m
    inside = np.all((s.node_xy >= lo) & (s.node_xy <= hi), axis=1)
    keep = np.flatnonzero(inside[s.edge_u] & inside[s.edge_v])
    nodes = np.unique(np.concatenate([s.edge_u[keep], s.edge_v[keep]]))
    renum = np.full(s.n_nodes, -1, dtype=np.int64)
    renum[nodes] = np.arange(len(nodes))
    streets = StreetGraph(
        node_xy=s.node_xy[nodes],
        node_osm_id=s.node_osm_id[nodes],
        edge_u=renum[s.edge_u[keep]],
        edge_v=renum[s.edge_v[keep]],
        edge_length_m=s.edge_length_m[keep],
        edge_highway=s.edge_highway[keep],
        edge_geometry=s.edge_geometry[keep],
        edge_trench=s.edge_trench[keep],
    )
    b = district.buildings
    c = b.centroid_xy
    sel = np.all((c >= lo) & (c <= hi), axis=1)
    buildings = Buildings(
        osm_id=b.osm_id[sel],
        footprint=b.footprint[sel],
        building=b.building[sel],
        levels=b.levels[sel],
        flats=b.flats[sel],
        name=b.name[sel],
    )
    name = f"{district.name} (clip {2 * half_m:.0f} m)"
    return replace(
        district, name=name, streets=streets, buildings=buildings, olt_xy=None, warnings=[]
    ), keep


def real_clip(
    slug: str,
    target_homes: int,
    params: DesignParams,
    brownfield: bool = False,
    name: str | None = None,
) -> Instance:
    """A square clip of a sample city around its OLT (or centre) with about ``target_homes``."""
    from fttx_planner.pipeline import existing_infra
    from fttx_planner.samples import get_scenario, load_sample

    d = load_sample(slug)
    if d.olt_xy is not None:
        centre = d.olt_xy
    else:
        x0, y0, x1, y1 = d.bounds_xy
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
    lo, hi = 20.0, 2000.0
    for _ in range(30):
        half = (lo + hi) / 2
        sub, keep = clip(d, centre, half)
        homes = int(estimate_demand(sub.buildings).homes.sum()) if len(sub.buildings) else 0
        if homes > target_homes:
            hi = half
        else:
            lo = half
        if abs(homes - target_homes) <= 0.1 * target_homes:
            break
    sub, keep = clip(d, centre, half)
    infra = None
    if brownfield:
        path = get_scenario(slug).infrastructure_path
        assert path is not None, f"{slug} has no infrastructure layer"
        full = existing_infra(d, path)
        infra = ExistingInfra(
            duct_m=full.duct_m[keep],
            aerial_m=full.aerial_m[keep],
            duct_capacity=None if full.duct_capacity is None else full.duct_capacity[keep],
            aerial_capacity=None if full.aerial_capacity is None else full.aerial_capacity[keep],
        )
        params = params.model_copy(update={"deployment": Deployment.BROWNFIELD})
    # The OLT on the clip's street node nearest the centre.
    xy = sub.streets.node_xy[np.argmin(np.hypot(*(sub.streets.node_xy - centre).T))]
    kind = "real clip, brownfield" if brownfield else "real clip"
    return Instance(name or f"{slug} clip", kind, sub, _with_olt(params, xy), infra)


def small_instances(quick: bool) -> list[Instance]:
    """Instances small enough for the exact MILP."""
    out = []

    def grid(n: int, irregular: bool, seed: int, flats: float = 0.0) -> District:
        return grid_district(n, irregular=irregular, seed=seed, flats_share=flats)

    corner = (0.0, 0.0)
    out.append(Instance("grid 50", "dense grid", grid(50, False, 2), _with_olt(B32, corner)))
    out.append(Instance("grid 100", "dense grid", grid(100, False, 2), _with_olt(B32, corner)))
    out.append(Instance("irregular 60", "sparse", grid(60, True, 3), _with_olt(B32, corner)))
    if quick:
        return out
    g200 = grid(200, False, 4)
    out.append(Instance("grid 200", "dense grid", g200, _with_olt(B32, (300.0, 300.0))))
    out.append(
        Instance(
            "grid 70 + flats", "dense grid, flats", grid(70, False, 5, 0.15), _with_olt(B32, corner)
        )
    )
    out.append(Instance("irregular 100", "sparse", grid(100, True, 6), _with_olt(B32, corner)))
    g = grid(120, False, 7)
    out.append(Instance("grid 120 1:64", "dense grid", g, _with_olt(C64, corner)))
    out.append(Instance("grid 120 1:4+1:16", "dense grid", g, _with_olt(TWO, corner)))
    gi = grid(100, True, 8)
    out.append(Instance("irregular 100 1:4+1:16", "sparse", gi, _with_olt(TWO, corner)))
    gb = grid(100, False, 9)
    brown = B32.model_copy(update={"deployment": Deployment.BROWNFIELD})
    out.append(
        Instance(
            "grid 100 ducts",
            "brownfield",
            gb,
            _with_olt(brown, corner),
            synthetic_ducts(gb, 0.3, None, 1),
        )
    )
    out.append(
        Instance(
            "grid 100 full ducts",
            "brownfield, duct capacity 1",
            gb,
            _with_olt(brown, corner),
            synthetic_ducts(gb, 0.4, 1, 2),
        )
    )
    # Small versions of each kind, where the MILP can prove optimality.
    g40 = grid(40, False, 11)
    out.append(Instance("grid 40 1:64", "dense grid", g40, _with_olt(C64, corner)))
    out.append(Instance("grid 40 1:4+1:16", "dense grid", g40, _with_olt(TWO, corner)))
    gi40 = grid(45, True, 12)
    out.append(Instance("irregular 45 1:4+1:16", "sparse", gi40, _with_olt(TWO, corner)))
    gb50 = grid(50, False, 13)
    out.append(
        Instance(
            "grid 50 ducts",
            "brownfield",
            gb50,
            _with_olt(brown, corner),
            synthetic_ducts(gb50, 0.3, None, 3),
        )
    )
    out.append(
        Instance(
            "grid 50 full ducts",
            "brownfield, duct capacity 1",
            gb50,
            _with_olt(brown, corner),
            synthetic_ducts(gb50, 0.4, 1, 4),
        )
    )
    out.append(real_clip("porto_centro_historico", 50, B32, name="porto small clip"))
    out.append(real_clip("dreieich", 45, B32, name="dreieich small clip"))
    out.append(real_clip("liechtenstein_balzers", 40, B32, name="balzers small clip"))
    out.append(real_clip("kotka_karhula", 45, B32, brownfield=True, name="kotka small clip"))
    out.append(real_clip("porto_centro_historico", 150, B32))
    out.append(real_clip("dreieich", 120, B32))
    out.append(real_clip("liechtenstein_balzers", 100, B32))
    out.append(real_clip("kotka_karhula", 120, B32, brownfield=True))
    return out


#: The two-stage grids small enough for the MILP with joints to prove.
SMALL_CASCADES = {"grid 40 1:4+1:16", "irregular 45 1:4+1:16"}


def joints_instances() -> list[Instance]:
    """The real clips and the small two-stage grids of :func:`small_instances`, and two
    two-stage real clips, planned with the default joints model."""
    small = [
        inst
        for inst in small_instances(False)
        if inst.kind.startswith("real clip") or inst.name in SMALL_CASCADES
    ]
    small.append(real_clip("dreieich", 45, TWO, name="dreieich small clip 1:4+1:16"))
    small.append(real_clip("liechtenstein_balzers", 40, TWO, name="balzers small clip 1:4+1:16"))
    return [replace(i, params=i.params.model_copy(update={"joints": True})) for i in small]


def city_instances(quick: bool) -> list[Instance]:
    """The sample cities, whole (no exact solve)."""
    from fttx_planner.pipeline import existing_infra
    from fttx_planner.samples import get_scenario, load_sample

    slugs = ["liechtenstein_balzers", "dreieich", "porto_centro_historico", "kotka_karhula"]
    if quick:
        slugs = slugs[:1]
    out = []
    for slug in slugs:
        d = load_sample(slug)
        scen = get_scenario(slug)
        infra = None
        base = {}
        if scen.deployment == Deployment.BROWNFIELD and scen.infrastructure_path is not None:
            infra = existing_infra(d, scen.infrastructure_path)
            base = {"deployment": Deployment.BROWNFIELD}
        kind = "city" + (", brownfield" if infra is not None else "")  # architecture: own column
        out.append(Instance(slug, kind, d, B32.model_copy(update=base), infra, exact=False))
        out.append(
            Instance(
                f"{slug} 1:4+1:16",
                kind,
                d,
                TWO.model_copy(update=base),
                infra,
                exact=False,
            )
        )
    return out


def scale_instances(quick: bool) -> list[Instance]:
    """Synthetic districts for time and gap at scale."""
    sizes = [10_000] if quick else [10_000, 100_000]
    return [
        Instance(
            f"synthetic {n // 1000}k",
            "synthetic, irregular",
            grid_district(n, irregular=True, seed=1),
            B32,
            exact=False,
        )
        for n in sizes
    ]


# -- the engine before this work ---------------------------------------------------


@contextmanager
def engine_before() -> Iterator[None]:
    """Plan with Mehlhorn's tree on civil costs and the greedy bottom-up partition."""

    def tree(
        n_nodes: int,
        edge_u: np.ndarray,
        edge_v: np.ndarray,
        edge_w: np.ndarray,
        terminals: np.ndarray,
        roots: int = 0,
        exchange: bool = False,
    ) -> np.ndarray:
        return mehlhorn_tree(n_nodes, edge_u, edge_v, civil_only[0], terminals)

    def last(
        order: np.ndarray,
        parent: np.ndarray,
        _pe: np.ndarray,
        _len: np.ndarray,
        items_at: dict[int, list[Item]],
        _placed: list[Group],
        params: DesignParams,
        _cat: Catalogue,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[Group]:
        return partition_tree(order, parent, items_at, params.homes_per_splitter, cancelled)

    def first(
        order: np.ndarray,
        parent: np.ndarray,
        _pe: np.ndarray,
        _len: np.ndarray,
        lasts: list[Group],
        _h: np.ndarray,
        params: DesignParams,
        _cat: Catalogue,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[Group]:
        items: dict[int, list[Item]] = {}
        for i, g in enumerate(lasts):
            items.setdefault(g.node, []).append((i, 1))
        return partition_tree(order, parent, items, params.stage1_ratio, cancelled)

    civil_only: list[np.ndarray] = [np.zeros(0)]

    def weight(graph: Any, catalogue: Catalogue) -> np.ndarray:
        civil_only[0] = graph.edge_cost_eur
        return graph.edge_cost_eur

    saved = (
        design_mod.steiner_tree,
        design_mod.trench_weight,
        design_mod.partition_last_stage,
        design_mod.partition_first_stage,
    )
    design_mod.steiner_tree = tree
    design_mod.trench_weight = weight
    design_mod.partition_last_stage = last  # type: ignore[assignment]
    design_mod.partition_first_stage = first  # type: ignore[assignment]
    try:
        yield
    finally:
        (
            design_mod.steiner_tree,
            design_mod.trench_weight,
            design_mod.partition_last_stage,
            design_mod.partition_first_stage,
        ) = saved


# -- running -------------------------------------------------------------------------


def plan(inst: Instance) -> tuple[Plan, float]:
    t0 = time.perf_counter()
    p = plan_district(inst.district, inst.params, infra=inst.infra)
    return p, time.perf_counter() - t0


def trench_part(p: Plan, exact: bool, time_limit: float) -> dict[str, Any]:
    """The trench tree alone: Mehlhorn, the engine's method, and the optimum (or its bound)."""
    g = p.graph
    w = trench_weight(g, p.catalogue)
    terms = np.unique(np.append(p.access.node[p.access.node >= 0], g.olt_node))
    terms = np.concatenate([[g.olt_node], terms[terms != g.olt_node]])
    t0 = time.perf_counter()
    meh = float(w[mehlhorn_tree(g.n_nodes, g.edge_u, g.edge_v, w, terms)].sum())
    t_meh = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = float(w[steiner_tree(g.n_nodes, g.edge_u, g.edge_v, w, terms)].sum())
    t_ours = time.perf_counter() - t0
    lb = steiner_lower_bound(g.n_nodes, g.edge_u, g.edge_v, w, terms)
    out: dict[str, Any] = {
        "mehlhorn_eur": meh,
        "ours_eur": ours,
        "bound_eur": lb,
        "mehlhorn_s": t_meh,
        "ours_s": t_ours,
    }
    if exact:
        r = steiner_exact(g.n_nodes, g.edge_u, g.edge_v, w, terms, time_limit_s=time_limit)
        out.update(opt_eur=r.cost_eur, opt_bound_eur=r.bound_eur, opt_status=r.status)
    return out


def run(inst: Instance, time_limit: float) -> dict[str, Any]:
    p, t_engine = plan(inst)
    t0 = time.perf_counter()
    lb = lower_bound(p)
    t_lb = time.perf_counter() - t0
    with engine_before():
        before, t_before = plan(inst)
    res: dict[str, Any] = {
        "name": inst.name,
        "kind": inst.kind,
        "architecture": inst.params.describe(),
        "homes": p.homes_passed,
        "buildings": int(p.buildings["served"].sum()),
        "nodes": p.graph.n_nodes,
        "engine_eur": p.total_cost_eur,
        "engine_s": t_engine,
        "before_eur": before.total_cost_eur,
        "before_s": t_before,
        "bound_eur": lb,
        "bound_s": t_lb,
        "gap_to_bound": (p.total_cost_eur - lb) / p.total_cost_eur,
    }
    if p.homes_passed <= 30_000:
        t0 = time.perf_counter()
        res["naive_eur"] = naive_for_plan(p).total_eur
        res["naive_shared_eur"] = naive_for_plan(p, share_trenches=True).total_eur
        res["naive_s"] = time.perf_counter() - t0
    res["trench"] = trench_part(p, inst.exact, time_limit)
    if inst.exact:
        civil = None
        if inst.infra is not None:
            civil = civil_costs(inst.district, p.catalogue, inst.infra)
        r = exact_for_plan(p, time_limit_s=time_limit, civil=civil)
        res.update(
            exact_status=r.status,
            exact_eur=r.cost_eur,
            exact_bound_eur=r.bound_eur,
            exact_s=r.seconds,
            exact_start_eur=r.start_eur,
            exact_size=list(r.size),
        )
    return res


def run_joints(inst: Instance, time_limit: float) -> dict[str, Any]:
    """A default (joints) plan against the MILP with joints."""
    p, t_engine = plan(inst)
    civil = None
    if inst.infra is not None:
        civil = civil_costs(inst.district, p.catalogue, inst.infra)
    r = exact_for_plan(p, time_limit_s=time_limit, civil=civil)
    return {
        "name": inst.name,
        "kind": inst.kind,
        "architecture": inst.params.describe(),
        "homes": p.homes_passed,
        "engine_eur": p.total_cost_eur,
        "engine_s": t_engine,
        "fdps": len(p.fdps) if p.fdps is not None else 0,
        "closures": len(p.closures) if p.closures is not None else 0,
        "exact_status": r.status,
        "exact_eur": r.cost_eur,
        "exact_bound_eur": r.bound_eur,
        "exact_start_eur": r.start_eur,
        "exact_s": r.seconds,
        "exact_size": list(r.size),
        "exact_fdps": sum(c for _, c in r.fdps),
        "exact_closures": len(r.closures),
    }


def joints_table(results: list[dict[str, Any]], time_limit: float, date: str) -> str:
    """The table of default plans against the MILP with joints."""
    lines = [
        f"Default plans (joints) against the MILP with joints (HiGHS, 2 threads, "
        f"{time_limit:.0f} s, {date}):",
        "",
        "| instance | kind | homes | engine € | engine as the MILP prices it € | MILP best € "
        "| MILP bound € | status | engine above best | engine above MILP bound "
        "| distribution points / closures: engine | MILP | MILP s |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---|---|---:|",
    ]
    for r in results:
        e = r["engine_eur"]
        best = min(r["exact_eur"], e)
        start = r["exact_start_eur"]
        lines.append(
            f"| {r['name']} | {r['kind']} | {r['homes']} | {eur(e)} "
            f"| {eur(start) if start is not None else '–'} | {eur(r['exact_eur'])} "
            f"| {eur(r['exact_bound_eur'])} | {r['exact_status']} | {pct(e / best - 1)} "
            f"| {pct((e - r['exact_bound_eur']) / e)} | {r['fdps']} / {r['closures']} "
            f"| {r['exact_fdps']} / {r['exact_closures']} | {r['exact_s']:.0f} |"
        )
    lines.append("")
    for label, rows in (
        ("One stage", [r for r in results if "1:4+1:16" not in r["name"]]),
        ("Two stages", [r for r in results if "1:4+1:16" in r["name"]]),
    ):
        if not rows:
            continue
        above = [r["engine_eur"] / min(r["exact_eur"], r["engine_eur"]) - 1 for r in rows]
        over = [(r["engine_eur"] - r["exact_bound_eur"]) / r["engine_eur"] for r in rows]
        proven = sum(r["exact_status"] == "optimal" for r in rows)
        lines.append(
            f"{label}: {len(rows)} instances, {proven} proven optimal; engine above the "
            f"MILP's best by {pct(sum(above) / len(above))} on average, "
            f"{pct(max(above))} at worst; above its proven bound at most {pct(max(over))}."
        )
    return "\n".join(lines) + "\n"


# -- reporting -------------------------------------------------------------------------


def pct(x: float) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{100 * x:.2f} %"


def eur(x: float) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{x:,.0f}"


def tables(results: list[dict[str, Any]], time_limit: float) -> str:
    lines = []
    small = [r for r in results if "exact_status" in r]
    big = [r for r in results if "exact_status" not in r]
    if small:
        lines += [
            "### Small instances: engine against the exact MILP "
            f"(HiGHS, 2 threads, {time_limit:.0f} s)",
            "",
            "| instance | kind | homes | engine € | before € | exact: best € | exact: bound € "
            "| status | engine above best | engine above MILP bound | gap to our bound "
            "| saving vs naive | vs naive, shared trenches | engine s | MILP s |",
            "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in small:
            e = r["engine_eur"]
            best = min(r["exact_eur"], e)
            lines.append(
                f"| {r['name']} | {r['kind']}, {short(r['architecture'])} | {r['homes']} "
                f"| {eur(e)} | {eur(r['before_eur'])} | {eur(r['exact_eur'])} "
                f"| {eur(r['exact_bound_eur'])} | {r['exact_status']} | {pct(e / best - 1)} "
                f"| {pct((e - r['exact_bound_eur']) / e)} | {pct(r['gap_to_bound'])} "
                f"| {pct(1 - e / r['naive_eur'])} | {pct(1 - e / r['naive_shared_eur'])} "
                f"| {r['engine_s']:.2f} | {r['exact_s']:.0f} |"
            )
        opt = [r for r in small if r["exact_status"] == "optimal"]
        if opt:
            above = [r["engine_eur"] / r["exact_eur"] - 1 for r in opt]
            before = [r["before_eur"] / r["exact_eur"] - 1 for r in opt]
            lines += [
                "",
                f"Proven optimal: {len(opt)} of {len(small)}. Engine above the optimum: mean "
                f"{pct(float(np.mean(above)))}, worst {pct(float(np.max(above)))} (before this "
                f"work: mean {pct(float(np.mean(before)))}, worst {pct(float(np.max(before)))}).",
            ]
        bounded = [r for r in small if r["exact_status"] != "optimal"]
        if bounded:
            worst = max((r["engine_eur"] - r["exact_bound_eur"]) / r["engine_eur"] for r in bounded)
            lines.append(
                f"Only bounded: {len(bounded)}; there the engine is at most {pct(worst)} above "
                "the MILP's proven bound."
            )
    if big:
        lines += [
            "",
            "### Sample cities and large districts: engine against the bound and the naive "
            "baselines",
            "",
            "| district | architecture | homes | engine € | before € | bound € | gap to bound "
            "| saving vs naive | vs naive, shared trenches | engine s | bound s |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in big:
            e = r["engine_eur"]
            nv = r.get("naive_eur", math.nan)
            ns = r.get("naive_shared_eur", math.nan)
            lines.append(
                f"| {r['name']} | {short(r['architecture'])} | {r['homes']} | {eur(e)} "
                f"| {eur(r['before_eur'])} | {eur(r['bound_eur'])} | {pct(r['gap_to_bound'])} "
                f"| {pct(1 - e / nv)} | {pct(1 - e / ns)} | {r['engine_s']:.2f} "
                f"| {r['bound_s']:.2f} |"
            )
    lines += [
        "",
        "### The trench tree alone (weights: civil cost plus the cheapest cable per metre)",
        "",
        "| instance | Mehlhorn € | engine (SPH + local search) € | optimum or bound € "
        "| Mehlhorn above | engine above | Mehlhorn s | engine s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        t = r["trench"]
        ref = t.get("opt_eur") if t.get("opt_status") == "optimal" else t["bound_eur"]
        tag = "opt" if t.get("opt_status") == "optimal" else "bound"
        lines.append(
            f"| {r['name']} | {eur(t['mehlhorn_eur'])} | {eur(t['ours_eur'])} "
            f"| {eur(ref)} ({tag}) | {pct(t['mehlhorn_eur'] / ref - 1)} "
            f"| {pct(t['ours_eur'] / ref - 1)} | {t['mehlhorn_s']:.2f} | {t['ours_s']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def short(arch: str) -> str:
    return arch.replace("GPON ", "").replace(", greenfield", "").replace(", brownfield", "")


def write_markdown(path: Path, text: str, begin: str = MARK_BEGIN, end: str = MARK_END) -> None:
    block = f"{begin}\n{text}{end}\n"
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if begin in old and end in old:
            head, rest = old.split(begin, 1)
            _, tail = rest.split(end, 1)
            path.write_text(head + block + tail.lstrip("\n"), encoding="utf-8")
            return
        path.write_text(old.rstrip("\n") + "\n\n" + block, encoding="utf-8")
        return
    path.write_text(block, encoding="utf-8")


def merge(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Earlier results with the new ones replacing or joining them (exact ones with exact ones)."""
    fresh = {r["name"]: r for r in new}
    out = [fresh.pop(r["name"], r) for r in old]
    rest = list(fresh.values())
    k = max((i for i, r in enumerate(out) if "exact_status" in r), default=-1) + 1
    out[k:k] = [r for r in rest if "exact_status" in r]
    return out + [r for r in rest if "exact_status" not in r]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a few small instances only")
    ap.add_argument("--time-limit", type=float, default=60.0, help="MILP time limit (s)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "quality.md")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "quality_results.json")
    ap.add_argument("--only", default="", help="run only instances whose name matches this regex")
    ap.add_argument(
        "--merge", action="store_true", help="merge into the JSON results already there"
    )
    ap.add_argument(
        "--tables-only", action="store_true", help="rewrite the tables from the JSON results"
    )
    ap.add_argument(
        "--joints",
        action="store_true",
        help="default (joints) plans of the real clips against the MILP with joints",
    )
    args = ap.parse_args(argv)
    if args.joints:
        main_joints(args)
        return
    if args.tables_only:
        write_markdown(args.out, tables(json.loads(args.json.read_text("utf-8")), args.time_limit))
        return
    instances = (
        small_instances(args.quick) + city_instances(args.quick) + scale_instances(args.quick)
    )
    if args.only:
        instances = [i for i in instances if re.search(args.only, i.name)]
    results = []
    for inst in instances:
        t0 = time.perf_counter()
        r = run(inst, args.time_limit)
        results.append(r)
        print(
            f"{r['name']:<32} homes {r['homes']:>6}  engine {r['engine_eur']:>13,.0f}  "
            f"gap {100 * r['gap_to_bound']:5.2f} %  "
            + (
                f"exact {r['exact_status']} {r['exact_eur']:,.0f} / {r['exact_bound_eur']:,.0f}  "
                if "exact_status" in r
                else ""
            )
            + f"({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
    if args.merge and args.json.exists():
        results = merge(json.loads(args.json.read_text(encoding="utf-8")), results)
    args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    write_markdown(args.out, tables(results, args.time_limit))
    print(f"wrote {args.out} and {args.json}")


def main_joints(args: argparse.Namespace) -> None:
    """``--joints``: run, print and write the joints table."""
    path = args.json.with_name("quality_joints_results.json")
    if args.tables_only:
        saved = json.loads(path.read_text(encoding="utf-8"))
        text = joints_table(saved["results"], saved["time_limit_s"], saved["date"])
        write_markdown(args.out, text, JOINTS_BEGIN, JOINTS_END)
        return
    instances = joints_instances()
    if args.only:
        instances = [i for i in instances if re.search(args.only, i.name)]
    results = []
    for inst in instances:
        r = run_joints(inst, args.time_limit)
        results.append(r)
        print(
            f"{r['name']:<32} homes {r['homes']:>5}  engine {r['engine_eur']:>10,.0f}  "
            f"MILP {r['exact_status']} {r['exact_eur']:,.0f} / {r['exact_bound_eur']:,.0f}  "
            f"({r['exact_s']:.0f} s)",
            flush=True,
        )
    date = time.strftime("%Y-%m-%d", time.gmtime())
    path.write_text(
        json.dumps({"date": date, "time_limit_s": args.time_limit, "results": results}, indent=1),
        encoding="utf-8",
    )
    write_markdown(args.out, joints_table(results, args.time_limit, date), JOINTS_BEGIN, JOINTS_END)
    print(f"wrote {args.out} and {path}")


if __name__ == "__main__":
    main()
