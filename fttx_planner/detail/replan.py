"""A plan folder's detailed design, made again from its ``summary.json`` when missing.

:func:`detail_for` gives the detail of a plan folder: the written one, or,
for a folder written before the detail existed (or when other ``[detail]`` /
``[naming]`` settings are asked for), the plan is made again from its
``summary.json`` (source and parameters), checked to cost the same as the
folder says, and its detail written into the folder. Kept apart from
:mod:`fttx_planner.detail.files` because it runs the planner, which the
exports and the report (reading and writing the files) must not import.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from fttx_planner.detail.errors import DetailError
from fttx_planner.detail.files import DETAIL_DIR, read_detail, write_detail
from fttx_planner.detail.model import Detail, build_detail
from fttx_planner.detail.naming import NamingTemplates
from fttx_planner.detail.settings import DetailSettings


def detail_for(
    plan_dir: str | Path,
    settings: DetailSettings | None = None,
    naming: NamingTemplates | None = None,
) -> Detail:
    """The detail of a plan folder, made and written when missing or set otherwise.

    Raises
    ------
    DetailError
        When the folder holds neither a detail nor a ``summary.json`` to
        plan again from, or planning again gives another design.
    """
    plan_dir = Path(plan_dir)
    if not plan_dir.is_dir():
        msg = f"plan folder {plan_dir} does not exist (write one with `fttx-planner plan`)"
        raise DetailError(msg)
    settings = settings or DetailSettings()
    naming = naming or NamingTemplates()
    if (plan_dir / DETAIL_DIR / "detail.json").is_file():
        detail = read_detail(plan_dir)
        if (
            detail.meta.get("settings") == settings.model_dump()
            and detail.meta.get("naming") == naming.model_dump()
        ):
            return detail
    plan = replan(plan_dir)
    detail = build_detail(plan, settings, naming)
    write_detail(detail, plan_dir)
    return detail


def replan(plan_dir: Path) -> Any:
    """Plan again from ``plan_dir/summary.json`` and check it is the same design."""
    from fttx_planner.params import params_from_dict
    from fttx_planner.pipeline import run_plan
    from fttx_planner.samples import list_samples

    summary_path = plan_dir / "summary.json"
    if not summary_path.is_file():
        msg = f"{plan_dir} is not a plan folder (no summary.json)"
        raise DetailError(msg)
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    source = str(summary.get("source", ""))
    district: str = source
    for sc in list_samples():
        if Path(sc.osm_path).resolve() == Path(source).resolve():
            district = sc.slug
    if not district or not (Path(district).is_file() or district != source):
        msg = f"{summary_path}: its source {source!r} is no longer there to plan again from"
        raise DetailError(msg)
    params = params_from_dict(summary["params"], where=f"parameters in {summary_path}")
    print(f"Planning {summary.get('district', district)} again for its detail...", file=sys.stderr)
    plan = run_plan(district, params=params)
    want = float(summary["capex_eur"]["total"])
    if abs(plan.total_cost_eur - want) > max(0.01, 1e-9 * want):
        msg = (
            f"planning {district} again gave another design ({plan.total_cost_eur:,.0f} EUR, the "
            f"folder says {want:,.0f} EUR: a custom catalogue, premises or infrastructure file?); "
            "write the detail when planning instead"
        )
        raise DetailError(msg)
    return plan
