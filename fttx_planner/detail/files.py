"""The detailed design on disk: ``PLAN_DIR/detail/`` (CSV tables and ``detail.json``).

:func:`write_detail` writes every table as CSV (the splice schedule of the
whole plan is ``splices.csv``, the connectivity of every premise unit
``units.csv``) and the metadata as ``detail.json``, each atomically;
:func:`read_detail` reads them back into a :class:`~fttx_planner.detail.model.Detail`.

:func:`fttx_planner.detail.replan.detail_for` gives the detail of a plan
folder, made again when missing (kept apart: it runs the planner).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from fttx_planner.detail.errors import DetailError
from fttx_planner.detail.model import DETAIL_VERSION, Detail
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
