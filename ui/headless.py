"""The application's job without a window: plan a district or project, write every output.

``fttx-planner-gui`` runs it when no window can open (no display, or one that
cannot be reached) and with ``--headless``. It imports no Qt, so it works on
a machine without Qt's system libraries; ``import ui`` loads none either
(see :mod:`ui._pyside_fix`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fttx_planner.plan import Plan


def plan_project(path: Path) -> tuple[Plan, str]:
    """Plan a project file (``.fttx``) as the window would; the plan and the district's label."""
    from fttx_planner.params import Deployment
    from fttx_planner.pipeline import run_plan
    from fttx_planner.samples import get_scenario, load_sample
    from fttx_planner.synthetic import grid_district
    from ui.project import load_project

    project = load_project(path)
    ref = project.district
    infra = ref.infrastructure
    if ref.kind == "sample":
        district = load_sample(ref.slug)
        infra = infra or get_scenario(ref.slug).infrastructure_path
    elif ref.kind == "osm":
        from fttx_planner.osm.load import load_osm

        assert ref.path is not None
        district = load_osm(ref.path)
    else:
        district = grid_district(ref.buildings, irregular=True, seed=ref.seed)
    params = project.design_params
    brownfield = params.deployment == Deployment.BROWNFIELD
    plan = run_plan(
        district,
        params=params,
        infra_file=infra if brownfield else None,
        catalogue=project.catalogue(),
    )
    return plan, ref.label()


def run_headless(district: str | None, out: Path) -> int:
    """Plan a district (sample, OSM file or project), write all outputs; return the status."""
    from fttx_planner import FttxError
    from fttx_planner.export import write_all
    from fttx_planner.pipeline import run_plan
    from fttx_planner.samples import DEFAULT_SAMPLE

    arg = district or DEFAULT_SAMPLE
    try:
        if arg.endswith(".fttx") and Path(arg).is_file():
            plan, name = plan_project(Path(arg))
            slug = Path(arg).name.removesuffix(".fttx")
        else:
            name = arg
            plan = run_plan(arg)
            slug = _slug(arg)
        target = out / slug
        print(f"Planning {plan.district.name} ({name}) and writing its outputs to {target}/ ...")
        paths = write_all(plan, target)
    except FttxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    s = plan.summary()
    c = s["capex_eur"]
    print(f"{s['district']}: {s['architecture']}")
    print(
        f"  {s['homes']['passed']:,} homes passed, {s['splitters']['count']:,} splitters, "
        f"capex {c['total']:,.0f} EUR ({c['per_home_passed']:,.0f} EUR per home passed)"
    )
    print(f"Wrote {len(paths)} files to {target.resolve()}:")
    for p in paths:
        print(f"  {p}")
    print(f"Map data: {plan.district.attribution}")
    return 0


def _slug(arg: str) -> str:
    path = Path(arg)
    if path.is_file():
        name = path.name
        for suffix in (".osm.pbf", ".osm.bz2", ".osm.gz", ".pbf", ".osm", ".xml"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return path.stem
    return arg
