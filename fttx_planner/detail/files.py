"""The detailed design on disk: ``PLAN_DIR/detail/`` (CSV tables and ``detail.json``).

:func:`write_detail` writes every table as CSV (the splice schedule of the
whole plan is ``splices.csv``, the connectivity of every premise unit
``units.csv``) and the metadata as ``detail.json``, each atomically;
:func:`read_detail` reads them back into a :class:`~fttx_planner.detail.model.Detail`.

:func:`detail_for` gives the detail of a plan folder: the written one, or,
for a folder written before the detail existed (or when other ``[detail]`` /
``[naming]`` settings are asked for), the plan is made again from its
``summary.json`` (source and parameters), checked to cost the same as the
folder says, and its detail written into the folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from fttx_planner.detail.errors import DetailError
from fttx_planner.detail.model import DETAIL_VERSION, Detail, build_detail
from fttx_planner.detail.naming import NamingTemplates
from fttx_planner.detail.settings import DetailSettings
from fttx_planner.export.atomic import write_text_atomic

#: Folder of the detail inside a plan folder.
DETAIL_DIR = "detail"


def write_detail(detail: Detail, plan_dir: str | Path) -> list[Path]:
    """Write the detail tables and ``detail.json`` into ``plan_dir/detail/``."""
    out = Path(plan_dir) / DETAIL_DIR
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in Detail.TABLES:
        target = out / f"{name}.csv"
        write_text_atomic(target, getattr(detail, name).to_csv(index=False))
        paths.append(target)
    target = out / "detail.json"
    schema = {
        name: {col: str(dt) for col, dt in getattr(detail, name).dtypes.items()}
        for name in Detail.TABLES
    }
    text = json.dumps({**detail.meta, "tables": schema}, indent=2, ensure_ascii=False)
    write_text_atomic(target, text)
    paths.append(target)
    return paths


def read_detail(plan_dir: str | Path) -> Detail:
    """Read ``plan_dir/detail/``.

    Raises
    ------
    DetailError
        When the folder has no detail or a newer version of it.
    """
    d = Path(plan_dir) / DETAIL_DIR
    meta_path = d / "detail.json"
    if not meta_path.is_file():
        msg = f"{plan_dir} has no detailed design ({meta_path} is missing)"
        raise DetailError(msg)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("format") != "fttx-planner-detail" or int(meta.get("version", 0)) > DETAIL_VERSION:
        msg = f"{meta_path} is not a detail file this version can read"
        raise DetailError(msg)
    schema = meta.pop("tables", {})
    tables: dict[str, Any] = {}
    for name in Detail.TABLES:
        path = d / f"{name}.csv"
        if not path.is_file():
            msg = f"{plan_dir}: the detailed design lacks {path.name}"
            raise DetailError(msg)
        # Names may look like numbers: every column is read as the type it was written.
        dtypes = {c: ("str" if t == "object" else t) for c, t in schema.get(name, {}).items()}
        tables[name] = pd.read_csv(path, keep_default_na=False, dtype=dtypes)
    return Detail(meta=meta, **tables)


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
